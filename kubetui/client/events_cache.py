"""client-go's EventCorrelator (tools/record/events_cache.go): what happens to an Event before it is written.

Every component on the legacy event recorder (controllers, kubelet) passes each Event through three
stages, with client-go's defaults:

- aggregation: once 10 events about one object with one reason but different messages arrive within
  10 minutes, the rest become a single ``(combined from similar events): ...`` Event;
- counting: a repeat of an identical Event patches ``count`` and ``lastTimestamp`` of the first one;
- spam filter: a source may send 25 Events about one object, then one every 5 minutes (a token bucket).
  An Event over that budget is dropped, but it was already counted, so the next patch carries the whole count.

That is why ``kubectl describe rs`` after scaling to 10,000 shows nine ``Created pod`` lines and one combined
line, not 10,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubetui.client.lru import LRU

AGGREGATE_MAX_EVENTS = 10  # defaultAggregateMaxEvents
AGGREGATE_INTERVAL_SECONDS = 600.0  # defaultAggregateIntervalInSeconds
SPAM_BURST = 25  # defaultSpamBurst
SPAM_QPS = 1.0 / 300.0  # defaultSpamQPS: one event every 5 minutes once the burst is spent
COMBINED_PREFIX = "(combined from similar events): "
LRU_ENTRIES = 4096  # maxLruCacheEntries

# (source component, source host, involvedObject kind, namespace, name, uid, apiVersion): getSpamKey's fields.
ObjectKey = tuple[str, str, str, str, str, str, str]


@dataclass
class TokenBucket:
    """golang.org/x/time/rate's Limiter as flowcontrol's TryAccept uses it: starts full, refills continuously."""

    qps: float
    burst: int
    tokens: float
    last: float

    def try_accept(self, now: float) -> bool:
        self.tokens = min(float(self.burst), self.tokens + max(now - self.last, 0.0) * self.qps)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


@dataclass
class _AggregateRecord:
    messages: dict[str, None] = field(default_factory=dict)  # an ordered set, so PopAny is deterministic
    last: float = float("-inf")


@dataclass
class _Observation:
    name: str
    count: int
    first_timestamp: str


@dataclass(frozen=True)
class Correlated:
    """What to write: a new Event (``patch`` false) or a patch of ``name``; nothing at all when ``skip``."""

    skip: bool
    key: tuple[object, ...] = ()
    patch: bool = False
    name: str = ""
    message: str = ""
    count: int = 1
    first_timestamp: str = ""


class EventCorrelator:
    def __init__(self) -> None:
        self._aggregates: LRU[tuple[ObjectKey, str, str], _AggregateRecord] = LRU(LRU_ENTRIES)
        self._observed: LRU[tuple[object, ...], _Observation] = LRU(LRU_ENTRIES)
        self._spam: LRU[ObjectKey, TokenBucket] = LRU(LRU_ENTRIES)

    def correlate(
        self, obj: ObjectKey, etype: str, reason: str, message: str, now: float, now_iso: str, new_name: str
    ) -> Correlated:
        """EventCorrelate: aggregate, then count, then filter. ``new_name`` names the Event if one is created."""
        key: tuple[object, ...] = (obj, etype, reason, message)
        aggregate_key = (obj, etype, reason)
        record = self._aggregates.get(aggregate_key)
        if record is None or now - record.last > AGGREGATE_INTERVAL_SECONDS:
            record = _AggregateRecord()
        record.messages[message] = None
        record.last = now
        self._aggregates.add(aggregate_key, record)
        if len(record.messages) >= AGGREGATE_MAX_EVENTS:
            del record.messages[next(iter(record.messages))]  # do not grow the set past the maximum
            key, message = aggregate_key, COMBINED_PREFIX + message

        seen = self._observed.get(key)
        if seen is None:
            observed = _Observation(new_name, 1, now_iso)
        else:
            observed = _Observation(seen.name, seen.count + 1, seen.first_timestamp)
        self._observed.add(key, observed)

        bucket = self._spam.get(obj)
        if bucket is None:
            bucket = TokenBucket(SPAM_QPS, SPAM_BURST, float(SPAM_BURST), now)
        accepted = bucket.try_accept(now)
        self._spam.add(obj, bucket)
        if not accepted:
            return Correlated(skip=True)
        return Correlated(
            skip=False,
            key=key,
            patch=seen is not None,
            name=observed.name,
            message=message,
            count=observed.count,
            first_timestamp=observed.first_timestamp,
        )

    def update_state(self, key: tuple[object, ...], name: str) -> None:
        """UpdateState: remember the name the server stored the Event under, for the next patch."""
        seen = self._observed.get(key)
        if seen is not None:
            seen.name = name
