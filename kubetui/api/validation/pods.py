"""Pods: the PodSpec rules (also used for every workload's pod template), pod updates and status.

Follows ``pkg/apis/core/validation/validation.go`` (ValidatePodSpec, validateContainers,
ValidatePodUpdate, ValidatePodStatusUpdate), in the same order, so that a learner comparing with
a real cluster sees the same errors in the same sequence.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.fielderrors import (
    GoLiteral,
    _go_sharp,
    duplicate,
    forbidden,
    go_float,
    invalid,
    not_found,
    not_supported,
    required,
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
    nonnegative,
    parse_qty,
    same,
    validate_annotations,
    validate_label_name,
    validate_label_selector,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)

MAX_INT32 = 2147483647
FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive"
IS_NOT_POSITIVE_ERROR = "must be greater than zero"
POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"

SUPPORTED_PROTOCOLS = ("SCTP", "TCP", "UDP")
SUPPORTED_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
SUPPORTED_RESTART_POLICIES = ("Always", "OnFailure", "Never")
SUPPORTED_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
SUPPORTED_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
SUPPORTED_TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
SUPPORTED_HTTP_SCHEMES = ("HTTP", "HTTPS")

# The order Kubernetes checks volume sources in (validateVolumeSource), with their JSON names.
VOLUME_SOURCES = (
    "emptyDir",
    "hostPath",
    "gitRepo",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "secret",
    "nfs",
    "iscsi",
    "glusterfs",
    "flocker",
    "persistentVolumeClaim",
    "rbd",
    "cinder",
    "cephfs",
    "quobyte",
    "downwardAPI",
    "fc",
    "flexVolume",
    "configMap",
    "azureFile",
    "vsphereVolume",
    "photonPersistentDisk",
    "portworxVolume",
    "azureDisk",
    "storageos",
    "projected",
    "scaleIO",
    "csi",
    "ephemeral",
    "image",
)

_STANDARD_RESOURCES = frozenset(
    {
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "services",
        "replicationcontrollers",
        "resourcequotas",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    }
)
_STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})
_ENV_FIELD_PATHS = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
_RESOURCE_FIELD_PATHS = (
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
)
_SYSTEM_POD_CONDITIONS = frozenset({"PodScheduled", "Ready", "Initialized"})

UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# --- small field rules -----------------------------------------------------------------------


def _dns_label(value: str, path: str, errs: Errs) -> None:
    for msg in names.is_dns1123_label(value):
        errs.append(invalid(path, value, msg))


def _name(fn: Any, value: str, path: str, errs: Errs) -> None:
    for msg in fn(value, False):
        errs.append(invalid(path, value, msg))


def _port_num_or_name(port: Any, path: str, errs: Errs) -> None:
    """ValidatePortNumOrName: 1-65535, or an IANA service name like ``http``."""
    if _is_int(port):
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


def _validate_resource_name(name: str, path: str, errs: Errs) -> None:
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
        _validate_resource_name(name, fpath, errs)
        limit_values[name] = _validate_quantity_value(name, raw, fpath, errs)
        hugepages |= _is_hugepages(name)
        cpu_or_memory |= name in ("cpu", "memory")
    for name, raw in requests.items():
        fpath = f"{req_path}[{name}]"
        _validate_resource_name(name, fpath, errs)
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
    _name(names.name_is_dns_subdomain, gs(sel, "name"), f"{path}.name", errs)
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


def _validate_handler(handler: dict[str, Any], grace: int | None, path: str, errs: Errs) -> None:
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
    _validate_handler(probe, grace, path, errs)
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


def _validate_security_context(sc: Any, path: str, errs: Errs) -> None:
    if not isinstance(sc, dict):
        return
    for key in ("runAsUser", "runAsGroup", "fsGroup"):
        value = gi(sc, key)
        if value is not None and not 0 <= value <= MAX_INT32:
            errs.append(invalid(f"{path}.{key}", value, names.inclusive_range_error(0, MAX_INT32)))
    for i, gid in enumerate(gl(sc, "supplementalGroups")):
        if _is_int(gid) and not 0 <= gid <= MAX_INT32:
            errs.append(
                invalid(f"{path}.supplementalGroups[{i}]", gid, names.inclusive_range_error(0, MAX_INT32))
            )
    if sc.get("allowPrivilegeEscalation") is False and sc.get("privileged") is True:
        errs.append(
            invalid(
                path,
                GoLiteral(_go_sharp(sc)),
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            )
        )


def _validate_container_common(c: dict[str, Any], volumes: set[str], path: str, errs: Errs) -> None:
    """validateContainerCommon: what regular and init containers share."""
    name = gs(c, "name")
    if not name:
        errs.append(required(f"{path}.name", ""))
    else:
        _dns_label(name, f"{path}.name", errs)
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
    _validate_security_context(c.get("securityContext"), f"{path}.securityContext", errs)


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


def _validate_containers(
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
                    _validate_handler(lifecycle[hook], grace, f"{cpath}.lifecycle.{hook}", errs)
        _validate_probe(c.get("livenessProbe"), "liveness", grace, f"{cpath}.livenessProbe", errs)
        _validate_probe(c.get("readinessProbe"), "readiness", grace, f"{cpath}.readinessProbe", errs)
        _validate_probe(c.get("startupProbe"), "startup", grace, f"{cpath}.startupProbe", errs)
        if c.get("restartPolicy") is not None:
            errs.append(forbidden(f"{cpath}.restartPolicy", "may not be set for non-init containers"))
    _host_port_conflicts(valid, path, errs)


def _validate_init_containers(
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
                        _validate_handler(lifecycle[hook], grace, f"{cpath}.lifecycle.{hook}", errs)
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
    if _is_int(mode) and not 0 <= mode <= 0o777:
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
    for key in VOLUME_SOURCES:
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


def _validate_volumes(volumes: list[Any], path: str, errs: Errs) -> set[str]:
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
            _dns_label(name, f"{vpath}.name", own)
        if name in seen:
            own.append(duplicate(f"{vpath}.name", name))
        seen.add(name)
        if own:
            errs.extend(own)
        else:
            good.add(name)
    return good


# --- scheduling ---------------------------------------------------------------------------------


def _taint_effect(effect: str, allow_empty: bool, path: str, errs: Errs) -> None:
    if not allow_empty and not effect:
        errs.append(required(path, ""))
    elif effect not in SUPPORTED_TAINT_EFFECTS:
        errs.append(not_supported(path, effect, SUPPORTED_TAINT_EFFECTS))


def validate_tolerations(tolerations: list[Any], path: str, errs: Errs) -> None:
    for i, t in enumerate(tolerations):
        if not isinstance(t, dict):
            continue
        ipath = f"{path}[{i}]"
        key, operator, value, effect = gs(t, "key"), gs(t, "operator"), gs(t, "value"), gs(t, "effect")
        if key:
            validate_label_name(key, f"{ipath}.key", errs)
        if not key and operator != "Exists":
            errs.append(
                invalid(
                    f"{ipath}.operator",
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values and all '
                    'keys"',
                )
            )
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                invalid(
                    f"{ipath}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"
                )
            )
        if operator in ("Equal", ""):
            msgs = names.is_label_value(value)
            if msgs:
                errs.append(invalid(f"{ipath}.operator", value, ";".join(msgs)))
        elif operator == "Exists":
            if value:
                errs.append(
                    invalid(f"{ipath}.operator", value, "value must be empty when `operator` is 'Exists'")
                )
        else:
            errs.append(not_supported(f"{ipath}.operator", operator, ["Equal", "Exists"]))
        if effect:
            _taint_effect(effect, True, f"{ipath}.effect", errs)


def _node_selector_requirement(
    req: dict[str, Any], allow_invalid_values: bool, path: str, errs: Errs
) -> None:
    operator, values = gs(req, "operator"), gl(req, "values")
    if operator in ("In", "NotIn"):
        if not values:
            errs.append(required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            errs.append(
                forbidden(
                    f"{path}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                )
            )
    elif operator in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(
                required(f"{path}.values", "must be specified single value when `operator` is 'Lt' or 'Gt'")
            )
    else:
        errs.append(invalid(f"{path}.operator", operator, "not a valid selector operator"))
    validate_label_name(gs(req, "key"), f"{path}.key", errs)
    if not allow_invalid_values:
        for j, value in enumerate(values):
            if isinstance(value, str):
                for msg in names.is_label_value(value):
                    errs.append(invalid(f"{path}.values[{j}]", value, msg))


def _node_selector_term(term: Any, allow_invalid_values: bool, path: str, errs: Errs) -> None:
    for j, req in enumerate(gl(term, "matchExpressions")):
        if isinstance(req, dict):
            _node_selector_requirement(req, allow_invalid_values, f"{path}.matchExpressions[{j}]", errs)
    for j, req in enumerate(gl(term, "matchFields")):
        if not isinstance(req, dict):
            continue
        rpath = f"{path}.matchFields[{j}]"
        if gs(req, "operator") in ("In", "NotIn"):
            if len(gl(req, "values")) != 1:
                errs.append(
                    required(
                        f"{rpath}.values",
                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                    )
                )
        else:
            errs.append(invalid(f"{rpath}.operator", gs(req, "operator"), "not a valid selector operator"))
        if gs(req, "key") != "metadata.name":
            errs.append(invalid(f"{rpath}.key", gs(req, "key"), "not a valid field selector key"))
        else:
            for k, v in enumerate(gl(req, "values")):
                if isinstance(v, str):
                    for msg in names.name_is_dns_subdomain(v):
                        errs.append(invalid(f"{rpath}.values[{k}]", v, msg))


def _pod_affinity_term(term: Any, path: str, errs: Errs) -> None:
    validate_label_selector(g(term, "labelSelector"), f"{path}.labelSelector", errs)
    validate_label_selector(g(term, "namespaceSelector"), f"{path}.namespaceSelector", errs)
    for ns in gl(term, "namespaces"):
        if isinstance(ns, str):
            for msg in names.name_is_dns_label(ns):
                errs.append(invalid(f"{path}.namespace", ns, msg))
    for key in ("matchLabelKeys", "mismatchLabelKeys"):
        for i, label_key in enumerate(gl(term, key)):
            if isinstance(label_key, str):
                validate_label_name(label_key, f"{path}.{key}[{i}]", errs)
    topology_key = gs(term, "topologyKey")
    if not topology_key:
        errs.append(required(f"{path}.topologyKey", "can not be empty"))
    validate_label_name(topology_key, f"{path}.topologyKey", errs)


def _validate_affinity(affinity: Any, path: str, errs: Errs) -> None:
    if not isinstance(affinity, dict):
        return
    node = g(affinity, "nodeAffinity")
    if isinstance(node, dict):
        npath = f"{path}.nodeAffinity"
        required_terms = g(node, "requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(required_terms, dict):
            tpath = f"{npath}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
            terms = gl(required_terms, "nodeSelectorTerms")
            if not terms:
                errs.append(required(tpath, "must have at least one node selector term"))
            for i, term in enumerate(terms):
                _node_selector_term(term, False, f"{tpath}[{i}]", errs)
        for i, pref in enumerate(gl(node, "preferredDuringSchedulingIgnoredDuringExecution")):
            ppath = f"{npath}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            weight = gi(pref, "weight") or 0
            if not 0 < weight <= 100:
                errs.append(invalid(f"{ppath}.weight", weight, "must be in the range 1-100"))
            _node_selector_term(g(pref, "preference"), True, f"{ppath}.preference", errs)
    for key in ("podAffinity", "podAntiAffinity"):
        pod_affinity = g(affinity, key)
        if not isinstance(pod_affinity, dict):
            continue
        ppath = f"{path}.{key}"
        for i, term in enumerate(gl(pod_affinity, "requiredDuringSchedulingIgnoredDuringExecution")):
            _pod_affinity_term(term, f"{ppath}.requiredDuringSchedulingIgnoredDuringExecution[{i}]", errs)
        for i, weighted in enumerate(gl(pod_affinity, "preferredDuringSchedulingIgnoredDuringExecution")):
            wpath = f"{ppath}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            weight = gi(weighted, "weight") or 0
            if not 0 < weight <= 100:
                errs.append(invalid(f"{wpath}.weight", weight, "must be in the range 1-100"))
            _pod_affinity_term(g(weighted, "podAffinityTerm"), f"{wpath}.podAffinityTerm", errs)


def _validate_topology_spread(constraints: list[Any], path: str, errs: Errs) -> None:
    for i, c in enumerate(constraints):
        if not isinstance(c, dict):
            continue
        cpath = f"{path}[{i}]"
        max_skew = gi(c, "maxSkew") or 0
        if max_skew <= 0:
            errs.append(invalid(f"{cpath}.maxSkew", max_skew, IS_NOT_POSITIVE_ERROR))
        topology_key, when = gs(c, "topologyKey"), gs(c, "whenUnsatisfiable")
        if not topology_key:
            errs.append(required(f"{cpath}.topologyKey", "can not be empty"))
        if when not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(
                not_supported(f"{cpath}.whenUnsatisfiable", when, ["DoNotSchedule", "ScheduleAnyway"])
            )
        for later in constraints[i + 1 :]:
            if (
                isinstance(later, dict)
                and gs(later, "topologyKey") == topology_key
                and gs(later, "whenUnsatisfiable") == when
            ):
                errs.append(
                    duplicate(f"{cpath}.{{topologyKey, whenUnsatisfiable}}", f"{{{topology_key}, {when}}}")
                )
                break
        min_domains = gi(c, "minDomains")
        if c.get("minDomains") is not None:
            if (min_domains or 0) <= 0:
                errs.append(invalid(f"{cpath}.minDomains", min_domains, IS_NOT_POSITIVE_ERROR))
            if when != "DoNotSchedule":
                errs.append(
                    invalid(
                        f"{cpath}.minDomains",
                        min_domains,
                        f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {when}",
                    )
                )
        for key in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            policy = c.get(key)
            if isinstance(policy, str) and policy not in ("Honor", "Ignore"):
                errs.append(not_supported(f"{cpath}.{key}", policy, ["Honor", "Ignore"]))
        for j, label_key in enumerate(gl(c, "matchLabelKeys")):
            if isinstance(label_key, str):
                validate_label_name(label_key, f"{cpath}.matchLabelKeys[{j}]", errs)
        validate_label_selector(g(c, "labelSelector"), f"{cpath}.labelSelector", errs)


# --- the PodSpec ---------------------------------------------------------------------------------


def validate_pod_spec(spec: Any, path: str, errs: Errs, is_pod: bool) -> None:
    """ValidatePodSpec: for pods (``is_pod``) and for the templates of workloads."""
    spec = spec if isinstance(spec, dict) else {}
    grace = gi(spec, "terminationGracePeriodSeconds")
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(required(f"{path}.terminationGracePeriodSeconds", ""))
    volumes = _validate_volumes(gl(spec, "volumes"), f"{path}.volumes", errs)
    containers = gl(spec, "containers")
    _validate_containers(containers, volumes, grace, f"{path}.containers", errs)
    _validate_init_containers(
        gl(spec, "initContainers"), containers, volumes, grace, f"{path}.initContainers", errs
    )
    if spec.get("hostNetwork") is True:
        for i, c in enumerate(containers):
            for j, port in enumerate(gl(c, "ports")):
                host_port, container_port = gi(port, "hostPort") or 0, gi(port, "containerPort") or 0
                if (is_pod or host_port != 0) and host_port != container_port:
                    errs.append(
                        invalid(
                            f"{path}.containers[{i}].ports[{j}].hostPort",
                            host_port,
                            "must match `containerPort` when `hostNetwork` is true",
                        )
                    )
    restart = gs(spec, "restartPolicy")
    if not restart:
        errs.append(required(f"{path}.restartPolicy", ""))
    elif restart not in SUPPORTED_RESTART_POLICIES:
        errs.append(not_supported(f"{path}.restartPolicy", restart, SUPPORTED_RESTART_POLICIES))
    dns = gs(spec, "dnsPolicy")
    if not dns:
        errs.append(required(f"{path}.dnsPolicy", ""))
    elif dns not in SUPPORTED_DNS_POLICIES:
        errs.append(not_supported(f"{path}.dnsPolicy", dns, SUPPORTED_DNS_POLICIES))
    validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector", errs)
    _validate_security_context(spec.get("securityContext"), f"{path}.securityContext", errs)
    _validate_affinity(spec.get("affinity"), f"{path}.affinity", errs)
    if dns == "None" and not isinstance(spec.get("dnsConfig"), dict):
        errs.append(required(f"{path}.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"))
    for i, gate in enumerate(gl(spec, "readinessGates")):
        validate_label_name(gs(gate, "conditionType"), f"{path}.readinessGates[{i}].conditionType", errs)
    gates_seen: set[str] = set()
    for i, gate in enumerate(gl(spec, "schedulingGates")):
        gate_name = gs(gate, "name")
        validate_label_name(gate_name, f"{path}.schedulingGates[{i}]", errs)
        if gate_name in gates_seen:
            errs.append(duplicate(f"{path}.schedulingGates[{i}]", gate_name))
        gates_seen.add(gate_name)
    _validate_topology_spread(
        gl(spec, "topologySpreadConstraints"), f"{path}.topologySpreadConstraints", errs
    )
    for key in ("serviceAccountName", "nodeName"):
        if gs(spec, key):
            _name(names.name_is_dns_subdomain, gs(spec, key), f"{path}.{key}", errs)
    deadline = gi(spec, "activeDeadlineSeconds")
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        errs.append(
            invalid(f"{path}.activeDeadlineSeconds", deadline, names.inclusive_range_error(1, MAX_INT32))
        )
    for key in ("hostname", "subdomain"):
        if gs(spec, key):
            _dns_label(gs(spec, key), f"{path}.{key}", errs)
    validate_tolerations(gl(spec, "tolerations"), f"{path}.tolerations", errs)
    for i, alias in enumerate(gl(spec, "hostAliases")):
        for msg in names.is_valid_ip(gs(alias, "ip")):
            errs.append(invalid(f"{path}.hostAliases[{i}].ip", gs(alias, "ip"), msg))
    if gs(spec, "priorityClassName"):
        _name(names.name_is_dns_subdomain, gs(spec, "priorityClassName"), f"{path}.priorityClassName", errs)
    if spec.get("runtimeClassName") is not None:
        _name(names.name_is_dns_subdomain, gs(spec, "runtimeClassName"), f"{path}.runtimeClassName", errs)
    if spec.get("preemptionPolicy") is not None:
        preemption = gs(spec, "preemptionPolicy")
        if not preemption:
            errs.append(required(f"{path}.preemptionPolicy", ""))
        elif preemption not in ("PreemptLowerPriority", "Never"):
            errs.append(
                not_supported(f"{path}.preemptionPolicy", preemption, ["PreemptLowerPriority", "Never"])
            )
    if isinstance(spec.get("overhead"), dict):
        validate_resources({"limits": spec["overhead"]}, f"{path}.overhead", errs)
    os_name = g(spec.get("os"), "name")
    if spec.get("os") is not None:
        if not os_name:
            errs.append(required(f"{path}.os.name", "cannot be empty"))
        elif os_name not in ("linux", "windows"):
            errs.append(not_supported(f"{path}.os", os_name, ["linux", "windows"]))


def _pod_specific_annotations(annotations: Any, path: str, errs: Errs) -> None:
    cost = g(annotations, POD_DELETION_COST)
    if isinstance(cost, str):
        try:
            ok = -(2**31) <= int(cost) < 2**31 and cost.strip() == cost and "_" not in cost
        except ValueError:
            ok = False
        if not ok:
            errs.append(invalid(f"{path}[{POD_DELETION_COST}]", cost, "must be a 32bit integer"))


def validate_pod_template(template: Any, path: str, errs: Errs) -> None:
    """ValidatePodTemplateSpec: the template of a Deployment, ReplicaSet, DaemonSet or Job."""
    template = template if isinstance(template, dict) else {}
    meta = gd(template, "metadata")
    validate_labels(meta.get("labels"), f"{path}.labels", errs)
    validate_annotations(meta.get("annotations"), f"{path}.annotations", errs)
    _pod_specific_annotations(meta.get("annotations"), f"{path}.annotations", errs)
    validate_pod_spec(template.get("spec"), f"{path}.spec", errs, is_pod=False)
    if gl(gd(template, "spec"), "ephemeralContainers"):
        errs.append(
            forbidden(f"{path}.spec.ephemeralContainers", "ephemeral containers not allowed in pod template")
        )


def _pod_metadata_and_spec(pod: dict[str, Any], errs: Errs) -> None:
    """validatePodMetadataAndSpec: shared by create and update."""
    meta = gd(pod, "metadata")
    validate_object_meta(meta, True, names.name_is_dns_subdomain, errs)
    _pod_specific_annotations(meta.get("annotations"), "metadata.annotations", errs)
    spec = gd(pod, "spec")
    validate_pod_spec(spec, "spec", errs, is_pod=True)
    for key in ("containers", "initContainers"):
        for i, c in enumerate(gl(spec, key)):
            image = gs(c, "image")
            if image != image.strip():
                errs.append(
                    invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace")
                )


def validate_pod(pod: dict[str, Any], errs: Errs) -> None:
    """ValidatePodCreate."""
    _pod_metadata_and_spec(pod, errs)
    spec = gd(pod, "spec")
    if gl(spec, "ephemeralContainers"):
        errs.append(forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if gs(spec, "nodeName") and gl(spec, "schedulingGates"):
        errs.append(forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"))


# --- updates ------------------------------------------------------------------------------------


def _diff(old: Any, new: Any, path: str, out: list[str]) -> None:
    """A short, cmp.Diff-like list of what changed between two specs (``-`` old, ``+`` new)."""
    if same(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else key, out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff(a, b, f"{path}[{i}]", out)
    else:
        if old is not None:
            out.append(f"- \t{path}: {_short(old)}")
        if new is not None:
            out.append(f"+ \t{path}: {_short(new)}")


def _short(value: Any) -> str:
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str | int | bool):
        return _go_sharp(value)
    text = _go_sharp(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _toleration_key(t: dict[str, Any]) -> tuple[Any, ...]:
    return tuple((k, v) for k, v in sorted(t.items()) if k != "tolerationSeconds" and v is not None)


def validate_pod_update(new: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    """ValidatePodUpdate: a pod's spec is immutable except images, deadlines and added tolerations."""
    validate_object_meta_update(g(new, "metadata"), g(old, "metadata"), errs)
    _pod_metadata_and_spec(new, errs)
    new_spec, old_spec = gd(new, "spec"), gd(old, "spec")
    for key in ("containers", "initContainers"):
        new_list, old_list = gl(new_spec, key), gl(old_spec, key)
        if len(new_list) != len(old_list):
            errs.append(forbidden(f"spec.{key}", "pod updates may not add or remove containers"))
            return
        for i, c in enumerate(new_list):
            image = gs(c, "image")
            if not image:
                errs.append(required(f"spec.{key}[{i}].image", ""))
            if image != image.strip():
                errs.append(
                    invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace")
                )

    new_deadline, old_deadline = gi(new_spec, "activeDeadlineSeconds"), gi(old_spec, "activeDeadlineSeconds")
    if new_spec.get("activeDeadlineSeconds") is not None:
        value = new_deadline or 0
        if not 0 <= value <= MAX_INT32:
            errs.append(
                invalid("spec.activeDeadlineSeconds", value, names.inclusive_range_error(0, MAX_INT32))
            )
            return
        if old_deadline is not None and old_deadline < value:
            errs.append(
                invalid("spec.activeDeadlineSeconds", value, "must be less than or equal to previous value")
            )
            return
    elif old_deadline is not None:
        errs.append(
            invalid(
                "spec.activeDeadlineSeconds", None, "must not update from a positive integer to nil value"
            )
        )

    new_tolerations = [t for t in gl(new_spec, "tolerations") if isinstance(t, dict)]
    new_keys = {_toleration_key(t) for t in new_tolerations}
    for t in gl(old_spec, "tolerations"):
        if isinstance(t, dict) and _toleration_key(t) not in new_keys:
            errs.append(
                forbidden(
                    "spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"
                )
            )
            break
    old_gates = {gs(gate, "name") for gate in gl(old_spec, "schedulingGates")}
    for i, gate in enumerate(gl(new_spec, "schedulingGates")):
        if gs(gate, "name") not in old_gates:
            errs.append(
                forbidden(
                    f"spec.schedulingGates[{i}].name",
                    f"only deletion is allowed, but found new scheduling gate '{gs(gate, 'name')}'",
                )
            )

    if same(new_spec, old_spec):
        return
    # Put back what may change, then anything else that differs is forbidden.
    munged = dict(new_spec)
    for key in ("containers", "initContainers"):
        if key in munged or key in old_spec:
            munged[key] = [
                {**c, "image": o.get("image")} if isinstance(c, dict) and isinstance(o, dict) else c
                for c, o in zip(gl(new_spec, key), gl(old_spec, key), strict=False)
            ]
            if key not in old_spec and not munged[key]:
                del munged[key]
    for key in ("activeDeadlineSeconds", "tolerations", "schedulingGates"):
        if key in old_spec:
            munged[key] = old_spec[key]
        else:
            munged.pop(key, None)
    old_grace, new_grace = (
        gi(old_spec, "terminationGracePeriodSeconds"),
        gi(munged, "terminationGracePeriodSeconds"),
    )
    if old_grace is not None and old_grace < 0 and new_grace == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    if not same(munged, old_spec):
        lines: list[str] = []
        _diff(old_spec, munged, "", lines)
        diff = "\n".join(["  core.PodSpec{", *lines, "  }"])
        errs.append(
            forbidden(
                "spec",
                f"pod updates may not change fields other than {','.join(UPDATABLE_POD_SPEC_FIELDS)}\n{diff}",
            )
        )


