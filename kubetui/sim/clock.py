"""The virtual clock: one deterministic discrete-event engine that every component runs on.

Components never sleep. They register timers (``call_later``) or ready callbacks
(``call_soon``); the engine runs them in (time, sequence) order. Two drivers move it:
``run_until``/``run_for`` jump straight to the next timer (tests, benchmarks, headless), and
:class:`RealTimeDriver` follows wall time times a speed factor (the TUI and live demos).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable
from typing import Any


class Timer:
    """A scheduled callback; ``cancel()`` makes the engine skip it."""

    __slots__ = ("args", "callback", "cancelled", "label", "when")

    def __init__(self, when: float, callback: Callable[..., Any], args: tuple[Any, ...], label: str) -> None:
        self.when = when
        self.callback = callback
        self.args = args
        self.cancelled = False
        self.label = label

    def cancel(self) -> None:
        self.cancelled = True


class Timers:
    """The timers one component has set, to cancel together when it stops.

    Fired and cancelled ones are dropped as the list grows, so a kubelet that renews its lease for a
    day does not keep the 8,640 timers it set. A timer due before ``clock.now`` has run: the clock only
    moves past a time once everything due then has run.
    """

    __slots__ = ("_clock", "_prune_at", "_timers")

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._timers: list[Timer] = []
        self._prune_at = 64

    def add(self, timer: Timer) -> Timer:
        self._timers.append(timer)
        if len(self._timers) >= self._prune_at:
            now = self._clock.now
            self._timers = [t for t in self._timers if not t.cancelled and t.when >= now]
            self._prune_at = max(64, 2 * len(self._timers))
        return timer

    def cancel_all(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def __len__(self) -> int:
        return len(self._timers)


class Clock:
    """A priority queue of timers ordered by (virtual time, insertion sequence), plus an idle lane.

    The idle lane (``call_idle``) runs, in order, once nothing else is due at the current virtual
    time. Controllers' work queues use it: like a busy worker in client-go, a controller then takes
    its next key after the burst of changes of this instant, not once per change. Without it a
    10,000-pod ReplicaSet was synced once per pod bound, each sync reading all 10,000 pods.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._heap: list[tuple[float, int, Timer]] = []
        self._idle: deque[Timer] = deque()
        self._seq = itertools.count()
        self.events_run = 0
        self._last_nanos = -1

    def unique_nanos(self, nanos: int) -> int:
        """``nanos``, or the first nanosecond after the last one handed out: names made from the time (an
        Event's ``<object>.<hex nanoseconds>``) never meet, as wall-clock nanoseconds on separate machines
        don't, although every component here reads the same virtual instant."""
        nanos = max(nanos, self._last_nanos + 1)
        self._last_nanos = nanos
        return nanos

    # -- scheduling -------------------------------------------------------------------------
    def call_at(self, when: float, callback: Callable[..., Any], *args: Any, label: str = "") -> Timer:
        timer = Timer(max(when, self.now), callback, args, label)
        heapq.heappush(self._heap, (timer.when, next(self._seq), timer))
        return timer

    def call_later(self, delay: float, callback: Callable[..., Any], *args: Any, label: str = "") -> Timer:
        return self.call_at(self.now + max(0.0, delay), callback, *args, label=label)

    def call_soon(self, callback: Callable[..., Any], *args: Any, label: str = "") -> Timer:
        return self.call_at(self.now, callback, *args, label=label)

    def call_idle(self, callback: Callable[..., Any], *args: Any, label: str = "") -> Timer:
        """Run at the current virtual time, after every event due now (including ones added meanwhile)."""
        timer = Timer(self.now, callback, args, label)
        self._idle.append(timer)
        return timer

    # -- inspection -------------------------------------------------------------------------
    def next_time(self) -> float | None:
        """Virtual time of the next live timer, or None when nothing is scheduled."""
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        idle = self._idle
        while idle and idle[0].cancelled:
            idle.popleft()
        if heap and (not idle or heap[0][0] <= self.now):
            return heap[0][0]
        return self.now if idle else None

    def pending(self) -> int:
        return sum(1 for _, _, t in self._heap if not t.cancelled) + sum(1 for t in self._idle if not t.cancelled)

    # -- running ----------------------------------------------------------------------------
    def _next(self, deadline: float) -> Timer | None:
        """Take the next live timer due at or before ``deadline``: due-now timers, then the idle lane, then later."""
        heap, idle = self._heap, self._idle
        while True:
            if heap and heap[0][2].cancelled:
                heapq.heappop(heap)
            elif idle and idle[0].cancelled:
                idle.popleft()
            elif heap and heap[0][0] <= self.now:
                return heapq.heappop(heap)[2]
            elif idle:
                return idle.popleft()
            elif heap and heap[0][0] <= deadline:
                timer = heapq.heappop(heap)[2]
                self.now = timer.when
                return timer
            else:
                return None

    def step(self) -> bool:
        """Run exactly one event (advancing time to it). Returns False when nothing is scheduled."""
        timer = self._next(float("inf"))
        if timer is None:
            return False
        self.events_run += 1
        timer.callback(*timer.args)
        return True

    def run_until_time(self, deadline: float, max_events: int | None = None) -> int:
        """Run every event due at or before ``deadline``, then set the clock to it."""
        ran = 0
        while max_events is None or ran < max_events:
            timer = self._next(deadline)
            if timer is None:
                break
            self.events_run += 1
            ran += 1
            timer.callback(*timer.args)
        if (max_events is None or ran < max_events) and deadline > self.now:
            self.now = deadline
        return ran

    def run_for(self, seconds: float) -> int:
        """Fast driver: run everything in the next ``seconds`` of virtual time."""
        return self.run_until_time(self.now + seconds)

    def run_until(self, predicate: Callable[[], bool], timeout: float, check_every: float = 0.0) -> bool:
        """Fast driver: run events until ``predicate()`` holds or ``timeout`` virtual seconds pass."""
        deadline = self.now + timeout
        if predicate():
            return True
        while True:
            nxt = self.next_time()
            if nxt is None or nxt > deadline:
                self.now = max(self.now, deadline)
                return predicate()
            self.step()
            if predicate():
                return True

    def settle(self, max_events: int = 1_000_000) -> int:
        """Run every event due *now* without advancing time."""
        return self.run_until_time(self.now, max_events=max_events)


