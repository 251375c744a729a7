"""PodTopologySpread: keep matching pods evenly spread over topology domains (zones, nodes ...)
(plugins/podtopologyspread: filtering.go, scoring.go, common.go).

Filter (whenUnsatisfiable: DoNotSchedule): on the candidate node's domain,
    matching pods + (1 if the pod matches itself) - the smallest domain's count <= maxSkew.
Score (whenUnsatisfiable: ScheduleAnyway, or the system defaults for pods owned by a Service,
ReplicaSet or StatefulSet: hostname maxSkew 3, zone maxSkew 5): fewer matching pods in the node's
domains scores higher; each constraint's count is weighted by log(number of domains + 2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import orjson

from kubetui.scheduler.framework import (
    NODE_ADD,
    NODE_DELETE,
    NODE_LABEL_CHANGE,
    NODE_TAINT_CHANGE,
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
from kubetui.scheduler.helpers import (
    LABEL_HOSTNAME,
    LABEL_ZONE,
    MAX_NODE_SCORE,
    Selector,
    first_untolerated,
    label_selector,
    selector_is_empty,
)
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints"
ERR_REASON_NODE_LABEL_NOT_MATCH = ERR_REASON_CONSTRAINTS_NOT_MATCH + " (missing required label)"
SYSTEM_DEFAULT_CONSTRAINTS: tuple[dict[str, Any], ...] = (
    {"maxSkew": 3, "topologyKey": LABEL_HOSTNAME, "whenUnsatisfiable": "ScheduleAnyway"},
    {"maxSkew": 5, "topologyKey": LABEL_ZONE, "whenUnsatisfiable": "ScheduleAnyway"},
)
_PRE_FILTER_KEY = "PreFilterPodTopologySpread"
_MISSING_LABEL = unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH).with_plugin("PodTopologySpread")
_SKEWED = unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH).with_plugin("PodTopologySpread")
_PRE_SCORE_KEY = "PreScorePodTopologySpread"


class Constraint:
    """A TopologySpreadConstraint with its selector parsed (topologySpreadConstraint)."""

    __slots__ = (
        "_memo_keys",
        "honor_node_affinity",
        "honor_taints",
        "max_skew",
        "min_domains",
        "selector",
        "selector_empty",
        "selector_key",
        "topology_key",
    )

    def __init__(self, spec: Mapping[str, Any], selector_spec: Any) -> None:
        self.max_skew = int(spec.get("maxSkew") or 1)
        self.topology_key = str(spec.get("topologyKey") or "")
        self.selector: Selector | None = label_selector(selector_spec)
        self.selector_empty = selector_is_empty(selector_spec)
        self.selector_key = orjson.dumps(selector_spec, option=orjson.OPT_SORT_KEYS)
        self.min_domains = int(spec.get("minDomains") or 1)
        self.honor_node_affinity = (spec.get("nodeAffinityPolicy") or "Honor") == "Honor"
        self.honor_taints = (spec.get("nodeTaintsPolicy") or "Ignore") == "Honor"
        self._memo_keys: dict[str, tuple[str, str, bytes]] = {}

    def matches(self, labels: Mapping[str, str]) -> bool:
        return self.selector is not None and self.selector.matches(labels)

    def includes_node(self, pod: PodInfo, node: NodeInfo) -> bool:
        """matchNodeInclusionPolicies: does this node count as a domain for the pod at all?"""
        if self.honor_node_affinity and not pod.required_node_affinity.matches(node.labels, node.name):
            return False
        return not (self.honor_taints and first_untolerated(node.no_schedule_taints, pod.tolerations) is not None)

    def always_includes(self, pod: PodInfo) -> bool:
        """True when includes_node holds for every node (no node affinity to honour, taints ignored)."""
        return not self.honor_taints and (not self.honor_node_affinity or pod.required_node_affinity.empty)

    def count(self, node: NodeInfo, namespace: str) -> int:
        """countPodsMatchSelector: pods in the namespace, not terminating, whose labels match.

        Remembered per node until its pods change.
        """
        if self.selector_empty or self.selector is None:
            return 0
        key = self._memo_keys.get(namespace)
        if key is None:
            key = self._memo_keys[namespace] = ("PodTopologySpread", namespace, self.selector_key)
        hit = node.memo.get(key)
        if hit is not None and hit[0] == node.generation:
            return int(hit[1])
        matches = self.selector.matches
        count = sum(
            1 for p in node.pods.values() if not p.terminating and p.namespace == namespace and matches(p.labels)
        )
        node.memo[key] = (node.generation, count)
        return count


def _with_match_label_keys(constraint: Mapping[str, Any], pod_labels: Mapping[str, str]) -> Any:
    """matchLabelKeys: the pod's own values for those keys are ANDed into the selector."""
    selector = constraint.get("labelSelector")
    keys = [k for k in constraint.get("matchLabelKeys") or () if k in pod_labels]
    if not keys or not isinstance(selector, dict):
        return selector
    expressions = list(selector.get("matchExpressions") or ())
    expressions += [{"key": k, "operator": "In", "values": [pod_labels[k]]} for k in keys]
    return {**selector, "matchExpressions": expressions}


