"""``kubectl exec`` and ``kubectl attach`` over WebSocket: the ``v5.channel.k8s.io`` stream protocol.

kubectl (1.30 on) opens ``GET .../pods/<name>/exec?command=...&stdin=true&stdout=true&tty=true`` as a WebSocket
with the subprotocol ``v5.channel.k8s.io`` (``v4`` is accepted too). Every message is binary: its first byte
names the channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize) and the rest is data; v5 adds 255, "close this
channel" (kubectl sends ``255 0`` at the end of its stdin). The server ends with a ``metav1.Status`` on channel 3:
``Success``, or ``Failure`` with reason ``NonZeroExitCode`` and the exit code as the ``ExitCode`` cause, which
kubectl prints as ``command terminated with exit code N`` (k8s.io/apimachinery/pkg/util/remotecommand).

Simplification: the older SPDY transport (``KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false``) is refused with a message
that says so.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from kubetui.apiserver import errors
from kubetui.apiserver.errors import ApiError
from kubetui.node.exec_session import ExecError, Session, Terminal

if TYPE_CHECKING:
    from kubetui.http.server import ApiHttpServer

log = logging.getLogger(__name__)

PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").lower() in ("true", "1")


def exit_status(code: int, command: list[str]) -> dict[str, Any]:
    """What the kubelet's streaming server sends on the error channel when the process has ended."""
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"command terminated with non-zero exit code: error executing command {json.dumps(command)}, "
        f"exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


def failure_status(message: str) -> dict[str, Any]:
    return {"metadata": {}, "status": "Failure", "message": message, "reason": "InternalError", "code": 500}


class KubeletRefused(Exception):
    """The kubelet's streaming server said no (``container not found``): kubectl shows ``unable to upgrade
    connection: <its words>``."""


class RemoteCommand:
    def __init__(self, http: ApiHttpServer) -> None:
        self.http = http

    async def handle(self, request: web.Request, namespace: str, name: str, subresource: str, who: str
                     ) -> web.StreamResponse:
        try:
            return await self._handle(request, namespace, name, subresource, who)
        except KubeletRefused as err:
            return web.Response(status=404, text=f"{err}\n", content_type="text/plain")

    async def _handle(self, request: web.Request, namespace: str, name: str, subresource: str, who: str
                      ) -> web.StreamResponse:
        command = request.query.getall("command", [])
        stdin = _flag(request, "stdin")
        if request.method == "POST" and request.headers.get("Upgrade", "").lower().startswith("spdy"):
            # kubectl falls back to SPDY when the WebSocket upgrade fails: say why it failed, if it did
            self._open(who, subresource, namespace, name, request, command, stdin)
            raise errors.bad_request(
                f"{subresource} over SPDY is not supported by kubetui: kubectl uses WebSockets unless "
                "KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false"
            )
        if request.method not in ("GET", "POST"):
            raise ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        if not (stdin or _flag(request, "stdout") or _flag(request, "stderr")):
            raise errors.bad_request("you must specify at least 1 of stdin, stdout, stderr")
        ws = web.WebSocketResponse(protocols=PROTOCOLS, autoping=True, heartbeat=None, max_msg_size=1 << 20)
        if not ws.can_prepare(request).ok:
            raise errors.bad_request("Upgrade request required")
        session = self._open(who, subresource, namespace, name, request, command, stdin)
        await ws.prepare(request)
        tty = _flag(request, "tty")

        async def write(channel: int, data: bytes) -> None:
            if not ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_bytes(bytes([channel]) + data)

        term = Terminal(write, tty)
        run = asyncio.ensure_future(session.run(term))
        reader = asyncio.ensure_future(self._read(ws, term))
        try:
            code = await run
            # An attach ends when the streams do, and the kubelet reports Success: kubectl reads the container's
            # exit code from the pod (kubectl run's "pod default/x terminated (Error)").
            status = exit_status(0 if subresource == "attach" else code, command)
        except ExecError as err:
            status = failure_status(str(err))
        except Exception as err:  # a bug in the simulated programs must end this stream, not hang kubectl
            log.exception("exec in %s/%s failed", namespace, name)
            status = failure_status(f"Internal error occurred: {type(err).__name__}: {err}")
        finally:
            reader.cancel()
        if not ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_bytes(bytes([ERROR]) + json.dumps(status).encode())
                await ws.close()
        return ws

    def _open(self, who: str, subresource: str, namespace: str, name: str, request: web.Request,
              command: list[str], stdin: bool) -> Session:
        try:
            session: Session = self.http.cluster.api.stream(
                who, subresource, namespace, name, request.query.get("container") or None, command, stdin
            )
        except ExecError as err:  # the kubelet's own answer, plain text, as the API server's proxy passes it on
            raise KubeletRefused(str(err)) from err
        return session

    @staticmethod
    async def _read(ws: web.WebSocketResponse, term: Terminal) -> None:
        """Demultiplex what the client sends: stdin bytes, the end of stdin, terminal resizes."""
        try:
            async for message in ws:
                if message.type != WSMsgType.BINARY or not message.data:
                    continue
                channel, data = message.data[0], message.data[1:]
                if channel == STDIN:
                    term.stdin.put_nowait(bytes(data))
                elif channel == CLOSE and data[:1] == bytes([STDIN]):
                    term.stdin.put_nowait(None)
        finally:
            term.closed = True
            term.stdin.put_nowait(None)
