"""Hostile or odd requests get Kubernetes' answers: options, media types, identities, limits, slow watchers."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest

from tests.http.conftest import KUBECTL_AGENT, Api, deployment, pod

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"
MERGE = "application/merge-patch+json"


def configmap(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


# ---------------------------------------------------------------------------------------- B1
async def test_a_patch_may_not_rename_move_or_change_the_uid(api: Api) -> None:
    await api.call("POST", DEPLOYMENTS, deployment())
    code, status = await api.call(
        "PATCH", DEPLOYMENTS + "/web", [{"op": "replace", "path": "/metadata/name", "value": "other"}],
        content_type="application/json-patch+json",
    )
    assert (code, status["message"]) == (400, "the name of the object (other) does not match the name on the URL (web)")
    code, status = await api.call("PATCH", DEPLOYMENTS + "/web", {"metadata": {"namespace": "kube-system"}},
                                  content_type=MERGE)
    assert (code, status["message"]) == (
        400, "the namespace of the provided object does not match the namespace sent on the request")
    code, status = await api.call("PATCH", DEPLOYMENTS + "/web", {"metadata": {"uid": "123"}}, content_type=MERGE)
    assert (code, status["reason"]) == (422, "Invalid")
    assert status["message"] == (
        'Deployment.apps "web" is invalid: metadata.uid: Invalid value: "123": field is immutable')
    assert status["details"]["causes"] == [
        {"reason": "FieldValueInvalid", "message": 'Invalid value: "123": field is immutable', "field": "metadata.uid"}]
    _, live = await api.call("GET", DEPLOYMENTS + "/web")
    assert live["metadata"]["generation"] == 1


async def test_a_put_with_another_uid_fails_its_precondition(api: Api) -> None:
    _, created = await api.call("POST", CONFIGMAPS, configmap("x"))
    body = configmap("x", a="1")
    body["metadata"]["uid"] = "zzz"
    code, status = await api.call("PUT", CONFIGMAPS + "/x", body)
    assert (code, status["reason"]) == (409, "Conflict")
    assert status["message"] == (
        'Operation cannot be fulfilled on configmaps "x": Precondition failed: UID in precondition: zzz, '
        f"UID in object meta: {created['metadata']['uid']}")
    body["metadata"]["uid"] = created["metadata"]["uid"]
    assert (await api.call("PUT", CONFIGMAPS + "/x", body))[0] == 200


# ---------------------------------------------------------------------------------------- B2
@pytest.mark.parametrize(
    ("method", "path", "body", "content_type", "message"),
    [
        ("POST", CONFIGMAPS + "?fieldManager=" + "m" * 129, configmap("a"), "application/json",
         'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: must have at most 128 bytes'),
        ("PUT", CONFIGMAPS + "/a?fieldManager=%00%01bad", configmap("a"), "application/json",
         'UpdateOptions.meta.k8s.io "" is invalid: [fieldManager: Invalid value: "\\x00\\x01bad": invalid character '
         'U+0000 (at position 0), fieldManager: Invalid value: "\\x00\\x01bad": invalid character U+0001 '
         "(at position 1)]"),
        ("POST", CONFIGMAPS + "?fieldValidation=Bogus", configmap("a"), "application/json",
         'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Bogus": supported values: '
         '"", "Ignore", "Strict", "Warn"'),
        ("PATCH", CONFIGMAPS + "/a?force=maybe", {"data": {}}, MERGE,
         'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch'),
        ("PATCH", CONFIGMAPS + "/a", configmap("a"), "application/apply-patch+yaml",
         'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'),
    ],
)
async def test_write_options_are_validated(
    api: Api, method: str, path: str, body: Any, content_type: str, message: str
) -> None:
    code, status = await api.call(method, path, body, content_type=content_type)
    assert (code, status["reason"], status["message"]) == (422, "Invalid", message)
    assert status["details"]["group"] == "meta.k8s.io" and "name" not in status["details"]


async def test_boolean_parameters_read_as_go_reads_them(api: Api) -> None:
    """runtime.Convert_Slice_string_To_bool: anything but "false" and "0" is true."""
    await api.call("POST", CONFIGMAPS, configmap("a"))
    code, _ = await api.call(
        "PATCH", CONFIGMAPS + "/a?fieldManager=m&force=maybe", configmap("a", k="v"),
        content_type="application/apply-patch+yaml",
    )
    assert code == 200
    async with api.session.get(f"{api.url}{CONFIGMAPS}?watch=maybe") as response:
        api.settle()
        line = await asyncio.wait_for(response.content.readline(), 5)
    assert orjson.loads(line)["type"] == "ADDED"


# ---------------------------------------------------------------------------------------- B4
async def test_a_name_longer_than_8190_bytes_is_an_ordinary_404(api: Api) -> None:
    name = "a" * 100_000
    code, status = await api.call("GET", f"{CONFIGMAPS}/{name}")
    assert (code, status["message"]) == (404, f'configmaps "{name}" not found')
    code, status = await api.call("GET", CONFIGMAPS, headers={"X-Big": "b" * 20_000})
    assert code == 200


async def test_a_head_beyond_the_limit_is_refused_and_the_server_keeps_serving(api: Api) -> None:
    async with api.session.get(f"{api.url}{CONFIGMAPS}/{'a' * (2 << 20)}") as response:
        assert response.status == 400
    assert (await api.call("GET", "/version"))[0] == 200


# ---------------------------------------------------------------------------------------- B5
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded"])
async def test_a_body_in_an_unknown_format_is_415(api: Api, content_type: str) -> None:
    code, status = await api.call("POST", CONFIGMAPS, configmap("a"), content_type=content_type)
    assert (code, status["reason"], status["message"]) == (
        415, "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json, application/yaml, application/vnd.kubernetes.protobuf")
    await api.call("POST", CONFIGMAPS, configmap("a"))
    code, _ = await api.call("PUT", CONFIGMAPS + "/a", configmap("a"), content_type=content_type)
    assert code == 415
    code, _ = await api.call("POST", CONFIGMAPS, configmap("b"), content_type="application/json; charset=utf-8")
    assert code == 201


# ---------------------------------------------------------------------------------------- B7
async def test_list_resource_versions_from_the_future_or_not_numbers(api: Api) -> None:
    current = api.cluster.store.revision
    for query in ("resourceVersion=999999999&resourceVersionMatch=Exact", "resourceVersion=999999999"):
        code, status = await api.call("GET", f"/api/v1/pods?{query}")
        assert (code, status["reason"]) == (504, "Timeout")
        assert status["message"] == f"Timeout: Too large resource version: 999999999, current: {current}"
        assert status["details"] == {
            "causes": [{"reason": "ResourceVersionTooLarge", "message": "Too large resource version"}],
            "retryAfterSeconds": 1}
    assert (await api.call("GET", f"/api/v1/pods?resourceVersion={current}"))[0] == 200
    for path in ("/api/v1/pods?resourceVersion=abc", "/api/v1/pods?watch=true&resourceVersion=abc"):
        code, status = await api.call("GET", path)
        assert (code, status["message"]) == (
            400, 'invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": '
            "invalid syntax")


async def test_a_negative_watch_timeout_ends_the_watch_at_once(api: Api) -> None:
    async with api.session.get(f"{api.url}{CONFIGMAPS}?watch=true&timeoutSeconds=-5") as response:
        assert await asyncio.wait_for(response.read(), 5) == b""


async def test_scale_replicas_of_the_wrong_type(api: Api) -> None:
    await api.call("POST", DEPLOYMENTS, deployment())
    code, status = await api.call("PUT", DEPLOYMENTS + "/web/scale", {"spec": {"replicas": "x"}})
    assert (code, status["message"]) == (
        400, 'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal string into Go struct '
        "field ScaleSpec.spec.replicas of type int32")
    code, status = await api.call("PUT", DEPLOYMENTS + "/web/scale", {"spec": {"replicas": -1}})
    assert (code, status["message"]) == (
        422, 'Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0')
    assert status["details"]["kind"] == "Scale"


@pytest.mark.parametrize(
    ("query", "code", "message"),
    [
        ("tailLines=-1", 422,
         'PodLogOptions "p1" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0'),
        ("sinceSeconds=0", 422,
         'PodLogOptions "p1" is invalid: sinceSeconds: Invalid value: 0: must be greater than 0'),
        ("sinceSeconds=abc", 400, 'strconv.ParseInt: parsing "abc": invalid syntax'),
    ],
)
async def test_log_options_are_validated(api: Api, query: str, code: int, message: str) -> None:
    await api.call("POST", "/api/v1/namespaces/default/pods", pod("p1"))
    got, status = await api.call("GET", f"/api/v1/namespaces/default/pods/p1/log?{query}")
    assert (got, status["message"]) == (code, message)


async def test_delete_options_errors_name_delete_options(api: Api) -> None:
    code, status = await api.call("DELETE", CONFIGMAPS + "/nope?propagationPolicy=Sideways")
    assert code == 422
    assert status["message"] == (
        'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": '
        'supported values: "Foreground", "Background", "Orphan", "nil"')
    assert status["details"] == {"group": "meta.k8s.io", "kind": "DeleteOptions", "causes": [{
        "reason": "FieldValueNotSupported", "field": "propagationPolicy",
        "message": 'Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"'}]}


# ---------------------------------------------------------------------------------------- B9
async def test_a_missing_api_version_shows_the_body_as_json(api: Api) -> None:
    code, status = await api.call(
        "PATCH", CONFIGMAPS + "/ssa?fieldManager=m", raw=b"kind: ConfigMap\nmetadata:\n  name: ssa\n",
        content_type="application/apply-patch+yaml",
    )
    assert (code, status["message"]) == (
        400, """Object 'apiVersion' is missing in '{"kind":"ConfigMap","metadata":{"name":"ssa"}}'""")


# ---------------------------------------------------------------------------------------- A5
async def test_a_watcher_that_falls_too_far_behind_is_closed(api: Api) -> None:
    api.server.streams.max_buffered_events = 100
    async with api.session.get(f"{api.url}{CONFIGMAPS}?watch=true", headers={"User-Agent": KUBECTL_AGENT}) as resp:
        for i in range(300):  # all delivered before the writer can run
            api.cluster.api.create("test", "configmaps", "default", configmap(f"c{i}"))
        api.settle()
        assert not api.cluster.api.watches
        await asyncio.wait_for(resp.read(), 5)  # the stream ends: client-go watches again


async def test_a_client_that_stops_reading_is_dropped(api: Api) -> None:
    api.server.streams.stall_timeout = 0.3
    big = "x" * 200_000
    resp = await api.session.get(f"{api.url}{CONFIGMAPS}?watch=true")
    try:
        for i in range(100):  # 20 MB the client never reads: the socket buffers fill, the writes stall
            api.cluster.api.create("test", "configmaps", "default", configmap(f"c{i}", k=big))
            api.settle()
            await asyncio.sleep(0)
        for _ in range(100):
            if not api.cluster.api.watches:
                break
            await asyncio.sleep(0.05)
        assert not api.cluster.api.watches
    finally:
        resp.close()


async def test_a_fast_client_gets_a_burst_of_thousands_of_events(api: Api) -> None:
    async with api.session.get(f"{api.url}{CONFIGMAPS}?watch=true") as response:
        for i in range(5000):
            api.cluster.api.create("test", "configmaps", "default", configmap(f"c{i}"))
        api.settle()
        names = []
        for _ in range(5000):
            line = await asyncio.wait_for(response.content.readline(), 5)
            names.append(orjson.loads(line)["object"]["metadata"]["name"])
    assert names == [f"c{i}" for i in range(5000)]

