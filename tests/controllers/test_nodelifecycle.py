"""The node lifecycle controller: silent kubelets, taints, NotReady pods, taint-based eviction."""

from __future__ import annotations

from kubetui.api.meta import parse_timestamp
from kubetui.controllers.nodelifecycle import (
    NODE_MONITOR_GRACE_PERIOD,
    NODE_MONITOR_PERIOD,
    NodeLifecycleController,
)
from kubetui.sim.cluster import Cluster
from tests.controllers.test_endpoints_kit import (
    FakeKubelet,
    bare_cluster,
    condition,
    events,
    get,
    pod,
    reconciles,
    start,
)

Obj = dict
TOLERATION_SECONDS = 300


def _node(cluster: Cluster, name: str) -> Obj:
    return get(cluster, "nodes", name, namespace="")


def _taints(cluster: Cluster, name: str) -> list[tuple[str, str]]:
    return sorted((t["key"], t["effect"]) for t in _node(cluster, name)["spec"].get("taints") or ())


def _ready(cluster: Cluster, name: str) -> str:
    cond = condition(_node(cluster, name), "Ready")
    assert cond is not None
    return str(cond["status"])


def _two_nodes(zone_b: str = "zone-b") -> tuple[Cluster, FakeKubelet, FakeKubelet]:
    """node-a and node-b in different zones, each running one pod; node-b stays healthy."""
    cluster = bare_cluster()
    start(cluster, NodeLifecycleController)
    a = FakeKubelet(cluster, "node-a", zone="zone-a")
    b = FakeKubelet(cluster, "node-b", zone=zone_b)
    api = cluster.client("test")
    for kubelet, name in ((a, "pod-a"), (b, "pod-b")):
        api.create("pods", pod(name, {"app": "web"}))
        kubelet.bind("default", name)
        kubelet.run("default", name)
    cluster.run_for(20)
    return cluster, a, b


def test_silent_node_goes_unknown_after_the_grace_period() -> None:
    cluster, a, _ = _two_nodes()
    a.die()
    died = cluster.clock.now
    assert cluster.run_until(lambda: _ready(cluster, "node-a") == "Unknown", timeout=120)
    # The last renewal came at most 10 s before the death; the controller notices a renewal at its
    # next 5 s check, and notices the silence at the first check past the grace period.
    silent = cluster.clock.now - died
    assert NODE_MONITOR_GRACE_PERIOD - 10 < silent <= NODE_MONITOR_GRACE_PERIOD + 2 * NODE_MONITOR_PERIOD
    node = _node(cluster, "node-a")
    for ctype in ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure"):
        cond = condition(node, ctype)
        assert cond is not None and cond["status"] == "Unknown"
        assert cond["reason"] == "NodeStatusUnknown"
        assert cond["message"] == "Kubelet stopped posting node status."
    assert _ready(cluster, "node-b") == "True"
    (event,) = events(cluster, "NodeNotReady", "node-a")
    assert event["message"] == "Node node-a status is now: NodeNotReady"
    assert event["source"]["component"] == "node-controller"


def test_unreachable_taints_and_pods_marked_not_ready() -> None:
    cluster, a, _ = _two_nodes()
    a.die()
    assert cluster.run_until(
        lambda: ("node.kubernetes.io/unreachable", "NoExecute") in _taints(cluster, "node-a"), timeout=120
    )
    cluster.run_for(1)
    assert _taints(cluster, "node-a") == [
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoSchedule"),
    ]
    taint = next(t for t in _node(cluster, "node-a")["spec"]["taints"] if t["effect"] == "NoExecute")
    assert parse_timestamp(taint["timeAdded"]) is not None
    ready = condition(get(cluster, "pods", "pod-a"), "Ready")
    assert ready is not None and ready["status"] == "False"
    assert condition(get(cluster, "pods", "pod-b"), "Ready")["status"] == "True"  # type: ignore[index]
    (event,) = events(cluster, "NodeNotReady", "pod-a")
    assert (event["type"], event["message"]) == ("Warning", "Node is not ready")
    assert any("set conditions Unknown" in r.action for r in reconciles(cluster, "node-lifecycle-controller"))


def test_pods_are_evicted_after_their_toleration_seconds() -> None:
    cluster, a, _ = _two_nodes()
    api = cluster.client("test")
    api.create(
        "pods",
        pod(
            "forever",
            tolerations=[
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"}
            ],
        ),
    )
    a.bind("default", "forever")
    a.run("default", "forever")
    a.die()
    assert cluster.run_until(
        lambda: ("node.kubernetes.io/unreachable", "NoExecute") in _taints(cluster, "node-a"), timeout=120
    )
    tainted = cluster.clock.now
    assert cluster.run_until(
        lambda: bool(get(cluster, "pods", "pod-a")["metadata"].get("deletionTimestamp")), timeout=400
    )
    assert abs(cluster.clock.now - tainted - TOLERATION_SECONDS) <= 1
    evicted = get(cluster, "pods", "pod-a")  # graceful delete on a dead node: it stays Terminating
    target = condition(evicted, "DisruptionTarget")
    assert target is not None and target["reason"] == "DeletionByTaintManager"
    assert target["message"] == "Taint manager: deleting due to NoExecute taint"
    (event,) = events(cluster, "TaintManagerEviction", "pod-a")
    assert event["message"] == "Marking for deletion Pod default/pod-a"
    assert event["source"]["component"] == "taint-eviction-controller"
    cluster.run_for(600)
    assert not get(cluster, "pods", "forever")["metadata"].get("deletionTimestamp")
    assert not get(cluster, "pods", "pod-b")["metadata"].get("deletionTimestamp")
    assert any(
        r.controller == "taint-eviction-controller" for r in reconciles(cluster, "taint-eviction-controller")
    )


