"""The virtual clock: ordering, cancellation, and the fast driver."""

from kubetui.sim.clock import Clock, Timers


def test_events_run_in_time_then_insertion_order() -> None:
    clock = Clock()
    seen: list[str] = []
    clock.call_later(2.0, seen.append, "b")
    clock.call_later(1.0, seen.append, "a")
    clock.call_later(2.0, seen.append, "c")
    clock.call_soon(seen.append, "now")
    clock.run_for(5)
    assert seen == ["now", "a", "b", "c"]
    assert clock.now == 5


def test_cancelled_timer_does_not_run() -> None:
    clock = Clock()
    seen: list[int] = []
    timer = clock.call_later(1.0, seen.append, 1)
    timer.cancel()
    clock.run_for(2)
    assert seen == []
    assert clock.next_time() is None


def test_step_runs_one_event_and_advances_time() -> None:
    clock = Clock()
    seen: list[int] = []
    clock.call_later(3.0, seen.append, 1)
    clock.call_later(4.0, seen.append, 2)
    assert clock.step()
    assert seen == [1] and clock.now == 3.0
    assert clock.step()
    assert not clock.step()


def test_run_until_stops_at_predicate_or_timeout() -> None:
    clock = Clock()
    counter = [0]

    def tick() -> None:
        counter[0] += 1
        clock.call_later(1.0, tick)

    clock.call_soon(tick)
    assert clock.run_until(lambda: counter[0] >= 10, timeout=100)
    assert clock.now == 9.0
    assert not clock.run_until(lambda: counter[0] >= 1000, timeout=5)
    assert clock.now == 14.0


def test_timers_in_the_past_run_now() -> None:
    clock = Clock(start=10)
    seen: list[float] = []
    clock.call_at(5, lambda: seen.append(clock.now))
    clock.run_for(0)
    assert seen == [10]


def test_timers_drop_fired_and_cancelled_ones_as_they_grow() -> None:
    clock = Clock()
    timers = Timers(clock)
    fired: list[int] = []
    for i in range(1000):
        timers.add(clock.call_later(1.0, fired.append, i))
        clock.run_for(1.0)
    keep = timers.add(clock.call_later(5.0, fired.append, -1))
    assert len(fired) == 1000 and len(timers) < 64  # not the 1,000 timers that already ran
    timers.cancel_all()
    assert keep.cancelled and len(timers) == 0
    clock.run_for(10.0)
    assert -1 not in fired


def test_timers_never_drop_one_that_is_still_due() -> None:
    clock = Clock()
    timers = Timers(clock)
    due_now = [timers.add(clock.call_soon(lambda: None)) for _ in range(100)]
    timers.cancel_all()
    assert all(t.cancelled for t in due_now)
