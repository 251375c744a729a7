"""InterPodAffinity: cases from plugins/interpodaffinity/filtering_test.go (TestRequiredAffinitySingleNode)
and scoring_test.go (TestPreferredAffinity)."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.scheduler.framework import Code
from kubetui.scheduler.plugins.inter_pod_affinity import (
    ERR_REASON_AFFINITY_RULES_NOT_MATCH,
    ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
    ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
    InterPodAffinity,
)
from tests.scheduler.builders import Harness, node, pod

SCAN = {"service": "securityscan"}
S1 = {"security": "S1"}
NODE1_LABELS = {"region": "r1", "zone": "z11"}


def _term(key: str, op: str, values: list[str] | None, topology: str) -> dict[str, Any]:
    expr: dict[str, Any] = {"key": key, "operator": op}
    if values is not None:
        expr["values"] = values
    return {"labelSelector": {"matchExpressions": [expr]}, "topologyKey": topology}


def _affinity(required: list[dict[str, Any]] = (), anti: list[dict[str, Any]] = ()) -> dict[str, Any]:  # type: ignore[assignment]
    out: dict[str, Any] = {}
    if required:
        out["podAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": list(required)}
    if anti:
        out["podAntiAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": list(anti)}
    return out


EXISTING = pod("existing", labels=SCAN, node_name="node1")
AFFINITY = _term("service", "In", ["securityscan", "value2"], "region")
NOT_ANTIVIRUS = _term("service", "In", ["antivirusscan", "value2"], "node")

CASES: dict[str, tuple[dict[str, Any], list[dict[str, Any]], Code | None, str]] = {
    (
        "satisfies with requiredDuringSchedulingIgnoredDuringExecution in "
        "PodAffinity using In operator that matches the existing pod"
    ): (
        pod(labels=S1, affinity=_affinity([AFFINITY])),
        [EXISTING],
        None,
        "",
    ),
    ("satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator"): (
        pod(labels=S1, affinity=_affinity([_term("service", "NotIn", ["securityscan3", "value3"], "region")])),
        [EXISTING],
        None,
        "",
    ),
    "Does not satisfy the PodAffinity with labelSelector because of diff Namespace": (
        pod(
            labels=S1,
            affinity=_affinity(
                [{**_term("service", "In", ["securityscan", "value2"], ""), "namespaces": ["DiffNameSpace"]}]
            ),
        ),
        [pod("existing", namespace="ns", labels=SCAN, node_name="node1")],
        Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
        ERR_REASON_AFFINITY_RULES_NOT_MATCH,
    ),
    "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod": (
        pod(labels=SCAN, affinity=_affinity([_term("service", "In", ["antivirusscan", "value2"], "")])),
        [EXISTING],
        Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
        ERR_REASON_AFFINITY_RULES_NOT_MATCH,
    ),
    "satisfies the PodAffinity and PodAntiAffinity with the existing pod": (
        pod(labels=S1, affinity=_affinity([AFFINITY], [NOT_ANTIVIRUS])),
        [EXISTING],
        None,
        "",
    ),
    "satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod": (
        pod(labels=S1, affinity=_affinity([AFFINITY], [NOT_ANTIVIRUS])),
        [pod("existing", labels=SCAN, node_name="node1", affinity=_affinity(anti=[NOT_ANTIVIRUS]))],
        None,
        "",
    ),
    "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod": (
        pod(
            labels=S1,
            affinity=_affinity([AFFINITY], [_term("service", "In", ["securityscan", "value2"], "zone")]),
        ),
        [EXISTING],
        Code.UNSCHEDULABLE,
        ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
    ),
    (
        "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy "
        "PodAntiAffinity symmetry with the existing pod"
    ): (
        pod(labels=SCAN, affinity=_affinity([AFFINITY], [NOT_ANTIVIRUS])),
        [
            pod(
                "existing",
                labels=SCAN,
                node_name="node1",
                affinity=_affinity(anti=[_term("service", "In", ["securityscan", "value2"], "zone")]),
            )
        ],
        Code.UNSCHEDULABLE,
        ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
    ),
    "pod matches its own Label in PodAffinity and that matches the existing pod Labels": (
        pod(labels=SCAN, affinity=_affinity([_term("service", "NotIn", ["securityscan", "value2"], "region")])),
        [pod("existing", labels=SCAN, node_name="node2")],
        Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
        ERR_REASON_AFFINITY_RULES_NOT_MATCH,
    ),
    "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints": (
        pod(labels=SCAN),
        [
            pod(
                "existing",
                labels=SCAN,
                node_name="node1",
                affinity=_affinity(anti=[_term("service", "In", ["securityscan", "value2"], "zone")]),
            )
        ],
        Code.UNSCHEDULABLE,
        ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
    ),
    (
        "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod"
    ): (
        pod(
            labels=SCAN,
            affinity=_affinity(
                anti=[_term("service", "Exists", None, "region"), _term("security", "Exists", None, "region")]
            ),
        ),
        [
            pod(
                "existing",
                labels=S1,
                node_name="node1",
                affinity=_affinity(anti=[_term("security", "Exists", None, "zone")]),
            )
        ],
        Code.UNSCHEDULABLE,
        ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
    ),
    ("PodAntiAffinity symmetry check a2: incoming pod and existing pod partially match each other on AffinityTerms"): (
        pod(labels=S1, affinity=_affinity(anti=[_term("security", "Exists", None, "zone")])),
        [
            pod(
                "existing",
                labels=SCAN,
                node_name="node1",
                affinity=_affinity(
                    anti=[_term("service", "Exists", None, "zone"), _term("security", "Exists", None, "zone")]
                ),
            )
        ],
        Code.UNSCHEDULABLE,
        ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_required_affinity_single_node(name: str) -> None:
    incoming, existing, code, reason = CASES[name]
    [status] = Harness(InterPodAffinity, [node("node1", labels=NODE1_LABELS)], existing).filter(incoming)
    if code is None:
        assert status is None
    else:
        assert status is not None and (status.code, status.reasons) == (code, (reason,))


def test_first_pod_of_a_group_with_affinity_to_itself_may_go_anywhere() -> None:
    """satisfyPodAffinity: no pod matches anywhere, but the pod matches its own terms."""
    incoming = pod(labels=SCAN, affinity=_affinity([AFFINITY]))
    assert Harness(InterPodAffinity, [node("node1", labels=NODE1_LABELS)]).filter(incoming) == [None]


def _preferred(kind: str, weight: int, key: str, values: list[str], topology: str) -> dict[str, Any]:
    term = _term(key, "In", values, topology)
    return {kind: {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": weight, "podAffinityTerm": term}]}}


def test_preferred_affinity_matching_topology_and_pods_scores_highest() -> None:
    """ "Affinity: pod that matches topology key & pods in nodes will get high score comparing to others
    which doesn't match either pods in nodes or in topology key"."""
    nodes = [
        node("machine1", labels={"region": "China"}),
        node("machine2", labels={"region": "India"}),
        node("machine3", labels={"az": "az1"}),
    ]
    existing = [
        pod("e1", node_name="machine1", labels=S1),
        pod("e2", node_name="machine2", labels={"security": "S2"}),
        pod("e3", node_name="machine3", labels=S1),
    ]
    incoming = pod(labels=S1, affinity=_preferred("podAffinity", 5, "security", ["S1"], "region"))
    assert Harness(InterPodAffinity, nodes, existing).scores(incoming) == [100, 0, 0]


