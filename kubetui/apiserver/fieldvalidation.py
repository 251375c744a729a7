"""Server-side field validation: which fields of a request body the schema does not declare.

With ``?fieldValidation=Strict`` (what kubectl sends) an unknown field is an error, with
``Warn`` (the default) a ``Warning`` header, with ``Ignore`` nothing — as in
``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go`` and ``patch.go``. The walk
follows the OpenAPI schemas generated from the models, so explain, validation and the server
agree on what a field is.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.openapi import OpenAPIDocuments, Schema
from kubetui.api.resources import ResourceInfo
from kubetui.apiserver import errors

REF_PREFIX = "#/components/schemas/"


def _resolve(schema: Schema, schemas: dict[str, Schema]) -> Schema:
    """Follow ``$ref`` and ``allOf: [{$ref}]`` to the schema they point at."""
    for _ in range(8):
        if "$ref" in schema:
            schema = schemas.get(str(schema["$ref"])[len(REF_PREFIX) :], {})
        elif isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:
            schema = schema["allOf"][0]
        else:
            return schema
    return schema


def _walk(value: Any, schema: Schema, schemas: dict[str, Schema], path: str, patch: bool, out: list[str]) -> None:
    schema = _resolve(schema, schemas)
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return
    if isinstance(value, dict):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        for key, child in value.items():
            if patch and isinstance(key, str) and key.startswith("$"):
                continue  # strategic-merge-patch directives ($patch, $setElementOrder/..., $retainKeys)
            child_path = f"{path}.{key}" if path else str(key)
            if isinstance(properties, dict) and key in properties:
                _walk(child, properties[key], schemas, child_path, patch, out)
            elif isinstance(additional, dict):
                _walk(child, additional, schemas, child_path, patch, out)
            elif isinstance(properties, dict):
                out.append(child_path)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _walk(item, schema["items"], schemas, f"{path}[{i}]", patch, out)


def unknown_fields(documents: OpenAPIDocuments, kind: str, body: Any, patch: bool = False) -> list[str]:
    """Paths (``spec.template.spec.containers[0].foo``) of fields the kind's schema does not declare."""
    found = documents.schemas(kind)
    if found is None or not isinstance(body, dict):
        return []
    name, schemas = found
    out: list[str] = []
    _walk(body, {"$ref": REF_PREFIX + name}, schemas, "", patch, out)
    return out


def check_apply_schema(documents: OpenAPIDocuments, info: ResourceInfo, namespace: str, name: str, body: Any) -> None:
    """Server-side apply types the whole patch: an undeclared field fails it (structuredmerge.go), as a 400
    whose ``field`` is the first unknown path (the manifest banner points at its line).

    Simplification: list elements are named by index (``containers[0]``), not by key.
    """
    unknown = unknown_fields(documents, info.kind, body)
    if unknown:
        gvk = f"{info.group}/{info.version}, Kind={info.kind}"
        raise errors.bad_request(
            f"failed to create typed patch object ({namespace}/{name}; {gvk}): .{unknown[0]}: field not declared "
            "in schema",
            field=unknown[0],
            at_key=True,
        )
