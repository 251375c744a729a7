"""CoreDNS as kubeadm installs it: its pods run on the workers, and the cluster's names resolve only while one is
ready behind the kube-dns Service."""

from __future__ import annotations

from typing import Any

from kubetui.addons import coredns
from kubetui.node.dns import NAMESERVER
from kubetui.node.exec_programs import NO_SERVERS
from kubetui.sim.cluster import Cluster
from kubetui.ui.panes.workloads import WorkloadsPane
from kubetui.ui.view import ClusterView


def _client_pod() -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client"},
            "spec": {"containers": [{"name": "box", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}


def _web() -> list[tuple[str, dict[str, Any]]]:
    labels = {"app": "web"}
    return [
        ("deployments", {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {
            "replicas": 1, "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels},
                         "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}}),
        ("services", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                      "spec": {"selector": labels, "ports": [{"port": 80}]}}),
    ]


def _cluster() -> Cluster:
    cluster = Cluster(seed=3)
    kubectl = cluster.client("kubectl")
    for resource, obj in [*_web(), ("pods", _client_pod())]:
        kubectl.create(resource, obj)
    cluster.run_for(40)
    return cluster


def _ready_dns_pods(cluster: Cluster) -> list[dict[str, Any]]:
    return [p for p in cluster.objects("pods", coredns.NAMESPACE, "k8s-app=kube-dns")
            if any(c.get("type") == "Ready" and c.get("status") == "True" for c in p["status"].get("conditions") or ())]


def _scale_dns(cluster: Cluster, replicas: int) -> None:
    cluster.client("kubectl").scale("deployments", coredns.NAMESPACE, "coredns", replicas)


def test_kubeadm_objects_are_in_kube_system_and_its_pods_spread_over_two_nodes() -> None:
    cluster = _cluster()
    deployment = cluster.get("deployments", "kube-system", "coredns")
    assert deployment is not None and deployment["status"].get("availableReplicas") == 2
    service = cluster.get("services", "kube-system", "kube-dns")
    assert service is not None and service["spec"]["clusterIP"] == NAMESERVER == "10.96.0.10"
    assert "Corefile" in (cluster.get("configmaps", "kube-system", "coredns") or {}).get("data", {})
    pods = _ready_dns_pods(cluster)
    assert len({p["spec"]["nodeName"] for p in pods}) == 2, "preferred anti-affinity: one per node"
    assert all(p["spec"]["priorityClassName"] == "system-cluster-critical" and p["spec"]["priority"] == 2000000000
               for p in pods)
    endpoints = cluster.get("endpoints", "kube-system", "kube-dns")
    assert endpoints is not None and len(endpoints["subsets"][0]["addresses"]) == 2
    assert "CoreDNS-1.11.3" in cluster.client("kubectl").logs("kube-system", pods[0]["metadata"]["name"])


def test_names_stop_resolving_without_a_ready_coredns_pod_and_come_back_with_it() -> None:
    cluster = _cluster()
    assert "Name:\tweb.default.svc.cluster.local" in cluster.exec("client", ["nslookup", "web"])
    _scale_dns(cluster, 0)
    cluster.run_for(40)
    assert not _ready_dns_pods(cluster)
    answer = cluster.exec("client", ["nslookup", "web"])
    assert NO_SERVERS in answer and "command terminated with exit code 1" in answer
    assert "wget: bad address 'web'" in cluster.exec("client", ["wget", "-qO-", "http://web"])
    address = (cluster.get("services", "default", "web") or {})["spec"]["clusterIP"]
    assert "Welcome to nginx!" in cluster.exec("client", ["wget", "-qO-", f"http://{address}"])  # no name, no DNS
    _scale_dns(cluster, 2)
    cluster.run_for(40)
    assert len(_ready_dns_pods(cluster)) == 2
    assert "Name:\tweb.default.svc.cluster.local" in cluster.exec("client", ["nslookup", "web"])


def test_one_dead_node_leaves_the_other_replica_answering() -> None:
    cluster = _cluster()
    node = _ready_dns_pods(cluster)[0]["spec"]["nodeName"]
    client_node = (cluster.get("pods", "default", "client") or {})["spec"]["nodeName"]
    if node == client_node:  # keep the asking pod alive: kill the other CoreDNS pod's node
        node = _ready_dns_pods(cluster)[1]["spec"]["nodeName"]
    cluster.chaos("kill-node", node=node)
    cluster.run_for(60)  # NotReady after the grace period: its CoreDNS endpoint leaves kube-dns
    assert len(_ready_dns_pods(cluster)) == 1
    assert "Address: " in cluster.exec("client", ["nslookup", "web"])


def test_a_cluster_without_the_addon_still_resolves() -> None:
    """No kube-dns Service (a test cluster without controllers): the resolver answers as before."""
    cluster = Cluster(seed=1, dns=False)
    kubectl = cluster.client("kubectl")
    for resource, obj in [*_web(), ("pods", _client_pod())]:
        kubectl.create(resource, obj)
    cluster.run_for(40)
    assert cluster.get("deployments", "kube-system", "coredns") is None
    assert "Name:\tweb.default.svc.cluster.local" in cluster.exec("client", ["nslookup", "web"])


def test_the_workloads_pane_lists_the_cluster_s_own_workloads_after_the_user_s() -> None:
    cluster = _cluster()
    view = ClusterView(cluster)
    cluster.run_for(0.1)
    rows = WorkloadsPane(view).items()
    namespaces = [row.namespace for row in rows]
    first_system = namespaces.index("kube-system")
    assert set(namespaces[:first_system]) == {"default"} and set(namespaces[first_system:]) == {"kube-system"}
    assert [row.kind for row in rows if row.depth == 0 and row.namespace == "kube-system"] == ["Deployment"]


def test_the_panes_dim_lines_about_the_cluster_s_own_objects() -> None:
    from kubetui.ui.panes.events import EventsPane
    from kubetui.ui.panes.scheduler import SchedulerPane

    cluster = _cluster()
    view = ClusterView(cluster)
    cluster.run_for(0.1)
    for pane in (EventsPane(view), SchedulerPane(view)):
        lines = [(pane.item_text(item), pane.render_item(item, 120)) for item in pane.items()]
        system = [line for text, line in lines if "kube-system/" in text]
        user = [line for text, line in lines if "default/" in text and "kube-system" not in text]
        assert system and user, type(pane).__name__
        assert all(any("dim" in str(span.style) for span in line.spans) for line in system)
        assert not any(line.spans and all("dim" in str(span.style) for span in line.spans) for line in user)


def test_a_query_travels_through_kube_proxy_to_a_coredns_pod() -> None:
    """The events pane shows DNS is a Service: kube-dns's UDP chain (its real name, KUBE-SVC-TCOU7JCQXEZGVUNU), then
    a CoreDNS pod; with none ready, kube-proxy's rules reject the packet."""
    from kubetui.sim.trace import NodeActivity

    cluster = _cluster()

    def proxied() -> list[NodeActivity]:
        start = len(cluster.trace.history)
        cluster.exec("client", ["nslookup", "web"])
        return [r for r in list(cluster.trace.history)[start:]
                if isinstance(r, NodeActivity) and r.component == "kube-proxy"]

    (line,) = proxied()
    assert line.detail.startswith("10.96.0.10:53 -> KUBE-SVC-TCOU7JCQXEZGVUNU -> KUBE-SEP-")
    assert line.pod.startswith("kube-system/coredns-")
    _scale_dns(cluster, 0)
    cluster.run_for(40)
    (line,) = proxied()
    assert line.what == "request rejected" and line.detail.startswith("10.96.0.10:53")


def test_port_53_is_dns_not_http_while_health_and_ready_answer_http() -> None:
    import pytest

    from kubetui.apiserver.errors import ApiError

    cluster = _cluster()
    pod = _ready_dns_pods(cluster)[0]["metadata"]["name"]
    assert cluster.api.proxy("kubectl", "pods", "kube-system", f"{pod}:8080", "/health", "curl").code == 200
    assert cluster.api.proxy("kubectl", "pods", "kube-system", f"{pod}:8181", "/ready", "curl").code == 200
    with pytest.raises(ApiError, match="malformed HTTP response"):
        cluster.api.proxy("kubectl", "services", "kube-system", "kube-dns:dns-tcp", "/", "curl")


def test_the_log_plugin_added_to_the_corefile_is_reloaded_and_logs_each_query() -> None:
    """The DNS page's "Are DNS queries being received/processed?": edit the ConfigMap, wait for the reload, query."""
    cluster = _cluster()
    kubectl = cluster.client("kubectl")
    corefile = kubectl.get("configmaps", "kube-system", "coredns")
    corefile["data"]["Corefile"] = corefile["data"]["Corefile"].replace("    errors\n", "    log\n    errors\n")
    kubectl.update("configmaps", corefile)
    cluster.run_for(100)  # the kubelet rewrites the mounted file at its next sync of each CoreDNS pod
    cluster.exec("client", ["nslookup", "web"])
    logs = "\n".join(kubectl.logs("kube-system", p["metadata"]["name"]) for p in _ready_dns_pods(cluster))
    assert logs.count("[INFO] Reloading complete") == 2, logs
    client_ip = (cluster.get("pods", "default", "client") or {})["status"]["podIP"]
    assert f'[INFO] {client_ip}:' in logs and '"A IN web.default.svc.cluster.local. udp ' in logs
    assert "NOERROR qr,aa,rd" in logs


def test_the_coredns_image_has_no_shell_tools() -> None:
    """A distroless image: exec finds only /coredns (the DNS page reads the Corefile from the ConfigMap instead)."""
    import pytest

    cluster = _cluster()
    pod = _ready_dns_pods(cluster)[0]["metadata"]["name"]
    with pytest.raises(ValueError, match='exec: "cat": executable file not found in \\$PATH'):
        cluster.exec(pod, ["cat", "/etc/coredns/Corefile"], namespace="kube-system")
