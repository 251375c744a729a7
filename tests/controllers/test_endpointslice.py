"""The EndpointSlice controller: slices per Service, endpoint conditions, placeholders, 100 per slice."""

from __future__ import annotations

from kubetui.controllers.endpointslice import EndpointSliceController
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

Obj = dict


def _slices(cluster: Cluster, service_name: str = "web") -> list[Obj]:
    return cluster.objects("endpointslices", "default", f"kubernetes.io/service-name={service_name}")


def _cluster(pods: int, ready: bool = True) -> tuple[Cluster, FakeKubelet]:
    cluster = bare_cluster()
    start(cluster, EndpointSliceController)
    kubelet = FakeKubelet(cluster, "node-1", zone="zone-b")
    api = cluster.client("test")
    api.create("services", service("web", {"app": "web"}))
    for i in range(pods):
        api.create("pods", pod(f"web-{i}", {"app": "web"}))
        kubelet.bind("default", f"web-{i}")
        kubelet.run("default", f"web-{i}", ready=ready)
    cluster.run_for(1)
    return cluster, kubelet


def test_slice_shape_labels_owner_and_endpoints() -> None:
    cluster, _ = _cluster(2)
    (slice_,) = _slices(cluster)
    svc = get(cluster, "services", "web")
    meta = slice_["metadata"]
    assert meta["name"].startswith("web-") and meta["generateName"] == "web-"
    assert meta["labels"] == {
        "kubernetes.io/service-name": "web",
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    }
    assert meta["ownerReferences"][0]["uid"] == svc["metadata"]["uid"]
    assert meta["ownerReferences"][0]["controller"] is True
    assert slice_["addressType"] == "IPv4"
    assert slice_["ports"] == [{"name": "http", "protocol": "TCP", "port": 8080}]
    first = slice_["endpoints"][0]
    assert first["addresses"] == ["10.244.1.2"]
    assert first["conditions"] == {"ready": True, "serving": True, "terminating": False}
    assert first["nodeName"] == "node-1" and first["zone"] == "zone-b"
    assert first["targetRef"]["name"] == "web-0"


def test_conditions_follow_readiness_and_termination_in_place() -> None:
    cluster, kubelet = _cluster(2)
    name = _slices(cluster)[0]["metadata"]["name"]
    kubelet.set_ready("default", "web-0", False)
    cluster.client("test").delete("pods", "default", "web-1")  # graceful: stays, terminating
    cluster.run_for(1)
    (slice_,) = _slices(cluster)
    assert slice_["metadata"]["name"] == name  # updated in place, not replaced
    by_pod = {e["targetRef"]["name"]: e["conditions"] for e in slice_["endpoints"]}
    assert by_pod["web-0"] == {"ready": False, "serving": False, "terminating": False}
    assert by_pod["web-1"] == {"ready": False, "serving": True, "terminating": True}
    kubelet.confirm_deletion("default", "web-1")
    cluster.run_for(1)
    assert [e["targetRef"]["name"] for e in _slices(cluster)[0]["endpoints"]] == ["web-0"]


def test_placeholder_slice_when_no_endpoints() -> None:
    cluster, kubelet = _cluster(0)
    (slice_,) = _slices(cluster)
    assert slice_["endpoints"] == [] and slice_["ports"] == []
    cluster.client("test").create("pods", pod("web-0", {"app": "web"}))
    kubelet.bind("default", "web-0")
    kubelet.run("default", "web-0")
    cluster.run_for(1)
    (filled,) = _slices(cluster)
    assert filled["metadata"]["name"] == slice_["metadata"]["name"]  # the placeholder was reused
    assert len(filled["endpoints"]) == 1


def test_at_most_100_endpoints_per_slice() -> None:
    cluster, _ = _cluster(150)
    sizes = sorted(len(s["endpoints"]) for s in _slices(cluster))
    assert sizes == [50, 100]
    assert sum(1 for r in reconciles(cluster, "endpointslice-controller") if "create" in r.action) >= 1


def test_terminal_pods_and_pods_without_ip_are_left_out() -> None:
    cluster, kubelet = _cluster(1)
    api = cluster.client("test")
    api.create("pods", pod("pending", {"app": "web"}))  # no IP yet
    kubelet.finish("default", "web-0", exit_code=1)
    cluster.run_for(1)
    (slice_,) = _slices(cluster)
    assert slice_["endpoints"] == []


def test_pod_on_a_missing_node_is_skipped_and_retried_a_bounded_number_of_times() -> None:
    cluster = bare_cluster()
    (controller,) = start(cluster, EndpointSliceController)
    kubelet = FakeKubelet(cluster, "node-1")
    api = cluster.client("test")
    api.create("services", service("web", {"app": "web"}))
    api.create("pods", pod("orphan", {"app": "web"}))
    kubelet.bind("default", "orphan")
    kubelet.run("default", "orphan")
    cluster.run_for(1)
    cluster.client("admin").delete("nodes", "", "node-1")  # the pod stays bound until the pod GC removes it
    api.create("pods", pod("pending", {"app": "web"}))  # any pod event makes the Service sync again
    before = controller.queue.processed
    cluster.run_for(600)
    (slice_,) = _slices(cluster)
    assert slice_["endpoints"] == []  # no Node, no endpoint (publishNotReadyAddresses is off)
    assert 10 <= controller.queue.processed - before <= 16  # retried with back-off, then dropped


def test_the_last_endpoints_going_count_as_removed() -> None:
    """The slice turns into the placeholder: its reconcile line says -2, not +0/-0 (the DNS demo's climax)."""
    cluster, kubelet = _cluster(2)
    for name in ("web-0", "web-1"):
        cluster.client("test").delete("pods", "default", name)
        kubelet.confirm_deletion("default", name)
    cluster.run_for(1)
    (slice_,) = _slices(cluster)
    assert slice_["endpoints"] == []
    last = [r.action for r in reconciles(cluster, "endpointslice-controller")][-1]
    assert last.startswith("+0/-2 endpoints"), last
