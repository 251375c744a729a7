"""Per-node columns (Cache.column): decisions read from them are the decisions worked out node by node."""

from __future__ import annotations

import random
from typing import Any

import pytest

from kubetui.scheduler.cache import Cache
from kubetui.scheduler.framework import CycleState
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.plugins.pod_topology_spread import _PRE_SCORE_KEY, PodTopologySpread, PreScoreState
from kubetui.scheduler.podinfo import PodInfo
from kubetui.scheduler.scheduler import Scheduler
from kubetui.sim.trace import SchedulingDecision
from tests.scheduler.builders import node, pod
from tests.scheduler.scenario import Scenario

ZONES = ("zone-a", "zone-b", "zone-c")


def _cluster(s: Scenario, nodes: int) -> None:
    """Nodes of three sizes, most in a zone, some with a PreferNoSchedule taint or the pods' image."""
    for i in range(nodes):
        labels = {"topology.kubernetes.io/zone": ZONES[i % 3]} if i % 7 else {}
        taints = [{"key": "spot", "value": "yes", "effect": "PreferNoSchedule"}] if i % 5 == 0 else None
        s.node(f"node-{i:03d}", cpu=("300m", "1", "4")[i % 3], labels=labels, taints=taints)
        if i % 4 == 0:
            current = s.cluster.get("nodes", "", f"node-{i:03d}")
            assert current is not None
            current["status"]["images"] = [{"names": ["nginx:1.27"], "sizeBytes": 200 * 2**20}]
            s.client.update_status("nodes", current)
    s.client.create(
        "replicasets",
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {"name": "web", "namespace": "default", "uid": "rs-uid"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
                },
            },
        },
    )


def _pods(s: Scenario, count: int) -> None:
    owner = [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": "rs-uid", "controller": True}]
    spread = [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": {"app": "spread"}},
        }
    ]
    for i in range(count):
        if i % 3 == 2:
            s.pod(f"spread-{i}", cpu="150m", labels={"app": "spread"}, topologySpreadConstraints=spread)
            continue
        s.client.create(
            "pods",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"web-{i}", "namespace": "default", "labels": {"app": "web"},
                             "ownerReferences": owner},
                "spec": {
                    "containers": [
                        {"name": "app", "image": "nginx:1.27", "resources": {"requests": {"cpu": "100m"}}}
                    ]
                },
            },
        )  # fmt: skip


def _decisions(nodes: int, pods: int, by_column: bool, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    with monkeypatch.context() as patch:
        if not by_column:

            def node_by_node(
                self: Scheduler,
                state: CycleState,
                attempt: Any,
                order: Any,
                start: int,
                wanted: int,
                filters: Any,
                keys: Any,
            ) -> None:
                self._filter(state, attempt, order, wanted, filters)  # fmt: skip

            patch.setattr(Scheduler, "_filter_by_column", node_by_node)
        s = Scenario(seed=3)
        _cluster(s, nodes)
        s.run(1)
        _pods(s, pods)
        s.run(5)
        out = []
        for record in s.cluster.trace.history:
            if isinstance(record, SchedulingDecision):
                data = record.to_dict()
                data.pop("duration_ms")
                out.append(data)
        return out


@pytest.mark.parametrize("nodes", [12, 150])
def test_decisions_by_column_equal_node_by_node(nodes: int, monkeypatch: pytest.MonkeyPatch) -> None:
    by_column = _decisions(nodes, 240, True, monkeypatch)
    node_by_node = _decisions(nodes, 240, False, monkeypatch)
    assert len(by_column) >= 240
    assert any(not v["feasible"] for d in by_column for v in d["verdicts"])  # some nodes filled up
    assert any(d["reason"].startswith("tie-break") for d in by_column)
    assert by_column == node_by_node


def test_column_follows_node_changes() -> None:
    cache = Cache()
    for i in range(4):
        cache.add_node(node(f"n{i}", cpu_m=1000, memory=2**30, labels={"zone": f"z{i % 2}"}))
    calls: list[str] = []

    def pods_on(n: NodeInfo) -> int | None:
        calls.append(n.name)
        return len(n.pods) or None

    names = [n.name for n in cache.node_list()]
    assert cache.column("pods", pods_on).values == [None] * 4 and len(calls) == 4
    cache.add_pod(PodInfo(pod("a", node_name="n2")))
    calls.clear()
    column = cache.column("pods", pods_on)
    assert calls == ["n2"] and column.present == {names.index("n2"): 1}
    cache.remove_pod(PodInfo(pod("a", node_name="n2")).uid)
    assert cache.column("pods", pods_on).present == {}
    cache.add_node(node("n9", cpu_m=1000, memory=2**30, labels={"zone": "z0"}))  # listed anew
    calls.clear()
    assert len(cache.column("pods", pods_on).values) == 5 and len(calls) == 5
    assert cache.column("pods", pods_on).take([4, 0]) == [None, None]


def test_topology_spread_normalize_as_node_by_node() -> None:
    rng = random.Random(5)
    plugin = PodTopologySpread.__new__(PodTopologySpread)
    for _ in range(200):
        scores = [rng.randrange(0, 40) for _ in range(rng.randrange(1, 30))]
        state = CycleState()
        state.write(_PRE_SCORE_KEY, PreScoreState([]))
        got = list(scores)
        plugin.normalize(state, PodInfo(pod()), [], got)
        lowest, highest = min(scores), max(scores)
        assert got == [100 if highest == 0 else 100 * (highest + lowest - s) // highest for s in scores]
