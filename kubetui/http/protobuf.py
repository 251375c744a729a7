"""Reading Kubernetes protobuf request bodies, which kubectl's typed clients send.

``kubectl create deployment``, ``create configmap`` and ``drain`` (its Evictions) post
``application/vnd.kubernetes.protobuf``: the 4-byte magic ``k8s\\0``, then a ``runtime.Unknown``
envelope (apiVersion, kind, and the object's own protobuf bytes). The object is decoded here into
the same dict its JSON form would give, with the field table of :mod:`kubetui.http.protobuf_schema`
(Kubernetes' ``generated.proto`` messages, field number -> JSON name and type).

Responses stay JSON: kubectl always accepts ``application/json`` too.

Regenerate the table from a kubectl binary (whose compiled-in descriptors are exactly v1.32's):
``python -m kubetui.http.protobuf /path/to/kubectl > kubetui/http/protobuf_schema.py``.
"""

from __future__ import annotations

import base64
import re
import struct
import sys
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from kubetui.http.protobuf_schema import MESSAGES

MAGIC = b"k8s\x00"

# Field kinds in the table: scalars, ``.`` message names, ``map:<value kind>``.
VARINT_KINDS = {"int32", "int64", "uint32", "uint64", "bool", "enum", "sint32", "sint64"}
META = "k8s.io.apimachinery.pkg.apis.meta.v1"


# Go's protobuf always writes a non-pointer field, zero or not, and its JSON omits that zero again (omitempty):
# a decoded false or 0 here is dropped, as Go would, so `kubectl create deployment` does not store
# `stdin: false` or `hostIPC: false`. A pointer field (replicas, suspend) is written only when set, and keeps
# its zero: only the non-pointer omitempty scalars of the kinds kubectl's generators build are listed.
ZERO_OMITTED: dict[str, frozenset[str]] = {
    f"{META}.ObjectMeta": frozenset({"generation"}),
    "k8s.io.api.core.v1.PodSpec": frozenset({"hostNetwork", "hostPID", "hostIPC"}),
    "k8s.io.api.core.v1.Container": frozenset({"stdin", "stdinOnce", "tty"}),
    "k8s.io.api.core.v1.ContainerPort": frozenset({"hostPort"}),
    "k8s.io.api.core.v1.VolumeMount": frozenset({"readOnly"}),
    "k8s.io.api.core.v1.Probe": frozenset(
        {"initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"}
    ),
    "k8s.io.api.core.v1.ServiceSpec": frozenset({"publishNotReadyAddresses", "healthCheckNodePort"}),
    "k8s.io.api.core.v1.ServicePort": frozenset({"nodePort"}),
    "k8s.io.api.core.v1.NodeSpec": frozenset({"unschedulable"}),
    "k8s.io.api.core.v1.ReplicationControllerSpec": frozenset({"minReadySeconds"}),
    "k8s.io.api.networking.v1.ServiceBackendPort": frozenset({"number"}),
    "k8s.io.api.apps.v1.DeploymentSpec": frozenset({"minReadySeconds", "paused"}),
    "k8s.io.api.apps.v1.ReplicaSetSpec": frozenset({"minReadySeconds"}),
    "k8s.io.api.apps.v1.DaemonSetSpec": frozenset({"minReadySeconds"}),
    "k8s.io.api.apps.v1.StatefulSetSpec": frozenset({"minReadySeconds"}),
    "k8s.io.api.scheduling.v1.PriorityClass": frozenset({"globalDefault"}),
}


class ProtobufError(ValueError):
    """The body is not a well-formed Kubernetes protobuf message."""


# --- the wire format -------------------------------------------------------------------------------


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ProtobufError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ProtobufError("varint too long")


def wire_fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """(field number, wire type, value) for each field of one message."""
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtobufError("field number 0")
        if wire == 0:
            value, pos = _varint(data, pos)
            yield number, wire, value
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise ProtobufError("truncated length-delimited field")
            yield number, wire, data[pos : pos + length]
            pos += length
        elif wire in (1, 5):
            size = 8 if wire == 1 else 4
            if pos + size > len(data):
                raise ProtobufError("truncated fixed-width field")
            yield number, wire, int.from_bytes(data[pos : pos + size], "little")
            pos += size
        else:
            raise ProtobufError(f"unsupported wire type {wire}")


