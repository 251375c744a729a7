"""The clock's idle lane: callbacks that run once nothing else is due at the current instant."""

from kubetui.sim.clock import Clock


def test_idle_callbacks_run_after_everything_due_now_even_what_is_added_meanwhile() -> None:
    clock = Clock()
    seen: list[str] = []
    clock.call_idle(seen.append, "idle-1")
    clock.call_soon(lambda: (seen.append("soon"), clock.call_soon(seen.append, "added")))
    clock.call_idle(seen.append, "idle-2")
    clock.call_later(1.0, seen.append, "later")
    clock.run_for(2)
    assert seen == ["soon", "added", "idle-1", "idle-2", "later"]


def test_idle_lane_keeps_time_and_counts_as_pending() -> None:
    clock = Clock(start=5)
    seen: list[float] = []
    timer = clock.call_idle(lambda: seen.append(clock.now))
    assert clock.next_time() == 5 and clock.pending() == 1
    assert clock.step() and seen == [5]
    assert clock.next_time() is None
    cancelled = clock.call_idle(seen.append, 99.0)
    cancelled.cancel()
    assert not clock.step() and seen == [5] and timer.cancelled is False


def test_max_events_counts_idle_callbacks() -> None:
    clock = Clock()
    seen: list[int] = []
    for i in range(5):
        clock.call_idle(seen.append, i)
    assert clock.run_until_time(0, max_events=3) == 3
    assert seen == [0, 1, 2]
    clock.settle()
    assert seen == [0, 1, 2, 3, 4]
