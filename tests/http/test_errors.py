"""Errors arrive as metav1.Status with Kubernetes' wording; hostile input never breaks the server."""

from __future__ import annotations

import random

import pytest

from tests.http.conftest import Api, deployment

DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments"
CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


async def _still_serving(api: Api) -> None:
    code, body = await api.call("GET", "/version")
    assert code == 200 and body["major"] == "1"


async def test_not_found_and_already_exists_wording(api: Api) -> None:
    code, status = await api.call("GET", "/api/v1/namespaces/default/pods/nope")
    assert (code, status["reason"], status["message"]) == (404, "NotFound", 'pods "nope" not found')
    assert status["details"] == {"name": "nope", "kind": "pods"}
    await api.call("POST", DEPLOYMENTS, deployment())
    code, status = await api.call("POST", DEPLOYMENTS, deployment())
    assert (code, status["reason"]) == (409, "AlreadyExists")
    assert status["message"] == 'deployments.apps "web" already exists'


async def test_invalid_objects_are_422_with_field_causes(api: Api) -> None:
    bad = deployment(replicas=-1)
    code, status = await api.call("POST", DEPLOYMENTS, bad)
    assert code == 422 and status["reason"] == "Invalid"
    assert status["message"].startswith('Deployment.apps "web" is invalid: spec.replicas')
    assert any(c["field"] == "spec.replicas" for c in status["details"]["causes"])


async def test_unknown_fields_strict_is_an_error_warn_is_a_header(api: Api) -> None:
    body = deployment()
    body["spec"]["foo"] = 1
    body["spec"]["template"]["spec"]["containers"][0]["bar"] = True
    code, status = await api.call("POST", DEPLOYMENTS + "?fieldValidation=Strict", body)
    assert code == 400
    # In the order the decoder meets them in the document.
    assert status["message"] == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding '
        'error: unknown field "spec.template.spec.containers[0].bar", unknown field '
        '"spec.foo"'
    )
    async with api.session.post(api.url + DEPLOYMENTS, json=body) as response:
        assert response.status == 201
        assert response.headers.getall("Warning") == [
            '299 - "unknown field \\"spec.template.spec.containers[0].bar\\""',
            '299 - "unknown field \\"spec.foo\\""',
        ]
    code, status = await api.call(
        "PATCH",
        DEPLOYMENTS + "/web?fieldValidation=Strict",
        {"spec": {"nope": 1}},
        content_type="application/strategic-merge-patch+json",
    )
    assert code == 400 and status["message"] == 'strict decoding error: unknown field "spec.nope"'
    code, status = await api.call("POST", DEPLOYMENTS + "?fieldValidation=Loud", deployment("x"))
    assert code == 422 and "fieldValidation: Unsupported value" in status["message"]


async def test_fields_kubernetes_has_but_the_models_do_not_spell_out_are_accepted(api: Api) -> None:
    body = deployment()
    body["spec"]["template"]["spec"]["securityContext"] = {"seccompProfile": {"type": "RuntimeDefault"}}
    body["spec"]["template"]["spec"]["containers"][0]["securityContext"] = {
        "seccompProfile": {"type": "RuntimeDefault"}
    }
    code, _ = await api.call("POST", DEPLOYMENTS + "?fieldValidation=Strict", body)
    assert code == 201


async def test_server_side_apply_of_an_undeclared_field(api: Api) -> None:
    body = deployment()
    body["spec"]["foo"] = 1
    code, status = await api.call(
        "PATCH", DEPLOYMENTS + "/web?fieldManager=kubectl", body, content_type="application/apply-patch+yaml"
    )
    # not a metav1.Status in kube-apiserver: ErrorToAPIStatus makes it a 500 with no reason
    assert (code, status["reason"]) == (500, "")
    assert status["message"] == (
        "failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
        ".spec.foo: field not declared in schema"
    )


@pytest.mark.parametrize(("field", "value", "problem"), [
    ("replicas", "three", "expected numeric (int or float), got string"),
    ("paused", "yes", "expected boolean, got &{yes}"),
    ("minReadySeconds", [1], "expected numeric (int or float), got []interface {}"),
])
async def test_server_side_apply_of_a_wrong_type_is_structured_merge_diffs_error(
    api: Api, field: str, value: object, problem: str
) -> None:
    body = deployment()
    body["spec"][field] = value
    code, status = await api.call(
        "PATCH", DEPLOYMENTS + "/web?fieldManager=kubectl", body, content_type="application/apply-patch+yaml"
    )
    assert (code, status["message"]) == (
        500, f"failed to create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.{field}: {problem}"
    )


@pytest.mark.parametrize(
    ("raw", "content_type", "fragment"),
    [
        (b"{not json", "application/json", "json parse error"),
        (b"key: [unclosed", "application/yaml", "error converting YAML to JSON"),
        (b"a: &x [1]\nb: *x\n", "application/yaml", "aliases are not supported"),
        (b"", "application/json", "empty"),
        (b"[1, 2, 3]", "application/json", "expected a JSON object"),
        (b'"just a string"', "application/json", "expected a JSON object"),
        (b"[" * 5000 + b"]" * 5000, "application/json", "json parse error"),
        (
            b'{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}}',
            "application/json",
            "does not match",
        ),
        (
            b'{"apiVersion": "v2", "kind": "ConfigMap", "metadata": {"name": "x"}}',
            "application/json",
            "API version",
        ),
        (b'{"apiVersion": "v1", "kind": "ConfigMap", "metadata": "x"}', "application/json", "metadata"),
    ],
)
async def test_malformed_bodies_are_400(api: Api, raw: bytes, content_type: str, fragment: str) -> None:
    code, status = await api.call("POST", CONFIGMAPS, raw=raw, content_type=content_type)
    assert code == 400, status
    assert status["kind"] == "Status" and fragment in status["message"]
    await _still_serving(api)


