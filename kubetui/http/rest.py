"""The REST endpoints of each resource: URL -> (resource, namespace, name, subresource) -> APIServer call.

The engine is synchronous: every request calls the in-process :class:`APIServer` directly and
answers at once; only watches and ``logs -f`` stream (see :mod:`kubetui.http.streams`). Errors are
the API server's own ``metav1.Status`` objects, so kubectl prints exactly what it prints for a real
cluster (``Error from server (NotFound): pods "nope" not found``).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from kubetui.api import conversion
from kubetui.api.fielderrors import (
    TYPE_INVALID,
    FieldError,
    forbidden,
    invalid,
    invalid_status,
    not_supported,
    required,
    too_long,
)
from kubetui.api.models.golang import decode_error
from kubetui.api.resources import BY_PLURAL, ResourceInfo
from kubetui.api.validation.common import type_errors
from kubetui.apiserver import errors
from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.fieldvalidation import unknown_fields
from kubetui.apiserver.server import PATCH_APPLY, PATCH_JSON, PATCH_TYPES
from kubetui.http import requests as req
from kubetui.http.portforward import PortForward
from kubetui.http.remotecommand import RemoteCommand
from kubetui.http.tables import to_table

if TYPE_CHECKING:
    from kubetui.http.server import ApiHttpServer

NOT_FOUND = "the server could not find the requested resource"
FIELD_VALIDATION = ("Ignore", "Warn", "Strict")


@dataclass(frozen=True, slots=True)
class Target:
    """What a URL names: a collection (name empty) or an object, maybe one of its subresources."""

    info: ResourceInfo
    namespace: str | None  # None: every namespace (or a cluster-scoped resource)
    name: str = ""
    subresource: str = ""
    watch_path: bool = False  # the deprecated /watch/ prefix
    version: str = ""  # the version the URL names, when not the storage version (see kubetui.api.conversion)

    @property
    def served_version(self) -> str:
        return self.version or self.info.version

    def out(self, obj: Any) -> Any:
        """An object the API server answered with, as the requested version shows it."""
        return conversion.from_storage(self.info, self.version, obj) if self.version else obj

    def into(self, body: Any) -> Any:
        """A request body at the requested version, as the storage version."""
        return conversion.to_storage(self.info, self.version, body) if self.version else body


def not_found() -> ApiError:
    return ApiError(404, "NotFound", NOT_FOUND, {})  # NewGenericServerResponse: "details": {}


def _validate_list_options(request: web.Request) -> None:
    """ValidateListOptions (apimachinery .../internalversion/validation): resourceVersionMatch's rules, a 422."""
    match = request.query.get("resourceVersionMatch", "")
    if not match:
        return
    version = request.query.get("resourceVersion", "")
    field = "resourceVersionMatch"
    errs = []
    if not version:
        errs.append(forbidden(field, "resourceVersionMatch is forbidden unless resourceVersion is provided"))
    if request.query.get("continue"):
        errs.append(forbidden(field, "resourceVersionMatch is forbidden when continue is provided"))
    if match not in ("Exact", "NotOlderThan"):
        errs.append(not_supported(field, match, ("Exact", "NotOlderThan", "")))
    if match == "Exact" and version == "0":
        errs.append(forbidden(field, 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"'))
    if errs:
        status = invalid_status("ListOptions", "meta.k8s.io", "", errs)
        raise ApiError(422, "Invalid", status["message"], status["details"])


FIELD_MANAGER_MAX_LENGTH = 128  # apimachinery validation.FieldManagerMaxLength


def _validate_write_options(request: web.Request, kind: str, patch_type: str = "") -> None:
    """ValidateCreateOptions / ValidateUpdateOptions / ValidatePatchOptions (apimachinery
    .../apis/meta/v1/validation/validation.go): a 422 on the options, before the body is read."""
    query = request.query
    manager = query.get("fieldManager", "")
    errs: list[FieldError] = []
    if kind == "PatchOptions":
        if patch_type != PATCH_APPLY:
            if "force" in query:
                errs.append(forbidden("force", "may not be specified for non-apply patch"))
        elif not manager:
            errs.append(required("fieldManager", "is required for apply patch"))
    # ValidateFieldManager: Go counts bytes, and reports each rune unicode.IsPrint refuses at its byte offset.
    if len(manager.encode("utf-8", "surrogatepass")) > FIELD_MANAGER_MAX_LENGTH:
        errs.append(too_long("fieldManager", manager, FIELD_MANAGER_MAX_LENGTH))
    position = 0
    for ch in manager:
        if not ch.isprintable():
            detail = f"invalid character U+{ord(ch):04X} (at position {position})"
            errs.append(invalid("fieldManager", manager, detail))
        position += len(ch.encode("utf-8", "surrogatepass"))
    directive = query.get("fieldValidation", "")
    if directive not in ("", *FIELD_VALIDATION):
        errs.append(not_supported("fieldValidation", directive, ("", "Ignore", "Strict", "Warn")))
    if errs:
        status = invalid_status(kind, "meta.k8s.io", "", errs)
        details = {key: value for key, value in status["details"].items() if key != "name"}  # name: omitempty
        raise ApiError(422, "Invalid", status["message"], details)


def resolve(group: str, version: str, segments: list[str]) -> Target:
    """Parse ``[watch/][namespaces/<ns>/]<resource>[/<name>[/<subresource>]]`` under a group version."""
    watch_path = bool(segments) and segments[0] == "watch"
    if watch_path:
        segments = segments[1:]
    namespace: str | None = None
    namespace_subresource = len(segments) == 3 and segments[2] in ("status", "finalize")
    if len(segments) >= 3 and segments[0] == "namespaces" and not namespace_subresource:
        namespace, segments = segments[1], segments[2:]
    if len(segments) > 3 and segments[2] == "proxy":
        segments = segments[:3]  # the rest is the path to proxy to (Rest._proxy reads it from the URL)
    if not 1 <= len(segments) <= 3 or not all(segments):
        raise not_found()
    info = BY_PLURAL.get(segments[0])
    if info is None or info.group != group or not info.serves(version):
        raise not_found()
    if namespace is not None and not info.namespaced:
        raise not_found()
    if namespace is None and info.namespaced and len(segments) > 1:
        raise not_found()
    name = segments[1] if len(segments) > 1 else ""
    subresource = segments[2] if len(segments) > 2 else ""
    other = version if version != info.version else ""
    return Target(info, namespace, name, subresource, watch_path, other)


def json_response(
    body: Any, status: int = 200, warnings: list[str] | None = None, content_type: str = "application/json"
) -> web.Response:
    try:
        payload = orjson.dumps(body)
    except TypeError:  # a lone surrogate somewhere (a name from a URL, a key from YAML): JSON escapes it
        payload = json.dumps(body, ensure_ascii=True).encode()
    response = web.Response(body=payload, status=status, content_type=content_type)
    for warning in warnings or ():
        # NewWarningHeader (apimachinery/pkg/util/net/http.go) refuses text with control characters and the
        # warning is dropped; sent as is, an unknown field named "\x1f" broke the response (no answer at all).
        if not any(unicodedata.category(c) == "Cc" for c in warning):
            response.headers.add("Warning", f'299 - "{_quote(warning)}"')
    return response


def _quote(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def status_response(err: ApiError) -> web.Response:
    return json_response(err.status, status=err.code)


def method_not_allowed() -> ApiError:
    return errors.method_not_allowed("")


class Rest:
    """Handlers for one server; ``http`` gives the cluster, the OpenAPI documents and the streams."""

    def __init__(self, http: ApiHttpServer) -> None:
        self.http = http
        self.api = http.cluster.api
        self.remote = RemoteCommand(http)
        self.forward = PortForward(http)

    # ------------------------------------------------------------------ dispatch
    async def handle(self, request: web.Request, group: str, version: str, segments: list[str]) -> web.StreamResponse:
        target = resolve(group, version, segments)
        who = req.identity(request.headers.get("User-Agent", ""))
        method = request.method
        if target.subresource:
            return await self._subresource(request, target, who)
        if not target.name:
            if method == "GET":
                if target.watch_path or req.flag(request, "watch"):
                    return await self.http.streams.watch(request, target, who)
                return self._list(request, target, who)
            if method == "POST":
                return await self._create(request, target, who)
            if method == "DELETE":
                return await self._delete_collection(request, target, who)
            raise method_not_allowed()
        if target.watch_path and method == "GET":
            return await self.http.streams.watch(request, target, who)
        if method == "GET":
            return self._get(request, target, who)
        if method == "PUT":
            return await self._update(request, target, who)
        if method == "PATCH":
            return await self._patch(request, target, who)
        if method == "DELETE":
            return await self._delete(request, target, who)
        raise method_not_allowed()

    def _namespace(self, target: Target) -> str:
        return target.namespace or ""

    def _proxy(self, request: web.Request, target: Target, who: str) -> web.Response:
        """The pod's own answer, status and body, as the API server's proxy passes it through."""
        marker = f"/{target.name}/proxy"
        raw = request.rel_url.raw_path
        path = raw[raw.index(marker) + len(marker):] if marker in raw else ""
        if request.query_string:
            path = f"{path or '/'}?{request.query_string}"
        agent = request.headers.get("User-Agent", "")
        answer = self.api.proxy(who, target.info.plural, self._namespace(target), target.name, path, agent)
        content_type = "text/html" if answer.body.lstrip().startswith("<") else "text/plain"
        return web.Response(status=answer.code, text=answer.body, content_type=content_type)

    # ------------------------------------------------------------------ reads
    def _list(self, request: web.Request, target: Target, who: str) -> web.Response:
        _validate_list_options(request)
        result = self.api.list(
            who,
            target.info.plural,
            target.namespace,
            label_selector=request.query.get("labelSelector") or None,
            field_selector=request.query.get("fieldSelector") or None,
            limit=req.int_param(request, "limit"),
            continue_token=request.query.get("continue") or None,
            resource_version=request.query.get("resourceVersion") or None,
        )
        table = req.wants_table(request.headers.get("Accept", ""))
        if table:
            return self._table(request, target.info, result["items"], result["metadata"], table)
        if target.version:
            api_version = target.info.api_version_of(target.version)
            result = {**result, "apiVersion": api_version, "items": [target.out(i) for i in result["items"]]}
        return json_response(result)

    def _get(self, request: web.Request, target: Target, who: str) -> web.Response:
        obj = self.api.get(who, target.info.plural, self._namespace(target), target.name)
        table = req.wants_table(request.headers.get("Accept", ""))
        if table:
            return self._table(
                request,
                target.info,
                [obj],
                {"resourceVersion": obj["metadata"].get("resourceVersion", "")},
                table,
            )
        return json_response(target.out(obj))

    def _table(
        self,
        request: web.Request,
        info: ResourceInfo,
        items: list[dict[str, Any]],
        list_meta: dict[str, Any],
        version: str,
    ) -> web.Response:
        include = request.query.get("includeObject", "PartialObjectMetadata")
        if include not in ("None", "Object", "PartialObjectMetadata"):
            raise errors.bad_request(
                f'includeObject: Unsupported value: "{include}": supported values: '
                '"None", "Object", "PartialObjectMetadata"'
            )
        table = to_table(info, items, self.api.clock.now, list_meta, include, version=version)
        return json_response(table, content_type="application/json")

    # ------------------------------------------------------------------ writes
    async def _body(self, request: web.Request, patch: bool = False) -> Any:
        content_type = request.headers.get("Content-Type", "")
        if not patch:
            req.check_body_media_type(content_type)
        data = await req.read_body(request)
        return req.decode(data, content_type or "application/json")

    def _field_validation(self, request: web.Request, target: Target, body: Any, patch: bool) -> list[str]:
        """Unknown fields: an error with ``fieldValidation=Strict``, warnings with ``Warn`` (the default)."""
        directive = request.query.get("fieldValidation") or "Warn"
        if directive not in FIELD_VALIDATION:
            raise errors.bad_request(
                f"fieldValidation parameter unsupported: {directive}: supported values: Ignore, Warn, Strict"
            )
        if directive == "Ignore":
            return []
        unknown = unknown_fields(self.http.openapi, target.info.kind, body, patch=patch, version=target.served_version)
        if not unknown:
            return []
        messages = [f'unknown field "{path}"' for path in unknown]
        if directive == "Strict":
            detail = f"strict decoding error: {', '.join(messages)}"
            if patch:
                raise errors.bad_request(detail)
            info = target.info
            raise errors.bad_request(
                f'{info.kind} in version "{target.served_version}" cannot be handled as a {info.kind}: {detail}'
            )
        return messages

    @staticmethod
    def _with_type(target: Target, body: Any) -> Any:
        """The decoder's default: a body without apiVersion/kind takes the endpoint's."""
        if isinstance(body, dict):
            body.setdefault("apiVersion", target.info.api_version_of(target.served_version))
            body.setdefault("kind", target.info.kind)
        return body

    @staticmethod
    def _converted(target: Target, body: Any) -> Any:
        """A body at another served version: its wrong JSON types reported as that version's decoder
        does (the converted object would name other fields), then the body as the storage version."""
        if not target.version:
            return body
        conv = conversion.converter(target.info, target.version)
        info = target.info
        at_version = isinstance(body, dict) and body.get("apiVersion") == info.api_version_of(target.version)
        if conv is not None and at_version:
            errs = [e for e in type_errors(conv.model, body) if e.type == TYPE_INVALID]
            if errs:
                detail = decode_error(conv.model, info.kind, target.version, errs[0].field, errs[0].value)
                raise errors.bad_request(detail, field=errs[0].field)
        return target.into(body)

    async def _create(self, request: web.Request, target: Target, who: str) -> web.Response:
        _validate_write_options(request, "CreateOptions")
        body = self._with_type(target, await self._body(request))
        warnings = self._field_validation(request, target, body, patch=False)
        obj = self.api.create(
            who,
            target.info.plural,
            self._namespace(target),
            self._converted(target, body),
            dry_run=req.dry_run(request),
            field_manager=request.query.get("fieldManager"),
        )
        return json_response(target.out(obj), 201, warnings)

    async def _update(self, request: web.Request, target: Target, who: str, subresource: str = "") -> web.Response:
        _validate_write_options(request, "UpdateOptions")
        body = await self._body(request)
        if subresource != "scale":
            body = self._with_type(target, body)
        warnings = self._field_validation(request, target, body, patch=False) if not subresource else []
        obj = self.api.update(
            who,
            target.info.plural,
            self._namespace(target),
            target.name,
            self._converted(target, body) if subresource != "scale" else body,
            subresource=subresource,
            dry_run=req.dry_run(request),
            field_manager=request.query.get("fieldManager"),
        )
        return json_response(target.out(obj), 200, warnings)

    async def _patch(self, request: web.Request, target: Target, who: str, subresource: str = "") -> web.Response:
        patch_type = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if patch_type not in PATCH_TYPES:
            raise errors.unsupported_media_type(patch_type or "none")
        _validate_write_options(request, "PatchOptions", patch_type)
        body = await self._body(request, patch=True)
        warnings: list[str] = []
        if patch_type != PATCH_APPLY and patch_type != PATCH_JSON and not subresource:
            warnings = self._field_validation(request, target, body, patch=True)
        namespace = self._namespace(target)
        existed = self.api.store.get(target.info.key(namespace, target.name)) is not None
        view = None
        if target.version and subresource != "scale":
            if patch_type == PATCH_APPLY:
                # Simplification: an apply at another served version is converted whole to the storage version and
                # applied there (Go applies at the request's version); managedFields name the storage version.
                body = self._converted(target, body)
            else:
                view = (target.out, target.into)
        obj = self.api.patch(
            who,
            target.info.plural,
            namespace,
            target.name,
            body,
            patch_type,
            subresource=subresource,
            dry_run=req.dry_run(request),
            field_manager=request.query.get("fieldManager"),
            force=req.flag(request, "force"),
            view=view,
        )
        return json_response(target.out(obj), 200 if existed else 201, warnings)

    async def _delete_options(self, request: web.Request) -> dict[str, Any]:
        data = await req.read_body(request)
        if not data.strip():
            return {}
        content_type = request.headers.get("Content-Type", "")
        req.check_body_media_type(content_type)
        options = req.decode(data, content_type or "application/json")
        if not isinstance(options, dict):
            raise errors.bad_request("DeleteOptions: expected a JSON object")
        return options

    async def _delete(self, request: web.Request, target: Target, who: str) -> web.Response:
        options = await self._delete_options(request)
        return json_response(target.out(self._delete_one(request, target, target.name, who, options)))

    def _delete_one(
        self, request: web.Request, target: Target, name: str, who: str, options: dict[str, Any]
    ) -> dict[str, Any]:
        policy = request.query.get("propagationPolicy") or options.get("propagationPolicy")
        if policy is None and (req.flag(request, "orphanDependents") or options.get("orphanDependents") is True):
            policy = "Orphan"
        grace = req.int_param(request, "gracePeriodSeconds")
        if grace is None and isinstance(options.get("gracePeriodSeconds"), int):
            grace = options["gracePeriodSeconds"]
        preconditions = options.get("preconditions") if isinstance(options.get("preconditions"), dict) else None
        info, namespace = target.info, self._namespace(target)
        obj = self.api.delete(
            who,
            info.plural,
            namespace,
            name,
            grace_period_seconds=grace,
            propagation_policy=policy,
            preconditions=preconditions,
            dry_run=req.dry_run(request, options),
        )
        if self.api.store.get(info.key(namespace, name)) is not None:
            return obj  # still there: terminating gracefully or waiting on finalizers
        details: dict[str, Any] = {
            "name": name,
            "kind": info.plural,
            "uid": obj.get("metadata", {}).get("uid", ""),
        }
        if info.group:
            details["group"] = info.group
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details}

    async def _delete_collection(self, request: web.Request, target: Target, who: str) -> web.Response:
        """Simplification: deletecollection is a list followed by one delete per object."""
        options = await self._delete_options(request)
        listed = self.api.list(
            who,
            target.info.plural,
            target.namespace,
            label_selector=request.query.get("labelSelector") or None,
            field_selector=request.query.get("fieldSelector") or None,
        )
        items = []
        for obj in listed["items"]:
            meta = obj["metadata"]
            scoped = Target(target.info, meta.get("namespace"), meta["name"], version=target.version)
            try:
                self._delete_one(request, scoped, meta["name"], who, options)
            except ApiError as err:
                if err.code != 404:
                    raise
            items.append(target.out(obj))
        if target.version:
            listed = {**listed, "apiVersion": target.info.api_version_of(target.version)}
        return json_response({**listed, "items": items})

    # ------------------------------------------------------------------ subresources
    async def _subresource(self, request: web.Request, target: Target, who: str) -> web.StreamResponse:
        sub, method, info = target.subresource, request.method, target.info
        if info.plural == "pods" and sub == "portforward":
            return await self.forward.handle(request, self._namespace(target), target.name, who)
        if info.plural == "pods" and sub in ("exec", "attach"):
            return await self.remote.handle(request, self._namespace(target), target.name, sub, who)
        if info.plural in ("pods", "services") and sub == "proxy":
            return self._proxy(request, target, who)
        if info.plural == "pods" and sub == "log":
            if method != "GET":
                raise method_not_allowed()
            return await self.http.streams.logs(request, target, who)
        if info.plural == "pods" and sub in ("binding", "eviction"):
            if method != "POST":
                raise method_not_allowed()
            body = await self._body(request)
            result = self.api.create(
                who,
                "pods",
                self._namespace(target),
                body,
                subresource=sub,
                name=target.name,
                dry_run=req.dry_run(request),
            )
            return json_response(result, 201)
        allowed = (
            (sub == "status" and info.status)
            or (sub == "scale" and info.scale)
            or (sub == "finalize" and info.plural == "namespaces")
        )
        if not allowed:
            raise not_found()
        if method == "GET" and sub != "finalize":
            obj = self.api.get(who, info.plural, self._namespace(target), target.name, sub)
            return json_response(target.out(obj) if sub == "status" else obj)
        if method == "PUT":
            return await self._update(request, target, who, subresource=sub)
        if method == "PATCH" and sub != "finalize":
            return await self._patch(request, target, who, subresource=sub)
        raise method_not_allowed()