def test_preferred_anti_affinity_avoids_the_matching_domain() -> None:
    """ "Anti Affinity: pod that does not match existing pods in node will get high score"."""
    nodes = [node("machine1", labels={"az": "az1"}), node("machine2", labels={"region": "China"})]
    existing = [
        pod("e1", node_name="machine1", labels=S1),
        pod("e2", node_name="machine2", labels={"security": "S2"}),
    ]
    incoming = pod(labels=S1, affinity=_preferred("podAntiAffinity", 5, "security", ["S1"], "az"))
    assert Harness(InterPodAffinity, nodes, existing).scores(incoming) == [0, 100]


def test_all_nodes_same_priority_without_affinity() -> None:
    """ "all nodes are same priority as Affinity is nil": PreScore skips."""
    nodes = [node("machine1", labels={"region": "China"}), node("machine2", labels={"region": "India"})]
    assert Harness(InterPodAffinity, nodes).scores(pod(labels=S1)) is None


def test_counts_are_brought_up_to_date_incrementally() -> None:
    """PreFilter and PreScore state kept from an earlier pod, updated with the pods placed and removed
    since (AddPod/RemovePod), equal what a fresh plugin counts."""
    from kubetui.scheduler.framework import CycleState
    from kubetui.scheduler.plugins.inter_pod_affinity import _PRE_FILTER_KEY, _PRE_SCORE_KEY
    from kubetui.scheduler.podinfo import PodInfo

    nodes = [node(f"n{i}", labels={"kubernetes.io/hostname": f"n{i}", "zone": f"z{i % 2}"}) for i in range(4)]
    anti = _affinity([_term("app", "In", ["db"], "zone")], [_term("app", "In", ["web"], "kubernetes.io/hostname")])
    preferred = _preferred("podAntiAffinity", 7, "app", ["web"], "zone")
    harness = Harness(InterPodAffinity, nodes, [pod("db-0", node_name="n0", labels={"app": "db"})])
    incoming = pod("web", labels={"app": "web"}, affinity={**anti, **preferred})
    harness.filter(incoming)
    harness.scores(incoming)
    cache = harness.cache
    cache.add_pod(PodInfo(pod("web-1", node_name="n1", labels={"app": "web"}, affinity=anti)))
    cache.add_pod(PodInfo(pod("web-2", node_name="n2", labels={"app": "web"})))
    cache.add_pod(PodInfo(pod("db-1", node_name="n3", labels={"app": "db"})))
    cache.remove_pod("uid-default-db-0")

    def states(plugin: InterPodAffinity) -> tuple[object, ...]:
        state, info = CycleState(), PodInfo(incoming)
        plugin.pre_filter(state, info, harness.nodes)
        plugin.pre_score(state, info, harness.nodes)
        s = state.read(_PRE_FILTER_KEY)
        return s.existing_anti_affinity, s.affinity, s.anti_affinity, state.read(_PRE_SCORE_KEY)

    assert isinstance(harness.plugin, InterPodAffinity)
    assert states(harness.plugin) == states(InterPodAffinity(harness.handle))
    assert states(harness.plugin)[1] == {("zone", "z1"): 1}  # db-1 on n3 (z1)