def test_untolerated_no_execute_taint_evicts_at_once() -> None:
    cluster, _, _ = _two_nodes()
    node = _node(cluster, "node-a")
    node["spec"]["taints"] = [{"key": "dedicated", "value": "db", "effect": "NoExecute"}]
    cluster.client("admin").update("nodes", node)
    cluster.run_for(0.1)
    assert get(cluster, "pods", "pod-a")["metadata"].get("deletionTimestamp")


def test_node_back_is_untainted_and_eviction_cancelled() -> None:
    cluster, a, _ = _two_nodes()
    a.die()
    assert cluster.run_until(
        lambda: ("node.kubernetes.io/unreachable", "NoExecute") in _taints(cluster, "node-a"), timeout=120
    )
    cluster.run_for(30)
    a.revive()
    assert cluster.run_until(lambda: not _taints(cluster, "node-a"), timeout=30)
    assert _ready(cluster, "node-a") == "True"
    cluster.run_for(TOLERATION_SECONDS + 10)
    assert not get(cluster, "pods", "pod-a")["metadata"].get("deletionTimestamp")
    (cancel,) = [e for e in events(cluster, "TaintManagerEviction", "pod-a") if "Cancelling" in e["message"]]
    assert cancel["message"] == "Cancelling deletion of Pod default/pod-a"


def test_not_ready_kubelet_gets_not_ready_taints() -> None:
    cluster, a, _ = _two_nodes()
    a.post_ready("False")
    assert cluster.run_until(
        lambda: ("node.kubernetes.io/not-ready", "NoExecute") in _taints(cluster, "node-a"), timeout=30
    )
    assert ("node.kubernetes.io/not-ready", "NoSchedule") in _taints(cluster, "node-a")
    assert _ready(cluster, "node-a") == "False"  # the kubelet's word stands: no Unknown


def test_cordon_adds_the_unschedulable_taint() -> None:
    cluster, _, _ = _two_nodes()
    admin = cluster.client("kubectl")
    admin.merge_patch("nodes", "", "node-b", {"spec": {"unschedulable": True}})
    cluster.run_for(0.1)
    assert _taints(cluster, "node-b") == [("node.kubernetes.io/unschedulable", "NoSchedule")]
    admin.merge_patch("nodes", "", "node-b", {"spec": {"unschedulable": None}})
    cluster.run_for(0.1)
    assert _taints(cluster, "node-b") == []


def test_when_every_node_is_down_nothing_is_evicted() -> None:
    cluster, a, b = _two_nodes()
    a.die()
    b.die()
    cluster.run_for(400)
    assert _ready(cluster, "node-a") == "Unknown" and _ready(cluster, "node-b") == "Unknown"
    for name in ("node-a", "node-b"):
        assert ("node.kubernetes.io/unreachable", "NoExecute") not in _taints(cluster, name)
    assert not get(cluster, "pods", "pod-a")["metadata"].get("deletionTimestamp")
    assert any("full disruption" in r.action for r in reconciles(cluster, "node-lifecycle-controller"))


def test_tainting_is_rate_limited_within_a_zone() -> None:
    cluster = bare_cluster()
    start(cluster, NodeLifecycleController)
    kubelets = [FakeKubelet(cluster, f"node-{i}", zone="zone-a") for i in range(4)]
    cluster.run_for(20)
    kubelets[0].die()
    kubelets[1].die()
    cluster.run_for(150)
    added = sorted(
        parse_timestamp(t["timeAdded"]) or 0.0
        for i in (0, 1)
        for t in _node(cluster, f"node-{i}")["spec"]["taints"]
        if t["effect"] == "NoExecute"
    )
    assert len(added) == 2 and added[1] - added[0] >= 10  # --node-eviction-rate 0.1: one node per 10 s


def test_pod_bound_to_a_dead_node_is_marked_not_ready() -> None:
    cluster, a, _ = _two_nodes()
    a.die()
    assert cluster.run_until(lambda: _ready(cluster, "node-a") == "Unknown", timeout=120)
    api = cluster.client("test")
    api.create("pods", pod("late"))
    a.bind("default", "late")
    a.run("default", "late")  # a stale report: the pod claims Ready
    cluster.run_for(1)
    assert condition(get(cluster, "pods", "late"), "Ready")["status"] == "False"  # type: ignore[index]


def test_registered_node_event() -> None:
    cluster, _, _ = _two_nodes()
    (event,) = events(cluster, "RegisteredNode", "node-a")
    assert event["message"] == "Node node-a event: Registered Node node-a in Controller"


def test_beta_os_label_follows_the_ga_one() -> None:
    cluster, _, _ = _two_nodes()
    cluster.client("admin").merge_patch(
        "nodes",
        "",
        "node-a",
        {"metadata": {"labels": {"kubernetes.io/arch": "arm64", "beta.kubernetes.io/os": "windows"}}},
    )
    cluster.run_for(0.1)
    labels = _node(cluster, "node-a")["metadata"]["labels"]
    assert labels["beta.kubernetes.io/arch"] == "arm64" and labels["beta.kubernetes.io/os"] == "linux"
