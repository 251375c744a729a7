"""The HorizontalPodAutoscaler walkthrough's objects, and how a test reads a pod's CPU (metrics and HPA tests)."""

from __future__ import annotations

from typing import Any

from kubetui.api.quantity import parse_quantity
from kubetui.apiserver.errors import ApiError
from kubetui.sim.cluster import Cluster

LOAD_SCRIPT = "while sleep 0.01; do wget -q -O- http://php-apache; done"


def php_apache(cluster: Cluster, replicas: int = 1) -> None:
    """php-apache.yaml of the walkthrough: the Deployment (requests cpu 200m, limits 500m) and its Service."""
    client = cluster.client("kubectl")
    container = {
        "name": "php-apache", "image": "registry.k8s.io/hpa-example", "ports": [{"containerPort": 80}],
        "resources": {"limits": {"cpu": "500m"}, "requests": {"cpu": "200m"}},
    }
    client.create("deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "php-apache"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"run": "php-apache"}},
                 "template": {"metadata": {"labels": {"run": "php-apache"}}, "spec": {"containers": [container]}}},
    }, "default")
    client.create("services", {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "php-apache", "labels": {"run": "php-apache"}},
        "spec": {"ports": [{"port": 80}], "selector": {"run": "php-apache"}},
    }, "default")


def load_generator(cluster: Cluster, name: str = "load-generator", script: str = LOAD_SCRIPT,
                   node: str | None = None) -> None:
    """``kubectl run load-generator --image=busybox:1.28 --restart=Never -- /bin/sh -c "<script>"``."""
    spec: dict[str, Any] = {"restartPolicy": "Never", "containers": [
        {"name": name, "image": "busybox:1.28", "args": ["/bin/sh", "-c", script]}]}
    if node:
        spec["nodeName"] = node
    cluster.client("kubectl").create("pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"run": name}}, "spec": spec,
    }, "default")


def pod_cpu_millis(cluster: Cluster, namespace: str, name: str) -> float | None:
    """The pod's CPU as metrics-server serves it (summed over containers), in millicores; None without metrics."""
    try:
        metrics = cluster.client("test").get("pods.metrics.k8s.io", namespace, name)
    except ApiError:
        return None
    return sum(float(parse_quantity(c["usage"]["cpu"])) * 1000 for c in metrics["containers"])


def pods_of(cluster: Cluster, selector: str) -> list[str]:
    return sorted(p["metadata"]["name"] for p in cluster.objects("pods", "default", selector))
