"""The StatefulSet controller: stable names, ordered start and stop, Parallel, rolling updates."""

from __future__ import annotations

from kubetui.controllers.history import hash_revision, template_patch
from kubetui.controllers.statefulset import StatefulSetController
from kubetui.sim.cluster import Cluster
from tests.controllers.test_endpoints_kit import (
    FakeKubelet,
    bare_cluster,
    events,
    get,
    owned_pods,
    reconciles,
    start,
    template,
)

Obj = dict


def _statefulset(replicas: int = 3, **spec: object) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "serviceName": "web",
            "selector": {"matchLabels": {"app": "web"}},
            "template": template({"app": "web"}),
            **spec,
        },
    }


def _setup(replicas: int = 3, **spec: object) -> tuple[Cluster, FakeKubelet, Obj]:
    cluster = bare_cluster()
    start(cluster, StatefulSetController)
    kubelet = FakeKubelet(cluster, "node-1")
    cluster.client("test").create("statefulsets", _statefulset(replicas, **spec))
    cluster.run_for(1)
    return cluster, kubelet, get(cluster, "statefulsets", "web")


def _names(cluster: Cluster, sts: Obj) -> list[str]:
    return [
        p["metadata"]["name"] for p in owned_pods(cluster, sts) if not p["metadata"].get("deletionTimestamp")
    ]


def _start_pending(cluster: Cluster, kubelet: FakeKubelet, sts: Obj) -> None:
    for pod in owned_pods(cluster, sts):
        if pod["status"].get("phase") == "Pending":
            kubelet.bind("default", pod["metadata"]["name"])
            kubelet.run("default", pod["metadata"]["name"])
    cluster.run_for(1)


def _scale(cluster: Cluster, replicas: int) -> None:
    cluster.client("test").scale("statefulsets", "default", "web", replicas)
    cluster.run_for(1)


def test_ordered_creation_waits_for_running_and_ready() -> None:
    cluster, kubelet, sts = _setup()
    assert _names(cluster, sts) == ["web-0"]
    pod = get(cluster, "pods", "web-0")
    labels = pod["metadata"]["labels"]
    assert labels["statefulset.kubernetes.io/pod-name"] == "web-0"
    assert labels["apps.kubernetes.io/pod-index"] == "0"
    assert labels["controller-revision-hash"].startswith("web-")
    assert (pod["spec"]["hostname"], pod["spec"]["subdomain"]) == ("web-0", "web")
    kubelet.bind("default", "web-0")
    kubelet.run("default", "web-0", ready=False)
    cluster.run_for(5)
    assert _names(cluster, sts) == ["web-0"]  # Running but not Ready: wait
    kubelet.set_ready("default", "web-0", True)
    cluster.run_for(1)
    assert _names(cluster, sts) == ["web-0", "web-1"]
    _start_pending(cluster, kubelet, sts)
    assert _names(cluster, sts) == ["web-0", "web-1", "web-2"]
    _start_pending(cluster, kubelet, sts)
    status = get(cluster, "statefulsets", "web")["status"]
    revision = labels["controller-revision-hash"]
    assert status == {
        "observedGeneration": 1,
        "replicas": 3,
        "readyReplicas": 3,
        "currentReplicas": 3,
        "updatedReplicas": 3,
        "currentRevision": revision,
        "updateRevision": revision,
        "collisionCount": 0,
        "availableReplicas": 3,
    }
    assert [e["message"] for e in events(cluster, "SuccessfulCreate")] == [
        f"create Pod web-{i} in StatefulSet web successful" for i in range(3)
    ]


def test_scale_down_from_the_highest_ordinal_one_at_a_time() -> None:
    cluster, kubelet, sts = _setup()
    for _ in range(3):
        _start_pending(cluster, kubelet, sts)
    _scale(cluster, 1)
    assert [
        p["metadata"]["name"] for p in owned_pods(cluster, sts) if p["metadata"].get("deletionTimestamp")
    ] == ["web-2"]
    cluster.run_for(5)
    assert _names(cluster, sts) == ["web-0", "web-1"]  # web-1 waits until web-2 is gone
    kubelet.confirm_deletion("default", "web-2")
    cluster.run_for(1)
    assert _names(cluster, sts) == ["web-0"]
    kubelet.confirm_deletion("default", "web-1")
    cluster.run_for(1)
    assert [p["metadata"]["name"] for p in owned_pods(cluster, sts)] == ["web-0"]
    assert [e["message"] for e in events(cluster, "SuccessfulDelete")] == [
        "delete Pod web-2 in StatefulSet web successful",
        "delete Pod web-1 in StatefulSet web successful",
    ]


