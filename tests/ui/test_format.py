"""Glyphs shared by the Nodes and Workloads panes."""

from __future__ import annotations

from typing import Any

from kubetui.ui.format import pod_glyph


def _running_pod(ready_condition: str) -> dict[str, Any]:
    return {
        "metadata": {"name": "web-1"},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": ready_condition}],
            "containerStatuses": [{"name": "nginx", "ready": True, "state": {"running": {}}}],
        },
    }


def test_a_ready_running_pod_is_a_full_dot() -> None:
    assert pod_glyph(_running_pod("True"))[0] == "●"


def test_a_pod_marked_not_ready_by_the_node_lifecycle_controller_is_not_shown_ready() -> None:
    # an unreachable node's pods: Ready=False on the pod, the containers still "ready" as last reported
    assert pod_glyph(_running_pod("False"))[0] == "◐"


def test_a_long_pod_name_is_shortened_in_the_middle_so_its_status_stays_whole() -> None:
    from kubetui.ui.format import assemble, fit_middle

    assert fit_middle("web-5496f4f979-75zvc", 20) == "web-5496f4f979-75zvc"
    assert fit_middle("web-5496f4f979-75zvc", 17) == "web-5496f4f…75zvc", "the random suffix stays whole"
    assert fit_middle("web-5496f4f979-75zvc", 14) == "web-5496…75zvc"
    assert fit_middle("web-5496f4f979-75zvc", 3) == "web-…zvc"  # never below 8 characters
    assert fit_middle("too-big.18eef0a1b2c3d4e5", 16) == "too-big.…2c3d4e5"  # no short suffix: halves
    parts = [("   ├─ ", "dim", 0), ("◌ ", "", 0), ("web-5496f4f979-75zvc", "", 0), (" ", "", 1),
             (" ", "", 0), ("0/1 ", "dim", 2), ("ContainerCreating", "", 0), ("  node-1", "dim", 3)]
    line = assemble(parts, 45, shrink=2).plain
    assert line.endswith(" ContainerCreating") and len(line) == 45 and "…" in line
    assert assemble(parts, 60, shrink=2).plain.endswith("web-5496f4f979-75zvc  0/1 ContainerCreating  node-1")
