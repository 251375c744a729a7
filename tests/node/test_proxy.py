"""kube-proxy on the fast clock: iptables rules from Services and EndpointSlices, and traffic that follows them."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.node.proxy import iptables_probability
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster, describe_traffic


def web_cluster(replicas: int = 3, readiness: dict[str, Any] | None = None, node_port: bool = False) -> Cluster:
    cluster = Cluster(seed=5, nodes=default_nodes(3))
    client = cluster.client("kubectl")
    container: dict[str, Any] = {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}
    if readiness:
        container["readinessProbe"] = readiness
    client.create("deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}}},
    }, "default")
    port: dict[str, Any] = {"port": 80, "targetPort": 80}
    if node_port:
        port["nodePort"] = 30080
    client.create("services", {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [port], **({"type": "NodePort"} if node_port else {})},
    }, "default")
    assert cluster.run_until(lambda: ready_endpoints(cluster) == replicas, timeout=120)
    cluster.run_for(2)  # kube-proxy's rule sync follows the slice
    return cluster


def ready_endpoints(cluster: Cluster) -> int:
    slices = cluster.objects("endpointslices", "default", "kubernetes.io/service-name=web")
    return sum(1 for s in slices for e in s.get("endpoints") or [] if (e.get("conditions") or {}).get("ready"))


def test_rules_jump_to_one_chain_per_ready_pod_with_kube_proxys_probabilities() -> None:
    cluster = web_cluster()
    proxy = cluster.machines["node-1"].proxy
    (rule,) = proxy.rules["default/web"]
    assert len(rule.endpoints) == 3 and rule.svc_chain.startswith("KUBE-SVC-") and len(rule.svc_chain) == 25
    saved = proxy.iptables_save()
    jumps = [line for line in saved.splitlines() if line.startswith(f"-A {rule.svc_chain} ") and "KUBE-SEP-" in line]
    assert len(jumps) == 3
    assert "--probability 0.33333333349" in jumps[0] and "--probability 0.50000000000" in jumps[1]
    assert "--probability" not in jumps[2]
    assert f"-d {rule.cluster_ip}/32" in saved and "DNAT --to-destination" in saved
    # every node programs the same rules from the same API objects
    assert all(m.proxy.rules["default/web"] == (rule,) for m in cluster.machines.values())


def test_probability_is_printed_as_iptables_save_prints_it() -> None:
    assert iptables_probability(3) == "0.33333333349"
    assert iptables_probability(2) == "0.50000000000"
    assert iptables_probability(4) == "0.25000000000"


def test_traffic_spreads_over_the_ready_pods() -> None:
    cluster = web_cluster()
    result = cluster.traffic("web", count=300)
    assert result["failed"] == {} and sum(result["answered"].values()) == 300
    assert len(result["answered"]) == 3 and min(result["answered"].values()) >= 60  # about 100 each
    assert describe_traffic(result).startswith("300 requests to default/web:80 from node-1: web-")


def test_a_pod_that_is_not_ready_gets_no_traffic() -> None:
    probe = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 2, "failureThreshold": 1}
    cluster = web_cluster(readiness=probe)
    victim = sorted(p["metadata"]["name"] for p in cluster.objects("pods", "default", "app=web"))[0]
    cluster.client("kubectl").merge_patch(
        "pods", "default", victim, {"metadata": {"annotations": {"kubetui.dev/fail-readiness-seconds": "600"}}}
    )
    # the annotation is read at container start: kill the container so the restarted one fails readiness
    cluster.chaos("kill-container", namespace="default", pod=victim, container="nginx")
    assert cluster.run_until(lambda: ready_endpoints(cluster) == 2, timeout=60)
    cluster.run_for(2)
    result = cluster.traffic("web", count=100)
    assert f"default/{victim}" not in result["answered"] and sum(result["answered"].values()) == 100


def test_a_service_without_ready_pods_refuses_connections() -> None:
    cluster = web_cluster()
    cluster.client("kubectl").scale("deployments", "default", "web", 0)
    assert cluster.run_until(lambda: ready_endpoints(cluster) == 0, timeout=120)
    cluster.run_for(2)
    assert "has no endpoints" in cluster.machines["node-2"].proxy.iptables_save()
    result = cluster.traffic("web", count=5, node="node-2")
    assert result["answered"] == {} and result["failed"] == {"dial tcp web:80: connect: connection refused": 5}


def test_node_port_rules_and_errors() -> None:
    cluster = web_cluster(node_port=True)
    saved = cluster.machines["node-3"].proxy.iptables_save()
    assert "-A KUBE-NODEPORTS" in saved and "--dport 30080" in saved
    with pytest.raises(ValueError, match='no port 81'):
        cluster.traffic("web", port=81)
    with pytest.raises(ValueError, match='"default/nope" has no ports'):
        cluster.traffic("nope")
    cluster.chaos("kill-node", node="node-1")
    with pytest.raises(ValueError, match="powered off"):
        cluster.traffic("web", node="node-1")
    assert cluster.traffic("web", count=3)["node"] == "node-2"  # the first running node


def test_traffic_is_recorded_and_replayable_input() -> None:
    cluster = web_cluster()
    outcome = cluster.inputs.submit("traffic", service="web", count=4)
    assert outcome.startswith("4 requests to default/web:80 from node-1")
    assert cluster.inputs.submit("traffic", service="web", count=0).startswith("error: count must be")
