"""The kubelet's makeEnvironmentVariables: service links, envFrom, env with valueFrom, $(VAR) expansion, errors."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from kubetui.node.container_env import (
    ConfigError,
    expand,
    expand_command_and_args,
    make_environment,
    mapping_for,
    process_environment,
    service_env,
)

ALLOCATABLE = (3900, 8 * 2**30 - 256 * 2**20)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class Objects:
    """An in-memory stand-in for the kubelet's reader."""

    def __init__(self, config_maps: dict[str, dict[str, Any]] | None = None,
                 secrets: dict[str, dict[str, Any]] | None = None,
                 services: list[dict[str, Any]] | None = None) -> None:
        self.config_maps = config_maps or {}
        self.secrets = secrets or {}
        self._services = services if services is not None else []
        self.reads: list[str] = []

    def config_map(self, namespace: str, name: str) -> dict[str, Any]:
        self.reads.append(f"configmap {namespace}/{name}")
        if name not in self.config_maps:
            raise ConfigError(f'configmap "{name}" not found', not_found=True)
        return self.config_maps[name]

    def secret(self, namespace: str, name: str) -> dict[str, Any]:
        self.reads.append(f"secret {namespace}/{name}")
        if name not in self.secrets:
            raise ConfigError(f'secret "{name}" not found', not_found=True)
        return self.secrets[name]

    def services(self) -> list[dict[str, Any]] | None:
        return self._services


def service(name: str, namespace: str, ip: str, *ports: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"name": name, "namespace": namespace}, "spec": {"clusterIP": ip, "ports": list(ports)}}


KUBERNETES = service("kubernetes", "default", "10.96.0.1", {"name": "https", "port": 443, "protocol": "TCP"})


def pod(container: dict[str, Any], **spec: Any) -> dict[str, Any]:
    return {
        "metadata": {"name": "web-0", "namespace": "shop", "uid": "u-1", "labels": {"app": "web", "tier": "a"},
                     "annotations": {"note": 'say "hi"'}},
        "spec": {"nodeName": "node-1", "serviceAccountName": "default", "enableServiceLinks": True,
                 "containers": [container], **spec},
    }


def env_of(container: dict[str, Any], objects: Objects | None = None, **spec: Any) -> dict[str, str]:
    return make_environment(pod(container, **spec), container, objects or Objects(), "10.244.1.5", "10.0.0.11",
                            ALLOCATABLE)


def test_expansion_follows_go() -> None:
    mapping = mapping_for({"A": "x", "B": "$(A)"})
    assert expand("$(A)-$(B)", mapping) == "x-$(A)"  # no recursion
    assert expand("$$(A)", mapping) == "$(A)"  # $$ escapes
    assert expand("$(MISSING) $A $", mapping) == "$(MISSING) $A $"
    assert expand("$(A", mapping) == "$(A"  # incomplete reference
    assert expand("$$$(A)", mapping) == "$x"


def test_service_links_for_the_namespace_and_the_master_service() -> None:
    services = [
        KUBERNETES,
        service("redis-primary", "shop", "10.96.3.4", {"port": 6379, "protocol": "TCP"}),
        service("web", "shop", "10.96.5.6", {"name": "http", "port": 80}, {"name": "metrics", "port": 9090}),
        service("db", "shop", "None", {"port": 5432}),  # headless: no variables
        service("other", "elsewhere", "10.96.9.9", {"port": 80}),
    ]
    env = service_env(services, "shop", True)
    assert env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"
    assert env["REDIS_PRIMARY_SERVICE_HOST"] == "10.96.3.4"
    assert env["REDIS_PRIMARY_SERVICE_PORT"] == "6379"
    assert env["REDIS_PRIMARY_PORT"] == "tcp://10.96.3.4:6379"
    assert env["REDIS_PRIMARY_PORT_6379_TCP"] == "tcp://10.96.3.4:6379"
    assert env["REDIS_PRIMARY_PORT_6379_TCP_PROTO"] == "tcp"
    assert env["REDIS_PRIMARY_PORT_6379_TCP_PORT"] == "6379"
    assert env["REDIS_PRIMARY_PORT_6379_TCP_ADDR"] == "10.96.3.4"
    assert env["WEB_SERVICE_PORT"] == "80" and env["WEB_SERVICE_PORT_HTTP"] == "80"
    assert env["WEB_SERVICE_PORT_METRICS"] == "9090" and env["WEB_PORT"] == "tcp://10.96.5.6:80"
    assert not [k for k in env if k.startswith(("DB_", "OTHER_"))]
    no_links = service_env(services, "shop", False)
    assert set(no_links) == {k for k in env if k.startswith("KUBERNETES_")}


def test_order_service_links_envfrom_then_env_and_env_wins() -> None:
    objects = Objects(
        config_maps={"cfg": {"data": {"LEVEL": "low", "COLOR": "blue", "app.mode": "x"}}},
        secrets={"creds": {"data": {"PASSWORD": b64("s3cret")}}},
        services=[KUBERNETES],
    )
    container = {
        "name": "c",
        "envFrom": [{"configMapRef": {"name": "cfg"}}, {"prefix": "DB_", "secretRef": {"name": "creds"}}],
        "env": [{"name": "LEVEL", "value": "high"},
                {"name": "GREETING", "value": "$(COLOR) at $(KUBERNETES_SERVICE_HOST)"}],
    }
    env = env_of(container, objects)
    assert list(env)[:5] == ["LEVEL", "COLOR", "app.mode", "DB_PASSWORD", "GREETING"]
    assert env["LEVEL"] == "high" and env["DB_PASSWORD"] == "s3cret" and env["app.mode"] == "x"
    assert env["GREETING"] == "blue at 10.96.0.1"
    assert list(env)[5] == "KUBERNETES_SERVICE_HOST"  # the remaining service variables come last
    assert objects.reads == ["configmap shop/cfg", "secret shop/creds"]  # each object read once


