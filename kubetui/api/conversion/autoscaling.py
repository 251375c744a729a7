"""HorizontalPodAutoscaler between autoscaling/v1 and the stored autoscaling/v2.

As ``pkg/apis/autoscaling/v1/conversion.go`` does it: v1's ``targetCPUUtilizationPercentage`` is a
Resource ``cpu`` metric with a Utilization target, ``currentCPUUtilizationPercentage`` comes from the
current metrics; everything v1 cannot say (other metrics, current metrics, conditions, behavior) rides
in ``autoscaling.alpha.kubernetes.io/*`` annotations, so a v1 client that writes back what it read
loses nothing. The metric annotations hold v1's own MetricSpec/MetricStatus JSON (the v2beta1 shape:
``metricName``, ``targetAverageValue``...); the behavior annotation holds Go's internal type, whose
JSON names are the Go field names (``ScaleUp``, ``StabilizationWindowSeconds``).
"""

from __future__ import annotations

import copy
import json
from typing import Any

Obj = dict[str, Any]

METRIC_SPECS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
METRIC_STATUSES_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"
ROUND_TRIP_ANNOTATIONS = (METRIC_SPECS_ANNOTATION, BEHAVIOR_ANNOTATION, METRIC_STATUSES_ANNOTATION,
                          CONDITIONS_ANNOTATION)
DEFAULT_CPU_UTILIZATION = 80
ZERO = "0"  # a non-pointer resource.Quantity that was never set marshals as "0"


def _d(value: Any) -> Obj:
    return value if isinstance(value, dict) else {}


def _set(out: Obj, key: str, value: Any) -> None:
    """An omitempty pointer: written only when set."""
    if value is not None:
        out[key] = value


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _is_cpu_utilization(metric: Any) -> bool:
    resource = _d(_d(metric).get("resource"))
    return (_d(metric).get("type") == "Resource" and resource.get("name") == "cpu"
            and _d(resource.get("target")).get("averageUtilization") is not None)


def _cpu_metric(utilization: Any) -> Obj:
    return {"type": "Resource",
            "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": utilization}}}


def _copy_meta(obj: Obj) -> Obj:
    """The metadata, without round-trip annotations a client may have copied from an earlier read."""
    meta = copy.deepcopy(_d(obj.get("metadata")))
    annotations = meta.get("annotations")
    if isinstance(annotations, dict) and any(key in annotations for key in ROUND_TRIP_ANNOTATIONS):
        annotations = {k: v for k, v in annotations.items() if k not in ROUND_TRIP_ANNOTATIONS}
        if annotations:
            meta["annotations"] = annotations
        else:
            meta.pop("annotations", None)
    return meta


def _pick(source: Obj, keys: tuple[str, ...]) -> Obj:
    return {key: copy.deepcopy(source[key]) for key in keys if key in source}


# --- v2 -> v1 --------------------------------------------------------------------------------------


def _metric_spec_to_v1(metric: Obj) -> Obj:
    out: Obj = {"type": metric.get("type", "")}
    obj_src, pods, res, cres, ext = (_d(metric.get(k)) if metric.get(k) is not None else None
                                     for k in ("object", "pods", "resource", "containerResource", "external"))
    if obj_src is not None:
        target, ident = _d(obj_src.get("target")), _d(obj_src.get("metric"))
        v1: Obj = {"target": _pick(_d(obj_src.get("describedObject")), ("kind", "name", "apiVersion")),
                   "metricName": ident.get("name", ""), "targetValue": target.get("value") or ZERO}
        _set(v1, "selector", ident.get("selector"))
        _set(v1, "averageValue", target.get("averageValue"))
        out["object"] = v1
    if pods is not None:
        target, ident = _d(pods.get("target")), _d(pods.get("metric"))
        v1 = {"metricName": ident.get("name", ""), "targetAverageValue": target.get("averageValue") or ZERO}
        _set(v1, "selector", ident.get("selector"))
        out["pods"] = v1
    for key, src in (("resource", res), ("containerResource", cres)):
        if src is not None:
            target = _d(src.get("target"))
            v1 = {"name": src.get("name", "")}
            _set(v1, "targetAverageUtilization", target.get("averageUtilization"))
            _set(v1, "targetAverageValue", target.get("averageValue"))
            if key == "containerResource":
                v1["container"] = src.get("container", "")
            out[key] = v1
    if ext is not None:
        target, ident = _d(ext.get("target")), _d(ext.get("metric"))
        v1 = {"metricName": ident.get("name", "")}
        _set(v1, "metricSelector", ident.get("selector"))
        _set(v1, "targetValue", target.get("value"))
        _set(v1, "targetAverageValue", target.get("averageValue"))
        out["external"] = v1
    return out


