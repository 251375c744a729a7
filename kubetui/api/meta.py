"""Small helpers over object dicts: names, owners, conditions and virtual timestamps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

# Virtual time 0 is this instant, so timestamps look real and are identical run after run.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def set_epoch(when: datetime) -> None:
    """Anchor virtual time 0 to a wall-clock instant.

    The TUI and ``kubetui serve`` anchor it to the moment they start, so that a real kubectl,
    which computes some ages (``describe`` events) from its own clock, prints sensible ones at 1x.
    Tests and headless runs keep the fixed epoch, so their objects are identical run after run.
    """
    global EPOCH
    EPOCH = when.astimezone(UTC).replace(microsecond=0)


_TIMESTAMPS: dict[int, str] = {}  # whole virtual seconds -> timestamp, under _TIMESTAMPS_EPOCH
_TIMESTAMPS_EPOCH = EPOCH


def timestamp(virtual_seconds: float) -> str:
    """RFC 3339 (``2026-01-01T00:00:05Z``) for a virtual time, at Kubernetes' one-second precision."""
    global _TIMESTAMPS_EPOCH
    second = int(virtual_seconds)
    text = _TIMESTAMPS.get(second) if _TIMESTAMPS_EPOCH is EPOCH else None
    if text is None:
        if len(_TIMESTAMPS) >= 4096 or _TIMESTAMPS_EPOCH is not EPOCH:
            _TIMESTAMPS.clear()
            _TIMESTAMPS_EPOCH = EPOCH
        text = _TIMESTAMPS[second] = (EPOCH + timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return text


def micro_timestamp(virtual_seconds: float) -> str:
    """metav1.MicroTime, used by Leases and new-style Events."""
    return (EPOCH + timedelta(seconds=virtual_seconds)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_timestamp(value: str | None) -> float | None:
    """Back from RFC 3339 to virtual seconds; None for missing or malformed values."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return (parsed - EPOCH).total_seconds()


def meta(obj: dict[str, Any]) -> dict[str, Any]:
    m = obj.get("metadata")
    if not isinstance(m, dict):
        m = {}
        obj["metadata"] = m
    return m


def name_of(obj: dict[str, Any]) -> str:
    return str(obj.get("metadata", {}).get("name", ""))


def namespace_of(obj: dict[str, Any]) -> str:
    return str(obj.get("metadata", {}).get("namespace", ""))


def key_of(obj: dict[str, Any]) -> str:
    """``namespace/name`` (or just ``name`` for cluster-scoped objects): the work-queue key."""
    m = obj.get("metadata", {})
    ns = m.get("namespace")
    return f"{ns}/{m.get('name', '')}" if ns else str(m.get("name", ""))


def split_key(key: str) -> tuple[str, str]:
    ns, sep, name = key.partition("/")
    return (ns, name) if sep else ("", ns)


def labels_of(obj: dict[str, Any]) -> dict[str, str]:
    labels = obj.get("metadata", {}).get("labels")
    return labels if isinstance(labels, dict) else {}


def uid_of(obj: dict[str, Any]) -> str:
    return str(obj.get("metadata", {}).get("uid", ""))


def controller_of(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The ownerReference with ``controller: true``, if any."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or ():
        if isinstance(ref, dict) and ref.get("controller"):
            return ref
    return None


def newest_name(objs: list[dict[str, Any]]) -> str | None:
    """The name of the newest object (creationTimestamp), the first name among equals: how the default
    StorageClass and IngressClass are chosen when several say they are the default (GetDefaultClass)."""
    if not objs:
        return None
    stamps = [(str(o.get("metadata", {}).get("creationTimestamp") or ""), str(o.get("metadata", {}).get("name") or ""))
              for o in objs]
    newest = max(stamp for stamp, _ in stamps)
    return min(name for stamp, name in stamps if stamp == newest)


def owner_reference(owner: dict[str, Any], controller: bool = True, block: bool = True) -> dict[str, Any]:
    m = owner["metadata"]
    return {
        "apiVersion": owner["apiVersion"],
        "kind": owner["kind"],
        "name": m["name"],
        "uid": m["uid"],
        "controller": controller,
        "blockOwnerDeletion": block,
    }


def get_condition(obj: dict[str, Any], ctype: str) -> dict[str, Any] | None:
    for cond in obj.get("status", {}).get("conditions") or ():
        if cond.get("type") == ctype:
            return cond
    return None


def condition_true(obj: dict[str, Any], ctype: str) -> bool:
    cond = get_condition(obj, ctype)
    return cond is not None and cond.get("status") == "True"


def set_condition(
    status: dict[str, Any], ctype: str, value: str, now: str, reason: str = "", message: str = "",
    probe_time: bool = False, pod: bool = False,
) -> bool:
    """Set a condition in ``status.conditions``; lastTransitionTime moves only when the status flips.

    ``pod``: a PodCondition, whose lastProbeTime (a non-pointer metav1.Time) reads null when unset.
    Returns True when anything changed.
    """
    conditions = status.setdefault("conditions", [])
    for cond in conditions:
        if cond.get("type") == ctype:
            if pod and "lastProbeTime" not in cond:
                cond["lastProbeTime"] = None
            changed = cond.get("status") != value
            if changed:
                cond["lastTransitionTime"] = now
            if changed or cond.get("reason", "") != reason or cond.get("message", "") != message:
                cond["status"] = value
                _set_optional(cond, "reason", reason)
                _set_optional(cond, "message", message)
                if probe_time:
                    cond["lastProbeTime"] = now
                return True
            return False
    cond = {"type": ctype, "status": value, "lastTransitionTime": now}
    if probe_time:
        cond["lastProbeTime"] = now
    elif pod:
        cond["lastProbeTime"] = None
    _set_optional(cond, "reason", reason)
    _set_optional(cond, "message", message)
    conditions.append(cond)
    return True


def _set_optional(d: dict[str, Any], key: str, value: str) -> None:
    if value:
        d[key] = value
    else:
        d.pop(key, None)


def is_being_deleted(obj: dict[str, Any]) -> bool:
    return bool(obj.get("metadata", {}).get("deletionTimestamp"))
