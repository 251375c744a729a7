"""Memory at Kubernetes' documented limits: 5,000 nodes and 150,000 pods held by one process.

The objects are written through the API server exactly as the components would write them:
each Node as its kubelet registers it (plus its Lease), each pod as its ReplicaSet controller
creates it, already bound (the binding's result) and then with the Running status its kubelet
reports. 5,000 kubelets with 150,000 pod workers are not run (their timers would dominate the
figure and take minutes to build); the control plane's own readers are: the scheduler and the
controller manager each keep an informer cache of every pod, as in Kubernetes.

The store keeps one serialized (orjson) value per key plus the history that watches replay;
the API server compacts that history every five virtual minutes (``COMPACTION_INTERVAL``). The
benchmark compacts once after loading, as that timer would, so the figure is the steady state.

    python benchmarks/bench_load.py [--quick] [--nodes N] [--pods N] [--no-informers]

``--no-informers`` measures the API server and store alone (no scheduler, no controllers).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kubetui.node.kubelet import node_address, node_index, pod_network_prefix
from kubetui.sim.cluster import Cluster

GIB = 2**30
TARGET_GIB = 1.5
ZONES = ("zone-a", "zone-b", "zone-c")
PODS_PER_REPLICASET = 500


def peak_rss() -> int:
    """Peak resident set size of this process, in bytes (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def current_rss() -> int:
    """Resident set size now, in bytes (Linux: /proc/self/statm counts pages); 0 where unavailable."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except (OSError, IndexError, ValueError):
        return 0


def node_object(i: int) -> dict[str, Any]:
    """A Node as a 16-CPU kubelet registers it (the shape of kubetui.node.kubelet's, without images)."""
    name = f"node-{i:05d}"
    index = node_index(name)
    cidr = f"{pod_network_prefix(index)}0/24"
    capacity = {"cpu": "16", "memory": "64Gi", "pods": "110", "ephemeral-storage": "100Gi"}
    ready = {
        "type": "Ready",
        "status": "True",
        "lastHeartbeatTime": "2026-01-01T00:00:00Z",
        "lastTransitionTime": "2026-01-01T00:00:00Z",
        "reason": "KubeletReady",
        "message": "kubelet is posting ready status",
    }
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "topology.kubernetes.io/zone": ZONES[i % len(ZONES)],
            },
        },
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr]},
        "status": {
            "capacity": capacity,
            "allocatable": {"cpu": "15900m", "memory": "63Gi", "pods": "110", "ephemeral-storage": "95Gi"},
            "conditions": [ready],
            "addresses": [
                {"type": "InternalIP", "address": node_address(index)},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "kubeletVersion": "v1.31.0",
                "containerRuntimeVersion": "containerd://1.7.22",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    }


def lease_object(i: int) -> dict[str, Any]:
    name = f"node-{i:05d}"
    return {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": name, "namespace": "kube-node-lease"},
        "spec": {
            "holderIdentity": name,
            "leaseDurationSeconds": 40,
            "renewTime": "2026-01-01T00:00:00.000000Z",
        },
    }


def replica_set(d: int, replicas: int) -> dict[str, Any]:
    labels = {"app": f"app-{d:03d}", "pod-template-hash": "5d4f8c7b9"}
    return {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": f"app-{d:03d}-5d4f8c7b9", "namespace": "default", "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "image": "nginx:1.27",
                            "ports": [{"containerPort": 80}],
                            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                        }
                    ]
                },
            },
        },
    }


