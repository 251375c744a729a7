"""NodeResourcesFit: a pod fits a node only if its requests fit in what the node has left; among the
nodes that fit, the least allocated scores best (plugins/noderesources/fit.go, least_allocated.go).

Filter:  for cpu, memory, ephemeral-storage and each extended resource the pod requests,
         request <= allocatable - already requested; and pods + 1 <= allocatable pods.
Score:   LeastAllocated over cpu and memory (weight 1 each):
         (allocatable - requested) * 100 / allocatable per resource, then the weighted mean.
         "requested" counts every container that asks for no cpu/memory as 100m / 200Mi.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from kubetui.scheduler.framework import (
    ASSIGNED_POD_DELETE,
    NODE_ADD,
    ActionType,
    ClusterEvent,
    Code,
    CycleState,
    FilterPlugin,
    PreFilterPlugin,
    PreFilterResult,
    ScorePlugin,
    Status,
)
from kubetui.scheduler.helpers import MAX_NODE_SCORE
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo


def least_requested_score(requested: int, capacity: int) -> int:
    """leastRequestedScore: the free fraction of a resource on a 0..100 scale (0 when over capacity)."""
    if capacity == 0 or requested > capacity:
        return 0
    return (capacity - requested) * MAX_NODE_SCORE // capacity


def insufficient_resources(pod: PodInfo, node: NodeInfo) -> list[tuple[str, bool]]:
    """fitsRequest: each failing check as (reason, unresolvable); unresolvable = more than the whole node."""
    out: list[tuple[str, bool]] = []
    if len(node.pods) + 1 > node.allocatable_pods:
        out.append(("Too many pods", False))
    if not pod.has_requests:
        return out
    if pod.cpu > 0 and pod.cpu > node.allocatable_cpu - node.requested_cpu:
        out.append(("Insufficient cpu", pod.cpu > node.allocatable_cpu))
    if pod.memory > 0 and pod.memory > node.allocatable_memory - node.requested_memory:
        out.append(("Insufficient memory", pod.memory > node.allocatable_memory))
    if pod.ephemeral_storage > 0 and (
        pod.ephemeral_storage > node.allocatable_ephemeral_storage - node.requested_ephemeral_storage
    ):
        out.append(("Insufficient ephemeral-storage", pod.ephemeral_storage > node.allocatable_ephemeral_storage))
    for name, amount in pod.scalars.items():
        allocatable = node.allocatable_scalars.get(name, 0)
        if amount > allocatable - node.requested_scalars.get(name, 0):
            out.append((f"Insufficient {name}", amount > allocatable))
    return out


class NodeResourcesFit(PreFilterPlugin, FilterPlugin, ScorePlugin):
    name = "NodeResourcesFit"

    def events(self) -> tuple[ClusterEvent, ...]:
        return (ASSIGNED_POD_DELETE, NODE_ADD, ClusterEvent("Node", ActionType.UPDATE))

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        # The pod's requests were added up once, when its PodInfo was built.
        return None, None

    def filter_key(self, pod: PodInfo) -> Hashable | None:
        return (pod.cpu, pod.memory, pod.ephemeral_storage, tuple(pod.scalars.items()))

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        cpu, memory = pod.cpu, pod.memory
        if (
            len(node.pods) < node.allocatable_pods
            and cpu <= node.allocatable_cpu - node.requested_cpu
            and memory <= node.allocatable_memory - node.requested_memory
            and not pod.ephemeral_storage
            and not pod.scalars
        ):
            return None  # the common case, decided without building a list
        insufficient = insufficient_resources(pod, node)
        if not insufficient:
            return None
        code = Code.UNSCHEDULABLE_AND_UNRESOLVABLE if any(u for _, u in insufficient) else Code.UNSCHEDULABLE
        return Status(code, *(reason for reason, _ in insufficient), plugin=self.name)

    def score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[int]:
        cpu, memory = pod.non_zero_cpu, pod.non_zero_memory

        def least_allocated(n: NodeInfo) -> int:
            total = weights = 0
            if n.allocatable_cpu:
                total += least_requested_score(n.non_zero_cpu + cpu, n.allocatable_cpu)
                weights += 1
            if n.allocatable_memory:
                total += least_requested_score(n.non_zero_memory + memory, n.allocatable_memory)
                weights += 1
            return total // weights if weights else 0

        key = ("LeastAllocated", cpu, memory)
        return self.node_local_scores(state, nodes, key, least_allocated)  # the same until a node's pods change
