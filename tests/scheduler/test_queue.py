"""The scheduling queue (backend/queue/scheduling_queue.go): order, backoff, moves on cluster events,
the 5-minute flush and nominations."""

from __future__ import annotations

from kubetui.scheduler.framework import (
    ASSIGNED_POD_DELETE,
    NODE_ADD,
    NODE_LABEL_CHANGE,
    UNSCHEDULABLE_TIMEOUT,
    ActionType,
    ClusterEvent,
)
from kubetui.scheduler.podinfo import PodInfo
from kubetui.scheduler.queue import ACTIVE, BACKOFF, UNSCHEDULABLE, SchedulingQueue, backoff_duration
from kubetui.sim.clock import Clock
from tests.scheduler.builders import pod

EVENTS = {
    "NodeResourcesFit": (ASSIGNED_POD_DELETE, NODE_ADD, ClusterEvent("Node", ActionType.UPDATE)),
    "InterPodAffinity": (ClusterEvent("Pod", ActionType.ALL), NODE_ADD, NODE_LABEL_CHANGE),
}


def _queue() -> tuple[Clock, SchedulingQueue, list[int]]:
    clock = Clock()
    woken: list[int] = []
    queue = SchedulingQueue(clock, lambda plugin: EVENTS.get(plugin, ()), lambda: woken.append(1))
    return clock, queue, woken


def test_active_queue_orders_by_priority_then_arrival() -> None:
    clock, queue, woken = _queue()
    queue.add(PodInfo(pod("low-early", priority=0)))
    clock.now = 1
    queue.add(PodInfo(pod("high", priority=100)))
    queue.add(PodInfo(pod("low-late", priority=0)))
    order = []
    while (queued := queue.pop()) is not None:
        order.append(queued.pod.name)
    assert order == ["high", "low-early", "low-late"]
    assert woken


def test_backoff_doubles_from_one_second_to_ten() -> None:
    assert [backoff_duration(n) for n in range(1, 7)] == [1, 2, 4, 8, 10, 10]


def test_failed_pod_waits_for_an_event_its_plugins_care_about() -> None:
    clock, queue, _ = _queue()
    queue.add(PodInfo(pod("p")))
    queued = queue.pop()
    assert queued is not None
    queued.unschedulable_plugins = {"NodeResourcesFit"}
    assert queue.add_unschedulable(queued) == UNSCHEDULABLE
    assert queue.pending() == {ACTIVE: 0, BACKOFF: 0, UNSCHEDULABLE: 1}
    assert queue.move_all(NODE_LABEL_CHANGE) == 1  # Node Update covers label changes
    assert queue.where(queued.pod.uid) == BACKOFF  # still inside its 1 s backoff
    clock.run_for(1.0)
    assert queue.where(queued.pod.uid) == ACTIVE


def test_unrelated_event_does_not_move_the_pod() -> None:
    clock, queue, _ = _queue()
    queue.add(PodInfo(pod("p")))
    queued = queue.pop()
    assert queued is not None
    queued.unschedulable_plugins = {"NodeResourcesFit"}
    queue.add_unschedulable(queued)
    clock.run_for(20)
    assert queue.move_all(ClusterEvent("Pod", ActionType.ADD, "AssignedPodAdd")) == 0
    assert queue.where(queued.pod.uid) == UNSCHEDULABLE
    assert queue.move_all(ASSIGNED_POD_DELETE) == 1
    assert queue.where(queued.pod.uid) == ACTIVE  # backoff long over: straight to activeQ


def test_pods_left_in_unschedulable_for_five_minutes_are_retried() -> None:
    clock, queue, _ = _queue()
    queue.add(PodInfo(pod("p")))
    queued = queue.pop()
    assert queued is not None
    queued.unschedulable_plugins = {"InterPodAffinity"}
    queue.add_unschedulable(queued)
    clock.run_for(300)
    assert queue.where(queued.pod.uid) == UNSCHEDULABLE  # not more than 5 minutes yet
    clock.run_for(30)  # the next 30 s flush
    assert queue.where(queued.pod.uid) == ACTIVE
    assert UNSCHEDULABLE_TIMEOUT.matches(NODE_ADD)


def test_error_without_rejecting_plugin_goes_to_backoff() -> None:
    _, queue, _ = _queue()
    queue.add(PodInfo(pod("p")))
    queued = queue.pop()
    assert queued is not None
    assert queue.add_unschedulable(queued) == BACKOFF


def test_spec_change_of_an_unschedulable_pod_retries_it() -> None:
    clock, queue, _ = _queue()
    old = pod("p")
    queue.add(PodInfo(old))
    queued = queue.pop()
    assert queued is not None
    queued.unschedulable_plugins = {"NodeResourcesFit"}
    queue.add_unschedulable(queued)
    clock.run_for(5)
    status_only = pod("p")
    status_only["status"]["conditions"] = [{"type": "PodScheduled", "status": "False"}]
    queue.update(old, PodInfo(status_only))
    assert queue.where(queued.pod.uid) == UNSCHEDULABLE
    relabelled = pod("p", labels={"tier": "web"})
    queue.update(status_only, PodInfo(relabelled))
    assert queue.where(queued.pod.uid) == ACTIVE


def test_nominations_follow_status_and_scheduler_memory() -> None:
    _, queue, _ = _queue()
    nominated = pod("p")
    nominated["status"]["nominatedNodeName"] = "node-1"
    info = PodInfo(nominated)
    queue.add(info)
    assert [p.name for p in queue.nominated_pods_for_node("node-1")] == ["p"]
    queue.add_nominated(info, "node-2")
    assert queue.nominated_pods_for_node("node-1") == [] and queue.nominated_node(info.uid) == "node-2"
    queue.delete(info.uid)
    assert not queue.has_nominations
