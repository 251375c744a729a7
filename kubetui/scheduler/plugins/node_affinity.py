"""NodeAffinity: spec.nodeSelector and required node affinity filter nodes; preferred node affinity
scores them by the summed weights of the terms a node matches (plugins/nodeaffinity/node_affinity.go)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

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
from kubetui.scheduler.helpers import default_normalize_score, node_selector_term_matches
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector"
ERR_REASON_CONFLICT = "pod affinity terms conflict"
_PRE_SCORE_KEY = "PreScoreNodeAffinity"


class NodeAffinity(PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin):
    name = "NodeAffinity"
    _rejected = unresolvable(ERR_REASON_POD).with_plugin("NodeAffinity")

    def events(self) -> tuple[ClusterEvent, ...]:
        return (NODE_ADD, ClusterEvent("Node", ActionType.UPDATE))

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        required = pod.required_node_affinity
        if required.empty:
            return None, SKIP
        if not required.terms:
            return None, None
        # Affinity to metadata.name narrows the decision down to those nodes.
        names: set[str] | None = None
        for term in required.terms:
            term_names: set[str] | None = None
            for req in term.get("matchFields") or ():
                if req.get("key") == "metadata.name" and req.get("operator") == "In":
                    values = set(req.get("values") or ())
                    term_names = values if term_names is None else term_names & values
            if term_names is None:
                return None, None  # this term allows any node, and terms are ORed
            names = term_names if names is None else names | term_names
        if names is not None and not names:
            return None, unresolvable(ERR_REASON_CONFLICT)
        return (PreFilterResult(frozenset(names)) if names else None), None

    def filter_key(self, pod: PodInfo) -> Hashable | None:
        required = pod.required_node_affinity
        return orjson.dumps((required.node_selector, required.terms), option=orjson.OPT_SORT_KEYS)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        if pod.required_node_affinity.matches(node.labels, node.name):
            return None
        return self._rejected

    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status | None:
        affinity = ((pod.pod.get("spec") or {}).get("affinity") or {}).get("nodeAffinity") or {}
        terms: list[tuple[int, dict[str, Any]]] = [
            (int(t.get("weight") or 0), t.get("preference") or {})
            for t in affinity.get("preferredDuringSchedulingIgnoredDuringExecution") or ()
        ]
        terms = [(w, p) for w, p in terms if w and (p.get("matchExpressions") or p.get("matchFields"))]
        if not terms:
            return SKIP
        state.write(_PRE_SCORE_KEY, terms)
        return None

    def score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[int]:
        terms = state.read(_PRE_SCORE_KEY)
        return [sum(w for w, p in terms if node_selector_term_matches(p, n.labels, n.name)) for n in nodes]

    def normalize(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]) -> None:
        default_normalize_score(scores, reverse=False)
