"""``kubectl delete --cascade=orphan``, then the same StatefulSet or DaemonSet again: the new one adopts the pods
and revisions the old one left (the StatefulSet Basics tutorial's non-cascading delete, the DaemonSet page)."""

from __future__ import annotations

from typing import Any

from kubetui.sim.cluster import Cluster

Obj = dict[str, Any]
TEMPLATE = {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24"}]}}


def statefulset(replicas: int) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web"},
            "spec": {"replicas": replicas, "serviceName": "web", "selector": {"matchLabels": {"app": "web"}},
                     "template": TEMPLATE}}


def daemonset() -> Obj:
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": TEMPLATE}}


def controller_uids(objs: list[Obj]) -> set[str]:
    return {r["uid"] for o in objs for r in o["metadata"].get("ownerReferences") or () if r.get("controller")}


def test_a_statefulset_adopts_the_pods_and_revisions_an_orphaning_delete_left() -> None:
    cluster = Cluster(seed=5)
    kubectl = cluster.client("kubectl")
    kubectl.create("statefulsets", statefulset(3), "default")
    assert cluster.run_until(lambda: len(cluster.objects("pods", "default", "app=web")) == 3, timeout=120)
    cluster.run_for(20)
    kubectl.delete("statefulsets", "default", "web", propagation_policy="Orphan")
    cluster.run_for(5)
    assert controller_uids(cluster.objects("pods", "default", "app=web")) == set(), "orphaned"
    kubectl.delete("pods", "default", "web-0")
    cluster.run_for(1)
    made = kubectl.create("statefulsets", statefulset(2), "default")
    cluster.run_for(60)
    pods = cluster.objects("pods", "default", "app=web")
    assert sorted(p["metadata"]["name"] for p in pods) == ["web-0", "web-1"], "web-2 went: the set has 2 replicas"
    assert controller_uids(pods) == {made["metadata"]["uid"]}
    revisions = cluster.objects("controllerrevisions", "default")
    assert revisions and controller_uids(revisions) == {made["metadata"]["uid"]}
    status = (cluster.get("statefulsets", "default", "web") or {})["status"]
    assert (status.get("replicas"), status.get("readyReplicas")) == (2, 2)


def test_a_daemonset_adopts_its_pods_instead_of_running_a_second_one_on_every_node() -> None:
    cluster = Cluster(seed=5)
    kubectl = cluster.client("kubectl")
    kubectl.create("daemonsets", daemonset(), "default")
    nodes = len(cluster.objects("nodes", ""))
    assert cluster.run_until(lambda: len(cluster.objects("pods", "default", "app=web")) >= nodes - 1, timeout=120)
    cluster.run_for(20)
    before = {p["metadata"]["name"] for p in cluster.objects("pods", "default", "app=web")}
    kubectl.delete("daemonsets", "default", "agent", propagation_policy="Orphan")
    cluster.run_for(5)
    made = kubectl.create("daemonsets", daemonset(), "default")
    cluster.run_for(60)
    pods = cluster.objects("pods", "default", "app=web")
    assert {p["metadata"]["name"] for p in pods} == before, "the same pods, adopted: none created or deleted"
    assert controller_uids(pods) == {made["metadata"]["uid"]}
    revisions = cluster.objects("controllerrevisions", "default")
    assert len(revisions) == 1 and controller_uids(revisions) == {made["metadata"]["uid"]}


def test_a_pod_relabelled_out_of_a_daemonset_is_released_and_replaced() -> None:
    cluster = Cluster(seed=5)
    kubectl = cluster.client("kubectl")
    made = kubectl.create("daemonsets", daemonset(), "default")
    cluster.run_for(60)
    victim = cluster.objects("pods", "default", "app=web")[0]
    name, node = victim["metadata"]["name"], victim["spec"]["nodeName"]
    kubectl.merge_patch("pods", "default", name, {"metadata": {"labels": {"app": "debug"}}})
    cluster.run_for(30)
    released = cluster.get("pods", "default", name)
    assert released is not None and controller_uids([released]) == set(), "released, as ClaimPods does"
    on_node = [p for p in cluster.objects("pods", "default", "app=web") if p["spec"].get("nodeName") == node]
    assert len(on_node) == 1 and controller_uids(on_node) == {made["metadata"]["uid"]}
