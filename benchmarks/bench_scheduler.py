"""Scheduler throughput, in the shape of Kubernetes' scheduler_perf (test/integration/scheduler_perf).

For 100, 1,000 and 5,000 nodes (4 cpu, 32Gi, 110 pods each) it creates two pending pods per node
(100m cpu / 500Mi each) through the API server, then runs the engine until every pod is bound and
reports pods/s and the 99th percentile of one decision's time. Four workloads:

* basic              requests only, default plugins (SchedulingBasic)
* node-affinity      required node affinity ``zone In [zone1, zone2]`` (SchedulingNodeAffinity)
* pod-anti-affinity  required anti-affinity per hostname within a group of pods (SchedulingPodAntiAffinity)
* topology-spread    DoNotSchedule spread over three zones, maxSkew 5 (TopologySpreading)

The clock measured is wall time of the engine run: the scheduler's work, the binding through the
API server and the watch events coming back. The trace bus hashes nothing here (``hashing=False``);
``--hashing`` measures with the determinism hash on.

    python benchmarks/bench_scheduler.py [--quick] [--hashing] [--profile WORKLOAD]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import Record, SchedulingDecision

ZONES = ("zone1", "zone2", "zone3")
TARGETS_5000 = {"basic": 680, "node-affinity": 220, "pod-anti-affinity": 60, "topology-spread": 85}


def _node(i: int) -> dict[str, Any]:
    name = f"scheduler-perf-{i:05d}"
    capacity = {"pods": "110", "cpu": "4", "memory": "32Gi"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": ZONES[i % len(ZONES)]},
        },
        "spec": {},
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True"}],
        },
    }


def _pod(i: int, workload: str, groups: int) -> dict[str, Any]:
    resources = {"requests": {"cpu": "100m", "memory": "500Mi"}, "limits": {"cpu": "100m", "memory": "500Mi"}}
    container = {
        "name": "pause",
        "image": "registry.k8s.io/pause:3.10",
        "ports": [{"containerPort": 80}],
        "resources": resources,
    }
    spec: dict[str, Any] = {"containers": [container]}
    labels: dict[str, str] = {}
    if workload == "node-affinity":
        spec["affinity"] = {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["zone1", "zone2"]}
                            ]
                        }
                    ]
                }
            }
        }
    elif workload == "pod-anti-affinity":
        color = f"group-{i % groups}"
        labels = {"color": color}
        spec["affinity"] = {
            "podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchLabels": {"color": color}}, "topologyKey": "kubernetes.io/hostname"}
                ]
            }
        }
    elif workload == "topology-spread":
        labels = {"foo": "bar"}
        spec["topologySpreadConstraints"] = [
            {
                "maxSkew": 5,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchLabels": {"foo": "bar"}},
            }
        ]
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"pod-{i:06d}", "namespace": "default", "labels": labels},
        "spec": spec,
    }


def run(workload: str, nodes: int, hashing: bool, profile: bool = False) -> tuple[float, float, int]:
    """Returns (pods per second, p99 decision ms, pods bound)."""
    cluster = Cluster(1, nodes=[], controllers=False, hashing=hashing, trace_history=1000)
    client = cluster.client("bench")
    for i in range(nodes):
        client.create("nodes", _node(i))
    # Node-affinity pods fit two zones of three; keep two pods per fitting node so all of them fit.
    pods = 2 * nodes if workload != "node-affinity" else 2 * (nodes - nodes // 3)
    for i in range(pods):
        client.create("pods", _pod(i, workload, groups=2))
    durations: list[float] = []

    def collect(record: Record) -> None:
        if isinstance(record, SchedulingDecision):
            durations.append(record.duration_ms)

    cluster.trace.subscribe(collect)
    scheduler = cluster.scheduler
    assert scheduler is not None

    cache = scheduler.cache

    def drive() -> None:
        cluster.run_until(lambda: len(cache.pods) - len(cache.assumed) >= pods, timeout=600)

    # Setting up made a lot of objects; keep the garbage collector from walking them again and again.
    gc.collect()
    gc.freeze()
    started = time.perf_counter()
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(drive)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    else:
        drive()
    elapsed = time.perf_counter() - started
    gc.unfreeze()
    bound = len(cache.pods) - len(cache.assumed)
    durations.sort()
    p99 = durations[min(len(durations) - 1, int(len(durations) * 0.99))] if durations else 0.0
    return bound / elapsed, p99, bound


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 nodes only")
    parser.add_argument("--hashing", action="store_true", help="keep the trace's determinism hash on")
    parser.add_argument("--profile", metavar="WORKLOAD", help="cProfile one workload at the largest size")
    args = parser.parse_args()
    sizes = (100, 1000) if args.quick else (100, 1000, 5000)
    workloads: tuple[str, ...] = ("basic", "node-affinity", "pod-anti-affinity", "topology-spread")
    if args.profile:
        run(args.profile, sizes[-1], args.hashing, profile=True)
        return
    header = f"{'workload':<18} {'nodes':>6} {'pods':>6} {'pods/s':>9} {'p99 ms':>8} {'target@5000':>12}"
    print(f"trace hashing {'on' if args.hashing else 'off'}")
    print(header)
    print("-" * len(header))
    for workload in workloads:
        for size in sizes:
            rate, p99, bound = run(workload, size, args.hashing)
            target = f"{TARGETS_5000[workload]}" if size == 5000 else ""
            print(f"{workload:<18} {size:>6} {bound:>6} {rate:>9.0f} {p99:>8.2f} {target:>12}", flush=True)


if __name__ == "__main__":
    main()
