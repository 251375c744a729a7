"""What a rehearsal of a live demo on a projector (100x30 and 200x50) found, each pinned by a Pilot test that
failed before its fix."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from rich.console import Console
from textual.geometry import Region
from textual.widgets import Static, TabbedContent
from textual.widgets._toast import Toast

from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ManifestStatus, Reconcile
from kubetui.ui.app import ErrorBanner, KubetuiApp
from kubetui.ui.header import ClusterHeader
from kubetui.ui.panes.events import EventsPane, reconcile_outcome
from kubetui.ui.panes.nodes import PODS, TITLE, NodesPane
from kubetui.ui.panes.scheduler import SchedulerPane
from kubetui.ui.panes.workloads import WorkloadsPane
from kubetui.ui.screens.decision import DecisionScreen
from kubetui.ui.screens.details import DetailsScreen
from kubetui.ui.tour_panel import TourPanel
from kubetui.ui.view import pod_status
from tests.ui.pilot import NARROW, WIDE, settle


# -- 1. a log that followed its newest line still follows it after a layout cycle ---------------------------------
@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_scheduler_pane_follows_its_newest_line_after_a_layout_cycle(app: KubetuiApp, cluster: Cluster,
                                                                         size: tuple[int, int]) -> None:
    """all -> presenter -> scheduling -> all: the pane, tall in the scheduling layout, kept that layout's offset
    when it shrank back and showed the decisions from 00:00:00, its border not saying it had stopped following."""
    async with app.run_test(size=size) as pilot:
        cluster.client("test").scale("deployments", "default", "web", 12)  # more decisions than the pane's rows
        await settle(pilot, cluster, 30)
        scheduler = app.query_one(SchedulerPane)
        assert scheduler.max_scroll_y > 0, "the example's decisions do not fit the pane: the test needs that"
        await pilot.press("l", "l", "l")
        await pilot.pause()
        assert scheduler.following
        assert scheduler.scroll_offset.y == scheduler.max_scroll_y > 0, "the newest decision is in view"


# -- 5. the Nodes pane starts at a card's title after the error banner came and went --------------------------------
async def test_nodes_pane_is_not_left_mid_card_after_the_error_banner_goes(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        nodes.focus()
        await pilot.press("down", "down")
        assert nodes.selected_node == "node-3"
        # as a broken file would report it (the example folder is never written to)
        app.view.manifest_errors["web.yaml"] = ManifestStatus(path="web.yaml", ok=False, line=6, column=13,
                                                              message="spec.replicas: Invalid value: -1")
        await pilot.pause(0.3)
        await pilot.pause()
        assert app.query_one("#errors").region.height > 0
        del app.view.manifest_errors["web.yaml"]
        await pilot.pause(0.3)
        await pilot.pause()
        assert app.query_one("#errors").region.height == 0
        top = nodes.scroll_offset.y
        assert nodes._items[top].part == TITLE, f"the view starts at a card's title, not line {nodes._items[top]}"
        selected = [i for i, item in enumerate(nodes._items) if item.node == "node-3"]
        assert top <= selected[0] and selected[-1] < top + nodes.scrollable_content_region.height


# -- 2. at 100 columns a pod row keeps its node and its column when it shows restarts or a long status -------------
def pod_rows(pane: WorkloadsPane) -> list[tuple[dict[str, Any], str]]:
    width = pane.scrollable_content_region.width
    return [(pane.object_of(row) or {}, pane.render_item(row, width).plain) for row in pane._items
            if row.kind == "Pod"]


def assert_aligned_with_nodes(pane: WorkloadsPane, statuses: set[str]) -> None:
    rows = pod_rows(pane)
    seen = {pod_status(pod) for pod, _ in rows}
    assert statuses <= seen, f"the scenario shows {statuses}: {seen}"
    # but "✖ crashloop  0/1 CrashLoopBackOff  ↻6  node-1": no room for it at the column, it keeps its node instead
    columns = {re.search(r"[●◐◌✖✔] \S+ +", text).end()  # type: ignore[union-attr]
               for pod, text in rows if pod_status(pod) != "CrashLoopBackOff"}
    assert len(columns) == 1, "every pod's status (or ready count) starts at one column:\n" + \
        "\n".join(text for _, text in rows)
    for pod, text in rows:
        node = pod["spec"].get("nodeName")
        if node:
            assert text.endswith(f"  {node}"), f"the row keeps its node: {text!r}"


async def test_pod_rows_keep_their_node_and_column_at_100_columns(app: KubetuiApp, cluster: Cluster) -> None:
    """Found at 100x30: `web-7c74…4sbhv  1/1 Running  ↻1`, `web-7c74…pz6kq  0/1 ContainerCreating`,
    `db-1  1/1 Terminating  node-2`: the name column made room for "Completed" only, so a longer status or a
    restart count cost the row its node (where a pod runs, what a demo points at), or its alignment."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        workloads = app.query_one(WorkloadsPane)
        web = sorted(p["metadata"]["name"] for p in app.view.list("pods") if p["metadata"]["name"].startswith("web-"))
        cluster.inputs.submit("chaos", action="kill-container", namespace="default", pod=web[0], container="nginx")
        cluster.inputs.submit("chaos", action="kill-node", node="node-2")
        await settle(pilot, cluster, 360)
        cluster.inputs.submit("api", verb="patch", resource="deployments", namespace="default", name="web", patch={
            "spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:doesnotexist"}]}}}})
        await settle(pilot, cluster, 1)
        assert_aligned_with_nodes(workloads, {"Running", "ContainerCreating", "Completed"})
        assert any("↻" in text for _, text in pod_rows(workloads))
        await settle(pilot, cluster, 30)
        assert_aligned_with_nodes(workloads, {"Running", "Terminating", "ImagePullBackOff"})


