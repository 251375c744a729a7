"""networking.k8s.io/v1: Ingress and IngressClass.

Source: ``pkg/apis/networking/validation/validation.go`` (ValidateIngressCreate/Update,
ValidateIngressSpec, validateIngressBackend, ValidateIngressClass).
"""

from __future__ import annotations

import ipaddress
from typing import Any

from kubetui.api.fielderrors import GoLiteral, forbidden, invalid, not_supported, required, too_long
from kubetui.api.validation import names
from kubetui.api.validation.common import (
    FIELD_IMMUTABLE_ERROR,
    Errs,
    g,
    gd,
    gi,
    gl,
    gs,
    validate_object_meta,
    validate_object_meta_update,
)

ANNOTATION_INGRESS_CLASS = "kubernetes.io/ingress.class"
PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
_INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_INVALID_PATH_SUFFIXES = ("/..", "/.")
_MAX_LEN_INGRESS_CLASS_CONTROLLER = 250
_PARAMETER_SCOPES = ("Cluster", "Namespace")


def _meta(obj: dict[str, Any], old: dict[str, Any] | None, namespaced: bool, errs: Errs) -> None:
    if old is None:
        validate_object_meta(obj.get("metadata"), namespaced, names.name_is_dns_subdomain, errs)
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)


# --- Ingress -----------------------------------------------------------------------------------


def validate_ingress(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, True, errs)
    spec = gd(obj, "spec")
    rules = [r for r in gl(spec, "rules") if isinstance(r, dict)]
    backend = spec.get("defaultBackend")
    if not rules and not isinstance(backend, dict):
        shown = "[]networking.IngressRule(nil)" if spec.get("rules") is None else "[]networking.IngressRule{}"
        errs.append(invalid("spec", GoLiteral(shown), "either `defaultBackend` or `rules` must be specified"))
    if isinstance(backend, dict):
        _backend(backend, "spec.defaultBackend", errs)
    for i, rule in enumerate(rules):
        _rule(rule, f"spec.rules[{i}]", errs)
    for i, tls in enumerate(gl(spec, "tls")):
        _tls(tls, f"spec.tls[{i}]", errs)
    class_name = spec.get("ingressClassName")
    if isinstance(class_name, str):
        for msg in names.name_is_dns_subdomain(class_name):
            errs.append(invalid("spec.ingressClassName", class_name, msg))
    if old is None:
        annotations = g(obj.get("metadata"), "annotations")
        annotation = annotations.get(ANNOTATION_INGRESS_CLASS) if isinstance(annotations, dict) else None
        if annotation is not None and class_name is not None:
            errs.append(invalid(f"annotations.{ANNOTATION_INGRESS_CLASS}", annotation,
                                "can not be set when the class field is also set"))


def _host(host: str, path: str, errs: Errs) -> None:
    if "*" in host:
        for msg in names.is_wildcard_dns1123_subdomain(host):
            errs.append(invalid(path, host, msg))
    else:
        for msg in names.is_dns1123_subdomain(host):
            errs.append(invalid(path, host, msg))


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _rule(rule: dict[str, Any], path: str, errs: Errs) -> None:
    host = gs(rule, "host")
    if host:
        if _is_ip(host):
            errs.append(invalid(f"{path}.host", host, "must be a DNS name, not an IP address"))
        _host(host, f"{path}.host", errs)
    http = rule.get("http")
    if not isinstance(http, dict):
        return
    paths = gl(http, "paths")
    if not paths:
        errs.append(required(f"{path}.http.paths", ""))
    for i, http_path in enumerate(paths):
        if isinstance(http_path, dict):
            _http_path(http_path, f"{path}.http.paths[{i}]", errs)


def _http_path(http_path: dict[str, Any], path: str, errs: Errs) -> None:
    path_type = http_path.get("pathType")
    if path_type is None:
        errs.append(required(f"{path}.pathType", "pathType must be specified"))
        return
    value = gs(http_path, "path")
    if path_type in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.append(invalid(f"{path}.path", value, "must be an absolute path"))
        if value:
            for seq in _INVALID_PATH_SEQUENCES:
                if seq in value:
                    errs.append(invalid(f"{path}.path", value, f"must not contain '{seq}'"))
            for suffix in _INVALID_PATH_SUFFIXES:
                if value.endswith(suffix):
                    errs.append(invalid(f"{path}.path", value, f"cannot end with '{suffix}'"))
    elif path_type == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.append(invalid(f"{path}.path", value, "must be an absolute path"))
    else:
        errs.append(not_supported(f"{path}.pathType", path_type, PATH_TYPES))
    _backend(gd(http_path, "backend"), f"{path}.backend", errs)


