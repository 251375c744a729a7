"""The Deployment controller with the ReplicaSet controller on a bare cluster; :class:`Nodes` plays the nodes."""

from __future__ import annotations

from typing import Any

from kubetui.apiserver.server import PATCH_MERGE
from kubetui.controllers import deployment_util as du
from kubetui.controllers.deployment import DeploymentController
from kubetui.controllers.podutil import template_hash
from kubetui.controllers.replicaset import ReplicaSetController
from kubetui.sim.cluster import Cluster
from tests.controllers.test_replicaset_kit import (
    BAD_IMAGE,
    Nodes,
    active_pods,
    bare_cluster,
    condition,
    deployment,
    messages,
    ready,
    reconciles,
    start,
)

Obj = dict[str, Any]


def setup(seed: int = 3, start_seconds: float = 2.0, stop_seconds: float = 1.0) -> Cluster:
    cluster = bare_cluster(seed)
    start(cluster, DeploymentController, ReplicaSetController)
    Nodes(cluster, start_seconds=start_seconds, stop_seconds=stop_seconds)
    return cluster


def get_deployment(cluster: Cluster, name: str = "web") -> Obj:
    d = cluster.get("deployments", "default", name)
    assert d is not None
    return d


def replicasets(cluster: Cluster) -> dict[str, Obj]:
    return {rs["metadata"]["name"]: rs for rs in cluster.objects("replicasets", "default")}


def complete(cluster: Cluster, name: str = "web") -> bool:
    d = get_deployment(cluster, name)
    return du.deployment_complete(d, d.get("status") or {})


def set_image(cluster: Cluster, image: str, name: str = "web") -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}
    cluster.client("kubectl").patch("deployments", "default", name, patch)


def new_replicaset(cluster: Cluster, name: str = "web") -> Obj:
    d = get_deployment(cluster, name)
    found = du.find_new_replica_set(d, replicasets(cluster).values())
    assert found is not None
    return found


def test_a_new_deployment_gets_one_replica_set_named_after_its_template() -> None:
    cluster = setup()
    cluster.client("kubectl").create("deployments", deployment("web", 3))
    assert cluster.run_until(lambda: complete(cluster), 60)
    d = get_deployment(cluster)
    pod_hash = template_hash(d["spec"]["template"])
    (rs,) = replicasets(cluster).values()
    assert rs["metadata"]["name"] == f"web-{pod_hash}"
    assert rs["metadata"]["labels"] == {"app": "web", du.POD_TEMPLATE_HASH_LABEL: pod_hash}
    assert rs["spec"]["selector"] == {"matchLabels": {"app": "web", du.POD_TEMPLATE_HASH_LABEL: pod_hash}}
    assert rs["metadata"]["ownerReferences"][0]["uid"] == d["metadata"]["uid"]
    assert rs["metadata"]["annotations"] == {du.REVISION_ANNOTATION: "1", du.DESIRED_REPLICAS_ANNOTATION: "3",
                                             du.MAX_REPLICAS_ANNOTATION: "4"}
    assert d["metadata"]["annotations"] == {du.REVISION_ANNOTATION: "1"}
    assert {k: v for k, v in d["status"].items() if k != "conditions"} == {
        "observedGeneration": 1, "replicas": 3, "updatedReplicas": 3, "readyReplicas": 3, "availableReplicas": 3}
    assert (condition(d, "Available")["reason"], condition(d, "Progressing")["reason"]) == (
        du.MINIMUM_REPLICAS_AVAILABLE, du.NEW_RS_AVAILABLE)
    assert condition(d, "Progressing")["message"] == f'ReplicaSet "web-{pod_hash}" has successfully progressed.'
    assert messages(cluster, "ScalingReplicaSet") == [f"Scaled up replica set web-{pod_hash} from 0 to 3"]
    assert len(active_pods(cluster, f"{du.POD_TEMPLATE_HASH_LABEL}={pod_hash}")) == 3


def test_the_template_hash_is_stable_across_clusters() -> None:
    names = []
    for seed in (1, 2):
        cluster = setup(seed)
        cluster.client("kubectl").create("deployments", deployment("web", 1))
        cluster.run_for(1)
        names.append(sorted(replicasets(cluster)))
    assert names[0] == names[1] and len(names[0]) == 1