async def test_bodies_over_3_mib_are_413(api: Api) -> None:
    huge = b'{"data": {"k": "' + b"x" * (3 * 1024 * 1024) + b'"}}'
    code, status = await api.call("POST", CONFIGMAPS, raw=huge)
    assert code == 413 and status["reason"] == "RequestEntityTooLarge"
    await _still_serving(api)


async def test_wrong_methods_are_405(api: Api) -> None:
    await api.call("POST", DEPLOYMENTS, deployment())
    for method, path in (
        ("POST", DEPLOYMENTS + "/web"),
        ("PUT", DEPLOYMENTS),
        ("PATCH", DEPLOYMENTS),
        ("POST", "/version"),
        ("DELETE", "/apis"),
        ("PUT", "/api/v1/namespaces/default/pods/x/log"),
    ):
        code, status = await api.call(method, path, {"x": 1})
        assert code == 405, (method, path)
        assert status["reason"] == "MethodNotAllowed"


async def test_port_forward_needs_an_upgrade(api: Api) -> None:
    code, status = await api.call("POST", "/api/v1/namespaces/default/pods/p/portforward?ports=80")
    assert code == 400 and status["message"] == "Upgrade request required"


async def test_exec_and_attach_need_streams_and_an_upgrade(api: Api) -> None:
    for sub in ("exec", "attach"):
        code, status = await api.call("POST", f"/api/v1/namespaces/default/pods/p/{sub}?command=ls")
        assert code == 400 and status["message"] == "you must specify at least 1 of stdin, stdout, stderr"
        code, status = await api.call("GET", f"/api/v1/namespaces/default/pods/p/{sub}?command=ls&stdout=true")
        assert code == 400 and status["message"] == "Upgrade request required"


async def test_bad_query_values(api: Api) -> None:
    code, status = await api.call("GET", CONFIGMAPS + "?limit=lots")
    assert code == 400 and "limit" in status["message"]
    code, status = await api.call("GET", CONFIGMAPS + "?watch=true&resourceVersion=abc")
    assert code == 400 and "resource version" in status["message"]
    code, status = await api.call("GET", CONFIGMAPS + "?fieldSelector=spec.nonsense%3D1")
    assert code == 400 and status["reason"] == "BadRequest"
    code, status = await api.call(
        "GET",
        CONFIGMAPS,
        headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"},
    )
    assert code == 200 and status["kind"] == "Table"
    code, status = await api.call(
        "GET",
        CONFIGMAPS + "?includeObject=Everything",
        headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"},
    )
    assert code == 400


async def test_random_paths_methods_and_bodies_never_500(api: Api) -> None:
    """A bounded fuzz: whatever arrives, the answer is a Status (or a document), never a 500."""
    rng = random.Random(7)
    pieces = [
        "api",
        "apis",
        "v1",
        "apps",
        "namespaces",
        "default",
        "pods",
        "deployments",
        "scale",
        "status",
        "log",
        "eviction",
        "binding",
        "watch",
        "%00",
        "..",
        "x" * 300,
        "kube-system",
        "nodes",
        "finalize",
    ]
    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    types = [
        "application/json",
        "application/yaml",
        "application/merge-patch+json",
        "application/strategic-merge-patch+json",
        "application/json-patch+json",
        "application/apply-patch+yaml",
    ]
    bodies = [
        b"{}",
        b"null",
        b"[]",
        b'{"metadata": {"name": 5}}',
        b'{"spec": [1]}',
        b"\xff\xfe",
        b"1e999",
        b'{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fz"}, "spec": {"containers": 3}}',
        b'[{"op": "remove", "path": "/metadata"}]',
        b'{"kind": "Status"}',
    ]
    for _ in range(300):
        path = "/" + "/".join(rng.choice(pieces) for _ in range(rng.randint(1, 7)))
        if rng.random() < 0.3:
            path += "?" + rng.choice(
                [
                    "watch=1&timeoutSeconds=0",
                    "limit=-1",
                    "labelSelector=%3D%3D",
                    "dryRun=All",
                    "fieldManager=" + "m" * 200,
                    "continue=zzz",
                    "gracePeriodSeconds=-5",
                ]
            )
        code, body = await api.call(rng.choice(methods), path, raw=rng.choice(bodies), content_type=rng.choice(types))
        assert code != 500 and code < 600, (path, body)
    await _still_serving(api)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("resourceVersion=5&resourceVersionMatch=bogus",
         'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Unsupported value: "bogus": supported values: '
         '"Exact", "NotOlderThan", ""'),
        ("resourceVersion=0&resourceVersionMatch=Exact",
         'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is '
         'forbidden for resourceVersion "0"'),
        ("resourceVersionMatch=NotOlderThan",
         'ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden '
         "unless resourceVersion is provided"),
    ],
)
async def test_list_options_are_validated(api: Api, query: str, message: str) -> None:
    code, body = await api.call("GET", f"/api/v1/namespaces/default/pods?{query}")
    assert code == 422 and body["message"] == message
    allowed = "resourceVersion=0&resourceVersionMatch=NotOlderThan"
    assert (await api.call("GET", f"/api/v1/namespaces/default/pods?{allowed}"))[0] == 200
