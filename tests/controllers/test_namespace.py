"""The namespace controller: a Terminating namespace is emptied, then finalized and removed."""

from __future__ import annotations

from typing import Any

from kubetui.controllers.deployment import DeploymentController
from kubetui.controllers.garbagecollector import GarbageCollector
from kubetui.controllers.namespace import NamespaceController
from kubetui.controllers.replicaset import ReplicaSetController
from kubetui.sim.cluster import Cluster
from tests.controllers.test_replicaset_kit import Nodes, bare_cluster, condition, deployment, pod, reconciles, start

Obj = dict[str, Any]


def setup() -> Cluster:
    cluster = bare_cluster(9)
    start(cluster, NamespaceController, DeploymentController, ReplicaSetController, GarbageCollector)
    Nodes(cluster, stop_seconds=20.0)
    api = cluster.client("kubectl")
    api.create("namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
    web = deployment("web", 2)
    web["metadata"]["namespace"] = "shop"
    api.create("deployments", web)
    api.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings",
                                                                                   "namespace": "shop"}})
    assert cluster.run_until(lambda: len(cluster.objects("pods", "shop")) == 2, 30)
    cluster.run_for(5)
    return cluster


def content(cluster: Cluster) -> int:
    return sum(len(cluster.objects(r, "shop")) for r in ("pods", "replicasets", "deployments", "configmaps"))


def test_deleting_a_namespace_empties_it_then_removes_it() -> None:
    cluster = setup()
    cluster.client("kubectl").delete("namespaces", "", "shop")
    ns = cluster.get("namespaces", "", "shop")
    assert ns is not None and ns["status"]["phase"] == "Terminating"
    cluster.run_for(4)
    assert content(cluster) > 0  # the controller waits 5 s before its first pass
    cluster.run_for(3)
    assert not cluster.objects("configmaps", "shop") and not cluster.objects("deployments", "shop")
    remaining = condition(cluster.get("namespaces", "", "shop"), "NamespaceContentRemaining")
    assert (remaining["status"], remaining["reason"]) == ("True", "SomeResourcesRemain")
    assert remaining["message"].startswith("Some resources are remaining: pods. has 2 resource instances")
    assert condition(cluster.get("namespaces", "", "shop"), "NamespaceDeletionContentFailure")["reason"] == (
        "ContentDeleted")
    assert cluster.run_until(lambda: cluster.get("namespaces", "", "shop") is None, 120)
    assert content(cluster) == 0
    last = reconciles(cluster, "namespace-controller")[-1]
    assert last.object == "Namespace shop" and "remove finalizer 'kubernetes'" in last.action


def test_content_with_a_finalizer_keeps_the_namespace_until_the_finalizer_goes() -> None:
    cluster = setup()
    api = cluster.client("kubectl")
    held = pod("held", {"app": "held"}, namespace="shop")
    held["metadata"]["finalizers"] = ["example.com/hold"]
    api.create("pods", held)
    api.delete("namespaces", "", "shop")
    cluster.run_for(60)
    ns = cluster.get("namespaces", "", "shop")
    assert ns is not None
    assert condition(ns, "NamespaceFinalizersRemaining")["message"] == (
        "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances")
    api.merge_patch("pods", "shop", "held", {"metadata": {"finalizers": None}})
    assert cluster.run_until(lambda: cluster.get("namespaces", "", "shop") is None, 60)
