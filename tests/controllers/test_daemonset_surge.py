"""A DaemonSet rolling update with maxSurge (kubernetes.io's update-daemon-set page): the new pod starts next to
the old one, which goes once the new one is available, so every node keeps an available pod."""

from __future__ import annotations

from typing import Any

from kubetui.sim.cluster import Cluster

Obj = dict[str, Any]


def daemonset(image: str, surge: Any, unavailable: Any) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
            "spec": {"selector": {"matchLabels": {"app": "agent"}},
                     "updateStrategy": {"type": "RollingUpdate",
                                        "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}},
                     "template": {"metadata": {"labels": {"app": "agent"}},
                                  "spec": {"containers": [{"name": "agent", "image": image}],
                                           "terminationGracePeriodSeconds": 5}}}}


def live_pods(cluster: Cluster) -> list[Obj]:
    return [p for p in cluster.objects("pods", "default", "app=agent") if not p["metadata"].get("deletionTimestamp")]


def available_nodes(cluster: Cluster) -> set[str]:
    return {p["spec"]["nodeName"] for p in live_pods(cluster) if p["spec"].get("nodeName")
            and any(c.get("type") == "Ready" and c.get("status") == "True"
                    for c in (p.get("status") or {}).get("conditions") or ())}


def test_surge_keeps_a_ready_pod_on_every_node_and_runs_two_on_a_node_while_it_replaces() -> None:
    cluster = Cluster(seed=2)
    kubectl = cluster.client("kubectl")
    kubectl.create("daemonsets", daemonset("nginx:1.27", 1, 0), "default")
    cluster.run_for(60)
    nodes = {p["spec"]["nodeName"] for p in live_pods(cluster)}
    assert len(nodes) >= 3 and available_nodes(cluster) == nodes
    kubectl.merge_patch("daemonsets", "default", "agent",
                        {"spec": {"template": {"spec": {"containers": [{"name": "agent", "image": "nginx:1.28"}]}}}})
    most_on_a_node = 0
    for _ in range(600):
        cluster.run_for(0.5)
        per_node: dict[str, int] = {}
        for pod in live_pods(cluster):
            node = pod["spec"].get("nodeName") or ""
            per_node[node] = per_node.get(node, 0) + 1
        most_on_a_node = max(most_on_a_node, *per_node.values())
        assert available_nodes(cluster) >= nodes, "maxUnavailable 0: no node is ever without a ready pod"
        assert sum(1 for count in per_node.values() if count > 1) <= 1, "maxSurge 1: one node at a time"
        images = {pod["spec"]["containers"][0]["image"] for pod in live_pods(cluster)}
        if images == {"nginx:1.28"} and len(live_pods(cluster)) == len(nodes):
            break
    else:
        raise AssertionError("the rollout did not finish")
    assert most_on_a_node == 2


def test_without_surge_the_old_pod_goes_first() -> None:
    cluster = Cluster(seed=2)
    kubectl = cluster.client("kubectl")
    kubectl.create("daemonsets", daemonset("nginx:1.27", 0, 1), "default")
    cluster.run_for(60)
    kubectl.merge_patch("daemonsets", "default", "agent",
                        {"spec": {"template": {"spec": {"containers": [{"name": "agent", "image": "nginx:1.28"}]}}}})
    for _ in range(600):
        cluster.run_for(0.5)
        per_node: dict[str, int] = {}
        for pod in live_pods(cluster):
            node = pod["spec"].get("nodeName") or ""
            per_node[node] = per_node.get(node, 0) + 1
        assert max(per_node.values(), default=0) <= 1
        if {pod["spec"]["containers"][0]["image"] for pod in live_pods(cluster)} == {"nginx:1.28"}:
            break
    else:
        raise AssertionError("the rollout did not finish")
