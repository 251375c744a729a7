"""NodeResourcesBalancedAllocation: cases from noderesources/balanced_allocation_test.go
(TestNodeResourcesBalancedAllocation), same inputs and expected scores.
Nodes there are makeNode(name, milliCPU, memory)."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.scheduler.plugins.balanced_allocation import BalancedAllocation, balanced_score
from tests.scheduler.builders import Harness, node, pod

CPU_AND_MEMORY = [{"cpu": "1000m", "memory": "2000"}, {"cpu": "2000m", "memory": "3000"}]
CPU_ONLY = [{"cpu": "1000m", "memory": "0"}, {"cpu": "2000m", "memory": "0"}]


def _case(
    sizes: list[tuple[int, int]],
    existing: list[tuple[str, list[dict[str, Any]]]],
    incoming: list[dict[str, Any]],
    expected: list[int],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any], list[int]]:
    nodes = [node(f"node{i + 1}", cpu_m=c, memory=m) for i, (c, m) in enumerate(sizes)]
    pods = [pod(f"e{i}", node_name=n, requests=r) for i, (n, r) in enumerate(existing)]
    return nodes, pods, pod(requests=incoming), expected


CASES = {
    "nothing scheduled, resources requested, differently sized nodes": _case(
        [(4000, 10000), (6000, 10000)], [], CPU_AND_MEMORY, [87, 100]
    ),
    "resources requested, pods scheduled with resources": _case(
        [(10000, 20000), (10000, 20000)],
        [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)],
        CPU_AND_MEMORY,
        [82, 95],
    ),
    "resources requested, pods scheduled with resources, differently sized nodes": _case(
        [(10000, 20000), (10000, 50000)],
        [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)],
        CPU_AND_MEMORY,
        [82, 80],
    ),
    "requested resources at node capacity": _case(
        [(6000, 10000), (6000, 10000)], [("node1", CPU_ONLY), ("node2", CPU_AND_MEMORY)], CPU_ONLY, [50, 75]
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_balanced_allocation(name: str) -> None:
    nodes, pods, incoming, expected = CASES[name]
    assert Harness(BalancedAllocation, nodes, pods).scores(incoming) == expected


def test_three_resources_use_the_standard_deviation() -> None:
    """ "include scalar resource on a node": fractions 3000/3500, 5000/40000 and 4/8 score 70."""
    assert balanced_score([3000 / 3500, 5000 / 40000, 4 / 8]) == 70
