"""What a pod asks of a node: k8s.io/component-helpers/resource PodRequests.

Containers add up, init containers take the max (restartable sidecars add), overhead adds on top.
The "non-zero" variant counts a container that requests no cpu or memory as 100m / 200Mi, which
only the scheduler's scoring uses (pkg/scheduler/util/pod_resources.go). The scheduler, the
kubelet's admission and the UI all count requests with this one function.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from kubetui.api.quantity import cpu_millis, memory_bytes

DEFAULT_MILLI_CPU_REQUEST = 100  # 0.1 core
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024  # 200 MB
_NON_ZERO_DEFAULTS = {"cpu": DEFAULT_MILLI_CPU_REQUEST, "memory": DEFAULT_MEMORY_REQUEST}


def quantity_value(name: str, value: Any) -> int:
    """resource.Quantity.MilliValue() for cpu, Value() for the rest (both round up); 0 if unparseable."""
    if not isinstance(value, (str, int, float)):
        return 0
    return _parsed_quantity(name, value)


@functools.lru_cache(maxsize=4096)
def _parsed_quantity(name: str, value: str | int | float) -> int:
    try:
        return cpu_millis(value) if name == "cpu" else memory_bytes(value)
    except (TypeError, ValueError):
        return 0


def _container_requests(container: Mapping[str, Any], non_zero: bool) -> dict[str, int]:
    requests = (container.get("resources") or {}).get("requests") or {}
    out = {name: quantity_value(name, qty) for name, qty in requests.items()} if isinstance(requests, dict) else {}
    if non_zero:
        for name, default in _NON_ZERO_DEFAULTS.items():
            if name not in out:
                out[name] = default
    return out


def pod_requests(spec: Mapping[str, Any], non_zero: bool = False) -> dict[str, int]:
    """PodRequests: what a pod asks of a node, in millicores for cpu and plain units otherwise."""
    total: dict[str, int] = {}
    for container in spec.get("containers") or ():
        for name, value in _container_requests(container, non_zero).items():
            total[name] = total.get(name, 0) + value
    sidecars: dict[str, int] = {}
    init_max: dict[str, int] = {}
    for container in spec.get("initContainers") or ():
        reqs = _container_requests(container, non_zero)
        if container.get("restartPolicy") == "Always":  # a sidecar keeps running next to the app
            for name, value in reqs.items():
                total[name] = total.get(name, 0) + value
                sidecars[name] = sidecars.get(name, 0) + value
            effective = dict(sidecars)
        else:
            effective = {name: value + sidecars.get(name, 0) for name, value in reqs.items()}
            for name, value in sidecars.items():
                effective.setdefault(name, value)
        for name, value in effective.items():
            init_max[name] = max(init_max.get(name, 0), value)
    for name, value in init_max.items():
        total[name] = max(total.get(name, 0), value)
    overhead = spec.get("overhead")
    if isinstance(overhead, dict):
        for name, qty in overhead.items():
            total[name] = total.get(name, 0) + quantity_value(name, qty)
    return total
