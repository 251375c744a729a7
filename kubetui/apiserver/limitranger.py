"""The LimitRanger admission plugin (plugin/pkg/admission/limitranger): a namespace's LimitRanges give containers
default requests and limits, and refuse pods and claims outside their min, max and limit/request ratio."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kubetui.api.quota import pod_resources
from kubetui.api.validation.common import canonical_quantity as _text  # Quantity.String(), as messages print it
from kubetui.api.validation.common import parse_qty

LIMIT_RANGER_ANNOTATION = "kubernetes.io/limit-ranger"
Resources = dict[str, Any]  # a ResourceList: resource name -> quantity as written


def _value(quantity: Any) -> Decimal | None:
    return parse_qty(quantity)[0]  # None: validation has reported it


def _items(ranges: list[dict[str, Any]], limit_type: str) -> list[dict[str, Any]]:
    return [item for lr in ranges for item in ((lr.get("spec") or {}).get("limits") or ())
            if isinstance(item, dict) and item.get("type") == limit_type]


# -- defaults (PodMutateLimitFunc) ---------------------------------------------------------------------------------
def default_resources(ranges: list[dict[str, Any]], pod: dict[str, Any]) -> None:
    """Fill in each container's missing requests and limits from the Container items' defaultRequest and
    default, and say so in the ``kubernetes.io/limit-ranger`` annotation."""
    requests: Resources = {}
    limits: Resources = {}
    for item in _items(ranges, "Container"):  # a later LimitRange's default wins, as the Go loop overwrites
        requests.update(item.get("defaultRequest") or {})
        limits.update(item.get("default") or {})
    if not requests and not limits:
        return
    spec = pod.get("spec") or {}
    notes: list[str] = []
    for prefix, key in (("container", "containers"), ("init container", "initContainers")):
        for container in spec.get(key) or ():
            if isinstance(container, dict):
                notes += _merge(container, requests, limits, prefix)
    if notes:
        annotations = pod["metadata"].setdefault("annotations", {})
        annotations[LIMIT_RANGER_ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)


def _merge(container: dict[str, Any], requests: Resources, limits: Resources, prefix: str) -> list[str]:
    """mergeContainerResources: what the container leaves out, from the defaults."""
    resources = container.setdefault("resources", {})
    own_limits = resources.setdefault("limits", {})
    own_requests = resources.setdefault("requests", {})
    set_limits = sorted(name for name in limits if name not in own_limits)
    set_requests = sorted(name for name in requests if name not in own_requests)
    for name in set_limits:
        own_limits[name] = _text(limits[name])
    for name in set_requests:
        own_requests[name] = _text(requests[name])
    if not own_limits:
        del resources["limits"]
    if not own_requests:
        del resources["requests"]
    notes = []
    if set_requests:
        notes.append(f"{', '.join(set_requests)} request for {prefix} {container.get('name', '')}")
    if set_limits:
        notes.append(f"{', '.join(set_limits)} limit for {prefix} {container.get('name', '')}")
    return notes


# -- validation (PodValidateLimitFunc, PersistentVolumeClaimValidateLimitFunc) -------------------------------------
def pod_violations(ranges: list[dict[str, Any]], pod: dict[str, Any]) -> list[str]:
    """Every Container and Pod item's min, max and maxLimitRequestRatio the pod breaks, in Kubernetes' words."""
    spec = pod.get("spec") or {}
    containers = [c for key in ("containers", "initContainers") for c in spec.get(key) or () if isinstance(c, dict)]
    errors: list[str] = []
    for lr in ranges:
        for item in (lr.get("spec") or {}).get("limits") or ():
            if not isinstance(item, dict):
                continue
            if item.get("type") == "Container":
                for container in containers:
                    resources = container.get("resources") or {}
                    errors += _violations("Container", item, resources.get("requests") or {},
                                          resources.get("limits") or {})
            elif item.get("type") == "Pod":
                errors += _violations("Pod", item, *_pod_totals(spec))
    return errors


def _violations(limit_type: str, item: dict[str, Any], requests: Resources, limits: Resources) -> list[str]:
    errors: list[str] = []
    for name, enforced in sorted((item.get("min") or {}).items()):
        errors += _min(limit_type, name, enforced, requests, limits)
    for name, enforced in sorted((item.get("max") or {}).items()):
        errors += _max(limit_type, name, enforced, requests, limits)
    for name, enforced in sorted((item.get("maxLimitRequestRatio") or {}).items()):
        errors += _ratio(limit_type, name, enforced, requests, limits)
    return errors


def _min(kind: str, name: str, enforced: Any, requests: Resources, limits: Resources) -> list[str]:
    floor = _value(enforced)
    if floor is None:
        return []
    if name not in requests:
        return [f"minimum {name} usage per {kind} is {_text(enforced)}.  No request is specified"]
    if (_value(requests[name]) or 0) < floor:
        return [f"minimum {name} usage per {kind} is {_text(enforced)}, but request is {_text(requests[name])}"]
    if name in limits and (_value(limits[name]) or 0) < floor:
        return [f"minimum {name} usage per {kind} is {_text(enforced)}, but limit is {_text(limits[name])}"]
    return []


def _max(kind: str, name: str, enforced: Any, requests: Resources, limits: Resources) -> list[str]:
    ceiling = _value(enforced)
    if ceiling is None:
        return []
    if name not in limits:
        return [f"maximum {name} usage per {kind} is {_text(enforced)}.  No limit is specified"]
    if (_value(limits[name]) or 0) > ceiling:
        return [f"maximum {name} usage per {kind} is {_text(enforced)}, but limit is {_text(limits[name])}"]
    if name in requests and (_value(requests[name]) or 0) > ceiling:
        return [f"maximum {name} usage per {kind} is {_text(enforced)}, but request is {_text(requests[name])}"]
    return []


def _ratio(kind: str, name: str, enforced: Any, requests: Resources, limits: Resources) -> list[str]:
    most = _value(enforced)
    if most is None:
        return []
    request, limit = _value(requests.get(name, 0)) or 0, _value(limits.get(name, 0)) or 0
    if not request:
        return [f"{name} max limit to request ratio per {kind} is {_text(enforced)}, but no request is specified "
                "or request is 0"]
    if not limit:
        return [f"{name} max limit to request ratio per {kind} is {_text(enforced)}, but no limit is specified or "
                "limit is 0"]
    observed = limit / request
    if observed > most:
        return [f"{name} max limit to request ratio per {kind} is {_text(enforced)}, but provided ratio is "
                f"{float(observed):f}"]
    return []


def _pod_totals(spec: dict[str, Any]) -> tuple[Resources, Resources]:
    """podRequests / podLimits of the plugin: the pod's sums without its overhead."""
    return pod_resources(spec, "requests", overhead=False), pod_resources(spec, "limits", overhead=False)


def claim_violations(ranges: list[dict[str, Any]], claim: dict[str, Any]) -> list[str]:
    """A claim's storage request against the PersistentVolumeClaim items' min and max (its limits do not count)."""
    requests = (((claim.get("spec") or {}).get("resources") or {}).get("requests")) or {}
    errors: list[str] = []
    for item in _items(ranges, "PersistentVolumeClaim"):
        for name, enforced in sorted((item.get("min") or {}).items()):
            errors += _min("PersistentVolumeClaim", name, enforced, requests, {})
        for name, enforced in sorted((item.get("max") or {}).items()):
            ceiling = _value(enforced)
            if ceiling is None:
                continue
            if name not in requests:
                errors.append(f"maximum {name} usage per PersistentVolumeClaim is {_text(enforced)}.  No request is "
                              "specified")
            elif (_value(requests[name]) or 0) > ceiling:
                errors.append(f"maximum {name} usage per PersistentVolumeClaim is {_text(enforced)}, but request is "
                              f"{_text(requests[name])}")
    return errors
