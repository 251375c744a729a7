"""Validation messages, word for word as Kubernetes v1.30-1.32 prints them.

Where a case comes from Kubernetes' own tests or sources it says which:
  field/errors.go, field/errors_test.go     k8s.io/apimachinery/pkg/util/validation/field
  util/validation.go                        k8s.io/apimachinery/pkg/util/validation/validation.go
  core validation.go                        pkg/apis/core/validation/validation.go (+ validation_test.go)
  apps validation.go                        pkg/apis/apps/validation/validation.go (+ validation_test.go)
  batch validation.go                       pkg/apis/batch/validation/validation.go
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubetui.api.defaults import add_default_toleration_seconds, apply_defaults
from kubetui.api.fielderrors import (
    INTERNAL,
    FieldError,
    format_invalid,
    go_quote,
    go_str_map,
    invalid_status,
)
from kubetui.api.validation import names, validate, validate_status

DNS1123_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must "
    "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
DNS1123_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
    "and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
POD_UPDATE_FORBIDDEN = (
    "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
    "existing "
    "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously "
    "negative)"
)


# --- builders -----------------------------------------------------------------------------------


def pod(name: str = "web", **spec: Any) -> dict[str, Any]:
    obj = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "uid": "u-1", "labels": {"app": "web"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}], **spec},
    }
    apply_defaults(obj)
    return obj


def container(**fields: Any) -> dict[str, Any]:
    return {"name": "c", "image": "nginx:1.27", **fields}


def workload(
    kind: str, api_version: str = "apps/v1", labels: dict[str, str] | None = None, **spec: Any
) -> dict[str, Any]:
    obj = {
        "apiVersion": api_version,
        "kind": kind,
        "metadata": {"name": "web", "namespace": "default", "uid": "u-1"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": labels if labels is not None else {"app": "web"}},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
            },
            **spec,
        },
    }
    return obj


def service(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}], **spec},
    }


def errors(obj: dict[str, Any], old: dict[str, Any] | None = None, default: bool = True) -> list[str]:
    if default:
        apply_defaults(obj)
    return [str(e) for e in validate(obj, old)]


def updated(obj: dict[str, Any], change: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(new, old): a defaulted object and a changed copy of it."""
    apply_defaults(obj)
    new = copy.deepcopy(obj)
    change(new)
    apply_defaults(new)
    return new, obj


# --- fielderrors: the message format (field/errors.go) -------------------------------------------


def test_error_formats() -> None:
    assert str(FieldError.invalid("spec.replicas", -1, "must be greater than or equal to 0")) == (
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    )
    assert str(FieldError.required("metadata.name", "name or generateName is required")) == (
        "metadata.name: Required value: name or generateName is required"
    )
    assert str(
        FieldError.not_supported("spec.restartPolicy", "Sometimes", ["Always", "OnFailure", "Never"])
    ) == (
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'
    )
    assert str(FieldError.forbidden("spec", "nope")) == "spec: Forbidden: nope"
    assert (
        str(FieldError.duplicate("spec.containers[1].name", "c"))
        == 'spec.containers[1].name: Duplicate value: "c"'
    )
    assert str(FieldError.not_found("x.name", "v")) == 'x.name: Not found: "v"'
    assert str(FieldError.too_long("metadata.annotations", "", 262144)) == (
        "metadata.annotations: Too long: must have at most 262144 bytes"
    )
    assert (
        str(FieldError.too_many("spec.rules", 21, 20))
        == "spec.rules: Too many: 21: must have at most 20 items"
    )
    assert str(FieldError.required("spec.ports", "")) == "spec.ports: Required value"


def test_values_render_like_go() -> None:
    """errors.go: %v for numbers and bools, %q for strings, %#v for maps; nil becomes "null"."""
    assert str(FieldError.invalid("f", True, "d")) == "f: Invalid value: true: d"
    assert str(FieldError.invalid("f", 1.5, "d")) == "f: Invalid value: 1.5: d"
    assert (
        str(FieldError.invalid("f", None, "d")) == 'f: Invalid value: "null": d'
    )  # errors_test.go: contains 'null'
    assert (
        str(FieldError.invalid("f", {"b": "2", "a": "1"}, "d"))
        == 'f: Invalid value: map[string]string{"a":"1", "b":"2"}: d'
    )
    assert (
        str(FieldError.invalid("f", {"a": 1}, "d")) == 'f: Invalid value: map[string]interface {}{"a":1}: d'
    )
    assert str(FieldError.invalid("f", ["x", "y"], "d")) == 'f: Invalid value: []string{"x", "y"}: d'
    assert str(go_str_map(None)) == "GoLiteral('map[string]string(nil)')"


def test_go_quote_escapes_like_strconv_quote() -> None:
    assert go_quote('say "hi"\n') == '"say \\"hi\\"\\n"'
    assert go_quote("tab\there\x01") == '"tab\\there\\x01"'
    assert go_quote("héllo") == '"héllo"'


def test_cause() -> None:
    err = FieldError.invalid("spec.replicas", -1, "must be greater than or equal to 0")
    assert err.cause() == {
        "reason": "FieldValueInvalid",
        "message": "Invalid value: -1: must be greater than or equal to 0",
        "field": "spec.replicas",
    }


def test_format_invalid() -> None:
    one = FieldError.invalid("spec.replicas", -1, "must be greater than or equal to 0")
    two = FieldError.required("spec.selector", "")
    assert format_invalid("Deployment", "apps", "web", [one]) == (
        'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal '
        "to 0"
    )
    assert format_invalid("Pod", "", "x", [one, two, one]) == (
        'Pod "x" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, '
        "spec.selector: Required value]"
    )
    assert format_invalid("Pod", "", "x", [two, two]) == 'Pod "x" is invalid: spec.selector: Required value'
    assert format_invalid("Pod", "", "x", []) == 'Pod "x" is invalid'


