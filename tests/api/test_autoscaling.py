"""HorizontalPodAutoscaler: v1<->v2 conversion (conversion.go), v2 defaults, validation messages, TARGETS."""

from __future__ import annotations

import copy
import json
from typing import Any

from kubetui.api.conversion.autoscaling import (
    BEHAVIOR_ANNOTATION,
    CONDITIONS_ANNOTATION,
    METRIC_SPECS_ANNOTATION,
    METRIC_STATUSES_ANNOTATION,
    v1_to_v2,
    v2_to_v1,
)
from kubetui.api.defaults import apply_defaults
from kubetui.api.hpa import format_hpa_metrics
from kubetui.api.validation import validate

REF = {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"}
CPU50 = {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}
MEMORY = {"type": "Resource",
          "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "500Mi"}}}
PODS = {"type": "Pods", "pods": {"metric": {"name": "qps"}, "target": {"type": "AverageValue", "averageValue": "10"}}}


def hpa(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"scaleTargetRef": REF, "maxReplicas": 10, **spec},
    }


def test_v1_to_v2_makes_the_cpu_target_a_resource_metric() -> None:
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
          "spec": {"scaleTargetRef": REF, "minReplicas": 1, "maxReplicas": 10, "targetCPUUtilizationPercentage": 50}}
    v2 = v1_to_v2(v1)
    assert v2["apiVersion"] == "autoscaling/v2"
    assert v2["spec"] == {"scaleTargetRef": REF, "minReplicas": 1, "maxReplicas": 10, "metrics": [CPU50]}
    back = v2_to_v1(v2)
    assert back["spec"] == v1["spec"]
    assert back["status"] == {"currentReplicas": 0, "desiredReplicas": 0}
    assert "annotations" not in back["metadata"]


def test_v1_without_a_target_gets_the_implicit_80_percent() -> None:
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
          "spec": {"scaleTargetRef": REF, "maxReplicas": 3}}
    metric = v1_to_v2(v1)["spec"]["metrics"][0]
    assert metric["resource"]["target"] == {"type": "Utilization", "averageUtilization": 80}


def test_v2_to_v1_to_v2_keeps_everything_in_annotations() -> None:
    v2 = hpa(minReplicas=2, metrics=[MEMORY, PODS, CPU50], behavior={
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                    "policies": [{"type": "Pods", "value": 4, "periodSeconds": 15}]},
        "scaleDown": {"selectPolicy": "Min", "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]},
    })
    v2["status"] = {
        "currentReplicas": 2, "desiredReplicas": 3,
        "currentMetrics": [
            {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "300Mi"}}},
            {"type": "Pods", "pods": {"metric": {"name": "qps"}, "current": {"averageValue": "12"}}},
            {"type": "Resource", "resource": {"name": "cpu",
                                              "current": {"averageValue": "120m", "averageUtilization": 23}}},
        ],
        "conditions": [{"type": "AbleToScale", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z",
                        "reason": "ReadyForNewScale", "message": "recommended size matches current size"}],
    }
    original = copy.deepcopy(v2)
    v1 = v2_to_v1(v2)
    assert v2 == original  # the input is not touched
    assert v1["spec"]["targetCPUUtilizationPercentage"] == 50
    assert v1["status"]["currentCPUUtilizationPercentage"] == 23
    annotations = v1["metadata"]["annotations"]
    assert json.loads(annotations[METRIC_SPECS_ANNOTATION]) == [
        {"type": "Resource", "resource": {"name": "memory", "targetAverageValue": "500Mi"}},
        {"type": "Pods", "pods": {"metricName": "qps", "targetAverageValue": "10"}},
    ]
    assert json.loads(annotations[BEHAVIOR_ANNOTATION])["ScaleUp"] == {
        "StabilizationWindowSeconds": 0, "SelectPolicy": "Max",
        "Policies": [{"Type": "Pods", "Value": 4, "PeriodSeconds": 15}],
    }
    assert METRIC_STATUSES_ANNOTATION in annotations and CONDITIONS_ANNOTATION in annotations
    again = v1_to_v2(v1)
    assert again == original  # CPU last: conversion.go appends the CPU metric after the annotation's


