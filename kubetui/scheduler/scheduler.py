"""kube-scheduler: an API server client that places pending pods on nodes (pkg/scheduler/schedule_one.go).

It watches pods and nodes through informers on its own client (identity ``kube-scheduler``),
keeps the pending pods of ``schedulerName: default-scheduler`` in its queue, and for one pod at
a time (one engine event per pod):

1. filters the nodes (starting where the last decision stopped, and stopping once enough fit),
2. if none fits, runs preemption and records ``FailedScheduling`` with Kubernetes' message,
3. otherwise scores the feasible nodes, picks the highest total (ties at random, seeded),
4. assumes the pod onto that node in its cache and writes a Binding through the API.

Every attempt leaves one ``SchedulingDecision`` trace record saying why.

Simplification: the binding cycle runs right after the scheduling cycle, not in a goroutine.
"""

from __future__ import annotations

import contextlib
import operator
import random
import time
from collections.abc import Callable, Hashable
from itertools import compress, repeat
from typing import Any

from kubetui.api.meta import set_condition
from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.client.events import EventRecorder
from kubetui.client.informer import InformerFactory
from kubetui.scheduler.cache import Cache
from kubetui.scheduler.decision import Attempt, to_record
from kubetui.scheduler.framework import (
    ASSIGNED_POD_DELETE,
    NODE_ADD,
    NODE_ALLOCATABLE_CHANGE,
    NODE_CONDITION_CHANGE,
    NODE_LABEL_CHANGE,
    NODE_SPEC_UNSCHEDULABLE_CHANGE,
    NODE_TAINT_CHANGE,
    ClusterEvent,
    Code,
    CycleState,
    FilterPlugin,
    Framework,
    Handle,
    NodeToStatus,
    Plugin,
    PluginScores,
    Status,
    fit_error_message,
    unresolvable,
)
from kubetui.scheduler.helpers import first_untolerated
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.plugins.node_resources_fit import insufficient_resources
from kubetui.scheduler.plugins.volume_binding import PV_CHANGE, PVC_CHANGE, STORAGE_CLASS_CHANGE
from kubetui.scheduler.podinfo import PodInfo
from kubetui.scheduler.profile import default_framework
from kubetui.scheduler.queue import QueuedPodInfo, SchedulingQueue
from kubetui.sim.trace import TraceBus

NO_NODES_AVAILABLE = "no nodes available to schedule pods"
NOTE_LENGTH_LIMIT = 1024  # an Event's message is cut to this length
_TERMINAL = ("Succeeded", "Failed")
# Informers the plugins read through listers (default spread selectors, namespaces, budgets).
_LISTED = ("services", "replicasets", "statefulsets", "namespaces", "poddisruptionbudgets")
# Storage objects the VolumeBinding plugin reads; a change to one may let a pod waiting on its claims fit.
_STORAGE_EVENTS = {"persistentvolumeclaims": PVC_CHANGE, "persistentvolumes": PV_CHANGE,
                   "storageclasses": STORAGE_CLASS_CHANGE}


