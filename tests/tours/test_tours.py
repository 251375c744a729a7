"""Every tour runs to its end on the fast clock: each step's condition is reached. A broken tour fails CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from kubetui.tours.model import TourError, available_tours, find_tour, load_tour
from kubetui.tours.runner import run_headless
from kubetui.ui.app import KubetuiApp
from kubetui.ui.tour_panel import TourPanel

TOURS = available_tours()


def test_the_seven_tours_exist() -> None:
    assert [t.name for t in TOURS] == [
        "1-manifest-to-pod", "2-scheduler", "3-self-healing", "4-node-failure", "5-rolling-update",
        "6-services", "7-etcd-and-watch"]
    assert find_tour("3").name == find_tour("self-healing").name == "3-self-healing"


@pytest.mark.parametrize("tour", TOURS, ids=[t.name for t in TOURS])
def test_tour_reaches_every_step(tour: object) -> None:
    results = run_headless(tour)  # type: ignore[arg-type]
    assert len(results) == len(tour.steps)  # type: ignore[attr-defined]
    assert all(r.reached for r in results)


def test_a_broken_tour_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("title: Broken\nsteps:\n  - title: never\n    narration: x\n"
                    "    until: {pods-ready: {selector: app=nothing, count: 1}}\n    timeout: 30\n")
    with pytest.raises(TourError, match="did not reach"):
        run_headless(load_tour(path))


def test_malformed_tour_files_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: Bad\nsteps:\n  - title: t\n    narration: n\n    action: {teleport: node-1}\n")
    with pytest.raises(TourError, match="unknown 'teleport'"):
        load_tour(path)


async def test_walk_a_tour_with_the_keys() -> None:
    tour = find_tour("etcd-and-watch")
    cluster = Cluster(seed=tour.seed, nodes=default_nodes(tour.nodes))
    app = KubetuiApp(cluster, start_driver=False, tour=tour)
    async with app.run_test(size=(160, 40)) as pilot:
        panel = app.query_one(TourPanel)
        assert panel.runner.index == 0
        assert app.query_one("#api").has_class("-highlight")
        cluster.run_for(60)
        panel.refresh_panel()
        await pilot.pause()
        assert panel.runner.satisfied()
        await pilot.press("n")
        assert panel.runner.index == 1 and app.query_one("#events").has_class("-highlight")
        await pilot.press("b")
        assert panel.runner.index == 0
        await pilot.press("n", "n")
        assert panel.runner.index == 2
        assert "409" in panel.runner.message
        await pilot.press("R")
        assert panel.runner.index == 2
        await pilot.press("n")
        assert panel.runner.finished


def test_narration_reflows_but_keeps_paragraphs_and_list_items() -> None:
    from kubetui.ui.tour_panel import reflow

    text = "One line\nwrapped here.\n\nSecond paragraph:\n- first item\n  continues\n- second item\n"
    assert reflow(text) == ["One line wrapped here.", "Second paragraph:\n- first item continues\n- second item"]


@pytest.mark.parametrize(("size", "below"), [((100, 30), True), ((200, 50), False)], ids=["100x30", "200x50"])
async def test_the_panel_docks_below_on_narrow_terminals(size: tuple[int, int], below: bool) -> None:
    tour = find_tour("node-failure")
    app = KubetuiApp(Cluster(seed=tour.seed, nodes=default_nodes(tour.nodes)), start_driver=False, tour=tour)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        panel = app.query_one(TourPanel)
        body = app.query_one("#body").region
        highlighted = app.query_one(f"#{tour.steps[0].highlight}")
        assert panel.docked_below is below
        if below:  # across the full width under the panes, which keep half the screen each
            assert panel.region.width == size[0] and panel.region.bottom == body.bottom
            assert app.query_one("#left").region.width >= size[0] // 2 - 1
        else:
            assert panel.region.right == size[0] and panel.region.height == body.height
        assert not panel.region.overlaps(highlighted.region)  # the highlighted pane stays in view
        assert highlighted.region.height >= 6
        rendered = "".join(str(w.render()) for w in app.query("FooterKey"))
        assert "Next" in rendered and "Back" in rendered  # the tour's keys are in the footer too


def test_a_step_is_not_reached_on_the_state_from_before_its_action() -> None:
    """Version 2 of the rolling-update tour: the rollout takes its time, not 0 s on the old, complete Deployment."""
    results = run_headless(find_tour("rolling-update"))
    version_2 = next(r for r in results if r.title == "Version 2 rolls out")
    assert version_2.virtual_seconds > 5  # new pods pulled, started and ready, one at a time
