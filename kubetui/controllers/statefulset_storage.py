"""A StatefulSet's storage: one PersistentVolumeClaim per pod and volumeClaimTemplate, kept across restarts.

Follows ``pkg/controller/statefulset/stateful_set_utils.go`` (getPersistentVolumeClaims, updateStorage,
updateClaimOwnerRefForSetAndPod) and ``stateful_pod_control.go`` (createPersistentVolumeClaims, recordClaimEvent):

* before pod ``<set>-<n>`` is created, each template ``<t>`` gives the claim ``<t>-<set>-<n>`` (the template's
  labels plus the set's selector matchLabels), unless it exists; the pod gets a volume ``<t>`` naming it;
* a claim outlives its pod: a recreated ``web-1`` mounts the same claim, so the same volume, on the same node
  for local volumes;
* ``persistentVolumeClaimRetentionPolicy`` (default Retain/Retain): whenDeleted Delete makes the set an owner of
  its claims (the garbage collector removes them with the set); whenScaled Delete makes a scaled-down pod their
  owner (they go with the pod).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError

if TYPE_CHECKING:
    from kubetui.controllers.base import Controller

Obj = dict[str, Any]


def claim_templates(sts: Obj) -> list[Obj]:
    return [t for t in (sts.get("spec") or {}).get("volumeClaimTemplates") or () if isinstance(t, dict)]


def claim_name(sts: Obj, template: Obj, ordinal: int) -> str:
    """getPersistentVolumeClaimName: ``<template>-<set>-<ordinal>``."""
    return f"{(template.get('metadata') or {}).get('name', '')}-{sts['metadata']['name']}-{ordinal}"


def claims_for(sts: Obj, ordinal: int) -> list[tuple[str, Obj]]:
    """getPersistentVolumeClaims: (template name, claim) for one ordinal, in template order."""
    match_labels = ((sts.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    out = []
    for template in claim_templates(sts):
        claim = deep_copy(template)
        meta = claim.setdefault("metadata", {})
        template_name = str(meta.get("name", ""))
        meta["name"] = claim_name(sts, template, ordinal)
        meta["namespace"] = sts["metadata"].get("namespace", "")
        meta["labels"] = {**(meta.get("labels") or {}), **match_labels}
        claim["apiVersion"], claim["kind"] = "v1", "PersistentVolumeClaim"
        claim.pop("status", None)
        out.append((template_name, claim))
    return out


def add_claim_volumes(sts: Obj, pod: Obj, ordinal: int) -> None:
    """updateStorage: a persistentVolumeClaim volume per template, replacing a template volume of that name."""
    claims = claims_for(sts, ordinal)
    if not claims:
        return
    names = {name for name, _ in claims}
    volumes = [{"name": name, "persistentVolumeClaim": {"claimName": claim["metadata"]["name"]}}
               for name, claim in claims]
    spec = pod.setdefault("spec", {})
    volumes += [v for v in spec.get("volumes") or () if v.get("name") not in names]
    spec["volumes"] = volumes


def create_missing_claims(controller: Controller, claims_informer: Any, sts: Obj, pod: Obj, ordinal: int) -> None:
    """createPersistentVolumeClaims: create the pod's claims that do not exist; raise if one could not be made
    or is being deleted (the pod is not created then)."""
    set_name, pod_name = sts["metadata"]["name"], pod["metadata"]["name"]
    errors: list[str] = []
    for _template, claim in claims_for(sts, ordinal):
        name = claim["metadata"]["name"]
        existing = claims_informer.get(claim["metadata"]["namespace"], name)
        if existing is not None:
            if existing["metadata"].get("deletionTimestamp"):
                errors.append(f"pvc {name} is being deleted")
            continue
        _set_owner_refs(claim, sts, None, True)
        try:
            controller.client.create("persistentvolumeclaims", claim)
        except ApiError as err:
            if err.code == 409:
                continue  # the informer has not seen it yet
            errors.append(f"failed to create PVC {name}: {err.message}")
            controller.event(sts, "Warning", "FailedCreate",
                             f"create Claim {name} for Pod {pod_name} in StatefulSet {set_name} failed error: "
                             f"{err.message}")
            continue
        controller.event(sts, "Normal", "SuccessfulCreate",
                         f"create Claim {name} Pod {pod_name} in StatefulSet {set_name} success")
    if errors:
        raise ApiError(500, "InternalError", "; ".join(errors))


def _owner_ref(owner: Obj, api_version: str, kind: str) -> Obj:
    return {"apiVersion": api_version, "kind": kind, "name": owner["metadata"]["name"],
            "uid": owner["metadata"].get("uid", "")}


def _set_owner_refs(claim: Obj, sts: Obj, pod: Obj | None, in_range: bool) -> bool:
    """updateClaimOwnerRefForSetAndPod: the owners the retention policy wants; True if they changed."""
    policy = (sts.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {}
    when_deleted = policy.get("whenDeleted") or "Retain"
    when_scaled = policy.get("whenScaled") or "Retain"
    set_owned = when_deleted == "Delete" and (in_range or when_scaled != "Delete")
    pod_owned = pod is not None and when_scaled == "Delete" and not in_range
    meta = claim.setdefault("metadata", {})
    refs = [r for r in meta.get("ownerReferences") or ()]
    set_uid = sts["metadata"].get("uid", "")
    pod_uid = (pod or {}).get("metadata", {}).get("uid", "")
    kept = [r for r in refs if r.get("uid") not in (set_uid, pod_uid) or
            (r.get("uid") == set_uid and set_owned) or (pod_uid and r.get("uid") == pod_uid and pod_owned)]
    uids = {r.get("uid") for r in kept}
    if set_owned and set_uid not in uids:
        kept.append(_owner_ref(sts, "apps/v1", "StatefulSet"))
    if pod_owned and pod is not None and pod_uid not in uids:
        kept.append(_owner_ref(pod, "v1", "Pod"))
    if kept == refs:
        return False
    if kept:
        meta["ownerReferences"] = kept
    else:
        meta.pop("ownerReferences", None)
    return True


def sync_pod_claims(controller: Controller, claims_informer: Any, sts: Obj, pod: Obj, ordinal: int,
                    in_range: bool) -> None:
    """For a pod that exists: create its missing claims while it is Pending, and give each claim the owners the
    retention policy wants (ClaimsMatchRetentionPolicy / UpdatePodClaimForRetentionPolicy)."""
    if not claim_templates(sts):
        return
    if in_range and (pod.get("status") or {}).get("phase") == "Pending":
        create_missing_claims(controller, claims_informer, sts, pod, ordinal)
    for _template, wanted in claims_for(sts, ordinal):
        claim = claims_informer.get(wanted["metadata"]["namespace"], wanted["metadata"]["name"])
        if claim is None or claim["metadata"].get("deletionTimestamp"):
            continue
        updated = deep_copy(claim)
        if _set_owner_refs(updated, sts, pod, in_range):
            controller.client.update("persistentvolumeclaims", updated)
