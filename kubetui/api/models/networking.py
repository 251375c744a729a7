"""networking.k8s.io/v1: Ingress and IngressClass (``k8s.io/api/networking/v1/types.go``)."""

from __future__ import annotations

from kubetui.api.models.base import Int, K8sModel, Str, TypeMeta
from kubetui.api.models.objectmeta import ObjectMeta
from kubetui.api.models.storage import TypedLocalObjectReference  # core/v1, as in Go

# --- Ingress -----------------------------------------------------------------------------------


class ServiceBackendPort(K8sModel):
    name: Str | None = None
    number: Int | None = None


class IngressServiceBackend(K8sModel):
    name: Str | None = None
    port: ServiceBackendPort | None = None


class IngressBackend(K8sModel):
    service: IngressServiceBackend | None = None
    resource: TypedLocalObjectReference | None = None


class HTTPIngressPath(K8sModel):
    path: Str | None = None
    path_type: Str | None = None
    backend: IngressBackend | None = None


class HTTPIngressRuleValue(K8sModel):
    paths: list[HTTPIngressPath] | None = None


class IngressRule(K8sModel):
    host: Str | None = None
    http: HTTPIngressRuleValue | None = None


class IngressTLS(K8sModel):
    hosts: list[Str] | None = None
    secret_name: Str | None = None


class IngressSpec(K8sModel):
    ingress_class_name: Str | None = None
    default_backend: IngressBackend | None = None
    tls: list[IngressTLS] | None = None
    rules: list[IngressRule] | None = None


class IngressPortStatus(K8sModel):
    port: Int | None = None
    protocol: Str | None = None
    error: Str | None = None


class IngressLoadBalancerIngress(K8sModel):
    ip: Str | None = None
    hostname: Str | None = None
    ports: list[IngressPortStatus] | None = None


class IngressLoadBalancerStatus(K8sModel):
    ingress: list[IngressLoadBalancerIngress] | None = None


class IngressStatus(K8sModel):
    load_balancer: IngressLoadBalancerStatus | None = None


class Ingress(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: IngressSpec | None = None
    status: IngressStatus | None = None


# --- IngressClass ------------------------------------------------------------------------------


class IngressClassParametersReference(K8sModel):
    api_group: Str | None = None
    kind: Str | None = None
    name: Str | None = None
    scope: Str | None = None
    namespace: Str | None = None


class IngressClassSpec(K8sModel):
    controller: Str | None = None
    parameters: IngressClassParametersReference | None = None


class IngressClass(TypeMeta):
    """Cluster-scoped: which controller serves the Ingresses that name this class."""

    metadata: ObjectMeta | None = None
    spec: IngressClassSpec | None = None
