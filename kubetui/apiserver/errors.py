"""API errors as ``metav1.Status`` objects, worded as the real API server words them."""

from __future__ import annotations

from typing import Any

from kubetui.api.resources import ResourceInfo


class ApiError(Exception):
    """A failed request. ``status`` is the ``metav1.Status`` a REST client receives."""

    def __init__(self, code: int, reason: str, message: str, details: dict[str, Any] | None = None,
                 field: str = "", at_key: bool = False) -> None:
        message = well_formed(message)
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details or {}
        # NewGenericServerResponse always sends details, if only "{}"; kubectl debug reads details.name
        # of a 404 to tell a missing subresource from a missing pod, and dereferences nil without them.
        self._send_details = details is not None
        self.field = field  # the field path a message without causes is about (kubetui's, not in the Status)
        self.at_key = at_key  # the field's key is the mistake (a field that should not be there), not its value

    @property
    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details or self._send_details:
            status["details"] = self.details
        return status

    def __repr__(self) -> str:
        return f"ApiError({self.code}, {self.reason!r}, {self.message!r})"


def well_formed(text: str) -> str:
    """``text`` with each lone surrogate (what a YAML ``"\\ud800"`` escape decodes to) replaced by U+FFFD, as
    Go's decoders replace it: it cannot be written as UTF-8, to a response or to the terminal."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def _details(info: ResourceInfo | None, name: str) -> dict[str, Any]:
    details: dict[str, Any] = {"name": name} if name else {}
    if info is not None:
        if info.group:
            details["group"] = info.group
        details["kind"] = info.plural
    return details


def not_found(info: ResourceInfo, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{info.qualified} "{name}" not found', _details(info, name))


def already_exists(info: ResourceInfo, name: str) -> ApiError:
    return ApiError(409, "AlreadyExists", f'{info.qualified} "{name}" already exists', _details(info, name))


def conflict(info: ResourceInfo, name: str, why: str) -> ApiError:
    return ApiError(
        409, "Conflict", f'Operation cannot be fulfilled on {info.qualified} "{name}": {why}', _details(info, name)
    )


STALE_OBJECT = "the object has been modified; please apply your changes to the latest version and try again"


def invalid(info: ResourceInfo, name: str, message: str, causes: list[dict[str, Any]]) -> ApiError:
    details = _details(info, name)
    details["kind"] = info.kind
    details["causes"] = causes
    return ApiError(422, "Invalid", message, details)


def gone(message: str) -> ApiError:
    return ApiError(410, "Expired", message)


def bad_request(message: str, field: str = "", at_key: bool = False) -> ApiError:
    return ApiError(400, "BadRequest", message, field=field, at_key=at_key)


def forbidden(info: ResourceInfo, name: str, why: str) -> ApiError:
    target = f'{info.qualified} "{name}"' if name else info.qualified
    return ApiError(403, "Forbidden", f"{target} is forbidden: {why}", _details(info, name))


def method_not_allowed(what: str) -> ApiError:
    return ApiError(405, "MethodNotAllowed", f"the server does not allow this method on the requested resource{what}")


def too_many_requests(message: str) -> ApiError:
    return ApiError(429, "TooManyRequests", message)


def unsupported_media_type(content_type: str) -> ApiError:
    return ApiError(
        415,
        "UnsupportedMediaType",
        "the body of the request was in an unknown format - accepted media types include: "
        "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
        f"application/strategic-merge-patch+json (got {content_type})",
    )


def request_entity_too_large(limit: int) -> ApiError:
    return ApiError(413, "RequestEntityTooLarge", f"Request entity too large: limit is {limit}")


def internal(message: str) -> ApiError:
    return ApiError(500, "InternalError", f"Internal error occurred: {message}")


def service_unavailable(message: str) -> ApiError:
    return ApiError(503, "ServiceUnavailable", message)
