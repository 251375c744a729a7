"""DefaultPreemption: victim selection (SelectVictimsOnNode) and node choice (pickOneNodeForPreemption), after
the cases of plugins/defaultpreemption/default_preemption_test.go (TestSelectNodesForPreemption,
TestSelectBestCandidate)."""

from __future__ import annotations

from typing import Any

from kubetui.scheduler.cache import Cache
from kubetui.scheduler.framework import Code, CycleState, Framework, Handle, NodeToStatus, unschedulable
from kubetui.scheduler.plugins.default_preemption import Candidate, DefaultPreemption
from kubetui.scheduler.plugins.node_resources_fit import NodeResourcesFit
from kubetui.scheduler.podinfo import PodInfo
from tests.scheduler.builders import cache_with, node, pod

LOW, MID, HIGH = 0, 100, 1000


def _running(
    name: str,
    on: str,
    priority: int,
    cpu: int = 1000,
    start: str = "2026-01-01T00:00:00Z",
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    return pod(name, node_name=on, priority=priority, requests=[{"cpu": f"{cpu}m"}], start_time=start, labels=labels)


def _preemption(cache: Cache) -> tuple[Framework, DefaultPreemption]:
    handle = Handle(cache)
    plugin = DefaultPreemption(handle)
    framework = Framework(handle, [NodeResourcesFit(handle), plugin], {"NodeResourcesFit": 1})
    return framework, plugin


def _preempt(nodes: list[dict[str, Any]], running: list[dict[str, Any]], incoming: dict[str, Any]) -> tuple[Any, Any]:
    cache = cache_with(nodes, running)
    framework, plugin = _preemption(cache)
    info, state = PodInfo(incoming), CycleState()
    framework.run_pre_filter(state, info, cache.node_list())
    statuses = NodeToStatus()
    for n in cache.node_list():
        status = framework.run_filter(state, info, n)
        if status is not None:
            statuses.explicit[n.name] = status
    return plugin.post_filter(state, info, statuses)


def test_minimal_victims_lowest_priority_first() -> None:
    """Only as many pods as needed go, the least important ones."""
    nodes = [node("node1", cpu_m=3000, memory=10**10)]
    running = [_running("a", "node1", 1), _running("b", "node1", 2), _running("c", "node1", 3)]
    result, status = _preempt(nodes, running, pod("p", priority=HIGH, requests=[{"cpu": "1000m"}]))
    assert status.code == Code.SUCCESS
    assert result.nominated_node == "node1" and result.victims == ("default/a",)


def test_no_lower_priority_pods_means_no_victims() -> None:
    nodes = [node("node1", cpu_m=1000, memory=10**10)]
    result, status = _preempt(
        nodes, [_running("a", "node1", HIGH)], pod("p", priority=MID, requests=[{"cpu": "1000m"}])
    )
    assert status.code == Code.UNSCHEDULABLE
    assert status.message == ("preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.")
    assert result.nominated_node == ""


def test_preemption_policy_never() -> None:
    nodes = [node("node1", cpu_m=1000, memory=10**10)]
    incoming = pod("p", priority=HIGH, requests=[{"cpu": "1000m"}])
    incoming["spec"]["preemptionPolicy"] = "Never"
    result, status = _preempt(nodes, [_running("a", "node1", LOW)], incoming)
    assert result is None and status.message == "preemption: not eligible due to preemptionPolicy=Never."


def _candidate(node_name: str, *victims: tuple[int, str], violations: int = 0) -> Candidate:
    pods = [
        PodInfo(_running(f"{node_name}-v{i}", node_name, prio, start=start)) for i, (prio, start) in enumerate(victims)
    ]
    pods.sort(key=lambda p: (-p.priority, p.start_time))
    return Candidate(node_name, pods, violations)


T0, T1, T2 = "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z"


def test_node_with_min_highest_priority_pod_is_picked() -> None:
    chosen = DefaultPreemption._select(
        [
            _candidate("node1", (MID, T0), (LOW, T0)),
            _candidate("node2", (MID, T0), (MID, T0)),
            _candidate("node3", (LOW, T0), (LOW, T0)),
        ]
    )
    assert chosen.node == "node3"


def test_when_highest_priorities_are_the_same_minimum_sum_of_lower_priority_pods_is_used() -> None:
    chosen = DefaultPreemption._select(
        [
            _candidate("node1", (MID, T0), (LOW, T0), (LOW, T0)),
            _candidate("node2", (MID, T0), (MID, T0)),
            _candidate("node3", (MID, T0), (LOW, T0)),
        ]
    )
    assert chosen.node == "node3"


def test_when_highest_priority_and_sum_are_the_same_minimum_number_of_pods_is_picked() -> None:
    chosen = DefaultPreemption._select(
        [
            _candidate("node1", (MID, T0), (-1, T0), (1, T0)),
            _candidate("node2", (MID, T0), (0, T0)),
        ]
    )
    assert chosen.node == "node2"


def test_fewest_pdb_violations_win_first() -> None:
    chosen = DefaultPreemption._select(
        [
            _candidate("node1", (LOW, T0), violations=1),
            _candidate("node2", (MID, T0), (MID, T0)),
        ]
    )
    assert chosen.node == "node2"


def test_same_priority_same_number_of_victims_latest_start_time_wins() -> None:
    chosen = DefaultPreemption._select(
        [
            _candidate("node1", (MID, T0), (LOW, T2)),
            _candidate("node2", (MID, T1), (LOW, T0)),
            _candidate("node3", (MID, T2), (LOW, T1)),
        ]
    )
    assert chosen.node == "node3"


def test_pdb_protected_pods_are_reprieved_first() -> None:
    """filterPodsWithPDBViolation: with a budget allowing no disruption, its pod is kept if it can be."""
    nodes = [node("node1", cpu_m=2000, memory=10**10)]
    running = [_running("guarded", "node1", LOW, labels={"app": "db"}), _running("free", "node1", LOW)]
    cache = cache_with(nodes, running)
    framework, plugin = _preemption(cache)
    budget = {
        "metadata": {"name": "db", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "db"}}},
        "status": {"disruptionsAllowed": 0},
    }
    plugin.handle.informers = _Lister({"poddisruptionbudgets": [budget]})  # type: ignore[assignment]
    info, state = PodInfo(pod("p", priority=HIGH, requests=[{"cpu": "1000m"}])), CycleState()
    framework.run_pre_filter(state, info, cache.node_list())
    statuses = NodeToStatus()
    statuses.explicit["node1"] = unschedulable("Insufficient cpu")
    result, status = plugin.post_filter(state, info, statuses)
    assert status.code == Code.SUCCESS and result is not None and result.victims == ("default/free",)


class _Lister:
    def __init__(self, objects: dict[str, list[dict[str, Any]]]) -> None:
        self.objects = objects
        self.resource = ""

    def informer(self, resource: str) -> _Lister:
        self.resource = resource
        return self

    def list(self) -> list[dict[str, Any]]:
        return self.objects.get(self.resource, [])


def test_not_eligible_while_a_victim_still_terminates_on_the_nominated_node() -> None:
    """PodEligibleToPreemptOthers: a lower-priority pod preempted earlier is still leaving the nominated node."""
    victim = _running("victim", "node1", LOW)
    victim["metadata"]["deletionTimestamp"] = "2026-01-01T00:00:30Z"
    victim["status"]["conditions"] = [{"type": "DisruptionTarget", "status": "True", "reason": "PreemptionByScheduler"}]
    incoming = pod("p", priority=HIGH, requests=[{"cpu": "1000m"}])
    incoming["status"]["nominatedNodeName"] = "node1"
    result, status = _preempt([node("node1", cpu_m=1000, memory=10**10)], [victim], incoming)
    assert result is None
    assert status.message == "preemption: not eligible due to a terminating pod on the nominated node."
