"""The UI's garbage-collector schedule: no full pass while keys are pressed, and no strip cycles."""

from __future__ import annotations

import gc

from rich.segment import Segment
from textual.strip import Strip

from kubetui.ui.idle_gc import FULL_PASS_EVERY, LONGEST_DEFERRAL, IdleCollector, _textual_divide, patch_strip_divide


def unreachable_after_dividing(divide: object) -> int:
    gc.collect()
    for _ in range(50):
        strip = Strip([Segment("hello "), Segment("world")])
        assert divide(strip, [strip.cell_length]) == [strip]  # type: ignore[operator]
    return gc.collect()


def test_textual_divide_leaves_cycles_and_the_patched_one_does_not() -> None:
    patch_strip_divide()
    assert unreachable_after_dividing(_textual_divide) > 0  # the upstream behaviour this works around
    assert unreachable_after_dividing(Strip.divide) == 0


def test_divide_still_cuts() -> None:
    patch_strip_divide()
    strip = Strip([Segment("hello world")])
    assert [part.text for part in strip.divide([5, 11])] == ["hello", " world"]
    assert [part.text for part in strip.divide([11, 20])] == ["hello world"]


def test_full_pass_waits_for_idle_and_never_longer_than_the_deferral() -> None:
    now = [1000.0]
    last_input = [1000.0]
    saved = gc.get_threshold()
    collector = IdleCollector(lambda: last_input[0], clock=lambda: now[0])
    collector.start()
    try:
        assert gc.get_threshold()[2] >= 2**30  # CPython never starts a full pass on its own
        for _ in range(FULL_PASS_EVERY):
            gc.collect(1)  # each middle pass counts towards the next full one
        assert not collector.tick()  # a key was just pressed
        now[0] += 0.5
        assert not collector.tick()
        now[0] += 1.0
        assert collector.tick() and collector.full_passes == 1  # idle for 1.5 s
        assert gc.get_count()[2] == 0
        for _ in range(FULL_PASS_EVERY):
            gc.collect(1)
        now[0] += LONGEST_DEFERRAL
        last_input[0] = now[0]  # keys keep coming: it runs anyway once it has waited long enough
        assert collector.tick() and collector.full_passes == 2
    finally:
        collector.stop()
    assert gc.get_threshold() == saved
