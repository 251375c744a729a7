"""The metrics.k8s.io/v1beta1 API as metrics-server serves it (pkg/api/pod.go, node.go): PodMetrics and NodeMetrics.

``pods`` (namespaced) and ``nodes`` (cluster-scoped), get and list only. The objects are built at
request time from the pods and nodes the API server has and the storage's last two points:

* a pod is listed only while it is Running and has metrics for every container (two points each);
* CPU is in nanocores as metrics-server formats a Quantity (``12345678n``, ``500m``), memory is the
  working set in binary units (``12816Ki``), ``window`` is a Go duration (``15s``);
* an object that exists without metrics is ``podmetrics.metrics.k8s.io "default/web-1" not found``
  (``nodemetrics...`` for a node); a pod or node that does not exist is the API server's own 404.
"""

from __future__ import annotations

from typing import Any

from kubetui.api import meta
from kubetui.api.quantity import canonical, format_memory
from kubetui.api.resources import ResourceInfo
from kubetui.apiserver import errors
from kubetui.client.client import Client
from kubetui.metrics.scraper import Scraper
from kubetui.metrics.storage import Usage

GROUP = "metrics.k8s.io"
VERSION = "v1beta1"
API_VERSION = f"{GROUP}/{VERSION}"
RESOURCES: tuple[ResourceInfo, ...] = (
    ResourceInfo("nodes", "", "NodeMetrics", GROUP, VERSION, False, status=False),
    ResourceInfo("pods", "", "PodMetrics", GROUP, VERSION, True, status=False),
)
POD_METRICS = ResourceInfo("podmetrics", "", "PodMetrics", GROUP, VERSION, True, status=False)
NODE_METRICS = ResourceInfo("nodemetrics", "", "NodeMetrics", GROUP, VERSION, False, status=False)


def go_duration(seconds: float) -> str:
    """time.Duration.String(): ``15s``, ``15.5s``, ``1m0s``, ``1h2m3s``, ``0s``."""
    nanos = round(seconds * 1e9)
    if nanos == 0:
        return "0s"
    hours, rest = divmod(nanos, 3600 * 10**9)
    minutes, rest = divmod(rest, 60 * 10**9)
    whole, fraction = divmod(rest, 10**9)
    text = f"{whole}.{fraction:09d}".rstrip("0").rstrip(".") + "s"
    if hours:
        return f"{hours}h{minutes}m{text}"
    return f"{minutes}m{text}" if minutes else text


def cpu_quantity(nanocores: int) -> str:
    return canonical(f"{max(nanocores, 0)}n")


def memory_quantity(num_bytes: int) -> str:
    return format_memory(num_bytes) if num_bytes % 1024 == 0 else str(num_bytes)


def _usage(usage: Usage) -> dict[str, str]:
    return {"cpu": cpu_quantity(usage.cpu_nanocores), "memory": memory_quantity(usage.memory)}


class MetricsAPI:
    """metrics-server's API handlers; the API server hands them every metrics.k8s.io request (the APIService)."""

    def __init__(self, client: Client, scraper: Scraper) -> None:
        self.client = client
        self.scraper = scraper

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any]:
        if resource == "pods":
            pod = self.client.get("pods", namespace, name)
            found = self._pod_metrics(pod)
            if found is None:
                raise errors.not_found(POD_METRICS, f"{namespace}/{name}")
            return found
        node = self.client.get("nodes", "", name)
        node_found = self._node_metrics(node)
        if node_found is None:
            raise errors.not_found(NODE_METRICS, name)
        return node_found

    def list(
        self, resource: str, namespace: str | None, label_selector: str | None, field_selector: str | None
    ) -> dict[str, Any]:
        if resource == "pods":
            pods = self.client.list("pods", namespace or None, label_selector, field_selector)["items"]
            items = [m for m in map(self._pod_metrics, pods) if m is not None]
            items.sort(key=lambda m: (m["metadata"]["namespace"], m["metadata"]["name"]))
            return {"kind": "PodMetricsList", "apiVersion": API_VERSION, "metadata": {}, "items": items}
        nodes = self.client.list("nodes", None, label_selector, field_selector)["items"]
        node_items = [m for m in map(self._node_metrics, nodes) if m is not None]
        node_items.sort(key=lambda m: m["metadata"]["name"])
        return {"kind": "NodeMetricsList", "apiVersion": API_VERSION, "metadata": {}, "items": node_items}

    def _pod_metrics(self, pod: dict[str, Any]) -> dict[str, Any] | None:
        if (pod.get("status") or {}).get("phase") != "Running":
            return None
        metadata = pod["metadata"]
        found = self.scraper.pods.get((metadata.get("namespace", ""), metadata["name"]))
        if found is None:
            return None
        timestamp, window, containers = found
        return {
            "kind": "PodMetrics",
            "apiVersion": API_VERSION,
            "metadata": self._metadata(metadata, namespaced=True),
            "timestamp": meta.timestamp(timestamp),
            "window": go_duration(window),
            "containers": [{"name": name, "usage": _usage(usage)} for name, usage in containers],
        }

    def _node_metrics(self, node: dict[str, Any]) -> dict[str, Any] | None:
        metadata = node["metadata"]
        usage = self.scraper.nodes.get(metadata["name"])
        if usage is None:
            return None
        return {
            "kind": "NodeMetrics",
            "apiVersion": API_VERSION,
            "metadata": self._metadata(metadata, namespaced=False),
            "timestamp": meta.timestamp(usage.timestamp),
            "window": go_duration(usage.window),
            "usage": _usage(usage),
        }

    def _metadata(self, source: dict[str, Any], namespaced: bool) -> dict[str, Any]:
        """Name, namespace, creationTimestamp (now: the object is made for this answer) and the labels."""
        made: dict[str, Any] = {"name": source["name"]}
        if namespaced:
            made["namespace"] = source.get("namespace", "")
        made["creationTimestamp"] = self.client.now_iso()
        if source.get("labels"):
            made["labels"] = dict(source["labels"])
        return made
