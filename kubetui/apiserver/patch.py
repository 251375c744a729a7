"""The three PATCH formats of the API server, as pure functions on object dicts.

- ``application/merge-patch+json``: RFC 7386 JSON merge patch (:func:`json_merge_patch`).
- ``application/json-patch+json``: RFC 6902 JSON patch, a list of operations (:func:`json_patch`).
- ``application/strategic-merge-patch+json``: Kubernetes' strategic merge patch
  (:func:`strategic_merge_patch`), what ``kubectl apply`` (client side), ``kubectl set image`` and
  most of kubectl send.

A strategic merge patch is a merge patch that knows, field by field, whether a list is a set of
items identified by a key (containers by ``name``, container ports by ``containerPort``...) to be
merged item by item, or a plain value to be replaced. That knowledge lives in the Go struct tags
``patchStrategy`` and ``patchMergeKey`` of k8s.io/api; :data:`MERGE_KEYS` copies them for the kinds
kubetui serves. The algorithm follows ``mergeMap``/``mergeSlice`` in
k8s.io/apimachinery/pkg/util/strategicpatch/patch.go, including its directives:

- ``{"$patch": "replace"}`` / ``{"$patch": "delete"}`` in a map or in a list item,
- ``$retainKeys: [...]``: keep only these keys of the live map (Deployment ``spec.strategy``, volumes),
- ``$deleteFromPrimitiveList/<field>: [...]``: remove scalars from a merged list (finalizers),
- ``$setElementOrder/<field>: [...]``: the order the merged list must end up in,
- ``null``: delete the key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import jsonpatch
import jsonpointer

DIRECTIVE = "$patch"
RETAIN_KEYS = "$retainKeys"
DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
SET_ELEMENT_ORDER = "$setElementOrder"
MAX_JSON_PATCH_OPERATIONS = 10000  # k8s.io/apiserver/pkg/endpoints/handlers/patch.go

# Error texts of k8s.io/apimachinery/pkg/util/mergepatch/errors.go.
ERR_NO_LIST_OF_LISTS = "lists of lists are not supported"
ERR_PRIMITIVE_LIST = "invalid patch format of primitive list"
ERR_RETAIN_KEYS = "invalid patch format of retainKeys"
ERR_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"


class PatchError(ValueError):
    """A patch that cannot be applied. ``code`` is the HTTP status Kubernetes answers with."""

    def __init__(self, message: str, code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# ---------------------------------------------------------------------------------------- schema
class PatchMeta(NamedTuple):
    """The ``patchStrategy`` and ``patchMergeKey`` struct tags of one field.

    ``list_map_keys`` are the ``+listMapKey`` markers server-side apply uses to identify list
    items, when they differ from the merge key (container ports: ``containerPort`` + ``protocol``).
    """

    strategy: str = "merge"  # "merge", "replace", "retainKeys" or "merge,retainKeys"
    merge_key: str = ""  # "" on a merged list means a set of scalars (finalizers)
    list_map_keys: tuple[str, ...] = ()

    @property
    def merges(self) -> bool:
        return "merge" in self.strategy.split(",")

    @property
    def replaces(self) -> bool:
        return self.strategy == "replace"


def _by(key: str, *list_map_keys: str) -> PatchMeta:
    return PatchMeta("merge", key, tuple(list_map_keys))


SET = PatchMeta("merge")  # a list of scalars merged as a set
REPLACE = PatchMeta("replace")  # patchStrategy:"replace": the patch value replaces the field
NO_TAGS = PatchMeta("")  # the default: maps merge key by key, lists are replaced whole


def _under(prefix: str, table: dict[str, PatchMeta]) -> dict[str, PatchMeta]:
    return {f"{prefix}.{path}": meta for path, meta in table.items()}


# Paths are field names joined by dots; list items are transparent ("containers.ports" is the
# ports list of every container). Fields not listed have no tags: their lists are atomic.
_OBJECT_META = {"finalizers": SET, "ownerReferences": _by("uid")}  # metav1.ObjectMeta
_CONTAINER = {  # core/v1 Container (and EphemeralContainer)
    "ports": _by("containerPort", "containerPort", "protocol"),
    "env": _by("name"),
    "volumeMounts": _by("mountPath"),
    "volumeDevices": _by("devicePath"),
}
_POD_SPEC = {  # core/v1 PodSpec; tolerations, readinessGates and envFrom have no tags: atomic
    **{field: _by("name") for field in ("containers", "initContainers", "ephemeralContainers")},
    **{f"{field}.{sub}": meta for field in ("containers", "initContainers", "ephemeralContainers")
       for sub, meta in _CONTAINER.items()},
    "volumes": PatchMeta("merge,retainKeys", "name"),
    "imagePullSecrets": _by("name"),
    "hostAliases": _by("ip"),
    "topologySpreadConstraints": _by("topologyKey", "topologyKey", "whenUnsatisfiable"),
    "schedulingGates": _by("name"),
    "resourceClaims": PatchMeta("merge,retainKeys", "name"),
}
_CONDITIONS = {"status.conditions": _by("type")}
_WORKLOAD = {  # anything with a pod template: Deployment, ReplicaSet, DaemonSet, StatefulSet, Job
    **_under("spec.template.metadata", _OBJECT_META),
    **_under("spec.template.spec", _POD_SPEC),
    **_CONDITIONS,
}
_BY_KIND: dict[str, dict[str, PatchMeta]] = {
    "Pod": {**_under("spec", _POD_SPEC), **_CONDITIONS,
            "status.podIPs": _by("ip"), "status.hostIPs": _by("ip")},
    "Deployment": {**_WORKLOAD, "spec.strategy": PatchMeta("retainKeys")},
    "ReplicaSet": _WORKLOAD,
    "DaemonSet": _WORKLOAD,
    "StatefulSet": _WORKLOAD,
    "Job": _WORKLOAD,
    "CronJob": {  # status.active is atomic
        **_under("spec.jobTemplate.metadata", _OBJECT_META),
        **_under("spec.jobTemplate.spec.template.metadata", _OBJECT_META),
        **_under("spec.jobTemplate.spec.template.spec", _POD_SPEC),
    },
    "Service": {"spec.ports": _by("port", "port", "protocol"), **_CONDITIONS},
    "Node": {"spec.podCIDRs": SET, "status.addresses": _by("type"), **_CONDITIONS},  # taints: atomic
    "Namespace": _CONDITIONS,  # spec.finalizers has no tags: atomic
    "PodDisruptionBudget": {"spec.selector": REPLACE, **_CONDITIONS},
    "PersistentVolumeClaim": _CONDITIONS,  # accessModes and the rest are atomic
    "PersistentVolume": {},
    "StorageClass": {},
    "ConfigMap": {},
    "Secret": {},
    "ServiceAccount": {"secrets": _by("name")},
    "Endpoints": {},  # subsets and their addresses are atomic
    "EndpointSlice": {},
    "Event": {},
    "Lease": {},
    "PriorityClass": {},
    "LimitRange": {},  # spec.limits is atomic
    "ResourceQuota": {},  # spec.hard is a map; scopes atomic
    "ReplicationController": _WORKLOAD,
    "Ingress": {},  # networking/v1: rules, tls, paths and status.loadBalancer.ingress are atomic lists
    "IngressClass": {},
    "HorizontalPodAutoscaler": _CONDITIONS,  # autoscaling/v2: metrics and currentMetrics are atomic
    "ControllerRevision": {},  # data is a RawExtension: replaced whole
}
MERGE_KEYS: dict[str, dict[str, PatchMeta]] = {
    kind: {**_under("metadata", _OBJECT_META), **fields} for kind, fields in _BY_KIND.items()
}
"""kind -> dotted field path -> tags, from k8s.io/api core/v1, apps/v1, batch/v1, policy/v1 types.go."""


def merge_keys_for(kind: str) -> dict[str, PatchMeta]:
    """The tag table of a kind; an unknown kind gets the ObjectMeta tags only."""
    return MERGE_KEYS.get(kind) or MERGE_KEYS["ConfigMap"]


def join_path(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


@contextmanager
def nesting_guard() -> Iterator[None]:
    """Turn Python's recursion limit into a 400, as Go's JSON decoder rejects too-deep documents."""
    try:
        yield
    except RecursionError as exc:
        raise PatchError("the object is nested too deeply") from exc


# ---------------------------------------------------------------------------------- JSON helpers
def copy_json(value: Any) -> Any:
    """Deep copy of JSON data (dicts, lists, scalars); also copes with integers beyond 64 bits."""
    if isinstance(value, dict):
        return {k: copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_json(v) for v in value]
    return value


def json_type(value: Any) -> str:
    """The JSON type name of a value, as Kubernetes error messages spell it."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return "null" if value is None else "string"


