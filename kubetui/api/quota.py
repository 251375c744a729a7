"""What an object costs a ResourceQuota: the quota evaluators of pkg/quota/v1/evaluator/core and the generic
object counter, shared by the ResourceQuota admission plugin and the resource quota controller.

Simplification: the PriorityClass and CrossNamespacePodAffinity scopes (scopeSelector) match no pod.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kubetui.api.qos import qos_class
from kubetui.api.quantity import add_quantities, canonical
from kubetui.api.resources import ResourceInfo
from kubetui.api.validation.common import canonical_quantity, parse_qty

Obj = dict[str, Any]
Usage = dict[str, str]  # resource name -> quantity, as Kubernetes prints it

_COMPUTE = ("cpu", "memory", "ephemeral-storage")
# the names quota knows for each kind's own evaluator (the rest of a kind counts as count/<resource>)
_POD_RESOURCES = frozenset({"pods", "count/pods", *_COMPUTE, *(f"requests.{r}" for r in _COMPUTE),
                            *(f"limits.{r}" for r in _COMPUTE)})
_SERVICE_RESOURCES = frozenset({"services", "count/services", "services.nodeports", "services.loadbalancers"})
_CLAIM_RESOURCES = frozenset({"persistentvolumeclaims", "count/persistentvolumeclaims", "requests.storage"})
_LEGACY_COUNTS = frozenset({"configmaps", "secrets", "replicationcontrollers", "resourcequotas"})
STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/"
# podEvaluator.Constraints: quota on these makes every container say what it asks for
_MUST_SPECIFY = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"})


def count_name(info: ResourceInfo) -> str:
    """``count/deployments.apps``, ``count/pods``: the object-count resource of a kind."""
    return f"count/{info.qualified}"


def matching_resources(info: ResourceInfo, hard: list[str]) -> list[str]:
    """The quota resources this kind's evaluator counts, of those a quota limits (MatchingResources)."""
    own = {"pods": _POD_RESOURCES, "services": _SERVICE_RESOURCES, "persistentvolumeclaims": _CLAIM_RESOURCES}
    names = own.get(info.plural, frozenset())
    found = []
    for name in hard:
        own_name = name in names or name == count_name(info) or (info.plural in _LEGACY_COUNTS and name == info.plural)
        extended = info.plural == "pods" and name.startswith("requests.") and "/" in name
        per_class = info.plural == "persistentvolumeclaims" and STORAGE_CLASS_SUFFIX in name
        if own_name or extended or per_class:
            found.append(name)
    return found


def is_best_effort(pod: Obj) -> bool:
    return qos_class(pod.get("spec") or {}) == "BestEffort"


def matches(quota: Obj, info: ResourceInfo, obj: Obj) -> bool:
    """Does the quota's scope take this object in? Scopes only ever take pods in."""
    spec = quota.get("spec") or {}
    scopes = [s for s in spec.get("scopes") or () if isinstance(s, str)]
    scopes += [str((e or {}).get("scopeName")) for e in (spec.get("scopeSelector") or {}).get("matchExpressions") or ()]
    if not scopes:
        return True
    if info.plural != "pods":
        return False
    deadline = (obj.get("spec") or {}).get("activeDeadlineSeconds")
    terminating = isinstance(deadline, int) and deadline >= 0
    checks = {"Terminating": terminating, "NotTerminating": not terminating, "BestEffort": is_best_effort(obj),
              "NotBestEffort": not is_best_effort(obj)}
    return all(checks.get(scope, False) for scope in scopes)


