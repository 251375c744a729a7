"""What the scheduler works out once per pod, so no decision reads the pod dict again (framework.PodInfo).

Resource requests follow k8s.io/component-helpers/resource PodRequests: containers add up,
init containers take the max (sidecars add), overhead adds on top. The "non-zero" variant
counts a container that requests no cpu or memory as 100m / 200Mi, which only scoring uses
(pkg/scheduler/util/pod_resources.go).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from typing import Any

import orjson

from kubetui.api.meta import parse_timestamp
from kubetui.api.podrequests import (
    pod_requests,
)
from kubetui.scheduler.helpers import RequiredNodeAffinity, Selector, label_selector

_STANDARD = ("cpu", "memory", "ephemeral-storage", "pods")


class AffinityTerm:
    """A parsed PodAffinityTerm: which namespaces, which labels, over which topology key."""

    __slots__ = ("namespace_selector", "namespaces", "selector", "signature", "topology_key", "weight")

    def __init__(self, namespace: str, term: Mapping[str, Any], weight: int = 0) -> None:
        listed = term.get("namespaces") or ()
        ns_selector = term.get("namespaceSelector")
        self.namespaces: frozenset[str] = (
            frozenset((namespace,)) if not listed and ns_selector is None else frozenset(listed)
        )
        self.namespace_selector: Selector | None = label_selector(ns_selector)
        self.selector: Selector | None = label_selector(term.get("labelSelector"))
        self.topology_key: str = str(term.get("topologyKey", ""))
        self.weight = weight
        # Equal signatures match the same pods: the key under which per-node counts are remembered.
        self.signature: tuple[Any, ...] = (
            tuple(sorted(self.namespaces)),
            orjson.dumps(term.get("labelSelector"), option=orjson.OPT_SORT_KEYS),
            orjson.dumps(ns_selector, option=orjson.OPT_SORT_KEYS),
            self.topology_key,
            weight,
        )

    def matches(self, pod: PodInfo, namespace_labels: Mapping[str, str] | None = None) -> bool:
        """AffinityTerm.Matches: the pod is in one of the term's namespaces and has matching labels."""
        if pod.namespace not in self.namespaces and not (
            self.namespace_selector is not None and self.namespace_selector.matches(namespace_labels or {})
        ):
            return False
        return self.selector is not None and self.selector.matches(pod.labels)

    def with_namespaces(self, namespaces: frozenset[str]) -> AffinityTerm:
        """A copy with the namespace selector resolved into names (mergeAffinityTermNamespacesIfNotEmpty)."""
        term = object.__new__(AffinityTerm)
        term.namespaces = self.namespaces | namespaces
        term.namespace_selector = None
        term.selector = self.selector
        term.topology_key = self.topology_key
        term.weight = self.weight
        term.signature = (tuple(sorted(term.namespaces)), self.signature[1], b"null", *self.signature[3:])
        return term


def _terms(namespace: str, terms: Any) -> tuple[AffinityTerm, ...]:
    return tuple(AffinityTerm(namespace, t) for t in terms or () if isinstance(t, dict))


def _weighted_terms(namespace: str, terms: Any) -> tuple[AffinityTerm, ...]:
    return tuple(
        AffinityTerm(namespace, t.get("podAffinityTerm") or {}, int(t.get("weight", 0)))
        for t in terms or ()
        if isinstance(t, dict)
    )


def normalized_image_name(name: str) -> str:
    """ImageLocality's normalizedImageName: an image without a tag means ``:latest``."""
    if name.rfind(":") <= name.rfind("/"):
        return name + ":latest"
    return name


# Values many pods have equal (the pods of one ReplicaSet): one object each, as the informer cache
# shares its pods' equal sub-trees. Bounded; starts over when full. Read-only, like the pods.
_SHARED: dict[Any, Any] = {}
_SHARED_MAX = 4096
_NO_SCALARS: dict[str, int] = {}


def _shared(value: Any) -> Any:
    hit = _SHARED.get(value)
    if hit is not None:
        return hit
    if len(_SHARED) >= _SHARED_MAX:
        _SHARED.clear()
    _SHARED[value] = value
    return value


def _node_affinity(pod: dict[str, Any], spec: dict[str, Any]) -> RequiredNodeAffinity:
    if spec.get("nodeSelector") or (spec.get("affinity") or {}).get("nodeAffinity"):
        return RequiredNodeAffinity(pod)
    return _NO_NODE_AFFINITY


_NO_NODE_AFFINITY = RequiredNodeAffinity({})


