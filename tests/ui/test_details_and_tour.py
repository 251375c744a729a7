"""The details dialog reads like kubectl describe and scrolls at once; the tour panel leaves the panes their room."""

from __future__ import annotations

from typing import Any

from rich.console import Console, RenderableType
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent

from kubetui.api.podrequests import pod_requests
from kubetui.api.quantity import format_cpu
from kubetui.sim.cluster import Cluster
from kubetui.tours.model import find_tour
from kubetui.ui.app import KubetuiApp
from kubetui.ui.panes.nodes import SPACER, NodesPane
from kubetui.ui.panes.workloads import WorkloadsPane
from kubetui.ui.screens.details import DetailsScreen
from kubetui.ui.tour_panel import TourPanel, key_caps
from tests.ui.pilot import settle


def plain(renderable: RenderableType, width: int) -> str:
    console = Console(width=width, color_system=None, legacy_windows=False)
    with console.capture() as capture:
        console.print(renderable)
    return capture.get()


def shown_text(screen: DetailsScreen) -> str:
    """The text of the tab on show, at the width it is drawn at."""
    pane = screen.query_one(TabbedContent).active_pane
    assert pane is not None
    static = pane.query_one(Static)
    return plain(static.content, static.content_region.width)  # type: ignore[arg-type]


async def open_details(pilot: Any, pane: Any, index: int) -> DetailsScreen:
    pane.focus()
    pane.cursor = index
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DetailsScreen)
    return screen


def block(text: str, start: str) -> list[str]:
    """The lines of ``text`` from the one starting with ``start`` (stripped) to the next blank line."""
    lines = [line.rstrip() for line in text.splitlines()]
    first = next((i for i, line in enumerate(lines) if line.strip().startswith(start)), None)
    assert first is not None, f"no {start!r} in:\n{text}"
    end = next((i for i in range(first, len(lines)) if not lines[i].strip()), len(lines))
    return lines[first:end]


async def test_describe_shows_the_last_state_of_a_restarted_container(app: KubetuiApp, cluster: Cluster) -> None:
    web = next(p for p in app.view.list("pods") if p["metadata"]["name"].startswith("web-"))
    cluster.chaos("kill-container", namespace="default", pod=web["metadata"]["name"])
    cluster.run_for(30)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, cluster)
        workloads = app.query_one(WorkloadsPane)
        index = next(i for i, r in enumerate(workloads._items) if r.name == "crashloop")
        text = shown_text(await open_details(pilot, workloads, index))
        lines = block(text, "Containers:")
        labels = [line.split(":")[0] for line in lines]
        # kubectl describe pod's layout: State, then Last State with its fields a level deeper, Ready, Restart Count
        assert labels[:3] == ["Containers", "  app", "    Image"], lines
        state, last = labels.index("    State"), labels.index("    Last State")
        assert state < last < labels.index("    Ready") < labels.index("    Restart Count"), lines
        assert lines[last].split() == ["Last", "State:", "Terminated"], lines
        assert lines[last + 1].split() == ["Reason:", "Error"] and lines[last + 2].split() == ["Exit", "Code:", "1"]
        assert lines[last + 3].strip().startswith("Started:") and lines[last + 4].strip().startswith("Finished:")
        assert "+0000" in lines[last + 3], "RFC 1123 as kubectl prints it"
        assert "status: [app]" in " ".join(text.split()), "a condition's message is text, not Rich markup"
        await pilot.press("escape")

        pod = web["metadata"]["name"]
        index = next(i for i, r in enumerate(workloads._items) if r.name == pod)
        lines = block(shown_text(await open_details(pilot, workloads, index)), "Containers:")
        last = next(i for i, line in enumerate(lines) if line.strip().startswith("Last State:"))
        assert lines[last - 2].split() == ["State:", "Running"] and lines[last - 1].strip().startswith("Started:")
        assert ["Exit", "Code:", "137"] in [line.split() for line in lines[last:]], lines


async def test_the_shown_tab_scrolls_with_the_arrow_keys_at_once(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, cluster)
        workloads = app.query_one(WorkloadsPane)
        index = next(i for i, r in enumerate(workloads._items) if r.name == "crashloop")
        screen = await open_details(pilot, workloads, index)
        tabs = screen.query_one(TabbedContent)

        def shown() -> VerticalScroll:
            pane = tabs.active_pane
            assert pane is not None
            return pane.query_one(VerticalScroll)

        assert app.focused is shown(), "the Describe tab's content has the keys from the start"
        await pilot.press("right")  # the YAML tab
        await pilot.pause()
        yaml_view = shown()
        assert tabs.active == "tab-2" and app.focused is yaml_view
        await pilot.press("down", "down")
        await pilot.pause()
        assert yaml_view.scroll_y == 2
        await pilot.press("pagedown")
        await pilot.pause()
        assert yaml_view.scroll_y > 10
        await pilot.press("end")
        await pilot.pause()
        assert yaml_view.scroll_y == yaml_view.max_scroll_y > 0
        await pilot.press("home")
        await pilot.pause()
        assert yaml_view.scroll_y == 0
        await pilot.press("right", "left", "left")  # ← → still switch tabs from the content
        await pilot.pause()
        assert tabs.active == "tab-1" and app.focused is shown()
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailsScreen)


