"""The etcd-like store: revisions, compare-and-swap, watch from a revision, compaction."""

import pytest

from kubetui.sim.clock import Clock
from kubetui.sim.trace import EtcdWrite, TraceBus
from kubetui.store.mvcc import (
    CompactedError,
    KeyExistsError,
    KeyNotFoundError,
    RevisionMismatchError,
    Store,
    WatchEvent,
)


@pytest.fixture
def store() -> Store:
    clock = Clock()
    return Store(clock, TraceBus(lambda: clock.now))


def test_revisions_count_every_write(store: Store) -> None:
    a = store.create("/registry/pods/default/a", b"1")
    b = store.create("/registry/pods/default/b", b"2")
    a2 = store.update("/registry/pods/default/a", b"3")
    assert (a.create_revision, a.mod_revision, a.version) == (1, 1, 1)
    assert b.mod_revision == 2
    assert (a2.create_revision, a2.mod_revision, a2.version) == (1, 3, 2)
    assert store.revision == 3


def test_create_existing_key_fails(store: Store) -> None:
    store.create("/registry/pods/default/a", b"1")
    with pytest.raises(KeyExistsError):
        store.create("/registry/pods/default/a", b"2")


def test_compare_and_swap_on_mod_revision(store: Store) -> None:
    kv = store.create("/registry/pods/default/a", b"1")
    store.update(kv.key, b"2", expected_mod_revision=kv.mod_revision)
    with pytest.raises(RevisionMismatchError):
        store.update(kv.key, b"3", expected_mod_revision=kv.mod_revision)
    with pytest.raises(RevisionMismatchError):
        store.delete(kv.key, expected_mod_revision=kv.mod_revision)
    assert store.get(kv.key).value == b"2"  # type: ignore[union-attr]


def test_missing_keys(store: Store) -> None:
    assert store.get("/registry/pods/default/none") is None
    with pytest.raises(KeyNotFoundError):
        store.update("/registry/pods/default/none", b"")
    with pytest.raises(KeyNotFoundError):
        store.delete("/registry/pods/default/none")


def test_range_by_prefix_is_sorted_and_scoped(store: Store) -> None:
    for key in ("/registry/pods/b/x", "/registry/pods/a/y", "/registry/pods/a/x", "/registry/services/a/x"):
        store.create(key, b"")
    keys = [kv.key for kv in store.range("/registry/pods/a/")[0]]
    assert keys == ["/registry/pods/a/x", "/registry/pods/a/y"]
    assert len(store.range("/registry/pods/")[0]) == 3


def test_watch_delivers_in_order_without_gaps(store: Store) -> None:
    got: list[WatchEvent] = []
    store.watch("/registry/pods/", 0, got.extend)
    store.create("/registry/pods/default/a", b"1")
    store.update("/registry/pods/default/a", b"2")
    store.create("/registry/services/default/a", b"x")  # another prefix: not delivered
    store.delete("/registry/pods/default/a")
    assert got == []  # delivered on the next engine step, never inside the writer's call
    store.clock.run_for(0)
    assert [(e.type, e.revision) for e in got] == [("PUT", 1), ("PUT", 2), ("DELETE", 4)]
    assert got[1].prev_kv is not None and got[1].prev_kv.value == b"1"
    assert got[2].prev_kv is not None and got[2].prev_kv.value == b"2"


def test_watch_from_an_old_revision_replays_history(store: Store) -> None:
    for i in range(5):
        store.create(f"/registry/pods/default/p{i}", b"")
    got: list[WatchEvent] = []
    store.watch("/registry/pods/", 3, got.extend)
    store.create("/registry/pods/default/p5", b"")
    store.clock.run_for(0)
    assert [e.revision for e in got] == [3, 4, 5, 6]


def test_compaction_makes_old_watches_fail(store: Store) -> None:
    for i in range(5):
        store.create(f"/registry/pods/default/p{i}", b"")
    store.compact(3)
    with pytest.raises(CompactedError):
        store.watch("/registry/pods/", 2, lambda events: None)
    got: list[WatchEvent] = []
    store.watch("/registry/pods/", 4, got.extend)
    store.clock.run_for(0)
    assert [e.revision for e in got] == [4, 5]


def test_history_is_bounded_per_resource_like_the_watch_cache() -> None:
    clock = Clock()
    store = Store(clock, max_history=10)
    store.create("/registry/configmaps/default/early", b"")  # revision 1
    for i in range(25):
        store.create(f"/registry/pods/default/p{i}", b"")  # revisions 2..26
    assert store.history_size() == 11  # 10 pod events, 1 ConfigMap event
    with pytest.raises(CompactedError):
        store.watch("/registry/pods/", 16, lambda events: None)  # the 15 oldest pod events are gone
    got: list[WatchEvent] = []
    store.watch("/registry/pods/", 17, got.extend)
    store.watch("/registry/configmaps/", 1, got.extend)  # a busy resource does not push out another's history
    clock.run_for(0)
    assert sorted(e.revision for e in got) == [1, *range(17, 27)]


def test_every_write_is_a_trace_record() -> None:
    clock = Clock()
    bus = TraceBus(lambda: clock.now)
    store = Store(clock, bus)
    store.create("/registry/pods/default/a", b"")
    store.delete("/registry/pods/default/a")
    records = [r for r in bus.history if isinstance(r, EtcdWrite)]
    assert [r.summary() for r in records] == [
        "etcd revision 1: PUT /registry/pods/default/a",
        "etcd revision 2: DELETE /registry/pods/default/a",
    ]


def test_stopped_watch_gets_nothing(store: Store) -> None:
    got: list[WatchEvent] = []
    watch = store.watch("/registry/pods/", 0, got.extend)
    store.create("/registry/pods/default/a", b"")
    watch.stop()
    store.clock.run_for(0)
    assert got == []
