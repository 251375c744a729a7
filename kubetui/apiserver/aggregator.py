"""kube-aggregator, in the part kubetui needs: API groups another server serves, reached through this one.

An APIService (``v1beta1.metrics.k8s.io``) tells the API server that requests for a group go to a
backend; the API server authenticates them, proxies them, and traces them like its own. Clients use
the group's resource names qualified with the group (``pods.metrics.k8s.io``), since ``pods`` alone
is the core resource.
Simplification: the APIService is not an object: the cluster's assembly registers the backend's handlers
with the API server, which calls them in process instead of proxying HTTP to a Service.
"""

from __future__ import annotations

from typing import Any, Protocol


class APIServiceBackend(Protocol):
    """What serves an aggregated group: get and list of its resources (by plural, without the group)."""

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any]: ...

    def list(
        self, resource: str, namespace: str | None, label_selector: str | None, field_selector: str | None
    ) -> dict[str, Any]: ...


def split_group(resource: str) -> tuple[str, str]:
    """``pods.metrics.k8s.io`` -> (``pods``, ``metrics.k8s.io``)."""
    plural, _, group = resource.partition(".")
    return plural, group
