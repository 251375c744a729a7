"""The ReplicaSet controller: keep ``spec.replicas`` pods running that match the selector.

Follows ``pkg/controller/replicaset/replica_set.go`` (syncReplicaSet, manageReplicas,
slowStartBatch, getPodsToDelete), ``replica_set_utils.go`` (calculateStatus),
``pkg/controller/controller_utils.go`` (ActivePodsWithRanks, RealPodControl) and
``pkg/controller/controller_ref_manager.go`` (adoption and release of pods).

The loop, for one ReplicaSet key:
1. Wait while pods it created or deleted have not come back through the informer (expectations).
2. Claim pods: its own that still match, orphans that match (adopted), its own that stopped
   matching (released).
3. Create the missing pods in slow-start batches (1, 2, 4 ...), or delete the extra ones, the
   least valuable first (unscheduled, pending, not ready, doubled up on a node, young, crashing).
4. Write ``status``: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

from kubetui.api.meta import controller_of, parse_timestamp, split_key
from kubetui.api.selectors import LabelSelector, SelectorError, selector_from_dict
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.controller_ref_manager import RefManager
from kubetui.controllers.expectations import UIDTrackingExpectations
from kubetui.controllers.podutil import (
    controller_uid,
    index_pods,
    is_pod_active,
    is_pod_available,
    is_pod_ready,
    object_namespace,
    pod_from_template,
    slow_start_batch,
)

Obj = dict[str, Any]

BURST_REPLICAS = 500  # replicaset.BurstReplicas: creates or deletes per sync
DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost"
_PHASE_ORDER = {"Pending": 0, "Unknown": 1, "Running": 2}


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# --- which pods go first on scale-down (ActivePodsWithRanks) -----------------------------------------
def _time(value: Any) -> float | None:
    return parse_timestamp(value) if isinstance(value, str) else None


def _ready_time(pod: Obj) -> float | None:
    for cond in (pod.get("status") or {}).get("conditions") or ():
        if cond.get("type") == "Ready" and cond.get("status") == "True":
            return _time(cond.get("lastTransitionTime"))
    return None


def _deletion_cost(pod: Obj) -> int:
    """PodDeletionCost (beta, on by default): pods with a lower cost are deleted first."""
    value = ((pod.get("metadata") or {}).get("annotations") or {}).get(DELETION_COST_ANNOTATION)
    try:
        cost = int(value) if value is not None else 0
    except ValueError:
        return 0
    return cost if -(2**31) <= cost < 2**31 else 0


def _max_restarts(pod: Obj) -> tuple[int, int]:
    """maxContainerRestarts: (most restarts of a regular container, of a sidecar)."""
    status, spec = pod.get("status") or {}, pod.get("spec") or {}
    regular = max((int(c.get("restartCount") or 0) for c in status.get("containerStatuses") or ()), default=0)
    sidecars = {c.get("name") for c in spec.get("initContainers") or () if c.get("restartPolicy") == "Always"}
    sidecar = max((int(c.get("restartCount") or 0) for c in status.get("initContainerStatuses") or ()
                   if c.get("name") in sidecars), default=0)
    return regular, sidecar


def _age_rank(t: float | None, now: float) -> int | None:
    """logarithmicRankDiff's rank (LogarithmicScaleDown, on by default): an age in powers of two of nanoseconds."""
    if t is None:
        return None
    age = (now - t) * 1e9
    return int(math.log2(age)) if age > 0 else -1


def _younger_first(rank1: int | None, rank2: int | None, uid1: str, uid2: str) -> bool:
    """afterOrZero with logarithmic buckets: missing time first, then the younger, uid breaks bucket ties."""
    if rank1 is None or rank2 is None:
        return rank1 is None
    if rank1 == rank2:
        return uid1 < uid2
    return rank1 < rank2


