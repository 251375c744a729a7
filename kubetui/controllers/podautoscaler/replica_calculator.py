"""How many replicas a metric asks for: ``replica_calculator.go`` and ``metrics/utilization.go`` (v1.32).

The usage ratio is the pods' summed usage over their summed requests, divided by the target. A ratio
within the tolerance (0.1) keeps the current count. Pods that are not ready yet, or whose CPU sample
may still contain their start-up, are left out; when the answer is "scale up", they count as using
nothing, and pods with no metrics yet count as using nothing on a scale-up and their whole request
(or the target, if that is above 100%) on a scale-down, so neither can push the count the wrong way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubetui.api.meta import parse_timestamp
from kubetui.api.quantity import QuantityError, cpu_millis
from kubetui.controllers.podutil import pod_condition

Obj = dict[str, Any]

TOLERANCE = 0.1  # --horizontal-pod-autoscaler-tolerance
CPU_INITIALIZATION_PERIOD = 300.0  # --horizontal-pod-autoscaler-cpu-initialization-period (5m)
INITIAL_READINESS_DELAY = 30.0  # --horizontal-pod-autoscaler-initial-readiness-delay


class MetricsError(Exception):
    """A replica count that cannot be computed; the message is Go's error text."""


@dataclass(frozen=True, slots=True)
class PodMetric:
    """One pod's usage of one resource, in milli-units, and the sample it came from."""

    value: int
    timestamp: float = 0.0
    window: float = 0.0


@dataclass(frozen=True, slots=True)
class Proposal:
    """What a metric proposes: the replica count, the utilization (percent) and the raw average (milli)."""

    replicas: int
    utilization: int
    raw_average: int


def group_pods(
    pods: list[Obj],
    metrics: dict[str, PodMetric],
    resource: str,
    now: float,
    cpu_initialization_period: float = CPU_INITIALIZATION_PERIOD,
    initial_readiness_delay: float = INITIAL_READINESS_DELAY,
) -> tuple[int, set[str], set[str], set[str]]:
    """groupPods: (ready count, unready, missing, ignored) by pod name."""
    ready = 0
    unready: set[str] = set()
    missing: set[str] = set()
    ignored: set[str] = set()
    for pod in pods:
        meta = pod.get("metadata") or {}
        name = str(meta.get("name", ""))
        status = pod.get("status") or {}
        phase = status.get("phase")
        if meta.get("deletionTimestamp") or phase == "Failed":
            ignored.add(name)
            continue
        if phase == "Pending":  # pending pods are counted as unready
            unready.add(name)
            continue
        metric = metrics.get(name)
        if metric is None:
            missing.add(name)
            continue
        if resource == "cpu":
            condition = pod_condition(pod, "Ready")
            started = parse_timestamp(status.get("startTime"))
            if condition is None or started is None:
                is_unready = True
            else:
                transition = parse_timestamp(condition.get("lastTransitionTime")) or 0.0
                if started + cpu_initialization_period > now:
                    # still starting: ignore the sample if unready, or if one window has not passed since readiness
                    is_unready = condition.get("status") == "False" or metric.timestamp < transition + metric.window
                else:
                    # ignore it if the pod is unready and has never been ready
                    is_unready = condition.get("status") == "False" and started + initial_readiness_delay > transition
            if is_unready:
                unready.add(name)
                continue
        ready += 1
    return ready, unready, missing, ignored


def pod_requests(pods: list[Obj], resource: str, container: str = "") -> dict[str, int]:
    """calculatePodRequests: each pod's summed request (milli-units) for the resource."""
    requests: dict[str, int] = {}
    for pod in pods:
        name = str((pod.get("metadata") or {}).get("name", ""))
        total = 0
        for c in (pod.get("spec") or {}).get("containers") or ():
            if container and c.get("name") != container:
                continue
            value = ((c.get("resources") or {}).get("requests") or {}).get(resource)
            if value is None:
                raise MetricsError(f"missing request for {resource} in container {c.get('name')} of Pod {name}")
            try:
                total += cpu_millis(value)
            except QuantityError as err:
                raise MetricsError(
                    f"missing request for {resource} in container {c.get('name')} of Pod {name}"
                ) from err
        requests[name] = total
    return requests


