"""API discovery: how kubectl learns which resources exist (``/api``, ``/apis``, ``/version``).

kubectl v1.32 first asks for the aggregated form (``apidiscovery.k8s.io/v2``
``APIGroupDiscoveryList``: every group, version and resource in one document); older clients,
such as the Python client, read the legacy documents (``APIVersions``, ``APIGroupList``,
``APIResourceList``). Both are built from the resource registry, so a resource the API server
serves is discoverable, with its short names (``po``, ``deploy``) and its subresources
(``pods/eviction`` is how ``kubectl drain`` finds the Eviction API).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from kubetui.api.resources import RESOURCES, ResourceInfo
from kubetui.http.apiservices import RESOURCES as APISERVICE_RESOURCES
from kubetui.http.reviews import REVIEWS
from kubetui.metrics.api import RESOURCES as METRICS_RESOURCES

READ_ONLY = (*METRICS_RESOURCES, *APISERVICE_RESOURCES)  # served by a handler of their own: get and list

VERSION_INFO: dict[str, str] = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.0-kubetui",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.23.4",
    "compiler": "gc",
    "platform": "linux/amd64",
}

AGGREGATED_V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
AGGREGATED_V2BETA1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

# The order in which the real API server lists its groups (apiserver aggregator priorities).
GROUP_ORDER = (
    "apps", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "policy", "scheduling.k8s.io",
    "coordination.k8s.io", "discovery.k8s.io",
)


def _verbs(info: ResourceInfo) -> list[str]:
    if info.plural == "bindings" or info in REVIEWS:
        return ["create"]
    if info in READ_ONLY:
        return ["get", "list"]
    if info.plural == "namespaces":
        return [v for v in ALL_VERBS if v != "deletecollection"]
    return list(ALL_VERBS)


def _kind(group: str, version: str, kind: str) -> dict[str, str]:
    return {"group": group, "version": version, "kind": kind}


def subresources(info: ResourceInfo, version: str = "") -> list[dict[str, Any]]:
    """(name, responseKind, verbs) of each subresource, as aggregated discovery lists them."""
    if info in READ_ONLY:
        return []
    own = _kind(info.group, version or info.version, info.kind)
    found: list[dict[str, Any]] = []
    if info.plural == "pods":
        found += [
            {
                "subresource": "attach",
                "responseKind": _kind("", "v1", "PodAttachOptions"),
                "verbs": ["create", "get"],
            },
            {"subresource": "binding", "responseKind": _kind("", "v1", "Binding"), "verbs": ["create"]},
            {
                "subresource": "eviction",
                "responseKind": _kind("policy", "v1", "Eviction"),
                "verbs": ["create"],
            },
            {
                "subresource": "exec",
                "responseKind": _kind("", "v1", "PodExecOptions"),
                "verbs": ["create", "get"],
            },
            {"subresource": "log", "responseKind": own, "verbs": ["get"]},
            {
                "subresource": "portforward",
                "responseKind": _kind("", "v1", "PodPortForwardOptions"),
                "verbs": ["create", "get"],
            },
        ]
    if info.plural == "namespaces":
        found.append({"subresource": "finalize", "responseKind": own, "verbs": ["update"]})
    if info.scale:
        found.append(
            {
                "subresource": "scale",
                "responseKind": _kind("autoscaling", "v1", "Scale"),
                "verbs": ["get", "patch", "update"],
            }
        )
    if info.status:
        found.append({"subresource": "status", "responseKind": own, "verbs": ["get", "patch", "update"]})
    return sorted(found, key=lambda s: str(s["subresource"]))


def _group_versions() -> list[tuple[str, str, list[ResourceInfo]]]:
    """(group, version, resources) in the order the server lists them; the core group first, and in a
    group the preferred (storage) version before the others (autoscaling: v2, then v1)."""
    by_group: dict[tuple[str, str], list[ResourceInfo]] = {}
    preferred: set[tuple[str, str]] = set()
    for info in (*RESOURCES, *REVIEWS, *READ_ONLY):
        preferred.add((info.group, info.version))
        for version in (info.version, *info.also_served):
            by_group.setdefault((info.group, version), []).append(info)
    order = {g: i for i, g in enumerate(("", *GROUP_ORDER))}
    keys = sorted(by_group, key=lambda gv: (order.get(gv[0], len(order)), gv[0], gv not in preferred, gv[1]))
    return [(g, v, sorted(by_group[(g, v)], key=lambda r: r.plural)) for g, v in keys]


def _storage_hash(info: ResourceInfo) -> str:
    digest = hashlib.sha256(f"{info.api_version}/{info.kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()


# --- aggregated discovery ------------------------------------------------------------------------


def _aggregated_resource(info: ResourceInfo, version: str) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resource": info.plural,
        "responseKind": _kind(info.group, version, info.kind),
        "scope": "Namespaced" if info.namespaced else "Cluster",
        "singularResource": info.singular,
        "verbs": _verbs(info),
    }
    if info.short_names:
        resource["shortNames"] = list(info.short_names)
    if info.categories:
        resource["categories"] = list(info.categories)
    subs = subresources(info, version)
    if subs:
        resource["subresources"] = subs
    return resource


def aggregated(core: bool, version: str = "v2") -> dict[str, Any]:
    """The ``APIGroupDiscoveryList`` for ``/api`` (core=True) or ``/apis``."""
    items: list[dict[str, Any]] = []
    for group, gv_version, infos in _group_versions():
        if (group == "") != core:
            continue
        entry = {
            "version": gv_version,
            "resources": [_aggregated_resource(i, gv_version) for i in infos],
            "freshness": "Current",
        }
        if items and items[-1]["metadata"].get("name", "") == group:
            items[-1]["versions"].append(entry)  # a group served at several versions: one item
            continue
        items.append({"metadata": {"name": group} if group else {}, "versions": [entry]})
    return {
        "kind": "APIGroupDiscoveryList",
        "apiVersion": f"apidiscovery.k8s.io/{version}",
        "metadata": {},
        "items": items,
    }


def wants_aggregated(accept: str) -> str | None:
    """The aggregated media type the client accepts (first listed wins), if any."""
    for part in accept.split(","):
        params = {}
        pieces = [p.strip() for p in part.split(";")]
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            params[key.strip()] = value.strip()
        if params.get("g") == "apidiscovery.k8s.io" and params.get("as") == "APIGroupDiscoveryList":
            if params.get("v") == "v2":
                return AGGREGATED_V2
            if params.get("v") == "v2beta1":
                return AGGREGATED_V2BETA1
    return None


# --- legacy discovery ----------------------------------------------------------------------------


def api_versions(server_address: str) -> dict[str, Any]:
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    }


def _group_entry(group: str, versions: list[str]) -> dict[str, Any]:
    """A group's versions, the preferred one first."""
    gvs = [{"groupVersion": f"{group}/{version}", "version": version} for version in versions]
    return {"name": group, "versions": gvs, "preferredVersion": gvs[0]}


