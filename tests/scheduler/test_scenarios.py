"""Whole-cluster scenarios: the scheduler as a client of the API server, on the fast clock."""

from __future__ import annotations

from typing import Any

from kubetui.sim.trace import SchedulingDecision
from tests.scheduler.scenario import Scenario


def test_requests_that_fit_only_one_node() -> None:
    s = Scenario()
    s.node("node-1", cpu="1")
    s.node("node-2", cpu="4")
    s.node("node-3", cpu="2")
    s.pod("big", cpu="3")
    s.run()
    assert s.node_of("big") == "node-2"
    [decision] = s.decisions("big")
    verdicts = {v.node: v for v in decision.verdicts}
    assert (verdicts["node-1"].plugin, verdicts["node-1"].reason) == ("NodeResourcesFit", "Insufficient cpu")
    assert verdicts["node-3"].reason == "Insufficient cpu" and verdicts["node-2"].feasible
    assert "only node" in decision.reason
    [event] = s.events("big", "Scheduled")
    assert event["message"] == "Successfully assigned default/big to node-2"
    assert event["source"]["component"] == "default-scheduler"


def test_tainted_node_is_avoided_unless_tolerated() -> None:
    s = Scenario()
    gpu = [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]
    s.node("node-1", cpu="1")
    s.node("gpu-1", taints=gpu)
    s.pod("plain", cpu="2")
    s.pod(
        "tolerant",
        cpu="2",
        tolerations=[{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}],
    )
    s.run()
    assert s.node_of("plain") == ""
    assert s.node_of("tolerant") == "gpu-1"
    # node-1 has less cpu than the pod asks for in all, so evicting pods would not help there either.
    message = (
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) had untolerated taint {dedicated: gpu}. "
        "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    )
    [event] = s.events("plain", "FailedScheduling")
    assert (event["type"], event["message"]) == ("Warning", message)
    pod = s.cluster.get("pods", "default", "plain")
    assert pod is not None
    [condition] = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "False",
        "Unschedulable",
        message,
    )


def test_required_node_affinity() -> None:
    s = Scenario()
    for i, disk in enumerate(["hdd", "ssd", "hdd"], start=1):
        s.node(f"node-{i}", labels={"disktype": disk})
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["ssd"]}]}]
            }
        }
    }
    for i in range(3):
        s.pod(f"db-{i}", affinity=affinity)
    s.run()
    assert {s.node_of(f"db-{i}") for i in range(3)} == {"node-2"}
    rejected = {v.node: v.reason for v in s.decisions("db-0")[0].verdicts if not v.feasible}
    assert rejected == {
        "node-1": "node(s) didn't match Pod's node affinity/selector",
        "node-3": "node(s) didn't match Pod's node affinity/selector",
    }


def test_anti_affinity_spreads_replicas_one_per_node() -> None:
    s = Scenario()
    for i in range(3):
        s.node(f"node-{i + 1}")
    anti = {
        "podAntiAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": [
                {"labelSelector": {"matchLabels": {"app": "cache"}}, "topologyKey": "kubernetes.io/hostname"}
            ]
        }
    }
    for i in range(4):
        s.pod(f"cache-{i}", labels={"app": "cache"}, affinity=anti)
    s.run()
    placed = [s.node_of(f"cache-{i}") for i in range(4)]
    assert sorted(placed[:3]) == ["node-1", "node-2", "node-3"] and placed[3] == ""
    [event] = s.events("cache-3", "FailedScheduling")
    assert event["message"].startswith("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules.")