# --- messages -> JSON-shaped dicts ---------------------------------------------------------------


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value >= 1 << (bits - 1) else value


def _scalar(kind: str, wire: int, value: int | bytes) -> Any:
    if kind in VARINT_KINDS:
        if not isinstance(value, int):
            raise ProtobufError(f"expected a varint for {kind}")
        if kind == "bool":
            return bool(value)
        if kind in ("sint32", "sint64"):
            return (value >> 1) ^ -(value & 1)
        return _signed(value, 64) if kind in ("int32", "int64") else value
    if kind in ("string", "bytes"):
        if not isinstance(value, bytes):
            raise ProtobufError(f"expected bytes for {kind}")
        if kind == "bytes":
            return base64.b64encode(value).decode()
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtobufError("a string is not valid UTF-8") from exc
    if kind in ("double", "float"):
        if not isinstance(value, int):
            raise ProtobufError(f"expected a fixed-width {kind}")
        return struct.unpack("<d" if wire == 1 else "<f", value.to_bytes(8 if wire == 1 else 4, "little"))[0]
    raise ProtobufError(f"unsupported field type {kind}")


def _time(fields: dict[str, Any], micro: bool) -> str | None:
    seconds, nanos = int(fields.get("seconds", 0)), int(fields.get("nanos", 0))
    if seconds == 0 and nanos == 0:
        return None  # the zero time: JSON would say null, so the field is left out
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds, microseconds=nanos // 1000)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def _special(name: str, data: bytes) -> tuple[bool, Any]:
    """Types whose JSON form is not an object: times, quantities, int-or-string, raw JSON."""
    if name in (f".{META}.Time", f".{META}.MicroTime"):
        return True, _time(_message(name, data, special=False), micro=name.endswith("MicroTime"))
    if name == ".k8s.io.apimachinery.pkg.api.resource.Quantity":
        return True, _message(name, data, special=False).get("string", "")
    if name == ".k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        fields = _message(name, data, special=False)
        return True, fields.get("strVal", "") if fields.get("type") == 1 else fields.get("intVal", 0)
    if name in (".k8s.io.apimachinery.pkg.runtime.RawExtension", f".{META}.FieldsV1"):
        fields = _message(name, data, special=False)
        raw = fields.get("raw") or fields.get("Raw")
        if not raw:
            return True, None
        try:
            return True, orjson.loads(base64.b64decode(raw))
        except (orjson.JSONDecodeError, ValueError) as exc:
            raise ProtobufError("embedded raw JSON is malformed") from exc
    if name == f".{META}.Duration":
        nanoseconds = int(_message(name, data, special=False).get("duration", 0))
        return True, f"{nanoseconds / 1e9:g}s"
    return False, None


def _value(kind: str, wire: int, value: int | bytes) -> Any:
    if kind.startswith("."):
        if not isinstance(value, bytes):
            raise ProtobufError(f"expected an embedded message {kind}")
        return _message(kind, value)
    return _scalar(kind, wire, value)