def test_scaling_moves_the_only_replica_set() -> None:
    cluster = setup()
    api = cluster.client("kubectl")
    api.create("deployments", deployment("web", 3))
    assert cluster.run_until(lambda: complete(cluster), 60)
    api.scale("deployments", "default", "web", 5)
    assert cluster.run_until(lambda: complete(cluster) and get_deployment(cluster)["status"]["replicas"] == 5, 60)
    api.scale("deployments", "default", "web", 2)
    assert cluster.run_until(lambda: complete(cluster) and get_deployment(cluster)["status"]["replicas"] == 2, 60)
    name = new_replicaset(cluster)["metadata"]["name"]
    assert messages(cluster, "ScalingReplicaSet") == [
        f"Scaled up replica set {name} from 0 to 3", f"Scaled up replica set {name} from 3 to 5",
        f"Scaled down replica set {name} from 5 to 2"]
    assert new_replicaset(cluster)["metadata"]["annotations"][du.DESIRED_REPLICAS_ANNOTATION] == "2"


def test_rolling_update_stays_within_surge_and_unavailability() -> None:
    cluster = setup()
    api = cluster.client("kubectl")
    api.create("deployments", deployment("web", 10, max_surge=3, max_unavailable=2))
    assert cluster.run_until(lambda: complete(cluster), 60)
    old = new_replicaset(cluster)["metadata"]["name"]
    set_image(cluster, "nginx:1.28")
    most, fewest_ready, most_wanted = 0, 10, 0

    def done() -> bool:
        nonlocal most, fewest_ready, most_wanted
        pods = active_pods(cluster, "app=web")
        most = max(most, len(pods))
        fewest_ready = min(fewest_ready, sum(1 for p in pods if ready(p)))
        most_wanted = max(most_wanted, sum(du.spec_replicas(rs) for rs in replicasets(cluster).values()))
        return complete(cluster) and get_deployment(cluster)["status"]["observedGeneration"] == 2

    assert cluster.run_until(done, 300)
    assert most_wanted == 13 and most <= 13  # replicas + maxSurge
    assert fewest_ready >= 8  # replicas - maxUnavailable
    new = new_replicaset(cluster)["metadata"]["name"]
    assert new != old
    assert messages(cluster, "ScalingReplicaSet")[1:3] == [
        f"Scaled up replica set {new} from 0 to 3", f"Scaled down replica set {old} from 10 to 8"]
    assert replicasets(cluster)[old]["spec"]["replicas"] == 0
    assert get_deployment(cluster)["metadata"]["annotations"][du.REVISION_ANNOTATION] == "2"
    trace = [r for r in reconciles(cluster, "deployment-controller") if f"scale up {new}" in r.action]
    assert trace[0].desired == "10 replicas (maxSurge 3, maxUnavailable 2)"


def test_recreate_removes_every_old_pod_before_creating_new_ones() -> None:
    cluster = setup(stop_seconds=5.0)
    api = cluster.client("kubectl")
    spec = deployment("web", 3)
    spec["spec"]["strategy"] = {"type": "Recreate"}
    api.create("deployments", spec)
    assert cluster.run_until(lambda: complete(cluster), 60)
    set_image(cluster, "nginx:1.28")
    cluster.run_for(3)  # old pods are still terminating
    assert len(replicasets(cluster)) == 1
    assert all(p["metadata"].get("deletionTimestamp") for p in cluster.objects("pods", "default"))
    assert cluster.run_until(lambda: complete(cluster) and len(replicasets(cluster)) == 2, 60)
    new = new_replicaset(cluster)["metadata"]["name"]
    assert messages(cluster, "ScalingReplicaSet")[1:] == [
        f"Scaled down replica set {sorted(set(replicasets(cluster)) - {new})[0]} from 3 to 0",
        f"Scaled up replica set {new} from 0 to 3"]


