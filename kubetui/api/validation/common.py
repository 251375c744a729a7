"""Validation shared by every kind: type checks, ObjectMeta, labels, selectors, quantities.

Functions append to an ``errs`` list (like Go's ``allErrs = append(allErrs, ...)``) and take the
field path of what they check as a plain string, e.g. ``"spec.template.metadata.labels"``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import orjson
from pydantic import ValidationError

from kubetui.api.fielderrors import (
    OMIT,
    FieldError,
    GoLiteral,
    forbidden,
    go_int_or_string,
    go_quote,
    go_sharp,
    invalid,
    required,
    too_long,
    type_invalid,
)
from kubetui.api.models import K8sModel
from kubetui.api.models.base import K8S_TYPE_ERROR
from kubetui.api.quantity import canonical, parse_quantity
from kubetui.api.selectors import LabelSelector, selector_from_dict
from kubetui.api.validation import names

Errs = list[FieldError]
NameFn = Callable[[str, bool], list[str]]

IS_NEGATIVE_ERROR = "must be greater than or equal to 0"
FIELD_IMMUTABLE_ERROR = "field is immutable"
TOTAL_ANNOTATION_SIZE_LIMIT = 256 * (1 << 10)  # 256 KiB
MAX_OBJECT_BYTES = 3 * 1024 * 1024  # the API server's request body limit
STANDARD_FINALIZERS = frozenset({"kubernetes", "orphan", "foregroundDeletion"})
BANNED_OWNERS = frozenset({("v1", "Event")})


def g(d: Any, key: str) -> Any:
    """``d[key]`` or None: tolerant lookup on something that should be a dict."""
    return d.get(key) if isinstance(d, dict) else None


def gd(d: Any, key: str) -> dict[str, Any]:
    """``d[key]`` if it is a dict, else an empty dict (a null object is an unset object)."""
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, dict) else {}


def gl(d: Any, key: str) -> list[Any]:
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, list) else []


def gs(d: Any, key: str) -> str:
    v = d.get(key) if isinstance(d, dict) else None
    return v if isinstance(v, str) else ""


def gi(d: Any, key: str) -> int | None:
    v = d.get(key) if isinstance(d, dict) else None
    if isinstance(v, bool):
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v if isinstance(v, int) else None


# --- the outer guards --------------------------------------------------------------------------


def check_encodable(obj: Any) -> FieldError | None:
    """Reject what the API server could not have decoded: non-JSON values, absurd depth or size.

    orjson does it in C, in about a microsecond for a pod, and it bounds the nesting depth (255)
    so nothing later can hit Python's recursion limit.
    """
    try:
        data = orjson.dumps(obj)
    except (orjson.JSONEncodeError, TypeError) as exc:
        return invalid("[]", OMIT, f"not a JSON object: {exc}")
    if len(data) > MAX_OBJECT_BYTES:
        return too_long("[]", "", MAX_OBJECT_BYTES)
    return None


_EXPECTED_BY_PYDANTIC_ERROR = {
    "string_type": "string",
    "bool_type": "boolean",
    "int_type": "integer",
    "model_type": "object",
    "model_attributes_type": "object",
    "dict_type": "object",
    "list_type": "array",
}


def json_type(value: Any) -> str:
    """The OpenAPI name of a JSON value's type."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _loc_path(prefix: str, loc: tuple[int | str, ...]) -> str:
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path = f"{path}.{part}" if path else str(part)
    return path


def type_errors(model: type[K8sModel], data: Any, prefix: str = "") -> Errs:
    """Type-check ``data`` against a model; each mismatch becomes a field error in OpenAPI's words.

    ``spec.replicas: Invalid value: "3": spec.replicas in body must be of type integer: "string"``
    """
    try:
        model.__pydantic_validator__.validate_python(data)
        return []
    except ValidationError as exc:
        errs: Errs = []
        for e in exc.errors(include_url=False):
            path = _loc_path(prefix, e["loc"])
            value = e.get("input")
            expected = (e.get("ctx") or {}).get("expected") if e["type"] == K8S_TYPE_ERROR else None
            expected = expected or _EXPECTED_BY_PYDANTIC_ERROR.get(e["type"])
            if expected:
                detail = f"{path} in body must be of type {expected}: {go_quote(json_type(value))}"
            else:
                detail = f"{path} in body: {e['msg']}"
            errs.append(type_invalid(path or "[]", value, detail))
        return errs


