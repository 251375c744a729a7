"""Problems a usability review found (learners, teachers, speakers on a projector at 100x30 and 200x50), each
pinned by a Pilot test that failed before its fix."""

from __future__ import annotations

from rich.cells import cell_len

from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ManifestStatus, Reconcile
from kubetui.ui.app import PALETTE, KubetuiApp
from kubetui.ui.header import ClusterHeader
from kubetui.ui.panes.events import EventsPane
from kubetui.ui.panes.nodes import NOTES, SPACER, TITLE, NodesPane
from kubetui.ui.panes.scheduler import SchedulerPane
from kubetui.ui.panes.workloads import WorkloadsPane
from kubetui.ui.screens.details import DetailsScreen
from tests.ui.pilot import NARROW, settle


def at_newest_line(pane: EventsPane) -> bool:
    return pane.cursor == len(pane._items) - 1 and pane.scroll_offset.y == pane.max_scroll_y > 0


# -- 1. a log pane that stopped following says so; clearing a filter follows again ---------------------------------
async def test_clearing_a_zero_match_filter_follows_the_newest_lines_again(app: KubetuiApp, cluster: Cluster) -> None:
    """The view stayed on the oldest line: Textual would not scroll a pane whose scrollbar the zero-match
    filter had hidden, and nothing said the log had stopped following."""
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        events = app.query_one(EventsPane)
        events.focus()
        await pilot.pause()
        for keys in (("slash", *"zzz", "escape"), ("slash", *"zzz", "enter", "escape")):
            await pilot.press(*keys)
            await pilot.pause()
            assert events.filter_text == "" and at_newest_line(events), keys
            replicas = cluster.get("deployments", "default", "web")["spec"]["replicas"]  # type: ignore[index]
            cluster.client("test").patch("deployments", "default", "web", {"spec": {"replicas": replicas + 1}})
            await settle(pilot, cluster, 5)
            assert at_newest_line(events), "new lines are followed"
            assert str(events.border_subtitle) == str(len(events._items))


