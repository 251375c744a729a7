"""A machine's network link to the API server: what a partition cuts.

The kubelet and kube-proxy use a :class:`LinkedClient`. While the link is down every request fails
as an unreachable server does, so nothing they write reaches the cluster and the control plane
sees only silence (no lease renewals, stale status), exactly as with a real network partition.
"""

from __future__ import annotations

from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.server import APIServer
from kubetui.client.client import Client
from kubetui.sim.clock import Clock

API_SERVER_ADDRESS = "10.0.0.2:6443"


class NetworkLink:
    def __init__(self) -> None:
        self.up = True

    def unreachable(self) -> ApiError:
        return ApiError(503, "ServiceUnavailable", f"dial tcp {API_SERVER_ADDRESS}: i/o timeout")


class LinkedClient(Client):
    """A client whose every request crosses the machine's link (Client routes all requests through ``server``)."""

    def __init__(self, client: Client, link: NetworkLink) -> None:
        self._server = client.server
        self.link = link
        super().__init__(client.server, client.identity)

    @property
    def server(self) -> APIServer:
        if not self.link.up:
            raise self.link.unreachable()
        return self._server

    @server.setter
    def server(self, value: APIServer) -> None:
        self._server = value

    @property
    def clock(self) -> Clock:
        return self._server.clock

    def now_iso(self) -> str:
        return self._server.now_iso()