# --- ObjectMeta ----------------------------------------------------------------------------------


def validate_labels(labels: Any, path: str, errs: Errs) -> None:
    """ValidateLabels: qualified-name keys, label-syntax values."""
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        for msg in names.is_qualified_name(key):
            errs.append(invalid(path, key, msg))
        if isinstance(value, str):
            for msg in names.is_label_value(value):
                errs.append(invalid(path, value, msg))


def validate_label_name(key: str, path: str, errs: Errs) -> None:
    for msg in names.is_qualified_name(key):
        errs.append(invalid(path, key, msg))


def validate_annotations(annotations: Any, path: str, errs: Errs) -> None:
    """Keys are qualified names (case-insensitive); all keys and values together at most 256 KiB."""
    if not isinstance(annotations, dict):
        return
    total = 0
    for key, value in annotations.items():
        for msg in names.is_qualified_name(key.lower()):
            errs.append(invalid(path, key, msg))
        total += names.byte_len(key) + (names.byte_len(value) if isinstance(value, str) else 0)
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        errs.append(too_long(path, "", TOTAL_ANNOTATION_SIZE_LIMIT))


def _validate_owner_references(refs: Any, path: str, errs: Errs) -> None:
    first_controller = ""
    for ref in refs if isinstance(refs, list) else ():
        if not isinstance(ref, dict):
            continue
        api_version, kind = gs(ref, "apiVersion"), gs(ref, "kind")
        version = api_version.rsplit("/", 1)[-1] if api_version else ""
        if not version:
            errs.append(invalid(f"{path}.apiVersion", api_version, "version must not be empty"))
        if not kind:
            errs.append(invalid(f"{path}.kind", kind, "kind must not be empty"))
        if not gs(ref, "name"):
            errs.append(invalid(f"{path}.name", gs(ref, "name"), "name must not be empty"))
        if not gs(ref, "uid"):
            errs.append(invalid(f"{path}.uid", gs(ref, "uid"), "uid must not be empty"))
        if (api_version, kind) in BANNED_OWNERS:
            errs.append(
                invalid(
                    path,
                    GoLiteral(go_sharp(ref)),
                    f"/{version}, Kind={kind} is disallowed from being an owner",
                )
            )
        if ref.get("controller") is True:
            current = f"{kind}/{gs(ref, 'name')}"
            if first_controller:
                errs.append(
                    invalid(
                        path,
                        GoLiteral(go_sharp(refs)),
                        'Only one reference can have Controller set to true. Found "true" in references for '
                        f"{first_controller} and {current}",
                    )
                )
            else:
                first_controller = current


def _validate_finalizers(finalizers: Any, path: str, errs: Errs) -> None:
    if not isinstance(finalizers, list):
        return
    strings = [f for f in finalizers if isinstance(f, str)]
    for finalizer in strings:
        for msg in names.is_qualified_name(finalizer):
            errs.append(invalid(path, finalizer, msg))
    if "orphan" in strings and "foregroundDeletion" in strings:
        errs.append(invalid(path, strings, "finalizer orphan and foregroundDeletion cannot be both set"))
    for i, finalizer in enumerate(strings):
        if "/" not in finalizer and finalizer not in STANDARD_FINALIZERS:
            errs.append(
                invalid(
                    f"{path}[{i}]",
                    finalizer,
                    "name is neither a standard finalizer name nor is it fully qualified",
                )
            )


