"""The namespace controller: empty a Terminating namespace, then finalize it so the API server removes it.

Follows ``pkg/controller/namespace/namespace_controller.go`` and
``deletion/namespaced_resources_deleter.go`` (Delete, deleteAllContent, the namespace conditions
and the ``kubernetes`` finalizer). ``kubectl delete namespace`` only sets a deletionTimestamp:
the namespace stays (phase Terminating) while this controller deletes every namespaced object
in it, pass after pass, until nothing is left; then it removes ``spec.finalizers`` through the
``finalize`` subresource and the API server deletes the namespace.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.resources import RESOURCES, ResourceInfo
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.replicaset import plural

Obj = dict[str, Any]

FINALIZER = "kubernetes"  # v1.FinalizerKubernetes, in spec.finalizers
DELETION_GRACE_PERIOD = 5.0  # namespaceDeletionGracePeriod: let admission on every API server see it first
FINALIZER_ESTIMATE_SECONDS = 15  # a remaining object with finalizers: give the garbage collector time
NOT_DELETED = frozenset({"bindings"})  # a subresource in disguise: nothing is stored under it

# (type, reason and message when all is well), in the order Kubernetes lists them.
CONDITIONS = (
    ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"),
    ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions",
     "All legacy kube types successfully parsed"),
    ("NamespaceDeletionContentFailure", "ContentDeleted",
     "All content successfully deleted, may be waiting on finalization"),
    ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
    ("NamespaceFinalizersRemaining", "ContentHasNoFinalizers", "All content-preserving finalizers finished"),
)


def namespaced_resources() -> list[ResourceInfo]:
    """What discovery would list: every namespaced resource that can be listed and deleted."""
    return [info for info in RESOURCES if info.namespaced and info.plural not in NOT_DELETED]


class NamespaceController(Controller):
    name = "namespace-controller"

    def setup(self) -> None:
        self.namespaces = self.informers.informer("namespaces")
        self.namespaces.add_handlers(self._changed, lambda _old, new: self._changed(new))

    def _changed(self, ns: Obj) -> None:
        if ns["metadata"].get("deletionTimestamp"):
            self.queue.add_after(ns["metadata"]["name"], DELETION_GRACE_PERIOD)

    def reconcile(self, key: str) -> None:
        if self.namespaces.get("", key) is None:
            return
        try:
            ns = self.client.get("namespaces", "", key)
        except ApiError as err:
            if err.code == 404:
                return
            raise
        if not ns["metadata"].get("deletionTimestamp") or not (ns.get("spec") or {}).get("finalizers"):
            return
        deleted, remaining, finalizers, estimate, failures = self._delete_all_content(key)
        ns = self._update_conditions(ns, remaining, finalizers, failures)
        counts = ", ".join(plural(n, kind) for kind, n in sorted(deleted.items()))
        actions = [f"delete {counts}"] if deleted else []
        left = sum(remaining.values())
        if failures:
            self._record(key, left, [*actions, f"error: {failures[0].message}"])
            raise failures[0]
        if left:
            self._record(key, left, [*actions, f"check again in {estimate // 2 + 1}s"])
            self.queue.add_after(key, estimate // 2 + 1)  # ResourcesRemainingError
            return
        self._finalize(ns)
        self._record(key, 0, [*actions, f"remove finalizer {FINALIZER!r} (the API server then deletes it)"])

    def _record(self, name: str, left: int, actions: list[str]) -> None:
        self.record(f"Namespace {name}", f"Terminating, {plural(left, 'object')} left",
                    "empty, then finalized",
                    "; ".join(actions))

    def _delete_all_content(
        self, namespace: str
    ) -> tuple[dict[str, int], dict[str, int], dict[str, int], int, list[ApiError]]:
        """deleteAllContent: delete every object of every namespaced resource; count what is left.

        Returns (deleted per kind, remaining per resource, remaining per finalizer, seconds to
        wait, errors).
        """
        deleted: dict[str, int] = {}
        remaining: dict[str, int] = {}
        finalizers: dict[str, int] = {}
        failures: list[ApiError] = []
        estimate = 0
        for info in namespaced_resources():
            items = self.client.list(info.plural, namespace)["items"]
            if not items:
                continue
            resource_estimate = _grace_estimate(items) if info.plural == "pods" else 0
            for obj in items:
                if obj["metadata"].get("deletionTimestamp"):
                    continue  # Simplification: an item already being deleted is skipped (Go deletes it again each pass)
                try:
                    self.client.delete(info.plural, namespace, obj["metadata"]["name"],
                                       propagation_policy="Background")
                except ApiError as err:
                    if err.code != 404:
                        failures.append(err)
                    continue
                deleted[info.kind.lower()] = deleted.get(info.kind.lower(), 0) + 1
            left = self.client.list(info.plural, namespace)["items"]
            if not left:
                continue
            remaining[f"{info.plural}.{info.group}"] = len(left)
            for obj in left:
                for finalizer in obj["metadata"].get("finalizers") or ():
                    finalizers[finalizer] = finalizers.get(finalizer, 0) + 1
            if not resource_estimate and any(obj["metadata"].get("finalizers") for obj in left):
                resource_estimate = FINALIZER_ESTIMATE_SECONDS
            estimate = max(estimate, resource_estimate)
        return deleted, remaining, finalizers, estimate, failures

    def _update_conditions(self, ns: Obj, remaining: dict[str, int], finalizers: dict[str, int],
                           failures: list[ApiError]) -> Obj:
        """namespaceConditionUpdater: the five deletion conditions, "ok" unless something is wrong."""
        problems: dict[str, tuple[str, str]] = {}
        if failures:
            problems["NamespaceDeletionContentFailure"] = (
                "ContentDeletionFailed",
                f"Failed to delete all resource types, {len(failures)} remaining: "
                + ", ".join(f.message for f in failures))
        if remaining:
            counts = sorted(f"{resource} has {n} resource instances" for resource, n in remaining.items())
            problems["NamespaceContentRemaining"] = (
                "SomeResourcesRemain", "Some resources are remaining: " + ", ".join(counts))
        if finalizers:
            counts = sorted(f"{finalizer} in {n} resource instances" for finalizer, n in finalizers.items())
            problems["NamespaceFinalizersRemaining"] = (
                "SomeFinalizersRemain",
                "Some content in the namespace has finalizers remaining: " + ", ".join(counts))
        status = deep_copy(ns.get("status") or {})
        conditions: list[Obj] = list(status.get("conditions") or [])
        changed = False
        now = self.client.now_iso()
        for ctype, ok_reason, ok_message in CONDITIONS:
            value, (reason, message) = ("True", problems[ctype]) if ctype in problems else (
                "False", (ok_reason, ok_message))
            current = next((c for c in conditions if c.get("type") == ctype), None)
            seen = current and (current.get("status"), current.get("reason"), current.get("message"))
            if seen == (value, reason, message):
                continue
            wanted = {"type": ctype, "status": value, "lastTransitionTime": now, "reason": reason,
                      "message": message}
            conditions = [wanted if c is current else c for c in conditions] if current is not None else [
                *conditions, wanted]
            changed = True
        if not changed:
            return ns
        status["conditions"] = conditions
        updated = deep_copy(ns)
        updated["status"] = status
        return self.client.update_status("namespaces", updated)

    def _finalize(self, ns: Obj) -> None:
        """finalizeNamespace: drop our finalizer via namespaces/finalize; with none left, it is deleted."""
        updated = deep_copy(ns)
        updated["spec"]["finalizers"] = [f for f in ns["spec"].get("finalizers") or () if f != FINALIZER]
        try:
            self.client.server.update(self.client.identity, "namespaces", "", ns["metadata"]["name"], updated,
                                      subresource="finalize")
        except ApiError as err:
            if err.code != 404:
                raise


def _grace_estimate(pods: list[Obj]) -> int:
    """estimateGracefulTerminationForPods: the longest grace period among pods still running."""
    estimate = 0
    for pod in pods:
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        grace = (pod.get("spec") or {}).get("terminationGracePeriodSeconds")
        if isinstance(grace, int):
            estimate = max(estimate, grace)
    return estimate
