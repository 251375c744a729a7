"""``kubectl port-forward``: its SPDY session, tunnelled in a WebSocket, and the pod's answers.

kubectl (1.31 on) opens ``.../pods/<name>/portforward`` as a WebSocket with the subprotocol
``SPDY/3.1+portforward.k8s.io`` and speaks SPDY inside it (kubetui.http.spdy). For every local connection it
opens two streams with the headers ``streamType: error|data``, ``port`` and ``requestID``; the connection's bytes
go both ways on the data stream, and a failure comes back as text on the error stream, which kubectl prints as
``an error occurred forwarding 8080 -> 80: ...`` (k8s.io/kubelet's portforward protocol ``portforward.k8s.io``).

Simplification: the forwarded connection carries one HTTP request and its answer (``Connection: close``): the
simulated servers answer a GET by path (a method and body are not passed on), and a server that is not HTTP (redis,
mongo) closes the connection without a word, so their own clients (redis-cli, mongosh) fail at once.
"""

from __future__ import annotations

import contextlib
import http
import http.client
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from kubetui.apiserver import errors
from kubetui.apiserver.proxy import Answer
from kubetui.http import spdy

if TYPE_CHECKING:
    from kubetui.http.server import ApiHttpServer

log = logging.getLogger(__name__)

PROTOCOL = "SPDY/3.1+portforward.k8s.io"
REQUEST_LINE = re.compile(rb"^([A-Z]+) (\S+) HTTP/1\.[01]$")
METHOD_START = re.compile(rb"^[A-Z]{0,20}(?: |$)")  # what the first bytes of any HTTP request look like
MAX_REQUEST_HEAD = 64 * 1024  # more than this without an end of headers: not HTTP (or not a request kubetui answers)

Connect = Callable[[int, str, str], Answer]


@dataclass
class _Pair:
    """One forwarded connection: its error and data streams and what has arrived on the data stream."""

    port: int = 0
    error: int = 0
    data: int = 0
    received: bytearray = field(default_factory=bytearray)
    done: bool = False


def http_date(iso: str) -> str:
    """An API server timestamp (virtual time, 2026-12-07T21:08:52Z) as an HTTP Date header writes it: the server's
    clock is the cluster's, as its access log's is."""
    return format_datetime(datetime.fromisoformat(iso.replace("Z", "+00:00")), usegmt=True)


