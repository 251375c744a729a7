"""The HPA's resource metrics client (``metrics/client.go``): lists PodMetrics from metrics.k8s.io.

The request goes through the API server, as in a cluster where the aggregator proxies
``/apis/metrics.k8s.io`` to metrics-server; where nothing serves that group, the error is the
one a kind cluster without metrics-server shows.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.cron import ScheduleError, go_duration_seconds
from kubetui.api.meta import parse_timestamp
from kubetui.api.quantity import QuantityError, cpu_millis
from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.controllers.podautoscaler.replica_calculator import MetricsError, PodMetric

POD_METRICS = "pods.metrics.k8s.io"


def _window(value: Any) -> float:
    try:
        return go_duration_seconds(str(value or "0"))
    except ScheduleError:
        return 0.0


def resource_metric(
    client: Client, resource: str, namespace: str, selector: str, container: str = ""
) -> tuple[dict[str, PodMetric], float]:
    """GetResourceMetric: each pod's usage of ``resource`` (milli-units) and the first sample's time."""
    try:
        listed = client.list(POD_METRICS, namespace, label_selector=selector or None)
    except ApiError as err:
        message = err.message
        if err.code == 404 and message == "the server could not find the requested resource":
            message += f" (get {POD_METRICS})"  # client-go's words for a 404 without a Status body
        raise MetricsError(f"unable to fetch metrics from resource metrics API: {message}") from err
    items = listed.get("items") or []
    if not items:
        raise MetricsError("no metrics returned from resource metrics API")
    found: dict[str, PodMetric] = {}
    for item in items:
        meta = item.get("metadata") or {}
        containers = item.get("containers") or []
        when = parse_timestamp(item.get("timestamp")) or 0.0
        window = _window(item.get("window"))
        if container:
            usage = next((c.get("usage") or {} for c in containers if c.get("name") == container), None)
            if usage is None:
                raise MetricsError(
                    f"failed to get container metrics: container {container} not present in metrics for pod "
                    f"{meta.get('namespace', '')}/{meta.get('name', '')}"
                )
            values: list[Any] = [usage.get(resource)]
        else:
            values = [(c.get("usage") or {}).get(resource) for c in containers]
        if not values or any(v is None for v in values):
            continue  # a pod missing the resource for some container counts as missing
        try:
            total = sum(cpu_millis(str(v)) for v in values)
        except QuantityError:
            continue
        found[str(meta.get("name", ""))] = PodMetric(total, when, window)
    return found, parse_timestamp(items[0].get("timestamp")) or 0.0