def test_topology_spread_across_zones() -> None:
    s = Scenario()
    for i, zone in enumerate(["zone-a", "zone-a", "zone-b", "zone-c"], start=1):
        s.node(f"node-{i}", labels={"topology.kubernetes.io/zone": zone})
    spread = [
        {
            "maxSkew": 1,
            "topologyKey": "topology.kubernetes.io/zone",
            "whenUnsatisfiable": "DoNotSchedule",
            "labelSelector": {"matchLabels": {"app": "web"}},
        }
    ]
    for i in range(6):
        s.pod(f"web-{i}", labels={"app": "web"}, topologySpreadConstraints=spread)
        s.run(1)
    zones = {"node-1": "zone-a", "node-2": "zone-a", "node-3": "zone-b", "node-4": "zone-c"}
    per_zone = [zones[s.node_of(f"web-{i}")] for i in range(6)]
    assert sorted(per_zone.count(z) for z in ("zone-a", "zone-b", "zone-c")) == [2, 2, 2]


def test_pending_pod_is_placed_as_soon_as_a_node_is_added() -> None:
    s = Scenario()
    s.pod("waiting", cpu="2")
    s.run(30)
    assert s.node_of("waiting") == ""
    # With no nodes there is no plugin to wait for: the pod is retried after each backoff (1, 2, 4, 8, 10 s).
    tries = s.decisions("waiting")
    assert [d.message for d in tries] == ["no nodes available to schedule pods"] * 6
    assert [round(d.time) for d in tries] == [0, 1, 3, 7, 15, 25]
    s.node("node-1", cpu="1")
    s.run(30)
    assert s.node_of("waiting") == ""
    added_at = s.cluster.clock.now
    s.node("node-2", cpu="4")
    s.cluster.run_until(lambda: s.node_of("waiting") != "", timeout=60)
    assert s.node_of("waiting") == "node-2"
    assert s.cluster.clock.now == added_at  # no backoff left to wait for: placed within the same instant


def test_preemption_of_a_low_priority_pod() -> None:
    s = Scenario()
    s.act_as_kubelet()
    s.client.create(
        "priorityclasses",
        {
            "apiVersion": "scheduling.k8s.io/v1",
            "kind": "PriorityClass",
            "metadata": {"name": "high"},
            "value": 1000,
        },
    )
    s.node("node-1", cpu="2")
    s.pod("low", cpu="1500m")
    s.run()
    assert s.node_of("low") == "node-1"
    s.pod("urgent", cpu="1500m", priorityClassName="high")
    s.cluster.run_until(lambda: s.node_of("urgent") != "", timeout=60)
    assert s.node_of("urgent") == "node-1"
    assert s.cluster.get("pods", "default", "low") is None
    first = s.decisions("urgent")[0]
    assert first.nominated == "node-1" and first.victims == ["default/low"]
    assert first.message == "0/1 nodes are available: 1 Insufficient cpu."  # preemption succeeded: no postfix
    assert "preempting default/low on node-1" in first.reason
    urgent = s.cluster.get("pods", "default", "urgent")
    assert urgent is not None
    [preempted] = [e for e in s.cluster.objects("events", "default") if e["reason"] == "Preempted"]
    assert preempted["message"] == f"Preempted by pod {urgent['metadata']['uid']} on node node-1"
    assert preempted["involvedObject"]["name"] == "low"


def test_decision_record_explains_the_choice() -> None:
    s = Scenario()
    s.node("node-1", cpu="4", memory="8Gi")
    s.node("node-2", cpu="8", memory="16Gi")
    s.pod("web", cpu="1", memory="1Gi")
    s.run()
    [decision] = s.decisions("web")
    assert isinstance(decision, SchedulingDecision)
    assert decision.node == "node-2" and decision.total_nodes == decision.evaluated == 2
    scores = {v.node: v.scores for v in decision.verdicts}
    totals = {v.node: v.total for v in decision.verdicts}
    # LeastAllocated: node-1 (75 + 87) // 2 = 81, node-2 (87 + 93) // 2 = 90 -> normalized as is, weight 1.
    assert scores["node-1"]["NodeResourcesFit"] == (81, 81, 1)
    assert scores["node-2"]["NodeResourcesFit"] == (90, 90, 1)
    assert scores["node-1"]["TaintToleration"] == (0, 100, 3)
    assert totals["node-2"] > totals["node-1"]
    assert totals["node-2"] == sum(norm * weight for _, norm, weight in scores["node-2"].values())
    assert decision.reason.startswith(f"highest total score {totals['node-2']} of 2 feasible nodes")
    assert "node-1" in decision.reason
    assert "PodTopologySpread: Filter, Score" in decision.skipped  # no spread constraints, no owner
    assert set(scores["node-1"]) == {
        "TaintToleration",
        "NodeResourcesFit",
        "NodeResourcesBalancedAllocation",
        "ImageLocality",
    }


