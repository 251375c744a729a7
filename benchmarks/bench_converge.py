"""Convergence at scale: one Deployment of 10,000 replicas on 1,000 simulated nodes, fast clock.

The whole cluster runs: API server, scheduler, controller manager, and a kubelet and kube-proxy
on every node. The benchmark applies the Deployment and runs the engine until every pod is
Running and the Deployment reports ``availableReplicas == replicas``. It prints the wall seconds,
the CPU seconds (the machine may be shared: CPU time is the steadier figure), the engine events
processed per wall second, the API writes (store revisions) and CPU milliseconds per pod, the virtual
seconds it took, and the peak RSS.
Each size runs in its own process, so one size's memory does not show in another's peak.

    python benchmarks/bench_converge.py [--quick] [--no-hashing] [--profile]

``--quick`` runs 1,000 replicas on 100 nodes only. ``--no-hashing`` turns the trace's
determinism hash off (it is on in a normal ``Cluster``). ``--profile`` runs the largest size
under cProfile and prints the top functions instead of the table.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster

SIZES = ((1_000, 100), (10_000, 1_000))  # (replicas, nodes)
TARGET_SECONDS = 15.0
ZONES = ("zone-a", "zone-b", "zone-c")


def deployment(replicas: int) -> dict[str, Any]:
    labels = {"app": "web"}
    container = {
        "name": "web",
        "image": "nginx:1.27",
        "ports": [{"containerPort": 80}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def converge(replicas: int, nodes: int, hashing: bool) -> dict[str, Any]:
    """Build the cluster, apply the Deployment, run until it is available; the figures of that run."""
    specs = [NodeSpec(name=f"node-{i + 1:04d}", zone=ZONES[i % len(ZONES)]) for i in range(nodes)]
    cluster = Cluster(1, nodes=specs, hashing=hashing, trace_history=2_000)
    cluster.run_for(5)  # nodes register and turn Ready
    clock, store = cluster.clock, cluster.store
    key = "/registry/deployments/default/web"
    seen = {"revision": -1, "available": 0}

    def available() -> bool:
        kv = store.get(key)
        if kv is None or kv.mod_revision == seen["revision"]:  # decode the Deployment only when it changed
            return seen["available"] == replicas
        seen["revision"] = kv.mod_revision
        status = json.loads(kv.value).get("status") or {}
        seen["available"] = status.get("availableReplicas", 0)
        return seen["available"] == replicas

    events, virtual, revision = clock.events_run, clock.now, store.revision
    started, cpu = time.perf_counter(), time.process_time()
    cluster.client("kubectl").create("deployments", deployment(replicas))
    done = cluster.run_until(available, timeout=3_600)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    running = sum(
        1 for p in cluster.objects("pods", "default") if p.get("status", {}).get("phase") == "Running"
    )
    return {
        "replicas": replicas,
        "nodes": nodes,
        "converged": done and running == replicas,
        "wall": wall,
        "cpu": cpu,
        "events": clock.events_run - events,
        "writes": store.revision - revision,  # every API write is one store revision
        "virtual": clock.now - virtual,
        "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "trace": cluster.trace.digest()[:16] if hashing else "",
    }


def in_subprocess(replicas: int, nodes: int, hashing: bool) -> dict[str, Any]:
    command = [sys.executable, __file__, "--one", str(replicas), str(nodes)] + (
        [] if hashing else ["--no-hashing"]
    )
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="1,000 replicas on 100 nodes only")
    parser.add_argument("--no-hashing", action="store_true", help="turn the trace's determinism hash off")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    parser.add_argument("--one", nargs=2, type=int, metavar=("REPLICAS", "NODES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    hashing = not args.no_hashing
    if args.one:
        print(json.dumps(converge(args.one[0], args.one[1], hashing)))
        return
    sizes = SIZES[:1] if args.quick else SIZES
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(converge, *sizes[-1], hashing)
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(40)
        return
    header = (
        f"{'replicas':>8} {'nodes':>6} {'wall s':>7} {'cpu s':>7} {'events':>8} {'events/s':>9} "
        f"{'writes':>8} {'ms/pod':>6} "
        f"{'virtual s':>9} "
        f"{'peak RSS':>9} {'converged':>9} {'trace hash':>16}"
    )
    print(header)
    print("-" * len(header))
    for replicas, nodes in sizes:
        r = in_subprocess(replicas, nodes, hashing)
        print(
            f"{r['replicas']:>8} {r['nodes']:>6} {r['wall']:>7.1f} {r['cpu']:>7.1f} {r['events']:>8} "
            f"{r['events'] / r['wall']:>9.0f} {r['writes']:>8} {1000 * r['cpu'] / r['replicas']:>6.2f} "
            f"{r['virtual']:>9.1f} {r['rss'] / 2**20:>6.0f} MiB "
            f"{'yes' if r['converged'] else 'NO':>9} {r['trace'] or '(off)':>16}"
        )
    print(
        f"target: 10,000 replicas on 1,000 nodes under {TARGET_SECONDS:.0f} s wall"
        f" (trace hashing {'on' if hashing else 'off'})"
    )


if __name__ == "__main__":
    main()
