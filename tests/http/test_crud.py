"""Create, read, update, patch, delete over HTTP: the verbs kubectl uses, with its query parameters."""

from __future__ import annotations

import orjson

from kubetui.sim.trace import ApiRequest
from tests.http.conftest import Api, deployment, pod

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
PODS = "/api/v1/namespaces/default/pods"


async def test_create_get_and_list(api: Api) -> None:
    code, created = await api.call("POST", DEPLOYMENTS + "?fieldManager=kubectl-client-side-apply", deployment())
    assert code == 201
    assert created["metadata"]["uid"] and created["metadata"]["resourceVersion"]
    code, got = await api.call("GET", DEPLOYMENTS + "/web")
    assert code == 200 and got["spec"]["replicas"] == 2
    code, listed = await api.call("GET", DEPLOYMENTS)
    assert listed["kind"] == "DeploymentList" and [d["metadata"]["name"] for d in listed["items"]] == ["web"]
    code, everywhere = await api.call("GET", "/apis/apps/v1/deployments")
    assert [d["metadata"]["namespace"] for d in everywhere["items"]] == ["default"]


async def test_a_body_without_kind_takes_the_endpoints_kind(api: Api) -> None:
    code, created = await api.call(
        "POST", "/api/v1/namespaces/default/configmaps", {"metadata": {"name": "cfg"}, "data": {"a": "1"}}
    )
    assert code == 201 and created["kind"] == "ConfigMap" and created["apiVersion"] == "v1"


async def test_yaml_bodies_are_accepted(api: Api) -> None:
    body = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  k: v\n"
    code, created = await api.call(
        "POST", "/api/v1/namespaces/default/configmaps", raw=body, content_type="application/yaml"
    )
    assert code == 201 and created["data"] == {"k": "v"}


async def test_label_and_field_selectors_and_paging(api: Api) -> None:
    for name, tier in (("a", "front"), ("b", "back"), ("c", "front")):
        await api.call("POST", PODS, pod(name, tier=tier))
    _, front = await api.call("GET", PODS + "?labelSelector=tier%3Dfront")
    assert [p["metadata"]["name"] for p in front["items"]] == ["a", "c"]
    _, named = await api.call("GET", PODS + "?fieldSelector=metadata.name%3Db")
    assert [p["metadata"]["name"] for p in named["items"]] == ["b"]
    _, page = await api.call("GET", PODS + "?limit=2")
    assert len(page["items"]) == 2 and page["metadata"]["continue"]
    _, rest = await api.call("GET", PODS + "?limit=2&continue=" + page["metadata"]["continue"])
    assert [p["metadata"]["name"] for p in rest["items"]] == ["c"]
    code, body = await api.call("GET", PODS + "?labelSelector=a%20b%20c")
    assert code == 400 and body["reason"] == "BadRequest"


async def test_update_with_a_stale_resource_version_is_a_conflict(api: Api) -> None:
    _, created = await api.call("POST", DEPLOYMENTS, deployment())
    created["spec"]["replicas"] = 3
    code, updated = await api.call("PUT", DEPLOYMENTS + "/web", created)
    assert code == 200 and updated["spec"]["replicas"] == 3
    created["spec"]["replicas"] = 4  # still carries the old resourceVersion
    code, status = await api.call("PUT", DEPLOYMENTS + "/web", created)
    assert code == 409 and status["reason"] == "Conflict"
    assert status["message"].startswith('Operation cannot be fulfilled on deployments.apps "web"')


async def test_the_three_patch_types(api: Api) -> None:
    await api.call("POST", DEPLOYMENTS, deployment())
    strategic = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.28"}]}}}}
    code, patched = await api.call(
        "PATCH", DEPLOYMENTS + "/web", strategic, content_type="application/strategic-merge-patch+json"
    )
    assert code == 200 and patched["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    _, patched = await api.call(
        "PATCH", DEPLOYMENTS + "/web", {"spec": {"paused": True}}, content_type="application/merge-patch+json"
    )
    assert patched["spec"]["paused"] is True
    _, patched = await api.call(
        "PATCH",
        DEPLOYMENTS + "/web",
        [{"op": "replace", "path": "/spec/replicas", "value": 5}],
        content_type="application/json-patch+json",
    )
    assert patched["spec"]["replicas"] == 5
    code, status = await api.call("PATCH", DEPLOYMENTS + "/web", {"spec": {}}, content_type="text/plain")
    assert code == 415 and status["reason"] == "UnsupportedMediaType"


