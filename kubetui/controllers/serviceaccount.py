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
from kubetui.controllers.base import Controller

Obj = dict[str, Any]

DEFAULT_SERVICE_ACCOUNT = "default"


class ServiceAccountController(Controller):
    name = "serviceaccount-controller"

    def setup(self) -> None:
        self.namespaces = self.informers.informer("namespaces")
        self.accounts = self.informers.informer("serviceaccounts")
        self.namespaces.add_handlers(self._namespace, lambda _old, new: self._namespace(new))
        self.accounts.add_handlers(on_delete=self._deleted)

    def _namespace(self, ns: Obj) -> None:
        self.queue.add(ns["metadata"]["name"])

    def _deleted(self, account: Obj) -> None:
        if account["metadata"].get("name") == DEFAULT_SERVICE_ACCOUNT:
            self.queue.add(account["metadata"].get("namespace", ""))

    def reconcile(self, key: str) -> None:
        ns = self.namespaces.get("", key)
        if ns is None or (ns.get("status") or {}).get("phase") == "Terminating":
            return
        if self.accounts.get(key, DEFAULT_SERVICE_ACCOUNT) is not None:
            return
        account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": DEFAULT_SERVICE_ACCOUNT}}
        try:
            self.client.create("serviceaccounts", account, key)
        except ApiError as err:
            if err.code in (403, 409):  # being deleted, or it exists already (the cache was behind)
                return
            raise
        self.record(f"Namespace {key}", "no default ServiceAccount", "one", "create serviceaccount/default")