# -- 3. toasts leave the newest events, dialogs and the tour's narration in view --------------------------------------
def toasts(app: KubetuiApp) -> list[Region]:
    shown = [toast.region for toast in app.screen.query(Toast) if toast.visible]
    assert shown, "the key showed a toast"
    return shown


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_toasts_do_not_cover_the_newest_events_or_the_header(app: KubetuiApp, cluster: Cluster,
                                                                   size: tuple[int, int]) -> None:
    """Textual's bottom right corner held the newest lines of Reconciliation & events, where the answer to the key
    (kill-node, drain, traffic) appears, for the toast's 4 s."""
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot, cluster)
        app.query_one(NodesPane).focus()
        await pilot.press("down", "k", "right_square_bracket")
        app.query_one(WorkloadsPane).focus()
        await pilot.press("g")
        await pilot.pause()
        events = app.query_one(EventsPane).region
        header = app.query_one(ClusterHeader).region
        for region in toasts(app):
            assert not region.overlaps(events), f"{region} covers the events pane {events}"
            assert not region.overlaps(header), "nor the header (clock, speed, pause)"


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_a_toast_does_not_cover_an_open_dialog(app: KubetuiApp, cluster: Cluster, size: tuple[int, int]) -> None:
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot, cluster)
        app.query_one(NodesPane).focus()
        await pilot.press("down", "k", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen)
        dialog = app.screen.query_one(TabbedContent).region
        for region in toasts(app):
            assert not region.overlaps(dialog), f"{region} covers the dialog {dialog}"
        hidden = [toast for toast in app.screen_stack[0].query(Toast) if toast.visible]
        assert not hidden, "the covered screen's own copies of the toasts hide (seen dimmed, they read as doubles)"


async def test_a_toast_does_not_cover_the_tour_narration_beside_the_panes() -> None:
    from kubetui.tours.model import find_tour

    walk = find_tour("node-failure")
    app = KubetuiApp(Cluster(seed=walk.seed), start_driver=False, tour=walk)
    async with app.run_test(size=WIDE, notifications=True) as pilot:
        await pilot.press("right_square_bracket")
        await pilot.pause()
        panel = app.query_one(TourPanel).region
        for region in toasts(app):
            assert not region.overlaps(panel), f"{region} covers the tour's narration {panel}"


