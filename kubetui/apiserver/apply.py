"""Server-side apply and managed fields: which client owns which field of an object.

Every write records in ``metadata.managedFields`` the fields each *field manager* (kubectl, a
controller, the kubelet...) set, in the FieldsV1 format::

    {"f:spec": {"f:replicas": {},
                "f:template": {"f:spec": {"f:containers": {
                    'k:{"name":"web"}': {".": {}, "f:image": {}, "f:name": {}}}}}}}

``f:<name>`` is a field, ``k:{...}`` a list item found by its key fields, ``v:<json>`` an item
of a list of scalars used as a set, and ``"."`` marks a node that is owned itself as well as
having owned children. Lists without keys are owned whole, like a scalar.

- An *apply* (``kubectl apply --server-side``) declares the complete set of fields its manager
  wants: those fields are set, a field another manager owns with a different value is a conflict
  (unless ``force``, which takes the field over), and fields the manager applied last time but
  not now are removed, unless another manager owns them too.
- An *update* (create, PUT, any other PATCH) gives the writing manager the fields it changed and
  takes them away from everybody else. That is how ``kubectl scale`` or a controller's write
  shows up, and why a later apply of the old value conflicts.

Follows sigs.k8s.io/structured-merge-diff ``merge/update.go`` (``Updater.Apply``/``Update``,
``prune``) and k8s.io/apiserver's fieldmanager (``stripMetaManager``,
``skipNonAppliedManager``, ``capManagersManager``, conflict messages in ``internal/conflict.go``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from kubetui.api.resources import RESOURCES
from kubetui.apiserver.patch import PatchError, copy_json, join_path, merge_keys_for, nesting_guard

Path = tuple[str, ...]
"""A field path as FieldsV1 keys: ("f:spec", "f:containers", 'k:{"name":"web"}', "f:image")."""

APPLY = "Apply"
UPDATE = "Update"
MAX_UPDATE_MANAGERS = 10  # fieldmanager.DefaultMaxUpdateManagers
ANCIENT_CHANGES = "ancient-changes"  # the bucket older update entries are merged into

# Never owned by anyone (fieldmanager/internal/stripmeta.go).
_STRIPPED: frozenset[Path] = frozenset(
    {("f:apiVersion",), ("f:kind",)}
    | {("f:metadata", f"f:{name}") for name in (
        "name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation",
        "managedFields", "resourceVersion",
    )}
)
_METADATA: Path = ("f:metadata",)
_STATUS: Path = ("f:status",)
# Kinds with a /status subresource: the main endpoint resets status, so nobody owns it there.
_STATUS_KINDS = frozenset(info.kind for info in RESOURCES if info.status)
# metav1.LabelSelector is +structType=atomic: a workload's selector is owned as one value.
_ATOMIC_SELECTOR_KINDS = frozenset(
    {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "PodDisruptionBudget"}
)
# List-map keys with a schema default (container and service ports key on protocol too).
_KEY_DEFAULTS = {"protocol": "TCP"}


class ApplyConflict(Exception):
    """An apply would change fields other managers own; Kubernetes answers 409 Conflict.

    ``conflicts`` lists (manager, field path) pairs; ``causes`` are the ``metav1.StatusCause``
    entries the real API server puts in the Status details.
    """

    def __init__(self, conflicts: list[tuple[str, str]], managers: list[str] | None = None) -> None:
        # ``managers`` is how Kubernetes prints each conflict's manager, e.g. '"kubectl" using apps/v1'.
        printed = managers or [json.dumps(manager) for manager, _ in conflicts]
        pairs = [(who, path) for who, (_, path) in zip(printed, conflicts, strict=True)]
        self.conflicts = conflicts
        self.causes = [
            {"type": "FieldManagerConflict", "message": f"conflict with {who}", "field": path}
            for who, path in pairs
        ]
        super().__init__(_conflict_message(pairs))


def _conflict_message(conflicts: list[tuple[str, str]]) -> str:
    """getConflictMessage of k8s.io/apiserver .../fieldmanager/internal/conflict.go."""
    if len(conflicts) == 1:
        who, path = conflicts[0]
        return f"Apply failed with 1 conflict: conflict with {who}: {path}"
    lines: list[str] = []
    last = None
    for who, path in conflicts:  # already grouped by manager
        if who != last:
            lines.append(f"conflicts with {who}:")
            last = who
        lines.append(f"- {path}")
    return f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)


# ---------------------------------------------------------------------------------- public API
def fields_of(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    """FieldsV1 of every field set in ``obj``: what a manager applying ``obj`` would own."""
    return _tree_of(_schema(kind).field_set(_without_nulls(obj)))


def server_side_apply(
    live: dict[str, Any] | None,
    applied: dict[str, Any],
    manager: str,
    kind: str,
    api_version: str,
    force: bool,
    now: str,
) -> dict[str, Any]:
    """Apply ``applied`` for ``manager`` on ``live`` (None: create); returns the new object.

    Raises :class:`ApplyConflict` when another manager owns a field this apply changes (and
    ``force`` is false), :class:`PatchError` when ``applied`` is not a valid apply configuration.
    """
    with nesting_guard():
        return _server_side_apply(live, applied, manager, kind, api_version, force, now)


def _server_side_apply(
    live: dict[str, Any] | None, applied: dict[str, Any], manager: str, kind: str, api_version: str,
    force: bool, now: str,
) -> dict[str, Any]:
    if not isinstance(applied, dict):
        raise PatchError("an apply configuration must be a JSON object")
    metadata = applied.get("metadata")
    if isinstance(metadata, dict) and metadata.get("managedFields") is not None:
        raise PatchError("metadata.managedFields must be nil")
    schema = _schema(kind)
    config = _without_nulls(applied)  # null means "not set" in an apply configuration
    config_set = schema.field_set(config, strict=True)
    mine = _Entry(manager, APPLY, api_version, now, "", paths=config_set)
    if live is None:
        obj, others = config, []
    else:
        obj = copy_json(live)
        entries = _parse_entries(_pop_managed_fields(obj))
        last = next((e for e in entries if e.identity == mine.identity), None)
        others = [e for e in entries if e is not last]
        obj = schema.merge_fields(obj, config, "")
        if last is not None:
            _prune(schema, obj, last.paths - config_set, [config_set, *(e.paths for e in others)])
        changes = schema.changes(live, obj)
        try:
            _take_ownership(others, changes, force)
        except ApplyConflict:
            if manager != KUBECTL or not _conflicts_client_side_apply_allows(schema, live, others, changes):
                raise
            _take_ownership(others, changes, True)
        if last is not None and not changes:
            mine.time = last.time  # an apply that changes nothing keeps its timestamp
        if manager == KUBECTL:
            _update_last_applied(obj, applied)
    entries = [e for e in others if not e.empty] + ([mine] if config_set else [])
    _store(obj, entries)
    return obj


KUBECTL = "kubectl"  # kubectl apply --server-side's field manager: the one the upgrade rules below are for
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _conflicts_client_side_apply_allows(
    schema: _Schema, live: dict[str, Any], others: list[_Entry], changes: _Changes
) -> bool:
    """lastAppliedManager: kubectl's first server-side apply of an object it applied client-side does not
    conflict over the fields the last-applied annotation holds with the live values (they were its own)."""
    annotation = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
    if not isinstance(annotation, str) or not annotation:
        return False
    try:
        last_applied = json.loads(annotation)
    except ValueError:
        return False
    if not isinstance(last_applied, dict):
        return False
    last_applied = _without_nulls(last_applied)
    difference = schema.changes(last_applied, live)
    allowed = schema.field_set(last_applied) - difference.modified - difference.added - difference.removed
    changed = changes.added | changes.modified
    conflicting = {path for entry in others for path in entry.paths & changed}
    return conflicting <= allowed


def _update_last_applied(obj: dict[str, Any], applied: dict[str, Any]) -> None:
    """lastAppliedUpdater: an object that carries the client-side annotation gets the applied configuration in
    it, so a later client-side apply diffs against what was last applied, by either kind of apply."""
    annotations = (obj.get("metadata") or {}).get("annotations")
    if not isinstance(annotations, dict) or LAST_APPLIED not in annotations:
        return
    config = copy_json(applied)
    config_annotations = (config.get("metadata") or {}).get("annotations")
    if isinstance(config_annotations, dict):
        config_annotations.pop(LAST_APPLIED, None)
    annotations[LAST_APPLIED] = json.dumps(config, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def record_update(
    old: dict[str, Any] | None,
    new: dict[str, Any],
    manager: str,
    api_version: str,
    now: str,
    kind: str,
    subresource: str = "",
) -> None:
    """Record in ``new``'s managedFields that ``manager`` wrote the fields that differ from ``old``.

    ``old`` is None for a create. ``subresource`` ("status", "scale") is inferred as "status"
    when only the status of a kind with a /status subresource changed. Cheap in the common
    cases: an object without managedFields is not tracked (as in Kubernetes, tracking starts at
    create or at the first apply), and only the subtrees that changed are compared.
    """
    try:
        _record_update(old, new, manager, api_version, now, kind, subresource)
    except RecursionError:
        # FieldManager.UpdateNoErrors: a failure to track never fails the write; it drops managedFields.
        if isinstance(new.get("metadata"), dict):
            new["metadata"].pop("managedFields", None)


def _record_update(
    old: dict[str, Any] | None, new: dict[str, Any], manager: str, api_version: str, now: str, kind: str,
    subresource: str,
) -> None:
    metadata = new.get("metadata")
    if not isinstance(metadata, dict):
        return
    old_meta = old.get("metadata") if isinstance(old, dict) else None
    old_raw = old_meta.get("managedFields") if isinstance(old_meta, dict) else None
    new_raw = metadata.get("managedFields")
    if old is None or (new_raw is not None and new_raw == old_raw):  # a create, or the client echoed them
        entries = _parse_entries(new_raw)
    elif isinstance(new_raw, list) and new_raw:  # the client rewrote managedFields on purpose
        entries = _parse_entries(new_raw)
        if not entries and not all(isinstance(item, dict) and not item.get("manager") for item in new_raw):
            entries = _parse_entries(copy_json(old_raw))  # garbage: keep the stored ones; [{}] clears them
    else:  # omitted (or []): keep the stored ones, so unaware clients cannot drop them by accident
        entries = _parse_entries(copy_json(old_raw))
    if old is not None and not entries:
        metadata.pop("managedFields", None)  # skipNonAppliedManager: untracked objects stay untracked
        return
    schema = _schema(kind, ignore_status=False)
    if old is None and not entries:
        # A create nobody owned fields of: the writer owns every field it set (what the diff from an
        # empty object would list), collected without the diff's bookkeeping.
        paths: set[Path] = set()
        schema._collect_fields(new, (), "", paths, False)
        paths.discard(_METADATA)
        if kind in _STATUS_KINDS and subresource in ("", "status"):
            status = subresource == "status"
            paths = {path for path in paths if (path[:1] == _STATUS) == status}
        _store(new, [_Entry(manager, UPDATE, api_version, now, subresource, paths=paths)] if paths else [])
        return
    changes = schema.changes(old if old is not None else {}, new)
    if kind in _STATUS_KINDS and subresource in ("", "status"):
        every = changes.all()
        in_status = sum(1 for path in every if path[:1] == _STATUS)
        status_only = in_status == len(every)
        if not subresource and old is not None and changes and status_only:
            subresource = "status"
        want_status = subresource == "status"
        if not (status_only if want_status else in_status == 0):  # else every path is kept: no copies
            changes = changes.only(lambda path: (path[:1] == _STATUS) == want_status)
    if changes:
        _record_changes(entries, changes, manager, api_version, now, subresource)
    _store(new, entries)


# ----------------------------------------------------------------------------- managed entries
class _Entry:
    """One managedFields entry. Its FieldsV1 tree is turned into paths only when needed."""

    def __init__(
        self, manager: str, operation: str, api_version: str, time: str | None, subresource: str,
        raw: dict[str, Any] | None = None, tree: dict[str, Any] | None = None, paths: set[Path] | None = None,
    ) -> None:
        self.manager, self.operation, self.api_version = manager, operation, api_version
        self.time, self.subresource = time, subresource
        self.raw = raw  # the stored entry, written back as is while unchanged
        self.tree = tree if tree is not None else {}
        self._paths = paths

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """Entries are per manager, operation, subresource, and API version for updates only."""
        version = self.api_version if self.operation == UPDATE else ""
        return (self.manager, self.operation, version, self.subresource)

    @property
    def paths(self) -> set[Path]:
        if self._paths is None:
            self._paths = set()
            _collect_tree(self.tree, (), self._paths)
        return self._paths

    @paths.setter
    def paths(self, value: set[Path]) -> None:
        self._paths, self.raw = value, None

    @property
    def empty(self) -> bool:
        return not self.paths if self._paths is not None else not self.tree

    def owns(self, path: Path) -> bool:
        return path in self._paths if self._paths is not None else _tree_has(self.tree, path)

    def owns_any(self, paths: Iterable[Path]) -> bool:
        if self._paths is not None:
            return not self._paths.isdisjoint(paths)
        tree = self.tree
        # A path whose first element is not in the tree is not owned: no walk (a status write and
        # the entries of the managers that never wrote status).
        return any((not path or path[0] in tree) and _tree_has(tree, path) for path in paths)

    def to_json(self) -> dict[str, Any]:
        if self.raw is not None:
            return self.raw
        entry: dict[str, Any] = {"manager": self.manager, "operation": self.operation,
                                 "apiVersion": self.api_version}
        if self.time is not None:
            entry["time"] = self.time
        entry["fieldsType"] = "FieldsV1"
        entry["fieldsV1"] = _tree_of(self.paths) if self._paths is not None else self.tree
        if self.subresource:
            entry["subresource"] = self.subresource
        return entry

    def printed(self) -> str:
        """How conflict messages name the manager (printManager)."""
        text = json.dumps(self.manager)
        if self.subresource:
            text += f" with subresource {json.dumps(self.subresource)}"
        return f"{text} using {self.api_version}" if self.operation == UPDATE else text

    def identifier(self) -> str:
        """The JSON manager identifier Kubernetes sorts conflicts by (BuildManagerIdentifier)."""
        ident: dict[str, str] = {"manager": self.manager, "operation": self.operation}
        if self.identity[2]:
            ident["apiVersion"] = self.api_version
        if self.subresource:
            ident["subresource"] = self.subresource
        return json.dumps(ident, separators=(",", ":"))


def _parse_entries(raw: Any) -> list[_Entry]:
    """Valid entries of a managedFields list; malformed ones and duplicates are dropped."""
    entries: list[_Entry] = []
    if not isinstance(raw, list):
        return entries
    seen: set[tuple[str, str, str, str]] = set()
    for item in raw:
        if not isinstance(item, dict):
            continue
        manager, operation = item.get("manager"), item.get("operation")
        if not isinstance(manager, str) or not manager or operation not in (APPLY, UPDATE):
            continue
        api_version, subresource, time = item.get("apiVersion"), item.get("subresource"), item.get("time")
        tree = item.get("fieldsV1")
        entry = _Entry(
            manager, operation, api_version if isinstance(api_version, str) else "",
            time if isinstance(time, str) else None, subresource if isinstance(subresource, str) else "",
            raw=item, tree=tree if isinstance(tree, dict) else {},
        )
        if entry.identity not in seen:
            seen.add(entry.identity)
            entries.append(entry)
    return entries


def _pop_managed_fields(obj: dict[str, Any]) -> Any:
    metadata = obj.get("metadata")
    return metadata.pop("managedFields", None) if isinstance(metadata, dict) else None


def _store(obj: dict[str, Any], entries: list[_Entry]) -> None:
    """Write the entries into ``obj``, sorted as Kubernetes encodes them."""
    metadata = obj.get("metadata")
    if not isinstance(metadata, dict):
        if not entries:
            return
        metadata = obj["metadata"] = {}
    entries = _cap_update_entries([e for e in entries if not e.empty])
    if not entries:
        metadata.pop("managedFields", None)
        return
    entries.sort(key=lambda e: (e.operation, e.time or "", e.manager, e.api_version, e.subresource))
    metadata["managedFields"] = [e.to_json() for e in entries]


def _cap_update_entries(entries: list[_Entry]) -> list[_Entry]:
    """Merge the oldest update entries into ``ancient-changes`` beyond ten (capManagersManager)."""
    updaters = sorted((e for e in entries if e.operation == UPDATE), key=lambda e: (e.time or "", e.manager))
    count = len(updaters)
    for oldest in updaters:
        if count <= MAX_UPDATE_MANAGERS:
            break
        if oldest.manager == ANCIENT_CHANGES:
            continue
        bucket_id = (ANCIENT_CHANGES, UPDATE, oldest.api_version, "")
        bucket = next((e for e in entries if e.identity == bucket_id), None)
        if bucket is None:  # the oldest entry becomes the bucket
            oldest.manager, oldest.subresource, oldest.raw = ANCIENT_CHANGES, "", None
            continue
        bucket.paths = bucket.paths | oldest.paths
        bucket.time = oldest.time
        entries = [e for e in entries if e is not oldest]
        count -= 1
    return entries


def _take_ownership(others: list[_Entry], changes: _Changes, force: bool) -> None:
    """Other managers lose what an apply changed; without ``force`` that is a conflict."""
    changed = changes.added | changes.modified
    conflicts = [(e, sorted(e.paths & changed, key=_path_sort_key)) for e in others]
    conflicts = sorted(((e, paths) for e, paths in conflicts if paths), key=lambda c: c[0].identifier())
    if conflicts and not force:
        pairs = [(e, path) for e, paths in conflicts for path in paths]
        raise ApplyConflict([(e.manager, path_string(p)) for e, p in pairs], [e.printed() for e, _ in pairs])
    for entry, paths in conflicts:
        entry.paths = entry.paths - set(paths)
    if changes.removed:
        for entry in others:
            if entry.paths & changes.removed:
                entry.paths = entry.paths - changes.removed


def _record_changes(
    entries: list[_Entry], changes: _Changes, manager: str, api_version: str, now: str, subresource: str
) -> None:
    """The writer gains the fields it set; everybody loses the fields that changed or went away."""
    changed = changes.added | changes.modified
    touched = changed | changes.removed
    mine = _Entry(manager, UPDATE, api_version, now, subresource, paths=set())
    previous = next((e for e in entries if e.identity == mine.identity), None)
    for entry in entries:
        if entry is not previous and entry.owns_any(touched):
            _drop_paths(entry, touched)
    if not changed:  # only removals: the writer gains nothing and keeps its timestamp
        if previous is not None and previous.owns_any(changes.removed):
            _drop_paths(previous, changes.removed)
        return
    if previous is not None and _same_fields(previous, changed, changes.removed):
        # Same fields again (a status heartbeat): the tree is kept as it is.
        mine = _Entry(manager, UPDATE, api_version, now, subresource, tree=previous.tree)
    elif previous is not None and previous._paths is None:
        # A few fields more or fewer (a kubelet's next status write): the stored tree is edited along
        # the changed paths instead of listing every path and building the tree again.
        tree = _tree_with(previous.tree, changes.removed, changed)
        mine = _Entry(manager, UPDATE, api_version, now, subresource, tree=tree)
    else:
        mine.paths = (previous.paths - changes.removed if previous is not None else set()) | changed
    if previous is not None:
        entries.remove(previous)
    entries.append(mine)


def _drop_paths(entry: _Entry, paths: set[Path]) -> None:
    """``entry`` no longer owns ``paths``."""
    if entry._paths is None:
        entry.tree, entry.raw = _tree_with(entry.tree, paths, ()), None
    else:
        entry.paths = entry.paths - paths


def _same_fields(previous: _Entry, changed: set[Path], removed: set[Path]) -> bool:
    """Whether ``(previous.paths - removed) | changed == previous.paths``, without listing the paths
    of a tree-backed entry: every changed path is owned already, and every owned one that went
    away was set again."""
    if previous._paths is not None:
        return (previous._paths - removed) | changed == previous._paths
    tree = previous.tree
    return all(_tree_member(tree, path) for path in changed) and not any(
        path not in changed and _tree_member(tree, path) for path in removed
    )


def _prune(schema: _Schema, obj: dict[str, Any], dropped: set[Path], owned_sets: Iterable[set[Path]]) -> None:
    """Remove fields the applier no longer applies, unless some manager still owns them."""
    owned: set[Path] = set().union(*owned_sets)
    for path in sorted(dropped, key=len):  # parents first; their children go with them
        if path not in owned:
            schema.remove(obj, path)


# ---------------------------------------------------------------------------- FieldsV1 trees
def _collect_tree(tree: dict[str, Any], prefix: Path, out: set[Path]) -> None:
    for key, child in tree.items():
        if key == ".":
            continue
        path = (*prefix, key)
        if not isinstance(child, dict) or not child or "." in child:
            out.add(path)
        if isinstance(child, dict):
            _collect_tree(child, path, out)


_MISSING: Any = object()


def _tree_with(tree: dict[str, Any], removed: Iterable[Path], added: Iterable[Path]) -> dict[str, Any]:
    """The tree of ``(paths of tree - removed) | added``, made by editing a copy of ``tree`` along those
    paths only: the nodes on them are copied, the rest is shared. Keys end up in the order
    :func:`_build_tree` gives them (the order of a tree this server wrote is kept where nothing changed).
    """
    root = dict(tree)
    private = {id(root)}
    reorder: dict[int, dict[str, Any]] = {}

    def own(node: dict[str, Any], key: str, child: dict[str, Any]) -> dict[str, Any]:
        if id(child) not in private:
            child = node[key] = dict(child)
            private.add(id(child))
        return child

    for path in removed:
        spine: list[tuple[dict[str, Any], str]] = []
        node = root
        for element in path[:-1]:
            child = node.get(element)
            if type(child) is not dict or not child or element == ".":
                break  # a leaf or nothing: the path is not in the tree
            spine.append((node, element))
            node = own(node, element, child)
        else:
            last = path[-1] if path else "."
            child = node.get(last, _MISSING)
            if last == "." or child is _MISSING:
                continue
            if type(child) is dict and child and "." not in child:
                continue  # a node above members, not a member itself
            if type(child) is dict and len(child) > 1:
                del own(node, last, child)["."]  # its members below stay
                continue
            del node[last]
            while not any(key != "." for key in node) and spine:  # nothing left below: prune upwards
                if "." in node:
                    node.clear()  # a member without members below it: an empty node
                    break
                parent, key = spine.pop()
                del parent[key]
                node = parent
    for path in added:
        node = root
        for position, element in enumerate(path):
            child = node.get(element, _MISSING)
            final = position == len(path) - 1
            if child is _MISSING:
                child = node[element] = {}
                private.add(id(child))
                reorder[id(node)] = node
            elif type(child) is not dict or not child:  # a member with nothing below it yet
                if final:
                    break
                child = node[element] = {".": {}}
                private.add(id(child))
            else:
                child = own(node, element, child)
                if final and "." not in child:
                    child["."] = {}
                    reorder[id(child)] = child
            node = child
    for node in reorder.values():
        keys = sorted((key for key in node if key != "."), key=lambda key: (_element_sort_key(key), key))
        children = [(key, node[key]) for key in keys]
        marked = "." in node and bool(children)
        node.clear()
        if marked:
            node["."] = {}
        node.update(children)
    return root


def _tree_has(tree: dict[str, Any], path: Path) -> bool:
    node: Any = tree
    for element in path:
        node = node.get(element) if isinstance(node, dict) else None
        if node is None:
            return False
    return not isinstance(node, dict) or not node or "." in node


def _tree_member(tree: dict[str, Any], path: Path) -> bool:
    """``path in paths`` for the paths :func:`_collect_tree` lists of ``tree``, without listing them."""
    if not path:
        return False
    node: Any = tree
    for element in path:
        if not isinstance(node, dict) or element == "." or element not in node:
            return False
        node = node[element]
    return not isinstance(node, dict) or not node or "." in node


# Field sets repeat: every pod of a ReplicaSet has the same fields, and each status write by its
# kubelet owns the same ones as the last pod's. A tree is built once per distinct set; each caller
# gets its own copy (decoded from JSON, far cheaper than building), since callers may change it.
_TREES: dict[frozenset[Path], bytes] = {}
_TREES_MAX = 4096  # a kubelet's first status write has one field set per node


def _tree_of(paths: Iterable[Path]) -> dict[str, Any]:
    """Paths to a FieldsV1 tree, keys sorted as structured-merge-diff serializes them."""
    key = paths if isinstance(paths, frozenset) else frozenset(paths)
    known = _TREES.get(key)
    if known is None:
        if len(_TREES) >= _TREES_MAX:
            _TREES.clear()
        built = _build_tree(key)
        # A tight copy: orjson's bytes keep their 32 KiB growth buffer (see codec.encode).
        _TREES[key] = bytes(memoryview(orjson.dumps(built)))
        return built  # nobody else holds it
    tree: dict[str, Any] = orjson.loads(known)
    return tree


def _build_tree(paths: Iterable[Path]) -> dict[str, Any]:
    return _build_sorted_tree(paths) or _finish_tree(_provisional_tree(paths))


def _build_sorted_tree(paths: Iterable[Path]) -> dict[str, Any] | None:
    """The tree built in one pass over the sorted paths, or None if an element is not f:/k:/v:.

    For those elements the order of the strings is structured-merge-diff's (f: < k: < v:, then by
    the rest), and a path sorts before the paths below it, so every node's keys arrive in order
    and its own "." member mark first; a member without children is ``{}`` at the end.
    """
    root: dict[str, Any] = {}
    members: list[dict[str, Any]] = []
    for path in sorted(paths):
        node = root
        for element in path:
            child = node.get(element)
            if child is None:
                if element[1:2] != ":" or element[:1] not in _SIMPLE_RANKS:
                    return None
                child = node[element] = {}
            node = child
        node["."] = {}
        members.append(node)
    for node in members:
        if len(node) == 1:
            del node["."]
    return root


_SIMPLE_RANKS = ("f", "k", "v")


def _provisional_tree(paths: Iterable[Path]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path in paths:
        node = root
        for element in path:
            node = node.setdefault(element, {})
        node["."] = {}  # provisional membership mark
    return root


def _finish_tree(node: dict[str, Any]) -> dict[str, Any]:
    children = sorted((key for key in node if key != "."), key=_element_sort_key)
    out: dict[str, Any] = {".": {}} if children and "." in node else {}
    for key in children:
        out[key] = _finish_tree(node[key])
    return out


_ELEMENT_RANK = {"f": 0, "k": 1, "v": 2, "i": 3}


def _element_sort_key(element: str) -> tuple[int, str]:
    return (_ELEMENT_RANK.get(element[:1], 4), element[2:])


def _path_sort_key(path: Path) -> list[tuple[int, int, str]]:
    """Set.Iterate order: at every level a node's own member comes before deeper paths."""
    last = len(path) - 1
    return [(0 if i == last else 1, *_element_sort_key(e)) for i, e in enumerate(path)]


