"""Who am I, and may I? The review resources behind ``kubectl auth can-i`` and ``kubectl auth whoami``.

Reviews are created, answered and never stored (``pkg/registry/authorization`` and
``pkg/registry/authentication``): a POST returns the object with its ``status`` filled in, and
every other verb is 405.
Simplification: there is no authentication or authorization; every client is the admin user the
kubeconfig names, in system:masters, and every access review answers yes.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from kubetui.api.resources import ResourceInfo
from kubetui.apiserver import errors
from kubetui.http import requests as req
from kubetui.http.rest import json_response, method_not_allowed

USER = {"username": "kubetui", "groups": ["system:masters", "system:authenticated"]}
REASON = "kubetui has no authorization: every request is allowed"

AUTHORIZATION = "authorization.k8s.io"
AUTHENTICATION = "authentication.k8s.io"

REVIEWS: tuple[ResourceInfo, ...] = (
    ResourceInfo("selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview",
                 AUTHORIZATION, "v1", False, status=False),
    ResourceInfo("selfsubjectrulesreviews", "selfsubjectrulesreview", "SelfSubjectRulesReview",
                 AUTHORIZATION, "v1", True, status=False),
    ResourceInfo("selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", AUTHENTICATION, "v1", False,
                 status=False),
)
BY_PLURAL = {(info.group, info.plural): info for info in REVIEWS}


def review_for(group: str, version: str, segments: list[str]) -> ResourceInfo | None:
    """The review a path names (``selfsubjectaccessreviews``, or namespaced for rules reviews), if any."""
    if len(segments) == 3 and segments[0] == "namespaces":
        segments = segments[2:]
    if len(segments) != 1:
        return None
    info = BY_PLURAL.get((group, segments[0]))
    return info if info is not None and info.version == version else None


def _status(info: ResourceInfo) -> dict[str, Any]:
    if info.kind == "SelfSubjectAccessReview":
        return {"allowed": True, "reason": REASON}
    if info.kind == "SelfSubjectRulesReview":
        return {
            "resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
            "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}],
            "incomplete": False,
        }
    return {"userInfo": dict(USER)}


async def handle(request: web.Request, info: ResourceInfo) -> web.Response:
    """Answer a review: the posted object (its spec checked for shape) with its status."""
    if request.method != "POST":
        raise method_not_allowed()
    body = req.decode(await req.read_body(request), request.headers.get("Content-Type", "application/json"))
    if not isinstance(body, dict):
        raise errors.bad_request(f"the body of the {info.kind} must be a JSON object")
    if body.get("kind") not in (None, info.kind):
        raise errors.bad_request(f'{body.get("kind")} in version "{info.version}" cannot be handled as a {info.kind}')
    spec = body.get("spec")
    if info.kind != "SelfSubjectReview" and not isinstance(spec, dict):
        raise errors.invalid(info, "", f'{info.kind}.{info.group} "" is invalid: spec: Required value',
                             [{"reason": "FieldValueRequired", "message": "Required value", "field": "spec"}])
    review = {
        "kind": info.kind,
        "apiVersion": info.api_version,
        "metadata": {"creationTimestamp": None},
        **({"spec": spec} if isinstance(spec, dict) else {}),
        "status": _status(info),
    }
    return json_response(review, 201)
