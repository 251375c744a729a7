"""configMap, secret, downwardAPI and projected volumes: the files the kubelet writes, and what each container sees.

The volume manager mounts them before the sandbox is created (pkg/volume/configmap, secret, downwardapi, projected:
SetUpAt writes the payload with the atomic writer). A ConfigMap or Secret that is missing, or a key an ``items`` entry
names that it lacks, fails the mount: Event Warning FailedMount ``MountVolume.SetUp failed for volume "config-volume"
: configmap "special-config" not found``, and the pod stays ContainerCreating while the reconciler retries with its
exponential back-off (0.5 s doubling to 2 min 2 s, nestedpendingoperations.go). ``optional: true`` mounts what there is.

Once mounted, the kubelet writes them again at each periodic sync of the pod (syncFrequency, 1 min, plus up to half of
it as jitter), so a changed ConfigMap reaches the files within about 1.5 min; a ``subPath`` mount is bound to the file
as it was when the container started and never changes, and the environment is read once at container start.
Simplification: the kubelet GETs each ConfigMap and Secret when it mounts or re-mounts (the Cache strategy's read,
without its TTL) instead of keeping a watch on each one it uses (the Watch strategy, Go's default).
Simplification: a projected serviceAccountToken is a placeholder, not a signed token (kubetui mounts no API access).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from kubetui.api.cluster_ca import ROOT_CA
from kubetui.node.container_env import (
    ConfigError,
    ConfigObjects,
    container_named,
    field_value,
    resource_value,
    secret_value,
)

KINDS = ("configMap", "secret", "downwardAPI", "projected")
RETRY_INITIAL_SECONDS = 0.5  # initialDurationBeforeRetry (pkg/util/goroutinemap/exponentialbackoff)
RETRY_MAX_SECONDS = 2 * 60 + 2.0  # maxDurationBeforeRetry
RESYNC_SECONDS = 60.0  # syncFrequency: the pod worker's periodic sync, when volumes are written again
RESYNC_JITTER = 0.5  # workerResyncIntervalJitterFactor

Files = dict[str, str]  # path inside the volume -> content


def config_volumes(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The pod's volumes the kubelet fills from the API, by name."""
    return {
        str(v.get("name", "")): v
        for v in spec.get("volumes") or []
        if isinstance(v, dict) and any(isinstance(v.get(kind), dict) for kind in KINDS)
    }


# -- payloads (MakePayload / CollectData) ------------------------------------------------------------------------------
def _items_payload(
    items: list[dict[str, Any]] | None, data: dict[str, str], optional: bool, missing: Callable[[str], str]
) -> Files:
    if not items:
        return dict(data)
    files: Files = {}
    for item in items:
        key = str(item.get("key", ""))
        if key not in data:
            if optional:
                continue
            raise ConfigError(missing(key))
        files[str(item.get("path", key))] = data[key]
    return files


def _read(read: Callable[[str, str], dict[str, Any]], namespace: str, name: str, optional: bool) -> dict[str, Any]:
    """The object, or nothing when it is missing and the volume says optional."""
    try:
        return read(namespace, name)
    except ConfigError as err:
        if not (err.not_found and optional):
            raise
        return {}


def _config_map_files(
    source: dict[str, Any], name: str, namespace: str, objects: ConfigObjects
) -> Files:
    optional = bool(source.get("optional"))
    found = _read(objects.config_map, namespace, name, optional)
    data = {str(k): str(v) for k, v in (found.get("data") or {}).items()}
    for key, value in (found.get("binaryData") or {}).items():
        data[str(key)] = secret_value({key: value}, key)
    return _items_payload(
        source.get("items"), data, optional, lambda key: f"configmap references non-existent config key: {key}"
    )


def _secret_files(source: dict[str, Any], name: str, namespace: str, objects: ConfigObjects) -> Files:
    optional = bool(source.get("optional"))
    found = _read(objects.secret, namespace, name, optional)
    raw = found.get("data") or {}
    data = {str(key): secret_value(raw, key) for key in raw}
    return _items_payload(
        source.get("items"), data, optional, lambda key: f"references non-existent secret key: {key}"
    )


