"""A kubetui API server on a free port, around a small cluster on the fast clock (nothing runs by itself)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import orjson
import pytest

from kubetui.http.server import ApiHttpServer
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster

KUBECTL_AGENT = "kubectl/v1.32.4 (linux/amd64) kubernetes/abcdef"
TABLE = (
    "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
)


@dataclass
class Api:
    """The server under test and a client session speaking to it like kubectl."""

    cluster: Cluster
    server: ApiHttpServer
    session: aiohttp.ClientSession

    @property
    def url(self) -> str:
        return self.server.url

    async def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> tuple[int, Any]:
        data = raw if raw is not None else (orjson.dumps(body) if body is not None else None)
        all_headers = {
            "User-Agent": KUBECTL_AGENT,
            **({"Content-Type": content_type} if data is not None else {}),
            **(headers or {}),
        }
        async with self.session.request(method, self.url + path, data=data, headers=all_headers) as response:
            text = await response.read()
            try:
                return response.status, orjson.loads(text)
            except orjson.JSONDecodeError:
                return response.status, text.decode(errors="replace")

    def settle(self) -> None:
        """Deliver what the engine has queued (watch events) without moving time."""
        self.cluster.clock.settle()


def deployment(name: str = "web", replicas: int = 2, image: str = "nginx:1.27", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": image}]},
            },
            **spec,
        },
    }


def pod(name: str = "p1", node: str = "", **labels: str) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": "main", "image": "busybox", "command": ["sleep", "3600"]}]}
    if node:
        spec["nodeName"] = node
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"app": name}},
        "spec": spec,
    }


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    cluster = Cluster(seed=3, nodes=[], scheduler=False, controllers=False)
    server = ApiHttpServer(cluster, driver=None, port=0, bookmark_interval=0.05)
    await server.start()
    async with aiohttp.ClientSession() as session:
        yield Api(cluster, server, session)
    await server.stop()


@pytest.fixture
async def running() -> AsyncIterator[Api]:
    """Two nginx pods behind a Service with a named port, Running on two nodes."""
    cluster = Cluster(seed=3, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    web = deployment(replicas=2)
    web["spec"]["template"]["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "name": "web"}]
    kubectl.create("deployments", {**web, "metadata": {"name": "web", "namespace": "default"}})
    kubectl.create("services", {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": 80}]},
    })
    cluster.run_for(30)
    server = ApiHttpServer(cluster, driver=None, port=0)
    await server.start()
    async with aiohttp.ClientSession() as session:
        yield Api(cluster, server, session)
    await server.stop()
