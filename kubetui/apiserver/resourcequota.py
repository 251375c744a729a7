"""The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota): a write that would take a namespace
past a quota's hard limits is forbidden; one that fits is charged to the quotas' status.used as it is stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubetui.api import quota
from kubetui.api.resources import BY_PLURAL, ResourceInfo
from kubetui.apiserver.codec import decode, encode
from kubetui.store.mvcc import KeyValue, Store

Obj = dict[str, Any]


class QuotaRefused(Exception):
    """Why the write is forbidden, in the plugin's words."""


@dataclass
class Charge:
    """A quota's status.used after the write: stored once the object is."""

    kv: KeyValue
    stored: Obj  # the quota as read
    used: quota.Usage


def quotas_in(store: Store, namespace: str) -> list[tuple[KeyValue, Obj]]:
    return [(kv, decode(kv)) for kv in store.range(BY_PLURAL["resourcequotas"].prefix(namespace))[0]]


def check(store: Store, info: ResourceInfo, obj: Obj, old: Obj | None) -> list[Charge]:
    """checkRequest: the charges the write makes, or QuotaRefused."""
    namespace = str((obj.get("metadata") or {}).get("namespace") or "")
    if not namespace or info.plural == "events":
        return []
    found = quotas_in(store, namespace)
    if not found:
        return []
    pertinent: list[tuple[KeyValue, Obj]] = []
    for kv, item in found:
        if not quota.matches(item, info, obj):
            continue
        status = item.get("status") or {}
        hard = status.get("hard") or {}
        restricted = quota.matching_resources(info, list(hard))
        if info.plural == "pods":
            problem = quota.missing_requests(restricted, obj)
            if problem:
                raise QuotaRefused(f"failed quota: {item['metadata']['name']}: {problem}")
        used = status.get("used") or {}
        if any(name not in used for name in restricted):
            raise QuotaRefused(f"status unknown for quota: {item['metadata']['name']}, resources: "
                               f"{','.join(sorted(restricted))}")
        pertinent.append((kv, item))
    delta = {name: q for name, q in quota.usage(info, obj).items() if not quota.is_zero({name: q})}
    if old is not None:
        delta = quota.subtract(delta, quota.usage(info, old))
    if not pertinent or quota.is_zero(delta):
        return []
    charges = []
    for kv, item in pertinent:
        status = item.get("status") or {}  # not counted yet: nothing is limited (the controller counts this one)
        hard, used = status.get("hard") or {}, status.get("used") or {}
        requested = {name: q for name, q in delta.items() if name in hard}
        new_used = quota.add(used, requested)
        over = quota.exceeded({name: new_used[name] for name in requested}, hard)
        if over:
            raise QuotaRefused(
                f"exceeded quota: {item['metadata']['name']}, requested: "
                f"{quota.pretty({n: requested[n] for n in over})}, used: "
                f"{quota.pretty({n: used.get(n, '0') for n in over})}, limited: "
                f"{quota.pretty({n: hard[n] for n in over})}")
        if requested:
            charges.append(Charge(kv, item, new_used))
    return charges


def charge(store: Store, charges: list[Charge]) -> None:
    """Write each quota's new usage (a quota that changed meanwhile is left to the controller's recount)."""
    for item in charges:
        updated = dict(item.stored)
        updated["metadata"] = {k: v for k, v in item.stored["metadata"].items() if k != "resourceVersion"}
        updated["status"] = {**item.stored.get("status", {}), "used": item.used}
        current = store.get(item.kv.key)
        if current is None or current.mod_revision != item.kv.mod_revision:
            continue
        store.update(item.kv.key, encode(updated), expected_mod_revision=item.kv.mod_revision, obj=updated)
