"""What a simulated machine is: its name, size, labels and taints (from a ``kind: Node`` manifest or defaults)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kubetui.api.quantity import cpu_millis, memory_bytes, parse_quantity


@dataclass(frozen=True)
class NodeSpec:
    name: str
    cpu: str = "4"
    memory: str = "8Gi"
    pods: int = 110
    labels: dict[str, str] = field(default_factory=dict)
    taints: tuple[dict[str, Any], ...] = ()
    zone: str = ""
    unschedulable: bool = False

    @property
    def cpu_millis(self) -> int:
        return cpu_millis(self.cpu)

    @property
    def memory_bytes(self) -> int:
        return memory_bytes(self.memory)

    @classmethod
    def from_manifest(cls, obj: dict[str, Any]) -> NodeSpec:
        """A Node document from the manifest folder: capacity from status.capacity (or allocatable)."""
        meta = obj.get("metadata") or {}
        status = obj.get("status") or {}
        capacity = status.get("capacity") or status.get("allocatable") or {}
        labels = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
        spec = obj.get("spec") or {}
        made = cls(
            name=str(meta.get("name", "")),
            cpu=str(capacity.get("cpu", "4")),
            memory=str(capacity.get("memory", "8Gi")),
            pods=int(parse_quantity(str(capacity.get("pods", 110)))),
            labels=labels,
            taints=tuple(t for t in spec.get("taints") or () if isinstance(t, dict)),
            zone=labels.get("topology.kubernetes.io/zone", ""),
            unschedulable=bool(spec.get("unschedulable", False)),
        )
        cpu_millis(made.cpu), memory_bytes(made.memory)  # a bad quantity raises here, not when the machine boots
        return made


def default_nodes(count: int = 3, cpu: str = "4", memory: str = "8Gi") -> list[NodeSpec]:
    """The built-in cluster: ``count`` nodes of 4 CPU / 8Gi spread over zones a, b, c."""
    zones = ("zone-a", "zone-b", "zone-c")
    return [
        NodeSpec(name=f"node-{i + 1}", cpu=cpu, memory=memory, zone=zones[i % len(zones)])
        for i in range(count)
    ]
