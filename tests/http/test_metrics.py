"""metrics.k8s.io/v1beta1 over HTTP: discovery, JSON for kubectl top, metrics-server's Table, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from kubetui.http.server import ApiHttpServer
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from tests.http.conftest import TABLE, Api
from tests.metrics.walkthrough import load_generator, php_apache

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


@pytest.fixture
async def loaded() -> AsyncIterator[Api]:
    cluster = Cluster(seed=3, nodes=default_nodes(2))
    php_apache(cluster)
    cluster.run_for(20)
    load_generator(cluster)
    cluster.run_for(40)
    server = ApiHttpServer(cluster, None, port=0)
    await server.start()
    async with aiohttp.ClientSession() as session:
        yield Api(cluster, server, session)
    await server.stop()


async def test_discovery_lists_the_metrics_group(api: Api) -> None:
    status, body = await api.call("GET", "/apis/metrics.k8s.io/v1beta1")
    assert status == 200 and body["groupVersion"] == "metrics.k8s.io/v1beta1"
    assert {(r["name"], r["kind"], r["namespaced"], tuple(r["verbs"])) for r in body["resources"]} == {
        ("nodes", "NodeMetrics", False, ("get", "list")), ("pods", "PodMetrics", True, ("get", "list"))}
    _, groups = await api.call("GET", "/apis")
    assert "metrics.k8s.io" in [g["name"] for g in groups["groups"]]
    _, aggregated = await api.call("GET", "/apis", headers={"Accept": AGGREGATED})
    assert "metrics.k8s.io" in [g["metadata"]["name"] for g in aggregated["items"]]


async def test_pod_and_node_metrics_as_kubectl_top_reads_them(loaded: Api) -> None:
    status, pods = await loaded.call("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")
    assert status == 200 and pods["kind"] == "PodMetricsList"
    assert pods["items"][0]["metadata"]["name"] == "load-generator"
    status, selected = await loaded.call(
        "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=run%3Dphp-apache")
    (item,) = selected["items"]
    assert item["containers"][0]["usage"]["cpu"] == "500m"
    status, one = await loaded.call(
        "GET", f"/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/{item['metadata']['name']}")
    assert status == 200 and one["kind"] == "PodMetrics"
    status, every = await loaded.call("GET", "/apis/metrics.k8s.io/v1beta1/pods")
    assert status == 200 and sorted(p["metadata"]["namespace"] for p in every["items"]) == [
        "default", "default", "kube-system", "kube-system"]  # every namespace: CoreDNS's two pods too
    status, nodes = await loaded.call("GET", "/apis/metrics.k8s.io/v1beta1/nodes")
    assert status == 200 and [n["metadata"]["name"] for n in nodes["items"]] == ["node-1", "node-2"]
    status, table = await loaded.call("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods",
                                      headers={"Accept": TABLE})
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "cpu", "memory", "Window"]
    assert table["rows"][1]["cells"][1:2] == ["500m"]


async def test_errors(loaded: Api) -> None:
    status, body = await loaded.call("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope")
    assert status == 404 and body["message"] == 'pods "nope" not found'
    status, body = await loaded.call("DELETE", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/x")
    assert status == 405
    status, body = await loaded.call("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/nodes")
    assert status == 404
