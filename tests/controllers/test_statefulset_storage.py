"""StatefulSet storage: a claim per pod from volumeClaimTemplates, the retention policy's owners, and the whole
cluster: local volumes pin the pods to their nodes, also after the node dies."""

from __future__ import annotations

from typing import Any

from kubetui.controllers.garbagecollector import GarbageCollector
from kubetui.controllers.statefulset import StatefulSetController
from kubetui.controllers.volume.pvcprotection import PVCProtectionController
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import SchedulingDecision
from tests.controllers.test_endpoints_kit import FakeKubelet, bare_cluster, events, get, start, template

Obj = dict[str, Any]

CLAIM_TEMPLATE = {"metadata": {"name": "data", "labels": {"tier": "db"}},
                  "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}


def statefulset(replicas: int = 2, **spec: Any) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": replicas, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                     "template": template({"app": "web"}), "volumeClaimTemplates": [CLAIM_TEMPLATE], **spec}}


def run_all(cluster: Cluster, kubelet: FakeKubelet) -> None:
    for _ in range(4):
        for pod in cluster.objects("pods", "default"):
            if pod["status"].get("phase") == "Pending":
                kubelet.bind("default", pod["metadata"]["name"])
                kubelet.run("default", pod["metadata"]["name"])
        cluster.run_for(1)


def setup(replicas: int = 2, **spec: Any) -> tuple[Cluster, FakeKubelet]:
    cluster = bare_cluster()
    start(cluster, StatefulSetController, GarbageCollector)
    kubelet = FakeKubelet(cluster, "node-1")
    cluster.client("test").create("statefulsets", statefulset(replicas, **spec))
    cluster.run_for(1)
    run_all(cluster, kubelet)
    return cluster, kubelet


def claim_names(cluster: Cluster) -> list[str]:
    return sorted(c["metadata"]["name"] for c in cluster.objects("persistentvolumeclaims", "default")
                  if not c["metadata"].get("deletionTimestamp"))


def test_each_pod_gets_its_claim_before_it_is_created() -> None:
    cluster, _ = setup()
    assert claim_names(cluster) == ["data-web-0", "data-web-1"]
    claim = get(cluster, "persistentvolumeclaims", "data-web-0")
    assert claim["metadata"]["labels"] == {"tier": "db", "app": "web"}
    assert claim["spec"]["resources"] == {"requests": {"storage": "1Gi"}}
    assert "ownerReferences" not in claim["metadata"]  # Retain/Retain: the claims outlive the set
    pod = get(cluster, "pods", "web-1")
    assert pod["spec"]["volumes"][0] == {"name": "data", "persistentVolumeClaim": {"claimName": "data-web-1"}}
    messages = [e["message"] for e in sorted(events(cluster, "SuccessfulCreate"), key=lambda e: e["metadata"]["name"])]
    assert messages[:2] == ["create Claim data-web-0 Pod web-0 in StatefulSet web success",
                            "create Pod web-0 in StatefulSet web successful"]


def test_a_recreated_pod_mounts_the_same_claim_and_claims_stay_after_scale_down() -> None:
    cluster, kubelet = setup()
    uid = get(cluster, "persistentvolumeclaims", "data-web-1")["metadata"]["uid"]
    cluster.client("test").delete("pods", "default", "web-1", grace_period_seconds=0)
    cluster.run_for(1)
    run_all(cluster, kubelet)
    assert get(cluster, "persistentvolumeclaims", "data-web-1")["metadata"]["uid"] == uid
    cluster.client("test").scale("statefulsets", "default", "web", 1)
    cluster.run_for(2)
    assert claim_names(cluster) == ["data-web-0", "data-web-1"]


def test_retention_when_deleted_makes_the_set_the_owner() -> None:
    cluster, _ = setup(persistentVolumeClaimRetentionPolicy={"whenDeleted": "Delete"})
    sts = get(cluster, "statefulsets", "web")
    for name in ("data-web-0", "data-web-1"):
        refs = get(cluster, "persistentvolumeclaims", name)["metadata"]["ownerReferences"]
        assert refs == [{"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
                         "uid": sts["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}]
    cluster.client("test").delete("statefulsets", "default", "web")
    cluster.run_for(5)
    assert claim_names(cluster) == []  # the garbage collector removed them with their owner


def test_retention_when_scaled_makes_the_condemned_pod_the_owner() -> None:
    cluster, _ = setup(persistentVolumeClaimRetentionPolicy={"whenScaled": "Delete"})
    assert "ownerReferences" not in get(cluster, "persistentvolumeclaims", "data-web-1")["metadata"]
    pod_uid = get(cluster, "pods", "web-1")["metadata"]["uid"]
    cluster.client("test").scale("statefulsets", "default", "web", 1)
    cluster.run_for(1)
    refs = get(cluster, "persistentvolumeclaims", "data-web-1")["metadata"].get("ownerReferences") or []
    assert [(r["kind"], r["name"], r["uid"]) for r in refs] == [("Pod", "web-1", pod_uid)]
    assert "ownerReferences" not in get(cluster, "persistentvolumeclaims", "data-web-0")["metadata"]


def test_whole_cluster_local_volumes_pin_pods_and_a_dead_node_keeps_its_pod_pending() -> None:
    cluster = Cluster(3)
    api = cluster.client("test")
    api.create("statefulsets", statefulset(3))
    assert cluster.run_until(lambda: sum(p["status"].get("phase") == "Running"
                                         for p in cluster.objects("pods", "default")) == 3, timeout=300)
    pods = {p["metadata"]["name"]: p["spec"]["nodeName"] for p in cluster.objects("pods", "default")}
    for ordinal in range(3):
        claim = get(cluster, "persistentvolumeclaims", f"data-web-{ordinal}")
        assert claim["status"]["phase"] == "Bound"
        pv = get(cluster, "persistentvolumes", claim["spec"]["volumeName"], "")
        [term] = pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"]
        assert term["matchExpressions"][0]["values"] == [pods[f"web-{ordinal}"]]
        assert claim["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == pods[f"web-{ordinal}"]
    dead = pods["web-1"]
    cluster.chaos("kill-node", node=dead)
    cluster.run_for(400)  # NotReady, tainted unreachable, the pod marked for deletion (it cannot finish)
    api.delete("pods", "default", "web-1", grace_period_seconds=0)  # what `kubectl delete --force` does
    cluster.run_for(60)
    pod = get(cluster, "pods", "web-1")
    assert pod["status"]["phase"] == "Pending" and not pod["spec"].get("nodeName")
    [condition] = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert condition["message"] == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, "
        "2 node(s) didn't satisfy plugin(s) [VolumeBinding]. preemption: 0/3 nodes are available: "
        "3 Preemption is not helpful for scheduling.")
    decision = [r for r in cluster.trace.history if isinstance(r, SchedulingDecision) and r.pod == "default/web-1"][-1]
    # VolumeBinding's PreFilter narrowed the nodes down to the volume's: only the dead node is evaluated, the
    # others are listed as left out
    assert decision.evaluated == 1
    assert {v.node: v.plugin for v in decision.verdicts} == {
        n: "TaintToleration" if n == dead else "VolumeBinding" for n in ("node-1", "node-2", "node-3")}
    cluster.chaos("revive-node", node=dead)  # the node, and the data on it, come back: so does the pod
    assert cluster.run_until(lambda: get(cluster, "pods", "web-1")["status"].get("phase") == "Running", timeout=300)
    assert get(cluster, "pods", "web-1")["spec"]["nodeName"] == dead


def test_force_deleting_before_the_node_is_not_ready_puts_the_pod_back_on_the_dead_node() -> None:
    """What the manifest warns about: until node lifecycle marks the node NotReady (~50 s), it still looks Ready."""
    cluster = Cluster(3)
    api = cluster.client("test")
    api.create("statefulsets", statefulset(2))
    assert cluster.run_until(lambda: sum(p["status"].get("phase") == "Running"
                                         for p in cluster.objects("pods", "default")) == 2, timeout=300)
    dead = get(cluster, "pods", "web-1")["spec"]["nodeName"]
    cluster.chaos("kill-node", node=dead)
    cluster.run_for(10)
    api.delete("pods", "default", "web-1", grace_period_seconds=0)
    cluster.run_for(5)
    assert get(cluster, "pods", "web-1")["spec"]["nodeName"] == dead


def test_a_stale_claim_blocks_the_pod_until_the_garbage_collector_removes_it() -> None:
    """PodClaimIsStale: under whenScaled Delete, web-1's claim still owned by the old web-1 (scaled down, gone)
    must not be reused by a new web-1: the pod waits until the garbage collector has removed the claim."""
    cluster = bare_cluster()
    start(cluster, StatefulSetController)  # no garbage collector yet
    kubelet = FakeKubelet(cluster, "node-1")
    api = cluster.client("test")
    api.create("statefulsets", statefulset(2, persistentVolumeClaimRetentionPolicy={"whenScaled": "Delete"}))
    cluster.run_for(1)
    run_all(cluster, kubelet)
    claim = get(cluster, "persistentvolumeclaims", "data-web-1")
    old_uid = claim["metadata"]["uid"]
    claim["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "Pod", "name": "web-1", "uid": "old-web-1",
                                             "controller": True, "blockOwnerDeletion": True}]
    api.update("persistentvolumeclaims", claim)  # what a scale-down left behind, the old pod long gone
    api.delete("pods", "default", "web-1", grace_period_seconds=0)
    cluster.run_for(10)
    assert [p["metadata"]["name"] for p in cluster.objects("pods", "default")] == ["web-0"]
    start(cluster, GarbageCollector, PVCProtectionController)
    cluster.run_for(5)
    assert cluster.get("persistentvolumeclaims", "default", "data-web-1") is None  # collected: its owner is gone
    # The controller does not watch claims (nor does v1.32's): the set's next event syncs it again.
    api.patch("statefulsets", "default", "web", {"metadata": {"labels": {"touch": "1"}}})
    cluster.run_for(1)
    run_all(cluster, kubelet)
    assert get(cluster, "persistentvolumeclaims", "data-web-1")["metadata"]["uid"] != old_uid  # a fresh claim
    assert get(cluster, "pods", "web-1")["status"]["phase"] == "Running"


def test_a_claim_another_controller_owns_is_left_alone() -> None:
    cluster, kubelet = setup(persistentVolumeClaimRetentionPolicy={"whenDeleted": "Delete"})
    run_all(cluster, kubelet)
    api = cluster.client("test")
    claim = get(cluster, "persistentvolumeclaims", "data-web-0")
    claim["metadata"]["ownerReferences"] = [{"apiVersion": "example.com/v1", "kind": "Operator", "name": "op",
                                             "uid": "op-uid", "controller": True}]
    api.update("persistentvolumeclaims", claim)
    api.patch("statefulsets", "default", "web", {"metadata": {"labels": {"touch": "1"}}})  # a sync
    cluster.run_for(2)
    refs = get(cluster, "persistentvolumeclaims", "data-web-0")["metadata"]["ownerReferences"]
    assert [r["kind"] for r in refs] == ["Operator"]
    assert events(cluster, "ConflictingController") == []  # no ref of ours to clean up: nothing said
