"""StatefulSet Basics, "Stable Storage": what a pod writes to its claim is there again after the pod is replaced."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster


def web() -> list[dict[str, Any]]:
    labels = {"app": "nginx"}
    return [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx", "labels": labels},
         "spec": {"ports": [{"port": 80, "name": "web"}], "clusterIP": "None", "selector": labels}},
        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"}, "spec": {
            "serviceName": "nginx", "replicas": 2, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [{
                "name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24", "ports": [{"containerPort": 80}],
                "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {
                "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}},
    ]


def ready(cluster: Cluster, name: str) -> bool:
    pod = cluster.get("pods", "default", name)
    return pod is not None and any(c.get("type") == "Ready" and c.get("status") == "True"
                                   for c in (pod.get("status") or {}).get("conditions") or ())


def test_a_pods_claim_keeps_what_it_wrote_when_the_pod_is_replaced() -> None:
    cluster = Cluster(seed=11, nodes=[NodeSpec("node-1"), NodeSpec("node-2")])
    api = cluster.client("kubectl")
    for obj in web():
        api.create(obj["kind"].lower() + "s", obj, "default")
    assert cluster.run_until(lambda: ready(cluster, "web-0") and ready(cluster, "web-1"), timeout=120)
    assert "403 Forbidden" in cluster.exec("web-0", ["curl", "-s", "http://localhost/"])  # an empty volume
    for name in ("web-0", "web-1"):
        cluster.exec(name, ["sh", "-c", 'echo "$(hostname)" > /usr/share/nginx/html/index.html'])
    assert [cluster.exec(n, ["curl", "-s", "http://localhost/"]) for n in ("web-0", "web-1")] == ["web-0\n", "web-1\n"]
    uid = cluster.get("pods", "default", "web-0")["metadata"]["uid"]
    api.delete("pods", "default", "web-0")
    assert cluster.run_until(lambda: ready(cluster, "web-0")
                             and cluster.get("pods", "default", "web-0")["metadata"]["uid"] != uid, timeout=120)
    assert cluster.exec("web-0", ["curl", "-s", "http://localhost/"]) == "web-0\n"
