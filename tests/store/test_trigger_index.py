"""Watches indexed by a trigger value (a kubelet's spec.nodeName) see exactly their node's events."""

import orjson

from kubetui.sim.clock import Clock
from kubetui.store.mvcc import Store, WatchEvent

PODS = "/registry/pods/"


def node_of(value: bytes) -> str:
    return str(orjson.loads(value).get("node", ""))


def pod(node: str) -> bytes:
    return orjson.dumps({"node": node})


def test_a_watch_with_a_trigger_sees_only_writes_that_touch_its_value() -> None:
    clock = Clock()
    store = Store(clock)
    store.set_trigger(PODS, node_of)
    node1: list[WatchEvent] = []
    everyone: list[WatchEvent] = []
    store.watch(PODS, 0, node1.extend, trigger="node-1")
    store.watch(PODS, 0, everyone.extend)
    store.create(PODS + "default/a", pod(""))  # pending: not node-1's
    store.update(PODS + "default/a", pod("node-1"))  # bound to node-1: its kubelet must see it
    store.create(PODS + "default/b", pod("node-2"))
    store.update(PODS + "default/a", pod("node-1"))
    store.delete(PODS + "default/a")  # the delete of its pod, too
    clock.settle()
    assert [e.revision for e in node1] == [2, 4, 5]
    assert [e.revision for e in everyone] == [1, 2, 3, 4, 5]


def test_the_trigger_index_is_built_for_existing_keys_and_keeps_watch_order() -> None:
    clock = Clock()
    store = Store(clock)
    store.create(PODS + "default/a", pod("node-1"))
    store.set_trigger(PODS, node_of)
    order: list[str] = []
    store.watch(PODS, 0, lambda batch: order.append("plain-1"))
    store.watch(PODS, 0, lambda batch: order.append("node-1"), trigger="node-1")
    store.watch(PODS, 0, lambda batch: order.append("plain-2"))
    store.delete(PODS + "default/a")  # prev value node-1 comes from the index built at set_trigger
    clock.settle()
    assert order == ["plain-1", "node-1", "plain-2"]


def test_a_stopped_indexed_watch_gets_nothing() -> None:
    clock = Clock()
    store = Store(clock)
    store.set_trigger(PODS, node_of)
    seen: list[WatchEvent] = []
    watch = store.watch(PODS, 0, seen.extend, trigger="node-1")
    watch.stop()
    store.create(PODS + "default/a", pod("node-1"))
    clock.settle()
    assert seen == []


def test_a_writer_handing_over_the_object_saves_the_decode_and_gets_the_same_index() -> None:
    clock = Clock()
    store = Store(clock)
    decoded: list[bytes] = []

    def counting(value: bytes) -> str:
        decoded.append(value)
        return node_of(value)

    def from_object(obj: object) -> str | None:
        if not isinstance(obj, dict):
            return None  # only the bytes can tell
        return str(obj.get("node", ""))

    store.set_trigger(PODS, counting, from_object)
    node1: list[WatchEvent] = []
    store.watch(PODS, 0, node1.extend, trigger="node-1")
    store.create(PODS + "default/a", pod(""), obj={"node": ""})
    store.update(PODS + "default/a", pod("node-1"), obj={"node": "node-1"})
    store.update(PODS + "default/a", pod("node-1"), obj="not a dict")  # falls back to the bytes
    store.update(PODS + "default/a", pod("node-1"))  # no object: the bytes
    clock.settle()
    assert [e.revision for e in node1] == [2, 3, 4]
    assert len(decoded) == 2


def test_pod_node_name_of_the_object_agrees_with_the_bytes() -> None:
    from kubetui.apiserver.watch import pod_node_name, pod_node_name_of

    for obj in (
        {"spec": {"nodeName": "node-1"}},
        {"spec": {"nodeName": ""}},
        {"spec": {"nodeName": None}},
        {"spec": {"nodeName": 5}},
        {"spec": {}},
        {"spec": None},
        {"spec": [1]},
        {"metadata": {}},
    ):
        from_object = pod_node_name_of(obj)
        assert from_object is None or from_object == pod_node_name(orjson.dumps(obj)), obj
