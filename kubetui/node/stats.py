"""The kubelet's resource metrics: what ``/metrics/resource`` (and the Summary API) tell metrics-server.

For the node and for every running container: the cumulative CPU used since it started
(``node_cpu_usage_seconds_total``, ``container_cpu_usage_seconds_total``), the memory working set
(``*_memory_working_set_bytes``), and the start time, all measured at one timestamp. A rate is the
difference of two readings over the time between them; metrics-server computes it
(pkg/kubelet/metrics/collectors/resource_metrics.go serves them).

The node's figures are its containers' plus what the machine itself runs (the OS, containerd, the
kubelet, kube-proxy): :data:`SYSTEM_CPU` cores and :data:`SYSTEM_MEMORY` bytes. Its counter starts at boot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kubetui.api.stats import ContainerStats, NodeStats, PodStats

if TYPE_CHECKING:
    from kubetui.node.pod_worker import PodWorker
    from kubetui.node.runtime import ContainerRuntime

SYSTEM_CPU = 0.04  # cores: the kernel, systemd, containerd, the kubelet and kube-proxy on an idle worker
SYSTEM_MEMORY = 360 * 2**20  # their working set


def resource_metrics(node: str, runtime: ContainerRuntime, workers: list[PodWorker], now: float) -> NodeStats:
    """One reading of the node and of each running container of the pods this kubelet runs."""
    pods = []
    for worker in sorted(workers, key=lambda w: w.key):
        running = [slot.current for slot in worker.slots if slot.current is not None and slot.current.running]
        containers = tuple(
            ContainerStats(c.name, c.started_at or 0.0, c.cpu.read(now), c.working_set) for c in running
        )
        if containers:
            pods.append(PodStats(worker.namespace, worker.name, containers))
    since_boot = [c for c in runtime.containers.values() if (c.started_at or 0.0) >= runtime.booted_at]
    cpu = SYSTEM_CPU * (now - runtime.booted_at) + runtime.retired_cpu + sum(c.cpu.read(now) for c in since_boot)
    memory = SYSTEM_MEMORY + sum(c.working_set for c in runtime.containers.values() if c.running)
    return NodeStats(node, now, runtime.booted_at, cpu, memory, tuple(pods))