async def test_node_describe_lists_its_pods_and_allocated_resources(app: KubetuiApp, cluster: Cluster) -> None:
    done = next(p for p in app.view.list("pods") if p["status"].get("phase") == "Succeeded")
    node = done["spec"]["nodeName"]
    pods = [p for p in app.view.pods_on(node) if p["status"].get("phase") not in ("Succeeded", "Failed")]
    cpu = sum(pod_requests(p["spec"]).get("cpu", 0) for p in pods)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        index = next(i for i, item in enumerate(nodes._items) if item.node == node)
        text = shown_text(await open_details(pilot, nodes, index))
        lines = block(text, "Non-terminated Pods:")
        assert lines[0].split() == ["Non-terminated", "Pods:", f"({len(pods)}", "in", "total)"], lines
        heading = " ".join(" ".join(lines[1:3]).split())  # two lines at 100 columns: CPU / Requests ...
        for word in ("Namespace", "Name", "CPU", "Requests", "Limits", "Memory", "Age"):
            assert word in heading, heading
        rows = [line.split() for line in lines if line.strip().startswith(("default ", "kube-system "))]
        assert sorted(row[1] for row in rows) == sorted(p["metadata"]["name"] for p in pods), lines
        assert done["metadata"]["name"] not in text, "a completed pod holds nothing on the node"
        assert all(row[3].startswith("(") and row[3].endswith("%)") for row in rows), rows
        assert not any("…" in line for line in lines), "every column whole at 100 columns"
        allocated = block(text, "Allocated resources:")
        assert allocated[1].strip() == "(Total limits may be over 100 percent, i.e., overcommitted.)"
        assert allocated[2].split() == ["Resource", "Requests", "Limits"], allocated
        cpu_row = next(line.split() for line in allocated if line.strip().startswith("cpu "))
        assert cpu_row[1:3] == [format_cpu(cpu), f"({cpu * 100 // 3900}%)"], cpu_row


async def test_the_events_tab_names_the_object(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, cluster)
        workloads = app.query_one(WorkloadsPane)
        index = next(i for i, r in enumerate(workloads._items) if r.name == "crashloop")
        await open_details(pilot, workloads, index)
        await pilot.press("right", "right")
        await pilot.pause()
        text = shown_text(app.screen)  # type: ignore[arg-type]
        assert text.splitlines()[0].split()[:3] == ["Events", "of", "pod/crashloop"], text


def test_the_tour_legend_says_q_twice() -> None:
    assert " q q  quit" in key_caps().plain


def card(nodes: NodesPane, node: str) -> tuple[int, int]:
    lines = [i for i, item in enumerate(nodes._items) if item.node == node and item.part != SPACER]
    return lines[0], lines[-1]


def in_view(nodes: NodesPane, node: str) -> bool:
    first, last = card(nodes, node)
    top = nodes.scroll_offset.y
    return top <= first and last < top + nodes.scrollable_content_region.height


def tour_app(name: str) -> tuple[KubetuiApp, Cluster]:
    walk = find_tour(name)
    cluster = Cluster(seed=walk.seed)
    return KubetuiApp(cluster, start_driver=False, tour=walk), cluster


async def test_tour_panel_fits_its_text_and_the_step_s_node_is_in_view_at_100x30() -> None:
    app, cluster = tour_app("scheduler")  # step 3 taints node-3, the last card
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(2):
            await settle(pilot, cluster, 30)
            await pilot.press("n")
        await settle(pilot, cluster, 5)
        await pilot.pause()
        panel = app.query_one(TourPanel)
        text = plain(panel.content, panel.content_region.width)  # type: ignore[arg-type]
        assert panel.content_region.height == len(text.rstrip("\n").splitlines()), "no empty rows in the panel"
        nodes = app.query_one(NodesPane)
        assert nodes.has_class("-highlight") and nodes.selected_node == "node-3"
        assert in_view(nodes, "node-3"), "its taint line is in view"


async def test_a_tour_step_about_a_node_shows_its_card() -> None:
    app, cluster = tour_app("node-failure")  # step 2 kills node-2; step 4 waits for its pods' replacements
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, cluster, 60)
        await pilot.press("n")
        await settle(pilot, cluster, 60)
        nodes = app.query_one(NodesPane)
        assert nodes.selected_node == "node-2" and in_view(nodes, "node-2")
        nodes.action_cursor_to(0)  # the learner looks elsewhere: the step does not pull the cursor back
        await settle(pilot, cluster, 1)
        await pilot.pause(0.6)
        assert nodes.selected_node == "node-1"
        await pilot.press("n", "n")
        await settle(pilot, cluster, 1)
        assert app.query_one(WorkloadsPane).has_class("-highlight")
        assert in_view(nodes, "node-2"), "on a 4-row Nodes pane too"


async def test_the_last_step_says_n_finishes_the_tour() -> None:
    app, cluster = tour_app("etcd-and-watch")  # three steps
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, cluster, 30)
        panel = app.query_one(TourPanel)
        assert "press n for the next step" in plain(panel.content, 98)  # type: ignore[arg-type]
        for _ in range(2):
            await pilot.press("n")
            await settle(pilot, cluster, 30)
        await pilot.pause()
        text = plain(panel.content, 98)  # type: ignore[arg-type]
        assert "press n to finish" in text and "next step" not in text, text
