"""The replication controller: the ReplicaSet controller, for core/v1 ReplicationControllers.

Go builds it the same way (``pkg/controller/replication/replication_controller.go``): the
ReplicaSet controller's code, run on ReplicationControllers through conversion adapters. The one
difference a user meets is the selector: a plain label map (``app: web``), matched by equality.
"""

from __future__ import annotations

from kubetui.api.selectors import LabelSelector, SelectorError, selector_from_dict
from kubetui.controllers.replicaset import Obj, ReplicaSetController


class ReplicationManager(ReplicaSetController):
    name = "replication-controller"
    resource, kind, api_version = "replicationcontrollers", "ReplicationController", "v1"

    def selector_of(self, rc: Obj) -> LabelSelector | None:
        """labels.SelectorFromSet(rc.Spec.Selector); an empty map selects nothing here (validation requires one)."""
        selector = (rc.get("spec") or {}).get("selector")
        if not isinstance(selector, dict) or not selector:
            return None
        try:
            return selector_from_dict({"matchLabels": selector})
        except SelectorError:
            return None
