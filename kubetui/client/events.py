"""The event recorder: writes Kubernetes ``Event`` objects through the API, as components do.

Each event first passes client-go's EventCorrelator (``events_cache.py``): similar events are combined,
repeats bump ``count`` and ``lastTimestamp`` on the existing Event, and a source's events about one
object are rate-limited.
"""

from __future__ import annotations

from typing import Any

from kubetui.api import meta as api_meta
from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.client.events_cache import EventCorrelator, ObjectKey


class EventRecorder:
    def __init__(self, client: Client, component: str, host: str = "") -> None:
        self.client = client
        self.component = component
        self.host = host
        self.correlator = EventCorrelator()

    def event(self, obj: dict[str, Any], etype: str, reason: str, message: str) -> None:
        """Record an event about ``obj`` (Normal or Warning). Never raises: events are best-effort."""
        meta = obj.get("metadata", {})
        namespace = meta.get("namespace") or "default"
        uid = str(meta.get("uid", ""))
        base = str(meta.get("name", "unknown"))
        involved: ObjectKey = (
            self.component,
            self.host,
            str(obj.get("kind", "")),
            str(meta.get("namespace", "")),
            str(meta.get("name", "")),
            uid,
            str(obj.get("apiVersion", "")),
        )
        now = self.client.now_iso()
        clock = self.client.clock
        nanos = clock.unique_nanos(int(clock.now * 1e9) + int(api_meta.EPOCH.timestamp()) * 10**9)
        fresh_name = f"{base}.{nanos:x}"
        result = self.correlator.correlate(involved, etype, reason, message, self.client.clock.now, now, fresh_name)
        if result.skip:
            return
        try:
            if result.patch:
                try:
                    self.client.merge_patch(
                        "events",
                        namespace,
                        result.name,
                        {"count": result.count, "lastTimestamp": now, "message": result.message},
                    )
                    return
                except ApiError as e:
                    if e.code != 404:
                        raise  # a patch of an Event that is gone (expired) creates it again, as recordEvent does
            event: dict[str, Any] = {
                "apiVersion": "v1",
                "kind": "Event",
                "metadata": {"name": result.name, "namespace": namespace},
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
                "message": result.message,
                "source": {"component": self.component, **({"host": self.host} if self.host else {})},
                "firstTimestamp": result.first_timestamp,
                "lastTimestamp": now,
                "count": result.count,
                "reportingComponent": self.component,
                "reportingInstance": self.host,
            }
            if not meta.get("namespace"):
                event["involvedObject"].pop("namespace")
            self._create(event, namespace, base, result.name == fresh_name)
            self.correlator.update_state(result.key, event["metadata"]["name"])
        except ApiError:
            pass

    def _create(self, event: dict[str, Any], namespace: str, base: str, fresh: bool) -> None:
        """Create ``event``; a fresh name someone else took (an Event a client wrote by hand) moves on to the next
        free nanosecond."""
        for _ in range(16):
            try:
                self.client.create("events", event, namespace)
                return
            except ApiError as e:
                if not fresh or e.code != 409:
                    raise
                clock = self.client.clock
                event["metadata"]["name"] = f"{base}.{clock.unique_nanos(0):x}"