def test_parallel_creates_and_deletes_without_waiting() -> None:
    cluster, _, sts = _setup(podManagementPolicy="Parallel")
    assert _names(cluster, sts) == ["web-0", "web-1", "web-2"]
    _scale(cluster, 0)
    assert _names(cluster, sts) == []


def test_deleted_pod_comes_back_with_the_same_name() -> None:
    cluster, kubelet, sts = _setup(replicas=2)
    for _ in range(2):
        _start_pending(cluster, kubelet, sts)
    old_uid = get(cluster, "pods", "web-0")["metadata"]["uid"]
    cluster.client("test").delete("pods", "default", "web-0")
    kubelet.confirm_deletion("default", "web-0")
    cluster.run_for(1)
    pod = get(cluster, "pods", "web-0")
    assert pod["metadata"]["uid"] != old_uid and pod["status"]["phase"] == "Pending"


def test_failed_pod_is_deleted_and_recreated() -> None:
    cluster, kubelet, sts = _setup(replicas=1)
    _start_pending(cluster, kubelet, sts)
    old_uid = get(cluster, "pods", "web-0")["metadata"]["uid"]
    kubelet.finish("default", "web-0", exit_code=1)
    cluster.run_for(1)
    assert get(cluster, "pods", "web-0")["metadata"]["uid"] != old_uid


