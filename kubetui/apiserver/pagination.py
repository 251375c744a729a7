"""Continue tokens for paged lists, in the format of ``k8s.io/apiserver/pkg/storage/continue.go``.

A token is unpadded base64url of ``{"v":"meta.k8s.io/v1","rv":<revision>,"start":"<key after the prefix>"}``:
opaque to clients, and checked on the way back in, so a forged or truncated one is a 400, never a crash or
a silently empty page.
Simplification: a later page reads the store as it is now, not at the first page's revision (the store
keeps no old versions for ranges), so objects written between pages can appear or vanish from the list.
"""

from __future__ import annotations

import base64
import binascii
import json
import posixpath
import re

from kubetui.apiserver import errors

_VERSION = "meta.k8s.io/v1"
_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def encode_continue(key: str, prefix: str, revision: int) -> str:
    """EncodeContinue: the token that resumes a list just after ``key``."""
    token = {"v": _VERSION, "rv": revision, "start": key[len(prefix):] + "\x00"}
    raw = json.dumps(token, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode_continue(token: str, prefix: str) -> str:
    """DecodeContinue: the key a continued list starts from (inclusive); a 400 for a token it did not issue."""
    try:
        return _decode(token, prefix)
    except ValueError as exc:
        raise errors.bad_request(f"invalid continue token: {exc}") from exc


def _decode(token: str, prefix: str) -> str:
    valid = _ALPHABET.match(token)
    end = valid.end() if valid else 0
    if end < len(token) or len(token) % 4 == 1:
        at = end if end < len(token) else len(token) - 1
        raise ValueError(f"continue key is not valid: illegal base64 data at input byte {at}")
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("continue key is not valid: the token is not JSON") from exc
    if not isinstance(data, dict):
        raise ValueError("continue key is not valid: the token is not a JSON object")
    version = data.get("v")
    if version != _VERSION:
        raise ValueError(f"continue key is not valid: server does not recognize this encoded version {version or ''}")
    revision = data.get("rv")
    if not isinstance(revision, int) or isinstance(revision, bool) or revision == 0:
        raise ValueError("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
    start = data.get("start")
    if not isinstance(start, str) or not start:
        raise ValueError("continue key is not valid: encoded start key empty (version meta.k8s.io/v1)")
    key = start if start.startswith("/") else "/" + start
    if posixpath.normpath(key) != key or key.startswith("//"):  # path.Clean: no climbing above the prefix
        raise ValueError(f"continue key is not valid: {start}")
    return prefix + key[1:]
