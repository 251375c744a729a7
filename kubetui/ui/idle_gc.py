"""CPython's garbage collector, scheduled for an interactive app: full passes wait until no key is pressed.

A full (oldest-generation) pass over the cluster's heap takes 0.3-0.5 s here, long enough to make a
key press feel stuck; the young generations are collected automatically and often (a few ms each),
as usual. Interactive runtimes do the same: V8 and Chrome collect in idle time.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Sequence

from textual.strip import Strip

YOUNG_THRESHOLDS = (5_000, 10)  # a young pass is ~1 ms, a middle one ~30 ms on a 1,000-pod cluster
IDLE_AFTER = 1.0  # seconds without input before a full pass may run
FULL_PASS_EVERY = 10  # middle-generation passes between full ones (CPython's own third threshold)
LONGEST_DEFERRAL = 120.0  # a full pass runs after this long even if keys keep coming


class IdleCollector:
    """Disables CPython's automatic full collections and runs them when the user is idle."""

    def __init__(self, last_input: Callable[[], float], clock: Callable[[], float] = time.monotonic) -> None:
        self.last_input = last_input  # when the last key press or click arrived (``clock`` seconds)
        self.clock = clock
        self.full_passes = 0
        self._saved: tuple[int, int, int] | None = None
        self._last_full = 0.0

    def start(self) -> None:
        if self._saved is not None:
            return
        self._saved = gc.get_threshold()
        gc.freeze()  # what exists at start-up (modules, classes, the cluster so far) is not rescanned
        gc.set_threshold(*YOUNG_THRESHOLDS, 2**30)  # the oldest generation is left to :meth:`tick`
        self._last_full = self.clock()

    def stop(self) -> None:
        if self._saved is None:
            return
        gc.set_threshold(*self._saved)
        gc.unfreeze()
        self._saved = None

    def due(self) -> bool:
        """A full pass is owed (enough middle passes since the last) and nobody is typing, or it waited too long."""
        if self._saved is None or gc.get_count()[2] < FULL_PASS_EVERY:
            return False
        now = self.clock()
        return now - self.last_input() >= IDLE_AFTER or now - self._last_full >= LONGEST_DEFERRAL

    def tick(self) -> bool:
        """Run a full pass if one is due; call this periodically from the UI loop."""
        if not self.due():
            return False
        gc.collect(2)
        self.full_passes += 1
        self._last_full = self.clock()
        return True


def divide_without_cycle(self: Strip, cuts: Iterable[int]) -> Sequence[Strip]:
    """``Strip.divide`` minus a reference cycle: an uncut strip cached ``[self]`` in its own cache.

    Textual 8.2's compositor divides every painted line, so every strip became cyclic garbage
    (~1,200 strips a second with five live panes) and the collector ran far more often.
    """
    kept = [cut for cut in cuts if cut <= self.cell_length]
    if kept == [self.cell_length]:
        return [self]
    return _textual_divide(self, kept)


_textual_divide = Strip.divide


def patch_strip_divide() -> None:
    """Install :func:`divide_without_cycle` (idempotent)."""
    if Strip.divide is not divide_without_cycle:
        Strip.divide = divide_without_cycle  # type: ignore[method-assign]