def test_a_bad_image_stalls_at_the_first_surge_then_times_out_and_a_rollback_recovers() -> None:
    cluster = setup()
    api = cluster.client("kubectl")
    api.create("deployments", deployment("web", 3, max_surge=1, max_unavailable=0, progressDeadlineSeconds=30))
    assert cluster.run_until(lambda: complete(cluster), 60)
    good = new_replicaset(cluster)
    set_image(cluster, BAD_IMAGE)
    cluster.run_for(20)
    bad = new_replicaset(cluster)
    assert (du.spec_replicas(bad), du.spec_replicas(replicasets(cluster)[good["metadata"]["name"]])) == (1, 3)
    progressing = condition(get_deployment(cluster), "Progressing")
    assert (progressing["reason"], progressing["message"]) == (
        du.REPLICA_SET_UPDATED, f'ReplicaSet "{bad["metadata"]["name"]}" is progressing.')
    assert cluster.run_until(
        lambda: condition(get_deployment(cluster), "Progressing").get("reason") == du.TIMED_OUT, 60)
    timed_out = condition(get_deployment(cluster), "Progressing")
    assert (timed_out["status"], timed_out["message"]) == (
        "False", f'ReplicaSet "{bad["metadata"]["name"]}" has timed out progressing.')
    assert 30 <= cluster.clock.now - 2 <= 60  # the update came at ~2 s; the deadline is 30 s after it
    assert condition(get_deployment(cluster), "Available")["status"] == "True"  # old pods keep serving

    # kubectl rollout undo: the old ReplicaSet's template, without its hash label, back on the Deployment.
    template = dict(good["spec"]["template"])
    template["metadata"] = {"labels": {"app": "web"}}
    api.patch("deployments", "default", "web", {"spec": {"template": template}}, PATCH_MERGE)
    assert cluster.run_until(lambda: complete(cluster) and du.spec_replicas(
        replicasets(cluster)[bad["metadata"]["name"]]) == 0, 120)
    reused = new_replicaset(cluster)
    assert reused["metadata"]["name"] == good["metadata"]["name"]  # no third ReplicaSet
    assert len(replicasets(cluster)) == 2
    assert reused["metadata"]["annotations"][du.REVISION_ANNOTATION] == "3"
    assert reused["metadata"]["annotations"][du.REVISION_HISTORY_ANNOTATION] == "1"
    assert get_deployment(cluster)["metadata"]["annotations"][du.REVISION_ANNOTATION] == "3"
    assert condition(get_deployment(cluster), "Progressing")["reason"] == du.NEW_RS_AVAILABLE


def test_pause_stops_the_rollout_but_not_scaling() -> None:
    cluster = setup()
    api = cluster.client("kubectl")
    api.create("deployments", deployment("web", 2))
    assert cluster.run_until(lambda: complete(cluster), 60)
    original = new_replicaset(cluster)["metadata"]["name"]
    api.patch("deployments", "default", "web", {"spec": {"paused": True}}, PATCH_MERGE)
    cluster.run_for(1)
    paused = condition(get_deployment(cluster), "Progressing")
    assert (paused["status"], paused["reason"], paused["message"]) == ("Unknown", du.PAUSED, "Deployment is paused")
    set_image(cluster, "nginx:1.28")
    api.scale("deployments", "default", "web", 4)
    cluster.run_for(10)
    assert list(replicasets(cluster)) == [original]  # no rollout while paused
    assert du.spec_replicas(replicasets(cluster)[original]) == 4  # but scaling works
    api.patch("deployments", "default", "web", {"spec": {"paused": False}}, PATCH_MERGE)
    assert cluster.run_until(lambda: complete(cluster) and len(replicasets(cluster)) == 2, 120)
    assert any(r.action.startswith("deployment is resumed") for r in reconciles(cluster, "deployment-controller"))
    assert du.spec_replicas(new_replicaset(cluster)) == 4


def test_scaling_during_a_stalled_rollout_is_proportional() -> None:
    """The docs' example: 10 replicas, maxSurge 3, maxUnavailable 2, a bad image, then 15 replicas."""
    cluster = setup()
    api = cluster.client("kubectl")
    api.create("deployments", deployment("web", 10, max_surge=3, max_unavailable=2))
    assert cluster.run_until(lambda: complete(cluster), 60)
    old = new_replicaset(cluster)["metadata"]["name"]
    set_image(cluster, BAD_IMAGE)
    cluster.run_for(20)
    new = new_replicaset(cluster)["metadata"]["name"]
    assert {n: du.spec_replicas(r) for n, r in replicasets(cluster).items()} == {old: 8, new: 5}
    api.scale("deployments", "default", "web", 15)
    cluster.run_for(5)
    assert {n: du.spec_replicas(r) for n, r in replicasets(cluster).items()} == {old: 11, new: 7}
    assert messages(cluster, "ScalingReplicaSet")[-2:] == [
        f"Scaled up replica set {old} from 8 to 11", f"Scaled up replica set {new} from 5 to 7"]


