"""The LimitRanger admission plugin, as the official pages "Configure Default Memory Requests and Limits for a
Namespace" and "Configure Minimum and Maximum Memory Constraints for a Namespace" use it."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster


def _limit_range(name: str, *items: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": name}, "spec": {"limits": list(items)}}


def _pod(name: str, resources: dict[str, Any], init: dict[str, Any] | None = None) -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [{"name": f"{name}-ctr", "image": "nginx", "resources": resources}]}
    if init is not None:
        spec["initContainers"] = [{"name": "setup", "image": "busybox", "command": ["true"], "resources": init}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


@pytest.fixture
def kubectl() -> Client:
    return Cluster(seed=1, nodes=default_nodes(1)).client("kubectl")


def _resources(pod: dict[str, Any]) -> dict[str, Any]:
    return dict(pod["spec"]["containers"][0]["resources"])


def test_containers_get_the_default_request_and_limit_they_leave_out(kubectl: Client) -> None:
    kubectl.create("limitranges", _limit_range("mem-limit-range", {
        "type": "Container", "default": {"memory": "512Mi"}, "defaultRequest": {"memory": "256Mi"}}))
    demo = kubectl.create("pods", _pod("default-mem-demo", {}))
    assert _resources(demo) == {"limits": {"memory": "512Mi"}, "requests": {"memory": "256Mi"}}
    assert demo["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: memory request for container default-mem-demo-ctr; memory limit for container "
        "default-mem-demo-ctr")
    # a limit alone: the API server's defaulting copies it to the request before the plugin runs
    assert _resources(kubectl.create("pods", _pod("demo-2", {"limits": {"memory": "1Gi"}}))) == {
        "limits": {"memory": "1Gi"}, "requests": {"memory": "1Gi"}}
    third = kubectl.create("pods", _pod("demo-3", {"requests": {"memory": "128Mi"}}))
    assert _resources(third) == {"requests": {"memory": "128Mi"}, "limits": {"memory": "512Mi"}}
    assert third["metadata"]["annotations"]["kubernetes.io/limit-ranger"] == (
        "LimitRanger plugin set: memory limit for container demo-3-ctr")
    assert third["status"]["qosClass"] == "Burstable"
    kubectl.create("namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "free"}})
    elsewhere = kubectl.create("pods", {**_pod("free", {}), "metadata": {"name": "free", "namespace": "free"}})
    assert _resources(elsewhere) == {} and "annotations" not in elsewhere["metadata"]  # another namespace's pod


def test_init_containers_get_defaults_too(kubectl: Client) -> None:
    kubectl.create("limitranges", _limit_range("cpu", {"type": "Container", "default": {"cpu": "1"},
                                                       "defaultRequest": {"cpu": "500m"}}))
    pod = kubectl.create("pods", _pod("p", {}, init={}))
    assert pod["spec"]["initContainers"][0]["resources"] == {"limits": {"cpu": "1"}, "requests": {"cpu": "500m"}}
    assert "cpu request for init container setup" in pod["metadata"]["annotations"]["kubernetes.io/limit-ranger"]


def test_min_and_max_refuse_pods_in_kubernetes_words(kubectl: Client) -> None:
    kubectl.create("limitranges", _limit_range("mem-min-max-demo-lr", {
        "type": "Container", "max": {"memory": "1Gi"}, "min": {"memory": "500Mi"}}))
    pod = kubectl.create("pods", _pod("constraints-mem-demo", {"limits": {"memory": "800Mi"},
                                                                 "requests": {"memory": "600Mi"}}))
    assert _resources(pod) == {"limits": {"memory": "800Mi"}, "requests": {"memory": "600Mi"}}
    cases = [
        ({"limits": {"memory": "1.5Gi"}, "requests": {"memory": "800Mi"}},
         "maximum memory usage per Container is 1Gi, but limit is 1536Mi"),
        ({"limits": {"memory": "800Mi"}, "requests": {"memory": "100Mi"}},
         "minimum memory usage per Container is 500Mi, but request is 100Mi"),
    ]
    for i, (resources, why) in enumerate(cases):
        with pytest.raises(ApiError) as refused:
            kubectl.create("pods", _pod(f"constraints-mem-demo-{i + 2}", resources))
        assert refused.value.code == 403
        assert refused.value.message == f'pods "constraints-mem-demo-{i + 2}" is forbidden: {why}'


def test_a_pod_item_and_a_ratio_add_their_reasons(kubectl: Client) -> None:
    kubectl.create("limitranges", _limit_range("both", {"type": "Pod", "max": {"cpu": "1"}},
                                               {"type": "Container", "maxLimitRequestRatio": {"cpu": "2"}}))
    with pytest.raises(ApiError) as refused:
        kubectl.create("pods", _pod("greedy", {"limits": {"cpu": "1500m"}, "requests": {"cpu": "500m"}}))
    assert refused.value.message == (
        'pods "greedy" is forbidden: [maximum cpu usage per Pod is 1, but limit is 1500m, cpu max limit to request '
        "ratio per Container is 2, but provided ratio is 3.000000]")


def test_a_max_or_min_alone_gives_the_defaults(kubectl: Client) -> None:
    """SetDefaults_LimitRangeItem: max -> default limit -> default request; else min -> default request."""
    stored = kubectl.create("limitranges", _limit_range("mem-min-max-demo-lr", {
        "type": "Container", "max": {"memory": "1Gi"}, "min": {"memory": "500Mi"},
        "maxLimitRequestRatio": {"memory": 2}}))
    assert stored["spec"]["limits"] == [
        {"type": "Container", "max": {"memory": "1Gi"}, "min": {"memory": "500Mi"}, "default": {"memory": "1Gi"},
         "defaultRequest": {"memory": "1Gi"}, "maxLimitRequestRatio": {"memory": "2"}}]
    pod = kubectl.create("pods", _pod("constraints-mem-demo-4", {}))
    assert _resources(pod) == {"limits": {"memory": "1Gi"}, "requests": {"memory": "1Gi"}}
    floor = kubectl.create("limitranges", _limit_range("floor", {"type": "Container", "min": {"cpu": 0.1}}))
    assert floor["spec"]["limits"][0]["defaultRequest"] == {"cpu": "100m"}


def test_a_generated_name_is_what_the_error_names(kubectl: Client) -> None:
    kubectl.create("limitranges", _limit_range("small", {"type": "Container", "max": {"memory": "100Mi"}}))
    pod = _pod("web", {"limits": {"memory": "1Gi"}})
    pod["metadata"] = {"generateName": "web-7d9f-"}
    with pytest.raises(ApiError) as refused:
        kubectl.create("pods", pod)
    assert refused.value.message.startswith('pods "web-7d9f-" is forbidden: maximum memory usage per Container')


def test_claims_are_held_to_the_storage_bounds(kubectl: Client) -> None:
    kubectl.create("limitranges", _limit_range("storagelimits", {
        "type": "PersistentVolumeClaim", "max": {"storage": "2Gi"}, "min": {"storage": "1Gi"}}))
    claim = {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "pvc-limit-greater"},
             "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}}}
    with pytest.raises(ApiError) as refused:
        kubectl.create("persistentvolumeclaims", claim)
    assert refused.value.message == ('persistentvolumeclaims "pvc-limit-greater" is forbidden: maximum storage usage '
                                     "per PersistentVolumeClaim is 2Gi, but request is 5Gi")


@pytest.mark.parametrize(("item", "message"), [
    # the default request defaults to the default limit, so it is too big as well (and Go's quirk shows the max)
    ({"type": "Container", "default": {"memory": "2Gi"}, "max": {"memory": "1Gi"}},
     '[spec.limits[0].defaultRequest[memory]: Invalid value: "2Gi": default request value 2Gi is greater than max '
     'value 1Gi, spec.limits[0].default[memory]: Invalid value: "1Gi": default value 2Gi is greater than max value '
     "1Gi]"),
    ({"type": "Pod", "min": {"cpu": "2"}, "max": {"cpu": "1"}},
     'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1'),
    ({"type": "Pod", "default": {"cpu": "1"}},
     "spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"),
    ({"type": "Foo"}, 'spec.limits[0].type: Invalid value: "Foo": must be a standard limit type or fully qualified'),
    ({"type": "PersistentVolumeClaim"},
     "spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was "
     "provided"),
])
def test_a_limit_range_that_contradicts_itself_is_invalid(kubectl: Client, item: dict[str, Any],
                                                          message: str) -> None:
    with pytest.raises(ApiError) as refused:
        kubectl.create("limitranges", _limit_range("bad", item))
    assert refused.value.code == 422
    assert refused.value.message == f'LimitRange "bad" is invalid: {message}'
