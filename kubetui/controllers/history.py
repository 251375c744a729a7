"""ControllerRevisions: the rollout history of DaemonSets and StatefulSets, as immutable API objects.

Follows ``pkg/controller/history/controller_history.go`` (HashControllerRevision, NewControllerRevision,
EqualRevision, FindEqualRevisions, SortControllerRevisions, realHistory's List/Create/Update/Delete) and the
``getPatch`` of ``pkg/controller/daemon/update.go`` and ``pkg/controller/statefulset/stateful_set_utils.go``:
a revision's ``data`` is a strategic merge patch that replaces the pod template,
``{"spec":{"template":{"$patch":"replace", ...}}}``, which is exactly what ``kubectl rollout undo`` sends
back to the DaemonSet or StatefulSet.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kubetui.api.meta import owner_reference, parse_timestamp
from kubetui.api.selectors import SelectorError, selector_from_dict
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.controller_ref_manager import RefManager
from kubetui.controllers.podutil import controller_uid, orphan_namespace, safe_encode_string

if TYPE_CHECKING:
    from kubetui.controllers.base import Controller

Obj = dict[str, Any]

RESOURCE = "controllerrevisions"
HASH_LABEL = "controller.kubernetes.io/hash"  # history.ControllerRevisionHashLabel
OWNER_INDEX = "owner-uid"
DEFAULT_HISTORY_LIMIT = 10  # spec.revisionHistoryLimit's default for DaemonSets and StatefulSets

_HTML_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_json(value: Any) -> bytes:
    """json.Marshal of a map: keys sorted at every level, compact, with Go's HTML-safe escapes."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in _HTML_ESCAPES.items():
        if char in text:
            text = text.replace(char, escaped)
    return text.encode()


def _fnv32(data: bytes) -> int:
    """hash/fnv New32: FNV-1 (multiply, then xor), the hash HashControllerRevision uses."""
    value = 0x811C9DC5
    for byte in data:
        value = ((value * 0x01000193) & 0xFFFFFFFF) ^ byte
    return value


def hash_revision(data: Any, probe: int | None) -> str:
    """HashControllerRevision: FNV-1 of the data's JSON and the collision count, safe-encoded."""
    raw = go_json(data) if data is not None else b""
    if probe is not None:
        raw += str(probe).encode()
    return safe_encode_string(str(_fnv32(raw)))


def revision_name(prefix: str, hash_: str) -> str:
    """ControllerRevisionName: ``<parent>-<hash>``, the parent's name cut to 223 bytes."""
    return f"{prefix[:223]}-{hash_}"


def template_patch(parent: Obj) -> Obj:
    """getPatch: the parent's pod template as a patch that replaces it whole.

    The template goes through Go's typed JSON, which always writes the struct fields ``omitempty`` cannot
    drop: ObjectMeta's ``creationTimestamp`` (``null`` when unset) and each container's ``resources``
    (``{}``). kubetui adds them, so the data reads as a real cluster's does and is byte for byte what
    ``kubectl rollout undo`` computes from the parent to tell whether it already runs that revision.
    """
    template = deep_copy(((parent.get("spec") or {}).get("template")) or {})
    metadata = template.get("metadata")
    template["metadata"] = {"creationTimestamp": None, **(metadata if isinstance(metadata, dict) else {})}
    spec = template.get("spec")
    if isinstance(spec, dict):
        for field in ("initContainers", "containers"):
            for container in spec.get(field) or ():
                if isinstance(container, dict):
                    container.setdefault("resources", {})
    template["$patch"] = "replace"
    return json.loads(go_json({"spec": {"template": template}}))  # sorted, as Go's map marshalling


def apply_revision(parent: Obj, revision: Obj) -> Obj:
    """ApplyRevision: the parent with the revision's template (the patch replaces it whole).

    Only the template is copied; the rest is shared with the parent, which callers must not mutate.
    """
    template = deep_copy((((revision.get("data") or {}).get("spec") or {}).get("template")) or {})
    template.pop("$patch", None)
    metadata = template.get("metadata")
    if isinstance(metadata, dict) and metadata.get("creationTimestamp") is None:
        metadata.pop("creationTimestamp", None)
    return {**parent, "spec": {**(parent.get("spec") or {}), "template": template}}


def new_revision(
    parent: Obj, template_labels: dict[str, str], data: Obj, revision: int, collision_count: int | None
) -> Obj:
    """NewControllerRevision: owned by the parent, labelled like its template plus the hash of its data."""
    hash_ = hash_revision(data, collision_count)
    meta = parent["metadata"]
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": {
            "name": revision_name(meta["name"], hash_),
            "namespace": meta.get("namespace", ""),
            "labels": {**template_labels, HASH_LABEL: hash_},
            "ownerReferences": [owner_reference(parent)],
        },
        "data": data,
        "revision": revision,
    }


def revision_number(revision: Obj) -> int:
    value = revision.get("revision")
    return value if isinstance(value, int) else 0


