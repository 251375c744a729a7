"""SVG snapshots of the main screens at both projector sizes, from a deterministic cluster.

After an intended UI change: ``pytest tests/ui/test_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.ui.app import KubetuiApp
from kubetui.ui.panes.nodes import NodesPane
from kubetui.ui.panes.scheduler import SchedulerPane
from tests.ui.conftest import EXAMPLES, example_cluster

SIZES = [(100, 30), (200, 50)]


async def refreshed(pilot: Any) -> None:
    for pane in pilot.app.query("LinePane"):
        pane.refresh_items(force=True)
    await pilot.pause()


def app_for(seconds: float = 90.0, kill: str = "") -> KubetuiApp:
    cluster = example_cluster(seconds)
    if kill:
        cluster.chaos("kill-node", node=kill)
        cluster.run_for(400)
    return KubetuiApp(cluster, EXAMPLES, start_driver=False, api_address="http://127.0.0.1:6443")


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "200x50"])
def test_main_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(), terminal_size=size, run_before=refreshed)


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "200x50"])
def test_dead_node(snap_compare: Any, size: tuple[int, int]) -> None:
    assert snap_compare(app_for(kill="node-2"), terminal_size=size, run_before=refreshed)


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "200x50"])
def test_decision_detail(snap_compare: Any, size: tuple[int, int]) -> None:
    async def open_decision(pilot: Any) -> None:
        await refreshed(pilot)
        pane = pilot.app.query_one(SchedulerPane)
        pane.focus()
        pane.cursor = next(i for i, d in enumerate(pane._items) if d.pod.startswith("default/web-"))
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(app_for(), terminal_size=size, run_before=open_decision)


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "200x50"])
def test_help_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    async def open_help(pilot: Any) -> None:
        await refreshed(pilot)
        pilot.app.query_one(NodesPane).focus()
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app_for(), terminal_size=size, run_before=open_help)


@pytest.mark.parametrize("size", SIZES, ids=["100x30", "200x50"])
def test_tour_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    """The tour's narration under the panes at 100 columns, beside them at 200, its keys visible."""
    from kubetui.sim.cluster import Cluster
    from kubetui.tours.model import find_tour

    walk = find_tour("node-failure")
    cluster = Cluster(seed=walk.seed)
    app = KubetuiApp(cluster, start_driver=False, tour=walk)

    async def advance(pilot: Any) -> None:
        await refreshed(pilot)
        cluster.run_for(30)
        await pilot.press("n")
        cluster.run_for(60)
        await pilot.press("n")
        cluster.run_for(5)
        pilot.app.query_one("#header").update_text()  # its own timer may not have fired yet
        await refreshed(pilot)

    assert snap_compare(app, terminal_size=size, run_before=advance)
