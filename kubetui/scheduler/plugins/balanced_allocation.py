"""NodeResourcesBalancedAllocation: prefer nodes whose cpu and memory would be used in equal shares
(plugins/noderesources/balanced_allocation.go).

Score: with f = requested / allocatable per resource (capped at 1, requests as written, no defaults),
       score = (1 - |f_cpu - f_memory| / 2) * 100, truncated.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubetui.scheduler.framework import CycleState, ScorePlugin
from kubetui.scheduler.helpers import MAX_NODE_SCORE
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo


def balanced_score(fractions: Sequence[float]) -> int:
    """balancedResourceScorer: 100 * (1 - standard deviation of the used fractions)."""
    if len(fractions) == 2:
        std = abs(fractions[0] - fractions[1]) / 2
    elif len(fractions) > 2:
        mean = sum(fractions) / len(fractions)
        std = (sum((f - mean) * (f - mean) for f in fractions) / len(fractions)) ** 0.5
    else:
        std = 0.0
    return int((1 - std) * MAX_NODE_SCORE)


class BalancedAllocation(ScorePlugin):
    name = "NodeResourcesBalancedAllocation"

    def score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[int]:
        cpu, memory = pod.cpu, pod.memory

        def balanced(n: NodeInfo) -> int:
            fractions: list[float] = []
            if n.allocatable_cpu:
                fractions.append(min((n.requested_cpu + cpu) / n.allocatable_cpu, 1.0))
            if n.allocatable_memory:
                fractions.append(min((n.requested_memory + memory) / n.allocatable_memory, 1.0))
            return balanced_score(fractions)

        key = ("BalancedAllocation", cpu, memory)
        return self.node_local_scores(state, nodes, key, balanced)  # the same until a node's pods change
