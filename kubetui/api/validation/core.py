"""core/v1 kinds other than Pod (Namespace, Node, Service, Endpoints, ConfigMap, Secret, Event,
Binding) plus EndpointSlice and Lease.

Sources: ``pkg/apis/core/validation/validation.go``, ``pkg/apis/discovery/validation``,
``pkg/apis/coordination/validation`` and, for the NodePort range, the service port allocator.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.fielderrors import (
    DUPLICATE,
    FieldError,
    GoLiteral,
    duplicate,
    forbidden,
    go_quote,
    invalid,
    not_supported,
    required,
    too_long,
    too_many,
)
from kubetui.api.validation import names
from kubetui.api.validation.common import (
    FIELD_IMMUTABLE_ERROR,
    Errs,
    canonical_quantity,
    g,
    gd,
    gi,
    gl,
    gs,
    parse_qty,
    same,
    validate_label_name,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from kubetui.api.validation.scheduling import SUPPORTED_TAINT_EFFECTS

MAX_SECRET_SIZE = 1 * 1024 * 1024  # 1 MiB, for ConfigMaps too
NODE_PORT_RANGE = (30000, 32767)
SUPPORTED_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
SUPPORTED_PROTOCOLS = ("SCTP", "TCP", "UDP")
MAX_CLIENT_IP_AFFINITY_SECONDS = 86400


def _meta(
    obj: dict[str, Any], old: dict[str, Any] | None, namespaced: bool, name_fn: Any, errs: Errs
) -> None:
    if old is None:
        validate_object_meta(obj.get("metadata"), namespaced, name_fn, errs)
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)


def _ip(value: str, path: str, errs: Errs) -> None:
    for msg in names.is_valid_ip(value):
        errs.append(invalid(path, value, msg))


# --- Namespace -----------------------------------------------------------------------------------


def validate_namespace(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, False, names.name_is_dns_label, errs)
    if old is None:
        for i, finalizer in enumerate(gl(gd(obj, "spec"), "finalizers")):
            if not isinstance(finalizer, str):
                continue
            for msg in names.is_qualified_name(finalizer):
                errs.append(invalid("spec.finalizers", finalizer, msg))
            if "/" not in finalizer and finalizer != "kubernetes":
                errs.append(
                    invalid(
                        f"spec.finalizers[{i}]",
                        finalizer,
                        "name is neither a standard finalizer name nor is it fully qualified",
                    )
                )


def validate_namespace_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    phase = gs(gd(obj, "status"), "phase")
    if not gd(obj, "metadata").get("deletionTimestamp"):
        if phase != "Active":
            errs.append(
                invalid("status.Phase", phase, "may only be 'Active' if `deletionTimestamp` is empty")
            )
    elif phase != "Terminating":
        errs.append(
            invalid("status.Phase", phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")
        )


# --- Node ----------------------------------------------------------------------------------------


def validate_node(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, False, names.name_is_dns_subdomain, errs)
    spec = gd(obj, "spec")
    # Kubernetes reports taint errors under "metadata.taints" (sic); kept for fidelity.
    unique: dict[str, set[str]] = {}
    for i, taint in enumerate(gl(spec, "taints")):
        if not isinstance(taint, dict):
            continue
        tpath = f"metadata.taints[{i}]"
        key, value, effect = gs(taint, "key"), gs(taint, "value"), gs(taint, "effect")
        validate_label_name(key, f"{tpath}.key", errs)
        msgs = names.is_label_value(value)
        if msgs:
            errs.append(invalid(f"{tpath}.value", value, ";".join(msgs)))
        if not effect:
            errs.append(required(f"{tpath}.effect", ""))
        elif effect not in SUPPORTED_TAINT_EFFECTS:
            errs.append(not_supported(f"{tpath}.effect", effect, SUPPORTED_TAINT_EFFECTS))
        if key in unique.get(effect, set()):
            shown = GoLiteral(
                f"core.Taint{{Key:{go_quote(key)}, Value:{go_quote(value)}, Effect:{go_quote(effect)}, "
                "TimeAdded:(*v1.Time)(nil)}"
            )
            errs.append(FieldError(DUPLICATE, tpath, shown, "taints must be unique by key and effect pair"))
            continue
        unique.setdefault(effect, set()).add(key)
    _node_resources(gd(obj, "status"), errs)
    cidrs = [c for c in gl(spec, "podCIDRs") if isinstance(c, str)]
    if gs(spec, "podCIDR") and not cidrs:
        cidrs = [gs(spec, "podCIDR")]
    for i, cidr in enumerate(cidrs):
        for msg in names.is_valid_cidr(cidr):
            errs.append(invalid(f"spec.podCIDRs[{i}]", cidr, msg))
    if len(cidrs) > 1:
        seen: set[str] = set()
        for i, cidr in enumerate(cidrs):
            if cidr in seen:
                errs.append(duplicate(f"spec.podCIDRs[{i}]", cidr))
            seen.add(cidr)
        if len(cidrs) > 2:
            errs.append(
                invalid("spec.podCIDRs", cidrs, "may specify no more than one CIDR for each IP family")
            )
    if old is not None:
        old_spec = gd(old, "spec")
        old_cidrs = [c for c in gl(old_spec, "podCIDRs") if isinstance(c, str)] or (
            [gs(old_spec, "podCIDR")] if gs(old_spec, "podCIDR") else []
        )
        if old_cidrs and old_cidrs != cidrs:
            errs.append(
                forbidden("spec.podCIDRs", 'node updates may not change podCIDR except from "" to valid')
            )
        old_provider = gs(old_spec, "providerID")
        if old_provider and old_provider != gs(spec, "providerID"):
            errs.append(
                forbidden("spec.providerID", 'node updates may not change providerID except from "" to valid')
            )


def _node_resources(status: dict[str, Any], errs: Errs) -> None:
    for key in ("capacity", "allocatable"):
        for name, raw in gd(status, key).items():
            path = f"status.{key}.{name}"
            value, problem = parse_qty(raw)
            if value is None:
                errs.append(invalid(path, raw, problem))
            elif value < 0:
                errs.append(invalid(path, canonical_quantity(raw), "must be greater than or equal to 0"))


def validate_node_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    _node_resources(gd(obj, "status"), errs)
    seen: set[tuple[str, str]] = set()
    for i, address in enumerate(gl(gd(obj, "status"), "addresses")):
        key = (gs(address, "type"), gs(address, "address"))
        if key in seen:
            errs.append(
                duplicate(
                    f"status.addresses[{i}]",
                    GoLiteral(f"core.NodeAddress{{Type:{go_quote(key[0])}, Address:{go_quote(key[1])}}}"),
                )
            )
        seen.add(key)


# --- Service -------------------------------------------------------------------------------------


def _is_headless(spec: dict[str, Any]) -> bool:
    ips = gl(spec, "clusterIPs")
    return (len(ips) == 1 and ips[0] == "None") or (not ips and gs(spec, "clusterIP") == "None")


def _port_num_or_name(port: Any, path: str, errs: Errs) -> None:
    if isinstance(port, int) and not isinstance(port, bool):
        for msg in names.is_valid_port_num(port):
            errs.append(invalid(path, port, msg))
    elif isinstance(port, str):
        for msg in names.is_valid_port_name(port):
            errs.append(invalid(path, port, msg))
    else:
        errs.append(invalid(path, 0, names.inclusive_range_error(1, 65535)))


def _service_port_literal(port: dict[str, Any]) -> GoLiteral:
    return GoLiteral(
        f'core.ServicePort{{Name:"", Protocol:{go_quote(gs(port, "protocol"))}, AppProtocol:(*string)(nil), '
        f'Port:{gi(port, "port") or 0}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:""}}, '
        f"NodePort:0}}"
    )


def validate_service(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, True, names.name_is_dns1035_label, errs)
    spec = gd(obj, "spec")
    stype = gs(spec, "type")
    headless = _is_headless(spec)
    ports = [p for p in gl(spec, "ports") if isinstance(p, dict)]
    if not ports and not headless and stype != "ExternalName":
        errs.append(required("spec.ports", ""))
    if stype in ("LoadBalancer", "NodePort") and headless:
        errs.append(invalid("spec.clusterIPs[0]", "None", f"may not be set to 'None' for {stype} services"))
    elif stype == "ExternalName":
        if gl(spec, "clusterIPs"):
            errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if gl(spec, "ipFamilies"):
            errs.append(forbidden("spec.ipFamilies", "may not be set for ExternalName services"))
        if spec.get("ipFamilyPolicy") is not None:
            errs.append(forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"))
        cname = gs(spec, "externalName").removesuffix(".")
        if cname:
            for msg in names.is_dns1123_subdomain(cname):
                errs.append(invalid("spec.externalName", cname, msg))
        else:
            errs.append(required("spec.externalName", ""))
    port_names: set[str] = set()
    for i, port in enumerate(ports):
        ppath = f"spec.ports[{i}]"
        name = gs(port, "name")
        if len(ports) > 1 and not name:
            errs.append(required(f"{ppath}.name", ""))
        elif name:
            for msg in names.is_dns1123_label(name):
                errs.append(invalid(f"{ppath}.name", name, msg))
            if name in port_names:
                errs.append(duplicate(f"{ppath}.name", name))
            port_names.add(name)
        number = gi(port, "port") or 0
        for msg in names.is_valid_port_num(number):
            errs.append(invalid(f"{ppath}.port", number, msg))
        protocol = gs(port, "protocol")
        if not protocol:
            errs.append(required(f"{ppath}.protocol", ""))
        elif protocol not in SUPPORTED_PROTOCOLS:
            errs.append(not_supported(f"{ppath}.protocol", protocol, SUPPORTED_PROTOCOLS))
        _port_num_or_name(port.get("targetPort"), f"{ppath}.targetPort", errs)
        if isinstance(port.get("appProtocol"), str):
            validate_label_name(port["appProtocol"], f"{ppath}.appProtocol", errs)
    if spec.get("selector") is not None:
        validate_labels(spec.get("selector"), "spec.selector", errs)
    affinity = gs(spec, "sessionAffinity")
    if not affinity:
        errs.append(required("spec.sessionAffinity", ""))
    elif affinity not in ("ClientIP", "None"):
        errs.append(not_supported("spec.sessionAffinity", affinity, ["ClientIP", "None"]))
    if affinity == "ClientIP":
        timeout = gi(gd(gd(spec, "sessionAffinityConfig"), "clientIP"), "timeoutSeconds")
        if timeout is None:
            errs.append(required("spec.sessionAffinityConfig", "when session affinity type is ClientIP"))
        elif not 0 < timeout <= MAX_CLIENT_IP_AFFINITY_SECONDS:
            errs.append(
                invalid(
                    "spec.sessionAffinityConfig.clientIP.timeoutSeconds",
                    timeout,
                    f"must be greater than 0 and less than {MAX_CLIENT_IP_AFFINITY_SECONDS}",
                )
            )
    elif affinity == "None" and spec.get("sessionAffinityConfig") is not None:
        errs.append(forbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"))
    if stype != "ExternalName":
        _cluster_ips(spec, errs)
    for i, ip in enumerate(gl(spec, "externalIPs")):
        if isinstance(ip, str):
            _ip(ip, f"spec.externalIPs[{i}]", errs)
    if not stype:
        errs.append(required("spec.type", ""))
    elif stype not in SUPPORTED_SERVICE_TYPES:
        errs.append(not_supported("spec.type", stype, SUPPORTED_SERVICE_TYPES))
    node_ports: set[tuple[str, int]] = set()
    seen_ports: set[tuple[str, int]] = set()
    for i, port in enumerate(ports):
        ppath = f"spec.ports[{i}]"
        node_port = gi(port, "nodePort") or 0
        if stype == "ClusterIP" and node_port:
            errs.append(forbidden(f"{ppath}.nodePort", "may not be used when `type` is 'ClusterIP'"))
        if node_port:
            lo, hi = NODE_PORT_RANGE
            if not lo <= node_port <= hi and stype in ("NodePort", "LoadBalancer"):
                # The port allocator's message (pkg/registry/core/service/portallocator).
                errs.append(
                    invalid(
                        f"{ppath}.nodePort",
                        node_port,
                        f"provided port is not in the valid range. The range of valid ports is {lo}-{hi}",
                    )
                )
            key = (gs(port, "protocol"), node_port)
            if key in node_ports:
                errs.append(duplicate(f"{ppath}.nodePort", node_port))
            node_ports.add(key)
        key = (gs(port, "protocol"), gi(port, "port") or 0)
        if key in seen_ports:
            errs.append(duplicate(ppath, _service_port_literal(port)))
        seen_ports.add(key)
    if spec.get("allocateLoadBalancerNodePorts") is not None and stype != "LoadBalancer":
        errs.append(
            forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'")
        )
    externally_accessible = stype in ("LoadBalancer", "NodePort") or (
        stype == "ClusterIP" and gl(spec, "externalIPs")
    )
    policy = gs(spec, "externalTrafficPolicy")
    if not externally_accessible:
        if policy:
            errs.append(
                invalid(
                    "spec.externalTrafficPolicy", policy, "may only be set for externally-accessible services"
                )
            )
    elif not policy:
        errs.append(required("spec.externalTrafficPolicy", ""))
    elif policy not in ("Cluster", "Local"):
        errs.append(not_supported("spec.externalTrafficPolicy", policy, ["Cluster", "Local"]))
    internal = spec.get("internalTrafficPolicy")
    if internal is None and stype in ("ClusterIP", "NodePort", "LoadBalancer"):
        errs.append(required("spec.internalTrafficPolicy", ""))
    elif internal is not None and internal not in ("Cluster", "Local"):
        errs.append(not_supported("spec.internalTrafficPolicy", internal, ["Cluster", "Local"]))
    if old is not None:
        _service_update(spec, gd(old, "spec"), errs)


def _cluster_ips(spec: dict[str, Any], errs: Errs) -> None:
    """ValidateServiceClusterIPsRelatedFields (the single-stack part)."""
    cluster_ip, cluster_ips = (
        gs(spec, "clusterIP"),
        [ip for ip in gl(spec, "clusterIPs") if isinstance(ip, str)],
    )
    if cluster_ip:
        if not cluster_ips:
            errs.append(required("spec.clusterIPs", ""))
        elif cluster_ips[0] != cluster_ip:
            errs.append(invalid("spec.clusterIPs", cluster_ips, "first value must match `clusterIP`"))
    elif cluster_ips:
        errs.append(
            invalid("spec.clusterIPs", cluster_ips, "must be empty when `clusterIP` is not specified")
        )
    seen_families: set[str] = set()
    for i, family in enumerate(gl(spec, "ipFamilies")):
        if family not in ("IPv4", "IPv6"):
            errs.append(not_supported(f"spec.ipFamilies[{i}]", family, ["IPv4", "IPv6"]))
        if family in seen_families:
            errs.append(duplicate(f"spec.ipFamilies[{i}]", family))
        seen_families.add(family)
    policy = spec.get("ipFamilyPolicy")
    if policy is not None and policy not in ("PreferDualStack", "RequireDualStack", "SingleStack"):
        errs.append(
            not_supported(
                "spec.ipFamilyPolicy", policy, ["PreferDualStack", "RequireDualStack", "SingleStack"]
            )
        )
    for i, ip in enumerate(cluster_ips):
        if i == 0 and ip == "None":
            if len(cluster_ips) > 1:
                errs.append(
                    invalid("spec.clusterIPs", cluster_ips, "'None' must be the first and only value")
                )
            continue
        _ip(ip, f"spec.clusterIPs[{i}]", errs)
    if len(cluster_ips) > 2:
        errs.append(invalid("spec.clusterIPs", cluster_ips, "may only hold up to 2 values"))


def _service_update(spec: dict[str, Any], old_spec: dict[str, Any], errs: Errs) -> None:
    if "ExternalName" in (gs(spec, "type"), gs(old_spec, "type")):
        return
    if _is_headless(spec) and _is_headless(old_spec):
        return
    new_ips, old_ips = gl(spec, "clusterIPs"), gl(old_spec, "clusterIPs")
    if old_ips and (not new_ips or new_ips[0] != old_ips[0]):
        if not new_ips:
            errs.append(invalid("spec.clusterIPs[0]", new_ips, "primary clusterIP can not be unset"))
        else:
            errs.append(invalid("spec.clusterIPs[0]", new_ips, "may not change once set"))


# --- Endpoints, EndpointSlice --------------------------------------------------------------------


def validate_endpoints(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, True, names.name_is_dns_subdomain, errs)
    for i, subset in enumerate(gl(obj, "subsets")):
        spath = f"subsets[{i}]"
        addresses, not_ready = gl(subset, "addresses"), gl(subset, "notReadyAddresses")
        if not addresses and not not_ready:
            errs.append(required(spath, "must specify `addresses` or `notReadyAddresses`"))
        for key, items in (("addresses", addresses), ("notReadyAddresses", not_ready)):
            for j, address in enumerate(items):
                apath = f"{spath}.{key}[{j}]"
                _ip(gs(address, "ip"), f"{apath}.ip", errs)
                if gs(address, "hostname"):
                    for msg in names.is_dns1123_label(gs(address, "hostname")):
                        errs.append(invalid(f"{apath}.hostname", gs(address, "hostname"), msg))
                if g(address, "nodeName") is not None:
                    for msg in names.name_is_dns_subdomain(gs(address, "nodeName")):
                        errs.append(invalid(f"{apath}.nodeName", gs(address, "nodeName"), msg))
        ports = gl(subset, "ports")
        for j, port in enumerate(ports):
            _endpoint_port(port, len(ports) > 1, f"{spath}.ports[{j}]", errs)


def _endpoint_port(port: Any, require_name: bool, path: str, errs: Errs) -> None:
    name = gs(port, "name")
    if require_name and not name:
        errs.append(required(f"{path}.name", ""))
    elif name:
        for msg in names.is_dns1123_label(name):
            errs.append(invalid(f"{path}.name", name, msg))
    number = gi(port, "port") or 0
    for msg in names.is_valid_port_num(number):
        errs.append(invalid(f"{path}.port", number, msg))
    protocol = gs(port, "protocol")
    if not protocol:
        errs.append(required(f"{path}.protocol", ""))
    elif protocol not in SUPPORTED_PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", protocol, SUPPORTED_PROTOCOLS))


def validate_endpointslice(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, True, names.name_is_dns_subdomain, errs)
    address_type = gs(obj, "addressType")
    if not address_type:
        errs.append(required("addressType", ""))
    elif address_type not in ("IPv4", "IPv6", "FQDN"):
        errs.append(not_supported("addressType", address_type, ["FQDN", "IPv4", "IPv6"]))
    endpoints = gl(obj, "endpoints")
    if len(endpoints) > 1000:
        errs.append(too_many("endpoints", len(endpoints), 1000))
    for i, endpoint in enumerate(endpoints[:1000]):
        epath = f"endpoints[{i}]"
        addresses = gl(endpoint, "addresses")
        if not addresses:
            errs.append(required(f"{epath}.addresses", "must contain at least 1 address"))
        elif len(addresses) > 100:
            errs.append(too_many(f"{epath}.addresses", len(addresses), 100))
        for j, address in enumerate(addresses[:100]):
            if not isinstance(address, str):
                continue
            apath = f"{epath}.addresses[{j}]"
            if address_type == "IPv4":
                for msg in names.is_valid_ipv4(address):
                    errs.append(invalid(apath, address, msg))
            elif address_type == "IPv6":
                for msg in names.is_valid_ip(address):
                    errs.append(invalid(apath, address, msg))
            elif address_type == "FQDN":
                for msg in names.is_dns1123_subdomain(address):
                    errs.append(invalid(apath, address, msg))
        if g(endpoint, "nodeName") is not None:
            for msg in names.name_is_dns_subdomain(gs(endpoint, "nodeName")):
                errs.append(invalid(f"{epath}.nodeName", gs(endpoint, "nodeName"), msg))
        if gs(endpoint, "hostname"):
            for msg in names.is_dns1123_label(gs(endpoint, "hostname")):
                errs.append(invalid(f"{epath}.hostname", gs(endpoint, "hostname"), msg))
    ports = gl(obj, "ports")
    if len(ports) > 100:
        errs.append(too_many("ports", len(ports), 100))
    port_names: set[str] = set()
    for i, port in enumerate(ports[:100]):
        ppath = f"ports[{i}]"
        name = gs(port, "name")
        if name:
            for msg in names.is_dns1123_label(name):
                errs.append(invalid(f"{ppath}.name", name, msg))
        if name in port_names:
            errs.append(duplicate(f"{ppath}.name", name))
        port_names.add(name)
        protocol = gs(port, "protocol")
        if protocol not in SUPPORTED_PROTOCOLS:
            errs.append(not_supported(f"{ppath}.protocol", protocol, SUPPORTED_PROTOCOLS))
        number = gi(port, "port")
        if number is not None:
            for msg in names.is_valid_port_num(number):
                errs.append(invalid(f"{ppath}.port", number, msg))
    if old is not None and gs(obj, "addressType") != gs(old, "addressType"):
        errs.append(invalid("addressType", address_type, FIELD_IMMUTABLE_ERROR))


# --- ConfigMap, Secret ---------------------------------------------------------------------------


def _immutable_data(obj: dict[str, Any], old: dict[str, Any], keys: tuple[str, ...], errs: Errs) -> None:
    if old.get("immutable") is not True:
        return
    if obj.get("immutable") is not True:
        errs.append(forbidden("immutable", "field is immutable when `immutable` is set"))
    for key in keys:
        if not same(obj.get(key), old.get(key)):
            errs.append(forbidden(key, "field is immutable when `immutable` is set"))


def validate_configmap(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    if old is None:
        validate_object_meta(obj.get("metadata"), True, names.name_is_dns_subdomain, errs)
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)
        _immutable_data(obj, old, ("data", "binaryData"), errs)
    data, binary = gd(obj, "data"), gd(obj, "binaryData")
    total = 0
    for key, value in data.items():
        for msg in names.is_config_map_key(key):
            errs.append(invalid(f"data[{key}]", key, msg))
        if key in binary:
            errs.append(invalid(f"data[{key}]", key, "duplicate of key present in binaryData"))
        total += names.byte_len(value) if isinstance(value, str) else 0
    for key, value in binary.items():
        for msg in names.is_config_map_key(key):
            errs.append(invalid(f"binaryData[{key}]", key, msg))
        total += _decoded_len(value)
    if total > MAX_SECRET_SIZE:
        errs.append(too_long("[]", "", MAX_SECRET_SIZE))


def _decoded_len(value: Any) -> int:
    if not isinstance(value, str):
        return 0
    return len(value) * 3 // 4 - value[-2:].count("=")


_SECRET_REQUIRED_KEYS = {
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
}


def validate_secret(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    if old is None:
        validate_object_meta(obj.get("metadata"), True, names.name_is_dns_subdomain, errs)
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)
        if gs(obj, "type") != gs(old, "type"):
            errs.append(invalid("type", gs(obj, "type"), FIELD_IMMUTABLE_ERROR))
        _immutable_data(obj, old, ("data",), errs)
    data = gd(obj, "data")
    total = 0
    for key, value in data.items():
        for msg in names.is_config_map_key(key):
            errs.append(invalid(f"data[{key}]", key, msg))
        if isinstance(value, str):  # base64 that does not decode is refused before this, as Go's decoder does
            total += _decoded_len(value)
    if total > MAX_SECRET_SIZE:
        errs.append(too_long("data", "", MAX_SECRET_SIZE))
    stype = gs(obj, "type")
    annotations = gd(gd(obj, "metadata"), "annotations")
    if stype == "kubernetes.io/service-account-token" and not gs(
        annotations, "kubernetes.io/service-account.name"
    ):
        errs.append(required("metadata.annotations[kubernetes.io/service-account.name]", ""))
    elif stype == "kubernetes.io/basic-auth" and "username" not in data and "password" not in data:
        errs.append(required("data[username]", ""))
        errs.append(required("data[password]", ""))
    for key in _SECRET_REQUIRED_KEYS.get(stype, ()):
        if key not in data or (key == "ssh-privatekey" and not data[key]):
            errs.append(required(f"data[{key}]", ""))
            if stype != "kubernetes.io/tls":
                break


# --- Event, Lease, Binding -----------------------------------------------------------------------


def validate_event(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, True, names.name_is_dns_subdomain, errs)
    namespace = gs(gd(obj, "metadata"), "namespace")
    involved = gd(obj, "involvedObject")
    involved_ns = gs(involved, "namespace")
    if not obj.get("eventTime"):
        if not involved_ns:
            if namespace not in ("", "default"):
                errs.append(
                    invalid("involvedObject.namespace", involved_ns, "does not match event.namespace")
                )
        elif namespace != involved_ns:
            errs.append(invalid("involvedObject.namespace", involved_ns, "does not match event.namespace"))
    etype = obj.get("type")
    if isinstance(etype, str) and etype and etype not in ("Normal", "Warning"):
        errs.append(not_supported("type", etype, ["Normal", "Warning"]))
    count = gi(obj, "count")
    if count is not None and count < 0:
        errs.append(invalid("count", count, "must be greater than or equal to 0"))


def validate_lease(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, True, names.name_is_dns_subdomain, errs)
    spec = gd(obj, "spec")
    duration = gi(spec, "leaseDurationSeconds")
    if spec.get("leaseDurationSeconds") is not None and (duration or 0) <= 0:
        errs.append(invalid("spec.leaseDurationSeconds", duration, "must be greater than 0"))
    transitions = gi(spec, "leaseTransitions")
    if transitions is not None and transitions < 0:
        errs.append(invalid("spec.leaseTransitions", transitions, "must be greater than or equal to 0"))


def validate_binding(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    """ValidatePodBinding: the only thing a binding says is which node."""
    target = gd(obj, "target")
    kind = gs(target, "kind")
    if kind and kind != "Node":
        errs.append(not_supported("target.kind", kind, ["Node", "<empty>"]))
    if not gs(target, "name"):
        errs.append(required("target.name", ""))
