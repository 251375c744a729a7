"""The kubelet and container runtime on the fast clock: states, back-off timing, probes, images, faults."""

from __future__ import annotations

import itertools
from typing import Any

from kubetui.api.meta import condition_true, parse_timestamp
from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import NodeActivity


def cluster_with_node(**kwargs: Any) -> Cluster:
    return Cluster(seed=3, nodes=[NodeSpec("node-1", **kwargs)], scheduler=False, controllers=False)


def run_pod(cluster: Cluster, name: str, *, image: str = "nginx:1.27", command: list[str] | None = None,
            restart: str = "Always", annotations: dict[str, str] | None = None, **container: Any) -> None:
    spec: dict[str, Any] = {"name": "app", "image": image, **container}
    if command:
        spec["command"] = command
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": name, "annotations": annotations or {}},
           "spec": {"restartPolicy": restart, "containers": [spec]}}
    client = cluster.client("test")
    client.create("pods", pod, "default")
    client.bind("default", name, "node-1")  # what the scheduler would do


def pod(cluster: Cluster, name: str) -> dict[str, Any]:
    obj = cluster.get("pods", "default", name)
    assert obj is not None
    return obj


def state(cluster: Cluster, name: str) -> dict[str, Any]:
    return dict(pod(cluster, name)["status"]["containerStatuses"][0]["state"])


def test_node_registers_and_heartbeats() -> None:
    cluster = cluster_with_node(cpu="2", memory="4Gi", zone="zone-a")
    node = cluster.get("nodes", "", "node-1")
    assert node is not None and condition_true(node, "Ready")
    assert node["metadata"]["labels"]["topology.kubernetes.io/zone"] == "zone-a"
    assert node["status"]["capacity"]["cpu"] == "2" and node["status"]["allocatable"]["cpu"] == "1900m"
    renewals = []
    for _ in range(3):
        cluster.run_for(10)
        lease = cluster.get("leases", "kube-node-lease", "node-1")
        assert lease is not None
        renewals.append(parse_timestamp(lease["spec"]["renewTime"]))
    assert [round(b - a) for a, b in itertools.pairwise(renewals)] == [10, 10]


def test_pod_goes_pending_creating_running_with_conditions() -> None:
    cluster = cluster_with_node()
    run_pod(cluster, "web")
    cluster.run_for(0.1)
    assert pod(cluster, "web")["status"]["phase"] == "Pending"
    assert state(cluster, "web") == {"waiting": {"reason": "ContainerCreating"}}
    cluster.run_for(10)
    obj = pod(cluster, "web")
    assert obj["status"]["phase"] == "Running" and "running" in state(cluster, "web")
    for condition in ("PodScheduled", "Initialized", "ContainersReady", "Ready", "PodReadyToStartContainers"):
        assert condition_true(obj, condition), condition
    assert obj["status"]["podIP"].startswith("10.244.1.")


def test_no_status_write_while_the_image_pulls() -> None:
    """The real pod worker waits inside SyncPod for the pull: the sandbox's readiness and IP come with Running."""
    cluster = cluster_with_node()
    run_pod(cluster, "web")
    seen: list[tuple[str, bool, bool]] = []  # (container state, PodReadyToStartContainers, has a pod IP)
    while not seen or seen[-1][0] != "running":
        cluster.run_for(0.1)
        obj = pod(cluster, "web")
        if "containerStatuses" in obj["status"]:
            now = (next(iter(state(cluster, "web"))), condition_true(obj, "PodReadyToStartContainers"),
                   "podIP" in obj["status"])
            if not seen or seen[-1] != now:
                seen.append(now)
    assert seen == [("waiting", False, False), ("running", True, True)]


