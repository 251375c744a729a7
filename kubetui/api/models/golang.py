"""A wrong JSON type in the words of Kubernetes' JSON decoder (Go's ``encoding/json``).

The API server decodes a request body into Go structs before it validates anything, so
``replicas: "three"`` is a 400 Bad Request, not a 422::

    Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into
    Go struct field DeploymentSpec.spec.replicas of type int32

The message names the innermost Go struct, the JSON field path from the object's root (Go leaves
out list indices and map keys), and the Go type of the field. The models mirror the Go structs, so
walking them along the error's field path gives all three.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Annotated, Any, Union

from kubetui.api.models.base import (
    Base64,
    Bool,
    Int,
    IntOrStr,
    K8sModel,
    Obj,
    Quantity,
    QuantityMap,
    Str,
    StrMap,
    illegal_base64,
)
from kubetui.api.quantity import QuantityError, parse_quantity

# Quantity.UnmarshalJSON's own error (apimachinery resource.ErrFormatWrong): it replaces the json: message.
QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

# Integer fields that are int64 in Go (the rest are int32): (model, JSON field).
INT64_FIELDS = frozenset({
    ("ObjectMeta", "generation"), ("ObjectMeta", "deletionGracePeriodSeconds"),
    ("PodSpec", "terminationGracePeriodSeconds"), ("PodSpec", "activeDeadlineSeconds"),
    ("Probe", "terminationGracePeriodSeconds"), ("SleepAction", "seconds"), ("Toleration", "tolerationSeconds"),
    ("PodSecurityContext", "runAsUser"), ("PodSecurityContext", "runAsGroup"), ("PodSecurityContext", "fsGroup"),
    ("PodSecurityContext", "supplementalGroups"), ("SecurityContext", "runAsUser"),
    ("SecurityContext", "runAsGroup"), ("JobSpec", "activeDeadlineSeconds"),
    ("DeploymentStatus", "observedGeneration"), ("ReplicaSetStatus", "observedGeneration"),
    ("DaemonSetStatus", "observedGeneration"), ("StatefulSetStatus", "observedGeneration"),
    ("PodDisruptionBudgetStatus", "observedGeneration"),
    ("HorizontalPodAutoscalerStatus", "observedGeneration"), ("ControllerRevision", "revision"),
})

# One model shared by several Go structs: its Go name where it is used (parent model, JSON field).
STRUCT_NAMES = {
    ("EnvVarSource", "configMapKeyRef"): "ConfigMapKeySelector",
    ("EnvVarSource", "secretKeyRef"): "SecretKeySelector",
    ("EnvFromSource", "configMapRef"): "ConfigMapEnvSource",
    ("EnvFromSource", "secretRef"): "SecretEnvSource",
    ("DeploymentStatus", "conditions"): "DeploymentCondition",
    ("ReplicaSetStatus", "conditions"): "ReplicaSetCondition",
    ("DaemonSetStatus", "conditions"): "DaemonSetCondition",
    ("StatefulSetStatus", "conditions"): "StatefulSetCondition",
    ("JobStatus", "conditions"): "JobCondition",
}

# Fields typed as a plain object here whose Go type is a struct or a named map.
OBJECT_TYPES = {
    ("ObjectMeta", "managedFields"): "v1.ManagedFieldsEntry",
    ("ResourceRequirements", "claims"): "v1.ResourceClaim",
}

_TOKEN = re.compile(r"\[\d+\]|[^.\[\]]+")


def decode_error(model: type[K8sModel], kind: str, version: str, path: str, value: Any) -> str:
    """The API server's message for ``value`` of the wrong JSON type at ``path`` of a ``kind`` object.

    Simplification: the first wrong type in field order is the one reported; Go's decoder stops at a
    malformed Quantity even when an ordinary wrong type came earlier in the document.
    """
    struct, fields, annotation, owner = _walk(model, path)
    if _unwrap(annotation) == Quantity:
        error = _quantity_error(value)
    elif _unwrap(annotation) == Base64 and isinstance(value, str):
        error = f"illegal base64 data at input byte {illegal_base64(value)}"
    elif _unwrap(annotation) == Base64:
        error = (f"json: cannot unmarshal {_json_kind(value, 'string')} into Go struct field "
                 f"{'.'.join([struct, *fields])} of type []uint8")
    else:
        go_type = _go_type(annotation, owner)
        error = (f"json: cannot unmarshal {_json_kind(value, go_type)} into Go struct field "
                 f"{'.'.join([struct, *fields])} of type {go_type}")
    return f'{kind} in version "{version}" cannot be handled as a {kind}: {error}'


def _quantity_error(value: Any) -> str:
    """ParseQuantity's own message for a string; a value of another JSON type does not match the format."""
    if isinstance(value, str):
        try:
            parse_quantity(value)
        except QuantityError as err:
            return str(err)
    return QUANTITY_FORMAT


