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