class CriticalPaths:
    """The two domains with the fewest matching pods; ``paths[0]`` always holds the minimum."""

    __slots__ = ("paths",)

    def __init__(self) -> None:
        self.paths: list[list[Any]] = [["", math.inf], ["", math.inf]]

    def update(self, value: str, num: int) -> None:
        p = self.paths
        i = 0 if value == p[0][0] else 1 if value == p[1][0] else -1
        if i >= 0:
            p[i][1] = num
            if p[0][1] > p[1][1]:
                p[0], p[1] = p[1], p[0]
        elif num < p[0][1]:
            p[1] = p[0]
            p[0] = [value, num]
        elif num < p[1][1]:
            p[1] = [value, num]

    def copy(self) -> CriticalPaths:
        out = CriticalPaths()
        out.paths = [list(self.paths[0]), list(self.paths[1])]
        return out


class PreFilterState:
    __slots__ = ("constraints", "counts", "critical_paths", "self_match")

    def __init__(self, constraints: list[Constraint], pod: PodInfo) -> None:
        self.constraints = constraints
        self.counts: list[dict[str, int]] = [{} for _ in constraints]  # per constraint: domain -> matching pods
        self.critical_paths: list[CriticalPaths] = []
        self.self_match = [1 if c.matches(pod.labels) else 0 for c in constraints]

    def min_match(self, i: int) -> int:
        """The global minimum; 0 while fewer domains than minDomains exist."""
        if len(self.counts[i]) < self.constraints[i].min_domains:
            return 0
        return int(self.critical_paths[i].paths[0][1])

    def clone(self) -> PreFilterState:
        out = object.__new__(PreFilterState)
        out.constraints, out.self_match = self.constraints, self.self_match
        out.counts = [dict(c) for c in self.counts]
        out.critical_paths = [p.copy() for p in self.critical_paths]
        return out


class PreScoreState:
    __slots__ = ("codes", "constraints", "counts", "decode", "ignored", "weights")

    def __init__(self, constraints: list[Constraint]) -> None:
        self.constraints = constraints
        # per node being scored, when read from a cache column: a code for its own values (_node_codes)
        self.codes: list[int] | None = None
        self.decode: list[tuple[Any, ...]] = []
        self.ignored: set[str] = set()
        self.counts: list[dict[str, int]] = [{} for _ in constraints]
        self.weights: list[float] = []


def _labels_have_keys(labels: Mapping[str, str], constraints: Sequence[Constraint]) -> bool:
    return all(c.topology_key in labels for c in constraints)


def _count_pod(
    counts: list[dict[str, int]],
    constraints: list[Constraint],
    namespace: str,
    pod: PodInfo,
    node: NodeInfo,
    delta: int,
) -> None:
    """Bring per-domain counts up to date with one pod placed on (+1) or taken off (-1) a node."""
    if pod.namespace != namespace or pod.terminating or not _labels_have_keys(node.labels, constraints):
        return
    for i, c in enumerate(constraints):
        if not c.selector_empty and c.matches(pod.labels):
            value = node.labels[c.topology_key]
            counts[i][value] = counts[i].get(value, 0) + delta


