"""Properties of the autoscaling/v1 <-> v2 conversion: any v2 autoscaler survives a trip through v1, and no
annotation a client writes (malformed JSON, wrong shapes) makes a v1 body fail to convert."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from kubetui.api.conversion.autoscaling import ROUND_TRIP_ANNOTATIONS, v1_to_v2, v2_to_v1
from tests.reliability.soak import examples

NAMES = st.sampled_from(["cpu", "memory"])
QUANTITIES = st.sampled_from(["100m", "1", "500Mi", "2Gi", "30"])
PERCENT = st.integers(min_value=1, max_value=500)


def _target() -> st.SearchStrategy[dict[str, Any]]:
    """A resource metric's target: validation allows Utilization or AverageValue only."""
    return st.one_of(
        PERCENT.map(lambda p: {"type": "Utilization", "averageUtilization": p}),
        QUANTITIES.map(lambda q: {"type": "AverageValue", "averageValue": q}),
    )


METRIC = st.one_of(
    st.builds(lambda n, t: {"type": "Resource", "resource": {"name": n, "target": t}}, NAMES, _target()),
    st.builds(lambda n, c, t: {"type": "ContainerResource", "containerResource": {"name": n, "container": c,
                                                                                   "target": t}},
              NAMES, st.sampled_from(["app", "sidecar"]), _target()),
    st.builds(lambda m, t: {"type": "Pods", "pods": {"metric": {"name": m}, "target": t}},
              st.sampled_from(["packets-per-second", "qps"]),
              QUANTITIES.map(lambda q: {"type": "AverageValue", "averageValue": q})),
    st.builds(lambda m, t: {"type": "External", "external": {
        "metric": {"name": m, "selector": {"matchLabels": {"queue": "tasks"}}}, "target": t}},
        st.sampled_from(["queue_messages_ready"]), QUANTITIES.map(lambda q: {"type": "Value", "value": q})),
)
def _cpu_utilization(metric: dict[str, Any]) -> bool:
    source = metric.get("resource") or {}
    return metric["type"] == "Resource" and source.get("name") == "cpu" and "averageUtilization" in source["target"]


RULES = st.fixed_dictionaries({
    "stabilizationWindowSeconds": st.integers(min_value=0, max_value=3600),
    "selectPolicy": st.sampled_from(["Max", "Min", "Disabled"]),
    "policies": st.lists(st.fixed_dictionaries({"type": st.sampled_from(["Pods", "Percent"]),
                                                "value": st.integers(min_value=1, max_value=100),
                                                "periodSeconds": st.integers(min_value=1, max_value=1800)}),
                         min_size=1, max_size=3),
})
V2 = st.builds(
    lambda metrics, behavior, low, extra: {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                 "minReplicas": low, "maxReplicas": low + extra, "metrics": metrics,
                 **({"behavior": behavior} if behavior else {})},
    },
    # at most one CPU utilization metric: v1 has one field for it, and Go's conversion drops the others too
    st.lists(METRIC, min_size=1, max_size=4).filter(lambda ms: sum(_cpu_utilization(m) for m in ms) <= 1),
    st.one_of(st.none(), st.fixed_dictionaries({"scaleUp": RULES, "scaleDown": RULES})),
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=0, max_value=20),
)


CPU_VALUE_FIRST = {  # found by this property: v1's field took the first CPU metric, an averageValue one
    "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"},
    "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 1,
             "maxReplicas": 1, "metrics": [
                 {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "AverageValue",
                                                                             "averageValue": "100m"}}},
                 {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                             "averageUtilization": 1}}}]},
}


@examples(60)
@given(V2)
@example(CPU_VALUE_FIRST)
def test_any_v2_autoscaler_survives_a_trip_through_v1(hpa: dict[str, Any]) -> None:
    back = v1_to_v2(v2_to_v1(hpa))
    metrics = hpa["spec"]["metrics"]
    # as Go's conversion does: the annotation's metrics first, then the one v1 keeps in its own field
    expected = [m for m in metrics if not _cpu_utilization(m)] + [m for m in metrics if _cpu_utilization(m)]
    assert back["spec"] == {**hpa["spec"], "metrics": expected}
    assert not set(back["metadata"].get("annotations") or {}) & set(ROUND_TRIP_ANNOTATIONS)


JSONISH = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
                       lambda inner: st.one_of(st.lists(inner, max_size=3),
                                               st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                       max_leaves=8)


@examples(60)
@given(st.dictionaries(st.sampled_from(ROUND_TRIP_ANNOTATIONS),
                       st.one_of(st.text(max_size=30), JSONISH.map(json.dumps))))
def test_no_annotation_breaks_a_v1_conversion(annotations: dict[str, str]) -> None:
    v1 = {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler",
          "metadata": {"name": "web", "annotations": annotations},
          "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 3,
                   "targetCPUUtilizationPercentage": 50}}
    converted = v1_to_v2(v1)
    assert converted["spec"]["maxReplicas"] == 3
    assert any(m.get("resource", {}).get("name") == "cpu" for m in converted["spec"]["metrics"])