@dataclass(frozen=True, slots=True)
class _Victim:
    """What ActivePodsWithRanks.Less looks at in one pod, read once per ranking instead of once per comparison."""

    pod: Obj
    assigned: bool
    phase: int
    ready: bool
    cost: int
    rank: int  # active pods of the same owner on the pod's node
    ready_time: float | None
    ready_age: int | None  # _age_rank of ready_time
    restarts: tuple[int, int]
    created: float | None
    created_age: int | None
    uid: str

    @classmethod
    def of(cls, pod: Obj, rank: int, now: float) -> _Victim:
        ready = is_pod_ready(pod)
        ready_time = _ready_time(pod) if ready else None
        created = _time(pod["metadata"].get("creationTimestamp"))
        return cls(
            pod,
            bool((pod.get("spec") or {}).get("nodeName")),
            _PHASE_ORDER.get((pod.get("status") or {}).get("phase", ""), 0),
            ready,
            _deletion_cost(pod),
            rank,
            ready_time,
            _age_rank(ready_time, now),
            _max_restarts(pod),
            created,
            _age_rank(created, now),
            str(pod["metadata"].get("uid", "")),
        )


def _less(a: _Victim, b: _Victim) -> bool:
    """ActivePodsWithRanks.Less (pkg/controller/controller_utils.go): True when ``a`` should be deleted before ``b``."""
    if a.assigned != b.assigned:
        return not a.assigned  # 1. unassigned < assigned
    if a.phase != b.phase:
        return a.phase < b.phase  # 2. Pending < Unknown < Running
    if a.ready != b.ready:
        return not a.ready  # 3. not ready < ready
    if a.cost != b.cost:
        return a.cost < b.cost  # 4. lower pod-deletion-cost first
    if a.rank != b.rank:
        return a.rank > b.rank  # 5. doubled up on a node < alone
    if a.ready and b.ready and a.ready_time != b.ready_time:
        return _younger_first(a.ready_age, b.ready_age, a.uid, b.uid)  # 6. ready for less time first
    if a.restarts != b.restarts:
        return a.restarts > b.restarts  # 7. more restarts first (regular containers, then sidecars)
    if a.created != b.created:
        return _younger_first(a.created_age, b.created_age, a.uid, b.uid)  # 8. newer first
    return False


def rank_pods_for_deletion(pods: list[Obj], related: list[Obj], now: float) -> list[Obj]:
    """getPodsRankedByRelatedPodsOnSameNode + sort: the pods to delete first come first.

    ``related`` are the pods of every ReplicaSet of the same owner: a pod sharing its node with
    many of them is a better victim than one alone on its node.
    """
    on_node: dict[str, int] = {}
    for pod in related:
        if is_pod_active(pod):
            node = (pod.get("spec") or {}).get("nodeName") or ""
            on_node[node] = on_node.get(node, 0) + 1
    victims = [_Victim.of(pod, on_node.get((pod.get("spec") or {}).get("nodeName") or "", 0), now) for pod in pods]

    def compare(x: _Victim, y: _Victim) -> int:
        if _less(x, y):
            return -1
        return 1 if _less(y, x) else 0

    return [victim.pod for victim in sorted(victims, key=functools.cmp_to_key(compare))]


def pods_to_delete(pods: list[Obj], related: list[Obj], count: int, now: float) -> list[Obj]:
    """getPodsToDelete: no ranking needed when every pod goes."""
    if count < len(pods):
        pods = rank_pods_for_deletion(pods, related, now)
    return pods[:count]


def selector_or_none(obj: Obj) -> LabelSelector | None:
    try:
        return selector_from_dict((obj.get("spec") or {}).get("selector"))
    except SelectorError:
        return None


def _namespace_terminating(err: ApiError) -> bool:
    """The NamespaceTerminatingCause: creates into a namespace being deleted fail, quietly."""
    return err.code == 403 and "because it is being terminated" in err.message


