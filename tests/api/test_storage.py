"""Storage kinds: defaults, validation in Kubernetes' words, admission (default class, protection finalizers),
and kubectl's columns."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.api.defaults import apply_defaults
from kubetui.api.meta import timestamp
from kubetui.api.validation import validate
from kubetui.apiserver.errors import ApiError
from kubetui.http.tables import print_pv, print_pvc, print_storageclass
from kubetui.sim.cluster import Cluster

Obj = dict[str, Any]


def pvc(**spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "default"},
            "spec": spec}


def pv(**spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}, "spec": spec}


def messages(obj: Obj, old: Obj | None = None) -> list[str]:
    apply_defaults(obj)
    return [str(e) for e in validate(obj, old)]


GOOD_PVC = {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
GOOD_PV = {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}, "hostPath": {"path": "/mnt/a"}}


def test_defaults() -> None:
    claim = pvc(**GOOD_PVC)
    apply_defaults(claim)
    assert claim["spec"]["volumeMode"] == "Filesystem" and claim["status"] == {"phase": "Pending"}
    volume = pv(**GOOD_PV)
    apply_defaults(volume)
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    assert volume["spec"]["volumeMode"] == "Filesystem" and volume["spec"]["hostPath"]["type"] == ""
    sc: Obj = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "x"},
               "provisioner": "example.com/x"}
    apply_defaults(sc)
    assert (sc["reclaimPolicy"], sc["volumeBindingMode"]) == ("Delete", "Immediate")


@pytest.mark.parametrize(("spec", "expected"), [
    ({}, ["spec.accessModes: Required value: at least 1 access mode is required",
          "spec.resources[storage]: Required value"]),
    ({**GOOD_PVC, "accessModes": ["ReadWriteSometimes"]},
     ['spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", '
      '"ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"']),
    ({**GOOD_PVC, "accessModes": ["ReadWriteOncePod", "ReadWriteOnce"]},
     ["spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"]),
    ({**GOOD_PVC, "resources": {"requests": {"storage": "0"}}},
     ['spec.resources[storage]: Invalid value: "0": must be greater than zero']),
    ({**GOOD_PVC, "volumeMode": "Disk"},
     ['spec.volumeMode: Unsupported value: "Disk": supported values: "Block", "Filesystem"']),
])
def test_pvc_validation(spec: Obj, expected: list[str]) -> None:
    assert messages(pvc(**spec)) == expected


def test_pvc_spec_is_immutable_except_a_bound_claims_request() -> None:
    old = pvc(**GOOD_PVC)
    apply_defaults(old)
    changed = pvc(**{**GOOD_PVC, "accessModes": ["ReadWriteMany"]})
    assert messages(changed, old) == [
        "spec: Forbidden: spec is immutable after creation except resources.requests and "
        "volumeAttributesClassName for bound claims"]
    named = pvc(**{**GOOD_PVC, "volumeName": "pv1"})  # the PV controller may name the volume once
    assert messages(named, old) == []
    bound_old = pvc(**GOOD_PVC)
    apply_defaults(bound_old)
    bound_old["status"] = {"phase": "Bound"}
    grown = pvc(**{**GOOD_PVC, "resources": {"requests": {"storage": "2Gi"}}})
    grown["status"] = {"phase": "Bound"}
    assert messages(grown, bound_old) == []
    shrunk = pvc(**{**GOOD_PVC, "resources": {"requests": {"storage": "500Mi"}}})
    shrunk["status"] = {"phase": "Bound"}
    assert messages(shrunk, bound_old) == [
        "spec.resources.requests.storage: Forbidden: field can not be less than previous value"]


@pytest.mark.parametrize(("spec", "expected"), [
    ({"accessModes": ["ReadWriteOnce"], "hostPath": {"path": "/x"}}, ["spec.capacity: Required value"]),
    ({**GOOD_PV, "hostPath": None}, ["spec: Required value: must specify a volume type"]),
    ({**GOOD_PV, "persistentVolumeReclaimPolicy": "Keep"},
     ['spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", '
      '"Retain"']),
    ({**GOOD_PV, "hostPath": None, "local": {"path": "/mnt/disk"}},
     ["spec.nodeAffinity: Required value: Local volume requires node affinity"]),
    ({**GOOD_PV, "accessModes": []}, ["spec.accessModes: Required value"]),
    ({**GOOD_PV, "nfs": {"server": "a", "path": "/b"}, "csi": {"driver": "d", "volumeHandle": "h"},
      "cephfs": {"monitors": ["m"]}},
     ["spec.nfs: Forbidden: may not specify more than 1 volume type",
      "spec.cephFS: Forbidden: may not specify more than 1 volume type",
      "spec.csi: Forbidden: may not specify more than 1 volume type"]),
    ({**GOOD_PV, "hostPath": None, "local": {"path": "/mnt/disk"}, "nodeAffinity": {}},
     ["spec.nodeAffinity.required: Required value: must specify required node constraints"]),
])
def test_pv_validation(spec: Obj, expected: list[str]) -> None:
    assert messages(pv(**spec)) == expected


def test_storageclass_validation() -> None:
    sc: Obj = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "x"},
               "volumeBindingMode": "Later"}
    assert messages(sc) == ["provisioner: Required value",
                            'volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", '
                            '"WaitForFirstConsumer"']
    old: Obj = {"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "x"},
                "provisioner": "example.com/x"}
    apply_defaults(old)
    new = {**old, "provisioner": "example.com/y", "reclaimPolicy": "Retain"}
    assert messages(new, old) == ["provisioner: Forbidden: updates to provisioner are forbidden.",
                                  "reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden."]


def test_admission_default_class_and_protection_finalizers() -> None:
    cluster = Cluster(0, nodes=[], scheduler=False, controllers=False)
    api = cluster.client("test")
    sc = cluster.get("storageclasses", "", "standard")
    assert sc is not None and sc["provisioner"] == "rancher.io/local-path"
    assert sc["volumeBindingMode"] == "WaitForFirstConsumer" and sc["reclaimPolicy"] == "Delete"
    created = api.create("persistentvolumeclaims", pvc(**GOOD_PVC))
    assert created["spec"]["storageClassName"] == "standard"
    assert created["metadata"]["finalizers"] == ["kubernetes.io/pvc-protection"]
    explicit = api.create("persistentvolumeclaims", {**pvc(**GOOD_PVC, storageClassName=""),
                                                     "metadata": {"name": "none", "namespace": "default"}})
    assert explicit["spec"]["storageClassName"] == ""  # "" asks for no class: the plugin leaves it
    volume = api.create("persistentvolumes", pv(**GOOD_PV))
    assert volume["metadata"]["finalizers"] == ["kubernetes.io/pv-protection"]
    assert volume["status"] == {"phase": "Pending", "lastPhaseTransitionTime": timestamp(cluster.clock.now)}
    with pytest.raises(ApiError) as err:
        api.create("persistentvolumeclaims", {**pvc(), "metadata": {"name": "bad", "namespace": "default"}})
    assert err.value.message == (
        'PersistentVolumeClaim "bad" is invalid: [spec.accessModes: Required value: at least 1 access mode is '
        "required, spec.resources[storage]: Required value]")


def test_no_default_class_leaves_the_claim_classless() -> None:
    cluster = Cluster(0, nodes=[], scheduler=False, controllers=False)
    api = cluster.client("test")
    api.delete("storageclasses", "", "standard")
    created = api.create("persistentvolumeclaims", pvc(**GOOD_PVC))
    assert "storageClassName" not in created["spec"]


def test_columns() -> None:
    claim = pvc(**GOOD_PVC, storageClassName="standard", volumeMode="Filesystem")
    claim["metadata"]["creationTimestamp"] = timestamp(0)
    claim["status"] = {"phase": "Pending"}
    assert print_pvc(claim, 90) == ["data", "Pending", "", "", "", "standard", "<unset>", "90s", "Filesystem"]
    claim["spec"]["volumeName"] = "pvc-1"
    claim["status"] = {"phase": "Bound", "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                       "capacity": {"storage": "1024Mi"}}
    assert print_pvc(claim, 90)[:6] == ["data", "Bound", "pvc-1", "1Gi", "RWO,ROX", "standard"]
    volume = pv(**GOOD_PV, persistentVolumeReclaimPolicy="Delete", storageClassName="standard",
                claimRef={"namespace": "default", "name": "data"})
    volume["metadata"]["creationTimestamp"] = timestamp(0)
    volume["metadata"]["deletionTimestamp"] = timestamp(80)
    volume["status"] = {"phase": "Bound"}
    assert print_pv(volume, 90) == ["pv1", "1Gi", "RWO", "Delete", "Terminating", "default/data", "standard",
                                    "<unset>", "", "90s", "<unset>"]
    sc: Obj = {"metadata": {"name": "standard", "creationTimestamp": timestamp(0),
                            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
               "provisioner": "rancher.io/local-path", "reclaimPolicy": "Delete",
               "volumeBindingMode": "WaitForFirstConsumer"}
    assert print_storageclass(sc, 90) == ["standard (default)", "rancher.io/local-path", "Delete",
                                          "WaitForFirstConsumer", False, "90s"]


def test_a_statefulsets_claim_templates_are_typed_as_claims() -> None:
    """A misplaced field inside volumeClaimTemplates is an unknown field (kubectl's strict decoding, the folder's
    banner), and a wrong type there is the decoder's error, as for a PersistentVolumeClaim of its own."""
    from kubetui.api.openapi import OpenAPIDocuments
    from kubetui.apiserver.fieldvalidation import unknown_fields

    claim = {"metadata": {"name": "data"},
             "spec": {"accessModes": ["ReadWriteOnce"],
                      "resources": {"requests": {"storage": "1Gi"}, "volumeMounts": [{"name": "data"}]}}}
    sts = {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
           "spec": {"selector": {"matchLabels": {"app": "db"}}, "serviceName": "db",
                    "template": {"metadata": {"labels": {"app": "db"}},
                                 "spec": {"containers": [{"name": "c", "image": "redis:7.4"}]}},
                    "volumeClaimTemplates": [claim]}}
    assert unknown_fields(OpenAPIDocuments(), "StatefulSet", sts) == [
        "spec.volumeClaimTemplates[0].spec.resources.volumeMounts"]
    claim["spec"]["resources"] = {"requests": {"storage": "1Gi"}}
    claim["spec"]["accessModes"] = "ReadWriteOnce"
    errors = validate(sts)
    assert errors and errors[0].field == "spec.volumeClaimTemplates[0].spec.accessModes"


