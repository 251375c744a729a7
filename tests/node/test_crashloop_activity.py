"""A crash loop tells the activity pane each back-off once per crash, not at every sync that waits it out."""

from __future__ import annotations

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import NodeActivity


def test_one_back_off_line_per_crash() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(1), dns=False)
    cluster.client("kubectl").create("pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crash"},
        "spec": {"containers": [{"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "exit 1"]}]}})
    cluster.run_for(600)
    records = [r for r in cluster.trace.history if isinstance(r, NodeActivity) and r.pod == "default/crash"]
    exits = sum(1 for r in records if r.what == "exited")
    backoffs = sum(1 for r in records if r.what == "back-off")
    assert exits >= 5 and backoffs in (exits - 1, exits), (exits, backoffs)
    events = [e for e in cluster.objects("events", "default") if e["reason"] == "BackOff"]
    assert events and events[0]["count"] > backoffs, "the Event still counts every sync that waited"