def test_false_crash_loops_with_doubling_back_off() -> None:
    cluster = cluster_with_node()
    run_pod(cluster, "crash", image="busybox:1.36", command=["false"])
    starts: list[float] = []
    cluster.trace.subscribe(lambda r: starts.append(r.time)
                            if isinstance(r, NodeActivity) and r.what == "started" else None)
    cluster.run_for(400)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    # doBackOff (kuberuntime_manager.go): the first restart is immediate, then 10 s doubling. A sync inside
    # the window fails and is requeued 10-15 s later (pod_workers.go), so the restart comes at the first
    # sync after the window: up to one relist (1 s) and one requeue (15 s) late, as on a real kubelet.
    assert gaps[0] <= 1 + 1e-6
    for gap, window in zip(gaps[1:6], [10, 20, 40, 80, 160], strict=True):
        assert window <= gap <= window + 16, gaps
    status = pod(cluster, "crash")["status"]["containerStatuses"][0]
    assert status["restartCount"] >= 5
    assert status["lastState"]["terminated"]["exitCode"] == 1
    # Every sync inside a window records BackOff; the correlator counts the repeats on one Event.
    backoff = [e for e in cluster.objects("events", "default") if e["reason"] == "BackOff"]
    assert len(backoff) == 1 and backoff[0]["count"] > status["restartCount"] + 5


def test_crash_loop_back_off_state_and_message() -> None:
    cluster = cluster_with_node()
    run_pod(cluster, "crash", image="busybox:1.36", command=["sh", "-c", "echo starting; exit 3"])
    cluster.run_for(5)
    waiting = state(cluster, "crash")["waiting"]
    assert waiting["reason"] == "CrashLoopBackOff"
    assert waiting["message"].startswith("back-off 10s restarting failed container=app pod=crash_default(")
    assert cluster.api.logs("kubectl", "default", "crash") == "starting\n"


def test_liveness_failure_restarts_the_container() -> None:
    cluster = cluster_with_node()
    probe = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5, "failureThreshold": 3}
    run_pod(cluster, "sick", annotations={"kubetui.dev/fail-liveness-after-seconds": "30"}, livenessProbe=probe)
    cluster.run_for(25)
    assert pod(cluster, "sick")["status"]["containerStatuses"][0]["restartCount"] == 0
    cluster.run_for(60)
    status = pod(cluster, "sick")["status"]["containerStatuses"][0]
    # nginx shuts down cleanly on the kubelet's SIGTERM: exit 0, as `kubectl describe` shows for a real one
    assert status["restartCount"] >= 1 and status["lastState"]["terminated"]["exitCode"] == 0
    reasons = {e["reason"] for e in cluster.objects("events", "default")}
    assert {"Unhealthy", "Killing"} <= reasons


def test_unknown_image_err_image_pull_then_back_off() -> None:
    cluster = cluster_with_node()
    run_pod(cluster, "bad", image="nginx:doesnotexist")
    seen: list[tuple[str, str]] = []
    for _ in range(50):
        cluster.run_for(0.1)
        waiting = state(cluster, "bad")["waiting"]
        if not seen or seen[-1][0] != waiting["reason"]:
            seen.append((waiting["reason"], waiting.get("message", "")))
    assert [reason for reason, _ in seen] == ["ContainerCreating", "ErrImagePull", "ImagePullBackOff"]
    assert "not found" in seen[1][1]


def test_sleep_with_restart_never_succeeds_and_oom_is_killed() -> None:
    cluster = cluster_with_node()
    run_pod(cluster, "job", image="busybox:1.36", command=["sleep", "5"], restart="Never")
    run_pod(cluster, "hog", annotations={"kubetui.dev/memory-usage": "300Mi"}, restart="Never",
            resources={"limits": {"memory": "128Mi"}})
    cluster.run_for(20)
    assert pod(cluster, "job")["status"]["phase"] == "Succeeded"
    assert state(cluster, "job")["terminated"]["reason"] == "Completed"
    hog = state(cluster, "hog")["terminated"]
    assert (hog["reason"], hog["exitCode"]) == ("OOMKilled", 137)
    assert pod(cluster, "hog")["status"]["phase"] == "Failed"


