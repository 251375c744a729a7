"""Validation: is this object acceptable to store? Kubernetes' rules and exact error messages.

The API server calls ``validate(obj)`` on create and ``validate(obj, old)`` on update, after
``apply_defaults``; a non-empty result becomes a 422 whose message ``format_invalid`` builds::

    Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0

Three layers, in order:

1. *Encodable*: the object must be JSON (no sets, no 65-bit ints), at most 3 MiB, not absurdly deep.
2. *Typed*: the kind's pydantic model checks every known field's JSON type (``"replicas": "3"`` is a
   type error, as Kubernetes' JSON decoder would say). Type errors are returned alone; the API server
   answers the first with the decoder's 400 (``kubetui/api/models/golang.py``), not a 422.
3. *Semantic*: the kind's rules, in Kubernetes' order: ``pods.py`` (with ``containers.py`` and
   ``scheduling.py``), ``workloads.py``, ``core.py``; the string rules live in ``names.py``.

An update that changes nothing but metadata and status (a status write, a label change) skips the
unchanged spec, which already passed validation when it was written: that is ``validate_status``,
and it keeps the kubelet's frequent status updates cheap.

Validation never raises: garbage in, errors out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubetui.api.fielderrors import FieldError, format_invalid, internal, invalid
from kubetui.api.models import MODELS, STATUS_MODELS, ObjectMeta
from kubetui.api.resources import BY_KIND
from kubetui.api.validation import autoscaling, core, names, networking, pods, quotas, storage, workloads
from kubetui.api.validation.common import (
    Errs,
    check_encodable,
    type_errors,
    validate_object_meta,
    validate_object_meta_update,
)

__all__ = ["FieldError", "format_invalid", "validate", "validate_status"]

_Validator = Callable[[dict[str, Any], "dict[str, Any] | None", Errs], None]
_StatusValidator = Callable[[dict[str, Any], dict[str, Any], Errs], None]


def _validate_pod(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    if old is None:
        pods.validate_pod(obj, errs)
    else:
        pods.validate_pod_update(obj, old, errs)


_VALIDATORS: dict[str, _Validator] = {
    "Pod": _validate_pod,
    "Namespace": core.validate_namespace,
    "Node": core.validate_node,
    "Service": core.validate_service,
    "Endpoints": core.validate_endpoints,
    "EndpointSlice": core.validate_endpointslice,
    "ConfigMap": core.validate_configmap,
    "Secret": core.validate_secret,
    "Event": core.validate_event,
    "Lease": core.validate_lease,
    "Binding": core.validate_binding,
    "Deployment": workloads.validate_deployment,
    "ReplicaSet": workloads.validate_replicaset,
    "DaemonSet": workloads.validate_daemonset,
    "StatefulSet": workloads.validate_statefulset,
    "Job": workloads.validate_job,
    "CronJob": workloads.validate_cronjob,
    "ControllerRevision": workloads.validate_controllerrevision,
    "PodDisruptionBudget": workloads.validate_pdb,
    "PriorityClass": workloads.validate_priorityclass,
    "ReplicationController": workloads.validate_replicationcontroller,
    "Ingress": networking.validate_ingress,
    "IngressClass": networking.validate_ingressclass,
    "HorizontalPodAutoscaler": autoscaling.validate_hpa,
    "PersistentVolumeClaim": storage.validate_pvc,
    "PersistentVolume": storage.validate_pv,
    "StorageClass": storage.validate_storageclass,
    "LimitRange": quotas.validate_limitrange,
    "ResourceQuota": quotas.validate_resourcequota,
}

_STATUS_VALIDATORS: dict[str, _StatusValidator] = {
    "Pod": pods.validate_pod_status,
    "Namespace": core.validate_namespace_status,
    "Node": core.validate_node_status,
    "Deployment": workloads.validate_deployment_status,
    "ReplicaSet": workloads.validate_replicaset_status,
    "DaemonSet": workloads.validate_daemonset_status,
    "StatefulSet": workloads.validate_statefulset_status,
    "Job": workloads.validate_job_status,
    "PodDisruptionBudget": workloads.validate_pdb_status,
    "ReplicationController": workloads.validate_replicationcontroller_status,
    "Ingress": networking.validate_ingress_status,
    "HorizontalPodAutoscaler": autoscaling.validate_hpa_status,
    "ResourceQuota": quotas.validate_resourcequota_status,
}

# Top-level fields that are not "the spec": metadata and status are checked by validate_status.
_NOT_SPEC = frozenset({"metadata", "status"})


def validate(obj: dict[str, Any], old: dict[str, Any] | None = None) -> list[FieldError]:
    """All problems with ``obj`` (``old`` is the stored object, for updates); [] means valid."""
    try:
        return _validate(obj, old)
    except Exception as exc:  # a bug in a rule must not take the API server down
        return [internal("[]", f"validation failed: {type(exc).__name__}: {exc}")]


def validate_status(obj: dict[str, Any], old: dict[str, Any]) -> list[FieldError]:
    """The fast path for updates that touch only metadata and status (``/status`` writes).

    Checks the types of metadata and status, the metadata update rules, and the kind's status
    rules (Kubernetes' ``Validate<Kind>StatusUpdate``).
    """
    try:
        error = check_encodable(obj)
        if error is not None:
            return [error]
        return _validate_status(obj, old if isinstance(old, dict) else {})
    except Exception as exc:
        return [internal("[]", f"validation failed: {type(exc).__name__}: {exc}")]


def _validate(obj: Any, old: Any) -> list[FieldError]:
    if not isinstance(obj, dict):
        return [invalid("[]", type(obj).__name__, "must be a JSON object")]
    error = check_encodable(obj)
    if error is not None:
        return [error]
    kind = obj.get("kind")
    if not isinstance(kind, str):
        return []  # apiVersion/kind are the caller's to check
    if isinstance(old, dict) and _only_metadata_or_status_changed(obj, old):
        return _validate_status(obj, old)
    model = MODELS.get(kind)
    if model is not None:
        errs = type_errors(model, obj)
        if errs:
            return errs
    errs = []
    validator = _VALIDATORS.get(kind)
    if validator is not None:
        validator(obj, old if isinstance(old, dict) else None, errs)
    elif isinstance(old, dict):
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)
    else:
        info = BY_KIND.get(kind)
        validate_object_meta(
            obj.get("metadata"), info.namespaced if info else True, names.name_is_dns_subdomain, errs
        )
    return errs


def _only_metadata_or_status_changed(obj: dict[str, Any], old: dict[str, Any]) -> bool:
    return all(obj.get(key) == old.get(key) for key in obj.keys() | old.keys() if key not in _NOT_SPEC)


def _changed_fields(value: Any, stored: Any) -> Any:
    """The fields of ``value`` that differ from the stored object's, for a type check.

    The stored object passed the same check when it was written, and every model field is optional
    with no cross-field rule, so checking only what changed finds exactly the same errors, at the
    same paths, as checking everything. It keeps the kubelet's status writes cheap.
    """
    if type(value) is not dict or type(stored) is not dict:
        return value
    return {key: field for key, field in value.items() if key not in stored or stored[key] != field}


def _validate_status(obj: dict[str, Any], old: dict[str, Any]) -> list[FieldError]:
    kind = obj.get("kind")
    metadata = _changed_fields(obj.get("metadata"), old.get("metadata"))
    errs = type_errors(ObjectMeta, metadata, "metadata") if metadata is not None and metadata != {} else []
    status_model = STATUS_MODELS.get(kind) if isinstance(kind, str) else None
    status = _changed_fields(obj.get("status"), old.get("status"))
    if status_model is not None and status is not None and status != {}:
        errs += type_errors(status_model, status, "status")
    if errs:
        return errs
    validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)
    if kind == "Pod":
        pods._pod_specific_annotations(
            (obj.get("metadata") or {}).get("annotations"), "metadata.annotations", errs
        )
    status_validator = _STATUS_VALIDATORS.get(kind) if isinstance(kind, str) else None
    if status_validator is not None and obj.get("status") != old.get("status"):
        status_validator(obj, old, errs)
    return errs
