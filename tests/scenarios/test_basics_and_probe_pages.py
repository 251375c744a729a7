"""Kubernetes Basics (Expose, Rolling Update) and the probes page's HTTP liveness example, on the whole cluster."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster

LABELS = {"app": "kubernetes-bootcamp"}


def _bootcamp(image: str) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "kubernetes-bootcamp"},
            "spec": {"replicas": 2, "selector": {"matchLabels": LABELS}, "template": {
                "metadata": {"labels": LABELS},
                "spec": {"containers": [{"name": "kubernetes-bootcamp", "image": image}]}}}}


def _cluster(image: str = "gcr.io/google-samples/kubernetes-bootcamp:v1") -> tuple[Cluster, str]:
    cluster = Cluster(seed=4, nodes=default_nodes(3))
    kubectl = cluster.client("kubectl")
    kubectl.create("deployments", _bootcamp(image))
    kubectl.create("services", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes-bootcamp"},
                                "spec": {"type": "NodePort", "selector": LABELS, "ports": [{"port": 8080}]}})
    cluster.run_for(30)
    pod = cluster.objects("pods", "default", "app=kubernetes-bootcamp")[0]["metadata"]["name"]
    return cluster, pod


def test_the_rolling_update_modules_v2_image_answers_v2_and_logs_each_request() -> None:
    cluster, pod = _cluster("docker.io/jocatalin/kubernetes-bootcamp:v2")
    answer = cluster.exec(pod, ["curl", "-m", "5", "http://kubernetes-bootcamp:8080"])  # -m's 5 is not a URL
    assert answer.startswith("Hello Kubernetes bootcamp! | Running on: kubernetes-bootcamp-") and "| v=2" in answer
    assert "v=2" in cluster.exec(pod, ["cat", "server.js"])
    assert "NODE_VERSION=6.3.1\n" in cluster.exec(pod, ["env"]), "the image's ENV, as module 3's env step lists it"
    before = cluster.client("kubectl").logs("default", pod).count("| Total Requests:")  # the Service may have
    cluster.exec(pod, ["curl", "-s", "localhost:8080"])  # sent the first request here
    cluster.exec(pod, ["curl", "-s", "localhost:8080"])
    logged = cluster.client("kubectl").logs("default", pod).splitlines()
    assert logged[-1].startswith(f"Running On: {pod} | Total Requests: {before + 2} | App Uptime: ")
    assert logged[-1].endswith("Z") and "| Log Time: 2026-" in logged[-1]


def test_a_node_port_answers_on_every_nodes_address_from_inside_the_cluster() -> None:
    cluster, pod = _cluster()
    service = cluster.get("services", "default", "kubernetes-bootcamp") or {}
    node_port = service["spec"]["ports"][0]["nodePort"]
    for node in cluster.objects("nodes"):
        address = node["status"]["addresses"][0]["address"]
        assert "Hello Kubernetes bootcamp!" in cluster.exec(pod, ["curl", "-s", f"http://{address}:{node_port}"])
    closed = cluster.exec(pod, ["curl", f"http://{address}:{node_port + 1}"])  # no NodePort there: the node resets
    assert closed.startswith(f"curl: (7) Failed to connect to {address} port {node_port + 1} after 0 ms: ")


def test_the_probes_pages_agnhost_liveness_serves_healthz_for_ten_seconds() -> None:
    cluster = Cluster(seed=4, nodes=default_nodes(2))
    cluster.client("kubectl").create("pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "liveness-http", "labels": {"test": "liveness"}},
        "spec": {"containers": [{
            "name": "liveness", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"],
            "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080}, "initialDelaySeconds": 3,
                              "periodSeconds": 3}}]}})

    def reasons() -> list[str]:
        return [f"{e['reason']}: {e.get('message', '')}" for e in cluster.objects("events", "default")
                if e["involvedObject"]["name"] == "liveness-http"]

    cluster.run_for(9)
    assert not any(r.startswith("Unhealthy") for r in reasons()), "the first probes pass"
    cluster.run_for(15)
    assert "Unhealthy: Liveness probe failed: HTTP probe failed with statuscode: 500" in reasons()
    assert any(r.startswith("Killing: Container liveness failed liveness probe") for r in reasons())
