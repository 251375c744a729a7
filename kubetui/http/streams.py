"""The two long-lived responses: watches (JSON lines of events) and ``kubectl logs -f``.

A watch registers an :class:`~kubetui.apiserver.watch.ApiWatch` whose handler only puts event
batches on an asyncio queue; this coroutine writes them out as they come, chunked, one JSON
object per line. Bookmarks (``allowWatchBookmarks=true``) are sent every few wall seconds of
silence, ``timeoutSeconds`` ends the stream, and a client that hangs up stops the ApiWatch.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from kubetui.api.fielderrors import forbidden, format_invalid, invalid
from kubetui.api.resources import ResourceInfo
from kubetui.apiserver.codec import decode
from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.watch import ApiEvent
from kubetui.http import requests as req
from kubetui.http.tables import to_table

if TYPE_CHECKING:
    from kubetui.http.rest import Target
    from kubetui.http.server import ApiHttpServer

log = logging.getLogger(__name__)


def _is_revision(value: str | None) -> bool:
    return bool(value) and str(value).isdigit() and value != "0"


# A watcher that falls this far behind, or whose client takes nothing for this long while events wait,
# is closed, as kube-apiserver's cacher closes an unresponsive watcher ("Forcing ... watcher close due
# to unresponsiveness"); client-go then watches again from its last resourceVersion, or lists again.
# The buffer holds references to shared objects, so a large bound is cheap; it must hold the bursts
# the engine delivers in one go (thousands of pods scaled at once) before the writer runs.
MAX_BUFFERED_EVENTS = 50_000
STALL_TIMEOUT = 30.0


class Streams:
    def __init__(
        self,
        http: ApiHttpServer,
        bookmark_interval: float = 5.0,
        log_poll_interval: float = 0.2,
        max_buffered_events: int = MAX_BUFFERED_EVENTS,
        stall_timeout: float = STALL_TIMEOUT,
    ) -> None:
        self.http = http
        self.api = http.cluster.api
        self.bookmark_interval = bookmark_interval
        self.log_poll_interval = log_poll_interval
        self.max_buffered_events = max_buffered_events
        self.stall_timeout = stall_timeout

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
        queue: asyncio.Queue[list[ApiEvent] | None] = asyncio.Queue()  # None: the watcher was closed
        delivered = {"any": False}
        buffered = [0]  # events queued and not yet written
        clock = self.api.clock
        limit = self.max_buffered_events

        def handler(events: list[ApiEvent]) -> None:
            """Runs inside the engine: a table row is printed now, so its AGE is the event's virtual time."""
            delivered["any"] = True
            buffered[0] += len(events)
            if buffered[0] > limit:  # too far behind: drop what waits and end the stream
                log.warning("closing a %s watch of %s that fell %d events behind", who, info.plural, buffered[0])
                api_watch.stop()
                while not queue.empty():
                    queue.get_nowait()
                queue.put_nowait(None)
                return
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
        # get.go: a timeoutSeconds that is set and not 0 arms the timer (a negative one fires at once)
        deadline = loop.time() + timeout if timeout else None
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
                        if bookmark_rv and not await self._write(
                            request, response, self._bookmark(info, bookmark_rv, target.served_version)
                        ):
                            return response
                    continue
                if events is None:
                    break
                buffered[0] -= len(events)
                lines = []
                for event_type, obj in events:
                    last_rv = str(obj.get("metadata", {}).get("resourceVersion", last_rv))
                    if table and not headers:
                        obj["columnDefinitions"] = []  # only the first table of a watch carries them
                    headers = False
                    shown = obj if table else target.out(obj)
                    lines.append(orjson.dumps({"type": event_type, "object": shown}) + b"\n")
                if not await self._write(request, response, b"".join(lines)):
                    log.warning("closed a %s watch of %s whose client stopped reading", who, info.plural)
                    return response
        except (ConnectionResetError, ConnectionError):
            pass  # the client hung up
        finally:
            api_watch.stop()
        with contextlib.suppress(ConnectionResetError, ConnectionError, TimeoutError):
            await asyncio.wait_for(response.write_eof(), self.stall_timeout)
        return response

    async def _write(self, request: web.Request, response: web.StreamResponse, data: bytes) -> bool:
        """Write, or give up on a client that takes nothing for ``stall_timeout`` (the connection is dropped:
        what is half written cannot be taken back)."""
        try:
            await asyncio.wait_for(response.write(data), self.stall_timeout)
        except TimeoutError:
            if request.transport is not None:
                request.transport.abort()
            return False
        return True

    @staticmethod
    def _row(info: ResourceInfo, obj: dict[str, Any], now: float, include: str, version: str) -> dict[str, Any]:
        rv = str(obj.get("metadata", {}).get("resourceVersion", ""))
        return to_table(info, [obj], now, {"resourceVersion": rv}, include, version=version)

    def _bookmark(self, info: ResourceInfo, resource_version: str, version: str = "") -> bytes:
        obj = {
            "kind": info.kind,
            "apiVersion": info.api_version_of(version or info.version),
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
        tail = req.int64_param(request, "tailLines")
        self._validate_log_options(request, name, tail)
        text = self.api.logs(who, namespace, name, container, previous, tail)
        if not req.flag(request, "follow") or previous:
            return web.Response(text=text, content_type="text/plain")
        pod = self._pod(namespace, name)
        if container is None and pod is not None:
            container = str(pod["spec"]["containers"][0].get("name", ""))
        response = web.StreamResponse(headers={"Content-Type": "text/plain; charset=utf-8"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        read = self._kubelet_reader(pod, namespace, name, container or "")
        last_now = self.api.clock.now
        try:
            await response.write(text.encode())
            while read is not None and self._running(pod, container or ""):
                await asyncio.sleep(self.log_poll_interval)
                if request.transport is None or request.transport.is_closing():
                    break
                if self.api.clock.now == last_now:
                    continue
                last_now = self.api.clock.now
                pod = self._pod(namespace, name)
                fresh = read()
                if fresh is None:
                    break
                if fresh:
                    await response.write(fresh.encode())
        except (ConnectionResetError, ConnectionError):
            return response
        with contextlib.suppress(ConnectionResetError, ConnectionError):
            await response.write_eof()
        return response

    @staticmethod
    def _validate_log_options(request: web.Request, name: str, tail: int | None) -> None:
        """ValidatePodLogOptions (pkg/apis/core/validation), a 422 on PodLogOptions before the pod is read."""
        since_seconds = req.int64_param(request, "sinceSeconds")
        limit_bytes = req.int64_param(request, "limitBytes")
        errs = []
        if tail is not None and tail < 0:
            errs.append(invalid("tailLines", tail, "must be greater than or equal to 0"))
        if limit_bytes is not None and limit_bytes < 1:
            errs.append(invalid("limitBytes", limit_bytes, "must be greater than 0"))
        if since_seconds is not None and request.query.get("sinceTime"):
            errs.append(forbidden("", "at most one of `sinceTime` or `sinceSeconds` may be specified"))
        elif since_seconds is not None and since_seconds < 1:
            errs.append(invalid("sinceSeconds", since_seconds, "must be greater than 0"))
        if errs:
            raise ApiError(422, "Invalid", format_invalid("PodLogOptions", "", name, errs),
                           {"name": name, "kind": "PodLogOptions", "causes": [e.cause() for e in errs]})

    def _pod(self, namespace: str, name: str) -> dict[str, Any] | None:
        """The API server reading its own storage (no request of its own, so nothing is traced)."""
        kv = self.api.store.get(self.api.resource("pods").key(namespace, name))
        return decode(kv) if kv is not None else None

    def _kubelet_reader(
        self, pod: dict[str, Any] | None, namespace: str, name: str, container: str
    ) -> Callable[[], str | None] | None:
        """Reading the log on as it grows, from its end now, through the pod's kubelet (as the API server's kubelet
        connection streams it); each call gives what is new, None once the stream has ended."""
        node = (pod or {}).get("spec", {}).get("nodeName")
        reader = self.api.log_readers.get(node or "")
        if pod is None or reader is None:
            return None
        first = reader(namespace, name, container, None)
        if first is None:
            return None
        cursor: object = first[1]

        def read() -> str | None:
            nonlocal cursor
            current = self.api.log_readers.get(node or "")
            if current is None:
                return None
            try:
                got = current(namespace, name, container, cursor)
            except Exception:  # a kubelet that cannot answer ends the stream, as a dropped connection would
                return None
            if got is None:
                return None
            text, cursor = got
            return text

        return read

    @staticmethod
    def _running(pod: dict[str, Any] | None, container: str) -> bool:
        if pod is None:
            return False
        status = pod.get("status") or {}
        for cs in [*(status.get("containerStatuses") or ()), *(status.get("initContainerStatuses") or ())]:
            if isinstance(cs, dict) and cs.get("name") == container:
                return isinstance((cs.get("state") or {}).get("running"), dict)
        return False
