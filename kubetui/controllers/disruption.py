"""The disruption controller: keeps each PodDisruptionBudget's status (pkg/controller/disruption/disruption.go).

For every budget it counts the pods its selector matches in its namespace (those not being deleted), how many
of them are Ready, how many must be, and so how many may be disrupted now: ``kubectl get pdb`` shows that as
ALLOWED DISRUPTIONS, and the DisruptionAllowed condition says why (SufficientPods / InsufficientPods).
A pod's change re-syncs the budgets that select it.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.disruption import budget
from kubetui.api.meta import split_key
from kubetui.api.selectors import SelectorError, selector_from_dict
from kubetui.apiserver.codec import deep_copy
from kubetui.controllers.base import Controller
from kubetui.controllers.podutil import index_pods

Obj = dict[str, Any]


class DisruptionController(Controller):
    name = "disruption-controller"
    event_source = "controllermanager"  # as disruption.go names its recorder

    def setup(self) -> None:
        self.budgets = self.informers.informer("poddisruptionbudgets")
        self.pods = self.informers.informer("pods")
        index_pods(self)
        self.budgets.add_handlers(self.enqueue, lambda _old, new: self.enqueue(new), None)
        self.pods.add_handlers(self._pod_changed, lambda _old, new: self._pod_changed(new), self._pod_changed)

    def _pod_changed(self, pod: Obj) -> None:
        """getPdbForPod: the budgets in the pod's namespace whose selector matches its labels."""
        meta = pod.get("metadata") or {}
        namespace, labels = meta.get("namespace", ""), meta.get("labels") or {}
        for pdb in self.budgets.list():
            if (pdb.get("metadata") or {}).get("namespace") != namespace:
                continue
            selector = self._selector(pdb)
            if selector is not None and selector.matches(labels):
                self.enqueue(pdb)

    @staticmethod
    def _selector(pdb: Obj) -> Any:
        try:
            return selector_from_dict((pdb.get("spec") or {}).get("selector"))
        except SelectorError:
            return None

    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        cached = self.budgets.get(namespace, name)
        if cached is None:
            return
        selector = self._selector(cached)
        pods = [] if selector is None else [
            pod for pod in self.pods.by_index("namespace", namespace)
            if selector.matches((pod.get("metadata") or {}).get("labels") or {})
            and not (pod.get("metadata") or {}).get("deletionTimestamp")
        ]
        if not pods:  # trySync says so at every sync (the event recorder counts the repeats)
            self.event(cached, "Normal", "NoPods", "No matching pods found")
        numbers = budget(cached.get("spec") or {}, pods)
        pdb = deep_copy(cached)
        old = pdb.get("status") or {}
        generation = (pdb.get("metadata") or {}).get("generation")
        allowed = numbers.allowed
        condition = {
            "type": "DisruptionAllowed",
            "status": "True" if allowed > 0 else "False",
            "reason": "SufficientPods" if allowed > 0 else "InsufficientPods",
            "message": "",
            "observedGeneration": generation,
        }
        previous = next((c for c in old.get("conditions") or () if c.get("type") == "DisruptionAllowed"), None)
        same = previous is not None and all(previous.get(k) == v for k, v in condition.items())
        condition["lastTransitionTime"] = (
            previous.get("lastTransitionTime") if previous is not None and previous.get("status") == condition["status"]
            else self.client.now_iso()
        )
        status = {
            "observedGeneration": generation,
            "disruptionsAllowed": allowed,
            "currentHealthy": numbers.healthy,
            "desiredHealthy": numbers.desired,
            "expectedPods": numbers.expected,
            "conditions": [previous if same else condition],
        }
        if old.get("disruptedPods"):
            status["disruptedPods"] = old["disruptedPods"]
        if status == old:
            return
        pdb["status"] = status
        self.client.update_status("poddisruptionbudgets", pdb)
        self.record(f"PodDisruptionBudget {key}", f"{numbers.healthy} healthy of {numbers.expected}",
                    f"{numbers.desired} must stay", f"{allowed} disruptions allowed")
