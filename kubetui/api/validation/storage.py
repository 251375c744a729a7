"""PersistentVolumeClaim, PersistentVolume and StorageClass validation, in Kubernetes' words.

Sources: ``pkg/apis/core/validation/validation.go`` (ValidatePersistentVolumeClaim[Update],
ValidatePersistentVolume[Update]) and ``pkg/apis/storage/validation/validation.go`` (ValidateStorageClass[Update]).

Simplification: the immutable-spec message of a PVC update leaves out the cmp.Diff Go appends to it.
"""

from __future__ import annotations

import json
from typing import Any

from kubetui.api.fielderrors import GoLiteral, forbidden, invalid, not_supported, required
from kubetui.api.validation import names
from kubetui.api.validation.common import (
    FIELD_IMMUTABLE_ERROR,
    Errs,
    canonical_quantity,
    g,
    gd,
    gl,
    parse_qty,
    same,
    validate_label_selector,
    validate_object_meta,
    validate_object_meta_update,
)

SUPPORTED_ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")
SUPPORTED_VOLUME_MODES = ("Block", "Filesystem")
SUPPORTED_PV_RECLAIM_POLICIES = ("Delete", "Recycle", "Retain")
SUPPORTED_SC_RECLAIM_POLICIES = ("Delete", "Retain")
SUPPORTED_BINDING_MODES = ("Immediate", "WaitForFirstConsumer")
# The volume sources a PV may name (exactly one): the PersistentVolumeSource fields.
PV_SOURCES = (
    "gcePersistentDisk", "awsElasticBlockStore", "hostPath", "glusterfs", "nfs", "rbd", "iscsi", "cinder",
    "cephfs", "fc", "flocker", "flexVolume", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
    "photonPersistentDisk", "portworxVolume", "scaleIO", "local", "storageos", "csi",
)
# The order ValidatePersistentVolumeSpec checks them in, with the paths it reports ("cephFS", not "cephfs").
PV_SOURCE_PATHS = (
    ("hostPath", "hostPath"), ("gcePersistentDisk", "gcePersistentDisk"),
    ("awsElasticBlockStore", "awsElasticBlockStore"), ("glusterfs", "glusterfs"), ("flocker", "flocker"),
    ("nfs", "nfs"), ("rbd", "rbd"), ("quobyte", "quobyte"), ("cephfs", "cephFS"), ("iscsi", "iscsi"),
    ("cinder", "cinder"), ("fc", "fc"), ("flexVolume", "flexVolume"), ("azureFile", "azureFile"),
    ("vsphereVolume", "vsphereVolume"), ("photonPersistentDisk", "photonPersistentDisk"),
    ("portworxVolume", "portworxVolume"), ("azureDisk", "azureDisk"), ("scaleIO", "scaleIO"), ("local", "local"),
    ("storageos", "storageos"), ("csi", "csi"),
)
IS_NOT_POSITIVE = "must be greater than zero"
BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


def _meta(obj: dict[str, Any], old: dict[str, Any] | None, namespaced: bool, errs: Errs) -> None:
    if old is None:
        validate_object_meta(obj.get("metadata"), namespaced, names.name_is_dns_subdomain, errs)
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)


def _access_modes(modes: list[Any], path: str, errs: Errs, detail: str = "at least 1 access mode is required") -> None:
    """The claim's detail is PVC-only: a PV without access modes is a bare ``spec.accessModes: Required value``."""
    if not modes:
        errs.append(required(path, detail))
    for mode in modes:
        if mode not in SUPPORTED_ACCESS_MODES:
            errs.append(not_supported(path, mode, SUPPORTED_ACCESS_MODES))
    if "ReadWriteOncePod" in modes and any(m != "ReadWriteOncePod" and m in SUPPORTED_ACCESS_MODES for m in modes):
        errs.append(forbidden(path, "may not use ReadWriteOncePod with other access modes"))


