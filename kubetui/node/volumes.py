"""The kubelet's volume manager, cut down to persistentVolumeClaim volumes (pkg/kubelet/volumemanager).

Before SyncPod creates the sandbox, WaitForAttachAndMount waits until every volume of the pod is mounted. The
desired-state populator cannot process a claim volume whose claim is being deleted (a pod that has not started
must not start on it: ``PVC is being deleted``) or is not Bound (``PVC is not bound``), so the pod stays
ContainerCreating.

Simplification: the kubelet waits quietly for a claim that is not Bound or is being deleted (2 min 3 s, then again),
where v1.32 fails the sync at once with Warning FailedMount ``Unable to attach or mount volumes: unmounted
volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC default/data: PVC is
not bound`` every 10-15 s: kubetui's PreBind does not wait for the claims to be Bound, this wait stands in for it.
Simplification: claims are read with a GET every 2 s (not 300 ms); other volume types mount at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kubetui.apiserver.errors import ApiError

MOUNT_POLL_SECONDS = 2.0
ATTACH_AND_MOUNT_TIMEOUT = 2 * 60 + 3.0  # podAttachAndMountTimeout


def unmounted_claim_volumes(client: Any, namespace: str, claims: list[tuple[str, str]],
                            bound: dict[str, str] | None = None) -> dict[str, str]:
    """The volumes whose claim cannot be used yet, each with getPVCExtractPV's error (desired_state_of_world_populator
    .go): a claim being deleted must not be used by a pod that has not started (``PVC is being deleted``), nor one
    that is not Bound (``PVC is not bound``)."""
    waiting: dict[str, str] = {}
    for volume, claim in claims:
        try:
            pvc = client.get("persistentvolumeclaims", namespace, claim)
        except ApiError as err:
            waiting[volume] = f"failed to fetch PVC from API server: {err.message}"
            continue
        if (pvc.get("metadata") or {}).get("deletionTimestamp"):
            waiting[volume] = "PVC is being deleted"
        elif (pvc.get("status") or {}).get("phase") != "Bound":
            waiting[volume] = "PVC is not bound"
        elif not (pvc.get("spec") or {}).get("volumeName"):
            waiting[volume] = "PVC has empty pvc.Spec.VolumeName"
        elif bound is not None:  # the volume's PersistentVolume: where its data lives
            bound[volume] = str(pvc["spec"]["volumeName"])
    return waiting


def mount_timeout_message(waiting: Iterable[str]) -> str:
    """WaitForAttachAndMount's error after the timeout (Go's %v of a []string: ``[a b]``)."""
    names = "[" + " ".join(sorted(waiting)) + "]"
    return (f"unmounted volumes={names}, unattached volumes=[], failed to process volumes={names}: "
            "context deadline exceeded")