def test_invalid_status() -> None:
    status = invalid_status("Pod", "", "x", [FieldError.required("spec.containers", "")])
    assert status["code"] == 422 and status["reason"] == "Invalid" and "group" not in status["details"]
    assert status["details"]["causes"] == [
        {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers"}
    ]


# --- names (util/validation.go) --------------------------------------------------------------------


def test_dns_messages() -> None:
    assert names.is_dns1123_subdomain("Web_1") == [DNS1123_SUBDOMAIN_MSG]
    assert names.is_dns1123_label("a.b") == [DNS1123_LABEL_MSG]
    assert names.is_dns1123_label("a" * 64) == ["must be no more than 63 characters"]
    assert names.is_dns1123_subdomain("a" * 254) == ["must be no more than 253 characters"]
    assert names.is_dns1035_label("1abc") == [
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
        "alphabetic "
        "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for "
        "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    ]
    for good in ("a", "a-b", "0", "a.b.c", "my-app.example.com"):
        assert names.is_dns1123_subdomain(good) == []


@pytest.mark.parametrize(
    "value",
    [
        "simple",
        "now-with-dashes",
        "1-starts-with-num",
        "1234",
        "simple/simple",
        "now-with-dashes/simple",
        "now-with-dashes/now-with-dashes",
        "now.with.dots/simple",
        "now-with.dashes-and.dots/simple",
        "1-num.2-num/3-num",
        "1234/5678",
        "1.2.3.4/5678",
        "Uppercase_Is_OK_123",
        "example.com/Uppercase_Is_OK_123",
        "requests.storage-foo",
        "a" * 63,
        "a" * 253 + "/" + "b" * 63,
    ],
)
def test_qualified_names_good(value: str) -> None:
    """Cases from util/validation_test.go TestIsQualifiedName."""
    assert names.is_qualified_name(value) == []


@pytest.mark.parametrize(
    "value",
    [
        "nospecialchars%^=@",
        "cantendwithadash-",
        "-cantstartwithadash-",
        "only/one/slash",
        "Example.com/abc",
        "example_com/abc",
        "example.com/",
        "/simple",
        "a" * 64,
        "a" * 254 + "/abc",
    ],
)
def test_qualified_names_bad(value: str) -> None:
    assert names.is_qualified_name(value)


def test_qualified_name_messages() -> None:
    assert names.is_qualified_name("example.com/") == [
        "name part must be non-empty",
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]
    assert names.is_qualified_name("/simple") == ["prefix part must be non-empty"]
    assert names.is_qualified_name("Example.com/abc") == ["prefix part " + DNS1123_SUBDOMAIN_MSG]


def test_label_values_config_keys_ports() -> None:
    assert names.is_label_value("") == []
    assert names.is_label_value("a" * 64)[0] == "must be no more than 63 characters"
    assert names.is_config_map_key("..data") == ["must not start with '..'"]
    assert names.is_config_map_key("a b")[0].startswith(
        "a valid config key must consist of alphanumeric characters"
    )
    assert names.is_valid_port_name("http") == []
    assert names.is_valid_port_name("-a--b-") == [
        "must not contain consecutive hyphens",
        "must not begin or end with a hyphen",
    ]
    assert names.is_valid_port_name("1234") == ["must contain at least one letter (a-z)"]
    assert names.is_valid_port_name("abcdefghijklmnop") == ["must be no more than 15 characters"]


def test_generate_name_may_end_in_a_dash() -> None:
    p = pod()
    p["metadata"] = {"generateName": "web-", "name": "web-x7k2p", "namespace": "default"}
    assert errors(p) == []


# --- metadata ------------------------------------------------------------------------------------


def test_valid_pod() -> None:
    p = pod()
    add_default_toleration_seconds(p)
    assert validate(p) == []


def test_name_rules() -> None:
    p = pod("Web_1")
    assert errors(p) == [f'metadata.name: Invalid value: "Web_1": {DNS1123_SUBDOMAIN_MSG}']
    p = pod()
    del p["metadata"]["name"]
    assert errors(p) == ["metadata.name: Required value: name or generateName is required"]
    p = pod()
    del p["metadata"]["namespace"]
    assert errors(p) == ["metadata.namespace: Required value"]


def test_cluster_scoped_kinds_forbid_a_namespace() -> None:
    ns = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev", "namespace": "default"}}
    assert errors(ns) == ["metadata.namespace: Forbidden: not allowed on this type"]


def test_label_and_annotation_syntax() -> None:
    p = pod()
    p["metadata"]["labels"] = {"app": "my app"}
    p["metadata"]["annotations"] = {"Kubernetes.io/Change-Cause": "fine (case-insensitive)", "bad key": "x"}
    errs = errors(p)
    assert errs[0].startswith(
        'metadata.labels: Invalid value: "my app": a valid label must be an empty string'
    )
    assert errs[1].startswith('metadata.annotations: Invalid value: "bad key": name part must consist of')
    assert len(errs) == 2


def test_annotations_total_size() -> None:
    p = pod()
    p["metadata"]["annotations"] = {"a": "x" * (256 * 1024)}
    assert errors(p) == ["metadata.annotations: Too long: must have at most 262144 bytes"]


def test_owner_references() -> None:
    p = pod()
    p["metadata"]["ownerReferences"] = [
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "a", "uid": "1", "controller": True},
        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "b", "uid": "", "controller": True},
    ]
    errs = errors(p)
    assert errs[0] == 'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty'
    assert errs[1].endswith(
        'Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/a '
        "and ReplicaSet/b"
    )


def test_finalizers() -> None:
    p = pod()
    p["metadata"]["finalizers"] = ["example.com/cleanup", "kubernetes", "mine"]
    assert errors(p) == [
        'metadata.finalizers[2]: Invalid value: "mine": name is neither a standard finalizer name nor is it '
        "fully qualified"
    ]


