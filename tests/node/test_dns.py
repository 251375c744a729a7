"""Cluster DNS as a pod's resolver sees it: search domains, Services, headless endpoints, pod names."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.node.dns import PodDNS, Resolver, Unanswered, pod_dns, resolv_conf


class Reader:
    def __init__(self, services: dict[str, dict[str, Any]], slices: dict[str, list[dict[str, Any]]]) -> None:
        self.services, self.slices = services, slices
        self.asked: list[str] = []

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any]:
        self.asked.append(f"{namespace}/{name}")
        if f"{namespace}/{name}" not in self.services:
            raise ApiError(404, "NotFound", f'services "{name}" not found')
        return self.services[f"{namespace}/{name}"]

    def list(self, resource: str, namespace: str | None = None, label_selector: str | None = None,
             field_selector: str | None = None) -> dict[str, Any]:
        service = (label_selector or "").split("=", 1)[1]
        return {"items": [{"endpoints": self.slices.get(f"{namespace}/{service}", [])}]}


READER = Reader(
    services={
        "default/web": {"spec": {"clusterIP": "10.96.0.20"}},
        "data/db": {"spec": {"clusterIP": "None"}},
        "default/out": {"spec": {"type": "ExternalName", "externalName": "example.com"}},
    },
    slices={"data/db": [
        {"addresses": ["10.244.1.7"], "hostname": "db-1", "conditions": {"ready": True}},
        {"addresses": ["10.244.2.3"], "hostname": "db-0", "conditions": {"ready": True}},
        {"addresses": ["10.244.3.9"], "hostname": "db-2", "conditions": {"ready": False}},
    ]},
)


def test_search_domains_come_first_for_short_names() -> None:
    resolver = Resolver(READER, "default")
    assert resolver.candidates("web")[0] == "web.default.svc.cluster.local"
    assert resolver.candidates("a.b.c.d.e.f")[0] == "a.b.c.d.e.f"  # ndots:5
    assert resolver.candidates("web.default.svc.cluster.local.") == ["web.default.svc.cluster.local"]
    assert "options ndots:5" in resolv_conf("default")


def test_services_resolve_to_their_cluster_ip_from_any_namespace() -> None:
    here, there = Resolver(READER, "default"), Resolver(READER, "data")
    answer = here.resolve("web")
    assert answer is not None and answer.addresses == ("10.96.0.20",) and answer.service == "default/web"
    assert there.resolve("web") is None  # another namespace: web.data.svc... does not exist
    assert there.resolve("web.default") is not None and there.resolve("web.default.svc") is not None


def test_headless_services_resolve_to_ready_endpoints_and_each_hostname() -> None:
    resolver = Resolver(READER, "data")
    answer = resolver.resolve("db")
    assert answer is not None and answer.addresses == ("10.244.1.7", "10.244.2.3") and not answer.service
    zero = resolver.resolve("db-0.db")
    assert zero is not None and zero.addresses == ("10.244.2.3",)
    assert resolver.resolve("db-2.db") is None  # not ready: not published


def test_pod_names_external_names_and_unknown_names() -> None:
    resolver = Resolver(READER, "default")
    pod = resolver.resolve("10-244-1-7.default.pod.cluster.local")
    assert pod is not None and pod.addresses == ("10.244.1.7",)
    assert resolver.resolve("out") is None
    assert resolver.resolve("example.com") is None
    assert resolver.resolve("10.1.2.3") is not None


def test_pod_dns_follows_the_policy_and_appends_dns_config_as_the_kubelet_does() -> None:
    cluster_first = pod_dns({}, "default")
    assert cluster_first.resolv_conf() == resolv_conf("default")
    assert pod_dns({"hostNetwork": True}, "default") == pod_dns({"dnsPolicy": "Default"}, "default") == PodDNS(
        ("10.0.0.1",))
    assert pod_dns({"hostNetwork": True, "dnsPolicy": "ClusterFirstWithHostNet"}, "default") == cluster_first
    merged = pod_dns({"dnsConfig": {
        "nameservers": ["10.96.0.10", "192.0.2.1", "192.0.2.2", "192.0.2.3"],
        "searches": ["svc.cluster.local", "corp.example"],
        "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}, {"name": "ndots", "value": "3"}]}}, "data")
    assert merged.nameservers == ("10.96.0.10", "192.0.2.1", "192.0.2.2")  # deduplicated, then at most 3
    assert merged.searches == ("data.svc.cluster.local", "svc.cluster.local", "cluster.local", "corp.example")
    assert merged.options == ("ndots:3", "edns0") and merged.ndots == 3
    assert len(merged.warnings) == 1 and merged.warnings[0].endswith("line is: 10.96.0.10 192.0.2.1 192.0.2.2")
    many = pod_dns({"dnsPolicy": "None", "dnsConfig": {"searches": [f"d{i}.example" for i in range(40)]}}, "x")
    assert len(many.searches) == 32 and many.warnings and many.resolv_conf().startswith("search d0.example d1.")
    assert pod_dns({"dnsPolicy": "None", "dnsConfig": {}}, "x").resolv_conf() == ""


def test_the_resolver_follows_the_pods_search_list_ndots_and_first_nameserver() -> None:
    example = pod_dns({"dnsPolicy": "None", "dnsConfig": {
        "nameservers": ["192.0.2.1"], "searches": ["ns1.svc.cluster-domain.example", "my.dns.search.suffix"],
        "options": [{"name": "ndots", "value": "2"}, {"name": "edns0"}]}}, "default")
    resolver = Resolver(READER, "default", example)
    assert resolver.server == "192.0.2.1" and resolver.candidates("a.b") == [
        "a.b.ns1.svc.cluster-domain.example", "a.b.my.dns.search.suffix", "a.b"]
    assert resolver.candidates("a.b.c")[0] == "a.b.c"  # ndots:2
    with pytest.raises(Unanswered):
        resolver.resolve("web")  # nothing answers at 192.0.2.1
    node = Resolver(READER, "default", pod_dns({"dnsPolicy": "Default"}, "default"))
    assert node.candidates("web") == ["web"] and node.resolve("web") is None
    assert node.resolve("web.default.svc.cluster.local") is None  # NXDOMAIN: the node's resolver knows no cluster
    assert node.resolve("10.1.2.3") is not None
