"""The volume controllers: the PV binder, PVC/PV protection and the local-path provisioner, on the fast clock."""

from __future__ import annotations

from typing import Any

from kubetui.api.storage import (
    ANN_BIND_COMPLETED,
    ANN_BOUND_BY_CONTROLLER,
    ANN_SELECTED_NODE,
    ANN_STORAGE_PROVISIONER,
    PV_PROTECTION_FINALIZER,
    PVC_PROTECTION_FINALIZER,
)
from kubetui.controllers.volume.localpath import LocalPathProvisioner
from kubetui.controllers.volume.persistentvolume import PersistentVolumeController
from kubetui.controllers.volume.pvcprotection import PVCProtectionController
from kubetui.controllers.volume.pvprotection import PVProtectionController
from kubetui.sim.cluster import Cluster
from tests.controllers.test_endpoints_kit import bare_cluster, events, get, start

Obj = dict[str, Any]


def claim(name: str = "data", size: str = "1Gi", cls: str | None = None, **spec: Any) -> Obj:
    body: Obj = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": size}}, **spec}
    if cls is not None:
        body["storageClassName"] = cls
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name, "namespace": "default"},
            "spec": body}


def volume(name: str, size: str = "1Gi", cls: str = "manual", labels: dict[str, str] | None = None,
           policy: str | None = None, **spec: Any) -> Obj:
    body: Obj = {"capacity": {"storage": size}, "accessModes": ["ReadWriteOnce"], "storageClassName": cls,
                 "hostPath": {"path": f"/mnt/{name}"}, **spec}
    if policy:
        body["persistentVolumeReclaimPolicy"] = policy
    return {"apiVersion": "v1", "kind": "PersistentVolume",
            "metadata": {"name": name, "labels": labels or {}}, "spec": body}


def immediate_class(name: str = "fast", provisioner: str = "rancher.io/local-path") -> Obj:
    return {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": name},
            "provisioner": provisioner}


def controllers(cluster: Cluster) -> None:
    start(cluster, PersistentVolumeController, PVCProtectionController, PVProtectionController, LocalPathProvisioner)


