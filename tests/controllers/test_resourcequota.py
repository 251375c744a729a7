"""ResourceQuota: the admission plugin charges and refuses, the controller counts and gives back, as the official
pages "Configure Memory and CPU Quotas for a Namespace" and "Configure a Pod Quota for a Namespace" show."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster


def _quota(name: str, hard: dict[str, str], **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": name},
            "spec": {"hard": hard, **spec}}


def _pod(name: str, cpu: tuple[str, str] | None = None, memory: tuple[str, str] | None = None,
         **spec: Any) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for resource, pair in (("cpu", cpu), ("memory", memory)):
        if pair is not None:
            resources.setdefault("requests", {})[resource] = pair[0]
            resources.setdefault("limits", {})[resource] = pair[1]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"containers": [{"name": f"{name}-ctr", "image": "nginx", "resources": resources}], **spec}}


def _status(cluster: Cluster, name: str) -> dict[str, Any]:
    quota = cluster.get("resourcequotas", "default", name)
    assert quota is not None
    return dict(quota.get("status") or {})


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=2, nodes=default_nodes(2))


def _refusal(kubectl: Client, resource: str, obj: dict[str, Any]) -> str:
    with pytest.raises(ApiError) as refused:
        kubectl.create(resource, obj)
    assert refused.value.code == 403
    return refused.value.message


def test_the_memory_and_cpu_quota_page(cluster: Cluster) -> None:
    kubectl = cluster.client("kubectl")
    kubectl.create("resourcequotas", _quota("mem-cpu-demo", {
        "requests.cpu": "1", "requests.memory": "1Gi", "limits.cpu": "2", "limits.memory": "2Gi"}))
    cluster.run_for(1)
    zero = {"limits.cpu": "0", "limits.memory": "0", "requests.cpu": "0", "requests.memory": "0"}
    assert _status(cluster, "mem-cpu-demo") == {
        "hard": {"limits.cpu": "2", "limits.memory": "2Gi", "requests.cpu": "1", "requests.memory": "1Gi"},
        "used": zero}
    kubectl.create("pods", _pod("quota-mem-cpu-demo", cpu=("400m", "800m"), memory=("600Mi", "800Mi")))
    assert _status(cluster, "mem-cpu-demo")["used"] == {  # charged by admission, before any controller runs
        "limits.cpu": "800m", "limits.memory": "800Mi", "requests.cpu": "400m", "requests.memory": "600Mi"}
    assert _refusal(kubectl, "pods", _pod("quota-mem-cpu-demo-2", cpu=("400m", "800m"), memory=("700Mi", "1Gi"))) == (
        'pods "quota-mem-cpu-demo-2" is forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, '
        "used: requests.memory=600Mi, limited: requests.memory=1Gi")
    assert _refusal(kubectl, "pods", _pod("best-effort")) == (
        'pods "best-effort" is forbidden: failed quota: mem-cpu-demo: must specify limits.cpu for: best-effort-ctr; '
        "limits.memory for: best-effort-ctr; requests.cpu for: best-effort-ctr; requests.memory for: best-effort-ctr")
    kubectl.delete("pods", "default", "quota-mem-cpu-demo")
    cluster.run_for(40)  # the grace period, then the controller gives the usage back
    assert _status(cluster, "mem-cpu-demo")["used"] == zero
    kubectl.create("pods", _pod("quota-mem-cpu-demo-2", cpu=("400m", "800m"), memory=("700Mi", "1Gi")))


def test_the_pod_quota_page_with_a_deployment(cluster: Cluster) -> None:
    kubectl = cluster.client("kubectl")
    kubectl.create("resourcequotas", _quota("pod-demo", {"pods": "2"}))
    cluster.run_for(1)
    kubectl.create("deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "pod-quota-demo"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"purpose": "quota-demo"}},
                 "template": {"metadata": {"labels": {"purpose": "quota-demo"}},
                              "spec": {"containers": [{"name": "pod-quota-demo", "image": "nginx"}]}}}})
    cluster.run_for(10)
    deployment = cluster.get("deployments", "default", "pod-quota-demo") or {}
    assert deployment["status"].get("availableReplicas") == 2
    replicaset = kubectl.list("replicasets", "default")["items"][0]
    failure = next(c for c in replicaset["status"]["conditions"] if c["type"] == "ReplicaFailure")
    assert failure["reason"] == "FailedCreate"
    assert failure["message"].startswith('pods "pod-quota-demo-') and failure["message"].endswith(
        '-" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2')
    assert _status(cluster, "pod-demo")["used"] == {"pods": "2"}


def test_object_counts_and_scopes(cluster: Cluster) -> None:
    kubectl = cluster.client("kubectl")
    kubectl.create("resourcequotas", _quota("objects", {"count/configmaps": "2", "services": "1",
                                                        "services.nodeports": "0"}))
    kubectl.create("resourcequotas", _quota("best-effort", {"pods": "1"}, scopes=["BestEffort"]))
    cluster.run_for(1)
    assert _status(cluster, "objects")["used"] == {  # kube-root-ca.crt and the kubernetes Service count
        "count/configmaps": "1", "services": "1", "services.nodeports": "0"}
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "one"}}
    kubectl.create("configmaps", cm)
    assert "exceeded quota: objects, requested: count/configmaps=1, used: count/configmaps=2" in _refusal(
        kubectl, "configmaps", {**cm, "metadata": {"name": "two"}})
    kubectl.create("pods", _pod("first"))
    kubectl.create("pods", _pod("sized", cpu=("100m", "100m")))  # not BestEffort: outside the scoped quota
    assert "exceeded quota: best-effort, requested: pods=1, used: pods=1, limited: pods=1" in _refusal(
        kubectl, "pods", _pod("second"))


@pytest.mark.parametrize(("hard", "extra", "message"), [
    ({"pods": "-1"}, {}, 'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0'),
    ({"widgets": "1"}, {}, '[spec.hard[widgets]: Invalid value: "widgets": must be a standard resource type or '
                           'fully qualified, spec.hard[widgets]: Invalid value: "widgets": must be a standard resource '
                           "for quota]"),
    ({"pods": "1.5"}, {}, 'spec.hard[pods]: Invalid value: "1500m": must be an integer'),
    ({"storage": "1"}, {}, 'spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota'),
    ({"pods": "1"}, {"scopes": ["Sometimes"]}, "spec.scopes: Invalid value: [Sometimes]: unsupported scope"),
    ({"services": "1"}, {"scopes": ["BestEffort"]},
     "spec.hard: Invalid value: [services]: unsupported scope applied to resource"),
])
def test_invalid_quotas(cluster: Cluster, hard: dict[str, str], extra: dict[str, Any], message: str) -> None:
    with pytest.raises(ApiError) as refused:
        cluster.client("kubectl").create("resourcequotas", _quota("bad", hard, **extra))
    assert refused.value.message == f'ResourceQuota "bad" is invalid: {message}'
