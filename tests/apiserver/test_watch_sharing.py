"""A copying transform's watchers and the plain watchers of one store event share one decode."""

from __future__ import annotations

from typing import Any

import orjson
import pytest

from kubetui.apiserver import watch as watch_module
from kubetui.apiserver.watch import ApiEvent, ApiWatch, copying_transform
from kubetui.client.informer import compact_for_cache
from kubetui.sim.clock import Clock
from kubetui.store.mvcc import Store

PODS = "/registry/pods/"


def _pod(name: str, node: str) -> bytes:
    return orjson.dumps(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"},
                         "managedFields": [{"manager": "kubelet", "operation": "Update"}]},
            "spec": {"nodeName": node, "containers": [{"name": "web", "image": "nginx"}]},
            "status": {"phase": "Running"},
        }
    )


def test_a_copying_transform_gets_the_plain_watchers_object_and_changes_nothing_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decodes: list[int] = []
    real = watch_module.decode

    def counting(*args: Any) -> dict[str, Any]:
        decodes.append(1)
        return real(*args)

    monkeypatch.setattr(watch_module, "decode", counting)
    clock = Clock()
    store = Store(clock)
    compact: list[ApiEvent] = []
    plain: list[ApiEvent] = []
    for out, transform in ((compact, compact_for_cache), (plain, None)):
        api_watch = ApiWatch(None, None, out.extend, transform)
        api_watch.store_watch = store.watch(PODS, 0, api_watch.deliver_store_events)
    store.create(PODS + "default/a", _pod("a", "node-1"))
    store.update(PODS + "default/a", _pod("a", "node-2"))
    store.delete(PODS + "default/a")
    clock.settle()
    assert len(decodes) == 3  # one per event, not one per transform
    assert [t for t, _ in compact] == [t for t, _ in plain] == ["ADDED", "MODIFIED", "DELETED"]
    for (_, shared), (_, own) in zip(compact, plain, strict=True):
        assert "managedFields" in own["metadata"]  # the plain object is untouched
        expected = compact_for_cache(orjson.loads(orjson.dumps(own)))
        assert shared == expected
    assert copying_transform(compact_for_cache) is compact_for_cache


def test_new_uid_is_what_uuid_makes_of_the_same_random_bits() -> None:
    import random
    import uuid

    from kubetui.apiserver.server import APIServer

    server = APIServer.__new__(APIServer)
    server.rng = random.Random(7)
    check = random.Random(7)
    for _ in range(2000):
        assert server.new_uid() == str(uuid.UUID(int=check.getrandbits(128), version=4))
