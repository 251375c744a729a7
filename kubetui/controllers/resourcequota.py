"""The resource quota controller (pkg/controller/resourcequota): each ResourceQuota's status.hard is its spec.hard,
and status.used what its namespace holds of those resources now.

Admission charges a quota as objects are written; this controller sets the first figures, gives usage back when a
pod ends or an object goes (replenishment), and recounts everything every five minutes. Pods, Services and claims
are counted from informers; other kinds (``count/deployments.apps``, configmaps, secrets) by a list when it syncs.
"""

from __future__ import annotations

from typing import Any

from kubetui.api import quota
from kubetui.api.meta import parse_timestamp, split_key
from kubetui.api.quantity import canonical
from kubetui.api.resources import BY_PLURAL, RESOURCES, ResourceInfo
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.podutil import index_pods, object_namespace

Obj = dict[str, Any]

RESYNC_SECONDS = 300.0  # --resource-quota-sync-period
_FROM_INFORMERS = ("pods", "services", "persistentvolumeclaims")


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"

    def setup(self) -> None:
        self.quotas = self.informers.informer("resourcequotas")
        self.quotas.add_index("namespace", object_namespace)
        self.quotas.add_handlers(self.enqueue, self._quota_updated, None)
        index_pods(self)
        self.sources = {plural: self.informers.informer(plural) for plural in _FROM_INFORMERS}
        for plural, informer in self.sources.items():
            if plural != "pods":
                informer.add_index("namespace", object_namespace)
            informer.add_handlers(None, self._replenish_on_update(plural), self._replenish)
        self.clock.call_later(RESYNC_SECONDS, self._resync, label="resourcequota resync")

    def _quota_updated(self, old: Obj, new: Obj) -> None:
        if (old.get("spec") or {}) != (new.get("spec") or {}) or not (new.get("status") or {}).get("used"):
            self.enqueue(new)

    def _replenish(self, obj: Obj) -> None:
        """An object went: the quotas of its namespace count again."""
        for item in self.quotas.by_index("namespace", str((obj.get("metadata") or {}).get("namespace", ""))):
            self.enqueue(item)

    def _replenish_on_update(self, plural: str) -> Any:
        info = BY_PLURAL[plural]

        def changed(old: Obj, new: Obj) -> None:
            namespace = str((new.get("metadata") or {}).get("namespace", ""))
            if self.quotas.by_index("namespace", namespace) and self._usage(info, old) != self._usage(info, new):
                self._replenish(new)
        return changed

    def _resync(self) -> None:
        self.clock.call_later(RESYNC_SECONDS, self._resync, label="resourcequota resync")
        for item in self.quotas.list():
            self.enqueue(item)

    def _usage(self, info: ResourceInfo, obj: Obj) -> quota.Usage:
        meta = obj.get("metadata") or {}
        compute = info.plural != "pods" or quota.counts_compute(
            obj, self.clock.now, parse_timestamp(meta.get("deletionTimestamp")))
        return quota.usage(info, obj, compute)

    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        item = self.quotas.get(namespace, name)
        if item is None:
            return
        hard = {resource: canonical_or_raw(q) for resource, q in ((item.get("spec") or {}).get("hard") or {}).items()}
        used = {resource: "0" for resource in hard}
        for info in self._kinds(list(hard)):
            for obj in self._objects(info, namespace):
                if quota.matches(item, info, obj):
                    counted = self._usage(info, obj)
                    used = quota.add(used, {r: q for r, q in counted.items() if r in hard})
        status = {"hard": hard, "used": used}
        if (item.get("status") or {}) == status:
            return
        updated = deep_copy(item)
        updated["status"] = status
        try:
            self.client.update_status("resourcequotas", updated)
        except ApiError as err:
            if err.code in (404, 409):  # gone, or charged meanwhile: the informer's next event brings it back
                self.queue.add(key)
                return
            raise
        self.record(f"ResourceQuota {key}", "usage", ", ".join(f"{r} {used[r]}/{hard[r]}" for r in sorted(hard)),
                    "update status")

    @staticmethod
    def _kinds(hard: list[str]) -> list[ResourceInfo]:
        """The kinds whose objects count towards these resources."""
        return [info for info in RESOURCES if info.namespaced and quota.matching_resources(info, hard)]

    def _objects(self, info: ResourceInfo, namespace: str) -> list[Obj]:
        informer = self.sources.get(info.plural)
        if informer is not None:
            return informer.by_index("namespace", namespace)
        try:
            return list(self.client.list(info.plural, namespace).get("items") or [])
        except ApiError:
            return []


def canonical_or_raw(value: Any) -> str:
    try:
        return canonical(value)
    except (ValueError, TypeError, ArithmeticError):
        return str(value)
