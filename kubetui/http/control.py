"""kubetui's own endpoints under ``/kubetui/v1/``: the virtual clock, chaos, traffic to Services, the trace.

These are not Kubernetes APIs: they are the knobs of the simulation (what the TUI's keys do),
for scripts and ``kubetui ctl``. Like the keys, they go through ``cluster.inputs`` (so a recorded
session replays them). JSON in, JSON out; errors are ``metav1.Status`` objects too.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from kubetui.apiserver import errors
from kubetui.apiserver.errors import ApiError
from kubetui.http import requests as req
from kubetui.http.rest import json_response, method_not_allowed
from kubetui.sim.trace import Record

if TYPE_CHECKING:
    from kubetui.http.server import ApiHttpServer

MAX_ADVANCE_SECONDS = 24 * 3600.0
NODE_ACTIONS = ("kill-node", "revive-node", "partition-node", "heal-node", "exhaust-memory")


class Control:
    def __init__(self, http: ApiHttpServer) -> None:
        self.http = http

    async def handle(self, request: web.Request, path: str) -> web.StreamResponse:
        if path == "clock":
            if request.method == "GET":
                return json_response(self.clock_state())
            if request.method == "POST":
                return json_response(self._set_clock(await self._json(request)))
            raise method_not_allowed()
        if path == "chaos":
            if request.method != "POST":
                raise method_not_allowed()
            return json_response(self._chaos(await self._json(request)))
        if path == "traffic":
            if request.method != "POST":
                raise method_not_allowed()
            return json_response(self._traffic(await self._json(request)))
        if path == "trace":
            if request.method != "GET":
                raise method_not_allowed()
            return await self._trace(request)
        raise ApiError(404, "NotFound", "the server could not find the requested resource")

    async def _json(self, request: web.Request) -> dict[str, Any]:
        body = req.decode(await req.read_body(request), "application/json")
        if not isinstance(body, dict):
            raise errors.bad_request("expected a JSON object")
        return body

    # ------------------------------------------------------------------ clock
    def clock_state(self) -> dict[str, Any]:
        driver = self.http.driver
        return {
            "now": self.http.cluster.clock.now,
            "speed": driver.speed if driver is not None else 0.0,
            "paused": driver.paused if driver is not None else True,
        }

    def _set_clock(self, body: dict[str, Any]) -> dict[str, Any]:
        """Each change goes through the cluster's input funnel, so a recorded session replays it."""
        driver = self.http.driver
        known = {"paused", "speed", "advance"}
        if not body or not set(body) <= known:
            raise errors.bad_request('expected one of {"paused": bool}, {"speed": number}, {"advance": seconds}')
        if "paused" in body and not isinstance(body["paused"], bool):
            raise errors.bad_request("paused: expected true or false")
        if "speed" in body and _number(body["speed"], "speed") <= 0:
            raise errors.bad_request("speed: must be greater than 0")
        if "advance" in body and not 0 <= _number(body["advance"], "advance") <= MAX_ADVANCE_SECONDS:
            raise errors.bad_request(f"advance: must be between 0 and {MAX_ADVANCE_SECONDS:.0f} seconds")
        if driver is None and ("paused" in body or "speed" in body):
            raise errors.bad_request("the clock has no real-time driver to pause, resume or change the speed of")
        inputs = self.http.cluster.inputs
        for key in ("paused", "speed", "advance"):
            if key in body:
                inputs.submit("clock", **{key: body[key]})
        return self.clock_state()

    # ------------------------------------------------------------------ chaos
    def _chaos(self, body: dict[str, Any]) -> dict[str, Any]:
        action = body.get("action")
        if not isinstance(action, str):
            raise errors.bad_request(f"action: expected one of {', '.join([*NODE_ACTIONS, 'kill-container'])}")
        strings = {k: body.get(k, "") for k in ("node", "namespace", "pod", "container")}
        if not all(isinstance(v, str) for v in strings.values()):
            raise errors.bad_request("node, namespace, pod and container must be strings")
        if action == "kill-container" and not strings["pod"]:
            raise errors.bad_request('kill-container needs a pod (and a namespace; default "default")')
        if action == "kill-container" and not strings["namespace"]:
            strings["namespace"] = "default"
        if action in NODE_ACTIONS and not strings["node"]:
            raise errors.bad_request(f"{action} needs a node")
        outcome = self.http.cluster.inputs.submit("chaos", action=action, **strings)
        if outcome.startswith("error: "):
            text = outcome[len("error: ") :]
            not_found = "not found" in text or "not running" in text
            raise ApiError(404 if not_found else 400, "NotFound" if not_found else "BadRequest", text)
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "message": outcome}

    # ------------------------------------------------------------------ traffic
    def _traffic(self, body: dict[str, Any]) -> dict[str, Any]:
        """Simulated connections to a Service through a node's kube-proxy rules (what ``curl`` from a pod does)."""
        unknown = set(body) - {"service", "namespace", "port", "count", "node"}
        if unknown:
            raise errors.bad_request(f"unknown field {sorted(unknown)[0]!r}; expected service, namespace, port, "
                                     "count, node")
        service, namespace, node = body.get("service"), body.get("namespace", "default"), body.get("node", "")
        if not isinstance(service, str) or not service:
            raise errors.bad_request("service: required, the name of a Service")
        if not isinstance(namespace, str) or not isinstance(node, str):
            raise errors.bad_request("namespace and node must be strings")
        port, count = body.get("port"), body.get("count", 10)
        if port is not None and (not isinstance(port, int) or isinstance(port, bool)):
            raise errors.bad_request("port: expected an integer")
        if not isinstance(count, int) or isinstance(count, bool):
            raise errors.bad_request("count: expected an integer")
        message = self.http.cluster.inputs.submit(
            "traffic", service=service, namespace=namespace, port=port, count=count, node=node
        )
        if message.startswith("error: "):
            text = message[len("error: ") :]
            not_found = "not found" in text or "has no" in text
            raise ApiError(404 if not_found else 400, "NotFound" if not_found else "BadRequest", text)
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "message": message}

    # ------------------------------------------------------------------ trace
    async def _trace(self, request: web.Request) -> web.StreamResponse:
        """The trace records after sequence ``since`` as JSON lines; ``follow=true`` keeps streaming."""
        since = req.int_param(request, "since") or 0
        trace = self.http.cluster.trace
        backlog = [_line(r) for r in trace.since(since)]
        if not req.flag(request, "follow"):
            return web.Response(body=b"".join(backlog), content_type="application/jsonl")
        queue: asyncio.Queue[Record] = asyncio.Queue()
        last = trace.last_seq
        unsubscribe = trace.subscribe(queue.put_nowait)
        response = web.StreamResponse(headers={"Content-Type": "application/jsonl"})
        response.enable_chunked_encoding()
        try:
            await response.prepare(request)
            await response.write(b"".join(backlog))
            while True:
                try:
                    record = await asyncio.wait_for(queue.get(), 5.0)
                except TimeoutError:
                    if request.transport is None or request.transport.is_closing():
                        break
                    continue
                if record.seq <= last:
                    continue
                chunk = [_line(record)]
                while not queue.empty():
                    chunk.append(_line(queue.get_nowait()))
                await response.write(b"".join(chunk))
        except (ConnectionResetError, ConnectionError):
            pass
        finally:
            unsubscribe()
        with contextlib.suppress(ConnectionResetError, ConnectionError):
            await response.write_eof()
        return response


def _line(record: Record) -> bytes:
    """One JSON line; a string that is not valid UTF-8 (a surrogate-escaped file name) is written with
    backslash escapes (``bad\\xffname``), so one odd record cannot break the trace."""
    try:
        return orjson.dumps(record.to_dict()) + b"\n"
    except TypeError:
        return orjson.dumps(_well_formed(record.to_dict())) + b"\n"


def _well_formed(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            try:
                return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            except UnicodeEncodeError:  # a lone surrogate that is not an escaped byte
                return value.encode("utf-8", "backslashreplace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {_well_formed(k): _well_formed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_well_formed(v) for v in value]
    return value


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise errors.bad_request(f"{name}: expected a number")
    return float(value)
