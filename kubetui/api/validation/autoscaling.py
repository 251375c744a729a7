"""autoscaling/v2: HorizontalPodAutoscaler.

Source: ``pkg/apis/autoscaling/validation/validation.go`` (ValidateHorizontalPodAutoscaler[Update],
validateMetrics, validateBehavior, ValidateHorizontalPodAutoscalerStatusUpdate). Go validates the
internal object, whose field paths are v2's: an autoscaling/v1 request's errors name them too
(``spec.metrics[0].resource.target.averageUtilization`` for a bad ``targetCPUUtilizationPercentage``).
"""

from __future__ import annotations

from typing import Any

from kubetui.api.fielderrors import GoLiteral, forbidden, invalid, not_supported, required
from kubetui.api.validation import names
from kubetui.api.validation.common import (
    Errs,
    canonical_quantity,
    gd,
    gi,
    gl,
    gs,
    nonnegative,
    parse_qty,
    validate_object_meta,
    validate_object_meta_update,
)

MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600
METRIC_SOURCE_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
_SOURCE_FIELDS = {"Object": "object", "Pods": "pods", "Resource": "resource", "External": "external",
                  "ContainerResource": "containerResource"}
SELECT_POLICIES = ("Disabled", "Max", "Min")
POLICY_TYPES = ("Percent", "Pods")


def validate_hpa(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    """ValidateHorizontalPodAutoscaler / ...Update: minReplicas may stay 0 only if it already was
    (HPAScaleToZero is alpha, off)."""
    if old is None:
        validate_object_meta(obj.get("metadata"), True, names.name_is_dns_subdomain, errs)
        lower = 1
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)
        lower = 0 if gi(gd(old, "spec"), "minReplicas") == 0 else 1
    _spec(gd(obj, "spec"), "spec", lower, errs)


def validate_hpa_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    status = gd(obj, "status")
    nonnegative(gi(status, "currentReplicas") or 0, "status.currentReplicas", errs)
    nonnegative(gi(status, "desiredReplicas") or 0, "status.desiredReplicas", errs)


def _spec(spec: dict[str, Any], path: str, lower: int, errs: Errs) -> None:
    min_replicas, max_replicas = gi(spec, "minReplicas"), gi(spec, "maxReplicas") or 0
    if min_replicas is not None and min_replicas < lower:
        errs.append(invalid(f"{path}.minReplicas", min_replicas, f"must be greater than or equal to {lower}"))
    if max_replicas < 1:
        errs.append(invalid(f"{path}.maxReplicas", max_replicas, "must be greater than 0"))
    if min_replicas is not None and max_replicas < min_replicas:
        errs.append(invalid(f"{path}.maxReplicas", max_replicas, "must be greater than or equal to `minReplicas`"))
    cross_version_reference(gd(spec, "scaleTargetRef"), f"{path}.scaleTargetRef", errs)
    metrics = gl(spec, "metrics")
    kinds = set()
    for i, metric in enumerate(metrics):
        metric = metric if isinstance(metric, dict) else {}
        _metric(metric, f"{path}.metrics[{i}]", errs)
        kinds.add(gs(metric, "type"))
    if min_replicas == 0 and not kinds & {"Object", "External"}:
        detail = "must specify at least one Object or External metric to support scaling to zero replicas"
        errs.append(forbidden(f"{path}.metrics", detail))
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        for key in ("scaleUp", "scaleDown"):
            if isinstance(behavior.get(key), dict):
                _rules(behavior[key], f"{path}.behavior.{key}", errs)


def cross_version_reference(ref: dict[str, Any], path: str, errs: Errs) -> None:
    """ValidateCrossVersionObjectReference: kind and name required, each a valid path segment."""
    for key in ("kind", "name"):
        value = gs(ref, key)
        if not value:
            errs.append(required(f"{path}.{key}", ""))
        for msg in names.is_valid_path_segment_name(value) if value else ():
            errs.append(invalid(f"{path}.{key}", value, msg))


