"""VolumeBinding: claims decide where a pod may run (scheduler only: the test plays the PV controller)."""

from __future__ import annotations

from typing import Any

from kubetui.api.storage import ANN_SELECTED_NODE
from tests.scheduler.scenario import Scenario

Obj = dict[str, Any]


def claim(s: Scenario, name: str, cls: str | None = None, volume: str = "") -> None:
    spec: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    if cls is not None:
        spec["storageClassName"] = cls
    if volume:
        spec["volumeName"] = volume
    s.client.create("persistentvolumeclaims", {"apiVersion": "v1", "kind": "PersistentVolumeClaim",
                                               "metadata": {"name": name, "namespace": "default"}, "spec": spec})


def local_volume(s: Scenario, name: str, node: str, cls: str = "manual", available: bool = True) -> None:
    s.client.create("persistentvolumes", {
        "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
        "spec": {"capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": cls,
                 "local": {"path": f"/mnt/{name}"},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                     {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}}})
    if available:  # what the PV controller does to a new volume
        pv = s.cluster.get("persistentvolumes", "", name)
        assert pv is not None
        pv["status"]["phase"] = "Available"
        s.client.update_status("persistentvolumes", pv)


def storage_class(s: Scenario, name: str, mode: str, provisioner: str = "example.com/disk") -> None:
    s.client.create("storageclasses", {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                                       "metadata": {"name": name}, "provisioner": provisioner,
                                       "volumeBindingMode": mode})


def pod_with(s: Scenario, name: str, *claims: str) -> None:
    s.pod(name, volumes=[{"name": f"v{i}", "persistentVolumeClaim": {"claimName": c}} for i, c in enumerate(claims)])


def three_nodes() -> Scenario:
    s = Scenario()
    for n in ("node-1", "node-2", "node-3"):
        s.node(n)
    return s


def test_a_pod_without_claims_skips_the_plugin() -> None:
    s = three_nodes()
    s.pod("plain")
    s.run()
    [decision] = s.decisions("plain")
    assert "VolumeBinding: Filter" in decision.skipped


def test_a_missing_claim_rejects_the_pod_at_prefilter() -> None:
    s = three_nodes()
    pod_with(s, "web", "nope")
    s.run()
    [event] = s.events("web", "FailedScheduling")
    assert event["message"] == (
        '0/3 nodes are available: persistentvolumeclaim "nope" not found. '
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")
    [decision] = s.decisions("web")
    assert {(v.plugin, v.reason) for v in decision.verdicts} == {
        ("VolumeBinding", 'persistentvolumeclaim "nope" not found')}


def test_an_unbound_immediate_claim_waits_for_the_pv_controller() -> None:
    s = three_nodes()
    storage_class(s, "fast", "Immediate")
    claim(s, "data", "fast")
    pod_with(s, "web", "data")
    s.run()
    assert s.node_of("web") == ""
    [event] = s.events("web", "FailedScheduling")
    assert event["message"] == (
        "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")


def test_a_bound_local_volume_pins_the_pod_to_its_node() -> None:
    s = three_nodes()
    local_volume(s, "pv-2", "node-2")
    claim(s, "data", "manual", volume="pv-2")
    pvc = s.cluster.get("persistentvolumeclaims", "default", "data")
    assert pvc is not None
    pod_with(s, "web", "data")
    s.run()
    assert s.node_of("web") == "node-2"
    [decision] = s.decisions("web")
    # PreFilter narrowed the nodes down to the volume's (GetEligibleNodes): only node-2 is evaluated; the others
    # are listed with the reason they were left out
    assert decision.evaluated == 1
    assert [(v.node, v.feasible) for v in decision.verdicts] == [("node-2", True), ("node-1", False),
                                                                 ("node-3", False)]
    assert decision.verdicts[1].reason == "node(s) didn't satisfy plugin(s) [VolumeBinding]"


def test_bound_local_volumes_on_different_nodes_leave_no_node() -> None:
    s = three_nodes()
    local_volume(s, "pv-1", "node-1")
    local_volume(s, "pv-2", "node-2")
    claim(s, "a", "manual", volume="pv-1")
    claim(s, "b", "manual", volume="pv-2")
    pod_with(s, "web", "a", "b")
    s.run()
    [event] = s.events("web", "FailedScheduling")
    assert event["message"] == (
        "0/3 nodes are available: node(s) didn't satisfy plugin VolumeBinding. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")


def test_a_bound_volume_on_a_node_that_cannot_take_the_pod() -> None:
    s = Scenario()
    s.node("node-1")
    s.node("node-2", cpu="50m")
    local_volume(s, "pv-2", "node-2")
    claim(s, "data", "manual", volume="pv-2")
    pod_with(s, "web", "data")
    s.run()
    [event] = s.events("web", "FailedScheduling")
    assert event["message"] == (
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) didn't satisfy plugin(s) [VolumeBinding]. "
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")


def test_wait_for_first_consumer_picks_a_node_and_marks_the_claim() -> None:
    s = three_nodes()
    storage_class(s, "local", "WaitForFirstConsumer")
    claim(s, "data", "local")
    pod_with(s, "web", "data")
    s.run()
    node = s.node_of("web")
    assert node
    pvc = s.cluster.get("persistentvolumeclaims", "default", "data")
    assert pvc is not None and pvc["metadata"]["annotations"][ANN_SELECTED_NODE] == node


def test_wait_for_first_consumer_binds_a_static_volume_the_node_can_reach() -> None:
    s = three_nodes()
    storage_class(s, "local", "WaitForFirstConsumer", provisioner="kubernetes.io/no-provisioner")
    local_volume(s, "pv-3", "node-3", cls="local")
    claim(s, "data", "local")
    pod_with(s, "web", "data")
    s.run()
    assert s.node_of("web") == "node-3"
    pv = s.cluster.get("persistentvolumes", "", "pv-3")
    assert pv is not None and pv["spec"]["claimRef"]["name"] == "data"


def test_wait_for_first_consumer_without_provisioner_or_volume() -> None:
    s = three_nodes()
    storage_class(s, "local", "WaitForFirstConsumer", provisioner="kubernetes.io/no-provisioner")
    claim(s, "data", "local")
    pod_with(s, "web", "data")
    s.run()
    [event] = s.events("web", "FailedScheduling")
    assert event["message"] == (
        "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind. "
        "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")


def test_a_new_volume_wakes_the_pod_up() -> None:
    s = three_nodes()
    storage_class(s, "local", "WaitForFirstConsumer", provisioner="kubernetes.io/no-provisioner")
    claim(s, "data", "local")
    pod_with(s, "web", "data")
    s.run()
    assert s.node_of("web") == ""
    local_volume(s, "pv-1", "node-1", cls="local")
    s.run(2)
    assert s.node_of("web") == "node-1"
