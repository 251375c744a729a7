"""LimitRange and ResourceQuota (ValidateLimitRange, ValidateResourceQuota in pkg/apis/core/validation)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kubetui.api.fielderrors import GoLiteral, duplicate, forbidden, invalid, required
from kubetui.api.validation import names
from kubetui.api.validation.common import (
    Errs,
    canonical_quantity,
    gd,
    gl,
    gs,
    parse_qty,
    validate_object_meta,
    validate_object_meta_update,
)
from kubetui.api.validation.containers import validate_container_resource_name

LIMIT_TYPES = ("Pod", "Container", "PersistentVolumeClaim")
_STANDARD_RESOURCES = frozenset({
    "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory", "ephemeral-storage",
    "requests.ephemeral-storage", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
    "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers",
})
STANDARD_QUOTA_RESOURCES = _STANDARD_RESOURCES - {"storage"}
QUOTA_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
                "CrossNamespacePodAffinity")
# helper.IsResourceQuotaScopeValidForResource: what each scope can limit
_POD_OBJECT_AND_COMPUTE = frozenset({"pods", "cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu",
                                     "limits.memory", "ephemeral-storage", "requests.ephemeral-storage",
                                     "limits.ephemeral-storage"})
_SCOPE_RESOURCES = {"Terminating": _POD_OBJECT_AND_COMPUTE, "NotTerminating": _POD_OBJECT_AND_COMPUTE,
                    "PriorityClass": _POD_OBJECT_AND_COMPUTE, "BestEffort": frozenset({"pods"}),
                    "NotBestEffort": _POD_OBJECT_AND_COMPUTE, "CrossNamespacePodAffinity": frozenset({"pods"})}


def _is_hugepages(name: str) -> bool:
    return name.startswith(("hugepages-", "requests.hugepages-", "limits.hugepages-"))


def _validate_resource_name(name: str, path: str, errs: Errs) -> bool:
    """validateResourceName: a qualified name, standard unless it has a domain. True when it is valid."""
    problems = names.is_qualified_name(name)
    for msg in problems:
        errs.append(invalid(path, name, msg))
    if problems:
        return False
    if "/" not in name and name not in _STANDARD_RESOURCES and not _is_hugepages(name):
        errs.append(invalid(path, name, "must be a standard resource type or fully qualified"))
        return False
    return True


def _quantities(obj: dict[str, Any], key: str, path: str, limit_type: str, errs: Errs) -> dict[str, Decimal]:
    """One of a LimitRangeItem's resource lists, parsed (a value that is no quantity is reported, then skipped)."""
    values: dict[str, Decimal] = {}
    for name, raw in gd(obj, key).items():
        fpath = f"{path}.{key}[{name}]"
        if limit_type in ("Pod", "Container"):
            validate_container_resource_name(name, fpath, errs)
        else:
            _validate_resource_name(name, fpath, errs)
        value, problem = parse_qty(raw)
        if value is None:
            errs.append(invalid(fpath, raw, problem))
        else:
            values[name] = value
    return values


