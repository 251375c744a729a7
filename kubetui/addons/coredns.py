"""CoreDNS as kubeadm installs it: the ``coredns`` Deployment, the ``kube-dns`` Service at 10.96.0.10 and the
Corefile, all in ``kube-system``.

Its pods are scheduled and run like any other; a pod's resolver (kubetui.node.dns) answers only while the
``kube-dns`` Service has a ready endpoint, so deleting the CoreDNS pods, or killing their nodes, breaks name
resolution until the Deployment has them back.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "kube-system"
SERVICE = "kube-dns"
IMAGE = "registry.k8s.io/coredns/coredns:v1.11.3"
LABELS = {"k8s-app": "kube-dns"}
COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
"""


def objects(cluster_ip: str) -> list[tuple[str, dict[str, Any]]]:
    """(resource, object) in the order kubeadm's addon phase creates them."""
    meta = {"namespace": NAMESPACE}
    container = {
        "name": "coredns",
        "image": IMAGE,
        "args": ["-conf", "/etc/coredns/Corefile"],
        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
        "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                  {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                  {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
        "livenessProbe": {"httpGet": {"path": "/health", "port": 8080, "scheme": "HTTP"}, "initialDelaySeconds": 60,
                          "timeoutSeconds": 5, "successThreshold": 1, "failureThreshold": 5},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 8181, "scheme": "HTTP"}},
        "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": True}],
    }
    deployment = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {**meta, "name": "coredns", "labels": dict(LABELS)},
        "spec": {
            "replicas": 2,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1}},
            "selector": {"matchLabels": dict(LABELS)},
            "template": {
                "metadata": {"labels": dict(LABELS)},
                "spec": {
                    "priorityClassName": "system-cluster-critical",
                    "serviceAccountName": "coredns",
                    "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                                    {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
                        "weight": 100,
                        "podAffinityTerm": {
                            "labelSelector": {"matchExpressions": [
                                {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
                            "topologyKey": "kubernetes.io/hostname"}}]}},
                    "containers": [container],
                    "dnsPolicy": "Default",
                    "volumes": [{"name": "config-volume", "configMap": {
                        "name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}],
                },
            },
        },
    }
    service = {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {**meta, "name": SERVICE, "labels": {**LABELS, "kubernetes.io/cluster-service": "true",
                                                         "kubernetes.io/name": "CoreDNS"}},
        "spec": {"clusterIP": cluster_ip, "selector": dict(LABELS), "ports": [
            {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]},
    }
    return [
        ("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {**meta, "name": "coredns"},
                        "data": {"Corefile": COREFILE}}),
        ("serviceaccounts", {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {**meta, "name": "coredns"}}),
        ("deployments", deployment),
        ("services", service),
    ]
