"""The service account controller: every namespace gets a ServiceAccount named ``default``.

Follows ``pkg/controller/serviceaccount/serviceaccounts_controller.go``: on each namespace that is added or
changed, and whenever a ``default`` ServiceAccount is deleted, it creates the missing one (a Terminating
namespace is left alone). Pods that name no service account run as ``default``: the API server's
ServiceAccount admission plugin fills in ``spec.serviceAccountName`` and refuses a pod whose account is
missing.
"""

from __future__ import annotations

from typing import Any

from kubetui.apiserver.errors import ApiError
from kubetui.controllers.pernamespace import PerNamespaceController

Obj = dict[str, Any]

DEFAULT_SERVICE_ACCOUNT = "default"


class ServiceAccountController(PerNamespaceController):
    name = "serviceaccount-controller"
    resource = "serviceaccounts"
    object_name = DEFAULT_SERVICE_ACCOUNT

    def ensure(self, namespace: str, current: Obj | None) -> None:
        if current is not None:
            return
        account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": DEFAULT_SERVICE_ACCOUNT}}
        try:
            self.client.create("serviceaccounts", account, namespace)
        except ApiError as err:
            if err.code in (403, 409):  # being deleted, or it exists already (the cache was behind)
                return
            raise
        self.record(f"Namespace {namespace}", "no default ServiceAccount", "one", "create serviceaccount/default")
