"""The ReplicaSet controller on a bare cluster: the test plays scheduler and kubelet through the API."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.api.meta import timestamp
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.replicaset import ReplicaSetController, pods_to_delete, rank_pods_for_deletion
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ApiRequest
from tests.controllers.test_replicaset_kit import (
    bare_cluster,
    condition,
    events,
    messages,
    node_object,
    pod,
    reconciles,
    replicaset,
    run,
    start,
)

Obj = dict[str, Any]


def setup(seed: int = 1) -> tuple[Cluster, ReplicaSetController]:
    cluster = bare_cluster(seed)
    (rsc,) = start(cluster, ReplicaSetController)
    assert isinstance(rsc, ReplicaSetController)
    return cluster, rsc


def pods_of(cluster: Cluster, selector: str = "app=web") -> list[Obj]:
    return cluster.objects("pods", "default", selector)


def creates(cluster: Cluster) -> list[ApiRequest]:
    return [r for r in cluster.trace.history if isinstance(r, ApiRequest) and r.who == "replicaset-controller"
            and r.verb == "create" and r.resource == "pods"]


def test_creates_the_missing_pods_owned_by_the_replica_set() -> None:
    cluster, _ = setup()
    rs = cluster.client("kubectl").create("replicasets", replicaset("web", 3))
    cluster.run_for(1)
    pods = pods_of(cluster)
    assert len(pods) == 3
    for p in pods:
        assert p["metadata"]["name"].startswith("web-") and len(p["metadata"]["name"]) == len("web-") + 5
        assert p["metadata"]["ownerReferences"] == [{
            "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": rs["metadata"]["uid"],
            "controller": True, "blockOwnerDeletion": True}]
    assert sorted(messages(cluster, "SuccessfulCreate")) == sorted(f"Created pod: {p['metadata']['name']}"
                                                                   for p in pods)
    first = reconciles(cluster, "replicaset-controller")[0]
    assert (first.object, first.observed, first.desired) == (
        "ReplicaSet default/web", "0 pods, 0 ready", "3 replicas")
    assert first.action.startswith("create 3 pods")
    status = cluster.get("replicasets", "default", "web")["status"]  # type: ignore[index]
    assert status == {"replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 1}


def test_slow_start_stops_at_the_first_failed_batch_and_reports_replica_failure() -> None:
    cluster, _ = setup()
    spec = replicaset("web", 10)
    spec["spec"]["template"]["spec"]["priorityClassName"] = "missing"
    cluster.client("kubectl").create("replicasets", spec)
    cluster.run_for(0.1)  # a few syncs: the first, its status write's echo, backoff retries
    syncs = [r for r in reconciles(cluster, "replicaset-controller") if "create failed" in r.action]
    assert syncs and all(r.action.startswith("1 create failed") for r in syncs)
    assert len(creates(cluster)) == len(syncs)  # each sync: a batch of 1 failed, the other 9 never tried
    assert all(r.code == 403 for r in creates(cluster))
    message = messages(cluster, "FailedCreate")[0]
    assert message.startswith('Error creating: pods "web-') and message.endswith(
        "is forbidden: no PriorityClass with name missing was found")
    failure = condition(cluster.get("replicasets", "default", "web"), "ReplicaFailure")
    assert (failure["status"], failure["reason"]) == ("True", "FailedCreate")
    cluster.client("kubectl").create("priorityclasses", {
        "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
        "metadata": {"name": "missing"}, "value": 10})
    before = len(creates(cluster))
    assert cluster.run_until(lambda: len(pods_of(cluster)) == 10, 30)
    assert len(creates(cluster)) - before == 10  # batches of 1, 2, 4 and the last 3, all succeeding
    cluster.run_for(1)
    assert condition(cluster.get("replicasets", "default", "web"), "ReplicaFailure") == {}


def test_burst_limit_and_expectations_spread_a_big_scale_up_over_syncs() -> None:
    cluster, rsc = setup()
    rsc.burst_replicas = 3
    cluster.client("kubectl").create("replicasets", replicaset("web", 5))
    cluster.run_for(1)
    assert len(pods_of(cluster)) == 5
    actions = [r.action for r in reconciles(cluster, "replicaset-controller") if "create" in r.action]
    assert [a.split(";")[0] for a in actions] == ["create 3 pods", "create 2 pods"]


def test_expectations_prevent_double_creates_before_the_informer_catches_up() -> None:
    cluster, rsc = setup()
    cluster.client("kubectl").create("replicasets", replicaset("web", 5))
    assert cluster.run_until(lambda: rsc.replicasets.get("default", "web") is not None, 1)
    rsc.reconcile("default/web")  # creates 5 pods; their watch events are not delivered yet
    uid = cluster.get("replicasets", "default", "web")["metadata"]["uid"]  # type: ignore[index]
    assert rsc.pods.by_index("owner-uid", uid) == []
    with pytest.raises(ApiError) as stale:  # the cache still shows no pods, but 5 creations are expected
        rsc.reconcile("default/web")
    assert stale.value.code == 409  # only its status write failed: the cached ReplicaSet is stale
    cluster.run_for(1)
    assert len(pods_of(cluster)) == 5
    assert len(creates(cluster)) == 5


def test_deletion_expectations_count_each_pod_once() -> None:
    cluster, rsc = setup()
    api = cluster.client("kubectl")
    api.create("replicasets", replicaset("web", 4))
    cluster.run_for(1)
    api.scale("replicasets", "default", "web", 1)
    assert cluster.run_until(lambda: rsc.replicasets.get("default", "web")["spec"]["replicas"] == 1, 1)  # type: ignore[index]
    rsc.reconcile("default/web")
    assert rsc.expectations.pending("default/web") == (0, 3)
    with pytest.raises(ApiError):  # nothing observed yet: no second round of deletes (a stale status write)
        rsc.reconcile("default/web")
    cluster.run_for(1)
    assert len(pods_of(cluster)) == 1
    deletes = [r for r in cluster.trace.history if isinstance(r, ApiRequest) and r.verb == "delete"]
    assert len(deletes) == 3
    assert rsc.expectations.pending("default/web") == (0, 0)


def test_inactive_pods_are_replaced_and_not_counted() -> None:
    cluster, _ = setup()
    cluster.client("kubectl").create("replicasets", replicaset("web", 2))
    cluster.run_for(1)
    victim = pods_of(cluster)[0]
    victim["status"]["phase"] = "Failed"
    cluster.client("kubelet/node-1").update_status("pods", victim)
    cluster.run_for(1)
    phases = sorted(p["status"]["phase"] for p in pods_of(cluster))
    assert phases == ["Failed", "Pending", "Pending"]
    assert cluster.get("replicasets", "default", "web")["status"]["replicas"] == 2  # type: ignore[index]


def test_status_counts_ready_and_available_pods_after_min_ready_seconds() -> None:
    cluster, _ = setup()
    spec = replicaset("web", 2, minReadySeconds=10)
    spec["spec"]["template"]["metadata"]["labels"]["tier"] = "frontend"
    cluster.client("kubectl").create("replicasets", spec)
    cluster.run_for(1)
    for p in pods_of(cluster):
        run(cluster, p)
    cluster.run_for(1)
    status = cluster.get("replicasets", "default", "web")["status"]  # type: ignore[index]
    assert status == {"replicas": 2, "fullyLabeledReplicas": 2, "readyReplicas": 2, "observedGeneration": 1}
    cluster.run_for(11)  # nothing else happens: the controller comes back after minReadySeconds itself
    status = cluster.get("replicasets", "default", "web")["status"]  # type: ignore[index]
    assert status["availableReplicas"] == 2


def test_adopts_matching_orphans_and_releases_pods_that_stop_matching() -> None:
    cluster, _ = setup()
    api = cluster.client("kubectl")
    api.create("pods", pod("orphan", {"app": "web"}))
    api.create("pods", pod("stranger", {"app": "other"}))
    rs = api.create("replicasets", replicaset("web", 2))
    cluster.run_for(1)
    orphan = cluster.get("pods", "default", "orphan")
    assert orphan is not None and orphan["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"]
    assert len(pods_of(cluster)) == 2  # the orphan counted: only one pod created
    assert "ownerReferences" not in cluster.get("pods", "default", "stranger")["metadata"]  # type: ignore[index]
    assert any("adopt pod orphan" in r.action for r in reconciles(cluster, "replicaset-controller"))
    orphan["metadata"]["labels"] = {"app": "debug"}
    api.update("pods", orphan)
    cluster.run_for(1)
    released = cluster.get("pods", "default", "orphan")
    assert released is not None and not released["metadata"].get("ownerReferences")
    assert len(pods_of(cluster)) == 2  # a replacement took its place


def test_a_replica_set_being_deleted_creates_nothing() -> None:
    cluster, _ = setup()
    api = cluster.client("kubectl")
    api.create("replicasets", replicaset("web", 2))
    cluster.run_for(1)
    api.delete("replicasets", "default", "web", propagation_policy="Foreground")  # no GC runs: it stays
    api.delete("pods", "default", pods_of(cluster)[0]["metadata"]["name"])
    cluster.run_for(1)
    assert len(pods_of(cluster)) == 1


def test_scale_down_deletes_the_least_valuable_pods() -> None:
    cluster, _ = setup()
    api = cluster.client("kubectl")
    api.create("nodes", node_object("node-1"))
    api.create("replicasets", replicaset("web", 4))
    cluster.run_for(1)
    names = sorted(p["metadata"]["name"] for p in pods_of(cluster))
    scheduler = cluster.client("kube-scheduler")
    for name in names[1:]:
        scheduler.bind("default", name, "node-1")
    run(cluster, cluster.get("pods", "default", names[2]), ready=False)  # type: ignore[arg-type]
    run(cluster, cluster.get("pods", "default", names[3]), ready=True)  # type: ignore[arg-type]
    cluster.run_for(1)
    api.scale("replicasets", "default", "web", 1)
    cluster.run_for(1)
    deleted = [m.removeprefix("Deleted pod: ") for m in messages(cluster, "SuccessfulDelete")]
    # Unscheduled first, then Pending (bound), then Running but not ready; the ready one stays.
    assert set(deleted) == {names[0], names[1], names[2]}
    survivors = [p for p in pods_of(cluster) if not p["metadata"].get("deletionTimestamp")]
    assert [p["metadata"]["name"] for p in survivors] == [names[3]]
    assert len(events(cluster, "SuccessfulDelete", name="web")) == 3


# --- ranking (controller_utils.go ActivePodsWithRanks) ----------------------------------------------------
def ranked_pod(name: str, node: str = "n1", phase: str = "Running", ready_at: float | None = 0.0,
               created: float = 0.0, restarts: int = 0, cost: int | None = None) -> Obj:
    conditions = [] if ready_at is None else [{"type": "Ready", "status": "True",
                                               "lastTransitionTime": timestamp(ready_at)}]
    annotations = {} if cost is None else {"controller.kubernetes.io/pod-deletion-cost": str(cost)}
    return {"metadata": {"name": name, "uid": f"uid-{name}", "creationTimestamp": timestamp(created),
                         "annotations": annotations},
            "spec": {"nodeName": node},
            "status": {"phase": phase, "conditions": conditions,
                       "containerStatuses": [{"name": "app", "restartCount": restarts}]}}


@pytest.mark.parametrize(("first", "second", "why"), [
    (ranked_pod("a", node=""), ranked_pod("b"), "unassigned before assigned"),
    (ranked_pod("a", phase="Pending"), ranked_pod("b", phase="Unknown"), "Pending before Unknown"),
    (ranked_pod("a", phase="Unknown"), ranked_pod("b", phase="Running"), "Unknown before Running"),
    (ranked_pod("a", ready_at=None), ranked_pod("b"), "not ready before ready"),
    (ranked_pod("a", cost=-5), ranked_pod("b"), "lower pod-deletion-cost first"),
    (ranked_pod("a", ready_at=999), ranked_pod("b", ready_at=990), "ready for less time first"),
    (ranked_pod("a", restarts=3), ranked_pod("b", restarts=1), "more restarts first"),
    (ranked_pod("a", created=999), ranked_pod("b", created=900), "newer first"),
])
def test_deletion_ranking(first: Obj, second: Obj, why: str) -> None:
    assert rank_pods_for_deletion([second, first], [], now=1000) == [first, second], why
    assert rank_pods_for_deletion([first, second], [], now=1000) == [first, second], why


def test_pods_doubled_up_on_a_node_go_before_lonely_ones() -> None:
    lonely, crowded = ranked_pod("a", node="n1"), ranked_pod("b", node="n2")
    related = [crowded, ranked_pod("c", node="n2"), lonely]
    assert rank_pods_for_deletion([lonely, crowded], related, now=1000) == [crowded, lonely]


def test_ages_in_the_same_power_of_two_bucket_tie_and_fall_back_to_uid() -> None:
    """LogarithmicScaleDown: 60 s and 64 s ago are both in the 2^35 ns bucket, so the uid decides."""
    older, newer = ranked_pod("a", ready_at=936), ranked_pod("b", ready_at=940)
    assert rank_pods_for_deletion([newer, older], [], now=1000) == [older, newer]


def test_pods_to_delete_takes_all_without_ranking_when_all_go() -> None:
    pods = [ranked_pod("a"), ranked_pod("b", node="")]
    assert pods_to_delete(pods, [], 2, now=0) == pods
    assert pods_to_delete(pods, [], 1, now=0) == [pods[1]]
