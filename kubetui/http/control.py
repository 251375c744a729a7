"""kubetui's own endpoints under ``/kubetui/v1/``: the virtual clock, chaos, and the trace.

These are not Kubernetes APIs: they are the knobs of the simulation (what the TUI's keys do),
for scripts and ``kubetui ctl``. JSON in, JSON out; errors are ``metav1.Status`` objects too.
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
        driver = self.http.driver
        known = {"paused", "speed", "advance"}
        if not body or not set(body) <= known:
            raise errors.bad_request(
                'expected one of {"paused": bool}, {"speed": number}, {"advance": seconds}'
            )
        if "paused" in body:
            if not isinstance(body["paused"], bool):
                raise errors.bad_request("paused: expected true or false")
            if driver is None:
                raise errors.bad_request("the clock has no real-time driver to pause or resume")
            driver.set_paused(body["paused"])
        if "speed" in body:
            speed = _number(body["speed"], "speed")
            if speed <= 0:
                raise errors.bad_request("speed: must be greater than 0")
            if driver is None:
                raise errors.bad_request("the clock has no real-time driver to change the speed of")
            driver.set_speed(speed)
        if "advance" in body:
            seconds = _number(body["advance"], "advance")
            if not 0 <= seconds <= MAX_ADVANCE_SECONDS:
                raise errors.bad_request(f"advance: must be between 0 and {MAX_ADVANCE_SECONDS:.0f} seconds")
            if driver is not None:
                driver.advance(seconds)
            else:
                self.http.cluster.clock.run_for(seconds)
        return self.clock_state()

    # ------------------------------------------------------------------ chaos
    def _chaos(self, body: dict[str, Any]) -> dict[str, Any]:
        action = body.get("action")
        if not isinstance(action, str):
            raise errors.bad_request(
                f"action: expected one of {', '.join([*NODE_ACTIONS, 'kill-container'])}"
            )
        strings = {k: body.get(k, "") for k in ("node", "namespace", "pod", "container")}
        if not all(isinstance(v, str) for v in strings.values()):
            raise errors.bad_request("node, namespace, pod and container must be strings")
        if action == "kill-container" and not strings["pod"]:
            raise errors.bad_request('kill-container needs a pod (and a namespace; default "default")')
        if action == "kill-container" and not strings["namespace"]:
            strings["namespace"] = "default"
        if action in NODE_ACTIONS and not strings["node"]:
            raise errors.bad_request(f"{action} needs a node")
        try:
            message = self.http.cluster.chaos(action, **strings)
        except ValueError as exc:
            text = str(exc)
            code, reason = (
                (404, "NotFound") if "not found" in text or "not running" in text else (400, "BadRequest")
            )
            raise ApiError(code, reason, text) from exc
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "message": message}

    # ------------------------------------------------------------------ trace
    async def _trace(self, request: web.Request) -> web.StreamResponse:
        """The trace records after sequence ``since`` as JSON lines; ``follow=true`` keeps streaming."""
        since = req.int_param(request, "since") or 0
        trace = self.http.cluster.trace
        backlog = [orjson.dumps(r.to_dict()) + b"\n" for r in trace.since(since)]
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
                chunk = [orjson.dumps(record.to_dict()) + b"\n"]
                while not queue.empty():
                    chunk.append(orjson.dumps(queue.get_nowait().to_dict()) + b"\n")
                await response.write(b"".join(chunk))
        except (ConnectionResetError, ConnectionError):
            pass
        finally:
            unsubscribe()
        with contextlib.suppress(ConnectionResetError, ConnectionError):
            await response.write_eof()
        return response


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise errors.bad_request(f"{name}: expected a number")
    return float(value)
