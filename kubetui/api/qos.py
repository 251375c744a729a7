"""A pod's quality-of-service class (pkg/apis/core/helper/qos): what the API server writes in ``status.qosClass``,
the kubelet ranks evictions by, and a ResourceQuota's BestEffort scope matches."""

from __future__ import annotations

from typing import Any

from kubetui.api.quantity import QuantityError, parse_quantity


def qos_class(spec: dict[str, Any]) -> str:
    """Guaranteed, Burstable or BestEffort, from the containers' requests and limits (pkg/apis/core/helper/qos)."""
    if not isinstance(spec, dict):
        return "BestEffort"
    containers = [
        c
        for key in ("initContainers", "containers")
        if isinstance(spec.get(key), list)
        for c in spec[key]
        if isinstance(c, dict)
    ]
    requests_seen = limits_seen = False
    guaranteed = True
    for container in containers:
        resources = container.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        if not isinstance(requests, dict) or not isinstance(limits, dict):
            continue
        for res in ("cpu", "memory"):
            req, lim = requests.get(res), limits.get(res)
            if req is not None and not _is_zero(req):
                requests_seen = True
            if lim is not None and not _is_zero(lim):
                limits_seen = True
            if lim is None or (req is not None and not _same(req, lim)):
                guaranteed = False
    if not requests_seen and not limits_seen:
        return "BestEffort"
    return "Guaranteed" if guaranteed and containers else "Burstable"


def _is_zero(value: Any) -> bool:
    try:
        return parse_quantity(value) == 0
    except (QuantityError, TypeError, ValueError):
        return False


def _same(a: Any, b: Any) -> bool:
    try:
        return parse_quantity(a) == parse_quantity(b)
    except (QuantityError, TypeError, ValueError):
        return False
