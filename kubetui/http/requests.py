"""Reading an HTTP request the way the API server does: identity, content negotiation, bodies, options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
import yaml
from aiohttp import web

from kubetui.api.fielderrors import go_quote
from kubetui.apiserver import errors
from kubetui.apiserver.errors import ApiError
from kubetui.http.jsonerrors import go_json_error
from kubetui.http.protobuf import ProtobufError, decode_object

PROTOBUF = "application/vnd.kubernetes.protobuf"
MAX_BODY_BYTES = 3 * 1024 * 1024  # the API server's maxRequestBodyBytes (3 MiB)
TABLE_GROUP = "meta.k8s.io"


def identity(user_agent: str) -> str:
    """Who is asking, from the User-Agent: ``kubectl``, ``python-client`` or ``http-client``."""
    agent = user_agent.lower()
    if agent.startswith("kubectl"):
        return "kubectl"
    if agent.startswith("openapi-generator") and agent.endswith("/python"):
        return "python-client"
    return "http-client"


@dataclass(frozen=True, slots=True)
class MediaType:
    mime: str
    params: dict[str, str]


def parse_accept(header: str) -> list[MediaType]:
    """``application/json;as=Table;v=v1;g=meta.k8s.io, application/json`` -> media types in order."""
    out: list[MediaType] = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        if not pieces[0]:
            continue
        params: dict[str, str] = {}
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            params[key.strip().lower()] = value.strip()
        out.append(MediaType(pieces[0].lower(), params))
    return out


def wants_table(header: str) -> str | None:
    """The Table version (``v1`` or ``v1beta1``) when the client's first usable choice is a Table."""
    for media in parse_accept(header):
        if media.mime not in ("application/json", "*/*", "application/*"):
            continue  # e.g. protobuf: we only speak JSON, try the next choice
        if media.params.get("as") == "Table" and media.params.get("g") == TABLE_GROUP:
            version = media.params.get("v", "v1")
            if version in ("v1", "v1beta1"):
                return version
            continue
        if "as" not in media.params:
            return None
    return None


def flag(request: web.Request, name: str) -> bool:
    """runtime.Convert_Slice_string_To_bool: present and not "false" or "0" is true (``watch=maybe`` too)."""
    value = request.query.get(name)
    return value is not None and value != "0" and value.lower() != "false"


def int64_param(request: web.Request, name: str) -> int | None:
    """runtime.Convert_Slice_string_To_Pointer_int64 (PodLogOptions): a bad number is a 400 in strconv's words."""
    raw = request.query.get(name)
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    body = text[1:] if text[:1] in "+-" else text
    if not (body.isascii() and body.isdigit()):
        raise errors.bad_request(f"strconv.ParseInt: parsing {go_quote(text)}: invalid syntax")
    value = int(text)
    if not -(2**63) <= value < 2**63:
        raise errors.bad_request(f"strconv.ParseInt: parsing {go_quote(text)}: value out of range")
    return value


# What kube-apiserver decodes a create or update body from (v1.32, without the CBOR feature gate).
BODY_MEDIA_TYPES = ("application/json", "application/yaml", PROTOBUF)


def check_body_media_type(content_type: str) -> None:
    """negotiation.NegotiateInputSerializer: no Content-Type reads as JSON; an unknown one is a 415."""
    mime = content_type.split(";")[0].strip().lower()
    if mime and mime not in BODY_MEDIA_TYPES:
        raise ApiError(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: "
            + ", ".join(BODY_MEDIA_TYPES),
        )


def int_param(request: web.Request, name: str) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise errors.bad_request(f'invalid value for "{name}": {raw!r} is not an integer') from exc


def dry_run(request: web.Request, body: Any = None) -> bool:
    """``?dryRun=All`` (or ``dryRun: [All]`` in DeleteOptions); other values are refused, as in Kubernetes."""
    values = request.query.getall("dryRun", [])
    if isinstance(body, dict) and isinstance(body.get("dryRun"), list):
        values = [*values, *body["dryRun"]]
    for value in values:
        if value != "All":
            raise ApiError(400, "BadRequest", f'Invalid dryRun: {value!r}: supported values: "All"')
    return bool(values)


async def read_body(request: web.Request) -> bytes:
    """The raw body, refused with 413 beyond 3 MiB (before reading it when Content-Length says so)."""
    length = request.content_length
    if length is not None and length > MAX_BODY_BYTES:
        raise errors.request_entity_too_large(MAX_BODY_BYTES)
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge as exc:
        raise errors.request_entity_too_large(MAX_BODY_BYTES) from exc


class _NoAliasLoader(yaml.SafeLoader):
    """Simplification: YAML anchors and aliases are refused (they can expand a small body into gigabytes)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases are not supported")
        return super().compose_node(parent, index)


def decode(data: bytes, content_type: str) -> Any:
    """JSON; YAML for ``application/yaml`` and apply patches; Kubernetes protobuf. Malformed: a 400."""
    if not data.strip():
        raise errors.bad_request("the body of the request was empty")
    if content_type.split(";")[0].strip().lower() == PROTOBUF:
        try:
            return decode_object(data)
        except (ProtobufError, ValueError, RecursionError) as exc:
            raise errors.bad_request(f"unable to decode the protobuf body: {exc}") from exc
    if "yaml" in content_type:
        try:
            return yaml.load(data.decode("utf-8"), Loader=_NoAliasLoader)
        except (yaml.YAMLError, UnicodeDecodeError, RecursionError, ValueError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise errors.bad_request(f"error converting YAML to JSON: yaml: {first}") from exc
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise errors.bad_request(f"couldn't get version/kind; json parse error: {go_json_error(data)}") from exc