def test_graceful_deletion_honours_pre_stop_and_grace() -> None:
    cluster = cluster_with_node()
    run_pod(cluster, "slow", lifecycle={"preStop": {"exec": {"command": ["sleep", "8"]}}})
    cluster.run_for(10)
    cluster.client("kubectl").delete("pods", "default", "slow")
    cluster.run_for(5)
    assert pod(cluster, "slow")["metadata"]["deletionTimestamp"]  # still terminating: preStop runs
    cluster.run_for(5)
    assert cluster.get("pods", "default", "slow") is None


def test_killed_node_stops_renewing_and_revived_node_rejoins() -> None:
    cluster = cluster_with_node()
    run_pod(cluster, "web")
    cluster.run_for(15)
    lease_before = cluster.get("leases", "kube-node-lease", "node-1")["spec"]["renewTime"]  # type: ignore[index]
    cluster.chaos("kill-node", node="node-1")
    cluster.run_for(60)
    assert cluster.get("leases", "kube-node-lease", "node-1")["spec"]["renewTime"] == lease_before  # type: ignore[index]
    assert not cluster.machines["node-1"].has_pod("default", "web")
    cluster.chaos("revive-node", node="node-1")
    cluster.run_for(15)
    status = pod(cluster, "web")["status"]["containerStatuses"][0]
    assert "running" in status["state"] and status["restartCount"] == 1  # the containers came back


def test_partition_keeps_containers_but_stops_status() -> None:
    cluster = cluster_with_node()
    run_pod(cluster, "web")
    cluster.run_for(15)
    cluster.chaos("partition-node", node="node-1")
    rv = pod(cluster, "web")["metadata"]["resourceVersion"]
    cluster.chaos("kill-container", namespace="default", pod="web", container="app")
    cluster.run_for(30)
    assert pod(cluster, "web")["metadata"]["resourceVersion"] == rv  # status went stale
    cluster.chaos("heal-node", node="node-1")
    cluster.run_for(1)
    assert pod(cluster, "web")["status"]["containerStatuses"][0]["restartCount"] == 1


def test_logs_previous_and_errors() -> None:
    cluster = cluster_with_node()
    run_pod(cluster, "echo", image="busybox:1.36", command=["sh", "-c", "echo hello; sleep 2; exit 1"])
    cluster.run_for(20)
    assert cluster.api.logs("kubectl", "default", "echo", previous=True) == "hello\n"


def test_node_rejects_a_pod_that_does_not_fit() -> None:
    cluster = cluster_with_node(cpu="1")
    run_pod(cluster, "big", resources={"requests": {"cpu": "2"}})
    cluster.run_for(1)
    status = pod(cluster, "big")["status"]
    assert status["phase"] == "Failed" and status["reason"] == "OutOfcpu"


def get_node(cluster: Cluster, name: str) -> dict[str, Any]:
    node: dict[str, Any] = cluster.client("kubectl").get("nodes", "", name)
    return node


def node_events(cluster: Cluster, node: str) -> list[tuple[str, str, str]]:
    events = cluster.client("kubectl").list("events", "default")["items"]
    return [(e["source"]["component"], e["reason"], e["message"]) for e in events
            if e["involvedObject"]["kind"] == "Node" and e["involvedObject"]["name"] == node]