def test_a_claim_binds_to_the_smallest_available_volume_that_fits() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    for name, size in (("big", "10Gi"), ("small", "500Mi"), ("fits", "2Gi"), ("also", "5Gi")):
        api.create("persistentvolumes", volume(name, size))
    api.create("persistentvolumeclaims", claim(size="1Gi", cls="manual"))
    cluster.run_for(1)
    pvc = get(cluster, "persistentvolumeclaims", "data")
    assert pvc["spec"]["volumeName"] == "fits"
    assert pvc["status"] == {"phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "2Gi"}}
    assert pvc["metadata"]["annotations"][ANN_BIND_COMPLETED] == "yes"
    assert pvc["metadata"]["annotations"][ANN_BOUND_BY_CONTROLLER] == "yes"
    pv = get(cluster, "persistentvolumes", "fits", "")
    assert pv["status"]["phase"] == "Bound"
    assert pv["spec"]["claimRef"]["name"] == "data" and pv["spec"]["claimRef"]["uid"] == pvc["metadata"]["uid"]
    assert pv["metadata"]["annotations"][ANN_BOUND_BY_CONTROLLER] == "yes"
    assert [get(cluster, "persistentvolumes", n, "")["status"]["phase"] for n in ("big", "small", "also")] == [
        "Available"] * 3


def test_class_access_modes_and_selector_must_match() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumes", volume("other-class", cls="slow"))
    api.create("persistentvolumes", volume("rox", accessModes=["ReadOnlyMany"]))
    api.create("persistentvolumes", volume("unlabelled"))
    api.create("persistentvolumes", volume("labelled", labels={"tier": "gold"}))
    api.create("persistentvolumeclaims", claim(cls="manual", selector={"matchLabels": {"tier": "gold"}}))
    cluster.run_for(1)
    assert get(cluster, "persistentvolumeclaims", "data")["spec"]["volumeName"] == "labelled"


def test_no_volume_and_no_class_stays_pending_with_failed_binding() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    cluster.client("test").create("persistentvolumeclaims", claim(cls=""))
    cluster.run_for(1)
    assert get(cluster, "persistentvolumeclaims", "data")["status"]["phase"] == "Pending"
    assert [e["message"] for e in events(cluster, "FailedBinding")] == [
        "no persistent volumes available for this claim and no storage class is set"]


def test_wait_for_first_consumer_waits_for_the_selected_node_then_provisions_there() -> None:
    cluster = bare_cluster()  # the default class 'standard' binds WaitForFirstConsumer
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumeclaims", claim())
    cluster.run_for(5)
    pvc = get(cluster, "persistentvolumeclaims", "data")
    assert pvc["spec"]["storageClassName"] == "standard"  # DefaultStorageClass admission
    assert pvc["status"]["phase"] == "Pending"
    assert [e["message"] for e in events(cluster, "WaitForFirstConsumer")] == [
        "waiting for first consumer to be created before binding"]
    assert cluster.objects("persistentvolumes") == []
    pvc["metadata"].setdefault("annotations", {})[ANN_SELECTED_NODE] = "node-2"  # what the scheduler does
    api.update("persistentvolumeclaims", pvc)
    cluster.run_for(5)
    pvc = get(cluster, "persistentvolumeclaims", "data")
    uid = pvc["metadata"]["uid"]
    assert pvc["metadata"]["annotations"][ANN_STORAGE_PROVISIONER] == "rancher.io/local-path"
    assert pvc["status"]["phase"] == "Bound" and pvc["spec"]["volumeName"] == f"pvc-{uid}"
    pv = get(cluster, "persistentvolumes", f"pvc-{uid}", "")
    assert pv["spec"]["capacity"] == {"storage": "1Gi"}
    assert pv["spec"]["persistentVolumeReclaimPolicy"] == "Delete"
    assert pv["spec"]["hostPath"]["path"] == f"/var/local-path-provisioner/pvc-{uid}_default_data"
    assert pv["spec"]["nodeAffinity"]["required"]["nodeSelectorTerms"][0]["matchExpressions"][0]["values"] == [
        "node-2"]
    assert pv["metadata"]["annotations"]["pv.kubernetes.io/provisioned-by"] == "rancher.io/local-path"
    assert pv["metadata"]["finalizers"] == [PV_PROTECTION_FINALIZER]
    reasons = [e["reason"] for e in sorted(events(cluster, name="data"), key=lambda e: e["metadata"]["name"])]
    assert reasons == ["WaitForFirstConsumer", "ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"]
    assert events(cluster, "ProvisioningSucceeded")[0]["message"] == f"Successfully provisioned volume pvc-{uid}"


def test_an_immediate_class_provisions_at_once() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("storageclasses", immediate_class("other", provisioner="example.com/nfs"))
    api.create("persistentvolumeclaims", claim(cls="other"))
    cluster.run_for(5)
    pvc = get(cluster, "persistentvolumeclaims", "data")
    assert pvc["metadata"]["annotations"][ANN_STORAGE_PROVISIONER] == "example.com/nfs"
    assert [e["message"] for e in events(cluster, "ExternalProvisioning")] == [
        "Waiting for a volume to be created either by the external provisioner 'example.com/nfs' or manually by "
        "the system administrator. If volume creation is delayed, please verify that the provisioner is running "
        "and correctly registered."]
    assert pvc["status"]["phase"] == "Pending"


def test_delete_policy_removes_the_provisioned_volume_retain_keeps_it_released() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumes", volume("kept", policy="Retain"))
    api.create("persistentvolumeclaims", claim("a", cls="manual"))
    api.create("persistentvolumeclaims", claim("b"))
    cluster.run_for(1)
    pvc = get(cluster, "persistentvolumeclaims", "b")
    pvc["metadata"]["annotations"] = {ANN_SELECTED_NODE: "node-1"}
    api.update("persistentvolumeclaims", pvc)
    cluster.run_for(5)
    provisioned = get(cluster, "persistentvolumeclaims", "b")["spec"]["volumeName"]
    api.delete("persistentvolumeclaims", "default", "a")
    api.delete("persistentvolumeclaims", "default", "b")
    cluster.run_for(5)
    assert cluster.objects("persistentvolumeclaims") == []
    kept = get(cluster, "persistentvolumes", "kept", "")
    assert kept["status"]["phase"] == "Released"
    assert kept["spec"]["claimRef"]["name"] == "a"
    assert cluster.get("persistentvolumes", "", provisioned) is None


def test_pvc_protection_keeps_a_claim_a_pod_uses() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumeclaims", claim(cls=""))
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "user", "namespace": "default"},
           "spec": {"nodeName": "node-1", "containers": [{"name": "c", "image": "nginx:1.27"}],
                    "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}}
    api.create("pods", pod)
    cluster.run_for(1)
    assert get(cluster, "persistentvolumeclaims", "data")["metadata"]["finalizers"] == [PVC_PROTECTION_FINALIZER]
    api.delete("persistentvolumeclaims", "default", "data")
    cluster.run_for(5)
    assert get(cluster, "persistentvolumeclaims", "data")["metadata"].get("deletionTimestamp")
    api.delete("pods", "default", "user", grace_period_seconds=0)
    cluster.run_for(5)
    assert cluster.get("persistentvolumeclaims", "default", "data") is None


def test_pv_protection_keeps_a_bound_volume() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumes", volume("pv1"))
    api.create("persistentvolumeclaims", claim(cls="manual"))
    cluster.run_for(1)
    api.delete("persistentvolumes", "", "pv1")
    cluster.run_for(5)
    assert get(cluster, "persistentvolumes", "pv1", "")["metadata"].get("deletionTimestamp")
    api.delete("persistentvolumeclaims", "default", "data")
    cluster.run_for(5)  # the claim goes, the volume is Released, then it may go too
    assert cluster.get("persistentvolumes", "", "pv1") is None


def test_a_bound_claim_whose_volume_is_gone_is_lost() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumes", volume("pv1"))
    api.create("persistentvolumeclaims", claim(cls="manual"))
    cluster.run_for(1)
    pv = get(cluster, "persistentvolumes", "pv1", "")
    pv["metadata"]["finalizers"] = []
    api.update("persistentvolumes", pv)
    pv = get(cluster, "persistentvolumes", "pv1", "")
    pv["status"]["phase"] = "Available"
    api.update_status("persistentvolumes", pv)  # so pv-protection does not hold it
    api.delete("persistentvolumes", "", "pv1")
    cluster.run_for(2)
    assert get(cluster, "persistentvolumeclaims", "data")["status"]["phase"] == "Lost"
    assert [e["message"] for e in events(cluster, "ClaimLost")] == [
        "Bound claim has lost its PersistentVolume. Data on the volume is lost!"]


def test_the_controller_resyncs_so_a_waiting_claims_event_repeats() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    cluster.client("test").create("persistentvolumeclaims", claim())
    cluster.run_for(31)
    [event] = events(cluster, "WaitForFirstConsumer")
    assert event["count"] == 3  # at 0 s, then at each 15 s resync: "(x3 over 30s)" in kubectl describe


def test_local_path_refuses_what_rancher_refuses() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("storageclasses", immediate_class("now"))
    for name, spec in (("rwx", {"accessModes": ["ReadWriteMany"]}), ("blk", {"volumeMode": "Block"}),
                       ("sel", {"selector": {"matchLabels": {"tier": "gold"}}})):
        api.create("persistentvolumeclaims", claim(name, **spec))
        pvc = get(cluster, "persistentvolumeclaims", name)
        pvc["metadata"].setdefault("annotations", {})[ANN_SELECTED_NODE] = "node-1"  # what the scheduler does
        api.update("persistentvolumeclaims", pvc)
    api.create("persistentvolumeclaims", claim("nonode", cls="now"))  # Immediate: nobody selects a node
    cluster.run_for(5)
    assert cluster.objects("persistentvolumes") == []
    failed = {e["involvedObject"]["name"]: e["message"] for e in events(cluster, "ProvisioningFailed")}
    prefix = 'failed to provision volume with StorageClass "standard": '
    assert failed == {
        "rwx": prefix + "NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes",
        "blk": "rancher.io/local-path does not support block volume provisioning",
        "sel": prefix + "claim.Spec.Selector is not supported",
        "nonode": 'failed to provision volume with StorageClass "now": configuration error, no node was specified',
    }
    assert {e["involvedObject"]["name"] for e in events(cluster, "Provisioning")} == {"rwx", "sel", "nonode"}
    for name in ("rwx", "blk", "sel"):  # a final error: the library keeps the selected node
        pvc = get(cluster, "persistentvolumeclaims", name)
        assert pvc["metadata"]["annotations"][ANN_SELECTED_NODE] == "node-1"
        assert pvc["status"]["phase"] == "Pending"


def test_a_claim_naming_a_volume_that_does_not_satisfy_it_gets_volume_mismatch() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumes", volume("small", "500Mi"))
    api.create("persistentvolumes", volume("slow", cls="slow"))
    api.create("persistentvolumes", volume("block", volumeMode="Block"))
    api.create("persistentvolumes", volume("rox", accessModes=["ReadOnlyMany"]))
    for name in ("small", "slow", "block", "rox"):
        api.create("persistentvolumeclaims", claim(f"want-{name}", cls="manual", volumeName=name))
    cluster.run_for(1)
    mismatches = {e["involvedObject"]["name"]: e["message"] for e in events(cluster, "VolumeMismatch")}
    assert mismatches == {
        "want-small": 'Cannot bind to requested volume "small": requested PV is too small',
        "want-slow": 'Cannot bind to requested volume "slow": storageClassName does not match',
        "want-block": 'Cannot bind to requested volume "block": incompatible volumeMode',
        "want-rox": 'Cannot bind to requested volume "rox": incompatible accessMode',
    }
    for name in ("small", "slow", "block", "rox"):
        assert get(cluster, "persistentvolumeclaims", f"want-{name}")["status"]["phase"] == "Pending"
        assert "claimRef" not in get(cluster, "persistentvolumes", name, "")["spec"]


def test_a_released_volume_does_not_rebind_to_a_new_claim_of_the_same_name() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumes", volume("kept", policy="Retain"))
    api.create("persistentvolumeclaims", claim("a", cls="manual"))
    cluster.run_for(1)
    old_uid = get(cluster, "persistentvolumeclaims", "a")["metadata"]["uid"]
    api.delete("persistentvolumeclaims", "default", "a")
    cluster.run_for(1)
    api.create("persistentvolumeclaims", claim("a", cls="manual", volumeName="kept"))
    cluster.run_for(1)
    pvc = get(cluster, "persistentvolumeclaims", "a")
    assert pvc["status"]["phase"] == "Pending" and pvc["metadata"]["uid"] != old_uid
    kept = get(cluster, "persistentvolumes", "kept", "")
    assert kept["status"]["phase"] == "Released" and kept["spec"]["claimRef"]["uid"] == old_uid
    assert [e["message"] for e in events(cluster, "FailedBinding")] == [
        'volume "kept" already bound to a different claim.']


def test_reclaim_in_the_words_of_the_in_tree_plugins() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    sources = {"var": {"hostPath": {"path": "/var/data"}}, "tmp": {"hostPath": {"path": "/tmp/data"}},
               "local": {"hostPath": None, "local": {"path": "/mnt/disk"},
                         "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                             {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-1"]}]}]}}}}
    for policy in ("Delete", "Recycle"):
        for source, spec in sources.items():
            name = f"{policy.lower()}-{source}"
            api.create("persistentvolumes", volume(name, policy=policy, **spec))
            api.create("persistentvolumeclaims", claim(name, cls="manual", volumeName=name))
    cluster.run_for(1)
    for pvc in cluster.objects("persistentvolumeclaims", "default"):
        assert pvc["status"]["phase"] == "Bound"
        api.delete("persistentvolumeclaims", "default", pvc["metadata"]["name"])
    cluster.run_for(5)
    failed = {e["involvedObject"]["name"]: (e["reason"], e["message"]) for e in events(cluster)
              if e["type"] == "Warning"}
    assert failed == {
        "delete-var": ("VolumeFailedDelete", "host_path deleter only supports /tmp/.+ but received provided /var/data"),
        "delete-local": ("VolumeFailedDelete", 'error getting deleter volume plugin for volume "delete-local": '
                                               "no deletable volume plugin matched"),
        "recycle-local": ("VolumeFailedRecycle", "No recycler plugin found for the volume!"),
    }
    for name, (_reason, message) in failed.items():
        pv = get(cluster, "persistentvolumes", name, "")
        assert (pv["status"]["phase"], pv["status"]["message"]) == ("Failed", message)
    assert cluster.get("persistentvolumes", "", "delete-tmp") is None  # the deleter removed it
    for name in ("recycle-var", "recycle-tmp"):  # scrubbed and free again (the controller bound it: no claimRef)
        pv = get(cluster, "persistentvolumes", name, "")
        assert pv["status"]["phase"] == "Available" and "claimRef" not in pv["spec"]
    assert {e["involvedObject"]["name"] for e in events(cluster, "VolumeRecycled")} == {"recycle-var", "recycle-tmp"}