def scored_and_rejected() -> Scenario:
    """Three nodes, a pod two of them fit (a scored decision), and one none fits (every node rejected)."""
    s = Scenario()
    s.node("node-1", cpu="1")
    s.node("node-2", cpu="4")
    s.node("node-3", cpu="8")
    s.pod("web", cpu="2")
    s.pod("huge", cpu="16")
    s.run()
    return s


def test_decision_as_hashed_is_the_decision_as_read() -> None:
    """The trace hash reads a decision's verdicts without building them; what it reads is what the
    built NodeVerdicts give, for a scored decision and one that every node rejected."""
    s = scored_and_rejected()
    decisions = s.decisions("web") + s.decisions("huge")
    assert len(decisions) >= 2
    for decision in decisions:
        lazy = decision.to_dict()
        built = list(decision.verdicts)  # builds the NodeVerdicts
        assert lazy["verdicts"] == decision.to_dict()["verdicts"]
        assert [v["node"] for v in lazy["verdicts"]] == [v.node for v in built]
        keys = ["node", "feasible", "plugin", "reason", "scores", "total"]
        assert [list(v) for v in lazy["verdicts"]] == [keys] * len(built)
    scored = s.decisions("web")[0].to_dict()["verdicts"]
    assert {v["node"]: v["feasible"] for v in scored} == {"node-1": False, "node-2": True, "node-3": True}
    assert scored[0]["scores"] or scored[1]["scores"]


def _dicts_from_columns(columns: list[Any]) -> list[dict[str, Any]]:
    """The verdicts the trace hash's columns describe, rebuilt as to_dict gives them."""
    nodes, statuses, feasible, scores, totals = columns
    out = []
    for i, node in enumerate(nodes):
        status = statuses[i] if statuses is not None else None
        if status is not None:
            out.append({"node": node, "feasible": False, "plugin": status[0], "reason": status[1], "scores": {},
                        "total": 0})
            continue
        j = feasible.index(node) if node in feasible and scores else None
        table = {} if j is None else {p: (raw[j], norm[j], weight) for p, weight, raw, norm in scores}
        out.append({"node": node, "feasible": True, "plugin": "", "reason": "", "scores": table,
                    "total": 0 if j is None else totals[j]})
    return out


def test_the_trace_hash_reads_every_fact_of_a_decision() -> None:
    """The hash encodes a decision's verdicts in columns; they hold exactly what to_dict's verdicts say."""
    s = scored_and_rejected()
    for decision in s.decisions("web") + s.decisions("huge"):
        payload = decision.hash_payload()
        assert "duration_ms" not in payload
        assert _dicts_from_columns(payload["verdicts"]) == decision.to_dict()["verdicts"]
        assert {k: v for k, v in payload.items() if k != "verdicts"} == {
            k: v for k, v in decision.to_dict().items() if k not in ("verdicts", "duration_ms")}


def test_same_seed_same_trace() -> None:
    digests = []
    for _ in range(2):
        s = Scenario(seed=3)
        for i in range(4):
            s.node(f"node-{i}")
        for i in range(8):
            s.pod(f"p-{i}")
        s.run()
        digests.append(s.cluster.trace.digest())
    assert digests[0] == digests[1]


