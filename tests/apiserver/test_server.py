"""The API server's REST semantics: every verb, every error code, as a client sees them."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.server import PATCH_APPLY, PATCH_JSON, PATCH_MERGE, PATCH_STRATEGIC, APIServer
from kubetui.apiserver.watch import ApiEvent
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ApiRequest


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=7, nodes=[], scheduler=False, controllers=False)


@pytest.fixture
def api(cluster: Cluster) -> APIServer:
    return cluster.api


def pod(name: str = "web", labels: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels or {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec},
    }


def deployment(name: str = "web", replicas: int = 2) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
            },
        },
    }


def raises(code: int, fn: Any, *args: Any, **kwargs: Any) -> ApiError:
    with pytest.raises(ApiError) as info:
        fn(*args, **kwargs)
    assert info.value.code == code, info.value.message
    return info.value


# ------------------------------------------------------------------ create / get / list
def test_create_sets_system_metadata(api: APIServer) -> None:
    created = api.create("kubectl", "pods", "default", pod())
    meta = created["metadata"]
    assert meta["namespace"] == "default"
    assert len(meta["uid"]) == 36 and meta["creationTimestamp"].startswith("2026-01-01T")
    assert int(meta["resourceVersion"]) == api.store.revision
    assert created["status"]["phase"] == "Pending"
    fetched = api.get("kubectl", "pods", "default", "web")
    assert fetched == created


def test_create_applies_defaults(api: APIServer) -> None:
    created = api.create("kubectl", "deployments", "default", deployment())
    spec = created["spec"]
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
    assert spec["revisionHistoryLimit"] == 10 and spec["progressDeadlineSeconds"] == 600
    pod_spec = spec["template"]["spec"]
    assert pod_spec["restartPolicy"] == "Always" and pod_spec["schedulerName"] == "default-scheduler"
    assert created["metadata"]["generation"] == 1


def test_pod_admission_adds_default_tolerations_and_priority(api: APIServer) -> None:
    created = api.create("kubectl", "pods", "default", pod())
    tolerations = created["spec"]["tolerations"]
    assert {
        "key": "node.kubernetes.io/not-ready",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 300,
    } in tolerations
    assert created["spec"]["priority"] == 0
    assert created["status"]["qosClass"] == "BestEffort"


def test_generate_name_is_deterministic_per_seed() -> None:
    names = []
    for _ in range(2):
        c = Cluster(seed=3, nodes=[], scheduler=False, controllers=False)
        body = pod()
        body["metadata"] = {"generateName": "web-", "labels": {"app": "web"}}
        names.append(c.api.create("x", "pods", "default", body)["metadata"]["name"])
    assert names[0] == names[1] and names[0].startswith("web-") and len(names[0]) == 9


def test_not_found_and_already_exists_messages(api: APIServer) -> None:
    err = raises(404, api.get, "kubectl", "pods", "default", "nope")
    assert err.message == 'pods "nope" not found' and err.reason == "NotFound"
    err = raises(404, api.get, "kubectl", "deployments", "default", "nope")
    assert err.message == 'deployments.apps "nope" not found'
    api.create("kubectl", "pods", "default", pod())
    err = raises(409, api.create, "kubectl", "pods", "default", pod())
    assert err.message == 'pods "web" already exists' and err.reason == "AlreadyExists"


def test_namespace_must_exist(api: APIServer) -> None:
    err = raises(404, api.create, "kubectl", "pods", "nowhere", pod())
    assert err.message == 'namespaces "nowhere" not found'


def test_invalid_object_message_and_causes(api: APIServer) -> None:
    body = deployment()
    body["spec"]["template"]["metadata"]["labels"] = {"app": "x"}
    err = raises(422, api.create, "kubectl", "deployments", "default", body)
    assert err.message == (
        'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: '
        'map[string]string{"app":"x"}: `selector` does not match template `labels`'
    )
    assert err.details["causes"][0]["field"] == "spec.template.metadata.labels"


def test_list_with_label_and_field_selectors(api: APIServer) -> None:
    api.create("kubectl", "pods", "default", pod("a", {"app": "web", "tier": "fe"}))
    api.create("kubectl", "pods", "default", pod("b", {"app": "db"}))
    api.create("kubectl", "pods", "kube-system", pod("c", {"app": "web"}))

    def listed(**kw: Any) -> list[str]:
        return [p["metadata"]["name"] for p in api.list("kubectl", "pods", **kw)["items"]]

    assert listed() == ["a", "b", "c"]
    assert listed(namespace="default") == ["a", "b"]
    assert listed(label_selector="app=web") == ["a", "c"]
    assert listed(label_selector="app in (web,db),tier!=fe") == ["b", "c"]
    assert listed(field_selector="metadata.namespace=kube-system") == ["c"]
    assert listed(field_selector="metadata.name!=a", namespace="default") == ["b"]
    listing = api.list("kubectl", "pods")
    assert listing["kind"] == "PodList" and listing["metadata"]["resourceVersion"] == str(api.store.revision)
    raises(400, api.list, "kubectl", "pods", label_selector="app=a=b")
    raises(400, api.list, "kubectl", "pods", field_selector="spec.foo=bar")


def test_list_pagination(api: APIServer) -> None:
    for i in range(5):
        api.create("kubectl", "pods", "default", pod(f"p{i}"))
    first = api.list("kubectl", "pods", "default", limit=2)
    assert [p["metadata"]["name"] for p in first["items"]] == ["p0", "p1"]
    token = first["metadata"]["continue"]
    second = api.list("kubectl", "pods", "default", limit=2, continue_token=token)
    assert [p["metadata"]["name"] for p in second["items"]] == ["p2", "p3"]
    last = api.list("kubectl", "pods", "default", limit=2, continue_token=second["metadata"]["continue"])
    assert [p["metadata"]["name"] for p in last["items"]] == ["p4"] and "continue" not in last["metadata"]
    # the token is continue.go's: base64url JSON with the revision and the key after the prefix
    decoded = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert decoded == {"v": "meta.k8s.io/v1", "rv": api.store.revision, "start": "p1\x00"}


@pytest.mark.parametrize("limit", [0, -1])
def test_a_limit_of_zero_or_less_is_no_limit(api: APIServer, limit: int) -> None:
    for i in range(3):
        api.create("kubectl", "pods", "default", pod(f"p{i}"))
    listing = api.list("kubectl", "pods", "default", limit=limit)
    assert len(listing["items"]) == 3 and "continue" not in listing["metadata"]
    assert len(api.list("kubectl", "pods", limit=limit)["items"]) == 3  # an empty namespace's list, too
    assert api.list("kubectl", "pods", "empty", limit=limit)["items"] == []


def _token(**fields: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(fields).encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("zzz!", "invalid continue token: continue key is not valid: illegal base64 data at input byte 3"),
        ("zzzzz", "invalid continue token: continue key is not valid: illegal base64 data at input byte 4"),
        (_token(v="meta.k8s.io/v2", rv=3, start="a"),
         "invalid continue token: continue key is not valid: server does not recognize this encoded version "
         "meta.k8s.io/v2"),
        (_token(v="meta.k8s.io/v1", rv=0, start="a"),
         "invalid continue token: continue key is not valid: incorrect encoded start resourceVersion "
         "(version meta.k8s.io/v1)"),
        (_token(v="meta.k8s.io/v1", rv=3, start=""),
         "invalid continue token: continue key is not valid: encoded start key empty (version meta.k8s.io/v1)"),
        (_token(v="meta.k8s.io/v1", rv=3, start="../secrets/default/x"),
         "invalid continue token: continue key is not valid: ../secrets/default/x"),
    ],
)
def test_a_continue_token_it_did_not_issue_is_a_400(api: APIServer, token: str, message: str) -> None:
    api.create("kubectl", "pods", "default", pod("p0"))
    err = raises(400, api.list, "kubectl", "pods", "default", limit=1, continue_token=token)
    assert err.message == message


def test_unknown_resource(api: APIServer) -> None:
    err = raises(404, api.list, "kubectl", "gizmos")
    assert "could not find the requested resource" in err.message


# ------------------------------------------------------------------ update / optimistic concurrency
def test_update_bumps_generation_on_spec_change_only(api: APIServer) -> None:
    created = api.create("kubectl", "deployments", "default", deployment())
    created["metadata"]["labels"] = {"team": "a"}
    updated = api.update("kubectl", "deployments", "default", "web", created)
    assert updated["metadata"]["generation"] == 1
    updated["spec"]["replicas"] = 5
    updated = api.update("kubectl", "deployments", "default", "web", updated)
    assert updated["metadata"]["generation"] == 2


def test_only_the_kinds_whose_strategy_keeps_a_generation_have_one(api: APIServer) -> None:
    """v1.32: workloads and EndpointSlices count generations; pods (from v1.33), Services and Nodes do not."""
    created = api.create("kubectl", "pods", "default", pod("p"))
    assert "generation" not in created["metadata"]
    created["spec"]["activeDeadlineSeconds"] = 60
    assert "generation" not in api.update("kubectl", "pods", "default", "p", created)["metadata"]
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 80}]}}
    assert "generation" not in api.create("kubectl", "services", "default", svc)["metadata"]
    slice_ = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "e"},
              "addressType": "IPv4", "endpoints": [], "ports": []}
    stored = api.create("kubectl", "endpointslices", "default", slice_)
    assert stored["metadata"]["generation"] == 1
    stored["endpoints"] = [{"addresses": ["10.244.1.5"]}]
    assert api.update("kubectl", "endpointslices", "default", "e", stored)["metadata"]["generation"] == 2


def test_stale_update_gets_409_conflict(api: APIServer) -> None:
    created = api.create("kubectl", "deployments", "default", deployment())
    first, second = dict(created), dict(created)
    first = {**created, "spec": {**created["spec"], "replicas": 3}}
    second = {**created, "spec": {**created["spec"], "replicas": 4}}
    api.update("alice", "deployments", "default", "web", first)
    err = raises(409, api.update, "bob", "deployments", "default", "web", second)
    assert err.message == (
        'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; '
        "please apply your changes to the latest version and try again"
    )
    assert api.get("x", "deployments", "default", "web")["spec"]["replicas"] == 3  # alice's write is not lost


def test_no_op_update_does_not_write(api: APIServer) -> None:
    created = api.create(
        "kubectl",
        "configmaps",
        "default",
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}},
    )
    revision = api.store.revision
    again = api.update("kubectl", "configmaps", "default", "c", created)
    assert (
        api.store.revision == revision
        and again["metadata"]["resourceVersion"] == created["metadata"]["resourceVersion"]
    )


def test_status_subresource_separates_spec_and_status(api: APIServer) -> None:
    created = api.create("kubectl", "deployments", "default", deployment())
    body = {**created, "status": {"replicas": 9}, "spec": {**created["spec"], "replicas": 7}}
    after = api.update("deployment-controller", "deployments", "default", "web", body, subresource="status")
    assert after["status"] == {"replicas": 9} and after["spec"]["replicas"] == 2
    body = {**after, "status": {"replicas": 1}}
    after = api.update("kubectl", "deployments", "default", "web", body)
    assert after["status"] == {"replicas": 9}  # the main resource cannot change status


def test_unknown_fields_round_trip(api: APIServer) -> None:
    body = pod()
    body["spec"]["containers"][0]["futureField"] = {"x": 1}
    created = api.create("kubectl", "pods", "default", body)
    assert created["spec"]["containers"][0]["futureField"] == {"x": 1}


def test_immutable_selector(api: APIServer) -> None:
    created = api.create("kubectl", "deployments", "default", deployment())
    created["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    created["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    err = raises(422, api.update, "kubectl", "deployments", "default", "web", created)
    assert "field is immutable" in err.message


# ------------------------------------------------------------------ patch
def test_patch_types(api: APIServer) -> None:
    api.create("kubectl", "deployments", "default", deployment())
    api.patch("kubectl", "deployments", "default", "web", {"spec": {"replicas": 4}}, PATCH_MERGE)
    api.patch(
        "kubectl",
        "deployments",
        "default",
        "web",
        {"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.28"}]}}}},
        PATCH_STRATEGIC,
    )
    api.patch(
        "kubectl",
        "deployments",
        "default",
        "web",
        [{"op": "add", "path": "/spec/minReadySeconds", "value": 5}],
        PATCH_JSON,
    )
    obj = api.get("kubectl", "deployments", "default", "web")
    assert obj["spec"]["replicas"] == 4 and obj["spec"]["minReadySeconds"] == 5
    assert obj["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    assert obj["metadata"]["generation"] == 4
    raises(400, api.patch, "kubectl", "deployments", "default", "web", [{"op": "bogus"}], PATCH_JSON)
    raises(415, api.patch, "kubectl", "deployments", "default", "web", {}, "text/plain")
    raises(404, api.patch, "kubectl", "deployments", "default", "nope", {}, PATCH_MERGE)


@pytest.mark.parametrize("resource", ["services", "jobs"])
def test_applying_the_same_object_again_writes_nothing(api: APIServer, resource: str) -> None:
    """The apply result orders keys unlike the stored object; equal objects still make no write (and a Job
    has its read-back defaults, the generated labels, from the start, so a re-apply does not add them)."""
    obj: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
        "spec": {"selector": {"app": "x"}, "ports": [{"port": 80}]},
    }
    if resource == "jobs":
        container = {"name": "c", "image": "busybox"}
        obj = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "x"},
               "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [container]}}}}
    first = api.patch("manifests", resource, "default", "x", obj, PATCH_APPLY, field_manager="m")
    revision = api.store.revision
    again = api.patch("manifests", resource, "default", "x", obj, PATCH_APPLY, field_manager="m")
    assert api.store.revision == revision
    assert again["metadata"]["resourceVersion"] == first["metadata"]["resourceVersion"]


def test_a_job_without_labels_shows_the_generated_ones_and_keeps_its_own(api: APIServer) -> None:
    """SetDefaults_Job copies the template's labels to a Job without labels; read back from storage, after
    generateSelector, those include controller-uid and job-name (kubectl describe job shows them)."""
    template = {"spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "busybox"}]}}
    bare = api.create("kubectl", "jobs", "default", {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "bare"}, "spec": {"template": template}})
    uid = bare["metadata"]["uid"]
    assert bare["metadata"]["labels"] == {
        "batch.kubernetes.io/controller-uid": uid, "batch.kubernetes.io/job-name": "bare",
        "controller-uid": uid, "job-name": "bare"}
    labelled = {**template, "metadata": {"labels": {"app": "report"}}}
    own = api.create("kubectl", "jobs", "default", {
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "own"}, "spec": {"template": labelled}})
    assert own["metadata"]["labels"] == {"app": "report"}


def test_server_side_apply_creates_then_updates_with_managed_fields(api: APIServer) -> None:
    applied = api.patch(
        "manifests", "deployments", "default", "web", deployment(), PATCH_APPLY, field_manager="kubetui-manifests"
    )
    managers = {e["manager"]: e["operation"] for e in applied["metadata"]["managedFields"]}
    assert managers == {"kubetui-manifests": "Apply"}
    api.patch(
        "kubectl",
        "deployments",
        "default",
        "web",
        {"spec": {"replicas": 5}},
        PATCH_MERGE,
        field_manager="kubectl-scale",
    )
    err = raises(
        409,
        api.patch,
        "manifests",
        "deployments",
        "default",
        "web",
        deployment(replicas=3),
        PATCH_APPLY,
        field_manager="kubetui-manifests",
    )
    assert "conflict" in err.message and ".spec.replicas" in err.message
    forced = api.patch(
        "manifests",
        "deployments",
        "default",
        "web",
        deployment(replicas=3),
        PATCH_APPLY,
        field_manager="kubetui-manifests",
        force=True,
    )
    assert forced["spec"]["replicas"] == 3
    raises(400, api.patch, "manifests", "deployments", "default", "web", deployment(), PATCH_APPLY)


# ------------------------------------------------------------------ delete
def test_delete_unscheduled_pod_is_immediate(api: APIServer) -> None:
    api.create("kubectl", "pods", "default", pod())
    api.delete("kubectl", "pods", "default", "web")
    raises(404, api.get, "kubectl", "pods", "default", "web")
    raises(404, api.delete, "kubectl", "pods", "default", "web")


def test_graceful_delete_of_a_running_pod(cluster: Cluster, api: APIServer) -> None:
    api.create("kubectl", "pods", "default", pod(terminationGracePeriodSeconds=20))
    cluster.client("kube-scheduler").bind("default", "web", "node-1")
    deleted = api.delete("kubectl", "pods", "default", "web")
    meta = deleted["metadata"]
    assert meta["deletionGracePeriodSeconds"] == 20 and meta["deletionTimestamp"] == "2026-01-01T00:00:20Z"
    assert api.get("x", "pods", "default", "web")["metadata"]["deletionTimestamp"]
    api.delete("kubelet/node-1", "pods", "default", "web", grace_period_seconds=0)
    raises(404, api.get, "kubectl", "pods", "default", "web")


def test_finalizers_hold_deletion(api: APIServer) -> None:
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "finalizers": ["example.com/x"]}}
    api.create("kubectl", "configmaps", "default", body)
    held = api.delete("kubectl", "configmaps", "default", "c")
    assert held["metadata"]["deletionTimestamp"]
    held["metadata"]["finalizers"] = []
    api.update("controller", "configmaps", "default", "c", held)
    raises(404, api.get, "kubectl", "configmaps", "default", "c")


def test_propagation_policies_add_finalizers(api: APIServer) -> None:
    api.create("kubectl", "deployments", "default", deployment("a"))
    api.create("kubectl", "deployments", "default", deployment("b"))
    api.create("kubectl", "deployments", "default", deployment("c"))
    assert api.delete("kubectl", "deployments", "default", "a", propagation_policy="Foreground")["metadata"][
        "finalizers"
    ] == ["foregroundDeletion"]
    assert api.delete("kubectl", "deployments", "default", "b", propagation_policy="Orphan")["metadata"][
        "finalizers"
    ] == ["orphan"]
    api.delete("kubectl", "deployments", "default", "c", propagation_policy="Background")
    raises(404, api.get, "kubectl", "deployments", "default", "c")
    raises(422, api.delete, "kubectl", "deployments", "default", "a", propagation_policy="Sometimes")


def test_delete_preconditions(api: APIServer) -> None:
    api.create("kubectl", "configmaps", "default", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
    err = raises(409, api.delete, "kubectl", "configmaps", "default", "c", preconditions={"uid": "other"})
    assert "Precondition failed: UID in precondition: other" in err.message


def test_namespace_deletion_goes_through_terminating(api: APIServer) -> None:
    api.create("kubectl", "namespaces", "", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    ns = api.delete("kubectl", "namespaces", "", "team")
    assert ns["status"]["phase"] == "Terminating"
    err = raises(403, api.create, "kubectl", "pods", "team", pod())
    assert "because it is being terminated" in err.message
    ns = api.get("x", "namespaces", "", "team")
    ns["spec"]["finalizers"] = []
    api.update("namespace-controller", "namespaces", "", "team", ns, subresource="finalize")
    raises(404, api.get, "kubectl", "namespaces", "", "team")



@pytest.mark.parametrize("name", ["default", "kube-system", "kube-public"])
def test_the_system_namespaces_may_not_be_deleted(api: APIServer, name: str) -> None:
    err = raises(403, api.delete, "kubectl", "namespaces", "", name)
    assert err.message == f'namespaces "{name}" is forbidden: this namespace may not be deleted'
    raises(403, api.delete, "kubectl", "namespaces", "", name, dry_run=True)
    assert "deletionTimestamp" not in api.get("x", "namespaces", "", name)["metadata"]

# ------------------------------------------------------------------ subresources
def test_binding_sets_node_once(cluster: Cluster, api: APIServer) -> None:
    api.create("kubectl", "pods", "default", pod())
    scheduler = cluster.client("kube-scheduler")
    scheduler.bind("default", "web", "node-1")
    bound = api.get("x", "pods", "default", "web")
    assert bound["spec"]["nodeName"] == "node-1"
    assert {"type": "PodScheduled", "status": "True"}.items() <= bound["status"]["conditions"][0].items()
    err = raises(409, scheduler.bind, "default", "web", "node-2")
    assert "already assigned to node" in err.message


def test_scale_subresource(api: APIServer) -> None:
    api.create("kubectl", "deployments", "default", deployment())
    scale = api.get("kubectl", "deployments", "default", "web", subresource="scale")
    assert scale["kind"] == "Scale" and scale["spec"]["replicas"] == 2 and scale["status"]["selector"] == "app=web"
    scale["spec"]["replicas"] = 6
    api.update("kubectl", "deployments", "default", "web", scale, subresource="scale")
    assert api.get("x", "deployments", "default", "web")["spec"]["replicas"] == 6
    api.patch("kubectl", "deployments", "default", "web", {"spec": {"replicas": 1}}, PATCH_MERGE, subresource="scale")
    stored = api.get("x", "deployments", "default", "web")
    assert stored["spec"]["replicas"] == 1
    # the writer owns spec.replicas through its "scale" entry, as kubectl get --show-managed-fields shows
    entries = {e.get("subresource", ""): e for e in stored["metadata"]["managedFields"] if e["manager"] == "kubectl"}
    assert entries["scale"]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in entries[""]["fieldsV1"]["f:spec"]  # no longer the creator's
    raises(
        422,
        api.patch,
        "kubectl",
        "deployments",
        "default",
        "web",
        {"spec": {"replicas": -1}},
        PATCH_MERGE,
        subresource="scale",
    )


def test_eviction_respects_disruption_budget(cluster: Cluster, api: APIServer) -> None:
    for name in ("a", "b"):
        api.create("kubectl", "pods", "default", pod(name))
        created = api.get("x", "pods", "default", name)
        created["status"]["conditions"] = [{"type": "Ready", "status": "True"}]
        api.update("kubelet", "pods", "default", name, created, subresource="status")
    api.create(
        "kubectl",
        "poddisruptionbudgets",
        "default",
        {
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": "pdb"},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}},
        },
    )
    cluster.client("kubectl").evict("default", "a")
    raises(404, api.get, "x", "pods", "default", "a")
    err = raises(429, cluster.client("kubectl").evict, "default", "b")
    assert err.message == "Cannot evict pod as it would violate the pod's disruption budget."


def test_service_cluster_ip_allocation(api: APIServer) -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], "type": "NodePort"},
    }
    created = api.create("kubectl", "services", "default", svc)
    ip = created["spec"]["clusterIP"]
    assert ip.startswith("10.") and ip != "10.96.0.1"
    assert created["spec"]["ports"][0]["targetPort"] == 80
    assert 30000 <= created["spec"]["ports"][0]["nodePort"] <= 32767
    taken = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "t"},
        "spec": {"clusterIP": ip, "ports": [{"port": 80}]},
    }
    raises(422, api.create, "kubectl", "services", "default", taken)
    # an update that leaves the IP out keeps it
    created["spec"].pop("clusterIP")
    created["spec"].pop("clusterIPs", None)
    assert api.update("kubectl", "services", "default", "s", created)["spec"]["clusterIP"] == ip


def _service(name: str, ports: list[dict[str, Any]], **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"selector": {"app": "web"}, "ports": ports, "type": "NodePort", **spec}}


def test_a_refused_service_gives_back_what_it_was_allocated(api: APIServer) -> None:
    """The allocator transaction of the service REST storage: a create that fails after its ClusterIP (or a
    first node port) was taken gives them back, so the next Service can have them."""
    api.create("kubectl", "services", "default", _service("first", [{"port": 80, "nodePort": 30080}]))
    ports = [{"name": "a", "port": 80, "nodePort": 30111}, {"name": "b", "port": 81, "nodePort": 30080}]
    clash = _service("clash", ports, clusterIP="10.100.200.200")
    err = raises(422, api.create, "kubectl", "services", "default", clash)
    assert err.message == (
        'Service "clash" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated'
    )
    ok = _service("ok", [{"port": 80, "nodePort": 30111}], clusterIP="10.100.200.200")
    created = api.create("kubectl", "services", "default", ok)  # neither was kept by the refused create
    assert created["spec"]["clusterIP"] == "10.100.200.200" and created["spec"]["ports"][0]["nodePort"] == 30111
    taken = _service("taken", [{"port": 80}], clusterIP="10.100.200.200")
    err = raises(422, api.create, "kubectl", "services", "default", taken)
    assert err.message == (
        'Service "taken" is invalid: spec.clusterIPs: Invalid value: []string{"10.100.200.200"}: '
        "failed to allocate IP 10.100.200.200: provided IP is already allocated"
    )


def test_a_dry_run_or_an_existing_name_keeps_no_allocation(api: APIServer) -> None:
    svc = _service("s", [{"port": 80, "nodePort": 30200}], clusterIP="10.100.0.50")
    api.create("kubectl", "services", "default", svc, dry_run=True)
    api.create("kubectl", "services", "default", svc)  # the dry run did not keep 30200 or the IP
    again = _service("s", [{"port": 80, "nodePort": 30201}], clusterIP="10.100.0.51")
    raises(409, api.create, "kubectl", "services", "default", again)
    other = _service("t", [{"port": 80, "nodePort": 30201}], clusterIP="10.100.0.51")
    api.create("kubectl", "services", "default", other)  # the 409 gave both back


def test_an_update_releases_the_node_port_it_stops_using(api: APIServer) -> None:
    created = api.create("kubectl", "services", "default", _service("s", [{"port": 80, "nodePort": 30300}]))
    created["spec"]["ports"][0]["nodePort"] = 30301
    api.update("kubectl", "services", "default", "s", created)
    api.create("kubectl", "services", "default", _service("t", [{"port": 80, "nodePort": 30300}]))
    moved = api.get("kubectl", "services", "default", "t")
    moved["spec"]["ports"][0]["nodePort"] = 30301  # s holds it
    raises(422, api.update, "kubectl", "services", "default", "t", moved)
    assert api.get("kubectl", "services", "default", "t")["spec"]["ports"][0]["nodePort"] == 30300


# ------------------------------------------------------------------ watch
def test_watch_is_ordered_and_complete(api: APIServer, cluster: Cluster) -> None:
    got: list[ApiEvent] = []
    api.create("kubectl", "pods", "default", pod("before"))
    api.watch("kubectl", "pods", got.extend, namespace="default")
    api.create("kubectl", "pods", "default", pod("a"))
    api.patch("kubectl", "pods", "default", "a", {"metadata": {"labels": {"x": "1"}}}, PATCH_MERGE)
    api.delete("kubectl", "pods", "default", "a")
    cluster.clock.run_for(0)
    assert [(t, o["metadata"]["name"]) for t, o in got] == [
        ("ADDED", "before"),
        ("ADDED", "a"),
        ("MODIFIED", "a"),
        ("DELETED", "a"),
    ]
    versions = [int(o["metadata"]["resourceVersion"]) for _, o in got[1:]]
    assert versions == sorted(versions) and len(set(versions)) == 3


def test_watch_from_resource_version_and_selector_transitions(api: APIServer, cluster: Cluster) -> None:
    created = api.create("kubectl", "pods", "default", pod("a", {"app": "db"}))
    got: list[ApiEvent] = []
    api.watch(
        "kubectl", "pods", got.extend, label_selector="app=web", resource_version=created["metadata"]["resourceVersion"]
    )
    api.patch("kubectl", "pods", "default", "a", {"metadata": {"labels": {"app": "web"}}}, PATCH_MERGE)
    api.patch("kubectl", "pods", "default", "a", {"metadata": {"labels": {"app": "db"}}}, PATCH_MERGE)
    cluster.clock.run_for(0)
    assert [t for t, _ in got] == ["ADDED", "DELETED"]


def test_selector_watch_follows_an_object_in_and_out_of_view_many_times(api: APIServer, cluster: Cluster) -> None:
    """A filtered watch remembers which value it last showed as matching; the next event on that key
    must still be typed by what the previous value really was (also across deletes and re-creates)."""
    got: list[ApiEvent] = []
    api.watch("kubectl", "pods", got.extend, label_selector="app=web")
    api.create("kubectl", "pods", "default", pod("a", {"app": "web"}))
    cluster.clock.run_for(0)
    for app in ("web", "db", "db", "web", "web"):
        api.patch("kubectl", "pods", "default", "a", {"metadata": {"labels": {"app": app}}}, PATCH_MERGE)
        cluster.clock.run_for(0)  # one event per batch
    api.patch("kubectl", "pods", "default", "a", {"metadata": {"labels": {"app": "db"}}}, PATCH_MERGE)
    api.patch("kubectl", "pods", "default", "a", {"metadata": {"labels": {"app": "web"}}}, PATCH_MERGE)
    api.delete("kubectl", "pods", "default", "a")
    api.create("kubectl", "pods", "default", pod("a", {"app": "db"}))
    api.patch("kubectl", "pods", "default", "a", {"metadata": {"labels": {"app": "web"}}}, PATCH_MERGE)
    cluster.clock.run_for(0)
    # Patches that change nothing are not written; the pod re-created as "db" is out of view.
    assert [t for t, _ in got] == ["ADDED", "DELETED", "ADDED", "DELETED", "ADDED", "DELETED", "ADDED"]


def test_watch_from_compacted_revision_is_410(api: APIServer, cluster: Cluster) -> None:
    for i in range(3):
        api.create("kubectl", "pods", "default", pod(f"p{i}"))
    cluster.store.compact(cluster.store.revision)
    err = raises(410, api.watch, "kubectl", "pods", lambda events: None, resource_version="1")
    assert err.message.startswith("too old resource version: 1")


def test_objects_from_reads_cannot_corrupt_the_store(api: APIServer, cluster: Cluster) -> None:
    got: list[ApiEvent] = []
    api.watch("kubectl", "pods", got.extend)
    created = api.create("kubectl", "pods", "default", pod())
    cluster.clock.run_for(0)
    got[0][1]["spec"]["containers"][0]["image"] = "evil"
    created["metadata"]["labels"]["app"] = "evil"
    api.get("x", "pods", "default", "web")["spec"]["nodeName"] = "evil"
    fresh = api.get("x", "pods", "default", "web")
    assert fresh["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert fresh["metadata"]["labels"]["app"] == "web" and "nodeName" not in fresh["spec"]


# ------------------------------------------------------------------ bad input and tracing
@pytest.mark.parametrize(
    "body, code",
    [
        ("not an object", 400),
        ([1, 2], 400),
        ({"kind": "Pod", "metadata": {"name": "x"}}, 400),
        ({"apiVersion": "v1", "metadata": {"name": "x"}}, 400),
        ({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}}, 400),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": "x"}, 400),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"containers": "no"}}, 400),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "UPPER"}, "spec": {"containers": []}}, 422),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x" * 100_000}, "spec": {}}, 422),
        ({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": {"x": 2**80}}, 400),
    ],
)
def test_malformed_bodies_get_4xx(api: APIServer, body: Any, code: int) -> None:
    err = raises(code, api.create, "kubectl", "pods", "default", body)
    assert err.status["kind"] == "Status" and err.status["status"] == "Failure"


def test_every_request_is_traced(api: APIServer, cluster: Cluster) -> None:
    api.create("kubectl", "pods", "default", pod())
    raises(404, api.get, "kubectl", "pods", "default", "nope")
    records = [r for r in cluster.trace.history if isinstance(r, ApiRequest) and r.who == "kubectl"]
    assert [(r.verb, r.resource, r.name, r.code) for r in records] == [
        ("create", "pods", "web", 201),
        ("get", "pods", "nope", 404),
    ]
    assert records[0].resource_version == str(api.store.revision)


def test_the_system_priority_classes_exist_as_objects() -> None:
    """kubectl get priorityclasses lists them on any cluster (the API server's AddSystemPriorityClasses)."""
    from kubetui.sim.cluster import Cluster

    cluster = Cluster(seed=0, nodes=[], scheduler=False, controllers=False)
    found = {pc["metadata"]["name"]: pc["value"] for pc in cluster.objects("priorityclasses")}
    assert found == {"system-cluster-critical": 2_000_000_000, "system-node-critical": 2_000_001_000}


def test_a_bound_pods_scheduled_condition_has_a_null_probe_time() -> None:
    """A PodCondition's lastProbeTime is a non-pointer time: kubectl -o yaml shows `lastProbeTime: null`."""
    from kubetui.node.spec import default_nodes
    from kubetui.sim.cluster import Cluster

    cluster = Cluster(seed=0, nodes=default_nodes(1))
    cluster.run_for(3)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
           "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}
    cluster.client("kubectl").create("pods", pod)
    cluster.run_for(10)
    stored = cluster.get("pods", "default", "p")
    assert stored is not None
    (scheduled,) = [c for c in stored["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert "lastProbeTime" in scheduled and scheduled["lastProbeTime"] is None


def test_priority_admission_defaults_the_policy_and_uses_the_global_default_class(api: APIServer) -> None:
    plain = api.create("kubectl", "pods", "default", pod("plain"))["spec"]
    assert (plain["priority"], plain["preemptionPolicy"]) == (0, "PreemptLowerPriority")
    def priority_class(name: str, value: int) -> dict[str, Any]:
        return {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": name},
                "value": value, "globalDefault": True, "preemptionPolicy": "Never"}

    api.create("kubectl", "priorityclasses", "", priority_class("low", 10))
    with pytest.raises(ApiError) as second:
        api.create("kubectl", "priorityclasses", "", priority_class("batch", 100))
    assert second.value.code == 403 and second.value.message == (
        'priorityclasses.scheduling.k8s.io "batch" is forbidden: PriorityClass low is already marked as default. '
        "Only one default can exist")
    spec = api.create("kubectl", "pods", "default", pod("later"))["spec"]
    assert (spec["priorityClassName"], spec["priority"], spec["preemptionPolicy"]) == ("low", 10, "Never")
    named = api.create("kubectl", "pods", "default", pod("named", priorityClassName="system-cluster-critical"))["spec"]
    assert (named["priority"], named["preemptionPolicy"]) == (2_000_000_000, "PreemptLowerPriority")