def utilization_ratio(
    metrics: dict[str, PodMetric], requests: dict[str, int], target: int
) -> tuple[float, int, int]:
    """GetResourceUtilizationRatio: (usage ratio, current utilization %, raw average usage in milli)."""
    usage_total = request_total = entries = 0
    for name, metric in metrics.items():
        request = requests.get(name)
        if request is None:
            continue  # a metric for a pod we do not know: extraneous
        usage_total += metric.value
        request_total += request
        entries += 1
    if request_total == 0:
        raise MetricsError("no metrics returned matched known pods")
    utilization = int(usage_total * 100 / request_total)
    return utilization / target, utilization, usage_total // entries


def resource_replicas(
    current: int,
    target_utilization: int,
    resource: str,
    pods: list[Obj],
    metrics: dict[str, PodMetric],
    now: float,
    container: str = "",
    tolerance: float = TOLERANCE,
) -> Proposal:
    """GetResourceReplicas, after the metrics have been fetched: a utilization target (percent of request)."""
    requests = pod_requests(pods, resource, container) if pods else {}

    def ratio_of(sample: dict[str, PodMetric]) -> tuple[float, int, int]:
        return utilization_ratio(sample, requests, target_utilization)

    def missing_uses(name: str, ratio: float) -> int | None:
        # on a scale-down, all its request (or the target, above 100%); on a scale-up, nothing; at 1.0 no guess
        if ratio == 1.0:
            return None
        return requests.get(name, 0) * max(100, target_utilization) // 100 if ratio < 1.0 else 0

    return _calculate(current, resource, pods, metrics, now, tolerance, ratio_of, missing_uses)


def raw_resource_replicas(
    current: int,
    target_average: int,
    resource: str,
    pods: list[Obj],
    metrics: dict[str, PodMetric],
    now: float,
    tolerance: float = TOLERANCE,
) -> Proposal:
    """GetRawResourceReplicas (calcPlainMetricReplicas): an averageValue target, in milli-units."""

    def ratio_of(sample: dict[str, PodMetric]) -> tuple[float, int, int]:
        ratio, average = _plain_ratio(sample, target_average)
        return ratio, 0, average

    def missing_uses(_name: str, ratio: float) -> int | None:
        return target_average if ratio < 1.0 else 0  # on a scale-down, the target; on a scale-up, nothing

    return _calculate(current, resource, pods, metrics, now, tolerance, ratio_of, missing_uses)


def _calculate(
    current: int,
    resource: str,
    pods: list[Obj],
    metrics: dict[str, PodMetric],
    now: float,
    tolerance: float,
    ratio_of: Callable[[dict[str, PodMetric]], tuple[float, int, int]],
    missing_uses: Callable[[str, float], int | None],
) -> Proposal:
    """What both calculations share: group the pods, take the ratio over the ready ones; where some pods are
    unready (on a scale-up) or have no metrics, count them so they cannot push the count the wrong way, and
    take the ratio again. ``ratio_of``: (usage ratio, utilization %, raw average) of a sample."""
    metrics = dict(metrics)
    if not pods:
        raise MetricsError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = group_pods(pods, metrics, resource, now)
    for name in ignored | unready:
        metrics.pop(name, None)
    if not metrics:
        raise MetricsError("did not receive metrics for targeted pods (pods might be unready)")
    ratio, utilization, raw = ratio_of(metrics)
    scale_up_with_unready = bool(unready) and ratio > 1.0
    if not scale_up_with_unready and not missing:
        if abs(1.0 - ratio) <= tolerance:
            return Proposal(current, utilization, raw)
        return Proposal(math.ceil(ratio * ready), utilization, raw)
    for name in missing:
        value = missing_uses(name, ratio)
        if value is not None:
            metrics[name] = PodMetric(value)
    if scale_up_with_unready:
        for name in unready:
            metrics[name] = PodMetric(0)
    new_ratio = ratio_of(metrics)[0]
    if abs(1.0 - new_ratio) <= tolerance or (ratio < 1.0 < new_ratio) or (new_ratio < 1.0 < ratio):
        return Proposal(current, utilization, raw)  # too small a change, or the direction would flip
    replicas = math.ceil(new_ratio * len(metrics))
    if (new_ratio < 1.0 and replicas > current) or (new_ratio > 1.0 and replicas < current):
        return Proposal(current, utilization, raw)
    return Proposal(replicas, utilization, raw)


def _plain_ratio(metrics: dict[str, PodMetric], target: int) -> tuple[float, int]:
    """GetMetricUsageRatio: the average over the target, and the average."""
    average = sum(m.value for m in metrics.values()) // len(metrics)
    return average / target, average