def test_resize_admission_needs_a_bound_claim_and_a_class_that_allows_expansion() -> None:
    cluster = Cluster(0, nodes=[], scheduler=False, controllers=False)
    api = cluster.client("test")
    api.create("persistentvolumeclaims", pvc(**GOOD_PVC))

    def grow(size: str) -> Obj:
        claim = cluster.get("persistentvolumeclaims", "default", "data")
        assert claim is not None
        claim["spec"]["resources"]["requests"]["storage"] = size
        return api.update("persistentvolumeclaims", claim)

    with pytest.raises(ApiError) as err:
        grow("2Gi")  # validation runs before the admission plugin: an unbound claim's spec is immutable
    assert err.value.code == 422 and "spec is immutable after creation" in err.value.message
    claim = cluster.get("persistentvolumeclaims", "default", "data")
    assert claim is not None
    claim["status"] = {"phase": "Bound"}
    api.update_status("persistentvolumeclaims", claim)
    with pytest.raises(ApiError) as err:
        grow("2Gi")  # kind's "standard" does not allow expansion
    assert (err.value.code, err.value.message) == (
        403, 'persistentvolumeclaims "data" is forbidden: only dynamically provisioned pvc can be resized and '
             "the storageclass that provisions the pvc must support resize")
    sc = cluster.get("storageclasses", "", "standard")
    assert sc is not None
    api.update("storageclasses", {**sc, "allowVolumeExpansion": True})
    assert grow("2Gi")["spec"]["resources"]["requests"]["storage"] == "2Gi"
    assert grow("2Gi")["spec"]["resources"]["requests"]["storage"] == "2Gi"  # not growing: no question asked


