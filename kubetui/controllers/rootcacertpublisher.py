"""The root CA certificate publisher: a ConfigMap ``kube-root-ca.crt`` in every namespace.

Follows ``pkg/controller/certificates/rootcacertpublisher/publisher.go``: pods read the cluster's CA bundle
from it to trust the API server. It is created in each new namespace and put back as it was when someone
edits or deletes it.
Simplification: the bundle is a placeholder certificate; kubetui's API server speaks plain HTTP.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.cluster_ca import ROOT_CA
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.pernamespace import PerNamespaceController

Obj = dict[str, Any]

ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
DATA_KEY = "ca.crt"
DESCRIPTION_ANNOTATION = "kubernetes.io/description"
DESCRIPTION = (
    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as "
    "the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of "
    "Kubernetes clusters."
)


class RootCACertPublisher(PerNamespaceController):
    name = "root-ca-certificate-publisher"
    resource = "configmaps"
    object_name = ROOT_CA_CONFIGMAP

    def ensure(self, namespace: str, current: Obj | None) -> None:
        key, cm = namespace, current
        try:
            if cm is None:
                self.client.create("configmaps", {
                    "apiVersion": "v1", "kind": "ConfigMap",
                    "metadata": {"name": ROOT_CA_CONFIGMAP, "annotations": {DESCRIPTION_ANNOTATION: DESCRIPTION}},
                    "data": {DATA_KEY: ROOT_CA},
                }, key)
                self.record(f"Namespace {key}", f"no {ROOT_CA_CONFIGMAP}", "the CA bundle",
                            f"create configmap/{ROOT_CA_CONFIGMAP}")
                return
            annotations = cm["metadata"].get("annotations") or {}
            if cm.get("data") == {DATA_KEY: ROOT_CA} and annotations.get(DESCRIPTION_ANNOTATION) == DESCRIPTION:
                return
            fixed = deep_copy(cm)
            fixed["data"] = {DATA_KEY: ROOT_CA}
            fixed.pop("binaryData", None)
            fixed["metadata"].setdefault("annotations", {})[DESCRIPTION_ANNOTATION] = DESCRIPTION
            self.client.update("configmaps", fixed)
            self.record(f"ConfigMap {key}/{ROOT_CA_CONFIGMAP}", "edited", "the CA bundle", "put the CA bundle back")
        except ApiError as err:
            if err.code in (403, 404, 409):  # namespace going away, or the cache was behind: the next event retries
                return
            raise
