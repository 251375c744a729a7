"""Storage helpers every storage component shares: annotations, the default class kind ships, and the rules
for whether a PersistentVolume can serve a claim (pkg/controller/volume/persistentvolume/util,
pkg/volume/util, component-helpers/storage/volume)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kubetui.api.quantity import parse_quantity
from kubetui.api.selectors import SelectorError, selector_from_dict

Obj = dict[str, Any]

ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_DYNAMICALLY_PROVISIONED = "pv.kubernetes.io/provisioned-by"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"
ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class"
ANN_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
ANN_BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class"
PVC_PROTECTION_FINALIZER = "kubernetes.io/pvc-protection"
POD_PVC_INDEX = "pod-pvc-index"  # common.PodPVCIndex
PV_PROTECTION_FINALIZER = "kubernetes.io/pv-protection"

LOCAL_PATH_PROVISIONER = "rancher.io/local-path"
LOCAL_PATH_ROOT = "/var/local-path-provisioner"

# What kind's node image installs (kind/pkg/build/nodeimage/const_storage.go): local-path-provisioner's class.
DEFAULT_STORAGE_CLASS: Obj = {
    "apiVersion": "storage.k8s.io/v1",
    "kind": "StorageClass",
    "metadata": {"name": "standard", "annotations": {ANN_DEFAULT_CLASS: "true"}},
    "provisioner": LOCAL_PATH_PROVISIONER,
    "reclaimPolicy": "Delete",
    "volumeBindingMode": "WaitForFirstConsumer",
}

_MODE_ABBREVIATIONS = (("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"),
                       ("ReadWriteOncePod", "RWOP"))


def access_modes_string(modes: Any) -> str:
    """GetAccessModesAsString: ``RWO,ROX`` in a fixed order, whatever order the object lists them in."""
    present = set(modes) if isinstance(modes, list) else set()
    return ",".join(short for mode, short in _MODE_ABBREVIATIONS if mode in present)


def claim_class(pvc: Obj) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation first, then spec.storageClassName; "" for none."""
    annotations = (pvc.get("metadata") or {}).get("annotations") or {}
    if ANN_BETA_STORAGE_CLASS in annotations:
        return str(annotations[ANN_BETA_STORAGE_CLASS])
    return str((pvc.get("spec") or {}).get("storageClassName") or "")


def volume_class(pv: Obj) -> str:
    """GetPersistentVolumeClass."""
    annotations = (pv.get("metadata") or {}).get("annotations") or {}
    if ANN_BETA_STORAGE_CLASS in annotations:
        return str(annotations[ANN_BETA_STORAGE_CLASS])
    return str((pv.get("spec") or {}).get("storageClassName") or "")


def is_default_class(sc: Obj) -> bool:
    annotations = (sc.get("metadata") or {}).get("annotations") or {}
    return "true" in (annotations.get(ANN_DEFAULT_CLASS), annotations.get(ANN_BETA_DEFAULT_CLASS))


def storage_of(resources: Any, key: str = "storage") -> Decimal:
    try:
        return parse_quantity((resources or {}).get(key) or 0)
    except (ValueError, TypeError, ArithmeticError):
        return Decimal(0)


def claim_request(pvc: Obj) -> Decimal:
    return storage_of(((pvc.get("spec") or {}).get("resources") or {}).get("requests"))


def volume_capacity(pv: Obj) -> Decimal:
    return storage_of((pv.get("spec") or {}).get("capacity"))


def claim_key(pvc: Obj) -> str:
    meta = pvc.get("metadata") or {}
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}"


def claim_ref_key(pv: Obj) -> str:
    ref = (pv.get("spec") or {}).get("claimRef") or {}
    return f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""


def pod_claim_names(pod: Obj) -> list[tuple[str, str]]:
    """(volume name, claim name) for each persistentVolumeClaim volume of a pod (ephemeral volumes left out)."""
    out = []
    for volume in (pod.get("spec") or {}).get("volumes") or ():
        source = volume.get("persistentVolumeClaim") if isinstance(volume, dict) else None
        if isinstance(source, dict) and source.get("claimName"):
            out.append((str(volume.get("name", "")), str(source["claimName"])))
    return out


