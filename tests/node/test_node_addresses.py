"""Node and pod addresses stay valid and distinct in big clusters (node-0248 once got 10.0.0.258)."""

from __future__ import annotations

import ipaddress

from kubetui.node.kubelet import node_address, node_index, pod_network_prefix
from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster


def test_addresses_are_valid_and_distinct_for_five_thousand_nodes() -> None:
    indexes = [node_index(f"node-{i:04d}") for i in range(1, 5001)]
    nodes = [ipaddress.ip_address(node_address(i)) for i in indexes]
    networks = [ipaddress.ip_network(f"{pod_network_prefix(i)}0/24") for i in indexes]
    assert len(set(nodes)) == len(nodes) == 5000
    assert len(set(networks)) == 5000
    node_net = ipaddress.ip_network("10.0.0.0/16")
    service_net = ipaddress.ip_network("10.96.0.0/12")
    assert not any(n.overlaps(node_net) or n.overlaps(service_net) for n in networks)


def test_small_clusters_keep_their_familiar_addresses() -> None:
    assert node_address(node_index("node-1")) == "10.0.0.11"
    assert pod_network_prefix(node_index("node-3")) == "10.244.3."


def test_a_pod_on_node_248_starts() -> None:
    cluster = Cluster(seed=1, nodes=[NodeSpec(name="node-0248")], controllers=False)
    client = cluster.client("kubectl")
    client.create(
        "pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    )
    assert cluster.run_until(
        lambda: (cluster.get("pods", "default", "web") or {}).get("status", {}).get("phase") == "Running", 60
    )
    assert cluster.get("pods", "default", "web")["status"]["hostIP"] == "10.0.1.2"
