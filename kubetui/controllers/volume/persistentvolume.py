"""The PersistentVolume controller: binds claims to volumes, asks for provisioning, reclaims released volumes.

Follows ``pkg/controller/volume/persistentvolume/pv_controller.go`` (syncClaim -> syncUnboundClaim /
syncBoundClaim, syncVolume, bind, reclaimVolume) and ``index.go`` (findBestMatchForClaim: a volume pre-bound to
the claim, else the smallest available volume that satisfies class, access modes, volume mode, capacity and
the claim's selector):

* an unbound claim with a matching Available volume is bound: the volume's ``spec.claimRef`` and phase Bound,
  then the claim's ``spec.volumeName``, the ``pv.kubernetes.io/bind-completed`` and ``bound-by-controller``
  annotations, and its status (Bound, the volume's access modes and capacity);
* a claim naming its volume (``spec.volumeName``) binds to it only if the volume satisfies it (else Warning
  VolumeMismatch ``Cannot bind to requested volume "x": requested PV is too small`` and the like) and is free
  or bound to this very claim, UID included (else Warning FailedBinding ``volume "x" already bound to a
  different claim.``: a Released volume does not go to a new claim that merely has the old one's name);
* with none, a claim that names no class gets the default class if there is one now (retroactive default
  StorageClass: a claim made before the default class existed);
* with none, a claim whose class binds Immediate is handed to the class's provisioner at once (the
  ``volume.kubernetes.io/storage-provisioner`` annotation, Event ExternalProvisioning); a WaitForFirstConsumer
  claim waits for the scheduler's ``volume.kubernetes.io/selected-node`` annotation (Event WaitForFirstConsumer,
  or WaitForPodScheduled ``waiting for pod web-0 to be scheduled`` once pods that are not scheduled use it);
* a volume whose claim is gone becomes Released; Retain keeps it, Delete leaves it to its provisioner (which
  deletes it), deletes a hostPath volume under /tmp, else marks it Failed; Recycle makes a hostPath or nfs
  volume Available again; a bound claim whose volume is gone is Lost.

Simplification: Recycle scrubs a hostPath or nfs volume at once, without the recycler pod (recycler-for-<pv>) Go runs.
"""

from __future__ import annotations

import re
from typing import Any

from kubetui.api.meta import newest_name
from kubetui.api.storage import (
    ANN_BETA_STORAGE_CLASS,
    ANN_BETA_STORAGE_PROVISIONER,
    ANN_BIND_COMPLETED,
    ANN_BOUND_BY_CONTROLLER,
    ANN_DYNAMICALLY_PROVISIONED,
    ANN_SELECTED_NODE,
    ANN_STORAGE_PROVISIONER,
    POD_PVC_INDEX,
    check_volume_satisfy_claim,
    claim_class,
    claim_key,
    claim_ref_key,
    find_matching_volume,
    is_default_class,
    is_volume_bound_to_claim,
    pod_claim_keys,
)
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller

Obj = dict[str, Any]

_HOST_PATH_DELETABLE = re.compile("/tmp/.+")  # hostPathDeleter.Delete (pkg/volume/hostpath/host_path.go)
RESYNC_SECONDS = 15.0  # the PV controller's --pvclaimbinder-sync-period
_CLAIM, _VOLUME = "claim:", "volume:"


def _annotations(obj: Obj) -> dict[str, str]:
    return (obj.get("metadata") or {}).get("annotations") or {}


def _phase(obj: Obj) -> str:
    return str((obj.get("status") or {}).get("phase") or "")