def test_metadata_immutable_on_update() -> None:
    new, old = updated(pod(), lambda p: p["metadata"].update(uid="u-2"))
    assert 'metadata.uid: Invalid value: "u-2": field is immutable' in errors(new, old)


# --- type errors ---------------------------------------------------------------------------------


def test_type_errors_use_openapi_wording() -> None:
    d = workload("Deployment", replicas="3")
    assert errors(d) == [
        'spec.replicas: Invalid value: "3": spec.replicas in body must be of type integer: "string"'
    ]
    p = pod()
    p["spec"]["containers"][0]["ports"] = [{"containerPort": 80.5}]
    assert errors(p, default=False) == [
        "spec.containers[0].ports[0].containerPort: Invalid value: 80.5: "
        'spec.containers[0].ports[0].containerPort in body must be of type integer: "number"'
    ]
    p = pod()
    p["metadata"]["labels"] = {"tier": 1}
    assert errors(p) == [
        "metadata.labels.tier: Invalid value: 1: metadata.labels.tier in body must be of type string: "
        '"integer"'
    ]
    p = pod()
    p["spec"]["containers"] = {"name": "c"}
    assert errors(p, default=False) == [
        'spec.containers: Invalid value: map[string]string{"name":"c"}: spec.containers in body must be of '
        'type array: "object"'
    ]


def test_type_errors_are_reported_alone() -> None:
    d = workload("Deployment", replicas=True)
    d["metadata"]["name"] = "NOT VALID"
    assert errors(d) == [
        'spec.replicas: Invalid value: true: spec.replicas in body must be of type integer: "boolean"'
    ]


# --- pod spec (core validation.go) ---------------------------------------------------------------


def test_restart_policy() -> None:
    assert errors(pod(restartPolicy="Sometimes")) == [
        'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'
    ]


def test_containers_required_unique_with_image() -> None:
    assert errors(pod(containers=[])) == ["spec.containers: Required value"]
    assert errors(pod(containers=[container(), container(image="")])) == [
        "spec.containers[1].image: Required value",
        'spec.containers[1].name: Duplicate value: "c"',
    ]
    assert errors(pod(containers=[container(name="Web")])) == [
        f'spec.containers[0].name: Invalid value: "Web": {DNS1123_LABEL_MSG}'
    ]
    assert errors(pod(containers=[container(image=" nginx")])) == [
        'spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'
    ]


def test_init_containers() -> None:
    init = [{"name": "c", "image": "busybox", "readinessProbe": {"exec": {"command": ["true"]}}}]
    assert errors(pod(initContainers=init)) == [
        'spec.initContainers[0].name: Duplicate value: "c"',
        "spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without "
        "restartPolicy=Always",
    ]


def test_requests_must_not_exceed_limits() -> None:
    """core validation_test.go: "Resource CPU invalid" style cases; the quantities print canonically."""
    resources = {"requests": {"cpu": "2000m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1024Mi"}}
    assert errors(pod(containers=[container(resources=resources)])) == [
        'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit '
        "of 1"
    ]
    resources = {"requests": {"memory": "1536Mi"}, "limits": {"memory": "1Gi"}}
    assert errors(pod(containers=[container(resources=resources)])) == [
        'spec.containers[0].resources.requests: Invalid value: "1536Mi": must be less than or equal to '
        "memory limit of 1Gi"
    ]


def test_resource_quantities_and_names() -> None:
    malformed = errors(pod(containers=[container(resources={"requests": {"memory": "lots"}})]))
    assert malformed == [  # Go's decoder refuses it before validation (a 400 from the API server)
        'spec.containers[0].resources.requests.memory: Invalid value: "lots": spec.containers[0].resources.requests.'
        "memory in body: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"]
    resources = {"requests": {"cpu": "-1", "gpu": "1"}}
    errs = errors(pod(containers=[container(resources=resources)]))
    assert errs == [
        'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
        'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type '
        "or fully qualified",
        'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for '
        "containers",
    ]
    extended = {"requests": {"example.com/gpu": "1"}, "limits": {"example.com/gpu": "2"}}
    assert errors(pod(containers=[container(resources=extended)])) == [
        'spec.containers[0].resources.requests: Invalid value: "1": must be equal to example.com/gpu limit '
        "of 2"
    ]


def test_container_ports() -> None:
    ports = [
        {"containerPort": 70000},
        {"containerPort": 80, "name": "HTTP"},
        {"containerPort": 81, "name": "web"},
        {"containerPort": 82, "name": "web", "protocol": "ICMP"},
        {"containerPort": 0},
    ]
    assert errors(pod(containers=[container(ports=ports)])) == [
        "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, "
        "inclusive",
        'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain only alpha-numeric characters '
        "(a-z, 0-9), and hyphens (-)",
        'spec.containers[0].ports[1].name: Invalid value: "HTTP": must contain at least one letter (a-z)',
        'spec.containers[0].ports[3].name: Duplicate value: "web"',
        'spec.containers[0].ports[3].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", '
        '"UDP"',
        "spec.containers[0].ports[4].containerPort: Required value",
    ]


def test_host_port_conflicts_and_host_network() -> None:
    ports = [{"containerPort": 80, "hostPort": 8080}]
    errs = errors(pod(containers=[container(ports=ports), container(name="d", ports=ports)]))
    assert errs == ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"']
    assert errors(pod(hostNetwork=True, containers=[container(ports=ports)])) == [
        "spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when "
        "`hostNetwork` is true"
    ]


