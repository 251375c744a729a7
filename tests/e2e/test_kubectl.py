"""The real kubectl, unchanged, through a realistic session against kubetui."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import yaml

from kubetui.sim.trace import ApiRequest
from tests.e2e.conftest import (
    HAS_GARBAGE_COLLECTOR,
    BackgroundCluster,
    Kubectl,
    needs_kubectl,
    needs_pods,
    needs_rollouts,
)

pytestmark = [pytest.mark.e2e, needs_kubectl]

APP = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 80}]
"""


def _columns(output: str) -> list[str]:
    return re.split(r"\s{2,}", output.splitlines()[0].strip())


def _rows(output: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line.strip()) for line in output.splitlines()[1:] if line.strip()]


def test_discovery_version_and_cluster_info(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    version = json.loads(kubectl("version", "-o", "json").stdout)
    assert version["serverVersion"]["minor"] == "32"
    resources = kubectl("api-resources").stdout
    assert re.search(r"^deployments\s+deploy\s+apps/v1\s+true\s+Deployment$", resources, re.M)
    assert re.search(r"^nodes\s+no\s+v1\s+false\s+Node$", resources, re.M)
    info = kubectl("cluster-info").stdout
    assert f"Kubernetes control plane is running at {kubetui.url}" in info
    explained = kubectl("explain", "deployment.spec.strategy").stdout
    assert "FIELD: strategy <DeploymentStrategy>" in explained
    assert "rollingUpdate\t<RollingUpdateDeployment>" in explained and "enum: Recreate, RollingUpdate" in explained
    max_surge = kubectl("explain", "deployment.spec.strategy.rollingUpdate.maxSurge").stdout
    assert "FIELD: maxSurge <IntOrString>" in max_surge
    assert "limits\t<map[string]Quantity>" in kubectl("explain", "pod.spec.containers.resources").stdout
    assert "FIELD: hostUsers <boolean>" in kubectl("explain", "pod.spec.hostUsers").stdout


def test_apply_get_and_output_formats(kubectl: Kubectl, tmp_path: Path) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text(APP)
    applied = kubectl("apply", "-f", str(manifest)).stdout
    assert applied.splitlines() == ["deployment.apps/web created", "service/web created"]
    assert kubectl("apply", "-f", str(manifest)).stdout.splitlines() == [
        "deployment.apps/web unchanged",
        "service/web unchanged",
    ]
    deployments = kubectl("get", "deployments").stdout
    assert _columns(deployments) == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert _rows(deployments)[0][0] == "web"
    wide = kubectl("get", "deploy", "web", "-o", "wide").stdout
    assert _columns(wide) == [
        "NAME",
        "READY",
        "UP-TO-DATE",
        "AVAILABLE",
        "AGE",
        "CONTAINERS",
        "IMAGES",
        "SELECTOR",
    ]
    assert _rows(wide)[0][5:] == ["web", "nginx:1.27", "app=web"]
    labelled = kubectl("get", "deploy", "--show-labels", "-L", "tier").stdout
    assert _columns(labelled)[-2:] == ["TIER", "LABELS"] and _rows(labelled)[0][-2:] == [
        "front",
        "app=web,tier=front",
    ]
    services = kubectl("get", "svc", "-A").stdout
    assert _columns(services) == ["NAMESPACE", "NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert [row[:2] for row in _rows(services)] == [["default", "kubernetes"], ["default", "web"],
                                                    ["kube-system", "kube-dns"]]
    pods = kubectl("get", "pods", "-o", "wide").stdout or "NAME READY"
    assert kubectl("get", "pods", "-o", "wide").returncode == 0 and pods
    assert kubectl("get", "deploy", "-o", "name").stdout.splitlines() == ["deployment.apps/web"]
    as_yaml = yaml.safe_load(kubectl("get", "deploy", "web", "-o", "yaml").stdout)
    assert as_yaml["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert "kubectl.kubernetes.io/last-applied-configuration" in as_yaml["metadata"]["annotations"]
    assert "managedFields" not in as_yaml["metadata"]  # kubectl drops them unless asked
    managed = yaml.safe_load(kubectl("get", "deploy", "web", "-o", "yaml", "--show-managed-fields").stdout)
    assert "kubectl-client-side-apply" in {m["manager"] for m in managed["metadata"]["managedFields"]}
    as_json = json.loads(kubectl("get", "svc", "web", "-o", "json").stdout)
    assert as_json["spec"]["clusterIP"].startswith("10.")
    path = kubectl("get", "deploy", "web", "-o", "jsonpath={.spec.replicas}/{.metadata.labels.tier}").stdout
    assert path == "2/front"
    assert kubectl("get", "deploy", "-l", "tier=front", "-o", "name").stdout.strip() == "deployment.apps/web"
    assert kubectl("get", "deploy", "-l", "tier=back", "-o", "name").stdout.strip() == ""
    by_field = kubectl("get", "svc", "-A", "--field-selector", "metadata.name=kubernetes", "-o", "name").stdout
    assert by_field.strip() == "service/kubernetes"
    nodes = kubectl("get", "nodes").stdout
    if nodes.strip():
        assert _columns(nodes) == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]


def test_client_side_apply_then_server_side_apply_upgrades_without_a_conflict(kubectl: Kubectl, tmp_path: Path) -> None:
    """lastAppliedManager / lastAppliedUpdater: the documented way from kubectl apply to kubectl apply --server-side."""
    manifest = tmp_path / "app.yaml"
    manifest.write_text(APP.split("---")[0])
    kubectl("apply", "-f", str(manifest))
    upgraded = kubectl("apply", "--server-side", "-f", str(manifest)).stdout.strip()
    assert upgraded == "deployment.apps/web serverside-applied"
    annotation = json.loads(kubectl("get", "deployment", "web", "-o", "json").stdout)["metadata"]["annotations"][
        "kubectl.kubernetes.io/last-applied-configuration"]
    assert json.loads(annotation)["spec"]["replicas"] == 2, "the annotation now holds the server-side applied config"
    kubectl("scale", "deployment", "web", "--replicas=4")
    manifest.write_text(APP.split("---")[0].replace("replicas: 2", "replicas: 3"))
    refused = kubectl("apply", "--server-side", "-f", str(manifest), ok=False)
    assert "conflict with" in refused.stderr and ".spec.replicas" in refused.stderr, "another writer's change conflicts"


def test_errors_read_as_they_do_on_a_real_cluster(kubectl: Kubectl, tmp_path: Path) -> None:
    missing = kubectl("get", "pod", "nope", ok=False)
    assert missing.returncode == 1
    assert missing.stderr.strip() == 'Error from server (NotFound): pods "nope" not found'
    kubectl("create", "configmap", "settings", "--from-literal=a=1")
    again = kubectl("create", "configmap", "settings", "--from-literal=a=1", ok=False)
    assert again.stderr.strip() == 'error: failed to create configmap: configmaps "settings" already exists'
    existing = tmp_path / "settings.yaml"
    existing.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n")
    duplicate = kubectl("create", "-f", str(existing), ok=False)
    assert duplicate.stderr.strip() == (
        f'Error from server (AlreadyExists): error when creating "{existing}": configmaps "settings" already exists'
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        APP.split("---")[0]
        .replace("name: web\n", "name: strict\n", 1)
        .replace("  replicas: 2\n", "  replicas: 2\n  replicaz: 3\n")
    )
    unknown = kubectl("apply", "-f", str(bad), ok=False)
    assert unknown.returncode == 1
    assert (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field '
        '"spec.replicaz"'
    ) in unknown.stderr
    wrong_type = tmp_path / "wrong-type.yaml"
    wrong_type.write_text(
        APP.split("---")[0].replace("name: web\n", "name: typed\n", 1).replace("replicas: 2", 'replicas: "three"')
    )
    decoded = kubectl("apply", "-f", str(wrong_type), ok=False)
    assert (
        'Error from server (BadRequest): error when creating "' + str(wrong_type) + '": Deployment in version "v1" '
        "cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field "
        "DeploymentSpec.spec.replicas of type int32"
    ) in decoded.stderr
    invalid = tmp_path / "invalid.yaml"
    invalid.write_text(
        APP.split("---")[0].replace("name: web\n", "name: broken\n", 1).replace("replicas: 2", "replicas: -3")
    )
    rejected = kubectl("apply", "-f", str(invalid), ok=False)
    assert 'The Deployment "broken" is invalid: spec.replicas: Invalid value: -3' in rejected.stderr
    unknown_type = kubectl("get", "widgets", ok=False)
    assert 'the server doesn\'t have a resource type "widgets"' in unknown_type.stderr
    # A misspelt kind: kubectl finds no schema in /openapi/v3, falls back to the (empty) /openapi/v2, skips
    # client-side validation and names the kind, as against a real server (a 404 on v2 stopped it earlier).
    typo = tmp_path / "typo.yaml"
    typo.write_text(APP.split("---")[0].replace("kind: Deployment", "kind: Deploymnet"))
    mistyped = kubectl("apply", "-f", str(typo), ok=False)
    assert 'no matches for kind "Deploymnet" in version "apps/v1"' in mistyped.stderr, mistyped.stderr
    assert "failed to download openapi" not in mistyped.stderr


def test_edit_patch_label_annotate_replace_and_delete(kubectl: Kubectl, tmp_path: Path) -> None:
    kubectl("create", "deployment", "api", "--image=busybox:1.36", "--replicas=1")
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nsed -i 's/replicas: 1/replicas: 4/' \"$1\"\n")
    editor.chmod(0o755)
    assert kubectl("edit", "deployment/api", env={"EDITOR": str(editor)}).stdout.strip() == "deployment.apps/api edited"
    assert kubectl("get", "deploy", "api", "-o", "jsonpath={.spec.replicas}").stdout == "4"
    kubectl("patch", "deploy", "api", "-p", '{"spec":{"minReadySeconds":5}}')
    kubectl("patch", "deploy", "api", "--type=merge", "-p", '{"spec":{"revisionHistoryLimit":3}}')
    kubectl("patch", "deploy", "api", "--type=json", "-p", '[{"op":"replace","path":"/spec/replicas","value":2}]')
    got = json.loads(kubectl("get", "deploy", "api", "-o", "json").stdout)
    assert (got["spec"]["minReadySeconds"], got["spec"]["revisionHistoryLimit"], got["spec"]["replicas"]) == (
        5,
        3,
        2,
    )
    assert kubectl("label", "deploy", "api", "team=blue").stdout.strip() == "deployment.apps/api labeled"
    assert kubectl("annotate", "deploy", "api", "owner=me").stdout.strip() == "deployment.apps/api annotated"
    got["metadata"] = {"name": "api", "labels": {"app": "api", "replaced": "yes"}}
    got.pop("status", None)
    replacement = tmp_path / "api.json"
    replacement.write_text(json.dumps(got))
    assert kubectl("replace", "-f", str(replacement)).stdout.strip() == "deployment.apps/api replaced"
    assert kubectl("get", "deploy", "api", "-o", "jsonpath={.metadata.labels.replaced}").stdout == "yes"
    assert kubectl("scale", "deploy", "api", "--replicas=3").stdout.strip() == "deployment.apps/api scaled"
    assert kubectl("get", "deploy", "api", "-o", "jsonpath={.spec.replicas}").stdout == "3"
    # Orphan deletion: the garbage collector removes the "orphan" finalizer, then the object goes.
    wait = "--wait=true" if HAS_GARBAGE_COLLECTOR else "--wait=false"
    deleted = kubectl("delete", "deploy", "api", "--cascade=orphan", wait).stdout.strip()
    assert deleted == 'deployment.apps "api" deleted'
    if HAS_GARBAGE_COLLECTOR:
        assert kubectl("get", "deploy", "api", ok=False).returncode == 1
    else:
        left = json.loads(kubectl("get", "deploy", "api", "-o", "json").stdout)["metadata"]
        assert left["deletionTimestamp"] and left["finalizers"] == ["orphan"]
    kubectl("create", "namespace", "scratch")
    kubectl("create", "configmap", "c1", "-n", "scratch", "--from-literal=x=y")
    # --all takes the root CA bundle too, as on a real cluster; its publisher puts it back
    deleted = kubectl("delete", "configmap", "--all", "-n", "scratch").stdout.splitlines()
    assert deleted == ['configmap "c1" deleted', 'configmap "kube-root-ca.crt" deleted']


