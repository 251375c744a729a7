"""A container's environment, as the kubelet builds it before CreateContainer (makeEnvironmentVariables).

Order and rules are Go's: the service-link variables of the pod's namespace (and always the master service
``kubernetes`` of ``default``), then ``envFrom`` (ConfigMaps and Secrets, with their prefix), then ``env``, where a
``value`` has its ``$(VAR)`` references expanded against what came before and a ``valueFrom`` reads a ConfigMap key,
a Secret key, a field of the pod or a resource of a container. What cannot be read stops the container from being
created: its waiting reason is CreateContainerConfigError with the error's text, and the kubelet tries again at its
next sync. The command and args are then expanded against the result (ExpandContainerCommandAndArgs).

Simplification: Go collects the variables in maps, so their order in the process varies from one start to the next;
here it is the order the spec and the objects list them, then the remaining service variables by service name.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import sys
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from kubetui.api.quantity import QuantityError, cpu_millis, memory_bytes

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # what images' ENV PATH says
MASTER_SERVICES = frozenset({"kubernetes"})


class ConfigError(Exception):
    """What generateContainerConfig returns: the container's CreateContainerConfigError message."""

    def __init__(self, message: str, not_found: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.not_found = not_found


class ConfigObjects(Protocol):
    """How the kubelet reads what a container refers to (its configMapManager, secretManager and serviceLister)."""

    def config_map(self, namespace: str, name: str) -> dict[str, Any]:
        """The ConfigMap; raises ConfigError (``not_found``: ``configmap "x" not found``)."""
        ...

    def secret(self, namespace: str, name: str) -> dict[str, Any]:
        """The Secret; raises ConfigError (``not_found``: ``secret "x" not found``)."""
        ...

    def services(self) -> list[dict[str, Any]] | None:
        """Every Service the kubelet's informer holds; None until it has listed them once."""
        ...


# -- $(VAR) expansion (third_party/forked/golang/expansion) ----------------------------------------------------------
def mapping_for(*contexts: Mapping[str, str]) -> Callable[[str], str]:
    """MappingFuncFor: the first context that has the name wins; an unknown reference stays as written."""

    def mapping(name: str) -> str:
        for context in contexts:
            if name in context:
                return context[name]
        return f"$({name})"

    return mapping


def expand(text: str, mapping: Callable[[str], str]) -> str:
    """Expand: ``$(VAR)`` becomes its value, ``$$`` a single ``$``; anything else stays as written."""
    out: list[str] = []
    checkpoint = 0
    cursor = 0
    while cursor < len(text):
        if text[cursor] == "$" and cursor + 1 < len(text):
            out.append(text[checkpoint:cursor])
            rest = text[cursor + 1 :]
            if rest[0] == "$":
                out.append("$")
                advance = 1
            elif rest[0] == "(":
                close = rest.find(")", 1)
                if close >= 0:
                    out.append(mapping(rest[1:close]))
                    advance = close + 1
                else:
                    out.append("$(")
                    advance = 1
            else:
                out.append("$" + rest[0])
                advance = 1
            cursor += advance
            checkpoint = cursor + 1
        cursor += 1
    return "".join(out) + text[checkpoint:]


def expand_command_and_args(container: dict[str, Any], env: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """ExpandContainerCommandAndArgs (pkg/kubelet/container/helpers.go) against the kubelet-made variables."""
    mapping = mapping_for(env)
    command = [expand(str(word), mapping) for word in container.get("command") or []]
    args = [expand(str(word), mapping) for word in container.get("args") or []]
    return command, args


# -- service links (pkg/kubelet/envvars/envvars.go) -------------------------------------------------------------------
def _env_name(name: str) -> str:
    return name.replace("-", "_").upper()


def _ip_set(service: dict[str, Any]) -> bool:
    """IsServiceIPSet: a ClusterIP that is neither empty nor None (headless and ExternalName services have none)."""
    ip = (service.get("spec") or {}).get("clusterIP") or ""
    return bool(ip) and ip != "None"


def _host_port(ip: str, port: int) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"  # net.JoinHostPort


def from_services(services: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """FromServices: FOO_SERVICE_HOST, FOO_SERVICE_PORT(_NAME), then the Docker-link variables FOO_PORT...."""
    result: list[tuple[str, str]] = []
    for service in services:
        spec = service.get("spec") or {}
        ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
        if not _ip_set(service) or not ports:
            continue
        ip = str(spec["clusterIP"])
        prefix = _env_name(str((service.get("metadata") or {}).get("name", "")))
        result.append((f"{prefix}_SERVICE_HOST", ip))
        result.append((f"{prefix}_SERVICE_PORT", str(ports[0].get("port"))))
        for port in ports:
            if port.get("name"):
                result.append((f"{prefix}_SERVICE_PORT_{_env_name(str(port['name']))}", str(port.get("port"))))
        for index, port in enumerate(ports):
            protocol = str(port.get("protocol") or "TCP")
            url = f"{protocol.lower()}://{_host_port(ip, int(port.get('port') or 0))}"
            if index == 0:
                result.append((f"{prefix}_PORT", url))
            base = f"{prefix}_PORT_{port.get('port')}_{protocol.upper()}"
            result += [
                (base, url),
                (f"{base}_PROTO", protocol.lower()),
                (f"{base}_PORT", str(port.get("port"))),
                (f"{base}_ADDR", ip),
            ]
    return result


def service_env(services: list[dict[str, Any]], namespace: str, enable_links: bool) -> dict[str, str]:
    """getServiceEnvVarMap: the master services of ``default`` always, the namespace's own when links are enabled."""
    chosen: dict[str, dict[str, Any]] = {}
    for service in sorted(services, key=lambda s: (s["metadata"].get("namespace", ""), s["metadata"]["name"])):
        if not _ip_set(service):
            continue
        meta = service["metadata"]
        name = str(meta["name"])
        if meta.get("namespace") == "default" and name in MASTER_SERVICES:
            chosen.setdefault(name, service)
        elif meta.get("namespace") == namespace and enable_links:
            chosen[name] = service
    return dict(from_services([chosen[name] for name in sorted(chosen)]))


# -- fields and resources (pkg/fieldpath, pkg/api/v1/resource) ---------------------------------------------------------
def format_map(values: Mapping[str, Any]) -> str:
    """fieldpath.FormatMap: ``key="value"`` lines in key order, as a downwardAPI file of all labels shows them."""
    return "\n".join(f"{key}={_go_quote(str(values[key]))}" for key in sorted(values))


def _go_quote(text: str) -> str:
    """%q of a Go string (printable text needs only quotes and backslashes escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


_SUBSCRIPT = re.compile(r"^(metadata\.(?:labels|annotations))\['(.*)'\]$")


def field_value(pod: dict[str, Any], path: str) -> str:
    """ExtractFieldPathAsString: metadata's name, namespace, uid, labels and annotations (whole, or one key)."""
    meta = pod.get("metadata") or {}
    match = _SUBSCRIPT.match(path)
    if match:
        field = match.group(1).split(".")[1]
        return str((meta.get(field) or {}).get(match.group(2), ""))
    if path in ("metadata.annotations", "metadata.labels"):
        return format_map(meta.get(path.split(".")[1]) or {})
    if path in ("metadata.name", "metadata.namespace", "metadata.uid"):
        return str(meta.get(path.split(".")[1], ""))
    raise ConfigError(f"unsupported fieldPath: {path}")


def pod_field_value(pod: dict[str, Any], path: str, pod_ip: str, host_ip: str) -> str:
    """podFieldSelectorRuntimeValue: the fields only the kubelet knows, then the pod's own."""
    spec = pod.get("spec") or {}
    runtime = {
        "spec.nodeName": str(spec.get("nodeName", "")),
        "spec.serviceAccountName": str(spec.get("serviceAccountName", "")),
        "status.hostIP": host_ip,
        "status.hostIPs": host_ip,
        "status.podIP": pod_ip,
        "status.podIPs": pod_ip,
    }
    if path in runtime:
        return runtime[path]
    return field_value(pod, path)


def _quantity(value: Any, parse: Callable[[Any], int]) -> int:
    try:
        return parse(value)
    except (QuantityError, ValueError, TypeError):
        return 0


def resource_value(selector: dict[str, Any], container: dict[str, Any], allocatable: tuple[int, int]) -> str:
    """ExtractContainerResourceValue, with limits that are not set taken from the node's allocatable
    (defaultPodLimitsForDownwardAPI); the value is divided by the divisor (default 1) and rounded up."""
    resource = str(selector.get("resource", ""))
    divisor = selector.get("divisor") or "1"
    resources = container.get("resources") or {}
    kind, _, name = resource.partition(".")
    values = resources.get(kind) or {}
    units = {"cpu": (0, cpu_millis), "memory": (1, memory_bytes)}  # allocatable's index and the parser
    if name in units:
        index, parse = units[name]
        unset = kind == "limits" and name not in values
        amount = allocatable[index] if unset else _quantity(values.get(name, 0), parse)
        return str(math.ceil(amount / (_quantity(divisor, parse) or 1)))
    if kind in ("limits", "requests") and name:
        amount = _quantity(values.get(name, 0), memory_bytes)
        return str(math.ceil(amount / (_quantity(divisor, memory_bytes) or 1)))
    raise ConfigError(f"unsupported container resource : {resource}")


def container_named(pod: dict[str, Any], name: str, fallback: dict[str, Any]) -> dict[str, Any]:
    """ExtractResourceValueByContainerName's container (regular, then init), or the one asking."""
    if not name:
        return fallback
    spec = pod.get("spec") or {}
    for container in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        if container.get("name") == name:
            return dict(container)
    raise ConfigError(f"container {name} not found")


def secret_value(data: Mapping[str, Any], key: str) -> str:
    """A Secret's ``data`` value is base64 in the API; the kubelet hands the process the decoded bytes."""
    try:
        return base64.b64decode(str(data[key]), validate=True).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return str(data[key])


# -- makeEnvironmentVariables ------------------------------------------------------------------------------------------
def _plain(data: Mapping[str, Any], key: str) -> str:
    """A ConfigMap's value as it is (a Secret's is base64: secret_value)."""
    return str(data[key])


def _cached(read: Callable[[str, str], dict[str, Any]], namespace: str
            ) -> Callable[[str, bool], dict[str, Any] | None]:
    """A ConfigMap or Secret reader that asks the API server once per name; None for a missing optional one."""
    seen: dict[str, dict[str, Any]] = {}

    def lookup(name: str, optional: bool) -> dict[str, Any] | None:
        if name not in seen:
            try:
                seen[name] = read(namespace, name)
            except ConfigError as err:
                if err.not_found and optional:
                    return None
                raise
        return seen[name]

    return lookup


def make_environment(
    pod: dict[str, Any],
    container: dict[str, Any],
    objects: ConfigObjects,
    pod_ip: str,
    host_ip: str,
    allocatable: tuple[int, int],
) -> dict[str, str]:
    """The variables the kubelet sets (before the runtime adds HOSTNAME and the image's own); raises ConfigError."""
    meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
    namespace = str(meta.get("namespace") or "default")
    services = objects.services()
    if services is None:
        raise ConfigError("services have not yet been read at least once, cannot construct envvars")
    service_vars = service_env(services, namespace, spec.get("enableServiceLinks") is not False)
    config_map, secret = _cached(objects.config_map, namespace), _cached(objects.secret, namespace)

    env: dict[str, str] = {}
    # Env overrides EnvFrom: every key of each source, with its prefix (v1.32 no longer skips keys that are not
    # C identifiers: RelaxedEnvironmentVariableValidation, kubernetes#130099).
    for source in container.get("envFrom") or []:
        prefix = str(source.get("prefix") or "")
        for field, lookup, value_of in (("configMapRef", config_map, _plain), ("secretRef", secret, secret_value)):
            ref = source.get(field)
            if isinstance(ref, dict):
                data = (lookup(str(ref.get("name", "")), bool(ref.get("optional"))) or {}).get("data") or {}
                env.update((prefix + key, value_of(data, key)) for key in data)
                break
    mapping = mapping_for(env, service_vars)  # env is the live map: a value sees only what came before it
    for var in container.get("env") or []:
        name = str(var.get("name", ""))
        value = str(var.get("value") or "")
        source = var.get("valueFrom")
        if value:
            value = expand(value, mapping)
        elif isinstance(source, dict):
            resolved = _value_from(source, pod, container, namespace, pod_ip, host_ip, allocatable, config_map, secret)
            if resolved is None:
                continue  # an optional reference that is not there
            value = resolved
        env[name] = value
    for name, value in service_vars.items():
        env.setdefault(name, value)
    return env


def _value_from(
    source: dict[str, Any],
    pod: dict[str, Any],
    container: dict[str, Any],
    namespace: str,
    pod_ip: str,
    host_ip: str,
    allocatable: tuple[int, int],
    config_map: Callable[[str, bool], dict[str, Any] | None],
    secret: Callable[[str, bool], dict[str, Any] | None],
) -> str | None:
    if isinstance(source.get("fieldRef"), dict):
        return pod_field_value(pod, str(source["fieldRef"].get("fieldPath", "")), pod_ip, host_ip)
    if isinstance(source.get("resourceFieldRef"), dict):
        selector = source["resourceFieldRef"]
        target = container_named(pod, str(selector.get("containerName") or ""), container)
        return resource_value(selector, target, allocatable)
    kinds = (("configMapKeyRef", "ConfigMap", config_map, _plain), ("secretKeyRef", "Secret", secret, secret_value))
    for field, kind, lookup, value_of in kinds:
        ref = source.get(field)
        if not isinstance(ref, dict):
            continue
        name, key, optional = str(ref.get("name", "")), str(ref.get("key", "")), bool(ref.get("optional"))
        found = lookup(name, optional)
        if found is None:
            return None
        data = found.get("data") or {}
        if key not in data:
            if optional:
                return None
            raise ConfigError(f"couldn't find key {key} in {kind} {namespace}/{name}")
        return value_of(data, key)
    return ""


def process_environment(kubelet_env: Mapping[str, str], hostname: str,
                        image_env: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """What the process sees: containerd's HOSTNAME, the image's PATH and ENV, the kubelet's variables (replacing any
    of the same name in place, as oci.WithEnv does), and HOME, which runc adds when nothing set it."""
    env = {"HOSTNAME": hostname, "PATH": DEFAULT_PATH, **dict(image_env)}
    env.update((sys.intern(k), sys.intern(v)) for k, v in kubelet_env.items())  # replicas share their strings
    env.setdefault("HOME", "/root")
    return env
