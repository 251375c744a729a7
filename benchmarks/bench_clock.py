"""Virtual time on a quiet cluster: how many virtual seconds the fast driver runs per wall second.

Three nodes, three Deployments (6 pods) and a Service, settled; then the engine runs an hour of
virtual time, in which only the steady work happens: node leases and status every 10 s, the
node-lifecycle monitor, kube-proxy, readiness probes, controllers' periodic resyncs, and the
etcd compaction every 5 minutes. The real-time driver of the TUI needs this ratio to keep up
at its 100x speed setting.

    python benchmarks/bench_clock.py [--quick]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kubetui.sim.cluster import Cluster

TARGET_RATIO = 100.0


def deployment(name: str, replicas: int, probe: bool) -> dict[str, Any]:
    labels = {"app": name}
    container: dict[str, Any] = {
        "name": name,
        "image": "nginx:1.27",
        "ports": [{"containerPort": 80}],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
    }
    if probe:
        container["readinessProbe"] = {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 10}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def quiet_cluster(hashing: bool) -> Cluster:
    cluster = Cluster(3, hashing=hashing)  # the default three nodes
    kubectl = cluster.client("kubectl")
    for name, replicas, probe in (("web", 3, True), ("api", 2, False), ("worker", 1, False)):
        kubectl.create("deployments", deployment(name, replicas, probe))
    kubectl.create(
        "services",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
        },
        "default",
    )
    cluster.run_for(120)  # everything Running and Ready, endpoints written
    return cluster


def measure(virtual_seconds: float, hashing: bool) -> tuple[float, float, float, int]:
    """(virtual seconds per wall second, wall seconds, CPU seconds, events run) over ``virtual_seconds``."""
    cluster = quiet_cluster(hashing)
    events = cluster.clock.events_run
    started, cpu = time.perf_counter(), time.process_time()
    cluster.run_for(virtual_seconds)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return virtual_seconds / wall, wall, cpu, cluster.clock.events_run - events


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="10 virtual minutes instead of an hour")
    args = parser.parse_args()
    virtual = 600.0 if args.quick else 3600.0
    print(
        f"{'trace hash':<11} {'virtual s':>9} {'wall s':>7} {'cpu s':>7} {'events':>8} "
        f"{'events/virtual s':>16} {'speed':>9} {'per cpu s':>10}"
    )
    for hashing in (True, False):
        ratio, wall, cpu, events = measure(virtual, hashing)
        print(
            f"{'on' if hashing else 'off':<11} {virtual:>9.0f} {wall:>7.2f} {cpu:>7.2f} {events:>8} "
            f"{events / virtual:>16.1f} {ratio:>8.0f}x {virtual / max(cpu, 1e-9):>9.0f}x"
        )
    print(f"target: >= {TARGET_RATIO:.0f}x real time")


if __name__ == "__main__":
    main()