def pod_claim_keys(pod: Obj) -> list[str]:
    """PodPVCIndexFunc (pkg/controller/volume/common): "namespace/claim" for each claim the pod names, the index
    the PVC protection and PV controllers share on the pod informer (nothing for a pod without volumes)."""
    if not (pod.get("spec") or {}).get("volumes"):
        return []
    namespace = (pod.get("metadata") or {}).get("namespace", "")
    return [f"{namespace}/{claim}" for _volume, claim in pod_claim_names(pod)]


def volume_matches_claim(pv: Obj, pvc: Obj) -> bool:
    """checkVolumeSatisfyClaim + the filters of FindMatchingVolume (pkg/controller/volume/persistentvolume/
    util): class, access modes, volume mode, capacity, the claim's selector; node affinity is the scheduler's."""
    spec, claim_spec = pv.get("spec") or {}, pvc.get("spec") or {}
    if volume_class(pv) != claim_class(pvc):
        return False
    if not set(claim_spec.get("accessModes") or ()) <= set(spec.get("accessModes") or ()):
        return False
    if (spec.get("volumeMode") or "Filesystem") != (claim_spec.get("volumeMode") or "Filesystem"):
        return False
    if volume_capacity(pv) < claim_request(pvc):
        return False
    selector = claim_spec.get("selector")
    if selector:
        try:
            if not selector_from_dict(selector).matches((pv.get("metadata") or {}).get("labels") or {}):
                return False
        except SelectorError:
            return False
    return True


def is_volume_bound_to_claim(pv: Obj, pvc: Obj) -> bool:
    """IsVolumeBoundToClaim (component-helpers/storage/volume/pv_helpers.go): the claimRef names the claim and,
    when it has a UID, the claim's UID (a claim re-created with the same name is another claim)."""
    ref = (pv.get("spec") or {}).get("claimRef")
    if not ref:
        return False
    meta = pvc.get("metadata") or {}
    if ref.get("name") != meta.get("name") or (ref.get("namespace") or "") != (meta.get("namespace") or ""):
        return False
    return not ref.get("uid") or ref.get("uid") == meta.get("uid")


def check_volume_satisfy_claim(pv: Obj, pvc: Obj) -> str:
    """checkVolumeSatisfyClaim (pv_controller.go), for a claim naming its volume: why it cannot bind, or ""."""
    spec, claim_spec = pv.get("spec") or {}, pvc.get("spec") or {}
    if (pv.get("metadata") or {}).get("deletionTimestamp"):
        return f'the volume is marked for deletion "{pv["metadata"]["name"]}"'
    if volume_capacity(pv) < claim_request(pvc):
        return "requested PV is too small"
    if volume_class(pv) != claim_class(pvc):
        return "storageClassName does not match"
    if (spec.get("volumeMode") or "Filesystem") != (claim_spec.get("volumeMode") or "Filesystem"):
        return "incompatible volumeMode"
    if not set(claim_spec.get("accessModes") or ()) <= set(spec.get("accessModes") or ()):
        return "incompatible accessMode"
    return ""


def find_matching_volume(pvc: Obj, volumes: list[Obj], node_ok: Any = None) -> Obj | None:
    """FindMatchingVolume: a volume pre-bound to this claim wins; otherwise the smallest available one that
    satisfies it (ties by name, for determinism). ``node_ok(pv)`` filters by node affinity when given."""
    claim_uid = (pvc.get("metadata") or {}).get("uid")
    key = claim_key(pvc)
    best: Obj | None = None
    for pv in volumes:
        if (pv.get("metadata") or {}).get("deletionTimestamp"):
            continue
        ref = (pv.get("spec") or {}).get("claimRef")
        if ref:
            if claim_ref_key(pv) != key or (ref.get("uid") and ref.get("uid") != claim_uid):
                continue
            if volume_matches_claim(pv, pvc) and (node_ok is None or node_ok(pv)):
                return pv  # pre-bound to this claim
            continue
        if (pv.get("status") or {}).get("phase") != "Available":
            continue
        if not volume_matches_claim(pv, pvc) or (node_ok is not None and not node_ok(pv)):
            continue
        if best is None or (volume_capacity(pv), pv["metadata"]["name"]) < (volume_capacity(best),
                                                                              best["metadata"]["name"]):
            best = pv
    return best