def validate_object_meta(
    meta: Any, namespaced: bool, name_fn: NameFn, errs: Errs, path: str = "metadata"
) -> None:
    """ValidateObjectMeta (create): name rules, namespace, labels, annotations, owners, finalizers."""
    meta = meta if isinstance(meta, dict) else {}
    generate_name = gs(meta, "generateName")
    if generate_name:
        for msg in name_fn(generate_name, True):
            errs.append(invalid(f"{path}.generateName", generate_name, msg))
    name = gs(meta, "name")
    if not name:
        errs.append(required(f"{path}.name", "name or generateName is required"))
    else:
        for msg in name_fn(name, False):
            errs.append(invalid(f"{path}.name", name, msg))
    namespace = gs(meta, "namespace")
    if namespaced:
        if not namespace:
            errs.append(required(f"{path}.namespace", ""))
        else:
            for msg in names.name_is_dns_label(namespace):
                errs.append(invalid(f"{path}.namespace", namespace, msg))
    elif namespace:
        errs.append(forbidden(f"{path}.namespace", "not allowed on this type"))
    generation = gi(meta, "generation")
    if generation is not None and generation < 0:
        errs.append(invalid(f"{path}.generation", generation, IS_NEGATIVE_ERROR))
    validate_common_meta(meta, path, errs)


def validate_common_meta(meta: dict[str, Any], path: str, errs: Errs) -> None:
    """The metadata checks shared by create and update."""
    validate_labels(meta.get("labels"), f"{path}.labels", errs)
    validate_annotations(meta.get("annotations"), f"{path}.annotations", errs)
    _validate_owner_references(meta.get("ownerReferences"), f"{path}.ownerReferences", errs)
    _validate_finalizers(meta.get("finalizers"), f"{path}.finalizers", errs)


def validate_object_meta_update(new: Any, old: Any, errs: Errs, path: str = "metadata") -> None:
    """ValidateObjectMetaUpdate: identity fields are immutable; labels etc. are re-checked.

    (resourceVersion preconditions are the API server's business, not checked here.)
    """
    new = new if isinstance(new, dict) else {}
    old = old if isinstance(old, dict) else {}
    if old.get("deletionTimestamp"):
        old_finalizers = set(gl(old, "finalizers"))
        extra = sorted({f for f in gl(new, "finalizers") if isinstance(f, str)} - old_finalizers)
        if extra:
            errs.append(
                forbidden(
                    f"{path}.finalizers",
                    "no new finalizers can be added if the object is being deleted, found new finalizers "
                    + go_sharp(extra),
                )
            )
    new_gen, old_gen = gi(new, "generation") or 0, gi(old, "generation") or 0
    if new_gen < old_gen:
        errs.append(invalid(f"{path}.generation", new_gen, "must not be decremented"))
    for key in (
        "name",
        "namespace",
        "uid",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
    ):
        if new.get(key) != old.get(key):
            errs.append(invalid(f"{path}.{key}", new.get(key), FIELD_IMMUTABLE_ERROR))
    validate_common_meta(new, path, errs)


# --- label selectors -----------------------------------------------------------------------------


