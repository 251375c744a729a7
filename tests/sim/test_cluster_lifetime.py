"""A cluster that is dropped is freed: nothing module-level keeps it (or its nodes' pods) alive."""

import gc
import weakref

from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster


def _run_and_drop() -> weakref.ref[Cluster]:
    cluster = Cluster(seed=1, nodes=[NodeSpec("node-1"), NodeSpec("node-2")])
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
           "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}
    cluster.client("kubectl").create("pods", pod, "default")
    cluster.run_for(30)  # the pod runs: its sandbox holds an IP on the pod network
    return weakref.ref(cluster)


def test_a_dropped_cluster_is_garbage_collected() -> None:
    # A module-level WeakKeyDictionary of pod networks kept every cluster of a long soak alive (its value
    # referred back to the key through the machines), ~2 MiB each.
    ref = _run_and_drop()
    gc.collect()
    assert ref() is None
