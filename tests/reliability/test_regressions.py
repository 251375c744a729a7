"""Bugs the reliability runs found, each pinned by the smallest case that showed it."""

from __future__ import annotations

import asyncio

import aiohttp
import orjson

from kubetui.http.server import ApiHttpServer
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ApiRequest, Record


async def _put_unknown_control_field() -> tuple[int, list[str]]:
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    server = ApiHttpServer(cluster, driver=None, port=0)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "\x1f": None}
            url = server.url + "/api/v1/namespaces/default/configmaps"
            async with session.post(
                url, data=orjson.dumps(body), headers={"Content-Type": "application/json"}
            ) as r:
                return r.status, r.headers.getall("Warning", [])
    finally:
        await server.stop()


def test_a_warning_with_a_control_character_is_dropped_not_fatal() -> None:
    """An unknown field named "\\x1f" made a Warning header aiohttp refused to send: the client got no answer."""
    status, warnings = asyncio.run(_put_unknown_control_field())
    assert status == 201
    assert warnings == []  # as NewWarningHeader refuses control characters, the warning is dropped


def test_a_pod_deleted_just_before_a_partition_is_removed_after_the_heal() -> None:
    """Found by the convergence property (seed 0: scale to 0, partition, heal): the kubelet's final delete
    failed while partitioned and was never retried, so the pod stayed Terminating for ever."""
    cluster = Cluster(seed=1, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create(
        "pods",
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
        },
    )
    assert cluster.run_until(
        lambda: (cluster.get("pods", "default", "web") or {}).get("status", {}).get("phase") == "Running", 60
    )
    kubectl.delete("pods", "default", "web")
    cluster.clock.settle()  # the kubelet sees the deletion and starts stopping the containers
    cluster.chaos("partition-node", node="node-1")
    cluster.run_for(1)  # the containers stop; the final delete cannot reach the API server
    cluster.chaos("heal-node", node="node-1")
    assert cluster.run_until(lambda: cluster.get("pods", "default", "web") is None, 60)


def test_healing_a_partition_does_not_add_lease_renewal_loops() -> None:
    """Each heal used to start another lease-renewal loop beside the running one: two renewals every
    10 s after one heal, four after three."""
    cluster = Cluster(seed=1, nodes=default_nodes(1))
    cluster.run_for(30)
    renewals = [0]

    def count(record: Record) -> None:
        if isinstance(record, ApiRequest) and record.resource == "leases" and record.verb == "update":
            renewals[0] += 1

    cluster.trace.subscribe(count)
    cluster.run_for(100)
    before, renewals[0] = renewals[0], 0
    for _ in range(3):
        cluster.chaos("partition-node", node="node-1")
        cluster.run_for(5)
        cluster.chaos("heal-node", node="node-1")
        cluster.run_for(5)
    renewals[0] = 0
    cluster.run_for(100)
    assert renewals[0] == before


async def _apply_with_a_surrogate_key() -> tuple[int, dict[str, object]]:
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    server = ApiHttpServer(cluster, driver=None, port=0)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            url = server.url + "/api/v1/namespaces/default/configmaps/web?fieldManager=x"
            body = b'{"\\ud800\\udc00": null}'  # YAML decodes the escapes as two lone surrogates
            headers = {"Content-Type": "application/apply-patch+yaml"}
            async with session.patch(url, data=body, headers=headers) as r:
                return r.status, orjson.loads(await r.read())
    finally:
        await server.stop()


def test_an_error_about_a_lone_surrogate_is_a_status() -> None:
    """Found by a soak of the hostile HTTP requests: the error for an undeclared field named by two lone
    surrogates could not be encoded as JSON, and the client got a 500 with no Status. A message now joins a
    surrogate pair into its character and replaces a lone surrogate with U+FFFD, as Go's decoders do. (The
    error itself is a 500 with a Status, as kube-apiserver answers a failed typed conversion.)"""
    status, body = asyncio.run(_apply_with_a_surrogate_key())
    assert status == 500
    assert body["kind"] == "Status"
    assert body["message"] == (
        "failed to create typed patch object (default/web; /v1, Kind=ConfigMap): .\U00010000: "
        "field not declared in schema"
    )
    from kubetui.apiserver.errors import well_formed

    assert well_formed("a\ud800b") == "a\ufffdb"
