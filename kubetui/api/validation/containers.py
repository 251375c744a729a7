"""Containers and volumes: the parts of a PodSpec that describe what runs (validateContainers).

Ports, environment, mounts, resources (requests <= limits), probes and lifecycle hooks, security
contexts and volume sources; ``pkg/apis/core/validation/validation.go``, in its order.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.fielderrors import (
    GoLiteral,
    duplicate,
    forbidden,
    go_sharp,
    invalid,
    not_found,
    not_supported,
    required,
)
from kubetui.api.models.pod import VOLUME_SOURCE_FIELDS
from kubetui.api.validation import names
from kubetui.api.validation.common import (
    Errs,
    canonical_quantity,
    g,
    gd,
    gi,
    gl,
    gs,
    nonnegative,
    parse_qty,
    validate_label_name,
)

MAX_INT32 = 2147483647
FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"

SUPPORTED_PROTOCOLS = ("SCTP", "TCP", "UDP")
SUPPORTED_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
SUPPORTED_TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
SUPPORTED_HTTP_SCHEMES = ("HTTP", "HTTPS")


# fmt: off
_STANDARD_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services",
    "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims",
    "storage", "requests.storage", "services.nodeports", "services.loadbalancers",
})
# fmt: on
_STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
# fmt: off
_ENV_FIELD_PATHS = (
    "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
    "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
)
_RESOURCE_FIELD_PATHS = (
    "limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu",
    "requests.ephemeral-storage", "requests.memory",
)
# fmt: on


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# --- small field rules -----------------------------------------------------------------------


def dns_label(value: str, path: str, errs: Errs) -> None:
    for msg in names.is_dns1123_label(value):
        errs.append(invalid(path, value, msg))


def check_name(fn: Any, value: str, path: str, errs: Errs) -> None:
    for msg in fn(value, False):
        errs.append(invalid(path, value, msg))


def _port_num_or_name(port: Any, path: str, errs: Errs) -> None:
    """ValidatePortNumOrName: 1-65535, or an IANA service name like ``http``."""
    if is_int(port):
        for msg in names.is_valid_port_num(port):
            errs.append(invalid(path, port, msg))
    elif isinstance(port, str):
        for msg in names.is_valid_port_name(port):
            errs.append(invalid(path, port, msg))
    else:  # absent: an IntOrString zero value is the int 0
        for msg in names.is_valid_port_num(0):
            errs.append(invalid(path, 0, msg))


# --- resources ----------------------------------------------------------------------------------


def _is_extended_resource(name: str) -> bool:
    """Extended resources (``nvidia.com/gpu``) live outside the kubernetes.io domain."""
    if "/" not in name or "kubernetes.io/" in name or name.startswith("requests."):
        return False
    return not names.is_qualified_name("requests." + name)


def _is_hugepages(name: str) -> bool:
    return name.startswith("hugepages-")


def _overcommit_allowed(name: str) -> bool:
    native = "/" not in name or "kubernetes.io/" in name
    return native and not _is_hugepages(name)


def validate_container_resource_name(name: str, path: str, errs: Errs) -> None:
    """validateContainerResourceName: a standard resource (cpu, memory, ...) or a qualified extended one."""
    own: Errs = []
    for msg in names.is_qualified_name(name):
        own.append(invalid(path, name, msg))
    if not own and "/" not in name and name not in _STANDARD_RESOURCES and not _is_hugepages(name):
        own.append(invalid(path, name, "must be a standard resource type or fully qualified"))
    errs.extend(own)
    if "/" not in name:
        if name not in _STANDARD_CONTAINER_RESOURCES and not _is_hugepages(name):
            errs.append(invalid(path, name, "must be a standard resource for containers"))
    elif "kubernetes.io/" not in name and not _is_extended_resource(name):
        errs.append(invalid(path, name, "doesn't follow extended resource name standard"))


def _validate_quantity_value(name: str, raw: Any, path: str, errs: Errs) -> Any:
    """ValidateResourceQuantityValue; returns the parsed value (None when it does not parse)."""
    value, problem = parse_qty(raw)
    if value is None:
        errs.append(invalid(path, raw, problem))
        return None
    if value < 0:
        errs.append(invalid(path, canonical_quantity(raw), "must be greater than or equal to 0"))
    if _is_extended_resource(name) and value != value.to_integral_value():
        errs.append(invalid(path, GoLiteral(canonical_quantity(raw)), "must be an integer"))
    return value


def validate_resources(resources: Any, path: str, errs: Errs) -> None:
    """Names, quantities, and requests <= limits: ``must be less than or equal to cpu limit of 1``."""
    limits, requests = gd(resources, "limits"), gd(resources, "requests")
    lim_path, req_path = f"{path}.limits", f"{path}.requests"
    limit_values: dict[str, Any] = {}
    cpu_or_memory = hugepages = False
    for name, raw in limits.items():
        fpath = f"{lim_path}[{name}]"
        validate_container_resource_name(name, fpath, errs)
        limit_values[name] = _validate_quantity_value(name, raw, fpath, errs)
        hugepages |= _is_hugepages(name)
        cpu_or_memory |= name in ("cpu", "memory")
    for name, raw in requests.items():
        fpath = f"{req_path}[{name}]"
        validate_container_resource_name(name, fpath, errs)
        value = _validate_quantity_value(name, raw, fpath, errs)
        if name in limits:
            limit = limit_values.get(name)
            if value is not None and limit is not None:
                if value != limit and not _overcommit_allowed(name):
                    detail = f"must be equal to {name} limit of {canonical_quantity(limits[name])}"
                    errs.append(invalid(req_path, canonical_quantity(raw), detail))
                elif value > limit:
                    detail = (
                        f"must be less than or equal to {name} limit of {canonical_quantity(limits[name])}"
                    )
                    errs.append(invalid(req_path, canonical_quantity(raw), detail))
        elif not _overcommit_allowed(name):
            errs.append(required(lim_path, "Limit must be set for non overcommitable resources"))
        hugepages |= _is_hugepages(name)
        cpu_or_memory |= name in ("cpu", "memory")
    if hugepages and not cpu_or_memory:
        errs.append(forbidden(path, "HugePages require cpu or memory"))


# --- containers ---------------------------------------------------------------------------------


def _validate_ports(ports: list[Any], path: str, errs: Errs) -> None:
    seen: set[str] = set()
    for i, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        ipath = f"{path}[{i}]"
        name = gs(port, "name")
        if name:
            msgs = names.is_valid_port_name(name)
            for msg in msgs:
                errs.append(invalid(f"{ipath}.name", name, msg))
            if not msgs and name in seen:
                errs.append(duplicate(f"{ipath}.name", name))
            seen.add(name)
        container_port = gi(port, "containerPort") or 0
        if container_port == 0:
            errs.append(required(f"{ipath}.containerPort", ""))
        else:
            for msg in names.is_valid_port_num(container_port):
                errs.append(invalid(f"{ipath}.containerPort", container_port, msg))
        host_port = gi(port, "hostPort") or 0
        if host_port:
            for msg in names.is_valid_port_num(host_port):
                errs.append(invalid(f"{ipath}.hostPort", host_port, msg))
        _protocol(gs(port, "protocol"), f"{ipath}.protocol", errs)


def _protocol(protocol: str, path: str, errs: Errs) -> None:
    if not protocol:
        errs.append(required(path, ""))
    elif protocol not in SUPPORTED_PROTOCOLS:
        errs.append(not_supported(path, protocol, SUPPORTED_PROTOCOLS))


def _key_selector(sel: dict[str, Any], path: str, errs: Errs) -> None:
    check_name(names.name_is_dns_subdomain, gs(sel, "name"), f"{path}.name", errs)
    key = gs(sel, "key")
    if not key:
        errs.append(required(f"{path}.key", ""))
    else:
        for msg in names.is_config_map_key(key):
            errs.append(invalid(f"{path}.key", key, msg))


def _validate_env(env: list[Any], path: str, errs: Errs) -> None:
    for i, var in enumerate(env):
        if not isinstance(var, dict):
            continue
        ipath = f"{path}[{i}]"
        name = gs(var, "name")
        if not name:
            errs.append(required(f"{ipath}.name", ""))
        else:
            for msg in names.is_env_var_name(name):
                errs.append(invalid(f"{ipath}.name", name, msg))
        source = g(var, "valueFrom")
        if not isinstance(source, dict):
            continue
        spath = f"{ipath}.valueFrom"
        count = 0
        if isinstance(source.get("fieldRef"), dict):
            count += 1
            _field_ref(source["fieldRef"], f"{spath}.fieldRef", errs)
        if isinstance(source.get("resourceFieldRef"), dict):
            count += 1
            resource = gs(source["resourceFieldRef"], "resource")
            rpath = f"{spath}.resourceFieldRef.resource"
            if not resource:
                errs.append(required(rpath, ""))
            elif resource not in _RESOURCE_FIELD_PATHS and not resource.startswith(
                ("requests.hugepages-", "limits.hugepages-")
            ):
                errs.append(not_supported(rpath, resource, _RESOURCE_FIELD_PATHS))
        for key in ("configMapKeyRef", "secretKeyRef"):
            if isinstance(source.get(key), dict):
                count += 1
                _key_selector(source[key], f"{spath}.{key}", errs)
        if count == 0:
            errs.append(
                invalid(
                    spath,
                    "",
                    "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                    "`secretKeyRef`",
                )
            )
        elif gs(var, "value"):
            errs.append(invalid(spath, "", "may not be specified when `value` is not empty"))
        elif count > 1:
            errs.append(invalid(spath, "", "may not have more than one field specified at a time"))


def _field_ref(ref: dict[str, Any], path: str, errs: Errs) -> None:
    if not gs(ref, "apiVersion"):
        errs.append(required(f"{path}.apiVersion", ""))
        return
    field_path = gs(ref, "fieldPath")
    if not field_path:
        errs.append(required(f"{path}.fieldPath", ""))
        return
    base, bracket, rest = field_path.partition("[")
    if bracket and rest.endswith("]"):  # metadata.labels['app']
        subscript = rest[:-1].strip("'\"")
        if base == "metadata.annotations":
            validate_label_name(subscript.lower(), path, errs)
        elif base == "metadata.labels":
            validate_label_name(subscript, path, errs)
        else:
            errs.append(invalid(path, base, "does not support subscript"))
    elif field_path not in _ENV_FIELD_PATHS:
        errs.append(not_supported(f"{path}.fieldPath", field_path, _ENV_FIELD_PATHS))


def _validate_env_from(env_from: list[Any], path: str, errs: Errs) -> None:
    for i, source in enumerate(env_from):
        if not isinstance(source, dict):
            continue
        ipath = f"{path}[{i}]"
        prefix = gs(source, "prefix")
        if prefix:
            for msg in names.is_env_var_name(prefix):
                errs.append(invalid(f"{ipath}.prefix", prefix, msg))
        count = 0
        for key in ("configMapRef", "secretRef"):
            ref = source.get(key)
            if isinstance(ref, dict):
                count += 1
                name = gs(ref, "name")
                if not name:
                    errs.append(required(f"{ipath}.{key}.name", ""))
                else:
                    for msg in names.name_is_dns_subdomain(name, True):
                        errs.append(invalid(f"{ipath}.{key}.name", name, msg))
        if count == 0:
            errs.append(invalid(path, "", "must specify one of: `configMapRef` or `secretRef`"))
        elif count > 1:
            errs.append(invalid(path, "", "may not have more than one field specified at a time"))


def _validate_volume_mounts(mounts: list[Any], volumes: set[str], path: str, errs: Errs) -> None:
    mount_points: set[str] = set()
    for i, mount in enumerate(mounts):
        if not isinstance(mount, dict):
            continue
        ipath = f"{path}[{i}]"
        name, mount_path = gs(mount, "name"), gs(mount, "mountPath")
        if not name:
            errs.append(required(f"{ipath}.name", ""))
        if name not in volumes:
            errs.append(not_found(f"{ipath}.name", name))
        if not mount_path:
            errs.append(required(f"{ipath}.mountPath", ""))
        if mount_path in mount_points:
            errs.append(invalid(f"{ipath}.mountPath", mount_path, "must be unique"))
        mount_points.add(mount_path)
        if gs(mount, "subPathExpr") and gs(mount, "subPath"):
            errs.append(
                invalid(
                    f"{ipath}.subPathExpr",
                    gs(mount, "subPathExpr"),
                    "subPathExpr and subPath are mutually exclusive",
                )
            )


def validate_handler(handler: dict[str, Any], grace: int | None, path: str, errs: Errs) -> None:
    """A probe or lifecycle handler: exactly one of exec, httpGet, tcpSocket, grpc, sleep."""
    count = 0
    for key in ("exec", "httpGet", "tcpSocket", "grpc", "sleep"):
        action = handler.get(key)
        if not isinstance(action, dict):
            continue
        if count > 0:
            errs.append(forbidden(f"{path}.{key}", "may not specify more than 1 handler type"))
            continue
        count += 1
        apath = f"{path}.{key}"
        if key == "exec":
            if not gl(action, "command"):
                errs.append(required(f"{apath}.command", ""))
        elif key == "httpGet":
            if not gs(action, "path"):
                errs.append(required(f"{apath}.path", ""))
            _port_num_or_name(action.get("port"), f"{apath}.port", errs)
            scheme = gs(action, "scheme")
            if scheme not in SUPPORTED_HTTP_SCHEMES:
                errs.append(not_supported(f"{apath}.scheme", scheme, SUPPORTED_HTTP_SCHEMES))
            for header in gl(action, "httpHeaders"):
                header_name = gs(header, "name")
                for msg in names.is_http_header_name(header_name):
                    errs.append(invalid(f"{apath}.httpHeaders", header_name, msg))
        elif key == "tcpSocket":
            _port_num_or_name(action.get("port"), f"{apath}.port", errs)
        elif key == "grpc":
            _port_num_or_name(gi(action, "port") or 0, f"{apath}.port", errs)
        elif key == "sleep":
            seconds = gi(action, "seconds") or 0
            if grace is not None and (seconds <= 0 or seconds > grace):
                errs.append(
                    invalid(
                        apath,
                        seconds,
                        f"must be greater than 0 and less than terminationGracePeriodSeconds ({grace})",
                    )
                )
    if count == 0:
        errs.append(required(path, "must specify a handler type"))


def _validate_probe(probe: Any, kind: str, grace: int | None, path: str, errs: Errs) -> None:
    if not isinstance(probe, dict):
        return
    validate_handler(probe, grace, path, errs)
    for key in (
        "initialDelaySeconds",
        "timeoutSeconds",
        "periodSeconds",
        "successThreshold",
        "failureThreshold",
    ):
        nonnegative(gi(probe, key), f"{path}.{key}", errs)
    probe_grace = gi(probe, "terminationGracePeriodSeconds")
    if probe_grace is not None and probe_grace <= 0:
        errs.append(invalid(f"{path}.terminationGracePeriodSeconds", probe_grace, "must be greater than 0"))
    if kind in ("liveness", "startup") and (gi(probe, "successThreshold") or 0) != 1:
        errs.append(invalid(f"{path}.successThreshold", gi(probe, "successThreshold") or 0, "must be 1"))
    if kind == "readiness" and probe.get("terminationGracePeriodSeconds") is not None:
        errs.append(
            invalid(
                f"{path}.terminationGracePeriodSeconds", probe_grace, "must not be set for readinessProbes"
            )
        )


def validate_security_context(sc: Any, path: str, errs: Errs) -> None:
    if not isinstance(sc, dict):
        return
    for key in ("runAsUser", "runAsGroup", "fsGroup"):
        value = gi(sc, key)
        if value is not None and not 0 <= value <= MAX_INT32:
            errs.append(invalid(f"{path}.{key}", value, names.inclusive_range_error(0, MAX_INT32)))
    for i, gid in enumerate(gl(sc, "supplementalGroups")):
        if is_int(gid) and not 0 <= gid <= MAX_INT32:
            errs.append(
                invalid(f"{path}.supplementalGroups[{i}]", gid, names.inclusive_range_error(0, MAX_INT32))
            )
    if sc.get("allowPrivilegeEscalation") is False and sc.get("privileged") is True:
        errs.append(
            invalid(
                path,
                GoLiteral(go_sharp(sc)),
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            )
        )


def _validate_container_common(c: dict[str, Any], volumes: set[str], path: str, errs: Errs) -> None:
    """validateContainerCommon: what regular and init containers share."""
    name = gs(c, "name")
    if not name:
        errs.append(required(f"{path}.name", ""))
    else:
        dns_label(name, f"{path}.name", errs)
    if not gs(c, "image"):
        errs.append(required(f"{path}.image", ""))
    policy = gs(c, "terminationMessagePolicy")
    if not policy:
        errs.append(required(f"{path}.terminationMessagePolicy", ""))
    elif policy not in SUPPORTED_TERMINATION_MESSAGE_POLICIES:
        errs.append(
            not_supported(f"{path}.terminationMessagePolicy", policy, SUPPORTED_TERMINATION_MESSAGE_POLICIES)
        )
    _validate_ports(gl(c, "ports"), f"{path}.ports", errs)
    _validate_env(gl(c, "env"), f"{path}.env", errs)
    _validate_env_from(gl(c, "envFrom"), f"{path}.envFrom", errs)
    _validate_volume_mounts(gl(c, "volumeMounts"), volumes, f"{path}.volumeMounts", errs)
    pull = gs(c, "imagePullPolicy")
    if not pull:
        errs.append(required(f"{path}.imagePullPolicy", ""))
    elif pull not in SUPPORTED_PULL_POLICIES:
        errs.append(not_supported(f"{path}.imagePullPolicy", pull, SUPPORTED_PULL_POLICIES))
    if isinstance(c.get("resources"), dict):
        validate_resources(c["resources"], f"{path}.resources", errs)
    validate_security_context(c.get("securityContext"), f"{path}.securityContext", errs)


def _host_port_conflicts(containers: list[dict[str, Any]], path: str, errs: Errs) -> None:
    seen: set[str] = set()
    for ci, c in enumerate(containers):
        for pi, port in enumerate(gl(c, "ports")):
            host_port = gi(port, "hostPort") or 0
            if host_port == 0:
                continue
            key = f"{gs(port, 'protocol')}/{gs(port, 'hostIP')}/{host_port}"
            if key in seen:
                errs.append(duplicate(f"{path}[{ci}].ports[{pi}].hostPort", key))
            seen.add(key)


def validate_containers(
    containers: list[Any], volumes: set[str], grace: int | None, path: str, errs: Errs
) -> None:
    if not containers:
        errs.append(required(path, ""))
        return
    seen: set[str] = set()
    valid: list[dict[str, Any]] = []
    for i, c in enumerate(containers):
        if not isinstance(c, dict):
            continue
        valid.append(c)
        cpath = f"{path}[{i}]"
        _validate_container_common(c, volumes, cpath, errs)
        name = gs(c, "name")
        if name in seen:
            errs.append(duplicate(f"{cpath}.name", name))
        seen.add(name)
        lifecycle = c.get("lifecycle")
        if isinstance(lifecycle, dict):
            for hook in ("postStart", "preStop"):
                if isinstance(lifecycle.get(hook), dict):
                    validate_handler(lifecycle[hook], grace, f"{cpath}.lifecycle.{hook}", errs)
        _validate_probe(c.get("livenessProbe"), "liveness", grace, f"{cpath}.livenessProbe", errs)
        _validate_probe(c.get("readinessProbe"), "readiness", grace, f"{cpath}.readinessProbe", errs)
        _validate_probe(c.get("startupProbe"), "startup", grace, f"{cpath}.startupProbe", errs)
        if c.get("restartPolicy") is not None:
            errs.append(forbidden(f"{cpath}.restartPolicy", "may not be set for non-init containers"))
    _host_port_conflicts(valid, path, errs)


def validate_init_containers(
    containers: list[Any], regular: list[Any], volumes: set[str], grace: int | None, path: str, errs: Errs
) -> None:
    seen = {gs(c, "name") for c in regular if isinstance(c, dict)}
    for i, c in enumerate(containers):
        if not isinstance(c, dict):
            continue
        cpath = f"{path}[{i}]"
        _validate_container_common(c, volumes, cpath, errs)
        restart = c.get("restartPolicy")
        sidecar = restart == "Always"
        if restart is not None and not sidecar:
            errs.append(not_supported(f"{cpath}.restartPolicy", restart, ["Always"]))
        name = gs(c, "name")
        if name in seen:
            errs.append(duplicate(f"{cpath}.name", name))
        elif name:
            seen.add(name)
        _host_port_conflicts([c], path, errs)
        if sidecar:
            lifecycle = c.get("lifecycle")
            if isinstance(lifecycle, dict):
                for hook in ("postStart", "preStop"):
                    if isinstance(lifecycle.get(hook), dict):
                        validate_handler(lifecycle[hook], grace, f"{cpath}.lifecycle.{hook}", errs)
            _validate_probe(c.get("livenessProbe"), "liveness", grace, f"{cpath}.livenessProbe", errs)
            _validate_probe(c.get("readinessProbe"), "readiness", grace, f"{cpath}.readinessProbe", errs)
            _validate_probe(c.get("startupProbe"), "startup", grace, f"{cpath}.startupProbe", errs)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if c.get(key) is not None:
                    errs.append(
                        forbidden(
                            f"{cpath}.{key}",
                            "may not be set for init containers without restartPolicy=Always",
                        )
                    )


# --- volumes ------------------------------------------------------------------------------------


def _file_mode(mode: Any, path: str, errs: Errs) -> None:
    if is_int(mode) and not 0 <= mode <= 0o777:
        errs.append(invalid(path, mode, FILE_MODE_ERROR))


def _key_to_paths(items: list[Any], path: str, errs: Errs) -> None:
    for i, item in enumerate(items):
        ipath = f"{path}[{i}]"
        if not gs(item, "key"):
            errs.append(required(f"{ipath}.key", ""))
        if not gs(item, "path"):
            errs.append(required(f"{ipath}.path", ""))
        _file_mode(g(item, "mode"), f"{ipath}.mode", errs)


def _validate_volume_source(volume: dict[str, Any], path: str, errs: Errs) -> None:
    count = 0
    for key in VOLUME_SOURCE_FIELDS:
        source = volume.get(key)
        if source is None:
            continue
        if count > 0:
            errs.append(forbidden(f"{path}.{key}", "may not specify more than 1 volume type"))
            continue
        count += 1
        spath = f"{path}.{key}"
        if key == "secret":
            if not gs(source, "secretName"):
                errs.append(required(f"{spath}.secretName", ""))
            _file_mode(g(source, "defaultMode"), f"{spath}.defaultMode", errs)
            _key_to_paths(gl(source, "items"), f"{spath}.items", errs)
        elif key == "configMap":
            if not gs(source, "name"):
                errs.append(required(f"{spath}.name", ""))
            _file_mode(g(source, "defaultMode"), f"{spath}.defaultMode", errs)
            _key_to_paths(gl(source, "items"), f"{spath}.items", errs)
        elif key == "hostPath":
            if not gs(source, "path"):
                errs.append(required(f"{spath}.path", ""))
        elif key == "persistentVolumeClaim":
            if not gs(source, "claimName"):
                errs.append(required(f"{spath}.claimName", ""))
        elif key == "emptyDir":
            limit = g(source, "sizeLimit")
            value, problem = parse_qty(limit) if limit is not None else (None, "")
            if problem:
                errs.append(invalid(f"{spath}.sizeLimit", limit, problem))
            elif value is not None and value < 0:
                errs.append(
                    forbidden(f"{spath}.sizeLimit", "SizeLimit field must be a valid resource quantity")
                )
    if count == 0:
        errs.append(required(path, "must specify a volume type"))


def validate_volumes(volumes: list[Any], path: str, errs: Errs) -> set[str]:
    """ValidateVolumes; returns the names of the valid volumes (mounts may only refer to those)."""
    good: set[str] = set()
    seen: set[str] = set()
    for i, volume in enumerate(volumes):
        if not isinstance(volume, dict):
            continue
        vpath = f"{path}[{i}]"
        own: Errs = []
        _validate_volume_source(volume, vpath, own)
        name = gs(volume, "name")
        if not name:
            own.append(required(f"{vpath}.name", ""))
        else:
            dns_label(name, f"{vpath}.name", own)
        if name in seen:
            own.append(duplicate(f"{vpath}.name", name))
        seen.add(name)
        if own:
            errs.extend(own)
        else:
            good.add(name)
    return good