def _metric_status_to_v1(metric: Obj) -> Obj:
    out: Obj = {"type": metric.get("type", "")}
    obj_src, pods, res, cres, ext = (_d(metric.get(k)) if metric.get(k) is not None else None
                                     for k in ("object", "pods", "resource", "containerResource", "external"))
    if obj_src is not None:
        current, ident = _d(obj_src.get("current")), _d(obj_src.get("metric"))
        v1: Obj = {"target": _pick(_d(obj_src.get("describedObject")), ("kind", "name", "apiVersion")),
                   "metricName": ident.get("name", ""), "currentValue": current.get("value") or ZERO}
        _set(v1, "selector", ident.get("selector"))
        _set(v1, "averageValue", current.get("averageValue"))
        out["object"] = v1
    if pods is not None:
        current, ident = _d(pods.get("current")), _d(pods.get("metric"))
        v1 = {"metricName": ident.get("name", ""), "currentAverageValue": current.get("averageValue") or ZERO}
        _set(v1, "selector", ident.get("selector"))
        out["pods"] = v1
    for key, src in (("resource", res), ("containerResource", cres)):
        if src is not None:
            current = _d(src.get("current"))
            v1 = {"name": src.get("name", "")}
            _set(v1, "currentAverageUtilization", current.get("averageUtilization"))
            v1["currentAverageValue"] = current.get("averageValue") or ZERO
            if key == "containerResource":
                v1["container"] = src.get("container", "")
            out[key] = v1
    if ext is not None:
        current, ident = _d(ext.get("current")), _d(ext.get("metric"))
        v1 = {"metricName": ident.get("name", "")}
        _set(v1, "metricSelector", ident.get("selector"))
        v1["currentValue"] = current.get("value") or ZERO
        _set(v1, "currentAverageValue", current.get("averageValue"))
        out["external"] = v1
    return out


_RULE_FIELDS = (("stabilizationWindowSeconds", "StabilizationWindowSeconds"), ("selectPolicy", "SelectPolicy"))
_POLICY_FIELDS = (("type", "Type"), ("value", "Value"), ("periodSeconds", "PeriodSeconds"))


def _behavior_to_internal(behavior: Obj) -> Obj:
    """json.Marshal of the internal HorizontalPodAutoscalerBehavior: Go's field names, nil pointers as null."""
    out: Obj = {}
    for v2_key, go_key in (("scaleUp", "ScaleUp"), ("scaleDown", "ScaleDown")):
        rules = behavior.get(v2_key)
        if not isinstance(rules, dict):
            out[go_key] = None
            continue
        internal: Obj = {go: rules.get(v2) for v2, go in _RULE_FIELDS}
        policies = rules.get("policies")
        internal["Policies"] = None if not isinstance(policies, list) else [
            {go: _d(p).get(v2, "" if v2 == "type" else 0) for v2, go in _POLICY_FIELDS} for p in policies
        ]
        out[go_key] = internal
    return out