def path_string(path: Path) -> str:
    """``.spec.containers[name="web"].image``: how Kubernetes prints a field path."""
    out = []
    for element in path:
        prefix, rest = element[:2], element[2:]
        if prefix == "f:":
            out.append("." + rest)
        elif prefix == "k:":
            try:
                keys = json.loads(rest)
                out.append("[" + ",".join(f"{k}={json.dumps(v)}" for k, v in keys.items()) + "]")
            except (ValueError, AttributeError):
                out.append(f"[{rest}]")
        elif prefix == "v:":
            out.append(f"[={rest}]")
        else:
            out.append(f"[{rest}]")
    return "".join(out)


# ----------------------------------------------------------------------------- object walking
@dataclass
class _Changes:
    """What changed between two objects, as field paths (typed.Comparison)."""

    added: set[Path] = field(default_factory=set)
    modified: set[Path] = field(default_factory=set)
    removed: set[Path] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.added or self.modified or self.removed)

    def all(self) -> tuple[Path, ...]:
        return (*self.added, *self.modified, *self.removed)

    def only(self, keep: Callable[[Path], bool]) -> _Changes:
        return _Changes({p for p in self.added if keep(p)}, {p for p in self.modified if keep(p)},
                        {p for p in self.removed if keep(p)})


def _schema(kind: str, ignore_status: bool = True) -> _Schema:
    """The schema of a kind, built once (a schema is not changed after it is built)."""
    schema = _SCHEMAS.get((kind, ignore_status))
    if schema is None:
        if len(_SCHEMAS) >= 256:  # kinds are few; the bound is for callers passing anything
            _SCHEMAS.clear()
        schema = _SCHEMAS[(kind, ignore_status)] = _Schema(kind, ignore_status)
    return schema