def _walk(model: type[K8sModel], path: str) -> tuple[str, list[str], Any, tuple[str, str]]:
    """The innermost struct's Go name, the field names from the root, the annotation at ``path``,
    and the (model, field) that annotation belongs to."""
    struct, owner = model.__name__, (model.__name__, "")
    fields: list[str] = []
    annotation: Any = model
    names: dict[str, str] = {}  # model -> its Go name where it was reached
    tokens = _TOKEN.findall(path)
    for token in tokens:
        current = _unwrap(annotation)
        if token.startswith("["):
            if typing.get_origin(current) is list:
                annotation = (typing.get_args(current) or (Any,))[0]
            continue
        if _is_map(current):
            annotation = (typing.get_args(current) or (str, Any))[1]
            break  # the rest of the path is the map key (a label key may hold dots)
        if not (isinstance(current, type) and issubclass(current, K8sModel)):
            break
        field = next((f for name, f in current.model_fields.items() if (f.alias or name) == token), None)
        if field is None:
            break
        struct = names.get(current.__name__, current.__name__)
        fields.append(token)
        owner = (current.__name__, token)
        annotation = field.annotation
        target = _unwrap(annotation)
        if typing.get_origin(target) is list:
            target = _unwrap((typing.get_args(target) or (Any,))[0])
        if isinstance(target, type) and issubclass(target, K8sModel):
            names[target.__name__] = STRUCT_NAMES.get(owner, target.__name__)
    return struct, fields, annotation, owner


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``."""
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else Any
    return annotation


def _is_map(annotation: Any) -> bool:
    return typing.get_origin(annotation) is dict


def _go_type(annotation: Any, owner: tuple[str, str]) -> str:
    annotation = _unwrap(annotation)
    if annotation == Int or annotation is int:
        return "int64" if owner in INT64_FIELDS else "int32"
    if annotation == IntOrStr:
        return "int32"  # IntOrString.UnmarshalJSON decodes anything but a string into its int32
    if annotation == Str or annotation is str:
        return "string"
    if annotation == Bool or annotation is bool:
        return "bool"
    if annotation == StrMap:
        return "map[string]string"
    if annotation == QuantityMap:
        return "v1.ResourceList"
    origin = typing.get_origin(annotation)
    if origin is list:
        element = (typing.get_args(annotation) or (Any,))[0]
        if _unwrap(element) == Obj and owner in OBJECT_TYPES:
            return f"[]{OBJECT_TYPES[owner]}"
        return f"[]{_go_type(element, owner)}"
    if isinstance(annotation, type) and issubclass(annotation, K8sModel):
        return f"v1.{STRUCT_NAMES.get(owner, annotation.__name__)}"
    if annotation == Obj or origin is dict:
        return OBJECT_TYPES.get(owner, "map[string]interface {}")
    if origin is Annotated:
        return _go_type(typing.get_args(annotation)[0], owner)
    return "interface {}"


def _json_kind(value: Any, go_type: str) -> str:
    """How Go names the JSON value it could not store: a number that is not a whole one, into an int, is
    named with its text (``number 1.5``)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        if go_type in ("int32", "int64") and isinstance(value, float) and not value.is_integer():
            return f"number {value!r}"
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
