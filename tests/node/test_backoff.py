"""The kubelet's per-key back-off (flowcontrol.Backoff): doubling, the cap, expiry, and float time."""

from __future__ import annotations

from kubetui.node.backoff import Backoff


def test_doubles_to_the_cap_and_starts_over_after_twice_the_cap() -> None:
    backoff = Backoff()
    delays = []
    for now in range(0, 1000, 100):
        backoff.next("c", float(now))
        delays.append(backoff.get("c"))
    assert delays[:7] == [10, 20, 40, 80, 160, 300, 300]
    backoff.next("c", 900.0 + 601.0)  # untouched for more than 600 s: forgotten
    assert backoff.get("c") == 10


def test_a_window_ends_exactly_when_float_sums_say_it_does() -> None:
    """Regression: 71.2 + 80 is 151.20000000000002 in floats, and 151.2 - 71.2 is 79.99999999999999.

    The kubelet used to see the container as still in back-off at 151.2, asked for a sync at 151.2,
    and looped for ever at one virtual instant (a crash-looping pod hung the engine after 5 restarts).
    """
    backoff = Backoff()
    for now in (1.2, 11.2, 31.2, 71.2):
        backoff.next("c", now)
    assert backoff.get("c") == 80
    assert backoff.in_backoff_since("c", 71.2, 151.1)
    assert not backoff.in_backoff_since("c", 71.2, 151.2)
    assert not backoff.in_backoff_since_update("c", 151.2)
    assert backoff.window_end("c", 71.2) >= 151.2 - 1e-9


def test_forget_prefix_drops_one_pods_keys() -> None:
    backoff = Backoff()
    backoff.next("uid-1/app", 0.0)
    backoff.next("uid-2/app", 0.0)
    backoff.forget_prefix("uid-1/")
    assert backoff.get("uid-1/app") == 0 and backoff.get("uid-2/app") == 10
