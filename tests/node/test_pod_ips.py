"""host-local IPAM: a node hands out the next free address after the last one, so a deleted pod's IP is not reused
at once (a learner comparing IPs between steps is not misled)."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster


def _pod(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}


def _ip(cluster: Cluster, name: str) -> str:
    pod = cluster.get("pods", "default", name)
    assert pod is not None
    return str(pod["status"]["podIP"])


def test_a_new_pod_gets_the_next_address_not_the_one_just_freed() -> None:
    cluster = Cluster(seed=1, nodes=[NodeSpec("node-1")], dns=False)
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _pod("first"))
    cluster.run_for(10)
    first = _ip(cluster, "first")
    kubectl.delete("pods", "default", "first", grace_period_seconds=0)
    cluster.run_for(5)
    kubectl.create("pods", _pod("second"))
    cluster.run_for(10)
    second = _ip(cluster, "second")
    assert second != first
    assert int(second.rsplit(".", 1)[1]) == int(first.rsplit(".", 1)[1]) + 1