def _scalar_type(value: Any) -> str:
    """Go's dynamic type of a decoded scalar: ``1`` (int64) and ``1.0`` (float64) differ."""
    if isinstance(value, bool):
        return "bool"
    return type(value).__name__


def _hashable(value: Any) -> tuple[str, Any]:
    """A set key for a scalar that keeps ``1``, ``1.0`` and ``true`` apart, as Go's ``==`` does."""
    return (_scalar_type(value), value)


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


# ------------------------------------------------------------------------------ JSON merge patch
def json_merge_patch(obj: dict[str, Any], patch: Any) -> dict[str, Any]:
    """RFC 7386: objects merge key by key, ``null`` deletes a key, anything else replaces."""
    if not isinstance(obj, dict):
        raise PatchError("the object to patch must be a JSON object")
    if not isinstance(patch, dict):
        raise PatchError(f"a merge patch must be a JSON object, got {json_type(patch)}")
    with nesting_guard():
        return _merge_patch_into(copy_json(obj), patch)


def _merge_patch_into(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    for key, value in patch.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            target[key] = _merge_patch_into(current if isinstance(current, dict) else {}, value)
        else:
            target[key] = copy_json(value)
    return target


# ------------------------------------------------------------------------------------ JSON patch
def json_patch(obj: dict[str, Any], ops: Any) -> dict[str, Any]:
    """RFC 6902: apply a list of add/remove/replace/move/copy/test operations in order."""
    if not isinstance(obj, dict):
        raise PatchError("the object to patch must be a JSON object")
    if not isinstance(ops, list):
        raise PatchError(f"json: cannot unmarshal {json_type(ops)} into Go value of type jsonpatch.Patch")
    if len(ops) > MAX_JSON_PATCH_OPERATIONS:
        raise PatchError(
            f"The allowed maximum operations in a JSON patch is {MAX_JSON_PATCH_OPERATIONS}, got {len(ops)}",
            code=413,
        )
    try:
        with nesting_guard():
            result: Any = copy_json(obj)
            for op in ops:  # one at a time, so a failure names its operation as evanphx/json-patch does
                try:
                    result = jsonpatch.JsonPatch([op]).apply(result, in_place=True)
                except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
                    if isinstance(exc, jsonpatch.InvalidJsonPatch):
                        raise
                    # A well-formed patch that does not fit the object: Kubernetes answers 422.
                    raise PatchError(_json_patch_failure(op, exc), code=422) from exc
    except PatchError:
        raise
    except jsonpatch.InvalidJsonPatch as exc:  # a malformed operation: the request is bad
        raise PatchError(f"invalid JSON patch: {exc}") from exc
    except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
        raise PatchError(f"invalid JSON patch: {exc}") from exc
    if not isinstance(result, dict):
        raise PatchError(f"the patched document must be a JSON object, got {json_type(result)}", code=422)
    return result


def _json_patch_failure(op: Any, exc: Exception) -> str:
    """evanphx/json-patch's words for an operation that does not fit the document (no Python in them)."""
    kind = op.get("op") if isinstance(op, dict) else ""
    path = op.get("path") if isinstance(op, dict) else ""
    if isinstance(exc, jsonpatch.JsonPatchTestFailed):
        return f"testing value {path} failed: test failed"
    if kind in ("move", "copy"):
        source = op.get("from") if isinstance(op, dict) else ""
        return f'jsonpatch {kind} operation does not apply: doc is missing from path: "{source}": missing value'
    if kind == "replace":
        return f"jsonpatch replace operation does not apply: doc is missing key: {path}: missing value"
    return f'jsonpatch {kind} operation does not apply: doc is missing path: "{path}": missing value'


# ------------------------------------------------------------------------ strategic merge patch
def strategic_merge_patch(obj: dict[str, Any], patch: Any, kind: str) -> dict[str, Any]:
    """Apply a strategic merge patch to ``obj`` (an object of ``kind``); returns a new dict."""
    if not isinstance(obj, dict):
        raise PatchError("the object to patch must be a JSON object")
    if patch is None:
        return copy_json(obj)
    if not isinstance(patch, dict):
        raise PatchError(
            f"json: cannot unmarshal {json_type(patch)} into Go value of type map[string]interface {{}}"
        )
    # Work on private copies, so the merge below may edit both in place (as the Go code does).
    with nesting_guard():
        return _StrategicMerge(merge_keys_for(kind)).merge_map(copy_json(obj), copy_json(patch), "")


class _StrategicMerge:
    """``mergeMap``/``mergeSlice`` of strategicpatch/patch.go over one kind's tag table."""

    def __init__(self, table: dict[str, PatchMeta]) -> None:
        self.table = table

    def meta(self, path: str) -> PatchMeta:
        return self.table.get(path, NO_TAGS)

    # -------------------------------------------------------------------------------- maps
    def merge_map(self, original: dict[str, Any], patch: dict[str, Any], path: str) -> dict[str, Any]:
        if DIRECTIVE in patch:
            directive = patch.pop(DIRECTIVE)
            if directive == "replace":  # the patch is the whole new map
                return self.merge_map({}, patch, path)
            if directive == "delete":  # Kubernetes leaves an empty map behind
                return {}
            raise PatchError(f"unknown patch type: {directive} in map: {_dump(patch)}")
        self._retain_keys(original, patch)
        self._set_element_order(original, patch, path)
        for key, value in patch.items():
            if key.startswith(DELETE_FROM_PRIMITIVE_LIST):
                field = _directive_field(key, DELETE_FROM_PRIMITIVE_LIST, ERR_PRIMITIVE_LIST)
                live_list = original.get(field)
                if isinstance(live_list, list):  # deleting from a missing list adds nothing
                    original[field] = _delete_from_list(live_list, value)
                elif not isinstance(value, list):
                    raise PatchError(ERR_PRIMITIVE_LIST)
                continue
            if value is None:
                original.pop(key, None)
                continue
            child = join_path(path, key)
            current = original.get(key)
            meta = self.meta(child)
            if isinstance(value, dict) and isinstance(current, dict) and not meta.replaces:
                original[key] = self.merge_map(current, value, child)
            elif isinstance(value, list) and isinstance(current, list) and meta.merges:
                original[key] = self.merge_list(current, value, meta, child)[0]
            else:  # a new field, a changed type, a replaced map or list, or a scalar
                original[key] = self.materialize(value, child)
        return original

    def materialize(self, value: Any, path: str) -> Any:
        """A patch value landing where nothing can merge with it: apply it to nothing.

        This drops ``null`` keys and runs directives inside (``$patch: delete`` items vanish),
        like Kubernetes' ``discardNullValuesFromPatch``.
        """
        if isinstance(value, dict):
            return self.merge_map({}, value, path)
        if isinstance(value, list):
            meta = self.meta(path)
            if meta.merges:
                return self.merge_list([], value, meta, path)[0]
            return [self.merge_map({}, item, path) if isinstance(item, dict) else item for item in value]
        return value

    def _retain_keys(self, original: dict[str, Any], patch: dict[str, Any]) -> None:
        """``$retainKeys``: clear every live key not listed (applyRetainKeysDirective)."""
        if RETAIN_KEYS not in patch:
            return
        keys = patch.pop(RETAIN_KEYS)
        if not isinstance(keys, list):
            raise PatchError(ERR_RETAIN_KEYS)
        retained = {key for key in keys if isinstance(key, str)}
        for key, value in patch.items():
            if value is None or key.startswith((DELETE_FROM_PRIMITIVE_LIST, SET_ELEMENT_ORDER)):
                continue
            if key not in retained:  # the patch sets a key it does not retain
                raise PatchError(ERR_RETAIN_KEYS)
        for key in [key for key in original if key not in retained]:
            del original[key]

    def _set_element_order(self, original: dict[str, Any], patch: dict[str, Any], path: str) -> None:
        """``$setElementOrder/<field>``: merge the field's list now, then order it (mergePatchIntoOriginal).

        The order wins over the patch list's own order, which wins over the live order; items
        only the server has keep their place relative to the live list.
        """
        for key in [key for key in patch if key.startswith(SET_ELEMENT_ORDER)]:
            order = patch.pop(key)
            field = _directive_field(key, SET_ELEMENT_ORDER, ERR_SET_ELEMENT_ORDER)
            if not isinstance(order, list):
                raise PatchError(ERR_SET_ELEMENT_ORDER)
            child = join_path(path, field)
            meta = self.meta(child)
            merge_key = meta.merge_key if meta.merges else ""
            in_original, in_patch = field in original, field in patch
            live, patch_list = original.get(field, []), patch.get(field, [])
            if not isinstance(live, list) or not isinstance(patch_list, list):
                raise PatchError(f"{field}: $setElementOrder needs a list, got {json_type(patch_list)}")
            _validate_against_order(patch_list, order, merge_key)
            if in_original and in_patch:
                if meta.merges:
                    merged, live_view = self.merge_list(live, patch_list, meta, child)
                else:
                    merged, live_view = self.materialize(patch_list, child), live
            elif in_patch:
                merged, live_view = self.materialize(patch_list, child), []
            elif in_original:
                merged, live_view = live, live
            else:
                continue
            patch.pop(field, None)
            if not merged:
                original[field] = merged
                continue
            if merge_key:
                patch_items, server_only = _partition_maps(merged, order, merge_key)
            elif _element_kind(merged) == "map":
                raise PatchError(f"cannot order the list {child} without a merge key")
            else:
                patch_items, server_only = _partition_scalars(merged, order)
            original[field] = _normalize_order(patch_items, server_only, order, live_view, merge_key)

    # ------------------------------------------------------------------------------- lists
    def merge_list(
        self, original: list[Any], patch: list[Any], meta: PatchMeta, path: str
    ) -> tuple[list[Any], list[Any]]:
        """Merge a list with ``patchStrategy: merge`` (mergeSlice).

        Returns the merged list and the live list as Go's caller sees it afterwards: when items
        were deleted, the Go code edits the live slice in place, so the slots freed by deletions
        hold the items the patch appended. ``$setElementOrder`` sorts server-only items against
        that view; reproducing it keeps ``kubectl apply`` list order identical to a real cluster.
        """
        if not original and not patch:
            return original, original
        kind = _element_kind(original, patch)
        if kind != "map":
            merged = _dedupe_scalars(original + patch)
            patch_items, server_only = _partition_scalars(merged, patch)
            return _normalize_order(patch_items, server_only, patch, original, ""), original
        key = meta.merge_key
        if not key:
            raise PatchError(f"cannot merge lists without merge key for {path}")
        live, patch, replaced = _apply_list_directives(original, patch, key)
        merged = list(live)
        for item in patch:
            value = _merge_key_value(item, key)
            index = _find_by_key(merged, key, value)
            if index < 0:
                merged.append(self.merge_map({}, item, path))
            else:
                merged[index] = self.merge_map(merged[index], item, path)
        patch_items, server_only = _partition_maps(merged, patch, key)
        result = _normalize_order(patch_items, server_only, patch, live, key)
        deleted = not replaced and len(live) < len(original)
        return result, merged[: len(original)] if deleted else original


def _directive_field(key: str, prefix: str, error: str) -> str:
    head, sep, field = key.partition("/")
    if head != prefix or not sep:
        raise PatchError(error)
    return field


def _element_kind(*lists: list[Any]) -> str:
    """"map" or the scalar type shared by all elements (sliceElementType); mixed types fail."""
    kind = ""
    for items in lists:
        for item in items:
            if isinstance(item, list):
                raise PatchError(ERR_NO_LIST_OF_LISTS, code=422)
            current = "map" if isinstance(item, dict) else _scalar_type(item)
            if kind and current != kind:
                raise PatchError(f"list element types are not identical: {_dump(list(lists))}")
            kind = current
    return kind


def _merge_key_value(item: dict[str, Any], key: str) -> Any:
    if key not in item:
        raise PatchError(f"map: {_dump(item)} does not contain declared merge key: {key}")
    value = item[key]
    if isinstance(value, (dict, list)):
        raise PatchError(f"the merge key {key} of {_dump(item)} must be a scalar")
    return value


def _find_by_key(items: list[Any], key: str, value: Any) -> int:
    wanted = _hashable(value)
    for index, item in enumerate(items):
        if _has_key_value(item, key, wanted):
            return index
    return -1


def _has_key_value(item: Any, key: str, wanted: tuple[str, Any]) -> bool:
    if not isinstance(item, dict) or key not in item or isinstance(item[key], (dict, list)):
        return False
    return _hashable(item[key]) == wanted


def _apply_list_directives(
    original: list[Any], patch: list[Any], key: str
) -> tuple[list[Any], list[Any], bool]:
    """Handle ``$patch`` items (mergeSliceWithSpecialElements): delete by key, or replace all.

    Returns the live items left, the patch items left, and whether ``$patch: replace`` was seen.
    """
    rest: list[Any] = []
    replace = False
    for item in patch:
        if DIRECTIVE not in item:
            rest.append(item)
            continue
        directive = item[DIRECTIVE]
        if directive == "delete":
            wanted = _hashable(_merge_key_value(item, key))
            original = [o for o in original if not _has_key_value(o, key, wanted)]
        elif directive == "replace":
            replace = True
        elif directive == "merge":
            raise PatchError("merging lists cannot yet be specified in the patch")
        else:
            raise PatchError(f"unknown patch type: {directive} in map: {_dump(item)}")
    if replace:  # the list becomes the patch items; nothing left to merge with
        return rest, [], True
    return original, rest, False


def _delete_from_list(current: list[Any], to_delete: Any) -> list[Any]:
    """``$deleteFromPrimitiveList``: drop every occurrence of the listed scalars."""
    if not isinstance(to_delete, list) or any(isinstance(v, (dict, list)) for v in to_delete + current):
        raise PatchError(ERR_PRIMITIVE_LIST)
    doomed = {_hashable(v) for v in to_delete}
    return [v for v in current if _hashable(v) not in doomed]


def _dedupe_scalars(items: list[Any]) -> list[Any]:
    seen: set[tuple[str, Any]] = set()
    out = []
    for item in items:
        if _hashable(item) not in seen:
            seen.add(_hashable(item))
            out.append(item)
    return out


def _identity(item: Any, key: str) -> tuple[str, Any] | None:
    """What list positions compare by: the merge key's value for maps, the item for scalars."""
    if key:
        if not isinstance(item, dict) or isinstance(item.get(key), (dict, list)):
            return None
        return _hashable(item.get(key))
    return None if isinstance(item, (dict, list)) else _hashable(item)


def _positions(items: list[Any], key: str) -> dict[Any, int]:
    """First position of each identity in ``items`` (index() in patch.go, as a lookup table)."""
    positions: dict[Any, int] = {}
    for index, item in enumerate(items):
        ident = _identity(item, key)
        if ident is not None:
            positions.setdefault(ident, index)
    return positions


def _partition_maps(merged: list[Any], by: list[Any], key: str) -> tuple[list[Any], list[Any]]:
    """Split merged items into those named in ``by`` and the server-only rest."""
    wanted = {_identity(item, key) for item in by}
    inside: list[Any] = []
    outside: list[Any] = []
    for item in merged:
        if not isinstance(item, dict):
            raise PatchError(f"expected a map in the merged list, got {json_type(item)}")
        _merge_key_value(item, key)
        (inside if _identity(item, key) in wanted else outside).append(item)
    return inside, outside


def _partition_scalars(merged: list[Any], by: list[Any]) -> tuple[list[Any], list[Any]]:
    wanted = {_hashable(v) for v in by if not isinstance(v, (dict, list))}
    inside = [v for v in merged if _hashable(v) in wanted]
    outside = [v for v in merged if _hashable(v) not in wanted]
    return inside, outside


def _sort_by_order(items: list[Any], order: list[Any], key: str) -> list[Any]:
    """normalizeSliceOrder: stable sort by position in ``order``; ``$patch: delete`` items go last."""
    if key:
        for item in items + order:
            if not isinstance(item, dict):
                raise PatchError(f"expected a map, got {json_type(item)}")
            _merge_key_value(item, key)
    positions = _positions(order, key)
    keep = [i for i in items if not (key and i.get(DIRECTIVE) == "delete")]
    deletes = [i for i in items if key and i.get(DIRECTIVE) == "delete"]
    keep.sort(key=lambda item: positions.get(_identity(item, key), len(order)))
    return keep + deletes


def _normalize_order(
    patch_items: list[Any], server_only: list[Any], patch_order: list[Any], server_order: list[Any], key: str
) -> list[Any]:
    """normalizeElementOrder + mergeSortedSlice: interleave the two sorted lists.

    Patch items keep the patch order. Each server-only item goes in front of the next patch
    item when the live list had it in front of that item; when the live list cannot tell
    (the patch item is new), the patch item goes first.
    """
    right = _sort_by_order(patch_items, patch_order, key)
    left = _sort_by_order(server_only, server_order, key)
    positions = _positions(server_order, key)
    out: list[Any] = []
    i = j = 0
    while i < len(left) or j < len(right):
        if j >= len(right):
            out.append(left[i])
            i += 1
            continue
        if i < len(left):
            li, ri = positions.get(_identity(left[i], key)), positions.get(_identity(right[j], key))
            if li is not None and ri is not None and li < ri:
                out.append(left[i])
                i += 1
                continue
        out.append(right[j])
        j += 1
    return out


def _validate_against_order(patch_list: list[Any], order: list[Any], key: str) -> None:
    """The patch list must follow the ``$setElementOrder`` list (validatePatchWithSetOrderList)."""
    if not order or not patch_list:
        return
    items = [i for i in patch_list if not (key and isinstance(i, dict) and i.get(DIRECTIVE) == "delete")]
    p = s = 0
    while p < len(items) and s < len(order):
        item = items[p]
        if isinstance(item, dict) and DIRECTIVE in item:
            p += 1
            continue
        if key:
            for candidate in (item, order[s]):
                if not isinstance(candidate, dict):
                    raise PatchError(ERR_SET_ELEMENT_ORDER)
                _merge_key_value(candidate, key)
        if _identity(item, key) is not None and _identity(item, key) == _identity(order[s], key):
            p += 1
        s += 1
    if p < len(items):
        raise PatchError(
            f"The order in patch list:\n{_dump(patch_list)}\n"
            f" doesn't match {SET_ELEMENT_ORDER} list:\n{_dump(order)}\n"
        )


__all__ = [
    "MERGE_KEYS",
    "PatchError",
    "PatchMeta",
    "copy_json",
    "json_merge_patch",
    "json_patch",
    "merge_keys_for",
    "strategic_merge_patch",
]
