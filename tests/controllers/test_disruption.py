"""The disruption controller: a PodDisruptionBudget's status follows its pods (ALLOWED DISRUPTIONS in kubectl)."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster


def web(replicas: int = 3) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}},
    }


def budget(**spec: Any) -> dict[str, Any]:
    return {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec}}


def status(cluster: Cluster) -> dict[str, Any]:
    pdb = cluster.get("poddisruptionbudgets", "default", "web")
    assert pdb is not None
    return dict(pdb.get("status") or {})


def cluster_with(**spec: Any) -> Cluster:
    cluster = Cluster(seed=0, nodes=default_nodes(3))
    cluster.run_for(3)
    kubectl = cluster.client("kubectl")
    kubectl.create("deployments", web())
    kubectl.create("poddisruptionbudgets", budget(**spec))
    return cluster


def test_status_counts_ready_pods_and_what_may_be_disrupted() -> None:
    cluster = cluster_with(minAvailable=2)
    cluster.run_for(1)
    early = status(cluster)
    assert (early["currentHealthy"], early["disruptionsAllowed"]) == (0, 0)
    assert early["conditions"][0]["reason"] == "InsufficientPods"
    cluster.run_for(30)
    ready = status(cluster)
    assert {k: ready[k] for k in ("expectedPods", "currentHealthy", "desiredHealthy", "disruptionsAllowed")} == {
        "expectedPods": 3, "currentHealthy": 3, "desiredHealthy": 2, "disruptionsAllowed": 1}
    condition = ready["conditions"][0]
    assert (condition["type"], condition["status"], condition["reason"]) == ("DisruptionAllowed", "True",
                                                                            "SufficientPods")
    assert ready["observedGeneration"] == 1


def test_a_percentage_budget_and_a_killed_node_move_the_numbers() -> None:
    cluster = cluster_with(maxUnavailable="34%")
    cluster.run_for(30)
    assert (status(cluster)["desiredHealthy"], status(cluster)["disruptionsAllowed"]) == (1, 2)  # 34% of 3 is 2
    node = cluster.get("pods", "default", sorted(
        p["metadata"]["name"] for p in cluster.objects("pods", "default"))[0])["spec"]["nodeName"]  # type: ignore[index]
    cluster.chaos("kill-node", node=node)
    cluster.run_for(70)  # the node turns Unknown and its pod not Ready
    assert (status(cluster)["currentHealthy"], status(cluster)["disruptionsAllowed"]) == (2, 1)


def test_eviction_and_status_agree() -> None:
    """What the Eviction API allows is what the status says: one eviction, then 429 until a replacement is Ready."""
    from kubetui.apiserver.errors import ApiError

    cluster = cluster_with(minAvailable=2)
    cluster.run_for(30)
    names = sorted(p["metadata"]["name"] for p in cluster.objects("pods", "default"))
    kubectl = cluster.client("kubectl")
    kubectl.evict("default", names[0])
    cluster.run_for(0.01)  # the controllers see the eviction; the replacement is not Ready yet
    assert status(cluster)["disruptionsAllowed"] == 0
    try:
        kubectl.evict("default", names[1])
    except ApiError as err:
        assert err.code == 429
    else:
        raise AssertionError("a second eviction went through a budget with no disruption left")


def test_a_budget_with_no_matching_pods_says_so() -> None:
    cluster = Cluster(seed=4, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("poddisruptionbudgets", {**budget(minAvailable=2), "metadata": {"name": "zk-pdb",
                                                                                    "namespace": "default"}})
    cluster.run_for(2)
    events = [e for e in kubectl.list("events", "default")["items"]
              if e["involvedObject"]["kind"] == "PodDisruptionBudget"]
    assert [(e["type"], e["reason"], e["message"]) for e in events] == [
        ("Normal", "NoPods", "No matching pods found")]
    assert events[0]["source"]["component"] == "controllermanager"
