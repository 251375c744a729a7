"""The "Debugging DNS Resolution" and "Debug Services" pages, step by step, on the whole cluster."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster


def _pod(name: str, image: str, command: list[str] | None = None) -> dict[str, Any]:
    container: dict[str, Any] = {"name": name, "image": image}
    if command:
        container["command"] = command
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [container]}}


def _cluster() -> Cluster:
    cluster = Cluster(seed=5, nodes=default_nodes(3))
    kubectl = cluster.client("kubectl")
    labels = {"app": "hostnames"}
    kubectl.create("deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "hostnames"},
        "spec": {"replicas": 3, "selector": {"matchLabels": labels}, "template": {
            "metadata": {"labels": labels},
            "spec": {"containers": [{"name": "hostnames", "image": "registry.k8s.io/serve_hostname"}]}}}})
    kubectl.create("services", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "hostnames"},
                                "spec": {"selector": labels, "ports": [{"port": 80, "targetPort": 9376}]}})
    kubectl.create("pods", _pod("dnsutils", "registry.k8s.io/e2e-test-images/agnhost:2.39"))  # the page's manifest
    kubectl.create("pods", _pod("bb", "gcr.io/google-containers/busybox", ["sleep", "3600"]))
    cluster.run_for(60)
    return cluster


def test_the_dns_pages_agnhost_pod_runs_and_answers() -> None:
    cluster = _cluster()
    pod = cluster.get("pods", "default", "dnsutils")
    assert pod is not None and pod["status"]["phase"] == "Running", "agnhost's default command is pause"
    assert "Address: 10.96.0.1" in cluster.exec("dnsutils", ["nslookup", "kubernetes.default"])


def test_debug_services_loop_reaches_every_backend_in_the_old_busybox_format() -> None:
    cluster = _cluster()
    ip = (cluster.get("services", "default", "hostnames") or {})["spec"]["clusterIP"]
    looked_up = cluster.exec("bb", ["nslookup", "hostnames"])
    assert looked_up == ("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
                         f"Name:      hostnames\nAddress 1: {ip} hostnames.default.svc.cluster.local\n")
    answers = cluster.exec("bb", ["sh", "-c", f"for i in $(seq 1 12); do wget -qO- {ip}:80; done"]).split()
    pods = {p["metadata"]["name"] for p in cluster.objects("pods", "default", "app=hostnames")}
    assert len(answers) == 12 and set(answers) == pods, "each pass a request; kube-proxy spreads them"
