"""Ingress and IngressClass through the API server: validation, the DefaultIngressClass plugin, kubectl's table."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.http.tables import INGRESS_COLUMNS, print_ingress, print_ingressclass
from kubetui.sim.cluster import Cluster

Obj = dict[str, Any]


def cluster() -> Cluster:
    return Cluster(0, nodes=[], scheduler=False, controllers=False)


def ingress(name: str = "web", **spec: Any) -> Obj:
    spec = spec or {"rules": [{"host": "web.example.com", "http": {"paths": [
        {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": name}, "spec": spec}


def ingress_class(name: str, default: bool = False, **spec: Any) -> Obj:
    meta: Obj = {"name": name}
    if default:
        meta["annotations"] = {"ingressclass.kubernetes.io/is-default-class": "true"}
    return {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": meta,
            "spec": spec or {"controller": "k8s.io/ingress-nginx"}}


def refused(c: Cluster, resource: str, body: Obj) -> str:
    with pytest.raises(ApiError) as raised:
        c.client("kubectl").create(resource, body)
    assert raised.value.code == 422
    return raised.value.message


def test_an_ingress_is_stored_with_an_empty_load_balancer_status_and_a_generation() -> None:
    c = cluster()
    made = c.client("kubectl").create("ingresses", ingress())
    assert made["status"] == {"loadBalancer": {}}
    assert made["metadata"]["generation"] == 1
    assert "ingressClassName" not in made["spec"], "no IngressClass is the default"


def test_the_default_ingress_class_is_filled_in_the_newest_default_wins() -> None:
    c = cluster()
    kubectl = c.client("kubectl")
    kubectl.create("ingressclasses", ingress_class("old", default=True))
    kubectl.create("ingressclasses", ingress_class("plain"))
    assert kubectl.create("ingresses", ingress("a"))["spec"]["ingressClassName"] == "old"
    c.run_for(5)
    kubectl.create("ingressclasses", ingress_class("new", default=True))
    assert kubectl.create("ingresses", ingress("b"))["spec"]["ingressClassName"] == "new"
    named = ingress("c")
    named["metadata"]["annotations"] = {"kubernetes.io/ingress.class": "legacy"}
    assert "ingressClassName" not in kubectl.create("ingresses", named)["spec"], "the legacy annotation wins"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({}, "spec: Invalid value: []networking.IngressRule(nil): "
             "either `defaultBackend` or `rules` must be specified"),
        ({"rules": [{"host": "10.0.0.1"}]},
         'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'),
        ({"rules": [{"host": "a.*.com"}]},
         "spec.rules[0].host: Invalid value: \"a.*.com\": a wildcard DNS-1123 subdomain must start with '*.'"),
        ({"rules": [{"http": {"paths": [{"path": "/", "backend": {}}]}}]},
         "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified"),
        ({"rules": [{"http": {"paths": [{"path": "/", "pathType": "Regex", "backend": {}}]}}]},
         'spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: '
         '"Exact", "ImplementationSpecific", "Prefix"'),
        ({"rules": [{"http": {"paths": [{"path": "a/../b", "pathType": "Exact",
                                         "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]},
         'spec.rules[0].http.paths[0].path: Invalid value: "a/../b": must be an absolute path'),
        ({"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix",
                                         "backend": {"service": {"name": "web", "port": {}}}}]}}]},
         "spec.rules[0].http.paths[0].backend: Required value: port name or number is required"),
        ({"defaultBackend": {"service": {"name": "web", "port": {"name": "http", "number": 80}}}},
         'spec.defaultBackend: Invalid value: "": cannot set both port name & port number'),
        ({"defaultBackend": {}}, 'spec.defaultBackend: Invalid value: "": resource or service backend is required'),
        ({"defaultBackend": {"service": {"name": "web", "port": {"number": 70000}}}},
         "spec.defaultBackend.service.port.number: Invalid value: 70000: must be between 1 and 65535, inclusive"),
        ({"defaultBackend": {"resource": {"kind": "Bucket"}}},
         "spec.defaultBackend.resource.name: Required value: name is required"),
    ],
)
def test_ingress_validation_in_kubernetes_words(spec: Obj, message: str) -> None:
    body = ingress()
    body["spec"] = spec
    assert message in refused(cluster(), "ingresses", body)


def test_the_class_annotation_and_field_cannot_both_be_set_on_create() -> None:
    body = ingress(ingressClassName="nginx", defaultBackend={"service": {"name": "w", "port": {"number": 80}}})
    body["metadata"]["annotations"] = {"kubernetes.io/ingress.class": "nginx"}
    assert ('annotations.kubernetes.io/ingress.class: Invalid value: "nginx": can not be set when the class field '
            "is also set") in refused(cluster(), "ingresses", body)


def test_ingress_class_validation_and_its_immutable_controller() -> None:
    c = cluster()
    assert 'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")' in (
        refused(c, "ingressclasses", ingress_class("a", controller="nginx")))
    assert "spec.controller: Required value" in refused(c, "ingressclasses", ingress_class("b", controller=""))
    scoped = ingress_class("c", controller="k8s.io/x", parameters={"kind": "Params", "name": "p", "namespace": "x"})
    assert "spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'" in (
        refused(c, "ingressclasses", scoped))
    kubectl = c.client("kubectl")
    made = kubectl.create("ingressclasses", ingress_class("ok", controller="k8s.io/x",
                                                         parameters={"kind": "Params", "name": "p"}))
    assert made["spec"]["parameters"]["scope"] == "Cluster", "defaulted"
    with pytest.raises(ApiError) as raised:
        kubectl.merge_patch("ingressclasses", "", "ok", {"spec": {"controller": "example.com/other"}})
    assert 'spec.controller: Invalid value: "example.com/other": field is immutable' in raised.value.message


def test_kubectls_ingress_columns() -> None:
    rules = [{"host": f"h{i}.example.com"} for i in range(5)]
    body = ingress(ingressClassName="nginx", rules=rules, tls=[{"hosts": ["h0.example.com"]}])
    body["status"] = {"loadBalancer": {"ingress": [{"ip": "172.18.0.200"}, {"ip": "172.18.0.100"}]}}
    body["metadata"]["creationTimestamp"] = "2026-01-01T00:00:00Z"
    row = print_ingress(body, 0.0)
    assert [c["name"] for c in INGRESS_COLUMNS] == ["Name", "Class", "Hosts", "Address", "Ports", "Age"]
    assert row[1:5] == ["nginx", "h0.example.com,h1.example.com,h2.example.com + 2 more...", "172.18.0.100,...",
                        "80, 443"]
    bare = print_ingress(ingress(defaultBackend={}), 0.0)
    assert bare[1:5] == ["<none>", "*", "", "80"]
    params = ingress_class("x", controller="k8s.io/x", parameters={"apiGroup": "k8s.example.com", "kind": "P",
                                                                    "name": "p"})
    assert print_ingressclass(params, 0.0)[1:3] == ["k8s.io/x", "P.k8s.example.com/p"]
