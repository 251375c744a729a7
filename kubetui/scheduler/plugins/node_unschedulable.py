"""NodeUnschedulable: a cordoned node (spec.unschedulable) takes no new pods unless they tolerate
the ``node.kubernetes.io/unschedulable:NoSchedule`` taint (plugins/nodeunschedulable).
"""

from __future__ import annotations

from kubetui.scheduler.framework import (
    NODE_ADD,
    NODE_SPEC_UNSCHEDULABLE_CHANGE,
    ClusterEvent,
    CycleState,
    FilterPlugin,
    Status,
    unresolvable,
)
from kubetui.scheduler.helpers import TAINT_NODE_UNSCHEDULABLE, tolerated
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable"
_UNSCHEDULABLE_TAINT = {"key": TAINT_NODE_UNSCHEDULABLE, "effect": "NoSchedule"}


class NodeUnschedulable(FilterPlugin):
    name = "NodeUnschedulable"
    _rejected = unresolvable(ERR_REASON_UNSCHEDULABLE).with_plugin("NodeUnschedulable")

    def events(self) -> tuple[ClusterEvent, ...]:
        return (NODE_ADD, NODE_SPEC_UNSCHEDULABLE_CHANGE)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not node.unschedulable or tolerated(pod.tolerations, _UNSCHEDULABLE_TAINT):
            return None
        return self._rejected