def test_pv_update_paths_are_gos() -> None:
    affinity = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
        {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-1"]}]}]}}
    old = pv(**{**GOOD_PV, "nodeAffinity": affinity})
    apply_defaults(old)
    moved = {"required": {"nodeSelectorTerms": [{"matchExpressions": [
        {"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-2"]}]}]}}
    new = pv(**{**GOOD_PV, "nodeAffinity": moved, "volumeMode": "Block"})
    assert messages(new, old) == [
        'volumeMode: Invalid value: "Block": field is immutable',
        'nodeAffinity: Invalid value: {"Required":{"NodeSelectorTerms":[{"MatchExpressions":[{"Key":'
        '"kubernetes.io/hostname","Operator":"In","Values":["node-2"]}],"MatchFields":null}]}}: '
        "field is immutable, except for updating from beta label to GA"]


def test_a_claim_without_a_class_may_be_given_one_once() -> None:
    old = pvc(**GOOD_PVC)
    apply_defaults(old)
    assert messages(pvc(**{**GOOD_PVC, "storageClassName": "fast"}), old) == []  # validateStorageClassUpgradeFromNil
    classy = pvc(**{**GOOD_PVC, "storageClassName": "fast"})
    apply_defaults(classy)
    assert messages(pvc(**{**GOOD_PVC, "storageClassName": "slow"}), classy) == [
        "spec: Forbidden: spec is immutable after creation except resources.requests and "
        "volumeAttributesClassName for bound claims"]