def _message(name: str, data: bytes, special: bool = True) -> Any:
    """Decode one message (the schema has no recursive types, so nesting is bounded by it)."""
    if special:
        handled, result = _special(name, data)
        if handled:
            return result
    table = MESSAGES.get(name.lstrip("."))
    if table is None:
        raise ProtobufError(f"unknown message {name.lstrip('.')}")
    out: dict[str, Any] = {}
    omitted = ZERO_OMITTED.get(name.lstrip("."), frozenset())
    for number, wire, value in wire_fields(data):
        field = table.get(number)
        if field is None:
            continue  # a field newer than v1.32: ignored, as Go's decoder skips unknown fields
        json_name, kind, repeated = field
        if kind.startswith("map:"):
            if not isinstance(value, bytes):
                raise ProtobufError(f"{json_name}: expected a map entry")
            entry = {n: v for n, _, v in wire_fields(value)}
            key = _scalar("string", 2, entry.get(1, b""))
            out.setdefault(json_name, {})[key] = _value(kind[4:], 2, entry.get(2, b""))
            continue
        if repeated and wire == 2 and kind in VARINT_KINDS and isinstance(value, bytes):
            pos, items = 0, []
            while pos < len(value):  # packed repeated varints
                item, pos = _varint(value, pos)
                items.append(_scalar(kind, 0, item))
            out.setdefault(json_name, []).extend(items)
            continue
        decoded = _value(kind, wire, value)
        if json_name == "" and isinstance(decoded, dict):
            out.update(decoded)  # an embedded (inline) struct
        elif repeated:
            out.setdefault(json_name, []).append(decoded)
        elif json_name == "creationTimestamp" and decoded is None:
            out[json_name] = None  # a template's zero metav1.Time: Go's JSON writes it as null
        elif decoded is not None and decoded != "" and not (json_name in omitted and decoded in (0, False)):
            out[json_name] = decoded  # Go writes empty non-pointer strings; JSON would omit them
    return out


def _package(api_version: str, kind: str) -> str:
    if kind in ("DeleteOptions", "Status", "WatchEvent", "Table") and api_version in ("v1", "meta.k8s.io/v1"):
        return META
    group, _, version = api_version.rpartition("/")
    return f"k8s.io.api.{group.split('.')[0] or 'core'}.{version}"


def decode_object(body: bytes) -> dict[str, Any]:
    """A ``k8s\\0``-prefixed ``runtime.Unknown`` -> the object as a JSON-shaped dict."""
    if not body.startswith(MAGIC):
        raise ProtobufError("missing the k8s protobuf magic number")
    envelope = _message("k8s.io.apimachinery.pkg.runtime.Unknown", body[len(MAGIC) :], special=False)
    type_meta = envelope.get("typeMeta") or {}
    api_version, kind = str(type_meta.get("apiVersion", "")), str(type_meta.get("kind", ""))
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", kind):
        raise ProtobufError("the envelope has no kind")
    raw = base64.b64decode(envelope.get("raw", ""))
    obj = _message(f"{_package(api_version, kind)}.{kind}", raw)
    if not isinstance(obj, dict):
        raise ProtobufError(f"{kind} is not an object")
    return {"apiVersion": api_version, "kind": kind, **obj}


# --- regenerating the field table from a kubectl binary -----------------------------------------

# Go structs embedded with ``json:",inline"``: their fields sit directly in the parent's JSON.
INLINE = {
    ("localObjectReference", "LocalObjectReference"),
    ("volumeSource", "VolumeSource"),
    ("handler", "ProbeHandler"),
    ("ephemeralContainerCommon", "EphemeralContainerCommon"),
    ("persistentVolumeSource", "PersistentVolumeSource"),
    ("ingressRuleValue", "IngressRuleValue"),
}

_DESCRIPTOR_TYPES = {
    1: "double",
    2: "float",
    3: "int64",
    4: "uint64",
    5: "int32",
    6: "uint64",
    7: "uint32",
    8: "bool",
    9: "string",
    11: "message",
    12: "bytes",
    13: "uint32",
    14: "enum",
    15: "int32",
    16: "int64",
    17: "sint32",
    18: "sint64",
}


