"""Server-side field validation: which fields of a request body the schema does not declare.

With ``?fieldValidation=Strict`` (what kubectl sends) an unknown field is an error, with
``Warn`` (the default) a ``Warning`` header, with ``Ignore`` nothing — as in
``staging/src/k8s.io/apiserver/pkg/endpoints/handlers/create.go`` and ``patch.go``. The walk
follows the OpenAPI schemas generated from the models, so explain, validation and the server
agree on what a field is.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.fielderrors import go_sharp
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


Problem = tuple[str, str, bool]  # (path, what is wrong, whether the key itself is the mistake)


def _walk(value: Any, schema: Schema, schemas: dict[str, Schema], path: str, out: list[Problem],
          patch: bool = False, types: bool = False) -> None:
    """Every field the schema does not declare; with ``types``, also every scalar of the wrong type (as
    structured-merge-diff's validateScalar). ``patch``: strategic-merge-patch directives ($patch ...) are skipped."""
    schema = _resolve(schema, schemas)
    if schema.get("x-kubernetes-preserve-unknown-fields") or value is None:
        return
    expected = None if schema.get("x-kubernetes-int-or-string") else _SCALAR_TYPES.get(str(schema.get("type")))
    if types and expected is not None:
        problem = _scalar_problem(expected, value)
        if problem:
            out.append((path, problem, False))
        return
    if isinstance(value, dict):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        for key, child in value.items():
            if patch and isinstance(key, str) and key.startswith("$"):
                continue  # strategic-merge-patch directives ($patch, $setElementOrder/..., $retainKeys)
            child_path = f"{path}.{key}" if path else str(key)
            if isinstance(properties, dict) and key in properties:
                _walk(child, properties[key], schemas, child_path, out, patch, types)
            elif isinstance(additional, dict):
                _walk(child, additional, schemas, child_path, out, patch, types)
            elif isinstance(properties, dict):
                out.append((child_path, "field not declared in schema", True))
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _walk(item, schema["items"], schemas, f"{path}[{i}]", out, patch, types)


def unknown_fields(
    documents: OpenAPIDocuments, kind: str, body: Any, patch: bool = False, version: str = ""
) -> list[str]:
    """Paths (``spec.template.spec.containers[0].foo``) of fields the kind's schema (at ``version``, else the
    storage version's) does not declare."""
    return [path for path, _, _ in _problems(documents, kind, body, patch=patch, version=version)]


def _problems(documents: OpenAPIDocuments, kind: str, body: Any, patch: bool = False,
              types: bool = False, version: str = "") -> list[Problem]:
    found = documents.schemas(kind, version)
    if found is None or not isinstance(body, dict):
        return []
    name, schemas = found
    out: list[Problem] = []
    _walk(body, {"$ref": REF_PREFIX + name}, schemas, "", out, patch, types)
    return out


def check_apply_schema(documents: OpenAPIDocuments, info: ResourceInfo, namespace: str, name: str, body: Any) -> None:
    """Server-side apply types the whole patch (structuredmerge.go's ObjectToTyped): an undeclared field, or a
    scalar of the wrong type, fails it. The error is not a metav1.Status, so the handler's ErrorToAPIStatus
    answers 500 with no reason (kubectl: ``Error from server: failed to create typed patch object ...``); its
    ``field`` is the first problem's path, for the manifest banner to point at.

    Simplification: list elements are named by index (``containers[0]``), not by key.
    """
    problems = _problems(documents, info.kind, body, types=True)
    if problems:
        path, problem, at_key = problems[0]
        gvk = f"{info.group}/{info.version}, Kind={info.kind}"
        raise errors.ApiError(500, "", f"failed to create typed patch object ({namespace}/{name}; {gvk}): "
                              f".{path}: {problem}", field=path, at_key=at_key)


_SCALAR_TYPES = {"integer": "numeric", "number": "numeric", "string": "string", "boolean": "boolean"}


def _scalar_problem(expected: str, value: Any) -> str:
    """validateScalar's words (structured-merge-diff typed/validate.go), Go's formatting of the value included."""
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if expected == "numeric" and not is_number:
        return f"expected numeric (int or float), got {_go_type(value)}"
    if expected == "string" and not isinstance(value, str):
        return f"expected string, got &value.valueUnstructured{{Value:{go_sharp(value, True)}}}"
    if expected == "boolean" and not isinstance(value, bool):
        return f"expected boolean, got &{{{value}}}"
    return ""


def _go_type(value: Any) -> str:
    """Go's ``%T`` of a decoded JSON value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int64"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return "map[string]interface {}" if isinstance(value, dict) else "[]interface {}"
