"""What keeps an autoscaler from flapping (``horizontal.go`` v1.32): stabilization windows and rate limits.

Without ``spec.behavior``, a scale-down takes the highest recommendation of the last five minutes
(``--horizontal-pod-autoscaler-downscale-stabilization``) and a scale-up at most doubles the count
(at least to 4). With it, each direction has its own window over past recommendations and policies
(``Pods``/``Percent`` per period) over the scale events of the HPA's own past.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

Obj = dict[str, Any]

DOWNSCALE_STABILIZATION = 300.0
SCALE_UP_LIMIT_FACTOR = 2.0
SCALE_UP_LIMIT_MINIMUM = 4.0
WITHIN_RANGE = ("DesiredWithinRange", "the desired count is within the acceptable range")


@dataclass(slots=True)
class _Recommendation:
    replicas: int
    at: float


@dataclass(slots=True)
class _ScaleEvent:
    change: int
    at: float
    outdated: bool = False


@dataclass(slots=True)
class Limited:
    """A normalized count, and the AbleToScale and ScalingLimited conditions that explain it."""

    replicas: int
    able: tuple[str, str]
    limited: bool
    limit: tuple[str, str]


@dataclass
class ScalingHistory:
    """The controller's memory per HPA key: recommendations and scale events (lost on restart, as in Go)."""

    recommendations: dict[str, list[_Recommendation]] = field(default_factory=dict)
    scale_up_events: dict[str, list[_ScaleEvent]] = field(default_factory=dict)
    scale_down_events: dict[str, list[_ScaleEvent]] = field(default_factory=dict)

    def forget(self, key: str) -> None:
        self.recommendations.pop(key, None)
        self.scale_up_events.pop(key, None)
        self.scale_down_events.pop(key, None)

    def record_initial(self, key: str, current: int, now: float) -> None:
        """recordInitialRecommendation."""
        if key not in self.recommendations:
            self.recommendations[key] = [_Recommendation(current, now)]

    # -- no spec.behavior ------------------------------------------------------------------------
    def normalize(self, key: str, current: int, desired: int, min_replicas: int, max_replicas: int,
                  now: float) -> Limited:
        """normalizeDesiredReplicas: the five-minute scale-down window, then min/max and the doubling limit."""
        stabilized = self._stabilize(key, desired, now)
        if stabilized != desired:
            able = ("ScaleDownStabilized",
                    "recent recommendations were higher than current one, applying the highest recent recommendation")
        else:
            able = ("ReadyForNewScale", "recommended size matches current size")
        replicas, reason, message = _with_rules(current, stabilized, min_replicas, max_replicas)
        return Limited(replicas, able, replicas != stabilized, (reason, message))

    def _stabilize(self, key: str, desired: int, now: float) -> int:
        best = desired
        cutoff = now - DOWNSCALE_STABILIZATION
        old = -1
        recs = self.recommendations.setdefault(key, [])
        for i, rec in enumerate(recs):
            if rec.at < cutoff:
                old = i
            elif rec.replicas > best:
                best = rec.replicas
        if old >= 0:
            recs[old] = _Recommendation(desired, now)
        else:
            recs.append(_Recommendation(desired, now))
        return best

    # -- spec.behavior ---------------------------------------------------------------------------
    def normalize_with_behavior(self, key: str, behavior: Obj, current: int, desired: int, min_replicas: int,
                                max_replicas: int, now: float) -> Limited:
        """normalizeDesiredReplicasWithBehaviors."""
        up = behavior.get("scaleUp") or {}
        down = behavior.get("scaleDown") or {}
        stabilized, able = self._stabilize_with_behavior(key, up, down, current, desired, now)
        if stabilized == desired:
            able = ("ReadyForNewScale", "recommended size matches current size")
        replicas, reason, message = self._with_behavior_rate(key, up, down, current, stabilized, min_replicas,
                                                              max_replicas, now)
        return Limited(replicas, able, replicas != stabilized, (reason, message))

    def _stabilize_with_behavior(self, key: str, up: Obj, down: Obj, current: int, desired: int,
                                 now: float) -> tuple[int, tuple[str, str]]:
        up_window = _int(up.get("stabilizationWindowSeconds"), 0)
        down_window = _int(down.get("stabilizationWindowSeconds"), int(DOWNSCALE_STABILIZATION))
        up_cutoff, down_cutoff = now - up_window, now - down_window
        up_rec = down_rec = desired
        old = -1
        recs = self.recommendations.setdefault(key, [])
        for i, rec in enumerate(recs):
            if rec.at > up_cutoff:
                up_rec = min(rec.replicas, up_rec)
            if rec.at > down_cutoff:
                down_rec = max(rec.replicas, down_rec)
            if rec.at < up_cutoff and rec.at < down_cutoff:
                old = i
        recommendation = max(current, up_rec)
        recommendation = min(recommendation, down_rec)
        if old >= 0:
            recs[old] = _Recommendation(desired, now)
        else:
            recs.append(_Recommendation(desired, now))
        if desired >= current:
            return recommendation, ("ScaleUpStabilized",
                                    "recent recommendations were lower than current one, applying the lowest recent "
                                    "recommendation")
        return recommendation, ("ScaleDownStabilized",
                                "recent recommendations were higher than current one, applying the highest recent "
                                "recommendation")

    def _with_behavior_rate(self, key: str, up: Obj, down: Obj, current: int, desired: int, min_replicas: int,
                            max_replicas: int, now: float) -> tuple[int, str, str]:
        """convertDesiredReplicasWithBehaviorRate."""
        ups, downs = self.scale_up_events.get(key, []), self.scale_down_events.get(key, [])
        if desired > current:
            limit = max(_scale_up_limit(current, ups, downs, up, now), current)
            if max_replicas > limit:
                allowed, reason, message = limit, "ScaleUpLimit", (
                    "the desired replica count is increasing faster than the maximum scale rate")
            else:
                allowed, reason, message = max_replicas, "TooManyReplicas", (
                    "the desired replica count is more than the maximum replica count")
            if desired > allowed:
                return allowed, reason, message
        elif desired < current:
            limit = min(_scale_down_limit(current, ups, downs, down, now), current)
            if min_replicas < limit:
                allowed, reason, message = limit, "ScaleDownLimit", (
                    "the desired replica count is decreasing faster than the maximum scale rate")
            else:
                allowed, reason, message = min_replicas, "TooFewReplicas", (
                    "the desired replica count is less than the minimum replica count")
            if desired < allowed:
                return allowed, reason, message
        return desired, *WITHIN_RANGE

    def store_scale_event(self, key: str, behavior: Obj | None, previous: int, new: int, now: float) -> None:
        """storeScaleEvent: only an HPA with a behavior keeps them; an outdated slot is reused."""
        if behavior is None:
            return
        if new > previous:
            rules, table, change = behavior.get("scaleUp") or {}, self.scale_up_events, new - previous
        else:
            rules, table, change = behavior.get("scaleDown") or {}, self.scale_down_events, previous - new
        events = table.setdefault(key, [])
        cutoff = now - _longest_period(rules)
        old = -1
        for i, event in enumerate(events):
            if event.at < cutoff:
                event.outdated = True
            if event.outdated:
                old = i
        if old >= 0:
            events[old] = _ScaleEvent(change, now)
        else:
            events.append(_ScaleEvent(change, now))