def test_node_events_on_start_and_after_a_revive() -> None:
    """kubectl describe node: the kubelet's Starting, one event per condition it set, NodeReady (setters.go)."""
    cluster = Cluster(seed=3, nodes=[NodeSpec("node-1"), NodeSpec("node-2")])
    cluster.run_for(20)
    started = [
        ("kubelet", "Starting", "Starting kubelet."),
        ("kubelet", "NodeHasSufficientMemory", "Node node-1 status is now: NodeHasSufficientMemory"),
        ("kubelet", "NodeHasNoDiskPressure", "Node node-1 status is now: NodeHasNoDiskPressure"),
        ("kubelet", "NodeHasSufficientPID", "Node node-1 status is now: NodeHasSufficientPID"),
        ("kubelet", "NodeReady", "Node node-1 status is now: NodeReady"),
        ("kubelet", "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods"),
    ]
    assert [e for e in node_events(cluster, "node-1") if e[0] == "kubelet"] == started
    cluster.run_for(60)  # heartbeats that change no condition's status record nothing
    assert [e for e in node_events(cluster, "node-1") if e[0] == "kubelet"] == started

    cluster.chaos("kill-node", node="node-1")
    cluster.run_for(120)
    not_ready = ("node-controller", "NodeNotReady", "Node node-1 status is now: NodeNotReady")
    assert not_ready in node_events(cluster, "node-1")
    boot_before = get_node(cluster, "node-1")["status"]["nodeInfo"]["bootID"]
    cluster.chaos("revive-node", node="node-1")
    cluster.run_for(30)
    boot = get_node(cluster, "node-1")["status"]["nodeInfo"]["bootID"]
    assert boot != boot_before
    # A new boot ID: the MachineInfo setter's Warning "Rebooted", before the condition setters run. The
    # conditions the node lifecycle controller had set to Unknown change again: the same events, once more.
    rebooted = ("kubelet", "Rebooted", f"Node node-1 has been rebooted, boot id: {boot}")
    assert [e for e in node_events(cluster, "node-1") if e[0] == "kubelet"] == (
        started + started[:1] + [rebooted] + started[1:]
    )
    warning = [e for e in cluster.client("kubectl").list("events", "default")["items"] if e["reason"] == "Rebooted"]
    assert [e["type"] for e in warning] == ["Warning"]


def test_a_healed_partition_is_not_a_reboot() -> None:
    """The same boot ID when the kubelet reaches the API server again: no Rebooted event."""
    cluster = Cluster(seed=3, nodes=[NodeSpec("node-1"), NodeSpec("node-2")])
    cluster.run_for(20)
    cluster.chaos("partition-node", node="node-1")
    cluster.run_for(120)
    cluster.chaos("heal-node", node="node-1")
    cluster.run_for(30)
    ready = [c for c in get_node(cluster, "node-1")["status"]["conditions"] if c["type"] == "Ready"]
    assert ready[0]["status"] == "True"
    assert not [e for e in node_events(cluster, "node-1") if e[1] == "Rebooted"]


def test_a_kubelet_running_for_hours_keeps_only_its_pending_timers() -> None:
    """It renews its lease every 10 s; six hours set 2,160 lease timers, and none may be kept once fired."""
    cluster = cluster_with_node()
    run_pod(cluster, "web")
    cluster.run_for(6 * 3600)
    kubelet = cluster.machines["node-1"].kubelet
    assert len(kubelet._timers) < 64
    assert all(len(worker._timers) < 64 for worker in kubelet.workers.values())


def test_the_tutorials_nginx_slim_and_fluentd_stop_cleanly_on_sigterm() -> None:
    """StatefulSet Basics runs registry.k8s.io/nginx-slim, the DaemonSet pages fluentd: a deletion or a rolling
    update shows Completed (exit 0), not the Error (143) of an unknown application dying of the signal."""
    from kubetui.node.process import program_for

    for image in ("registry.k8s.io/nginx-slim:0.24", "quay.io/fluentd_elasticsearch/fluentd:v2.5.2"):
        program = program_for({"name": "c", "image": image}, {}, "web-0", ())
        assert program.server and program.handles_sigterm and program.term_exit_code == 0, image
    unknown = program_for({"name": "c", "image": "registry.k8s.io/some-app:1.0"}, {}, "web-0", ())
    assert unknown.term_exit_code == 143
    slim = program_for({"name": "c", "image": "registry.k8s.io/nginx-slim:0.24"}, {}, "web-0", ())
    assert slim.ports == (80,) and slim.style == "nginx"
