"""The scheduler's cache: every node's NodeInfo, kept current from informer events and "assumed" pods.

A pod is *assumed* onto its node the moment the scheduler decides (pkg/scheduler/backend/cache):
the next decision already counts it, although the binding's watch event has not come back yet.
When the event arrives the assumption is confirmed; if binding fails it is forgotten.

Nodes are listed the way Kubernetes' nodeTree lists them: round-robin over zones, so that the
first nodes a decision looks at are spread over zones.

Simplification: the scheduler runs one decision at a time, so decisions read the cache directly
instead of a per-cycle snapshot.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Hashable
from operator import itemgetter
from typing import Any

from kubetui.scheduler.helpers import LABEL_REGION, LABEL_ZONE
from kubetui.scheduler.nodeinfo import ImageState, NodeInfo
from kubetui.scheduler.podinfo import PodInfo


def zone_key(labels: dict[str, str]) -> str:
    """utilnode.GetZoneKey: region and zone, or "" for a node without either label."""
    zone = labels.get(LABEL_ZONE) or labels.get("failure-domain.beta.kubernetes.io/zone") or ""
    region = labels.get(LABEL_REGION) or labels.get("failure-domain.beta.kubernetes.io/region") or ""
    return f"{region}:\x00:{zone}" if zone or region else ""


POD_LOG_LENGTH = 4096  # how far back pod_changes_since can look
NODE_LOG_LENGTH = 4096  # how far back a column can be brought up to date node by node
MAX_COLUMNS = 256


class Column:
    """One number (or verdict) per node of ``Cache.node_list()``, for one pod shape: ``values[node.index]``.

    Kubernetes' snapshot copies only the NodeInfos whose generation moved since the last cycle
    (backend/cache/cache.go UpdateSnapshot); a column is kept current the same way: only the nodes
    changed since it was last read are worked out again. ``present`` holds the positions whose value
    is not None (for Filter columns: the nodes some filter rejects), in no particular order.
    """

    __slots__ = ("list_version", "present", "revision", "values")

    def __init__(self, list_version: int, revision: int, values: list[Any]) -> None:
        self.list_version = list_version
        self.revision = revision
        self.values = values
        self.present: dict[int, Any] = {i: v for i, v in enumerate(values) if v is not None}

    def take(self, positions: list[int]) -> list[Any]:
        """The values at these positions, in their order (slices when the positions run on, as they
        do when every node looked at fits, possibly wrapping around the end)."""
        values, size = self.values, len(positions)
        if size > 1:
            first, last = positions[0], positions[-1]
            if last - first == size - 1:
                return values[first : last + 1]
            wrap = len(values) - first  # positions first..end, then 0..last
            if last + 1 + wrap == size and positions[wrap - 1] == len(values) - 1 and positions[wrap] == 0:
                return values[first:] + values[: last + 1]
            return list(itemgetter(*positions)(values))
        return [values[i] for i in positions]


class Cache:
    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}
        self.pods: dict[str, PodInfo] = {}  # uid -> the pod as placed (assumed or confirmed)
        self.assumed: set[str] = set()
        self.image_states: dict[str, ImageState] = {}
        self._zones: list[str] = []
        self._zone_nodes: dict[str, list[str]] = {}
        self._node_zone: dict[str, str] = {}
        self._node_list: list[NodeInfo] | None = None
        self._with_affinity: dict[str, NodeInfo] = {}
        self._with_required_anti_affinity: dict[str, NodeInfo] = {}
        self._affinity_list: list[NodeInfo] | None = None
        self._anti_affinity_list: list[NodeInfo] | None = None
        # Every pod placed on or taken off a node, numbered, so that a plugin can update numbers it
        # worked out earlier instead of adding up all nodes again. Node changes number separately.
        self.pod_revision = 0
        self.node_revision = 0
        # Nodes that a NodeUnschedulable or TaintToleration filter could turn a pod away from.
        self.unschedulable_nodes: set[str] = set()
        self.tainted_nodes: set[str] = set()  # with NoSchedule or NoExecute taints
        self._pod_log: deque[tuple[PodInfo, NodeInfo, int]] = deque(maxlen=POD_LOG_LENGTH)
        # Every change to a NodeInfo (its Node, or a pod placed on or taken off it), numbered; and a
        # number that moves whenever node_list() is listed anew (positions change then).
        self.node_change_revision = 0
        self._node_log: deque[NodeInfo] = deque(maxlen=NODE_LOG_LENGTH)
        self.list_version = 0
        self._columns: dict[Hashable, Column] = {}

    # -- nodes -----------------------------------------------------------------------------------
    def add_node(self, node: dict[str, Any]) -> NodeInfo:
        name = node["metadata"]["name"]
        info = self.nodes.get(name)
        if info is None:
            info = self.nodes[name] = NodeInfo(name)
        before = (info.node is not None, info.labels, info.no_schedule_taints)
        self._remove_images(info)
        info.set_node(node)
        self._node_changed(info)
        self._add_images(info, node)
        self._place_in_tree(name, zone_key(info.labels))
        self._lists_changed()
        _mark(self.unschedulable_nodes, name, info.unschedulable)
        _mark(self.tainted_nodes, name, bool(info.no_schedule_taints))
        if before != (True, info.labels, info.no_schedule_taints):
            self.node_revision += 1  # a new node, or one whose labels or taints changed
        return info

    def update_node(self, node: dict[str, Any]) -> NodeInfo:
        return self.add_node(node)

    def remove_node(self, name: str) -> None:
        info = self.nodes.get(name)
        if info is None:
            return
        self._remove_images(info)
        self._remove_from_tree(name)
        self._lists_changed()
        self.unschedulable_nodes.discard(name)
        self.tainted_nodes.discard(name)
        self.node_revision += 1
        self._node_changed(info)
        if info.pods:
            info.node = None  # its pods are still known: keep an "imaginary" node until they go
            info.labels = {}
            info.generation += 1
        else:
            del self.nodes[name]

    def node_list(self) -> list[NodeInfo]:
        """Every node with a Node object, in nodeTree order (zones round-robin)."""
        if self._node_list is None:
            ordered: list[NodeInfo] = []
            depth = max((len(v) for v in self._zone_nodes.values()), default=0)
            for index in range(depth):
                for zone in self._zones:
                    names = self._zone_nodes[zone]
                    if index < len(names):
                        ordered.append(self.nodes[names[index]])
            for position, info in enumerate(ordered):
                info.index = position
            self._node_list = ordered
            self.list_version += 1
        return self._node_list

    def node(self, name: str) -> NodeInfo | None:
        info = self.nodes.get(name)
        return info if info is not None and info.node is not None else None

    def nodes_with_affinity_pods(self) -> list[NodeInfo]:
        """HavePodsWithAffinityList: nodes that hold at least one pod with pod (anti-)affinity."""
        if self._affinity_list is None:
            self._affinity_list = [n for n in self._with_affinity.values() if n.node is not None]
        return self._affinity_list

    def nodes_with_required_anti_affinity_pods(self) -> list[NodeInfo]:
        if self._anti_affinity_list is None:
            self._anti_affinity_list = [n for n in self._with_required_anti_affinity.values() if n.node is not None]
        return self._anti_affinity_list

    def _lists_changed(self) -> None:
        self._affinity_list = self._anti_affinity_list = None

    def pod_changes_since(self, revision: int) -> list[tuple[PodInfo, NodeInfo, int]] | None:
        """The pods added (+1) or removed (-1) on nodes after ``pod_revision`` was ``revision``,
        or None when that is too long ago to tell."""
        missed = self.pod_revision - revision
        if missed < 0 or missed > len(self._pod_log):
            return None
        # From the right end: a deque is walked from its left otherwise, the whole log each time.
        changes = list(itertools.islice(reversed(self._pod_log), missed))
        changes.reverse()
        return changes

    def nodes_changed_since(self, revision: int) -> list[NodeInfo] | None:
        """The NodeInfos changed after ``node_change_revision`` was ``revision`` (each once), or None
        when that is too long ago to tell."""
        missed = self.node_change_revision - revision
        if missed < 0 or missed > len(self._node_log):
            return None
        return list(dict.fromkeys(itertools.islice(reversed(self._node_log), missed)))

    def column(self, key: Hashable, compute: Callable[[NodeInfo], Any]) -> Column:
        """The column ``key`` over node_list(), brought up to date: ``compute(node)`` must depend on
        nothing but the node (its Node and its pods) and what ``key`` stands for."""
        nodes = self.node_list()
        col = self._columns.get(key)
        changed = (
            self.nodes_changed_since(col.revision)
            if col is not None and col.list_version == self.list_version
            else None
        )
        if col is None or changed is None:
            if col is None and len(self._columns) >= MAX_COLUMNS:
                del self._columns[next(iter(self._columns))]
            col = self._columns[key] = Column(self.list_version, self.node_change_revision, [compute(n) for n in nodes])
            return col
        if changed:
            values, present, size = col.values, col.present, len(nodes)
            for info in changed:
                i = info.index
                if i < size and nodes[i] is info:
                    value = values[i] = compute(info)
                    if value is None:
                        present.pop(i, None)
                    else:
                        present[i] = value
            col.revision = self.node_change_revision
        return col

    def _node_changed(self, info: NodeInfo) -> None:
        self.node_change_revision += 1
        self._node_log.append(info)

    def _place_in_tree(self, name: str, zone: str) -> None:
        current = self._node_zone.get(name)
        if current == zone:
            return
        if current is not None:
            self._remove_from_tree(name)
        if zone not in self._zone_nodes:
            self._zones.append(zone)
            self._zone_nodes[zone] = []
        self._zone_nodes[zone].append(name)
        self._node_zone[name] = zone
        self._node_list = None

    def _remove_from_tree(self, name: str) -> None:
        zone = self._node_zone.pop(name, None)
        if zone is None:
            return
        names = self._zone_nodes[zone]
        i = names.index(name)
        names[i] = names[-1]  # nodeTree removes by swapping the last node in
        names.pop()
        if not names:
            del self._zone_nodes[zone]
            z = self._zones.index(zone)
            self._zones[z] = self._zones[-1]
            self._zones.pop()
        self._node_list = None

    def _add_images(self, info: NodeInfo, node: dict[str, Any]) -> None:
        for image in (node.get("status") or {}).get("images") or ():
            size = int(image.get("sizeBytes") or 0)
            for name in image.get("names") or ():
                state = self.image_states.get(name)
                if state is None:
                    state = self.image_states[name] = ImageState(size)
                state.nodes.add(info.name)
                info.image_states[name] = state

    def _remove_images(self, info: NodeInfo) -> None:
        for name, state in info.image_states.items():
            state.nodes.discard(info.name)
            if not state.nodes:
                self.image_states.pop(name, None)
        info.image_states = {}

    # -- pods ------------------------------------------------------------------------------------
    def add_pod(self, pod: PodInfo) -> None:
        """An assigned pod seen through the informer; confirms it if it was assumed."""
        if pod.uid in self.pods:
            self.assumed.discard(pod.uid)
            self._remove(self.pods[pod.uid])
        self._add(pod)

    def update_pod(self, pod: PodInfo) -> None:
        self.add_pod(pod)

    def remove_pod(self, uid: str) -> None:
        current = self.pods.get(uid)
        if current is not None:
            self.assumed.discard(uid)
            self._remove(current)

    def assume_pod(self, pod: PodInfo, node_name: str) -> PodInfo:
        assumed = pod.on_node(node_name)
        self._add(assumed)
        self.assumed.add(assumed.uid)
        return assumed

    def forget_pod(self, uid: str) -> None:
        if uid in self.assumed:
            self.assumed.discard(uid)
            self._remove(self.pods[uid])

    def is_assumed(self, uid: str) -> bool:
        return uid in self.assumed

    def _add(self, pod: PodInfo) -> None:
        info = self.nodes.get(pod.node_name)
        if info is None:
            info = self.nodes[pod.node_name] = NodeInfo(pod.node_name)
        info.add_pod(pod)
        self._node_changed(info)
        self.pods[pod.uid] = pod
        self.pod_revision += 1
        self._pod_log.append((pod, info, 1))
        if pod.has_affinity and info.name not in self._with_affinity:
            self._with_affinity[info.name] = info
            self._lists_changed()
        if pod.required_anti_affinity_terms and info.name not in self._with_required_anti_affinity:
            self._with_required_anti_affinity[info.name] = info
            self._lists_changed()

    def _remove(self, pod: PodInfo) -> None:
        self.pods.pop(pod.uid, None)
        info = self.nodes.get(pod.node_name)
        if info is None:
            return
        info.remove_pod(pod.uid)
        self._node_changed(info)
        self.pod_revision += 1
        self._pod_log.append((pod, info, -1))
        if not info.pods_with_affinity and self._with_affinity.pop(info.name, None) is not None:
            self._lists_changed()
        if not info.pods_with_required_anti_affinity and (
            self._with_required_anti_affinity.pop(info.name, None) is not None
        ):
            self._lists_changed()
        if info.node is None and not info.pods:
            del self.nodes[info.name]


def _mark(names: set[str], name: str, member: bool) -> None:
    if member:
        names.add(name)
    else:
        names.discard(name)
