"""What the kubelet reads for its containers' configuration: ConfigMaps and Secrets by GET, Services from an informer.

As Go's kubelet: Services come from its own informer (the serviceLister behind the service-link variables); a
ConfigMap or a Secret is read from the API server when a container starts or a volume is written. A missing one is
the kubelet managers' NotFound, whose resource is singular: ``configmap "special-config" not found``.
"""

from __future__ import annotations

from typing import Any

from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.client.informer import Informer
from kubetui.node.container_env import ConfigError


class ConfigReader:
    def __init__(self, client: Client, services: Informer) -> None:
        self.client = client
        self.informer = services

    def _get(self, resource: str, kind: str, namespace: str, name: str) -> dict[str, Any]:
        try:
            return self.client.get(resource, namespace, name)
        except ApiError as err:
            if err.code == 404:
                raise ConfigError(f'{kind} "{name}" not found', not_found=True) from err
            raise ConfigError(err.message) from err

    def config_map(self, namespace: str, name: str) -> dict[str, Any]:
        return self._get("configmaps", "configmap", namespace, name)

    def secret(self, namespace: str, name: str) -> dict[str, Any]:
        return self._get("secrets", "secret", namespace, name)

    def services(self) -> list[dict[str, Any]] | None:
        return self.informer.list() if self.informer.synced else None