def _versions_by_group() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for g, v, _ in _group_versions():
        if g:
            found.setdefault(g, []).append(v)
    return found


def api_group_list() -> dict[str, Any]:
    groups = [_group_entry(g, versions) for g, versions in _versions_by_group().items()]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> dict[str, Any] | None:
    versions = _versions_by_group().get(group)
    if versions:
        return {"kind": "APIGroup", "apiVersion": "v1", **_group_entry(group, versions)}
    return None


def _legacy_resource(info: ResourceInfo) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "name": info.plural,
        "singularName": info.singular,
        "namespaced": info.namespaced,
        "kind": info.kind,
        "verbs": _verbs(info),
    }
    if info.short_names:
        resource["shortNames"] = list(info.short_names)
    if info.categories:
        resource["categories"] = list(info.categories)
    if info not in READ_ONLY:  # an aggregated API's resources, and the computed APIServices, are not stored here
        resource["storageVersionHash"] = _storage_hash(info)
    return resource


def _legacy_subresource(info: ResourceInfo, sub: dict[str, Any], version: str) -> dict[str, Any]:
    kind = sub["responseKind"]
    entry: dict[str, Any] = {
        "name": f"{info.plural}/{sub['subresource']}",
        "singularName": "",
        "namespaced": info.namespaced,
        "kind": kind["kind"],
        "verbs": sub["verbs"],
    }
    if (kind["group"], kind["version"]) != (info.group, version):
        entry["group"], entry["version"] = kind["group"], kind["version"]
    return entry


def api_resource_list(group: str, version: str) -> dict[str, Any] | None:
    for g, v, infos in _group_versions():
        if (g, v) != (group, version):
            continue
        resources: list[dict[str, Any]] = []
        for info in infos:
            resources.append(_legacy_resource(info))
            resources.extend(_legacy_subresource(info, sub, v) for sub in subresources(info, v))
        group_version = f"{g}/{v}" if g else v
        return {
            "kind": "APIResourceList",
            "apiVersion": "v1",
            "groupVersion": group_version,
            "resources": resources,
        }
    return None


def group_versions() -> list[tuple[str, str]]:
    """Every (group, version) served, core first."""
    return [(g, v) for g, v, _ in _group_versions()]
