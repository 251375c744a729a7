"""A key reconciled again at the same instant waits for the instant's other events (a busy worker)."""

from kubetui.client.workqueue import WorkQueue
from kubetui.sim.clock import Clock


def test_a_burst_of_changes_costs_one_more_reconcile_not_one_each() -> None:
    clock = Clock()
    reconciled: list[str] = []
    queue = WorkQueue(clock, reconciled.append, "test")

    def change(n: int) -> None:  # like a watch event at this instant: enqueue, then the next change
        queue.add("default/web")
        if n < 100:
            clock.call_soon(change, n + 1)

    clock.call_soon(change, 0)
    clock.run_for(1)
    # The first reconcile runs in turn, as always; the changes that follow are batched into one more.
    assert reconciled == ["default/web", "default/web"]


def test_keys_seen_for_the_first_time_at_an_instant_keep_their_turn() -> None:
    clock = Clock()
    order: list[str] = []
    queue = WorkQueue(clock, order.append, "test")
    queue.add("a")
    clock.call_soon(order.append, "event")
    clock.settle()
    assert order == ["a", "event"]
    clock.run_for(1)
    queue.add("a")  # a new instant: "a" is fresh again
    clock.call_soon(order.append, "event-2")
    clock.settle()
    assert order[2:] == ["a", "event-2"]
