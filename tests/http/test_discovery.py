"""Discovery and OpenAPI: what kubectl reads before it does anything."""

from __future__ import annotations

from kubetui.http.protobuf import wire_fields
from tests.http.conftest import Api

AGGREGATED = (
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
)


async def test_version_reports_a_1_32_server(api: Api) -> None:
    code, body = await api.call("GET", "/version")
    assert code == 200
    assert (body["major"], body["minor"]) == ("1", "32")
    async with api.session.get(f"{api.url}/version") as response:
        assert (await response.text()).startswith('{\n  "major": "1",\n'), "indented, as json.MarshalIndent writes it"


async def test_legacy_discovery_documents(api: Api) -> None:
    assert (await api.call("GET", "/api"))[1]["versions"] == ["v1"]
    _, groups = await api.call("GET", "/apis")
    names = [g["name"] for g in groups["groups"]]
    assert names[:6] == ["apps", "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "policy"]
    assert "" not in names
    _, apps = await api.call("GET", "/apis/apps")
    assert apps["preferredVersion"] == {"groupVersion": "apps/v1", "version": "v1"}
    _, core = await api.call("GET", "/api/v1")
    by_name = {r["name"]: r for r in core["resources"]}
    assert by_name["pods"]["shortNames"] == ["po"] and by_name["pods"]["namespaced"] is True
    assert "all" in by_name["pods"]["categories"]
    # kubectl drain finds the Eviction API this way (CheckEvictionSupport).
    assert by_name["pods/eviction"] == {
        "name": "pods/eviction",
        "singularName": "",
        "namespaced": True,
        "kind": "Eviction",
        "verbs": ["create"],
        "group": "policy",
        "version": "v1",
    }
    assert by_name["namespaces"]["namespaced"] is False
    assert "deletecollection" not in by_name["namespaces"]["verbs"]
    _, apps_v1 = await api.call("GET", "/apis/apps/v1")
    scale = next(r for r in apps_v1["resources"] if r["name"] == "deployments/scale")
    assert (scale["group"], scale["version"], scale["kind"]) == ("autoscaling", "v1", "Scale")


async def test_aggregated_discovery_when_asked_for(api: Api) -> None:
    async with api.session.get(api.url + "/apis", headers={"Accept": AGGREGATED}) as response:
        assert response.headers["Content-Type"].startswith("application/json;g=apidiscovery.k8s.io;v=v2")
        body = await response.json(content_type=None)
    assert body["kind"] == "APIGroupDiscoveryList"
    apps = next(item for item in body["items"] if item["metadata"].get("name") == "apps")
    deployments = next(r for r in apps["versions"][0]["resources"] if r["resource"] == "deployments")
    assert deployments["responseKind"] == {"group": "apps", "version": "v1", "kind": "Deployment"}
    assert deployments["scope"] == "Namespaced" and deployments["shortNames"] == ["deploy"]
    assert [s["subresource"] for s in deployments["subresources"]] == ["scale", "status"]
    async with api.session.get(api.url + "/api", headers={"Accept": AGGREGATED}) as response:
        core = await response.json(content_type=None)
    assert [item["metadata"] for item in core["items"]] == [{}]
    nodes = next(r for r in core["items"][0]["versions"][0]["resources"] if r["resource"] == "nodes")
    assert nodes["scope"] == "Cluster"


async def test_unknown_groups_and_versions_are_404_status(api: Api) -> None:
    for path in ("/apis/nope", "/apis/apps/v2", "/apis/apps/v1/widgets", "/api/v2/pods", "/nothing/here"):
        code, body = await api.call("GET", path)
        assert code == 404, path
        assert body["kind"] == "Status" and body["reason"] == "NotFound"
        assert body["message"] == "the server could not find the requested resource"


async def test_openapi_v3_root_and_group_documents(api: Api) -> None:
    _, root = await api.call("GET", "/openapi/v3")
    assert "apis/apps/v1" in root["paths"] and "api/v1" in root["paths"]
    code, doc = await api.call("GET", root["paths"]["apis/apps/v1"]["serverRelativeURL"])
    assert code == 200
    schemas = doc["components"]["schemas"]
    deployment = schemas["io.k8s.api.apps.v1.Deployment"]
    assert deployment["x-kubernetes-group-version-kind"] == [{"group": "apps", "kind": "Deployment", "version": "v1"}]
    strategy = schemas["io.k8s.api.apps.v1.DeploymentStrategy"]["properties"]
    assert strategy["type"]["enum"] == ["Recreate", "RollingUpdate"]
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    # The parameter kubectl looks for before it trusts the server to validate fields.
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]
    assert patch["x-kubernetes-group-version-kind"]["kind"] == "Deployment"