def _descriptor_messages(descriptor: bytes) -> dict[str, dict[int, tuple[str, str, bool]]]:
    """FileDescriptorProto -> {message: {number: (json name, kind, repeated)}}, maps folded in."""
    package, messages = "", []
    for number, _, value in wire_fields(descriptor):
        if number == 2 and isinstance(value, bytes):
            package = value.decode()
        elif number == 4 and isinstance(value, bytes):
            messages.append(value)
    out: dict[str, dict[int, tuple[str, str, bool]]] = {}
    for message in messages:
        name, fields, maps = "", [], {}
        for number, _, value in wire_fields(message):
            if number == 1 and isinstance(value, bytes):
                name = value.decode()
            elif number == 2 and isinstance(value, bytes):
                fields.append({n: v for n, _, v in wire_fields(value)})
            elif number == 3 and isinstance(value, bytes):  # nested types: only map entries in Kubernetes
                nested = {n: v for n, _, v in wire_fields(value)}
                entry_fields = [
                    {n: v for n, _, v in wire_fields(f)}
                    for n, _, f in wire_fields(value)
                    if n == 2 and isinstance(f, bytes)
                ]
                value_field = next(f for f in entry_fields if f.get(3) == 2)
                maps[bytes(nested[1]).decode()] = _field_kind(value_field)
        table: dict[int, tuple[str, str, bool]] = {}
        for field in fields:
            json_name, number = bytes(field[1]).decode(), int(field[3])
            type_name = bytes(field.get(6, b"")).decode()
            entry = type_name.rsplit(".", 1)[-1]
            if type_name and entry in maps and type_name.endswith(f".{name}.{entry}"):
                table[number] = (json_name, f"map:{maps[entry]}", False)
            else:
                inline = (json_name, entry) in INLINE
                table[number] = ("" if inline else json_name, _field_kind(field), field.get(4) == 3)
        out[f"{package}.{name}"] = table
    return out


def _field_kind(field: dict[int, Any]) -> str:
    kind = _DESCRIPTOR_TYPES.get(int(field.get(5, 0)), "unknown")
    return bytes(field[6]).decode() if kind == "message" else kind


def extract_descriptors(binary: bytes) -> dict[str, bytes]:
    """The gzipped ``generated.proto`` descriptors compiled into a Kubernetes Go binary."""
    found: dict[str, bytes] = {}
    for match in re.finditer(rb"\x1f\x8b\x08\x00\x00\x00\x00\x00", binary):
        inflater = zlib.decompressobj(31)
        try:
            data = inflater.decompress(binary[match.start() : match.start() + 4_000_000])
        except zlib.error:
            continue
        if inflater.eof and data[:1] == b"\x0a" and data[2 : 2 + data[1]].startswith(b"k8s.io/"):
            found[data[2 : 2 + data[1]].decode()] = data
    return found


def main(argv: list[str]) -> int:
    """Print the field table module for the messages reachable from the kinds kubetui serves."""
    with open(argv[0], "rb") as handle:
        descriptors = extract_descriptors(handle.read())
    every: dict[str, dict[int, tuple[str, str, bool]]] = {}
    for descriptor in descriptors.values():
        every.update(_descriptor_messages(descriptor))
    from kubetui.api.resources import RESOURCES
    from kubetui.http.reviews import REVIEWS

    roots = {f"{_package(r.api_version, r.kind)}.{r.kind}" for r in (*RESOURCES, *REVIEWS)}
    roots |= {f"{_package(r.api_version_of(v), r.kind)}.{r.kind}" for r in RESOURCES for v in r.also_served}
    roots |= {
        "k8s.io.api.policy.v1.Eviction",
        f"{META}.DeleteOptions",
        "k8s.io.api.autoscaling.v1.Scale",
        "k8s.io.apimachinery.pkg.runtime.Unknown",
    }
    keep: dict[str, dict[int, tuple[str, str, bool]]] = {}
    pending = sorted(roots)
    while pending:
        name = pending.pop()
        if name in keep or name not in every:
            continue
        keep[name] = every[name]
        for _, kind, _ in every[name].values():
            target = kind[4:] if kind.startswith("map:") else kind
            if target.startswith("."):
                pending.append(target[1:])
    print('"""Kubernetes v1.32 protobuf messages: field number -> (JSON name, type, repeated). Generated."""')
    print("\n# Regenerate: python -m kubetui.http.protobuf /path/to/kubectl > kubetui/http/protobuf_schema.py")
    print("# An empty JSON name marks an embedded (inline) struct.")
    print("# ruff: noqa: E501")
    print("# fmt: off")
    print("MESSAGES: dict[str, dict[int, tuple[str, str, bool]]] = {")
    for name in sorted(keep):
        print(f"    {name!r}: {{")
        for number in sorted(keep[name]):
            print(f"        {number}: {keep[name][number]!r},")
        print("    },")
    print("}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
