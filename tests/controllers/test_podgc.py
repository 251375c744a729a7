"""The pod garbage collector: orphans of vanished nodes, too many finished pods, stuck terminating pods."""

from __future__ import annotations

from typing import Any

from kubetui.controllers.podgc import PodGCController
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ApiRequest
from tests.controllers.test_replicaset_kit import bare_cluster, node_object, pod, reconciles, run, start

Obj = dict[str, Any]


def setup(threshold: int | None = None) -> tuple[Cluster, PodGCController]:
    cluster = bare_cluster(11)
    (gc,) = start(cluster, PodGCController)
    assert isinstance(gc, PodGCController)
    if threshold is not None:
        gc.terminated_pod_threshold = threshold
    return cluster, gc


def bound_pod(cluster: Cluster, name: str, node: str, phase: str | None = None, reason: str = "") -> Obj:
    cluster.client("kubectl").create("pods", pod(name, {"app": "x"}))
    cluster.client("kube-scheduler").bind("default", name, node)
    created = cluster.get("pods", "default", name)
    assert created is not None
    stored = run(cluster, created)
    if phase:
        stored["status"]["phase"] = phase
        if reason:
            stored["status"]["reason"] = reason
        stored = cluster.client("kubelet/fake").update_status("pods", stored)
    return stored


def test_pods_of_a_node_that_is_gone_are_force_deleted_after_the_quarantine() -> None:
    cluster, _ = setup()
    api = cluster.client("kubectl")
    api.create("nodes", node_object("node-1"))
    bound_pod(cluster, "lost", "node-1")
    bound_pod(cluster, "kept", "node-2")  # node-2 never existed either
    api.create("nodes", node_object("node-2"))
    api.delete("nodes", "", "node-1")
    cluster.run_for(39)
    assert cluster.get("pods", "default", "lost") is not None  # still quarantined
    cluster.run_for(30)
    assert cluster.get("pods", "default", "lost") is None
    assert cluster.get("pods", "default", "kept") is not None
    patches = [r for r in cluster.trace.history if isinstance(r, ApiRequest) and r.who == "pod-garbage-collector"
               and r.verb == "patch" and r.name == "lost"]
    assert [p.subresource for p in patches] == ["status"]  # marked Failed with DisruptionTarget first
    action = reconciles(cluster, "pod-garbage-collector")[-1].action
    assert action == "force-delete default/lost (node node-1 no longer exists)"


def test_finished_pods_over_the_threshold_go_evicted_first_then_oldest() -> None:
    cluster, _ = setup(threshold=2)
    cluster.client("kubectl").create("nodes", node_object("node-1"))
    bound_pod(cluster, "old-done", "node-1", "Succeeded")
    cluster.run_for(5)
    bound_pod(cluster, "newer-done", "node-1", "Succeeded")
    bound_pod(cluster, "evicted", "node-1", "Failed", reason="Evicted")
    bound_pod(cluster, "running", "node-1")
    cluster.run_for(5)
    cluster.run_for(25)
    left = sorted(p["metadata"]["name"] for p in cluster.objects("pods", "default"))
    assert left == ["newer-done", "old-done", "running"]  # one over the threshold of 2: the evicted one
    bound_pod(cluster, "latest-done", "node-1", "Failed")
    cluster.run_for(25)
    left = sorted(p["metadata"]["name"] for p in cluster.objects("pods", "default"))
    assert left == ["latest-done", "newer-done", "running"]  # then the oldest


def test_terminating_pods_on_an_out_of_service_node_are_force_deleted() -> None:
    cluster, _ = setup()
    taint = [{"key": "node.kubernetes.io/out-of-service", "value": "nodeshutdown", "effect": "NoExecute"}]
    cluster.client("kubectl").create("nodes", node_object("node-1", ready=False, taints=taint))
    cluster.client("kubectl").create("nodes", node_object("node-2", ready=False))
    for name, node in (("stuck", "node-1"), ("waiting", "node-2")):
        bound_pod(cluster, name, node)
        cluster.client("kubectl").delete("pods", "default", name)  # graceful: no kubelet will finish it
    cluster.run_for(25)
    assert cluster.get("pods", "default", "stuck") is None
    assert cluster.get("pods", "default", "waiting") is not None  # not out of service: left to the kubelet
