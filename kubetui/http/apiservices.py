"""``/apis/apiregistration.k8s.io/v1/apiservices``: which API groups this server serves, and who serves them.

The kube-aggregator's autoregistration keeps one APIService per built-in group version, served locally; the
metrics-server install adds ``v1beta1.metrics.k8s.io``, backed by its Service. Here metrics-server comes with the
cluster, so its APIService is listed from the start. ``kubectl get apiservice`` shows them as the aggregator's
printer does: NAME, SERVICE (``Local`` or namespace/name), AVAILABLE, AGE.

Simplification: APIServices are computed from what is served, not stored: get and list only (no watch, no writes).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from kubetui.api import meta as m
from kubetui.api.resources import ResourceInfo
from kubetui.http import requests as req
from kubetui.http.rest import json_response, method_not_allowed, not_found
from kubetui.http.tables import AGE, NAME, _col, since

GROUP = "apiregistration.k8s.io"
VERSION = "v1"
RESOURCE = ResourceInfo("apiservices", "apiservice", "APIService", GROUP, VERSION, False, status=False)
RESOURCES: tuple[ResourceInfo, ...] = (RESOURCE,)

# kube-apiserver's apiVersionPriorities: (groupPriorityMinimum, versionPriority); 1000/15 for the rest
PRIORITIES: dict[tuple[str, str], tuple[int, int]] = {
    ("", "v1"): (18000, 1), ("apps", "v1"): (17800, 15), ("events.k8s.io", "v1"): (17750, 15),
    ("authentication.k8s.io", "v1"): (17700, 15), ("authorization.k8s.io", "v1"): (17600, 15),
    ("autoscaling", "v2"): (17500, 30), ("autoscaling", "v1"): (17500, 15), ("batch", "v1"): (17400, 15),
    ("networking.k8s.io", "v1"): (17200, 15), ("policy", "v1"): (17100, 15), ("storage.k8s.io", "v1"): (16800, 15),
    ("scheduling.k8s.io", "v1"): (16600, 15), ("coordination.k8s.io", "v1"): (16500, 15),
    ("discovery.k8s.io", "v1"): (16200, 15), ("apiregistration.k8s.io", "v1"): (18000, 15),
}
METRICS = ("metrics.k8s.io", "v1beta1")
COLUMNS = [
    NAME,
    _col("Service", description="The reference to the service that hosts this API endpoint."),
    _col("Available", description="Whether this service is available."),
    AGE,
]


def apiservices(group_versions: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """One APIService per served group version, sorted by name as the API server lists them."""
    created = m.timestamp(0.0)
    found = []
    for group, version in group_versions:
        local = (group, version) != METRICS
        priority, version_priority = PRIORITIES.get((group, version), (1000, 15) if local else (100, 100))
        spec: dict[str, Any] = {"group": group, "version": version, "groupPriorityMinimum": priority,
                                "versionPriority": version_priority}
        if local:
            condition = {"type": "Available", "status": "True", "lastTransitionTime": created, "reason": "Local",
                         "message": "Local APIServices are always available"}
        else:
            spec.update(service={"namespace": "kube-system", "name": "metrics-server", "port": 443},
                        insecureSkipTLSVerify=True)
            condition = {"type": "Available", "status": "True", "lastTransitionTime": created, "reason": "Passed",
                         "message": "all checks passed"}
        labels = {"kube-aggregator.kubernetes.io/automanaged": "onstart"} if local else {"k8s-app": "metrics-server"}
        found.append({
            "kind": "APIService",
            "apiVersion": f"{GROUP}/{VERSION}",
            "metadata": {"name": f"{version}.{group}", "creationTimestamp": created, "labels": labels},
            "spec": spec,
            "status": {"conditions": [condition]},
        })
    return sorted(found, key=lambda a: a["metadata"]["name"])


def handle(
    request: web.Request, segments: list[str], group_versions: list[tuple[str, str]], now: float
) -> web.Response:
    if not 1 <= len(segments) <= 2 or segments[0] != RESOURCE.plural:
        raise not_found()
    if request.method not in ("GET", "HEAD") or req.flag(request, "watch"):
        raise method_not_allowed()
    items = apiservices(group_versions)
    if len(segments) == 2:
        obj = next((a for a in items if a["metadata"]["name"] == segments[1]), None)
        if obj is None:
            from kubetui.apiserver.errors import ApiError

            raise ApiError(404, "NotFound", f'apiservices.{GROUP} "{segments[1]}" not found',
                           {"name": segments[1], "group": GROUP, "kind": "apiservices"})
        return _answer(request, [obj], obj, now)
    body = {"kind": "APIServiceList", "apiVersion": f"{GROUP}/{VERSION}", "metadata": {}, "items": items}
    return _answer(request, items, body, now)


def _answer(request: web.Request, items: list[dict[str, Any]], body: dict[str, Any], now: float) -> web.Response:
    version = req.wants_table(request.headers.get("Accept", ""))
    if not version:
        return json_response(body)
    rows = []
    for item in items:
        service = item["spec"].get("service")
        where = f"{service['namespace']}/{service['name']}" if service else "Local"
        available = item["status"]["conditions"][0]
        row: dict[str, Any] = {"cells": [item["metadata"]["name"], where, available["status"],
                                         since(item["metadata"]["creationTimestamp"], now)]}
        row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": f"meta.k8s.io/{version}",
                         "metadata": item["metadata"]}
        rows.append(row)
    return json_response({"kind": "Table", "apiVersion": f"meta.k8s.io/{version}", "metadata": {},
                          "columnDefinitions": COLUMNS, "rows": rows})