def _with_rules(current: int, desired: int, min_replicas: int, max_replicas: int) -> tuple[int, str, str]:
    """convertDesiredReplicasWithRules."""
    scale_up_limit = int(max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM))
    if max_replicas > scale_up_limit:
        maximum, reason, message = scale_up_limit, "ScaleUpLimit", (
            "the desired replica count is increasing faster than the maximum scale rate")
    else:
        maximum, reason, message = max_replicas, "TooManyReplicas", (
            "the desired replica count is more than the maximum replica count")
    if desired < min_replicas:
        return min_replicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count"
    if desired > maximum:
        return maximum, reason, message
    return desired, *WITHIN_RANGE


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _changed_within(period: int, events: list[_ScaleEvent], now: float) -> int:
    """getReplicasChangePerPeriod."""
    cutoff = now - period
    return sum(e.change for e in events if e.at > cutoff)


def _policies(rules: Obj) -> list[Obj]:
    return [p for p in rules.get("policies") or () if isinstance(p, dict)]


def _scale_up_limit(current: int, ups: list[_ScaleEvent], downs: list[_ScaleEvent], rules: Obj, now: float) -> int:
    """calculateScaleUpLimitWithScalingRules."""
    return _scale_limit(current, ups, downs, rules, now, up=True)


def _scale_down_limit(current: int, ups: list[_ScaleEvent], downs: list[_ScaleEvent], rules: Obj, now: float) -> int:
    """calculateScaleDownLimitWithBehaviors."""
    return _scale_limit(current, ups, downs, rules, now, up=False)


def _scale_limit(current: int, ups: list[_ScaleEvent], downs: list[_ScaleEvent], rules: Obj, now: float,
                 up: bool) -> int:
    """Each policy proposes a bound from the count at its period's start; selectPolicy Max takes the one that
    allows the largest change (the highest bound going up, the lowest going down), Min the smallest."""
    select = rules.get("selectPolicy") or "Max"
    if select == "Disabled":
        return current
    largest_change = select != "Min"
    pick = max if largest_change == up else min
    result: int | None = None
    for policy in _policies(rules):
        period = _int(policy.get("periodSeconds"), 0)
        start = current - _changed_within(period, ups, now) + _changed_within(period, downs, now)
        value = _int(policy.get("value"), 0)
        if policy.get("type") == "Pods":
            proposed = start + value if up else start - value
        else:  # Percent: rounded up going up (a change that rounds to nothing would never scale), truncated down
            proposed = math.ceil(start * (1 + value / 100)) if up else int(start * (1 - value / 100))
        result = proposed if result is None else pick(result, proposed)
    if result is None:  # no policies: Go's starting value, math.MinInt32 for max and math.MaxInt32 for min
        return -(2**31) if pick is max else 2**31 - 1
    return result


def _longest_period(rules: Obj) -> int:
    """getLongestPolicyPeriod."""
    return max((_int(p.get("periodSeconds"), 0) for p in _policies(rules)), default=0)
