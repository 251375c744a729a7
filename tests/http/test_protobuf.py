"""Kubernetes protobuf bodies (what kubectl's typed clients send), decoded to the JSON-shaped dict."""

from __future__ import annotations

import pytest

from kubetui.http.protobuf import MAGIC, ProtobufError, decode_object
from tests.http.conftest import Api, pod


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, value: int | bytes | str) -> bytes:
    if isinstance(value, int):
        return varint(number << 3) + varint(value)
    data = value.encode() if isinstance(value, str) else value
    return varint(number << 3 | 2) + varint(len(data)) + data


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = field(1, api_version) + field(2, kind)
    return MAGIC + field(1, type_meta) + field(2, raw) + field(4, "application/vnd.kubernetes.protobuf")


def metadata(name: str, **labels: str) -> bytes:
    body = field(1, name) + field(2, "") + field(8, b"")  # empty generateName, zero creationTimestamp
    for key, value in labels.items():
        body += field(11, field(1, key) + field(2, value))
    return body


def test_a_configmap_with_maps_and_bytes() -> None:
    raw = field(1, metadata("cfg", app="web")) + field(2, field(1, "k") + field(2, "v"))
    raw += field(3, field(1, "bin") + field(2, b"\x00\x01"))
    obj = decode_object(envelope("v1", "ConfigMap", raw))
    assert obj == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "cfg", "labels": {"app": "web"}, "creationTimestamp": None},  # Go's JSON: null
        "data": {"k": "v"},
        "binaryData": {"bin": "AAE="},
    }


def test_a_deployment_with_int_or_string_quantities_and_inline_structs() -> None:
    container = field(1, "web") + field(2, "nginx") + field(8, field(1, field(1, "cpu") + field(2, field(1, "250m"))))
    probe = field(1, field(2, field(1, "/healthz") + field(2, field(1, 0) + field(2, 8080))))  # handler.httpGet
    container += field(11, probe)
    volume = field(1, "cache") + field(2, field(2, field(1, "Memory")))  # volumeSource.emptyDir.medium
    pod_spec = field(2, container) + field(1, volume)
    strategy = field(1, "RollingUpdate") + field(2, field(2, field(1, 1) + field(3, "50%")))
    spec = (
        field(1, 0)
        + field(2, field(1, field(1, "app") + field(2, "web")))
        + field(3, field(2, pod_spec))
        + field(4, strategy)
    )
    obj = decode_object(envelope("apps/v1", "Deployment", field(1, metadata("web")) + field(2, spec)))
    spec_out = obj["spec"]
    assert spec_out["replicas"] == 0  # an explicit zero survives
    assert spec_out["strategy"]["rollingUpdate"] == {"maxSurge": "50%"}
    containers = spec_out["template"]["spec"]["containers"]
    assert containers[0]["resources"] == {"limits": {"cpu": "250m"}}
    assert containers[0]["readinessProbe"] == {"httpGet": {"path": "/healthz", "port": 8080}}
    assert spec_out["template"]["spec"]["volumes"] == [{"name": "cache", "emptyDir": {"medium": "Memory"}}]


@pytest.mark.parametrize(
    "body",
    [
        b"not protobuf",
        MAGIC,
        MAGIC + b"\x0a\xff\xff\xff\xff\x0f",
        MAGIC + field(1, field(1, "v1") + field(2, "Widget")) + field(2, b""),
        MAGIC + field(1, field(1, "v1") + field(2, "ConfigMap")) + field(2, b"\x0b"),
        MAGIC + field(1, field(1, "v1") + field(2, "ConfigMap")) + field(2, field(1, 5)),
        MAGIC + field(1, field(1, "v1") + field(2, "ConfigMap")) + field(2, b"\x80" * 20),
        MAGIC + field(1, field(1, "v1") + field(2, "ConfigMap")) + field(2, field(1, field(1, b"\xff\xfe"))),
    ],
)
def test_malformed_protobuf_is_a_protobuf_error(body: bytes) -> None:
    with pytest.raises(ProtobufError):
        decode_object(body)


async def test_an_eviction_posted_as_protobuf(api: Api) -> None:
    await api.call("POST", "/api/v1/namespaces/default/pods", pod("p"))
    raw = field(1, metadata("p") + field(3, "default")) + field(2, field(1, 0))  # deleteOptions.gracePeriodSeconds
    code, status = await api.call(
        "POST",
        "/api/v1/namespaces/default/pods/p/eviction",
        raw=envelope("policy/v1", "Eviction", raw),
        content_type="application/vnd.kubernetes.protobuf",
    )
    assert code == 201 and status["status"] == "Success"
    assert (await api.call("GET", "/api/v1/namespaces/default/pods/p"))[0] == 404
    code, status = await api.call(
        "POST",
        "/api/v1/namespaces/default/configmaps",
        raw=MAGIC + b"\x0a",
        content_type="application/vnd.kubernetes.protobuf",
    )
    assert code == 400 and "protobuf" in status["message"]
