"""InterPodAffinity: place a pod near (affinity) or away from (anti-affinity) pods with certain labels,
per topology domain; existing pods' anti-affinity is honoured too (plugins/interpodaffinity).

Filter: required affinity needs a matching pod in the node's domain (or, for the first pod of a
group that matches itself, no matching pod anywhere); required anti-affinity, the pod's own or an
existing pod's, forbids a domain that has a match.
Score: for each domain, + weight of the pod's preferred affinity terms that existing pods there
match, - weight for preferred anti-affinity; existing pods' preferred terms (and required
affinity terms, with weight 1) that this pod matches count the same way. Then min-max to 0..100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from kubetui.scheduler.framework import (
    NODE_ADD,
    NODE_LABEL_CHANGE,
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
    unschedulable,
)
from kubetui.scheduler.helpers import MAX_NODE_SCORE
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import AffinityTerm, PodInfo

ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules"
ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules"
ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1  # InterPodAffinityArgs.hardPodAffinityWeight default
_PRE_FILTER_KEY = "PreFilterInterPodAffinity"
_PRE_SCORE_KEY = "PreScoreInterPodAffinity"

TopologyCounts = dict[tuple[str, str], int]  # (topology key, value) -> matching pods


def _add(counts: TopologyCounts, labels: Mapping[str, str], key: str, delta: int) -> None:
    value = labels.get(key)
    if value is None:
        return
    pair = (key, value)
    total = counts.get(pair, 0) + delta
    if total:
        counts[pair] = total
    else:
        counts.pop(pair, None)


def _matches_all(terms: Sequence[AffinityTerm], pod: PodInfo) -> bool:
    return bool(terms) and all(t.matches(pod) for t in terms)


class PreFilterState:
    __slots__ = (
        "affinity",
        "affinity_terms",
        "anti_affinity",
        "anti_affinity_terms",
        "existing_anti_affinity",
        "namespace_labels",
        "pod",
    )

    def __init__(
        self,
        pod: PodInfo,
        affinity_terms: tuple[AffinityTerm, ...],
        anti_affinity_terms: tuple[AffinityTerm, ...],
        namespace_labels: dict[str, str],
    ) -> None:
        self.pod = pod
        self.affinity_terms = affinity_terms
        self.anti_affinity_terms = anti_affinity_terms
        self.namespace_labels = namespace_labels
        # existing pods' anti-affinity terms this pod matches
        self.existing_anti_affinity: TopologyCounts = {}
        self.affinity: TopologyCounts = {}  # existing pods matching all of this pod's affinity terms
        self.anti_affinity: TopologyCounts = {}  # existing pods matching this pod's anti-affinity terms

    def clone(self) -> PreFilterState:
        out = PreFilterState(self.pod, self.affinity_terms, self.anti_affinity_terms, self.namespace_labels)
        out.existing_anti_affinity = dict(self.existing_anti_affinity)
        out.affinity = dict(self.affinity)
        out.anti_affinity = dict(self.anti_affinity)
        return out

    def update_with_pod(self, other: PodInfo, node: NodeInfo, delta: int) -> None:
        for term in other.required_anti_affinity_terms:
            if term.matches(self.pod, self.namespace_labels):
                _add(self.existing_anti_affinity, node.labels, term.topology_key, delta)
        if _matches_all(self.affinity_terms, other):
            for term in self.affinity_terms:
                _add(self.affinity, node.labels, term.topology_key, delta)
        for term in self.anti_affinity_terms:
            if term.matches(other):
                _add(self.anti_affinity, node.labels, term.topology_key, delta)


class InterPodAffinity(PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin):
    name = "InterPodAffinity"

    def events(self) -> tuple[ClusterEvent, ...]:
        return (ClusterEvent("Pod", ActionType.ALL), NODE_ADD, NODE_LABEL_CHANGE)

    # -- namespaces --------------------------------------------------------------------------------
    def _namespace_labels(self, namespace: str) -> dict[str, str]:
        """GetNamespaceLabelsSnapshot: the labels of the pod's namespace."""
        if self.handle.informers is None:
            return {}
        ns = self.handle.informers.informer("namespaces").get("", namespace)
        labels = (ns or {}).get("metadata", {}).get("labels")
        return dict(labels) if isinstance(labels, dict) else {}

    def _resolve_namespaces(self, terms: Iterable[AffinityTerm]) -> tuple[AffinityTerm, ...]:
        """mergeAffinityTermNamespacesIfNotEmpty: turn a term's namespaceSelector into namespace names."""
        out: list[AffinityTerm] = []
        for term in terms:
            if term.namespace_selector is None:
                out.append(term)
                continue
            names = frozenset(
                ns["metadata"]["name"]
                for ns in self.handle.lister("namespaces")
                if term.namespace_selector.matches(ns["metadata"].get("labels") or {})
            )
            out.append(term.with_namespaces(names))
        return tuple(out)

    # -- PreFilter / Filter ------------------------------------------------------------------------
    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        cache = self.handle.cache
        s = PreFilterState(
            pod,
            self._resolve_namespaces(pod.required_affinity_terms),
            self._resolve_namespaces(pod.required_anti_affinity_terms),
            self._namespace_labels(pod.namespace),
        )
        for node in cache.nodes_with_required_anti_affinity_pods():
            for existing in node.pods_with_required_anti_affinity.values():
                for term in existing.required_anti_affinity_terms:
                    if term.matches(pod, s.namespace_labels):
                        _add(s.existing_anti_affinity, node.labels, term.topology_key, 1)
        if s.affinity_terms or s.anti_affinity_terms:
            for node in cache.node_list():
                for existing in node.pods.values():
                    if _matches_all(s.affinity_terms, existing):
                        for term in s.affinity_terms:
                            _add(s.affinity, node.labels, term.topology_key, 1)
                    for term in s.anti_affinity_terms:
                        if term.matches(existing):
                            _add(s.anti_affinity, node.labels, term.topology_key, 1)
        if not s.existing_anti_affinity and not s.affinity_terms and not s.anti_affinity_terms:
            return None, SKIP
        state.write(_PRE_FILTER_KEY, s)
        return None, None

    def add_pod(self, state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo) -> None:
        state.read(_PRE_FILTER_KEY).update_with_pod(added, node, 1)

    def remove_pod(self, state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo) -> None:
        state.read(_PRE_FILTER_KEY).update_with_pod(removed, node, -1)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        s: PreFilterState = state.read(_PRE_FILTER_KEY)
        labels = node.labels
        if not self._satisfies_affinity(s, labels):
            return unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH).with_plugin(self.name)
        if s.anti_affinity:
            for term in s.anti_affinity_terms:
                value = labels.get(term.topology_key)
                if value is not None and s.anti_affinity.get((term.topology_key, value), 0) > 0:
                    return unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH).with_plugin(self.name)
        for (key, value), count in s.existing_anti_affinity.items():
            if count > 0 and labels.get(key) == value:
                return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH).with_plugin(self.name)
        return None

    @staticmethod
    def _satisfies_affinity(s: PreFilterState, labels: Mapping[str, str]) -> bool:
        pods_exist = True
        for term in s.affinity_terms:
            value = labels.get(term.topology_key)
            if value is None:
                return False  # every topology label must be on the node
            if s.affinity.get((term.topology_key, value), 0) <= 0:
                pods_exist = False
        if pods_exist:
            return True
        # The first pod of a group that has affinity to itself may go anywhere with the topology labels.
        return not s.affinity and _matches_all(s.affinity_terms, s.pod)

    # -- PreScore / Score --------------------------------------------------------------------------
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status | None:
        if not nodes:
            return SKIP
        preferred_affinity = self._resolve_namespaces(pod.preferred_affinity_terms)
        preferred_anti = self._resolve_namespaces(pod.preferred_anti_affinity_terms)
        has_constraints = bool(preferred_affinity or preferred_anti)
        namespace_labels = self._namespace_labels(pod.namespace)
        cache = self.handle.cache
        scores: dict[str, dict[str, int]] = {}  # topology key -> value -> score
        touched = False

        def process(
            terms: Iterable[AffinityTerm],
            target: PodInfo,
            ns_labels: dict[str, str] | None,
            labels: Mapping[str, str],
            sign: int,
            weight: int | None = None,
        ) -> None:
            nonlocal touched
            for term in terms:
                if term.matches(target, ns_labels):
                    value = labels.get(term.topology_key)
                    if value is not None:
                        by_value = scores.setdefault(term.topology_key, {})
                        by_value[value] = by_value.get(value, 0) + sign * (
                            term.weight if weight is None else weight
                        )
                        touched = True

        for node in cache.node_list() if has_constraints else cache.nodes_with_affinity_pods():
            labels = node.labels
            if not labels:
                continue
            for existing in (node.pods if has_constraints else node.pods_with_affinity).values():
                process(preferred_affinity, existing, None, labels, 1)
                process(preferred_anti, existing, None, labels, -1)
                process(
                    existing.required_affinity_terms,
                    pod,
                    namespace_labels,
                    labels,
                    1,
                    HARD_POD_AFFINITY_WEIGHT,
                )
                process(existing.preferred_affinity_terms, pod, namespace_labels, labels, 1)
                process(existing.preferred_anti_affinity_terms, pod, namespace_labels, labels, -1)
        if not touched:
            return SKIP
        state.write(_PRE_SCORE_KEY, scores)
        return None

    def score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[int]:
        scores: dict[str, dict[str, int]] = state.read(_PRE_SCORE_KEY)
        out: list[int] = []
        for node in nodes:
            total = 0
            for key, by_value in scores.items():
                value = node.labels.get(key)
                if value is not None:
                    total += by_value.get(value, 0)
            out.append(total)
        return out

    def normalize(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]
    ) -> None:
        if not state.read(_PRE_SCORE_KEY) or not scores:
            return
        lowest, highest = min(scores), max(scores)
        spread = highest - lowest
        for i, score in enumerate(scores):
            scores[i] = int(MAX_NODE_SCORE * ((score - lowest) / spread)) if spread > 0 else 0