async def test_server_side_apply_creates_then_updates(api: Api) -> None:
    body = orjson.dumps(deployment(replicas=1))
    path = DEPLOYMENTS + "/web?fieldManager=kubectl&force=false"
    code, created = await api.call("PATCH", path, raw=body, content_type="application/apply-patch+yaml")
    assert code == 201 and created["spec"]["replicas"] == 1
    code, updated = await api.call(
        "PATCH", path, raw=orjson.dumps(deployment(replicas=4)), content_type="application/apply-patch+yaml"
    )
    assert code == 200 and updated["spec"]["replicas"] == 4


async def test_scale_subresource(api: Api) -> None:
    await api.call("POST", DEPLOYMENTS, deployment())
    code, scale = await api.call("GET", DEPLOYMENTS + "/web/scale")
    assert code == 200 and scale["kind"] == "Scale" and scale["spec"]["replicas"] == 2
    code, scale = await api.call(
        "PATCH",
        DEPLOYMENTS + "/web/scale",
        {"spec": {"replicas": 7}},
        content_type="application/merge-patch+json",
    )
    assert code == 200 and scale["spec"]["replicas"] == 7
    assert (await api.call("GET", DEPLOYMENTS + "/web"))[1]["spec"]["replicas"] == 7


async def test_dry_run_writes_nothing(api: Api) -> None:
    code, _ = await api.call("POST", DEPLOYMENTS + "?dryRun=All", deployment())
    assert code == 201
    assert (await api.call("GET", DEPLOYMENTS + "/web"))[0] == 404
    code, status = await api.call("POST", DEPLOYMENTS + "?dryRun=Maybe", deployment())
    assert code == 400 and "dryRun" in status["message"]


async def test_delete_with_propagation_policy_in_the_body(api: Api) -> None:
    await api.call("POST", DEPLOYMENTS, deployment())
    code, body = await api.call(
        "DELETE",
        DEPLOYMENTS + "/web",
        {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"},
    )
    assert code == 200
    # Foreground deletion waits for the dependents: the object stays, with a finalizer, until the GC is done.
    assert body["kind"] == "Deployment" and "foregroundDeletion" in body["metadata"]["finalizers"]
    await api.call("POST", DEPLOYMENTS, deployment("other"))
    code, status = await api.call("DELETE", DEPLOYMENTS + "/other?propagationPolicy=Background")
    assert code == 200 and status["status"] == "Success" and status["details"]["name"] == "other"
    code, status = await api.call("DELETE", DEPLOYMENTS + "/other")
    assert code == 404 and status["message"] == 'deployments.apps "other" not found'


async def test_delete_collection_by_label(api: Api) -> None:
    for name, tier in (("a", "front"), ("b", "back")):
        await api.call("POST", PODS, pod(name, tier=tier))
    code, deleted = await api.call("DELETE", PODS + "?labelSelector=tier%3Dfront")
    assert code == 200 and [p["metadata"]["name"] for p in deleted["items"]] == ["a"]
    _, left = await api.call("GET", PODS)
    assert [p["metadata"]["name"] for p in left["items"]] == ["b"]


async def test_eviction_and_binding_subresources(api: Api) -> None:
    await api.call("POST", PODS, pod("p"))
    binding = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": "p"},
        "target": {"apiVersion": "v1", "kind": "Node", "name": "node-1"},
    }
    code, _ = await api.call("POST", PODS + "/p/binding", binding)
    assert code == 201
    assert (await api.call("GET", PODS + "/p"))[1]["spec"]["nodeName"] == "node-1"
    eviction = {
        "apiVersion": "policy/v1",
        "kind": "Eviction",
        "metadata": {"name": "p", "namespace": "default"},
    }
    code, status = await api.call("POST", PODS + "/p/eviction", eviction)
    assert code == 201 and status["status"] == "Success"
    _, evicted = await api.call("GET", PODS + "/p")
    assert evicted["metadata"]["deletionTimestamp"]  # graceful: the kubelet finishes it


async def test_status_subresource_and_identity(api: Api) -> None:
    _, created = await api.call("POST", PODS, pod("p"))
    created["status"]["phase"] = "Running"
    code, updated = await api.call("PUT", PODS + "/p/status", created)
    assert code == 200 and updated["status"]["phase"] == "Running"
    requests = [r for r in api.cluster.trace.history if isinstance(r, ApiRequest)]
    assert [r.who for r in requests if r.subresource == "status"][-1] == "kubectl"
    async with api.session.get(api.url + PODS, headers={"User-Agent": "OpenAPI-Generator/31.0.0/python"}):
        pass
    async with api.session.get(api.url + PODS, headers={"User-Agent": "curl/8.0"}):
        pass
    whos = [r.who for r in api.cluster.trace.history if isinstance(r, ApiRequest) and r.verb == "list"]
    assert whos[-2:] == ["python-client", "http-client"]
