"""``pods/<name>/portforward``: kubectl's SPDY session inside a WebSocket reaches the pod's own server."""

from __future__ import annotations

import aiohttp

from kubetui.http import spdy
from kubetui.http.portforward import PROTOCOL, parse_request
from kubetui.sim.trace import ApiRequest, NodeActivity
from tests.http.conftest import Api
from tests.http.test_proxy import BASE, web_pods


class Kubectl:
    """kubectl's side of the session: two streams per connection, the request on the data stream."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws, self.framer, self.next_stream = ws, spdy.Framer(), 1

    async def connect(self, port: int, request: bytes, request_id: int = 0) -> tuple[bytes, bytes]:
        """What came back on the data stream and on the error stream, both to their FIN."""
        error, data = self.next_stream, self.next_stream + 2
        self.next_stream += 4
        for stream, kind in ((error, "error"), (data, "data")):
            await self.ws.send_bytes(self.framer.syn_stream(
                stream, {"streamtype": kind, "port": str(port), "requestid": str(request_id)}))
        await self.ws.send_bytes(self.framer.data(error, b"", fin=True))  # kubectl writes nothing on it
        await self.ws.send_bytes(self.framer.data(data, request))
        got: dict[int, bytes] = {error: b"", data: b""}
        open_streams, replied = {error, data}, set()
        while open_streams:
            message = await self.ws.receive(timeout=5)
            for frame in self.framer.feed(message.data):
                if frame.kind == spdy.SYN_REPLY:
                    replied.add(frame.stream)
                elif frame.kind == "data":
                    got[frame.stream] += frame.data
                    if frame.fin:
                        open_streams.discard(frame.stream)
        assert replied == {error, data}
        return got[data], got[error]


async def open_tunnel(api: Api, pod: str) -> aiohttp.ClientWebSocketResponse:
    return await api.session.ws_connect(f"{api.url}{BASE}/pods/{pod}/portforward", protocols=(PROTOCOL,),
                                        headers={"User-Agent": "kubectl/v1.32.4 (linux/amd64) kubernetes/abcdef"})


async def test_a_forwarded_request_gets_the_pods_answer_and_logs_localhost(running: Api) -> None:
    name = web_pods(running)[0]
    async with await open_tunnel(running, name) as ws:
        assert ws.protocol == PROTOCOL
        kubectl = Kubectl(ws)
        data, error = await kubectl.connect(80, b"GET / HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/8.5.0"
                                                b"\r\nAccept: */*\r\n\r\n")
        head, _, body = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200 OK\r\n") and b"Content-Length: 615" in head and error == b""
        assert b"\r\nDate: Thu, 01 Jan 2026 00:00:30 GMT\r\n" in head, "the cluster's clock, as nginx's log line"
        assert b"<title>Welcome to nginx!</title>" in body
        data, _ = await kubectl.connect(80, b"HEAD /missing HTTP/1.1\r\n\r\n", request_id=1)
        assert data.startswith(b"HTTP/1.1 404 Not Found\r\n") and data.endswith(b"\r\n\r\n"), "HEAD: no body"
    log = running.cluster.api.logs("kubectl", "default", name, None, False, None)
    assert '127.0.0.1 - - [' in log and '"GET / HTTP/1.1" 200 615 "-" "curl/8.5.0"' in log
    trace = running.cluster.trace.history
    assert any(isinstance(r, ApiRequest) and r.subresource == "portforward" and r.code == 101 for r in trace)
    assert any(isinstance(r, NodeActivity) and r.what == "port-forward" and "GET / → 200" in r.detail for r in trace)


async def test_a_port_nobody_listens_on_answers_on_the_error_stream(running: Api) -> None:
    async with await open_tunnel(running, web_pods(running)[0]) as ws:
        data, error = await Kubectl(ws).connect(81, b"GET / HTTP/1.1\r\n\r\n")
    assert data == b""
    assert b"error forwarding port 81 to pod " in error
    assert b"dial tcp4 127.0.0.1:81: connect: connection refused" in error


async def test_a_dead_node_and_bytes_that_are_not_http(running: Api) -> None:
    name = web_pods(running)[0]
    async with await open_tunnel(running, name) as ws:
        kubectl = Kubectl(ws)
        data, error = await kubectl.connect(80, b"\x00\x01 not http\r\n")
        assert data == b"" and error == b"", "a connection the server takes and answers nothing on"
        node = (running.cluster.get("pods", "default", name) or {})["spec"]["nodeName"]
        running.cluster.chaos("kill-node", node=node)
        data, error = await kubectl.connect(80, b"GET / HTTP/1.1\r\n\r\n", request_id=1)
        assert data == b"" and b"error dialing backend" in error


async def test_refused_before_the_upgrade(running: Api) -> None:
    code, status = await running.call("POST", f"{BASE}/pods/missing/portforward")
    assert code == 400 and status["message"] == "Upgrade request required"
    code, status = await running.call("POST", f"{BASE}/pods/{web_pods(running)[0]}/portforward",
                                      headers={"Upgrade": "SPDY/3.1", "Connection": "Upgrade"})
    assert code == 400 and "KUBECTL_PORT_FORWARD_WEBSOCKETS=false" in status["message"]
    try:
        await running.session.ws_connect(f"{running.url}{BASE}/pods/missing/portforward", protocols=(PROTOCOL,))
    except aiohttp.WSServerHandshakeError as err:
        assert err.status == 404
    else:
        raise AssertionError("a missing pod must not upgrade")


def test_parse_request_waits_for_the_head_and_tells_other_protocols_apart() -> None:
    assert parse_request(b"GET /a HTTP/1.1\r\nHost: x") is None
    assert parse_request(b"GET /a?b=1 HTTP/1.1\r\nUser-Agent: Mozilla/5.0\r\n\r\n") == ("GET", "/a?b=1", "Mozilla/5.0")
    assert parse_request(b"*3\r\n$3\r\nSET\r\n") is False  # redis
    assert parse_request(b"x" * 70_000) is False
    assert parse_request(b"\x3a\x00\x00\x00\x01\x00") is False, "mongo's wire protocol: at once, not after 64 KiB"
    assert parse_request(b"GE") is None and parse_request(b"GET /") is None


async def test_an_http_request_to_a_server_that_is_not_http_gets_the_connection_closed(running: Api) -> None:
    running.cluster.client("kubectl").create("pods", {
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "cache"},
        "spec": {"containers": [{"name": "redis", "image": "redis:7.4", "ports": [{"containerPort": 6379}]}]}})
    running.cluster.run_for(30)
    async with await open_tunnel(running, "cache") as ws:
        data, error = await Kubectl(ws).connect(6379, b"GET / HTTP/1.1\r\n\r\n")
    assert data == b"" and error == b"", "redis takes the connection and answers no HTTP (curl: Empty reply)"
