"""PodTopologySpread: cases from plugins/podtopologyspread/filtering_test.go (TestSingleConstraint) and
scoring_test.go (TestPodTopologySpreadScore), v1.27+ tables; fooSelector is ``foo Exists``."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.scheduler.framework import Code, CycleState, Handle
from kubetui.scheduler.plugins.pod_topology_spread import PodTopologySpread
from kubetui.scheduler.podinfo import PodInfo
from tests.scheduler.builders import Harness, node, pod

HOST = "kubernetes.io/hostname"
FOO = {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}
BAR = {"matchExpressions": [{"key": "bar", "operator": "Exists"}]}


def _spread(max_skew: int, key: str, when: str, selector: Any) -> dict[str, Any]:
    return {"maxSkew": max_skew, "topologyKey": key, "whenUnsatisfiable": when, "labelSelector": selector}


def _pods(spec: str, labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """ "a2 b1" -> two matching pods on node-a and one on node-b (as p-a1, p-a2, p-b1)."""
    out = []
    for item in spec.split():
        where, count = item[0], int(item[1:])
        out += [pod(f"p-{where}{i + 1}", node_name=f"node-{where}", labels=labels or {"foo": ""}) for i in range(count)]
    return out


ZONED = [("a", "zone1"), ("b", "zone1"), ("x", "zone2"), ("y", "zone2")]

FILTER_CASES: dict[str, tuple[list[tuple[str, str, str]], list[dict[str, Any]], dict[str, Code | None]]] = {
    "pods spread across zones as 3/3, all nodes fit": (
        [(f"node-{n}", "zone", z) for n, z in ZONED],
        _pods("a2 b1 y3"),
        {"node-a": None, "node-b": None, "node-x": None, "node-y": None},
    ),
    "pods spread across zones as 1/2 due to absence of label 'zone' on node-b": (
        [
            ("node-a", "zone", "zone1"),
            ("node-b", "zon", "zone1"),
            ("node-x", "zone", "zone2"),
            ("node-y", "zone", "zone2"),
        ],
        _pods("a1 b1 x1 y1"),
        {
            "node-a": None,
            "node-b": Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
            "node-x": Code.UNSCHEDULABLE,
            "node-y": Code.UNSCHEDULABLE,
        },
    ),
    "existing pods in a different namespace do not count": (
        [(f"node-{n}", "zone", z) for n, z in ZONED],
        [
            pod("p-a1", namespace="ns1", node_name="node-a", labels={"foo": ""}),
            pod("p-b1", namespace="ns2", node_name="node-b", labels={"foo": ""}),
            *_pods("x1 y2"),
        ],
        {"node-a": None, "node-b": None, "node-x": Code.UNSCHEDULABLE, "node-y": Code.UNSCHEDULABLE},
    ),
}


@pytest.mark.parametrize("name", list(FILTER_CASES))
def test_single_constraint_filter(name: str) -> None:
    nodes_spec, existing, want = FILTER_CASES[name]
    nodes = [node(n, labels={key: value, "node": n}) for n, key, value in nodes_spec]
    incoming = pod("p", labels={"foo": ""}, spread=[_spread(1, "zone", "DoNotSchedule", FOO)])
    statuses = Harness(PodTopologySpread, nodes, existing).filter(incoming)
    got = {n["metadata"]["name"]: (None if s is None else s.code) for n, s in zip(nodes, statuses, strict=True)}
    assert got == want


def _host_nodes(*names: str, label: str = HOST) -> list[dict[str, Any]]:
    return [node(f"node-{n}", labels={label: f"node-{n}"}) for n in names]


def _zoned(*names: str) -> list[dict[str, Any]]:
    zones = dict(ZONED)
    return [node(f"node-{n}", labels={"zone": zones[n], HOST: f"node-{n}"}) for n in names]


SCORE_CASES: dict[
    str, tuple[list[dict[str, Any]], list[dict[str, Any]], list[str], list[dict[str, Any]], list[int]]
] = {
    "one constraint on node, all 4 nodes are candidates": (
        [_spread(1, HOST, "ScheduleAnyway", FOO)],
        _host_nodes("a", "b", "c", "d"),
        [],
        _pods("a2 b1 d3"),
        [20, 60, 100, 0],
    ),
    "one constraint on node, null selector": (
        [_spread(1, HOST, "ScheduleAnyway", None)],
        _host_nodes("a", "b", "c", "d"),
        [],
        _pods("a2 b1 d3"),
        [100, 100, 100, 100],
    ),
    "one constraint on node, all 4 nodes are candidates, maxSkew=2": (
        [_spread(2, HOST, "ScheduleAnyway", FOO)],
        _host_nodes("a", "b", "c", "d"),
        [],
        _pods("a2 b1 d3"),
        [33, 66, 100, 16],
    ),
    "one constraint on node, all 4 nodes are candidates, maxSkew=3": (
        [_spread(3, HOST, "ScheduleAnyway", FOO)],
        _host_nodes("a", "b", "c", "d"),
        [],
        _pods("a4 b3 c2 d1"),
        [44, 66, 77, 100],
    ),
    "one constraint on node, 3 out of 4 nodes are candidates": (
        [_spread(1, HOST, "ScheduleAnyway", FOO)],
        _host_nodes("a", "b", "x"),
        _host_nodes("y"),
        _pods("a4 b2 x1 y3"),
        [33, 83, 100],
    ),
    "one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key": (
        [_spread(1, HOST, "ScheduleAnyway", FOO)],
        [*_host_nodes("a"), *_host_nodes("b", label="n"), *_host_nodes("x")],
        _host_nodes("y"),
        _pods("a4 b2 x1 y3"),
        [16, 0, 100],
    ),
    "one constraint on zone, 3 out of 4 nodes are candidates": (
        [_spread(1, "zone", "ScheduleAnyway", FOO)],
        _zoned("a", "b", "x"),
        _zoned("y"),
        _pods("a4 b2 x1 y3"),
        [75, 75, 100],
    ),
    "two Constraints on zone and node, 2 out of 4 nodes are candidates": (
        [_spread(1, "zone", "ScheduleAnyway", FOO), _spread(1, HOST, "ScheduleAnyway", FOO)],
        _zoned("a", "x"),
        _zoned("b", "y"),
        _pods("a2 b1 x2 y4"),
        [100, 63],
    ),
    "two Constraints on zone and node, with different labelSelectors": (
        [_spread(1, "zone", "ScheduleAnyway", FOO), _spread(1, HOST, "ScheduleAnyway", BAR)],
        _zoned("a", "b", "x", "y"),
        [],
        [
            pod("p-a1", node_name="node-a", labels={"foo": ""}),
            pod("p-b1", node_name="node-b", labels={"foo": "", "bar": ""}),
            pod("p-y1", node_name="node-y", labels={"foo": ""}),
            pod("p-y2", node_name="node-y", labels={"bar": ""}),
        ],
        [60, 20, 100, 60],
    ),
}


@pytest.mark.parametrize("name", list(SCORE_CASES))
def test_score(name: str) -> None:
    constraints, candidates, failed, existing, expected = SCORE_CASES[name]
    harness = Harness(PodTopologySpread, candidates + failed, existing)
    harness.nodes = harness.nodes[: len(candidates)]  # only the nodes that passed Filter are scored
    incoming = pod("p", labels={"foo": "", "bar": ""} if "labelSelectors" in name else {"foo": ""}, spread=constraints)
    assert harness.scores(incoming) == expected


class _Listers:
    """Just enough of an InformerFactory for the system-default spreading: a Service selecting the pods."""

    def __init__(self, objects: dict[str, list[dict[str, Any]]]) -> None:
        self.objects = objects

    def informer(self, resource: str) -> _Listers:
        self.resource = resource
        return self

    def list(self) -> list[dict[str, Any]]:
        return self.objects.get(self.resource, [])


def test_system_defaulting_nodes_without_zone_pods_match_service() -> None:
    """ "system defaulting, nodes don't have zone, pods match service": like one hostname constraint."""
    service = {"metadata": {"name": "svc", "namespace": "default"}, "spec": {"selector": {"foo": ""}}}
    handle = Handle(cache=None)  # type: ignore[arg-type]
    handle.informers = _Listers({"services": [service]})  # type: ignore[assignment]
    harness = Harness(PodTopologySpread, _host_nodes("a", "b", "c", "d"), _pods("a4 b3 c2 d1"), handle=handle)
    assert harness.scores(pod("p", labels={"foo": ""})) == [44, 66, 77, 100]


def test_no_constraints_skips_both_filter_and_score() -> None:
    harness = Harness(PodTopologySpread, _host_nodes("a"))
    state = CycleState()
    harness.framework.run_pre_filter(state, PodInfo(pod()), harness.nodes)
    assert "PodTopologySpread" in state.skip_filter
    assert harness.scores(pod()) is None


def test_counts_are_brought_up_to_date_incrementally() -> None:
    """The counts kept from an earlier pod, updated with the pods placed and removed since, equal a recount."""
    nodes = _zoned("a", "b", "x", "y")
    harness = Harness(PodTopologySpread, nodes, _pods("a1 x2"))
    plugin = harness.plugin
    assert isinstance(plugin, PodTopologySpread)
    constraint = _spread(1, "zone", "DoNotSchedule", FOO)
    incoming = PodInfo(pod("p", labels={"foo": ""}, spread=[constraint]))
    constraints, _ = plugin._constraints(incoming, "DoNotSchedule")
    assert plugin._domain_counts(incoming, constraints) == [{"zone1": 1, "zone2": 2}]
    cache = harness.cache
    cache.add_pod(PodInfo(pod("new-b", node_name="node-b", labels={"foo": ""})))
    cache.add_pod(PodInfo(pod("other-ns", namespace="ns1", node_name="node-b", labels={"foo": ""})))
    cache.add_pod(PodInfo(pod("no-label", node_name="node-y")))
    cache.remove_pod("uid-default-p-x1")
    leaving = pod("p-x2", node_name="node-x", labels={"foo": ""})
    leaving["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:09Z"
    cache.update_pod(PodInfo(leaving))
    updated = plugin._domain_counts(incoming, constraints)
    fresh = PodTopologySpread(harness.handle)._domain_counts(incoming, constraints)
    assert updated == fresh == [{"zone1": 2, "zone2": 0}]
    cache.add_node(node("node-z", labels={"zone": "zone3", HOST: "node-z"}))  # a new domain: counted again
    assert plugin._domain_counts(incoming, constraints) == [{"zone1": 2, "zone2": 0, "zone3": 0}]


def test_score_counts_are_brought_up_to_date_incrementally() -> None:
    """PreScore's per-zone totals kept from an earlier pod, updated with the pods placed and removed
    since, give the same scores as a fresh plugin that adds up every node."""
    constraints = [_spread(1, "zone", "ScheduleAnyway", FOO), _spread(1, HOST, "ScheduleAnyway", FOO)]
    harness = Harness(PodTopologySpread, _zoned("a", "b", "x", "y"), _pods("a1 x2"))
    incoming = pod("p", labels={"foo": ""}, spread=constraints)
    assert harness.scores(incoming) == Harness(PodTopologySpread, _zoned("a", "b", "x", "y"), _pods("a1 x2")).scores(
        incoming
    )
    cache = harness.cache
    cache.add_pod(PodInfo(pod("new-b", node_name="node-b", labels={"foo": ""})))
    cache.add_pod(PodInfo(pod("new-b2", node_name="node-b", labels={"foo": ""})))
    cache.add_pod(PodInfo(pod("other-ns", namespace="ns1", node_name="node-y", labels={"foo": ""})))
    cache.add_pod(PodInfo(pod("no-label", node_name="node-y")))
    cache.add_pod(PodInfo(pod("unknown-node", node_name="node-gone", labels={"foo": ""})))
    cache.remove_pod("uid-default-p-x1")
    leaving = pod("p-x2", node_name="node-x", labels={"foo": ""})
    leaving["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:09Z"
    cache.update_pod(PodInfo(leaving))
    fresh = Harness(PodTopologySpread, [], [])
    fresh.cache, fresh.nodes = cache, harness.nodes
    fresh.handle.cache = cache
    updated = harness.scores(incoming, normalize=False)
    assert updated == fresh.scores(incoming, normalize=False)
    # zone1 holds 3 matching pods (weight log 4), node-a 1 and node-b 2 (weight log 6); zone2 none
    assert updated == [6, 8, 0, 0]
    assert any(key[0] == "score" for key in harness.plugin._counted)  # type: ignore[attr-defined]