def _volume_node_affinity_json(affinity: Any) -> GoLiteral:
    """How the API server prints a PV's nodeAffinity in an error (the internal struct as JSON, Go field names)."""
    def requirements(reqs: Any) -> Any:
        if not isinstance(reqs, list):
            return None
        return [{"Key": r.get("key", ""), "Operator": r.get("operator", ""), "Values": r.get("values")}
                for r in reqs if isinstance(r, dict)]

    if not isinstance(affinity, dict):
        return GoLiteral("null")
    required_ = affinity.get("required")
    body: Any = None
    if isinstance(required_, dict):
        body = {"NodeSelectorTerms": [
            {"MatchExpressions": requirements(t.get("matchExpressions")),
             "MatchFields": requirements(t.get("matchFields"))}
            for t in required_.get("nodeSelectorTerms") or () if isinstance(t, dict)] or None}
    return GoLiteral(json.dumps({"Required": body}, separators=(",", ":")))


def _storage_quantity(raw: Any, path: str, errs: Errs) -> None:
    value, why = parse_qty(raw)
    if value is None:
        errs.append(invalid(path, raw, why))
    elif value <= 0:
        errs.append(invalid(path, canonical_quantity(raw), IS_NOT_POSITIVE))


def _class_name(name: Any, path: str, errs: Errs) -> None:
    if isinstance(name, str) and name:
        for msg in names.name_is_dns_subdomain(name, False):
            errs.append(invalid(path, name, msg))


def validate_pvc_spec(spec: dict[str, Any], path: str, errs: Errs) -> None:
    """ValidatePersistentVolumeClaimSpec (also used for a StatefulSet's volumeClaimTemplates)."""
    _access_modes(gl(spec, "accessModes"), f"{path}.accessModes", errs)
    if spec.get("selector") is not None:
        validate_label_selector(spec.get("selector"), f"{path}.selector", errs)
    requests = gd(gd(spec, "resources"), "requests")
    if "storage" not in requests:
        errs.append(required(f"{path}.resources[storage]", ""))
    else:
        _storage_quantity(requests["storage"], f"{path}.resources[storage]", errs)
    _class_name(spec.get("storageClassName"), f"{path}.storageClassName", errs)
    mode = spec.get("volumeMode")
    if mode is not None and mode not in SUPPORTED_VOLUME_MODES:
        errs.append(not_supported(f"{path}.volumeMode", mode, SUPPORTED_VOLUME_MODES))


