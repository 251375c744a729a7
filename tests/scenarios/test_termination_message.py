"""Determine the Reason for Pod Failure: the termination message a container writes reaches its status."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster


def _pod(name: str, script: str, **container: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {
        "restartPolicy": container.pop("restartPolicy", "Always"),
        "containers": [{"name": f"{name}-container", "image": "debian", "command": ["/bin/sh"],
                        "args": ["-c", script], **container}]}}


def _status(cluster: Cluster, name: str) -> dict[str, Any]:
    pod = cluster.get("pods", "default", name)
    assert pod is not None
    return dict(pod["status"]["containerStatuses"][0])


def test_the_pages_termination_demo_reports_sleep_expired() -> None:
    cluster = Cluster(seed=2, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _pod("termination-demo", "sleep 10 && echo Sleep expired > /dev/termination-log"))
    cluster.run_for(25)
    status = _status(cluster, "termination-demo")
    terminated = (status.get("lastState") or {}).get("terminated") or status["state"].get("terminated")
    assert terminated is not None and terminated["message"] == "Sleep expired\n"
    assert terminated["reason"] == "Completed" and terminated["exitCode"] == 0


def test_a_custom_path_a_failure_and_the_fallback_to_logs() -> None:
    cluster = Cluster(seed=2, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _pod("custom", "echo custom reason > /tmp/my-log; exit 1",
                                terminationMessagePath="/tmp/my-log", restartPolicy="Never"))
    kubectl.create("pods", _pod("fallback", "echo starting; echo 'fatal: something broke'; exit 2",
                                terminationMessagePolicy="FallbackToLogsOnError", restartPolicy="Never"))
    kubectl.create("pods", _pod("quiet", "echo starting; exit 2", restartPolicy="Never"))  # File: the log is not read
    kubectl.create("pods", _pod("fine", "echo all good", terminationMessagePolicy="FallbackToLogsOnError",
                                restartPolicy="Never"))  # a success is not explained from its log
    cluster.run_for(20)
    assert _status(cluster, "custom")["state"]["terminated"]["message"] == "custom reason\n"
    fallback = _status(cluster, "fallback")["state"]["terminated"]
    assert fallback["message"] == "starting\nfatal: something broke\n" and fallback["exitCode"] == 2
    assert "message" not in _status(cluster, "quiet")["state"]["terminated"]
    assert "message" not in _status(cluster, "fine")["state"]["terminated"]


def test_fallback_keeps_the_last_80_lines_within_2_kib() -> None:
    cluster = Cluster(seed=2, nodes=default_nodes(2))
    cluster.client("kubectl").create("pods", _pod(
        "chatty", "for i in $(seq 1 200); do echo line $i; done; exit 1",
        terminationMessagePolicy="FallbackToLogsOnError", restartPolicy="Never"))
    cluster.run_for(20)
    message = _status(cluster, "chatty")["state"]["terminated"]["message"]
    assert message.splitlines()[0] == "line 121" and message.endswith("line 200\n") and len(message) <= 2048
