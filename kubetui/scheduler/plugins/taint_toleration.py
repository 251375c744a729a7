"""TaintToleration: a pod may only land on a node whose NoSchedule/NoExecute taints it tolerates, and
prefers nodes with fewer PreferNoSchedule taints it does not tolerate (plugins/tainttoleration).

Score: the number of untolerated PreferNoSchedule taints, normalized in reverse (fewest = 100).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import orjson

from kubetui.scheduler.framework import (
    NODE_ADD,
    SKIP,
    ActionType,
    ClusterEvent,
    CycleState,
    FilterPlugin,
    PreFilterPlugin,
    PreFilterResult,
    PreScorePlugin,
    ScorePlugin,
    Status,
    unresolvable,
)
from kubetui.scheduler.helpers import default_normalize_score, first_untolerated, taint_text, tolerated
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

_PRE_SCORE_KEY = "PreScoreTaintToleration"


class TaintToleration(PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin):
    name = "TaintToleration"

    def events(self) -> tuple[ClusterEvent, ...]:
        return (NODE_ADD, ClusterEvent("Node", ActionType.UPDATE))

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        """kubetui addition: with no NoSchedule/NoExecute taint in the cluster there is nothing to filter."""
        return None, (None if self.handle.cache.tainted_nodes else SKIP)

    def filter_key(self, pod: PodInfo) -> Hashable | None:
        return orjson.dumps(pod.tolerations, option=orjson.OPT_SORT_KEYS)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if not node.no_schedule_taints:
            return None
        taint = first_untolerated(node.no_schedule_taints, pod.tolerations)
        if taint is None:
            return None
        return unresolvable(f"node(s) had untolerated taint {taint_text(taint)}").with_plugin(self.name)

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status | None:
        # An empty effect tolerates every effect, PreferNoSchedule included.
        state.write(
            _PRE_SCORE_KEY,
            tuple(t for t in pod.tolerations if (t.get("effect") or "PreferNoSchedule") == "PreferNoSchedule"),
        )
        return None

    def score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[int]:
        tolerations = state.read(_PRE_SCORE_KEY)
        if state.node_positions is not None:

            def untolerated(n: NodeInfo) -> int:
                return sum(1 for taint in n.prefer_no_schedule_taints if not tolerated(tolerations, taint))

            key = ("TaintToleration/score", orjson.dumps(tolerations, option=orjson.OPT_SORT_KEYS))
            return self.handle.cache.column(key, untolerated).take(state.node_positions)
        return [
            sum(1 for taint in n.prefer_no_schedule_taints if not tolerated(tolerations, taint))
            if n.prefer_no_schedule_taints
            else 0
            for n in nodes
        ]

    def normalize(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]) -> None:
        default_normalize_score(scores, reverse=True)
