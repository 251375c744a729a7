"""The garbage collector: delete objects whose owners are gone, in the order the deletion policy asks for.

Follows ``pkg/controller/garbagecollector``: ``graph_builder.go`` builds an owner -> dependents
graph from the ``ownerReferences`` of every kind it watches; ``garbagecollector.go``
(attemptToDeleteItem, processDeletingDependentsItem, attemptToOrphanWorker) acts on it.

* Background (the default): the owner is deleted at once; each dependent whose owners are all
  gone is then deleted in turn (a Deployment, then its ReplicaSets, then their pods).
* Foreground: the API server gave the owner a ``foregroundDeletion`` finalizer and a
  deletionTimestamp. Its dependents are deleted first (those that have dependents of their own,
  in the foreground too); when no dependent with ``blockOwnerDeletion`` is left, the finalizer
  is removed and the owner goes.
* Orphan: the owner has an ``orphan`` finalizer. Its dependents lose their ownerReference to it,
  then the finalizer is removed; the dependents live on.

Simplification: the graph is updated straight from the informer handlers rather than through a
separate graphChanges queue; events are still applied one at a time, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubetui.api.resources import RESOURCES, ResourceInfo, for_object
from kubetui.apiserver.errors import ApiError
from kubetui.client.lru import LRU
from kubetui.client.workqueue import WorkQueue
from kubetui.controllers.base import Controller

Obj = dict[str, Any]

FOREGROUND = "foregroundDeletion"  # metav1.FinalizerDeleteDependents
ORPHAN = "orphan"  # metav1.FinalizerOrphanDependents
# Events are neither owners nor garbage (ignoredResources); bindings are never stored.
IGNORED_RESOURCES = frozenset({"events", "bindings"})
ABSENT_OWNER_CACHE_SIZE = 500  # garbagecollector.go: an LRU of owners known to be gone


_NO_DEPENDENTS: frozenset[str] = frozenset()


@dataclass(slots=True)
class GraphNode:
    """One object in the dependency graph: who owns it, whom it owns, and how it is being deleted."""

    uid: str
    info: ResourceInfo
    namespace: str
    name: str
    owners: list[Obj]
    # Most objects own nothing: the set is made on the first dependent (an empty set is 216 bytes).
    dependents: set[str] | frozenset[str] = _NO_DEPENDENTS
    being_deleted: bool = False
    deleting_dependents: bool = False

    @property
    def label(self) -> str:
        where = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.info.kind} {where}"

    def blocks(self, owner_uid: str) -> bool:
        """This dependent holds up a foreground deletion of that owner (blockOwnerDeletion: true)."""
        return any(ref.get("uid") == owner_uid and ref.get("blockOwnerDeletion") for ref in self.owners)


def _forget_dependent(owner: GraphNode, uid: str) -> None:
    if isinstance(owner.dependents, set):
        owner.dependents.discard(uid)


def _finalizers(obj: Obj) -> list[str]:
    return list((obj.get("metadata") or {}).get("finalizers") or [])


def _deletion_starts_with(old: Obj | None, new: Obj, finalizer: str) -> bool:
    """deletionStartsWithFinalizer: ``new`` is being deleted with ``finalizer`` and ``old`` was not."""
    def waiting(obj: Obj) -> bool:
        return bool(obj["metadata"].get("deletionTimestamp")) and finalizer in _finalizers(obj)

    return waiting(new) and (old is None or not waiting(old))


class GarbageCollector(Controller):
    name = "garbage-collector"

    def setup(self) -> None:
        self.graph: dict[str, GraphNode] = {}
        self._absent_owners: LRU[str, bool] = LRU(ABSENT_OWNER_CACHE_SIZE)
        self.orphan_queue = WorkQueue(self.clock, self._attempt_to_orphan, f"{self.name} orphan")
        for info in RESOURCES:
            if info.plural in IGNORED_RESOURCES:
                continue
            self._watch(info)

    def _watch(self, info: ResourceInfo) -> None:
        def added(obj: Obj) -> None:
            self._observe(info, None, obj)

        def updated(old: Obj, new: Obj) -> None:
            self._observe(info, old, new)

        self.informers.informer(info.plural).add_handlers(added, updated, self._observe_deleted)

    # -- the graph builder (processGraphChanges) --------------------------------------------------------
    def _observe(self, info: ResourceInfo, old: Obj | None, obj: Obj) -> None:
        meta = obj["metadata"]
        uid = str(meta.get("uid", ""))
        # The informer's references themselves: shared and read-only, never changed here.
        refs = meta.get("ownerReferences") or []
        owners = refs if all(isinstance(r, dict) and r.get("uid") for r in refs) else [
            r for r in refs if isinstance(r, dict) and r.get("uid")
        ]
        node = self.graph.get(uid)
        if node is None:
            node = GraphNode(uid, info, str(meta.get("namespace") or ""), str(meta["name"]), owners)
            self.graph[uid] = node
            self._link(node, owners)
        else:
            self._update_owners(node, owners)
        if meta.get("deletionTimestamp"):
            node.being_deleted = True
        self._process_transitions(old, obj, node)

    def _link(self, node: GraphNode, owners: list[Obj]) -> None:
        """Add ``node`` to its owners' dependents; an owner never seen is checked by deleting-if-dangling."""
        unknown_owner = False
        for ref in owners:
            owner = self.graph.get(str(ref["uid"]))
            if owner is None:
                unknown_owner = True
            elif isinstance(owner.dependents, set):
                owner.dependents.add(node.uid)
            else:
                owner.dependents = {node.uid}
        if unknown_owner:
            self.queue.add(node.uid)  # a "virtual" owner in Go: verify it exists with a live read

    def _update_owners(self, node: GraphNode, owners: list[Obj]) -> None:
        old = {str(r["uid"]): r for r in node.owners}
        new = {str(r["uid"]): r for r in owners}
        if old == new:
            return
        for uid, ref in old.items():
            owner = self.graph.get(uid)
            if owner is None:
                continue
            if uid not in new:
                _forget_dependent(owner, node.uid)
            still_blocking = uid in new and new[uid].get("blockOwnerDeletion")
            unblocked = ref.get("blockOwnerDeletion") and not still_blocking
            if unblocked and owner.deleting_dependents:
                self.queue.add(uid)  # addUnblockedOwnersToDeleteQueue: the owner may be free to go now
        node.owners = owners
        self._link(node, [r for uid, r in new.items() if uid not in old])

    def _process_transitions(self, old: Obj | None, new: Obj, node: GraphNode) -> None:
        if _deletion_starts_with(old, new, ORPHAN):
            self.orphan_queue.add(node.uid)
            return
        if _deletion_starts_with(old, new, FOREGROUND):
            node.deleting_dependents = True
            for dependent in sorted(node.dependents):
                self.queue.add(dependent)
            self.queue.add(node.uid)

    def _observe_deleted(self, obj: Obj) -> None:
        node = self.graph.pop(str(obj["metadata"].get("uid", "")), None)
        if node is None:
            return
        for ref in node.owners:
            owner = self.graph.get(str(ref["uid"]))
            if owner is not None:
                _forget_dependent(owner, node.uid)
                if owner.deleting_dependents:
                    self.queue.add(owner.uid)  # the owner may have been waiting for this one
        for dependent in sorted(node.dependents):
            self.queue.add(dependent)  # their owner is gone: garbage now, unless another owner remains

    # -- attemptToDeleteItem -----------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        node = self.graph.get(key)
        if node is None or (node.being_deleted and not node.deleting_dependents):
            return
        try:
            latest = self.client.get(node.info.plural, node.namespace, node.name)
        except ApiError as err:
            if err.code == 404:
                return  # the informer will deliver the deletion
            raise
        if latest["metadata"].get("uid") != node.uid:
            return
        if node.deleting_dependents:
            self._process_deleting_dependents(node)
            return
        refs = [r for r in latest["metadata"].get("ownerReferences") or () if isinstance(r, dict)]
        if not refs:
            return
        solid, dangling, waiting = self._classify(node, refs)
        if solid:
            if dangling or waiting:
                stale = [*dangling, *waiting]
                gone = {str(r.get("uid")) for r in stale}
                self._patch_owner_refs(node, latest, [r for r in refs if str(r.get("uid")) not in gone])
                self.record(node.label, f"owners: {_names(solid)} alive, {_names(stale)} gone",
                            "references to live owners only", f"remove ownerReferences to {_names(stale)}")
            return
        if waiting and node.dependents:
            # A foreground deletion passes through: delete this one in the foreground as well.
            if any(d.deleting_dependents for d in self._dependents(node)):
                self._unblock_owner_refs(node, latest, waiting)
            self._delete(node, "Foreground", f"owner {_names(waiting)} is deleting its dependents first")
            return
        finalizers = _finalizers(latest)
        policy = "Background"
        if ORPHAN in finalizers:
            policy = "Orphan"
        elif FOREGROUND in finalizers:
            policy = "Foreground"
        why = f"owner {_names(dangling)} is gone" if dangling else f"owner {_names(waiting)} is being deleted"
        self._delete(node, policy, why)

    def _dependents(self, node: GraphNode) -> list[GraphNode]:
        return [self.graph[uid] for uid in sorted(node.dependents) if uid in self.graph]

    def _classify(self, node: GraphNode, refs: list[Obj]) -> tuple[list[Obj], list[Obj], list[Obj]]:
        """classifyReferences: owners alive, owners gone, owners waiting for their dependents to go."""
        solid: list[Obj] = []
        dangling: list[Obj] = []
        waiting: list[Obj] = []
        for ref in refs:
            owner = self._owner(node, ref)
            if owner is None:
                dangling.append(ref)
            elif owner.get("metadata", {}).get("deletionTimestamp") and FOREGROUND in _finalizers(owner):
                waiting.append(ref)
            else:
                solid.append(ref)
        return solid, dangling, waiting

    def _owner(self, node: GraphNode, ref: Obj) -> Obj | None:
        """isDangling: read the owner live; None when it is gone (or replaced by a namesake with another uid).

        Simplification: an owner of a kind kubetui does not serve counts as alive (Go retries forever).
        """
        uid = str(ref.get("uid", ""))
        if self._absent_owners.get(uid):
            return None
        info = for_object({"apiVersion": ref.get("apiVersion"), "kind": ref.get("kind")})
        if info is None:
            return {"metadata": {"uid": uid}}
        try:
            namespace = node.namespace if info.namespaced else ""
            owner = self.client.get(info.plural, namespace, str(ref.get("name", "")))
        except ApiError as err:
            if err.code != 404:
                raise
            owner = None
        if owner is None or owner["metadata"].get("uid") != uid:
            self._absent_owners.add(uid, True)
            return None
        return owner

    def _process_deleting_dependents(self, node: GraphNode) -> None:
        """Foreground: remove the finalizer once no blocking dependent is left, else push them along."""
        blocking = [d for d in self._dependents(node) if d.blocks(node.uid)]
        if not blocking:
            if self._remove_finalizer(node, FOREGROUND):
                self.record(node.label, "no blocking dependents left", "deleted",
                            f"remove finalizer {FOREGROUND}")
            return
        for dependent in blocking:
            if not dependent.deleting_dependents:
                self.queue.add(dependent.uid)

    # -- attemptToOrphanWorker ----------------------------------------------------------------------------
    def _attempt_to_orphan(self, uid: str) -> None:
        node = self.graph.get(uid)
        if node is None:
            return
        orphaned: list[str] = []
        for dependent in self._dependents(node):
            if self._remove_owner_ref(dependent, node.uid):
                orphaned.append(dependent.label)
        removed = self._remove_finalizer(node, ORPHAN)
        if orphaned or removed:
            action = [f"orphan {', '.join(orphaned)}"] if orphaned else []
            action += [f"remove finalizer {ORPHAN}"] if removed else []
            self.record(node.label, f"deleting with {plural_dependents(len(orphaned))} to keep",
                        "dependents without this owner", "; ".join(action))

    def _remove_owner_ref(self, dependent: GraphNode, owner_uid: str) -> bool:
        """deleteOwnerRefJSONMergePatch: drop one ownerReference from a dependent. True if it changed."""
        try:
            latest = self.client.get(dependent.info.plural, dependent.namespace, dependent.name)
        except ApiError as err:
            if err.code == 404:
                return False
            raise
        refs = [r for r in latest["metadata"].get("ownerReferences") or () if isinstance(r, dict)]
        kept = [r for r in refs if r.get("uid") != owner_uid]
        if len(kept) == len(refs):
            return False
        self._patch_owner_refs(dependent, latest, kept)
        return True

    # -- writes ---------------------------------------------------------------------------------------------
    def _delete(self, node: GraphNode, policy: str, why: str) -> None:
        try:
            self.client.delete(node.info.plural, node.namespace, node.name, propagation_policy=policy,
                               preconditions={"uid": node.uid})
        except ApiError as err:
            if err.code == 404:
                return
            raise
        self.record(node.label, why, "deleted", f"delete ({policy})")

    def _patch_owner_refs(self, node: GraphNode, latest: Obj, refs: list[Obj]) -> None:
        patch = {"metadata": {"ownerReferences": refs or None,
                              "resourceVersion": latest["metadata"].get("resourceVersion")}}
        self.client.merge_patch(node.info.plural, node.namespace, node.name, patch)

    def _unblock_owner_refs(self, node: GraphNode, latest: Obj, waiting: list[Obj]) -> None:
        """unblockOwnerReferences: stop blocking the waiting owners, so a dependency cycle cannot deadlock."""
        waiting_uids = {r.get("uid") for r in waiting}
        refs = [dict(r, blockOwnerDeletion=False) if r.get("uid") in waiting_uids else r
                for r in latest["metadata"].get("ownerReferences") or ()]
        self._patch_owner_refs(node, latest, refs)

    def _remove_finalizer(self, node: GraphNode, finalizer: str) -> bool:
        """removeFinalizer: a merge patch of the other finalizers, guarded by resourceVersion."""
        try:
            latest = self.client.get(node.info.plural, node.namespace, node.name)
        except ApiError as err:
            if err.code == 404:
                return False
            raise
        finalizers = _finalizers(latest)
        if finalizer not in finalizers:
            return False
        kept = [f for f in finalizers if f != finalizer]
        patch = {"metadata": {"finalizers": kept or None,
                              "resourceVersion": latest["metadata"].get("resourceVersion")}}
        self.client.merge_patch(node.info.plural, node.namespace, node.name, patch)
        return True


def _names(refs: list[Obj]) -> str:
    return ", ".join(f"{r.get('kind', '')} {r.get('name', '')}" for r in refs)


def plural_dependents(count: int) -> str:
    return "1 dependent" if count == 1 else f"{count} dependents"