def pod_object(i: int, node: str, owner: dict[str, Any]) -> dict[str, Any]:
    """A pod as the ReplicaSet controller creates it, already bound to ``node``."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{owner['metadata']['name']}-{i:06d}",
            "namespace": "default",
            "labels": dict(owner["metadata"]["labels"]),
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": owner["metadata"]["name"],
                    "uid": owner["metadata"]["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "nodeName": node,
            "containers": [
                {
                    "name": "app",
                    "image": "nginx:1.27",
                    "ports": [{"containerPort": 80}],
                    "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                }
            ],
        },
    }


def running_status(pod: dict[str, Any], node_ip: str, pod_ip: str) -> dict[str, Any]:
    """The status a kubelet reports for a started, ready pod."""
    at = "2026-01-01T00:00:05Z"

    def condition(kind: str) -> dict[str, Any]:
        return {"type": kind, "status": "True", "lastProbeTime": None, "lastTransitionTime": at}

    return {
        "phase": "Running",
        "conditions": [
            condition(c)
            for c in ("PodScheduled", "PodReadyToStartContainers", "Initialized", "ContainersReady", "Ready")
        ],
        "hostIP": node_ip,
        "hostIPs": [{"ip": node_ip}],
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}],
        "startTime": at,
        "qosClass": "Burstable",
        "containerStatuses": [
            {
                "name": "app",
                "image": "nginx:1.27",
                "imageID": "docker.io/library/nginx@sha256:6965a10c",
                "containerID": f"containerd://{pod['metadata']['uid'].replace('-', '')}",
                "ready": True,
                "restartCount": 0,
                "started": True,
                "state": {"running": {"startedAt": at}},
                "lastState": {},
            }
        ],
    }


def load(nodes: int, pods: int, informers: bool) -> dict[str, Any]:
    cluster = Cluster(
        7, nodes=[], scheduler=informers, controllers=informers, trace_history=1000, hashing=False
    )
    clock = cluster.clock
    kubelet_client = cluster.client("kubelet")
    rs_client = cluster.client("replicaset-controller")
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(nodes):
        kubelet_client.create("nodes", node_object(i))
        kubelet_client.create("leases", lease_object(i))
    clock.settle()
    created = 0
    deployments = max(1, pods // PODS_PER_REPLICASET)
    for d in range(deployments):
        size = pods // deployments + (1 if d < pods % deployments else 0)
        # The ReplicaSet first, then its pods at the same instant: its controller finds them all there.
        owner = rs_client.create("replicasets", replica_set(d, size))
        for _ in range(size):
            i = created
            created += 1
            node = f"node-{i % nodes:05d}"
            index = node_index(node)
            pod = rs_client.create("pods", pod_object(i, node, owner))
            pod["status"] = running_status(
                pod, node_address(index), f"{pod_network_prefix(index)}{2 + i // nodes}"
            )
            cluster.client(f"kubelet/{node}").update_status("pods", pod)
        if d % 10 == 9:
            clock.settle()  # let the watchers catch up, as they would between bursts
    clock.settle()
    rss_loaded = current_rss()
    cluster.store.compact(cluster.store.revision)  # what the 5-minute compaction timer does
    loaded, cpu = time.perf_counter() - started, time.process_time() - cpu
    gc.collect()
    store = cluster.store
    value_bytes = sum(len(kv.value) for kv in store.range("/registry/pods/")[0])
    caches = {}
    if cluster.controller_manager is not None:
        caches["controller-manager pods"] = len(cluster.controller_manager.informers.informer("pods").cache)
    if cluster.scheduler is not None:
        caches["scheduler pods"] = len(cluster.scheduler.informers.informer("pods").cache)
    return {
        "nodes": nodes,
        "pods": store.count("/registry/pods/"),
        "rss": peak_rss(),
        "rss_loaded": rss_loaded,
        "seconds": loaded,
        "cpu": cpu,
        "pod_bytes": value_bytes,
        "keys": store.keys_total(),
        "history": store.history_size(),
        "caches": caches,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="500 nodes, 15,000 pods")
    parser.add_argument("--nodes", type=int)
    parser.add_argument("--pods", type=int)
    parser.add_argument("--no-informers", action="store_true", help="API server and store only")
    args = parser.parse_args()
    nodes = args.nodes or (500 if args.quick else 5000)
    pods = args.pods or (15_000 if args.quick else 150_000)
    result = load(nodes, pods, informers=not args.no_informers)
    rss_gib = result["rss"] / GIB
    print(
        f"{'nodes':>6} {'pods':>8} {'load s':>7} {'cpu s':>7} {'peak RSS':>10} {'pod values':>11} "
        f"{'history':>8} {'target':>8}"
    )
    print(
        f"{result['nodes']:>6} {result['pods']:>8} {result['seconds']:>7.1f} {result['cpu']:>7.1f} {rss_gib:>8.2f} GiB "
        f"{result['pod_bytes'] / 2**20:>7.0f} MiB {result['history']:>8} {TARGET_GIB:>5.1f} GiB"
    )
    print(f"  RSS when loaded, before compaction: {result['rss_loaded'] / GIB:.2f} GiB")
    print(
        f"  store: {result['keys']} keys, "
        f"{result['pod_bytes'] / max(1, result['pods']):.0f} bytes a pod (orjson)"
    )
    for name, size in result["caches"].items():
        print(f"  informer cache ({name}): {size} objects")
    if not args.nodes and not args.pods and not args.quick:
        print(f"  {'within' if rss_gib < TARGET_GIB else 'OVER'} the {TARGET_GIB} GiB target")


if __name__ == "__main__":
    main()
