"""NodeName: a pod that names its node (spec.nodeName) fits only that node (plugins/nodename/node_name.go)."""

from __future__ import annotations

from kubetui.scheduler.framework import (
    NODE_ADD,
    ActionType,
    ClusterEvent,
    CycleState,
    FilterPlugin,
    Status,
    unresolvable,
)
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

ERR_REASON = "node(s) didn't match the requested node name"


class NodeName(FilterPlugin):
    name = "NodeName"
    _rejected = unresolvable(ERR_REASON).with_plugin("NodeName")

    def events(self) -> tuple[ClusterEvent, ...]:
        return (NODE_ADD, ClusterEvent("Node", ActionType.UPDATE))

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not pod.node_name or pod.node_name == node.name:
            return None
        return self._rejected