def test_env() -> None:
    env = [
        {"name": "1BAD"},
        {"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
        {"name": "B", "valueFrom": {"fieldRef": {"fieldPath": "spec.nothing"}}},
        {"name": ""},
    ]
    errs = errors(pod(containers=[container(env=env)]))
    assert errs[0].startswith(
        'spec.containers[0].env[0].name: Invalid value: "1BAD": a valid environment variable name must '
        "consist of"
    )
    assert errs[1] == (
        'spec.containers[0].env[1].valueFrom: Invalid value: "": '
        "may not be specified when `value` is not empty"
    )
    assert errs[2].startswith(
        'spec.containers[0].env[2].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.nothing"'
    )
    assert errs[3] == "spec.containers[0].env[3].name: Required value"


def test_probes_and_lifecycle() -> None:
    c = container(
        livenessProbe={"successThreshold": 2, "periodSeconds": -1},
        readinessProbe={"httpGet": {"port": 0}},
        lifecycle={"preStop": {"sleep": {"seconds": 60}}},
    )
    assert errors(pod(containers=[c])) == [
        "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 60: must be greater than 0 and less than "
        "terminationGracePeriodSeconds (30)",
        "spec.containers[0].livenessProbe: Required value: must specify a handler type",
        "spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal "
        "to 0",
        "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
        "spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, "
        "inclusive",
    ]


def test_volumes_and_mounts() -> None:
    volumes = [
        {"name": "data", "emptyDir": {}},
        {"name": "data", "emptyDir": {}},
        {"name": "cfg", "configMap": {"name": "cfg"}, "secret": {"secretName": "s"}},
    ]
    mounts = [{"name": "logs", "mountPath": "/logs"}, {"name": "data", "mountPath": "/data"}]
    assert errors(pod(volumes=volumes, containers=[container(volumeMounts=mounts)])) == [
        'spec.volumes[1].name: Duplicate value: "data"',
        "spec.volumes[2].configMap: Forbidden: may not specify more than 1 volume type",
        'spec.containers[0].volumeMounts[0].name: Not found: "logs"',
    ]


def test_tolerations() -> None:
    tolerations = [
        {"key": "k", "operator": "Foo", "effect": "Bad"},
        {"operator": "Equal", "value": "v"},
        {"key": "k", "operator": "Exists", "value": "v", "effect": "NoSchedule", "tolerationSeconds": 5},
    ]
    assert errors(pod(tolerations=tolerations)) == [
        'spec.tolerations[0].operator: Unsupported value: "Foo": supported values: "Equal", "Exists"',
        'spec.tolerations[0].effect: Unsupported value: "Bad": supported values: "NoSchedule", '
        '"PreferNoSchedule", '
        '"NoExecute"',
        'spec.tolerations[1].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, '
        "which "
        'means "match all values and all keys"',
        "spec.tolerations[2].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when "
        "`tolerationSeconds` is set",
        "spec.tolerations[2].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'",
    ]


def test_node_selector_and_affinity() -> None:
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "zone", "operator": "Near", "values": ["a"]}]}
                ]
            },
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 0, "preference": {}}],
        },
        "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {}}]},
    }
    path = "spec.affinity.nodeAffinity"
    assert errors(pod(nodeSelector={"disk": "ssd fast"}, affinity=affinity))[1:] == [
        f"{path}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]"
        '.operator: Invalid value: "Near": not a valid selector operator',
        f"{path}.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in "
        f"the range 1-100",
        "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: "
        "Required value: "
        "can not be empty",
        "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: "
        'Invalid value: "": '
        "name part must be non-empty",
        "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: "
        'Invalid value: "": '
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]


def test_topology_spread_constraints() -> None:
    constraints = [
        {"maxSkew": 0, "topologyKey": "zone", "whenUnsatisfiable": "Sometimes"},
        {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "Sometimes"},
    ]
    assert errors(pod(topologySpreadConstraints=constraints)) == [
        "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero",
        'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Sometimes": supported '
        "values: "
        '"DoNotSchedule", "ScheduleAnyway"',
        'spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, '
        'Sometimes}"',
        'spec.topologySpreadConstraints[1].whenUnsatisfiable: Unsupported value: "Sometimes": supported '
        "values: "
        '"DoNotSchedule", "ScheduleAnyway"',
    ]


def test_misc_pod_spec_fields() -> None:
    assert errors(pod(activeDeadlineSeconds=0, dnsPolicy="Google", nodeName="Node_1")) == [
        'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", '
        '"ClusterFirst", '
        '"Default", "None"',
        f'spec.nodeName: Invalid value: "Node_1": {DNS1123_SUBDOMAIN_MSG}',
        "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive",
    ]


def test_pod_deletion_cost_annotation() -> None:
    p = pod()
    p["metadata"]["annotations"] = {"controller.kubernetes.io/pod-deletion-cost": "high"}
    assert errors(p) == [
        'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "high": must be a '
        "32bit integer"
    ]


# --- pod updates and status ---------------------------------------------------------------------


def test_pod_image_update_is_allowed() -> None:
    new, old = updated(pod(), lambda p: p["spec"]["containers"][0].update(image="nginx:1.28"))
    assert errors(new, old) == []


def test_pod_update_forbidden_fields() -> None:
    new, old = updated(pod(), lambda p: p["spec"]["containers"][0].update(ports=[{"containerPort": 80}]))
    errs = errors(new, old)
    assert len(errs) == 1 and errs[0].startswith(POD_UPDATE_FORBIDDEN + "\n")
    assert "containers[0].ports" in errs[0]


def test_pod_node_name_is_immutable_once_set() -> None:
    new, old = updated(pod(nodeName="n1"), lambda p: p["spec"].update(nodeName="n2"))
    assert errors(new, old)[0].startswith(POD_UPDATE_FORBIDDEN)