# --- the controller ------------------------------------------------------------------------------
class ReplicaSetController(Controller):
    name = "replicaset-controller"
    burst_replicas = BURST_REPLICAS
    # What it manages: ReplicaSets here; ReplicationControllers in the subclass that Go builds the same way.
    resource, kind, api_version = "replicasets", "ReplicaSet", "apps/v1"

    def setup(self) -> None:
        self.expectations = UIDTrackingExpectations(self.clock)
        self.replicasets = self.informers.informer(self.resource)
        self.replicasets.add_index("namespace", object_namespace)
        self.replicasets.add_index("owner-uid", controller_uid)
        self.replicasets.add_handlers(self.enqueue, self._rs_updated, self._rs_deleted)
        self.pods = self.informers.informer("pods")
        index_pods(self)
        self.pods.add_handlers(self._pod_added, self._pod_updated, self._pod_deleted)

    def selector_of(self, rs: Obj) -> LabelSelector | None:
        return selector_or_none(rs)

    # -- event handlers: they only work out which ReplicaSet to look at ------------------------------
    def _rs_updated(self, old: Obj, new: Obj) -> None:
        if old["metadata"].get("uid") != new["metadata"].get("uid"):
            self._rs_deleted(old)  # deleted and recreated under the same name
        self.enqueue(new)

    def _rs_deleted(self, rs: Obj) -> None:
        key = f"{rs['metadata'].get('namespace')}/{rs['metadata']['name']}"
        self.expectations.delete(key)
        self.queue.add(key)

    def _resolve(self, namespace: str, ref: Obj | None) -> Obj | None:
        """resolveControllerRef: the ReplicaSet a controllerRef points to, if it is still that one."""
        if ref is None or ref.get("kind") != self.kind or ref.get("apiVersion") != self.api_version:
            return None
        rs = self.replicasets.get(namespace, str(ref.get("name", "")))
        if rs is None or rs["metadata"].get("uid") != ref.get("uid"):
            return None
        return rs

    def _matching_replicasets(self, pod: Obj) -> list[Obj]:
        """getPodReplicaSets: ReplicaSets whose selector matches an orphan pod (candidates to adopt it)."""
        labels = pod["metadata"].get("labels") or {}
        found = []
        for rs in self.replicasets.by_index("namespace", pod["metadata"].get("namespace", "")):
            selector = self.selector_of(rs)
            if selector is not None and not selector.is_empty() and selector.matches(labels):
                found.append(rs)
        return found

    def _pod_added(self, pod: Obj) -> None:
        if pod["metadata"].get("deletionTimestamp"):
            self._pod_deleted(pod)  # seen for the first time already being deleted (a relist)
            return
        ref = controller_of(pod)
        if ref is not None:
            rs = self._resolve(pod["metadata"].get("namespace", ""), ref)
            if rs is not None:
                key = _key(rs)
                self.expectations.creation_observed(key)
                self.queue.add(key)
            return
        for rs in self._matching_replicasets(pod):
            self.enqueue(rs)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return  # a resync: nothing changed
        labels_changed = old["metadata"].get("labels") != new["metadata"].get("labels")
        if new["metadata"].get("deletionTimestamp"):
            self._pod_deleted(new)
            if labels_changed:
                self._pod_deleted(old)
            return
        ref, old_ref = controller_of(new), controller_of(old)
        namespace = new["metadata"].get("namespace", "")
        if ref != old_ref and old_ref is not None:
            previous = self._resolve(namespace, old_ref)
            if previous is not None:
                self.enqueue(previous)
        if ref is not None:
            rs = self._resolve(namespace, ref)
            if rs is None:
                return
            self.enqueue(rs)
            min_ready = int((rs.get("spec") or {}).get("minReadySeconds") or 0)
            if min_ready > 0 and not is_pod_ready(old) and is_pod_ready(new):
                # Nothing else happens when a pod turns available: look again once it has.
                self.queue.add_after(_key(rs), min_ready + 1)
            return
        if labels_changed or ref != old_ref:
            for rs in self._matching_replicasets(new):
                self.enqueue(rs)

    def _pod_deleted(self, pod: Obj) -> None:
        rs = self._resolve(pod["metadata"].get("namespace", ""), controller_of(pod))
        if rs is None:
            return
        key = _key(rs)
        self.expectations.deletion_observed(key, _key(pod))
        self.queue.add(key)

    # -- the sync --------------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        rs = self.replicasets.get(namespace, name)
        if rs is None:
            self.expectations.delete(key)
            return
        selector = self.selector_of(rs)
        if selector is None:
            return  # invalid selectors are rejected by validation; nothing sensible to do
        needs_sync = self.expectations.satisfied(key)
        candidates = [p for p in self._candidates(rs) if is_pod_active(p)]
        refs = RefManager(self, rs, self.resource, selector, "pods")
        replicas = int((rs.get("spec") or {}).get("replicas", 1))
        error: ApiError | None = None
        try:
            pods = refs.claim(candidates)
        except ApiError as err:
            pods, error = [], err
        actions = [f"adopt pod {n}" for n in refs.adopted] + [f"release pod {n}" for n in refs.released]
        if error is not None:
            self.record(f"{self.kind} {key}", "claiming pods", plural(replicas, "replica"),
                        "; ".join([*actions, f"error: {error.message}"]))
            raise error
        if needs_sync and not rs["metadata"].get("deletionTimestamp"):
            error = self._manage_replicas(rs, key, pods, replicas, actions)
        status_changed = self._update_status(rs, pods, error)
        if status_changed:
            actions.append("update status")
        if actions:
            ready = sum(1 for p in pods if is_pod_ready(p))
            self.record(f"{self.kind} {key}", f"{plural(len(pods), 'pod')}, {ready} ready",
                        plural(replicas, "replica"), "; ".join(actions))
        if error is not None:
            raise error

    def _candidates(self, rs: Obj) -> list[Obj]:
        """The pods claimPods can care about: its own (by controllerRef) and orphans in its namespace."""
        owned = self.pods.by_index("owner-uid", str(rs["metadata"].get("uid", "")))
        orphans = self.pods.by_index("orphans-by-namespace", str(rs["metadata"].get("namespace", "")))
        return owned + orphans

    def _manage_replicas(self, rs: Obj, key: str, pods: list[Obj], replicas: int,
                         actions: list[str]) -> ApiError | None:
        """manageReplicas: create or delete pods to close the gap, at most burstReplicas at a time."""
        diff = len(pods) - replicas
        if diff < 0:
            return self._create_pods(rs, key, min(-diff, self.burst_replicas), actions)
        if diff > 0:
            return self._delete_pods(rs, key, pods, min(diff, self.burst_replicas), actions)
        return None

    def _create_pods(self, rs: Obj, key: str, count: int, actions: list[str]) -> ApiError | None:
        self.expectations.expect_creations(key, count)
        template = (rs.get("spec") or {}).get("template") or {}
        created: list[str] = []
        failures: list[ApiError] = []

        def attempt(_: int) -> bool:
            pod = pod_from_template(template, rs)
            try:
                stored = self.client.create("pods", pod)
            except ApiError as err:
                if _namespace_terminating(err):
                    return True  # every create will fail; nothing to report
                failures.append(err)
                self.event(rs, "Warning", "FailedCreate", f"Error creating: {err.message}")
                return False
            created.append(stored["metadata"]["name"])
            self.event(rs, "Normal", "SuccessfulCreate", f"Created pod: {stored['metadata']['name']}")
            return True

        slow_start_batch(count, attempt)
        for _ in range(count - len(created)):
            self.expectations.creation_observed(key)  # never created: the informer will not see them
        if created:
            actions.append(f"create {plural(len(created), 'pod')}")
        if failures:
            actions.append(f"{plural(len(failures), 'create')} failed: {failures[0].message}")
            return failures[0]
        return None

    def _delete_pods(self, rs: Obj, key: str, pods: list[Obj], count: int,
                     actions: list[str]) -> ApiError | None:
        victims = pods_to_delete(pods, self._related_pods(rs), count, self.clock.now)
        self.expectations.expect_deletions(key, [_key(p) for p in victims])
        deleted: list[str] = []
        failure: ApiError | None = None
        for pod in victims:
            pod_name = pod["metadata"]["name"]
            try:
                self.client.delete("pods", pod["metadata"].get("namespace", ""), pod_name)
            except ApiError as err:
                self.expectations.deletion_observed(key, _key(pod))
                if err.code != 404:
                    self.event(rs, "Warning", "FailedDelete", f"Error deleting: {err.message}")
                    failure = failure or err
                continue
            deleted.append(pod_name)
            self.event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {pod_name}")
        if deleted:
            actions.append(f"delete {plural(len(deleted), 'pod')} ({', '.join(deleted)})")
        if failure is not None:
            actions.append(f"delete failed: {failure.message}")
        return failure

    def _related_pods(self, rs: Obj) -> list[Obj]:
        """getIndirectlyRelatedPods: pods of every ReplicaSet with the same owner (a Deployment's history)."""
        owner = controller_of(rs)
        siblings = self.replicasets.by_index("owner-uid", str(owner.get("uid"))) if owner else [rs]
        related: list[Obj] = []
        for sibling in siblings:
            related += self.pods.by_index("owner-uid", str(sibling["metadata"].get("uid", "")))
        return related

    def _update_status(self, rs: Obj, pods: list[Obj], error: ApiError | None) -> bool:
        """calculateStatus + updateReplicaSetStatus; returns True if it wrote."""
        spec = rs.get("spec") or {}
        template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        min_ready = int(spec.get("minReadySeconds") or 0)
        now = self.clock.now
        fully_labeled = sum(1 for p in pods if _has_labels(p, template_labels))
        ready = [p for p in pods if is_pod_ready(p)]
        available = sum(1 for p in ready if is_pod_available(p, min_ready, now))
        old = rs.get("status") or {}
        status: Obj = {"replicas": len(pods)}
        for field, value in (("fullyLabeledReplicas", fully_labeled), ("readyReplicas", len(ready)),
                             ("availableReplicas", available),
                             ("observedGeneration", int(rs["metadata"].get("generation") or 0))):
            if value:
                status[field] = value
        conditions = [c for c in old.get("conditions") or () if c.get("type") != "ReplicaFailure"]
        failure = next((c for c in old.get("conditions") or () if c.get("type") == "ReplicaFailure"), None)
        if error is not None and failure is None:
            reason = "FailedCreate" if len(pods) < int(spec.get("replicas", 1)) else "FailedDelete"
            failure = {"type": "ReplicaFailure", "status": "True", "reason": reason, "message": error.message,
                       "lastTransitionTime": self.client.now_iso()}
        if failure is not None and error is not None:
            conditions.append(failure)
        if conditions:
            status["conditions"] = conditions
        if status == old:
            self._requeue_for_availability(rs, status, error)
            return False
        updated = deep_copy(rs)
        updated["status"] = status
        stored = self.client.update_status(self.resource, updated)
        self._requeue_for_availability(stored, status, error)
        return True

    def _requeue_for_availability(self, rs: Obj, status: Obj, error: ApiError | None) -> None:
        """Look again after minReadySeconds when every pod is ready but not all are available yet."""
        spec = rs.get("spec") or {}
        min_ready = int(spec.get("minReadySeconds") or 0)
        replicas = int(spec.get("replicas", 1))
        if error is None and min_ready > 0 and status.get("readyReplicas", 0) == replicas and (
            status.get("availableReplicas", 0) != replicas
        ):
            self.queue.add_after(_key(rs), min_ready)


def _key(obj: Obj) -> str:
    return f"{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"


def _has_labels(pod: Obj, labels: dict[str, str]) -> bool:
    pod_labels = pod["metadata"].get("labels") or {}
    return all(pod_labels.get(k) == v for k, v in labels.items())

