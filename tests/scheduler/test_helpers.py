"""Shared rules: helper/normalize_score_test.go (TestDefaultNormalizeScore) and toleration matching
(k8s.io/api/core/v1 toleration_test.go)."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.scheduler.helpers import default_normalize_score, tolerates

NORMALIZE_CASES = [
    (False, [1, 2, 3, 4], [25, 50, 75, 100]),
    (True, [1, 2, 3, 4], [75, 50, 25, 0]),
    (False, [1000, 10, 20, 30], [100, 1, 2, 3]),
    (True, [1000, 10, 20, 30], [0, 99, 98, 97]),
    (False, [1, 1, 1, 1], [100, 100, 100, 100]),
    (False, [1000, 1, 1, 1], [100, 0, 0, 0]),
    (True, [0, 1, 1, 1], [100, 0, 0, 0]),
    (False, [0, 0, 0, 0], [0, 0, 0, 0]),
    (True, [0, 0, 0, 0], [100, 100, 100, 100]),
]


@pytest.mark.parametrize(("reverse", "scores", "expected"), NORMALIZE_CASES)
def test_default_normalize_score(reverse: bool, scores: list[int], expected: list[int]) -> None:
    default_normalize_score(scores, reverse)
    assert scores == expected


TOLERATION_CASES: list[tuple[str, dict[str, Any], dict[str, Any], bool]] = [
    (
        "toleration and taint have the same key and effect, and operator is Exists, and taint has no value",
        {"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "foo", "effect": "NoSchedule"},
        True,
    ),
    (
        "toleration and taint have the same key and effect, and operator is Exists, and taint has some value",
        {"key": "foo", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "foo", "value": "bar", "effect": "NoSchedule"},
        True,
    ),
    (
        "toleration and taint have the same effect, toleration has empty key and operator is Exists",
        {"key": "", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "foo", "value": "bar", "effect": "NoSchedule"},
        True,
    ),
    (
        "toleration and taint have the same key, effect and value, and operator is Equal",
        {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
        {"key": "foo", "value": "bar", "effect": "NoSchedule"},
        True,
    ),
    (
        "toleration and taint have the same key and effect, but different values, and operator is Equal",
        {"key": "foo", "operator": "Equal", "value": "value1", "effect": "NoSchedule"},
        {"key": "foo", "value": "value2", "effect": "NoSchedule"},
        False,
    ),
    (
        "toleration and taint have the same key and value, but different effects, and operator is Equal",
        {"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"},
        {"key": "foo", "value": "bar", "effect": "NoExecute"},
        False,
    ),
]


@pytest.mark.parametrize(
    ("name", "toleration", "taint", "expected"), TOLERATION_CASES, ids=[c[0] for c in TOLERATION_CASES]
)
def test_toleration_tolerates_taint(
    name: str, toleration: dict[str, Any], taint: dict[str, Any], expected: bool
) -> None:
    assert tolerates(toleration, taint) is expected