def test_get_watch_prints_changes(kubectl: Kubectl) -> None:
    kubectl("create", "configmap", "watched", "--from-literal=v=1")
    watcher = kubectl.popen("get", "configmaps", "--watch", "--field-selector", "metadata.name=watched")
    try:
        time.sleep(1.0)
        kubectl("patch", "configmap", "watched", "-p", '{"data":{"v":"2"}}')
        kubectl("delete", "configmap", "watched")
        time.sleep(1.5)
    finally:
        watcher.terminate()
        output, _ = watcher.communicate(timeout=10)
    rows = _rows(output)
    assert _columns(output) == ["NAME", "DATA", "AGE"]
    assert len(rows) >= 3 and all(row[0] == "watched" for row in rows)


def test_auth_can_i_and_whoami(kubectl: Kubectl) -> None:
    """No authorization in kubetui: every review says yes, and kubectl's user is the kubeconfig's admin."""
    assert kubectl("auth", "can-i", "create", "pods").stdout.strip() == "yes"
    assert kubectl("auth", "can-i", "delete", "nodes").stdout.strip() == "yes"
    whoami = kubectl("auth", "whoami").stdout
    assert "kubetui" in whoami and "system:masters" in whoami
    assert "*.*" in kubectl("auth", "can-i", "--list").stdout
    listed = kubectl("get", "selfsubjectaccessreviews", ok=False)
    assert "MethodNotAllowed" in listed.stderr


