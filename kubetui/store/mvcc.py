"""An in-memory MVCC key-value store with etcd's semantics.

One global revision counts every write. Each key remembers the revision that created it, the
revision that last modified it and how many times it changed (``version``). Writes can be
conditional on the key's mod revision (compare-and-swap), which is how the API server implements
optimistic concurrency. Watches replay history from any revision not yet compacted and then
stream new events; values are serialized bytes, so nothing a reader does can change the store.

Simplification: watches are served from the store's own history, kept per resource and bounded like
the API server's watch cache (100 x 1024 events a resource), instead of a separate watch cache.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

from kubetui.sim.clock import Clock
from kubetui.sim.trace import EtcdWrite, TraceBus

# The API server's watch cache keeps at most this many events per resource; a watch from an older
# revision gets 410 Gone (k8s.io/apiserver/pkg/storage/cacher/watch_cache.go, defaultUpperBoundCapacity).
WATCH_CACHE_CAPACITY = 100 * 1024


@dataclass(frozen=True, slots=True)
class KeyValue:
    key: str
    value: bytes
    create_revision: int
    mod_revision: int
    version: int


class EventMemo:
    """What the readers of one event may share while it is in flight (the API server's decoded object).

    ``readers`` counts the watches the event was sent to and that have not handled it yet; when the
    last one has, ``objects`` is dropped, so the history keeps bytes only.
    """

    __slots__ = ("objects", "readers")

    def __init__(self) -> None:
        self.readers = 0
        self.objects: dict[Any, Any] | None = None


@dataclass(frozen=True, slots=True)
class WatchEvent:
    type: str  # "PUT" or "DELETE"
    kv: KeyValue  # for DELETE: the key with an empty value at the deleting revision
    prev_kv: KeyValue | None
    revision: int
    memo: EventMemo = field(default_factory=EventMemo, compare=False, repr=False)


class StoreError(Exception):
    """Base for store failures."""


class KeyExistsError(StoreError):
    pass


class KeyNotFoundError(StoreError):
    pass


class RevisionMismatchError(StoreError):
    """The key's mod revision is not the one the caller expected (a lost compare-and-swap)."""

    def __init__(self, key: str, expected: int, actual: int) -> None:
        super().__init__(f"{key}: expected mod revision {expected}, found {actual}")
        self.expected = expected
        self.actual = actual


class CompactedError(StoreError):
    """etcd's ``mvcc: required revision has been compacted``."""

    def __init__(self, requested: int, compacted: int) -> None:
        super().__init__("mvcc: required revision has been compacted")
        self.requested = requested
        self.compacted = compacted


def bucket_of(key: str) -> str:
    """``/registry/pods/default/web`` -> ``/registry/pods/``: keys are grouped by resource."""
    second = key.find("/", len("/registry/"))
    return key if second < 0 else key[: second + 1]


# A trigger function reads one indexed field from a stored value (the pod's spec.nodeName, say).
TriggerFunc = Callable[[bytes], str]
# The same read from the object the writer encoded the value from, when it hands it over (the watch
# cache's TriggerFunc reads the decoded object, k8s.io/apiserver/pkg/storage/cacher/cacher.go); None
# when only the bytes can tell.
ObjectTriggerFunc = Callable[[Any], str | None]


class StoreWatch:
    """A watch on a key prefix; events are delivered in revision order, batched per engine step.

    ``trigger`` is a value of the bucket's trigger field: such a watch is only sent events whose
    new or previous value carries it (a kubelet's pods); every other watch sees every event.
    """

    def __init__(
        self, store: Store, prefix: str, callback: Callable[[list[WatchEvent]], None], trigger: str | None = None
    ) -> None:
        self.store = store
        self.prefix = prefix
        self.callback = callback
        self.trigger = trigger
        self.order = next(store._watch_order)
        self.pending: list[WatchEvent] = []
        self.scheduled = False
        self.stopped = False

    def _push(self, event: WatchEvent) -> None:
        if self.stopped:
            return
        event.memo.readers += 1
        self.pending.append(event)
        if not self.scheduled:
            self.scheduled = True
            self.store.clock.call_soon(self._flush, label="watch")

    def _flush(self) -> None:
        self.scheduled = False
        if self.stopped or not self.pending:
            return
        batch, self.pending = self.pending, []
        try:
            self.callback(batch)
        finally:
            _release(batch)

    def stop(self) -> None:
        self.stopped = True
        pending, self.pending = self.pending, []
        _release(pending)
        self.store._remove_watch(self)


def _release(events: list[WatchEvent]) -> None:
    """One reader is done with these events: the last one drops what readers shared."""
    for event in events:
        memo = event.memo
        memo.readers -= 1
        if memo.readers <= 0:
            memo.objects = None


class Store:
    """etcd, in one process: buckets of keys, one revision, history for watches, compaction."""

    def __init__(self, clock: Clock, trace: TraceBus | None = None, max_history: int = WATCH_CACHE_CAPACITY) -> None:
        self.clock = clock
        self.trace = trace
        self.revision = 0
        self.compacted_revision = 0
        self._buckets: dict[str, dict[str, KeyValue]] = {}
        self._history: dict[str, deque[WatchEvent]] = {}  # bucket -> its events, oldest first
        self._trimmed: dict[str, int] = {}  # bucket -> newest revision its bound dropped
        self._max_history = max_history  # events kept per bucket (resource)
        self._watches: dict[str, list[StoreWatch]] = {}
        # The watch cache's indexed triggers (k8s.io/apiserver/pkg/storage/cacher/cacher.go, triggerValues):
        # with a thousand kubelets watching pods by spec.nodeName, a pod write wakes two watches, not all.
        self._trigger_funcs: dict[str, TriggerFunc] = {}
        self._object_trigger_funcs: dict[str, ObjectTriggerFunc] = {}
        self._trigger_values: dict[str, dict[str, str]] = {}  # bucket -> key -> trigger value now stored
        self._unindexed: dict[str, list[StoreWatch]] = {}
        self._indexed: dict[str, dict[str, list[StoreWatch]]] = {}  # bucket -> trigger value -> watches
        self._watch_order = count()

    def set_trigger(self, bucket: str, func: TriggerFunc, from_object: ObjectTriggerFunc | None = None) -> None:
        """Index the watches of ``bucket`` (e.g. ``/registry/pods/``) by ``func(value)``.

        ``from_object(obj)`` gives the same value from the object a write's value was encoded from, when
        the writer passes it (``obj=`` of :meth:`create` and :meth:`update`): no decode per write.
        """
        self._trigger_funcs[bucket] = func
        if from_object is not None:
            self._object_trigger_funcs[bucket] = from_object
        else:
            self._object_trigger_funcs.pop(bucket, None)
        values = self._trigger_values.setdefault(bucket, {})
        for key, kv in self._buckets.get(bucket, {}).items():
            values[key] = func(kv.value)

    # -- reads --------------------------------------------------------------------------------
    def get(self, key: str) -> KeyValue | None:
        bucket = self._buckets.get(bucket_of(key))
        return bucket.get(key) if bucket else None

    def range(self, prefix: str) -> tuple[list[KeyValue], int]:
        """Every key under ``prefix`` (sorted), with the revision the read was taken at."""
        bucket = self._buckets.get(bucket_of(prefix), {})
        if prefix.endswith("/") and bucket_of(prefix) == prefix:
            items = list(bucket.values())
        else:
            items = [kv for k, kv in bucket.items() if k.startswith(prefix)]
        items.sort(key=lambda kv: kv.key)
        return items, self.revision

    def count(self, prefix: str) -> int:
        return len(self.range(prefix)[0])

    def keys_total(self) -> int:
        return sum(len(b) for b in self._buckets.values())

    # -- writes -------------------------------------------------------------------------------
    def create(self, key: str, value: bytes, obj: Any = None) -> KeyValue:
        """Store a new key. ``obj``: the object ``value`` was encoded from, if the writer has it."""
        bucket = self._buckets.setdefault(bucket_of(key), {})
        if key in bucket:
            raise KeyExistsError(key)
        self.revision += 1
        kv = KeyValue(key, value, self.revision, self.revision, 1)
        bucket[key] = kv
        self._record(WatchEvent("PUT", kv, None, self.revision), obj)
        return kv

    def update(
        self, key: str, value: bytes, expected_mod_revision: int | None = None, obj: Any = None
    ) -> KeyValue:
        """Replace a key's value. ``obj``: the object ``value`` was encoded from, if the writer has it."""
        bucket = self._buckets.get(bucket_of(key))
        old = bucket.get(key) if bucket else None
        if old is None or bucket is None:
            raise KeyNotFoundError(key)
        if expected_mod_revision is not None and old.mod_revision != expected_mod_revision:
            raise RevisionMismatchError(key, expected_mod_revision, old.mod_revision)
        self.revision += 1
        kv = KeyValue(key, value, old.create_revision, self.revision, old.version + 1)
        bucket[key] = kv
        self._record(WatchEvent("PUT", kv, old, self.revision), obj)
        return kv

    def delete(self, key: str, expected_mod_revision: int | None = None) -> KeyValue:
        bucket = self._buckets.get(bucket_of(key))
        old = bucket.get(key) if bucket else None
        if old is None or bucket is None:
            raise KeyNotFoundError(key)
        if expected_mod_revision is not None and old.mod_revision != expected_mod_revision:
            raise RevisionMismatchError(key, expected_mod_revision, old.mod_revision)
        self.revision += 1
        del bucket[key]
        tomb = KeyValue(key, b"", 0, self.revision, 0)
        self._record(WatchEvent("DELETE", tomb, old, self.revision))
        return old

    def _record(self, event: WatchEvent, obj: Any = None) -> None:
        key = event.kv.key
        bucket = bucket_of(key)
        history = self._history.get(bucket)
        if history is None:
            history = self._history[bucket] = deque()
        history.append(event)
        if len(history) > self._max_history:
            # Bounded memory: the resource's oldest event goes, as it leaves the watch cache.
            self._trimmed[bucket] = history.popleft().revision
        if self.trace is not None:
            self.trace.emit(EtcdWrite(revision=event.revision, op=event.type, key=key))
        func = self._trigger_funcs.get(bucket)
        if func is not None:
            watches = self._triggered(bucket, key, event, func, obj)
        else:
            watches = self._watches.get(bucket) or []
        clock = self.clock
        memo = event.memo
        for watch in watches:  # StoreWatch._push, inlined: this loop runs once per write per watcher
            if key.startswith(watch.prefix) and not watch.stopped:
                memo.readers += 1
                watch.pending.append(event)
                if not watch.scheduled:
                    watch.scheduled = True
                    clock.call_soon(watch._flush, label="watch")

    def _triggered(
        self, bucket: str, key: str, event: WatchEvent, func: TriggerFunc, obj: Any = None
    ) -> list[StoreWatch]:
        """The watches an event in an indexed bucket goes to, in the order they were opened."""
        values = self._trigger_values[bucket]
        previous = values.get(key)
        if event.type == "DELETE":
            values.pop(key, None)
            current = previous
        else:
            from_object = self._object_trigger_funcs.get(bucket) if obj is not None else None
            current = from_object(obj) if from_object is not None else None
            if current is None:
                current = func(event.kv.value)
            values[key] = current
        indexed = self._indexed.get(bucket)
        watches = self._unindexed.get(bucket) or []
        if not indexed:
            return watches
        hits = indexed.get(current or "", [])
        if previous is not None and previous != current:
            hits = hits + indexed.get(previous, [])
        if not hits:
            return watches
        return sorted([*watches, *hits], key=lambda w: w.order)

    # -- watch and compaction -------------------------------------------------------------------
    def watch(
        self,
        prefix: str,
        start_revision: int,
        callback: Callable[[list[WatchEvent]], None],
        trigger: str | None = None,
    ) -> StoreWatch:
        """Watch ``prefix`` from ``start_revision`` (inclusive); 0 means "from the next write".

        ``trigger``: only events whose new or previous value has this trigger value (for a bucket
        with a trigger function; ignored otherwise). Replayed history is not narrowed by it.
        """
        bucket = bucket_of(prefix)
        oldest_gone = max(self.compacted_revision, self._trimmed.get(bucket, 0))
        if 0 < start_revision <= oldest_gone:
            raise CompactedError(start_revision, oldest_gone)
        if bucket not in self._trigger_funcs:
            trigger = None
        watch = StoreWatch(self, prefix, callback, trigger)
        if 0 < start_revision <= self.revision:
            for event in self._history.get(bucket, ()):
                if event.revision >= start_revision and event.kv.key.startswith(prefix):
                    watch._push(event)
        self._watches.setdefault(bucket, []).append(watch)
        if trigger is None:
            self._unindexed.setdefault(bucket, []).append(watch)
        else:
            self._indexed.setdefault(bucket, {}).setdefault(trigger, []).append(watch)
        return watch

    def _remove_watch(self, watch: StoreWatch) -> None:
        bucket = bucket_of(watch.prefix)
        for watches in (
            self._watches.get(bucket),
            self._unindexed.get(bucket) if watch.trigger is None else self._indexed.get(bucket, {}).get(watch.trigger),
        ):
            if watches and watch in watches:
                watches.remove(watch)

    def compact(self, revision: int) -> None:
        """Forget history at or before ``revision``; watches from there now fail."""
        revision = min(revision, self.revision)
        if revision <= self.compacted_revision:
            return
        for history in self._history.values():
            while history and history[0].revision <= revision:
                history.popleft()
        self.compacted_revision = revision

    def history_size(self) -> int:
        return sum(len(history) for history in self._history.values())