class Scheduler:
    def __init__(
        self,
        client: Client,
        rng: random.Random,
        trace: TraceBus,
        name: str = "default-scheduler",
        percentage_of_nodes_to_score: int = 0,
        extra_plugins: tuple[type[Plugin], ...] = (),
    ) -> None:
        self.client = client
        self.rng = rng
        self.trace = trace
        self.name = name
        self.clock = client.clock
        self.informers = InformerFactory(client)
        self.cache = Cache()
        # Simplification: the scheduler writes core/v1 Events through the controllers' recorder (spam filter
        # included); the real one writes events.k8s.io/v1 Events, whose repeats become a series instead.
        self.recorder = EventRecorder(client, name)
        self.handle = Handle(self.cache, client, self.recorder, self.informers, rng, name)
        self.framework: Framework = default_framework(self.handle, percentage_of_nodes_to_score, extra_plugins)
        self.queue = SchedulingQueue(self.clock, self.framework.events_of, self._wake)
        self.handle.nominator = self.queue
        self.next_start_node_index = 0
        self.attempts = 0
        self._pending_step = False
        self._running = False

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        nodes = self.informers.informer("nodes")
        nodes.add_handlers(self._on_node_add, self._on_node_update, self._on_node_delete)
        pods = self.informers.informer("pods")
        pods.add_handlers(self._on_pod_add, self._on_pod_update, self._on_pod_delete)
        for resource in _LISTED:
            self.informers.informer(resource)
        for resource, event in _STORAGE_EVENTS.items():
            def moved(*_objs: Any, event: ClusterEvent = event) -> None:
                if self.queue.unschedulable:
                    self.queue.move_all(event)
            self.informers.informer(resource).add_handlers(moved, moved, None)
        self._running = True
        self.informers.start()
        self._wake()

    def stop(self) -> None:
        self._running = False
        self.informers.stop()

    # -- node events (eventhandlers.go) ------------------------------------------------------------
    def _on_node_add(self, node: dict[str, Any]) -> None:
        info = self.cache.add_node(node)
        self.queue.move_all(NODE_ADD, self._pre_check(info))

    def _on_node_update(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        info = self.cache.update_node(new)
        for event in node_scheduling_changes(old, new):
            self.queue.move_all(event, self._pre_check(info))

    def _on_node_delete(self, node: dict[str, Any]) -> None:
        self.cache.remove_node(node["metadata"]["name"])

    @staticmethod
    def _pre_check(node: NodeInfo) -> Callable[[PodInfo], bool]:
        """preCheckForNode: only pods that could pass the basic checks on this node are retried."""

        def admits(pod: PodInfo) -> bool:
            if pod.node_name and pod.node_name != node.name:
                return False
            if not pod.required_node_affinity.matches(node.labels, node.name):
                return False
            if insufficient_resources(pod, node):
                return False
            if any(node.port_in_use(*port) for port in pod.host_ports):
                return False
            no_schedule = [t for t in node.no_schedule_taints if t.get("effect") == "NoSchedule"]
            return first_untolerated(no_schedule, pod.tolerations) is None

        return admits

    # -- pod events ---------------------------------------------------------------------------------
    def _assigned(self, pod: dict[str, Any]) -> bool:
        """The cache's view: pods bound to a node that have not finished."""
        return bool(pod["spec"].get("nodeName")) and (pod.get("status") or {}).get("phase") not in _TERMINAL

    def _pending(self, pod: dict[str, Any]) -> bool:
        """The queue's view: unbound pods that name this scheduler."""
        spec = pod["spec"]
        return (
            not spec.get("nodeName")
            and spec.get("schedulerName", "default-scheduler") == self.name
            and (pod.get("status") or {}).get("phase") not in _TERMINAL
        )

    def _on_pod_add(self, pod: dict[str, Any]) -> None:
        if self._assigned(pod):
            self._add_assigned(pod)
        elif self._pending(pod):
            self.queue.add(PodInfo(pod))

    def _on_pod_update(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        was, now = self._assigned(old), self._assigned(new)
        if was and now:
            if old["metadata"].get("uid") != new["metadata"].get("uid"):
                self._delete_assigned(old)
                self._add_assigned(new)
            else:
                info = PodInfo(new)
                self.cache.update_pod(info)
                self.queue.assigned_pod_updated(info, self._namespace_labels(info.namespace))
        elif now:
            self._add_assigned(new)
        elif was:
            self._delete_assigned(old)
        was, now = self._pending(old), self._pending(new)
        if was and now:
            if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
                return
            info = PodInfo(new)
            if not self.cache.is_assumed(info.uid):
                self.queue.update(old, info)
        elif now:
            self.queue.add(PodInfo(new))
        elif was:
            self.queue.delete(new["metadata"].get("uid", ""))

    def _on_pod_delete(self, pod: dict[str, Any]) -> None:
        if self._assigned(pod):
            self._delete_assigned(pod)
        elif self._pending(pod):
            self.queue.delete(pod["metadata"].get("uid", ""))

    def _add_assigned(self, pod: dict[str, Any]) -> None:
        info = PodInfo(pod)
        self.cache.add_pod(info)
        self.queue.delete(info.uid)
        self.queue.assigned_pod_added(info, self._namespace_labels(info.namespace))

    def _delete_assigned(self, pod: dict[str, Any]) -> None:
        self.cache.remove_pod(pod["metadata"].get("uid", ""))
        self.queue.move_all(ASSIGNED_POD_DELETE)

    def _namespace_labels(self, namespace: str) -> dict[str, str]:
        ns = self.informers.informer("namespaces").get("", namespace)
        labels = (ns or {}).get("metadata", {}).get("labels")
        return labels if isinstance(labels, dict) else {}

    # -- the loop -----------------------------------------------------------------------------------
    def _wake(self) -> None:
        if self._running and not self._pending_step:
            self._pending_step = True
            self.clock.call_soon(self._step, label="kube-scheduler: schedule one pod")

    def _step(self) -> None:
        self._pending_step = False
        if not self._running:
            return
        queued = self.queue.pop()
        if queued is not None:
            self.schedule_one(queued)
        if self.queue.active_count:
            self._wake()

    def schedule_one(self, queued: QueuedPodInfo) -> None:
        """ScheduleOne: one scheduling attempt for one pod, then binding."""
        pod = queued.pod
        if pod.terminating:
            self.recorder.event(
                pod.pod,
                "Warning",
                "FailedScheduling",
                f"skip schedule deleting pod: {pod.namespace}/{pod.name}",
            )
            return
        if self.cache.is_assumed(pod.uid):
            return
        started = time.perf_counter()
        self.attempts += 1
        state = CycleState()
        attempt = Attempt(pod)
        status = self._schedule_pod(state, attempt)
        if status is not None:
            self._fail(queued, state, attempt, status)
        else:
            self._assume_and_bind(queued, state, attempt)
        self.trace.emit(to_record(attempt, (time.perf_counter() - started) * 1000))

    # -- the scheduling cycle -------------------------------------------------------------------------
    def _schedule_pod(self, state: CycleState, attempt: Attempt) -> Status | None:
        """schedulePod: the chosen node into ``attempt.chosen``, or the reason it could not be chosen."""
        nodes = self.cache.node_list()
        attempt.total_nodes = len(nodes)
        if not nodes:
            attempt.message = NO_NODES_AVAILABLE
            attempt.how = "there are no nodes"
            return unresolvable(NO_NODES_AVAILABLE)
        status = self._find_nodes_that_fit(state, attempt, nodes)
        if status is not None:
            return status
        feasible = attempt.feasible
        if not feasible:
            return Status(Code.UNSCHEDULABLE)
        if len(feasible) == 1:
            attempt.chosen = feasible[0].name
            if not attempt.how:
                attempt.how = "the only node that passed every filter (scoring skipped)" + attempt.sampling_note()
            return None
        status = self.framework.run_pre_score(state, attempt.pod, feasible)
        if status is not None:
            return Status(Code.ERROR, f"running PreScore plugin {status.plugin!r}: {status.message}")
        for plugin in sorted(state.skip_score):
            attempt.skipped.setdefault(plugin, []).append("Score")
        attempt.scores = self.framework.run_score(state, attempt.pod, feasible)
        attempt.totals = weighted_totals(attempt.scores, len(feasible))
        index, ties = self._select_host(attempt.totals)
        attempt.chosen = feasible[index].name
        attempt.how = attempt.explain_choice(index, ties) + attempt.sampling_note()
        return None

    def _find_nodes_that_fit(self, state: CycleState, attempt: Attempt, nodes: list[NodeInfo]) -> Status | None:
        pod = attempt.pod
        framework = self.framework
        narrowed, status, plugins = framework.run_pre_filter(state, pod, nodes)
        for plugin in sorted(state.skip_filter):
            attempt.skipped.setdefault(plugin, []).append("Filter")
        if status is not None:
            if not status.rejected:
                return Status(Code.ERROR, f"running PreFilter plugin {status.plugin!r}: {status.message}")
            attempt.pre_filter = status
            attempt.statuses = NodeToStatus(status)
            attempt.evaluated_nodes = list(nodes)
            attempt.evaluated_statuses = [status] * len(nodes)
            attempt.how = f"PreFilter plugin {status.plugin} rejected the pod for every node"
            return Status(Code.UNSCHEDULABLE, plugin=",".join(sorted(plugins)))
        check = framework.run_filter_with_nominated if self.queue.has_nominations else framework.run_filter
        filters = framework.active_filters(state)
        nominated = (pod.pod.get("status") or {}).get("nominatedNodeName")
        if nominated:
            node = self.cache.node(nominated)
            if node is not None and check(state, pod, node, filters) is None:
                attempt.evaluated_nodes = [node]
                attempt.feasible = [node]
                attempt.how = f"the nominated node {nominated} (from an earlier preemption) passes every filter"
                return None
        candidates = nodes
        if narrowed is not None:
            candidates = [n for n in nodes if n.name in narrowed.node_names]
            attempt.narrowed_to = len(candidates)
            attempt.statuses.absent = unresolvable(f"node(s) didn't satisfy plugin(s) [{' '.join(sorted(plugins))}]")
            attempt.excluded = [n.name for n in nodes if n.name not in narrowed.node_names]
            attempt.excluded_by = ",".join(sorted(plugins))
        wanted = framework.num_feasible_nodes_to_find(len(candidates))
        attempt.percentage = framework.percentage_for(len(nodes))
        start = self.next_start_node_index % len(candidates) if candidates else 0
        # Start where the last decision stopped, so that every node gets its turn.
        order = candidates[start:] + candidates[:start]
        keys: list[Hashable | None] = [p.filter_key(pod) for p in filters] if narrowed is None else [None]
        if self.queue.has_nominations:
            self._filter_with_nominated(state, attempt, order, wanted, filters)
        elif any(k is None for k in keys):
            self._filter(state, attempt, order, wanted, filters)
        else:
            self._filter_by_column(state, attempt, order, start, wanted, filters, keys)
        self.next_start_node_index = (self.next_start_node_index + len(attempt.evaluated_nodes)) % len(nodes)
        return None

    @staticmethod
    def _filter(
        state: CycleState, attempt: Attempt, order: list[NodeInfo], wanted: int, filters: list[FilterPlugin]
    ) -> None:
        """findNodesThatPassFilters: run the filters node by node until ``wanted`` nodes fit.

        The same as Framework.run_filter, written out for speed: this loop runs for every node.
        """
        pod = attempt.pod
        feasible, explicit = attempt.feasible, attempt.statuses.explicit
        evaluated: list[NodeInfo] = attempt.evaluated_nodes
        statuses: list[Status | None] = []
        checks = [(p.name, p.filter) for p in filters]
        for node in order:
            for name, check in checks:
                status = check(state, pod, node)
                if status is not None:
                    if not status.plugin:
                        status = status.with_plugin(name)
                    explicit[node.name] = status
                    evaluated.append(node)
                    statuses.append(status)
                    break
            else:
                evaluated.append(node)
                statuses.append(None)
                feasible.append(node)
                if len(feasible) >= wanted:
                    attempt.sampled = len(evaluated) < len(order)
                    break
        attempt.evaluated_statuses = statuses

    def _filter_by_column(
        self,
        state: CycleState,
        attempt: Attempt,
        order: list[NodeInfo],
        start: int,
        wanted: int,
        filters: list[FilterPlugin],
        keys: list[Hashable | None],
    ) -> None:
        """``_filter`` when every active filter's verdict depends only on the node and the pod's filter
        key: the verdicts are a cache column, worked out again only for the nodes that changed since
        the last pod with the same keys (as Kubernetes' snapshot updates only the NodeInfos whose
        generation moved: backend/cache/cache.go). Nodes are taken in the same order as ``_filter``
        takes them and ``order`` is node_list() turned to start at ``start``; the result is the same.
        """
        pod = attempt.pod
        checks = [(p.name, p.filter) for p in filters]

        def verdict(node: NodeInfo) -> Status | None:
            for name, check in checks:
                status = check(state, pod, node)
                if status is not None:
                    return status if status.plugin else status.with_plugin(name)
            return None

        column = self.cache.column(("Filter", *zip([name for name, _ in checks], keys, strict=True)), verdict)
        rejected, total = column.present, len(order)
        # The nodes looked at are the shortest prefix of ``order`` with ``wanted`` nodes that fit.
        length = wanted
        offsets: list[int] = []
        if rejected:
            for offset in sorted((i - start) % total for i in rejected):
                if offset >= length:
                    break
                offsets.append(offset)
                length += 1
        reached = length <= total
        length = min(length, total)
        end = start + length
        positions = list(range(start, min(end, total)))
        if end > total:
            positions += range(end - total)
        looked_at = order[:length]
        attempt.evaluated_nodes = looked_at
        if not offsets:
            attempt.feasible = list(looked_at)
        else:
            statuses = attempt.evaluated_statuses = column.take(positions)
            fits = list(map(operator.is_, statuses, repeat(None)))
            attempt.feasible = list(compress(looked_at, fits))
            positions = list(compress(positions, fits))
            explicit = attempt.statuses.explicit
            for offset in offsets:
                explicit[order[offset].name] = statuses[offset]
        if reached:
            attempt.sampled = length < total
        state.node_positions = positions

    def _filter_with_nominated(
        self,
        state: CycleState,
        attempt: Attempt,
        order: list[NodeInfo],
        wanted: int,
        filters: list[FilterPlugin],
    ) -> None:
        pod, check = attempt.pod, self.framework.run_filter_with_nominated
        for node in order:
            status = check(state, pod, node, filters)
            attempt.evaluate(node, status)
            if status is None:
                attempt.feasible.append(node)
                if len(attempt.feasible) >= wanted:
                    attempt.sampled = len(attempt.evaluated_nodes) < len(order)
                    return
            else:
                attempt.statuses.explicit[node.name] = status

    def _select_host(self, totals: list[int]) -> tuple[int, int]:
        """selectHost: the highest total; among equals, reservoir sampling with the seeded RNG."""
        best = max(totals)
        if totals.count(best) == 1:
            return totals.index(best), 1
        # Only the nodes with the best total draw, in order, as in a walk over all of them.
        tied = list(compress(range(len(totals)), map(operator.eq, totals, repeat(best))))
        selected, ties = tied[0], 1
        random = self.rng.random
        for i in tied[1:]:
            ties += 1
            if random() * ties < 1.0:  # replace the pick with probability 1/ties
                selected = i
        return selected, ties

    # -- failure (handleSchedulingFailure) -------------------------------------------------------------
    def _fail(self, queued: QueuedPodInfo, state: CycleState, attempt: Attempt, status: Status) -> None:
        pod = attempt.pod
        reason = "Unschedulable" if status.rejected else "SchedulerError"
        nominating: str | None = ""  # "" clears a nomination, None keeps what the pod has
        if status.code == Code.UNSCHEDULABLE and attempt.message != NO_NODES_AVAILABLE:
            plugins = set(status.plugin.split(",")) if status.plugin else set()
            plugins |= {s.plugin for s in attempt.statuses.explicit.values() if s.plugin}
            queued.unschedulable_plugins = plugins
            post_message = ""
            if self.framework.post_filter_plugins:
                result, post = self.framework.run_post_filter(state, pod, attempt.statuses)
                post_message = post.message
                nominating = result.nominated_node if result is not None else None
                if result is not None and result.victims:
                    attempt.victims = result.victims
            pre_message = attempt.pre_filter.message if attempt.pre_filter is not None else ""
            attempt.message = fit_error_message(attempt.total_nodes, attempt.statuses, pre_message, post_message)
            if nominating:
                attempt.nominated = nominating
                attempt.how = (
                    f"no node fits; preempting {', '.join(attempt.victims)} on {nominating} and nominating it"
                ) + attempt.sampling_note()
            elif not attempt.how:
                attempt.how = "no node passed every filter"
        elif not attempt.message:
            attempt.message = status.message
            attempt.how = attempt.how or f"scheduler error: {status.message}"
        self._requeue_failed(queued, nominating)
        self.recorder.event(pod.pod, "Warning", "FailedScheduling", _truncate(attempt.message))
        self._update_pod_status(pod, reason, attempt.message, nominating)

    def _requeue_failed(self, queued: QueuedPodInfo, nominating: str | None) -> None:
        """Put the pod back unless it is gone or was bound meanwhile (read from the informer cache)."""
        pod = queued.pod
        current = self.informers.informer("pods").get(pod.namespace, pod.name)
        if current is None or current["metadata"].get("uid") != pod.uid or current["spec"].get("nodeName"):
            return
        if current is not pod.pod:
            queued.pod = PodInfo(current)
        self.queue.add_unschedulable(queued)
        self.queue.add_nominated(queued.pod, nominating)

    def _update_pod_status(self, pod: PodInfo, reason: str, message: str, nominating: str | None) -> None:
        """updatePod: PodScheduled=False with the reason, and the nominated node, by a status patch."""
        current = pod.pod.get("status") or {}
        status = {"conditions": [dict(c) for c in current.get("conditions") or ()]}
        changed = set_condition(status, "PodScheduled", "False", self.client.now_iso(), reason, message)
        patch: dict[str, Any] = {}
        if changed:
            patch["conditions"] = [c for c in status["conditions"] if c.get("type") == "PodScheduled"]
        if nominating is not None and (current.get("nominatedNodeName") or "") != nominating:
            patch["nominatedNodeName"] = nominating or None
        if not patch:
            return
        # A strategic merge patch, as util.PatchPodStatus sends (conditions merge by type). If the pod is
        # gone or changed meanwhile, the next attempt writes again.
        with contextlib.suppress(ApiError):
            self.client.patch("pods", pod.namespace, pod.name, {"status": patch}, subresource="status")

    # -- success: assume, reserve, bind ----------------------------------------------------------------
    def _assume_and_bind(self, queued: QueuedPodInfo, state: CycleState, attempt: Attempt) -> None:
        node = attempt.chosen
        assumed = self.cache.assume_pod(attempt.pod, node)
        self.queue.remove_nominated(assumed.uid)
        status = self.framework.run_reserve(state, assumed, node)
        if status is None:
            status = self.framework.run_pre_bind(state, assumed, node)
        if status is None:
            status = self.framework.run_bind(state, assumed, node)
        if status is None:
            attempt.message = f"Successfully assigned {assumed.namespace}/{assumed.name} to {node}"
            self.recorder.event(assumed.pod, "Normal", "Scheduled", attempt.message)
            return
        self.framework.run_unreserve(state, assumed, node)
        self.cache.forget_pod(assumed.uid)
        # What the assumed pod held is free again: that is like a pod deletion for the waiting pods.
        self.queue.move_all(ASSIGNED_POD_DELETE, lambda p: p.uid != assumed.uid)
        attempt.chosen = ""
        if status.rejected:
            queued.unschedulable_plugins = {status.plugin} if status.plugin else set()
            attempt.statuses = NodeToStatus()
            attempt.statuses.explicit[node] = status
            attempt.message = fit_error_message(1, attempt.statuses)
            attempt.how = f"{status.plugin} rejected the pod at Reserve on {node}"
        else:
            attempt.message = status.message
            attempt.how = f"binding to {node} failed: {status.message}"
        self._requeue_failed(queued, "")
        reason = "Unschedulable" if status.rejected else "SchedulerError"
        self.recorder.event(attempt.pod.pod, "Warning", "FailedScheduling", _truncate(attempt.message))
        self._update_pod_status(attempt.pod, reason, attempt.message, "")


def weighted_totals(scores: list[PluginScores], size: int) -> list[int]:
    """Every node's total: the sum of each plugin's normalized score times its weight (prioritizeNodes),
    added up plugin by plugin, column-wise."""
    for plugin_scores in scores:
        if len(plugin_scores.normalized) != size:
            raise ValueError(f"{plugin_scores.plugin} scored {len(plugin_scores.normalized)} of {size} nodes")
    # A plugin that gave every node the same score adds the same to every total; the others are added
    # three plugins per pass over the nodes. Integer sums, so the grouping changes nothing.
    constant, varying = 0, []
    for plugin_scores in scores:
        column = plugin_scores.normalized
        if column and column.count(column[0]) == len(column):
            constant += column[0] * plugin_scores.weight
        else:
            varying.append(plugin_scores)
    totals = [constant] * size
    for i in range(0, len(varying), 3):
        group = varying[i : i + 3]
        if len(group) == 3:
            (a, wa), (b, wb), (c, wc) = ((s.normalized, s.weight) for s in group)
            totals = [t + x * wa + y * wb + z * wc for t, x, y, z in zip(totals, a, b, c, strict=True)]
        elif len(group) == 2:
            (a, wa), (b, wb) = ((s.normalized, s.weight) for s in group)
            totals = [t + x * wa + y * wb for t, x, y in zip(totals, a, b, strict=True)]
        else:
            a, wa = group[0].normalized, group[0].weight
            totals = [t + x * wa for t, x in zip(totals, a, strict=True)]
    return totals


def node_scheduling_changes(old: dict[str, Any], new: dict[str, Any]) -> list[ClusterEvent]:
    """nodeSchedulingPropertiesChange: the changes that can make a node take pods it refused before."""
    events: list[ClusterEvent] = []
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    if bool(old_spec.get("unschedulable")) and not new_spec.get("unschedulable"):
        events.append(NODE_SPEC_UNSCHEDULABLE_CHANGE)
    old_status, new_status = old.get("status") or {}, new.get("status") or {}
    if old_status.get("allocatable") != new_status.get("allocatable"):
        events.append(NODE_ALLOCATABLE_CHANGE)
    if (old.get("metadata") or {}).get("labels") != (new.get("metadata") or {}).get("labels"):
        events.append(NODE_LABEL_CHANGE)
    if (old_spec.get("taints") or []) != (new_spec.get("taints") or []):
        events.append(NODE_TAINT_CHANGE)
    if _conditions(old_status) != _conditions(new_status):
        events.append(NODE_CONDITION_CHANGE)
    return events


def _conditions(status: dict[str, Any]) -> dict[str, str]:
    """A node's conditions without the heartbeat times, which change all the time."""
    return {c.get("type", ""): c.get("status", "") for c in status.get("conditions") or ()}


def _truncate(message: str) -> str:
    if len(message) <= NOTE_LENGTH_LIMIT:
        return message
    return message[: NOTE_LENGTH_LIMIT - 4] + " ..."