def http_response(answer: Answer, head_only: bool, date: str) -> bytes:
    """The bytes an HTTP/1.1 server sends back for the simulated server's answer."""
    code = answer.code or 200
    body = answer.body.encode()
    content_type = "text/html" if answer.body.lstrip().startswith("<") else "text/plain; charset=utf-8"
    try:
        phrase = http.HTTPStatus(code).phrase
    except ValueError:
        phrase = ""
    head = (f"HTTP/1.1 {code} {phrase}\r\nDate: {date}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return head.encode() + (b"" if head_only else body)


def parse_request(data: bytes) -> tuple[str, str, str] | bool | None:
    """(method, path, user agent) of a complete request head; None while it is incomplete; False when the bytes are
    not an HTTP request."""
    if not METHOD_START.match(data[:21]):  # a binary protocol (mongo, redis's RESP): no need to wait for a line
        return False
    end = data.find(b"\r\n\r\n")
    if end < 0:
        first = data.split(b"\r\n", 1)[0]
        if len(data) > MAX_REQUEST_HEAD or (b"\r\n" in data and not REQUEST_LINE.match(first)):
            return False
        return None
    line, _, rest = data[:end + 2].partition(b"\r\n")
    match = REQUEST_LINE.match(line)
    if match is None:
        return False
    headers = http.client.parse_headers(io.BytesIO(rest))
    return match.group(1).decode(), match.group(2).decode(errors="replace"), str(headers.get("User-Agent", ""))


class PortForward:
    def __init__(self, http_server: ApiHttpServer) -> None:
        self.http = http_server

    async def handle(self, request: web.Request, namespace: str, name: str, who: str) -> web.StreamResponse:
        if request.headers.get("Upgrade", "").lower().startswith("spdy"):
            raise errors.bad_request(
                "port-forward over SPDY is not supported by kubetui: kubectl 1.31 and later tunnel it in a WebSocket "
                "unless KUBECTL_PORT_FORWARD_WEBSOCKETS=false"
            )
        ws = web.WebSocketResponse(protocols=(PROTOCOL,), autoping=True, heartbeat=None, max_msg_size=1 << 24)
        if not ws.can_prepare(request).ok:
            raise errors.bad_request("Upgrade request required")
        connect = self.http.cluster.api.port_forward(who, namespace, name)
        await ws.prepare(request)
        await Session(ws, connect, lambda: http_date(self.http.cluster.api.now_iso())).run()
        return ws


class Session:
    """The server's side of one SPDY session: streams paired by request ID, each pair one connection."""

    def __init__(self, ws: web.WebSocketResponse, connect: Connect, date: Callable[[], str]) -> None:
        self.ws = ws
        self.connect = connect
        self.date = date
        self.framer = spdy.Framer()
        self.pairs: dict[str, _Pair] = {}
        self.by_stream: dict[int, _Pair] = {}
        self.last_stream = 0

    async def run(self) -> None:
        try:
            async for message in self.ws:
                if message.type != WSMsgType.BINARY:
                    continue
                try:
                    frames = self.framer.feed(message.data)
                except spdy.SpdyError as err:
                    log.info("port-forward: %s", err)
                    await self._send(self.framer.goaway(self.last_stream, 1))
                    break
                for frame in frames:
                    try:
                        if not await self._on(frame):
                            return
                    except Exception:  # a bug in a simulated server ends this session, not the API server
                        log.exception("port-forward: answering %s failed", frame)
                        await self._send(self.framer.goaway(self.last_stream, 2))
                        return
        finally:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.close()

    async def _send(self, data: bytes) -> None:
        if not self.ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self.ws.send_bytes(data)

    async def _on(self, frame: spdy.Frame) -> bool:
        """Act on one frame; False ends the session (GOAWAY)."""
        if frame.kind == spdy.SYN_STREAM:
            await self._open(frame)
        elif frame.kind == "data":
            pair = self.by_stream.get(frame.stream)
            if pair is not None and frame.stream == pair.data and not pair.done:
                pair.received += frame.data
                await self._serve(pair, frame.fin)
        elif frame.kind == spdy.PING:
            await self._send(self.framer.ping(frame.value))
        elif frame.kind == spdy.RST_STREAM:
            pair = self.by_stream.pop(frame.stream, None)
            if pair is not None:
                pair.done = True
        elif frame.kind == spdy.GOAWAY:
            return False
        return True

    async def _open(self, frame: spdy.Frame) -> None:
        self.last_stream = max(self.last_stream, frame.stream)
        headers = {k.lower(): v for k, v in frame.headers.items()}
        kind, request_id = headers.get("streamtype", ""), headers.get("requestid", "")
        port = headers.get("port", "")
        if kind not in ("error", "data") or not port.isdigit() or not 0 < int(port) < 65536:
            await self._send(self.framer.rst_stream(frame.stream, spdy.PROTOCOL_ERROR))
            return
        await self._send(self.framer.syn_reply(frame.stream))
        pair = self.pairs.setdefault(request_id, _Pair(port=int(port)))
        setattr(pair, kind, frame.stream)
        self.by_stream[frame.stream] = pair

    async def _serve(self, pair: _Pair, fin: bool) -> None:
        """Answer the connection once its request is complete (or once the client has sent all it will)."""
        request = parse_request(bytes(pair.received))
        if request is None and not fin:
            return
        if isinstance(request, tuple):
            method, path, agent = request
            answer = self.connect(pair.port, path, agent)
            # code 0: a server that does not speak HTTP took the connection; it closes it without a word
            reply = http_response(answer, method == "HEAD", self.date()) if answer.code else b""
        else:  # not HTTP, or the client closed before a whole request: connect, answer nothing
            answer = self.connect(pair.port, "", "")
            reply = b""
        await self._finish(pair, reply, answer.error if answer.code is None else "")

    async def _finish(self, pair: _Pair, reply: bytes, error: str) -> None:
        pair.done = True
        if error and pair.error:
            await self._send(self.framer.data(pair.error, error.encode()))
        await self._send(self.framer.data(pair.data, reply, fin=True))
        if pair.error:
            await self._send(self.framer.data(pair.error, b"", fin=True))
        for stream in (pair.data, pair.error):
            self.by_stream.pop(stream, None)
        self.pairs = {k: v for k, v in self.pairs.items() if v is not pair}