# -- 7. the header's pod counts are not dim on its grey bar ---------------------------------------------------------
async def test_header_pod_counts_are_not_dim(app: KubetuiApp, cluster: Cluster) -> None:
    """`pods 14` and `✔3` were dim on the header's grey bar: 2.7:1 and 2.5:1, unreadable on a projector."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        text = app.query_one(ClusterHeader).render_text(NARROW[0])
        plain = text.plain
        assert "pods 15" in plain and "✔3" in plain, plain
        for needle in ("pods 15", "✔3"):
            start = plain.index(needle)
            styles = [str(span.style) for span in text.spans if span.start <= start < span.end]
            assert not any("dim" in style for style in styles), f"{needle}: {styles}"


# -- 9. an endpoints reconcile short of room keeps the new count, not the old one -----------------------------------
def test_endpoints_reconcile_keeps_what_it_wanted_when_short_of_room() -> None:
    """`Service default/web 3 ready, 0 not ready → update endpoints` after scaling to 30: the observed part is the
    old Endpoints, and read as the outcome."""
    item = Reconcile(controller="endpoint-controller", object="Service default/web",
                     observed="3 ready, 0 not ready", desired="30 ready, 0 not ready", action="update endpoints")
    full = reconcile_outcome(item, 200).plain
    assert full == "3 ready, 0 not ready → 30 ready, 0 not ready: update endpoints"
    short = reconcile_outcome(item, len(full) - 1).plain
    assert short == "→ 30 ready, 0 not ready: update endpoints"
    other = Reconcile(controller="replicaset-controller", object=item.object, observed=item.observed,
                      desired=item.desired, action=item.action)  # what other controllers saw: the current state
    assert reconcile_outcome(other, len(full) - 1).plain == "3 ready, 0 not ready → update endpoints"


# -- 4. at 100 columns a node card shows the Deployment's pods, and the presenter layout gives the panes the width ---
def card_pods(nodes: NodesPane, node: str) -> str:
    line = next(i for i in nodes._items if i.node == node and i.part == PODS)
    return nodes.render_item(line, nodes.scrollable_content_region.width).plain


async def test_node_cards_show_the_deployments_pods_before_the_daemonsets(app: KubetuiApp, cluster: Cluster) -> None:
    """Sorted by name, `●db-0 ●node-agent-4l25m +3`: the web pods, the Deployment being demoed, always hid behind +N;
    a crashing pod first, then the app's pods, the per-node DaemonSet pods last."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        for node, pods in nodes._pods_by_node.items():
            apps = [p["metadata"]["name"] for p in pods
                    if p["metadata"]["name"].startswith(("web-", "hpa-demo-", "db-"))]
            shown = card_pods(nodes, node)
            assert not apps or apps[0] in shown, f"{node}: {shown!r} hides {apps}"
            names = [p["metadata"]["name"] for p in pods if p["metadata"]["namespace"] == "default"]
            assert [p["metadata"]["namespace"] for p in pods][:len(names)] == ["default"] * len(names), \
                f"{node}: the cluster's own pods (CoreDNS) come after the user's"
            agent = next(n for n in names if n.startswith("node-agent-"))
            assert names.index(agent) == len(names) - 1, f"{node}: the DaemonSet pod is last, not {names}"
        home = next(p["spec"]["nodeName"] for ps in nodes._pods_by_node.values() for p in ps
                    if p["metadata"]["name"] == "crashloop")
        first = nodes._pods_by_node[home][0]["metadata"]["name"]
        assert first == "crashloop" and card_pods(nodes, home).lstrip().startswith("✖crashloop")
        before = {node: [p["metadata"]["name"] for p in pods] for node, pods in nodes._pods_by_node.items()}
        await settle(pilot, cluster, 5)
        after = {node: [p["metadata"]["name"] for p in pods] for node, pods in nodes._pods_by_node.items()}
        assert after == before, "the order holds still from one refresh to the next"


