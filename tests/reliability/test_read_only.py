"""What readers are handed: callers of get/list/create own their copies; objects from watches and
informer caches are shared and read-only (client-go's rule), which the cache mutation detector checks.
Whatever anyone does to them, the store keeps the true object."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from kubetui.client.informer import Informer, InformerFactory, strip_managed_fields
from kubetui.client.mutation_detector import CacheMutationError, MutationDetector
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


def test_watchers_of_one_event_share_one_object_and_cannot_reach_the_store(cluster: Cluster) -> None:
    """Decoded once per event: every watcher with the same transform gets the same (read-only) dict."""
    received: list[list[Obj]] = [[], [], []]

    def collector(seen: list[Obj]) -> Callable[[list[tuple[str, Obj]]], None]:
        return lambda events: seen.extend(o for _, o in events)

    cluster.api.watch("reader-1", "configmaps", collector(received[0]))
    cluster.api.watch("reader-2", "configmaps", collector(received[1]))
    cluster.api.watch("reader-3", "configmaps", collector(received[2]), transform=strip_managed_fields)
    cluster.client("kubectl").create("configmaps", configmap())
    cluster.clock.settle()
    first, second, stripped = received[0][0], received[1][0], received[2][0]
    assert first is second
    assert stripped is not first and "managedFields" not in stripped["metadata"]
    assert "managedFields" in first["metadata"]
    vandalise(first)
    assert unharmed(stripped)
    assert unharmed(stored(cluster))  # the store keeps bytes


def test_the_event_drops_its_shared_objects_once_every_watcher_has_them(cluster: Cluster) -> None:
    events: list[WatchEvent] = []
    cluster.store.watch("/registry/configmaps/", 0, events.extend)
    cluster.api.watch("reader-1", "configmaps", lambda _: None)
    cluster.api.watch("reader-2", "configmaps", lambda _: None)
    cluster.client("kubectl").create("configmaps", configmap())
    cluster.clock.settle()
    assert events and events[0].memo.readers == 0 and events[0].memo.objects is None


def test_the_created_and_returned_objects_are_not_the_stored_one(cluster: Cluster) -> None:
    body = configmap()
    returned = cluster.client("kubectl").create("configmaps", body)
    vandalise(body)
    vandalise(returned)
    assert unharmed(stored(cluster))
    listed = cluster.objects("configmaps", "default")
    vandalise(listed[0])
    assert unharmed(stored(cluster))


def test_informers_share_cached_objects_and_the_detector_sees_a_change(
    cluster: Cluster, cache_mutation_detector: MutationDetector
) -> None:
    """The scheduler's and the controller manager's pod caches hold the same dicts (one copy, not two);
    a component that changes one in place is reported by the cache mutation detector."""
    cluster.client("kubectl").create("configmaps", configmap())
    controllers = InformerFactory(cluster.client("kube-controller-manager")).informer("configmaps")
    scheduler = InformerFactory(cluster.client("kube-scheduler")).informer("configmaps")
    kubelet = Informer(cluster.client("kubelet/node-1"), "configmaps")
    for informer in (controllers, scheduler, kubelet):
        informer.start()
    cluster.client("kubectl").merge_patch("configmaps", "default", "settings", {"data": {"nested": "2"}})
    cluster.clock.settle()
    cached = controllers.get("default", "settings")
    assert cached is not None and cached is scheduler.get("default", "settings")
    assert cached is not kubelet.get("default", "settings")  # another transform: its own decoded object
    assert cache_mutation_detector.mutations() == []
    cached["metadata"]["labels"]["app"] = "changed"
    found = cache_mutation_detector.mutations()
    # Equal labels are one dict (interned) in every cached version, listed or watched, in both caches.
    assert found and all("ConfigMap default/settings" in f and '.metadata.labels.app: "demo"' in f for f in found)
    assert any("kube-scheduler" in f for f in found) and any("kube-controller-manager" in f for f in found)
    with pytest.raises(CacheMutationError):
        cache_mutation_detector.check()
    assert stored(cluster)["metadata"]["labels"] == {"app": "demo"}  # the store is never reached
    cache_mutation_detector.clear()  # mutated on purpose: this test's teardown check has seen enough


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


def test_a_handler_that_mutates_is_reported_and_cannot_corrupt_the_store(
    cluster: Cluster, cache_mutation_detector: MutationDetector
) -> None:
    """A rogue handler vandalises what it gets: the store keeps the true object, the detector names it."""
    rogue = Informer(cluster.client("rogue"), "configmaps")
    rogue.add_handlers(on_add=vandalise)
    rogue.start()
    cluster.client("kubectl").create("configmaps", configmap())
    cluster.clock.settle()
    assert unharmed(stored(cluster))
    found = cache_mutation_detector.mutations()
    assert len(found) == 1 and "cached by rogue configmaps informer" in found[0]
    cache_mutation_detector.clear()
    # A later change arrives as a fresh object: the vandalised cache entry is replaced, not merged into.
    cluster.client("kubectl").merge_patch("configmaps", "default", "settings", {"data": {"nested": "2"}})
    cluster.clock.settle()
    fresh = rogue.get("default", "settings")
    assert fresh is not None and fresh["data"] == {"mode": "safe", "nested": "2"}
