"""One node as the scheduler sees it: its capacity and running totals of the pods on it (framework.NodeInfo).

The totals are kept up to date pod by pod (add/remove), so no decision ever adds up a node's
pods again. ``generation`` moves on every change.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kubetui.api.podrequests import quantity_value
from kubetui.scheduler.helpers import Taint
from kubetui.scheduler.podinfo import PodInfo

_NOT_SCALAR = ("cpu", "memory", "ephemeral-storage", "pods")


class ImageState:
    """An image nodes report in status.images: its size and on which nodes it is (ImageStateSummary)."""

    __slots__ = ("nodes", "size")

    def __init__(self, size: int) -> None:
        self.size = size
        self.nodes: set[str] = set()


class NodeInfo:
    __slots__ = (
        "allocatable_cpu", "allocatable_ephemeral_storage", "allocatable_memory", "allocatable_pods",
        "allocatable_scalars", "generation", "image_states", "index", "labels", "memo", "name", "no_schedule_taints",
        "node",
        "non_zero_cpu", "non_zero_memory", "pods", "pods_with_affinity", "pods_with_required_anti_affinity",
        "prefer_no_schedule_taints", "requested_cpu", "requested_ephemeral_storage", "requested_memory",
        "requested_scalars", "unschedulable", "used_ports",
    )  # fmt: skip

    def __init__(self, name: str) -> None:
        self.name = name
        self.node: dict[str, Any] | None = None  # None while only pods bound to it are known
        self.labels: dict[str, str] = {}
        self.unschedulable = False
        self.no_schedule_taints: tuple[Taint, ...] = ()  # effect NoSchedule or NoExecute
        self.prefer_no_schedule_taints: tuple[Taint, ...] = ()
        self.allocatable_cpu = self.allocatable_memory = self.allocatable_ephemeral_storage = 0
        self.allocatable_pods = 0
        self.allocatable_scalars: dict[str, int] = {}
        self.requested_cpu = self.requested_memory = self.requested_ephemeral_storage = 0
        self.requested_scalars: dict[str, int] = {}
        self.non_zero_cpu = self.non_zero_memory = 0
        self.pods: dict[str, PodInfo] = {}
        self.pods_with_affinity: dict[str, PodInfo] = {}
        self.pods_with_required_anti_affinity: dict[str, PodInfo] = {}
        self.used_ports: Counter[tuple[str, str, int]] = Counter()
        self.image_states: dict[str, ImageState] = {}
        self.generation = 0
        self.index = -1  # position in the cache's node_list(), set when it is listed
        # Plugins' numbers derived from this node's pods, each stored with the generation it was computed at.
        self.memo: dict[Any, tuple[int, Any]] = {}

    # -- the node ---------------------------------------------------------------------------------
    def set_node(self, node: dict[str, Any]) -> None:
        self.node = node
        labels = (node.get("metadata") or {}).get("labels")
        self.labels = labels if isinstance(labels, dict) else {}
        spec = node.get("spec") or {}
        self.unschedulable = bool(spec.get("unschedulable"))
        taints = [t for t in spec.get("taints") or () if isinstance(t, dict)]
        self.no_schedule_taints = tuple(t for t in taints if t.get("effect") in ("NoSchedule", "NoExecute"))
        self.prefer_no_schedule_taints = tuple(t for t in taints if t.get("effect") == "PreferNoSchedule")
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        self.allocatable_cpu = quantity_value("cpu", allocatable.get("cpu", 0))
        self.allocatable_memory = quantity_value("memory", allocatable.get("memory", 0))
        self.allocatable_ephemeral_storage = quantity_value(
            "ephemeral-storage", allocatable.get("ephemeral-storage", 0)
        )
        self.allocatable_pods = quantity_value("pods", allocatable.get("pods", 0))
        self.allocatable_scalars = {
            name: quantity_value(name, qty) for name, qty in sorted(allocatable.items()) if name not in _NOT_SCALAR
        }
        self.generation += 1

    # -- pods ------------------------------------------------------------------------------------
    def add_pod(self, pod: PodInfo) -> None:
        self.pods[pod.uid] = pod
        if pod.has_affinity:
            self.pods_with_affinity[pod.uid] = pod
        if pod.required_anti_affinity_terms:
            self.pods_with_required_anti_affinity[pod.uid] = pod
        self._account(pod, 1)

    def remove_pod(self, uid: str) -> PodInfo | None:
        pod = self.pods.pop(uid, None)
        if pod is not None:
            self.pods_with_affinity.pop(uid, None)
            self.pods_with_required_anti_affinity.pop(uid, None)
            self._account(pod, -1)
        return pod

    def _account(self, pod: PodInfo, sign: int) -> None:
        self.requested_cpu += sign * pod.cpu
        self.requested_memory += sign * pod.memory
        self.requested_ephemeral_storage += sign * pod.ephemeral_storage
        for name, value in pod.scalars.items():
            self.requested_scalars[name] = self.requested_scalars.get(name, 0) + sign * value
        self.non_zero_cpu += sign * pod.non_zero_cpu
        self.non_zero_memory += sign * pod.non_zero_memory
        for port in pod.host_ports:
            self.used_ports[port] += sign
            if self.used_ports[port] <= 0:
                del self.used_ports[port]
        self.generation += 1

    def port_in_use(self, ip: str, protocol: str, port: int) -> bool:
        """HostPortInfo.CheckConflict: 0.0.0.0 clashes with every address, any address with 0.0.0.0."""
        used = self.used_ports
        if not used:
            return False
        if ip == "0.0.0.0":
            return any(p == port and proto == protocol for (_, proto, p) in used)
        return (ip, protocol, port) in used or ("0.0.0.0", protocol, port) in used

    def clone(self) -> NodeInfo:
        """A copy whose pods and totals can change without touching this one (for preemption's what-ifs)."""
        copy = object.__new__(NodeInfo)
        for slot in NodeInfo.__slots__:
            setattr(copy, slot, getattr(self, slot))
        copy.pods = dict(self.pods)
        copy.pods_with_affinity = dict(self.pods_with_affinity)
        copy.pods_with_required_anti_affinity = dict(self.pods_with_required_anti_affinity)
        copy.requested_scalars = dict(self.requested_scalars)
        copy.used_ports = Counter(self.used_ports)
        copy.memo = {}
        return copy

    def __repr__(self) -> str:
        return f"NodeInfo({self.name}, pods={len(self.pods)})"