def test_v1_to_v2_to_v1_is_stable_and_drops_stale_annotations() -> None:
    v1 = v2_to_v1(hpa(metrics=[PODS, CPU50]))
    assert v2_to_v1(v1_to_v2(v1)) == v1
    assert "annotations" not in v1_to_v2(v1)["metadata"]
    broken = copy.deepcopy(v1)
    broken["metadata"]["annotations"][METRIC_SPECS_ANNOTATION] = "not json"
    assert v1_to_v2(broken)["spec"]["metrics"] == [CPU50]  # a malformed annotation is ignored, as Go does


def test_defaults_min_replicas_cpu_and_behavior_only_when_set() -> None:
    obj = hpa()
    apply_defaults(obj)
    assert obj["spec"]["minReplicas"] == 1
    assert obj["spec"]["metrics"] == [{"type": "Resource", "resource": {
        "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]
    assert "behavior" not in obj["spec"]
    obj = hpa(metrics=[CPU50], behavior={"scaleDown": {"stabilizationWindowSeconds": 60}})
    apply_defaults(obj)
    assert obj["spec"]["behavior"] == {
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15}, {"type": "Percent", "value": 100, "periodSeconds": 15}]},
        "scaleDown": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max",
                      "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
    }


def _errors(obj: dict[str, Any]) -> list[str]:
    apply_defaults(obj)
    return [f"{e.field}: {e.detail}" if e.detail else e.field for e in validate(obj)]


def test_validation_in_gos_words() -> None:
    assert _errors(hpa(metrics=[CPU50])) == []
    assert _errors(hpa(minReplicas=0, maxReplicas=0, scaleTargetRef={"kind": "Deployment"}, metrics=[CPU50])) == [
        "spec.minReplicas: must be greater than or equal to 1",
        "spec.maxReplicas: must be greater than 0",
        "spec.scaleTargetRef.name",
        "spec.metrics: must specify at least one Object or External metric to support scaling to zero replicas",
    ]
    bad_target = {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                             "averageUtilization": 0}}}
    assert _errors(hpa(minReplicas=5, maxReplicas=2, metrics=[bad_target])) == [
        "spec.maxReplicas: must be greater than or equal to `minReplicas`",
        "spec.metrics[0].resource.target.averageUtilization: must be greater than 0",
    ]
    both = {"type": "Pods", "pods": PODS["pods"], "resource": CPU50["resource"]}
    assert _errors(hpa(metrics=[both])) == ["spec.metrics[0].resource: must populate the given metric source only"]
    behavior = {"scaleUp": {"stabilizationWindowSeconds": 4000, "selectPolicy": "Most",
                            "policies": [{"type": "Pods", "value": 0, "periodSeconds": 1801}]}}
    assert _errors(hpa(metrics=[CPU50], behavior=behavior)) == [
        "spec.behavior.scaleUp.stabilizationWindowSeconds: must be less than or equal to 3600",
        'spec.behavior.scaleUp.selectPolicy: supported values: "Disabled", "Max", "Min"',
        "spec.behavior.scaleUp.policies[0].value: must be greater than zero",
        "spec.behavior.scaleUp.policies[0].periodSeconds: must be less than or equal to 1800",
    ]


def test_targets_column() -> None:
    assert format_hpa_metrics([CPU50], None) == "cpu: <unknown>/50%"
    current = [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": 23}}}]
    assert format_hpa_metrics([CPU50], current) == "cpu: 23%/50%"
    assert format_hpa_metrics([MEMORY, PODS, CPU50], []) == "memory: <unknown>/500Mi, <unknown>/10 + 1 more..."
    assert format_hpa_metrics([], []) == "<none>"