def counts_compute(pod: Obj, now: float, deletion_time: float | None) -> bool:
    """QuotaV1Pod: a terminal pod, or one past its deletion grace period, no longer costs compute."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    grace = (pod.get("metadata") or {}).get("deletionGracePeriodSeconds")
    return not (deletion_time is not None and isinstance(grace, int) and now > deletion_time + grace)


def usage(info: ResourceInfo, obj: Obj, compute: bool = True) -> Usage:
    """Evaluator.Usage: what the object costs (``compute``: False for a pod that no longer counts)."""
    used: Usage = {count_name(info): "1"}
    if info.plural in _LEGACY_COUNTS:
        used[info.plural] = "1"
    if info.plural == "pods" and compute:
        used.update(_pod_compute(obj.get("spec") or {}))
    elif info.plural == "services":
        used["services"] = "1"
        spec = obj.get("spec") or {}
        allocates = spec.get("type") == "NodePort" or (
            spec.get("type") == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is not False)
        if allocates:
            used["services.nodeports"] = str(len(spec.get("ports") or ()))
        if spec.get("type") == "LoadBalancer":
            used["services.loadbalancers"] = "1"
    elif info.plural == "persistentvolumeclaims":
        used["persistentvolumeclaims"] = "1"
        spec = obj.get("spec") or {}
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
        klass = spec.get("storageClassName")
        if klass:
            used[f"{klass}{STORAGE_CLASS_SUFFIX}persistentvolumeclaims"] = "1"
        if storage is not None:
            used["requests.storage"] = canonical_quantity(storage)
            if klass:
                used[f"{klass}{STORAGE_CLASS_SUFFIX}requests.storage"] = canonical_quantity(storage)
    return used


def _pod_compute(spec: Obj) -> Usage:
    """podComputeUsageHelper over PodRequests and PodLimits (app containers add up, init containers take the max)."""
    requests, limits = pod_resources(spec, "requests"), pod_resources(spec, "limits")
    used: Usage = {"pods": "1"}
    for name in _COMPUTE:
        if name in requests:
            used[name] = used[f"requests.{name}"] = requests[name]
        if name in limits:
            used[f"limits.{name}"] = limits[name]
    for name, value in requests.items():
        if "/" in name and "kubernetes.io/" not in name:
            used[f"requests.{name}"] = value
    return used


def pod_resources(spec: Obj, key: str, overhead: bool = True) -> Usage:
    """PodRequests / PodLimits (``key``) as quantities: app containers add up, an init container counts where it
    asks for more, the pod's overhead adds on top (``overhead``; LimitRanger's own sums leave it out)."""
    total: Usage = {}
    for container in spec.get("containers") or ():
        for name, quantity in (((container or {}).get("resources") or {}).get(key) or {}).items():
            total[name] = add_quantities(total[name], quantity) if name in total else canonical_quantity(quantity)
    for container in spec.get("initContainers") or ():
        for name, quantity in (((container or {}).get("resources") or {}).get(key) or {}).items():
            if name not in total or _value(quantity) > _value(total[name]):
                total[name] = canonical_quantity(quantity)
    for name, quantity in (spec.get("overhead") or {}).items() if overhead else ():
        total[name] = add_quantities(total[name], quantity) if name in total else canonical_quantity(quantity)
    return total


def missing_requests(required: list[str], pod: Obj) -> str | None:
    """podEvaluator.Constraints: with cpu or memory under quota, each container must ask for it; the message."""
    wanted = sorted(set(required) & _MUST_SPECIFY)
    spec = pod.get("spec") or {}
    containers = [c for key in ("containers", "initContainers") for c in spec.get(key) or () if isinstance(c, dict)]
    missing: dict[str, set[str]] = {}
    for name in wanted:
        key, _, resource = name.rpartition(".")
        for container in containers:
            resources = container.get("resources") or {}
            if resource not in (resources.get("limits" if key == "limits" else "requests") or {}):
                missing.setdefault(name, set()).add(str(container.get("name", "")))
    if not missing:
        return None
    return "must specify " + "; ".join(f"{name} for: {','.join(sorted(who))}" for name, who in sorted(missing.items()))


def add(a: Usage, b: Usage) -> Usage:
    """quota.Add."""
    out = dict(a)
    for name, quantity in b.items():
        out[name] = add_quantities(out[name], quantity) if name in out else quantity
    return out


def subtract(a: Usage, b: Usage) -> Usage:
    """quota.SubtractWithNonNegativeResult."""
    out: Usage = {}
    for name, quantity in a.items():
        left = _value(quantity) - _value(b.get(name, "0"))
        out[name] = canonical(str(left)) if left > 0 else "0"
    return out


def exceeded(used: Usage, hard: Usage) -> list[str]:
    """The resources whose use goes past the hard limit (quota.LessThanOrEqual's failures)."""
    return sorted(name for name, quantity in used.items() if name in hard and _value(quantity) > _value(hard[name]))


def pretty(values: Usage) -> str:
    """prettyPrint: ``pods=1,requests.cpu=500m``."""
    return ",".join(f"{name}={canonical_quantity(values[name])}" for name in sorted(values))


def is_zero(values: Usage) -> bool:
    return all(_value(q) == 0 for q in values.values())


def _value(quantity: Any) -> Decimal:
    return parse_qty(quantity)[0] or Decimal(0)