def test_service_accounts_and_the_root_ca_bundle(kubectl: Kubectl) -> None:
    accounts = kubectl("get", "serviceaccounts").stdout
    assert _columns(accounts) == ["NAME", "SECRETS", "AGE"] and _rows(accounts)[0][:2] == ["default", "0"]
    assert kubectl("create", "sa", "robot").stdout.strip() == "serviceaccount/robot created"
    assert "robot" in kubectl("get", "sa", "-o", "name").stdout
    bundle = json.loads(kubectl("get", "configmap", "kube-root-ca.crt", "-o", "json").stdout)
    assert bundle["data"]["ca.crt"].startswith("-----BEGIN CERTIFICATE-----")


def test_cronjobs_create_get_explain_and_a_job_from_one(kubectl: Kubectl) -> None:
    made = kubectl("create", "cronjob", "tick", "--image=busybox:1.36", "--schedule=*/5 * * * *", "--", "echo", "hi")
    assert made.stdout.strip() == "cronjob.batch/tick created"
    listed = kubectl("get", "cj").stdout
    assert _columns(listed) == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST SCHEDULE", "AGE"]
    assert _rows(listed)[0][:6] == ["tick", "*/5 * * * *", "<none>", "False", "0", "<none>"]
    assert kubectl("create", "job", "by-hand", "--from=cronjob/tick").stdout.strip() == "job.batch/by-hand created"
    job = json.loads(kubectl("get", "job", "by-hand", "-o", "json").stdout)
    assert job["metadata"]["annotations"]["cronjob.kubernetes.io/instantiate"] == "manual"
    assert job["metadata"]["ownerReferences"][0]["kind"] == "CronJob"
    assert "The schedule in Cron format" in kubectl("explain", "cronjob.spec.schedule").stdout
    refused = kubectl("create", "cronjob", "bad", "--image=busybox", "--schedule=every minute", ok=False)
    assert 'spec.schedule: Invalid value: "every minute": expected exactly 5 fields, found 2: [every minute]' \
        in refused.stderr


def test_ingresses_and_ingress_classes(kubectl: Kubectl) -> None:
    """kubectl create ingress sends protobuf, where a rule's http value is an embedded struct."""
    made = kubectl("create", "ingress", "shop", "--rule=shop.example.com/cart*=cart:8080",
                   "--rule=shop.example.com/=web:http")
    assert made.stdout.strip() == "ingress.networking.k8s.io/shop created"
    stored = json.loads(kubectl("get", "ingress", "shop", "-o", "json").stdout)
    assert stored["spec"]["rules"] == [{"host": "shop.example.com", "http": {"paths": [
        {"backend": {"service": {"name": "cart", "port": {"number": 8080}}}, "path": "/cart", "pathType": "Prefix"},
        {"backend": {"service": {"name": "web", "port": {"name": "http"}}}, "path": "/", "pathType": "Exact"},
    ]}}]
    listed = kubectl("get", "ing").stdout
    assert _columns(listed) == ["NAME", "CLASS", "HOSTS", "ADDRESS", "PORTS", "AGE"]
    assert _rows(listed)[0][:4] == ["shop", "<none>", "shop.example.com", "80"]
    kubectl("apply", "-f", "-", stdin="""\
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx
  annotations: {ingressclass.kubernetes.io/is-default-class: "true"}
spec: {controller: k8s.io/ingress-nginx}
""")
    kubectl("create", "ingress", "later", "--rule=/=web:80")
    assert kubectl("get", "ing", "later", "-o", "jsonpath={.spec.ingressClassName}").stdout == "nginx"
    assert _rows(kubectl("get", "ingressclass").stdout)[0][:3] == ["nginx", "k8s.io/ingress-nginx", "<none>"]
    refused = kubectl("create", "ingress", "bad", "--rule=10.0.0.1/=web:80", ok=False)
    assert 'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address' in refused.stderr


