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
from typing import Any

from kubetui.scheduler.framework import (
    NODE_ADD,
    NODE_LABEL_CHANGE,
    SKIP,
    ActionType,
    ClusterEvent,
    CycleState,
    FilterPlugin,
    Handle,
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


_AFFINITY_REJECTED = unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH).with_plugin("InterPodAffinity")
_ANTI_AFFINITY_REJECTED = unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH).with_plugin("InterPodAffinity")
_EXISTING_ANTI_AFFINITY_REJECTED = unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH).with_plugin(
    "InterPodAffinity"
)


def _existing_anti_affinity_keys(node: NodeInfo, pod: PodInfo, namespace_labels: dict[str, str]) -> tuple[str, ...]:
    """The topology keys of this node's pods' required anti-affinity terms that ``pod`` matches."""
    return tuple(
        term.topology_key
        for existing in node.pods_with_required_anti_affinity.values()
        for term in existing.required_anti_affinity_terms
        if term.matches(pod, namespace_labels)
    )


def _incoming_matches(
    node: NodeInfo, affinity: Sequence[AffinityTerm], anti_affinity: Sequence[AffinityTerm]
) -> tuple[int, tuple[int, ...]]:
    """How many of this node's pods match all the affinity terms, and each anti-affinity term."""
    pods = node.pods.values()
    matching_all = sum(1 for p in pods if _matches_all(affinity, p)) if affinity else 0
    return matching_all, tuple(sum(1 for p in pods if term.matches(p)) for term in anti_affinity)


