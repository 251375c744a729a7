"""At 100x30 (and 200x50) every label is whole: short forms and dropped columns, never a word cut in half."""

from __future__ import annotations

import re

from textual.widgets._footer import FooterKey

from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ApiRequest
from kubetui.ui.app import KubetuiApp
from kubetui.ui.format import assemble, client_name, fit, fit_middle, resource_name
from kubetui.ui.header import ClusterHeader
from kubetui.ui.panes.api import ApiPane
from kubetui.ui.panes.events import EventsPane
from kubetui.ui.panes.nodes import NodesPane
from kubetui.ui.panes.scheduler import SchedulerPane
from kubetui.ui.panes.workloads import WorkloadsPane
from tests.ui.pilot import NARROW, WIDE, settle

# "system…iserver": an ellipsis with letters on both sides is a word cut in the middle
MID_WORD_CUT = re.compile(r"\w…\w")


def test_client_and_resource_short_forms() -> None:
    assert client_name("kube-controller-manager", 14) == "kcm"
    assert client_name("kube-controller-manager", 24) == "kube-controller-manager"
    assert client_name("replicaset-controller", 14) == "kcm/replicaset"
    assert client_name("endpointslice-controller", 14) == "endpointslice"
    assert client_name("system:apiserver", 14) == "apiserver"
    assert client_name("kube-proxy/node-1", 14) == "proxy/node-1"
    assert client_name("kubelet/node-1", 14) == "kubelet/node-1"
    assert resource_name("deployments", "status", 14) == "deploy/status"
    assert resource_name("pods", "status", 14) == "pods/status"
    assert resource_name("namespaces", "", 14) == "namespaces"
    assert fit("web-5496f4f979-h4l25", 10) == "web-5496f…"


def test_assemble_drops_whole_parts_highest_first() -> None:
    parts = [("name", "", 0), (" 1/1", "", 2), (" Running", "", 0), (" node-3", "", 3)]
    assert assemble(parts, 100).plain == "name 1/1 Running node-3"
    assert assemble(parts, 20).plain == "name 1/1 Running"
    assert assemble(parts, 13).plain == "name Running"
    assert assemble(parts, 5).plain == "name Running"  # required parts stay; the pane cuts at the end


async def test_narrow_panes_cut_no_word_in_half(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        pods = [p["metadata"]["name"] for p in app.view.list("pods")]
        shortened = {fit_middle(name, width) for name in pods for width in range(8, len(name))}
        for pane_type in (ApiPane, SchedulerPane, EventsPane, WorkloadsPane, NodesPane):
            pane = app.query_one(pane_type)
            width = pane.scrollable_content_region.width
            assert 40 <= width < 60, f"{pane_type.__name__} is {width} wide at 100 columns"
            for item in pane._items:
                line = pane.render_item(item, width)
                line.truncate(width, overflow="ellipsis")
                for word in line.plain.split():  # only a pod's name may lose its middle, keeping its unique end
                    pod = word.partition("/")[0]  # pod/container on a node's line
                    assert not MID_WORD_CUT.search(word) or pod in shortened, f"{pane_type.__name__}: {line.plain!r}"
        api = app.query_one(ApiPane)
        width = api.scrollable_content_region.width
        lines = {r.who: api.render_item(r, width).plain for r in api._items if isinstance(r, ApiRequest)}
        assert lines["kube-controller-manager"].startswith("kcm ")
        assert lines["system:apiserver"].startswith("apiserver ")
        assert lines["replicaset-controller"].startswith("kcm/replicaset ")
        assert all(len(line) <= width and line.rstrip()[-3:].isdigit() for line in lines.values()), \
            "every request keeps its status code"


async def test_wide_api_pane_names_clients_in_full(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, cluster)
        api = app.query_one(ApiPane)
        width = api.scrollable_content_region.width
        lines = [api.render_item(r, width).plain for r in api._items if isinstance(r, ApiRequest)]
        assert any("kube-controller-manager" in line for line in lines)
        assert any("kube-system" in line for line in lines), "namespaces are shown when there is room"
        assert not [line for line in lines if MID_WORD_CUT.search(line)]


async def test_header_keeps_the_api_address(app: KubetuiApp, cluster: Cluster) -> None:
    for size in (NARROW, WIDE):
        async with app.run_test(size=size) as pilot:
            await settle(pilot, cluster)
            header = app.query_one(ClusterHeader)
            text = header.render_text(header.size.width)
            assert text.cell_len <= header.size.width
            assert "API http://127.0.0.1:6443" in text.plain
            assert "nodes 4/4" in text.plain
            if size == WIDE:
                assert "Running" in text.plain, "phase words when there is room"
            else:
                assert "●" in text.plain and "Running" not in text.plain, "phase glyphs at 100 columns"
        app = KubetuiApp(cluster, app.manifest_dir, start_driver=False, api_address="http://127.0.0.1:6443")


async def test_footer_fits(app: KubetuiApp, cluster: Cluster) -> None:
    for size in (NARROW, WIDE):
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            keys = list(app.query(FooterKey))
            shown = {key.description for key in keys}
            assert {"Quit", "Help", "Pause", "Kill node", "Kill container", "Filter", "Layout"} <= shown
            assert ("Drain" in shown) == (size == WIDE), "extra keys only where there is room"
            palette = next(key for key in keys if key.has_class("-command-palette"))
            assert palette.region.right <= size[0]
            for key in keys:  # every label whole: as wide as its text, and not under the palette key
                assert key.region.width >= len(key.key_display) + len(key.description)
                assert key is palette or key.region.right <= palette.region.x, key.description
        app = KubetuiApp(cluster, app.manifest_dir, start_driver=False, api_address="http://127.0.0.1:6443")


async def test_footer_fits_an_80_column_terminal(app: KubetuiApp, cluster: Cluster) -> None:
    """At 80 columns "Layout" ran under the palette key and its "u" showed past it; inside a tour too."""
    from kubetui.tours.model import find_tour

    walk = find_tour("node-failure")
    for candidate in (app, KubetuiApp(Cluster(seed=walk.seed), start_driver=False, tour=walk)):
        async with candidate.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            keys = list(candidate.query(FooterKey))
            assert {"Quit", "Help", "Kill node"} <= {key.description for key in keys}
            palette = next(key for key in keys if key.has_class("-command-palette"))
            assert palette.region.right <= 80
            for key in keys:
                assert key.region.width >= len(key.key_display) + len(key.description)
                assert key is palette or key.region.right <= palette.region.x, key.description


async def test_dead_node_card_keeps_heartbeat_and_taints(app: KubetuiApp, cluster: Cluster) -> None:
    cluster.chaos("kill-node", node="node-2")
    cluster.run_for(400)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        width = nodes.scrollable_content_region.width
        card = [nodes.render_item(item, width).plain for item in nodes._items if item.node == "node-2"]
        assert "POWERED OFF" in card[0] and "♥" in card[0] and len(card[0]) <= width
        assert "unreachable:NoSchedule,NoExecute" in card[3] or "unreachable:NoExecute,NoSchedule" in card[3]
        assert len(card) == 5 and card[4] == "", "the taints get a line of their own: the blank line stays"