class _Schema:
    """How server-side apply sees one kind: which lists are keyed maps or sets, which maps atomic.

    Derived from the strategic merge patch tags (:data:`~kubetui.apiserver.patch.MERGE_KEYS`):
    merged lists with a key are list-maps, merged lists without a key are sets, every other
    list is atomic. Paths in ``spath`` are dotted field names, list items transparent.
    """

    def __init__(self, kind: str, ignore_status: bool = True) -> None:
        self.table = merge_keys_for(kind)
        self.atomic_maps = {"spec.selector"} if kind in _ATOMIC_SELECTOR_KINDS else set()
        self.skipped = set(_STRIPPED)
        if ignore_status and kind in _STATUS_KINDS:
            self.skipped.add(_STATUS)
        # The tags read once: list keys of every merged list (() for a set), and the atomic maps.
        self._lists: dict[str, tuple[str, ...]] = {}
        for spath, meta in self.table.items():
            if meta.merges:
                self._lists[spath] = (meta.list_map_keys or (meta.merge_key,)) if meta.merge_key else ()
        self._atomic = frozenset(self.atomic_maps | {spath for spath, meta in self.table.items() if meta.replaces})

    # ----------------------------------------------------------------------------- schema
    def list_keys(self, spath: str) -> tuple[str, ...] | None:
        """Key fields of a list-map, () for a set, None for an atomic list."""
        return self._lists.get(spath)

    def atomic_map(self, spath: str) -> bool:
        return spath in self._atomic

    def elements(
        self, items: list[Any], spath: str, strict_path: Path | None = None
    ) -> list[tuple[str, Any]] | None:
        """Each item's path element (``k:...``/``v:...``), or None for an atomic list.

        A list whose items lack their keys or repeat one is treated as atomic, except in an
        apply configuration (``strict_path`` given), where it is an error.
        """
        keys = self._lists.get(spath)
        if keys is None:
            return None
        ordered = _sorted_keys(keys)
        out: list[tuple[str, Any]] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            element = _key_element(item, ordered) if ordered else _value_element(item)
            if element is None or element in seen:
                if strict_path is None:
                    return None
                where = path_string(strict_path)
                if element is None:
                    raise PatchError(f"failed to create typed patch object: {where}: element {index}: "
                                     f"associative list with keys {list(keys)} has an element without them")
                raise PatchError(f"failed to create typed patch object: {where}: duplicate entries for key "
                                 f"{path_string((element,))}")
            seen.add(element)
            out.append((element, item))
        return out

    # ------------------------------------------------------------------------- field sets
    def field_set(self, obj: dict[str, Any], strict: bool = False) -> set[Path]:
        """Every owned-able path of ``obj``: leaves, list items, atomic values (ToFieldSet)."""
        out: set[Path] = set()
        self._collect_fields(obj, (), "", out, strict)
        out.discard(_METADATA)
        return out

    def _collect(self, value: Any, path: Path, spath: str, out: set[Path], strict: bool = False) -> None:
        if isinstance(value, dict):
            if not value or spath in self._atomic:
                out.add(path)
            else:
                self._collect_fields(value, path, spath, out, strict)
        elif isinstance(value, list):
            elements = self.elements(value, spath, path if strict else None)
            if elements is None:
                out.add(path)
                return
            for element, item in elements:
                self._collect_item(item, (*path, element), spath, out, strict)
        else:
            out.add(path)

    def _collect_fields(
        self, value: dict[str, Any], path: Path, spath: str, out: set[Path], strict: bool
    ) -> None:
        skipped = self.skipped if len(path) <= 1 else None  # only paths of one or two elements are stripped
        for key, child in value.items():
            child_path = (*path, f"f:{key}")
            if skipped is not None and child_path in skipped:
                continue
            if isinstance(child, (dict, list)):
                self._collect(child, child_path, f"{spath}.{key}" if spath else key, out, strict)
            else:  # a leaf, without a call
                out.add(child_path)

    def _collect_item(self, item: Any, path: Path, spath: str, out: set[Path], strict: bool = False) -> None:
        out.add(path)
        if isinstance(item, dict):
            self._collect_fields(item, path, spath, out, strict)

    # ------------------------------------------------------------------------------- diff
    def changes(self, old: dict[str, Any], new: dict[str, Any]) -> _Changes:
        result = _Changes()
        self._diff_fields(old, new, (), "", result)
        for paths in (result.added, result.modified, result.removed):
            paths.discard(_METADATA)
        return result

    def _shape(self, value: Any, spath: str) -> str:
        if isinstance(value, dict):
            return "map" if value and spath not in self._atomic else "leaf"
        if isinstance(value, list) and self.elements(value, spath) is not None:
            return "list"
        return "leaf"

    def _diff(self, old: Any, new: Any, path: Path, spath: str, out: _Changes) -> None:
        """``old`` and ``new`` differ (the caller compared them)."""
        if isinstance(old, list) and isinstance(new, list):
            old_items, new_items = self.elements(old, spath), self.elements(new, spath)
            if old_items is not None and new_items is not None:
                self._diff_items(old_items, new_items, path, spath, out)
                return
        old_shape, new_shape = self._shape(old, spath), self._shape(new, spath)
        if old_shape != new_shape:
            self._collect(old, path, spath, out.removed)
            self._collect(new, path, spath, out.added)
        elif old_shape == "leaf":
            out.modified.add(path)
        else:  # two maps
            self._diff_fields(old, new, path, spath, out)

    def _diff_fields(
        self, old: dict[str, Any], new: dict[str, Any], path: Path, spath: str, out: _Changes
    ) -> None:
        skipped = self.skipped if len(path) <= 1 else None  # only paths of one or two elements are stripped
        for key, value in old.items():
            if key not in new:
                child = (*path, f"f:{key}")
                if skipped is None or child not in skipped:
                    self._collect(value, child, f"{spath}.{key}" if spath else key, out.removed)
        for key, value in new.items():
            if key in old:
                before = old[key]
                # Unchanged sub-trees (most of them) are compared at C speed before any path is built.
                if type(before) is type(value) and before == value:
                    continue
                child = (*path, f"f:{key}")
                if skipped is None or child not in skipped:
                    self._diff(before, value, child, f"{spath}.{key}" if spath else key, out)
            else:
                child = (*path, f"f:{key}")
                if skipped is None or child not in skipped:
                    self._collect(value, child, f"{spath}.{key}" if spath else key, out.added)

    def _diff_items(
        self, old: list[tuple[str, Any]], new: list[tuple[str, Any]], path: Path, spath: str, out: _Changes
    ) -> None:
        old_items, new_items = dict(old), dict(new)
        for element, item in old_items.items():
            if element not in new_items:
                self._collect_item(item, (*path, element), spath, out.removed)
        for element, item in new_items.items():
            before = old_items.get(element)
            if element not in old_items:
                self._collect_item(item, (*path, element), spath, out.added)
            elif isinstance(item, dict) and isinstance(before, dict):
                self._diff_fields(before, item, (*path, element), spath, out)

    # ------------------------------------------------------------------------------ merge
    def merge_fields(self, live: dict[str, Any], config: dict[str, Any], spath: str) -> dict[str, Any]:
        """Merge an apply configuration into (a private copy of) the live object."""
        out = dict(live)
        for key, value in config.items():
            if key in live:
                out[key] = self._merge(live[key], value, join_path(spath, key))
            else:
                out[key] = copy_json(value)
        return out

    def _merge(self, live: Any, config: Any, spath: str) -> Any:
        if isinstance(live, dict) and isinstance(config, dict) and not self.atomic_map(spath):
            return self.merge_fields(live, config, spath)
        if isinstance(live, list) and isinstance(config, list):
            live_items, config_items = self.elements(live, spath), self.elements(config, spath)
            if live_items is not None and config_items is not None:
                return _merge_lists(live_items, config_items, lambda lv, cv: self._merge_item(lv, cv, spath))
        return copy_json(config)

    def _merge_item(self, live: Any, config: Any, spath: str) -> Any:
        if isinstance(live, dict) and isinstance(config, dict):
            return self.merge_fields(live, config, spath)
        return copy_json(config)

    # ----------------------------------------------------------------------------- remove
    def remove(self, obj: dict[str, Any], path: Path) -> None:
        """Delete the field or list item at ``path``, and the maps/lists it leaves empty."""
        trail: list[tuple[Any, Any]] = []  # (container, key or index) down to the target
        node: Any = obj
        spath = ""
        for element in path:
            if element.startswith("f:") and isinstance(node, dict) and element[2:] in node:
                trail.append((node, element[2:]))
                node, spath = node[element[2:]], join_path(spath, element[2:])
            elif element.startswith(("k:", "v:")) and isinstance(node, list):
                elements = self.elements(node, spath) or []
                index = next((i for i, (e, _) in enumerate(elements) if e == element), None)
                if index is None:
                    return
                trail.append((node, index))
                node = node[index]
            else:
                return  # already gone
        for container, key in reversed(trail):
            del container[key]
            if container or container is obj:
                break


