"""The replication controller: the ReplicaSet controller's loop on core/v1 ReplicationControllers."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.controllers.replicaset import ReplicaSetController
from kubetui.controllers.replicationcontroller import ReplicationManager
from kubetui.sim.cluster import Cluster
from tests.controllers.test_replicaset_kit import (
    Nodes,
    active_pods,
    bare_cluster,
    events,
    pod,
    reconciles,
    replicaset,
    start,
    template,
)

Obj = dict[str, Any]


def rc(name: str, replicas: int, labels: dict[str, str] | None = None, selector: bool = True) -> Obj:
    labels = labels or {"app": name}
    spec: Obj = {"replicas": replicas, "template": template(labels)}
    if selector:
        spec["selector"] = dict(labels)
    return {"apiVersion": "v1", "kind": "ReplicationController",
            "metadata": {"name": name, "namespace": "default"}, "spec": spec}


def setup() -> tuple[Cluster, Nodes]:
    cluster = bare_cluster()
    start(cluster, ReplicationManager, ReplicaSetController)
    return cluster, Nodes(cluster)


def test_keeps_its_replicas_running_and_reports_them_in_status() -> None:
    cluster, _ = setup()
    made = cluster.client("kubectl").create("replicationcontrollers", rc("web", 3))
    cluster.run_for(5)
    pods = active_pods(cluster, "app=web")
    assert len(pods) == 3
    assert {p["metadata"]["ownerReferences"][0]["kind"] for p in pods} == {"ReplicationController"}
    assert pods[0]["metadata"]["ownerReferences"][0] == {
        "apiVersion": "v1", "kind": "ReplicationController", "name": "web", "uid": made["metadata"]["uid"],
        "controller": True, "blockOwnerDeletion": True}
    stored = cluster.get("replicationcontrollers", "default", "web")
    assert stored is not None
    assert stored["status"] == {"replicas": 3, "fullyLabeledReplicas": 3, "readyReplicas": 3,
                                "availableReplicas": 3, "observedGeneration": 1}
    created = events(cluster, "SuccessfulCreate")
    assert len(created) == 3 and {e["source"]["component"] for e in created} == {"replication-controller"}
    assert {e["involvedObject"]["kind"] for e in created} == {"ReplicationController"}
    assert reconciles(cluster, "replication-controller")[0].object == "ReplicationController default/web"


def test_a_deleted_pod_is_replaced_and_a_scale_down_deletes_the_extra() -> None:
    cluster, _ = setup()
    kubectl = cluster.client("kubectl")
    kubectl.create("replicationcontrollers", rc("web", 3))
    cluster.run_for(5)
    victim = active_pods(cluster, "app=web")[0]["metadata"]["name"]
    kubectl.delete("pods", "default", victim)
    cluster.run_for(5)
    names = {p["metadata"]["name"] for p in active_pods(cluster, "app=web")}
    assert len(names) == 3 and victim not in names
    kubectl.merge_patch("replicationcontrollers", "default", "web", {"spec": {"replicas": 1}})
    cluster.run_for(5)
    assert len(active_pods(cluster, "app=web")) == 1
    assert len(events(cluster, "SuccessfulDelete")) == 2


def test_the_selector_is_an_equality_map_and_orphans_that_match_it_are_adopted() -> None:
    cluster, _ = setup()
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", pod("stray", {"app": "web", "extra": "yes"}))
    kubectl.create("pods", pod("other", {"app": "db"}))
    cluster.run_for(3)
    kubectl.create("replicationcontrollers", rc("web", 2))
    cluster.run_for(5)
    stray = cluster.get("pods", "default", "stray")
    assert stray is not None and stray["metadata"]["ownerReferences"][0]["kind"] == "ReplicationController"
    other = cluster.get("pods", "default", "other")
    assert other is not None and "ownerReferences" not in other["metadata"]
    assert len(active_pods(cluster, "app=web")) == 2, "the adopted pod counts: only one is created"


def test_it_leaves_replica_sets_pods_alone_and_they_leave_its_pods_alone() -> None:
    cluster, _ = setup()
    kubectl = cluster.client("kubectl")
    kubectl.create("replicationcontrollers", rc("web", 2))
    kubectl.create("replicasets", replicaset("api", 2))
    cluster.run_for(5)
    kinds = {p["metadata"]["name"]: p["metadata"]["ownerReferences"][0]["kind"]
             for p in cluster.objects("pods", "default")}
    assert sorted(kinds.values()) == ["ReplicaSet", "ReplicaSet", "ReplicationController", "ReplicationController"]


def test_the_selector_and_labels_default_from_the_template() -> None:
    cluster, _ = setup()
    made = cluster.client("kubectl").create("replicationcontrollers", rc("web", 1, selector=False))
    assert made["spec"]["selector"] == {"app": "web"}
    assert made["metadata"]["labels"] == {"app": "web"}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"replicas": 1, "template": template({"app": "y"}), "selector": {"app": "x"}},
         'spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: '
         "`selector` does not match template `labels`"),
        ({"replicas": -1, "selector": {"app": "x"}, "template": template({"app": "x"})},
         "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
        ({"selector": {"app": "x"}}, "spec.template: Required value"),
        ({"template": {"spec": template({})["spec"]}}, "spec.selector: Required value"),
    ],
)
def test_validation_in_kubernetes_words(spec: Obj, message: str) -> None:
    cluster = bare_cluster()
    body = {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "bad"}, "spec": spec}
    with pytest.raises(ApiError) as raised:
        cluster.client("kubectl").create("replicationcontrollers", body)
    assert raised.value.code == 422
    assert message in raised.value.message
