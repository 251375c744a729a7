"""Two writers, one object: exactly one wins, the other gets 409, and a retry loses nothing."""

from __future__ import annotations

from typing import Any

from kubetui.apiserver.errors import ApiError
from kubetui.sim.cluster import Cluster


def test_two_clients_one_object() -> None:
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    alice, bob = cluster.client("alice"), cluster.client("bob")
    alice.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                                "data": {}}, "default")
    seen_by_alice = alice.get("configmaps", "default", "c")
    seen_by_bob = bob.get("configmaps", "default", "c")
    seen_by_alice["data"]["alice"] = "1"
    seen_by_bob["data"]["bob"] = "1"
    alice.update("configmaps", seen_by_alice)
    try:
        bob.update("configmaps", seen_by_bob)
        raise AssertionError("bob's stale write must fail")
    except ApiError as err:
        assert err.code == 409
    # bob does what every client does on 409: read again, re-apply his change, write
    fresh: dict[str, Any] = bob.get("configmaps", "default", "c")
    fresh["data"]["bob"] = "1"
    bob.update("configmaps", fresh)
    assert cluster.get("configmaps", "default", "c")["data"] == {"alice": "1", "bob": "1"}  # type: ignore[index]


def test_many_interleaved_writers_lose_nothing() -> None:
    cluster = Cluster(seed=2, nodes=[], scheduler=False, controllers=False)
    writers = [cluster.client(f"w{i}") for i in range(5)]
    writers[0].create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"},
                                     "data": {}}, "default")
    conflicts = 0
    pending = {w.identity: 10 for w in writers}
    while any(pending.values()):
        snapshots = {w.identity: w.get("configmaps", "default", "c") for w in writers if pending[w.identity]}
        for writer in writers:
            snap = snapshots.get(writer.identity)
            if snap is None:
                continue
            n = pending[writer.identity]
            snap["data"][f"{writer.identity}-{n}"] = "x"
            try:
                writer.update("configmaps", snap)
                pending[writer.identity] -= 1
            except ApiError as err:
                assert err.code == 409
                conflicts += 1
    data = cluster.get("configmaps", "default", "c")["data"]  # type: ignore[index]
    assert len(data) == 50 and conflicts > 0