def validate_pod_status(new: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    """ValidatePodStatusUpdate (after the metadata checks)."""
    status, old_status = gd(new, "status"), gd(old, "status")
    for i, cond in enumerate(gl(status, "conditions")):
        ctype = gs(cond, "type")
        if ctype not in _SYSTEM_POD_CONDITIONS:
            # Kubernetes reports these under "metadata.conditions[i].Type"; kept for fidelity.
            validate_label_name(ctype, f"metadata.conditions[{i}].Type", errs)
    if gs(gd(new, "spec"), "nodeName") != gs(gd(old, "spec"), "nodeName"):
        errs.append(forbidden("status.nodeName", "may not be changed directly"))
    nominated = gs(status, "nominatedNodeName")
    if nominated and nominated != gs(old_status, "nominatedNodeName"):
        _name(names.name_is_dns_subdomain, nominated, "status.nominatedNodeName", errs)
    if gs(status, "qosClass") != gs(old_status, "qosClass"):
        errs.append(invalid("status.qosClass", gs(status, "qosClass"), FIELD_IMMUTABLE_ERROR))
    restart = gs(gd(old, "spec"), "restartPolicy")
    for key in ("containerStatuses", "initContainerStatuses"):
        if restart == "Always":
            break
        new_by_name = {gs(s, "name"): s for s in gl(status, key)}
        for i, old_cs in enumerate(gl(old_status, key)):
            terminated = g(gd(old_cs, "state"), "terminated")
            if not isinstance(terminated, dict):
                continue
            if (gi(terminated, "exitCode") or 0) != 0 and restart == "OnFailure":
                continue
            if key == "initContainerStatuses" and _is_sidecar(old, gs(old_cs, "name")):
                continue
            new_cs = new_by_name.get(gs(old_cs, "name"))
            if new_cs is not None and not isinstance(g(gd(new_cs, "state"), "terminated"), dict):
                errs.append(
                    forbidden(f"status.{key}[{i}].state", "may not be transitioned to non-terminated state")
                )
    for key, plural in (("podIPs", "podIPs"), ("hostIPs", "hostIPs")):
        seen: set[str] = set()
        ips = [gs(entry, "ip") for entry in gl(status, key)]
        for i, ip in enumerate(ips):
            for msg in names.is_valid_ip(ip):
                errs.append(invalid(f"status.{plural}[{i}]", ip, msg))
            if ip in seen:
                errs.append(duplicate(f"status.{plural}[{i}]", GoLiteral(f'core.PodIP{{IP:"{ip}"}}')))
            seen.add(ip)
    host_ips = gl(status, "hostIPs")
    if host_ips and gs(status, "hostIP") != gs(host_ips[0], "ip"):
        errs.append(invalid("status.hostIPs[0].ip", gs(host_ips[0], "ip"), "must be equal to `hostIP`"))


def _is_sidecar(pod: dict[str, Any], name: str) -> bool:
    for c in gl(gd(pod, "spec"), "initContainers"):
        if gs(c, "name") == name:
            return g(c, "restartPolicy") == "Always"
    return False