def _downward_files(source: dict[str, Any], pod: dict[str, Any], allocatable: tuple[int, int]) -> Files:
    files: Files = {}
    errors: list[str] = []
    for item in source.get("items") or []:
        path = str(item.get("path", ""))
        try:
            if isinstance(item.get("fieldRef"), dict):
                files[path] = field_value(pod, str(item["fieldRef"].get("fieldPath", "")))
            elif isinstance(item.get("resourceFieldRef"), dict):
                selector = item["resourceFieldRef"]
                container = container_named(pod, str(selector.get("containerName") or ""), {})
                files[path] = resource_value(selector, container, allocatable)
        except ConfigError as err:
            errors.append(err.message)
    if errors:
        raise ConfigError(aggregate(errors))
    return files


def _token(pod: dict[str, Any], source: dict[str, Any]) -> str:
    """A placeholder shaped like a service account token: header and claims readable, no signature."""
    meta = pod.get("metadata") or {}
    account = (pod.get("spec") or {}).get("serviceAccountName") or "default"
    claims = {
        "aud": source.get("audience") or "https://kubernetes.default.svc.cluster.local",
        "sub": f"system:serviceaccount:{meta.get('namespace', 'default')}:{account}",
    }

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none', 'kid': 'kubetui'})}.{part(claims)}.simulated"


def aggregate(messages: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message as is, several (repeats dropped) in brackets."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def volume_files(
    volume: dict[str, Any], pod: dict[str, Any], objects: ConfigObjects, allocatable: tuple[int, int]
) -> Files:
    """SetUp's payload: path inside the volume -> content. Raises ConfigError with the mount's error."""
    namespace = str((pod.get("metadata") or {}).get("namespace") or "default")
    if isinstance(volume.get("configMap"), dict):
        source = volume["configMap"]
        return _config_map_files(source, str(source.get("name", "")), namespace, objects)
    if isinstance(volume.get("secret"), dict):
        source = volume["secret"]
        return _secret_files(source, str(source.get("secretName", "")), namespace, objects)
    if isinstance(volume.get("downwardAPI"), dict):
        return _downward_files(volume["downwardAPI"], pod, allocatable)
    files: Files = {}
    errors: list[str] = []
    for source in (volume.get("projected") or {}).get("sources") or []:
        try:
            if isinstance(source.get("configMap"), dict):
                ref = source["configMap"]
                files.update(_config_map_files(ref, str(ref.get("name", "")), namespace, objects))
            elif isinstance(source.get("secret"), dict):
                ref = source["secret"]
                files.update(_secret_files(ref, str(ref.get("name", "")), namespace, objects))
            elif isinstance(source.get("downwardAPI"), dict):
                files.update(_downward_files(source["downwardAPI"], pod, allocatable))
            elif isinstance(source.get("serviceAccountToken"), dict):
                token = source["serviceAccountToken"]
                files[str(token.get("path", "token"))] = _token(pod, token)
        except ConfigError as err:
            errors.append(err.message)
    if errors:
        raise ConfigError(aggregate(errors))
    return files


def mount_failed_message(volume: str, error: str) -> str:
    """The FailedMount Event of a failed SetUp (operation_generator.go GenerateError's detailed message)."""
    return f'MountVolume.SetUp failed for volume "{volume}" : {error}'


# -- what a container sees ---------------------------------------------------------------------------------------------
def _join(mount_path: str, relative: str) -> str:
    return f"{mount_path.rstrip('/')}/{relative}" if relative else mount_path


def container_files(container: dict[str, Any], volumes: dict[str, Files], sub_path: bool | None = None) -> Files:
    """Absolute path -> content of every file the container's volumeMounts show from ``volumes``; ``sub_path`` picks
    only the subPath mounts (True) or only the others (False)."""
    files: Files = {}
    for mount in container.get("volumeMounts") or []:
        if not isinstance(mount, dict) or str(mount.get("name", "")) not in volumes:
            continue
        sub = str(mount.get("subPath") or "").strip("/")
        if sub_path is not None and bool(sub) != sub_path:
            continue
        target = str(mount.get("mountPath", ""))
        for relative, content in volumes[str(mount["name"])].items():
            if not sub:
                files[_join(target, relative)] = content
            elif relative == sub:
                files[target] = content
            elif relative.startswith(sub + "/"):
                files[_join(target, relative[len(sub) + 1 :])] = content
    return files


