"""A fault's line comes before its effects' in the trace (the events pane reads top-down: cause, then effects)."""

from __future__ import annotations

import pytest

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import Chaos, NodeActivity


def _running(cluster: Cluster) -> dict:
    return next(p for p in cluster.objects("pods", "default") if p["status"].get("phase") == "Running")


def _pod() -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "box"},
            "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}


@pytest.mark.parametrize("action", ["kill-node", "kill-container"])
def test_the_fault_comes_first(action: str) -> None:
    cluster = Cluster(seed=2, nodes=default_nodes(2), dns=False)
    cluster.client("kubectl").create("pods", _pod())
    cluster.run_for(20)
    pod = _running(cluster)
    start = len(cluster.trace.history)
    if action == "kill-node":
        cluster.chaos(action, node=pod["spec"]["nodeName"])
    else:
        cluster.chaos(action, namespace="default", pod="box", container="c")
    records = [r for r in list(cluster.trace.history)[start:] if isinstance(r, Chaos | NodeActivity)]
    assert isinstance(records[0], Chaos) and len(records) > 1, records


def test_a_fault_that_cannot_happen_leaves_no_line() -> None:
    cluster = Cluster(seed=2, nodes=default_nodes(1), dns=False)
    cluster.client("kubectl").create("pods", _pod())
    cluster.run_for(20)
    with pytest.raises(ValueError, match="no running container"):
        cluster.chaos("kill-container", namespace="default", pod="box", container="nope")
    assert not any(isinstance(r, Chaos) for r in cluster.trace.history)