@needs_pods
def test_replication_controllers_scale_and_expose(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    kubectl("apply", "-f", "-", stdin="""\
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: legacy}}
    spec:
      containers: [{name: nginx, image: nginx:1.27, ports: [{containerPort: 80}]}]
""")
    kubetui.advance(20)
    listed = kubectl("get", "rc", "-o", "wide").stdout
    assert _columns(listed) == ["NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"]
    row = _rows(listed)[0]
    assert row[:4] == ["legacy", "2", "2", "2"] and row[-1] == "app=legacy"
    assert kubectl("scale", "rc", "legacy", "--replicas=3").stdout.strip() == "replicationcontroller/legacy scaled"
    kubetui.advance(20)
    assert _rows(kubectl("get", "rc", "legacy").stdout)[0][:4] == ["legacy", "3", "3", "3"]
    kubectl("expose", "rc", "legacy", "--port=80")
    assert kubectl("get", "svc", "legacy", "-o", "jsonpath={.spec.selector.app}").stdout == "legacy"
    assert "replication-controller  Created pod: legacy-" in kubectl("describe", "rc", "legacy").stdout


def test_quota_and_limit_range_pages(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    """kubectl create quota sends protobuf; get quota has REQUEST and LIMIT; a LimitRange's defaults reach the pod."""
    kubectl("create", "namespace", "quota-e2e")
    kubectl("apply", "-n", "quota-e2e", "-f", "-", stdin="""\
apiVersion: v1
kind: LimitRange
metadata: {name: cpu-limit-range}
spec:
  limits: [{type: Container, default: {cpu: "1"}, defaultRequest: {cpu: 500m}}]
""")
    made = kubectl("create", "quota", "demo", "--hard=pods=1,requests.cpu=1,limits.cpu=2", "-n", "quota-e2e")
    assert made.stdout.strip() == "resourcequota/demo created"
    kubetui.advance(1)
    listed = kubectl("get", "quota", "-n", "quota-e2e").stdout
    assert _columns(listed) == ["NAME", "AGE", "REQUEST", "LIMIT"]
    assert "pods: 0/1, requests.cpu: 0/1" in listed and "limits.cpu: 0/2" in listed
    kubectl("run", "first", "--image=nginx:1.27", "-n", "quota-e2e")
    pod = json.loads(kubectl("get", "pod", "first", "-n", "quota-e2e", "-o", "json").stdout)
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "1"}, "requests": {"cpu": "500m"}}
    refused = kubectl("run", "second", "--image=nginx:1.27", "-n", "quota-e2e", ok=False)
    assert refused.stderr.strip() == (
        'Error from server (Forbidden): pods "second" is forbidden: exceeded quota: demo, requested: pods=1, '
        "used: pods=1, limited: pods=1")
    described = kubectl("describe", "namespace", "quota-e2e").stdout
    assert "Resource Quotas" in described and "Resource Limits" in described
    limits = kubectl("get", "limits", "-n", "quota-e2e").stdout
    assert _columns(limits) == ["NAME", "CREATED AT"] and re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", _rows(limits)[0][1])
    kubectl("delete", "namespace", "quota-e2e", "--wait=false")


def test_kubectl_create_stores_what_a_real_server_would(kubectl: Kubectl) -> None:
    """kubectl's generators send protobuf, where Go writes every non-pointer field: its zeros are not the user's."""
    kubectl("create", "deployment", "gen", "--image=nginx:1.27", "--replicas=0")
    made = json.loads(kubectl("get", "deployment", "gen", "-o", "json").stdout)
    spec, template = made["spec"], made["spec"]["template"]
    assert spec["replicas"] == 0, "a pointer field keeps its zero"
    assert "paused" not in spec and "minReadySeconds" not in spec
    assert template["metadata"] == {"creationTimestamp": None, "labels": {"app": "gen"}}
    assert not {"hostIPC", "hostNetwork", "hostPID"} & template["spec"].keys()
    assert not {"stdin", "stdinOnce", "tty"} & template["spec"]["containers"][0].keys()


def test_debug_fails_fast(kubectl: Kubectl) -> None:
    kubectl("run", "shell", "--image=busybox", "--restart=Never", "--", "sleep", "3600")
    started = time.monotonic()
    # The 404 of a missing subresource carries "details": {} as a real server's does; without it kubectl
    # debug dereferenced nil and panicked.
    debugged = kubectl("debug", "shell", "--image=busybox:1.36", ok=False, timeout=20)
    assert "ephemeral containers are disabled for this cluster" in debugged.stderr, debugged.stderr
    assert "panic" not in debugged.stderr
    assert time.monotonic() - started < 15


def test_official_python_client(kubetui: BackgroundCluster, kubectl: Kubectl) -> None:
    from kubernetes import client, config, watch

    api_client = config.new_client_from_config(str(kubectl.config))
    core = client.CoreV1Api(api_client)
    names = [ns.metadata.name for ns in core.list_namespace().items if ns.metadata]
    assert {"default", "kube-system"} <= set(names)
    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py"), data={"a": "1"})
    created = core.create_namespaced_config_map("default", body)
    assert created.metadata and created.metadata.uid
    patched = core.patch_namespaced_config_map("py", "default", {"data": {"b": "2"}})
    assert patched.data == {"a": "1", "b": "2"}
    stream = watch.Watch().stream(
        core.list_namespaced_config_map, "default", field_selector="metadata.name=py", timeout_seconds=2
    )
    events = [(event["type"], event["object"].metadata.name) for event in stream]
    assert events[0] == ("ADDED", "py")
    core.delete_namespaced_config_map("py", "default")
    with pytest.raises(client.ApiException) as gone:
        core.read_namespaced_config_map("py", "default")
    assert gone.value.status == 404
    requests = kubetui.on_loop(
        lambda: [r.who for r in kubetui.cluster.trace.history if isinstance(r, ApiRequest) and r.name == "py"]
    )
    assert set(requests) == {"python-client"}


