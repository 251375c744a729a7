"""ControllerRefManager (``pkg/controller/controller_ref_manager.go``): which objects a controller owns.

A controller claims what its selector matches: its own objects that still match, orphans that match
(adopted: it adds itself as their controller), and releases its own that stopped matching (it removes
its owner reference). The ReplicaSet, Deployment, DaemonSet and StatefulSet controllers use it for their
pods, ReplicaSets and ControllerRevisions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kubetui.api.meta import controller_of, owner_reference
from kubetui.api.selectors import LabelSelector, SelectorError, selector_from_dict
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller

if TYPE_CHECKING:
    from kubetui.controllers.history import History

Obj = dict[str, Any]


class RefManager:
    """ControllerRefManager: claim what the selector matches, release what is owned but no longer matches.

    ``owner_resource`` is the owner's REST name (for the fresh read before adopting); ``resource``
    is the resource of the objects claimed; ``member`` narrows what matches further (ClaimPods' filters:
    a StatefulSet claims only pods named after it).
    """

    def __init__(self, controller: Controller, owner: Obj, owner_resource: str, selector: LabelSelector,
                 resource: str, member: Callable[[Obj], bool] | None = None) -> None:
        self.controller = controller
        self.member = member
        self.owner = owner
        self.owner_resource = owner_resource
        self.selector = selector
        self.resource = resource
        self.uid = owner["metadata"].get("uid")
        self.owner_deleting = bool(owner["metadata"].get("deletionTimestamp"))
        self._can_adopt: bool | None = None
        self.adopted: list[str] = []
        self.released: list[str] = []

    def claim(self, objs: list[Obj]) -> list[Obj]:
        """ClaimObject for each object; raises the first API error after trying them all."""
        claimed: list[Obj] = []
        errors: list[ApiError] = []
        for obj in objs:
            try:
                kept = self._claim_one(obj)
            except ApiError as err:
                if err.code != 404:
                    errors.append(err)
                continue
            if kept is not None:
                claimed.append(kept)
        if errors:
            raise errors[0]
        return claimed

    def _claim_one(self, obj: Obj) -> Obj | None:
        meta = obj["metadata"]
        matches = self.selector.matches(meta.get("labels") or {}) and (self.member is None or self.member(obj))
        ref = controller_of(obj)
        if ref is not None:
            if ref.get("uid") != self.uid:
                return None  # someone else's
            if matches:
                return obj
            if not self.owner_deleting:
                kept = [r for r in meta.get("ownerReferences") or () if r.get("uid") != self.uid]
                self._patch_refs(obj, kept)
                self.released.append(meta["name"])
            return None
        if self.owner_deleting or not matches or meta.get("deletionTimestamp"):
            return None
        if meta.get("namespace") != self.owner["metadata"].get("namespace") or not self.can_adopt():
            return None
        refs = [*(meta.get("ownerReferences") or ()), owner_reference(self.owner)]
        adopted = self._patch_refs(obj, refs)
        self.adopted.append(meta["name"])
        return adopted

    def can_adopt(self) -> bool:
        """RecheckDeletionTimestamp: read the owner fresh once, so a just-deleted owner adopts nothing.

        Simplification: a failed check skips adoption quietly (Go returns an error and requeues);
        the owner's own deletion event brings the key back anyway.
        """
        if self._can_adopt is None:
            meta = self.owner["metadata"]
            client = self.controller.client
            try:
                fresh = client.get(self.owner_resource, meta.get("namespace", ""), meta["name"])["metadata"]
            except ApiError:
                self._can_adopt = False
            else:
                self._can_adopt = fresh.get("uid") == self.uid and not fresh.get("deletionTimestamp")
        return self._can_adopt

    def _patch_refs(self, obj: Obj, refs: list[Obj]) -> Obj:
        """Simplification: a JSON merge patch guarded by resourceVersion, not a strategic merge patch."""
        meta = obj["metadata"]
        patch = {"metadata": {"ownerReferences": refs or None,
                              "resourceVersion": meta.get("resourceVersion")}}
        client = self.controller.client
        return client.merge_patch(self.resource, meta.get("namespace", ""), meta["name"], patch)


def adopters_of(owners: Any, pod: Obj, member: Callable[[Obj, Obj], bool] | None = None) -> list[Obj]:
    """getDaemonSetsForPod / getStatefulSetsForPod: the owners (an informer indexed by "namespace") whose selector
    matches an orphan pod, and so may adopt it; ``member(owner, pod)`` narrows further."""
    labels = pod["metadata"].get("labels") or {}
    found = []
    for owner in owners.by_index("namespace", pod["metadata"].get("namespace", "")):
        try:
            selector = selector_from_dict((owner.get("spec") or {}).get("selector"))
        except SelectorError:
            continue
        if not selector.is_empty() and selector.matches(labels) and (member is None or member(owner, pod)):
            found.append(owner)
    return found


def claim_pods_and_revisions(controller: Controller, history: History, owner: Obj, owner_resource: str,
                             member: Callable[[Obj], bool] | None = None) -> list[str]:
    """What a DaemonSet or StatefulSet sync claims first (ClaimControllerRevisions / adoptOrphanRevisions, then
    ClaimPods): the orphan revisions and pods its selector matches, left by a ``kubectl delete --cascade=orphan``
    of an earlier owner of that name, are adopted; its own pods that stopped matching are released. Returns what
    was done, one phrase per object ("adopt pod web-1"); raises the first API error after trying them all."""
    try:
        selector = selector_from_dict((owner.get("spec") or {}).get("selector"))
    except SelectorError:
        return []
    revisions = history.claim(owner, owner_resource)
    meta = owner["metadata"]
    pods = controller.informers.informer("pods")
    candidates = (pods.by_index("owner-uid", str(meta.get("uid", "")))
                  + pods.by_index("orphans-by-namespace", str(meta.get("namespace", ""))))
    refs = RefManager(controller, owner, owner_resource, selector, "pods", member)
    try:
        refs.claim(candidates)
    finally:
        actions = ([f"adopt revision {n}" for n in (revisions.adopted if revisions else ())]
                   + [f"adopt pod {n}" for n in refs.adopted] + [f"release pod {n}" for n in refs.released])
        if actions:
            controller.record(f"{owner.get('kind', '')} {meta.get('namespace', '')}/{meta.get('name', '')}",
                              "orphans matching its selector", "owned", "; ".join(actions))
    return actions
