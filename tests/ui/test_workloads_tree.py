"""The Workloads pane draws a tree: a ReplicaSet's pods hang from it, under a rule from its Deployment."""

from __future__ import annotations

from typing import Any

from kubetui.sim.cluster import Cluster
from kubetui.ui.panes.workloads import WorkloadsPane
from kubetui.ui.view import ClusterView


def _deployment(image: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {"metadata": {"labels": {"app": "web"}},
                         "spec": {"containers": [{"name": "nginx", "image": image}]}},
        },
    }


def test_pods_of_the_newer_replicaset_keep_the_deployments_rule() -> None:
    cluster = Cluster(seed=1)
    client = cluster.client("kubectl")
    client.apply(_deployment("nginx:1.27"), "deployments", "kubectl")
    cluster.run_for(30)
    client.apply(_deployment("nginx:1.28"), "deployments", "kubectl")
    cluster.run_for(1)  # mid-rollout: both ReplicaSets have pods
    view = ClusterView(cluster)
    cluster.run_for(0.1)
    pane = WorkloadsPane(view)
    lines = [pane.render_item(row, 100).plain for row in pane.items() if row.namespace == "default"]
    sets = [i for i, line in enumerate(lines) if line.lstrip("├└─ ").startswith("rs/")]
    assert len(sets) == 2, lines
    first, second = sets
    assert second > first + 1, lines  # the newer ReplicaSet has a pod already
    assert lines[first].startswith("├─ rs/") and lines[second].startswith("└─ rs/"), lines
    for line in lines[first + 1:second]:  # the first ReplicaSet's pods: the Deployment's rule runs past them
        assert line.startswith("│  ├─ ") or line.startswith("│  └─ "), lines
    for line in lines[second + 1:]:
        assert line.startswith("   ├─ ") or line.startswith("   └─ "), lines
    view.close()


def test_replication_controllers_and_bare_replica_sets_show_with_their_pods() -> None:
    cluster = Cluster(seed=1)
    client = cluster.client("kubectl")
    template = {"metadata": {"labels": {"app": "old"}}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
    client.create("replicationcontrollers", {"apiVersion": "v1", "kind": "ReplicationController",
                                             "metadata": {"name": "old"},
                                             "spec": {"replicas": 2, "template": template}})
    bare = {"metadata": {"labels": {"app": "bare"}}, "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
    client.create("replicasets", {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "bare"},
                                  "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "bare"}},
                                           "template": bare}})
    cluster.run_for(30)
    view = ClusterView(cluster)
    cluster.run_for(0.1)
    pane = WorkloadsPane(view)
    lines = [pane.render_item(row, 100).plain for row in pane.items()]
    rc = next(i for i, line in enumerate(lines) if line.startswith("rc/old"))
    assert "2/2 ready" in lines[rc] and "nginx:1.27" in lines[rc], lines
    assert all(line.lstrip("│├└─ ").startswith("● old-") for line in lines[rc + 1:rc + 3]), lines
    rs = next(i for i, line in enumerate(lines) if line.startswith("rs/bare"))
    assert "1/1 ready" in lines[rs] and lines[rs + 1].startswith("└─ ● bare-"), lines
    view.close()
