"""The API server: the only door into the store, with Kubernetes' REST semantics.

Every component, the manifest folder, the HTTP front door and the UI call these methods with an
identity (``kube-scheduler``, ``kubelet/node-1``, ``kubectl`` ...). Each request passes through
the same steps as in Kubernetes — decode, admission (defaulting, mutation, validation), storage
with compare-and-swap on the resourceVersion — and leaves one trace record.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

import orjson

from kubetui.api import meta as m
from kubetui.api.fielderrors import format_invalid, go_quote, not_supported
from kubetui.api.fielderrors import invalid as field_invalid
from kubetui.api.openapi import OpenAPIDocuments
from kubetui.api.resources import BY_PLURAL, ResourceInfo, for_object, lookup
from kubetui.api.scheduling import SYSTEM_PRIORITY_CLASSES
from kubetui.api.selectors import (
    FieldSelector,
    LabelSelector,
    SelectorError,
    check_field_selector,
    parse_field_selector,
    parse_label_selector,
)
from kubetui.api.validation.common import FIELD_IMMUTABLE_ERROR
from kubetui.apiserver import errors
from kubetui.apiserver.admission import Admission
from kubetui.apiserver.aggregator import APIServiceBackend, split_group
from kubetui.apiserver.apply import ApplyConflict, record_update, server_side_apply
from kubetui.apiserver.codec import decode, deep_copy, encode
from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.fieldvalidation import check_apply_schema
from kubetui.apiserver.pagination import decode_continue, encode_continue
from kubetui.apiserver.patch import PatchError, json_merge_patch, json_patch, strategic_merge_patch
from kubetui.apiserver.proxy import (
    Answer,
    PodNetwork,
    ProxyFailure,
    ProxyResponse,
    dial,
    pod_location,
    service_location,
    split_name_port,
)
from kubetui.apiserver.watch import (
    ApiEvent,
    ApiWatch,
    ApiWatchHandler,
    Transform,
    pod_node_name,
    pod_node_name_of,
    trigger_value,
)
from kubetui.sim.clock import Clock
from kubetui.sim.trace import ApiRequest, TraceBus
from kubetui.store.mvcc import (
    CompactedError,
    KeyExistsError,
    KeyNotFoundError,
    KeyValue,
    RevisionMismatchError,
    Store,
)

PATCH_MERGE = "application/merge-patch+json"
PATCH_STRATEGIC = "application/strategic-merge-patch+json"
PATCH_JSON = "application/json-patch+json"
PATCH_APPLY = "application/apply-patch+yaml"
PATCH_TYPES = (PATCH_MERGE, PATCH_STRATEGIC, PATCH_JSON, PATCH_APPLY)

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")

NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand: no vowels
MAX_NAME_LENGTH = 253

# Logs are served by the node's kubelet; the API server only forwards (``kubectl logs`` path).
LogSource = Callable[[str, str, str, bool, int | None], str]
# ``kubectl logs -f``: (ns, pod, container, the reader's cursor or None) -> (what is new, the cursor after it); None
# when the stream ends. The cursor is the kubelet's own; the API server only hands it back.
LogReader = Callable[[str, str, str, object], "tuple[str, object] | None"]
StreamSource = Callable[[str, str, str, list[str], bool, bool], Any]  # (ns, pod, container, command, attach, stdin)
ForwardSource = Callable[[str, str, int, str, str], Answer]  # (namespace, pod, port, path, agent) -> the pod's answer


class APIServer:
    def __init__(self, clock: Clock, store: Store, trace: TraceBus, rng: random.Random) -> None:
        self.clock = clock
        self.store = store
        self.trace = trace
        self.rng = rng
        self.admission = Admission(self)
        self.schemas = OpenAPIDocuments()  # what /openapi/v3 serves; server-side apply types patches with it
        store.set_trigger(BY_PLURAL["pods"].prefix(None), pod_node_name, pod_node_name_of)
        self.kubelets: dict[str, LogSource] = {}  # node name -> how to reach its kubelet for logs
        self.log_readers: dict[str, LogReader] = {}  # node name -> its kubelet's log, read on as it grows
        self.streaming: dict[str, StreamSource] = {}  # node name -> its kubelet's exec and attach
        self.forwarding: dict[str, ForwardSource] = {}  # node name -> its kubelet's port-forward
        self.pod_network: PodNetwork | None = None  # how the proxy subresource reaches pods (cluster assembly)
        self.watches: set[ApiWatch] = set()
        # group -> its backend (kube-aggregator's APIServices): metrics.k8s.io is metrics-server's
        self.apiservices: dict[str, APIServiceBackend] = {}
        self.apiservice_resources: dict[str, tuple[str, ...]] = {}  # group -> the plurals it serves

    # ------------------------------------------------------------------ bootstrap
    def bootstrap(self) -> None:
        """What a fresh API server creates: the system namespaces, the ``kubernetes`` Service and the two system
        PriorityClasses (the scheduling post-start hook's AddSystemPriorityClasses)."""
        who = "system:apiserver"
        for ns in SYSTEM_NAMESPACES:
            self.create(who, "namespaces", "", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        for name, (value, description) in SYSTEM_PRIORITY_CLASSES.items():
            self.create(who, "priorityclasses", "", {
                "apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                "value": value, "description": description,
            })
        self.create(
            who,
            "services",
            "default",
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "kubernetes", "labels": {"component": "apiserver", "provider": "kubernetes"}},
                "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "targetPort": 6443}]},
            },
        )

    def proxy(self, who: str, resource: str, namespace: str, name_port: str, path: str, agent: str) -> ProxyResponse:
        """GET <pods|services>/<name>[:<port>]/proxy/<path>: the answer of the pod it reaches (apiserver/proxy.py)."""
        with self._request(who, "get", resource, namespace, name_port, "proxy") as rec:
            info = self.resource(resource)
            name, port = split_name_port(name_port)
            rec.name = name
            obj = decode(self._kv(info, namespace, name))
            if info.plural == "pods":
                ip, number = pod_location(obj, port)
            elif info.plural == "services":
                kv = self.store.get(BY_PLURAL["endpoints"].key(namespace, name))
                ip, number = service_location(obj, decode(kv) if kv is not None else None, port, self.rng)
            else:
                raise errors.not_found(info, name)
            response = dial(self.pod_network, ip, number, path or "/", agent)
            rec.code = response.code
            return response

    def now_iso(self) -> str:
        return m.timestamp(self.clock.now)

    def new_uid(self) -> str:
        """``str(uuid.UUID(int=<128 random bits>, version=4))``, without building the UUID object."""
        value = self.rng.getrandbits(128)
        value = (value & ~(0xC000 << 48)) | (0x8000 << 48)  # the RFC 4122 variant
        value = (value & ~(0xF000 << 64)) | (4 << 76)  # version 4
        text = f"{value:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def resource(self, resource: str) -> ResourceInfo:
        info = BY_PLURAL.get(resource) or lookup(resource)
        if info is None:
            raise ApiError(404, "NotFound", f"the server could not find the requested resource ({resource})")
        return info

    # ------------------------------------------------------------------ tracing
    def _request(
        self, who: str, verb: str, resource: str, namespace: str, name: str, subresource: str = ""
    ) -> _TracedRequest:
        """Trace one request and make sure nothing but an ApiError leaves it."""
        record = ApiRequest(
            who=who, verb=verb, resource=resource, namespace=namespace or "", name=name or "", subresource=subresource
        )
        return _TracedRequest(self, record)

    # ------------------------------------------------------------------ reads
    def register_apiservice(self, group: str, plurals: tuple[str, ...], backend: APIServiceBackend) -> None:
        """An APIService becomes available: requests for ``<plural>.<group>`` go to ``backend``."""
        self.apiservices[group] = backend
        self.apiservice_resources[group] = plurals

    def _aggregated(self, resource: str) -> tuple[str, APIServiceBackend] | None:
        plural, group = split_group(resource)
        backend = self.apiservices.get(group)
        if backend is None or plural not in self.apiservice_resources.get(group, ()):
            return None
        return plural, backend

    def get(self, who: str, resource: str, namespace: str, name: str, subresource: str = "") -> dict[str, Any]:
        aggregated = self._aggregated(resource) if "." in resource else None
        if aggregated is not None and not subresource:
            with self._request(who, "get", resource, namespace, name):
                return aggregated[1].get(aggregated[0], namespace, name)
        with self._request(who, "get", resource, namespace, name, subresource) as rec:
            info = self.resource(resource)
            if subresource == "scale" and not info.scale:  # no such route: the object is never looked up
                raise ApiError(404, "NotFound", "the server could not find the requested resource")
            kv = self._kv(info, namespace, name)
            obj = decode(kv)
            rec.resource_version = str(kv.mod_revision)
            if subresource == "scale":
                return self._scale_of(info, obj)
            if subresource not in ("", "status"):
                raise errors.method_not_allowed("")
            return obj

    def _kv(self, info: ResourceInfo, namespace: str, name: str) -> KeyValue:
        if not name:
            raise errors.bad_request("resource name may not be empty")
        kv = self.store.get(info.key(namespace, name))
        if kv is None:
            raise errors.not_found(info, name)
        return kv

    def list(
        self,
        who: str,
        resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        limit: int | None = None,
        continue_token: str | None = None,
        resource_version: str | None = None,
    ) -> dict[str, Any]:
        """``resource_version``: the list must be at least that fresh (any match; the items are today's)."""
        aggregated = self._aggregated(resource) if "." in resource else None
        if aggregated is not None:
            with self._request(who, "list", resource, namespace or "", ""):
                return aggregated[1].list(aggregated[0], namespace, label_selector, field_selector)
        with self._request(who, "list", resource, namespace or "", "") as rec:
            info = self.resource(resource)
            minimum = _parse_resource_version(resource_version or "")
            labels, fields = self._selectors(info, label_selector, field_selector)
            prefix = info.prefix(namespace)
            start = decode_continue(continue_token, prefix) if continue_token else ""
            kvs, revision = self.store.range(prefix)
            if minimum > revision:
                raise _too_large_resource_version(minimum, revision)
            items: list[dict[str, Any]] = []
            next_token = ""
            last_key = ""
            for kv in kvs:
                if kv.key < start:
                    continue
                obj = decode(kv)
                if labels is not None and not labels.matches(obj["metadata"].get("labels") or {}):
                    continue
                if fields is not None and not fields.matches(obj):
                    continue
                if limit is not None and limit > 0 and len(items) >= limit:  # limit <= 0: no limit
                    next_token = encode_continue(last_key, prefix, revision)
                    break
                items.append(obj)
                last_key = kv.key
            rec.resource_version = str(revision)
            list_meta: dict[str, Any] = {"resourceVersion": str(revision)}
            if next_token:
                list_meta["continue"] = next_token
            return {"apiVersion": info.api_version, "kind": f"{info.kind}List", "metadata": list_meta, "items": items}

    def _selectors(
        self, info: ResourceInfo, label_selector: str | None, field_selector: str | None
    ) -> tuple[LabelSelector | None, FieldSelector | None]:
        try:
            labels = parse_label_selector(label_selector) if label_selector else None
            fields = parse_field_selector(field_selector) if field_selector else None
            if fields is not None:
                check_field_selector(info.kind, fields)
        except SelectorError as exc:
            raise errors.bad_request(str(exc)) from exc
        return labels, fields

    # ------------------------------------------------------------------ watch
    def watch(
        self,
        who: str,
        resource: str,
        handler: ApiWatchHandler,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        transform: Transform | None = None,
    ) -> ApiWatch:
        """Stream changes. resourceVersion unset/"0": synthetic ADDED for what exists, then changes.

        A resourceVersion older than the compacted history fails with 410 Gone, which tells an
        informer to list again. The objects are shared with the other watchers of each event that
        use the same ``transform`` (:func:`kubetui.apiserver.watch.event_object`): read-only.
        """
        with self._request(who, "watch", resource, namespace or "", "") as rec:
            info = self.resource(resource)
            labels, fields = self._selectors(info, label_selector, field_selector)
            watch = ApiWatch(labels, fields, handler, transform)
            prefix = info.prefix(namespace)
            initial: list[ApiEvent] = []
            if resource_version in (None, "", "0"):
                kvs, revision = self.store.range(prefix)
                initial = watch.initial(kvs)
                start = revision + 1
            else:
                start = _parse_resource_version(resource_version) + 1
            try:
                watch.store_watch = self.store.watch(
                    prefix, start, watch.deliver_store_events, trigger_value(info.plural, fields)
                )
            except CompactedError as exc:
                raise errors.gone(f"too old resource version: {resource_version} ({exc.compacted})") from exc
            rec.resource_version = str(start - 1)
            self.watches.add(watch)
            watch.on_stop.append(lambda: self.watches.discard(watch))
            if initial:
                self.clock.call_soon(watch.send, initial, label="watch")
            return watch

    # ------------------------------------------------------------------ create
    def create(
        self,
        who: str,
        resource: str,
        namespace: str,
        body: Any,
        subresource: str = "",
        name: str = "",
        dry_run: bool = False,
        field_manager: str | None = None,
    ) -> dict[str, Any]:
        with self._request(who, "create", resource, namespace, name, subresource) as rec:
            info = self.resource(resource)
            if subresource:
                return self._create_subresource(who, info, namespace, name, subresource, body, rec)
            obj = self._decode_body(info, namespace, body)
            if info.plural == "bindings":
                return self._bind(
                    who,
                    obj.get("metadata", {}).get("namespace", namespace),
                    obj.get("metadata", {}).get("name", ""),
                    obj,
                    rec,
                )
            manager = field_manager or _manager_of(who)
            with self._allocating(info, dry_run):
                obj = self._prepare_create(info, namespace, obj)
                rec.name = obj["metadata"]["name"]
                record_update(None, obj, manager, info.api_version, self.now_iso(), info.kind)
                stored = self._store_create(info, obj, dry_run, rec)
                if not dry_run:
                    self.admission.charge_quotas()
                return stored

    def _allocating(self, info: ResourceInfo, dry_run: bool) -> AbstractContextManager[None]:
        """A Service write's IP and port allocations, kept only if it is stored (see Admission.allocations)."""
        return self.admission.allocations(dry_run) if info.kind == "Service" else nullcontext()

    def _decode_body(
        self, info: ResourceInfo, namespace: str, body: Any, status_only: bool = False
    ) -> dict[str, Any]:
        """The request body as the server's own object, checked. ``status_only``: for a status write,
        which reads the body's kind, apiVersion, metadata and status only (ResetObjectMetaForStatus
        keeps the rest as stored): the whole body must be JSON, only those parts are copied."""
        if not isinstance(body, dict):
            raise errors.bad_request(
                f"Object is not a valid {info.kind}: expected a JSON object, got {_type_name(body)}"
            )
        try:
            if status_only and type(body) is dict:
                orjson.dumps(body)  # what the whole body would fail with
                obj = deep_copy(_status_parts(body))
            else:
                obj = deep_copy(body)
        except TypeError as exc:  # e.g. an integer beyond 64 bits
            raise errors.bad_request(f"unable to decode object: {exc}") from exc
        kind, api_version = obj.get("kind"), obj.get("apiVersion")
        if not kind:
            raise errors.bad_request(f"Object 'Kind' is missing in '{_short(body)}'")
        if not api_version:
            raise errors.bad_request(f"Object 'apiVersion' is missing in '{_short(body)}'")
        if kind != info.kind and not (info.plural == "bindings" and kind == "Binding"):
            raise errors.bad_request(f"the kind in the data ({kind}) does not match the expected kind ({info.kind})")
        if api_version != info.api_version:
            raise errors.bad_request(
                f"the API version in the data ({api_version}) does not match the expected API version "
                f"({info.api_version})"
            )
        metadata = obj.get("metadata")
        if metadata is None:
            obj["metadata"] = metadata = {}
        if not isinstance(metadata, dict):
            raise errors.bad_request(f"metadata: expected an object, got {_type_name(metadata)}")
        body_ns = metadata.get("namespace")
        if info.namespaced:
            if body_ns not in (None, "") and namespace and body_ns != namespace:
                raise errors.bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request"
                )
            if not namespace and not body_ns:
                namespace = "default"
            metadata["namespace"] = namespace or body_ns
        else:
            metadata.pop("namespace", None)
        return obj

    def _prepare_create(self, info: ResourceInfo, namespace: str, obj: dict[str, Any]) -> dict[str, Any]:
        metadata = obj["metadata"]
        name = metadata.get("name")
        generate = metadata.get("generateName")
        requested = str(name or generate or "")
        if not name and isinstance(generate, str) and generate:
            suffix = "".join(self.rng.choice(NAME_SUFFIX_ALPHABET) for _ in range(5))
            metadata["name"] = generate[: MAX_NAME_LENGTH - 5] + suffix
        if info.namespaced:
            self.admission.namespace_lifecycle(info, metadata.get("namespace", ""), str(metadata.get("name", "")))
        for system_field in (
            "uid",
            "resourceVersion",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "selfLink",
            "creationTimestamp",
            "generation",
        ):
            metadata.pop(system_field, None)
        metadata["uid"] = self.new_uid()
        metadata["creationTimestamp"] = self.now_iso()
        if info.kind in GENERATION_FIELDS:
            metadata["generation"] = 1
        self.admission.admit_create(info, obj, requested)
        return obj

    def _store_create(self, info: ResourceInfo, obj: dict[str, Any], dry_run: bool, rec: ApiRequest) -> dict[str, Any]:
        name = obj["metadata"]["name"]
        key = info.key(obj["metadata"].get("namespace", ""), name)
        if dry_run:
            if self.store.get(key) is not None:
                raise errors.already_exists(info, name)
            return obj
        data = self._encode(obj)
        try:
            kv = self.store.create(key, data, obj)
        except KeyExistsError as exc:  # the allocations are given back by Admission.allocations
            raise errors.already_exists(info, name) from exc
        obj["metadata"]["resourceVersion"] = str(kv.mod_revision)
        rec.resource_version = str(kv.mod_revision)
        rec.code = 201
        return obj

    def _encode(self, obj: dict[str, Any]) -> bytes:
        try:
            return encode(obj)
        except TypeError as exc:  # e.g. an integer beyond 64 bits
            raise errors.bad_request(f"unable to encode object: {exc}") from exc

    # ------------------------------------------------------------------ update / patch / apply
    def update(
        self,
        who: str,
        resource: str,
        namespace: str,
        name: str,
        body: Any,
        subresource: str = "",
        dry_run: bool = False,
        field_manager: str | None = None,
    ) -> dict[str, Any]:
        with self._request(who, "update", resource, namespace, name, subresource) as rec:
            info = self.resource(resource)
            if subresource == "scale":
                _check_scale_body(body)
                return self._update_scale(who, info, namespace, name, lambda _s: body, rec, dry_run)
            if subresource == "finalize" and info.plural == "namespaces":
                subresource = "finalize"
            elif subresource not in ("", "status"):
                raise errors.method_not_allowed("")
            obj = self._decode_body(info, namespace, body, status_only=subresource == "status")
            body_name = obj["metadata"].get("name")
            if body_name and body_name != name:
                raise errors.bad_request(
                    f"the name of the object ({body_name}) does not match the name on the URL ({name})"
                )
            obj["metadata"]["name"] = name
            manager = field_manager or _manager_of(who)
            return self._guaranteed_update(
                info, namespace, name, None, subresource, manager, rec, dry_run, check_rv=True, replacement=obj
            )

    def patch(
        self,
        who: str,
        resource: str,
        namespace: str,
        name: str,
        patch: Any,
        patch_type: str = PATCH_STRATEGIC,
        subresource: str = "",
        dry_run: bool = False,
        field_manager: str | None = None,
        force: bool = False,
        view: tuple[Callable[[dict[str, Any]], dict[str, Any]], Callable[[dict[str, Any]], dict[str, Any]]]
        | None = None,
    ) -> dict[str, Any]:
        """``view``: (from storage, to storage) for a patch written against another served version (an
        autoscaling/v1 HorizontalPodAutoscaler): the patch applies to the stored object as that version
        shows it, and the result is converted back."""
        with self._request(who, "patch", resource, namespace, name, subresource) as rec:
            info = self.resource(resource)
            if patch_type not in PATCH_TYPES:
                raise errors.unsupported_media_type(patch_type)
            if patch_type == PATCH_APPLY:
                return self._apply(who, info, namespace, name, patch, field_manager, force, rec, dry_run)

            def transform(old: dict[str, Any]) -> dict[str, Any]:
                if view is not None:
                    patched = patch_one(view[0](old))
                    return view[1](patched) if isinstance(patched, dict) else patched
                return patch_one(old)

            def patch_one(old: dict[str, Any]) -> dict[str, Any]:
                try:
                    if patch_type == PATCH_MERGE:
                        return json_merge_patch(old, patch)
                    if patch_type == PATCH_JSON:
                        return json_patch(old, patch)
                    return strategic_merge_patch(old, patch, info.kind)
                except PatchError as exc:
                    raise _patch_error(exc) from exc

            if subresource == "scale":
                return self._update_scale(who, info, namespace, name, transform, rec, dry_run)
            if subresource not in ("", "status"):
                raise errors.method_not_allowed("")
            manager = field_manager or _manager_of(who)
            return self._guaranteed_update(
                info, namespace, name, transform, subresource, manager, rec, dry_run, check_rv=True
            )

    def _apply(
        self,
        who: str,
        info: ResourceInfo,
        namespace: str,
        name: str,
        patch: Any,
        field_manager: str | None,
        force: bool,
        rec: ApiRequest,
        dry_run: bool,
    ) -> dict[str, Any]:
        if not field_manager:
            raise errors.bad_request("PATCH requests with apply content type must have a fieldManager")
        check_apply_schema(self.schemas, info, namespace, name, patch)  # the typed patch: no undeclared field
        applied = self._decode_body(info, namespace, patch)
        if applied["metadata"].get("name") not in (None, name):
            raise errors.bad_request(
                f"the name of the object ({applied['metadata'].get('name')}) does not match the name "
                f"on the URL ({name})"
            )
        applied["metadata"]["name"] = name
        key = info.key(applied["metadata"].get("namespace", ""), name)
        if self.store.get(key) is None:
            try:
                obj = server_side_apply(
                    None, applied, field_manager, info.kind, info.api_version, force, self.now_iso()
                )
            except ApplyConflict as exc:
                raise _conflict_from_apply(info, name, exc) from exc
            except PatchError as exc:
                raise _patch_error(exc) from exc
            rec.verb = "apply"
            with self._allocating(info, dry_run):
                obj = self._prepare_create(info, namespace, obj)
                return self._store_create(info, obj, dry_run, rec)

        def transform(old: dict[str, Any]) -> dict[str, Any]:
            try:
                return server_side_apply(
                    old, applied, field_manager, info.kind, info.api_version, force, self.now_iso()
                )
            except ApplyConflict as exc:
                raise _conflict_from_apply(info, name, exc) from exc
            except PatchError as exc:
                raise _patch_error(exc) from exc

        rec.verb = "apply"
        return self._guaranteed_update(
            info, namespace, name, transform, "", None, rec, dry_run, check_rv=True, reordered=True
        )

    def _guaranteed_update(
        self,
        info: ResourceInfo,
        namespace: str,
        name: str,
        transform: Callable[[dict[str, Any]], dict[str, Any]] | None,
        subresource: str,
        manager: str | None,
        rec: ApiRequest,
        dry_run: bool,
        check_rv: bool,
        replacement: dict[str, Any] | None = None,
        reordered: bool = False,
    ) -> dict[str, Any]:
        """Read, transform, admit and compare-and-swap: the heart of every write after create.

        ``transform`` gets a private copy of the stored object; an update passes its new object as
        ``replacement`` instead (it does not read the old one). ``reordered``: the transform may put
        keys in another order (server-side apply does), so equal objects need not encode to equal bytes.
        """
        kv = self._kv(info, namespace, name)
        old = decode(kv)
        if replacement is not None:
            new = replacement
            uid = new["metadata"].get("uid")
            if uid and uid != old["metadata"].get("uid"):
                # rest.defaultUpdatedObjectInfo.Preconditions: a PUT's uid is a precondition (checked first)
                raise errors.conflict(
                    info,
                    name,
                    f"Precondition failed: UID in precondition: {uid}, "
                    f"UID in object meta: {old['metadata'].get('uid')}",
                )
        else:
            assert transform is not None
            new = transform(decode(kv))  # a second decode: cheaper than a deep copy of ``old``
        if not isinstance(new, dict) or not isinstance(new.get("metadata"), dict):
            raise errors.bad_request("the patched object must be a JSON object with metadata")
        if replacement is None:
            _check_patched_identity(info, namespace, name, new["metadata"])
        old_rv = old["metadata"]["resourceVersion"]
        new_rv = new["metadata"].get("resourceVersion")
        if check_rv and new_rv not in (None, "") and str(new_rv) != old_rv:
            raise errors.conflict(info, name, errors.STALE_OBJECT)
        if replacement is None and new["metadata"].get("uid") != old["metadata"].get("uid"):
            # ValidateObjectMetaUpdate (apimachinery .../api/validation/objectmeta.go): uid is immutable
            error = field_invalid("metadata.uid", new["metadata"].get("uid"), FIELD_IMMUTABLE_ERROR)
            raise errors.invalid(info, name, format_invalid(info.kind, info.group, name, [error]), [error.cause()])
        new = self._carry_over(info, old, new, subresource, lambda: decode(kv))
        with self._allocating(info, dry_run):
            return self._admit_and_store(info, kv, old, new, subresource, manager, rec, dry_run, reordered)

    def _admit_and_store(
        self,
        info: ResourceInfo,
        kv: KeyValue,
        old: dict[str, Any],
        new: dict[str, Any],
        subresource: str,
        manager: str | None,
        rec: ApiRequest,
        dry_run: bool,
        reordered: bool,
    ) -> dict[str, Any]:
        """The second half of :meth:`_guaranteed_update`: admission, then the compare-and-swap."""
        name = str(old["metadata"].get("name", ""))
        old_rv = old["metadata"]["resourceVersion"]
        self.admission.admit_update(info, new, old, subresource)
        if manager is not None:
            # a write through /scale is the manager's "scale" entry (a /status write is found from what changed)
            record_update(old, new, manager, info.api_version, self.now_iso(), info.kind,
                          "scale" if subresource == "scale" else "")
        if dry_run:
            return new
        meta_new = new["metadata"]
        graceful = info.plural == "pods" and int(meta_new.get("deletionGracePeriodSeconds") or 0) > 0
        if (meta_new.get("deletionTimestamp") and not meta_new.get("finalizers") and not graceful
                and not _namespace_blocked(info, new)):
            # The last finalizer is gone: the object goes (a pod only once its grace period is over).
            self._store_delete(info, kv, rec)
            return new
        data = self._encode(new)
        if data == kv.value or (
            reordered and len(data) == len(kv.value) and orjson.loads(data) == orjson.loads(kv.value)
        ):
            # No-op: Kubernetes does not write (and keeps the resourceVersion) when nothing changed.
            rec.resource_version = old_rv
            return old
        try:
            kv = self.store.update(kv.key, data, expected_mod_revision=kv.mod_revision, obj=new)
        except (RevisionMismatchError, KeyNotFoundError) as exc:
            raise errors.conflict(info, name, errors.STALE_OBJECT) from exc
        meta_new["resourceVersion"] = str(kv.mod_revision)
        rec.resource_version = str(kv.mod_revision)
        self.admission.charge_quotas()
        return new

    def _carry_over(
        self,
        info: ResourceInfo,
        old: dict[str, Any],
        new: dict[str, Any],
        subresource: str,
        copy_old: Callable[[], dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Fields a client may not change through this endpoint keep their stored values.

        ``copy_old`` makes a private copy of ``old`` (decoding the stored bytes again is cheaper than
        a deep copy). ``old`` is the caller's private decode, read-only from here on: a status write's
        result shares its sub-trees (only the result's own metadata and status are changed later)."""
        old_meta, new_meta = old["metadata"], new["metadata"]
        if subresource == "status":
            # ResetObjectMetaForStatus: a status write changes status only.
            result = dict(old)
            result["metadata"] = dict(old_meta)
            result["status"] = new.get("status", {})
            result["metadata"]["resourceVersion"] = new_meta.get("resourceVersion", old_meta["resourceVersion"])
            if info.plural == "deployments" and new_meta.get("annotations"):
                # deploymentStatusStrategy resets only spec and labels: the revision annotation is set here.
                result["metadata"]["annotations"] = new_meta["annotations"]
            return result
        for fixed in (
            "uid",
            "creationTimestamp",
            "namespace",
            "name",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
        ):
            if fixed in old_meta:
                new_meta[fixed] = old_meta[fixed]
            else:
                new_meta.pop(fixed, None)
        new["apiVersion"], new["kind"] = old["apiVersion"], old["kind"]
        if subresource == "finalize":
            result = copy_old() if copy_old is not None else deep_copy(old)
            result.setdefault("spec", {})["finalizers"] = (new.get("spec") or {}).get("finalizers") or []
            return result
        if info.status:
            if "status" in old:
                new["status"] = old["status"]
            else:
                new.pop("status", None)
        watched = GENERATION_FIELDS.get(info.kind)
        if watched and any(new.get(field) != old.get(field) for field in watched):
            new_meta["generation"] = int(old_meta.get("generation") or 0) + 1
        return new

    # ------------------------------------------------------------------ delete
    def delete(
        self,
        who: str,
        resource: str,
        namespace: str,
        name: str,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        preconditions: dict[str, Any] | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        with self._request(who, "delete", resource, namespace, name) as rec:
            info = self.resource(resource)
            if propagation_policy not in (None, "", "Foreground", "Background", "Orphan"):
                # ValidateDeleteOptions, run by the handler before anything is looked up
                policies = ("Foreground", "Background", "Orphan", "nil")
                error = not_supported("propagationPolicy", propagation_policy, policies)
                details = {"group": "meta.k8s.io", "kind": "DeleteOptions", "causes": [error.cause()]}
                message = format_invalid("DeleteOptions", "meta.k8s.io", "", [error])
                raise ApiError(422, "Invalid", message, details)
            self.admission.namespace_deletion(info, name)  # mutating admission runs before the lookup
            kv = self._kv(info, namespace, name)
            obj = decode(kv)
            meta_obj = obj["metadata"]
            if preconditions:
                if preconditions.get("uid") and preconditions["uid"] != meta_obj.get("uid"):
                    raise errors.conflict(
                        info,
                        name,
                        f"Precondition failed: UID in precondition: {preconditions['uid']}, "
                        f"UID in object meta: {meta_obj.get('uid')}",
                    )
                if (
                    preconditions.get("resourceVersion")
                    and preconditions["resourceVersion"] != meta_obj["resourceVersion"]
                ):
                    raise errors.conflict(
                        info,
                        name,
                        f"Precondition failed: ResourceVersion in precondition: {preconditions['resourceVersion']}, "
                        f"ResourceVersion in object meta: {meta_obj['resourceVersion']}",
                    )
            if dry_run:
                return obj
            changed = False
            finalizers: list[str] = list(meta_obj.get("finalizers") or [])
            policy = propagation_policy or _default_propagation(info)
            if policy in ("Foreground", "Orphan") and not meta_obj.get("deletionTimestamp"):
                wanted = "foregroundDeletion" if policy == "Foreground" else "orphan"
                if wanted not in finalizers:
                    finalizers.append(wanted)
                    meta_obj["finalizers"] = finalizers
                    changed = True
            grace = self._grace_period(info, obj, grace_period_seconds)
            if info.plural == "namespaces":
                return self._delete_namespace(info, kv, obj, rec)
            if grace > 0 or finalizers:
                if not meta_obj.get("deletionTimestamp"):
                    meta_obj["deletionTimestamp"] = m.timestamp(self.clock.now + max(grace, 0))
                    changed = True
                if info.plural == "pods" and grace >= 0:
                    current = meta_obj.get("deletionGracePeriodSeconds")
                    if current is None or grace < current:
                        meta_obj["deletionGracePeriodSeconds"] = grace
                        meta_obj["deletionTimestamp"] = m.timestamp(self.clock.now + grace)
                        changed = True
                if grace > 0 or finalizers:
                    if changed:
                        new_kv = self.store.update(
                            kv.key, self._encode(obj), expected_mod_revision=kv.mod_revision, obj=obj
                        )
                        meta_obj["resourceVersion"] = str(new_kv.mod_revision)
                        rec.resource_version = meta_obj["resourceVersion"]
                    return obj
            self._store_delete(info, kv, rec)
            return obj

    def _grace_period(self, info: ResourceInfo, obj: dict[str, Any], requested: int | None) -> int:
        """Pods on a node get their terminationGracePeriodSeconds; everything else goes at once."""
        if info.plural != "pods":
            return 0
        spec, status = obj.get("spec", {}), obj.get("status", {})
        if not spec.get("nodeName") or status.get("phase") in ("Succeeded", "Failed"):
            return 0  # never started, or already finished: nothing to stop gracefully
        if requested is not None:
            return max(0, int(requested))
        existing = obj["metadata"].get("deletionGracePeriodSeconds")
        if existing is not None:
            return int(existing)
        return int(spec.get("terminationGracePeriodSeconds", 30))

    def _delete_namespace(
        self, info: ResourceInfo, kv: KeyValue, obj: dict[str, Any], rec: ApiRequest
    ) -> dict[str, Any]:
        """A namespace first turns Terminating; the namespace controller empties it and finalizes it."""
        meta_obj = obj["metadata"]
        if _namespace_blocked(info, obj) or meta_obj.get("finalizers"):
            if not meta_obj.get("deletionTimestamp"):
                meta_obj["deletionTimestamp"] = self.now_iso()
                obj.setdefault("status", {})["phase"] = "Terminating"
                new_kv = self.store.update(kv.key, self._encode(obj), expected_mod_revision=kv.mod_revision)
                meta_obj["resourceVersion"] = str(new_kv.mod_revision)
            return obj
        self._store_delete(info, kv, rec)
        return obj

    def _store_delete(self, info: ResourceInfo, kv: KeyValue, rec: ApiRequest) -> None:
        try:
            self.store.delete(kv.key)
        except KeyNotFoundError as exc:
            raise errors.not_found(info, kv.key.rsplit("/", 1)[-1]) from exc
        self.admission.release(info, decode(kv))
        rec.resource_version = str(self.store.revision)

    # ------------------------------------------------------------------ subresources
    def _create_subresource(
        self,
        who: str,
        info: ResourceInfo,
        namespace: str,
        name: str,
        subresource: str,
        body: Any,
        rec: ApiRequest,
    ) -> dict[str, Any]:
        if info.plural == "pods" and subresource == "binding":
            if not isinstance(body, dict):
                raise errors.bad_request("Binding: expected a JSON object")
            return self._bind(who, namespace, name, body, rec)
        if info.plural == "pods" and subresource == "eviction":
            return self._evict(who, namespace, name, body, rec)
        raise errors.method_not_allowed("")

    def _bind(self, who: str, namespace: str, name: str, binding: dict[str, Any], rec: ApiRequest) -> dict[str, Any]:
        """The scheduler's write: set spec.nodeName once, and mark the pod PodScheduled."""
        pods = BY_PLURAL["pods"]
        rec.resource, rec.subresource, rec.name = "pods", "binding", name
        target = binding.get("target") if isinstance(binding.get("target"), dict) else None
        node = target.get("name") if target else None
        if not node or not isinstance(node, str):
            raise errors.invalid(
                pods,
                name,
                f'Binding "{name}" is invalid: target.name: Required value',
                [{"reason": "FieldValueRequired", "message": "Required value", "field": "target.name"}],
            )

        def transform(pod: dict[str, Any]) -> dict[str, Any]:
            current = pod.get("spec", {}).get("nodeName")
            if current:
                raise errors.conflict(pods, name, f'pod {name} is already assigned to node "{current}"')
            if pod["metadata"].get("deletionTimestamp"):
                raise errors.conflict(pods, name, f"pod {name} is being deleted, cannot be assigned to a host")
            pod["spec"]["nodeName"] = node
            m.set_condition(pod.setdefault("status", {}), "PodScheduled", "True", self.now_iso(), pod=True)
            return pod

        kv = self._kv(pods, namespace, name)
        new = transform(decode(kv))  # a fresh decode is the private copy to change
        kv = self.store.update(kv.key, self._encode(new), expected_mod_revision=kv.mod_revision, obj=new)
        rec.resource_version = str(kv.mod_revision)
        rec.code = 201
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}

    def _evict(self, who: str, namespace: str, name: str, body: Any, rec: ApiRequest) -> dict[str, Any]:
        """The Eviction API: a graceful delete that respects PodDisruptionBudgets."""
        pods = BY_PLURAL["pods"]
        kv = self._kv(pods, namespace, name)
        pod = decode(kv)
        if pod.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
            self.admission.check_disruption_budgets(pod)
        grace = None
        if isinstance(body, dict):
            opts = body.get("deleteOptions")
            if isinstance(opts, dict) and isinstance(opts.get("gracePeriodSeconds"), int):
                grace = opts["gracePeriodSeconds"]
        self._disruption_target(kv, pod)
        with self._suppressed_trace():
            self.delete(who, "pods", namespace, name, grace_period_seconds=grace)
        rec.code = 201
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}

    def _disruption_target(self, kv: KeyValue, pod: dict[str, Any]) -> None:
        """addConditionAndDeletePod: the evicted pod says why it goes (a Job's podFailurePolicy reads it)."""
        status = pod.setdefault("status", {})
        current = next((c for c in status.get("conditions") or () if c.get("type") == "DisruptionTarget"), None)
        since = current.get("lastTransitionTime") if current is not None and current.get("status") == "True" else None
        condition = {"type": "DisruptionTarget", "status": "True", "lastProbeTime": None,
                     "lastTransitionTime": since or self.now_iso(), "reason": "EvictionByEvictionAPI",
                     "message": "Eviction API: evicting"}
        status["conditions"] = [c for c in status.get("conditions") or () if c.get("type") != "DisruptionTarget"]
        status["conditions"].append(condition)
        self.store.update(kv.key, self._encode(pod), expected_mod_revision=kv.mod_revision, obj=pod)

    @contextmanager
    def _suppressed_trace(self) -> Iterator[None]:
        """Inner requests made on behalf of an outer one (eviction -> delete) are traced once."""
        emit = self.trace.emit
        self.trace.emit = lambda record: record  # type: ignore[method-assign]
        try:
            yield
        finally:
            self.trace.emit = emit  # type: ignore[method-assign]

    def _scale_of(self, info: ResourceInfo, obj: dict[str, Any]) -> dict[str, Any]:
        if not info.scale:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        from kubetui.api.selectors import selector_to_string

        meta_obj = obj["metadata"]
        return {
            "kind": "Scale",
            "apiVersion": "autoscaling/v1",
            "metadata": {
                k: meta_obj[k]
                for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
                if k in meta_obj
            },
            "spec": {"replicas": obj.get("spec", {}).get("replicas", 1)},
            "status": {
                "replicas": obj.get("status", {}).get("replicas", 0),
                "selector": selector_to_string(_scale_selector(info, obj.get("spec", {}).get("selector"))),
            },
        }

    def _update_scale(
        self,
        who: str,
        info: ResourceInfo,
        namespace: str,
        name: str,
        transform: Callable[[dict[str, Any]], Any],
        rec: ApiRequest,
        dry_run: bool,
    ) -> dict[str, Any]:
        if not info.scale:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        current = self._scale_of(info, decode(self._kv(info, namespace, name)))
        scale = transform(deep_copy(current))
        if not isinstance(scale, dict):
            raise errors.bad_request("Scale: expected a JSON object")
        replicas = (scale.get("spec") or {}).get("replicas")
        if not isinstance(replicas, int) or isinstance(replicas, bool) or replicas < 0:
            error = field_invalid("spec.replicas", replicas, "must be greater than or equal to 0")
            raise ApiError(
                422,
                "Invalid",
                format_invalid("Scale", "autoscaling", name, [error]),
                {"name": name, "group": "autoscaling", "kind": "Scale", "causes": [error.cause()]},
            )
        rv = (scale.get("metadata") or {}).get("resourceVersion")

        def set_replicas(obj: dict[str, Any]) -> dict[str, Any]:
            obj.setdefault("spec", {})["replicas"] = replicas
            if rv:
                obj["metadata"]["resourceVersion"] = rv
            return obj

        updated = self._guaranteed_update(
            info, namespace, name, set_replicas, "scale", _manager_of(who), rec, dry_run, check_rv=True
        )
        return self._scale_of(info, updated)

    def logs(
        self,
        who: str,
        namespace: str,
        name: str,
        container: str | None = None,
        previous: bool = False,
        tail_lines: int | None = None,
    ) -> str:
        """``GET pods/<name>/log``: forwarded to the kubelet of the pod's node."""
        with self._request(who, "get", "pods", namespace, name, "log"):
            pods = BY_PLURAL["pods"]
            pod = decode(self._kv(pods, namespace, name))
            containers = [c.get("name") for c in pod.get("spec", {}).get("containers", [])]
            if container is None:
                if len(containers) != 1:
                    raise errors.bad_request(
                        f"a container name must be specified for pod {name}, choose one of: [{' '.join(containers)}]"
                    )
                container = containers[0]
            elif container not in containers and container not in [
                c.get("name") for c in pod.get("spec", {}).get("initContainers", [])
            ]:
                raise errors.bad_request(f"container {container} is not valid for pod {name}")
            node = pod.get("spec", {}).get("nodeName")
            if not node:
                return ""  # LogLocation: a pod with no node yet has no log location, and the log is empty
            source = self.kubelets.get(node)
            if source is None:
                raise errors.bad_request(
                    f'Get "https://{node}:10250/containerLogs/{namespace}/{name}/{container}": '
                    "dial tcp: connect: connection refused"
                )
            return source(namespace, name, container, previous, tail_lines)

    def port_forward(self, who: str, namespace: str, name: str) -> Callable[[int, str, str], Answer]:
        """``pods/<name>/portforward``: a dialer into the pod's network namespace, through its node's kubelet
        (a connection per call: port, path, user agent). A node gone since then answers as a dead backend."""
        with self._request(who, "create", "pods", namespace, name, "portforward") as rec:
            pod = decode(self._kv(BY_PLURAL["pods"], namespace, name))
            node = str((pod.get("spec") or {}).get("nodeName") or "")
            if not node:
                raise errors.bad_request(f"pod {name} does not have a host assigned")
            if node not in self.forwarding:
                raise ApiError(500, "InternalError", f"error dialing backend: dial tcp {node}:10250: i/o timeout")
            rec.code = 101

        def connect(port: int, path: str, agent: str) -> Answer:
            forward = self.forwarding.get(node)
            if forward is None:
                return ProxyFailure(f"error dialing backend: dial tcp {node}:10250: i/o timeout")
            return forward(namespace, name, port, path, agent)

        return connect

    def stream(self, who: str, subresource: str, namespace: str, name: str, container: str | None,
               command: Sequence[str], stdin: bool) -> Any:
        """``pods/<name>/exec`` and ``/attach``: the session the pod's kubelet opens (apiserver's streamLocation, then
        the kubelet's streaming server). Errors before the stream starts are ApiErrors, in Go's words."""
        with self._request(who, "create", "pods", namespace, name, subresource) as rec:
            pod = decode(self._kv(BY_PLURAL["pods"], namespace, name))
            spec = pod.get("spec") or {}
            names = [str(c.get("name")) for c in spec.get("containers") or ()]
            if not container:
                if len(names) != 1:
                    raise errors.bad_request(
                        f"a container name must be specified for pod {name}, choose one of: [{' '.join(names)}]"
                    )
                container = names[0]
            others = [str(c.get("name")) for key in ("initContainers", "ephemeralContainers")
                      for c in spec.get(key) or ()]
            if container not in names and container not in others:
                raise errors.bad_request(f"container {container} is not valid for pod {name}")
            if subresource == "exec" and not command:
                raise errors.bad_request("you must specify at least 1 command")
            node = spec.get("nodeName")
            if not node:
                raise errors.bad_request(f"pod {name} does not have a host assigned")
            source = self.streaming.get(node)
            if source is None:
                raise ApiError(500, "InternalError", f"error dialing backend: dial tcp {node}:10250: i/o timeout")
            session = source(namespace, name, container, [*command], subresource == "attach", stdin)
            rec.code = 101  # Switching Protocols: the stream is open
            return session


# Exceptions a request turns into a 500 Internal Server Error; any other escapes untraced.
_INTERNAL_ERRORS = (RecursionError, MemoryError, TypeError, ValueError, KeyError, AttributeError, IndexError)


class _TracedRequest:
    """``with server._request(...) as record``: the request's trace record, emitted when it ends.

    An ApiError is traced with its code and message and re-raised; one of :data:`_INTERNAL_ERRORS`
    becomes a 500 (traced) raised from it. A class rather than a generator context manager: every
    request goes through it.
    """

    __slots__ = ("record", "server")

    def __init__(self, server: APIServer, record: ApiRequest) -> None:
        self.server = server  # its trace is looked up at the end (an eviction's inner delete swaps emit)
        self.record = record

    def __enter__(self) -> ApiRequest:
        return self.record

    def __exit__(self, etype: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        record = self.record
        if exc is None:
            self.server.trace.emit(record)
        elif isinstance(exc, ApiError):
            record.code = exc.code
            record.message = exc.message
            self.server.trace.emit(record)
        elif isinstance(exc, _INTERNAL_ERRORS):
            failure = errors.internal(f"{type(exc).__name__}: {exc}"[:500])
            record.code = failure.code
            record.message = failure.message
            self.server.trace.emit(record)
            raise failure from exc


def _status_parts(body: dict[str, Any]) -> dict[str, Any]:
    """What a status write reads of its body: kind, apiVersion, metadata without managedFields, status."""
    parts: dict[str, Any] = {key: body[key] for key in ("apiVersion", "kind", "metadata", "status") if key in body}
    metadata = parts.get("metadata")
    if type(metadata) is dict and "managedFields" in metadata:
        parts["metadata"] = {key: value for key, value in metadata.items() if key != "managedFields"}
    return parts


# The kinds whose registry strategy keeps metadata.generation (1 on create, +1 when these fields change), in
# v1.32: not pods (v1.33), Services, Nodes, Namespaces or Leases, whose spec changes leave it unset.
GENERATION_FIELDS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec",),
    "ReplicaSet": ("spec",),
    "DaemonSet": ("spec",),
    "StatefulSet": ("spec",),
    "Job": ("spec",),
    "CronJob": ("spec",),
    "PodDisruptionBudget": ("spec",),
    "ReplicationController": ("spec",),
    "Ingress": ("spec",),
    "IngressClass": ("spec",),
    "EndpointSlice": ("addressType", "endpoints", "ports"),
}


def _scale_selector(info: ResourceInfo, selector: Any) -> dict[str, Any]:
    """The selector a Scale reports: a ReplicationController's is a plain label map (SelectorFromSet)."""
    if not isinstance(selector, dict):
        return {}
    return {"matchLabels": selector} if info.kind == "ReplicationController" else selector


def _default_propagation(info: ResourceInfo) -> str:
    return "Background"


def _namespace_blocked(info: ResourceInfo, obj: dict[str, Any]) -> bool:
    return info.plural == "namespaces" and bool((obj.get("spec") or {}).get("finalizers"))


def _manager_of(who: str) -> str:
    """The default field manager for an identity: ``kubelet/node-1`` -> ``kubelet``."""
    return who.split("/", 1)[0]


def _type_name(value: Any) -> str:
    return {list: "array", str: "string", int: "number", float: "number", bool: "boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _short(body: Any) -> str:
    """The body as JSON, as runtime.NewMissingKindErr prints the data it read (cut at 200 characters)."""
    try:
        text = orjson.dumps(body).decode()
    except TypeError:  # a lone surrogate, or an integer beyond 64 bits
        text = json.dumps(body, ensure_ascii=False, default=str, separators=(",", ":"))
    return text if len(text) <= 200 else text[:200] + "..."


def _check_scale_body(body: Any) -> None:
    """The JSON decoder's refusal of a Scale whose spec.replicas is not a whole number (400, before validation)."""
    spec = body.get("spec") if isinstance(body, dict) else None
    replicas = spec.get("replicas") if isinstance(spec, dict) else None
    if replicas is None or (isinstance(replicas, int) and not isinstance(replicas, bool)):
        return
    if isinstance(replicas, bool):
        kind = "bool"
    elif isinstance(replicas, float):
        kind = f"number {replicas!r}"
    elif isinstance(replicas, str):
        kind = "string"
    else:
        kind = "array" if isinstance(replicas, list) else "object"
    raise errors.bad_request(
        'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal '
        f"{kind} into Go struct field ScaleSpec.spec.replicas of type int32"
    )


def _parse_resource_version(value: str) -> int:
    """APIObjectVersioner.ParseResourceVersion ("" and "0" are 0), refused in etcd3's ValidateListOptions' words."""
    if value in ("", "0"):
        return 0
    digits = value.isascii() and value.isdigit()
    if digits and int(value) < 2**64:
        return int(value)
    why = "value out of range" if digits else "invalid syntax"
    quoted = go_quote(value)
    raise errors.bad_request(
        f"invalid resource version: resourceVersion: Invalid value: {quoted}: "
        f"strconv.ParseUint: parsing {quoted}: {why}"
    )


def _too_large_resource_version(minimum: int, current: int) -> ApiError:
    """storage.NewTooLargeResourceVersionError, what the watch cache answers a list from the future (504).

    kube-apiserver first waits up to 3 s for that revision; here the answer is immediate. (For
    resourceVersionMatch=Exact, v1.32 passes etcd's own 500 through; v1.34 answers this 504 too.)"""
    return ApiError(
        504,
        "Timeout",
        f"Timeout: Too large resource version: {minimum}, current: {current}",
        {"causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
         "retryAfterSeconds": 1},
    )


def _check_patched_identity(info: ResourceInfo, namespace: str, name: str, meta_obj: dict[str, Any]) -> None:
    """A patch may not move its object: patch.go applyPatch runs EnsureObjectNamespaceMatchesRequestNamespace,
    then checkName, on the patched object (both 400)."""
    patched_ns = meta_obj.get("namespace")
    if info.namespaced and patched_ns not in (None, "") and patched_ns != namespace:
        raise errors.bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"
        )
    patched_name = meta_obj.get("name")
    if patched_name != name:
        shown = "" if patched_name is None else patched_name
        raise errors.bad_request(f"the name of the object ({shown}) does not match the name on the URL ({name})")


def _conflict_from_apply(info: ResourceInfo, name: str, exc: ApplyConflict) -> ApiError:
    return ApiError(
        409,
        "Conflict",
        str(exc),
        {"name": name, "kind": info.plural, **({"group": info.group} if info.group else {}), "causes": exc.causes},
    )


def _patch_error(exc: PatchError) -> ApiError:
    reasons = {400: "BadRequest", 413: "RequestEntityTooLarge", 422: "Invalid"}
    return ApiError(exc.code, reasons.get(exc.code, "BadRequest"), exc.message)


__all__ = ["PATCH_APPLY", "PATCH_JSON", "PATCH_MERGE", "PATCH_STRATEGIC", "APIServer", "ApiError", "for_object"]
