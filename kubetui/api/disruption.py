"""A PodDisruptionBudget's arithmetic, shared by the disruption controller (its status) and the Eviction API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubetui.api.intstr import scaled_value


@dataclass(frozen=True)
class Budget:
    expected: int  # expectedPods
    desired: int  # desiredHealthy
    healthy: int  # currentHealthy

    @property
    def allowed(self) -> int:
        """disruptionsAllowed: never below 0."""
        return max(0, self.healthy - self.desired)


def pod_ready(pod: dict[str, Any]) -> bool:
    for cond in (pod.get("status") or {}).get("conditions") or ():
        if cond.get("type") == "Ready":
            return bool(cond.get("status") == "True")
    return False


def budget(spec: dict[str, Any], pods: list[dict[str, Any]]) -> Budget:
    """The budget over ``pods`` (those the selector matches and not being deleted).

    Simplification: the expected count is the matching pods, not the scale of their controllers (which
    Kubernetes reads for maxUnavailable and percentage budgets).
    """
    expected = len(pods)
    healthy = sum(1 for pod in pods if pod_ready(pod))
    if spec.get("minAvailable") is not None:
        desired = scaled_value(spec["minAvailable"], expected, round_up=True)
    else:
        desired = expected - scaled_value(spec.get("maxUnavailable", 0), expected, round_up=True)
    return Budget(expected, max(0, desired), healthy)
