"""The kubelet's stats API types (k8s.io/kubelet/pkg/apis/stats/v1alpha1, in the part metrics-server reads).

What a kubelet answers on ``/metrics/resource`` and what metrics-server scrapes: one reading of the
node and of each running container, times in virtual seconds. The kubelet builds them
(:mod:`kubetui.node.stats`); metrics-server (:mod:`kubetui.metrics`) reads them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContainerStats:
    name: str
    start_time: float  # virtual seconds
    cpu_seconds: float  # container_cpu_usage_seconds_total
    memory: int  # container_memory_working_set_bytes


@dataclass(frozen=True, slots=True)
class PodStats:
    namespace: str
    name: str
    containers: tuple[ContainerStats, ...]


@dataclass(frozen=True, slots=True)
class NodeStats:
    node: str
    timestamp: float  # when every figure below was read
    start_time: float  # the node's boot
    cpu_seconds: float  # node_cpu_usage_seconds_total
    memory: int  # node_memory_working_set_bytes
    pods: tuple[PodStats, ...]