def test_rolling_update_from_the_highest_ordinal_down_to_the_partition() -> None:
    cluster, kubelet, sts = _setup(
        updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 1}}
    )
    for _ in range(3):
        _start_pending(cluster, kubelet, sts)
    old_revision = get(cluster, "statefulsets", "web")["status"]["currentRevision"]
    updated = get(cluster, "statefulsets", "web")
    updated["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    cluster.client("test").update("statefulsets", updated)
    cluster.run_for(1)
    order = []
    for _ in range(4):
        for pod in owned_pods(cluster, sts):
            if pod["metadata"].get("deletionTimestamp"):
                order.append(pod["metadata"]["name"])
                kubelet.confirm_deletion("default", pod["metadata"]["name"])
        cluster.run_for(1)
        _start_pending(cluster, kubelet, sts)
    assert order == ["web-2", "web-1"]  # web-0 is below the partition
    images = {p["metadata"]["name"]: p["spec"]["containers"][0]["image"] for p in owned_pods(cluster, sts)}
    assert images == {"web-0": "nginx:1.27", "web-1": "nginx:1.28", "web-2": "nginx:1.28"}
    status = get(cluster, "statefulsets", "web")["status"]
    assert status["currentRevision"] == old_revision != status["updateRevision"]
    assert (status["currentReplicas"], status["updatedReplicas"]) == (1, 2)
    assert any("update to" in r.action for r in reconciles(cluster, "statefulset-controller"))


def _revisions(cluster: Cluster) -> list[Obj]:
    return sorted(cluster.objects("controllerrevisions", "default"), key=lambda r: r["revision"])


def _set_image(cluster: Cluster, image: str) -> None:
    updated = get(cluster, "statefulsets", "web")
    updated["spec"]["template"]["spec"]["containers"][0]["image"] = image
    cluster.client("test").update("statefulsets", updated)
    cluster.run_for(1)


def _roll(cluster: Cluster, kubelet: FakeKubelet, sts: Obj, rounds: int = 4) -> None:
    for _ in range(rounds):
        for pod in owned_pods(cluster, sts):
            if pod["metadata"].get("deletionTimestamp"):
                kubelet.confirm_deletion("default", pod["metadata"]["name"])
        cluster.run_for(1)
        _start_pending(cluster, kubelet, sts)


def test_revisions_are_controller_revision_objects() -> None:
    cluster, kubelet, sts = _setup(replicas=1)
    _start_pending(cluster, kubelet, sts)
    (revision,) = _revisions(cluster)
    name = revision["metadata"]["name"]
    status = get(cluster, "statefulsets", "web")["status"]
    assert status["currentRevision"] == status["updateRevision"] == name
    assert get(cluster, "pods", "web-0")["metadata"]["labels"]["controller-revision-hash"] == name
    hash_ = revision["metadata"]["labels"]["controller.kubernetes.io/hash"]
    assert name == f"web-{hash_}" and revision["metadata"]["labels"]["app"] == "web"
    assert revision["revision"] == 1
    (ref,) = revision["metadata"]["ownerReferences"]
    assert (ref["kind"], ref["name"], ref["controller"]) == ("StatefulSet", "web", True)
    assert ref["uid"] == sts["metadata"]["uid"]
    template = revision["data"]["spec"]["template"]
    assert template["$patch"] == "replace" and template["metadata"]["labels"] == {"app": "web"}
    assert template["spec"]["containers"][0]["image"] == "nginx:1.27"
    _set_image(cluster, "nginx:1.28")
    assert [r["revision"] for r in _revisions(cluster)] == [1, 2]


def test_pod_recreated_below_the_partition_keeps_the_current_revision() -> None:
    """The StatefulSet Basics tutorial's staged update: with partition 2, web-0 and web-1 stay on the old
    image even when deleted, web-2 is the canary; lowering the partition rolls the rest."""
    cluster, kubelet, sts = _setup(updateStrategy={"type": "RollingUpdate", "rollingUpdate": {"partition": 2}})
    for _ in range(3):
        _start_pending(cluster, kubelet, sts)
    _set_image(cluster, "nginx:1.28")
    _roll(cluster, kubelet, sts)
    cluster.client("test").delete("pods", "default", "web-1")
    kubelet.confirm_deletion("default", "web-1")
    cluster.run_for(1)
    _start_pending(cluster, kubelet, sts)
    images = {p["metadata"]["name"]: p["spec"]["containers"][0]["image"] for p in owned_pods(cluster, sts)}
    assert images == {"web-0": "nginx:1.27", "web-1": "nginx:1.27", "web-2": "nginx:1.28"}
    status = get(cluster, "statefulsets", "web")["status"]
    old, new = (r["metadata"]["name"] for r in _revisions(cluster))
    assert get(cluster, "pods", "web-1")["metadata"]["labels"]["controller-revision-hash"] == old
    assert (status["currentRevision"], status["updateRevision"]) == (old, new)
    assert (status["currentReplicas"], status["updatedReplicas"]) == (2, 1)
    patched = get(cluster, "statefulsets", "web")
    patched["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = 0
    cluster.client("test").update("statefulsets", patched)
    _roll(cluster, kubelet, sts, rounds=6)
    images = {p["metadata"]["name"]: p["spec"]["containers"][0]["image"] for p in owned_pods(cluster, sts)}
    assert set(images.values()) == {"nginx:1.28"}
    status = get(cluster, "statefulsets", "web")["status"]
    assert status["currentRevision"] == status["updateRevision"] == new


def test_rollback_renumbers_the_old_revision_and_history_is_truncated() -> None:
    cluster, kubelet, sts = _setup(replicas=1, revisionHistoryLimit=1)
    _start_pending(cluster, kubelet, sts)
    first = _revisions(cluster)[0]["metadata"]["name"]
    _set_image(cluster, "nginx:1.28")
    _roll(cluster, kubelet, sts)
    _set_image(cluster, "nginx:1.27")  # back to the first template: no new revision, the first is renumbered
    _roll(cluster, kubelet, sts)
    revisions = _revisions(cluster)
    assert [(r["metadata"]["name"], r["revision"]) for r in revisions][-1] == (first, 3)
    assert get(cluster, "statefulsets", "web")["status"]["updateRevision"] == first
    assert len(revisions) == 2  # the current one and one old one (revisionHistoryLimit 1)
    _set_image(cluster, "nginx:1.26")
    _roll(cluster, kubelet, sts)
    _set_image(cluster, "nginx:1.25")
    _roll(cluster, kubelet, sts)
    assert [r["revision"] for r in _revisions(cluster)] == [4, 5]
    assert any("delete old revision" in r.action for r in reconciles(cluster, "statefulset-controller"))


def test_collision_bumps_the_collision_count() -> None:
    cluster, kubelet, sts = _setup(replicas=1)
    _start_pending(cluster, kubelet, sts)
    updated = get(cluster, "statefulsets", "web")
    updated["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    squatter = {
        "apiVersion": "apps/v1", "kind": "ControllerRevision",
        "metadata": {"name": f"web-{hash_revision(template_patch(updated), 0)}", "namespace": "default"},
        "data": {"something": "else"}, "revision": 7,
    }
    cluster.client("test").create("controllerrevisions", squatter)
    _set_image(cluster, "nginx:1.28")
    status = get(cluster, "statefulsets", "web")["status"]
    assert status["collisionCount"] == 1
    assert status["updateRevision"] == f"web-{hash_revision(template_patch(updated), 1)}"
