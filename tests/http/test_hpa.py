"""HorizontalPodAutoscaler over HTTP at autoscaling/v2 (stored) and autoscaling/v1 (converted both ways)."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson

from tests.http.conftest import Api

V1 = "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers"
V2 = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers"
REF = {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"}


def v1_hpa(name: str = "web", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": name},
            "spec": {"scaleTargetRef": REF, "maxReplicas": 10, "targetCPUUtilizationPercentage": 50, **spec}}


async def test_created_at_v1_stored_at_v2(api: Api) -> None:
    code, created = await api.call("POST", V1, v1_hpa())
    assert code == 201 and created["apiVersion"] == "autoscaling/v1"
    assert created["spec"] == {"scaleTargetRef": REF, "minReplicas": 1, "maxReplicas": 10,
                               "targetCPUUtilizationPercentage": 50}
    stored = api.cluster.api.get("test", "horizontalpodautoscalers", "default", "web")
    assert stored["apiVersion"] == "autoscaling/v2"
    assert stored["spec"]["metrics"][0]["resource"]["target"] == {"type": "Utilization", "averageUtilization": 50}
    code, got = await api.call("GET", V2 + "/web")
    assert got["apiVersion"] == "autoscaling/v2" and got["spec"]["minReplicas"] == 1
    code, listed = await api.call("GET", V1)
    assert listed["apiVersion"] == "autoscaling/v1" and listed["kind"] == "HorizontalPodAutoscalerList"
    assert listed["items"][0]["spec"]["targetCPUUtilizationPercentage"] == 50


async def test_patch_at_v1_applies_to_the_v1_view(api: Api) -> None:
    await api.call("POST", V2, {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                                "metadata": {"name": "web"}, "spec": {"scaleTargetRef": REF, "maxReplicas": 5}})
    code, patched = await api.call("PATCH", V1 + "/web", {"spec": {"targetCPUUtilizationPercentage": 70}},
                                   content_type="application/merge-patch+json")
    assert code == 200 and patched["spec"]["targetCPUUtilizationPercentage"] == 70
    code, patched = await api.call("PATCH", V1 + "/web", {"spec": {"maxReplicas": 7}},
                                   content_type="application/strategic-merge-patch+json")
    assert patched["apiVersion"] == "autoscaling/v1" and patched["spec"]["maxReplicas"] == 7
    code, got = await api.call("GET", V2 + "/web")
    assert got["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 70


async def test_v1_errors_name_the_v1_version_and_the_v2_paths(api: Api) -> None:
    code, status = await api.call("POST", V1, v1_hpa(maxReplicas="3"))
    assert code == 400
    assert status["message"] == (
        'HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: json: cannot '
        "unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas of type int32")
    code, status = await api.call("POST", V1, v1_hpa(targetCPUUtilizationPercentage=0))
    assert code == 422
    assert status["message"] == (
        'HorizontalPodAutoscaler.autoscaling "web" is invalid: spec.metrics[0].resource.target.averageUtilization: '
        "Invalid value: 0: must be greater than 0")
    code, status = await api.call("POST", V1 + "?fieldValidation=Strict", v1_hpa(metrics=[]))
    assert code == 400 and 'unknown field "spec.metrics"' in status["message"]


async def test_discovery_lists_both_versions_v2_preferred(api: Api) -> None:
    _, group = await api.call("GET", "/apis/autoscaling")
    assert [v["version"] for v in group["versions"]] == ["v2", "v1"]
    assert group["preferredVersion"]["version"] == "v2"
    _, resources = await api.call("GET", "/apis/autoscaling/v1")
    assert [r["name"] for r in resources["resources"]] == [
        "horizontalpodautoscalers", "horizontalpodautoscalers/status"]
    assert resources["resources"][0]["shortNames"] == ["hpa"]


async def test_table_and_delete_and_watch_at_v1(api: Api) -> None:
    _, listed = await api.call("GET", V1)
    url = f"{api.url}{V1}?watch=true&resourceVersion={listed['metadata']['resourceVersion']}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        await api.call("POST", V1, v1_hpa())
        code, table = await api.call("GET", V1, headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"})
        assert [c["name"] for c in table["columnDefinitions"]] == [
            "Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"]
        assert table["rows"][0]["cells"][:6] == ["web", "Deployment/web", "cpu: <unknown>/50%", "1", 10, 0]
        code, deleted = await api.call("DELETE", V1 + "/web")
        assert code == 200 and deleted["status"] == "Success"
        api.settle()
        events = [orjson.loads(await asyncio.wait_for(response.content.readline(), 5)) for _ in range(2)]
    assert [e["type"] for e in events] == ["ADDED", "DELETED"]
    assert {e["object"]["apiVersion"] for e in events} == {"autoscaling/v1"}
    assert events[0]["object"]["spec"]["targetCPUUtilizationPercentage"] == 50