async def test_a_log_that_stopped_following_says_so_in_its_border(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        events = app.query_one(EventsPane)
        events.focus()
        await pilot.press("home")
        total = len(events._items)
        subtitle = str(events.border_subtitle)
        assert subtitle == f"1/{total} · holding · End to follow" and events.has_class("-held"), subtitle
        assert cell_len(subtitle) <= events.outer_size.width - 6, "whole in a 100-column layout's pane"
        await settle(pilot, cluster, 5)
        assert events.cursor == 0 and not events.following
        await pilot.press("end")
        assert events.following and str(events.border_subtitle) == str(len(events._items))
        assert not events.has_class("-held")
        await pilot.press("home", "slash", *"node")  # paused on the first line, then filtered
        subtitle = str(events.border_subtitle)
        assert "holding" in subtitle and "esc" in subtitle, subtitle
        assert cell_len(subtitle) <= events.outer_size.width - 6, subtitle


# -- 2. zoom keeps the header and the error banner on top ----------------------------------------------------------
async def test_zoom_keeps_the_header_and_the_error_banner_at_the_top(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=NARROW) as pilot:
        # as a broken file would report it (the example folder is never written to)
        app.view.manifest_errors["web.yaml"] = ManifestStatus(path="web.yaml", ok=False, line=6, column=13,
                                                              message="spec.replicas: Invalid value: -1")
        await pilot.pause(0.3)
        events = app.query_one(EventsPane)
        events.focus()
        await pilot.press("z")
        await pilot.pause()
        assert app.screen.maximized is events
        assert app.query_one(ClusterHeader).region.y == 0
        assert app.query_one("#errors").region.y == 1
        assert events.region.y == 2 and events.region.bottom <= app.size.height - 1


# -- 3. (header counts: tests/ui/test_rough_edges.py, test_header_*) -------------------------------------------------


# -- 4. one toast for a drain; cordon in kubectl's words -------------------------------------------------------------
async def test_drain_says_it_once_and_then_that_the_node_is_drained(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        nodes.focus()
        nodes.select_node("node-3")
        evictable = [p for p in app.view.pods_on("node-3")
                     if not any(r.get("kind") == "DaemonSet" for r in p["metadata"].get("ownerReferences") or [])]
        assert len(evictable) > 1
        await pilot.press("d")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages == [f"node/node-3 cordoned, evicting {len(evictable)} pods, ignoring 1 DaemonSet pod"], \
            messages
        await settle(pilot, cluster, 60)
        await pilot.pause(0.7)  # the check runs every half second
        messages = [n.message for n in app._notifications]
        assert messages == [f"node/node-3 drained: {len(evictable)} pods evicted"], messages


async def test_cordon_says_cordoned_and_uncordoned(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        nodes.focus()
        nodes.select_node("node-2")
        await pilot.press("c")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["node/node-2 cordoned"]
        await settle(pilot, cluster, 1)
        await pilot.press("c")
        await pilot.pause()
        assert [n.message for n in app._notifications] == ["node/node-2 uncordoned"]


# -- 5. the footer says Resume while paused --------------------------------------------------------------------------
async def test_footer_says_resume_while_paused(app: KubetuiApp, cluster: Cluster) -> None:
    def space() -> str:
        return next(key.description for key in app.query("FooterKey") if key.key == "space")

    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        assert space() == "Pause"
        await pilot.press("space")
        await pilot.pause()
        assert app.driver.paused and space() == "Resume"
        await pilot.press("space")
        await pilot.pause()
        assert not app.driver.paused and space() == "Pause"


# -- 6. the command palette: the app's commands, once each, with a description --------------------------------------
async def test_palette_lists_the_app_commands_once_with_keys_and_descriptions(app: KubetuiApp) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        commands = list(app.get_system_commands(app.screen))
        names = [command.title for command in commands]
        assert len(names) == len(set(names)), names
        assert not {"Keys", "Maximize", "Minimize"} & set(names), "Textual's duplicates of ?, z"
        assert "Pause" in names and "Resume" not in names
        assert not any(name.startswith("Tour") for name in names), "no tour keys outside a tour"
        helps = {command.title: command.help for command in commands}
        assert helps["Faster"].startswith("] · ") and helps["Filter"].startswith("/ · ")
        assert helps["Delete pod"].startswith("delete · ") and helps["Scale down"].startswith("- · ")
        assert helps["Help"].startswith("? · ") and helps["Quit"].startswith("ctrl+q · ")
        assert all(len(text) > 10 for text in helps.values()), helps
        raw = ("right_square_bracket", "slash", "minus", "backspace", "question_mark")
        assert not any(word in text for text in helps.values() for word in raw)
        bound = {b.action for b in app.BINDINGS if hasattr(b, "action")} - {"request_quit"}
        assert bound <= {action for action, _, _ in PALETTE}, "every key is in the palette"
        await pilot.press("space")
        names = [command.title for command in app.get_system_commands(app.screen)]
        assert "Resume" in names and "Pause" not in names


async def test_palette_offers_the_tour_keys_in_a_tour() -> None:
    from kubetui.tours.model import find_tour

    walk = find_tour("node-failure")
    app = KubetuiApp(Cluster(seed=walk.seed), start_driver=False, tour=walk)
    async with app.run_test(size=NARROW) as pilot:
        await pilot.pause()
        names = [command.title for command in app.get_system_commands(app.screen)]
        assert {"Tour: next step", "Tour: previous step", "Tour: restart step"} <= set(names)


# -- 7. node cards and the details dialog ---------------------------------------------------------------------------
async def test_a_node_card_keeps_its_blank_line_and_a_cordoned_status_whole(app: KubetuiApp, cluster: Cluster) -> None:
    cluster.chaos("kill-node", node="node-2")
    cluster.chaos("partition-node", node="node-3")
    cluster.client("test").patch("nodes", "", "node-3", {"spec": {"unschedulable": True}})
    cluster.run_for(400)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        width = nodes.scrollable_content_region.width
        cards: dict[str, list[tuple[int, str]]] = {}
        for item in nodes._items:
            cards.setdefault(item.node, []).append((item.part, nodes.render_item(item, width).plain))
        for name, card in cards.items():
            assert card[0][0] == TITLE and card[-1] == (SPACER, ""), (name, card)
            assert all(cell_len(text) <= width for _, text in card), (name, card)
        assert "POWERED OFF" in cards["node-2"][0][1] and any("unreachable" in t for p, t in cards["node-2"]
                                                                if p == NOTES)
        partitioned = cards["node-3"]
        assert "PARTITIONED" in partitioned[0][1] and "♥" in partitioned[0][1]
        assert any(text.strip() == "SchedulingDisabled" for part, text in partitioned if part == NOTES), partitioned
        nodes.focus()
        nodes.select_node("node-1")
        await pilot.press("down")
        assert nodes.selected_node == "node-2"
        await pilot.press("down")
        assert nodes.selected_node == "node-3", "a card at a time, whatever its height"
        spacer = next(i for i, item in enumerate(nodes._items) if item.node == "node-3" and item.part == SPACER)
        assert not nodes.is_selected(spacer) and nodes.is_selected(spacer - 1)


async def test_details_text_does_not_touch_the_dialog_border(app: KubetuiApp, cluster: Cluster) -> None:
    from textual.widgets import Static, TabbedContent

    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        nodes.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen)
        dialog = app.screen.query_one(TabbedContent).region
        text = next(w for w in app.screen.query(Static) if w.region.width and w.region.y > dialog.y + 2).region
        assert text.x >= dialog.x + 2, (dialog, text)  # the border, then a blank column


# -- 8. truncation drops the least important part -------------------------------------------------------------------
async def test_a_narrow_reconcile_line_keeps_what_the_controller_did(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        events = app.query_one(EventsPane)
        width = events.scrollable_content_region.width
        lines = []
        for item in events._items:
            if isinstance(item, Reconcile):
                line = events.render_item(item, width)
                line.truncate(width, overflow="ellipsis")  # as the pane draws it
                lines.append((item, line.plain))
        fitting = [(item, line) for item, line in lines if cell_len(item.action) <= width // 2]
        assert fitting
        for item, line in fitting:
            assert line.endswith(item.action), line
        slices = next(line for item, line in lines if item.controller == "endpointslice-controller")
        assert "+" in slices and "→ 6 end" not in slices, slices


async def test_long_pod_names_lose_their_middle_not_a_column(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        scheduler = app.query_one(SchedulerPane)
        width = scheduler.scrollable_content_region.width
        web = [scheduler.render_item(d, width).plain for d in scheduler._items
               if d.node and d.pod.startswith("default/web-")]
        assert web and all("nodes fit)" in line and "…" in line for line in web), web
        workloads = app.query_one(WorkloadsPane)
        width = workloads.scrollable_content_region.width
        rows = [workloads.render_item(row, width).plain for row in workloads._items
                if row.kind == "Pod" and workloads.object_of(row)["status"].get("phase") == "Running"]  # type: ignore[index]
        columns = {row.index(" 1/1 ") for row in rows if " 1/1 " in row}
        assert len(rows) > 5 and len(columns) == 1, rows  # the ready counts start at one column
        assert all(row.rstrip().split()[-1].startswith("node-") for row in rows), rows
        assert any("web-5496…" in row for row in rows), rows



def test_every_key_is_on_the_help_screen() -> None:
    """The help screen groups keys ("] / ["), the palette lists actions: both must know every binding."""
    from textual.keys import _character_to_key

    from kubetui.ui.screens.help import KEYS

    shown = {part.strip() for _, label, _ in KEYS for part in label.replace(", ", " / ").split(" / ")}
    names = {_character_to_key(label): label for label in shown if len(label) == 1}
    for binding in KubetuiApp.BINDINGS:
        if not hasattr(binding, "action") or binding.action == "request_quit":
            continue
        first = binding.key.split(",")[0]
        assert binding.key_display in shown or first in shown or first in names, binding