def _backend(backend: dict[str, Any], path: str, errs: Errs) -> None:
    """validateIngressBackend: a Service (by name and port name or number), or a resource."""
    resource, service = backend.get("resource"), backend.get("service")
    if isinstance(resource, dict) and isinstance(service, dict):
        errs.append(invalid(path, "", "cannot set both resource and service backends"))
    elif isinstance(resource, dict):
        _typed_local_reference(resource, f"{path}.resource", errs)
    elif isinstance(service, dict):
        name = gs(service, "name")
        if not name:
            errs.append(required(f"{path}.service.name", ""))
        else:
            for msg in names.name_is_dns1035_label(name):
                errs.append(invalid(f"{path}.service.name", name, msg))
        port = gd(service, "port")
        port_name, port_number = gs(port, "name"), gi(port, "number") or 0
        if port_name and port_number:
            errs.append(invalid(path, "", "cannot set both port name & port number"))
        elif port_name:
            for msg in names.is_valid_port_name(port_name):
                errs.append(invalid(f"{path}.service.port.name", port_name, msg))
        elif port_number:
            for msg in names.is_valid_port_num(port_number):
                errs.append(invalid(f"{path}.service.port.number", port_number, msg))
        else:
            errs.append(required(path, "port name or number is required"))
    else:
        errs.append(invalid(path, "", "resource or service backend is required"))


def _typed_local_reference(ref: dict[str, Any], path: str, errs: Errs) -> None:
    group = ref.get("apiGroup")
    if isinstance(group, str):
        for msg in names.is_dns1123_subdomain(group):
            errs.append(invalid(f"{path}.apiGroup", group, msg))
    for field in ("kind", "name"):
        value = gs(ref, field)
        if not value:
            errs.append(required(f"{path}.{field}", f"{field} is required"))
        else:
            for msg in names.is_valid_path_segment_name(value):
                errs.append(invalid(f"{path}.{field}", value, msg))


def _tls(tls: Any, path: str, errs: Errs) -> None:
    if not isinstance(tls, dict):
        return
    for i, host in enumerate(gl(tls, "hosts")):
        if isinstance(host, str):
            _host(host, f"{path}.hosts[{i}]", errs)
    secret = gs(tls, "secretName")
    if secret:
        for msg in names.name_is_dns_subdomain(secret):
            errs.append(invalid(f"{path}.secretName", secret, msg))


def validate_ingress_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    """ValidateLoadBalancerStatus: each ingress point is an IP or a DNS name that is not an IP."""
    for i, point in enumerate(gl(gd(gd(obj, "status"), "loadBalancer"), "ingress")):
        path = f"status.loadBalancer.ingress[{i}]"
        ip, hostname = gs(point, "ip"), gs(point, "hostname")
        if ip:
            for msg in names.is_valid_ip(ip):
                errs.append(invalid(f"{path}.ip", ip, msg))
        if hostname:
            for msg in names.is_dns1123_subdomain(hostname):
                errs.append(invalid(f"{path}.hostname", hostname, msg))
            if _is_ip(hostname):
                errs.append(invalid(f"{path}.hostname", hostname, "must be a DNS name, not an IP address"))


# --- IngressClass ------------------------------------------------------------------------------


def validate_ingressclass(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, False, errs)
    spec = gd(obj, "spec")
    controller = gs(spec, "controller")
    if old is not None:
        old_controller = gs(gd(old, "spec"), "controller")
        if controller != old_controller:
            errs.append(invalid("spec.controller", controller, FIELD_IMMUTABLE_ERROR))
    if len(controller) > _MAX_LEN_INGRESS_CLASS_CONTROLLER:
        errs.append(too_long("spec.controller", "", _MAX_LEN_INGRESS_CLASS_CONTROLLER))
    for value, msg in names.domain_prefixed_path_errors(controller):
        errs.append(invalid("spec.controller", value, msg) if msg else required("spec.controller", ""))
    parameters = spec.get("parameters")
    if isinstance(parameters, dict):
        _parameters(parameters, "spec.parameters", errs)


def _parameters(params: dict[str, Any], path: str, errs: Errs) -> None:
    """validateIngressClassParametersReference."""
    _typed_local_reference(params, path, errs)
    scope, namespace = params.get("scope"), params.get("namespace")
    if scope is None and namespace is None:
        errs.append(required(f"{path}.scope", ""))
        return
    scope = scope if isinstance(scope, str) else ""
    if scope not in _PARAMETER_SCOPES:
        errs.append(not_supported(f"{path}.scope", scope, _PARAMETER_SCOPES))
    elif scope == "Namespace":
        if not isinstance(namespace, str):
            errs.append(required(f"{path}.namespace", "`parameters.scope` is set to 'Namespace'"))
        else:
            for msg in names.name_is_dns_label(namespace):
                errs.append(invalid(f"{path}.namespace", namespace, msg))
    elif namespace is not None:
        errs.append(forbidden(f"{path}.namespace", "`parameters.scope` is set to 'Cluster'"))
