"""The PVC protection controller: a claim in use by a pod is not removed until no pod uses it.

Follows ``pkg/controller/volume/pvcprotection/pvc_protection_controller.go``: the API server's
StorageObjectInUseProtection admission plugin puts the ``kubernetes.io/pvc-protection`` finalizer on every new
claim; when a claim is being deleted and no scheduled pod names it in its volumes (podUsesPVC: a finished pod
still counts until it is deleted; an unscheduled one does not, the kubelet would refuse to start it), this
controller removes the finalizer and the claim goes. While a pod uses it, ``kubectl get pvc``
shows it Terminating. A pod event costs nothing for pods without claim volumes.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.storage import POD_PVC_INDEX, PVC_PROTECTION_FINALIZER, claim_key, pod_claim_keys
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller

Obj = dict[str, Any]


class PVCProtectionController(Controller):
    name = "pvc-protection-controller"

    def setup(self) -> None:
        self.claims = self.informers.informer("persistentvolumeclaims")
        self.pods = self.informers.informer("pods")
        self.pods.add_index(POD_PVC_INDEX, pod_claim_keys)
        self.claims.add_handlers(self._claim, lambda _old, new: self._claim(new), None)
        self.pods.add_handlers(None, None, self._pod_gone)

    def _claim(self, pvc: Obj) -> None:
        meta = pvc["metadata"]
        if meta.get("deletionTimestamp") and PVC_PROTECTION_FINALIZER in (meta.get("finalizers") or ()):
            self.queue.add(claim_key(pvc))

    def _pod_gone(self, pod: Obj) -> None:
        if not (pod.get("spec") or {}).get("volumes"):
            return  # the common case: nothing to look at
        for key in pod_claim_keys(pod):
            namespace, _, name = key.partition("/")
            pvc = self.claims.get(namespace, name)
            if pvc is not None:
                self._claim(pvc)

    def reconcile(self, key: str) -> None:
        namespace, _, name = key.partition("/")
        pvc = self.claims.get(namespace, name)
        if pvc is None:
            return
        meta = pvc["metadata"]
        if not meta.get("deletionTimestamp") or PVC_PROTECTION_FINALIZER not in (meta.get("finalizers") or ()):
            return
        users = [p["metadata"]["name"] for p in self.pods.by_index(POD_PVC_INDEX, key)
                 if (p.get("spec") or {}).get("nodeName")]
        if users:
            self.record(f"PersistentVolumeClaim {key}", f"being deleted, used by {', '.join(users)}",
                        "no pod using it", "keep the finalizer")
            return
        updated = deep_copy(pvc)
        updated["metadata"]["finalizers"] = [f for f in meta.get("finalizers") or () if f != PVC_PROTECTION_FINALIZER]
        try:
            self.client.update("persistentvolumeclaims", updated)
        except ApiError as err:
            if err.code == 404:
                return
            raise
        self.record(f"PersistentVolumeClaim {key}", "being deleted, unused", "gone",
                    f"remove finalizer {PVC_PROTECTION_FINALIZER}")
