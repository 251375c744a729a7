"""NodeName: a pod that names its node (spec.nodeName) fits only that node (plugins/nodename/node_name.go)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from kubetui.scheduler.framework import (
    NODE_ADD,
    SKIP,
    ActionType,
    ClusterEvent,
    CycleState,
    FilterPlugin,
    PreFilterPlugin,
    PreFilterResult,
    Status,
    unresolvable,
)
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

ERR_REASON = "node(s) didn't match the requested node name"


class NodeName(PreFilterPlugin, FilterPlugin):
    name = "NodeName"
    _rejected = unresolvable(ERR_REASON).with_plugin("NodeName")

    def events(self) -> tuple[ClusterEvent, ...]:
        return (NODE_ADD, ClusterEvent("Node", ActionType.UPDATE))

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        """kubetui addition: a pod that names no node passes this filter everywhere, so skip it."""
        return None, (None if pod.node_name else SKIP)

    def filter_key(self, pod: PodInfo) -> Hashable | None:
        return pod.node_name

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not pod.node_name or pod.node_name == node.name:
            return None
        return self._rejected
