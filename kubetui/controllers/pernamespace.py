"""What the service account controller and the root CA publisher share: one named object in every namespace.

Each watches namespaces (a new one needs the object) and its own resource (the object changed or went), and
reconciles one namespace at a time; a missing or Terminating namespace is left alone.
"""

from __future__ import annotations

from typing import Any

from kubetui.controllers.base import Controller

Obj = dict[str, Any]


class PerNamespaceController(Controller):
    """Keeps ``object_name`` of ``resource`` in every live namespace; subclasses say how in :meth:`ensure`."""

    resource = ""
    object_name = ""

    def setup(self) -> None:
        self.namespaces = self.informers.informer("namespaces")
        self.objects = self.informers.informer(self.resource)
        self.namespaces.add_handlers(self._namespace, lambda _old, new: self._namespace(new))
        self.objects.add_handlers(on_update=lambda _old, new: self._object(new), on_delete=self._object)

    def _namespace(self, ns: Obj) -> None:
        self.queue.add(ns["metadata"]["name"])

    def _object(self, obj: Obj) -> None:
        if obj["metadata"].get("name") == self.object_name:
            self.queue.add(obj["metadata"].get("namespace", ""))

    def reconcile(self, key: str) -> None:
        ns = self.namespaces.get("", key)
        if ns is None or (ns.get("status") or {}).get("phase") == "Terminating":
            return
        self.ensure(key, self.objects.get(key, self.object_name))

    def ensure(self, namespace: str, current: Obj | None) -> None:
        """Create or put back the object in ``namespace``; ``current`` is what the cache holds, or None."""
        raise NotImplementedError