def v2_to_v1(obj: Obj) -> Obj:
    """Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler."""
    spec, status = _d(obj.get("spec")), _d(obj.get("status"))
    meta = _copy_meta(obj)
    out: Obj = {"apiVersion": "autoscaling/v1", "kind": obj.get("kind", "HorizontalPodAutoscaler"), "metadata": meta}
    v1_spec = _pick(spec, ("scaleTargetRef", "minReplicas", "maxReplicas"))
    metrics = [m for m in spec.get("metrics") or () if isinstance(m, dict)]
    for metric in metrics:  # the first CPU metric with a utilization target (a CPU averageValue one stays out)
        if _is_cpu_utilization(metric):
            _set(v1_spec, "targetCPUUtilizationPercentage", metric["resource"]["target"]["averageUtilization"])
            break
    out["spec"] = v1_spec
    v1_status = _pick(status, ("observedGeneration", "lastScaleTime"))
    v1_status["currentReplicas"] = status.get("currentReplicas", 0)
    v1_status["desiredReplicas"] = status.get("desiredReplicas", 0)
    current = [m for m in status.get("currentMetrics") or () if isinstance(m, dict)]
    for metric in current:
        resource = _d(metric.get("resource"))
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            _set(v1_status, "currentCPUUtilizationPercentage", _d(resource.get("current")).get("averageUtilization"))
    out["status"] = v1_status
    extra: Obj = {}
    others = [_metric_spec_to_v1(m) for m in metrics if not _is_cpu_utilization(m)]
    if others:
        extra[METRIC_SPECS_ANNOTATION] = _json(others)
    if current:
        extra[METRIC_STATUSES_ANNOTATION] = _json([_metric_status_to_v1(m) for m in current])
    conditions = [c for c in status.get("conditions") or () if isinstance(c, dict)]
    if conditions:
        keys = ("type", "status", "lastTransitionTime", "reason", "message")
        extra[CONDITIONS_ANNOTATION] = _json([_pick(c, keys) for c in conditions])
    if isinstance(spec.get("behavior"), dict):
        extra[BEHAVIOR_ANNOTATION] = _json(_behavior_to_internal(spec["behavior"]))
    if extra:
        meta["annotations"] = {**_d(meta.get("annotations")), **extra}
    return out


# --- v1 -> v2 --------------------------------------------------------------------------------------


def _target(kind: str, value: Any = None, average_value: Any = None, utilization: Any = None) -> Obj:
    out: Obj = {"type": kind}
    _set(out, "value", value)
    _set(out, "averageValue", average_value)
    _set(out, "averageUtilization", utilization)
    return out


def _identifier(name: Any, selector: Any) -> Obj:
    out: Obj = {"name": name if name is not None else ""}
    _set(out, "selector", selector)
    return out


def _metric_spec_to_v2(metric: Obj) -> Obj:
    out: Obj = {"type": metric.get("type", "")}
    if isinstance(metric.get("object"), dict):
        src = metric["object"]
        kind = "Value" if src.get("averageValue") is None else "AverageValue"
        out["object"] = {
            "describedObject": _pick(_d(src.get("target")), ("kind", "name", "apiVersion")),
            "target": _target(kind, src.get("targetValue", ZERO), src.get("averageValue")),
            "metric": _identifier(src.get("metricName"), src.get("selector")),
        }
    if isinstance(metric.get("pods"), dict):
        src = metric["pods"]
        out["pods"] = {"metric": _identifier(src.get("metricName"), src.get("selector")),
                       "target": _target("AverageValue", average_value=src.get("targetAverageValue", ZERO))}
    for key in ("resource", "containerResource"):
        if isinstance(metric.get(key), dict):
            src = metric[key]
            utilization = src.get("targetAverageUtilization")
            kind = "AverageValue" if utilization is None else "Utilization"
            converted: Obj = {"name": src.get("name", ""),
                              "target": _target(kind, average_value=src.get("targetAverageValue"),
                                                utilization=utilization)}
            if key == "containerResource":
                converted["container"] = src.get("container", "")
            out[key] = converted
    if isinstance(metric.get("external"), dict):
        src = metric["external"]
        kind = "AverageValue" if src.get("targetValue") is None else "Value"
        out["external"] = {"metric": _identifier(src.get("metricName"), src.get("metricSelector")),
                           "target": _target(kind, src.get("targetValue"), src.get("targetAverageValue"))}
    return out


def _value_status(value: Any = None, average_value: Any = None, utilization: Any = None) -> Obj:
    out: Obj = {}
    _set(out, "value", value)
    _set(out, "averageValue", average_value)
    _set(out, "averageUtilization", utilization)
    return out


