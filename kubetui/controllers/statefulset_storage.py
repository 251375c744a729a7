"""A StatefulSet's storage: one PersistentVolumeClaim per pod and volumeClaimTemplate, kept across restarts.

Follows ``pkg/controller/statefulset/stateful_set_utils.go`` (getPersistentVolumeClaims, updateStorage,
updateClaimOwnerRefForSetAndPod) and ``stateful_pod_control.go`` (createPersistentVolumeClaims, recordClaimEvent):

* before pod ``<set>-<n>`` is created, each template ``<t>`` gives the claim ``<t>-<set>-<n>`` (the template's
  labels plus the set's selector matchLabels), unless it exists; the pod gets a volume ``<t>`` naming it;
* a claim outlives its pod: a recreated ``web-1`` mounts the same claim, so the same volume, on the same node
  for local volumes;
* ``persistentVolumeClaimRetentionPolicy`` (default Retain/Retain): whenDeleted Delete makes the set the
  controller owner of its claims (the garbage collector removes them with the set); whenScaled Delete makes a
  scaled-down pod their controller owner (they go with the pod), and a claim still owned by an earlier pod of
  that name (a stale UID) keeps the new pod from being created until the claim is gone (PodClaimIsStale);
  a claim another controller owns is left alone (Warning ConflictingController).
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
    """createPersistentVolumeClaims: create the pod's claims that do not exist (with no owners: the retention
    policy's owner references come at the next sync, UpdatePodClaimForRetentionPolicy); raise if one could not be
    made or is being deleted (the pod is not created then)."""
    set_name, pod_name = sts["metadata"]["name"], pod["metadata"]["name"]
    errors: list[str] = []
    for _template, claim in claims_for(sts, ordinal):
        name = claim["metadata"]["name"]
        existing = claims_informer.get(claim["metadata"]["namespace"], name)
        if existing is not None:
            if existing["metadata"].get("deletionTimestamp"):
                errors.append(f"pvc {name} is being deleted")
            continue
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


# -- owner references (stateful_set_utils.go, v1.32: controller references since kubernetes#122499) ------------
_SET_KIND = ("apps/v1", "StatefulSet")
_POD_KIND = ("v1", "Pod")


def _policy(sts: Obj) -> tuple[str, str]:
    """getPersistentVolumeClaimRetentionPolicy: (whenScaled, whenDeleted), Retain by default."""
    policy = (sts.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {}
    return policy.get("whenScaled") or "Retain", policy.get("whenDeleted") or "Retain"


def _refs(claim: Obj) -> list[Obj]:
    return [r for r in (claim.get("metadata") or {}).get("ownerReferences") or () if isinstance(r, dict)]


def _uid(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("uid") or "")


def _matches_ref(ref: Obj, obj: Obj, kind: tuple[str, str]) -> bool:
    """matchesRef: the same name, apiVersion and kind (whatever the UID)."""
    return (ref.get("apiVersion"), ref.get("kind")) == kind and ref.get("name") == obj["metadata"]["name"]


def _has_owner_ref(claim: Obj, owner: Obj) -> bool:
    """hasOwnerRef: a reference with the owner's UID, controller or not."""
    uid = _uid(owner)
    return any(r.get("uid") == uid for r in _refs(claim))


def _has_stale_owner_ref(claim: Obj, obj: Obj, kind: tuple[str, str]) -> bool:
    """hasStaleOwnerRef: the first reference naming the object carries another UID (an earlier pod or set of
    that name; a pod not created yet has no UID, so any reference to its name is stale)."""
    for ref in _refs(claim):
        if _matches_ref(ref, obj, kind):
            return ref.get("uid") != _uid(obj)
    return False


def _has_unexpected_controller(claim: Obj, sts: Obj, pod: Obj) -> bool:
    """hasUnexpectedController: under a Delete policy, a controller other than this set or pod, or a reference to
    their names with another UID."""
    if _policy(sts) == ("Retain", "Retain"):
        return False
    for ref in _refs(claim):
        for obj, kind in ((sts, _SET_KIND), (pod, _POD_KIND)):
            if _matches_ref(ref, obj, kind):
                if ref.get("uid") != _uid(obj):
                    return True
                break
        else:
            if ref.get("controller"):
                return True
    return False


def _has_non_controller_owner(claim: Obj, sts: Obj, pod: Obj) -> bool:
    uids = {_uid(sts), _uid(pod)}
    return any(r.get("uid") in uids and not r.get("controller") for r in _refs(claim))