def validate_label_selector(sel: Any, path: str, errs: Errs, allow_invalid_values: bool = False) -> None:
    """ValidateLabelSelector: matchLabels are labels; expressions need a known operator and values."""
    if not isinstance(sel, dict):
        return
    validate_labels(sel.get("matchLabels"), f"{path}.matchLabels", errs)
    for i, expr in enumerate(gl(sel, "matchExpressions")):
        if not isinstance(expr, dict):
            continue
        epath = f"{path}.matchExpressions[{i}]"
        operator, values = gs(expr, "operator"), gl(expr, "values")
        if operator in ("In", "NotIn"):
            if not values:
                errs.append(
                    required(f"{epath}.values", "must be specified when `operator` is 'In' or 'NotIn'")
                )
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    forbidden(
                        f"{epath}.values",
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        else:
            errs.append(invalid(f"{epath}.operator", operator, "not a valid selector operator"))
        validate_label_name(gs(expr, "key"), f"{epath}.key", errs)
        if not allow_invalid_values:
            for j, value in enumerate(values):
                if isinstance(value, str):
                    for msg in names.is_label_value(value):
                        errs.append(invalid(f"{epath}.values[{j}]", value, msg))


def as_selector(sel: Any) -> LabelSelector | None:
    """``metav1.LabelSelectorAsSelector``: None if Kubernetes could not turn it into a selector."""
    try:
        return selector_from_dict(sel if isinstance(sel, dict) else None)
    except (ValueError, TypeError, AttributeError):  # SelectorError is a ValueError
        return None


def selector_is_valid(sel: dict[str, Any]) -> bool:
    return as_selector(sel) is not None


def selector_matches(sel: dict[str, Any] | None, labels: dict[str, Any] | None) -> bool:
    """Does the selector select these labels? A nil selector matches nothing, ``{}`` everything."""
    selector = as_selector(sel)
    return selector is not None and selector.matches(labels if isinstance(labels, dict) else {})


def selector_is_empty(sel: dict[str, Any] | None) -> bool:
    """``selector.Empty()``: true for {} (matches everything); a nil selector is *not* empty."""
    return sel is not None and not gd(sel, "matchLabels") and not gl(sel, "matchExpressions")


# --- numbers, int-or-percent, quantities ---------------------------------------------------------


def nonnegative(value: Any, path: str, errs: Errs) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value < 0:
        errs.append(invalid(path, value, IS_NEGATIVE_ERROR))


def int_or_percent_value(v: Any) -> int:
    """getIntOrPercentValue: ``"25%"`` -> 25, ``3`` -> 3, other strings as ``strconv.Atoi`` (0 on error)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    if isinstance(v, str):
        if not names.is_valid_percent(v):  # no error message: it is a percent
            return int(v[:-1])
        if _ATOI_RE.fullmatch(v):
            return int(v)
    return 0


_ATOI_RE = re.compile("[+-]?[0-9]+")


def validate_positive_int_or_percent(v: Any, path: str, errs: Errs) -> None:
    if isinstance(v, str):
        for msg in names.is_valid_percent(v):
            errs.append(invalid(path, go_int_or_string(v), msg))
    elif isinstance(v, int) and not isinstance(v, bool):
        nonnegative(v, path, errs)


def not_more_than_100_percent(v: Any, path: str, errs: Errs) -> None:
    if isinstance(v, str) and not names.is_valid_percent(v) and int(v[:-1]) > 100:
        errs.append(invalid(path, go_int_or_string(v), "must not be greater than 100%"))


def parse_qty(raw: Any) -> tuple[Decimal | None, str]:
    """``(value, "")`` for a quantity, ``(None, why)`` for something that is not one.

    ``why`` is ParseQuantity's message, e.g. ``quantities must match the regular expression ...``. The models'
    Quantity type refuses such a value first, as Go's JSON decoder does (a 400); this is for values validation
    reads outside a model (annotations, a map of another kind).
    """
    try:
        return parse_quantity(raw), ""
    except (ValueError, TypeError, ArithmeticError) as exc:  # QuantityError is a ValueError
        return None, str(exc)


def canonical_quantity(raw: Any) -> str:
    """``Quantity.String()``, how Kubernetes prints a quantity in messages: "2000m" -> "2"."""
    try:
        return canonical(raw)
    except (ValueError, TypeError, ArithmeticError):
        return str(raw)


# --- comparison ----------------------------------------------------------------------------------


def strip_nulls(value: Any) -> Any:
    """A copy without null-valued keys: JSON null and "absent" are the same to a Go struct."""
    if isinstance(value, dict):
        return {k: strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [strip_nulls(v) for v in value]
    return value


def same(a: Any, b: Any) -> bool:
    """Semantic equality for update checks (``apiequality.Semantic.DeepEqual``, nulls ignored)."""
    return a == b or strip_nulls(a) == strip_nulls(b)
