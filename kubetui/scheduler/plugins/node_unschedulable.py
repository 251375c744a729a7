"""NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods unless they tolerate
the ``node.kubernetes.io/unschedulable:NoSchedule`` taint (plugins/nodeunschedulable).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from kubetui.scheduler.framework import (
    NODE_ADD,
    NODE_SPEC_UNSCHEDULABLE_CHANGE,
    SKIP,
    ClusterEvent,
    CycleState,
    FilterPlugin,
    PreFilterPlugin,
    PreFilterResult,
    Status,
    unresolvable,
)
from kubetui.scheduler.helpers import TAINT_NODE_UNSCHEDULABLE, tolerated
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
_UNSCHEDULABLE_TAINT = {"key": TAINT_NODE_UNSCHEDULABLE, "effect": "NoSchedule"}


class NodeUnschedulable(PreFilterPlugin, FilterPlugin):
    name = "NodeUnschedulable"
    _rejected = unresolvable(ERR_REASON_UNSCHEDULABLE).with_plugin("NodeUnschedulable")

    def events(self) -> tuple[ClusterEvent, ...]:
        return (NODE_ADD, NODE_SPEC_UNSCHEDULABLE_CHANGE)

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        """kubetui addition: with no cordoned node in the cluster there is nothing to filter."""
        return None, (None if self.handle.cache.unschedulable_nodes else SKIP)

    def filter_key(self, pod: PodInfo) -> Hashable | None:
        return tolerated(pod.tolerations, _UNSCHEDULABLE_TAINT)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not node.unschedulable or tolerated(pod.tolerations, _UNSCHEDULABLE_TAINT):
            return None
        return self._rejected