def test_pod_update_containers_and_tolerations() -> None:
    new, old = updated(pod(), lambda p: p["spec"]["containers"].append(container(name="d")))
    assert errors(new, old) == ["spec.containers: Forbidden: pod updates may not add or remove containers"]
    toleration = {"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 10}
    new, old = updated(
        pod(tolerations=[toleration]), lambda p: p["spec"]["tolerations"].append({"operator": "Exists"})
    )
    assert errors(new, old) == []
    new, old = updated(
        pod(tolerations=[toleration]), lambda p: p["spec"]["tolerations"][0].update(tolerationSeconds=5)
    )
    assert errors(new, old) == []
    new, old = updated(pod(tolerations=[toleration]), lambda p: p["spec"].update(tolerations=[]))
    assert errors(new, old) == [
        "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds"
    ]


def test_pod_active_deadline_may_only_shrink() -> None:
    new, old = updated(pod(activeDeadlineSeconds=10), lambda p: p["spec"].update(activeDeadlineSeconds=20))
    assert errors(new, old) == [
        "spec.activeDeadlineSeconds: Invalid value: 20: must be less than or equal to previous value"
    ]
    new, old = updated(pod(activeDeadlineSeconds=10), lambda p: p["spec"].update(activeDeadlineSeconds=5))
    assert errors(new, old) == []


def test_status_updates_take_the_fast_path() -> None:
    old = pod()
    old["status"] = {"phase": "Pending", "qosClass": "BestEffort"}
    new = copy.deepcopy(old)
    new["status"].update(phase="Running", podIP="10.0.0.5", conditions=[{"type": "Ready", "status": "True"}])
    assert validate(new, old) == [] and validate_status(new, old) == []
    new["status"]["qosClass"] = "Guaranteed"
    assert [str(e) for e in validate(new, old)] == [
        'status.qosClass: Invalid value: "Guaranteed": field is immutable'
    ]
    new["status"]["qosClass"] = "BestEffort"
    new["status"]["podIPs"] = [{"ip": "10.0.0.500"}]
    assert [str(e) for e in validate(new, old)] == [
        'status.podIPs[0]: Invalid value: "10.0.0.500": must be a valid IP address, (e.g. 10.9.8.7 or '
        "2001:db8::ffff)"
    ]
    new["status"]["podIPs"] = "10.0.0.5"
    assert [str(e) for e in validate(new, old)] == [
        'status.podIPs: Invalid value: "10.0.0.5": status.podIPs in body must be of type array: "string"'
    ]



def test_status_write_type_checks_only_what_changed_but_finds_the_same_errors() -> None:
    """A status write type-checks the fields that differ from the stored object; the errors are the
    ones a check of the whole object gives, at the same paths and in the same order."""
    from kubetui.api.models import STATUS_MODELS, ObjectMeta
    from kubetui.api.validation.common import type_errors

    old = pod()
    old["status"] = {"phase": "Pending", "hostIP": "10.0.0.1", "conditions": [{"type": "Ready", "status": "False"}]}
    new = copy.deepcopy(old)
    new["status"].update(phase=3, podIP=["10.0.0.5"], startTime=7)
    new["metadata"]["labels"] = {"app": 1}
    whole = type_errors(ObjectMeta, new["metadata"], "metadata") + type_errors(
        STATUS_MODELS["Pod"], new["status"], "status"
    )
    assert [str(e) for e in validate_status(new, old)] == [str(e) for e in whole]
    assert [e.field for e in whole] == ["metadata.labels.app", "status.phase", "status.podIP", "status.startTime"]
    # An unchanged field is not checked again: it passed when it was stored.
    new = copy.deepcopy(old)
    new["status"]["phase"] = "Running"
    assert validate_status(new, old) == []

def test_terminated_containers_stay_terminated() -> None:
    old = pod(restartPolicy="Never")
    old["status"] = {"containerStatuses": [{"name": "c", "state": {"terminated": {"exitCode": 0}}}]}
    new = copy.deepcopy(old)
    new["status"]["containerStatuses"][0]["state"] = {"running": {}}
    assert [str(e) for e in validate(new, old)] == [
        "status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state"
    ]


# --- Deployment, ReplicaSet, DaemonSet (apps validation.go) ----------------------------------------


def test_deployment_valid() -> None:
    assert errors(workload("Deployment")) == []


def test_deployment_selector_must_match_template() -> None:
    assert errors(workload("Deployment", labels={"app": "x"})) == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: '
        "`selector` does not match template `labels`"
    ]


