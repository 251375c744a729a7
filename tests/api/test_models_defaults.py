"""Models (type checks) and defaulting, against Kubernetes' defaults.go files.

Expected values come from pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go,
pkg/apis/batch/v1/defaults.go and plugin/pkg/admission/defaulttolerationseconds (v1.30-1.32).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from kubetui.api.defaults import add_default_toleration_seconds, apply_defaults, image_tag
from kubetui.api.models import MODELS, Deployment, Pod, Service


def pod(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec},
    }


def workload(kind: str, api_version: str = "apps/v1", **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
            },
            **spec,
        },
    }


# --- models -------------------------------------------------------------------------------------


def test_models_use_camel_case_and_keep_unknown_fields() -> None:
    p = Pod.model_validate(pod(nodeName="n1", someFutureField={"x": 1}))
    assert p.spec is not None and p.spec.node_name == "n1"
    assert p.spec.model_extra == {"someFutureField": {"x": 1}}
    assert p.spec.containers is not None and p.spec.containers[0].image == "nginx:1.27"


def test_models_accept_snake_case_names_too() -> None:
    svc = Service.model_validate({"spec": {"cluster_ip": "10.0.0.1", "clusterIPs": ["10.0.0.1"]}})
    assert svc.spec is not None and svc.spec.cluster_ip == "10.0.0.1" and svc.spec.cluster_ips == ["10.0.0.1"]


@pytest.mark.parametrize("bad", ["3", True, 2.5, [3], {"n": 3}])
def test_int_fields_reject_what_go_json_rejects(bad: Any) -> None:
    with pytest.raises(ValidationError):
        Deployment.model_validate({"spec": {"replicas": bad}})


def test_int_fields_accept_integral_floats_from_yaml() -> None:
    d = Deployment.model_validate({"spec": {"replicas": 3.0}})
    assert d.spec is not None and d.spec.replicas == 3 and isinstance(d.spec.replicas, int)


@pytest.mark.parametrize("bad", [5, True, {"a": 1}, ["x"]])
def test_string_fields_reject_non_strings(bad: Any) -> None:
    with pytest.raises(ValidationError):
        Pod.model_validate({"spec": {"containers": [{"name": "c", "image": bad}]}})


def test_quantities_take_strings_and_numbers_and_int_or_string_takes_both() -> None:
    p = Pod.model_validate(
        pod(containers=[{"name": "c", "resources": {"limits": {"cpu": 2, "memory": "1Gi"}}}])
    )
    assert p.spec is not None and p.spec.containers is not None
    assert p.spec.containers[0].resources is not None
    assert p.spec.containers[0].resources.limits == {"cpu": 2, "memory": "1Gi"}
    d = Deployment.model_validate(
        {"spec": {"strategy": {"rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}}}}
    )
    assert d.spec is not None and d.spec.strategy is not None and d.spec.strategy.rolling_update is not None
    assert (d.spec.strategy.rolling_update.max_surge, d.spec.strategy.rolling_update.max_unavailable) == (
        "25%",
        1,
    )
    with pytest.raises(ValidationError):
        Pod.model_validate(pod(containers=[{"name": "c", "resources": {"limits": {"cpu": True}}}]))


def test_null_means_unset() -> None:
    p = Pod.model_validate({"metadata": None, "spec": {"containers": None, "nodeName": None}})
    assert p.metadata is None and p.spec is not None and p.spec.containers is None


def test_every_kind_has_a_model() -> None:
    assert set(MODELS) >= {
        "Namespace",
        "Node",
        "Pod",
        "Service",
        "Endpoints",
        "EndpointSlice",
        "ConfigMap",
        "Secret",
        "Event",
        "Lease",
        "Binding",
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "StatefulSet",
        "Job",
        "PodDisruptionBudget",
        "PriorityClass",
    }


# --- pod defaults -------------------------------------------------------------------------------


def test_pod_defaults() -> None:
    p = pod()
    apply_defaults(p)
    spec = p["spec"]
    assert spec["restartPolicy"] == "Always"
    assert spec["terminationGracePeriodSeconds"] == 30
    assert spec["dnsPolicy"] == "ClusterFirst"
    assert spec["schedulerName"] == "default-scheduler"
    assert spec["securityContext"] == {}
    assert spec["enableServiceLinks"] is True
    c = spec["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["terminationMessagePath"] == "/dev/termination-log"
    assert c["terminationMessagePolicy"] == "File"
    assert c["resources"] == {}  # `resources: {}` in kubectl get -o yaml, as Go writes an empty struct


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.27", "IfNotPresent"),
        ("registry.local:5000/team/app", "Always"),
        ("registry.local:5000/team/app:v2", "IfNotPresent"),
        ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
        ("nginx:1.27@sha256:" + "a" * 64, "IfNotPresent"),
    ],
)
def test_image_pull_policy_follows_the_tag(image: str, policy: str) -> None:
    p = pod(containers=[{"name": "c", "image": image}])
    apply_defaults(p)
    assert p["spec"]["containers"][0]["imagePullPolicy"] == policy


def test_image_tag() -> None:
    assert image_tag("busybox") == "latest"
    assert image_tag("localhost:5000/busybox") == "latest"
    assert image_tag("busybox:1.36") == "1.36"
    assert image_tag("") == ""


def test_explicit_values_are_kept() -> None:
    p = pod(restartPolicy="Never", terminationGracePeriodSeconds=0, enableServiceLinks=False)
    p["spec"]["containers"][0]["imagePullPolicy"] = "Never"
    apply_defaults(p)
    assert p["spec"]["restartPolicy"] == "Never"
    assert p["spec"]["terminationGracePeriodSeconds"] == 0
    assert p["spec"]["enableServiceLinks"] is False
    assert p["spec"]["containers"][0]["imagePullPolicy"] == "Never"


def test_ports_and_probes_defaults() -> None:
    probe = {"httpGet": {"port": 8080}}
    p = pod(
        containers=[
            {
                "name": "c",
                "image": "app:1",
                "ports": [{"containerPort": 8080}],
                "livenessProbe": probe,
                "lifecycle": {"preStop": {"httpGet": {"port": 8080}}},
            }
        ]
    )
    apply_defaults(p)
    c = p["spec"]["containers"][0]
    assert c["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
    assert c["livenessProbe"] == {
        "httpGet": {"port": 8080, "path": "/", "scheme": "HTTP"},
        "timeoutSeconds": 1,
        "periodSeconds": 10,
        "successThreshold": 1,
        "failureThreshold": 3,
    }
    assert c["lifecycle"]["preStop"]["httpGet"]["path"] == "/"


def test_requests_default_to_limits_on_pods_only() -> None:
    resources = {"limits": {"cpu": "500m", "memory": "128Mi"}}
    p = pod(containers=[{"name": "c", "image": "x:1", "resources": copy.deepcopy(resources)}])
    apply_defaults(p)
    assert p["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "500m", "memory": "128Mi"}
    d = workload("Deployment")
    d["spec"]["template"]["spec"]["containers"][0]["resources"] = copy.deepcopy(resources)
    apply_defaults(d)
    assert "requests" not in d["spec"]["template"]["spec"]["containers"][0]["resources"]


def test_host_network_ports_become_host_ports() -> None:
    p = pod(hostNetwork=True, containers=[{"name": "c", "image": "x:1", "ports": [{"containerPort": 53}]}])
    apply_defaults(p)
    assert p["spec"]["containers"][0]["ports"][0]["hostPort"] == 53


def test_volume_defaults() -> None:
    p = pod(volumes=[{"name": "scratch"}, {"name": "cfg", "configMap": {"name": "cfg"}}])
    apply_defaults(p)
    assert p["spec"]["volumes"][0] == {"name": "scratch", "emptyDir": {}}
    assert p["spec"]["volumes"][1]["configMap"]["defaultMode"] == 420


def test_field_ref_api_version() -> None:
    env = [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]
    p = pod(containers=[{"name": "c", "image": "x:1", "env": env}])
    apply_defaults(p)
    assert p["spec"]["containers"][0]["env"][0]["valueFrom"]["fieldRef"]["apiVersion"] == "v1"


# --- workload defaults --------------------------------------------------------------------------


def test_deployment_defaults() -> None:
    d = workload("Deployment")
    apply_defaults(d)
    spec = d["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"},
    }
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    tspec = spec["template"]["spec"]
    assert tspec["restartPolicy"] == "Always" and tspec["schedulerName"] == "default-scheduler"
    assert "enableServiceLinks" not in tspec  # SetDefaults_Pod, not SetDefaults_PodSpec


def test_recreate_strategy_gets_no_rolling_update() -> None:
    d = workload("Deployment", strategy={"type": "Recreate"})
    apply_defaults(d)
    assert d["spec"]["strategy"] == {"type": "Recreate"}


def test_replicas_zero_is_kept() -> None:
    d = workload("Deployment", replicas=0)
    apply_defaults(d)
    assert d["spec"]["replicas"] == 0


def test_replicaset_daemonset_statefulset_defaults() -> None:
    rs = workload("ReplicaSet")
    apply_defaults(rs)
    assert rs["spec"]["replicas"] == 1
    ds = workload("DaemonSet")
    apply_defaults(ds)
    assert ds["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    assert ds["spec"]["revisionHistoryLimit"] == 10
    ss = workload("StatefulSet", serviceName="web")
    apply_defaults(ss)
    assert ss["spec"]["podManagementPolicy"] == "OrderedReady"
    assert ss["spec"]["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert ss["spec"]["replicas"] == 1 and ss["spec"]["revisionHistoryLimit"] == 10
    assert ss["spec"]["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }


def test_job_defaults_and_generated_selector() -> None:
    job = workload("Job", api_version="batch/v1")
    del job["spec"]["selector"]
    job["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    job["metadata"]["uid"] = "uid-1"
    apply_defaults(job)
    spec = job["spec"]
    assert (spec["completions"], spec["parallelism"], spec["backoffLimit"]) == (1, 1, 6)
    assert spec["completionMode"] == "NonIndexed" and spec["suspend"] is False
    assert spec["podReplacementPolicy"] == "TerminatingOrFailed"
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": "uid-1"}}
    assert spec["template"]["metadata"]["labels"] == {
        "app": "web",
        "job-name": "web",
        "batch.kubernetes.io/job-name": "web",
        "controller-uid": "uid-1",
        "batch.kubernetes.io/controller-uid": "uid-1",
    }
    assert job["metadata"]["labels"] == {"app": "web"}  # copied from the template before the job labels


def test_job_parallel_without_completions() -> None:
    job = workload("Job", api_version="batch/v1", parallelism=3)
    apply_defaults(job)
    assert job["spec"]["parallelism"] == 3 and "completions" not in job["spec"]


def test_job_template_restart_policy_is_defaulted_like_any_template() -> None:
    """Kubernetes defaults it to Always, then Job validation rejects that (the user must choose)."""
    job = workload("Job", api_version="batch/v1")
    apply_defaults(job)
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Always"


# --- other kinds ---------------------------------------------------------------------------------


def test_service_defaults() -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}, {"port": 443, "targetPort": "https"}]},
    }
    apply_defaults(svc)
    spec = svc["spec"]
    assert spec["type"] == "ClusterIP" and spec["sessionAffinity"] == "None"
    assert spec["ports"] == [
        {"port": 80, "protocol": "TCP", "targetPort": 80},
        {"port": 443, "targetPort": "https", "protocol": "TCP"},
    ]
    assert spec["ipFamilies"] == ["IPv4"] and spec["ipFamilyPolicy"] == "SingleStack"
    assert spec["internalTrafficPolicy"] == "Cluster"
    assert "externalTrafficPolicy" not in spec and "clusterIP" not in spec  # allocation is the apiserver's


def test_nodeport_and_client_ip_service_defaults() -> None:
    svc = {
        "kind": "Service",
        "metadata": {"name": "w"},
        "spec": {"type": "NodePort", "sessionAffinity": "ClientIP", "ports": [{"port": 80}]},
    }
    apply_defaults(svc)
    assert svc["spec"]["externalTrafficPolicy"] == "Cluster"
    assert svc["spec"]["sessionAffinityConfig"] == {"clientIP": {"timeoutSeconds": 10800}}
    lb = {
        "kind": "Service",
        "metadata": {"name": "w"},
        "spec": {"type": "LoadBalancer", "ports": [{"port": 80}]},
    }
    apply_defaults(lb)
    assert lb["spec"]["allocateLoadBalancerNodePorts"] is True


def test_external_name_service_gets_no_ip_families() -> None:
    svc = {
        "kind": "Service",
        "metadata": {"name": "w"},
        "spec": {"type": "ExternalName", "externalName": "x.com"},
    }
    apply_defaults(svc)
    assert "ipFamilies" not in svc["spec"] and "internalTrafficPolicy" not in svc["spec"]


def test_namespace_node_secret_priorityclass_defaults() -> None:
    ns = {"kind": "Namespace", "metadata": {"name": "dev"}}
    apply_defaults(ns)
    assert ns["status"] == {"phase": "Active"}
    assert ns["spec"] == {"finalizers": ["kubernetes"]}
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "dev"}
    node = {"kind": "Node", "metadata": {"name": "n1"}, "status": {"capacity": {"cpu": "4", "memory": "8Gi"}}}
    apply_defaults(node)
    assert node["status"]["allocatable"] == {"cpu": "4", "memory": "8Gi"}
    secret = {"kind": "Secret", "metadata": {"name": "s"}, "stringData": {"password": "hunter2"}}
    apply_defaults(secret)
    assert secret == {
        "kind": "Secret",
        "metadata": {"name": "s"},
        "type": "Opaque",
        "data": {"password": "aHVudGVyMg=="},
    }
    pc = {"kind": "PriorityClass", "metadata": {"name": "high"}, "value": 1000}
    apply_defaults(pc)
    assert pc["preemptionPolicy"] == "PreemptLowerPriority"


def test_endpoint_ports_default_protocol() -> None:
    ep = {"kind": "Endpoints", "subsets": [{"addresses": [{"ip": "10.0.0.1"}], "ports": [{"port": 80}]}]}
    apply_defaults(ep)
    assert ep["subsets"][0]["ports"][0]["protocol"] == "TCP"
    slice_ = {"kind": "EndpointSlice", "addressType": "IPv4", "ports": [{"port": 80}]}
    apply_defaults(slice_)
    assert slice_["ports"] == [{"port": 80, "name": "", "protocol": "TCP"}]


def test_defaulting_is_idempotent() -> None:
    for obj in (pod(), workload("Deployment"), workload("DaemonSet"), workload("StatefulSet")):
        apply_defaults(obj)
        once = copy.deepcopy(obj)
        apply_defaults(obj)
        assert obj == once


@pytest.mark.parametrize(
    "garbage",
    [
        {"kind": "Pod", "spec": []},
        {"kind": "Pod", "spec": {"containers": "x", "volumes": [1, None]}},
        {"kind": "Deployment", "spec": {"strategy": "fast", "template": 5}},
        {"kind": "Service", "spec": {"ports": [{"targetPort": {"x": 1}}, 3], "sessionAffinityConfig": 2}},
        {"kind": "Job", "metadata": {"uid": "u"}, "spec": {"template": {"metadata": {"labels": "x"}}}},
        {"kind": "Secret", "stringData": {"a": 1}, "data": []},
        {"kind": "Unknown"},
        {"kind": None},
    ],
)
def test_defaulting_garbage_does_not_raise(garbage: dict[str, Any]) -> None:
    apply_defaults(garbage)
    add_default_toleration_seconds(garbage)


# --- DefaultTolerationSeconds ---------------------------------------------------------------------

NOT_READY = {
    "key": "node.kubernetes.io/not-ready",
    "operator": "Exists",
    "effect": "NoExecute",
    "tolerationSeconds": 300,
}
UNREACHABLE = {
    "key": "node.kubernetes.io/unreachable",
    "operator": "Exists",
    "effect": "NoExecute",
    "tolerationSeconds": 300,
}


def test_default_toleration_seconds_added() -> None:
    p = pod()
    add_default_toleration_seconds(p)
    assert p["spec"]["tolerations"] == [NOT_READY, UNREACHABLE]


def test_default_toleration_seconds_respects_existing_tolerations() -> None:
    mine = {
        "key": "node.kubernetes.io/unreachable",
        "operator": "Exists",
        "effect": "NoExecute",
        "tolerationSeconds": 6,
    }
    p = pod(tolerations=[mine])
    add_default_toleration_seconds(p)
    assert p["spec"]["tolerations"] == [mine, NOT_READY]
    everything = pod(tolerations=[{"operator": "Exists"}])
    add_default_toleration_seconds(everything)
    assert everything["spec"]["tolerations"] == [{"operator": "Exists"}]
    no_schedule = pod(
        tolerations=[{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"}]
    )
    add_default_toleration_seconds(no_schedule)
    assert len(no_schedule["spec"]["tolerations"]) == 3


def test_quantities_are_stored_in_their_canonical_form() -> None:
    """The decoder reads a Quantity and writes back Quantity.String(): kubectl get -o yaml shows 500m, not 0.5."""
    resources = {"requests": {"cpu": 0.5, "memory": "1024Mi"}, "limits": {"cpu": "1.0", "memory": "1.5Gi"}}
    container = {"name": "c", "image": "nginx", "resources": resources}
    pod: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                           "spec": {"containers": [container], "overhead": {"cpu": "250m"},
                                    "volumes": [{"name": "v", "emptyDir": {"medium": "Memory", "sizeLimit": "0.5Gi"}}]}}
    apply_defaults(pod)
    resources = pod["spec"]["containers"][0]["resources"]
    assert resources == {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1536Mi"}}
    assert pod["spec"]["volumes"][0]["emptyDir"] == {"medium": "Memory", "sizeLimit": "512Mi"}
    bad = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q"},
           "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "lots"}}}]}}
    apply_defaults(bad)
    assert bad["spec"]["containers"][0]["resources"]["requests"] == {"cpu": "lots"}  # left for validation