def is_claim_owner_up_to_date(claim: Obj, sts: Obj, pod: Obj, in_range: bool) -> bool:
    """isClaimOwnerUpToDate: stale references leave the claim alone; else the owners the policy wants:
    whenDeleted Delete the set (for pods in range), whenScaled Delete the pod (once scaled down)."""
    if _has_stale_owner_ref(claim, sts, _SET_KIND) or _has_stale_owner_ref(claim, pod, _POD_KIND):
        return True
    if _has_unexpected_controller(claim, sts, pod):
        return not (_has_owner_ref(claim, sts) or _has_owner_ref(claim, pod))
    if _has_non_controller_owner(claim, sts, pod):
        return False
    when_scaled, when_deleted = _policy(sts)
    set_owned, pod_owned = _has_owner_ref(claim, sts), _has_owner_ref(claim, pod)
    if when_scaled == "Delete":
        scaled_down = not in_range
        if when_deleted == "Delete" and scaled_down == set_owned:
            return False
        if when_deleted != "Delete" and set_owned:
            return False
        return scaled_down == pod_owned
    if when_deleted == "Delete":
        return set_owned and not pod_owned
    return not set_owned and not pod_owned


def update_claim_owner_refs(claim: Obj, sts: Obj, pod: Obj, in_range: bool) -> None:
    """updateClaimOwnerRefForSetAndPod: scrub every reference to this set's and pod's names (stale UIDs too), then
    add the controller references (controller and blockOwnerDeletion true) the policy wants, unless another
    controller owns the claim."""
    unexpected = _has_unexpected_controller(claim, sts, pod)
    refs = [r for r in _refs(claim) if not (_matches_ref(r, sts, _SET_KIND) or _matches_ref(r, pod, _POD_KIND))]
    if not unexpected:
        when_scaled, when_deleted = _policy(sts)
        if when_deleted == "Delete" and (when_scaled != "Delete" or in_range):
            refs.append(_controller_ref(sts, _SET_KIND))
        if when_scaled == "Delete" and not in_range:
            refs.append(_controller_ref(pod, _POD_KIND))
    meta = claim.setdefault("metadata", {})
    if refs:
        meta["ownerReferences"] = refs
    else:
        meta.pop("ownerReferences", None)


def _controller_ref(owner: Obj, kind: tuple[str, str]) -> Obj:
    """metav1.NewControllerRef."""
    return {"apiVersion": kind[0], "kind": kind[1], "name": owner["metadata"]["name"], "uid": _uid(owner),
            "controller": True, "blockOwnerDeletion": True}


def pod_claim_is_stale(claims_informer: Any, sts: Obj, pod: Obj, ordinal: int) -> bool:
    """PodClaimIsStale (stateful_pod_control.go): under whenScaled Delete, a claim still owned by an earlier pod
    of this name blocks the pod's creation until the garbage collector has removed it."""
    if _policy(sts)[0] == "Retain":
        return False
    for _template, wanted in claims_for(sts, ordinal):
        claim = claims_informer.get(wanted["metadata"]["namespace"], wanted["metadata"]["name"])
        if claim is not None and _has_stale_owner_ref(claim, pod, _POD_KIND):
            return True
    return False


def sync_pod_claims(controller: Controller, claims_informer: Any, sts: Obj, pod: Obj, ordinal: int,
                    in_range: bool) -> None:
    """For a pod that exists: create its missing claims while it is Pending, and give each claim the owners the
    retention policy wants (ClaimsMatchRetentionPolicy / UpdatePodClaimForRetentionPolicy)."""
    if not claim_templates(sts):
        return
    if in_range and (pod.get("status") or {}).get("phase") == "Pending":
        create_missing_claims(controller, claims_informer, sts, pod, ordinal)
    for _template, wanted in claims_for(sts, ordinal):
        name = wanted["metadata"]["name"]
        claim = claims_informer.get(wanted["metadata"]["namespace"], name)
        if claim is None or claim["metadata"].get("deletionTimestamp"):
            continue
        if is_claim_owner_up_to_date(claim, sts, pod, in_range):
            continue
        if _has_unexpected_controller(claim, sts, pod):
            controller.event(sts, "Warning", "ConflictingController",
                             f"PersistentVolumeClaim {name} has a conflicting OwnerReference that acts as a manging "
                             "controller, the retention policy is ignored for this claim")
        updated = deep_copy(claim)
        update_claim_owner_refs(updated, sts, pod, in_range)
        controller.client.update("persistentvolumeclaims", updated)
