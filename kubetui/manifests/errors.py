"""The API server's refusals as a manifest error: kubectl's wording, at the line of the offending field."""

from __future__ import annotations

from typing import Any

from kubetui.apiserver.errors import ApiError
from kubetui.manifests.parse import Document, ManifestError


def api_error(shown: str, err: ApiError, doc: Document) -> ManifestError:
    """What ``kubectl apply -f`` prints for this refusal, placed on the field it names."""
    line, column = doc.position(_field(err), at_key=err.at_key)
    return ManifestError(shown, kubectl_message(err), line, column)


def kubectl_message(err: ApiError) -> str:
    """As kubectl's ``checkErr`` prints a Status (k8s.io/kubectl/pkg/cmd/util/helpers.go).

    ``The Deployment "web" is invalid: spec.replicas: Invalid value: -1: ...`` for a 422 with
    details; ``Error from server (NotFound): namespaces "x" not found`` for the rest. kubectl puts
    several causes on separate ``*`` lines; here they stay on one, in the API server's ``[a, b]``
    form, as the error banner shows one line per file.
    """
    details = err.details
    causes = _causes(details)
    if err.code == 422 and (details.get("kind") or details.get("name")):
        head = f'The {details.get("kind", "")} "{details.get("name", "")}" is invalid'
        if len(causes) == 1:
            cause = causes[0]
            field = cause.get("field") or ""
            return f"{head}: {field}: {cause.get('message', '')}" if field else f"{head}: {cause.get('message', '')}"
        _, sep, rest = err.message.partition(" is invalid: ")
        return f"{head}: {rest}" if sep else head
    if err.reason:
        return f"Error from server ({err.reason}): {err.message}"
    return f"Error from server: {err.message}"


def _causes(details: dict[str, Any]) -> list[dict[str, Any]]:
    causes = details.get("causes")
    return [c for c in causes if isinstance(c, dict)] if isinstance(causes, list) else []


def _field(err: ApiError) -> str:
    """The field path to point at: the first cause's, or the namespace for a missing namespace."""
    for cause in _causes(err.details):
        field = cause.get("field")
        if isinstance(field, str) and field:
            return field
    if err.code == 404 and err.details.get("kind") == "namespaces":
        return "metadata.namespace"
    return err.field
