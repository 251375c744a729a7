"""The autoscaler in the panes: its row annotation and its describe, as a demo of load and scale shows them."""

from __future__ import annotations

import io
import re

from rich.console import Console

from kubetui.sim.cluster import Cluster
from kubetui.ui.format import hpa_targets
from kubetui.ui.screens.details import describe
from tests.controllers.test_hpa_controller import autoscaler
from tests.metrics.walkthrough import load_generator, php_apache


def _text(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=160, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined]


def test_targets_before_metrics_and_under_load() -> None:
    cluster = Cluster(seed=1)
    php_apache(cluster)
    cluster.client("kubectl").create("horizontalpodautoscalers", autoscaler())
    hpa = cluster.get("horizontalpodautoscalers", "default", "php-apache") or {}
    assert hpa_targets(hpa) == [("cpu ?/50%", "dim")]
    cluster.run_for(60)
    load_generator(cluster)
    cluster.run_for(32)
    hpa = cluster.get("horizontalpodautoscalers", "default", "php-apache") or {}
    (text, style), = hpa_targets(hpa)
    assert text.startswith("cpu ") and text.endswith("%/50%") and style == "bold red"


def test_describe_shows_reference_metrics_bounds_and_counts() -> None:
    cluster = Cluster(seed=1)
    php_apache(cluster)
    cluster.client("kubectl").create("horizontalpodautoscalers", autoscaler())
    cluster.run_for(60)
    hpa = cluster.get("horizontalpodautoscalers", "default", "php-apache") or {}
    shown = _text(describe(hpa))
    assert "Deployment/php-apache" in shown
    assert "resource cpu on pods  (as a percentage of request):" in shown and "  0% (1m) / 50%" in shown
    assert "Min replicas" in shown and "Max replicas" in shown and "10" in shown
    assert "1 current / 1 desired" in shown
    assert "ValidMetricFound" in shown  # its conditions, as for any object


def test_every_nodes_identical_rules_sync_is_one_line() -> None:
    """An endpoint change made four `rules synced` lines, one per node, which pushed the HPA's lines out of view."""
    from kubetui.sim.trace import NodeActivity
    from kubetui.ui.panes.events import EventsPane
    from kubetui.ui.view import ClusterView

    cluster = Cluster(seed=1)
    view = ClusterView(cluster)
    php_apache(cluster, replicas=2)
    cluster.run_for(30)
    synced = [a for a in view.activity if isinstance(a, NodeActivity) and a.what == "rules synced"]
    assert synced and all(len(a.node.split(",")) == len(cluster.machines) for a in synced)
    line = EventsPane(view).render_item(synced[-1], 120).plain
    assert f"kube-proxy on {len(cluster.machines)} nodes rules synced" in line
    view.close()


def test_held_shows_only_while_a_scale_down_waits() -> None:
    """Idle at minReplicas, Go says ScaleDownStabilized too; the row says ↓held only where pods wait to go."""
    from kubetui.ui.panes.workloads import WorkloadsPane
    from kubetui.ui.view import ClusterView

    cluster = Cluster(seed=1)
    view = ClusterView(cluster)
    php_apache(cluster)
    cluster.client("kubectl").create("horizontalpodautoscalers", autoscaler())
    pane = WorkloadsPane(view)

    def row() -> str:
        items = pane.items()
        deployment = next(r for r in items if r.kind == "Deployment")
        return pane.render_item(deployment, 120).plain

    cluster.run_for(60)
    assert "hpa 1-10 cpu 0%/50%" in row() and "held" not in row()
    load_generator(cluster)
    assert cluster.run_until(lambda: (cluster.get("deployments", "default", "php-apache") or {})["spec"]["replicas"]
                             >= 5, timeout=120)
    cluster.client("kubectl").delete("pods", "default", "load-generator", 0)
    cluster.run_for(60)
    assert "↓held" in row()
    deployment = next(r for r in pane.items() if r.kind == "Deployment")
    rows = [pane.render_item(deployment, width).plain for width in range(60, 100)]
    assert any(text.endswith(" ↓") for text in rows)  # short of room: the arrow alone, never a cut "↓h…"
    assert not any("↓h…" in text or "↓he…" in text or "↓hel…" in text for text in rows)
    view.close()


def test_node_cards_say_what_each_node_uses() -> None:
    """The bars are requests (what the scheduler counts); under load the title says what metrics-server measured,
    so an audience watching an autoscaler sees the load, not only the replicas' requests."""
    from kubetui.ui.panes.nodes import TITLE, NodesPane
    from kubetui.ui.view import ClusterView

    cluster = Cluster(seed=1)
    view = ClusterView(cluster)
    php_apache(cluster)
    cluster.run_for(40)
    pane = NodesPane(view)
    pod = next(p for p in cluster.objects("pods", "default", "run=php-apache"))
    node = pod["spec"]["nodeName"]

    def title() -> str:
        item = next(i for i in pane.items() if i.node == node and i.part == TITLE)
        return pane.render_item(item, 100).plain

    idle = title()
    assert re.search(r"cpu 0\.04\d? used", idle), idle  # the machine itself (40m), and an idle pod
    load_generator(cluster)
    cluster.run_for(45)
    assert "cpu 0.5" in title(), title()  # php-apache at its 500m limit, and the machine's own 40m
    view.close()


def test_the_api_panes_count_never_falls_while_requests_arrive() -> None:
    """etcd's writes have a log of their own: sharing one, they pushed the API requests out and the count fell."""
    from kubetui.ui.panes.api import ApiPane
    from kubetui.ui.view import ClusterView

    cluster = Cluster(seed=1)
    view = ClusterView(cluster, history=200)
    pane = ApiPane(view)
    counts = []
    for _ in range(30):
        cluster.run_for(2)
        counts.append(len(pane.items()))
    assert counts == sorted(counts) and counts[-1] == 200, counts
    pane.show_etcd = True  # what e shows (toggle_etcd, in the app)
    merged = pane.items()
    assert any(type(r).__name__ == "EtcdWrite" for r in merged)
    assert [r.seq for r in merged] == sorted(r.seq for r in merged)
    view.close()