def test_other_schedulers_pods_are_left_alone() -> None:
    s = Scenario()
    s.node("node-1")
    s.pod("mine")
    s.pod("theirs", schedulerName="my-scheduler")
    s.run()
    assert s.node_of("mine") == "node-1" and s.node_of("theirs") == ""
    assert s.decisions("theirs") == []


def test_replicaset_pods_are_spread_by_the_system_default_constraints() -> None:
    s = Scenario()
    for i, zone in enumerate(["zone-a", "zone-b", "zone-c"], start=1):
        s.node(f"node-{i}", labels={"topology.kubernetes.io/zone": zone})
    rs = s.client.create(
        "replicasets",
        {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {"name": "web-7d9f", "namespace": "default"},
            "spec": {
                "replicas": 3,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "app", "image": "nginx"}]},
                },
            },
        },
    )
    owner = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "name": "web-7d9f",
        "uid": rs["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }
    for i in range(3):
        s.client.create(
            "pods",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": f"web-7d9f-{i}",
                    "namespace": "default",
                    "labels": {"app": "web"},
                    "ownerReferences": [owner],
                },
                "spec": {"containers": [{"name": "app", "image": "nginx"}]},
            },
        )
        s.run(1)
    assert sorted(s.node_of(f"web-7d9f-{i}") for i in range(3)) == ["node-1", "node-2", "node-3"]
    last = s.decisions("web-7d9f-2")[0]
    weights = {plugin: weight for v in last.verdicts for plugin, (_, _, weight) in v.scores.items()}
    assert weights["PodTopologySpread"] == 2
    spread = {v.node: v.scores["PodTopologySpread"][1] for v in last.verdicts if v.feasible}
    assert spread[s.node_of("web-7d9f-2")] == 100 and sorted(spread.values())[0] < 100


def test_pending_pod_is_placed_when_a_pod_frees_room() -> None:
    s = Scenario()
    s.node("node-1", cpu="2")
    s.pod("running", cpu="1500m")
    s.pod("waiting", cpu="1500m")
    s.run(30)
    assert s.node_of("running") == "node-1" and s.node_of("waiting") == ""
    freed_at = s.cluster.clock.now
    s.client.delete("pods", "default", "running", grace_period_seconds=0)
    s.cluster.run_until(lambda: s.node_of("waiting") != "", timeout=60)
    assert s.node_of("waiting") == "node-1" and s.cluster.clock.now == freed_at


def test_room_made_by_preemption_is_kept_for_the_nominated_pod() -> None:
    s = Scenario()  # no kubelet: the victim stays Terminating until the test deletes it
    s.client.create(
        "priorityclasses",
        {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"}, "value": 1000},
    )
    s.node("node-1", cpu="2")
    s.pod("low", cpu="1500m")
    s.run()
    s.pod("urgent", cpu="1500m", priorityClassName="high")
    s.run(2)
    low = s.cluster.get("pods", "default", "low")
    assert low is not None and low["metadata"].get("deletionTimestamp")
    [disruption] = [c for c in low["status"]["conditions"] if c["type"] == "DisruptionTarget"]
    assert (disruption["reason"], disruption["message"]) == (
        "PreemptionByScheduler",
        "default-scheduler: preempting to accommodate a higher priority pod",
    )
    urgent = s.cluster.get("pods", "default", "urgent")
    assert urgent is not None and urgent["status"]["nominatedNodeName"] == "node-1"
    s.pod("sneaky", cpu="1500m")  # priority 0: must not take the room freed for "urgent"
    s.run(2)
    s.client.delete("pods", "default", "low", grace_period_seconds=0)
    s.run(30)
    assert s.node_of("urgent") == "node-1" and s.node_of("sneaky") == ""
    assert [d.victims for d in s.decisions("urgent")] == [["default/low"], []]  # preempted once, then placed
    sneaky = s.decisions("sneaky")[0]
    assert sneaky.message.startswith("0/1 nodes are available: 1 Insufficient cpu.")
