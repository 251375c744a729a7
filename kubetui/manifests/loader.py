"""The manifest folder as desired state: apply every file, prune what disappeared, report bad input.

Like ``kubectl apply --server-side --force-conflicts --prune`` of each file you save: its objects are
applied with server-side apply under the field manager ``kubetui-manifests`` through the API server
(client ``manifests``). Only files whose text changed are applied again, so a ``kubectl scale`` of an
object whose file nobody touched stays; when a saved file takes a field back from another manager
(``kubectl scale`` set ``spec.replicas``), the log says which. A file that does not parse or whose
objects the API server rejects is left exactly as it was last applied — nothing in it is applied or
pruned — until it is valid again; every other file keeps working. ``kind: Node`` documents are not API
writes: they define the simulated machines.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kubetui.api.resources import BY_KIND, ResourceInfo
from kubetui.api.validation import validate
from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.server import PATCH_APPLY
from kubetui.manifests.errors import api_error
from kubetui.manifests.files import UNREADABLE, snapshot
from kubetui.manifests.parse import Document, ManifestError, ParsedFile, parse_text
from kubetui.node.spec import NodeSpec
from kubetui.sim.trace import ManifestStatus

if TYPE_CHECKING:
    from kubetui.sim.cluster import Cluster

FIELD_MANAGER = "kubetui-manifests"
IDENTITY = "manifests"

# Apply order, like kubectl/Helm: namespaces and cluster-wide settings, config, services, workloads.
KIND_ORDER = (
    "Namespace",
    "ResourceQuota",
    "LimitRange",
    "PriorityClass",
    "IngressClass",
    "StorageClass",
    "PersistentVolume",
    "ConfigMap",
    "Secret",
    "Service",
    "Endpoints",
    "EndpointSlice",
    "PodDisruptionBudget",
    "Lease",
    "ControllerRevision",
    "PersistentVolumeClaim",
    "Pod",
    "ReplicaSet",
    "ReplicationController",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Ingress",
    "Event",
)


@dataclass(frozen=True, order=True)
class ObjectRef:
    resource: str
    namespace: str
    name: str

    def __str__(self) -> str:
        info = BY_KIND_PLURAL.get(self.resource)
        kind = info.kind.lower() if info else self.resource
        group = f".{info.group}" if info and info.group else ""
        where = f" -n {self.namespace}" if self.namespace else ""
        return f"{kind}{group}/{self.name}{where}"


BY_KIND_PLURAL: dict[str, ResourceInfo] = {info.plural: info for info in BY_KIND.values()}


@dataclass
class _FilePlan:
    objects: list[tuple[ObjectRef, Document]]
    nodes: list[NodeSpec]


def node_specs_in(folder: Path) -> list[NodeSpec] | None:
    """The machines a folder declares with ``kind: Node`` documents, or None when it declares none.

    A file with a Node document that cannot be read as a machine declares none: the first sync reports it.
    """
    specs: list[NodeSpec] = []
    for relative, text in snapshot(folder).items():
        parsed = parse_text(text, str(folder / relative))
        if parsed.error is None:
            nodes = [d.obj for d in parsed.documents if _is_node(d.obj)]
            try:
                if not any(validate(node) for node in nodes):
                    specs.extend(NodeSpec.from_manifest(node) for node in nodes)
            except NODE_SPEC_ERRORS:
                continue
    return specs or None


# What NodeSpec.from_manifest raises on a document validation let through (it should not: a safety net).
NODE_SPEC_ERRORS = (ValueError, TypeError, AttributeError, ArithmeticError)


def _is_node(obj: dict[str, Any]) -> bool:
    return obj.get("kind") == "Node" and obj.get("apiVersion") == "v1"


class ManifestFolder:
    def __init__(self, cluster: Cluster, root: Path) -> None:
        self.cluster = cluster
        self.root = root
        self.client = cluster.client(IDENTITY)
        self.errors: dict[str, ManifestError] = {}
        self._plans: dict[str, _FilePlan] = {}  # the last valid plan of each file
        self._owned: set[ObjectRef] = set()  # objects this folder created or applied
        self._folder_nodes: dict[str, NodeSpec] = {}
        self._cache: dict[str, tuple[str, ParsedFile]] = {}
        self._applied: dict[str, str] = {}  # path -> the text whose objects were last applied
        cluster.inputs.manifests = self.apply_snapshot

    # -- scanning -----------------------------------------------------------------------------
    def snapshot(self) -> dict[str, str]:
        """Every manifest file's text by path relative to the folder: the input a sync works from."""
        return snapshot(self.root)

    def _parse(self, relative: str, text: str) -> ParsedFile:
        """Parse a file's text, reusing the last result while the text is unchanged."""
        cached = self._cache.get(relative)
        if cached and cached[0] == text:
            return cached[1]
        parsed = parse_text(text, str(self.root / relative))
        self._cache[relative] = (text, parsed)
        return parsed

    def display_path(self, path: str) -> str:
        try:
            return str(Path(path).relative_to(self.root))
        except ValueError:
            return path

    # -- the sync -------------------------------------------------------------------------------
    def sync(self, files: dict[str, str] | None = None, touched: list[str] | None = None) -> None:
        """Make the cluster match the folder (through the recordable input funnel): ``files`` as
        :meth:`snapshot` read them, or read now. ``touched``: the files (or folders) saved since the last
        sync, relative to the folder; each is applied again even if its text did not change, as a
        ``kubectl apply`` of it would (re-creating what was deleted)."""
        data: dict[str, object] = {"files": self.snapshot() if files is None else files}
        if touched is not None:
            data["touched"] = sorted(touched)
        self.cluster.inputs.submit("manifests", **data)

    def preparse(self, files: dict[str, str]) -> None:
        """Parse what changed ahead of the sync (the watcher does it in a worker thread: a 2.6 MB file
        takes ~0.4 s, and the UI keeps drawing meanwhile); the sync then finds it cached."""
        for relative in sorted(files):
            self._parse(relative, files[relative])

    def apply_snapshot(self, files: dict[str, str], touched: list[str] | None = None) -> None:
        """Plan every file that changed or was saved, apply the valid ones, prune what no file declares any more."""
        saved = tuple(touched or ())
        for gone in set(self._cache) - set(files):
            del self._cache[gone]
        new_errors: dict[str, ManifestError] = {}
        plans: dict[str, _FilePlan] = {}
        kept: set[str] = set()  # files whose last plan stands, neither applied again nor pruned
        for relative in sorted(files):
            path = str(self.root / relative)
            unchanged = self._applied.get(path) == files[relative] and path in self._plans
            if unchanged and path not in self.errors and not _saved(relative, saved):
                plans[path] = self._plans[path]  # unchanged since it was applied: nothing to do
                kept.add(path)
                continue
            try:
                plan, error = self._plan(self._parse(relative, files[relative]))
            except Exception as exc:  # a bug must not stop the other files (nor leave this sync half done)
                plan, error = None, ManifestError(relative, f"could not be applied: {type(exc).__name__}: {exc}")
            if error is not None:
                new_errors[path] = error
                # keep what was last applied: nothing applied or pruned (for an unlistable folder,
                # everything under it)
                under = path + "/" if files[relative].startswith(UNREADABLE) else None
                for old_path, old_plan in self._plans.items():
                    if old_path == path or (under and old_path.startswith(under) and old_path not in plans):
                        plans[old_path] = old_plan
                        kept.add(old_path)
            elif plan is not None:
                plans[path] = plan
        self._refuse_duplicates(plans, kept, new_errors)
        self._apply(plans, kept, new_errors)
        self._applied = {
            path: text
            for path, text in ((str(self.root / relative), text) for relative, text in files.items())
            if path in plans and path not in new_errors and (path not in kept or path in self._applied)
        }
        self._prune(plans)
        self._sync_nodes(plans)
        self._plans = plans
        self._report(new_errors)

    def _plan(self, parsed: ParsedFile) -> tuple[_FilePlan | None, ManifestError | None]:
        shown = self.display_path(parsed.path)
        if parsed.error is not None:
            err = parsed.error
            return None, ManifestError(shown, err.message, err.line, err.column)
        if not parsed.documents:
            # kubectl's words. Never a prune: a file emptied by an editor that truncates before it writes, or
            # read in between, would delete everything it declared.
            return None, ManifestError(
                shown, "no objects passed to apply (its objects are kept: delete the file to remove them)", 1, 1
            )
        plan = _FilePlan([], [])
        for doc in parsed.documents:
            obj = doc.obj
            if _is_node(obj):
                spec, problem = self._node(shown, doc)
                if problem is not None:
                    return None, problem
                assert spec is not None
                plan.nodes.append(spec)
                continue
            kind, api_version = obj.get("kind"), obj.get("apiVersion")
            if not kind or not api_version:
                missing = "kind" if not kind else "apiVersion"
                data = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, default=str)
                return None, ManifestError(  # kubectl's words: runtime.NewMissingKindErr / NewMissingVersionErr
                    shown,
                    f"Object '{missing.capitalize() if missing == 'kind' else missing}' is missing in "
                    f"'{data if len(data) <= 200 else data[:200] + '...'}'",
                    *doc.position(missing),
                )
            info = BY_KIND.get(str(kind))
            if info is None or info.api_version != api_version or info.plural == "bindings":
                return None, ManifestError(
                    shown,
                    f'resource mapping not found for kind "{kind}" in version "{api_version}": '
                    f'no matches for kind "{kind}" in version "{api_version}"',
                    *doc.position("kind" if info is None else "apiVersion"),
                )
            meta = obj.get("metadata")
            if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta.get("name"):
                return None, ManifestError(
                    shown, f"{kind}: metadata.name: Required value: name is required", *doc.position("metadata.name")
                )
            namespace = ""
            if info.namespaced:
                namespace = str(meta.get("namespace") or "default")
            plan.objects.append((ObjectRef(info.plural, namespace, meta["name"]), doc))
        new_namespaces = {ref.name for ref, _ in plan.objects if ref.resource == "namespaces"}
        for ref, doc in plan.objects:
            refusal = self._dry_run(ref, doc, new_namespaces)
            if refusal is not None:
                return None, api_error(shown, refusal, doc)
        return plan, None

    def _refuse_duplicates(self, plans: dict[str, _FilePlan], kept: set[str], errors: dict[str, ManifestError]) -> None:
        """One object, one file: a file declaring an object another file already declares is an error (the two
        would overwrite each other's fields on every save). The file that declared it first keeps it."""
        declared: dict[ObjectRef, tuple[str, Document]] = {}
        for path in sorted(plans, key=lambda p: (p not in kept, p)):  # what stands claims first
            plan = plans[path]
            clash = next(((ref, doc) for ref, doc in plan.objects if declared.get(ref, (path,))[0] != path), None)
            if clash is None:
                for ref, doc in plan.objects:
                    declared[ref] = (path, doc)
                continue
            ref, doc = clash
            other, other_doc = declared[ref]
            errors[path] = ManifestError(
                self.display_path(path),
                f"{ref} is also declared in {self.display_path(other)}:{other_doc.line}; "
                "an object belongs in one file",
                *doc.position("metadata.name"),
            )
            if path in self._plans and path not in kept:
                plans[path] = self._plans[path]  # as it was last applied, like any file with an error
                kept.add(path)
            elif path not in kept:
                del plans[path]

    def _node(self, shown: str, doc: Document) -> tuple[NodeSpec | None, ManifestError | None]:
        """A ``kind: Node`` document as a machine, once the API server would accept it as a Node (a dry-run
        create: the kubelet registers the same object, and a refusal then would only show in the API pane)."""
        obj = doc.obj
        meta = obj.get("metadata")
        if not isinstance(meta, dict) or not isinstance(meta.get("name"), str) or not meta["name"]:
            return None, ManifestError(shown, "Node: metadata.name: Required value", *doc.position("metadata.name"))
        try:
            self.cluster.api.create(IDENTITY, "nodes", "", obj, dry_run=True)
        except ApiError as err:
            if err.code != 409:  # AlreadyExists: its machine runs already; the document itself passed
                return None, api_error(shown, err, doc)
        try:
            return NodeSpec.from_manifest(obj), None
        except NODE_SPEC_ERRORS as exc:
            return None, ManifestError(shown, f"Node {meta['name']!r}: {exc}", *doc.position("status.capacity"))

    def _dry_run(self, ref: ObjectRef, doc: Document, new_namespaces: set[str]) -> ApiError | None:
        """What the API server would say about this object, without storing it."""
        try:
            self._send(ref, doc, dry_run=True)
        except ApiError as err:
            namespace_pending = ref.namespace in new_namespaces or self._declared_namespace(ref.namespace)
            if err.code == 404 and err.details.get("kind") == "namespaces" and namespace_pending:
                return None  # the namespace is created in the same sync, before this object
            return err
        return None

    def _declared_namespace(self, name: str) -> bool:
        return any(
            ref.resource == "namespaces" and ref.name == name
            for plan in self._plans.values()
            for ref, _ in plan.objects
        )

    def _send(self, ref: ObjectRef, doc: Document, dry_run: bool = False, force: bool = True) -> dict[str, Any]:
        obj = doc.obj
        if ref.namespace and not obj.get("metadata", {}).get("namespace"):
            obj = {**obj, "metadata": {**obj["metadata"], "namespace": ref.namespace}}
        return self.cluster.api.patch(
            IDENTITY,
            ref.resource,
            ref.namespace,
            ref.name,
            obj,
            PATCH_APPLY,
            field_manager=FIELD_MANAGER,
            force=force,
            dry_run=dry_run,
        )

    def _apply(self, plans: dict[str, _FilePlan], kept: set[str], errors: dict[str, ManifestError]) -> None:
        """Apply every plan but the kept ones, in kind order; an object the API server refuses is its file's error."""
        ordered: list[tuple[int, str, ObjectRef, Document]] = []
        for path, plan in plans.items():
            if path in kept:
                continue
            for ref, doc in plan.objects:
                ordered.append((_kind_rank(ref), path, ref, doc))
        ordered.sort(key=lambda item: (item[0], item[2], item[1]))
        for _, path, ref, doc in ordered:
            before = self._resource_version(ref)
            taken: list[str] = []
            try:
                try:
                    result = self._send(ref, doc, force=False)
                except ApiError as conflict:
                    taken = _conflicts(conflict)
                    if not taken:
                        raise
                    result = self._send(ref, doc)  # --force-conflicts: the saved file wins
            except ApiError as err:
                errors[path] = api_error(self.display_path(path), err, doc)
                continue
            self._owned.add(ref)
            after = result.get("metadata", {}).get("resourceVersion")
            verb = "created" if before is None else "configured" if before != after else "unchanged"
            note = f" (took {'; '.join(taken)})" if taken else ""
            self.cluster.trace.emit(
                ManifestStatus(path=self.display_path(path), ok=True, message=f"{ref} {verb}{note}")
            )

    def _resource_version(self, ref: ObjectRef) -> str | None:
        kv = self.cluster.store.get(BY_KIND_PLURAL[ref.resource].key(ref.namespace, ref.name))
        return str(kv.mod_revision) if kv is not None else None

    def _prune(self, plans: dict[str, _FilePlan]) -> None:
        """Delete objects this folder applied that no file declares any more (never anyone else's)."""
        wanted = {ref for plan in plans.values() for ref, _ in plan.objects}
        # the file each object came from (the last plans, before this sync): the log names it
        came_from = {ref: path for path, plan in self._plans.items() for ref, _ in plan.objects}
        for ref in sorted(self._owned - wanted, key=lambda r: (-_kind_rank(r), r)):
            self._owned.discard(ref)
            source = came_from.get(ref)
            shown = self.display_path(source) if source is not None else str(ref)
            try:
                self.client.delete(ref.resource, ref.namespace, ref.name, propagation_policy="Background")
            except ApiError as err:
                if err.code != 404:
                    self.cluster.trace.emit(
                        ManifestStatus(path=shown, ok=False, message=f"{ref}: prune failed: {err.message}")
                    )
                continue
            gone = "file removed" if source is not None and source not in plans else "no longer in the file"
            self.cluster.trace.emit(ManifestStatus(path=shown, ok=True, message=f"{ref} pruned ({gone})"))

    def _sync_nodes(self, plans: dict[str, _FilePlan]) -> None:
        """Power machines on and off to match the folder's ``kind: Node`` documents."""
        wanted = {spec.name: spec for plan in plans.values() for spec in plan.nodes}
        for name in sorted(set(self._folder_nodes) - set(wanted)):
            self.cluster.remove_node(name)
        for name, spec in sorted(wanted.items()):
            machine = self.cluster.machines.get(name)
            if machine is None or machine.spec != spec:
                self.cluster.add_node(spec)
        self._folder_nodes = wanted

    def _report(self, errors: dict[str, ManifestError]) -> None:
        for path, error in sorted(errors.items()):
            if self.errors.get(path) != error:
                self.cluster.trace.emit(
                    ManifestStatus(
                        path=error.path, ok=False, message=error.message, line=error.line, column=error.column
                    )
                )
        for path in sorted(set(self.errors) - set(errors)):
            message = "fixed: applied again" if path in self._plans else "file removed"
            self.cluster.trace.emit(ManifestStatus(path=self.display_path(path), ok=True, message=message))
        self.errors = errors


def _saved(relative: str, touched: tuple[str, ...]) -> bool:
    """Was this file saved (or a folder above it changed) since the last sync?"""
    return any(relative == t or relative.startswith(t.rstrip("/") + "/") for t in touched)


def _conflicts(err: ApiError) -> list[str]:
    """An apply conflict's fields and their owners (``.spec.replicas from "kubectl-scale"``); [] for other errors."""
    if err.code != 409:
        return []
    causes = err.details.get("causes") or []
    return [
        f"{cause.get('field', '')} from {str(cause.get('message', '')).removeprefix('conflict with ')}"
        for cause in causes
        if isinstance(cause, dict) and cause.get("type") == "FieldManagerConflict"
    ]


def _kind_rank(ref: ObjectRef) -> int:
    info = BY_KIND_PLURAL.get(ref.resource)
    kind = info.kind if info else ""
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