def test_deployment_without_selector() -> None:
    d = workload("Deployment")
    del d["spec"]["selector"]
    assert errors(d) == [
        "spec.selector: Required value",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`",
    ]
    d = workload("Deployment", selector={})
    assert errors(d) == [
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"
    ]


def test_deployment_selector_expressions() -> None:
    selector = {"matchExpressions": [{"key": "app", "operator": "In"}]}
    assert errors(workload("Deployment", selector=selector)) == [
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is "
        "'In' or 'NotIn'",
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:"
        '[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", '
        "Values:[]string(nil)}}}: "
        "invalid label selector",
    ]
    selector = {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}]}
    assert errors(workload("Deployment", selector=selector)) == []


def test_deployment_replicas_and_numbers() -> None:
    assert errors(workload("Deployment", replicas=-1)) == [
        "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    ]
    assert errors(workload("Deployment", minReadySeconds=700)) == [
        "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"
    ]


def test_deployment_rolling_update() -> None:
    d = workload(
        "Deployment",
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 0}},
    )
    assert errors(d) == [
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, "
        'StrVal:""}: may not be 0 when `maxSurge` is 0'
    ]
    d = workload("Deployment", strategy={"rollingUpdate": {"maxSurge": "1O%", "maxUnavailable": "110%"}})
    assert errors(d) == [
        "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, "
        'StrVal:"1O%"}: '
        "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', "
        "regex "
        "used for validation is '[0-9]+%')",
        "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, "
        'StrVal:"110%"}: '
        "must not be greater than 100%",
    ]
    assert (
        errors(workload("Deployment", strategy={"rollingUpdate": {"maxSurge": "0%", "maxUnavailable": 1}}))
        == []
    )


def test_deployment_strategy_types() -> None:
    d = workload("Deployment", strategy={"type": "Recreate", "rollingUpdate": {"maxSurge": 1}})
    assert errors(d) == [
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"
    ]
    d = workload("Deployment", strategy={"type": "BlueGreen"})
    assert errors(d) == [
        'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", '
        'RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'
    ]


def test_deployment_template_rules() -> None:
    d = workload("Deployment")
    d["spec"]["template"]["spec"].update(restartPolicy="Never", activeDeadlineSeconds=10)
    assert errors(d) == [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
        "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not "
        "Supported",
    ]
    d = workload("Deployment")
    d["spec"]["template"]["spec"]["containers"][0]["image"] = ""
    assert errors(d) == ["spec.template.spec.containers[0].image: Required value"]


def test_deployment_selector_is_immutable() -> None:
    def change(d: dict[str, Any]) -> None:
        d["spec"]["selector"]["matchLabels"]["tier"] = "fe"
        d["spec"]["template"]["metadata"]["labels"]["tier"] = "fe"

    new, old = updated(workload("Deployment"), change)
    assert errors(new, old) == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", '
        '"tier":"fe"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
    ]
    new, old = updated(workload("Deployment"), lambda d: d["spec"].update(replicas=5))
    assert errors(new, old) == []


def test_deployment_status() -> None:
    old = workload("Deployment")
    apply_defaults(old)
    new = copy.deepcopy(old)
    new["status"] = {"replicas": 1, "readyReplicas": 2, "availableReplicas": -1}
    assert [str(e) for e in validate(new, old)] == [
        "status.availableReplicas: Invalid value: -1: must be greater than or equal to 0",
        "status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas",
    ]


def test_replicaset() -> None:
    assert errors(workload("ReplicaSet")) == []
    rs = workload("ReplicaSet", selector={"matchLabels": {}})
    assert errors(rs)[0].endswith("empty selector is invalid for deployment")  # sic, as in Kubernetes


def test_daemonset() -> None:
    assert errors(workload("DaemonSet")) == []
    ds = workload("DaemonSet", updateStrategy={"rollingUpdate": {"maxUnavailable": 0, "maxSurge": 0}})
    assert errors(ds) == [
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0"
    ]
    ds = workload("DaemonSet", updateStrategy={"rollingUpdate": {"maxUnavailable": 1, "maxSurge": 1}})
    assert errors(ds) == [
        "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, "
        'StrVal:""}: may not be set when maxUnavailable is non-zero'
    ]
    ds = workload("DaemonSet")
    del ds["spec"]["selector"]
    assert errors(ds) == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`"
    ]


# --- StatefulSet ---------------------------------------------------------------------------------


def test_statefulset() -> None:
    ss = workload("StatefulSet", serviceName="db")
    assert errors(ss) == []
    ss = workload("StatefulSet", serviceName="db")
    ss["metadata"]["name"] = "db.primary"
    assert errors(ss) == [f'metadata.name: Invalid value: "db.primary": {DNS1123_LABEL_MSG}']
    ss = workload("StatefulSet", podManagementPolicy="Random")
    assert errors(ss) == [
        "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"
    ]


