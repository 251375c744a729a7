"""NodePorts: a pod asking for a hostPort fits only a node where that port is free (plugins/nodeports)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from kubetui.scheduler.framework import (
    ASSIGNED_POD_DELETE,
    NODE_ADD,
    SKIP,
    ActionType,
    ClusterEvent,
    CycleState,
    FilterPlugin,
    PreFilterPlugin,
    PreFilterResult,
    Status,
    unschedulable,
)
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

ERR_REASON = "node(s) didn't have free ports for the requested pod ports"


class NodePorts(PreFilterPlugin, FilterPlugin):
    name = "NodePorts"
    _rejected = unschedulable(ERR_REASON).with_plugin("NodePorts")

    def events(self) -> tuple[ClusterEvent, ...]:
        return (ASSIGNED_POD_DELETE, NODE_ADD, ClusterEvent("Node", ActionType.UPDATE))

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        return None, (None if pod.host_ports else SKIP)

    def filter_key(self, pod: PodInfo) -> Hashable | None:
        return pod.host_ports

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        for ip, protocol, port in pod.host_ports:
            if node.port_in_use(ip, protocol, port):
                return self._rejected
        return None
