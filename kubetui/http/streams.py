"""The two long-lived responses: watches (JSON lines of events) and ``kubectl logs -f``.

A watch registers an :class:`~kubetui.apiserver.watch.ApiWatch` whose handler only puts event
batches on an asyncio queue; this coroutine writes them out as they come, chunked, one JSON
object per line. Bookmarks (``allowWatchBookmarks=true``) are sent every few wall seconds of
silence, ``timeoutSeconds`` ends the stream, and a client that hangs up stops the ApiWatch.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from kubetui.api.resources import ResourceInfo
from kubetui.apiserver.codec import decode
from kubetui.apiserver.watch import ApiEvent
from kubetui.http import requests as req
from kubetui.http.tables import to_table

if TYPE_CHECKING:
    from kubetui.http.rest import Target
    from kubetui.http.server import ApiHttpServer


def _is_revision(value: str | None) -> bool:
    return bool(value) and str(value).isdigit() and value != "0"


class Streams:
    def __init__(self, http: ApiHttpServer, bookmark_interval: float = 5.0, log_poll_interval: float = 0.2) -> None:
        self.http = http
        self.api = http.cluster.api
        self.bookmark_interval = bookmark_interval
        self.log_poll_interval = log_poll_interval

    # ------------------------------------------------------------------ watch
    async def watch(self, request: web.Request, target: Target, who: str) -> web.StreamResponse:
        info = target.info
        field_selector = request.query.get("fieldSelector") or ""
        if target.name:
            field_selector = ",".join(filter(None, [field_selector, f"metadata.name={target.name}"]))
        resource_version = request.query.get("resourceVersion") or None
        timeout = req.int_param(request, "timeoutSeconds")
        bookmarks = req.flag(request, "allowWatchBookmarks")
        table = req.wants_table(request.headers.get("Accept", ""))
        include = request.query.get("includeObject", "PartialObjectMetadata")
        queue: asyncio.Queue[list[ApiEvent]] = asyncio.Queue()
        delivered = {"any": False}
        clock = self.api.clock

        def handler(events: list[ApiEvent]) -> None:
            """Runs inside the engine: a table row is printed now, so its AGE is the event's virtual time."""
            delivered["any"] = True
            if table:
                events = [(kind, self._row(info, obj, clock.now, include, table)) for kind, obj in events]
            queue.put_nowait(events)

        api_watch = self.api.watch(
            who,
            info.plural,
            handler,
            target.namespace,
            request.query.get("labelSelector") or None,
            field_selector or None,
            resource_version,
        )
        last_rv = resource_version if _is_revision(resource_version) else ""
        from_now = not _is_revision(resource_version)
        response = web.StreamResponse(
            headers={"Content-Type": "application/json", "Cache-Control": "no-cache, private"}
        )
        response.enable_chunked_encoding()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout if timeout and timeout > 0 else None
        headers = True
        try:
            await response.prepare(request)
            while True:
                wait = self.bookmark_interval
                if deadline is not None:
                    wait = min(wait, deadline - loop.time())
                    if wait <= 0:
                        break
                try:
                    events = await asyncio.wait_for(queue.get(), wait)
                except TimeoutError:
                    if request.transport is None or request.transport.is_closing():
                        break
                    if bookmarks:
                        store_watch = api_watch.store_watch
                        settled = (
                            store_watch is not None and not store_watch.pending and (delivered["any"] or not from_now)
                        )
                        bookmark_rv = str(self.api.store.revision) if settled else last_rv
                        if bookmark_rv:
                            await response.write(self._bookmark(info, bookmark_rv))
                    continue
                lines = []
                for event_type, obj in events:
                    last_rv = str(obj.get("metadata", {}).get("resourceVersion", last_rv))
                    if table and not headers:
                        obj["columnDefinitions"] = []  # only the first table of a watch carries them
                    headers = False
                    lines.append(orjson.dumps({"type": event_type, "object": obj}) + b"\n")
                await response.write(b"".join(lines))
        except (ConnectionResetError, ConnectionError):
            pass  # the client hung up
        finally:
            api_watch.stop()
        with contextlib.suppress(ConnectionResetError, ConnectionError):
            await response.write_eof()
        return response

    @staticmethod
    def _row(info: ResourceInfo, obj: dict[str, Any], now: float, include: str, version: str) -> dict[str, Any]:
        rv = str(obj.get("metadata", {}).get("resourceVersion", ""))
        return to_table(info, [obj], now, {"resourceVersion": rv}, include, version=version)

    def _bookmark(self, info: ResourceInfo, resource_version: str) -> bytes:
        obj = {
            "kind": info.kind,
            "apiVersion": info.api_version,
            "metadata": {"resourceVersion": resource_version},
        }
        return orjson.dumps({"type": "BOOKMARK", "object": obj}) + b"\n"

    # ------------------------------------------------------------------ logs
    async def logs(self, request: web.Request, target: Target, who: str) -> web.StreamResponse:
        """``GET pods/<name>/log``: the kubelet's log; with ``follow=true``, new lines as virtual time passes.

        Simplification: ``timestamps``, ``sinceSeconds``, ``sinceTime`` and ``limitBytes`` are ignored.
        """
        namespace, name = target.namespace or "", target.name
        container = request.query.get("container") or None
        previous = req.flag(request, "previous")
        tail = req.int_param(request, "tailLines")
        text = self.api.logs(who, namespace, name, container, previous, tail)
        if not req.flag(request, "follow") or previous:
            return web.Response(text=text, content_type="text/plain")
        pod = self._pod(namespace, name)
        if container is None and pod is not None:
            container = str(pod["spec"]["containers"][0].get("name", ""))
        response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        seen = self._kubelet_log(pod, namespace, name, container or "")
        last_now = self.api.clock.now
        try:
            await response.write(text.encode())
            while self._running(pod, container or ""):
                await asyncio.sleep(self.log_poll_interval)
                if request.transport is None or request.transport.is_closing():
                    break
                if self.api.clock.now == last_now:
                    continue
                last_now = self.api.clock.now
                pod = self._pod(namespace, name)
                full = self._kubelet_log(pod, namespace, name, container or "")
                if full is None:
                    break
                fresh = full[len(seen) :] if seen is not None and full.startswith(seen) else ""
                seen = full
                if fresh:
                    await response.write(fresh.encode())
        except (ConnectionResetError, ConnectionError):
            return response
        with contextlib.suppress(ConnectionResetError, ConnectionError):
            await response.write_eof()
        return response

    def _pod(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The API server reading its own storage (no request of its own, so nothing is traced)."""
        kv = self.api.store.get(self.api.resource("pods").key(namespace, name))
        return decode(kv) if kv is not None else None

    def _kubelet_log(self, pod: dict[str, Any] | None, namespace: str, name: str, container: str) -> str | None:
        """Ask the pod's kubelet for the whole log, as the API server's kubelet connection does."""
        node = (pod or {}).get("spec", {}).get("nodeName")
        source = self.api.kubelets.get(node or "")
        if pod is None or source is None:
            return None
        try:
            return source(namespace, name, container, False, None)
        except Exception:  # a kubelet that cannot answer ends the stream, as a dropped connection would
            return None

    @staticmethod
    def _running(pod: dict[str, Any] | None, container: str) -> bool:
        if pod is None:
            return False
        status = pod.get("status") or {}
        for cs in [*(status.get("containerStatuses") or ()), *(status.get("initContainerStatuses") or ())]:
            if isinstance(cs, dict) and cs.get("name") == container:
                return isinstance((cs.get("state") or {}).get("running"), dict)
        return False
