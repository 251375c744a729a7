"""VolumeBinding: a pod's PersistentVolumeClaims decide where it may run (plugins/volumebinding, with the binder of
pkg/scheduler/framework/plugins/volumebinding/binder.go).

* PreFilter: a pod without claims skips the plugin. A missing claim (``persistentvolumeclaim "x" not found``),
  one being deleted, one Lost, or an unbound claim whose class binds Immediate (``pod has unbound immediate
  PersistentVolumeClaims``: the PV controller binds it first) rejects the pod for every node. Bound claims
  whose volumes name their nodes (``kubernetes.io/hostname In [...]``, as local volumes do) narrow the nodes
  down to those (``GetEligibleNodes``, intersected across claims): the others are ``node(s) didn't satisfy
  plugin(s) [VolumeBinding]``.
* Filter: a bound claim's volume must allow the node (its ``nodeAffinity``): ``node(s) had volume node affinity
  conflict``; a volume that is gone: ``node(s) unavailable due to one or more pvc(s) bound to non-existent
  pv(s)``. An unbound WaitForFirstConsumer claim needs an available matching volume the node may use, or a
  class with a provisioner (and allowed topologies the node matches): else ``node(s) didn't find available
  persistent volumes to bind``.
* Reserve/PreBind: on the chosen node, a matching static volume gets ``spec.claimRef`` (the PV controller
  completes the binding); a claim to provision gets the ``volume.kubernetes.io/selected-node`` annotation,
  which the provisioner waits for.

Simplification: PreBind writes the bindings and does not wait for the claims to be Bound; the kubelet waits.
Simplification: no VolumeRestrictions, NodeVolumeLimits or VolumeZone plugins, no storage capacity scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kubetui.api.storage import (
    ANN_BOUND_BY_CONTROLLER,
    ANN_SELECTED_NODE,
    claim_class,
    find_matching_volume,
    pod_claim_names,
)
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.scheduler.framework import (
    NODE_ADD,
    SKIP,
    ActionType,
    ClusterEvent,
    Code,
    CycleState,
    FilterPlugin,
    PreBindPlugin,
    PreFilterPlugin,
    PreFilterResult,
    ReservePlugin,
    Status,
    unresolvable,
)
from kubetui.scheduler.helpers import node_selector_term_matches
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

Obj = dict[str, Any]

ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
ERR_REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict"
ERR_REASON_PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
ERR_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
NO_PROVISIONER = "kubernetes.io/no-provisioner"
_STATE_KEY = "VolumeBinding"

PVC_CHANGE = ClusterEvent("PersistentVolumeClaim", ActionType.ADD | ActionType.UPDATE, "PersistentVolumeClaimChange")
PV_CHANGE = ClusterEvent("PersistentVolume", ActionType.ADD | ActionType.UPDATE, "PersistentVolumeChange")
STORAGE_CLASS_CHANGE = ClusterEvent("StorageClass", ActionType.ADD | ActionType.UPDATE, "StorageClassChange")


@dataclass(slots=True)
class _Claims:
    bound: list[Obj] = field(default_factory=list)
    delayed: list[Obj] = field(default_factory=list)  # unbound, WaitForFirstConsumer
    # per node: (static bindings (pv, pvc), claims to provision), filled by Filter
    by_node: dict[str, tuple[list[tuple[Obj, Obj]], list[Obj]]] = field(default_factory=dict)


def volume_allows_node(pv: Obj, node: NodeInfo) -> bool:
    """CheckNodeAffinity (component-helpers/storage/volume): the PV's required node selector terms, ORed."""
    required = ((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required")
    if not required:
        return True
    terms = required.get("nodeSelectorTerms") or ()
    return any(node_selector_term_matches(t, node.labels, node.name) for t in terms)


def local_volume_node_names(pv: Obj) -> set[str]:
    """GetLocalPersistentVolumeNodeNames (pkg/volume/util/util.go): per term, the intersection of its
    ``kubernetes.io/hostname In`` expressions; the union over the terms."""
    required = ((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required")
    result: set[str] = set()
    for term in (required or {}).get("nodeSelectorTerms") or ():
        nodes: set[str] | None = None
        for expr in term.get("matchExpressions") or ():
            if expr.get("key") == "kubernetes.io/hostname" and expr.get("operator") == "In":
                values = set(expr.get("values") or ())
                nodes = values if nodes is None else nodes & values
        result |= nodes or set()
    return result


class VolumeBinding(PreFilterPlugin, FilterPlugin, ReservePlugin, PreBindPlugin):
    name = "VolumeBinding"

    def events(self) -> tuple[ClusterEvent, ...]:
        return (NODE_ADD, ClusterEvent("Node", ActionType.UPDATE_NODE_LABEL | ActionType.UPDATE_NODE_TAINT),
                PVC_CHANGE, PV_CHANGE, STORAGE_CLASS_CHANGE)

    def _lookup(self, resource: str, namespace: str, name: str) -> Obj | None:
        return self.handle.lookup(resource, namespace, name)

    def pre_filter(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]
    ) -> tuple[PreFilterResult | None, Status | None]:
        names = pod_claim_names(pod.pod)
        if not names:
            return None, SKIP
        claims = _Claims()
        immediate = False
        for _volume, claim_name in names:
            pvc = self._lookup("persistentvolumeclaims", pod.namespace, claim_name)
            if pvc is None:
                return None, unresolvable(f'persistentvolumeclaim "{claim_name}" not found')
            if (pvc.get("status") or {}).get("phase") == "Lost":
                volume = (pvc.get("spec") or {}).get("volumeName") or ""
                return None, unresolvable(
                    f'persistentvolumeclaim "{claim_name}" bound to non-existent persistentvolume "{volume}"')
            if pvc["metadata"].get("deletionTimestamp"):
                return None, unresolvable(f'persistentvolumeclaim "{claim_name}" is being deleted')
            if (pvc.get("spec") or {}).get("volumeName"):
                claims.bound.append(pvc)
            elif self._delayed(pvc):
                claims.delayed.append(pvc)
            else:
                immediate = True
        if immediate:
            return None, unresolvable(ERR_UNBOUND_IMMEDIATE)
        state.write(_STATE_KEY, claims)
        eligible = self._eligible_nodes(claims.bound)
        return (PreFilterResult(frozenset(eligible)) if eligible is not None else None), None

    def _eligible_nodes(self, bound: list[Obj]) -> set[str] | None:
        """GetEligibleNodes (binder.go): the nodes the bound claims' local volumes name, intersected; None when
        they do not narrow anything down (or a volume is missing: Filter reports it)."""
        eligible: set[str] | None = None
        for pvc in bound:
            pv = self._lookup("persistentvolumes", "", pvc["spec"]["volumeName"])
            if pv is None:
                return None
            names = local_volume_node_names(pv)
            if names:
                eligible = names if eligible is None else eligible & names
        return eligible

    def _delayed(self, pvc: Obj) -> bool:
        """IsDelayBindingMode: the claim's class binds WaitForFirstConsumer."""
        cls = claim_class(pvc)
        sc = self._lookup("storageclasses", "", cls) if cls else None
        return sc is not None and sc.get("volumeBindingMode") == "WaitForFirstConsumer"

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status | None:
        claims: _Claims = state.read(_STATE_KEY)
        reasons: list[str] = []
        for pvc in claims.bound:
            pv = self._lookup("persistentvolumes", "", pvc["spec"]["volumeName"])
            if pv is None:
                reasons.append(ERR_REASON_PV_NOT_EXIST)
                break
            if not volume_allows_node(pv, node):
                reasons.append(ERR_REASON_NODE_CONFLICT)
                break
        static: list[tuple[Obj, Obj]] = []
        provision: list[Obj] = []
        if claims.delayed and not reasons:
            volumes = self.handle.lister("persistentvolumes")
            chosen: set[str] = set()
            for pvc in claims.delayed:
                pv = find_matching_volume(
                    pvc, [v for v in volumes if v["metadata"]["name"] not in chosen],
                    lambda v: volume_allows_node(v, node))
                if pv is not None:
                    chosen.add(pv["metadata"]["name"])
                    static.append((pv, pvc))
                elif self._can_provision(pvc, node):
                    provision.append(pvc)
                else:
                    reasons.append(ERR_REASON_BIND_CONFLICT)
                    break
        if reasons:
            return unresolvable(*reasons)
        claims.by_node[node.name] = (static, provision)
        return None

    def _can_provision(self, pvc: Obj, node: NodeInfo) -> bool:
        """checkVolumeProvisions: a class with a provisioner whose allowed topologies admit the node, and no
        other node selected already."""
        selected = ((pvc.get("metadata") or {}).get("annotations") or {}).get(ANN_SELECTED_NODE)
        if selected and selected != node.name:
            return False
        sc = self._lookup("storageclasses", "", claim_class(pvc))
        if sc is None or sc.get("provisioner") in (None, "", NO_PROVISIONER):
            return False
        topologies = sc.get("allowedTopologies") or ()
        if not topologies:
            return True
        return any(all(node.labels.get(r.get("key")) in (r.get("values") or ())
                       for r in term.get("matchLabelExpressions") or ()) for term in topologies)

    def reserve(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        return None  # the chosen node's bindings are in the cycle state; PreBind writes them

    def unreserve(self, state: CycleState, pod: PodInfo, node: str) -> None:
        return None

    def pre_bind(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        """BindPodVolumes: claimRef on the static volumes, selected-node on the claims to provision."""
        try:
            claims: _Claims = state.read(_STATE_KEY)
        except KeyError:
            return None
        static, provision = claims.by_node.get(node, ([], []))
        client = self.handle.client
        if client is None:
            return None
        try:
            for pv, pvc in static:
                updated = deep_copy(pv)
                meta = pvc["metadata"]
                updated["spec"]["claimRef"] = {
                    "kind": "PersistentVolumeClaim", "namespace": meta.get("namespace", ""), "name": meta["name"],
                    "uid": meta.get("uid", ""), "apiVersion": "v1", "resourceVersion": meta.get("resourceVersion", "")}
                updated["metadata"].setdefault("annotations", {})[ANN_BOUND_BY_CONTROLLER] = "yes"
                client.update("persistentvolumes", updated)
            for pvc in provision:
                if ((pvc["metadata"].get("annotations") or {}).get(ANN_SELECTED_NODE)) == node:
                    continue
                updated = deep_copy(pvc)
                updated["metadata"].setdefault("annotations", {})[ANN_SELECTED_NODE] = node
                client.update("persistentvolumeclaims", updated)
        except ApiError as err:
            return Status(Code.ERROR, f"binding volumes: {err.message}")
        return None