def test_a_waiting_claim_names_the_pods_that_are_not_scheduled_yet() -> None:
    cluster = bare_cluster()  # no scheduler: pods stay unscheduled
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumeclaims", claim())
    cluster.run_for(1)
    assert [e["message"] for e in events(cluster, "WaitForFirstConsumer")] == [
        "waiting for first consumer to be created before binding"]

    def pod(name: str) -> Obj:
        return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                "spec": {"containers": [{"name": "c", "image": "nginx"}],
                         "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}}

    api.create("pods", pod("web-b"))
    cluster.run_for(16)  # the next resync
    assert [e["message"] for e in events(cluster, "WaitForPodScheduled")] == ["waiting for pod web-b to be scheduled"]
    api.create("pods", pod("web-a"))
    cluster.run_for(15)
    assert sorted(e["message"] for e in events(cluster, "WaitForPodScheduled")) == [
        "waiting for pod web-b to be scheduled", "waiting for pods web-a,web-b to be scheduled"]


def test_claim_misbound_is_reported_once_not_at_every_resync() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.create("persistentvolumes", volume("pv1"))
    api.create("persistentvolumeclaims", claim(cls="manual"))
    cluster.run_for(1)
    pv = get(cluster, "persistentvolumes", "pv1", "")
    pv["spec"]["claimRef"] = {**pv["spec"]["claimRef"], "name": "other", "uid": "not-this-claim"}
    api.update("persistentvolumes", pv)
    cluster.run_for(61)  # four resyncs
    assert get(cluster, "persistentvolumeclaims", "data")["status"]["phase"] == "Lost"
    [event] = events(cluster, "ClaimMisbound")
    assert event["message"] == "Two claims are bound to the same volume, this one is bound incorrectly"
    assert event.get("count", 1) == 1


def test_a_claim_made_before_the_default_class_gets_it_retroactively() -> None:
    cluster = bare_cluster()
    controllers(cluster)
    api = cluster.client("test")
    api.delete("storageclasses", "", "standard")
    api.create("persistentvolumeclaims", claim())
    api.create("persistentvolumeclaims", claim("none", cls=""))  # "" asks for no class: left alone
    cluster.run_for(1)
    assert "storageClassName" not in get(cluster, "persistentvolumeclaims", "data")["spec"]
    api.create("storageclasses", {**immediate_class("later"), "metadata": {
        "name": "later", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}})
    cluster.run_for(16)  # the next resync
    assert get(cluster, "persistentvolumeclaims", "data")["spec"]["storageClassName"] == "later"
    assert get(cluster, "persistentvolumeclaims", "none")["spec"]["storageClassName"] == ""
    assert get(cluster, "persistentvolumeclaims", "data")["metadata"]["annotations"][ANN_STORAGE_PROVISIONER] == (
        "rancher.io/local-path")


def test_a_bound_claims_capacity_is_set_once_as_it_binds() -> None:
    """updateClaimStatus copies the volume's capacity only when the claim becomes Bound: a later change of the
    volume's capacity does not follow into the claim (a difference may be deliberate)."""
    cluster = Cluster(0, nodes=[], scheduler=False, controllers=True)
    api = cluster.client("kubectl")
    api.create("persistentvolumes", {
        "apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "small"},
        "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"], "storageClassName": "manual",
                 "hostPath": {"path": "/mnt/small"}}})
    api.create("persistentvolumeclaims", {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "manual",
                 "resources": {"requests": {"storage": "1Gi"}}}}, "default")
    cluster.run_for(20)
    claim = cluster.get("persistentvolumeclaims", "default", "data")
    assert claim is not None and claim["status"]["phase"] == "Bound" and claim["status"]["capacity"] == {
        "storage": "1Gi"}
    api.merge_patch("persistentvolumes", "", "small", {"spec": {"capacity": {"storage": "5Gi"}}})
    cluster.run_for(40)  # two resyncs
    claim = cluster.get("persistentvolumeclaims", "default", "data")
    assert claim is not None and claim["status"]["capacity"] == {"storage": "1Gi"}