def validate_limitrange(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    if old is None:
        validate_object_meta(obj.get("metadata"), True, names.name_is_dns_subdomain, errs)
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)
    seen: set[str] = set()
    for i, item in enumerate(gl(gd(obj, "spec"), "limits")):
        if not isinstance(item, dict):
            continue
        path = f"spec.limits[{i}]"
        limit_type = gs(item, "type")
        _validate_limit_type(limit_type, f"{path}.type", errs)
        if limit_type in seen:
            errs.append(duplicate(f"{path}.type", limit_type))
        seen.add(limit_type)
        raw = {key: gd(item, key) for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")}
        max_, min_ = _quantities(item, "max", path, limit_type, errs), _quantities(item, "min", path, limit_type, errs)
        defaults: dict[str, Decimal] = {}
        default_requests: dict[str, Decimal] = {}
        if limit_type == "Pod":
            if raw["default"]:
                errs.append(forbidden(f"{path}.default", "may not be specified when `type` is 'Pod'"))
            if raw["defaultRequest"]:
                errs.append(forbidden(f"{path}.defaultRequest", "may not be specified when `type` is 'Pod'"))
        else:
            defaults = _quantities(item, "default", path, limit_type, errs)
            default_requests = _quantities(item, "defaultRequest", path, limit_type, errs)
        if limit_type == "PersistentVolumeClaim" and "storage" not in raw["min"] and "storage" not in raw["max"]:
            errs.append(required(f"{path}.limits", "either minimum or maximum storage value is required, but "
                                                   "neither was provided"))
        ratios = _quantities(item, "maxLimitRequestRatio", path, limit_type, errs)
        for name in sorted({*max_, *min_, *defaults, *default_requests, *ratios}):
            _check_order(name, path, raw, max_, min_, defaults, default_requests, ratios, errs)


def _validate_limit_type(value: str, path: str, errs: Errs) -> None:
    """validateLimitRangeTypeName: Pod, Container, PersistentVolumeClaim, or a name with a domain."""
    problems = names.is_qualified_name(value)
    for msg in problems:
        errs.append(invalid(path, value, msg))
    if not problems and "/" not in value and value not in LIMIT_TYPES:
        errs.append(invalid(path, value, "must be a standard limit type or fully qualified"))


def _check_order(name: str, path: str, raw: dict[str, dict[str, Any]], max_: dict[str, Decimal],
                 min_: dict[str, Decimal], defaults: dict[str, Decimal], default_requests: dict[str, Decimal],
                 ratios: dict[str, Decimal], errs: Errs) -> None:
    """min <= defaultRequest <= default <= max, and a ratio of at least 1 that max/min allows."""
    def text(key: str) -> str:
        return canonical_quantity(raw[key][name])

    low, high, limit, request = min_.get(name), max_.get(name), defaults.get(name), default_requests.get(name)
    if low is not None and high is not None and low > high:
        errs.append(invalid(f"{path}.min[{name}]", text("min"),
                            f"min value {text('min')} is greater than max value {text('max')}"))
    if request is not None and low is not None and low > request:
        errs.append(invalid(f"{path}.defaultRequest[{name}]", text("defaultRequest"),
                            f"min value {text('min')} is greater than default request value {text('defaultRequest')}"))
    if request is not None and high is not None and request > high:
        errs.append(invalid(f"{path}.defaultRequest[{name}]", text("defaultRequest"),
                            f"default request value {text('defaultRequest')} is greater than max value {text('max')}"))
    if request is not None and limit is not None and request > limit:
        errs.append(invalid(f"{path}.defaultRequest[{name}]", text("defaultRequest"),
                            f"default request value {text('defaultRequest')} is greater than default limit value "
                            f"{text('default')}"))
    if limit is not None and low is not None and low > limit:
        errs.append(invalid(f"{path}.default[{name}]", text("min"),
                            f"min value {text('min')} is greater than default value {text('default')}"))
    if limit is not None and high is not None and limit > high:
        errs.append(invalid(f"{path}.default[{name}]", text("max"),
                            f"default value {text('default')} is greater than max value {text('max')}"))
    ratio = ratios.get(name)
    if ratio is not None and ratio < 1:
        errs.append(invalid(f"{path}.maxLimitRequestRatio[{name}]", text("maxLimitRequestRatio"),
                            f"ratio {text('maxLimitRequestRatio')} is less than 1"))
    if ratio is not None and low and high is not None and ratio > high / low:
        errs.append(invalid(f"{path}.maxLimitRequestRatio[{name}]", text("maxLimitRequestRatio"),
                            f"ratio {text('maxLimitRequestRatio')} is greater than max/min = {float(high / low):f}"))


def validate_resourcequota(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    if old is None:
        validate_object_meta(obj.get("metadata"), True, names.name_is_dns_subdomain, errs)
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)
    spec = gd(obj, "spec")
    hard = gd(spec, "hard")
    _validate_resource_list(hard, "spec.hard", errs)
    scopes = [s for s in gl(spec, "scopes") if isinstance(s, str)]
    for scope in scopes:
        if scope not in QUOTA_SCOPES:
            errs.append(invalid("spec.scopes", GoLiteral(_go_strings(scopes)), "unsupported scope"))
            return
    for name in hard:
        if any(name not in _SCOPE_RESOURCES.get(scope, frozenset()) for scope in scopes):
            errs.append(invalid("spec.hard", GoLiteral(_go_strings(list(hard))), "unsupported scope applied to "
                                                                                 "resource"))
            break
    for one, other in (("Terminating", "NotTerminating"), ("BestEffort", "NotBestEffort")):
        if one in scopes and other in scopes:
            errs.append(invalid("spec.scopes", GoLiteral(_go_strings(scopes)), "conflicting scopes"))
    validate_resourcequota_status(obj, old, errs)


def validate_resourcequota_status(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    status = gd(obj, "status")
    _validate_resource_list(gd(status, "hard"), "status.hard", errs)
    _validate_resource_list(gd(status, "used"), "status.used", errs)


def _validate_resource_list(values: dict[str, Any], path: str, errs: Errs) -> None:
    """ValidateResourceQuotaResourceName and ValidateResourceQuantityValue for each entry."""
    for name, raw in values.items():
        fpath = f"{path}[{name}]"
        _validate_resource_name(name, fpath, errs)
        if "/" not in name and name not in STANDARD_QUOTA_RESOURCES and not _is_hugepages(name):
            errs.append(invalid(fpath, name, "must be a standard resource for quota"))
        value, problem = parse_qty(raw)
        if value is None:
            errs.append(invalid(fpath, raw, problem))
            continue
        if value < 0:
            errs.append(invalid(fpath, canonical_quantity(raw), "must be greater than or equal to 0"))
        if _counts_objects(name) and value != value.to_integral_value():
            errs.append(invalid(fpath, canonical_quantity(raw), "must be an integer"))


def _counts_objects(name: str) -> bool:
    """helper.IsIntegerResourceName: object counts and extended resources take whole numbers."""
    integers = {"pods", "services", "replicationcontrollers", "resourcequotas", "services.nodeports",
                "services.loadbalancers", "secrets", "configmaps", "persistentvolumeclaims"}
    extended = "/" in name and "kubernetes.io/" not in name and not name.startswith("requests.")
    return name in integers or extended


def _go_strings(values: list[str]) -> str:
    """A []string as %v prints it: ``[BestEffort Foo]``."""
    return "[" + " ".join(values) + "]"