class RealTimeDriver:
    """Moves a :class:`Clock` along with wall time times ``speed``; pause and single-step for demos."""

    def __init__(self, clock: Clock, speed: float = 1.0, tick: float = 0.02, budget: float = 0.008) -> None:
        self.clock = clock
        self.speed = speed
        self.paused = False
        self.tick = tick
        self.budget = budget  # wall seconds of engine work per tick, so the UI loop stays responsive
        self._task: asyncio.Task[None] | None = None
        self._wall_anchor = time.monotonic()
        self._virtual_anchor = clock.now
        self.listeners: list[Callable[[], None]] = []

    def _reanchor(self) -> None:
        self._wall_anchor = time.monotonic()
        self._virtual_anchor = self.clock.now

    def set_speed(self, speed: float) -> None:
        self._reanchor()
        self.speed = max(0.1, min(speed, 1000.0))
        self._notify()

    def set_paused(self, paused: bool) -> None:
        self._reanchor()
        self.paused = paused
        self._notify()

    def step_one(self) -> bool:
        """Run the next event only (works while paused)."""
        ran = self.clock.step()
        self._reanchor()
        self._notify()
        return ran

    def advance(self, seconds: float) -> None:
        """Jump ``seconds`` of virtual time as fast as possible."""
        self.clock.run_for(seconds)
        self._reanchor()
        self._notify()

    def _notify(self) -> None:
        for listener in list(self.listeners):
            listener()

    def pump(self) -> None:
        """Run events due by the current wall time, within the per-tick budget."""
        if self.paused:
            self._reanchor()
            return
        target = self._virtual_anchor + (time.monotonic() - self._wall_anchor) * self.speed
        started = time.perf_counter()
        clock = self.clock
        while True:
            # One event at a time, so the time budget is checked after each: one event can take tens of ms.
            ran = clock.run_until_time(target, max_events=1)
            if ran < 1:
                break
            if time.perf_counter() - started > self.budget:
                # Fell behind: let virtual time lag instead of freezing the UI.
                self._reanchor()
                break

    async def run(self) -> None:
        self._reanchor()
        while True:
            self.pump()
            await asyncio.sleep(self.tick)

    def start(self) -> asyncio.Task[None]:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self.run())
        return self._task

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
