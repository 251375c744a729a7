"""NodePorts: cases from plugins/nodeports/node_ports_test.go (TestNodePorts)."""

from __future__ import annotations

import pytest

from kubetui.scheduler.framework import Code
from kubetui.scheduler.plugins.node_ports import ERR_REASON, NodePorts
from tests.scheduler.builders import Harness, node, pod

Port = tuple[str, str, int]
CASES: dict[str, tuple[list[Port], list[Port], bool]] = {
    "nothing running": ([], [], True),
    "other port": ([("127.0.0.1", "UDP", 8080)], [("127.0.0.1", "UDP", 9090)], True),
    "same udp port": ([("127.0.0.1", "UDP", 8080)], [("127.0.0.1", "UDP", 8080)], False),
    "same tcp port": ([("127.0.0.1", "TCP", 8080)], [("127.0.0.1", "TCP", 8080)], False),
    "different host ip": ([("127.0.0.1", "TCP", 8080)], [("127.0.0.2", "TCP", 8080)], True),
    "different protocol": ([("127.0.0.1", "UDP", 8080)], [("127.0.0.1", "TCP", 8080)], True),
    "second udp port conflict": (
        [("127.0.0.1", "UDP", 8000), ("127.0.0.1", "UDP", 8080)],
        [("127.0.0.1", "UDP", 8080)],
        False,
    ),
    "first tcp port conflict": (
        [("127.0.0.1", "TCP", 8001), ("127.0.0.1", "UDP", 8080)],
        [("127.0.0.1", "TCP", 8001), ("127.0.0.1", "UDP", 8081)],
        False,
    ),
    "first tcp port conflict due to 0.0.0.0 hostIP": (
        [("0.0.0.0", "TCP", 8001)],
        [("127.0.0.1", "TCP", 8001)],
        False,
    ),
    "TCP hostPort conflict due to 0.0.0.0 hostIP": (
        [("10.0.10.10", "TCP", 8001), ("0.0.0.0", "TCP", 8001)],
        [("127.0.0.1", "TCP", 8001)],
        False,
    ),
    "second tcp port conflict to 0.0.0.0 hostIP": (
        [("127.0.0.1", "TCP", 8001)],
        [("0.0.0.0", "TCP", 8001)],
        False,
    ),
    "second different protocol": ([("0.0.0.0", "UDP", 8001)], [("0.0.0.0", "TCP", 8001)], True),
    "UDP hostPort conflict due to 0.0.0.0 hostIP": (
        [("0.0.0.0", "UDP", 8001)],
        [("0.0.0.0", "TCP", 8001), ("127.0.0.1", "UDP", 8001)],
        False,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_node_ports(name: str) -> None:
    wanted, used, fits = CASES[name]
    running = [pod("running", node_name="machine", host_ports=used)] if used else []
    [status] = Harness(NodePorts, [node("machine")], running).filter(pod(host_ports=wanted))
    if fits:
        assert status is None
    else:
        assert status is not None and (status.code, status.reasons) == (Code.UNSCHEDULABLE, (ERR_REASON,))


def test_a_deleted_pod_frees_its_port() -> None:
    harness = Harness(NodePorts, [node("machine")], [pod("running", node_name="machine", host_ports=[("", "TCP", 80)])])
    assert harness.filter(pod(host_ports=[("", "TCP", 80)])) != [None]
    harness.cache.remove_pod("uid-default-running")
    assert harness.filter(pod(host_ports=[("", "TCP", 80)])) == [None]
