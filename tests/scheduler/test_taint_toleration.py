"""TaintToleration: cases from plugins/tainttoleration/taint_toleration_test.go (TestTaintTolerationScore,
TestTaintTolerationFilter); the filter message is the v1.30-1.32 one, which names the taint."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.scheduler.framework import Code
from kubetui.scheduler.plugins.taint_toleration import TaintToleration
from tests.scheduler.builders import Harness, node, pod


def _taint(key: str, value: str, effect: str) -> dict[str, Any]:
    return {"key": key, "value": value, "effect": effect}


def _tol(key: str, value: str = "", effect: str = "", operator: str = "Equal") -> dict[str, Any]:
    return {"key": key, "operator": operator, "value": value, "effect": effect}


PREFER = "PreferNoSchedule"
SCORE_CASES = {
    "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints": (
        [_tol("foo", "bar", PREFER)],
        [[_taint("foo", "bar", PREFER)], [_taint("foo", "blah", PREFER)]],
        [100, 0],
    ),
    "the nodes that all of their taints are tolerated by the pod, get the same score": (
        [_tol("cpu-type", "arm64", PREFER), _tol("disk-type", "ssd", PREFER)],
        [
            [],
            [_taint("cpu-type", "arm64", PREFER)],
            [_taint("cpu-type", "arm64", PREFER), _taint("disk-type", "ssd", PREFER)],
        ],
        [100, 100, 100],
    ),
    "the more intolerable taints a node has, the lower score it gets": (
        [_tol("foo", "bar", PREFER)],
        [
            [],
            [_taint("cpu-type", "arm64", PREFER)],
            [_taint("cpu-type", "arm64", PREFER), _taint("disk-type", "ssd", PREFER)],
        ],
        [100, 50, 0],
    ),
    "only taints and tolerations that have effect PreferNoSchedule are checked": (
        [_tol("cpu-type", "arm64", "NoSchedule"), _tol("disk-type", "ssd", "NoSchedule")],
        [
            [],
            [_taint("cpu-type", "arm64", "NoSchedule")],
            [_taint("cpu-type", "arm64", PREFER), _taint("disk-type", "ssd", PREFER)],
        ],
        [100, 100, 0],
    ),
    "Default behaviour No taints and tolerations, lands on node with no taints": (
        [],
        [[], [_taint("cpu-type", "arm64", PREFER)]],
        [100, 0],
    ),
}


@pytest.mark.parametrize("name", list(SCORE_CASES))
def test_score(name: str) -> None:
    tolerations, taints, expected = SCORE_CASES[name]
    nodes = [node(f"node{chr(65 + i)}", taints=t) for i, t in enumerate(taints)]
    assert Harness(TaintToleration, nodes).scores(pod(tolerations=tolerations)) == expected


FILTER_CASES = {
    "A pod having no tolerations can't be scheduled onto a node with nonempty taints": (
        [],
        [_taint("dedicated", "user1", "NoSchedule")],
        "{dedicated: user1}",
    ),
    "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule": (
        [_tol("dedicated", "user1", "NoSchedule")],
        [_taint("dedicated", "user1", "NoSchedule")],
        None,
    ),
    "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule": (
        [_tol("dedicated", "user2", "NoSchedule")],
        [_taint("dedicated", "user1", "NoSchedule")],
        "{dedicated: user1}",
    ),
    "A pod can be scheduled onto the node, with a toleration uses operator Exists": (
        [_tol("foo", "", "NoSchedule", "Exists")],
        [_taint("foo", "bar", "NoSchedule")],
        None,
    ),
    "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated": (
        [_tol("dedicated", "user2", "NoSchedule"), _tol("foo", "", "NoSchedule", "Exists")],
        [_taint("dedicated", "user2", "NoSchedule"), _taint("foo", "bar", "NoSchedule")],
        None,
    ),
    ("A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match"): (
        [_tol("foo", "bar", PREFER)],
        [_taint("foo", "bar", "NoSchedule")],
        "{foo: bar}",
    ),
    ("The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty"): (
        [_tol("foo", "bar")],
        [_taint("foo", "bar", "NoSchedule")],
        None,
    ),
    (
        "The pod has a toleration that key and value don't match the taint on "
        "the node, but the effect is PreferNoSchedule"
    ): (
        [_tol("dedicated", "user2", "NoSchedule")],
        [_taint("dedicated", "user1", PREFER)],
        None,
    ),
    "The pod has no toleration, but the effect of taint on node is PreferNoSchedule": (
        [],
        [_taint("dedicated", "user1", PREFER)],
        None,
    ),
}


@pytest.mark.parametrize("name", list(FILTER_CASES))
def test_filter(name: str) -> None:
    tolerations, taints, untolerated = FILTER_CASES[name]
    [status] = Harness(TaintToleration, [node("nodeA", taints=taints)]).filter(pod(tolerations=tolerations))
    if untolerated is None:
        assert status is None
    else:
        assert status is not None
        assert status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE
        assert status.reasons == (f"node(s) had untolerated taint {untolerated}",)
