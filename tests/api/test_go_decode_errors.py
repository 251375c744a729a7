"""A wrong JSON type is refused as Kubernetes' JSON decoder refuses it: 400, in encoding/json's words.

The expected messages follow Go's encoding/json (UnmarshalTypeError: innermost struct, field path
without list indices or map keys, the field's Go type) and apimachinery's custom decoders
(Quantity's format error, IntOrString decoding a non-string into its int32).
"""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.sim.cluster import Cluster

HEAD = 'Deployment in version "v1" cannot be handled as a Deployment: '


def deployment() -> dict[str, Any]:
    container = {"name": "c", "image": "nginx"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}},
        },
    }


def with_value(path: list[Any], value: Any) -> dict[str, Any]:
    obj = deployment()
    node: Any = obj
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return obj


POD = ["spec", "template", "spec"]
CONTAINER = [*POD, "containers", 0]


@pytest.mark.parametrize(
    "path, value, field, error",
    [
        (["spec", "replicas"], "three", "spec.replicas",
         "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
        ([*CONTAINER, "image"], 5, "spec.template.spec.containers[0].image",
         "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image "
         "of type string"),
        ([*CONTAINER, "ports"], [{"containerPort": 80.5}], "spec.template.spec.containers[0].ports[0].containerPort",
         "json: cannot unmarshal number 80.5 into Go struct field "
         "ContainerPort.spec.template.spec.containers.ports.containerPort of type int32"),
        (["metadata", "labels"], {"app.kubernetes.io/name": 1}, "metadata.labels.app.kubernetes.io/name",
         "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string"),
        ([*CONTAINER, "resources"], {"requests": {"cpu": True}},
         "spec.template.spec.containers[0].resources.requests.cpu",
         "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        (["spec", "strategy"], {"rollingUpdate": {"maxSurge": True}}, "spec.strategy.rollingUpdate.maxSurge",
         "json: cannot unmarshal bool into Go struct field "
         "RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32"),
        ([*POD, "terminationGracePeriodSeconds"], "30", "spec.template.spec.terminationGracePeriodSeconds",
         "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.terminationGracePeriodSeconds "
         "of type int64"),
        ([*POD, "containers"], "nginx", "spec.template.spec.containers",
         "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type "
         "[]v1.Container"),
        ([*CONTAINER, "env"], [{"name": "A", "valueFrom": {"configMapKeyRef": {"key": 3}}}],
         "spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.key",
         "json: cannot unmarshal number into Go struct field "
         "ConfigMapKeySelector.spec.template.spec.containers.env.valueFrom.configMapKeyRef.key of type string"),
        ([*CONTAINER, "args"], [1], "spec.template.spec.containers[0].args[0]",
         "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.args "
         "of type string"),
        (["spec", "template"], "x", "spec.template",
         "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.template of type v1.PodTemplateSpec"),
        (["spec"], [3], "spec",
         "json: cannot unmarshal array into Go struct field Deployment.spec of type v1.DeploymentSpec"),
    ],
)
def test_a_wrong_type_is_a_400_in_the_json_decoders_words(path: list[Any], value: Any, field: str, error: str) -> None:
    cluster = Cluster(1, nodes=[], scheduler=False, controllers=False, hashing=False)
    with pytest.raises(ApiError) as info:
        cluster.api.create("kubectl", "deployments", "default", with_value(path, value))
    assert (info.value.code, info.value.reason) == (400, "BadRequest")
    assert info.value.message == HEAD + error
    assert info.value.field == field  # where the manifest banner points
    assert "details" not in info.value.status  # the decoder's Status names no cause


def test_a_status_write_of_the_wrong_type_is_refused_the_same_way() -> None:
    cluster = Cluster(1, nodes=[], scheduler=False, controllers=False, hashing=False)
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    stored = cluster.api.create("kubectl", "pods", "default", pod)
    stored["status"]["containerStatuses"] = [{"name": "c", "restartCount": "1"}]
    with pytest.raises(ApiError) as info:
        cluster.api.update("kubelet/n", "pods", "default", "p", stored, subresource="status")
    assert info.value.message == (
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field '
        "ContainerStatus.status.containerStatuses.restartCount of type int32"
    )