_SCHEMAS: dict[tuple[str, bool], _Schema] = {}
_SORTED_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {}  # the merge-key tuples of the tag tables, sorted


def _sorted_keys(keys: tuple[str, ...]) -> tuple[str, ...]:
    ordered = _SORTED_KEYS.get(keys)
    if ordered is None:
        ordered = _SORTED_KEYS[keys] = tuple(sorted(keys))
    return ordered


def _key_element(item: Any, keys: tuple[str, ...]) -> str | None:
    """``k:{"name":"web"}``: the item's key fields (``keys``, sorted by name) as compact JSON."""
    if not isinstance(item, dict):
        return None
    if len(keys) == 1:  # most list-maps have one key: no list to join
        key = keys[0]
        value = item.get(key, _KEY_DEFAULTS.get(key))
        if value is None or isinstance(value, (dict, list)):
            return None
        return f'k:{{"{key}":{_json_scalar(value)}}}'
    parts = []
    for key in keys:
        value = item.get(key, _KEY_DEFAULTS.get(key))
        if value is None or isinstance(value, (dict, list)):
            return None
        parts.append(f'"{key}":{_json_scalar(value)}')
    return "k:{" + ",".join(parts) + "}"


def _value_element(item: Any) -> str | None:
    if isinstance(item, (dict, list)):
        return None
    return "v:" + _json_scalar(item)


