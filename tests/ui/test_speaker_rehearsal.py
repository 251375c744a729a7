"""Findings from a speaker's rehearsal with storage, revisions and rollouts, each pinned by a test."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static

from kubetui.sim.cluster import Cluster
from kubetui.ui.app import KubetuiApp
from kubetui.ui.format import fit_error, fit_error_forms
from kubetui.ui.panes.events import EventsPane
from kubetui.ui.panes.scheduler import SchedulerPane
from tests.ui.conftest import EXAMPLES, example_cluster
from tests.ui.pilot import NARROW, WIDE, settle

TAINTS = ("0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) had untolerated "
          "taint {node.kubernetes.io/unreachable: }, 2 node(s) had volume node affinity conflict. preemption: 0/4 "
          "nodes are available: 4 Preemption is not helpful for scheduling.")


def stranded_db_0() -> Cluster:
    """db-0's node powered off and db-0 deleted: its claim's volume lives on that node, it stays Pending."""
    cluster = example_cluster()
    pod = cluster.client("test").get("pods", "default", "db-0")
    node = pod["spec"]["nodeName"]
    cluster.inputs.submit("chaos", action="kill-node", node=node)
    cluster.run_for(60)
    cluster.client("test").delete("pods", "default", "db-0", grace_period_seconds=0)  # --force
    cluster.run_for(30)
    return cluster


def test_fit_error_keeps_every_reason_most_nodes_first() -> None:
    forms = fit_error_forms(TAINTS, {"VolumeBinding": 2, "TaintToleration": 2})
    assert forms[0] == TAINTS  # the exact message where there is room for it
    assert all("volume" in form or "VolumeBinding" in form for form in forms)
    assert forms[-1] == "0/4: 2 taint, 2 volume affinity"
    assert fit_error(TAINTS, 70) == "0/4 nodes: 2 untolerated taint, 2 volume node affinity conflict"
    assert fit_error(TAINTS, 150).startswith("0/4 nodes are available: 2 volume node affinity conflict, 1 untol")
    assert fit_error(TAINTS, 50, {"VolumeBinding": 2, "TaintToleration": 2}) == \
        "0/4 nodes: TaintToleration 2, VolumeBinding 2"
    assert fit_error("something else", 5) == "something else"



def test_fit_error_names_the_plugin_that_narrowed_the_nodes() -> None:
    """A bound local volume narrows the nodes at PreFilter: the others "didn't satisfy plugin(s) [VolumeBinding]"."""
    message = ("0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, "
               "3 node(s) didn't satisfy plugin(s) [VolumeBinding]. preemption: 0/4 nodes are available: "
               "4 Preemption is not helpful for scheduling.")
    assert fit_error(message, 70) == "0/4 nodes: 3 ruled out by VolumeBinding, 1 untolerated taint"
    assert fit_error_forms(message)[-1] == "0/4: 3 VolumeBinding, 1 taint"


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_failed_scheduling_rows_show_the_storage_reason(size: tuple[int, int]) -> None:
    cluster = stranded_db_0()
    app = KubetuiApp(cluster, EXAMPLES, start_driver=False, api_address="http://127.0.0.1:6443")
    async with app.run_test(size=size) as pilot:
        await settle(pilot, cluster)
        pane = app.query_one(SchedulerPane)
        width = pane.scrollable_content_region.width
        rows = [pane.render_item(d, width).plain for d in pane._items if d.pod == "default/db-0" and not d.node]
        assert rows, "db-0 is Pending"
        assert "volume" in rows[-1] or "VolumeBinding" in rows[-1], rows[-1]
        print(rows[-1])
        assert not rows[-1].endswith("…") and len(rows[-1]) <= width, (width, rows[-1])
        events = app.query_one(EventsPane)
        width = events.scrollable_content_region.width
        lines = [events.render_item(e, width).plain for e in events._items
                 if getattr(e, "reason", "") == "FailedScheduling" and e.object == "pod/db-0"]
        assert lines and "VolumeBinding" in lines[-1] and len(lines[-1]) <= width, (width, lines[-1])
        print(lines[-1])
        # the filter and the details still have Kubernetes' exact words
        assert "node(s) didn't satisfy plugin(s) [VolumeBinding]" in events.item_text(
            next(e for e in events._items if getattr(e, "object", "") == "pod/db-0"
                 and getattr(e, "reason", "") == "FailedScheduling"))




async def test_pod_details_list_its_volumes_as_kubectl_describe_does(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.panes.workloads import WorkloadsPane
    from kubetui.ui.screens.details import DetailsScreen

    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, cluster)
        pane = app.query_one(WorkloadsPane)
        pane.focus()
        pane.cursor = next(i for i, r in enumerate(pane._items) if r.kind == "Pod" and r.name == "db-0")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen)
        text = _screen_text(app)
        assert "Volumes: data: Type: PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same " \
               "namespace) ClaimName: data-db-0 ReadOnly: false" in text, text


def _screen_text(app: KubetuiApp) -> str:
    """The plain text of the screen's Static widgets, every tab's (spaces squeezed)."""
    console = Console(width=190, record=True, color_system=None, file=io.StringIO())
    for static in app.screen.query(Static):
        console.print(static.content)
    return " ".join(console.export_text().split())


async def test_decision_says_where_the_pods_claims_are(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.screens.decision import DecisionScreen

    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, cluster)
        pane = app.query_one(SchedulerPane)
        pane.focus()
        pane.cursor = next(i for i, d in enumerate(pane._items) if d.pod == "default/db-0")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen)
        pv = cluster.client("test").get("persistentvolumeclaims", "default", "data-db-0")["spec"]["volumeName"]
        node = cluster.client("test").get("pods", "default", "db-0")["spec"]["nodeName"]
        assert f"Claim: data-db-0 Bound → {pv[:12]}… ({node})" in _screen_text(app)


def test_claims_of_a_pod_say_a_pending_claim_waits_for_its_first_consumer() -> None:
    from kubetui.ui.view import ClusterView

    cluster = example_cluster(1)
    view = ClusterView(cluster)
    cluster.client("test").create("persistentvolumeclaims", {
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "scratch", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}})
    cluster.run_for(5)
    claims = view.claims_of("default", {"volumes": [
        {"name": "a", "persistentVolumeClaim": {"claimName": "scratch"}}, {"name": "b", "emptyDir": {}},
        {"name": "c", "persistentVolumeClaim": {"claimName": "nope"}}]})
    assert [c.summary() for c in claims] == ["scratch Pending, WaitForFirstConsumer", "nope not found"]
    view.close()


async def test_statefulset_row_counts_the_claims_a_scale_down_kept(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.panes.workloads import WorkloadsPane

    async with app.run_test(size=NARROW) as pilot:
        cluster.client("test").scale("statefulsets", "default", "db", 1)
        await settle(pilot, cluster, 60)
        pane = app.query_one(WorkloadsPane)
        row = next(r for r in pane._items if r.kind == "StatefulSet")
        line = pane.render_item(row, pane.scrollable_content_region.width).plain
        assert "1/1 pvc Bound (+2 retained)" in line, line


def _row_line(app: KubetuiApp, kind: str, name: str) -> str:
    from kubetui.ui.panes.workloads import WorkloadsPane

    pane = app.query_one(WorkloadsPane)
    row = next(r for r in pane._items if r.kind == kind and r.name == name)
    return pane.render_item(row, pane.scrollable_content_region.width).plain


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_a_staged_statefulset_rollout_shows_in_the_workloads_tree(size: tuple[int, int]) -> None:
    cluster = example_cluster()
    app = KubetuiApp(cluster, EXAMPLES, start_driver=False, api_address="http://127.0.0.1:6443")
    client = cluster.client("test")
    async with app.run_test(size=size) as pilot:
        client.patch("statefulsets", "default", "db", {"spec": {
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 2}},
            "template": {"spec": {"containers": [{"name": "redis", "image": "redis:7.2"}]}}}})
        await settle(pilot, cluster, 60)
        line = _row_line(app, "StatefulSet", "db")
        assert "1/3 updated" in line and "partition 2" in line, line
        db2, db0 = _row_line(app, "Pod", "db-2"), _row_line(app, "Pod", "db-0")
        if size == WIDE:
            assert db2.endswith("redis:7.2") and db0.endswith("redis:7.4"), (db2, db0)
            assert "redis:7.2" in line
        # Enter on the set: kubectl's describe, following the object while it is open
        from kubetui.ui.panes.workloads import WorkloadsPane
        from kubetui.ui.screens.details import DetailsScreen

        pane = app.query_one(WorkloadsPane)
        pane.focus()
        pane.cursor = next(i for i, r in enumerate(pane._items) if r.kind == "StatefulSet")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailsScreen)
        text = _screen_text(app)
        for expected in ("Replicas: 3 desired | 3 total", "Update Strategy: RollingUpdate", "Partition: 2",
                         "Pods Status: 3 Running / 0 Waiting / 0 Succeeded / 0 Failed",
                         "Volume Claims: Name: data StorageClass: Labels: <none> Annotations: <none> "
                         "Capacity: 1Gi Access Modes: [ReadWriteOnce]"):
            assert expected in text, (expected, text)
        client.scale("statefulsets", "default", "db", 5)
        cluster.run_for(1)
        app.screen.refresh_object()
        await pilot.pause()
        assert "Replicas: 5 desired" in _screen_text(app)


async def test_daemonset_row_shows_its_image(app: KubetuiApp, cluster: Cluster) -> None:
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, cluster)
        assert _row_line(app, "DaemonSet", "node-agent").endswith("busybox:1.36")


@pytest.mark.parametrize("width", [46, 96])
def test_reconcile_lines_keep_kind_and_name_readable_and_cut_the_verbose_tail(width: int) -> None:
    from kubetui.sim.trace import Reconcile
    from kubetui.ui.view import ClusterView

    cluster = example_cluster(30)
    pane = EventsPane(ClusterView(cluster))
    lines = {(r.controller, r.object, r.action[:12]): pane.render_item(r, width).plain
             for r in cluster.trace.history if isinstance(r, Reconcile)}

    def line(controller: str, obj: str, action: str) -> str:
        return next(text for (c, o, a), text in lines.items() if c == controller and o == obj and a == action[:12])

    db = "StatefulSet default/db " if width > 80 else "StatefulSet db "
    assert db + "record revision 1" in line("statefulset-controller", "StatefulSet default/db", "record revision")
    claim = "pvc default/data-db-0 " if width > 80 else "pvc data-db-0 "
    assert claim + "set storage-" in line("persistentvolume-controller", "PersistentVolumeClaim default/data-db-0",
                                          "set storage-provisioner annotation")
    web = "Service default/web " if width > 80 else "Service web "
    assert web + "+1/-0 endpoints" in line("endpointslice-controller", "Service default/web", "+1/-0 endpoints")
    volume = next(text for (c, o, a), text in lines.items() if o.startswith("PersistentVolume pvc-"))
    assert volume.endswith("phase Bound") and re.search(r"pv pvc-[0-9a-f]{8}-", volume), volume
    # the action is cut to the pane with an ellipsis (a 29-character controller name is left to the pane's edge)
    assert all(len(text) <= width for (c, _, _), text in lines.items() if c != "root-ca-certificate-publisher")


def _toasts(app: KubetuiApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_node_keys_say_when_the_machine_is_not_in_a_state_for_them(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.panes.nodes import NodesPane

    async with app.run_test(size=NARROW) as pilot:
        cluster.client("test").scale("deployments", "default", "web", 6)  # two web pods a node
        await settle(pilot, cluster, 30)
        nodes = app.query_one(NodesPane)
        nodes.focus()
        nodes.select_node("node-2")
        await pilot.press("r")
        await pilot.pause()
        assert "node-2 is not powered off: nothing to revive (k powers it off, p cuts its network)" in _toasts(app)
        await pilot.press("k")
        await pilot.pause()
        assert cluster.machines["node-2"].state == "Dead"
        await pilot.press("k")
        await pilot.press("p")
        await pilot.pause()
        assert "node-2 is already powered off (r powers it on)" in _toasts(app) or \
            "node-2 is powered off: no network to cut (r powers it on)" in _toasts(app)
        assert cluster.machines["node-2"].state == "Dead"
        await pilot.press("r")
        assert cluster.machines["node-2"].state == "Running"
        await pilot.press("p")
        await pilot.press("r")
        await pilot.pause()
        assert cluster.machines["node-2"].state == "Running" and "node-2: network healed" in _toasts(app)


async def test_plus_and_minus_scale_every_workload_with_a_scale_subresource(tmp_path: Any) -> None:
    from kubetui.ui.panes.workloads import WorkloadsPane

    cluster, folder = _with_rc_and_ingress(tmp_path)
    app = KubetuiApp(cluster, folder, start_driver=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, cluster)
        pane = app.query_one(WorkloadsPane)
        pane.focus()

        async def press_on(kind: str, name: str, key: str) -> None:
            await settle(pilot, cluster, 1)
            pane.cursor = next(i for i, r in enumerate(pane._items) if r.kind == kind and r.name == name)
            await pilot.press(key)
            await pilot.pause()

        await press_on("StatefulSet", "db", "plus")
        assert cluster.get("statefulsets", "default", "db")["spec"]["replicas"] == 4  # type: ignore[index]
        await press_on("Pod", "db-0", "minus")  # a pod scales its owner
        assert cluster.get("statefulsets", "default", "db")["spec"]["replicas"] == 3  # type: ignore[index]
        await press_on("ReplicationController", "legacy", "plus")
        assert cluster.get("replicationcontrollers", "default", "legacy")["spec"]["replicas"] == 3  # type: ignore
        rs = next(r for r in pane._items if r.kind == "ReplicaSet" and r.name.startswith("web-"))
        await press_on("ReplicaSet", rs.name, "plus")  # a Deployment's ReplicaSet: the Deployment scales
        assert cluster.get("deployments", "default", "web")["spec"]["replicas"] == 4  # type: ignore[index]
        await press_on("DaemonSet", "node-agent", "plus")
        assert any("one pod per eligible node" in t for t in _toasts(app))
        assert not any(t.startswith("Select a Deployment first") for t in _toasts(app))


def _with_rc_and_ingress(tmp_path: Any) -> tuple[Cluster, Any]:
    import shutil

    from kubetui.manifests.loader import ManifestFolder, node_specs_in

    folder = tmp_path / "m"
    shutil.copytree(EXAMPLES, folder)
    (folder / "70-rc-ingress.yaml").write_text(RC_INGRESS)
    cluster = Cluster(seed=1, nodes=node_specs_in(folder))
    ManifestFolder(cluster, folder).sync()
    cluster.run_for(30)
    return cluster, folder


RC_INGRESS = """\
apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  replicas: 2
  selector:
    app: legacy
  template:
    metadata:
      labels:
        app: legacy
    spec:
      containers:
        - name: app
          image: nginx:1.27
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
"""


async def test_enter_on_an_applied_manifest_line_opens_its_object(tmp_path: Any) -> None:
    from kubetui.sim.trace import ManifestStatus
    from kubetui.ui.screens.details import DetailsScreen

    cluster, folder = _with_rc_and_ingress(tmp_path)
    app = KubetuiApp(cluster, folder, start_driver=False)
    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, cluster)
        events = app.query_one(EventsPane)
        events.focus()
        for ref, name in (("ingress.networking.k8s.io/shop", "shop"), ("statefulset.apps/db", "db")):
            events.cursor = next(i for i, r in enumerate(events._items)
                                 if isinstance(r, ManifestStatus) and r.message.startswith(ref))
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DetailsScreen), _toasts(app)
            assert app.screen.obj["metadata"]["name"] == name
            await pilot.press("escape")
            await pilot.pause()


@pytest.mark.parametrize("size", [NARROW, WIDE])
async def test_repeated_identical_failures_collapse_into_one_row_with_a_count(size: tuple[int, int]) -> None:
    from kubetui.ui.screens.decision import DecisionScreen

    cluster = example_cluster()
    app = KubetuiApp(cluster, EXAMPLES, start_driver=False, api_address="http://127.0.0.1:6443")
    async with app.run_test(size=size) as pilot:
        client = cluster.client("test")
        for replicas in (4, 3, 4, 3):  # cluster events: the scheduler retries too-big after each
            client.scale("deployments", "default", "web", replicas)
            await settle(pilot, cluster, 10)
        attempts = [d for d in app.view.decisions if d.pod == "default/too-big"]
        assert len(attempts) >= 3, "too-big was retried"
        pane = app.query_one(SchedulerPane)
        rows = [d for d in pane._items if d.pod == "default/too-big"]
        assert len(rows) == 1 and rows[0].count == len(attempts)
        assert pane._items[-1] is rows[0] or pane._items.index(rows[0]) > len(pane._items) - 10
        line = pane.render_item(rows[0], pane.scrollable_content_region.width).plain
        assert f"too-big ×{len(attempts)} Pending: 0/4" in line, line
        pane.focus()
        pane.cursor = pane._items.index(rows[0])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DecisionScreen) and app.screen.decision is attempts[-1]


async def test_an_event_seen_again_is_one_line_with_its_count(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.view import KubeEvent

    async with app.run_test(size=WIDE) as pilot:
        await settle(pilot, cluster, 60)
        repeated = [e for e in app.view.list("events") if int(e.get("count") or 1) > 2]
        assert repeated, "the example has a repeated Event (the crashloop's BackOff)"
        pane = app.query_one(EventsPane)
        for event in repeated:
            key = f"{event['metadata']['namespace']}/{event['metadata']['name']}"
            lines = [i for i in pane._items if isinstance(i, KubeEvent) and i.key == key]
            assert len(lines) == 1 and lines[0].count == event["count"], lines
        line = pane.render_item(lines[0], pane.scrollable_content_region.width).plain
        assert line.endswith(f"(x{lines[0].count})"), line


def test_paused_header_keeps_the_api_address_at_100_columns() -> None:
    from types import SimpleNamespace

    from kubetui.ui.header import ClusterHeader
    from kubetui.ui.view import ClusterView

    cluster = example_cluster(90)
    view = ClusterView(cluster)
    cluster.inputs.submit("chaos", action="kill-node", node="node-1")
    cluster.run_for(400)  # its pods Terminating: the longest pod tally
    header = ClusterHeader(view, SimpleNamespace(paused=True, speed=1.0), "http://127.0.0.1:6604",  # type: ignore
                           "/tmp/kc")
    for width in (98, 198):
        text = header.render_text(width).plain
        assert len(text) <= width and text.endswith(("API 127.0.0.1:6604", "API http://127.0.0.1:6604")), text
        assert "⏸" in text
    faster = ClusterHeader(view, SimpleNamespace(paused=True, speed=4.0), "http://127.0.0.1:6604",  # type: ignore
                           "/tmp/kc")
    assert " ⏸ PAUSED  4x " in faster.render_text(198).plain  # ] while paused: the speed it will resume at
    view.close()


async def test_node_cards_at_100_columns_show_the_statefulset_pods(app: KubetuiApp, cluster: Cluster) -> None:
    from kubetui.ui.panes.nodes import CardLine, NodesPane

    async with app.run_test(size=NARROW) as pilot:
        cluster.client("test").scale("deployments", "default", "web", 6)  # two web pods a node
        await settle(pilot, cluster, 30)
        nodes = app.query_one(NodesPane)
        width = nodes.scrollable_content_region.width
        lines = " ".join(nodes.render_item(i, width).plain for i in nodes._items
                         if isinstance(i, CardLine) and i.part == 2)
        for db in ("db-0", "db-1", "db-2"):
            assert db in lines, lines
