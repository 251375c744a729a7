"""API-level watches: store events turned into ADDED / MODIFIED / DELETED for one resource and selector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from kubetui.api.selectors import FieldSelector, LabelSelector
from kubetui.apiserver.codec import decode
from kubetui.store.mvcc import KeyValue, StoreWatch, WatchEvent

# (type, object): type is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR
ApiEvent = tuple[str, dict[str, Any]]
ApiWatchHandler = Callable[[list[ApiEvent]], None]
# What a watcher does to each object before it reaches it (an informer's transform, e.g. strip managedFields).
Transform = Callable[[dict[str, Any]], dict[str, Any]]

# Fields the watch cache indexes watches by (pkg/registry/core/pod/storage: TriggerFunc spec.nodeName).
TRIGGER_FIELDS = {"pods": "spec.nodeName"}


def pod_node_name(value: bytes) -> str:
    """NodeNameTriggerFunc: the node a stored pod is bound to ("" while pending)."""
    spec = orjson.loads(value).get("spec")
    node = spec.get("nodeName") if isinstance(spec, dict) else None
    return node if isinstance(node, str) else ""


def pod_node_name_of(pod: Any) -> str | None:
    """:func:`pod_node_name` read from the pod a stored value was encoded from (no decode); None when
    the object holds anything but plain JSON types there, and only its bytes can tell."""
    if type(pod) is not dict:
        return None
    spec = pod.get("spec")
    if spec is None:
        return ""
    if type(spec) is not dict:
        return None
    node = spec.get("nodeName")
    if type(node) is str:
        return node
    return "" if node is None else None


def trigger_value(resource: str, fields: FieldSelector | None) -> str | None:
    """The value a watch requires of its resource's trigger field (``spec.nodeName=node-1``), if any."""
    field = TRIGGER_FIELDS.get(resource)
    if field is None or fields is None:
        return None
    return next((t.value for t in fields.terms if t.field == field and t.operator == "="), None)


def event_object(event: WatchEvent, transform: Transform | None = None) -> dict[str, Any]:
    """The object one store event shows its watchers: decoded (and transformed) once, then shared.

    Every in-process watcher of the event that uses the same transform is handed the same dict, as
    the watchers of one kube-apiserver watch cache share one decoded object and the informers of one
    client-go process share one cache: read-only, copy before changing
    (:func:`kubetui.apiserver.codec.deep_copy`). The objects live on the event while it is in flight
    and are dropped when its last watcher has handled it.
    Simplification: the scheduler, the controller manager, the kubelets and the UI are separate
    processes in Kubernetes, each with its own decoded copy; here they share the decoded object.
    """
    memo = event.memo
    objects = memo.objects
    if objects is None:
        objects = memo.objects = {}
    else:
        obj = objects.get(transform)
        if obj is not None:
            return obj
    if event.type == "DELETE":
        assert event.prev_kv is not None
        obj = decode(event.prev_kv)
        obj["metadata"]["resourceVersion"] = str(event.revision)
    else:
        obj = decode(event.kv)
    if transform is not None:
        obj = transform(obj)
    if memo.readers > 1:
        objects[transform] = obj
    return obj


class ApiWatch:
    """Filters a store watch by label and field selector the way the watch cache does.

    An object that starts matching is ADDED, one that stops matching is DELETED, so a client
    watching ``app=web`` sees pods enter and leave its view even though they were only modified.
    Objects are shared with the event's other watchers (:func:`event_object`): read-only.
    """

    def __init__(
        self,
        label_selector: LabelSelector | None,
        field_selector: FieldSelector | None,
        handler: ApiWatchHandler,
        transform: Transform | None = None,
    ) -> None:
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.handler = handler
        self.transform = transform
        self.store_watch: StoreWatch | None = None
        self.stopped = False
        self.on_stop: list[Callable[[], None]] = []
        # key -> mod revision of the value last delivered as matching: the previous value of the next
        # event on that key is usually that one, and need not be decoded again to know it matched.
        self._in_view: dict[str, int] = {}

    def _matches(self, obj: dict[str, Any]) -> bool:
        if self.label_selector is not None and not self.label_selector.matches(
            obj.get("metadata", {}).get("labels") or {}
        ):
            return False
        return self.field_selector is None or self.field_selector.matches(obj)

    def _filtering(self) -> bool:
        return self.label_selector is not None or self.field_selector is not None

    def deliver_store_events(self, events: list[WatchEvent]) -> None:
        if self.stopped:
            return
        out: list[ApiEvent] = []
        filtering = self._filtering()
        in_view = self._in_view
        transform = self.transform
        for event in events:
            if event.type == "DELETE":
                prev = event_object(event, transform)
                if filtering:
                    in_view.pop(event.kv.key, None)
                if not filtering or self._matches(prev):
                    out.append(("DELETED", prev))
                continue
            obj = event_object(event, transform)
            if event.prev_kv is None:
                if not filtering:
                    out.append(("ADDED", obj))
                elif self._matches(obj):
                    in_view[event.kv.key] = event.kv.mod_revision
                    out.append(("ADDED", obj))
                continue
            if not filtering:
                out.append(("MODIFIED", obj))
                continue
            now_matches = self._matches(obj)
            key = event.kv.key
            was = in_view.get(key) == event.prev_kv.mod_revision or self._matches(decode(event.prev_kv))
            if now_matches:
                in_view[key] = event.kv.mod_revision
            else:
                in_view.pop(key, None)
            if now_matches and was:
                out.append(("MODIFIED", obj))
            elif now_matches:
                out.append(("ADDED", obj))
            elif was:
                out.append(("DELETED", obj))
        if out:
            self.handler(out)

    def initial(self, kvs: list[KeyValue]) -> list[ApiEvent]:
        """Synthetic ADDED events for a watch that starts from "now" (resourceVersion unset or 0)."""
        out: list[ApiEvent] = []
        transform = self.transform
        for kv in kvs:
            obj = decode(kv)
            if self._matches(obj):
                out.append(("ADDED", transform(obj) if transform is not None else obj))
        return out

    def send(self, events: list[ApiEvent]) -> None:
        if not self.stopped and events:
            self.handler(events)

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        if self.store_watch is not None:
            self.store_watch.stop()
        for callback in self.on_stop:
            callback()