class PreFilterState:
    __slots__ = (
        "affinity",
        "affinity_terms",
        "anti_affinity",
        "anti_affinity_terms",
        "anti_keys",
        "existing_anti_affinity",
        "existing_keys",
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
        self.anti_keys = tuple(dict.fromkeys(t.topology_key for t in anti_affinity_terms))
        self.namespace_labels = namespace_labels
        # existing pods' anti-affinity terms this pod matches
        self.existing_anti_affinity: TopologyCounts = {}
        self.affinity: TopologyCounts = {}  # existing pods matching all of this pod's affinity terms
        self.anti_affinity: TopologyCounts = {}  # existing pods matching this pod's anti-affinity terms
        self.existing_keys: set[str] = set()  # the topology keys in existing_anti_affinity

    def clone(self) -> PreFilterState:
        out = PreFilterState(self.pod, self.affinity_terms, self.anti_affinity_terms, self.namespace_labels)
        out.existing_anti_affinity = dict(self.existing_anti_affinity)
        out.existing_keys = set(self.existing_keys)
        out.affinity = dict(self.affinity)
        out.anti_affinity = dict(self.anti_affinity)
        return out

    def update_with_pod(self, other: PodInfo, node: NodeInfo, delta: int) -> None:
        for term in other.required_anti_affinity_terms:
            if term.matches(self.pod, self.namespace_labels):
                _add(self.existing_anti_affinity, node.labels, term.topology_key, delta)
                self.existing_keys.add(term.topology_key)
        if _matches_all(self.affinity_terms, other):
            for term in self.affinity_terms:
                _add(self.affinity, node.labels, term.topology_key, delta)
        for term in self.anti_affinity_terms:
            if term.matches(other):
                _add(self.anti_affinity, node.labels, term.topology_key, delta)


class ScoreState:
    """Per topology domain, the summed weights of the matching terms, and how many terms matched there."""

    __slots__ = ("hits", "scores")

    def __init__(self) -> None:
        self.scores: dict[str, dict[str, int]] = {}  # topology key -> value -> score
        self.hits: dict[tuple[str, str], int] = {}

    def add(self, labels: Mapping[str, str], contributions: Iterable[tuple[str, int]], sign: int) -> None:
        for topology_key, weight in contributions:
            value = labels.get(topology_key)
            if value is None:
                continue
            by_value = self.scores.setdefault(topology_key, {})
            by_value[value] = by_value.get(value, 0) + sign * weight
            hits = self.hits.get((topology_key, value), 0) + sign
            if hits:
                self.hits[(topology_key, value)] = hits
                continue
            # no term matches there any more: forget the domain, as a recount would
            del self.hits[(topology_key, value)]
            del by_value[value]
            if not by_value:
                del self.scores[topology_key]


def _score_contributions(
    pod: PodInfo,
    existing_pods: Iterable[PodInfo],
    preferred_affinity: Sequence[AffinityTerm],
    preferred_anti: Sequence[AffinityTerm],
    namespace_labels: dict[str, str],
) -> list[tuple[str, int]]:
    """processExistingPod for each pod on a node: (topology key, +/- weight) for every term that matches."""
    out: list[tuple[str, int]] = []
    for existing in existing_pods:
        out += [(t.topology_key, t.weight) for t in preferred_affinity if t.matches(existing)]
        out += [(t.topology_key, -t.weight) for t in preferred_anti if t.matches(existing)]
        out += [
            (t.topology_key, HARD_POD_AFFINITY_WEIGHT)
            for t in existing.required_affinity_terms
            if t.matches(pod, namespace_labels)
        ]
        out += [
            (t.topology_key, t.weight) for t in existing.preferred_affinity_terms if t.matches(pod, namespace_labels)
        ]
        out += [
            (t.topology_key, -t.weight)
            for t in existing.preferred_anti_affinity_terms
            if t.matches(pod, namespace_labels)
        ]
    return out


class InterPodAffinity(PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin):
    name = "InterPodAffinity"

    def __init__(self, handle: Handle) -> None:
        super().__init__(handle)
        # Counts worked out for earlier pods, with the cache revisions they were up to date at.
        self._prefiltered: dict[tuple[Any, ...], tuple[int, int, PreFilterState]] = {}
        self._prescored: dict[tuple[Any, ...], tuple[int, int, ScoreState]] = {}

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
        affinity = self._resolve_namespaces(pod.required_affinity_terms)
        anti_affinity = self._resolve_namespaces(pod.required_anti_affinity_terms)
        namespace_labels = self._namespace_labels(pod.namespace)
        # Pods with the same namespace, labels and terms get the same counts: an earlier pod's counts are
        # brought up to date with the pods placed and removed since, unless a node came, went or changed.
        key = (
            pod.namespace,
            pod.label_key,
            tuple(sorted(namespace_labels.items())),
            tuple(t.signature for t in affinity),
            tuple(t.signature for t in anti_affinity),
        )
        known = self._prefiltered.get(key)
        changes = cache.pod_changes_since(known[0]) if known is not None and known[1] == cache.node_revision else None
        if known is not None and changes is not None:
            counted = known[2]
            for other, node, delta in changes:
                counted.update_with_pod(other, node, delta)
        else:
            counted = PreFilterState(pod, affinity, anti_affinity, namespace_labels)
            self._count_all(counted)
            if len(self._prefiltered) >= 16:
                del self._prefiltered[next(iter(self._prefiltered))]
        self._prefiltered[key] = (cache.pod_revision, cache.node_revision, counted)
        s = counted.clone()
        s.pod = pod
        if not s.existing_anti_affinity and not s.affinity_terms and not s.anti_affinity_terms:
            return None, SKIP
        state.write(_PRE_FILTER_KEY, s)
        return None, None

    def _count_all(self, s: PreFilterState) -> None:
        """Count over every node (getExistingAntiAffinityCounts, getIncomingAffinityAntiAffinityCounts).

        What one node contributes only changes when its pods do, so it is remembered per node too.
        """
        cache, pod = self.handle.cache, s.pod
        key: tuple[Any, ...] = (
            "InterPodAffinity/existing",
            pod.namespace,
            pod.label_key,
            tuple(sorted(s.namespace_labels.items())),
        )
        for node in cache.nodes_with_required_anti_affinity_pods():
            hit = node.memo.get(key)
            if hit is None or hit[0] != node.generation:
                hit = (node.generation, _existing_anti_affinity_keys(node, pod, s.namespace_labels))
                node.memo[key] = hit
            for topology_key in hit[1]:
                _add(s.existing_anti_affinity, node.labels, topology_key, 1)
                s.existing_keys.add(topology_key)
        if not s.affinity_terms and not s.anti_affinity_terms:
            return
        key = (
            "InterPodAffinity/incoming",
            tuple(t.signature for t in s.affinity_terms),
            tuple(t.signature for t in s.anti_affinity_terms),
        )
        for node in cache.node_list():
            hit = node.memo.get(key)
            if hit is None or hit[0] != node.generation:
                hit = (node.generation, _incoming_matches(node, s.affinity_terms, s.anti_affinity_terms))
                node.memo[key] = hit
            matching_all, anti_counts = hit[1]
            if matching_all:
                for term in s.affinity_terms:
                    _add(s.affinity, node.labels, term.topology_key, matching_all)
            for term, count in zip(s.anti_affinity_terms, anti_counts, strict=True):
                if count:
                    _add(s.anti_affinity, node.labels, term.topology_key, count)

    def add_pod(self, state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo) -> None:
        state.read(_PRE_FILTER_KEY).update_with_pod(added, node, 1)

    def remove_pod(self, state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo) -> None:
        state.read(_PRE_FILTER_KEY).update_with_pod(removed, node, -1)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        s: PreFilterState = state.read(_PRE_FILTER_KEY)
        labels = node.labels
        if s.affinity_terms and not self._satisfies_affinity(s, labels):
            return _AFFINITY_REJECTED
        counts = s.anti_affinity
        if counts:
            for key in s.anti_keys:
                value = labels.get(key)
                if value is not None and counts.get((key, value), 0) > 0:
                    return _ANTI_AFFINITY_REJECTED
        counts = s.existing_anti_affinity
        if counts:
            for key in s.existing_keys:
                value = labels.get(key)
                if value is not None and counts.get((key, value), 0) > 0:
                    return _EXISTING_ANTI_AFFINITY_REJECTED
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
        namespace_labels = self._namespace_labels(pod.namespace)
        cache = self.handle.cache
        key = (
            pod.namespace,
            pod.label_key,
            tuple(sorted(namespace_labels.items())),
            tuple(t.signature for t in preferred_affinity),
            tuple(t.signature for t in preferred_anti),
        )
        known = self._prescored.get(key)
        changes = cache.pod_changes_since(known[0]) if known is not None and known[1] == cache.node_revision else None
        if known is not None and changes is not None:
            scored = known[2]
            for other, node, delta in changes:
                contributions = _score_contributions(
                    pod, (other,), preferred_affinity, preferred_anti, namespace_labels
                )
                scored.add(node.labels, contributions, delta)
        else:
            scored = self._score_all(pod, preferred_affinity, preferred_anti, namespace_labels)
            if len(self._prescored) >= 16:
                del self._prescored[next(iter(self._prescored))]
        self._prescored[key] = (cache.pod_revision, cache.node_revision, scored)
        if not scored.hits:
            return SKIP
        state.write(_PRE_SCORE_KEY, scored.scores)  # read-only for this cycle
        return None

    def _score_all(
        self,
        pod: PodInfo,
        preferred_affinity: Sequence[AffinityTerm],
        preferred_anti: Sequence[AffinityTerm],
        namespace_labels: dict[str, str],
    ) -> ScoreState:
        """processExistingPod over the cluster; unless this pod has preferences, only pods with affinity matter."""
        has_constraints = bool(preferred_affinity or preferred_anti)
        key = (
            "InterPodAffinity/score",
            pod.namespace,
            pod.label_key,
            tuple(sorted(namespace_labels.items())),
            tuple(t.signature for t in preferred_affinity),
            tuple(t.signature for t in preferred_anti),
        )
        scored = ScoreState()
        cache = self.handle.cache
        for node in cache.node_list() if has_constraints else cache.nodes_with_affinity_pods():
            if not node.labels:
                continue
            hit = node.memo.get(key)
            if hit is None or hit[0] != node.generation:
                existing = node.pods if has_constraints else node.pods_with_affinity
                hit = (
                    node.generation,
                    _score_contributions(pod, existing.values(), preferred_affinity, preferred_anti, namespace_labels),
                )
                node.memo[key] = hit
            scored.add(node.labels, hit[1], 1)
        return scored

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

    def normalize(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]) -> None:
        if not state.read(_PRE_SCORE_KEY) or not scores:
            return
        lowest, highest = min(scores), max(scores)
        spread = highest - lowest
        for i, score in enumerate(scores):
            scores[i] = int(MAX_NODE_SCORE * ((score - lowest) / spread)) if spread > 0 else 0