@needs_rollouts
def test_scale_set_image_rollout_and_undo(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    kubectl("create", "deployment", "roll", "--image=nginx:1.27", "--replicas=2")
    kubectl("rollout", "status", "deployment/roll", "--timeout=30s", timeout=40)
    ready = kubectl("get", "deploy", "roll", "-o", "jsonpath={.status.readyReplicas}").stdout
    assert ready == "2"
    kubectl("scale", "deploy", "roll", "--replicas=3")
    kubectl("set", "image", "deployment/roll", "nginx=nginx:1.28")
    status = kubectl("rollout", "status", "deployment/roll", "--timeout=30s", timeout=40).stdout
    assert 'deployment "roll" successfully rolled out' in status
    history = kubectl("rollout", "history", "deployment/roll").stdout
    assert re.search(r"^1\s", history, re.M) and re.search(r"^2\s", history, re.M)
    kubectl("rollout", "undo", "deployment/roll")
    kubectl("rollout", "status", "deployment/roll", "--timeout=30s", timeout=40)
    image = kubectl("get", "deploy", "roll", "-o", "jsonpath={.spec.template.spec.containers[0].image}").stdout
    assert image == "nginx:1.27"
    kubectl("rollout", "pause", "deployment/roll")
    kubectl("rollout", "resume", "deployment/roll")
    kubectl("rollout", "restart", "deployment/roll")
    kubectl("wait", "--for=condition=Available", "deployment/roll", "--timeout=30s", timeout=40)
    replica_sets = kubectl("get", "rs", "-l", "app=roll").stdout
    assert _columns(replica_sets) == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"]
    pods = kubectl("get", "pods", "-l", "app=roll").stdout
    assert _columns(pods) == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert all(row[2] in ("Running", "Terminating", "ContainerCreating") for row in _rows(pods))
    described = kubectl("describe", "deployment", "roll").stdout
    assert "NewReplicaSet:" in described and "Events:" in described
    events = kubectl("get", "events").stdout
    assert _columns(events) == ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert "deployment/roll" in events and "ScalingReplicaSet" in events
    kubectl("delete", "deployment", "roll", "--cascade=foreground", timeout=40)
    kubetui.advance(30)
    assert kubectl("get", "rs", "-l", "app=roll", "-o", "name").stdout.strip() == ""


@needs_pods
def test_describe_shows_similar_events_combined(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    """client-go's event correlator: past 9 "Created pod" Events, the rest are one combined, counted Event."""
    kubectl("create", "deployment", "many", "--image=nginx:1.27", "--replicas=30")
    kubectl("rollout", "status", "deployment/many", "--timeout=30s", timeout=40)
    described = kubectl("describe", "rs", "-l", "app=many").stdout
    created = [line for line in described.splitlines() if "SuccessfulCreate" in line]
    assert len(created) == 10, described
    assert re.search(
        r"\(x\d+ over \S+\)\s+replicaset-controller\s+\(combined from similar events\): Created pod: many-",
        described,
    ), described
    kubectl("delete", "deployment", "many", timeout=40)


@needs_pods
def test_the_kubernetes_basics_tutorials_proxy_path(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    """Kubernetes Basics, module 3: curl <proxy>/api/v1/namespaces/default/pods/$POD_NAME:<port>/proxy/."""
    kubectl("run", "hello", "--image=nginx:1.27", "--port=80")
    kubectl.until(lambda: "Running" in kubectl("get", "pod", "hello").stdout, cluster=kubetui, advance=5)
    page = kubectl("get", "--raw", "/api/v1/namespaces/default/pods/hello:80/proxy/").stdout
    assert "<title>Welcome to nginx!</title>" in page
    assert '"GET / HTTP/1.1" 200 615' in kubectl("logs", "hello").stdout


@needs_pods
def test_logs_describe_pod_and_events(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    kubectl(
        "run", "talker", "--image=busybox", "--restart=Never", "--", "sh", "-c", "echo hello; echo world; sleep 3600"
    )
    kubectl("run", "crasher", "--image=busybox", "--", "sh", "-c", "echo starting; exit 1")
    kubectl.until(lambda: "Running" in kubectl("get", "pod", "talker").stdout, cluster=kubetui, advance=5)
    assert kubectl("logs", "talker").stdout == "hello\nworld\n"
    assert kubectl("logs", "talker", "--tail=1").stdout == "world\n"
    follower = kubectl.popen("logs", "-f", "talker")
    time.sleep(0.5)
    kubetui.advance(5)
    assert follower.poll() is None  # still following a running container
    follower.terminate()
    assert follower.communicate(timeout=10)[0] == "hello\nworld\n"
    kubectl.until(lambda: _rows(kubectl("get", "pod", "crasher").stdout)[0][3] != "0", cluster=kubetui, advance=10)
    crasher = _rows(kubectl("get", "pod", "crasher").stdout)[0]
    assert crasher[2] in ("CrashLoopBackOff", "Error") and re.fullmatch(r"\d+ \(\w+ ago\)", crasher[3])
    assert kubectl("logs", "crasher", "--previous").stdout == "starting\n"
    assert kubectl("logs", "-f", "crasher", timeout=10).returncode == 0  # ends with the container
    described = kubectl("describe", "pod", "talker").stdout
    assert "Node:" in described and "Events:" in described and "Scheduled" in described
    wide = kubectl("get", "pod", "talker", "-o", "wide").stdout
    assert _columns(wide) == [
        "NAME",
        "READY",
        "STATUS",
        "RESTARTS",
        "AGE",
        "IP",
        "NODE",
        "NOMINATED NODE",
        "READINESS GATES",
    ]


@needs_pods
def test_cordon_uncordon_and_drain_with_a_disruption_budget(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    kubectl("create", "deployment", "guarded", "--image=nginx:1.27", "--replicas=2")
    kubectl("rollout", "status", "deployment/guarded", "--timeout=30s", timeout=40)
    kubectl("create", "poddisruptionbudget", "guarded", "--selector=app=guarded", "--min-available=2")
    node = kubectl("get", "pods", "-l", "app=guarded", "-o", "jsonpath={.items[0].spec.nodeName}").stdout
    assert kubectl("cordon", node).stdout.strip() == f"node/{node} cordoned"
    assert "Ready,SchedulingDisabled" in kubectl("get", "node", node).stdout
    assert kubectl("uncordon", node).stdout.strip() == f"node/{node} uncordoned"
    drain = ("drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--force")
    blocked = kubectl(*drain, "--timeout=7s", ok=False, timeout=30)
    assert blocked.returncode != 0
    assert "Cannot evict pod as it would violate the pod's disruption budget." in blocked.stderr
    assert "(will retry after 5s)" in blocked.stderr
    kubectl("delete", "pdb", "guarded")
    drained = kubectl(*drain, "--timeout=60s", timeout=70)
    assert f"node/{node} drained" in drained.stdout
    on_node = kubectl("get", "pods", "-A", "--field-selector", f"spec.nodeName={node}", "-o", "name").stdout
    assert on_node.strip() == ""
    kubectl("uncordon", node)


DAEMONSET = """\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  annotations: {kubernetes.io/change-cause: first}
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers: [{name: agent, image: nginx:1.27}]
"""

STATEFULSET = """\
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: staged
spec:
  serviceName: staged
  replicas: 3
  selector:
    matchLabels: {app: staged}
  template:
    metadata:
      labels: {app: staged}
    spec:
      containers: [{name: nginx, image: nginx:1.27}]
"""


def _image(kubectl: Kubectl, kind: str, name: str) -> str:
    return kubectl("get", kind, name, "-o", "jsonpath={.spec.template.spec.containers[0].image}").stdout


@needs_rollouts
def test_daemonset_rollout_history_and_undo(kubectl: Kubectl, kubetui: BackgroundCluster, tmp_path: Path) -> None:
    manifest = tmp_path / "ds.yaml"
    manifest.write_text(DAEMONSET)
    kubectl("apply", "-f", str(manifest))
    kubectl("rollout", "status", "ds/agent", "--timeout=30s", timeout=40)
    kubectl("annotate", "ds/agent", "--overwrite", "kubernetes.io/change-cause=to 1.28")
    kubectl("set", "image", "ds/agent", "agent=nginx:1.28")
    kubectl("rollout", "status", "ds/agent", "--timeout=60s", timeout=70)
    revisions = kubectl("get", "controllerrevisions", "-l", "app=agent").stdout
    assert _columns(revisions) == ["NAME", "CONTROLLER", "REVISION", "AGE"]
    assert re.search(r"^controllerrevisions\s+apps/v1\s+true\s+ControllerRevision$",
                     kubectl("api-resources").stdout, re.M)
    assert "FIELD: data <RawExtension>" in kubectl("explain", "controllerrevision.data").stdout
    rows = sorted(_rows(revisions), key=lambda row: row[2])
    assert [(row[1], row[2]) for row in rows] == [("daemonset.apps/agent", "1"), ("daemonset.apps/agent", "2")]
    assert all(re.fullmatch(r"agent-[bcdfghjklmnpqrstvwxz2456789]+", row[0]) for row in rows)
    history = kubectl("rollout", "history", "ds/agent").stdout
    assert re.search(r"^1\s+first$", history, re.M) and re.search(r"^2\s+to 1\.28$", history, re.M), history
    assert "Image:\tnginx:1.27" in kubectl("rollout", "history", "ds/agent", "--revision=1").stdout
    hashes = kubectl("get", "pods", "-l", "app=agent", "-o",
                     "jsonpath={.items[*].metadata.labels.controller-revision-hash}").stdout.split()
    assert hashes and {f"agent-{h}" for h in hashes} == {rows[1][0]}
    undo = kubectl("rollout", "undo", "ds/agent", "--to-revision=1").stdout.strip()
    assert undo == "daemonset.apps/agent rolled back"
    kubectl("rollout", "status", "ds/agent", "--timeout=60s", timeout=70)
    assert _image(kubectl, "ds", "agent") == "nginx:1.27"
    history = kubectl("rollout", "history", "ds/agent").stdout
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["2", "3"]
    again = kubectl("rollout", "undo", "ds/agent", "--to-revision=3").stdout.strip()
    assert again == "daemonset.apps/agent skipped rollback (current template already matches revision 3)"
    if HAS_GARBAGE_COLLECTOR:
        kubectl("delete", "ds", "agent", "--cascade=foreground", timeout=40)
        kubectl.until(lambda: kubectl("get", "controllerrevisions", "-l", "app=agent", "-o", "name").stdout == "",
                      cluster=kubetui, advance=5)


@needs_pods
def test_statefulset_partitioned_rollout_history_and_undo(
    kubectl: Kubectl, kubetui: BackgroundCluster, tmp_path: Path
) -> None:
    """The StatefulSet Basics tutorial: staging an update with a partition, a canary, then undo."""
    manifest = tmp_path / "sts.yaml"
    manifest.write_text(STATEFULSET)
    kubectl("apply", "-f", str(manifest))
    kubectl("rollout", "status", "sts/staged", "--timeout=60s", timeout=70)
    kubectl("patch", "statefulset", "staged", "-p",
            '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":3}}}}')
    kubectl("patch", "statefulset", "staged", "--type=json", "-p",
            '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx:1.28"}]')
    kubectl("delete", "pod", "staged-2", timeout=40)

    def image_of(pod: str) -> str:
        result = kubectl("get", "pod", pod, "-o", "jsonpath={.spec.containers[0].image}", ok=False)
        return result.stdout if result.returncode == 0 else ""

    kubectl.until(lambda: image_of("staged-2") != "", cluster=kubetui, advance=2)
    assert image_of("staged-2") == "nginx:1.27"  # below the partition: the current revision's template
    kubectl("patch", "statefulset", "staged", "-p",
            '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":2}}}}')
    kubectl.until(lambda: image_of("staged-2") == "nginx:1.28", cluster=kubetui, advance=2)  # the canary
    kubectl("delete", "pod", "staged-1", timeout=40)
    kubectl.until(lambda: image_of("staged-1") != "", cluster=kubetui, advance=2)
    assert image_of("staged-1") == "nginx:1.27"
    status = json.loads(kubectl("get", "sts", "staged", "-o", "jsonpath={.status}").stdout)
    revisions = sorted(_rows(kubectl("get", "controllerrevisions", "-l", "app=staged").stdout), key=lambda r: r[2])
    assert [(r[1], r[2]) for r in revisions] == [("statefulset.apps/staged", "1"), ("statefulset.apps/staged", "2")]
    assert (status["currentRevision"], status["updateRevision"]) == (revisions[0][0], revisions[1][0])
    history = kubectl("rollout", "history", "sts/staged").stdout
    assert re.search(r"^1\s", history, re.M) and re.search(r"^2\s", history, re.M)
    assert "Image:\tnginx:1.28" in kubectl("rollout", "history", "sts/staged", "--revision=2").stdout
    assert kubectl("rollout", "undo", "sts/staged").stdout.strip() == "statefulset.apps/staged rolled back"
    assert _image(kubectl, "sts", "staged") == "nginx:1.27"
    kubectl.until(lambda: image_of("staged-2") == "nginx:1.27", cluster=kubetui, advance=2)
    status = json.loads(kubectl("get", "sts", "staged", "-o", "jsonpath={.status}").stdout)
    assert status["updateRevision"] == revisions[0][0]
    kubectl("delete", "sts", "staged", timeout=40)


VAULT = """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: vault}
spec:
  serviceName: vault
  replicas: 1
  selector: {matchLabels: {app: vault}}
  template:
    metadata: {labels: {app: vault}}
    spec:
      containers: [{name: app, image: nginx:1.27}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 1Gi}}
"""


@needs_pods
def test_storage_classes_claims_and_volumes(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    classes = kubectl("get", "sc").stdout
    assert _columns(classes) == ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE", "ALLOWVOLUMEEXPANSION",
                                 "AGE"]
    assert _rows(classes)[0][:5] == ["standard (default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer",
                                     "false"]
    kubectl("apply", "-f", "-", stdin=VAULT)
    kubectl.until(lambda: kubectl("get", "pvc", "data-vault-0", "-o", "jsonpath={.status.phase}").stdout == "Bound",
                  cluster=kubetui, advance=2)
    claims = kubectl("get", "pvc", "data-vault-0").stdout
    assert _columns(claims) == ["NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS",
                                "VOLUMEATTRIBUTESCLASS", "AGE"]
    [row] = _rows(claims)
    volume = row[2]
    assert row[:2] + row[3:7] == ["data-vault-0", "Bound", "1Gi", "RWO", "standard", "<unset>"]
    assert volume.startswith("pvc-")
    pv = kubectl("get", "pv", volume).stdout
    assert _columns(pv) == ["NAME", "CAPACITY", "ACCESS MODES", "RECLAIM POLICY", "STATUS", "CLAIM", "STORAGECLASS",
                            "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"]
    assert _rows(pv)[0][:8] == [volume, "1Gi", "RWO", "Delete", "Bound", "default/data-vault-0", "standard",
                                "<unset>"]
    node = kubectl("get", "pod", "vault-0", "-o", "jsonpath={.spec.nodeName}").stdout
    affinity = kubectl("get", "pv", volume, "-o", "jsonpath={.spec.nodeAffinity.required.nodeSelectorTerms[0]"
                       ".matchExpressions[0].values[0]}").stdout
    assert affinity == node
    described = kubectl("describe", "pvc", "data-vault-0").stdout
    assert re.search(r"Used By:\s+vault-0", described)
    assert "pv.kubernetes.io/bind-completed: yes" in described
    assert f"volume.kubernetes.io/selected-node: {node}" in described
    # the claim's first sync already sees vault-0, not scheduled yet (emitEventForUnboundDelayBindingClaim)
    assert re.search(r"WaitForPodScheduled\s+\S+\s+persistentvolume-controller\s+waiting for pod vault-0 to be "
                     r"scheduled", described)
    for reason in ("ExternalProvisioning", "Provisioning", "ProvisioningSucceeded"):
        assert reason in described
    assert "persistentvolumeclaim/data-vault-0" in kubectl("get", "pvc,pv,sc").stdout
    assert "accessModes contains the desired access modes" in kubectl("explain", "pvc.spec.accessModes").stdout
    refused = kubectl("apply", "-f", "-", ok=False, stdin="apiVersion: v1\nkind: PersistentVolumeClaim\n"
                      "metadata: {name: empty}\nspec: {}\n")
    assert "spec.accessModes: Required value: at least 1 access mode is required" in refused.stderr
    assert "spec.resources[storage]: Required value" in refused.stderr
    local = kubectl("apply", "-f", "-", ok=False, stdin="apiVersion: v1\nkind: PersistentVolume\n"
                    "metadata: {name: disk}\nspec: {capacity: {storage: 1Gi}, local: {path: /mnt/disk}}\n")
    assert ('The PersistentVolume "disk" is invalid: \n* spec.accessModes: Required value\n'
            "* spec.nodeAffinity: Required value: Local volume requires node affinity\n") in local.stderr
    grown = kubectl("patch", "pvc", "data-vault-0", "-p", '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}',
                    ok=False)
    assert ('persistentvolumeclaims "data-vault-0" is forbidden: only dynamically provisioned pvc can be resized '
            "and the storageclass that provisions the pvc must support resize") in grown.stderr


def test_apply_prune_reaches_the_storage_kinds(kubectl: Kubectl, tmp_path: Path) -> None:
    """kubectl's default prune allowlist names PersistentVolumeClaim, PersistentVolume, ReplicationController and
    networking.k8s.io Ingress: all served, so a prune without an allowlist works too."""
    manifest = tmp_path / "set.yaml"
    claim = ("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: pruned, labels: {set: p}}\n"
             "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\n")
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept, labels: {set: p}}\ndata: {a: b}\n"
    manifest.write_text(config + "---\n" + claim)
    kubectl("apply", "-f", str(manifest))
    manifest.write_text(config)
    allowlist = ["--prune-allowlist=core/v1/ConfigMap", "--prune-allowlist=core/v1/PersistentVolumeClaim",
                 "--prune-allowlist=core/v1/PersistentVolume"]
    pruned = kubectl("apply", "--prune", "-l", "set=p", *allowlist, "-f", str(manifest)).stdout
    assert "persistentvolumeclaim/pruned pruned" in pruned
    manifest.write_text(config + "---\n" + claim)
    kubectl("apply", "-f", str(manifest))
    manifest.write_text(config)
    default = kubectl("apply", "--prune", "-l", "set=p", "-f", str(manifest)).stdout
    assert "persistentvolumeclaim/pruned pruned" in default and "configmap/kept unchanged" in default


PHP_APACHE = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels:
      run: php-apache
  template:
    metadata:
      labels:
        run: php-apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 500m
          requests:
            cpu: 200m
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
  labels:
    run: php-apache
spec:
  ports:
  - port: 80
  selector:
    run: php-apache
"""


def test_top_pod_and_node_from_metrics_server(kubectl: Kubectl, kubetui: BackgroundCluster) -> None:
    """The HorizontalPodAutoscaler walkthrough's php-apache under its load generator, seen by kubectl top."""
    kubectl("apply", "-f", "-", stdin=PHP_APACHE)
    kubectl("run", "load-generator", "--image=busybox:1.28", "--restart=Never", "--", "/bin/sh", "-c",
            "while sleep 0.01; do wget -q -O- http://php-apache; done")

    def steady_in_top() -> bool:
        """Both pods measured over a whole window under load (one that began before the generator ran reads less)."""
        result = kubectl("top", "pod", ok=False)
        rows = {row[0]: row for row in _rows(result.stdout)} if result.returncode == 0 else {}
        return any(name.startswith("php-apache-") and row[1] == "500m" for name, row in rows.items()) and \
            rows.get("load-generator", ["", ""])[1] == "21m"

    kubectl.until(steady_in_top, timeout=60, advance=15, cluster=kubetui)
    top = kubectl("top", "pod").stdout
    assert top.splitlines()[0].split() == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    by_name = {row[0]: row for row in _rows(top)}
    php = next(name for name in by_name if name.startswith("php-apache-"))
    assert by_name[php][1] == "500m" and by_name["load-generator"][1] == "21m"
    containers = kubectl("top", "pod", "--containers", "-l", "run=php-apache").stdout
    assert containers.splitlines()[0].split()[:2] == ["POD", "NAME"]
    assert _rows(containers)[0][:3] == [php, "php-apache", "500m"]
    nodes = kubectl("top", "node").stdout
    assert nodes.splitlines()[0].split() == ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
    assert [row[0] for row in _rows(nodes)] == ["node-1", "node-2", "node-3"]
    raw = json.loads(kubectl("get", "--raw", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods").stdout)
    assert raw["kind"] == "PodMetricsList" and {i["metadata"]["name"] for i in raw["items"]} >= {php, "load-generator"}
    assert all(i["window"] == "15s" for i in raw["items"])
    kubectl("delete", "pod", "load-generator", "--now")
    kubectl("delete", "-f", "-", stdin=PHP_APACHE)


def test_get_apiservice_lists_the_local_groups_and_metrics_server(kubectl: Kubectl) -> None:
    """kind with metrics-server installed: one Local APIService per group version, and metrics.k8s.io served by
    metrics-server's Service."""
    out = kubectl("get", "apiservice").stdout
    assert out.splitlines()[0].split() == ["NAME", "SERVICE", "AVAILABLE", "AGE"]
    rows = {row[0]: row for row in _rows(out)}
    assert rows["v1."][1:3] == ["Local", "True"]
    assert rows["v2.autoscaling"][1:3] == ["Local", "True"]
    assert rows["v1beta1.metrics.k8s.io"][1:3] == ["kube-system/metrics-server", "True"]
    metrics = json.loads(kubectl("get", "apiservice", "v1beta1.metrics.k8s.io", "-o", "json").stdout)
    assert metrics["spec"]["service"] == {"namespace": "kube-system", "name": "metrics-server", "port": 443}
    assert metrics["status"]["conditions"][0]["reason"] == "Passed"
    missing = kubectl("get", "apiservice", "v1.nope", ok=False)
    assert 'apiservices.apiregistration.k8s.io "v1.nope" not found' in missing.stderr
    refused = kubectl("delete", "apiservice", "v1.apps", ok=False)
    assert refused.returncode != 0