def _json_scalar(value: Any) -> str:
    """JSON of a scalar; plain strings and integers skip json.dumps (this runs for every list item)."""
    plain = isinstance(value, str) and value.isascii() and value.isprintable()
    if plain and '"' not in value and "\\" not in value:
        return f'"{value}"'
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _merge_lists(
    live: list[tuple[str, Any]], config: list[tuple[str, Any]], merge: Callable[[Any, Any], Any]
) -> list[Any]:
    """Merge two keyed lists, keeping the applied order (mergingWalker.visitListItems).

    Items both lists share come in the configuration's order; items only the live object has
    stay where they were relative to those; new items come where the configuration puts them.
    """
    live_by, config_by = dict(live), dict(config)
    shared = [element for element, _ in config if element in live_by]
    next_shared = 0  # index into shared
    merged_config: set[str] = set()
    out: list[Any] = []
    li = ci = 0
    while li < len(live) or ci < len(config):
        if li < len(live) and ci < len(config):
            element = live[li][0]
            if element == config[ci][0]:
                merged_config.add(element)
                out.append(merge(live_by[element], config_by[element]))
                li, ci, next_shared = li + 1, ci + 1, next_shared + 1
                continue
            if element in config_by and next_shared < len(shared) and shared[next_shared] != element:
                li += 1  # a shared item, but not the one due now: it comes later in config order
                continue
        if li < len(live):
            element = live[li][0]
            if element not in config_by:
                out.append(live[li][1])
                li += 1
                continue
            if element in merged_config:
                li += 1
                continue
        if ci < len(config):
            element = config[ci][0]
            merged_config.add(element)
            out.append(merge(live_by[element], config_by[element]) if element in live_by
                       else copy_json(config_by[element]))
            ci += 1
            if next_shared < len(shared) and shared[next_shared] == element:
                next_shared += 1
    return out


def _without_nulls(value: Any) -> Any:
    """A copy without ``null`` map values: in an apply configuration they mean "not set"."""
    if isinstance(value, dict):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


__all__ = ["ApplyConflict", "fields_of", "path_string", "record_update", "server_side_apply"]