class PodTopologySpread(PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin):
    name = "PodTopologySpread"

    def __init__(self, handle: Handle) -> None:
        super().__init__(handle)
        # (namespace, constraints) -> (pod revision, node revision, counts) of an earlier PreFilter
        self._counted: dict[tuple[Any, ...], tuple[int, int, list[dict[str, int]]]] = {}
        # (namespace, constraints) -> the codes of _node_codes: a serial number, values -> code, code -> values
        self._codings: dict[tuple[Any, ...], tuple[int, dict[tuple[Any, ...], int], list[tuple[Any, ...]]]] = {}
        self._coding_serial = 0
        self._parsed: dict[bytes, Constraint] = {}  # orjson of (constraint, selector) -> parsed

    def events(self) -> tuple[ClusterEvent, ...]:
        return (
            ClusterEvent("Pod", ActionType.ALL),
            NODE_ADD,
            NODE_DELETE,
            NODE_LABEL_CHANGE,
            NODE_TAINT_CHANGE,
        )

    # -- constraints -----------------------------------------------------------------------------
    def _constraints(self, pod: PodInfo, action: str) -> tuple[list[Constraint], bool]:
        """The pod's own constraints for ``action``, or the system defaults; and whether those were used."""
        own = (pod.pod.get("spec") or {}).get("topologySpreadConstraints") or ()
        if own:
            return [
                self._constraint(c, _with_match_label_keys(c, pod.labels))
                for c in own
                if c.get("whenUnsatisfiable") == action
            ], False
        defaults = [c for c in SYSTEM_DEFAULT_CONSTRAINTS if c["whenUnsatisfiable"] == action]
        if not defaults:
            return [], True
        selector = self._default_selector(pod)
        if selector is None:
            return [], True
        return [self._constraint(c, selector) for c in defaults], True

    def _constraint(self, spec: Mapping[str, Any], selector_spec: Any) -> Constraint:
        """A Constraint, parsed once for equal specs and selectors (pods of one owner have the same)."""
        key = orjson.dumps((spec, selector_spec), option=orjson.OPT_SORT_KEYS)
        parsed = self._parsed.get(key)
        if parsed is None:
            if len(self._parsed) >= 64:
                del self._parsed[next(iter(self._parsed))]
            parsed = self._parsed[key] = Constraint(spec, selector_spec)
        return parsed

    def _default_selector(self, pod: PodInfo) -> dict[str, Any] | None:
        """helper.DefaultSelector: labels of the Services selecting the pod, plus its ReplicaSet's or
        StatefulSet's selector. None when there is nothing to spread by."""
        match_labels: dict[str, str] = {}
        for svc in sorted(self.handle.lister("services"), key=lambda s: s["metadata"]["name"]):
            if svc["metadata"].get("namespace") != pod.namespace:
                continue
            wanted = (svc.get("spec") or {}).get("selector")
            if isinstance(wanted, dict) and all(pod.labels.get(k) == v for k, v in wanted.items()):
                match_labels.update(wanted)
        expressions: list[dict[str, Any]] = []
        owner = next((r for r in pod.pod["metadata"].get("ownerReferences") or () if r.get("controller")), None)
        if owner is not None and owner.get("kind") in ("ReplicaSet", "StatefulSet"):
            resource = "replicasets" if owner["kind"] == "ReplicaSet" else "statefulsets"
            obj = self.handle.lookup(resource, pod.namespace, str(owner.get("name", "")))
            if obj is not None:
                selector = (obj.get("spec") or {}).get("selector") or {}
                expressions += [
                    {"key": k, "operator": "In", "values": [v]}
                    for k, v in sorted((selector.get("matchLabels") or {}).items())
                ]
                expressions += list(selector.get("matchExpressions") or ())
        if not match_labels and not expressions:
            return None
        return {"matchLabels": match_labels, "matchExpressions": expressions}

    # -- PreFilter / Filter ----------------------------------------------------------------------
    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        constraints, _ = self._constraints(pod, "DoNotSchedule")
        if not constraints:
            return None, SKIP
        s = PreFilterState(constraints, pod)
        s.counts = self._domain_counts(pod, constraints)
        for counts in s.counts:
            paths = CriticalPaths()
            for value, num in counts.items():
                paths.update(value, num)
            s.critical_paths.append(paths)
        state.write(_PRE_FILTER_KEY, s)
        return None, None

    def _domain_counts(self, pod: PodInfo, constraints: list[Constraint]) -> list[dict[str, int]]:
        """Matching pods per domain, per constraint (calPreFilterState).

        Counting means visiting every node. When the pod's node affinity plays no part, the counts
        of an earlier pod with the same constraints are brought up to date with the pods placed and
        removed since, as long as no node came, went or changed its labels or taints.
        """
        cache = self.handle.cache
        key: tuple[Any, ...] | None = None
        if all(c.always_includes(pod) for c in constraints):
            key = (pod.namespace, tuple((c.topology_key, c.selector_key) for c in constraints))
            known = self._counted.get(key)
            if known is not None and known[1] == cache.node_revision:
                changes = cache.pod_changes_since(known[0])
                if changes is not None:
                    for other, node, delta in changes:
                        _count_pod(known[2], constraints, pod.namespace, other, node, delta)
                    self._counted[key] = (cache.pod_revision, cache.node_revision, known[2])
                    return [dict(c) for c in known[2]]
        counts: list[dict[str, int]] = [{} for _ in constraints]
        topology_keys = [c.topology_key for c in constraints]
        work = [(c, c.topology_key, counts[i], c.always_includes(pod)) for i, c in enumerate(constraints)]
        for node in cache.node_list():
            labels = node.labels
            if not all(k in labels for k in topology_keys):
                continue
            for c, topology_key, by_domain, everywhere in work:
                if everywhere or c.includes_node(pod, node):
                    value = labels[topology_key]
                    by_domain[value] = by_domain.get(value, 0) + c.count(node, pod.namespace)
        if key is not None:
            if len(self._counted) >= 16:
                del self._counted[next(iter(self._counted))]
            self._counted[key] = (cache.pod_revision, cache.node_revision, counts)
            return [dict(c) for c in counts]
        return counts

    def _update_with_pod(self, state: CycleState, pod: PodInfo, other: PodInfo, node: NodeInfo, delta: int) -> None:
        s: PreFilterState = state.read(_PRE_FILTER_KEY)
        if other.namespace != pod.namespace or not _labels_have_keys(node.labels, s.constraints):
            return
        for i, c in enumerate(s.constraints):
            if c.matches(other.labels) and c.includes_node(pod, node):
                value = node.labels[c.topology_key]
                s.counts[i][value] = s.counts[i].get(value, 0) + delta
                s.critical_paths[i].update(value, s.counts[i][value])

    def add_pod(self, state: CycleState, pod: PodInfo, added: PodInfo, node: NodeInfo) -> None:
        self._update_with_pod(state, pod, added, node, 1)

    def remove_pod(self, state: CycleState, pod: PodInfo, removed: PodInfo, node: NodeInfo) -> None:
        self._update_with_pod(state, pod, removed, node, -1)

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        s: PreFilterState = state.read(_PRE_FILTER_KEY)
        labels = node.labels
        for i, c in enumerate(s.constraints):
            value = labels.get(c.topology_key)
            if value is None:
                return _MISSING_LABEL
            # matching pods in this node's domain + the pod itself - the global minimum <= maxSkew
            if s.counts[i].get(value, 0) + s.self_match[i] - s.min_match(i) > c.max_skew:
                return _SKEWED
        return None

    # -- PreScore / Score ------------------------------------------------------------------------
    def pre_score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status | None:
        all_nodes = self.handle.cache.node_list()
        if not all_nodes:
            return SKIP
        constraints, defaulted = self._constraints(pod, "ScheduleAnyway")
        if not constraints:
            return SKIP
        # The system defaults do not need every topology label, so nodes without a zone still spread by host.
        require_all = not defaulted
        s = PreScoreState(constraints)
        sizes = [0] * len(constraints)
        if not self._domains_by_column(state, pod, constraints, require_all, s, sizes):
            self._domains(nodes, constraints, require_all, s, sizes)
        for i, c in enumerate(constraints):
            size = len(nodes) - len(s.ignored) if c.topology_key == LABEL_HOSTNAME else sizes[i]
            s.weights.append(math.log(size + 2))
        # Per-node (hostname) counts are taken in Score; the other domains add up every node's.
        wanted = [i for i, c in enumerate(constraints) if c.topology_key != LABEL_HOSTNAME and s.counts[i]]
        if not wanted:
            pass
        elif all(constraints[i].always_includes(pod) for i in wanted):
            totals = self._score_domain_counts(pod, constraints, wanted, require_all, all_nodes)
            for i in wanted:
                counts, total = s.counts[i], totals[i]
                for value in counts:
                    counts[value] = total.get(value, 0)
        else:
            for node in all_nodes:
                if require_all and not _labels_have_keys(node.labels, constraints):
                    continue
                for i in wanted:
                    c = constraints[i]
                    if not c.includes_node(pod, node):
                        continue
                    value = node.labels.get(c.topology_key, "")
                    if value in s.counts[i]:
                        s.counts[i][value] += c.count(node, pod.namespace)
        state.write(_PRE_SCORE_KEY, s)
        return None

    @staticmethod
    def _domains(
        nodes: Sequence[NodeInfo], constraints: list[Constraint], require_all: bool, s: PreScoreState, sizes: list[int]
    ) -> None:
        """The domains of the nodes being scored, per constraint, and the nodes left out (initPreScoreState)."""
        for node in nodes:
            if require_all and not _labels_have_keys(node.labels, constraints):
                s.ignored.add(node.name)
                continue
            for i, c in enumerate(constraints):
                if c.topology_key == LABEL_HOSTNAME:
                    continue  # per-node counts are taken in Score
                value = node.labels.get(c.topology_key, "")
                if value not in s.counts[i]:
                    s.counts[i][value] = 0
                    sizes[i] += 1

    def _domains_by_column(
        self,
        state: CycleState,
        pod: PodInfo,
        constraints: list[Constraint],
        require_all: bool,
        s: PreScoreState,
        sizes: list[int],
    ) -> bool:
        """``_domains`` from a cache column, when the scheduler says where the nodes are in node_list();
        False when it does not, or when some node lacks a label the constraints require (then the
        nodes are visited one by one). The column is kept for Score (``PreScoreState.codes``)."""
        positions = state.node_positions
        if positions is None:
            return False
        codes, decode = self._node_codes(pod.namespace, constraints, positions)
        distinct = [decode[code] for code in set(codes)]
        if require_all and any(None in values for values in distinct):
            return False
        for i, c in enumerate(constraints):
            if c.topology_key == LABEL_HOSTNAME:
                continue  # per-node counts are taken in Score
            # a node without the label counts in the domain ""
            domains = {"" if values[i] is None else values[i] for values in distinct}
            s.counts[i] = dict.fromkeys(domains, 0)
            sizes[i] = len(domains)
        s.codes, s.decode = codes, decode
        return True

    def _node_codes(
        self, namespace: str, constraints: list[Constraint], positions: list[int]
    ) -> tuple[list[int], list[tuple[Any, ...]]]:
        """What a node's score depends on besides the pod-wide counts, per node at ``positions``, as small
        numbers: per constraint, for the hostname its own count of matching pods, for other keys its
        label value (None without the label). ``decode[code]`` gives the values back."""
        shape = (namespace, tuple((c.topology_key, c.selector_key) for c in constraints))
        coding = self._codings.get(shape)
        if coding is None:
            if len(self._codings) >= 16:
                del self._codings[next(iter(self._codings))]
            self._coding_serial += 1  # a new coding gets a column of its own
            coding = self._codings[shape] = (self._coding_serial, {}, [])
        serial, encode, decode = coding

        def code(node: NodeInfo) -> int:
            labels = node.labels
            values = tuple(
                labels.get(c.topology_key)
                if c.topology_key != LABEL_HOSTNAME
                else (c.count(node, namespace) if c.topology_key in labels else None)
                for c in constraints
            )
            number = encode.get(values)
            if number is None:
                number = encode[values] = len(decode)
                decode.append(values)
            return number

        column = self.handle.cache.column(("PodTopologySpread/score", serial, *shape), code)
        return column.take(positions), decode

    def _score_domain_counts(
        self,
        pod: PodInfo,
        constraints: list[Constraint],
        wanted: list[int],
        require_all: bool,
        all_nodes: Sequence[NodeInfo],
    ) -> dict[int, dict[str, int]]:
        """Matching pods per domain over every node, for the constraints ``wanted`` (PreScore's
        counting when no node is left out by the pod's node affinity or taints).

        Like ``_domain_counts``, the totals of an earlier pod with the same constraints are brought
        up to date with the pods placed and removed since, while no node came, went or changed.
        """
        cache = self.handle.cache
        namespace = pod.namespace
        key = (
            "score",
            namespace,
            require_all,
            tuple((c.topology_key, c.selector_key) for c in constraints),
            tuple(wanted),
        )
        known = self._counted.get(key)
        if known is not None and known[1] == cache.node_revision:
            changes = cache.pod_changes_since(known[0])
            if changes is not None:
                totals = known[2]
                for other, node, delta in changes:
                    if other.namespace != namespace or other.terminating or node.node is None:
                        continue
                    labels = node.labels
                    if require_all and not _labels_have_keys(labels, constraints):
                        continue
                    for j, i in enumerate(wanted):
                        c = constraints[i]
                        if not c.selector_empty and c.matches(other.labels):
                            value = labels.get(c.topology_key, "")
                            totals[j][value] = totals[j].get(value, 0) + delta
                self._counted[key] = (cache.pod_revision, cache.node_revision, totals)
                return dict(zip(wanted, totals, strict=True))
        totals = [{} for _ in wanted]
        for node in all_nodes:
            labels = node.labels
            if require_all and not _labels_have_keys(labels, constraints):
                continue
            for j, i in enumerate(wanted):
                c = constraints[i]
                value = labels.get(c.topology_key, "")
                totals[j][value] = totals[j].get(value, 0) + c.count(node, namespace)
        if len(self._counted) >= 16:
            del self._counted[next(iter(self._counted))]
        self._counted[key] = (cache.pod_revision, cache.node_revision, totals)
        return dict(zip(wanted, totals, strict=True))

    def score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[int]:
        s: PreScoreState = state.read(_PRE_SCORE_KEY)
        scores: list[int] = []
        namespace, ignored = pod.namespace, s.ignored
        work = [
            (c, c.topology_key, c.topology_key == LABEL_HOSTNAME, s.counts[i], s.weights[i], c.max_skew - 1)
            for i, c in enumerate(s.constraints)
        ]
        floor = math.floor
        if s.codes is not None and not ignored:
            return self._score_by_column(s.codes, s.decode, work)
        for node in nodes:
            if ignored and node.name in ignored:
                scores.append(0)
                continue
            total = 0.0
            labels = node.labels
            for c, topology_key, per_node, counts, weight, skew in work:
                value = labels.get(topology_key)
                if value is None:
                    continue
                count = c.count(node, namespace) if per_node else counts[value]
                total += count * weight + skew
            scores.append(floor(total + 0.5))  # Go's math.Round (scores are never negative)
        return scores

    @staticmethod
    def _score_by_column(
        codes: list[int],
        decode: list[tuple[Any, ...]],
        work: list[tuple[Constraint, str, bool, dict[str, int], float, int]],
    ) -> list[int]:
        """``score`` from the column PreScore read: nodes with the same code score the same, so each
        distinct code is worked out once, the same way."""
        floor = math.floor
        table: dict[int, int] = {}
        for code in set(codes):
            total = 0.0
            for value, (_, _, per_node, counts, weight, skew) in zip(decode[code], work, strict=True):
                if value is None:
                    continue
                matching = value if per_node else counts[value]
                total += matching * weight + skew
            table[code] = floor(total + 0.5)  # Go's math.Round (scores are never negative)
        return list(map(table.__getitem__, codes))

    def normalize(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]) -> None:
        s: PreScoreState = state.read(_PRE_SCORE_KEY)
        if not s.ignored:  # the same as below, with each distinct score worked out once
            lowest, highest = min(scores, default=0), max(scores, default=0)
            if highest == 0:
                scores[:] = [MAX_NODE_SCORE] * len(scores)
            else:
                table = {score: MAX_NODE_SCORE * (highest + lowest - score) // highest for score in set(scores)}
                scores[:] = map(table.__getitem__, scores)
            return
        counted = [score for node, score in zip(nodes, scores, strict=True) if node.name not in s.ignored]
        lowest, highest = min(counted, default=0), max(counted, default=0)
        for i, node in enumerate(nodes):
            if node.name in s.ignored:
                scores[i] = 0
            elif highest == 0:
                scores[i] = MAX_NODE_SCORE
            else:
                scores[i] = MAX_NODE_SCORE * (highest + lowest - scores[i]) // highest
