"""The scheduling framework: extension points, plugin statuses, cycle state and the FailedScheduling message.

A decision walks these extension points in order (pkg/scheduler/framework/interface.go):

    PreFilter -> Filter (per node) -> PostFilter (only when no node fits: preemption)
    PreScore -> Score -> NormalizeScore -> (weights) -> Reserve -> PreBind -> Bind

Each plugin implements the points it cares about by subclassing the matching base classes
below. A PreFilter or PreScore plugin that has nothing to do for this pod answers ``SKIP`` and
its Filter or Score is not run for this pod at all.

Simplification: Score runs once over the list of nodes (``score(state, pod, nodes) -> scores``)
instead of once per node, which is the same arithmetic with far fewer Python calls.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from enum import IntEnum, IntFlag
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from kubetui.scheduler.cache import Cache
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

if TYPE_CHECKING:
    from kubetui.client.client import Client
    from kubetui.client.events import EventRecorder
    from kubetui.client.informer import InformerFactory

MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5


# -- statuses ---------------------------------------------------------------------------------
class Code(IntEnum):
    SUCCESS = 0
    ERROR = 1
    UNSCHEDULABLE = 2  # preemption may help
    UNSCHEDULABLE_AND_UNRESOLVABLE = 3  # nothing but a change to the node will help
    SKIP = 5


class Status:
    """What a plugin says about a pod (and a node): a code and the reasons, as in ``kubectl describe``."""

    __slots__ = ("code", "plugin", "reasons")

    def __init__(self, code: Code, *reasons: str, plugin: str = "") -> None:
        self.code = code
        self.reasons: tuple[str, ...] = reasons
        self.plugin = plugin

    @property
    def message(self) -> str:
        return ", ".join(self.reasons)

    @property
    def rejected(self) -> bool:
        return self.code in (Code.UNSCHEDULABLE, Code.UNSCHEDULABLE_AND_UNRESOLVABLE)

    def with_plugin(self, plugin: str) -> Status:
        return Status(self.code, *self.reasons, plugin=plugin)

    def __repr__(self) -> str:
        return f"Status({self.code.name}, {self.message!r}, plugin={self.plugin!r})"


def unschedulable(*reasons: str) -> Status:
    return Status(Code.UNSCHEDULABLE, *reasons)


def unresolvable(*reasons: str) -> Status:
    return Status(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, *reasons)


SKIP = Status(Code.SKIP)


@dataclass(frozen=True, slots=True)
class PreFilterResult:
    """A PreFilter plugin can narrow the decision down to these nodes (NodeAffinity on metadata.name)."""

    node_names: frozenset[str]


@dataclass(slots=True)
class PostFilterResult:
    nominated_node: str = ""
    victims: tuple[str, ...] = ()  # namespace/name of the pods being preempted, for the decision record


class NodeToStatus:
    """Why each node was rejected; nodes not listed share ``absent`` (framework.NodeToStatus)."""

    __slots__ = ("absent", "explicit")

    def __init__(self, absent: Status | None = None) -> None:
        self.explicit: dict[str, Status] = {}
        self.absent = absent or unresolvable()

    def get(self, node: str) -> Status:
        return self.explicit.get(node, self.absent)

    def nodes_with(self, code: Code, all_nodes: Sequence[NodeInfo]) -> list[NodeInfo]:
        """NodesForStatusCode: the nodes whose status has this code, in node-list order."""
        return [n for n in all_nodes if self.get(n.name).code == code]


def fit_error_message(
    num_all_nodes: int, statuses: NodeToStatus, pre_filter_msg: str = "", post_filter_msg: str = ""
) -> str:
    """FitError.Error() (framework/types.go): ``0/3 nodes are available: 1 Insufficient cpu, ...``."""
    message = f"0/{num_all_nodes} nodes are available:"
    if pre_filter_msg:
        message += f" {pre_filter_msg}."
    else:
        histogram: dict[str, int] = {}
        for status in statuses.explicit.values():
            for reason in status.reasons:
                histogram[reason] = histogram.get(reason, 0) + 1
        absent = num_all_nodes - len(statuses.explicit)
        if absent > 0:
            for reason in statuses.absent.reasons:
                histogram[reason] = histogram.get(reason, 0) + absent
        if histogram:
            # Go's sort.Strings on "count reason": a plain string sort, so "10 x" sorts before "2 y".
            message += " " + ", ".join(sorted(f"{n} {r}" for r, n in histogram.items())) + "."
    if post_filter_msg:
        message += f" {post_filter_msg}"
    return message


# -- cycle state ----------------------------------------------------------------------------------
class CycleState:
    """What plugins compute for one pod in one cycle (PreFilter/PreScore results), keyed by plugin."""

    __slots__ = ("_data", "node_positions", "skip_filter", "skip_score")

    def __init__(self) -> None:
        self._data: dict[str, Any] = {}
        self.skip_filter: set[str] = set()
        self.skip_score: set[str] = set()
        # Where the nodes being scored sit in the cache's node_list(), when the scheduler knows it:
        # Score plugins may then read per-node columns the cache keeps (Cache.column).
        self.node_positions: list[int] | None = None

    def read(self, key: str) -> Any:
        return self._data[key]

    def write(self, key: str, value: Any) -> None:
        self._data[key] = value

    def clone(self) -> CycleState:
        """A copy for what-if runs (nominated pods, preemption); state with a ``clone`` method is copied."""
        copy = CycleState()
        copy._data = {k: (v.clone() if hasattr(v, "clone") else v) for k, v in self._data.items()}
        copy.skip_filter = set(self.skip_filter)
        copy.skip_score = set(self.skip_score)
        copy.node_positions = self.node_positions
        return copy


# -- cluster events (what can make an unschedulable pod schedulable) ------------------------------
class ActionType(IntFlag):
    ADD = 1
    DELETE = 2
    UPDATE_NODE_ALLOCATABLE = 4
    UPDATE_NODE_LABEL = 8
    UPDATE_NODE_TAINT = 16
    UPDATE_NODE_CONDITION = 32
    UPDATE_POD = 128
    UPDATE = 4 | 8 | 16 | 32 | 128
    ALL = 1 | 2 | 4 | 8 | 16 | 32 | 128


@dataclass(frozen=True, slots=True)
class ClusterEvent:
    resource: str  # "Node", "Pod" (an assigned pod) or "*"
    action: ActionType
    label: str = ""

    def matches(self, other: ClusterEvent) -> bool:
        return (self.resource == "*" or other.resource == "*" or self.resource == other.resource) and bool(
            self.action & other.action
        )


NODE_ADD = ClusterEvent("Node", ActionType.ADD, "NodeAdd")
NODE_DELETE = ClusterEvent("Node", ActionType.DELETE, "NodeDelete")
NODE_ALLOCATABLE_CHANGE = ClusterEvent("Node", ActionType.UPDATE_NODE_ALLOCATABLE, "NodeAllocatableChange")
NODE_LABEL_CHANGE = ClusterEvent("Node", ActionType.UPDATE_NODE_LABEL, "NodeLabelChange")
NODE_TAINT_CHANGE = ClusterEvent("Node", ActionType.UPDATE_NODE_TAINT, "NodeTaintChange")
NODE_SPEC_UNSCHEDULABLE_CHANGE = ClusterEvent("Node", ActionType.UPDATE_NODE_TAINT, "NodeSpecUnschedulableChange")
NODE_CONDITION_CHANGE = ClusterEvent("Node", ActionType.UPDATE_NODE_CONDITION, "NodeConditionChange")
ASSIGNED_POD_ADD = ClusterEvent("Pod", ActionType.ADD, "AssignedPodAdd")
ASSIGNED_POD_UPDATE = ClusterEvent("Pod", ActionType.UPDATE_POD, "AssignedPodUpdate")
ASSIGNED_POD_DELETE = ClusterEvent("Pod", ActionType.DELETE, "AssignedPodDelete")
UNSCHEDULABLE_TIMEOUT = ClusterEvent("*", ActionType.ALL, "UnschedulableTimeout")


# -- what plugins can reach -------------------------------------------------------------------------
class Nominator(Protocol):
    def nominated_pods_for_node(self, node: str) -> list[PodInfo]: ...


class Handle:
    """What a plugin may use: the scheduler's cache, its client and events, listers, the seeded RNG."""

    def __init__(
        self,
        cache: Cache,
        client: Client | None = None,
        recorder: EventRecorder | None = None,
        informers: InformerFactory | None = None,
        rng: random.Random | None = None,
        scheduler_name: str = "default-scheduler",
    ) -> None:
        self.cache = cache
        self.client = client
        self.recorder = recorder
        self.informers = informers
        self.rng = rng or random.Random(0)
        self.scheduler_name = scheduler_name
        self.nominator: Nominator | None = None
        self.framework: Framework | None = None

    def lister(self, resource: str) -> list[dict[str, Any]]:
        """Objects from a shared informer cache (read-only), or none when running without informers."""
        if self.informers is None:
            return []
        return self.informers.informer(resource).list()

    def lookup(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        """One object from a shared informer cache (read-only)."""
        if self.informers is None:
            return None
        return self.informers.informer(resource).get(namespace, name)


# -- plugin interfaces ------------------------------------------------------------------------------
class Plugin:
    name: ClassVar[str] = ""

    def __init__(self, handle: Handle) -> None:
        self.handle = handle

    def events(self) -> tuple[ClusterEvent, ...]:
        """EnqueueExtensions: the cluster events that may make a pod this plugin rejected schedulable.

        A plugin that does not say is woken by every event, as in Kubernetes.
        """
        return (ClusterEvent("*", ActionType.ALL, "*"),)


class PreFilterPlugin(Plugin):
    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        raise NotImplementedError

    def add_pod(self, state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo) -> None:
        """PreFilterExtensions.AddPod: update the PreFilter state as if ``added`` ran on ``node``."""

    def remove_pod(self, state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo) -> None:
        """PreFilterExtensions.RemovePod: update the PreFilter state as if ``removed`` were gone."""


class FilterPlugin(Plugin):
    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        """None when the pod may run on ``node``; otherwise the rejection."""
        raise NotImplementedError

    def filter_key(self, pod: PodInfo) -> Hashable | None:
        """What this plugin's verdict on a node depends on besides the node itself, when that is all it
        depends on (no cycle state, no other node): pods with equal keys get the same verdict on a node
        until the node changes, so the scheduler remembers verdicts per node (Cache.column).
        None (the default): the verdict is worked out for every pod."""
        return None


class PostFilterPlugin(Plugin):
    def post_filter(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        raise NotImplementedError


class PreScorePlugin(Plugin):
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status | None:
        raise NotImplementedError


class ScorePlugin(Plugin):
    def score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[int]:
        raise NotImplementedError

    def node_local_scores(
        self, state: CycleState, nodes: Sequence[NodeInfo], key: Hashable, compute: Callable[[NodeInfo], int]
    ) -> list[int]:
        """Scores that depend on nothing but the node and ``key``: read from the cache's column when the
        cycle works on node positions, else remembered on each node until its generation moves."""
        if state.node_positions is not None:
            return self.handle.cache.column(key, compute).take(state.node_positions)  # a fresh list
        scores: list[int] = []
        for n in nodes:
            hit = n.memo.get(key)
            if hit is not None and hit[0] == n.generation:
                scores.append(hit[1])
                continue
            score = compute(n)
            n.memo[key] = (n.generation, score)
            scores.append(score)
        return scores

    def normalize(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]) -> None:
        """NormalizeScore: bring raw scores into 0..100, in place. The default leaves them as they are."""


class ReservePlugin(Plugin):
    def reserve(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        raise NotImplementedError

    def unreserve(self, state: CycleState, pod: PodInfo, node: str) -> None:
        raise NotImplementedError


class PreBindPlugin(Plugin):
    def pre_bind(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        """What must be written before the pod is bound (VolumeBinding: the volume bindings)."""
        raise NotImplementedError


class BindPlugin(Plugin):
    def bind(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        raise NotImplementedError


@dataclass(slots=True)
class PluginScores:
    """One score plugin's part in a decision: raw and normalized score per node, and its weight."""

    plugin: str
    weight: int
    raw: list[int]
    normalized: list[int]


# -- the framework ----------------------------------------------------------------------------------
class Framework:
    """One scheduling profile: its plugins in order, their score weights, percentageOfNodesToScore."""

    def __init__(
        self,
        handle: Handle,
        plugins: Sequence[Plugin],
        weights: dict[str, int],
        percentage_of_nodes_to_score: int = 0,
    ) -> None:
        self.handle = handle
        handle.framework = self
        self.plugins = list(plugins)
        self.weights = weights
        self.percentage_of_nodes_to_score = percentage_of_nodes_to_score
        self.pre_filter_plugins = [p for p in plugins if isinstance(p, PreFilterPlugin)]
        self.filter_plugins = [p for p in plugins if isinstance(p, FilterPlugin)]
        self.post_filter_plugins = [p for p in plugins if isinstance(p, PostFilterPlugin)]
        self.pre_score_plugins = [p for p in plugins if isinstance(p, PreScorePlugin)]
        self.score_plugins = [p for p in plugins if isinstance(p, ScorePlugin)]
        self.reserve_plugins = [p for p in plugins if isinstance(p, ReservePlugin)]
        self.pre_bind_plugins = [p for p in plugins if isinstance(p, PreBindPlugin)]
        self.bind_plugins = [p for p in plugins if isinstance(p, BindPlugin)]

    def events_of(self, plugin: str) -> tuple[ClusterEvent, ...]:
        for p in self.plugins:
            if p.name == plugin:
                return p.events()
        return ()

    # -- PreFilter ------------------------------------------------------------------------------
    def run_pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None, set[str]]:
        """Returns the merged node restriction, a rejection (or None), and the plugins that rejected the
        pod or narrowed the nodes down."""
        result: PreFilterResult | None = None
        narrowing: list[str] = []
        for plugin in self.pre_filter_plugins:
            narrowed, status = plugin.pre_filter(state, pod, nodes)
            if status is not None and status.code == Code.SKIP:
                state.skip_filter.add(plugin.name)
                continue
            if status is not None and status.code != Code.SUCCESS:
                return None, status.with_plugin(plugin.name), {plugin.name} if status.rejected else set()
            if narrowed is not None:
                narrowing.append(plugin.name)
                result = narrowed if result is None else PreFilterResult(result.node_names & narrowed.node_names)
                if not result.node_names:
                    msg = (
                        f"node(s) didn't satisfy plugin {narrowing[0]}"
                        if len(narrowing) == 1
                        else f"node(s) didn't satisfy plugin(s) {_go_list(narrowing)} simultaneously"
                    )
                    return result, unresolvable(msg).with_plugin(narrowing[-1]), set(narrowing)
        return result, None, set(narrowing)

    def active_filters(self, state: CycleState) -> list[FilterPlugin]:
        return [p for p in self.filter_plugins if p.name not in state.skip_filter]

    # -- Filter ---------------------------------------------------------------------------------
    def run_filter(
        self, state: CycleState, pod: PodInfo, node: NodeInfo, filters: Sequence[FilterPlugin] | None = None
    ) -> Status | None:
        """RunFilterPlugins: the first plugin that rejects decides; None when every plugin accepts."""
        for plugin in self.active_filters(state) if filters is None else filters:
            status = plugin.filter(state, pod, node)
            if status is not None:
                return status if status.plugin else status.with_plugin(plugin.name)
        return None

    def run_filter_with_nominated(
        self, state: CycleState, pod: PodInfo, node: NodeInfo, filters: Sequence[FilterPlugin] | None = None
    ) -> Status | None:
        """RunFilterPluginsWithNominatedPods: pods of equal or higher priority nominated to this node
        count as running on it; the pod must fit both with them and without them."""
        nominator = self.handle.nominator
        nominated = nominator.nominated_pods_for_node(node.name) if nominator is not None else []
        added = [p for p in nominated if p.priority >= pod.priority and p.uid != pod.uid]
        if not added:
            return self.run_filter(state, pod, node, filters)
        with_state, with_node = state.clone(), node.clone()
        for other in added:
            with_node.add_pod(other)
            self.run_pre_filter_add_pod(with_state, pod, other, with_node)
        status = self.run_filter(with_state, pod, with_node, filters)
        if status is not None:
            return status
        return self.run_filter(state, pod, node, filters)

    def run_pre_filter_add_pod(self, state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo) -> None:
        for plugin in self.pre_filter_plugins:
            if plugin.name not in state.skip_filter:
                plugin.add_pod(state, pod, added, node)

    def run_pre_filter_remove_pod(self, state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo) -> None:
        for plugin in self.pre_filter_plugins:
            if plugin.name not in state.skip_filter:
                plugin.remove_pod(state, pod, removed, node)

    # -- PostFilter -----------------------------------------------------------------------------
    def run_post_filter(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        """The first PostFilter plugin that makes the pod schedulable wins (preemption)."""
        last: tuple[PostFilterResult | None, Status] = (None, unschedulable())
        messages: list[str] = []
        for plugin in self.post_filter_plugins:
            result, status = plugin.post_filter(state, pod, statuses)
            if status.code == Code.SUCCESS:
                return result, status.with_plugin(plugin.name)
            if status.message:
                messages.append(status.message)
            last = (result, status.with_plugin(plugin.name))
        result, status = last
        return result, Status(status.code, *messages, plugin=status.plugin)

    # -- PreScore / Score -----------------------------------------------------------------------
    def run_pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status | None:
        for plugin in self.pre_score_plugins:
            status = plugin.pre_score(state, pod, nodes)
            if status is None:
                continue
            if status.code == Code.SKIP:
                state.skip_score.add(plugin.name)
            elif status.code != Code.SUCCESS:
                return status.with_plugin(plugin.name)
        return None

    def run_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[PluginScores]:
        """Score, NormalizeScore and the weight, per plugin; the caller adds up the weighted totals."""
        out: list[PluginScores] = []
        for plugin in self.score_plugins:
            if plugin.name in state.skip_score:
                continue
            raw = plugin.score(state, pod, nodes)
            normalized = list(raw)
            plugin.normalize(state, pod, nodes, normalized)
            out.append(PluginScores(plugin.name, self.weights.get(plugin.name, 1), raw, normalized))
        return out

    # -- Reserve / Bind -------------------------------------------------------------------------
    def run_reserve(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        for plugin in self.reserve_plugins:
            status = plugin.reserve(state, pod, node)
            if status is not None and status.code != Code.SUCCESS:
                return status.with_plugin(plugin.name)
        return None

    def run_unreserve(self, state: CycleState, pod: PodInfo, node: str) -> None:
        for plugin in reversed(self.reserve_plugins):
            plugin.unreserve(state, pod, node)

    def run_pre_bind(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        for plugin in self.pre_bind_plugins:
            if plugin.name in state.skip_filter:
                continue  # skipped at PreFilter: nothing for it to write
            status = plugin.pre_bind(state, pod, node)
            if status is not None and status.code != Code.SUCCESS:
                return status.with_plugin(plugin.name)
        return None

    def run_bind(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        """The first Bind plugin that does not skip binds the pod."""
        for plugin in self.bind_plugins:
            status = plugin.bind(state, pod, node)
            if status is not None and status.code == Code.SKIP:
                continue
            return None if status is None else status.with_plugin(plugin.name)
        return Status(Code.ERROR, "no bind plugin bound the pod")

    # -- sampling -------------------------------------------------------------------------------
    def num_feasible_nodes_to_find(self, num_all_nodes: int) -> int:
        """numFeasibleNodesToFind (schedule_one.go): stop filtering once this many nodes fit."""
        if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
            return num_all_nodes
        percentage = self.percentage_of_nodes_to_score
        if percentage == 0:
            percentage = max(50 - num_all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)
        return max(num_all_nodes * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)

    def percentage_for(self, num_all_nodes: int) -> int:
        if self.percentage_of_nodes_to_score:
            return self.percentage_of_nodes_to_score
        return max(50 - num_all_nodes // 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND)


def _go_list(items: Sequence[str]) -> str:
    """How Go's %v prints a []string: ``[A B]``."""
    return "[" + " ".join(items) + "]"