class PodInfo:
    """One pod as the scheduler sees it; ``pod`` is the informer's shared, read-only dict."""

    __slots__ = (
        "cpu", "ephemeral_storage", "has_affinity", "host_ports", "images", "key", "label_key", "labels",
        "memory", "name", "namespace", "node_name", "non_zero_cpu", "non_zero_memory", "pod",
        "preferred_affinity_terms", "preferred_anti_affinity_terms", "priority", "required_affinity_terms",
        "required_anti_affinity_terms", "required_node_affinity", "scalars", "start_time", "terminating",
        "tolerations", "uid",
    )  # fmt: skip

    def __init__(self, pod: dict[str, Any]) -> None:
        meta = pod.get("metadata") or {}
        spec = pod.get("spec") or {}
        self.pod = pod
        self.namespace: str = meta.get("namespace", "")
        self.name: str = meta.get("name", "")
        self.key = sys.intern(f"{self.namespace}/{self.name}")  # the informer's key: one string
        self.uid: str = meta.get("uid", "") or self.key
        labels = meta.get("labels")
        self.labels: dict[str, str] = labels if isinstance(labels, dict) else {}
        # pods with equal label_key match the same selectors
        self.label_key = _shared(tuple(sorted(self.labels.items())))
        self.priority: int = int(spec.get("priority") or 0)
        self.node_name: str = spec.get("nodeName") or ""
        self.terminating = bool(meta.get("deletionTimestamp"))
        start = parse_timestamp((pod.get("status") or {}).get("startTime"))
        self.start_time: float = math.inf if start is None else start  # not started yet counts as newest

        requests = pod_requests(spec)
        self.cpu = requests.pop("cpu", 0)
        self.memory = requests.pop("memory", 0)
        self.ephemeral_storage = requests.pop("ephemeral-storage", 0)
        requests.pop("pods", None)
        self.scalars: dict[str, int] = {k: v for k, v in sorted(requests.items()) if v} or _NO_SCALARS
        non_zero = pod_requests(spec, non_zero=True)
        self.non_zero_cpu = non_zero.get("cpu", 0)
        self.non_zero_memory = non_zero.get("memory", 0)

        ports: list[tuple[str, str, int]] = []
        for container in spec.get("containers") or ():
            for port in container.get("ports") or ():
                host_port = port.get("hostPort") or 0
                if isinstance(host_port, int) and host_port > 0:
                    ports.append((port.get("hostIP") or "0.0.0.0", port.get("protocol") or "TCP", host_port))
        self.host_ports: tuple[tuple[str, str, int], ...] = tuple(ports)
        self.tolerations: tuple[dict[str, Any], ...] = tuple(
            t for t in spec.get("tolerations") or () if isinstance(t, dict)
        )
        self.images: tuple[str, ...] = _shared(tuple(
            normalized_image_name(str(c.get("image", "")))
            for key in ("initContainers", "containers")
            for c in spec.get(key) or ()
            if c.get("image")
        ))
        self.required_node_affinity = _node_affinity(pod, spec)

        affinity = spec.get("affinity") or {}
        pod_affinity = affinity.get("podAffinity") or {}
        pod_anti = affinity.get("podAntiAffinity") or {}
        ns = self.namespace
        # Simplification: matchLabelKeys/mismatchLabelKeys of pod affinity terms are not merged in.
        self.required_affinity_terms = _terms(ns, pod_affinity.get("requiredDuringSchedulingIgnoredDuringExecution"))
        self.required_anti_affinity_terms = _terms(ns, pod_anti.get("requiredDuringSchedulingIgnoredDuringExecution"))
        self.preferred_affinity_terms = _weighted_terms(
            ns, pod_affinity.get("preferredDuringSchedulingIgnoredDuringExecution")
        )
        self.preferred_anti_affinity_terms = _weighted_terms(
            ns, pod_anti.get("preferredDuringSchedulingIgnoredDuringExecution")
        )
        self.has_affinity = bool(affinity.get("podAffinity") is not None or affinity.get("podAntiAffinity") is not None)

    def on_node(self, node_name: str) -> PodInfo:
        """A shallow copy placed on ``node_name``: the "assumed" pod before the binding is confirmed."""
        copy = object.__new__(PodInfo)
        for slot in PodInfo.__slots__:
            setattr(copy, slot, getattr(self, slot))
        copy.node_name = node_name
        return copy

    @property
    def has_requests(self) -> bool:
        return bool(self.cpu or self.memory or self.ephemeral_storage or self.scalars)

    def __repr__(self) -> str:
        return f"PodInfo({self.key})"
