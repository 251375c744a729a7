"""Server-side tables: kubectl's columns, and pod STATUS exactly as printers.go computes it."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.api.meta import timestamp
from kubetui.api.resources import BY_PLURAL
from kubetui.http.tables import (
    human_duration,
    pod_status_reason,
    print_event,
    print_node,
    print_service,
    to_table,
)
from tests.http.conftest import TABLE, Api, deployment, pod

NOW = 3600.0


def _pod(
    statuses: list[dict[str, Any]] | None = None,
    init: list[dict[str, Any]] | None = None,
    init_specs: int = 0,
    phase: str = "Running",
    deleting: bool = False,
    **status: Any,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": f"c{i}"} for i in range(len(statuses or [{}]))]}
    if init_specs:
        spec["initContainers"] = [{"name": f"i{i}"} for i in range(init_specs)]
    meta: dict[str, Any] = {"name": "p", "creationTimestamp": timestamp(0)}
    if deleting:
        meta["deletionTimestamp"] = timestamp(NOW)
    return {
        "metadata": meta,
        "spec": spec,
        "status": {
            "phase": phase,
            "containerStatuses": statuses or [],
            "initContainerStatuses": init or [],
            **status,
        },
    }


def running(ready: bool = True, restarts: int = 0, finished: float | None = None) -> dict[str, Any]:
    cs: dict[str, Any] = {
        "name": "c0",
        "ready": ready,
        "restartCount": restarts,
        "state": {"running": {"startedAt": timestamp(10)}},
    }
    if finished is not None:
        cs["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": timestamp(finished)}}
    return cs


def waiting(reason: str, restarts: int = 0) -> dict[str, Any]:
    return {"name": "c0", "ready": False, "restartCount": restarts, "state": {"waiting": {"reason": reason}}}


def terminated(reason: str = "", exit_code: int = 0, signal: int = 0) -> dict[str, Any]:
    state: dict[str, Any] = {"exitCode": exit_code}
    if reason:
        state["reason"] = reason
    if signal:
        state["signal"] = signal
    return {"name": "c0", "ready": False, "restartCount": 0, "state": {"terminated": state}}


@pytest.mark.parametrize(
    ("pod", "expected"),
    [
        (_pod([running()]), ("Running", 1, 1)),
        (_pod([waiting("ContainerCreating")], phase="Pending"), ("ContainerCreating", 0, 1)),
        (_pod([waiting("CrashLoopBackOff", restarts=4)]), ("CrashLoopBackOff", 0, 1)),
        (_pod([waiting("ImagePullBackOff")], phase="Pending"), ("ImagePullBackOff", 0, 1)),
        (_pod([terminated("Completed")], phase="Succeeded"), ("Completed", 0, 1)),
        (_pod([terminated("OOMKilled", 137)], phase="Failed"), ("OOMKilled", 0, 1)),
        (_pod([terminated(exit_code=3)], phase="Failed"), ("ExitCode:3", 0, 1)),
        (_pod([terminated(exit_code=0, signal=9)], phase="Failed"), ("Signal:9", 0, 1)),
        (_pod([running()], deleting=True), ("Terminating", 1, 1)),
        (_pod([terminated("Completed")], phase="Succeeded", deleting=True), ("Completed", 0, 1)),
        (_pod([running()], deleting=True, reason="NodeLost"), ("Unknown", 1, 1)),
        (_pod([], phase="Pending"), ("Pending", 0, 1)),
        (
            _pod(
                [],
                phase="Pending",
                conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}],
            ),
            ("SchedulingGated", 0, 1),
        ),
        (
            _pod(
                [waiting("PodInitializing")],
                init=[{"name": "i0", "state": {"running": {}}}],
                init_specs=1,
                phase="Pending",
            ),
            ("Init:0/1", 0, 1),
        ),
        (
            _pod(
                [waiting("PodInitializing")],
                init=[{"name": "i0", "restartCount": 2, "state": {"waiting": {"reason": "CrashLoopBackOff"}}}],
                init_specs=1,
                phase="Pending",
            ),
            ("Init:CrashLoopBackOff", 0, 1),
        ),
        (
            _pod(
                [waiting("PodInitializing")],
                init=[{"name": "i0", "state": {"terminated": {"exitCode": 2}}}],
                init_specs=1,
                phase="Pending",
            ),
            ("Init:ExitCode:2", 0, 1),
        ),
        (
            _pod(
                [{**terminated("Completed"), "name": "c1"}, running()],
                conditions=[{"type": "Ready", "status": "False"}],
            ),
            ("NotReady", 1, 2),
        ),
        (
            _pod(
                [{**terminated("Completed"), "name": "c1"}, running()],
                conditions=[{"type": "Ready", "status": "True"}],
            ),
            ("Running", 1, 2),
        ),
    ],
)
def test_pod_status_column(pod: dict[str, Any], expected: tuple[str, int, int]) -> None:
    reason, ready, total, _, _ = pod_status_reason(pod)
    assert (reason, ready, total) == expected


def test_restarts_show_how_long_ago_the_last_one_was() -> None:
    table = to_table(BY_PLURAL["pods"], [_pod([running(restarts=3, finished=NOW - 300)])], NOW)
    assert table["rows"][0]["cells"][:5] == ["p", "1/1", "Running", "3 (5m ago)", "60m"]


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (59, "59s"),
        (119, "119s"),
        (120, "2m"),
        (150, "2m30s"),
        (600, "10m"),
        (179 * 60, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 60 * 25, "3h25m"),
        (8 * 3600, "8h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (50 * 3600, "2d2h"),
        (8 * 86400, "8d"),
        (800 * 86400, "2y70d"),
        (9 * 365 * 86400, "9y"),
    ],
)
def test_human_duration(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def test_node_status_and_roles() -> None:
    node = {
        "metadata": {
            "name": "n1",
            "creationTimestamp": timestamp(0),
            "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "edge"},
        },
        "spec": {"unschedulable": True},
        "status": {
            "conditions": [{"type": "Ready", "status": "Unknown"}],
            "nodeInfo": {"kubeletVersion": "v1.32.0"},
            "addresses": [{"type": "InternalIP", "address": "10.0.0.4"}],
        },
    }
    cells = print_node(node, NOW)
    assert cells[:5] == ["n1", "NotReady,SchedulingDisabled", "control-plane,edge", "60m", "v1.32.0"]
    assert cells[5:] == ["10.0.0.4", "<none>", "<unknown>", "<unknown>", "<unknown>"]


def test_service_and_event_rows() -> None:
    svc = {
        "metadata": {"name": "web", "creationTimestamp": timestamp(0)},
        "spec": {
            "type": "NodePort",
            "clusterIP": "10.96.0.10",
            "clusterIPs": ["10.96.0.10"],
            "ports": [{"port": 80, "nodePort": 30080, "protocol": "TCP"}],
            "selector": {"app": "web"},
        },
    }
    assert print_service(svc, NOW) == [
        "web",
        "NodePort",
        "10.96.0.10",
        "<none>",
        "80:30080/TCP",
        "60m",
        "app=web",
    ]
    event = {
        "metadata": {"name": "e1"},
        "type": "Warning",
        "reason": "BackOff",
        "message": " Back-off restarting ",
        "involvedObject": {"kind": "Pod", "name": "web-1"},
        "count": 5,
        "source": {"component": "kubelet", "host": "node-1"},
        "firstTimestamp": timestamp(NOW - 600),
        "lastTimestamp": timestamp(NOW - 30),
    }
    assert print_event(event, NOW) == [
        "30s",
        "Warning",
        "BackOff",
        "pod/web-1",
        "",
        "kubelet, node-1",
        "Back-off restarting",
        "10m",
        5,
        "e1",
    ]


async def test_tables_over_http_use_the_virtual_clock(api: Api) -> None:
    await api.call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment(replicas=3))
    api.cluster.clock.run_for(150)
    code, table = await api.call("GET", "/apis/apps/v1/namespaces/default/deployments", headers={"Accept": TABLE})
    assert code == 200 and table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    names = [c["name"] for c in table["columnDefinitions"]]
    assert names == ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"]
    assert [c["priority"] for c in table["columnDefinitions"]] == [0, 0, 0, 0, 0, 1, 1, 1]
    row = table["rows"][0]
    assert row["cells"] == ["web", "0/3", 0, 0, "2m30s", "web", "nginx:1.27", "app=web"]
    assert row["object"]["kind"] == "PartialObjectMetadata"
    assert row["object"]["metadata"]["labels"] == {"app": "web"}  # what --show-labels and -L read
    await api.call("POST", "/api/v1/namespaces/default/pods", pod("p1"))
    _, single = await api.call(
        "GET", "/api/v1/namespaces/default/pods/p1?includeObject=Object", headers={"Accept": TABLE}
    )
    assert [c["name"] for c in single["columnDefinitions"]][:5] == [
        "Name",
        "Ready",
        "Status",
        "Restarts",
        "Age",
    ]
    assert single["rows"][0]["cells"] == [
        "p1",
        "0/1",
        "Pending",
        "0",
        "0s",
        "<none>",
        "<none>",
        "<none>",
        "<none>",
    ]
    assert single["rows"][0]["object"]["kind"] == "Pod"
