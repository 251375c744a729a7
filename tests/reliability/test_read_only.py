"""Objects handed to readers are copies: whatever a watcher, informer or caller does to them, the store
and every other reader keep the true object (client-go's rule that caches are read-only, made safe)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from kubetui.client.informer import Informer, InformerFactory
from kubetui.sim.cluster import Cluster
from kubetui.store.mvcc import WatchEvent

Obj = dict[str, Any]


def configmap(name: str = "settings") -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "demo"}},
        "data": {"mode": "safe", "nested": "1"},
    }


def vandalise(obj: Obj) -> None:
    """Everything a careless consumer might do to an object it was given."""
    obj["data"]["mode"] = "corrupted"
    obj["data"]["extra"] = "x"
    obj["metadata"]["labels"].clear()
    obj["metadata"]["name"] = "renamed"
    obj["metadata"]["resourceVersion"] = "999999"
    obj.pop("apiVersion")


def stored(cluster: Cluster, name: str = "settings") -> Obj:
    obj = cluster.get("configmaps", "default", name)
    assert obj is not None
    return obj


def unharmed(obj: Obj) -> bool:
    return (
        obj["apiVersion"] == "v1"
        and obj["data"] == {"mode": "safe", "nested": "1"}
        and obj["metadata"]["labels"] == {"app": "demo"}
        and obj["metadata"]["name"] == "settings"
    )


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=1, nodes=[], scheduler=False, controllers=False)


def test_watchers_each_get_their_own_copy(cluster: Cluster) -> None:
    received: list[list[Obj]] = [[], []]

    def collector(seen: list[Obj]) -> Callable[[list[tuple[str, Obj]]], None]:
        return lambda events: seen.extend(o for _, o in events)

    for seen in received:
        cluster.api.watch("reader", "configmaps", collector(seen))
    cluster.client("kubectl").create("configmaps", configmap())
    cluster.clock.settle()
    first, second = received[0][0], received[1][0]
    assert first is not second
    vandalise(first)
    assert unharmed(second)
    assert unharmed(stored(cluster))


def test_the_created_and_returned_objects_are_not_the_stored_one(cluster: Cluster) -> None:
    body = configmap()
    returned = cluster.client("kubectl").create("configmaps", body)
    vandalise(body)
    vandalise(returned)
    assert unharmed(stored(cluster))
    listed = cluster.objects("configmaps", "default")
    vandalise(listed[0])
    assert unharmed(stored(cluster))


def test_informer_caches_are_separate_per_process_and_cannot_reach_the_store(cluster: Cluster) -> None:
    cluster.client("kubectl").create("configmaps", configmap())
    controllers = InformerFactory(cluster.client("kube-controller-manager")).informer("configmaps")
    kubelet = Informer(cluster.client("kubelet/node-1"), "configmaps")
    updates: list[Obj] = []
    kubelet.add_handlers(on_update=lambda old, new: updates.append(new))
    controllers.start()
    kubelet.start()
    cluster.clock.settle()
    cached = controllers.get("default", "settings")
    assert cached is not None
    vandalise(cached)
    assert unharmed(stored(cluster))
    assert unharmed(kubelet.get("default", "settings") or {})
    # A later change arrives as fresh objects: the vandalised cache entry is replaced, not merged into.
    cluster.client("kubectl").merge_patch("configmaps", "default", "settings", {"data": {"nested": "2"}})
    cluster.clock.settle()
    fresh = controllers.get("default", "settings")
    assert fresh is not None and fresh["data"] == {"mode": "safe", "nested": "2"}
    assert updates and updates[-1]["data"]["nested"] == "2" and updates[-1] is not fresh


def test_store_values_and_events_are_immutable(cluster: Cluster) -> None:
    events: list[WatchEvent] = []
    cluster.store.watch("/registry/configmaps/", 0, events.extend)
    cluster.client("kubectl").create("configmaps", configmap())
    cluster.clock.settle()
    event = events[0]
    assert isinstance(event.kv.value, bytes)  # bytes cannot be changed in place
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.kv.value = b"{}"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.kv = event.kv  # type: ignore[misc]
    assert unharmed(stored(cluster))


def test_a_handler_that_mutates_cannot_corrupt_the_next_reader(cluster: Cluster) -> None:
    """A rogue handler vandalises what it gets; an informer in another process is unaffected."""
    rogue = Informer(cluster.client("rogue"), "configmaps")
    rogue.add_handlers(on_add=vandalise)
    honest = Informer(cluster.client("honest"), "configmaps")
    rogue.start()
    honest.start()
    cluster.client("kubectl").create("configmaps", configmap())
    cluster.clock.settle()
    assert unharmed(honest.get("default", "settings") or {})
    assert unharmed(stored(cluster))
