"""NodeAffinity: cases from plugins/nodeaffinity/node_affinity_test.go (TestNodeAffinity,
TestNodeAffinityPriority)."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.scheduler.framework import Code, CycleState, PreFilterResult
from kubetui.scheduler.plugins.node_affinity import ERR_REASON_POD, NodeAffinity
from kubetui.scheduler.podinfo import PodInfo
from tests.scheduler.builders import Harness, node, pod


def _expr(key: str, op: str, *values: str) -> dict[str, Any]:
    return {"key": key, "operator": op, "values": list(values)} if values else {"key": key, "operator": op}


def _required(*terms: dict[str, Any]) -> dict[str, Any]:
    return {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}


def _name_in(*names: str) -> dict[str, Any]:
    return _expr("metadata.name", "In", *names)


FILTER_CASES: dict[str, tuple[dict[str, Any], dict[str, str], str, bool]] = {
    "missing labels": (pod(node_selector={"foo": "bar"}), {}, "node1", False),
    "same labels": (pod(node_selector={"foo": "bar"}), {"foo": "bar"}, "node1", True),
    "node labels are superset": (
        pod(node_selector={"foo": "bar"}),
        {"foo": "bar", "baz": "blah"},
        "node1",
        True,
    ),
    "node labels are subset": (
        pod(node_selector={"foo": "bar", "baz": "blah"}),
        {"foo": "bar"},
        "node1",
        False,
    ),
    "Pod with matchExpressions using In operator that matches the existing node": (
        pod(affinity=_required({"matchExpressions": [_expr("foo", "In", "bar", "value2")]})),
        {"foo": "bar"},
        "node1",
        True,
    ),
    "Pod with matchExpressions using Gt operator that matches the existing node": (
        pod(affinity=_required({"matchExpressions": [_expr("kernel-version", "Gt", "0204")]})),
        {"kernel-version": "0206"},
        "node1",
        True,
    ),
    "Pod with matchExpressions using NotIn operator that matches the existing node": (
        pod(affinity=_required({"matchExpressions": [_expr("mem-type", "NotIn", "DDR", "DDR2")]})),
        {"mem-type": "DDR3"},
        "node1",
        True,
    ),
    "Pod with matchExpressions using Exists operator that matches the existing node": (
        pod(affinity=_required({"matchExpressions": [_expr("GPU", "Exists")]})),
        {"GPU": "NVIDIA-GRID-K1"},
        "node1",
        True,
    ),
    "Pod with affinity that don't match node's labels won't schedule onto the node": (
        pod(affinity=_required({"matchExpressions": [_expr("foo", "In", "value1", "value2")]})),
        {"foo": "bar"},
        "node1",
        False,
    ),
    "Pod with empty MatchExpressions is not a valid value will match no objects": (
        pod(affinity=_required({"matchExpressions": []})),
        {"foo": "bar"},
        "node1",
        False,
    ),
    "Pod with multiple matchExpressions ANDed that matches the existing node": (
        pod(affinity=_required({"matchExpressions": [_expr("GPU", "Exists"), _expr("GPU", "NotIn", "AMD", "INTER")]})),
        {"GPU": "NVIDIA-GRID-K1"},
        "node1",
        True,
    ),
    "Pod with multiple matchExpressions ANDed that doesn't match the existing node": (
        pod(affinity=_required({"matchExpressions": [_expr("GPU", "Exists"), _expr("GPU", "In", "AMD", "INTER")]})),
        {"GPU": "NVIDIA-GRID-K1"},
        "node1",
        False,
    ),
    "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels": (
        pod(
            affinity=_required(
                {"matchExpressions": [_expr("foo", "In", "bar", "value2")]},
                {"matchExpressions": [_expr("diffkey", "In", "wrong", "value2")]},
            )
        ),
        {"foo": "bar"},
        "node1",
        True,
    ),
    "Pod with an Affinity and a PodSpec.NodeSelector both are satisfied": (
        pod(node_selector={"foo": "bar"}, affinity=_required({"matchExpressions": [_expr("foo", "Exists")]})),
        {"foo": "bar"},
        "node1",
        True,
    ),
    "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector is not satisfied": (
        pod(node_selector={"foo": "bar"}, affinity=_required({"matchExpressions": [_expr("foo", "Exists")]})),
        {"foo": "barrrrrr"},
        "node1",
        False,
    ),
    "Pod with an invalid value in Affinity term won't be scheduled onto the node": (
        pod(affinity=_required({"matchExpressions": [_expr("foo", "NotIn", "invalid value: ___@#$%^")]})),
        {"foo": "bar"},
        "node1",
        False,
    ),
    "Pod with matchFields using In operator that matches the existing node": (
        pod(affinity=_required({"matchFields": [_name_in("node1")]})),
        {},
        "node1",
        True,
    ),
    "Pod with matchFields using In operator that does not match the existing node": (
        pod(affinity=_required({"matchFields": [_name_in("node1")]})),
        {},
        "node2",
        False,
    ),
    "Pod with two terms: matchFields does not match, but matchExpressions matches": (
        pod(
            affinity=_required(
                {"matchFields": [_name_in("node1"), _name_in("node2")]},
                {"matchExpressions": [_expr("foo", "In", "bar")]},
            )
        ),
        {"foo": "bar"},
        "node2",
        True,
    ),
    "Pod with one term: matchFields does not match, but matchExpressions matches": (
        pod(affinity=_required({"matchFields": [_name_in("node1")], "matchExpressions": [_expr("foo", "In", "bar")]})),
        {"foo": "bar"},
        "node2",
        False,
    ),
}


@pytest.mark.parametrize("name", list(FILTER_CASES))
def test_filter(name: str) -> None:
    incoming, labels, node_name, fits = FILTER_CASES[name]
    harness = Harness(NodeAffinity, [node(node_name, labels=labels)])
    info, state = PodInfo(incoming), CycleState()
    _, pre_status, _ = harness.framework.run_pre_filter(state, info, harness.nodes)
    assert pre_status is None
    status = harness.framework.run_filter(state, info, harness.nodes[0])
    if fits:
        assert status is None
    else:
        assert status is not None
        assert (status.code, status.reasons) == (Code.UNSCHEDULABLE_AND_UNRESOLVABLE, (ERR_REASON_POD,))


@pytest.mark.parametrize(
    ("affinity", "skip"),
    [({}, True), ({"nodeAffinity": {}}, True)],
    ids=["Pod with no Affinity", "Pod with Affinity but nil NodeSelector"],
)
def test_pre_filter_skips(affinity: dict[str, Any], skip: bool) -> None:
    harness = Harness(NodeAffinity, [node("node1", labels={"foo": "bar"})])
    state = CycleState()
    harness.framework.run_pre_filter(state, PodInfo(pod(affinity=affinity)), harness.nodes)
    assert ("NodeAffinity" in state.skip_filter) is skip


def test_pre_filter_result_names_the_nodes() -> None:
    """ "Pod with matchFields using In operator ...": wantPreFilterResult {node1}."""
    harness = Harness(NodeAffinity, [node("node1"), node("node2")])
    plugin = harness.plugin
    assert isinstance(plugin, NodeAffinity)
    result, status = plugin.pre_filter(
        CycleState(), PodInfo(pod(affinity=_required({"matchFields": [_name_in("node1")]}))), harness.nodes
    )
    assert status is None and result == PreFilterResult(frozenset({"node1"}))


def _preferred(*terms: tuple[int, list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": w, "preference": {"matchExpressions": exprs}} for w, exprs in terms
            ]
        }
    }


LABEL1 = {"foo": "bar"}
LABEL2 = {"key": "value"}
LABEL3 = {"az": "az1"}
LABEL4 = {"abc": "az11", "def": "az22"}
LABEL5 = {"foo": "bar", "key": "value", "az": "az1"}
AFFINITY1 = _preferred((2, [_expr("foo", "In", "bar")]))
AFFINITY2 = _preferred(
    (2, [_expr("foo", "In", "bar")]),
    (4, [_expr("key", "In", "value")]),
    (5, [_expr("foo", "In", "bar"), _expr("key", "In", "value"), _expr("az", "In", "az1")]),
)

PRIORITY_CASES = {
    ("no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero"): (
        AFFINITY1,
        [("node1", LABEL4), ("node2", LABEL2), ("node3", LABEL3)],
        [0, 0, 0],
    ),
    "only node1 matches the preferred scheduling requirements of pod": (
        AFFINITY1,
        [("node1", LABEL1), ("node2", LABEL2), ("node3", LABEL3)],
        [100, 0, 0],
    ),
    "all nodes matches the preferred scheduling requirements of pod but with different priorities": (
        AFFINITY2,
        [("node1", LABEL1), ("node5", LABEL5), ("node2", LABEL2)],
        [18, 100, 36],
    ),
}


@pytest.mark.parametrize("name", list(PRIORITY_CASES))
def test_priority(name: str) -> None:
    affinity, nodes, expected = PRIORITY_CASES[name]
    harness = Harness(NodeAffinity, [node(n, labels=labels) for n, labels in nodes])
    assert harness.scores(pod(affinity=affinity)) == expected


def test_pre_score_skips_without_preferred_terms() -> None:
    """ "Skip is returned in PreScore when NodeAffinity is nil"."""
    assert Harness(NodeAffinity, [node("node1", labels=LABEL1)]).scores(pod()) is None
