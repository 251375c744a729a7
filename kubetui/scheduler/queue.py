"""The scheduling queue: activeQ, backoffQ, unschedulablePods (scheduler/backend/queue/scheduling_queue.go).

* activeQ holds pods ready to be tried, highest ``spec.priority`` first, then the one that has
  waited longest (the time it entered the queue or last failed).
* A pod that failed goes to unschedulablePods and waits for a cluster event that could help it:
  only events that one of the plugins which rejected it registered for move it (a node added,
  its labels or taints changed, a pod deleted ...). Every 30 s, pods that have waited there more
  than 5 minutes are moved anyway.
* A moved pod that is still inside its backoff (1 s, doubling with every attempt, at most 10 s)
  goes to backoffQ and enters activeQ when the backoff ends.

The queue also remembers which pods are *nominated* to which node after a preemption.

Simplification: backoffQ hands a pod over exactly when its backoff ends instead of on a 1 s tick.
Simplification: no QueueingHints (v1.32's finer per-plugin requeue checks); events move pods as in v1.30.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from typing import Any

from kubetui.scheduler.framework import (
    ASSIGNED_POD_ADD,
    ASSIGNED_POD_UPDATE,
    UNSCHEDULABLE_TIMEOUT,
    ClusterEvent,
)
from kubetui.scheduler.podinfo import PodInfo
from kubetui.sim.clock import Clock, Timer

INITIAL_BACKOFF = 1.0  # DefaultPodInitialBackoffDuration
MAX_BACKOFF = 10.0  # DefaultPodMaxBackoffDuration
MAX_IN_UNSCHEDULABLE = 300.0  # DefaultPodMaxInUnschedulablePodsDuration
FLUSH_UNSCHEDULABLE_EVERY = 30.0

ACTIVE, BACKOFF, UNSCHEDULABLE = "activeQ", "backoffQ", "unschedulablePods"


class QueuedPodInfo:
    """A pod in the queue, with what the queue needs to remember about its attempts."""

    __slots__ = ("attempts", "pod", "timestamp", "token", "unschedulable_plugins", "where")

    def __init__(self, pod: PodInfo, now: float) -> None:
        self.pod = pod
        self.timestamp = now  # when it entered the queue or last failed
        self.attempts = 0
        self.unschedulable_plugins: set[str] = set()
        self.where = ""
        self.token = 0


def backoff_duration(attempts: int) -> float:
    """calculateBackoffDuration: 1 s for the first attempt, doubling, capped at 10 s."""
    duration = INITIAL_BACKOFF
    for _ in range(1, attempts):
        if duration > MAX_BACKOFF - duration:
            return MAX_BACKOFF
        duration += duration
    return duration


def pod_spec_changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """isPodUpdated: anything changed but status, resourceVersion, generation, managedFields, finalizers."""
    if old.get("spec") != new.get("spec"):
        return True
    ignored = ("resourceVersion", "generation", "managedFields", "finalizers")
    old_meta, new_meta = old.get("metadata") or {}, new.get("metadata") or {}
    keys = (set(old_meta) | set(new_meta)).difference(ignored)
    return any(old_meta.get(k) != new_meta.get(k) for k in sorted(keys))


class SchedulingQueue:
    def __init__(
        self,
        clock: Clock,
        events_of: Callable[[str], tuple[ClusterEvent, ...]],
        on_active: Callable[[], None],
    ) -> None:
        self.clock = clock
        self._events_of = events_of
        self._on_active = on_active
        self._pods: dict[str, QueuedPodInfo] = {}  # uid -> every pod in any of the three places
        self._active: list[tuple[int, float, int, int, QueuedPodInfo]] = []
        self._backoff: list[tuple[float, int, int, QueuedPodInfo]] = []
        self.unschedulable: dict[str, QueuedPodInfo] = {}
        self._seq = itertools.count()
        self._tokens = itertools.count(1)
        self.active_count = self.backoff_count = 0
        self._backoff_timer: Timer | None = None
        self._backoff_timer_at = 0.0
        self._flush_timer: Timer | None = None
        self._nominated: dict[str, list[PodInfo]] = {}  # node -> pods nominated to run there
        self._nominated_node: dict[str, str] = {}  # pod uid -> node

    # -- reading --------------------------------------------------------------------------------
    def where(self, uid: str) -> str:
        queued = self._pods.get(uid)
        return queued.where if queued is not None else ""

    def pending(self) -> dict[str, int]:
        return {
            ACTIVE: self.active_count,
            BACKOFF: self.backoff_count,
            UNSCHEDULABLE: len(self.unschedulable),
        }

    # -- the three places ---------------------------------------------------------------------------
    def _to_active(self, queued: QueuedPodInfo) -> None:
        self._leave(queued)
        queued.where, queued.token = ACTIVE, next(self._tokens)
        heapq.heappush(self._active, (-queued.pod.priority, queued.timestamp, next(self._seq), queued.token, queued))
        self.active_count += 1
        self._pods[queued.pod.uid] = queued
        self._on_active()

    def _to_backoff(self, queued: QueuedPodInfo) -> None:
        self._leave(queued)
        expiry = self.backoff_expiry(queued)
        queued.where, queued.token = BACKOFF, next(self._tokens)
        heapq.heappush(self._backoff, (expiry, next(self._seq), queued.token, queued))
        self.backoff_count += 1
        self._pods[queued.pod.uid] = queued
        self._arm_backoff_timer()

    def _to_unschedulable(self, queued: QueuedPodInfo) -> None:
        self._leave(queued)
        queued.where = UNSCHEDULABLE
        self.unschedulable[queued.pod.uid] = queued
        self._pods[queued.pod.uid] = queued
        if self._flush_timer is None:
            self._flush_timer = self.clock.call_later(
                FLUSH_UNSCHEDULABLE_EVERY,
                self._flush_unschedulable,
                label="scheduler: flush unschedulable pods",
            )

    def _leave(self, queued: QueuedPodInfo) -> None:
        """Take a pod out of wherever it is (heap entries go stale and are skipped later)."""
        if queued.where == ACTIVE:
            self.active_count -= 1
        elif queued.where == BACKOFF:
            self.backoff_count -= 1
        elif queued.where == UNSCHEDULABLE:
            self.unschedulable.pop(queued.pod.uid, None)
        queued.where = ""
        queued.token = 0

    def backoff_expiry(self, queued: QueuedPodInfo) -> float:
        return queued.timestamp + backoff_duration(queued.attempts)

    def _backing_off(self, queued: QueuedPodInfo) -> bool:
        return self.backoff_expiry(queued) > self.clock.now

    def _requeue(self, queued: QueuedPodInfo) -> str:
        if self._backing_off(queued):
            self._to_backoff(queued)
        else:
            self._to_active(queued)
        return queued.where

    # -- adding and taking ------------------------------------------------------------------------
    def add(self, pod: PodInfo) -> None:
        """A new pending pod: straight into activeQ."""
        queued = self._pods.get(pod.uid)
        if queued is not None:
            queued.pod = pod
            return
        self._to_active(QueuedPodInfo(pod, self.clock.now))
        self.add_nominated(pod)

    def pop(self) -> QueuedPodInfo | None:
        """The next pod to try, or None; its attempt count goes up."""
        while self._active:
            _, _, _, token, queued = heapq.heappop(self._active)
            if queued.where != ACTIVE or queued.token != token:
                continue
            self._leave(queued)
            del self._pods[queued.pod.uid]
            queued.attempts += 1
            queued.unschedulable_plugins = set()  # this attempt finds its own
            return queued
        return None

    def add_unschedulable(self, queued: QueuedPodInfo) -> str:
        """AddUnschedulableIfNotPresent, after a failed attempt. Returns where the pod went.

        With no rejecting plugin to wait for (an error, say), the pod is retried after its backoff.
        """
        if queued.pod.uid in self._pods:
            return self._pods[queued.pod.uid].where
        queued.timestamp = self.clock.now
        if not queued.unschedulable_plugins:
            self._to_backoff(queued)
        else:
            self._to_unschedulable(queued)
        return queued.where

    def update(self, old: dict[str, Any], pod: PodInfo) -> None:
        """A pending pod changed: if it is unschedulable and its spec or metadata changed, retry it."""
        queued = self._pods.get(pod.uid)
        self.update_nominated(old, pod)
        if queued is None:
            self._to_active(QueuedPodInfo(pod, self.clock.now))
            return
        queued.pod = pod
        if queued.where == UNSCHEDULABLE and pod_spec_changed(old, pod.pod):
            self._requeue(queued)

    def delete(self, uid: str) -> None:
        queued = self._pods.pop(uid, None)
        if queued is not None:
            self._leave(queued)
        self.remove_nominated(uid)

    # -- cluster events ----------------------------------------------------------------------------
    def move_all(self, event: ClusterEvent, pre_check: Callable[[PodInfo], bool] | None = None) -> int:
        """MoveAllToActiveOrBackoffQueue: retry the unschedulable pods this event may help; how many."""
        moved = 0
        for queued in list(self.unschedulable.values()):
            if pre_check is not None and not pre_check(queued.pod):
                continue
            if self._interested(queued, event):
                self._requeue(queued)
                moved += 1
        return moved

    def assigned_pod_added(self, pod: PodInfo, namespace_labels: dict[str, str]) -> int:
        """AssignedPodAdded: only pods with a required affinity term the new pod satisfies may now fit."""
        return self.move_all(
            ASSIGNED_POD_ADD,
            lambda waiting: any(term.matches(pod, namespace_labels) for term in waiting.required_affinity_terms),
        )

    def assigned_pod_updated(self, pod: PodInfo, namespace_labels: dict[str, str]) -> int:
        return self.move_all(
            ASSIGNED_POD_UPDATE,
            lambda waiting: any(term.matches(pod, namespace_labels) for term in waiting.required_affinity_terms),
        )

    def _interested(self, queued: QueuedPodInfo, event: ClusterEvent) -> bool:
        """podMatchesEvent: the event is one a rejecting plugin registered for (no plugin: any event)."""
        if event.resource == "*" or not queued.unschedulable_plugins:
            return True
        for plugin in sorted(queued.unschedulable_plugins):
            if any(registered.matches(event) for registered in self._events_of(plugin)):
                return True
        return False

    def _arm_backoff_timer(self) -> None:
        while self._backoff and (
            self._backoff[0][3].where != BACKOFF or self._backoff[0][3].token != self._backoff[0][2]
        ):
            heapq.heappop(self._backoff)
        if not self._backoff:
            return
        due = self._backoff[0][0]
        if self._backoff_timer is not None and self._backoff_timer_at <= due:
            return
        if self._backoff_timer is not None:
            self._backoff_timer.cancel()
        self._backoff_timer_at = due
        self._backoff_timer = self.clock.call_at(due, self._flush_backoff, label="scheduler: backoff completed")

    def _flush_backoff(self) -> None:
        """flushBackoffQCompleted: pods whose backoff has ended go to activeQ."""
        self._backoff_timer = None
        now = self.clock.now
        while self._backoff and self._backoff[0][0] <= now:
            _, _, token, queued = heapq.heappop(self._backoff)
            if queued.where == BACKOFF and queued.token == token:
                self._to_active(queued)
        self._arm_backoff_timer()

    def _flush_unschedulable(self) -> None:
        """flushUnschedulablePodsLeftover: pods that waited more than 5 minutes are retried anyway."""
        self._flush_timer = None
        now = self.clock.now
        stale = [q for q in self.unschedulable.values() if now - q.timestamp > MAX_IN_UNSCHEDULABLE]
        for queued in stale:
            if self._interested(queued, UNSCHEDULABLE_TIMEOUT):
                self._requeue(queued)
        if self.unschedulable:
            self._flush_timer = self.clock.call_later(
                FLUSH_UNSCHEDULABLE_EVERY,
                self._flush_unschedulable,
                label="scheduler: flush unschedulable pods",
            )

    # -- nominated pods ----------------------------------------------------------------------------
    def add_nominated(self, pod: PodInfo, node: str | None = None) -> None:
        """Remember a pod's nominated node: ``node`` if given ("" clears), else status.nominatedNodeName."""
        self.remove_nominated(pod.uid)
        if node is None:
            node = _nominated_node_name(pod.pod)
        if node:
            self._nominated.setdefault(node, []).append(pod)
            self._nominated_node[pod.uid] = node

    def update_nominated(self, old: dict[str, Any], pod: PodInfo) -> None:
        """UpdateNominatedPod: an update that neither sets nor clears nominatedNodeName keeps the
        nomination the scheduler made in memory (its status write may not have arrived yet)."""
        current = self._nominated_node.get(pod.uid)
        if current and not _nominated_node_name(old) and not _nominated_node_name(pod.pod):
            self.add_nominated(pod, current)
        else:
            self.add_nominated(pod)

    def remove_nominated(self, uid: str) -> None:
        node = self._nominated_node.pop(uid, None)
        if node is None:
            return
        pods = [p for p in self._nominated.get(node, ()) if p.uid != uid]
        if pods:
            self._nominated[node] = pods
        else:
            self._nominated.pop(node, None)

    def nominated_pods_for_node(self, node: str) -> list[PodInfo]:
        return self._nominated.get(node, [])

    def nominated_node(self, uid: str) -> str:
        return self._nominated_node.get(uid, "")

    @property
    def has_nominations(self) -> bool:
        return bool(self._nominated)


def _nominated_node_name(pod: dict[str, Any]) -> str:
    return str((pod.get("status") or {}).get("nominatedNodeName") or "")