class ConfigVolumes:
    """One pod's configMap, secret, downwardAPI and projected volumes: which are mounted, and the retry back-off."""

    def __init__(self, volumes: dict[str, dict[str, Any]]) -> None:
        self.volumes = volumes
        self.files: dict[str, Files] = {}  # the mounted ones
        self._retry: dict[str, tuple[float, float]] = {}  # volume -> (not before, last delay)

    @property
    def pending(self) -> bool:
        return len(self.files) < len(self.volumes)

    def mount(
        self, pod: dict[str, Any], objects: ConfigObjects, allocatable: tuple[int, int], now: float
    ) -> list[tuple[str, str]]:
        """Try each volume not yet mounted whose back-off is over; the failures, as (volume, error)."""
        failed: list[tuple[str, str]] = []
        for name, volume in sorted(self.volumes.items()):
            if name in self.files or self._retry.get(name, (0.0, 0.0))[0] > now:
                continue
            try:
                self.files[name] = volume_files(volume, pod, objects, allocatable)
                self._retry.pop(name, None)
            except ConfigError as err:
                last = self._retry.get(name, (0.0, 0.0))[1]
                delay = min(last * 2, RETRY_MAX_SECONDS) if last else RETRY_INITIAL_SECONDS
                self._retry[name] = (now + delay, delay)
                failed.append((name, err.message))
        return failed

    def next_try(self) -> float | None:
        """When the reconciler next tries a volume that failed."""
        waiting = [at for name, (at, _) in self._retry.items() if name not in self.files]
        return min(waiting) if waiting else None

    def remount(
        self, pod: dict[str, Any], objects: ConfigObjects, allocatable: tuple[int, int]
    ) -> list[tuple[str, str]]:
        """The periodic sync writes every mounted volume again; one that fails keeps its files."""
        failed: list[tuple[str, str]] = []
        for name in sorted(self.files):
            try:
                self.files[name] = volume_files(self.volumes[name], pod, objects, allocatable)
            except ConfigError as err:
                failed.append((name, err.message))
        return failed


SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def service_account_files(pod: dict[str, Any], container: dict[str, Any]) -> Files:
    """The token, CA bundle and namespace the kubelet projects at /var/run/secrets/kubernetes.io/serviceaccount
    (in-cluster clients read them), unless the pod opts out or the container mounts something there.

    Simplification: the files are there, but the pod spec gets no kube-api-access volume (the ServiceAccount admission
    plugin's); the token is a made-up JWT that nothing checks.
    """
    spec = pod.get("spec") or {}
    if spec.get("automountServiceAccountToken") is False:
        return {}
    if any(isinstance(m, dict) and str(m.get("mountPath", "")).rstrip("/") == SERVICE_ACCOUNT_DIR
           for m in container.get("volumeMounts") or ()):
        return {}
    meta = pod.get("metadata") or {}
    namespace = str(meta.get("namespace") or "default")
    account = str(spec.get("serviceAccountName") or "default")
    claims = base64.urlsafe_b64encode(json.dumps(
        {"iss": "https://kubernetes.default.svc.cluster.local", "sub": f"system:serviceaccount:{namespace}:{account}",
         "kubernetes.io": {"namespace": namespace, "pod": {"name": meta.get("name"), "uid": meta.get("uid")},
                           "serviceaccount": {"name": account}}}, separators=(",", ":")).encode()).decode().rstrip("=")
    return {
        f"{SERVICE_ACCOUNT_DIR}/ca.crt": ROOT_CA.rstrip("\n"),
        f"{SERVICE_ACCOUNT_DIR}/namespace": namespace,
        f"{SERVICE_ACCOUNT_DIR}/token": f"eyJhbGciOiJSUzI1NiIsImtpZCI6Imt1YmV0dWkifQ.{claims}.c2lnbmF0dXJl",
    }