def test_min_ready_seconds_holds_old_pods_until_new_ones_have_been_ready_long_enough() -> None:
    cluster = setup()
    api = cluster.client("kubectl")
    api.create("deployments", deployment("web", 2, max_surge=1, max_unavailable=0, minReadySeconds=10))
    assert cluster.run_until(lambda: complete(cluster), 60)
    old = new_replicaset(cluster)["metadata"]["name"]
    set_image(cluster, "nginx:1.28")
    cluster.run_for(8)  # the new pod is ready (after 2 s) but not yet available
    new = new_replicaset(cluster)
    assert (new["status"].get("readyReplicas"), new["status"].get("availableReplicas")) == (1, None)
    assert du.spec_replicas(replicasets(cluster)[old]) == 2
    updated_at = cluster.clock.now - 8
    assert cluster.run_until(lambda: complete(cluster) and get_deployment(cluster)["status"].get(
        "observedGeneration") == 2, 120)
    assert cluster.clock.now - updated_at >= 24  # two surge steps of 2 s to start and 10 s to be available


def test_revision_history_limit_deletes_the_oldest_empty_replica_sets() -> None:
    cluster = setup()
    api = cluster.client("kubectl")
    api.create("deployments", deployment("web", 1, revisionHistoryLimit=1))
    assert cluster.run_until(lambda: complete(cluster), 60)
    first = new_replicaset(cluster)["metadata"]["name"]
    for image in ("nginx:1.28", "nginx:1.29"):
        set_image(cluster, image)
        assert cluster.run_until(lambda: complete(cluster) and get_deployment(cluster)["status"].get(
            "observedGeneration") == get_deployment(cluster)["metadata"]["generation"], 60)
    cluster.run_for(5)
    left = replicasets(cluster)
    assert len(left) == 2 and first not in left
    assert any(f"delete old ReplicaSet {first}" in r.action for r in reconciles(cluster, "deployment-controller"))


def test_a_name_taken_by_a_foreign_replica_set_bumps_the_collision_count() -> None:
    cluster = setup()
    api = cluster.client("kubectl")
    spec = deployment("web", 1)
    stored = cluster.api.create("kubectl", "deployments", "default", spec, dry_run=True)  # with defaults
    taken = f"web-{template_hash(stored['spec']['template'])}"
    foreign = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": taken},
               "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "other"}},
                        "template": {"metadata": {"labels": {"app": "other"}},
                                     "spec": {"containers": [{"name": "app", "image": "busybox"}]}}}}
    api.create("replicasets", foreign)
    api.create("deployments", spec)
    assert cluster.run_until(lambda: complete(cluster), 60)
    d = get_deployment(cluster)
    assert d["status"]["collisionCount"] == 1
    assert new_replicaset(cluster)["metadata"]["name"] == f"web-{template_hash(d['spec']['template'], 1)}" != taken


def test_an_orphan_replica_set_with_the_template_is_adopted_and_used() -> None:
    cluster = setup()
    api = cluster.client("kubectl")
    spec = deployment("web", 2)
    labels = {"app": "web", du.POD_TEMPLATE_HASH_LABEL: "legacy"}
    template = {**spec["spec"]["template"], "metadata": {"labels": labels}}
    api.create("replicasets", {"apiVersion": "apps/v1", "kind": "ReplicaSet",
                               "metadata": {"name": "web-legacy", "labels": template["metadata"]["labels"]},
                               "spec": {"replicas": 2, "selector": {"matchLabels": template["metadata"]["labels"]},
                                        "template": template}})
    api.create("deployments", spec)
    assert cluster.run_until(lambda: complete(cluster), 60)
    assert list(replicasets(cluster)) == ["web-legacy"]
    rs = replicasets(cluster)["web-legacy"]
    assert rs["metadata"]["ownerReferences"][0]["name"] == "web"
    assert rs["metadata"]["annotations"][du.REVISION_ANNOTATION] == "1"
    assert any("adopt ReplicaSet web-legacy" in r.action for r in reconciles(cluster, "deployment-controller"))


def test_a_replica_set_that_cannot_create_pods_surfaces_replica_failure_on_the_deployment() -> None:
    cluster = setup()
    spec = deployment("web", 2)
    spec["spec"]["template"]["spec"]["priorityClassName"] = "missing"
    cluster.client("kubectl").create("deployments", spec)
    cluster.run_for(5)
    failure = condition(get_deployment(cluster), "ReplicaFailure")
    assert (failure["status"], failure["reason"]) == ("True", "FailedCreate")
    assert failure["message"].endswith("is forbidden: no PriorityClass with name missing was found")
    assert condition(get_deployment(cluster), "Available")["reason"] == du.MINIMUM_REPLICAS_UNAVAILABLE
