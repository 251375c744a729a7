"""Pods, nodes and plugin harnesses for the scheduler tests (like pkg/scheduler/testing MakePod/MakeNode)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kubetui.scheduler.cache import Cache
from kubetui.scheduler.framework import CycleState, Framework, Handle, Plugin, ScorePlugin, Status
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

MB = 1024 * 1024


def node(
    name: str,
    cpu_m: int | None = None,
    memory: int | None = None,
    pods: int = 110,
    labels: dict[str, str] | None = None,
    taints: Sequence[dict[str, Any]] = (),
    images: Sequence[tuple[Sequence[str], int]] = (),
    unschedulable: bool = False,
    scalars: dict[str, int] | None = None,
) -> dict[str, Any]:
    """A Node; cpu in millicores and memory in bytes, as Kubernetes' tests write them."""
    allocatable: dict[str, Any] = {"pods": str(pods)}
    if cpu_m is not None:
        allocatable["cpu"] = f"{cpu_m}m"
    if memory is not None:
        allocatable["memory"] = str(memory)
    for name_, value in (scalars or {}).items():
        allocatable[name_] = str(value)
    obj: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": name, "labels": dict(labels or {})},
        "spec": {"taints": [dict(t) for t in taints]} if taints else {},
        "status": {
            "allocatable": allocatable,
            "capacity": dict(allocatable),
            "images": [{"names": list(names), "sizeBytes": size} for names, size in images],
        },
    }
    if unschedulable:
        obj["spec"]["unschedulable"] = True
    return obj


def pod(
    name: str = "p",
    namespace: str = "default",
    requests: Sequence[dict[str, Any]] = (),
    init_requests: Sequence[dict[str, Any]] = (),
    labels: dict[str, str] | None = None,
    node_name: str = "",
    priority: int = 0,
    tolerations: Sequence[dict[str, Any]] = (),
    affinity: dict[str, Any] | None = None,
    node_selector: dict[str, str] | None = None,
    host_ports: Sequence[tuple[str, str, int]] = (),
    images: Sequence[str] = (),
    init_images: Sequence[str] = (),
    spread: Sequence[dict[str, Any]] = (),
    uid: str = "",
    owner: dict[str, Any] | None = None,
    start_time: str = "",
) -> dict[str, Any]:
    """A Pod with one container per entry of ``requests`` (cpu "1000m"-style strings or ints)."""
    containers: list[dict[str, Any]] = []
    for i, req in enumerate(requests):
        containers.append(
            {
                "name": f"c{i}",
                "image": "pause",
                "resources": {"requests": {k: str(v) for k, v in req.items()}},
            }
        )
    for i, image in enumerate(images):
        containers.append({"name": f"i{i}", "image": image})
    if host_ports:
        if not containers:
            containers.append({"name": "c0", "image": "pause"})
        containers[0]["ports"] = [
            {"hostIP": ip, "protocol": proto, "hostPort": port, "containerPort": port} for ip, proto, port in host_ports
        ]
    spec: dict[str, Any] = {
        "containers": containers,
        "priority": priority,
        "schedulerName": "default-scheduler",
    }
    inits = [
        {"name": f"init{i}", "image": "pause", "resources": {"requests": {k: str(v) for k, v in r.items()}}}
        for i, r in enumerate(init_requests)
    ]
    inits += [{"name": f"initimg{i}", "image": image} for i, image in enumerate(init_images)]
    if inits:
        spec["initContainers"] = inits
    if node_name:
        spec["nodeName"] = node_name
    if tolerations:
        spec["tolerations"] = [dict(t) for t in tolerations]
    if affinity:
        spec["affinity"] = affinity
    if node_selector is not None:
        spec["nodeSelector"] = node_selector
    if spread:
        spec["topologySpreadConstraints"] = list(spread)
    meta: dict[str, Any] = {
        "name": name,
        "namespace": namespace,
        "uid": uid or f"uid-{namespace}-{name}",
        "labels": dict(labels or {}),
    }
    if owner:
        meta["ownerReferences"] = [owner]
    status: dict[str, Any] = {"phase": "Pending"}
    if start_time:
        status["startTime"] = start_time
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec, "status": status}


def cache_with(nodes: Sequence[dict[str, Any]], pods: Sequence[dict[str, Any]] = ()) -> Cache:
    cache = Cache()
    for n in nodes:
        cache.add_node(n)
    for p in pods:
        cache.add_pod(PodInfo(p))
    return cache


def nodes_of(cache: Cache, nodes: Sequence[dict[str, Any]]) -> list[NodeInfo]:
    """NodeInfos in the order the test listed the nodes (not nodeTree order)."""
    return [cache.nodes[n["metadata"]["name"]] for n in nodes]


class Harness:
    """One plugin (or a whole framework) over a cache, run the way the framework runs it."""

    def __init__(
        self,
        plugin_cls: type[Plugin],
        nodes: Sequence[dict[str, Any]],
        pods: Sequence[dict[str, Any]] = (),
        handle: Handle | None = None,
    ) -> None:
        self.cache = cache_with(nodes, pods)
        self.handle = handle or Handle(self.cache)
        self.handle.cache = self.cache
        self.plugin = plugin_cls(self.handle)
        self.framework = Framework(self.handle, [self.plugin], {self.plugin.name: 1})
        self.nodes = nodes_of(self.cache, nodes)

    def filter(self, pod_obj: dict[str, Any]) -> list[Status | None]:
        """PreFilter once, then Filter on each node; a PreFilter Skip means every node passes."""
        pod_info, state = PodInfo(pod_obj), CycleState()
        _, status, _ = self.framework.run_pre_filter(state, pod_info, self.nodes)
        if status is not None:
            return [status for _ in self.nodes]
        return [self.framework.run_filter(state, pod_info, n) for n in self.nodes]

    def scores(self, pod_obj: dict[str, Any], normalize: bool = True) -> list[int] | None:
        """PreScore, Score and NormalizeScore over the nodes; None if PreScore skipped the plugin."""
        assert isinstance(self.plugin, ScorePlugin)
        pod_info, state = PodInfo(pod_obj), CycleState()
        self.framework.run_pre_filter(state, pod_info, self.nodes)
        self.framework.run_pre_score(state, pod_info, self.nodes)
        if self.plugin.name in state.skip_score:
            return None
        raw = self.plugin.score(state, pod_info, self.nodes)
        if normalize:
            self.plugin.normalize(state, pod_info, self.nodes, raw)
        return raw


def reasons(statuses: Sequence[Status | None]) -> list[tuple[str, ...] | None]:
    return [None if s is None else s.reasons for s in statuses]
