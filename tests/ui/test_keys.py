"""Every key does what it says, visibly: Pilot drives the app over a deterministic cluster."""

from __future__ import annotations

from kubetui.sim.cluster import Cluster
from kubetui.ui.app import KubetuiApp
from kubetui.ui.panes.api import ApiPane
from kubetui.ui.panes.events import EventsPane
from kubetui.ui.panes.nodes import NodesPane
from kubetui.ui.panes.scheduler import SchedulerPane
from kubetui.ui.panes.workloads import Row, WorkloadsPane
from kubetui.ui.screens.decision import DecisionScreen
from kubetui.ui.screens.details import DetailsScreen
from kubetui.ui.screens.help import HelpScreen
from tests.ui.pilot import settle

SIZE = (120, 36)


def select_workload(app: KubetuiApp, kind: str, name_prefix: str) -> Row:
    pane = app.query_one(WorkloadsPane)
    pane.focus()
    for index, row in enumerate(pane._items):
        if row.kind == kind and row.name.startswith(name_prefix):
            pane.cursor = index
            return row
    raise AssertionError(f"no {kind} {name_prefix} in {pane._items}")


async def test_panes_show_the_cluster(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        nodes = app.query_one(NodesPane)
        assert {item.node for item in nodes._items} == {"node-1", "node-2", "node-3", "node-4"}
        workloads = app.query_one(WorkloadsPane)
        assert any(r.kind == "Deployment" and r.name == "web" for r in workloads._items)
        assert any(r.kind == "ReplicaSet" and r.name.startswith("web-") for r in workloads._items)
        assert app.query_one(ApiPane)._items, "API requests are listed"
        decisions = app.query_one(SchedulerPane)._items
        assert any(d.pod == "default/too-big" and not d.node for d in decisions)
        assert app.query_one(EventsPane)._items


async def test_kill_and_revive_node(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        nodes = app.query_one(NodesPane)
        nodes.focus()
        await settle(pilot, cluster)
        nodes.cursor = 0
        await pilot.press("k")
        assert cluster.machines["node-1"].state == "Dead"
        await settle(pilot, cluster, 60)
        title = nodes.render_item(nodes._items[0], 100).plain
        assert "POWERED OFF" in title and "Unknown" in title
        await pilot.press("r")
        assert cluster.machines["node-1"].state == "Running"


async def test_partition_and_heal(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        nodes = app.query_one(NodesPane)
        nodes.focus()
        nodes.cursor = 4  # node-2's card
        await pilot.press("p")
        assert cluster.machines["node-2"].state == "Partitioned"
        await pilot.press("p")
        assert cluster.machines["node-2"].state == "Running"


async def test_cordon_and_drain(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        nodes = app.query_one(NodesPane)
        nodes.focus()
        nodes.cursor = 0
        await pilot.press("c")
        await settle(pilot, cluster, 1)
        assert cluster.get("nodes", "", "node-1")["spec"]["unschedulable"] is True  # type: ignore[index]
        await pilot.press("c")
        await settle(pilot, cluster, 1)
        assert not cluster.get("nodes", "", "node-1")["spec"].get("unschedulable")  # type: ignore[index]
        before = {p["metadata"]["name"] for p in app.view.pods_on("node-1")}
        assert "crashloop" in before  # a bare pod: kubectl drain (no --force) refuses and evicts nothing
        await pilot.press("d")
        await settle(pilot, cluster, 10)
        assert cluster.get("nodes", "", "node-1")["spec"]["unschedulable"] is True  # type: ignore[index]
        assert [n.message for n in app._notifications][-1] == (
            "node/node-1 cordoned; unable to drain: cannot delete Pods that declare no controller (use --force to "
            "override): default/crashloop")
        assert {p["metadata"]["name"] for p in app.view.pods_on("node-1")} >= before - {"crashloop"}
        cluster.client("kubectl").delete("pods", "default", "crashloop")
        await settle(pilot, cluster, 40)
        await pilot.press("d")
        await settle(pilot, cluster, 60)
        left = [p for p in cluster.objects("pods") if p["spec"].get("nodeName") == "node-1"
                and not any(r["kind"] == "DaemonSet" for r in p["metadata"].get("ownerReferences", []))]
        assert left == []


async def test_scale_with_plus_and_minus(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        select_workload(app, "Deployment", "web")
        await pilot.press("plus")
        assert cluster.get("deployments", "default", "web")["spec"]["replicas"] == 4  # type: ignore[index]
        await pilot.press("minus", "minus")
        assert cluster.get("deployments", "default", "web")["spec"]["replicas"] == 2  # type: ignore[index]


async def test_kill_container_and_delete_pod(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        row = select_workload(app, "Pod", "db-0")
        await pilot.press("x")
        await settle(pilot, cluster, 30)
        pod = cluster.get("pods", "default", row.name)
        assert pod is not None and pod["status"]["containerStatuses"][0]["restartCount"] >= 1
        row = select_workload(app, "Pod", "crashloop")
        await pilot.press("delete")
        await settle(pilot, cluster, 1)
        assert cluster.get("pods", "default", "crashloop") is None


async def test_pause_step_and_speed(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        assert app.driver.paused
        before = cluster.clock.events_run
        await pilot.press("s")
        assert cluster.clock.events_run == before + 1
        await pilot.press("space")
        assert not app.driver.paused
        await pilot.press("right_square_bracket")
        assert app.driver.speed == 2.0
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert app.driver.speed == 0.5


async def test_details_decision_and_help_screens(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        select_workload(app, "Pod", "too-big")
        await pilot.press("enter")
        assert isinstance(app.screen, DetailsScreen)
        await pilot.press("escape")
        scheduler = app.query_one(SchedulerPane)
        scheduler.focus()
        scheduler.cursor = 0
        await pilot.press("enter")
        assert isinstance(app.screen, DecisionScreen)
        await pilot.press("escape")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")


async def test_filter_etcd_layout_theme_zoom(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        api = app.query_one(ApiPane)
        api.focus()
        await pilot.press("slash")
        await pilot.press(*"kubelet/node-2", "enter")
        assert api.filter_text == "kubelet/node-2"
        assert api._items and all(r.who == "kubelet/node-2" for r in api._items)
        await pilot.press("e")
        assert api.show_etcd
        await pilot.press("l")
        assert app.has_class("-presenter")
        await pilot.press("t")
        assert app.theme == "projector"
        api.focus()
        await pilot.press("z")
        assert app.screen.maximized is api
        await pilot.press("z")
        assert app.screen.maximized is None


async def test_traffic_key_sends_requests_through_kube_proxy(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.sim.trace import NodeActivity

    requests: list[NodeActivity] = []
    cluster.trace.subscribe(
        lambda r: requests.append(r) if isinstance(r, NodeActivity) and r.what == "request" else None
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        select_workload(app, "Deployment", "web")
        await pilot.press("g")
        await pilot.pause()
        assert len(requests) == 10 and all(r.component == "kube-proxy" for r in requests)
        assert {r.pod.rpartition("/")[2].rsplit("-", 2)[0] for r in requests} == {"web"}
        select_workload(app, "Pod", "crashloop")  # no Service selects it
        await pilot.press("g")
        await pilot.pause()
        assert len(requests) == 10



async def test_load_key_starts_and_stops_a_load_generator_pod(app: KubetuiApp, cluster: Cluster) -> None:
    """G creates the walkthrough's busybox wget loop aimed at the selected workload's Service; G again deletes it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, cluster)
        select_workload(app, "Deployment", "web")
        await pilot.press("G")
        await settle(pilot, cluster, 1)
        pod = app.view.get("pods", "default", "load-generator-web")
        assert pod is not None
        assert pod["spec"]["containers"][0]["args"][-1] == "while sleep 0.01; do wget -q -O- http://web; done"
        assert pod["metadata"]["labels"]["run"] == "load-generator"
        select_workload(app, "Deployment", "web")
        await pilot.press("G")
        await settle(pilot, cluster, 1)
        assert app.view.get("pods", "default", "load-generator-web") is None
        select_workload(app, "Pod", "crashloop")  # no Service selects it
        await pilot.press("G")
        await pilot.pause()
        assert "No Service selects" in [n.message for n in app._notifications][-1]


async def test_q_quits_only_when_pressed_twice(app: KubetuiApp, cluster: Cluster) -> None:
    """One stray q on a live demo shows a toast; a second q within three seconds quits."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        assert [n.message for n in app._notifications][-1].startswith("Press q again to quit")
        app._quit_armed_until -= 10  # the first press has expired
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        assert sum(n.message.startswith("Press q again") for n in app._notifications) == 1
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
