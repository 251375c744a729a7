"""The framework and the scheduling cycle: FitError wording, PreFilter narrowing, node sampling with the
rotating start index, Reserve/Unreserve and the assumed-pod cache."""

from __future__ import annotations

from kubetui.scheduler.framework import (
    Code,
    CycleState,
    Framework,
    Handle,
    NodeToStatus,
    ReservePlugin,
    Status,
    fit_error_message,
    unresolvable,
    unschedulable,
)
from kubetui.scheduler.podinfo import PodInfo
from kubetui.scheduler.scheduler import Scheduler
from kubetui.sim.cluster import Cluster
from tests.scheduler.builders import cache_with
from tests.scheduler.scenario import Scenario


def test_fit_error_sorts_reasons_as_strings_like_go() -> None:
    statuses = NodeToStatus()
    for i in range(10):
        statuses.explicit[f"n{i}"] = unschedulable("Insufficient cpu")
    for i in range(2):
        statuses.explicit[f"t{i}"] = unresolvable("node(s) had untolerated taint {dedicated: gpu}")
    assert fit_error_message(12, statuses) == (
        "0/12 nodes are available: 10 Insufficient cpu, 2 node(s) had untolerated taint {dedicated: gpu}."
    )


def test_fit_error_counts_nodes_left_out_by_pre_filter() -> None:
    statuses = NodeToStatus(unresolvable("node(s) didn't satisfy plugin(s) [NodeAffinity]"))
    statuses.explicit["node-1"] = unschedulable("Insufficient memory")
    message = fit_error_message(3, statuses, post_filter_msg="preemption: not eligible due to preemptionPolicy=Never.")
    assert message == (
        "0/3 nodes are available: 1 Insufficient memory, 2 node(s) didn't satisfy plugin(s) "
        "[NodeAffinity]. preemption: not eligible due to preemptionPolicy=Never."
    )


def test_num_feasible_nodes_to_find() -> None:
    """numFeasibleNodesToFind: all below 100 nodes; then 50% - nodes/125, at least 5% and 100 nodes."""
    framework = Framework(Handle(cache_with([])), [], {})
    assert [framework.num_feasible_nodes_to_find(n) for n in (50, 100, 1000, 5000, 6000)] == [
        50,
        100,
        420,
        500,
        300,
    ]


def test_sampling_stops_early_and_rotates_the_start() -> None:
    s = Scenario()
    for i in range(150):
        s.node(f"node-{i:03d}", cpu="4")
    s.pod("first")
    s.pod("second")
    s.run()
    first, second = s.decisions("first")[0], s.decisions("second")[0]
    assert (first.total_nodes, first.evaluated) == (150, 100)
    assert "evaluated 100 of 150 nodes: percentageOfNodesToScore 49%" in first.reason
    assert first.verdicts[0].node == "node-000"
    assert second.verdicts[0].node == "node-100"  # the next cycle starts where this one stopped


def test_node_name_affinity_narrows_the_nodes_in_pre_filter() -> None:
    s = Scenario()
    for i in range(3):
        s.node(f"node-{i}", cpu="1")
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node-1"]}]}
                ]
            }
        }
    }
    s.pod("pinned", cpu="2", affinity=affinity)
    s.run()
    [decision] = s.decisions("pinned")[:1]
    assert decision.evaluated == 1, "only node-1 is filtered"
    assert [(v.node, v.feasible) for v in decision.verdicts] == [("node-1", False), ("node-0", False),
                                                                 ("node-2", False)]
    assert {v.reason for v in decision.verdicts[1:]} == {"node(s) didn't satisfy plugin(s) [NodeAffinity]"}
    assert decision.message.startswith(
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't satisfy plugin(s) [NodeAffinity]."
    )


class RejectOnce(ReservePlugin):
    """A Reserve plugin that turns the first reservation down, to watch Unreserve and the cache's forget."""

    name = "RejectOnce"
    calls: list[str] = []

    def reserve(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        RejectOnce.calls.append(f"reserve {pod.name} {node}")
        if len(RejectOnce.calls) == 1:
            return Status(Code.UNSCHEDULABLE, "not yet")
        return None

    def unreserve(self, state: CycleState, pod: PodInfo, node: str) -> None:
        RejectOnce.calls.append(f"unreserve {pod.name} {node}")


def test_reserve_rejection_unreserves_and_forgets_the_assumed_pod() -> None:
    cluster = Cluster(1, nodes=[], scheduler=False, controllers=False)
    scheduler = Scheduler(cluster.client("kube-scheduler"), cluster.rng, cluster.trace, extra_plugins=(RejectOnce,))
    scheduler.start()
    s = Scenario.__new__(Scenario)
    s.cluster, s.client = cluster, cluster.client("test")
    RejectOnce.calls = []
    s.node("node-1")
    s.pod("p")
    s.run(0.5)
    assert RejectOnce.calls == ["reserve p node-1", "unreserve p node-1"]
    assert scheduler.cache.nodes["node-1"].pods == {}  # the assumption was forgotten
    [event] = s.events("p", "FailedScheduling")
    assert event["message"] == "0/1 nodes are available: 1 not yet."
    s.run(60)
    assert s.node_of("p") == ""  # waiting in unschedulablePods for an event
    s.node("node-2", labels={"spare": "yes"})  # a plugin that names no events is woken by any event
    s.run(1)
    assert s.node_of("p") in ("node-1", "node-2")


def test_assumed_pod_counts_before_its_binding_comes_back() -> None:
    s = Scenario()
    s.node("node-1", cpu="1")
    s.node("node-2", cpu="1")
    s.pod("a", cpu="800m")
    s.pod("b", cpu="800m")
    s.run()
    assert {s.node_of("a"), s.node_of("b")} == {"node-1", "node-2"}
    cache = s.cluster.scheduler.cache if s.cluster.scheduler else None
    assert cache is not None and not cache.assumed  # both confirmed by the watch
    assert {info.requested_cpu for info in cache.node_list()} == {800}
