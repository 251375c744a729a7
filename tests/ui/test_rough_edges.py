"""Rough edges found by using the app as a new user and as a speaker would, each pinned by a Pilot test."""

from __future__ import annotations

import re
from typing import Any

from textual.widgets import Input

from kubetui.sim.cluster import Cluster
from kubetui.ui.app import KubetuiApp
from kubetui.ui.panes.api import ApiPane
from kubetui.ui.screens.details import DetailsScreen
from tests.ui.pilot import settle

SIZE = (100, 30)


async def test_filter_filters_as_you_type_and_escape_clears_it(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        api = app.query_one(ApiPane)
        api.focus()
        total = len(api._items)
        await pilot.press("slash", *"node-2")
        assert api.filter_text == "node-2", "the pane filters while the user types"
        assert 0 < len(api._items) < total
        assert str(api.border_title) == 'API requests · filter "node-2"'
        assert str(api.border_subtitle) == f"{len(api._items)} of {total} · esc clears filter"
        assert api.has_class("-filtered")
        await pilot.press("escape")
        assert api.filter_text == "" and len(api._items) == total, "Escape in the box clears the filter"
        assert not app.query_one("#filter", Input).has_class("-visible")
        assert app.focused is api
        assert str(api.border_title) == "API requests"


async def test_enter_keeps_the_filter_and_escape_on_the_pane_clears_it(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        api = app.query_one(ApiPane)
        api.focus()
        await pilot.press("slash", *"leases", "enter")
        assert api.filter_text == "leases" and app.focused is api
        await pilot.press("escape")
        assert api.filter_text == ""


async def test_tab_out_of_the_filter_box_closes_it_and_escape_then_closes_a_dialog(app: KubetuiApp,
                                                                                    cluster: Cluster) -> None:
    """Found by the key monkey (test_monkey.py): the box stayed open after Tab, and a later Escape in a
    details dialog closed the box instead, focusing a pane behind the dialog; no key closed it then."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        api = app.query_one(ApiPane)
        api.focus()
        await pilot.press("slash", *"leases", "tab")
        assert not app.query_one("#filter", Input).has_class("-visible"), "the box closed when focus left it"
        assert api.filter_text == "leases", "and the filter stayed, as with Enter"
        api.focus()
        await pilot.press("enter")
        assert isinstance(app.screen, DetailsScreen)
        await pilot.press("escape")
        assert app.screen is app.screen_stack[0], "Escape closed the dialog"
        assert app.focused is api


async def test_filter_box_and_error_banner_stay_visible_on_a_zoomed_pane(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        api = app.query_one(ApiPane)
        api.focus()
        await pilot.press("z", "slash")
        await pilot.pause()
        box = app.query_one("#filter", Input)
        assert box.display and box.region.height > 0, "the filter box shows over a zoomed pane"
        assert app.query_one("#header").region.height == 1
        await pilot.press(*"leases", "escape")
        assert app.screen.maximized is api, "Escape closed the box, the pane stays zoomed"
        assert api.filter_text == ""


async def test_h_hides_heartbeat_traffic_in_the_api_pane(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, cluster, 60)
        api = app.query_one(ApiPane)
        leases = [r for r in api._items if r.resource == "leases" and r.who.startswith("kubelet/")]
        assert leases, "a quiet cluster's API log is full of Lease renewals"
        await pilot.press("h")
        assert api.hide_heartbeats and str(api.border_title) == "API requests · no heartbeats"
        assert not any(r.resource == "leases" and r.who.startswith("kubelet/") for r in api._items)
        assert not any(r.resource == "nodes" and r.who.startswith("kubelet/") and r.verb == "update"
                       for r in api._items)
        assert any(r.who.startswith("kubelet/") and r.resource == "pods" for r in api._items), "pod updates stay"
        footer_keys = [key.key for key in app.query("FooterKey")]
        assert "h" in footer_keys, "the toggle is in the footer on a wide screen"
        await pilot.press("h")
        assert not api.hide_heartbeats and str(api.border_title) == "API requests"


async def test_header_counts_terminating_pods_apart_as_kubectl_lists_them(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.format import pod_glyph
    from kubetui.ui.header import ClusterHeader
    from kubetui.ui.view import pod_status

    cluster.chaos("kill-node", node="node-2")
    cluster.run_for(400)  # NotReady, then eviction: node-2's pods stay, Terminating, until the node answers
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, cluster)
        pods = [p for p in app.view.list("pods") if p["metadata"]["namespace"] == "default"]  # as kubectl get pods
        terminating = sum(1 for p in pods if p["metadata"].get("deletionTimestamp"))
        running = sum(1 for p in pods if pod_status(p) == "Running")
        ready = sum(1 for p in pods if pod_glyph(p)[0] == "●")
        assert terminating > 0 and ready < running
        header = app.query_one(ClusterHeader)
        wide = header.render_text(200).plain
        assert f"pods {len(pods)}:" in wide
        assert f"{running} Running" in wide and f"{terminating} Terminating" in wide
        narrow = header.render_text(100).plain
        assert f"●{ready} " in narrow and f"{terminating} Terminating" in narrow, narrow
        # a demo at 10x on another port: the word "API" gives way before the counts do
        from types import SimpleNamespace
        header.driver = SimpleNamespace(paused=False, speed=10.0)  # type: ignore[assignment]
        header.api_address = "http://127.0.0.1:17643"
        speaker = header.render_text(98).plain
        assert f"●{ready} " in speaker and f"{terminating} Terminating" in speaker, speaker
        assert speaker.endswith("  127.0.0.1:17643") and len(speaker) <= 98, speaker


async def test_header_counts_pods_in_the_words_and_glyphs_of_the_panes(app: KubetuiApp, cluster: Cluster) -> None:
    """At 100 columns ● counted phase Running, a CrashLoopBackOff pod too, where the panes' ● means running
    and ready; at 200 the header said Succeeded where the panes and kubectl say Completed."""
    from kubetui.ui.header import ClusterHeader

    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, cluster)
        header = app.query_one(ClusterHeader)
        wide, narrow = header.render_text(200).plain, header.render_text(100).plain
        # the example cluster: 10 running and ready, a crash loop (between restarts kubectl says Error, in its
        # back-off CrashLoopBackOff), a pod too big to schedule, a Job's 3 pods
        assert re.search(r"pods 15: 10 Running 1 Pending 1 (CrashLoopBackOff|Error) 3 Completed ", wide), wide
        assert "Succeeded" not in wide
        assert "pods 15 ●10 ◌1 ✖1 ✔3 " in narrow, narrow


async def test_header_of_an_empty_cluster_has_no_dangling_colon() -> None:
    from kubetui.ui.header import ClusterHeader

    app = KubetuiApp(Cluster(seed=1), start_driver=False, api_address="http://127.0.0.1:6443")
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        wide = app.query_one(ClusterHeader).render_text(200).plain
        assert "pods 0 " in wide and "pods 0:" not in wide, wide


async def test_tour_focuses_the_pane_the_narration_highlights() -> None:
    from kubetui.tours.model import find_tour
    from kubetui.ui.panes.events import EventsPane
    from kubetui.ui.panes.nodes import NodesPane

    walk = find_tour("node-failure")  # steps highlight nodes, nodes, events, workloads, nodes
    cluster = Cluster(seed=walk.seed)
    app = KubetuiApp(cluster, start_driver=False, tour=walk)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.focused is app.query_one(NodesPane)
        await pilot.press("n", "n")
        await pilot.pause()
        events = app.query_one(EventsPane)
        assert events.has_class("-highlight")
        assert app.focused is events
        await pilot.press("slash", *"node-2", "enter")
        assert events.filter_text == "node-2", "/ filters the pane the narration is about"
        assert app.query_one(NodesPane).filter_text == ""


async def test_tour_starting_on_another_pane_focuses_it() -> None:
    from kubetui.tours.model import find_tour
    from kubetui.ui.panes.events import EventsPane

    walk = find_tour("services")  # the first step is about the events pane
    app = KubetuiApp(Cluster(seed=walk.seed), start_driver=False, tour=walk)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.query_one(EventsPane).has_class("-highlight")
        assert app.focused is app.query_one(EventsPane)


async def test_a_layout_that_hides_the_focused_pane_moves_the_focus(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.panes.base import LinePane

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        app.query_one(ApiPane).focus()
        await pilot.press("l")  # presenter: nodes and events only
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, LinePane) and focused.display and focused.region.height > 0
        await pilot.press("slash", *"node", "enter")
        assert focused.filter_text == "node" and app.query_one(ApiPane).filter_text == ""


async def test_node_card_lists_whole_pod_names_then_how_many_more(app: KubetuiApp, cluster: Cluster) -> None:
    from rich.cells import cell_len

    from kubetui.ui.panes.nodes import CardLine, NodesPane

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        names = {p["metadata"]["name"] for p in app.view.list("pods")}
        for width in range(20, 121):
            for item in nodes._items:
                if not isinstance(item, CardLine) or item.part != 2:
                    continue
                line = nodes.render_item(item, width).plain
                assert cell_len(line) <= width, (width, line)  # else the pane cuts it with an ellipsis
                for word in line.split():
                    assert word.lstrip("●◐◌✖✔").split("↻")[0] in names or word.startswith("+") \
                        or word in ("no", "pods"), (width, line)


async def test_projector_theme_draws_every_pane_edge_and_a_light_header(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.header import ClusterHeader
    from kubetui.ui.panes.workloads import WorkloadsPane

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        app.query_one(ApiPane).focus()
        await pilot.press("t")
        await pilot.pause()
        assert app.theme == "projector"
        pane = app.query_one(WorkloadsPane)  # not focused
        edge = pane.styles.border_top[1]
        background = pane.styles.background if pane.styles.background.a else app.screen.styles.background
        assert edge.a > 0 and abs(edge.brightness - background.brightness) > 0.3, (edge, background)
        header = app.query_one(ClusterHeader).styles.background
        assert header.brightness > 0.6, "green, cyan and yellow text read on a light bar"


async def test_details_events_are_on_the_virtual_clock_and_nodes_show_taints(app: KubetuiApp,
                                                                              cluster: Cluster) -> None:
    from rich.console import Group
    from rich.table import Table
    from textual.widgets import Static

    from kubetui.ui.format import clock_time
    from kubetui.ui.panes.nodes import NodesPane
    from kubetui.ui.panes.workloads import WorkloadsPane
    from kubetui.ui.screens.details import DetailsScreen

    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot, cluster)
        workloads = app.query_one(WorkloadsPane)
        workloads.focus()
        workloads.cursor = next(i for i, r in enumerate(workloads._items) if r.name == "crashloop")
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DetailsScreen)
        tables = [part for w in screen.query(Static) for part in getattr(w.content, "renderables", [w.content])
                  if isinstance(part, Table)]
        seen = [str(cell) for table in tables if table.columns[0].header == "LAST SEEN"
                for cell in table.columns[0]._cells]
        assert seen and all(" ago  " in cell for cell in seen), seen
        assert any(cell.endswith(clock_time(t)) for cell in seen for t in range(0, 91)), seen
        await pilot.press("escape")
        nodes = app.query_one(NodesPane)
        nodes.focus()
        nodes.cursor = 12  # node-4's card: tainted dedicated=gpu
        await pilot.press("enter")
        await pilot.pause()
        text = " ".join(str(cell) for w in app.screen.query(Static) if hasattr(w.content, "renderables")
                        for part in w.content.renderables if isinstance(part, Group)  # the describe grid
                        for table in part.renderables if isinstance(table, Table) for cell in table.columns[1].cells)
        assert "dedicated=gpu:NoSchedule" in text and "cpu=" in text, text


def test_cpu_figures_stay_short() -> None:
    from kubetui.ui.format import cpu_text

    # one unit (cores) for every figure: "450m/3.9" beside "0.4/3.9" read as two units
    assert [cpu_text(m) for m in (0, 5, 50, 125, 450, 500, 1000, 1050, 1250, 3900, 7900, 16000, 96500)] == \
        ["0", "0.005", "0.05", "0.125", "0.45", "0.5", "1", "1.05", "1.25", "3.9", "7.9", "16", "96.5"]


async def test_node_card_figures_are_never_cut(app: KubetuiApp, cluster: Cluster) -> None:
    from rich.cells import cell_len

    from kubetui.ui.panes.nodes import CardLine, NodesPane

    async with app.run_test(size=SIZE) as pilot:
        cluster.client("test").patch("deployments", "default", "web", {"spec": {"replicas": 8}})  # > 1 core
        await settle(pilot, cluster, 60)
        nodes = app.query_one(NodesPane)
        for width in range(34, 121):  # an 80-column terminal gives the card 35 cells
            for item in nodes._items:
                if isinstance(item, CardLine) and item.part == 1:
                    line = nodes.render_item(item, width).plain
                    assert cell_len(line) <= width and "Gi" in line, (width, line)


async def test_clock_keys_replace_their_toast_and_step_says_what_it_did(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        await pilot.press(*"]]]]")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert messages == ["speed 20x"], messages
        await pilot.press("s")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert len(messages) == 1 and messages[0].startswith("step: one engine event at ⏱ "), messages
        await pilot.press("l", "l")
        await pilot.pause()
        assert [n.message for n in app._notifications][-1] == "layout: scheduling"
        assert sum(n.message.startswith("layout") for n in app._notifications) == 1


async def test_keys_typed_right_after_slash_go_to_the_filter_not_to_the_pane(app: KubetuiApp,
                                                                              cluster: Cluster) -> None:
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        api = app.query_one(ApiPane)
        api.focus()
        await pilot.pause()
        # one terminal read: "/" and the text arrive together, before the loop turns
        for key, char in (("slash", "/"), ("n", "n"), ("o", "o"), ("d", "d"), ("e", "e")):
            event = events.Key(key, char)
            event.set_sender(app)
            app._driver.send_message(event)  # as Pilot.press does, without waiting for each key's answer
        await pilot.pause()
        await pilot.pause()
        assert api.filter_text == "node"
        assert not api.show_etcd, "e was typed into the filter, not taken as the etcd toggle"
        assert not any(n.get("spec", {}).get("unschedulable") for n in app.view.list("nodes")), "d drained a node"


async def test_the_node_and_pod_that_keys_act_on_stay_visible_from_other_panes(app: KubetuiApp,
                                                                                cluster: Cluster) -> None:
    from kubetui.ui.panes.nodes import NodesPane
    from kubetui.ui.panes.workloads import WorkloadsPane

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        nodes, workloads, api = app.query_one(NodesPane), app.query_one(WorkloadsPane), app.query_one(ApiPane)
        api.focus()
        await pilot.pause()
        assert nodes.cursor == 0 and nodes._selection(0) == 2, "k would kill node-1: its card shows it"
        assert workloads._selection(workloads.cursor) == 2
        assert api._selection(api.cursor) == 1
        blurred = nodes._strip(0, 40, 2)
        plain = nodes._strip(0, 40, 0)
        assert blurred.text == plain.text and list(blurred) != list(plain), "the same line, on a faint background"
        nodes.focus()
        await pilot.pause()
        assert nodes._selection(0) == 1 and api._selection(api.cursor) == 0, "a log's tail is not a selection"


async def test_selecting_a_pod_selects_its_node_card(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.panes.nodes import NodesPane
    from kubetui.ui.panes.workloads import WorkloadsPane

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        workloads, nodes = app.query_one(WorkloadsPane), app.query_one(NodesPane)
        workloads.focus()
        await pilot.pause()
        pods = [i for i, r in enumerate(workloads._items) if r.kind == "Pod" and r.name.startswith("db-")]
        for index in pods:
            workloads.cursor = index - 1
            await pilot.press("down")
            await pilot.pause()
            pod = workloads.object_of(workloads.selected)
            assert pod is not None
            assert nodes.selected_node == pod["spec"]["nodeName"] == app.selected_node()
            assert nodes._selection(nodes.cursor) == 2, "shown on the Nodes pane, faintly"


async def test_enter_on_a_log_line_opens_the_object_it_is_about(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.sim.trace import ApiRequest
    from kubetui.ui.panes.events import EventsPane
    from kubetui.ui.screens.details import DetailsScreen
    from kubetui.ui.view import KubeEvent

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        api = app.query_one(ApiPane)
        api.focus()
        api.cursor = next(i for i, r in enumerate(api._items)
                          if isinstance(r, ApiRequest) and r.resource == "pods" and r.name == "db-0")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen) and app.screen.obj["metadata"]["name"] == "db-0"
        await pilot.press("escape")
        api.cursor = next(i for i, r in enumerate(api._items) if r.resource == "namespaces")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, DetailsScreen), "namespaces are not watched: a toast says so"
        assert any(n.message.startswith("No details for this line") for n in app._notifications)
        events = app.query_one(EventsPane)
        events.focus()
        events.cursor = next(i for i, r in enumerate(events._items)
                             if isinstance(r, KubeEvent) and r.object == "pod/crashloop")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen) and app.screen.obj["metadata"]["name"] == "crashloop"


async def test_a_manifest_error_shows_over_a_zoomed_pane(tmp_path: Any) -> None:
    import shutil

    from kubetui.manifests.loader import ManifestFolder, node_specs_in
    from tests.ui.conftest import EXAMPLES

    folder = tmp_path / "m"
    shutil.copytree(EXAMPLES, folder)
    cluster = Cluster(seed=1, nodes=node_specs_in(folder))
    manifests = ManifestFolder(cluster, folder)
    manifests.sync()
    cluster.run_for(10)
    app = KubetuiApp(cluster, folder, start_driver=False)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(ApiPane).focus()
        await pilot.press("z")
        (folder / "70-broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n spec: {}\n")
        manifests.sync()
        banner = app.query_one("#errors")
        banner.refresh_errors()  # type: ignore[attr-defined]
        await pilot.pause()
        assert app.screen.maximized is not None
        assert banner.region.height > 0 and "70-broken.yaml" in str(banner.render())


async def test_yaml_colours_follow_the_theme(app: KubetuiApp, cluster: Cluster) -> None:
    from pygments.token import String
    from rich.syntax import Syntax
    from textual.widgets import Static

    from kubetui.ui.panes.workloads import WorkloadsPane
    from kubetui.ui.screens.details import DetailsScreen

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        await pilot.press("t")  # projector: light
        workloads = app.query_one(WorkloadsPane)
        workloads.focus()
        workloads.cursor = next(i for i, r in enumerate(workloads._items) if r.kind == "Pod")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen)
        syntax = next(w.content for w in app.screen.query(Static) if isinstance(w.content, Syntax))
        string = syntax._theme.get_style_for_token(String)
        assert string.color is None or string.color.triplet is None, "an ANSI colour the theme maps, not monokai's"
        assert syntax._theme.get_background_style().bgcolor is None


async def test_scaling_a_workload_at_the_foot_of_the_pane_brings_its_new_pods_into_view(
        app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.panes.workloads import WorkloadsPane

    async with app.run_test(size=SIZE) as pilot:
        cluster.client("kubectl").scale("deployments", "default", "hpa-demo", 9)  # as an autoscaler would
        await settle(pilot, cluster, 30)
        pane = app.query_one(WorkloadsPane)
        pane.focus()
        web = next(i for i, row in enumerate(pane._items) if row.kind == "Deployment" and row.name == "web")
        await pilot.press(*["down"] * web)
        assert pane.cursor == web and web >= pane.scrollable_content_region.height - 1  # at the foot before
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press("plus")
        await settle(pilot, cluster, 20)
        await pilot.pause(0.3)
        pods = [i for i, row in enumerate(pane._items) if row.kind == "Pod" and row.name.startswith("web-")]
        top, height = pane.scroll_offset.y, pane.scrollable_content_region.height
        assert len(pods) == 5 and all(top <= i < top + height for i in pods), (top, height, pods)
        assert top <= pane.cursor < top + height


async def test_plus_pressed_three_times_while_paused_scales_by_three(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.panes.workloads import WorkloadsPane

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster, 5)
        pane = app.query_one(WorkloadsPane)
        pane.focus()
        pane._move_to(next(i for i, r in enumerate(pane._items) if r.kind == "Deployment" and r.name == "web"))
        await pilot.press("space", "plus", "plus", "plus", "space")
        await settle(pilot, cluster, 2)
        assert (cluster.get("deployments", "default", "web") or {})["spec"]["replicas"] == 6  # 3 + 3, not 3 + 1


async def test_a_node_card_that_grows_keeps_a_cards_title_at_the_top(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.panes.nodes import NodesPane

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster, 5)
        nodes = app.query_one(NodesPane)
        nodes.focus()
        nodes.select_node("node-3")
        await pilot.press("k")
        for _ in range(8):  # the card grows: powered off, NotReady, its taints
            await settle(pilot, cluster, 10)
            await pilot.pause(0.1)
            nodes.select_node("node-3")
            top = nodes.scroll_offset.y
            assert top in nodes._card_starts(), (top, nodes._card_starts())
