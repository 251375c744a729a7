"""NodeName (plugins/nodename/node_name_test.go) and NodeUnschedulable
(plugins/nodeunschedulable/node_unschedulable_test.go)."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.scheduler.framework import Code
from kubetui.scheduler.plugins.node_name import ERR_REASON, NodeName
from kubetui.scheduler.plugins.node_unschedulable import ERR_REASON_UNSCHEDULABLE, NodeUnschedulable
from tests.scheduler.builders import Harness, node, pod


@pytest.mark.parametrize(
    ("wanted", "fits"),
    [("", True), ("foo", True), ("bar", False)],
    ids=["no host specified", "host matches", "host doesn't match"],
)
def test_node_name(wanted: str, fits: bool) -> None:
    [status] = Harness(NodeName, [node("foo")]).filter(pod(node_name=wanted))
    if fits:
        assert status is None
    else:
        assert status is not None
        assert (status.code, status.reasons) == (Code.UNSCHEDULABLE_AND_UNRESOLVABLE, (ERR_REASON,))


UNSCHEDULABLE_TOLERATION = {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
CASES: dict[str, tuple[bool, list[dict[str, Any]], bool]] = {
    "Does not schedule pod to unschedulable node (node.Spec.Unschedulable==true)": (True, [], False),
    "Schedule pod to normal node": (False, [], True),
    "Schedule pod with toleration to unschedulable node (node.Spec.Unschedulable==true)": (
        True,
        [UNSCHEDULABLE_TOLERATION],
        True,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_node_unschedulable(name: str) -> None:
    unschedulable, tolerations, fits = CASES[name]
    harness = Harness(NodeUnschedulable, [node("n", unschedulable=unschedulable)])
    [status] = harness.filter(pod(tolerations=tolerations))
    if fits:
        assert status is None
    else:
        assert status is not None
        assert (status.code, status.reasons) == (
            Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
            (ERR_REASON_UNSCHEDULABLE,),
        )
