"""The decision screen names VolumeBinding's verdicts, node by node, as for every other filter plugin."""

from __future__ import annotations

from rich.console import Console

from kubetui.ui.screens.decision import decision_renderable
from tests.scheduler.scenario import Scenario
from tests.scheduler.test_volume_binding import claim, local_volume, pod_with


def render(width: int) -> str:
    s = Scenario()
    s.node("node-1")
    s.node("node-2", cpu="50m")
    local_volume(s, "pv-2", "node-2")
    claim(s, "data", "manual", volume="pv-2")
    pod_with(s, "web", "data")
    s.run()
    [decision] = s.decisions("web")
    console = Console(width=width, record=True, color_system=None)
    console.print(decision_renderable(decision, width))
    return console.export_text()


def test_decision_lists_the_nodes_volume_binding_left_out_at_prefilter() -> None:
    """The claim's volume lives on node-2, so VolumeBinding's PreFilter narrows the pod to node-2
    (GetEligibleNodes): node-1 is never filtered, and its row says why, in the FailedScheduling message's words."""
    text = " ".join(render(200).split())
    assert "1 node(s) didn't satisfy plugin(s) [VolumeBinding]" in text
    assert "node-1 │ ✖ VolumeBinding: node(s) didn't satisfy plugin(s) [VolumeBinding] │" in text  # one line
    assert "node-2 │ ✖ NodeResourcesFit: Insufficient cpu" in text
