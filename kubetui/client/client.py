"""The in-process client: how every component talks to the API server, under its own identity."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubetui.apiserver.server import PATCH_APPLY, PATCH_MERGE, PATCH_STRATEGIC, APIServer
from kubetui.apiserver.watch import ApiWatch, ApiWatchHandler, Transform

if TYPE_CHECKING:
    from kubetui.sim.clock import Clock


class Client:
    """Typed CRUD for one identity (``kube-scheduler``, ``kubelet/node-2`` ...).

    Every call is a real API request: it is admitted, stored, traced and may fail with an
    :class:`~kubetui.apiserver.errors.ApiError` exactly as it would over HTTP.
    """

    def __init__(self, server: APIServer, identity: str) -> None:
        self.server = server
        self.identity = identity

    @property
    def clock(self) -> Clock:
        return self.server.clock

    def now_iso(self) -> str:
        return self.server.now_iso()

    # -- CRUD -------------------------------------------------------------------------------
    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any]:
        return self.server.get(self.identity, resource, namespace, name)

    def list(
        self,
        resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> dict[str, Any]:
        return self.server.list(self.identity, resource, namespace, label_selector, field_selector)

    def create(self, resource: str, obj: dict[str, Any], namespace: str = "") -> dict[str, Any]:
        namespace = namespace or obj.get("metadata", {}).get("namespace", "")
        return self.server.create(self.identity, resource, namespace, obj)

    def update(self, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
        meta = obj["metadata"]
        return self.server.update(self.identity, resource, meta.get("namespace", ""), meta["name"], obj)

    def update_status(self, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
        meta = obj["metadata"]
        return self.server.update(
            self.identity, resource, meta.get("namespace", ""), meta["name"], obj, subresource="status"
        )

    def patch(
        self,
        resource: str,
        namespace: str,
        name: str,
        patch: Any,
        patch_type: str = PATCH_STRATEGIC,
        subresource: str = "",
    ) -> dict[str, Any]:
        return self.server.patch(self.identity, resource, namespace, name, patch, patch_type, subresource)

    def merge_patch(
        self, resource: str, namespace: str, name: str, patch: Any, subresource: str = ""
    ) -> dict[str, Any]:
        return self.patch(resource, namespace, name, patch, PATCH_MERGE, subresource)

    def apply(self, obj: dict[str, Any], resource: str, field_manager: str, force: bool = True) -> dict[str, Any]:
        """Server-side apply (``kubectl apply --server-side``)."""
        meta = obj["metadata"]
        return self.server.patch(
            self.identity,
            resource,
            meta.get("namespace", ""),
            meta["name"],
            obj,
            PATCH_APPLY,
            field_manager=field_manager,
            force=force,
        )

    def delete(
        self,
        resource: str,
        namespace: str,
        name: str,
        grace_period_seconds: int | None = None,
        propagation_policy: str | None = None,
        preconditions: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return self.server.delete(
            self.identity, resource, namespace, name, grace_period_seconds, propagation_policy, preconditions
        )

    def watch(
        self,
        resource: str,
        handler: ApiWatchHandler,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resource_version: str | None = None,
        transform: Transform | None = None,
    ) -> ApiWatch:
        """Objects handed to ``handler`` are shared with the event's other watchers: read-only."""
        return self.server.watch(
            self.identity, resource, handler, namespace, label_selector, field_selector, resource_version, transform
        )

    # -- subresources -------------------------------------------------------------------------
    def bind(self, namespace: str, pod: str, node: str) -> dict[str, Any]:
        binding = {
            "apiVersion": "v1",
            "kind": "Binding",
            "metadata": {"name": pod, "namespace": namespace},
            "target": {"apiVersion": "v1", "kind": "Node", "name": node},
        }
        return self.server.create(self.identity, "pods", namespace, binding, subresource="binding", name=pod)

    def evict(self, namespace: str, pod: str) -> dict[str, Any]:
        eviction = {"apiVersion": "policy/v1", "kind": "Eviction", "metadata": {"name": pod, "namespace": namespace}}
        return self.server.create(self.identity, "pods", namespace, eviction, subresource="eviction", name=pod)

    def scale(self, resource: str, namespace: str, name: str, replicas: int) -> dict[str, Any]:
        return self.server.patch(
            self.identity, resource, namespace, name, {"spec": {"replicas": replicas}}, PATCH_MERGE, subresource="scale"
        )

    def get_scale(self, resource: str, namespace: str, name: str) -> dict[str, Any]:
        """GET ``/scale`` (an autoscaling/v1 Scale), as the HPA controller's scale client does."""
        return self.server.get(self.identity, resource, namespace, name, subresource="scale")

    def update_scale(self, resource: str, scale: dict[str, Any]) -> dict[str, Any]:
        """PUT ``/scale``: a conflict if the target changed since the Scale was read."""
        meta = scale["metadata"]
        return self.server.update(
            self.identity, resource, meta.get("namespace", ""), meta["name"], scale, subresource="scale"
        )

    def logs(self, namespace: str, pod: str, container: str | None = None, previous: bool = False) -> str:
        return self.server.logs(self.identity, namespace, pod, container, previous)
