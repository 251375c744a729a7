"""The PV protection controller: a volume bound to a claim is not removed while it is bound.

Follows ``pkg/controller/volume/pvprotection/pv_protection_controller.go``: every new PersistentVolume gets the
``kubernetes.io/pv-protection`` finalizer at admission; when one is being deleted and its phase is not Bound,
this controller removes the finalizer.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.storage import PV_PROTECTION_FINALIZER
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller

Obj = dict[str, Any]


class PVProtectionController(Controller):
    name = "pv-protection-controller"

    def setup(self) -> None:
        self.volumes = self.informers.informer("persistentvolumes")
        self.volumes.add_handlers(self._volume, lambda _old, new: self._volume(new), None)

    def _volume(self, pv: Obj) -> None:
        meta = pv["metadata"]
        if meta.get("deletionTimestamp") and PV_PROTECTION_FINALIZER in (meta.get("finalizers") or ()):
            self.queue.add(meta["name"])

    def reconcile(self, key: str) -> None:
        pv = self.volumes.get("", key)
        if pv is None:
            return
        meta = pv["metadata"]
        if not meta.get("deletionTimestamp") or PV_PROTECTION_FINALIZER not in (meta.get("finalizers") or ()):
            return
        if (pv.get("status") or {}).get("phase") == "Bound":
            self.record(f"PersistentVolume {key}", "being deleted, Bound", "unbound", "keep the finalizer")
            return
        updated = deep_copy(pv)
        updated["metadata"]["finalizers"] = [f for f in meta.get("finalizers") or () if f != PV_PROTECTION_FINALIZER]
        try:
            self.client.update("persistentvolumes", updated)
        except ApiError as err:
            if err.code == 404:
                return
            raise
        self.record(f"PersistentVolume {key}", "being deleted, not bound", "gone",
                    f"remove finalizer {PV_PROTECTION_FINALIZER}")
