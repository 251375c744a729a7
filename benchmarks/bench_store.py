"""The etcd-like store and its watches: write throughput, delivery latency, replay and compaction.

* writes/s with 10 watchers: updates of 1,000 keys (1 KiB values) while 10 watches on the prefix
  receive every event; the figure includes delivering them (the engine runs the watch flushes).
  Measured on the bare store, with the trace bus as a Cluster wires it, and through the API
  server (admission, validation, managedFields, one decoded copy per watcher).
* delivery latency: engine steps from a write to the watcher's callback, on a quiet engine and
  behind 100 callbacks already due at that instant.
* watch from an old revision: a watch opened 100,000 revisions back replays them all, in order.
* compaction: the time to compact that history, and the 410-style error a watch then gets.

Rates are per CPU second of this process (the machine may be shared; on an idle one they match wall time).

    python benchmarks/bench_store.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.server import APIServer
from kubetui.sim.clock import Clock
from kubetui.sim.trace import TraceBus
from kubetui.store.mvcc import CompactedError, Store, WatchEvent

WATCHERS = 10
KEYS = 1_000
TARGET_WRITES = 100_000


def _row(name: str, value: str, note: str = "") -> None:
    print(f"{name:<46} {value:>14}  {note}")


def store_writes(writes: int, trace: bool, hashing: bool = False) -> tuple[float, int]:
    """Writes per second on a bare store with WATCHERS watches; returns (rate, events delivered)."""
    clock = Clock()
    bus = TraceBus(lambda: clock.now, history=1_000, hashing=hashing) if trace else None
    store = Store(clock, bus)
    delivered = [0]

    def on_events(batch: list[WatchEvent]) -> None:
        delivered[0] += len(batch)

    for _ in range(WATCHERS):
        store.watch("/registry/configmaps/", 0, on_events)
    keys = [f"/registry/configmaps/default/cm-{i:04d}" for i in range(KEYS)]
    value = b"x" * 1024
    for key in keys:
        store.create(key, value)
    clock.settle()
    delivered[0] = 0
    started = time.process_time()
    for i in range(writes):
        store.update(keys[i % KEYS], value)
        if i % 1_000 == 999:
            clock.settle()  # deliver as the engine would between bursts
    clock.settle()
    elapsed = time.process_time() - started
    return writes / elapsed, delivered[0]


def api_writes(writes: int) -> float:
    """ConfigMap updates per second through the API server with WATCHERS API watches."""
    clock = Clock()
    bus = TraceBus(lambda: clock.now, history=1_000, hashing=False)
    import random

    api = APIServer(clock, Store(clock, bus), bus, random.Random(1))
    api.bootstrap()
    for _ in range(WATCHERS):
        api.watch("bench", "configmaps", lambda events: None, namespace="default")
    objs: list[dict[str, Any]] = [
        api.create(
            "bench",
            "configmaps",
            "default",
            {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": f"cm-{i:03d}"},
                "data": {"n": "0"},
            },
        )
        for i in range(100)
    ]
    clock.settle()
    started = time.process_time()
    for i in range(writes):
        obj = objs[i % len(objs)]
        obj["data"]["n"] = str(i)
        objs[i % len(objs)] = api.update("bench", "configmaps", "default", obj["metadata"]["name"], obj)
        if i % 100 == 99:
            clock.settle()
    clock.settle()
    return writes / (time.process_time() - started)


def delivery_steps(busy: int) -> int:
    """Engine steps from a write until the watcher sees it, with ``busy`` callbacks already due now."""
    clock = Clock()
    store = Store(clock)
    seen: list[int] = []
    store.watch("/registry/configmaps/", 0, lambda batch: seen.append(clock.events_run))
    for _ in range(busy):
        clock.call_soon(lambda: None)
    before = clock.events_run
    store.create("/registry/configmaps/default/a", b"{}")
    while not seen and clock.step():
        pass
    return seen[0] - before  # events_run counts the delivering callback itself


def replay_and_compact(history: int) -> tuple[float, bool, float, bool]:
    """(seconds to replay ``history`` events, in order?, seconds to compact, old watch refused?)."""
    clock = Clock()
    store = Store(clock, max_history=history + 10)
    key = "/registry/configmaps/default/a"
    store.create(key, b"0")
    first = store.revision
    for i in range(history - 1):
        store.update(key, str(i).encode())
    revisions: list[int] = []
    started = time.process_time()
    store.watch("/registry/configmaps/", first, lambda batch: revisions.extend(e.revision for e in batch))
    clock.settle()
    replay = time.process_time() - started
    in_order = revisions == list(range(first, store.revision + 1))
    started = time.process_time()
    store.compact(store.revision - 1)
    compact = time.process_time() - started
    try:
        store.watch("/registry/configmaps/", first, lambda batch: None)
        refused = False
    except CompactedError:
        refused = True
    return replay, in_order, compact, refused


def api_gone_after_compaction() -> bool:
    """A watch through the API server from a compacted resourceVersion gets 410 Gone."""
    clock = Clock()
    bus = TraceBus(lambda: clock.now, hashing=False)
    import random

    store = Store(clock, bus)
    api = APIServer(clock, store, bus, random.Random(1))
    api.bootstrap()
    old = store.revision
    api.create(
        "bench", "configmaps", "default", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}
    )
    store.compact(store.revision)
    try:
        api.watch("bench", "configmaps", lambda events: None, resource_version=str(old))
    except ApiError as err:
        return err.code == 410
    return False


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="fewer writes")
    args = parser.parse_args()
    writes = 100_000 if args.quick else 500_000
    print(f"{'figure':<46} {'value':>14}  note")
    print("-" * 80)
    rate, delivered = store_writes(writes, trace=False)
    ok = "ok" if delivered == writes * WATCHERS else f"ONLY {delivered} of {writes * WATCHERS} delivered"
    _row(f"store writes/s, {WATCHERS} watchers", f"{rate:,.0f}", f"target >= {TARGET_WRITES:,}; {ok}")
    rate, _ = store_writes(writes, trace=True)
    _row(f"store writes/s, {WATCHERS} watchers, trace bus", f"{rate:,.0f}", "EtcdWrite records, no hashing")
    rate, _ = store_writes(writes // 5, trace=True, hashing=True)
    _row(f"store writes/s, {WATCHERS} watchers, trace hash", f"{rate:,.0f}", "as a default Cluster")
    rate = api_writes(writes // 50)
    _row(
        f"API updates/s, {WATCHERS} API watchers",
        f"{rate:,.0f}",
        "ConfigMaps: admission, managedFields, decode",
    )
    _row("delivery, quiet engine", f"{delivery_steps(0)} step", "the watch flush is the next event")
    _row(
        "delivery, 100 callbacks due first",
        f"{delivery_steps(100)} steps",
        "queued behind them, same instant",
    )
    history = 20_000 if args.quick else 100_000
    replay, in_order, compact, refused = replay_and_compact(history)
    _row(
        f"watch from {history:,} revisions back",
        f"{replay * 1000:.0f} ms",
        "every revision, in order" if in_order else "OUT OF ORDER or missing",
    )
    _row(
        f"compact {history:,} revisions",
        f"{compact * 1000:.1f} ms",
        "older watch refused (compacted)" if refused else "OLD WATCH NOT REFUSED",
    )
    _row(
        "API watch from a compacted resourceVersion",
        "410 Gone" if api_gone_after_compaction() else "NOT 410",
        "informers relist",
    )


if __name__ == "__main__":
    main()
