"""The HPA's replica calculator and its stabilization and rate rules, on cases from Go's own tests."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.api.meta import timestamp
from kubetui.controllers.podautoscaler.replica_calculator import (
    MetricsError,
    PodMetric,
    raw_resource_replicas,
    resource_replicas,
)
from kubetui.controllers.podautoscaler.scaling_rules import ScalingHistory

NOW = 1000.0


def pod(name: str, request: str = "1", ready: bool = True, phase: str = "Running", started: float = 0.0,
        transition: float = 0.0, deleting: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "default", "labels": {"app": "web"}}
    if deleting:
        meta["deletionTimestamp"] = timestamp(NOW)
    return {
        "metadata": meta,
        "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": request}}}]},
        "status": {
            "phase": phase,
            "startTime": timestamp(started),
            "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                            "lastTransitionTime": timestamp(transition)}],
        },
    }


def usage(**levels: int) -> dict[str, PodMetric]:
    return {name: PodMetric(value, NOW - 15, 15.0) for name, value in levels.items()}


def test_scale_up() -> None:
    """TestReplicaCalcScaleUp: 30% target, 50% used by three pods -> 5."""
    pods = [pod("a"), pod("b"), pod("c")]
    proposal = resource_replicas(3, 30, "cpu", pods, usage(a=300, b=500, c=700), NOW)
    assert (proposal.replicas, proposal.utilization, proposal.raw_average) == (5, 50, 500)


def test_scale_down() -> None:
    """TestReplicaCalcScaleDown: 28% used of a 50% target by five pods -> 3."""
    pods = [pod(n) for n in "abcde"]
    proposal = resource_replicas(5, 50, "cpu", pods, usage(a=100, b=300, c=500, d=250, e=250), NOW)
    assert (proposal.replicas, proposal.utilization) == (3, 28)


def test_within_tolerance_keeps_the_count() -> None:
    pods = [pod(n) for n in "abc"]
    assert resource_replicas(3, 100, "cpu", pods, usage(a=1010, b=1030, c=1020), NOW).replicas == 3


def test_unready_pod_counts_as_idle_on_a_scale_up() -> None:
    """TestReplicaCalcScaleUpUnreadyLessScale: 60% over the ready pods, 40% with the unready one at 0 -> 4."""
    pods = [pod("a", ready=False), pod("b"), pod("c")]
    proposal = resource_replicas(3, 30, "cpu", pods, usage(a=300, b=500, c=700), NOW)
    assert (proposal.replicas, proposal.utilization) == (4, 60)


def test_missing_metrics_use_the_whole_request_on_a_scale_down() -> None:
    """A pod without metrics on a scale-down counts as using 100% of its request: 4 pods, not 2."""
    pods = [pod(n) for n in "abcd"]
    proposal = resource_replicas(4, 50, "cpu", pods, usage(a=100, b=100, c=100), NOW)
    # ready pods alone: 10% of a 50% target (ratio 0.2); with d at 100%: 32.5% -> ratio 0.65 -> ceil(2.6) = 3
    assert proposal.replicas == 3
    assert proposal.utilization == 10


def test_pending_failed_and_deleting_pods_are_left_out() -> None:
    pods = [pod("a"), pod("b", phase="Pending"), pod("c", phase="Failed"), pod("d", deleting=True)]
    proposal = resource_replicas(4, 50, "cpu", pods, usage(a=500, c=900, d=900), NOW)
    assert proposal.utilization == 50  # only a's sample counts
    assert proposal.replicas == 4  # at target: keep


def test_a_sample_from_the_first_window_after_readiness_is_ignored() -> None:
    """Within the CPU initialization period, a sample older than readiness plus one window may hold start-up."""
    fresh = pod("b", started=NOW - 60, transition=NOW - 20)  # became ready 20 s ago; the sample is 15 s old
    proposal = resource_replicas(2, 50, "cpu", [pod("a"), fresh], usage(a=500, b=1000), NOW)
    assert proposal.utilization == 50


def test_no_pods_and_no_metrics_are_errors_in_gos_words() -> None:
    with pytest.raises(MetricsError, match="no pods returned by selector while calculating replica count"):
        resource_replicas(1, 50, "cpu", [], {}, NOW)
    with pytest.raises(MetricsError, match=r"did not receive metrics for targeted pods \(pods might be unready\)"):
        resource_replicas(1, 50, "cpu", [pod("a", phase="Pending")], {}, NOW)


def test_missing_request_is_an_error() -> None:
    bare = pod("a")
    bare["spec"]["containers"][0]["resources"] = {}
    with pytest.raises(MetricsError, match="missing request for cpu in container c of Pod a"):
        resource_replicas(1, 50, "cpu", [bare], usage(a=100), NOW)


def test_average_value_target() -> None:
    pods = [pod(n) for n in "ab"]
    proposal = raw_resource_replicas(2, 200, "cpu", pods, usage(a=400, b=400), NOW)
    assert (proposal.replicas, proposal.raw_average) == (4, 400)


# -- stabilization and rate ------------------------------------------------------------------------
def test_scale_down_waits_for_the_five_minute_window() -> None:
    history = ScalingHistory()
    history.record_initial("k", 5, 0.0)
    held = history.normalize("k", 5, 2, 1, 10, 15.0)
    assert held.replicas == 5 and held.able[0] == "ScaleDownStabilized"
    later = history.normalize("k", 5, 2, 1, 10, 316.0)  # the initial 5 is older than 300 s
    assert later.replicas == 2 and later.able[0] == "ReadyForNewScale"


def test_scale_up_at_most_doubles() -> None:
    history = ScalingHistory()
    history.record_initial("k", 1, 0.0)
    limited = history.normalize("k", 1, 10, 1, 10, 15.0)
    assert limited.replicas == 4 and limited.limited
    assert limited.limit[0] == "ScaleUpLimit"
    assert history.normalize("k", 4, 10, 1, 10, 30.0).replicas == 8
    capped = history.normalize("k", 8, 20, 1, 10, 45.0)
    assert (capped.replicas, capped.limit[0]) == (10, "TooManyReplicas")


def test_min_replicas_wins() -> None:
    history = ScalingHistory()
    result = history.normalize("k", 3, 1, 2, 10, 400.0)
    assert (result.replicas, result.limit[0]) == (2, "TooFewReplicas")


def test_behavior_policies_limit_the_rate() -> None:
    """scaleUp: at most 2 pods per 60 s; scaleDown: no stabilization, 50% per 60 s."""
    behavior = {
        "scaleUp": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                    "policies": [{"type": "Pods", "value": 2, "periodSeconds": 60}]},
        "scaleDown": {"stabilizationWindowSeconds": 0, "selectPolicy": "Max",
                      "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}]},
    }
    history = ScalingHistory()
    history.record_initial("k", 2, 0.0)
    first = history.normalize_with_behavior("k", behavior, 2, 10, 1, 10, 15.0)
    assert (first.replicas, first.limit[0]) == (4, "ScaleUpLimit")
    history.store_scale_event("k", behavior, 2, 4, 15.0)
    assert history.normalize_with_behavior("k", behavior, 4, 10, 1, 10, 30.0).replicas == 4  # 2 already added
    assert history.normalize_with_behavior("k", behavior, 4, 10, 1, 10, 80.0).replicas == 6  # the period passed
    down = history.normalize_with_behavior("k", behavior, 8, 1, 1, 10, 200.0)
    assert (down.replicas, down.limit[0]) == (4, "ScaleDownLimit")


def test_disabled_scale_down() -> None:
    behavior = {"scaleUp": {"stabilizationWindowSeconds": 0, "policies": []},
                "scaleDown": {"stabilizationWindowSeconds": 0, "selectPolicy": "Disabled", "policies": []}}
    history = ScalingHistory()
    assert history.normalize_with_behavior("k", behavior, 5, 1, 1, 10, 15.0).replicas == 5


def test_scale_up_stabilization_window_takes_the_lowest_recent_recommendation() -> None:
    behavior = {"scaleUp": {"stabilizationWindowSeconds": 60, "selectPolicy": "Max",
                            "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]},
                "scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max",
                              "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}}
    history = ScalingHistory()
    history.record_initial("k", 2, 0.0)
    result = history.normalize_with_behavior("k", behavior, 2, 6, 1, 10, 15.0)
    assert result.replicas == 2 and result.able[0] == "ScaleUpStabilized"


# -- properties ---------------------------------------------------------------------------------------------------
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from tests.reliability.soak import examples  # noqa: E402

POD_STATES = st.sampled_from(["ready", "unready", "pending", "failed", "deleting", "no-metrics"])


@examples(100)
@given(st.lists(st.tuples(POD_STATES, st.integers(min_value=0, max_value=2000),
                          st.sampled_from(["100m", "200m", "1"])), min_size=1, max_size=12),
       st.integers(min_value=1, max_value=300))
def test_a_proposal_never_moves_against_the_usage(pods_spec: list[tuple[str, int, str]], target: int) -> None:
    """Whatever mix of unready, pending and unmeasured pods: scale up only when the measured pods use more than the
    target (beyond the tolerance), down only when they use less, and never below one pod while any is measured."""
    pods, metrics = [], {}
    for index, (state, used, request) in enumerate(pods_spec):
        name = f"p{index}"
        pods.append(pod(name, request=request, ready=state != "unready", phase={"pending": "Pending",
                        "failed": "Failed"}.get(state, "Running"), deleting=state == "deleting"))
        if state not in ("no-metrics", "pending"):
            metrics[name] = PodMetric(used, NOW - 15, 15.0)
    # the replicas the workload asks for: its failed and deleted pods are on their way out (Go's count from the
    # ready pods alone may then be below a count that includes them, whatever the usage)
    current = max(1, sum(state not in ("failed", "deleting") for state, _, _ in pods_spec))
    try:
        proposal = resource_replicas(current, target, "cpu", pods, metrics, NOW)
    except MetricsError:
        return  # nothing measured: the HPA says so and keeps the count
    ratio = proposal.utilization / target
    if proposal.replicas > current:
        assert ratio > 1.0
    if proposal.replicas < current:
        assert ratio < 1.0
    if abs(1.0 - ratio) <= 0.1:
        assert proposal.replicas == current
