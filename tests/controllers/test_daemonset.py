"""The DaemonSet controller: one pod per eligible node, following nodes, taints and template changes."""

from __future__ import annotations

from kubetui.controllers.daemonset import DaemonSetController
from kubetui.controllers.podutil import template_hash
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


def _daemonset(name: str = "agent", **spec: object) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": name}}, "template": template({"app": name}), **spec},
    }


def _target(pod: Obj) -> str:
    terms = pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    (term,) = terms["nodeSelectorTerms"]
    (field,) = term["matchFields"]
    assert (field["key"], field["operator"]) == ("metadata.name", "In")
    return str(field["values"][0])


def _schedule_and_run(cluster: Cluster, kubelets: dict[str, FakeKubelet], ds: Obj) -> None:
    """Play the scheduler (bind where the affinity says) and the kubelets (run, Ready)."""
    for pod in owned_pods(cluster, ds):
        if pod["metadata"].get("deletionTimestamp"):
            continue
        node = pod["spec"].get("nodeName") or _target(pod)
        if not pod["spec"].get("nodeName"):
            kubelets[node].bind("default", pod["metadata"]["name"])
        if pod["status"].get("phase") != "Running":
            kubelets[node].run("default", pod["metadata"]["name"])
    cluster.run_for(1)


def _setup(nodes: int = 3, **spec: object) -> tuple[Cluster, dict[str, FakeKubelet], Obj]:
    cluster = bare_cluster()
    start(cluster, DaemonSetController)
    kubelets = {
        f"node-{i}": FakeKubelet(cluster, f"node-{i}", labels={"disk": "ssd" if i % 2 else "hdd"})
        for i in range(1, nodes + 1)
    }
    cluster.client("test").create("daemonsets", _daemonset(**spec))
    cluster.run_for(1)
    return cluster, kubelets, get(cluster, "daemonsets", "agent")


def _nodes_with_pods(cluster: Cluster, ds: Obj) -> list[str]:
    return sorted(_target(p) for p in owned_pods(cluster, ds) if not p["metadata"].get("deletionTimestamp"))


def test_one_pod_per_node_pinned_by_node_affinity() -> None:
    cluster, kubelets, ds = _setup()
    pods = owned_pods(cluster, ds)
    assert _nodes_with_pods(cluster, ds) == ["node-1", "node-2", "node-3"]
    first = pods[0]
    assert first["metadata"]["generateName"] == "agent-"
    assert "nodeName" not in first["spec"]  # the scheduler binds it
    labels = first["metadata"]["labels"]
    assert labels["app"] == "agent" and labels["pod-template-generation"] == "1"
    assert labels["controller-revision-hash"]
    keys = {(t["key"], t["effect"]) for t in first["spec"]["tolerations"]}
    assert keys >= {
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    }
    not_ready = next(t for t in first["spec"]["tolerations"] if t["key"] == "node.kubernetes.io/not-ready")
    assert "tolerationSeconds" not in not_ready  # daemon pods are never evicted for a dead node
    assert len(events(cluster, "SuccessfulCreate")) == 3
    _schedule_and_run(cluster, kubelets, ds)
    status = get(cluster, "daemonsets", "agent")["status"]
    assert status == {
        "currentNumberScheduled": 3,
        "desiredNumberScheduled": 3,
        "numberMisscheduled": 0,
        "numberReady": 3,
        "numberAvailable": 3,
        "updatedNumberScheduled": 3,
        "observedGeneration": 1,
    }


def test_follows_nodes_added_and_removed() -> None:
    cluster, kubelets, ds = _setup(nodes=2)
    kubelets["node-3"] = FakeKubelet(cluster, "node-3")
    cluster.run_for(1)
    assert _nodes_with_pods(cluster, ds) == ["node-1", "node-2", "node-3"]
    cluster.client("admin").delete("nodes", "", "node-2")
    cluster.run_for(1)
    assert get(cluster, "daemonsets", "agent")["status"]["desiredNumberScheduled"] == 2
    assert any("create 1 pods (node-3)" in r.action for r in reconciles(cluster, "daemonset-controller"))


def test_node_selector_and_label_changes() -> None:
    cluster, _, ds = _setup(nodes=3)
    spec = get(cluster, "daemonsets", "agent")
    spec["spec"]["template"]["spec"]["nodeSelector"] = {"disk": "ssd"}
    cluster.client("test").update("daemonsets", spec)
    cluster.run_for(1)
    assert _nodes_with_pods(cluster, ds) == ["node-1", "node-3"]  # node-2's pod went
    cluster.client("admin").merge_patch("nodes", "", "node-2", {"metadata": {"labels": {"disk": "ssd"}}})
    cluster.run_for(1)
    assert _nodes_with_pods(cluster, ds) == ["node-1", "node-2", "node-3"]


