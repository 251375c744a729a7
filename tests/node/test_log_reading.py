"""Reading a container's log on as it grows (kubectl logs -f, an attached terminal), past the lines the log keeps."""

from __future__ import annotations

import pytest

from kubetui.node.runtime import MAX_LOG_LINES, Container, LogCursor, last_lines
from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster
from tests.metrics.walkthrough import load_generator


@pytest.mark.parametrize(("text", "count", "expected"), [
    ("a\nb\nc\n", 2, "b\nc\n"),
    ("a\nb\nc\n", 5, "a\nb\nc\n"),
    ("a\nb\nOK!OK!", 2, "b\nOK!OK!"),  # a line still being written is one of the lines
    ("a\nb\nOK!", 1, "OK!"),
    ("a\nb\n", 0, ""),
    ("", 3, ""),
])
def test_last_lines(text: str, count: int, expected: str) -> None:
    assert last_lines(text, count) == expected


def _container(cluster: Cluster, pod: str) -> Container:
    (found,) = [c for m in cluster.machines.values() for c in m.runtime.containers.values()
                if c.pod == f"default/{pod}" and c.running]
    return found


def _started(pod: str, script: str, seconds: float) -> tuple[Cluster, Container]:
    """A one-node cluster running ``script`` in a busybox pod for ``seconds``, and that pod's container."""
    cluster = Cluster(seed=3, nodes=[NodeSpec("node-1")])
    cluster.run_for(5)
    load_generator(cluster, name=pod, script=script)
    cluster.run_for(seconds)
    return cluster, _container(cluster, pod)


def test_a_reader_keeps_up_with_a_log_longer_than_it_keeps() -> None:
    cluster, container = _started("chatty", "i=0; while true; do echo line; sleep 0.005; done", 5)
    first, cursor = container.read_log(None, cluster.clock.now)
    read = first.count("\n")
    for _ in range(4):
        cluster.run_for(5)  # 1,000 lines each time
        fresh, cursor = container.read_log(cursor, cluster.clock.now)
        assert fresh == "line\n" * fresh.count("\n")
        read += fresh.count("\n")
    assert read > 2 * MAX_LOG_LINES  # nothing lost where the kept log wraps
    assert container.log_text(cluster.clock.now).count("\n") == MAX_LOG_LINES
    again, same = container.read_log(cursor, cluster.clock.now)
    assert again == "" and same == cursor  # nothing new at the same moment


def test_an_open_line_is_read_as_it_grows() -> None:
    cluster, container = _started("dots", "while true; do echo -n .; sleep 1; done", 3.5)
    text, cursor = container.read_log(None, cluster.clock.now)
    assert text and set(text) == {"."}
    cluster.run_for(2)
    more, _ = container.read_log(cursor, cluster.clock.now)
    assert more == ".."  # no newline: the terminal's line goes on


def test_the_kubelet_ends_a_follow_when_the_container_is_another_instance() -> None:
    cluster = Cluster(seed=3, nodes=[NodeSpec("node-1")])
    cluster.run_for(5)
    load_generator(cluster, name="dots", script="while true; do echo -n .; sleep 1; done")
    cluster.run_for(5)
    kubelet = cluster.machines["node-1"].kubelet
    got = kubelet.read_log("default", "dots", "dots", None)
    assert got is not None and got[0]
    assert kubelet.read_log("default", "dots", "dots", LogCursor("another-container")) is None
