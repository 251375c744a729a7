"""The local-path provisioner kind ships (rancher/local-path-provisioner, on sig-storage-lib-external-provisioner):
it makes a hostPath PersistentVolume on the node the scheduler picked, and deletes it when it is released.

For a claim annotated ``volume.kubernetes.io/storage-provisioner: rancher.io/local-path`` by the PV controller,
with no volume yet and, for its WaitForFirstConsumer class, the scheduler's ``volume.kubernetes.io/selected-node``:
Event Provisioning, then a PV named ``pvc-<claim uid>`` with the claim's access modes and request as capacity,
a hostPath under ``/var/local-path-provisioner`` and a required node affinity to that node (the volume lives
on that node's disk), ``spec.claimRef`` to the claim (the PV controller completes the binding), and the class's
reclaim policy; Event ProvisioningSucceeded. A Released volume with policy Delete is deleted.

What rancher's provisioner refuses, it refuses here, as Warning ProvisioningFailed events and no volume:
``volumeMode: Block`` (the library's ``canProvision``: ``rancher.io/local-path does not support block volume
provisioning``, before any Provisioning event), then, after Provisioning, ``failed to provision volume with
StorageClass "standard": <why>`` for a claim with a selector (``claim.Spec.Selector is not supported``), access
modes other than ReadWriteOnce/ReadWriteOncePod (``NodePath only supports ReadWriteOnce and ReadWriteOncePod
(1.22+) access modes``), or no selected node. These are ProvisioningFinished errors: the library keeps the
``volume.kubernetes.io/selected-node`` annotation (it removes it only for ProvisioningReschedule), so the pod
stays Pending without events of its own: ``kubectl describe pvc`` says why.

Simplification: a refused claim is not retried with backoff (the library retries, repeating the event); it is
looked at again when it changes.

Simplification: the local-path provisioner (a pod in kind) runs in the controller manager, an API client still.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.storage import (
    ANN_DYNAMICALLY_PROVISIONED,
    ANN_SELECTED_NODE,
    ANN_STORAGE_PROVISIONER,
    LOCAL_PATH_PROVISIONER,
    LOCAL_PATH_ROOT,
    claim_class,
    claim_key,
)
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller

Obj = dict[str, Any]
_CLAIM, _VOLUME = "claim:", "volume:"


class LocalPathProvisioner(Controller):
    name = "local-path-provisioner"
    provisioner = LOCAL_PATH_PROVISIONER

    def setup(self) -> None:
        self.claims = self.informers.informer("persistentvolumeclaims")
        self.volumes = self.informers.informer("persistentvolumes")
        self.classes = self.informers.informer("storageclasses")
        self.claims.add_handlers(self._claim, lambda _old, new: self._claim(new), None)
        self.volumes.add_handlers(self._volume, lambda _old, new: self._volume(new), None)

    def _claim(self, pvc: Obj) -> None:
        annotations = pvc["metadata"].get("annotations") or {}
        if annotations.get(ANN_STORAGE_PROVISIONER) == self.provisioner and not pvc.get("spec", {}).get("volumeName"):
            self.queue.add(_CLAIM + claim_key(pvc))

    def _volume(self, pv: Obj) -> None:
        annotations = pv["metadata"].get("annotations") or {}
        if annotations.get(ANN_DYNAMICALLY_PROVISIONED) == self.provisioner and (
                (pv.get("status") or {}).get("phase") == "Released"):
            self.queue.add(_VOLUME + pv["metadata"]["name"])

    def reconcile(self, key: str) -> None:
        if key.startswith(_CLAIM):
            namespace, _, name = key[len(_CLAIM):].partition("/")
            pvc = self.claims.get(namespace, name)
            if pvc is not None:
                self._provision(pvc)
        else:
            pv = self.volumes.get("", key[len(_VOLUME):])
            if pv is not None:
                self._delete(pv)

    def _provision(self, pvc: Obj) -> None:
        meta = pvc["metadata"]
        spec = pvc.get("spec") or {}
        if spec.get("volumeName") or meta.get("deletionTimestamp"):
            return
        sc = self.classes.get("", claim_class(pvc))
        if sc is None or sc.get("provisioner") != self.provisioner:
            return
        node = (meta.get("annotations") or {}).get(ANN_SELECTED_NODE)
        if sc.get("volumeBindingMode") == "WaitForFirstConsumer" and not node:
            return  # shouldProvision: wait for the scheduler to pick the node
        name = f"pvc-{meta.get('uid', '')}"
        if self.volumes.get("", name) is not None:
            return  # made already; the PV controller binds it
        if spec.get("volumeMode") == "Block":  # canProvision: before the Provisioning event, unprefixed
            self.event(pvc, "Warning", "ProvisioningFailed",
                       f"{self.provisioner} does not support block volume provisioning")
            return
        self.event(pvc, "Normal", "Provisioning",
                   f'External provisioner is provisioning volume for claim "{claim_key(pvc)}"')
        refused = self._refusal(spec, node)
        if refused:
            self.event(pvc, "Warning", "ProvisioningFailed",
                       f'failed to provision volume with StorageClass "{sc["metadata"]["name"]}": {refused}')
            return
        namespace = meta.get("namespace", "")
        pv = {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {
                "name": name,
                "annotations": {ANN_DYNAMICALLY_PROVISIONED: self.provisioner,
                                "local.path.provisioner/selected-node": node},
            },
            "spec": {
                "capacity": {"storage": ((spec.get("resources") or {}).get("requests") or {}).get("storage", "0")},
                "accessModes": list(spec.get("accessModes") or ()),
                "claimRef": {"kind": "PersistentVolumeClaim", "namespace": namespace, "name": meta["name"],
                             "uid": meta.get("uid", ""), "apiVersion": "v1",
                             "resourceVersion": meta.get("resourceVersion", "")},
                "persistentVolumeReclaimPolicy": sc.get("reclaimPolicy") or "Delete",
                "storageClassName": sc["metadata"]["name"],
                "volumeMode": spec.get("volumeMode") or "Filesystem",
                "hostPath": {"path": f"{LOCAL_PATH_ROOT}/{name}_{namespace}_{meta['name']}",
                             "type": "DirectoryOrCreate"},
                "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}},
            },
        }
        try:
            self.client.create("persistentvolumes", pv)
        except ApiError as err:
            if err.code == 409:
                return
            self.event(pvc, "Warning", "ProvisioningFailed",
                       f'failed to provision volume with StorageClass "{sc["metadata"]["name"]}": {err.message}')
            raise
        self.event(pvc, "Normal", "ProvisioningSucceeded", f"Successfully provisioned volume {name}")
        self.record(f"PersistentVolumeClaim {claim_key(pvc)}", f"no volume, node {node} selected",
                    "a volume on that node", f"create persistentvolume/{name} ({LOCAL_PATH_ROOT} on {node})")

    @staticmethod
    def _refusal(spec: Obj, node: str | None) -> str:
        """provisionFor (local-path-provisioner provisioner.go), for node-local paths: what it refuses."""
        if spec.get("selector") is not None:
            return "claim.Spec.Selector is not supported"
        if any(mode not in ("ReadWriteOnce", "ReadWriteOncePod") for mode in spec.get("accessModes") or ()):
            return "NodePath only supports ReadWriteOnce and ReadWriteOncePod (1.22+) access modes"
        if not node:
            return "configuration error, no node was specified"
        return ""

    def _delete(self, pv: Obj) -> None:
        """A Released volume with policy Delete: the directory is removed and the PV object deleted."""
        if (pv.get("spec") or {}).get("persistentVolumeReclaimPolicy") != "Delete":
            return
        if pv["metadata"].get("deletionTimestamp"):
            return
        try:
            self.client.delete("persistentvolumes", "", pv["metadata"]["name"])
        except ApiError as err:
            if err.code == 404:
                return
            raise
        self.record(f"PersistentVolume {pv['metadata']['name']}", "Released, reclaim policy Delete", "gone",
                    f"delete persistentvolume/{pv['metadata']['name']}")
