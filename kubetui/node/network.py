"""The pod network: one flat layer-3 network joining every pod IP in the cluster, as a CNI plugin builds it.

It is physical plumbing, not a control-plane shortcut: a packet to a pod IP reaches the machine
whose container runtime holds that sandbox, or times out when that machine is off. kube-proxy's
simulated requests travel over it, so a server's access log shows them and a dead pod stops answering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from kubetui.node.usage import ServiceLoad

if TYPE_CHECKING:
    from kubetui.api.stats import NodeStats


@dataclass(frozen=True)
class Reply:
    """What a client sees: an HTTP status (0 for a plain TCP connection), or an error."""

    code: int | None
    error: str = ""
    pod: str = ""  # namespace/name of the pod that answered
    body: str = ""  # what an HTTP server sent back (see process.response_body)

    @property
    def ok(self) -> bool:
        return self.code is not None and (self.code == 0 or 200 <= self.code < 400)


class Host(Protocol):
    def serve(self, ip: str, port: int, path: str, source: str, agent: str) -> Reply: ...


class PodNetwork:
    def __init__(self) -> None:
        self._hosts: dict[str, Host] = {}  # pod IP -> the runtime holding its sandbox
        self.load = ServiceLoad(self)  # the steady request loops flowing over it, and what they cost

    def host(self, ip: str) -> Host | None:
        return self._hosts.get(ip)

    def attach(self, ip: str, host: Host) -> None:
        self._hosts[ip] = host

    def detach(self, ip: str, host: Host) -> None:
        if self._hosts.get(ip) is host:
            del self._hosts[ip]

    def send(self, ip: str, port: int, path: str, source: str, agent: str) -> Reply:
        host = self._hosts.get(ip)
        if host is None:
            return Reply(None, f"dial tcp {ip}:{port}: i/o timeout")
        return host.serve(ip, port, path, source, agent)


KubeletStats = Callable[[], "NodeStats | None"]  # one reading of /metrics/resource; None: no answer
NodePorts = Callable[[int, str, str, str], "Reply | None"]  # (port, path, agent, source) -> answer; None: no rule


class NodeNetwork:
    """The machines' own network (their InternalIPs): how metrics-server reaches each kubelet's port 10250.

    A machine that is off, or cut off by a partition, does not answer: its kubelet cannot be scraped.
    """

    def __init__(self) -> None:
        self._kubelets: dict[str, KubeletStats] = {}  # node address -> its kubelet's /metrics/resource
        self._node_ports: dict[str, NodePorts] = {}  # node address -> its kube-proxy's NodePort rules

    def attach(self, address: str, endpoint: KubeletStats, node_ports: NodePorts | None = None) -> None:
        self._kubelets[address] = endpoint
        if node_ports is not None:
            self._node_ports[address] = node_ports

    def detach(self, address: str, endpoint: KubeletStats) -> None:
        if self._kubelets.get(address) == endpoint:
            del self._kubelets[address]
            self._node_ports.pop(address, None)

    def node_port(self, address: str, port: int, path: str, agent: str, source: str) -> Reply | None:
        """A connection to <a node's address>:<port> from a pod: that node's kube-proxy NodePort rules; None when the
        address is no running machine's, or no rule has the port."""
        node_ports = self._node_ports.get(address)
        return node_ports(port, path, agent, source) if node_ports is not None else None

    def is_machine(self, address: str) -> bool:
        """Does a running machine have this address (its kernel answers a closed port with a reset)?"""
        return address in self._kubelets

    def resource_metrics(self, address: str) -> NodeStats | None:
        """GET https://<address>:10250/metrics/resource, or None when nothing answers."""
        endpoint = self._kubelets.get(address)
        return endpoint() if endpoint is not None else None