def test_statefulset_spec_is_mostly_immutable() -> None:
    new, old = updated(
        workload("StatefulSet", serviceName="db"), lambda s: s["spec"].update(serviceName="other")
    )
    assert errors(new, old) == [
        "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', "
        "'template', "
        "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    ]

    def allowed(s: dict[str, Any]) -> None:
        s["spec"].update(replicas=3, minReadySeconds=5)
        s["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"

    new, old = updated(workload("StatefulSet", serviceName="db"), allowed)
    assert errors(new, old) == []


# --- Job (batch validation.go) -------------------------------------------------------------------


def job(**spec: Any) -> dict[str, Any]:
    j = workload("Job", api_version="batch/v1", **spec)
    del j["spec"]["selector"]
    j["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    return j


def test_job_valid_with_generated_selector() -> None:
    assert errors(job()) == []


def test_job_restart_policy() -> None:
    j = job()
    del j["spec"]["template"]["spec"]["restartPolicy"]
    assert errors(j) == [
        'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'
    ]
    j = job()
    j["spec"]["template"]["spec"]["restartPolicy"] = "Sometimes"
    assert errors(j) == [  # once by the pod template rules, once by the Job's
        'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", '
        '"OnFailure", '
        '"Never"',
        'spec.template.spec.restartPolicy: Unsupported value: "Sometimes": supported values: "OnFailure", '
        '"Never"',
    ]


def test_job_numbers_and_modes() -> None:
    assert errors(job(backoffLimit=-1, parallelism=-2)) == [
        "spec.parallelism: Invalid value: -2: must be greater than or equal to 0",
        "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
    ]
    assert errors(job(completionMode="Indexed", parallelism=2)) == [
        "spec.completions: Required value: when completion mode is Indexed"
    ]


def test_job_manual_selector_must_match() -> None:
    j = job(manualSelector=True)
    j["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    assert errors(j) == [
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: '
        "`selector` does not match template `labels`"
    ]


def test_job_template_is_immutable() -> None:
    new, old = updated(job(), lambda j: j["spec"]["template"]["spec"]["containers"][0].update(image="x:2"))
    errs = errors(new, old)
    assert (
        len(errs) == 1
        and errs[0].startswith("spec.template: Invalid value: ")
        and errs[0].endswith("field is immutable")
    )
    new, old = updated(job(), lambda j: j["spec"].update(activeDeadlineSeconds=60))
    assert errors(new, old) == []


# --- Service -------------------------------------------------------------------------------------


def test_service_valid() -> None:
    assert errors(service()) == []
    assert errors(service(clusterIP="None", ports=[])) == []
    assert errors(service(type="ExternalName", externalName="db.example.com", ports=[], selector=None)) == []


def test_service_names_are_dns1035_labels() -> None:
    svc = service()
    svc["metadata"]["name"] = "1web"
    assert errors(svc)[0].startswith('metadata.name: Invalid value: "1web": a DNS-1035 label must consist of')


def test_service_ports() -> None:
    assert errors(service(ports=[])) == ["spec.ports: Required value"]
    svc = service(
        ports=[{"port": 80}, {"port": 80, "name": "b"}, {"port": 70000, "name": "b", "targetPort": "Web"}]
    )
    assert errors(svc) == [
        "spec.ports[0].name: Required value",
        'spec.ports[2].name: Duplicate value: "b"',
        "spec.ports[2].port: Invalid value: 70000: must be between 1 and 65535, inclusive",
        'spec.ports[2].targetPort: Invalid value: "Web": must contain only alpha-numeric characters (a-z, '
        "0-9), "
        "and hyphens (-)",
        'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", '
        "AppProtocol:(*string)(nil), "
        'Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]


def test_service_types_and_node_ports() -> None:
    assert errors(service(type="Magic")) == [
        'spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", '
        '"LoadBalancer", "NodePort"'
    ]
    assert errors(service(type="NodePort", ports=[{"port": 80, "nodePort": 8080}])) == [
        "spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. "
        "The range of valid ports is 30000-32767"
    ]
    assert errors(service(ports=[{"port": 80, "nodePort": 30080}])) == [
        "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
    ]
    assert errors(service(selector={"app": "a b"}))[0].startswith('spec.selector: Invalid value: "a b"')


def test_service_cluster_ip_may_not_change() -> None:
    svc = service(clusterIP="10.96.0.10")
    new, old = updated(svc, lambda s: s["spec"].update(clusterIP="10.96.0.11", clusterIPs=["10.96.0.11"]))
    assert errors(new, old) == [
        'spec.clusterIPs[0]: Invalid value: []string{"10.96.0.11"}: may not change once set'
    ]


# --- other kinds --------------------------------------------------------------------------------


def test_namespace() -> None:
    assert errors({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}) == []
    assert errors({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev.team"}}) == [
        f'metadata.name: Invalid value: "dev.team": {DNS1123_LABEL_MSG}'
    ]
    old = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev"}}
    apply_defaults(old)
    new = copy.deepcopy(old)
    new["status"]["phase"] = "Terminating"
    assert [str(e) for e in validate(new, old)] == [
        "status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"
    ]


def test_node() -> None:
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "node-1"},
        "spec": {"podCIDR": "10.244.1.0/24", "taints": [{"key": "gpu", "effect": "NoSchedule"}]},
        "status": {"capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
    }
    assert errors(node) == []
    bad = copy.deepcopy(node)
    bad["spec"]["taints"] += [{"key": "gpu", "effect": "NoSchedule"}, {"key": "x", "effect": "Never"}]
    assert errors(bad) == [
        'metadata.taints[1]: Duplicate value: core.Taint{Key:"gpu", Value:"", Effect:"NoSchedule", '
        "TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair",
        'metadata.taints[2].effect: Unsupported value: "Never": supported values: "NoSchedule", '
        '"PreferNoSchedule", '
        '"NoExecute"',
    ]
    new, old = updated(node, lambda n: n["spec"].update(podCIDR="10.244.2.0/24"))
    assert errors(new, old) == [
        'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid'
    ]
    new, old = updated(node, lambda n: n["spec"].update(unschedulable=True, taints=[]))
    assert errors(new, old) == []


def test_configmap() -> None:
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default"},
        "data": {"app.properties": "x=1", "bad key": "v"},
        "binaryData": {"app.properties": "AA=="},
    }
    errs = errors(cm)
    assert (
        errs[0]
        == 'data[app.properties]: Invalid value: "app.properties": duplicate of key present in binaryData'
    )
    assert errs[1].startswith('data[bad key]: Invalid value: "bad key": a valid config key must consist of')
    big = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "namespace": "default"},
        "data": {"a": "x" * (1024 * 1024 + 1)},
    }
    assert errors(big) == ["[]: Too long: must have at most 1048576 bytes"]
    frozen = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "default"},
        "data": {"a": "1"},
        "immutable": True,
    }
    new, old = updated(frozen, lambda c: c["data"].update(a="2"))
    assert errors(new, old) == ["data: Forbidden: field is immutable when `immutable` is set"]


def test_secret() -> None:
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "default"},
        "data": {"password": "aHVudGVyMg=="},
    }
    assert errors(secret) == []
    bad = copy.deepcopy(secret)
    bad["data"]["password"] = "not base64!"
    # Go's decoder refuses it before validation (the API server answers 400: see tests/apiserver)
    assert errors(bad) == ['data.password: Invalid value: "not base64!": data.password in body: illegal base64 data '
                           "at input byte 3"]
    tls = copy.deepcopy(secret)
    tls["type"] = "kubernetes.io/tls"
    assert errors(tls) == ["data[tls.crt]: Required value", "data[tls.key]: Required value"]
    new, old = updated(copy.deepcopy(secret), lambda s: s.update(type="kubernetes.io/basic-auth"))
    assert errors(new, old)[0] == 'type: Invalid value: "kubernetes.io/basic-auth": field is immutable'


def test_event_lease_binding() -> None:
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": "web.17a", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "web", "namespace": "other"},
        "type": "Normal",
    }
    assert errors(event) == [
        'involvedObject.namespace: Invalid value: "other": does not match event.namespace'
    ]
    lease = {
        "apiVersion": "coordination.k8s.io/v1",
        "kind": "Lease",
        "metadata": {"name": "node-1", "namespace": "kube-node-lease"},
        "spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 0},
    }
    assert errors(lease) == ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]
    binding = {"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "web"}, "target": {"kind": "Pod"}}
    assert errors(binding) == [
        'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
        "target.name: Required value",
    ]


def test_endpoints_and_slices() -> None:
    ep = {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": "web", "namespace": "default"},
        "subsets": [
            {"addresses": [{"ip": "10.0.0.999"}], "ports": [{"port": 80}]},
            {"ports": [{"port": 81}]},
        ],
    }
    assert errors(ep) == [
        'subsets[0].addresses[0].ip: Invalid value: "10.0.0.999": must be a valid IP address, '
        "(e.g. 10.9.8.7 or 2001:db8::ffff)",
        "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`",
    ]
    eps = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": "web-abc", "namespace": "default"},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.0.0.1"]}, {"addresses": []}],
        "ports": [{"port": 80}],
    }
    assert errors(eps) == ["endpoints[1].addresses: Required value: must contain at least 1 address"]