async def test_openapi_v2_is_an_empty_document_in_json_and_protobuf(api: Api) -> None:
    """kubectl falls back to v2 for a kind v3 lacks; an empty document makes it skip client-side validation."""
    code, doc = await api.call("GET", "/openapi/v2")
    assert code == 200
    assert doc == {"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.32.0-kubetui"}, "paths": {},
                   "definitions": {}}
    accept = {"Accept": "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"}
    code, body = await api.call("GET", "/openapi/v2", headers=accept)
    assert code == 200 and isinstance(body, str)
    raw = body.encode()
    fields = {number: value for number, _, value in wire_fields(raw)}  # gnostic openapi_v2.Document
    assert fields[1] == b"2.0"
    info = {number: value for number, _, value in wire_fields(fields[2])}  # openapi_v2.Info
    assert info == {1: b"Kubernetes", 2: b"v1.32.0-kubetui"}


async def test_a_missing_path_is_a_404_with_empty_details(api: Api) -> None:
    """NewGenericServerResponse sends "details": {}; kubectl debug reads details.name of this 404."""
    code, body = await api.call("PATCH", "/api/v1/namespaces/default/pods/x/ephemeralcontainers", body={},
                                content_type="application/strategic-merge-patch+json")
    assert code == 404 and body["details"] == {}


def test_openapi_integer_formats_are_the_go_fields_widths() -> None:
    """int64 where the Go field is an int64 (the same table the JSON decoder's errors name), int32 elsewhere."""
    from kubetui.api.openapi import group_version_document

    document = group_version_document("", "v1")
    assert document is not None
    schemas = document["components"]["schemas"]
    pod_spec = schemas["io.k8s.api.core.v1.PodSpec"]["properties"]
    assert pod_spec["terminationGracePeriodSeconds"]["format"] == "int64"
    assert pod_spec["priority"]["format"] == "int32"
    groups = schemas["io.k8s.api.core.v1.PodSecurityContext"]["properties"]["supplementalGroups"]
    assert groups["items"]["format"] == "int64"


async def test_access_reviews_are_answered_and_never_stored(api: Api) -> None:
    path = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"
    review = {"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
              "spec": {"resourceAttributes": {"verb": "create", "resource": "pods", "namespace": "default"}}}
    code, body = await api.call("POST", path, review)
    assert code == 201 and body["status"]["allowed"] is True
    assert body["spec"] == review["spec"]
    assert (await api.call("GET", path))[0] == 405
    code, body = await api.call("POST", path, {"kind": "SelfSubjectAccessReview"})
    assert code == 422 and body["message"].endswith("spec: Required value")
    code, body = await api.call("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", {})
    assert code == 201 and body["status"]["userInfo"]["username"] == "kubetui"
    _, groups = await api.call("GET", "/apis")
    names = [g["name"] for g in groups["groups"]]
    assert names.index("apps") < names.index("authentication.k8s.io") < names.index("authorization.k8s.io")


async def test_health_endpoints_answer_ok_and_list_their_checks(api: Api) -> None:
    for endpoint in ("/healthz", "/livez", "/readyz", "/livez/ping", "/healthz/etcd"):
        code, body = await api.call("GET", endpoint)
        assert (code, body) == (200, "ok"), endpoint
    code, body = await api.call("GET", "/readyz?verbose")
    assert code == 200 and body.startswith("[+]ping ok\n") and body.endswith("readyz check passed\n")
    assert "[+]etcd ok" in body and "[+]informer-sync ok" in body
    assert (await api.call("GET", "/livez/nonsense"))[0] == 404


def test_kubectl_explain_has_the_api_references_words_for_the_fields_learners_read() -> None:
    """Descriptions come from the API reference (scripts/openapi_docs.py), not from a short hand-written list."""
    from kubetui.api.openapi import group_version_document

    core = group_version_document("", "v1")
    apps = group_version_document("apps", "v1")
    batch = group_version_document("batch", "v1")
    assert core is not None and apps is not None and batch is not None
    schemas = {**core["components"]["schemas"], **apps["components"]["schemas"], **batch["components"]["schemas"]}
    for name in ("core.v1.Container", "core.v1.ContainerPort", "core.v1.PodSpec", "core.v1.ServiceSpec",
                 "core.v1.ServicePort", "core.v1.Probe", "apps.v1.DeploymentSpec", "batch.v1.JobSpec"):
        schema = schemas[f"io.k8s.api.{name}"]
        undocumented = [field for field, prop in schema["properties"].items()
                        if not prop.get("description") and not prop.get("x-kubernetes-preserve-unknown-fields")
                        and "$ref" not in str(prop)]  # an object-typed field: kubectl explain shows its type's words
        assert undocumented == [], name
        # and never the type's words twice (once as the field's, once as the type's)
        repeated = [field for field, prop in schema["properties"].items()
                    if "allOf" in prop and prop.get("description")
                    and prop["description"] == schemas[prop["allOf"][0]["$ref"].split("/")[-1]].get("description")]
        assert repeated == [], name
        assert schema.get("description"), name
    port = schemas["io.k8s.api.core.v1.ContainerPort"]["properties"]["containerPort"]["description"]
    assert port.startswith("Number of port to expose on the pod's IP address.")
