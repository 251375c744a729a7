"""``/apis/metrics.k8s.io/v1beta1/...``: what the aggregator proxies to metrics-server (``kubectl top``).

GET of a collection or an object, as JSON (kubectl top asks for JSON), or as a Table for ``kubectl get``
(metrics-server's ConvertToTable: the name, each resource summed over containers, the window).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from kubetui.api.quantity import cpu_millis, format_memory, memory_bytes
from kubetui.apiserver.server import APIServer
from kubetui.http import requests as req
from kubetui.http.rest import json_response, method_not_allowed, not_found
from kubetui.metrics.api import GROUP, RESOURCES

BY_PLURAL = {info.plural: info for info in RESOURCES}


def handle(api: APIServer, request: web.Request, who: str, segments: list[str]) -> web.Response:
    namespace: str | None = None
    if len(segments) >= 3 and segments[0] == "namespaces":
        namespace, segments = segments[1], segments[2:]
    if not 1 <= len(segments) <= 2 or segments[0] not in BY_PLURAL:
        raise not_found()
    info = BY_PLURAL[segments[0]]
    if namespace is not None and not info.namespaced:
        raise not_found()
    if request.method not in ("GET", "HEAD") or req.flag(request, "watch"):
        raise method_not_allowed()
    resource = f"{info.plural}.{GROUP}"
    if len(segments) == 2:
        obj = api.get(who, resource, namespace or "", segments[1])
        return _answer(request, [obj], obj, info.kind)
    result = api.list(
        who,
        resource,
        namespace,
        label_selector=request.query.get("labelSelector") or None,
        field_selector=request.query.get("fieldSelector") or None,
    )
    return _answer(request, result["items"], result, info.kind)


def _answer(request: web.Request, items: list[dict[str, Any]], body: dict[str, Any], kind: str) -> web.Response:
    version = req.wants_table(request.headers.get("Accept", ""))
    if not version:
        return json_response(body)
    include = request.query.get("includeObject", "PartialObjectMetadata")
    names = sorted({name for item in items for name in _usage(item)})
    columns = [{"name": "Name", "type": "string", "format": "name", "description": "Name of the resource",
                "priority": 0}]
    columns += [{"name": name, "type": "string", "format": "quantity", "description": "", "priority": 0}
                for name in names]
    columns.append({"name": "Window", "type": "string", "format": "duration", "description": "", "priority": 0})
    rows = []
    for item in items:
        usage = _usage(item)
        row: dict[str, Any] = {"cells": [item["metadata"]["name"], *(usage.get(n, "") for n in names),
                                         item.get("window", "")]}
        if include == "Object":
            row["object"] = item
        elif include == "PartialObjectMetadata":
            row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}",
                             "metadata": item["metadata"]}
        rows.append(row)
    table = {"kind": "Table", "apiVersion": f"meta.k8s.io/{version}", "metadata": {}, "columnDefinitions": columns,
             "rows": rows}
    return json_response(table)


def _usage(item: dict[str, Any]) -> dict[str, str]:
    """A pod's usage summed over its containers (as Quantities add), or a node's."""
    if "usage" in item:
        return dict(item["usage"])
    cpu = sum(cpu_millis(c["usage"].get("cpu", "0")) for c in item.get("containers") or [])
    memory = sum(memory_bytes(c["usage"].get("memory", "0")) for c in item.get("containers") or [])
    return {"cpu": f"{cpu}m", "memory": format_memory(memory)}