def test_pdb() -> None:
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}},
    }
    assert errors(pdb) == []
    pdb["spec"]["maxUnavailable"] = 1
    errs = errors(pdb)
    assert len(errs) == 1 and errs[0].startswith("spec: Invalid value: ")
    assert errs[0].endswith("minAvailable and maxUnavailable cannot be both set")


def test_priority_class() -> None:
    pc = {
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": "high"},
        "value": 10**6,
    }
    assert errors(pc) == []
    assert errors({**pc, "value": 2 * 10**9}) == [
        "value: Forbidden: maximum allowed value of a user defined priority is 1000000000"
    ]
    system = {**pc, "metadata": {"name": "system-high"}}
    assert errors(system) == [
        "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use "
        "only. "
        "error: system-high is not a known system priority class"
    ]
    new, old = updated(copy.deepcopy(pc), lambda p: p.update(value=5))
    assert errors(new, old) == ["value: Forbidden: may not be changed in an update."]


# --- never raise ---------------------------------------------------------------------------------


def test_garbage_inputs_give_errors_not_exceptions() -> None:
    assert [str(e) for e in validate(123)] == ['[]: Invalid value: "int": must be a JSON object']  # type: ignore[arg-type]
    deep: dict[str, Any] = {"kind": "Pod"}
    cursor = deep
    for _ in range(1000):
        cursor["x"] = {}
        cursor = cursor["x"]
    assert [str(e) for e in validate(deep)] == [
        "[]: Invalid value: not a JSON object: Recursion limit reached"
    ]
    assert validate({"kind": "Pod", "metadata": {"name": "a"}, "x": 2**80})[0].field == "[]"
    assert validate({"kind": "Pod", "metadata": {"name": "a"}, "x": {1, 2}})[0].field == "[]"
    huge = pod("a" * 2_000_000)
    assert validate(huge)[0].detail == "must be no more than 253 characters"
    assert str(validate({"kind": "Pod", "spec": {"x": "y" * (4 * 1024 * 1024)}})[0]) == (
        "[]: Too long: must have at most 3145728 bytes"
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

KINDS = [
    "Pod",
    "Deployment",
    "ReplicaSet",
    "DaemonSet",
    "StatefulSet",
    "Job",
    "Service",
    "Node",
    "Namespace",
    "ConfigMap",
    "Secret",
    "Event",
    "Lease",
    "Binding",
    "Endpoints",
    "EndpointSlice",
    "PodDisruptionBudget",
    "PriorityClass",
]

TEMPLATES: list[dict[str, Any]] = [
    pod(),
    workload("Deployment"),
    workload("DaemonSet"),
    workload("StatefulSet", serviceName="db"),
    job(),
    service(type="NodePort"),
    {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "n"},
        "spec": {"taints": [{"key": "a", "effect": "NoSchedule"}]},
    },
    {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "s", "namespace": "d"},
        "data": {"a": "YQ=="},
    },
]


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree where a value could be swapped for garbage."""
    found = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            found += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found += _paths(v, (*prefix, i))
    return found


def _replace(obj: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    obj = copy.deepcopy(obj)
    cursor = obj
    for key in path[:-1]:
        cursor = cursor[key]
    cursor[path[-1]] = value
    return obj


def _check(obj: Any, old: Any = None) -> None:
    errs = validate(obj, old)
    assert isinstance(errs, list)
    assert all(isinstance(e, FieldError) and e.type != INTERNAL for e in errs), errs
    for e in errs:
        str(e)
        e.cause()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(KINDS), body=st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_random_json_never_raises(kind: str, body: dict[str, Any]) -> None:
    obj = {"apiVersion": "v1", "kind": kind, **body}
    _check(obj)
    apply_defaults(obj)
    _check(obj)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), garbage=json_values)
def test_mutated_objects_never_raise(data: st.DataObject, garbage: Any) -> None:
    """Swap one value deep inside a valid object for random JSON; validate, default, validate as update."""
    template = data.draw(st.sampled_from(TEMPLATES))
    path = data.draw(st.sampled_from(_paths(template)[1:]))
    obj = _replace(template, path, garbage)
    _check(obj)
    apply_defaults(obj)
    if isinstance(obj.get("spec"), dict):
        add_default_toleration_seconds(obj)
    _check(obj)
    _check(obj, template)
    _check(template, obj)


# --- ControllerRevision (ValidateControllerRevision, ValidateControllerRevisionUpdate) ------------


def _revision(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": {"name": "web-5d4b8c7f9", "namespace": "default"},
            "data": {"spec": {"template": {"$patch": "replace"}}}, "revision": 1, **fields}


def test_controller_revision_rules() -> None:
    assert errors(_revision()) == []
    assert errors(_revision(revision=-1)) == ["revision: Invalid value: -1: must be greater than or equal to 0"]
    assert errors(_revision(data=None)) == ["data: Required value: data is mandatory"]
    bad = _revision()
    bad["metadata"]["name"] = "Web_1"
    assert errors(bad)[0].startswith('metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain')
    new, old = updated(_revision(), lambda r: r.update(revision=4))
    assert errors(new, old) == []  # a rollback renumbers a revision
    new, old = updated(_revision(), lambda r: r.update(data={"a": 1}))
    assert errors(new, old) == [
        'data: Invalid value: runtime.Unknown{TypeMeta:runtime.TypeMeta{APIVersion:"", Kind:""}, '
        'Raw:[]uint8{0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x7d}, ContentEncoding:"", '
        'ContentType:"application/json"}: field is immutable'
    ]
