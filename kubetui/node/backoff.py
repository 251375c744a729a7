"""Per-key exponential back-off, as client-go's flowcontrol.Backoff (util/flowcontrol/backoff.go).

The kubelet keeps two: one for restarting crashed containers (CrashLoopBackOff) and one for image
pulls (ImagePullBackOff). Both start at 10 s and double up to 300 s (pkg/kubelet/kubelet.go:
backOffPeriod, MaxContainerBackOff). An entry not touched for twice the maximum (10 minutes) is
forgotten, so a container that ran fine for 10 minutes starts over at 10 s.
No jitter: the kubelet creates both with flowcontrol.NewBackOff, which has none.
"""

from __future__ import annotations

from dataclasses import dataclass

INITIAL_SECONDS = 10.0
MAX_SECONDS = 300.0
EPSILON = 1e-6  # virtual time is a float: 71.2 + 80 must count as 151.2, not as 0.00000000000003 s short of it


@dataclass
class _Entry:
    backoff: float
    last_update: float


class Backoff:
    def __init__(self, initial: float = INITIAL_SECONDS, maximum: float = MAX_SECONDS) -> None:
        self.initial = initial
        self.maximum = maximum
        self._entries: dict[str, _Entry] = {}

    def _expired(self, event_time: float, last_update: float) -> bool:
        """hasExpired: stable for twice the maximum means start over."""
        return event_time - last_update > self.maximum * 2

    def get(self, key: str) -> float:
        entry = self._entries.get(key)
        return entry.backoff if entry is not None else 0.0

    def next(self, key: str, now: float) -> None:
        """Move the key one step along: 10 s, 20 s, 40 s ... 300 s, or back to 10 s once it has expired."""
        entry = self._entries.get(key)
        if entry is None or self._expired(now, entry.last_update):
            self._entries[key] = _Entry(self.initial, now)
            return
        entry.backoff = min(entry.backoff * 2, self.maximum)
        entry.last_update = now

    def in_backoff_since(self, key: str, event_time: float, now: float) -> bool:
        """IsInBackOffSince: is ``now`` still inside the window that opened at ``event_time``?"""
        entry = self._entries.get(key)
        if entry is None or self._expired(event_time, entry.last_update):
            return False
        return now - event_time < entry.backoff - EPSILON

    def in_backoff_since_update(self, key: str, now: float) -> bool:
        """IsInBackOffSinceUpdate: is ``now`` inside the window that opened at the last ``next``?"""
        entry = self._entries.get(key)
        if entry is None or self._expired(now, entry.last_update):
            return False
        return now - entry.last_update < entry.backoff - EPSILON

    def window_end(self, key: str, event_time: float) -> float:
        """When the window opened at ``event_time`` closes (the kubelet retries then)."""
        return event_time + self.get(key)

    def forget_prefix(self, prefix: str) -> None:
        """Drop every key of one pod (its uid is the prefix) once the pod is gone."""
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]