def _metric_status_to_v2(metric: Obj) -> Obj:
    out: Obj = {"type": metric.get("type", "")}
    if isinstance(metric.get("object"), dict):
        src = metric["object"]
        out["object"] = {
            "metric": _identifier(src.get("metricName"), src.get("selector")),
            "current": _value_status(src.get("currentValue", ZERO), src.get("averageValue")),
            "describedObject": _pick(_d(src.get("target")), ("kind", "name", "apiVersion")),
        }
    if isinstance(metric.get("pods"), dict):
        src = metric["pods"]
        out["pods"] = {"metric": _identifier(src.get("metricName"), src.get("selector")),
                       "current": _value_status(average_value=src.get("currentAverageValue", ZERO))}
    for key in ("resource", "containerResource"):
        if isinstance(metric.get(key), dict):
            src = metric[key]
            converted: Obj = {"name": src.get("name", ""),
                              "current": _value_status(average_value=src.get("currentAverageValue", ZERO),
                                                       utilization=src.get("currentAverageUtilization"))}
            if key == "containerResource":
                converted["container"] = src.get("container", "")
            out[key] = converted
    if isinstance(metric.get("external"), dict):
        src = metric["external"]
        out["external"] = {"metric": _identifier(src.get("metricName"), src.get("metricSelector")),
                           "current": _value_status(src.get("currentValue", ZERO), src.get("currentAverageValue"))}
    return out


def _field(obj: Obj, name: str) -> Any:
    """encoding/json's field match: exact, else case-insensitive."""
    if name in obj:
        return obj[name]
    lowered = name.lower()
    return next((value for key, value in obj.items() if key.lower() == lowered), None)


def _behavior_from_internal(internal: Obj) -> Obj:
    out: Obj = {}
    for v2_key, go_key in (("scaleUp", "ScaleUp"), ("scaleDown", "ScaleDown")):
        rules = _field(internal, go_key)
        if not isinstance(rules, dict):
            continue
        converted: Obj = {}
        for v2, go in _RULE_FIELDS:
            _set(converted, v2, _field(rules, go))
        policies = _field(rules, "Policies")
        if isinstance(policies, list):
            converted["policies"] = [
                {v2: _field(_d(p), go) for v2, go in _POLICY_FIELDS if _field(_d(p), go) is not None}
                for p in policies
            ]
        out[v2_key] = converted
    return out


def _annotation_json(annotations: Obj, key: str) -> Any:
    """The decoded annotation; a malformed one is ignored (and dropped), as Go does."""
    try:
        return json.loads(annotations[key]) if isinstance(annotations.get(key), str) else None
    except ValueError:
        return None


def v1_to_v2(obj: Obj) -> Obj:
    """Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler."""
    spec, status = _d(obj.get("spec")), _d(obj.get("status"))
    annotations = _d(_d(obj.get("metadata")).get("annotations"))
    out: Obj = {"apiVersion": "autoscaling/v2", "kind": obj.get("kind", "HorizontalPodAutoscaler"),
                "metadata": _copy_meta(obj)}
    v2_spec = _pick(spec, ("scaleTargetRef", "minReplicas", "maxReplicas"))
    metrics: list[Obj] = []
    others = _annotation_json(annotations, METRIC_SPECS_ANNOTATION)
    if isinstance(others, list):
        metrics = [_metric_spec_to_v2(m) for m in others if isinstance(m, dict)]
    if spec.get("targetCPUUtilizationPercentage") is not None:
        metrics.append(_cpu_metric(spec["targetCPUUtilizationPercentage"]))
    # autoscaling/v1 formerly had an implicit default applied in the controller: made explicit here.
    v2_spec["metrics"] = metrics or [_cpu_metric(DEFAULT_CPU_UTILIZATION)]
    behavior = _annotation_json(annotations, BEHAVIOR_ANNOTATION)
    if isinstance(behavior, dict) and (converted := _behavior_from_internal(behavior)):
        v2_spec["behavior"] = converted
    out["spec"] = v2_spec
    if "status" in obj:
        v2_status = _pick(status, ("observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"))
        current = _annotation_json(annotations, METRIC_STATUSES_ANNOTATION)
        if isinstance(current, list):
            v2_status["currentMetrics"] = [_metric_status_to_v2(m) for m in current if isinstance(m, dict)]
        elif status.get("currentCPUUtilizationPercentage") is not None:
            v2_status["currentMetrics"] = [{"type": "Resource", "resource": {
                "name": "cpu", "current": {"averageUtilization": status["currentCPUUtilizationPercentage"]}}}]
        conditions = _annotation_json(annotations, CONDITIONS_ANNOTATION)
        if isinstance(conditions, list):
            v2_status["conditions"] = [c for c in conditions if isinstance(c, dict)]
        out["status"] = v2_status
    return out