def test_a_value_sees_only_the_variables_declared_before_it() -> None:
    env = env_of({"name": "c", "env": [{"name": "B", "value": "$(A)"}, {"name": "A", "value": "1"},
                                       {"name": "C", "value": "$(A)$$(A)"}]})
    assert env["B"] == "$(A)" and env["C"] == "1$(A)"


def test_value_from_keys_fields_and_resources() -> None:
    objects = Objects(config_maps={"special-config": {"data": {"special.how": "very"}}},
                      secrets={"s": {"data": {"token": b64("abc")}}})
    container = {
        "name": "c",
        "resources": {"limits": {"memory": "128Mi"}, "requests": {"cpu": "250m", "memory": "64Mi"}},
        "env": [
            {"name": "HOW", "valueFrom": {"configMapKeyRef": {"name": "special-config", "key": "special.how"}}},
            {"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "s", "key": "token"}}},
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
            {"name": "UID", "valueFrom": {"fieldRef": {"fieldPath": "metadata.uid"}}},
            {"name": "APP", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['app']"}}},
            {"name": "NONE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.labels['nope']"}}},
            {"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
            {"name": "SA", "valueFrom": {"fieldRef": {"fieldPath": "spec.serviceAccountName"}}},
            {"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
            {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
            {"name": "POD_IPS", "valueFrom": {"fieldRef": {"fieldPath": "status.podIPs"}}},
            {"name": "CPU_REQ", "valueFrom": {"resourceFieldRef": {"resource": "requests.cpu", "divisor": "1m"}}},
            {"name": "CPU_REQ_CORES", "valueFrom": {"resourceFieldRef": {"resource": "requests.cpu"}}},
            {"name": "CPU_LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
            {"name": "MEM_LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
            {"name": "MEM_REQ", "valueFrom": {"resourceFieldRef": {"resource": "requests.memory"}}},
        ],
    }
    env = env_of(container, objects)
    assert env["HOW"] == "very" and env["TOKEN"] == "abc"
    assert (env["POD"], env["NS"], env["UID"], env["APP"], env["NONE"]) == ("web-0", "shop", "u-1", "web", "")
    assert (env["NODE"], env["SA"], env["HOST_IP"]) == ("node-1", "default", "10.0.0.11")
    assert env["POD_IP"] == env["POD_IPS"] == "10.244.1.5"
    assert env["CPU_REQ"] == "250" and env["CPU_REQ_CORES"] == "1"  # rounded up
    assert env["CPU_LIMIT"] == "4"  # no limit: the node's allocatable 3900m, rounded up
    assert env["MEM_LIMIT"] == "128" and env["MEM_REQ"] == str(64 * 2**20)


def test_missing_objects_and_keys_are_gos_errors() -> None:
    objects = Objects(config_maps={"special-config": {"data": {}}}, secrets={"x": {"data": {}}})
    cases = [
        ({"configMapKeyRef": {"name": "nope", "key": "k"}}, 'configmap "nope" not found'),
        ({"configMapKeyRef": {"name": "special-config", "key": "SPECIAL_LEVEL"}},
         "couldn't find key SPECIAL_LEVEL in ConfigMap shop/special-config"),
        ({"secretKeyRef": {"name": "gone", "key": "k"}}, 'secret "gone" not found'),
        ({"secretKeyRef": {"name": "x", "key": "k"}}, "couldn't find key k in Secret shop/x"),
    ]
    for source, message in cases:
        with pytest.raises(ConfigError) as caught:
            env_of({"name": "c", "env": [{"name": "V", "valueFrom": source}]}, objects)
        assert caught.value.message == message
    with pytest.raises(ConfigError, match='configmap "cfg" not found'):
        env_of({"name": "c", "envFrom": [{"configMapRef": {"name": "cfg"}}]}, objects)


def test_optional_references_are_skipped_when_missing() -> None:
    objects = Objects(config_maps={"cfg": {"data": {"A": "1"}}})
    env = env_of({"name": "c", "envFrom": [{"configMapRef": {"name": "gone", "optional": True}},
                                           {"secretRef": {"name": "gone", "optional": True}}],
                  "env": [{"name": "X", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "B",
                                                                            "optional": True}}},
                          {"name": "Y", "valueFrom": {"secretKeyRef": {"name": "s", "key": "B",
                                                                       "optional": True}}},
                          {"name": "Z", "value": "z"}]}, objects)
    assert env == {"Z": "z"}


def test_services_not_read_yet_is_an_error() -> None:
    class Unsynced(Objects):
        def services(self) -> list[dict[str, Any]] | None:
            return None

    with pytest.raises(ConfigError, match="services have not yet been read at least once, cannot construct envvars"):
        env_of({"name": "c"}, Unsynced())


def test_command_and_args_are_expanded_and_the_process_env_is_complete() -> None:
    made = {"SPECIAL_LEVEL_KEY": "very", "PATH": "/opt/bin"}
    command, args = expand_command_and_args(
        {"command": ["/bin/sh", "-c", "echo $(SPECIAL_LEVEL_KEY) $$(date) $(NOPE)"], "args": ["$(SPECIAL_LEVEL_KEY)"]},
        made)
    assert command == ["/bin/sh", "-c", "echo very $(date) $(NOPE)"] and args == ["very"]
    env = process_environment(made, "web-0")
    assert list(env) == ["HOSTNAME", "PATH", "SPECIAL_LEVEL_KEY", "HOME"]
    assert env["PATH"] == "/opt/bin" and env["HOME"] == "/root"
