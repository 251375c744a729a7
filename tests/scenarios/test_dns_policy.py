"""A pod's dnsPolicy and dnsConfig: the /etc/resolv.conf the kubelet has written for it, and what its resolver does
("DNS for Services and Pods", Pod's DNS Policy and Pod's DNS Config)."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster

AGNHOST = "registry.k8s.io/e2e-test-images/agnhost:2.39"  # the DNS debugging page's dnsutils image
EXAMPLE_CONFIG = {  # the page's dns-example pod (custom-dns.yaml)
    "nameservers": ["192.0.2.1"],
    "searches": ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"],
    "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}],
}
CLUSTER_FIRST = ("search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\n"
                 "options ndots:5\n")
NODE = "nameserver 10.0.0.1\n"


def _pod(name: str, image: str = AGNHOST, command: list[str] | None = None, **spec: Any) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "test", "image": image}
    if command:
        container["command"] = command
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {"containers": [container], **spec}}


@pytest.fixture(scope="module")
def cluster() -> Cluster:
    cluster = Cluster(seed=5, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    for pod in (
        _pod("dns-example", "nginx", dnsPolicy="None", dnsConfig=EXAMPLE_CONFIG),
        _pod("dns-example-utils", dnsPolicy="None", dnsConfig=EXAMPLE_CONFIG),
        _pod("old-busybox-none", "busybox:1.28", ["sleep", "3600"], dnsPolicy="None", dnsConfig=EXAMPLE_CONFIG),
        _pod("default-dns", "busybox:1.28", ["sleep", "3600"], dnsPolicy="Default"),
        _pod("default-utils", dnsPolicy="Default"),
        _pod("cluster-first"),
        _pod("host-cluster-first", hostNetwork=True),
        _pod("host-with-host-net", hostNetwork=True, dnsPolicy="ClusterFirstWithHostNet"),
        _pod("merged", dnsConfig={"nameservers": ["10.96.0.10", "192.0.2.53"], "searches": ["example.internal"],
                                  "options": [{"name": "ndots", "value": "1"}, {"name": "edns0"}]}),
        _pod("too-many", dnsConfig={"nameservers": ["192.0.2.1", "192.0.2.2", "192.0.2.3"]}),
    ):
        kubectl.create("pods", pod)
    kubectl.create("services", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "hostnames"},
                                "spec": {"selector": {"app": "hostnames"}, "ports": [{"port": 80}]}})
    cluster.run_for(60)
    return cluster


def test_the_pages_dns_example_pod_gets_only_its_dns_config_and_its_nameserver_does_not_answer(
        cluster: Cluster) -> None:
    assert cluster.exec("dns-example", ["cat", "/etc/resolv.conf"]) == (
        "search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 192.0.2.1\noptions ndots:2 edns0\n")
    assert cluster.exec("dns-example-utils", ["nslookup", "kubernetes.default"]) == (
        ";; connection timed out; no servers could be reached\ncommand terminated with exit code 1\n")
    assert cluster.exec("old-busybox-none", ["nslookup", "hostnames"]) == (
        "Server:    192.0.2.1\nAddress 1: 192.0.2.1\n\nnslookup: can't resolve 'hostnames'\n"
        "command terminated with exit code 1\n")


def test_a_default_policy_pod_gets_the_nodes_resolver_which_knows_no_cluster_name(cluster: Cluster) -> None:
    assert cluster.exec("default-dns", ["cat", "/etc/resolv.conf"]) == NODE
    assert cluster.exec("default-dns", ["nslookup", "hostnames.default.svc.cluster.local"]) == (
        "Server:    10.0.0.1\nAddress 1: 10.0.0.1\n\nnslookup: can't resolve 'hostnames.default.svc.cluster.local'\n"
        "command terminated with exit code 1\n")
    assert cluster.exec("default-utils", ["nslookup", "kubernetes.default"]) == (
        "Server:\t\t10.0.0.1\nAddress:\t10.0.0.1:53\n\n** server can't find kubernetes.default: NXDOMAIN\n\n"
        "command terminated with exit code 1\n")


def test_host_network_falls_back_to_the_nodes_config_unless_cluster_first_with_host_net(cluster: Cluster) -> None:
    assert cluster.exec("cluster-first", ["cat", "/etc/resolv.conf"]) == CLUSTER_FIRST  # as it always was
    assert "Address: 10.96.0.1" in cluster.exec("cluster-first", ["nslookup", "kubernetes.default"])
    assert cluster.exec("host-cluster-first", ["cat", "/etc/resolv.conf"]) == NODE
    assert "NXDOMAIN" in cluster.exec("host-cluster-first", ["nslookup", "kubernetes.default"])
    assert cluster.exec("host-with-host-net", ["cat", "/etc/resolv.conf"]) == CLUSTER_FIRST
    assert "Address: 10.96.0.1" in cluster.exec("host-with-host-net", ["nslookup", "kubernetes.default"])


def test_a_cluster_first_pods_dns_config_is_merged_after_the_cluster_ones(cluster: Cluster) -> None:
    assert cluster.exec("merged", ["cat", "/etc/resolv.conf"]) == (
        "search default.svc.cluster.local svc.cluster.local cluster.local example.internal\n"
        "nameserver 10.96.0.10\nnameserver 192.0.2.53\noptions ndots:1 edns0\n")
    looked_up = cluster.exec("merged", ["nslookup", "hostnames"])  # the first nameserver, the cluster DNS, answers
    assert looked_up.startswith("Server:\t\t10.96.0.10\n") and "Name:\thostnames.default.svc.cluster.local" in looked_up


def test_nameservers_past_three_are_left_out_with_a_warning_event(cluster: Cluster) -> None:
    assert cluster.exec("too-many", ["cat", "/etc/resolv.conf"]).splitlines()[1:4] == [
        "nameserver 10.96.0.10", "nameserver 192.0.2.1", "nameserver 192.0.2.2"]
    events = [e for e in cluster.objects("events", "default") if e["reason"] == "DNSConfigForming"]
    assert [e["involvedObject"]["name"] for e in events] == ["too-many"]
    assert events[0]["type"] == "Warning" and events[0]["message"] == (
        "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: "
        "10.96.0.10 192.0.2.1 192.0.2.2")