def sort_revisions(revisions: list[Obj]) -> list[Obj]:
    """SortControllerRevisions: by revision, then creation time, then name."""
    return sorted(revisions, key=lambda r: (
        revision_number(r), parse_timestamp(r["metadata"].get("creationTimestamp")) or 0.0, r["metadata"]["name"]))


def _label_hash(revision: Obj) -> int | None:
    """The hash label read as EqualRevision does: strconv.ParseInt(label, 10, 32), else nothing."""
    label = str((revision["metadata"].get("labels") or {}).get(HASH_LABEL, ""))
    try:
        value = int(label, 10)
    except ValueError:
        return None
    return value if -(2**31) <= value < 2**31 and label.lstrip("+-").isdigit() else None


def equal_revision(lhs: Obj | None, rhs: Obj | None) -> bool:
    """EqualRevision: the same data (two numeric hash labels that differ say no at once)."""
    if lhs is None or rhs is None:
        return lhs is rhs
    lhs_hash, rhs_hash = _label_hash(lhs), _label_hash(rhs)
    if lhs_hash is not None and rhs_hash is not None and lhs_hash != rhs_hash:
        return False
    return bool(lhs.get("data") == rhs.get("data"))


def find_equal_revisions(revisions: list[Obj], needle: Obj) -> list[Obj]:
    """FindEqualRevisions: the revisions with the needle's data, in their order."""
    return [r for r in revisions if equal_revision(r, needle)]


def next_revision(revisions: list[Obj]) -> int:
    """nextRevision: one more than the highest revision number (1 for the first)."""
    return max((revision_number(r) for r in revisions), default=0) + 1


def history_limit(parent: Obj) -> int:
    limit = (parent.get("spec") or {}).get("revisionHistoryLimit")
    return limit if isinstance(limit, int) else DEFAULT_HISTORY_LIMIT


class History:
    """realHistory: list from the controller's informer (by owner), write through the API server."""

    def __init__(self, controller: Controller) -> None:
        self.c = controller
        self.informer = controller.informers.informer(RESOURCE)
        self.informer.add_index(OWNER_INDEX, controller_uid)
        self.informer.add_index("orphans-by-namespace", orphan_namespace)

    def claim(self, parent: Obj, parent_resource: str) -> RefManager | None:
        """ClaimControllerRevisions: adopt the orphan revisions the parent's selector matches (left by a
        ``kubectl delete --cascade=orphan`` of an earlier parent of that name) and release its own that stopped
        matching. Returns the manager, whose ``adopted`` and ``released`` name what changed; None for a
        selector that cannot be parsed."""
        try:
            selector = selector_from_dict((parent.get("spec") or {}).get("selector"))
        except SelectorError:
            return None
        meta = parent["metadata"]
        candidates = (self.informer.by_index(OWNER_INDEX, str(meta.get("uid", "")))
                      + self.informer.by_index("orphans-by-namespace", str(meta.get("namespace", ""))))
        refs = RefManager(self.c, parent, parent_resource, selector, RESOURCE)
        refs.claim(candidates)
        return refs

    def list(self, parent: Obj) -> list[Obj]:
        """ListControllerRevisions: the parent's revisions that match its selector (an index lookup)."""
        try:
            selector = selector_from_dict((parent.get("spec") or {}).get("selector"))
        except SelectorError:
            return []
        namespace = parent["metadata"].get("namespace", "")
        return [r for r in self.informer.by_index(OWNER_INDEX, parent["metadata"].get("uid", ""))
                if r["metadata"].get("namespace", "") == namespace
                and selector.matches(r["metadata"].get("labels") or {})]

    def create(self, parent: Obj, revision: Obj, collision_count: int) -> tuple[Obj, int]:
        """CreateControllerRevision: create, renaming with a higher collision count while the name is taken
        by other data. Returns the stored revision and the collision count used."""
        clone = deep_copy(revision)
        namespace = parent["metadata"].get("namespace", "")
        while True:
            clone["metadata"]["name"] = revision_name(
                parent["metadata"]["name"], hash_revision(revision.get("data"), collision_count))
            try:
                return self.c.client.create(RESOURCE, clone), collision_count
            except ApiError as err:
                if not (err.code == 409 and err.reason == "AlreadyExists"):
                    raise
            exists = self.c.client.get(RESOURCE, namespace, clone["metadata"]["name"])
            if exists.get("data") == clone.get("data"):
                return exists, collision_count
            collision_count += 1

    def update_revision(self, revision: Obj, number: int) -> Obj:
        """UpdateControllerRevision: renumber a revision (a rollback makes an old one the newest)."""
        if revision_number(revision) == number:
            return revision
        return self.c.client.update(RESOURCE, {**revision, "revision": number})

    def delete(self, revision: Obj) -> None:
        try:
            self.c.client.delete(RESOURCE, revision["metadata"].get("namespace", ""), revision["metadata"]["name"])
        except ApiError as err:
            if err.code != 404:
                raise
