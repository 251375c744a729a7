"""The StatefulSet controller: pods with stable names (web-0, web-1, ...), started and stopped in order.

Follows ``pkg/controller/statefulset/stateful_set_control.go`` (updateStatefulSet,
processReplica, processCondemned, the rolling update from the highest ordinal down to the
partition) and ``stateful_set_utils.go`` (pod identity and revision labels):

* OrderedReady (the default): web-N is created only once web-0..N-1 are Running and Ready, and
  scale-down removes the highest ordinal first, one at a time, only while the others are healthy;
* Parallel: every missing pod is created, every extra one deleted, without waiting;
* a deleted pod comes back with the same name; a failed or succeeded one is deleted to be recreated;
* revisions (getStatefulSetRevisions, truncateHistory, newVersionedStatefulSetPod): each template is a
  ControllerRevision ``<set>-<hash of its data>``; status.currentRevision and updateRevision name them, and
  a pod created below the partition gets the *current* revision's template (ApplyRevision), so a canary
  or staged rollout keeps the old version where the partition says.

Storage (volumeClaimTemplates and the claim retention policy) is in ``statefulset_storage.py``.

Simplification: no maxUnavailable (alpha), no identity repair of existing pods.
Simplification: a sync that adopts or releases pods or revisions ends there; the next, once the informers have
seen the new owner references, manages them (Go goes on with the claimed objects in the same sync).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kubetui.api.meta import controller_of, split_key
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.controller_ref_manager import adopters_of, claim_pods_and_revisions
from kubetui.controllers.history import (
    History,
    apply_revision,
    equal_revision,
    find_equal_revisions,
    history_limit,
    new_revision,
    next_revision,
    revision_number,
    sort_revisions,
    template_patch,
)
from kubetui.controllers.podutil import (
    index_pods,
    is_pod_available,
    is_pod_ready,
    is_terminating,
    object_namespace,
    phase_of,
    pod_from_template,
    slow_start_batch,
)
from kubetui.controllers.statefulset_storage import (
    add_claim_volumes,
    create_missing_claims,
    pod_claim_is_stale,
    sync_pod_claims,
)

Obj = dict[str, Any]

LABEL_POD_NAME = "statefulset.kubernetes.io/pod-name"
LABEL_POD_INDEX = "apps.kubernetes.io/pod-index"
LABEL_REVISION_HASH = "controller-revision-hash"
_ORDINAL = re.compile(r"^(.*)-([0-9]+)$")


def ordinal_of(set_name: str, pod: Obj) -> int:
    """getParentNameAndOrdinal: web-3 of StatefulSet web is 3; anything else is -1."""
    match = _ORDINAL.match(pod["metadata"]["name"])
    if match is None or match.group(1) != set_name:
        return -1
    return int(match.group(2))


def is_created(pod: Obj) -> bool:
    return phase_of(pod) != ""


def running_and_ready(pod: Obj) -> bool:
    return phase_of(pod) == "Running" and is_pod_ready(pod)


def running_and_available(pod: Obj, min_ready: int, now: float) -> bool:
    return phase_of(pod) == "Running" and is_pod_available(pod, min_ready, now)


def unavailable(pod: Obj, min_ready: int, now: float) -> bool:
    return not running_and_available(pod, min_ready, now) or is_terminating(pod)


def revision_of(pod: Obj) -> str:
    return str((pod["metadata"].get("labels") or {}).get(LABEL_REVISION_HASH, ""))


class StatefulSetController(Controller):
    name = "statefulset-controller"

    def setup(self) -> None:
        self.statefulsets = self.informers.informer("statefulsets")
        self.pods = self.informers.informer("pods")
        self.claims = self.informers.informer("persistentvolumeclaims")
        index_pods(self)
        self.history = History(self)
        self.statefulsets.add_index("namespace", object_namespace)
        self.statefulsets.add_handlers(self.enqueue, lambda _old, new: self.enqueue(new), None)
        self.pods.add_handlers(self._pod_changed, self._pod_updated, self._pod_changed)

    def _pod_changed(self, pod: Obj) -> None:
        ref = next((r for r in pod["metadata"].get("ownerReferences") or () if r.get("controller")), None)
        if ref is not None and ref.get("kind") == "StatefulSet":
            self.queue.add(f"{pod['metadata'].get('namespace', '')}/{ref.get('name', '')}")
        elif ref is None and not pod["metadata"].get("deletionTimestamp"):
            self._enqueue_adopters(pod)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        old_ref, new_ref = controller_of(old), controller_of(new)
        if old_ref != new_ref and old_ref is not None and old_ref.get("kind") == "StatefulSet":
            self.queue.add(f"{old['metadata'].get('namespace', '')}/{old_ref.get('name', '')}")
        if new_ref is not None or old["metadata"].get("labels") != new["metadata"].get("labels") \
                or old_ref != new_ref:
            self._pod_changed(new)

    def _enqueue_adopters(self, pod: Obj) -> None:
        """The sets that may adopt an orphan pod: their selector matches it and it is named after them."""
        for sts in adopters_of(self.statefulsets, pod, lambda sts, p: ordinal_of(sts["metadata"]["name"], p) >= 0):
            self.enqueue(sts)

    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        sts = self.statefulsets.get(namespace, name)
        if sts is None:
            return
        selector = (sts.get("spec") or {}).get("selector") or {}
        if not (selector.get("matchLabels") or selector.get("matchExpressions")):
            return  # an empty selector matches everything: refuse, as Kubernetes does
        if self._claim(sts):
            self.queue.add(key)  # the informers bring the new owner references; sync again then
            return
        Sync(self, key, sts).run()

    def _claim(self, sts: Obj) -> bool:
        """adoptOrphanRevisions and getPodsForStatefulSet: adopt and release (claim_pods_and_revisions), only pods
        named after this set. True if anything changed."""
        name = sts["metadata"]["name"]
        return bool(claim_pods_and_revisions(self, self.history, sts, "statefulsets",
                                             member=lambda p: ordinal_of(name, p) >= 0))


class Sync:
    """One updateStatefulSet pass over one StatefulSet."""

    def __init__(self, controller: StatefulSetController, key: str, sts: Obj) -> None:
        self.c = controller
        self.key = key
        self.sts = sts
        self.name = sts["metadata"]["name"]
        self.namespace = sts["metadata"].get("namespace", "")
        self.spec: Obj = sts.get("spec") or {}
        self.now = controller.clock.now
        self.min_ready = int(self.spec.get("minReadySeconds") or 0)
        self.actions: list[str] = []
        self.revisions = sort_revisions(controller.history.list(sts))
        self.collision_count = int((sts.get("status") or {}).get("collisionCount") or 0)
        current, update = self._revisions()
        self.current_revision = current["metadata"]["name"]
        self.update_revision = update["metadata"]["name"]
        self.current_set = apply_revision(sts, current)
        self.update_set = apply_revision(sts, update)
        self.pods = [p for p in controller.pods.by_index("owner-uid", sts["metadata"].get("uid", ""))
                     if ordinal_of(self.name, p) >= 0]

    def _revisions(self) -> tuple[Obj, Obj]:
        """getStatefulSetRevisions: (current, update); the update revision is made, or an equal older one
        renumbered as the newest (a rollback), unless it already is the newest."""
        revisions = self.revisions
        template_labels = ((self.spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
        update = new_revision(self.sts, dict(template_labels), template_patch(self.sts),
                              next_revision(revisions), self.collision_count)
        if self.sts["metadata"].get("annotations"):
            update["metadata"]["annotations"] = dict(self.sts["metadata"]["annotations"])
        equal = find_equal_revisions(revisions, update)
        if equal and equal_revision(revisions[-1], equal[-1]):
            update = revisions[-1]  # the template has not changed
        elif equal:
            update = self.c.history.update_revision(equal[-1], revision_number(update))
            self.actions.append(f"roll back to {update['metadata']['name']} (revision {revision_number(update)})")
        else:
            update, self.collision_count = self.c.history.create(self.sts, update, self.collision_count)
            self.actions.append(f"record revision {revision_number(update)} ({update['metadata']['name']})")
        wanted = (self.sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == wanted), update)
        return current, update

    def _truncate_history(self) -> None:
        """truncateHistory: delete the oldest revisions beyond revisionHistoryLimit that are not live
        (the current and update revisions, and any a pod runs)."""
        live = {self.current_revision, self.update_revision, *(revision_of(p) for p in self.pods)}
        history = [r for r in self.revisions if r["metadata"]["name"] not in live]
        excess = len(history) - history_limit(self.sts)
        for revision in history[:max(excess, 0)]:
            self.c.history.delete(revision)
            self.actions.append(f"delete old revision {revision['metadata']['name']}")

    def run(self) -> None:
        replicas = int(self.spec.get("replicas", 1))
        start = int((self.spec.get("ordinals") or {}).get("start") or 0)
        slots: list[Obj | None] = [None] * replicas
        condemned: list[Obj] = []
        for pod in self.pods:
            ordinal = ordinal_of(self.name, pod)
            if start <= ordinal < start + replicas:
                slots[ordinal - start] = pod
            else:
                condemned.append(pod)
        replicas_list = [pod if pod is not None else self._new_pod(start + i) for i, pod in enumerate(slots)]
        condemned.sort(key=lambda p: -ordinal_of(self.name, p))
        first_unhealthy = next((p for p in replicas_list if self._unavailable(p)), None)
        if first_unhealthy is None:
            first_unhealthy = next((p for p in reversed(condemned) if self._unavailable(p)), None)
        try:
            try:
                if not self.sts["metadata"].get("deletionTimestamp"):
                    self._update(replicas_list, condemned, first_unhealthy)
            finally:
                self._write_status(replicas)  # also after a failed update, as UpdateStatefulSet does
        finally:
            self._truncate_history()  # maintained even when the update failed
            self._record(replicas)

    def _unavailable(self, pod: Obj) -> bool:
        return unavailable(pod, self.min_ready, self.now)

    def _update(self, replicas: list[Obj], condemned: list[Obj], first_unhealthy: Obj | None) -> None:
        monotonic = self.spec.get("podManagementPolicy", "OrderedReady") != "Parallel"

        def replica(i: int) -> bool:
            return self._process_replica(replicas[i], monotonic)

        def condemn(i: int) -> bool:
            return self._process_condemned(condemned[i], first_unhealthy, monotonic)

        for pod in condemned:  # fix the claims of condemned pods (whenScaled: Delete)
            sync_pod_claims(self.c, self.c.claims, self.sts, pod, ordinal_of(self.name, pod), False)
        if self._run_for_all(len(replicas), replica, monotonic):
            return
        if self._run_for_all(len(condemned), condemn, monotonic):
            return
        strategy = self.spec.get("updateStrategy") or {}
        if strategy.get("type", "RollingUpdate") == "OnDelete":
            return  # pods are updated when someone deletes them
        partition = int((strategy.get("rollingUpdate") or {}).get("partition") or 0)
        for target in range(len(replicas) - 1, partition - 1, -1):
            pod = replicas[target]
            if revision_of(pod) != self.update_revision and not is_terminating(pod):
                self._delete(pod, "update to " + self.update_revision)
                return
            if self._unavailable(pod):
                return  # wait for the updated pod before touching the next one

    @staticmethod
    def _run_for_all(count: int, fn: Callable[[int], bool], monotonic: bool) -> bool:
        """runForAll: in order, stopping at the first that must wait; or all at once (slow start)."""
        if monotonic:
            return any(fn(i) for i in range(count))
        slow_start_batch(count, lambda i: fn(i) or True)
        return False

    def _process_replica(self, pod: Obj, monotonic: bool) -> bool:
        """processReplica: True means "stop here for this pass"."""
        if phase_of(pod) in ("Failed", "Succeeded"):
            if not is_terminating(pod):
                self._delete(pod, f"{phase_of(pod).lower()}, to be recreated")
            return True
        if not is_created(pod):
            if pod_claim_is_stale(self.c.claims, self.sts, pod, ordinal_of(self.name, pod)):
                return True  # the garbage collector removes the old pod's claim first
            self._create(pod)
            if monotonic:
                return True
        elif not is_terminating(pod):
            sync_pod_claims(self.c, self.c.claims, self.sts, pod, ordinal_of(self.name, pod), True)
        if is_terminating(pod) and monotonic:
            return True  # waiting for the pod to terminate
        if not running_and_ready(pod) and monotonic:
            return True  # waiting for the pod to be Running and Ready
        return not running_and_available(pod, self.min_ready, self.now) and monotonic

    def _process_condemned(self, pod: Obj, first_unhealthy: Obj | None, monotonic: bool) -> bool:
        if is_terminating(pod):
            return monotonic  # in order: wait for it to go before the next
        if monotonic and pod is not first_unhealthy and (
            not running_and_ready(pod) or not running_and_available(pod, self.min_ready, self.now)
        ):
            return True  # scale down only while the others are healthy
        self._delete(pod, "scale down")
        return True

    def _new_pod(self, ordinal: int) -> Obj:
        """newVersionedStatefulSetPod: the pod for an ordinal, with its identity and revision: the current
        revision's below the partition (or, with no rollingUpdate, below status.currentReplicas)."""
        strategy = (self.current_set.get("spec") or {}).get("updateStrategy") or {}
        rolling = strategy.get("rollingUpdate")
        start = int((self.spec.get("ordinals") or {}).get("start") or 0)
        current_replicas = int((self.sts.get("status") or {}).get("currentReplicas") or 0)
        # Go's condition reads `A && B || C`: the partition counts whatever the strategy type.
        use_current = (
            strategy.get("type", "RollingUpdate") == "RollingUpdate" and rolling is None
            and ordinal < start + current_replicas
        ) or (rolling is not None and ordinal < start + int((rolling or {}).get("partition") or 0))
        source, revision = ((self.current_set, self.current_revision) if use_current
                            else (self.update_set, self.update_revision))
        name = f"{self.name}-{ordinal}"
        pod = pod_from_template(deep_copy((source.get("spec") or {}).get("template") or {}), self.sts, name=name)
        labels = pod["metadata"].setdefault("labels", {})
        labels[LABEL_POD_NAME] = name
        labels[LABEL_POD_INDEX] = str(ordinal)
        labels[LABEL_REVISION_HASH] = revision
        pod["spec"]["hostname"] = name
        if self.spec.get("serviceName"):
            pod["spec"]["subdomain"] = self.spec["serviceName"]
        add_claim_volumes(self.sts, pod, ordinal)
        return pod

    def _create(self, pod: Obj) -> None:
        name = pod["metadata"]["name"]
        try:
            create_missing_claims(self.c, self.c.claims, self.sts, pod, ordinal_of(self.name, pod))
            self.c.client.create("pods", pod)
        except ApiError as err:
            if err.code == 409 and err.reason == "AlreadyExists":
                raise  # the informer has not seen it yet: retry later, no event (as Kubernetes)
            self.c.event(self.sts, "Warning", "FailedCreate",
                         f"create Pod {name} in StatefulSet {self.name} failed error: {err.message}")
            raise
        self.c.event(self.sts, "Normal", "SuccessfulCreate",
                     f"create Pod {name} in StatefulSet {self.name} successful")
        self.actions.append(f"create {name}")

    def _delete(self, pod: Obj, why: str) -> None:
        name = pod["metadata"]["name"]
        try:
            self.c.client.delete("pods", self.namespace, name)
        except ApiError as err:
            if err.code == 404:
                return
            self.c.event(self.sts, "Warning", "FailedDelete",
                         f"delete Pod {name} in StatefulSet {self.name} failed error: {err.message}")
            raise
        self.c.event(self.sts, "Normal", "SuccessfulDelete",
                     f"delete Pod {name} in StatefulSet {self.name} successful")
        self.actions.append(f"delete {name} ({why})")

    def _write_status(self, replicas: int) -> None:
        """updateStatus + completeRollingUpdate, written only when something changed."""
        created = [p for p in self.pods if is_created(p)]
        min_ready = self.min_ready
        live = [p for p in created if not is_terminating(p)]
        status: Obj = {
            "observedGeneration": int(self.sts["metadata"].get("generation") or 0),
            "replicas": len(created),
            "readyReplicas": sum(1 for p in created if running_and_ready(p)),
            "currentReplicas": sum(1 for p in live if revision_of(p) == self.current_revision),
            "updatedReplicas": sum(1 for p in live if revision_of(p) == self.update_revision),
            "currentRevision": self.current_revision,
            "updateRevision": self.update_revision,
            "collisionCount": self.collision_count,
            "availableReplicas": sum(1 for p in created if running_and_available(p, min_ready, self.now)),
        }
        strategy = (self.spec.get("updateStrategy") or {}).get("type", "RollingUpdate")
        done = status["updatedReplicas"] == status["replicas"] == status["readyReplicas"]
        if strategy == "RollingUpdate" and done:
            status["currentReplicas"] = status["updatedReplicas"]
            status["currentRevision"] = self.update_revision
        for key in ("readyReplicas", "currentReplicas", "updatedReplicas"):
            if not status[key]:
                del status[key]  # omitempty in the Go type
        old = self.sts.get("status") or {}
        ready, updated = status.get("readyReplicas", 0), status.get("updatedReplicas", 0)
        if {k: old.get(k) for k in status} != status or set(old) - set(status) - {"conditions"}:
            if old.get("conditions"):
                status["conditions"] = old["conditions"]
            self.c.client.update_status("statefulsets", {**self.sts, "status": status})
            self.actions.append(f"status: {status['replicas']} replicas, {ready} ready, {updated} updated")
        if self.min_ready > 0 and ready != status["availableReplicas"]:
            self.c.queue.add_after(self.key, self.min_ready)

    def _record(self, replicas: int) -> None:
        if self.actions:
            created = [p for p in self.pods if is_created(p)]
            ready = sum(1 for p in created if running_and_ready(p))
            policy = self.spec.get("podManagementPolicy", "OrderedReady")
            self.c.record(f"StatefulSet {self.key}", f"{len(created)} pods, {ready} ready",
                          f"{replicas} replicas ({policy}) at {self.update_revision}",
                          "; ".join(self.actions))
