"""The kubelet's volume wait: a pod whose claim is not Bound stays ContainerCreating, then starts."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import NodeSpec
from kubetui.node.volumes import ATTACH_AND_MOUNT_TIMEOUT
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import NodeActivity


def test_a_pod_waits_for_its_claim_to_be_bound() -> None:
    cluster = Cluster(seed=3, nodes=[NodeSpec("node-1")], scheduler=False, controllers=False)
    api = cluster.client("test")
    api.create("persistentvolumeclaims", {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}, "default")
    api.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db"},
                        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}],
                                 "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]}},
               "default")
    api.bind("default", "db", "node-1")
    cluster.run_for(ATTACH_AND_MOUNT_TIMEOUT + 10)
    pod: Any = cluster.get("pods", "default", "db")
    assert pod["status"]["phase"] == "Pending"
    assert pod["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "ContainerCreating"}}
    activity = [(r.what, r.detail) for r in cluster.trace.history
                if isinstance(r, NodeActivity) and r.pod == "default/db"]
    assert ("waiting for volumes", "data: error processing PVC default/data: PVC is not bound") in activity
    assert ("volume mount timed out", "unmounted volumes=[data], unattached volumes=[], failed to process "
            "volumes=[data]: context deadline exceeded") in activity
    assert not [e for e in cluster.objects("events", "default") if e["reason"] == "FailedMount"]  # v1.32 is silent
    claim: Any = cluster.get("persistentvolumeclaims", "default", "data")
    claim["spec"]["volumeName"] = "pv1"  # what the PV controller would do
    api.update("persistentvolumeclaims", claim)
    claim = cluster.get("persistentvolumeclaims", "default", "data")
    claim["status"] = {"phase": "Bound"}
    api.update_status("persistentvolumeclaims", claim)
    cluster.run_for(15)
    pod = cluster.get("pods", "default", "db")
    assert pod["status"]["phase"] == "Running"


def test_a_pod_does_not_start_on_a_claim_being_deleted() -> None:
    cluster = Cluster(seed=3, nodes=[NodeSpec("node-1")], scheduler=False, controllers=False)
    api = cluster.client("test")
    api.create("persistentvolumeclaims", {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                 "volumeName": "pv1"}}, "default")
    claim: Any = cluster.get("persistentvolumeclaims", "default", "data")
    claim["status"] = {"phase": "Bound"}
    api.update_status("persistentvolumeclaims", claim)
    api.delete("persistentvolumeclaims", "default", "data")  # the pvc-protection finalizer keeps it, Terminating
    api.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db"},
                        "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}],
                                 "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}]}},
               "default")
    api.bind("default", "db", "node-1")
    cluster.run_for(60)
    pod: Any = cluster.get("pods", "default", "db")
    assert pod["status"]["phase"] == "Pending"
    assert pod["status"]["containerStatuses"][0]["state"] == {"waiting": {"reason": "ContainerCreating"}}
    activity = [(r.what, r.detail) for r in cluster.trace.history
                if isinstance(r, NodeActivity) and r.pod == "default/db"]
    assert ("waiting for volumes", "data: error processing PVC default/data: PVC is being deleted") in activity
