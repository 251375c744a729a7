"""The endpoints controller: Endpoints follow the pods a Service selects, and their readiness."""

from __future__ import annotations

from kubetui.controllers.endpoints import EndpointsController
from kubetui.sim.cluster import Cluster
from tests.controllers.test_endpoints_kit import (
    FakeKubelet,
    bare_cluster,
    get,
    pod,
    reconciles,
    service,
    start,
)


def _setup(ready: tuple[bool, ...] = (True, True, False)) -> tuple[Cluster, FakeKubelet]:
    cluster = bare_cluster()
    start(cluster, EndpointsController)
    kubelet = FakeKubelet(cluster, "node-1")
    api = cluster.client("test")
    api.create("services", service("web", {"app": "web"}))
    for i, is_ready in enumerate(ready):
        api.create("pods", pod(f"web-{i}", {"app": "web"}))
        kubelet.bind("default", f"web-{i}")
        kubelet.run("default", f"web-{i}", ready=is_ready)
    api.create("pods", pod("other", {"app": "other"}))
    kubelet.bind("default", "other")
    kubelet.run("default", "other")
    cluster.run_for(1)
    return cluster, kubelet


def test_ready_and_not_ready_addresses_with_target_refs() -> None:
    cluster, _ = _setup()
    endpoints = get(cluster, "endpoints", "web")
    (subset,) = endpoints["subsets"]
    assert [a["ip"] for a in subset["addresses"]] == ["10.244.1.2", "10.244.1.3"]
    assert [a["ip"] for a in subset["notReadyAddresses"]] == ["10.244.1.4"]
    first = subset["addresses"][0]
    assert first["nodeName"] == "node-1"
    assert first["targetRef"]["kind"] == "Pod" and first["targetRef"]["name"] == "web-0"
    assert first["targetRef"]["uid"] == get(cluster, "pods", "web-0")["metadata"]["uid"]
    assert subset["ports"] == [{"name": "http", "port": 8080, "protocol": "TCP"}]


def test_follows_readiness_and_deletion() -> None:
    cluster, kubelet = _setup()
    kubelet.set_ready("default", "web-2", True)
    kubelet.set_ready("default", "web-0", False)
    cluster.run_for(1)
    subset = get(cluster, "endpoints", "web")["subsets"][0]
    assert [a["targetRef"]["name"] for a in subset["addresses"]] == ["web-1", "web-2"]
    assert [a["targetRef"]["name"] for a in subset["notReadyAddresses"]] == ["web-0"]
    api = cluster.client("test")
    api.delete("pods", "default", "web-1")  # graceful: a terminating pod leaves the Endpoints at once
    cluster.run_for(1)
    subset = get(cluster, "endpoints", "web")["subsets"][0]
    assert [a["targetRef"]["name"] for a in subset["addresses"]] == ["web-2"]


def test_named_target_port_resolves_per_pod() -> None:
    cluster = bare_cluster()
    start(cluster, EndpointsController)
    kubelet = FakeKubelet(cluster, "node-1")
    api = cluster.client("test")
    api.create("services", service("api", {"app": "api"}, ports=[{"port": 80, "targetPort": "web"}]))
    api.create("pods", pod("a", {"app": "api"}, ports=[{"name": "web", "containerPort": 8080}]))
    api.create("pods", pod("b", {"app": "api"}, ports=[{"name": "web", "containerPort": 9090}]))
    api.create("pods", pod("c", {"app": "api"}))  # no such port: left out
    for name in ("a", "b", "c"):
        kubelet.bind("default", name)
        kubelet.run("default", name)
    cluster.run_for(1)
    subsets = get(cluster, "endpoints", "api")["subsets"]
    assert [(s["addresses"][0]["targetRef"]["name"], s["ports"][0]["port"]) for s in subsets] == [
        ("a", 8080),
        ("b", 9090),
    ]


def test_publish_not_ready_addresses_and_terminating() -> None:
    cluster = bare_cluster()
    start(cluster, EndpointsController)
    kubelet = FakeKubelet(cluster, "node-1")
    api = cluster.client("test")
    api.create("services", service("db", {"app": "db"}, clusterIP="None", publishNotReadyAddresses=True))
    api.create("pods", pod("db-0", {"app": "db"}, hostname="db-0", subdomain="db"))
    kubelet.bind("default", "db-0")
    kubelet.run("default", "db-0", ready=False)
    cluster.run_for(1)
    endpoints = get(cluster, "endpoints", "db")
    assert endpoints["metadata"]["labels"] == {"service.kubernetes.io/headless": ""}
    address = endpoints["subsets"][0]["addresses"][0]
    assert address["hostname"] == "db-0"
    api.delete("pods", "default", "db-0")
    cluster.run_for(1)
    assert get(cluster, "endpoints", "db")["subsets"][0]["addresses"][0]["targetRef"]["name"] == "db-0"


def test_service_without_selector_is_left_alone_and_deleted_service_loses_endpoints() -> None:
    cluster, _ = _setup()
    api = cluster.client("test")
    api.create("services", service("manual", None))
    cluster.run_for(1)
    assert cluster.get("endpoints", "default", "manual") is None
    api.delete("services", "default", "web")
    cluster.run_for(1)
    assert cluster.get("endpoints", "default", "web") is None
    actions = [r.action for r in reconciles(cluster, "endpoint-controller")]
    assert actions[0] == "create endpoints" and actions[-1] == "delete endpoints"


def test_no_write_when_nothing_changed() -> None:
    cluster, kubelet = _setup()
    before = get(cluster, "endpoints", "web")["metadata"]["resourceVersion"]
    kubelet.client.merge_patch("pods", "default", "web-0", {"metadata": {"annotations": {"note": "x"}}})
    cluster.run_for(1)
    assert get(cluster, "endpoints", "web")["metadata"]["resourceVersion"] == before