def _terminated(pod: Obj) -> bool:
    """IsPodTerminated: Failed or Succeeded, or being deleted with no container running."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Failed", "Succeeded"):
        return True
    return bool(pod["metadata"].get("deletionTimestamp")) and not any(
        "running" in (c.get("state") or {}) for c in status.get("containerStatuses") or ())


class PersistentVolumeController(Controller):
    name = "persistentvolume-controller"

    def setup(self) -> None:
        self.claims = self.informers.informer("persistentvolumeclaims")
        self.volumes = self.informers.informer("persistentvolumes")
        self.classes = self.informers.informer("storageclasses")
        self.volumes.add_index("claimRef", lambda pv: [claim_ref_key(pv)] if claim_ref_key(pv) else [])
        # No pod handlers: the pods by claim are only looked up (podIndexer), for WaitForPodScheduled.
        self.pods = self.informers.informer("pods")
        self.pods.add_index(POD_PVC_INDEX, pod_claim_keys)
        self.claims.add_handlers(self._claim, lambda _old, new: self._claim(new), self._claim_deleted)
        self.volumes.add_handlers(self._volume, lambda _old, new: self._volume(new), self._volume_deleted)
        self.clock.call_later(RESYNC_SECONDS, self._resync, label="persistentvolume-controller resync")

    def _resync(self) -> None:
        """resync: every claim and volume is synced again each period (so a waiting claim's Event repeats)."""
        for pvc in self.claims.list():
            self.queue.add(_CLAIM + claim_key(pvc))
        for pv in self.volumes.list():
            self.queue.add(_VOLUME + pv["metadata"]["name"])
        self.clock.call_later(RESYNC_SECONDS, self._resync, label="persistentvolume-controller resync")

    # -- handlers: keys only --------------------------------------------------------------------------
    def _claim(self, pvc: Obj) -> None:
        self.queue.add(_CLAIM + claim_key(pvc))

    def _claim_deleted(self, pvc: Obj) -> None:
        for pv in self.volumes.by_index("claimRef", claim_key(pvc)):
            self.queue.add(_VOLUME + pv["metadata"]["name"])

    def _volume(self, pv: Obj) -> None:
        self.queue.add(_VOLUME + pv["metadata"]["name"])
        ref = claim_ref_key(pv)
        if ref:
            self.queue.add(_CLAIM + ref)
        elif _phase(pv) == "Available":
            self._wake_unbound_claims()

    def _volume_deleted(self, pv: Obj) -> None:
        ref = claim_ref_key(pv)
        if ref:
            self.queue.add(_CLAIM + ref)

    def _wake_unbound_claims(self) -> None:
        for pvc in self.claims.list():
            if not (pvc.get("spec") or {}).get("volumeName"):
                self.queue.add(_CLAIM + claim_key(pvc))

    def reconcile(self, key: str) -> None:
        if key.startswith(_CLAIM):
            namespace, _, name = key[len(_CLAIM):].partition("/")
            pvc = self.claims.get(namespace, name)
            if pvc is not None:
                self.sync_claim(pvc)
        else:
            pv = self.volumes.get("", key[len(_VOLUME):])
            if pv is not None:
                self.sync_volume(pv)

    # -- claims ---------------------------------------------------------------------------------------
    def sync_claim(self, pvc: Obj) -> None:
        if _annotations(pvc).get(ANN_BIND_COMPLETED) is None:
            self._sync_unbound_claim(pvc)
        else:
            self._sync_bound_claim(pvc)

    def _binding_mode(self, pvc: Obj) -> str:
        cls = claim_class(pvc)
        sc = self.classes.get("", cls) if cls else None
        return str((sc or {}).get("volumeBindingMode") or "Immediate")

    def _sync_unbound_claim(self, pvc: Obj) -> None:
        spec = pvc.get("spec") or {}
        key = claim_key(pvc)
        if spec.get("volumeName"):
            self._sync_requested_volume(pvc, spec["volumeName"])
            return
        waits = self._binding_mode(pvc) == "WaitForFirstConsumer"
        candidates = [pv for pv in self.volumes.list() if not claim_ref_key(pv) or claim_ref_key(pv) == key]
        # A delayed-binding claim is matched by the scheduler, which knows the node; here only pre-bound volumes.
        pv = find_matching_volume(pvc, [p for p in candidates if claim_ref_key(p) == key] if waits else candidates)
        if pv is not None:
            self._bind(pv, pvc)
            return
        if self._assign_default_class(pvc):
            return  # the update brings the claim back, with its class
        cls = claim_class(pvc)
        if waits and ANN_SELECTED_NODE not in _annotations(pvc):
            self._event_for_unbound_delay_binding_claim(pvc)
            self._claim_phase(pvc, "Pending")
            return
        if cls:
            self._provision(pvc, cls)
            return
        self.event(pvc, "Normal", "FailedBinding",
                   "no persistent volumes available for this claim and no storage class is set")
        self._claim_phase(pvc, "Pending")

    def _sync_requested_volume(self, pvc: Obj, name: str) -> None:
        """syncUnboundClaim, the user asked for a specific volume: it must exist, satisfy the claim
        (checkVolumeSatisfyClaim: VolumeMismatch) and be free or bound to this very claim (its UID too)."""
        pv = self.volumes.get("", name)
        if pv is None:
            self._claim_phase(pvc, "Pending")
            return
        if not (pv.get("spec") or {}).get("claimRef"):
            why = check_volume_satisfy_claim(pv, pvc)
            if why:
                self.event(pvc, "Warning", "VolumeMismatch", f'Cannot bind to requested volume "{name}": {why}')
                self._claim_phase(pvc, "Pending")
                return
            self._bind(pv, pvc)
        elif is_volume_bound_to_claim(pv, pvc):
            self._bind(pv, pvc)  # finish the binding (the claim's UID)
        else:
            self.event(pvc, "Warning", "FailedBinding", f'volume "{name}" already bound to a different claim.')
            if ANN_BOUND_BY_CONTROLLER not in _annotations(pvc):
                self._claim_phase(pvc, "Pending")

    def _assign_default_class(self, pvc: Obj) -> bool:
        """assignDefaultStorageClass (retroactive default StorageClass): an unbound claim that names no class at
        all (not even ``""``) and found no volume gets the default class, if there is one now (GetDefaultClass:
        the newest default, then by name)."""
        if (pvc.get("spec") or {}).get("storageClassName") is not None or ANN_BETA_STORAGE_CLASS in _annotations(pvc):
            return False
        name = newest_name([sc for sc in self.classes.list() if is_default_class(sc)])
        if name is None:
            return False
        updated = deep_copy(pvc)
        updated["spec"]["storageClassName"] = name
        self.client.update("persistentvolumeclaims", updated)
        self.record(f"PersistentVolumeClaim {claim_key(pvc)}", "no class, no volume", f"class {name}",
                    f"assign the default StorageClass {name}")
        return True

    def _event_for_unbound_delay_binding_claim(self, pvc: Obj) -> None:
        """emitEventForUnboundDelayBindingClaim: WaitForPodScheduled naming the pods that use the claim and are
        not scheduled yet (findNonScheduledPodsByPVC, terminated pods left out), else WaitForFirstConsumer."""
        names = [pod["metadata"]["name"] for pod in self.pods.by_index(POD_PVC_INDEX, claim_key(pvc))
                 if not (pod.get("spec") or {}).get("nodeName") and not _terminated(pod)]
        if not names:
            self.event(pvc, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding")
        elif len(names) == 1:
            self.event(pvc, "Normal", "WaitForPodScheduled", f"waiting for pod {names[0]} to be scheduled")
        else:
            self.event(pvc, "Normal", "WaitForPodScheduled", f"waiting for pods {','.join(names)} to be scheduled")

    def _provision(self, pvc: Obj, cls: str) -> None:
        """provisionClaim for an external provisioner: name it on the claim and wait for it."""
        sc = self.classes.get("", cls)
        if sc is None:
            self.event(pvc, "Warning", "ProvisioningFailed", f'storageclass.storage.k8s.io "{cls}" not found')
            self._claim_phase(pvc, "Pending")
            return
        provisioner = str(sc.get("provisioner") or "")
        annotations = _annotations(pvc)
        if annotations.get(ANN_STORAGE_PROVISIONER) != provisioner:
            updated = deep_copy(pvc)
            ann = updated["metadata"].setdefault("annotations", {})
            ann[ANN_STORAGE_PROVISIONER] = provisioner
            ann[ANN_BETA_STORAGE_PROVISIONER] = provisioner
            pvc = self.client.update("persistentvolumeclaims", updated)
            self.record(f"PersistentVolumeClaim {claim_key(pvc)}", "unbound, no volume fits",
                        f"a volume from {provisioner}", "set storage-provisioner annotation")
        self.event(pvc, "Normal", "ExternalProvisioning",
                   f"Waiting for a volume to be created either by the external provisioner '{provisioner}' or "
                   "manually by the system administrator. If volume creation is delayed, please verify that the "
                   "provisioner is running and correctly registered.")
        self._claim_phase(pvc, "Pending")

    def _sync_bound_claim(self, pvc: Obj) -> None:
        name = (pvc.get("spec") or {}).get("volumeName")
        if not name:
            self._lost(pvc, "ClaimLost",
                       "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!")
            return
        pv = self.volumes.get("", name)
        if pv is None:
            self._lost(pvc, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!")
            return
        if not (pv.get("spec") or {}).get("claimRef") or is_volume_bound_to_claim(pv, pvc):
            self._bind(pv, pvc)
        else:
            self._lost(pvc, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly")

    def _lost(self, pvc: Obj, reason: str, message: str) -> None:
        """updateClaimStatusWithEvent: the Event only when the phase changes, not at every resync."""
        if _phase(pvc) != "Lost":
            pvc = self._claim_phase(pvc, "Lost")
            self.event(pvc, "Warning", reason, message)

    def _claim_phase(self, pvc: Obj, phase: str) -> Obj:
        if _phase(pvc) == phase:
            return pvc
        updated = deep_copy(pvc)
        status = updated.setdefault("status", {})
        status["phase"] = phase
        if phase != "Bound":
            status.pop("accessModes", None)
            status.pop("capacity", None)
        result = self.client.update_status("persistentvolumeclaims", updated)
        self.record(f"PersistentVolumeClaim {claim_key(pvc)}", _phase(pvc) or "new", phase, f"phase {phase}")
        return result

    # -- binding (bind: volume first, then the claim) ---------------------------------------------------
    def _bind(self, pv: Obj, pvc: Obj) -> None:
        pv = self._bind_volume_to_claim(pv, pvc)
        pv = self._volume_phase(pv, "Bound", "")
        pvc = self._bind_claim_to_volume(pvc, pv)
        self._claim_status_bound(pvc, pv)

    def _bind_volume_to_claim(self, pv: Obj, pvc: Obj) -> Obj:
        meta = pvc["metadata"]
        ref = (pv.get("spec") or {}).get("claimRef") or {}
        wanted = {"kind": "PersistentVolumeClaim", "namespace": meta.get("namespace", ""), "name": meta["name"],
                  "uid": meta.get("uid", ""), "apiVersion": "v1", "resourceVersion": meta.get("resourceVersion", "")}
        if ref.get("uid") == wanted["uid"] and ref.get("name") == wanted["name"]:
            return pv
        updated = deep_copy(pv)
        updated["spec"]["claimRef"] = wanted
        if not ref:
            updated["metadata"].setdefault("annotations", {})[ANN_BOUND_BY_CONTROLLER] = "yes"
        result = self.client.update("persistentvolumes", updated)
        self.record(f"PersistentVolume {pv['metadata']['name']}", "unbound", claim_key(pvc), "set claimRef")
        return result

    def _bind_claim_to_volume(self, pvc: Obj, pv: Obj) -> Obj:
        spec = pvc.get("spec") or {}
        annotations = _annotations(pvc)
        if spec.get("volumeName") == pv["metadata"]["name"] and annotations.get(ANN_BIND_COMPLETED) == "yes":
            return pvc
        updated = deep_copy(pvc)
        ann = updated["metadata"].setdefault("annotations", {})
        if not spec.get("volumeName"):
            updated["spec"]["volumeName"] = pv["metadata"]["name"]
            ann[ANN_BOUND_BY_CONTROLLER] = "yes"
        ann[ANN_BIND_COMPLETED] = "yes"
        result = self.client.update("persistentvolumeclaims", updated)
        self.record(f"PersistentVolumeClaim {claim_key(pvc)}", "unbound", pv["metadata"]["name"],
                    f"bind to volume {pv['metadata']['name']}")
        return result

    def _claim_status_bound(self, pvc: Obj, pv: Obj) -> None:
        """updateClaimStatus: Bound, with the volume's access modes; its capacity only as the claim becomes Bound
        (a later difference may be deliberate: Go does not clobber it)."""
        spec = pv.get("spec") or {}
        status = pvc.get("status") or {}
        wanted: Obj = {"phase": "Bound", "accessModes": list(spec.get("accessModes") or ())}
        if _phase(pvc) != "Bound":
            wanted["capacity"] = dict(spec.get("capacity") or {})
        if all(status.get(k) == v for k, v in wanted.items()):
            return
        updated = deep_copy(pvc)
        updated.setdefault("status", {}).update(wanted)
        self.client.update_status("persistentvolumeclaims", updated)
        self.record(f"PersistentVolumeClaim {claim_key(pvc)}", _phase(pvc) or "new", "Bound", "phase Bound")

    # -- volumes --------------------------------------------------------------------------------------
    def sync_volume(self, pv: Obj) -> None:
        spec = pv.get("spec") or {}
        ref = spec.get("claimRef")
        if not ref or not ref.get("uid"):
            self._volume_phase(pv, "Available", "")  # free, or pre-bound by a user to a claim yet to come
            return
        pvc = self.claims.get(str(ref.get("namespace", "")), str(ref.get("name", "")))
        if pvc is None or pvc["metadata"].get("uid") != ref.get("uid"):
            if _phase(pv) not in ("Released", "Failed"):
                pv = self._volume_phase(pv, "Released", "")
            self._reclaim(pv)
            return
        volume_name = (pvc.get("spec") or {}).get("volumeName")
        if not volume_name:
            return  # the claim is being bound to this volume: its sync finishes the job
        if volume_name == pv["metadata"]["name"]:
            self._volume_phase(pv, "Bound", "")
        elif _annotations(pv).get(ANN_BOUND_BY_CONTROLLER):
            updated = deep_copy(pv)  # the claim went to another volume: unbind this one
            updated["spec"].pop("claimRef", None)
            updated["metadata"].get("annotations", {}).pop(ANN_BOUND_BY_CONTROLLER, None)
            self._volume_phase(self.client.update("persistentvolumes", updated), "Available", "")

    def _reclaim(self, pv: Obj) -> None:
        """reclaimVolume, for a Released (or Failed: retried at every sync) volume. Retain keeps it. Delete: a
        volume an external provisioner made is that provisioner's to delete; a hostPath volume has the in-tree
        deleter, which removes only paths under /tmp (else ``host_path deleter only supports /tmp/.+ but
        received provided <path>``); other sources have no deleter. Recycle: hostPath and nfs scrub the volume
        and make it Available again (``Volume recycled``); other sources ``No recycler plugin found for the
        volume!``. A failure is a Warning Event and phase Failed with the same message."""
        spec = pv.get("spec") or {}
        policy = spec.get("persistentVolumeReclaimPolicy") or "Retain"
        if policy == "Retain" or _phase(pv) not in ("Released", "Failed"):
            return
        name = pv["metadata"]["name"]
        if policy == "Delete":
            provisioner = _annotations(pv).get(ANN_DYNAMICALLY_PROVISIONED)
            if provisioner and not provisioner.startswith("kubernetes.io/"):
                return  # the external provisioner that made it deletes it
            path = str((spec.get("hostPath") or {}).get("path") or "")
            if spec.get("hostPath") is None:
                self._reclaim_failed(pv, "VolumeFailedDelete", f'error getting deleter volume plugin for volume '
                                                               f'"{name}": no deletable volume plugin matched')
            elif not _HOST_PATH_DELETABLE.search(path):
                self._reclaim_failed(pv, "VolumeFailedDelete",
                                     f"host_path deleter only supports /tmp/.+ but received provided {path}")
            elif not pv["metadata"].get("deletionTimestamp"):
                self._delete_volume(pv)
        elif policy == "Recycle":
            if spec.get("hostPath") is None and spec.get("nfs") is None:
                self._reclaim_failed(pv, "VolumeFailedRecycle", "No recycler plugin found for the volume!")
                return
            self.event(pv, "Normal", "VolumeRecycled", "Volume recycled")
            self._unbind_volume(pv)
        else:
            self._reclaim_failed(pv, "VolumeUnknownReclaimPolicy",
                                 "Volume has unrecognized PersistentVolumeReclaimPolicy")

    def _reclaim_failed(self, pv: Obj, reason: str, message: str) -> None:
        """updateVolumePhaseWithEvent: the Event, then phase Failed with the message."""
        self.event(pv, "Warning", reason, message)
        self._volume_phase(pv, "Failed", message)

    def _delete_volume(self, pv: Obj) -> None:
        """deleteVolumeOperation: the deleter removed the directory; the PV object goes too."""
        try:
            self.client.delete("persistentvolumes", "", pv["metadata"]["name"])
        except ApiError as err:
            if err.code != 404:
                raise
            return
        self.record(f"PersistentVolume {pv['metadata']['name']}", "Released, reclaim policy Delete", "gone",
                    f"delete persistentvolume/{pv['metadata']['name']} (host path removed)")

    def _unbind_volume(self, pv: Obj) -> None:
        """unbindVolume: a volume the controller bound forgets its claim; one a user pre-bound keeps the claim's
        name and namespace (only the UID goes); then phase Available."""
        updated = deep_copy(pv)
        annotations = updated["metadata"].get("annotations") or {}
        if ANN_BOUND_BY_CONTROLLER in annotations:
            updated["spec"].pop("claimRef", None)
            annotations.pop(ANN_BOUND_BY_CONTROLLER)
        elif updated["spec"].get("claimRef"):
            updated["spec"]["claimRef"].pop("uid", None)
        self._volume_phase(self.client.update("persistentvolumes", updated), "Available", "")

    def _volume_phase(self, pv: Obj, phase: str, message: str) -> Obj:
        status = pv.get("status") or {}
        if status.get("phase") == phase and (status.get("message") or "") == message:
            return pv
        updated = deep_copy(pv)
        new_status = updated.setdefault("status", {})
        new_status["phase"] = phase
        if message:
            new_status["message"] = message
        else:
            new_status.pop("message", None)
        try:
            result = self.client.update_status("persistentvolumes", updated)
        except ApiError as err:
            if err.code == 404:
                return pv
            raise
        self.record(f"PersistentVolume {pv['metadata']['name']}", status.get("phase") or "new", phase,
                    f"phase {phase}")
        return result
