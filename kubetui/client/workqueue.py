"""A rate-limited work queue, as client-go's: dedup by key, one worker per key at a time, per-item backoff.

A controller adds keys (``namespace/name``) from informer handlers; the queue calls its reconcile
function for each key as one engine event. A reconcile that raises (a 409 conflict, say) is
retried with exponential backoff, 5 ms doubling up to 1000 s, as ``DefaultControllerRateLimiter``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable

from kubetui.apiserver.errors import ApiError
from kubetui.sim.clock import Clock

log = logging.getLogger(__name__)


class RateLimiter:
    """Per-item exponential backoff (client-go's ItemExponentialFailureRateLimiter)."""

    def __init__(self, base: float = 0.005, cap: float = 1000.0) -> None:
        self.base = base
        self.cap = cap
        self.failures: dict[str, int] = {}

    def when(self, key: str) -> float:
        n = self.failures.get(key, 0)
        self.failures[key] = n + 1
        return min(self.base * (2**n), self.cap)

    def forget(self, key: str) -> None:
        self.failures.pop(key, None)

    def retries(self, key: str) -> int:
        return self.failures.get(key, 0)


class WorkQueue:
    """Keys waiting for ``reconcile``. A key added while it is queued is not added twice."""

    def __init__(
        self,
        clock: Clock,
        reconcile: Callable[[str], None],
        name: str,
        rate_limiter: RateLimiter | None = None,
        on_error: Callable[[str, Exception], None] | None = None,
    ) -> None:
        self.clock = clock
        self.reconcile = reconcile
        self.name = name
        self.rate_limiter = rate_limiter or RateLimiter()
        self.on_error = on_error
        self._queue: deque[str] = deque()
        self._dirty: set[str] = set()
        self._processing: set[str] = set()
        self._scheduled = False
        self._delayed: dict[str, float] = {}
        self._done_now: set[str] = set()  # keys reconciled at virtual time _done_at
        self._done_at = -1.0
        self.processed = 0

    def __len__(self) -> int:
        return len(self._queue)

    def add(self, key: str) -> None:
        if key in self._dirty:
            return
        self._dirty.add(key)
        if key in self._processing:
            return  # re-queued when the running reconcile finishes
        self._queue.append(key)
        self._schedule()

    def add_after(self, key: str, delay: float) -> None:
        if delay <= 0:
            self.add(key)
            return
        due = self.clock.now + delay
        current = self._delayed.get(key)
        if current is not None and current <= due:
            return
        self._delayed[key] = due
        self.clock.call_at(due, self._fire_delayed, key, due, label=f"{self.name} requeue")

    def _fire_delayed(self, key: str, due: float) -> None:
        if self._delayed.get(key) == due:
            del self._delayed[key]
            self.add(key)

    def add_rate_limited(self, key: str) -> None:
        self.add_after(key, self.rate_limiter.when(key))

    def forget(self, key: str) -> None:
        self.rate_limiter.forget(key)

    def _schedule(self) -> None:
        if not self._scheduled and self._queue:
            self._scheduled = True
            if self._queue[0] in self._done_now and self._done_at == self.clock.now:
                # Reconciled already at this instant: wait until the instant's other events have run, as a
                # busy client-go worker would, so a burst of changes (10,000 pods bound) costs one more sync.
                self.clock.call_idle(self._work, label=self.name)
            else:
                self.clock.call_soon(self._work, label=self.name)

    def _work(self) -> None:
        """Process one key per engine event, so single-stepping shows each reconcile on its own."""
        self._scheduled = False
        if not self._queue:
            return
        key = self._queue.popleft()
        self._dirty.discard(key)
        self._processing.add(key)
        try:
            self.reconcile(key)
        except ApiError as err:
            # Conflicts and other API errors: retry later with backoff, as controllers do.
            if self.on_error:
                self.on_error(key, err)
            self.add_rate_limited(key)
        except Exception as exc:  # a bug in one reconcile must not stop the controller
            log.exception("%s: reconcile %s failed", self.name, key)
            if self.on_error:
                self.on_error(key, exc)
            self.add_rate_limited(key)
        else:
            self.forget(key)
        finally:
            self._processing.discard(key)
            self.processed += 1
            if self._done_at != self.clock.now:
                self._done_at = self.clock.now
                self._done_now.clear()
            self._done_now.add(key)
            if key in self._dirty and key not in self._queue:
                self._queue.append(key)
            self._schedule()