def test_taints_no_schedule_blocks_new_pods_no_execute_removes_running_ones() -> None:
    cluster, kubelets, ds = _setup(nodes=2)
    _schedule_and_run(cluster, kubelets, ds)
    admin = cluster.client("admin")
    admin.merge_patch("nodes", "", "node-1", {"spec": {"taints": [{"key": "gpu", "effect": "NoSchedule"}]}})
    cluster.run_for(1)
    assert _nodes_with_pods(cluster, ds) == ["node-1", "node-2"]  # a running pod may stay
    status = get(cluster, "daemonsets", "agent")["status"]
    assert (status["desiredNumberScheduled"], status["numberMisscheduled"]) == (1, 1)
    admin.merge_patch("nodes", "", "node-1", {"spec": {"taints": [{"key": "gpu", "effect": "NoExecute"}]}})
    cluster.run_for(1)
    assert _nodes_with_pods(cluster, ds) == ["node-2"]
    kubelets["node-3"] = FakeKubelet(cluster, "node-3", taints=[{"key": "gpu", "effect": "NoSchedule"}])
    cluster.run_for(1)
    assert _nodes_with_pods(cluster, ds) == ["node-2"]


def test_cordoned_node_still_gets_its_daemon_pod() -> None:
    cluster = bare_cluster()
    start(cluster, DaemonSetController)
    FakeKubelet(
        cluster, "node-1", taints=[{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]
    )
    cluster.client("test").create("daemonsets", _daemonset())
    cluster.run_for(1)
    assert _nodes_with_pods(cluster, get(cluster, "daemonsets", "agent")) == ["node-1"]


def test_rolling_update_replaces_one_pod_at_a_time() -> None:
    cluster, kubelets, ds = _setup(nodes=3)
    _schedule_and_run(cluster, kubelets, ds)
    old_hash = owned_pods(cluster, ds)[0]["metadata"]["labels"]["controller-revision-hash"]
    updated = get(cluster, "daemonsets", "agent")
    updated["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    cluster.client("test").update("daemonsets", updated)
    cluster.run_for(1)
    live = [p for p in owned_pods(cluster, ds) if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 2  # maxUnavailable 1: one old pod deleted, nothing else yet
    rounds = 0
    while rounds < 6:
        rounds += 1
        for pod in owned_pods(cluster, ds):  # the kubelets finish the terminating pods
            if pod["metadata"].get("deletionTimestamp"):
                kubelets[pod["spec"]["nodeName"]].confirm_deletion("default", pod["metadata"]["name"])
        cluster.run_for(1)
        _schedule_and_run(cluster, kubelets, ds)
        hashes = {p["metadata"]["labels"]["controller-revision-hash"] for p in owned_pods(cluster, ds)}
        if old_hash not in hashes and len(owned_pods(cluster, ds)) == 3:
            break
    assert rounds == 3  # three nodes, one at a time
    assert {p["spec"]["containers"][0]["image"] for p in owned_pods(cluster, ds)} == {"nginx:1.28"}
    assert get(cluster, "daemonsets", "agent")["status"]["updatedNumberScheduled"] == 3


def test_failed_daemon_pod_is_replaced() -> None:
    cluster, kubelets, ds = _setup(nodes=1)
    _schedule_and_run(cluster, kubelets, ds)
    (pod,) = owned_pods(cluster, ds)
    kubelets["node-1"].finish("default", pod["metadata"]["name"], exit_code=1)
    cluster.run_for(1)
    (event,) = events(cluster, "FailedDaemonPod")
    assert event["message"] == (
        f"Found failed daemon pod default/{pod['metadata']['name']} on node node-1, will try to kill it"
    )
    names = [p["metadata"]["name"] for p in owned_pods(cluster, ds)]
    assert pod["metadata"]["name"] not in names and len(names) == 1


def _revisions(cluster: Cluster) -> list[Obj]:
    return sorted(cluster.objects("controllerrevisions", "default"), key=lambda r: r["revision"])


def _set_image(cluster: Cluster, image: str) -> None:
    updated = get(cluster, "daemonsets", "agent")
    updated["spec"]["template"]["spec"]["containers"][0]["image"] = image
    cluster.client("test").update("daemonsets", updated)
    cluster.run_for(1)


def _roll(cluster: Cluster, kubelets: dict[str, FakeKubelet], ds: Obj, rounds: int = 4) -> None:
    for _ in range(rounds):
        for pod in owned_pods(cluster, ds):
            if pod["metadata"].get("deletionTimestamp"):
                kubelets[pod["spec"]["nodeName"]].confirm_deletion("default", pod["metadata"]["name"])
        cluster.run_for(1)
        _schedule_and_run(cluster, kubelets, ds)


def test_each_template_is_a_controller_revision_the_pods_point_at() -> None:
    cluster, kubelets, ds = _setup(nodes=2)
    _schedule_and_run(cluster, kubelets, ds)
    (revision,) = _revisions(cluster)
    hash_ = revision["metadata"]["labels"]["controller-revision-hash"]
    assert revision["metadata"]["name"] == f"agent-{hash_}" and revision["revision"] == 1
    assert {p["metadata"]["labels"]["controller-revision-hash"] for p in owned_pods(cluster, ds)} == {hash_}
    (ref,) = revision["metadata"]["ownerReferences"]
    assert (ref["kind"], ref["name"], ref["controller"]) == ("DaemonSet", "agent", True)
    template = revision["data"]["spec"]["template"]
    assert template["$patch"] == "replace" and template["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert template["metadata"] == {"creationTimestamp": None, "labels": {"app": "agent"}}
    _set_image(cluster, "nginx:1.28")
    _roll(cluster, kubelets, ds)
    first, second = _revisions(cluster)
    assert (first["revision"], second["revision"]) == (1, 2)
    new_hash = second["metadata"]["labels"]["controller-revision-hash"]
    assert {p["metadata"]["labels"]["controller-revision-hash"] for p in owned_pods(cluster, ds)} == {new_hash}
    assert get(cluster, "daemonsets", "agent")["status"]["updatedNumberScheduled"] == 2


def test_rollback_renumbers_the_revision_and_old_ones_are_cleaned_up() -> None:
    cluster, kubelets, ds = _setup(nodes=1, revisionHistoryLimit=1)
    _schedule_and_run(cluster, kubelets, ds)
    first = _revisions(cluster)[0]["metadata"]["name"]
    _set_image(cluster, "nginx:1.28")
    _roll(cluster, kubelets, ds)
    # What `kubectl rollout undo` does: patch the template back from the revision's data.
    cluster.client("test").patch("daemonsets", "default", "agent", _revisions(cluster)[0]["data"])
    cluster.run_for(1)
    _roll(cluster, kubelets, ds)
    assert [(r["metadata"]["name"], r["revision"]) for r in _revisions(cluster)][-1] == (first, 3)
    assert {p["spec"]["containers"][0]["image"] for p in owned_pods(cluster, ds)} == {"nginx:1.27"}
    for image in ("nginx:1.26", "nginx:1.25"):
        _set_image(cluster, image)
        _roll(cluster, kubelets, ds)
    assert [r["revision"] for r in _revisions(cluster)] == [4, 5]  # one old revision kept, no pod runs it


def test_duplicate_revisions_of_the_current_template_are_merged() -> None:
    cluster, kubelets, ds = _setup(nodes=1)
    _schedule_and_run(cluster, kubelets, ds)
    (revision,) = _revisions(cluster)
    twin = {
        "apiVersion": "apps/v1", "kind": "ControllerRevision",
        "metadata": {"name": "agent-twin", "namespace": "default",
                     "labels": {"app": "agent", "controller-revision-hash": "twin"},
                     "ownerReferences": revision["metadata"]["ownerReferences"]},
        "data": revision["data"], "revision": 5,
    }
    cluster.client("test").create("controllerrevisions", twin)
    cluster.run_for(1)
    assert [r["metadata"]["name"] for r in _revisions(cluster)] == ["agent-twin"]
    assert {p["metadata"]["labels"]["controller-revision-hash"] for p in owned_pods(cluster, ds)} == {"twin"}


def test_name_collision_bumps_the_collision_count() -> None:
    cluster, kubelets, ds = _setup(nodes=1)
    _schedule_and_run(cluster, kubelets, ds)
    updated = get(cluster, "daemonsets", "agent")
    updated["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    taken = f"agent-{template_hash(updated['spec']['template'])}"
    cluster.client("test").create("controllerrevisions", {
        "apiVersion": "apps/v1", "kind": "ControllerRevision",
        "metadata": {"name": taken, "namespace": "default"}, "data": {"other": True}, "revision": 9,
    })
    cluster.client("test").update("daemonsets", updated)
    cluster.run_for(5)
    assert get(cluster, "daemonsets", "agent")["status"]["collisionCount"] == 1
    names = {r["metadata"]["name"] for r in _revisions(cluster)}
    assert f"agent-{template_hash(updated['spec']['template'], 1)}" in names
