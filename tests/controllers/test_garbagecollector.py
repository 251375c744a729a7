"""The garbage collector: what each propagationPolicy leaves behind, and in which order things go."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.controllers.deployment import DeploymentController
from kubetui.controllers.garbagecollector import GarbageCollector
from kubetui.controllers.replicaset import ReplicaSetController
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import EtcdWrite, Record
from tests.controllers.test_replicaset_kit import Nodes, bare_cluster, deployment, reconciles, start

Obj = dict[str, Any]


def workloads(seed: int = 5) -> Cluster:
    cluster = bare_cluster(seed)
    start(cluster, DeploymentController, ReplicaSetController, GarbageCollector)
    Nodes(cluster, stop_seconds=3.0)
    cluster.client("kubectl").create("deployments", deployment("web", 3))
    assert cluster.run_until(lambda: len(cluster.objects("pods", "default", "app=web")) == 3, 30)
    cluster.run_for(5)
    return cluster


def gc_only(seed: int = 5) -> Cluster:
    cluster = bare_cluster(seed)
    start(cluster, GarbageCollector)
    return cluster


def configmap(name: str, *owners: Obj, block: bool = True, finalizers: list[str] | None = None) -> Obj:
    meta: Obj = {"name": name, "namespace": "default"}
    if owners:
        meta["ownerReferences"] = [{"apiVersion": "v1", "kind": "ConfigMap", "name": o["metadata"]["name"],
                                    "uid": o["metadata"]["uid"], "blockOwnerDeletion": block} for o in owners]
    if finalizers:
        meta["finalizers"] = finalizers
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {}}


def deletions(cluster: Cluster) -> list[str]:
    """Keys deleted from the store, in order (a trace subscriber)."""
    order: list[str] = []

    def watch(record: Record) -> None:
        if isinstance(record, EtcdWrite) and record.op == "DELETE" and "/events/" not in record.key:
            order.append(record.key.split("/")[2])

    cluster.trace.subscribe(watch)
    return order


def everything(cluster: Cluster) -> dict[str, int]:
    return {kind: len(cluster.objects(kind, "default")) for kind in ("deployments", "replicasets", "pods")}


def test_background_deletes_the_owner_at_once_and_then_its_dependents() -> None:
    cluster = workloads()
    order = deletions(cluster)
    cluster.client("kubectl").delete("deployments", "default", "web")
    assert cluster.get("deployments", "default", "web") is None
    assert cluster.run_until(lambda: everything(cluster) == {"deployments": 0, "replicasets": 0, "pods": 0}, 60)
    assert order == ["deployments", "replicasets", "pods", "pods", "pods"]
    gc = [r for r in reconciles(cluster, "garbage-collector") if r.object.startswith("ReplicaSet")]
    assert gc[0].observed == "owner Deployment web is gone" and gc[0].action == "delete (Background)"


def test_foreground_deletes_the_dependents_first() -> None:
    cluster = workloads()
    order = deletions(cluster)
    cluster.client("kubectl").delete("deployments", "default", "web", propagation_policy="Foreground")
    cluster.run_for(1)  # the pods are terminating; their owners wait
    d = cluster.get("deployments", "default", "web")
    assert d is not None and d["metadata"]["finalizers"] == ["foregroundDeletion"]
    (rs,) = cluster.objects("replicasets", "default")
    assert rs["metadata"]["deletionTimestamp"] and rs["metadata"]["finalizers"] == ["foregroundDeletion"]
    assert all(p["metadata"].get("deletionTimestamp") for p in cluster.objects("pods", "default"))
    assert cluster.run_until(lambda: everything(cluster) == {"deployments": 0, "replicasets": 0, "pods": 0}, 60)
    assert order == ["pods", "pods", "pods", "replicasets", "deployments"]
    actions = [r.action for r in reconciles(cluster, "garbage-collector")]
    assert "delete (Foreground)" in actions and "remove finalizer foregroundDeletion" in actions


def test_orphan_keeps_the_replica_set_and_its_pods() -> None:
    cluster = workloads()
    rs_name = cluster.objects("replicasets", "default")[0]["metadata"]["name"]
    cluster.client("kubectl").delete("deployments", "default", "web", propagation_policy="Orphan")
    assert cluster.run_until(lambda: cluster.get("deployments", "default", "web") is None, 30)
    cluster.run_for(10)
    assert everything(cluster) == {"deployments": 0, "replicasets": 1, "pods": 3}
    rs = cluster.get("replicasets", "default", rs_name)
    assert rs is not None and not rs["metadata"].get("ownerReferences")
    pods = cluster.objects("pods", "default")
    assert all(p["metadata"]["ownerReferences"][0]["name"] == rs_name for p in pods)  # still the ReplicaSet's
    assert all(not p["metadata"].get("deletionTimestamp") for p in pods)


def test_an_object_whose_owner_never_existed_is_deleted() -> None:
    cluster = gc_only()
    ghost = {"metadata": {"name": "ghost", "uid": "00000000-0000-4000-8000-000000000000"}}
    cluster.client("kubectl").create("configmaps", configmap("orphaned", ghost))
    cluster.run_for(1)
    assert cluster.get("configmaps", "default", "orphaned") is None


def test_a_dependent_with_a_live_owner_only_loses_the_dead_reference() -> None:
    cluster = gc_only()
    api = cluster.client("kubectl")
    first, second = api.create("configmaps", configmap("first")), api.create("configmaps", configmap("second"))
    api.create("configmaps", configmap("child", first, second))
    cluster.run_for(1)
    api.delete("configmaps", "default", "first")
    cluster.run_for(1)
    child = cluster.get("configmaps", "default", "child")
    assert child is not None and [r["name"] for r in child["metadata"]["ownerReferences"]] == ["second"]
    api.delete("configmaps", "default", "second")
    cluster.run_for(1)
    assert cluster.get("configmaps", "default", "child") is None


@pytest.mark.parametrize(("block", "owner_waits"), [(True, True), (False, False)])
def test_only_blocking_dependents_hold_up_a_foreground_deletion(block: bool, owner_waits: bool) -> None:
    cluster = gc_only()
    api = cluster.client("kubectl")
    owner = api.create("configmaps", configmap("owner"))
    api.create("configmaps", configmap("stuck", owner, block=block, finalizers=["example.com/hold"]))
    cluster.run_for(1)
    api.delete("configmaps", "default", "owner", propagation_policy="Foreground")
    cluster.run_for(5)
    stuck = cluster.get("configmaps", "default", "stuck")
    assert stuck is not None and stuck["metadata"].get("deletionTimestamp")  # deleted, held by its finalizer
    assert (cluster.get("configmaps", "default", "owner") is not None) is owner_waits
    if owner_waits:
        api.merge_patch("configmaps", "default", "stuck", {"metadata": {"finalizers": None}})
        cluster.run_for(1)
        assert cluster.get("configmaps", "default", "owner") is None