def validate_pvc(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    """ValidatePersistentVolumeClaim / ValidatePersistentVolumeClaimUpdate."""
    _meta(obj, old, True, errs)
    spec = gd(obj, "spec")
    validate_pvc_spec(spec, "spec", errs)
    if old is None:
        return
    old_spec = gd(old, "spec")
    new_clone = dict(spec)
    old_clone = dict(old_spec)
    if not old_spec.get("volumeName"):
        old_clone["volumeName"] = spec.get("volumeName")  # the PV controller may set volumeName once
    old_annotations = gd(gd(old, "metadata"), "annotations")
    if (BETA_STORAGE_CLASS_ANNOTATION not in old_annotations and old_spec.get("storageClassName") is None
            and spec.get("storageClassName")):
        new_clone.pop("storageClassName", None)  # validateStorageClassUpgradeFromNil: a class may be set once
    # Only resources.requests may change, and only on a bound claim (expansion).
    if gd(obj, "status").get("phase") == "Bound":
        new_clone["resources"] = {**gd(spec, "resources"), "requests": gd(gd(old_spec, "resources"), "requests")}
    new_clone.pop("volumeAttributesClassName", None)
    old_clone.pop("volumeAttributesClassName", None)
    if not same(new_clone, old_clone):
        errs.append(forbidden("spec", "spec is immutable after creation except resources.requests and "
                                      "volumeAttributesClassName for bound claims"))
    new_size, _ = parse_qty(gd(gd(spec, "resources"), "requests").get("storage"))
    old_size, _ = parse_qty(gd(gd(old_spec, "resources"), "requests").get("storage"))
    if new_size is not None and old_size is not None and new_size < old_size:
        errs.append(forbidden("spec.resources.requests.storage", "field can not be less than previous value"))


def validate_pv(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    """ValidatePersistentVolume / ValidatePersistentVolumeUpdate (pkg/apis/core/validation/validation.go)."""
    _meta(obj, old, False, errs)
    spec = gd(obj, "spec")
    _access_modes(gl(spec, "accessModes"), "spec.accessModes", errs, detail="")
    capacity = gd(spec, "capacity")
    if not capacity:
        errs.append(required("spec.capacity", ""))
    elif "storage" not in capacity or len(capacity) > 1:
        errs.append(not_supported("spec.capacity", capacity, ["storage"]))
    else:
        _storage_quantity(capacity["storage"], "spec.capacity[storage]", errs)
    policy = spec.get("persistentVolumeReclaimPolicy")
    if policy and policy not in SUPPORTED_PV_RECLAIM_POLICIES:
        errs.append(not_supported("spec.persistentVolumeReclaimPolicy", policy, SUPPORTED_PV_RECLAIM_POLICIES))
    affinity = spec.get("nodeAffinity")
    if affinity is not None:  # validateVolumeNodeAffinity
        required_ = gd(affinity, "required") if isinstance(affinity, dict) else {}
        if not required_:
            errs.append(required("spec.nodeAffinity.required", "must specify required node constraints"))
        elif not gl(required_, "nodeSelectorTerms"):
            errs.append(required("spec.nodeAffinity.required.nodeSelectorTerms",
                                 "must have at least one node selector term"))
    # One volume source, checked in Go's order: each further one is Forbidden; only the first is validated.
    first = ""
    for source, path in PV_SOURCE_PATHS:
        if spec.get(source) is None:
            continue
        if first and source != "flexVolume":  # Go forgets the check for flexVolume
            errs.append(forbidden(f"spec.{path}", "may not specify more than 1 volume type"))
            continue
        if first:
            continue
        first = source
        if source in ("hostPath", "local") and not gd(spec, source).get("path"):
            errs.append(required(f"spec.{source}.path", ""))
        if source == "local" and affinity is None:
            errs.append(required("spec.nodeAffinity", "Local volume requires node affinity"))
    if not first:
        errs.append(required("spec", "must specify a volume type"))
    _class_name(spec.get("storageClassName"), "spec.storageClassName", errs)
    mode = spec.get("volumeMode")
    if mode is not None and mode not in SUPPORTED_VOLUME_MODES:
        errs.append(not_supported("spec.volumeMode", mode, SUPPORTED_VOLUME_MODES))
    if old is not None:
        old_spec = gd(old, "spec")
        if any(not same(g(spec, s), g(old_spec, s)) for s in PV_SOURCES):
            errs.append(forbidden("spec.persistentvolumesource",
                                  "spec.persistentvolumesource is immutable after creation"))
        if g(old_spec, "volumeMode") != g(spec, "volumeMode"):  # Go's paths here have no "spec."
            errs.append(invalid("volumeMode", g(spec, "volumeMode"), FIELD_IMMUTABLE_ERROR))
        if old_spec.get("nodeAffinity") is not None and not same(old_spec.get("nodeAffinity"), affinity):
            errs.append(invalid("nodeAffinity", _volume_node_affinity_json(affinity),
                                FIELD_IMMUTABLE_ERROR + ", except for updating from beta label to GA"))


def validate_storageclass(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    """ValidateStorageClass / ValidateStorageClassUpdate (pkg/apis/storage/validation)."""
    _meta(obj, old, False, errs)
    provisioner = obj.get("provisioner")
    if not provisioner:
        errs.append(required("provisioner", provisioner or ""))
    elif isinstance(provisioner, str):
        for msg in names.is_qualified_name(provisioner.lower()):
            errs.append(invalid("provisioner", provisioner, msg))
    policy = obj.get("reclaimPolicy")
    if policy is not None and policy not in SUPPORTED_SC_RECLAIM_POLICIES:
        errs.append(not_supported("reclaimPolicy", policy, SUPPORTED_SC_RECLAIM_POLICIES))
    mode = obj.get("volumeBindingMode")
    if mode is None:
        errs.append(required("volumeBindingMode", ""))
    elif mode not in SUPPORTED_BINDING_MODES:
        errs.append(not_supported("volumeBindingMode", mode, SUPPORTED_BINDING_MODES))
    if old is None:
        return
    if not same(obj.get("parameters"), old.get("parameters")):
        errs.append(forbidden("parameters", "updates to parameters are forbidden."))
    if obj.get("provisioner") != old.get("provisioner"):
        errs.append(forbidden("provisioner", "updates to provisioner are forbidden."))
    if obj.get("reclaimPolicy") != old.get("reclaimPolicy"):
        errs.append(forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."))
    if obj.get("volumeBindingMode") != old.get("volumeBindingMode"):
        errs.append(invalid("volumeBindingMode", obj.get("volumeBindingMode"), FIELD_IMMUTABLE_ERROR))
