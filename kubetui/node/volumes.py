"""The kubelet's volume manager, cut down to persistentVolumeClaim volumes (pkg/kubelet/volumemanager).

Before SyncPod creates the sandbox, WaitForAttachAndMount waits (polling every 300 ms, for up to 2 min 3 s) until
every volume of the pod is mounted. The desired-state populator cannot even process a claim volume until the
claim is Bound (getPVCExtractPV: ``PVC ... has non-bound phase``), so the pod stays ContainerCreating. After the
timeout SyncPod returns the error ``unmounted volumes=[data], unattached volumes=[], failed to process
volumes=[data]: context deadline exceeded`` and the pod worker tries again; v1.32 records no FailedMount Event
for it (kubelet.go skips the Event when ``wait.Interrupted(err)``, and the timeout is wrapped with %w), so the
kubelet stays silent: the reason is on the claim (``kubectl describe pvc``).

Simplification: claims are read with a GET every 2 s (not 300 ms); other volume types mount at once.
"""

from __future__ import annotations

from typing import Any

from kubetui.apiserver.errors import ApiError

MOUNT_POLL_SECONDS = 2.0
ATTACH_AND_MOUNT_TIMEOUT = 2 * 60 + 3.0  # podAttachAndMountTimeout


def unmounted_claim_volumes(client: Any, namespace: str, claims: list[tuple[str, str]]) -> list[str]:
    """The volume names whose claim is missing or not Bound yet."""
    waiting = []
    for volume, claim in claims:
        try:
            pvc = client.get("persistentvolumeclaims", namespace, claim)
        except ApiError:
            waiting.append(volume)
            continue
        if (pvc.get("status") or {}).get("phase") != "Bound" or not (pvc.get("spec") or {}).get("volumeName"):
            waiting.append(volume)
    return waiting


def mount_timeout_message(waiting: list[str]) -> str:
    """WaitForAttachAndMount's error after the timeout (Go's %v of a []string: ``[a b]``)."""
    names = "[" + " ".join(sorted(waiting)) + "]"
    return (f"unmounted volumes={names}, unattached volumes=[], failed to process volumes={names}: "
            "context deadline exceeded")