def _rules(rules: dict[str, Any], path: str, errs: Errs) -> None:
    window = gi(rules, "stabilizationWindowSeconds")
    if window is not None and window < 0:
        errs.append(invalid(f"{path}.stabilizationWindowSeconds", window, "must be greater than or equal to zero"))
    if window is not None and window > MAX_STABILIZATION_WINDOW_SECONDS:
        errs.append(invalid(f"{path}.stabilizationWindowSeconds", window,
                            f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"))
    select = rules.get("selectPolicy")
    if select is not None and select not in SELECT_POLICIES:
        errs.append(not_supported(f"{path}.selectPolicy", select, SELECT_POLICIES))
    policies = gl(rules, "policies")
    if not policies:
        errs.append(required(f"{path}.policies", "must specify at least one Policy"))
    for i, policy in enumerate(policies):
        policy = policy if isinstance(policy, dict) else {}
        at = f"{path}.policies[{i}]"
        if policy.get("type") not in POLICY_TYPES:
            errs.append(not_supported(f"{at}.type", gs(policy, "type"), POLICY_TYPES))
        value, period = gi(policy, "value") or 0, gi(policy, "periodSeconds") or 0
        if value <= 0:
            errs.append(invalid(f"{at}.value", value, "must be greater than zero"))
        if period <= 0:
            errs.append(invalid(f"{at}.periodSeconds", period, "must be greater than zero"))
        if period > MAX_PERIOD_SECONDS:
            errs.append(invalid(f"{at}.periodSeconds", period, f"must be less than or equal to {MAX_PERIOD_SECONDS}"))


def _metric(metric: dict[str, Any], path: str, errs: Errs) -> None:
    """validateMetricSpec: a known type, and exactly the source that type names."""
    kind = gs(metric, "type")
    if not kind:
        errs.append(required(f"{path}.type", "must specify a metric source type"))
    if kind not in METRIC_SOURCE_TYPES:
        errs.append(not_supported(f"{path}.type", kind, METRIC_SOURCE_TYPES))
    present = [field for field in ("object", "external", "pods", "resource", "containerResource")
               if isinstance(metric.get(field), dict)]
    if present:
        first = present[0]
        _SOURCE_CHECKS[first](metric[first], f"{path}.{first}", errs)
    expected = _SOURCE_FIELDS.get(kind, "")
    if expected and expected not in present:
        errs.append(required(f"{path}.{expected}", "must populate information for the given metric source"))
    if len(present) != 1:
        for field in sorted(set(present) - {expected}):
            errs.append(forbidden(f"{path}.{field}", "must populate the given metric source only"))


def _identifier(ident: dict[str, Any], path: str, errs: Errs) -> None:
    name = gs(ident, "name")
    if not name:
        errs.append(required(f"{path}.name", "must specify a metric name"))
    for msg in names.is_valid_path_segment_name(name) if name else ():
        errs.append(invalid(f"{path}.name", name, msg))


def _positive(target: dict[str, Any], key: str, path: str, errs: Errs) -> None:
    raw = target.get(key)
    if raw is None:
        return
    value, _ = parse_qty(raw)
    if value is not None and value <= 0:
        errs.append(invalid(f"{path}.{key}", GoLiteral(canonical_quantity(raw)), "must be positive"))


def _target(target: dict[str, Any], path: str, errs: Errs) -> None:
    """validateMetricTarget."""
    kind = gs(target, "type")
    if not kind:
        errs.append(required(f"{path}.type", "must specify a metric target type"))
    if kind not in ("Utilization", "Value", "AverageValue"):
        errs.append(invalid(f"{path}.type", kind, "must be either Utilization, Value, or AverageValue"))
    _positive(target, "value", path, errs)
    _positive(target, "averageValue", path, errs)
    utilization = gi(target, "averageUtilization")
    if utilization is not None and utilization < 1:
        errs.append(invalid(f"{path}.averageUtilization", utilization, "must be greater than 0"))


def _object(src: dict[str, Any], path: str, errs: Errs) -> None:
    cross_version_reference(gd(src, "describedObject"), f"{path}.describedObject", errs)
    _identifier(gd(src, "metric"), f"{path}.metric", errs)
    target = gd(src, "target")
    _target(target, f"{path}.target", errs)
    if target.get("value") is None and target.get("averageValue") is None:
        errs.append(required(f"{path}.target.averageValue", "must set either a target value or averageValue"))


def _external(src: dict[str, Any], path: str, errs: Errs) -> None:
    _identifier(gd(src, "metric"), f"{path}.metric", errs)
    target = gd(src, "target")
    _target(target, f"{path}.target", errs)
    if target.get("value") is None and target.get("averageValue") is None:
        errs.append(required(f"{path}.target.averageValue",
                             "must set either a target value for metric or a per-pod target"))
    if target.get("value") is not None and target.get("averageValue") is not None:
        errs.append(forbidden(f"{path}.target.value",
                              "may not set both a target value for metric and a per-pod target"))


def _pods(src: dict[str, Any], path: str, errs: Errs) -> None:
    _identifier(gd(src, "metric"), f"{path}.metric", errs)
    target = gd(src, "target")
    _target(target, f"{path}.target", errs)
    if target.get("averageValue") is None:
        errs.append(required(f"{path}.target.averageValue", "must specify a positive target averageValue"))


def _resource_target(target: dict[str, Any], path: str, errs: Errs) -> None:
    _target(target, f"{path}.target", errs)
    if target.get("averageUtilization") is None and target.get("averageValue") is None:
        errs.append(required(f"{path}.target.averageUtilization",
                             "must set either a target raw value or a target utilization"))
    if target.get("averageUtilization") is not None and target.get("averageValue") is not None:
        errs.append(forbidden(f"{path}.target.averageValue",
                              "may not set both a target raw value and a target utilization"))


def _resource(src: dict[str, Any], path: str, errs: Errs) -> None:
    if not gs(src, "name"):
        errs.append(required(f"{path}.name", "must specify a resource name"))
    _resource_target(gd(src, "target"), path, errs)


def _container_resource(src: dict[str, Any], path: str, errs: Errs) -> None:
    if not gs(src, "name"):
        errs.append(required(f"{path}.name", "must specify a resource name"))
    container = gs(src, "container")
    if not container:
        errs.append(required(f"{path}.container", "must specify a container"))
    for msg in names.is_dns1123_label(container) if container else ():
        errs.append(invalid(f"{path}.container", container, msg))
    _resource_target(gd(src, "target"), path, errs)


_SOURCE_CHECKS = {"object": _object, "external": _external, "pods": _pods, "resource": _resource,
                  "containerResource": _container_resource}
