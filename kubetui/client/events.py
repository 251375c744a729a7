"""The event recorder: writes Kubernetes ``Event`` objects through the API, as components do.

Repeats of the same event (same object, type, reason and message) bump ``count`` and
``lastTimestamp`` on the existing Event instead of creating a new one, like client-go's
EventCorrelator.
"""

from __future__ import annotations

from typing import Any

from kubetui.api import meta as api_meta
from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client


class EventRecorder:
    def __init__(self, client: Client, component: str, host: str = "") -> None:
        self.client = client
        self.component = component
        self.host = host
        self._seen: dict[tuple[str, str, str, str], tuple[str, str, int]] = {}
        self._last_nanos: dict[str, int] = {}  # object name -> nanoseconds in its last event's name

    def event(self, obj: dict[str, Any], etype: str, reason: str, message: str) -> None:
        """Record an event about ``obj`` (Normal or Warning). Never raises: events are best-effort."""
        meta = obj.get("metadata", {})
        namespace = meta.get("namespace") or "default"
        uid = str(meta.get("uid", ""))
        dedup = (uid, etype, reason, message)
        now = self.client.now_iso()
        seen = self._seen.get(dedup)
        try:
            if seen is not None:
                name, ns, count = seen
                self.client.merge_patch("events", ns, name, {"count": count + 1, "lastTimestamp": now})
                self._seen[dedup] = (name, ns, count + 1)
                return
            nanos = int((self.client.clock.now) * 1e9) + int(api_meta.EPOCH.timestamp()) * 10**9
            base = str(meta.get("name", "unknown"))
            # Events about one object at one instant take the next free nanosecond. Remembering the last one
            # per object replaces a scan that made 10,000 "Created pod" events at one instant quadratic.
            nanos = max(nanos, self._last_nanos.get(base, -1) + 1)
            name = f"{base}.{nanos:x}"
            event: dict[str, Any] = {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": name, "namespace": namespace},
                "involvedObject": {
                    "apiVersion": obj.get("apiVersion", ""),
                    "kind": obj.get("kind", ""),
                    "name": meta.get("name", ""),
                    "namespace": meta.get("namespace", ""),
                    "uid": uid,
                    "resourceVersion": meta.get("resourceVersion", ""),
                },
                "type": etype,
                "reason": reason,
                "message": message,
                "source": {"component": self.component, **({"host": self.host} if self.host else {})},
                "firstTimestamp": now,
                "lastTimestamp": now,
                "count": 1,
                "reportingComponent": self.component,
                "reportingInstance": self.host,
            }
            if not meta.get("namespace"):
                event["involvedObject"].pop("namespace")
            self.client.create("events", event, namespace)
            self._seen[dedup] = (name, namespace, 1)
            self._last_nanos.pop(base, None)
            self._last_nanos[base] = nanos
            if len(self._seen) > 5000:
                self._seen.pop(next(iter(self._seen)))
            if len(self._last_nanos) > 5000:
                self._last_nanos.pop(next(iter(self._last_nanos)))
        except ApiError:
            self._seen.pop(dedup, None)