async def test_presenter_layout_at_100_columns_gives_both_panes_the_width(app: KubetuiApp, cluster: Cluster) -> None:
    """Side by side at 100 columns, event lines were cut at 45 columns and half the Nodes pane stayed empty: the
    cards stack above the events, every card in view, both as wide as the screen."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        await pilot.press("l")
        await pilot.pause()
        nodes, events = app.query_one(NodesPane), app.query_one(EventsPane)
        assert nodes.region.width == events.region.width == NARROW[0]
        assert nodes.max_scroll_y == 0 and nodes.region.height == len(nodes._items) + 2, "every card, no empty rows"
        assert events.region.y >= nodes.region.bottom and events.region.height >= 8
        await pilot.press("l", "l")  # back to all panes: side by side again
        await pilot.pause()
        assert nodes.region.width < NARROW[0] // 2 + 1


# -- hostile C1 and C3: the error banner counts the broken files it has no room for, and escapes control characters --
def banner_text(app: KubetuiApp) -> str:
    return str(app.query_one(ErrorBanner).render())


async def test_error_banner_counts_the_broken_files_it_has_no_room_for(app: KubetuiApp, cluster: Cluster) -> None:
    """Seven broken files: the four-row banner showed one error and half of the next, and nothing said six more."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        long = ("metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case "
                "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
                "'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
        for index in range(7):
            path = f"name-{index}.yaml"
            app.view.manifest_errors[path] = ManifestStatus(path=path, ok=False, line=4, column=9, message=long)
        await pilot.pause(0.3)
        await pilot.pause()
        banner = app.query_one(ErrorBanner)
        rows = banner_text(app).splitlines()
        assert banner.region.height == len(rows) == 4, rows
        assert rows[-1].startswith("✖ +6 more broken files: name-1.yaml, name-2.yaml"), rows[-1]
        assert all(len(row) <= NARROW[0] - 2 for row in rows)
        for index in range(2):  # two short errors first: both whole, the rest counted
            app.view.manifest_errors[f"name-{index}.yaml"].message = "spec.replicas: Invalid value: -1"
        await pilot.pause(0.3)
        rows = banner_text(app).splitlines()
        assert rows[:2] == [f"✖ name-{index}.yaml:4:9: spec.replicas: Invalid value: -1" for index in range(2)]
        assert len(rows) == 3 and rows[-1] == "✖ +5 more broken files: " + ", ".join(
            f"name-{index}.yaml" for index in range(2, 7)), rows
        for index in range(2, 7):
            del app.view.manifest_errors[f"name-{index}.yaml"]
        await pilot.pause(0.3)
        rows = banner_text(app).splitlines()
        assert rows == [f"✖ name-{index}.yaml:4:9: spec.replicas: Invalid value: -1" for index in range(2)], rows


async def test_error_banner_escapes_control_characters_in_a_file_name(app: KubetuiApp, cluster: Cluster) -> None:
    """`esc\\x1b[31mred.yaml` overflowed the banner into the pane border; `new\\nline.yaml` showed as `✖ new`."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        for path in ("esc\x1b[31mred.yaml", "new\nline.yaml"):
            app.view.manifest_errors[path] = ManifestStatus(path=path, ok=False, line=4, column=9,
                                                            message="metadata.name: Invalid value")
        await pilot.pause(0.3)
        await pilot.pause()
        rows = banner_text(app).splitlines()
        assert rows == ["✖ esc\\x1b[31mred.yaml:4:9: metadata.name: Invalid value",
                        "✖ new\\nline.yaml:4:9: metadata.name: Invalid value"], rows
        assert app.query_one(ErrorBanner).region.height == 2
        events = app.query_one(EventsPane)
        record = next(iter(app.view.manifest_errors.values()))
        assert "\x1b" not in events.render_item(record, 200).plain


# -- 11. a Pending pod's decision does not ask "why this node?"; scheduler rows alike; a held log says "holding" ------
def dialog_text(screen: Any) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    for static in screen.query(Static):
        console.print(static.content)
    return console.export_text()


async def test_a_pending_pods_decision_asks_why_no_node(app: KubetuiApp, cluster: Cluster) -> None:
    """Titled "why this node?" and ending on "Scores are raw→normalized", with no node chosen and no score."""
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, cluster)
        pending = next(d for d in app.view.decisions if d.pod == "default/too-big" and not d.node)
        await app.push_screen(DecisionScreen(pending))
        await pilot.pause()
        text = dialog_text(app.screen)
        assert "why no node?" in text and "why this node?" not in text and "Scores are" not in text, text
        app.screen.dismiss()
        await pilot.pause()
        placed = next(d for d in app.view.decisions if d.node and len(d.verdicts) > 1)
        await app.push_screen(DecisionScreen(placed))
        await pilot.pause()
        text = dialog_text(app.screen)
        assert "why this node?" in text and "Scores are raw→normalized" in text, text


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_scheduler_rows_show_a_score_on_every_row_or_on_none(app: KubetuiApp, cluster: Cluster,
                                                                  size: tuple[int, int]) -> None:
    """At 100 columns `✔ db-1 → node-2  score 688  (3/4 nodes fit)` stood next to `✔ web-5496…zvcqj → node-2  (3/4
    nodes fit)`: the score was dropped for the long names only."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot, cluster)
        pane = app.query_one(SchedulerPane)
        width = pane.scrollable_content_region.width
        rows = [pane.render_item(d, width).plain for d in pane._items if d.node and len(d.verdicts) > 1]
        assert any(row.lstrip("0123456789: ").startswith("✔ default/web-") or "web-" in row for row in rows)
        with_score = ["score" in row for row in rows]
        assert all(with_score) or not any(with_score), rows
        assert all(with_score) == (size == WIDE), rows
        assert all("nodes fit)" in row for row in rows), rows
