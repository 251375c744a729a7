"""Resource usage: how much CPU each running container burns, and why, so the kubelet can report it.

A container's CPU is its image's idle baseline (``kubetui.node.images``; ``stress --cpu N`` adds N cores)
plus the requests it serves. Sustained load comes from request loops: a container whose script loops
calling ``wget``/``curl`` at a Service (``while sleep 0.01; do wget -q -O- http://php-apache; done``)
sends it one request per pass of the loop, 1/period a second. Each such flow is routed by the kube-proxy
rules of the node the client runs on, exactly as its connections would be: the Service's ready endpoints
share it evenly (iptables' ``--probability 1/(n-i)`` chain), and each serving container spends its image's
CPU seconds per request. The client spends a little too (:data:`CLIENT_REQUEST_CPU`).

Usage is capped where the kernel caps it: at the container's CPU limit (CFS quota: a throttled
php-apache shows exactly its 500m), and without a limit at what the node has.

Rates change only when something that routes or serves the load changes (a client or server starts
or stops, kube-proxy rewrites its rules), so a container's cumulative CPU is integrated exactly over
virtual time by :class:`CpuMeter`: the rate metrics-server computes over any window is the true average.

Where a container's own wget/curl requests go is kept on it as a timeline (:class:`FetchRoute`, from the same
work): its log prints each pass's answer from the endpoint the pass reached, worked out when the log is read. A name
with no Service is a bad address; with the cluster DNS running but no CoreDNS pod ready, one failure per resolver
timeout; a Service without endpoints refuses the connection.

Simplification: a request loop's flow is spread over the endpoints by its expected share, not connection by
connection (no per-request events, and no access log line in the server's log), and its rate is 1/period whatever the
server's response time.
Simplification: containers on a node do not compete for CPU by their requests (cpu.shares); when the loaded
ones want more than the node has, each gets the same fraction of what it wants.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from kubetui.api.quantity import QuantityError, parse_quantity
from kubetui.node import dns
from kubetui.node.dns import is_ip

if TYPE_CHECKING:
    from kubetui.node.network import PodNetwork
    from kubetui.node.runtime import Container, ContainerRuntime

CLIENT_REQUEST_CPU = 0.0002  # CPU seconds wget/curl spends on one request (connect, send, read)
TCP_CONNECT_TIMEOUT = 130.0  # Linux gives up on a SYN nobody answers after its retries: about two minutes
DNS_SERVICE = "kube-system/kube-dns"
MAX_ROUTES = 1_000  # a container's timeline keeps this many changes a URL (its log keeps only its tail anyway)

# How a client's node routes a request: the Service's ClusterIP and (pod IP, port, share of the connections) for
# each endpoint its rules jump to ([] when the Service has no endpoints, None when it has not that port); None when
# no rule matches the address.
Route = Callable[[str, int, str], "tuple[str, list[tuple[str, int, float]] | None] | None"]


@dataclass(frozen=True, eq=False)
class Destination:
    """One endpoint a request can reach, with its share of the passes, and what listened there (None: nothing)."""

    ip: str
    port: int
    share: float
    server: Container | None
    host: ContainerRuntime | None


@dataclass(frozen=True, eq=False)
class FetchRoute:
    """Where a container's requests to one URL went from ``since`` on: the address its host resolved to and the
    endpoints behind it, or why they failed (``unresolved``, ``refused``, ``timeout``), each failing pass having
    waited ``waits`` seconds first."""

    since: float
    ip: str = ""
    destinations: tuple[Destination, ...] = ()
    failure: str = ""
    waits: float = 0.0

    def key(self) -> tuple[object, ...]:
        return (self.ip, self.failure, self.waits,
                tuple((d.ip, d.port, d.share, id(d.server)) for d in self.destinations))


@dataclass(slots=True)
class CpuMeter:
    """A container's cumulative CPU (cpuacct.usage), exact under piecewise-constant rates."""

    total: float = 0.0  # core-seconds used up to ``since``
    since: float = 0.0
    rate: float = 0.0  # cores used from ``since`` on

    def read(self, now: float) -> float:
        """Core-seconds used from the start to ``now``."""
        return self.total + self.rate * max(0.0, now - self.since)

    def set_rate(self, now: float, rate: float) -> None:
        self.total = self.read(now)
        self.since = max(now, self.since)
        self.rate = rate

    def add(self, core_seconds: float) -> None:
        """A short burst (a few requests) spent at once."""
        self.total += core_seconds


def cpu_limit_cores(spec: dict[str, object]) -> float:
    """``resources.limits.cpu`` in cores; 0.0 when the container has none."""
    resources = spec.get("resources")
    limits = resources.get("limits") if isinstance(resources, dict) else None
    value = limits.get("cpu") if isinstance(limits, dict) else None
    if value is None:
        return 0.0
    try:
        return float(parse_quantity(str(value)))
    except (QuantityError, ValueError, TypeError):
        return 0.0


def service_address(url: str, namespace: str) -> tuple[str, int] | None:
    """Where a URL points, as kube-proxy's rules name it: ``namespace/service`` (cluster DNS: ``svc``,
    ``svc.ns``, ``svc.ns.svc.cluster.local``) or an IP, and the port; None for a name outside the cluster."""
    scheme, _, rest = url.rpartition("://")
    host_port = rest.split("/", 1)[0].split("?", 1)[0]
    host, _, port_text = host_port.rpartition(":") if host_port.count(":") == 1 else (host_port, "", "")
    port = int(port_text) if port_text.isdigit() else (443 if scheme == "https" else 80)
    if not host:
        return None
    if is_ip(host):
        return host, port
    parts = host.rstrip(".").split(".")
    if len(parts) == 1:
        return f"{namespace}/{parts[0]}", port
    if len(parts) == 2 or (parts[2] == "svc" and (len(parts) == 3 or parts[3:] == ["cluster", "local"])):
        return f"{parts[1]}/{parts[0]}", port
    return None


class ServiceLoad:
    """Every request loop in the cluster and the CPU it costs the containers that serve it.

    It lives with the pod network, the physical plumbing the requests travel over: no control-plane
    component reads it. Only the runtimes (containers start, stop, serve) and kube-proxy (rules change)
    tell it something changed; with no request loop running, it does nothing at all.
    """

    def __init__(self, network: PodNetwork) -> None:
        self.network = network
        self.sources: dict[str, tuple[Container, ContainerRuntime]] = {}  # by container id: the clients
        self.loaded: dict[str, tuple[Container, ContainerRuntime]] = {}  # by container id: what serves them
        self.refreshes = 0
        self._refreshing = False
        self._again = False

    # -- what the runtimes and kube-proxy tell it ---------------------------------------------------------------------
    def started(self, container: Container, runtime: ContainerRuntime, now: float) -> None:
        container.cpu = CpuMeter(since=now, rate=self._capped(container, runtime, container.program.idle_cpu))
        if container.program.fetch_urls:
            self.sources[container.id] = (container, runtime)
            self.refresh(now)

    def stopped(self, container: Container, now: float) -> None:
        container.cpu.set_rate(now, 0.0)
        if self.sources.pop(container.id, None) is not None or container.id in self.loaded:
            self.loaded.pop(container.id, None)
            self.refresh(now)

    def rules_changed(self, node: str, now: float) -> None:
        """A node's kube-proxy rewrote its rules: the flows leaving that node may go elsewhere now."""
        if any(runtime.node == node for _, runtime in self.sources.values()):
            self.refresh(now)

    def served(self, container: Container) -> None:
        """One request answered outside any loop (``g``, ``kubetui ctl curl``): a brief bump, spent at once."""
        container.cpu.add(container.program.request_cpu)

    # -- working it out -----------------------------------------------------------------------------------------------
    def refresh(self, now: float) -> None:
        """Settle every loaded container at ``now`` and work every flow out again from the rules of today."""
        if self._refreshing:  # a route lookup made kube-proxy sync: go round once more when done
            self._again = True
            return
        self._refreshing = True
        try:
            self._again = True
            while self._again:
                self._again = False
                self._recompute(now)
        finally:
            self._refreshing = False

    def _recompute(self, now: float) -> None:
        self.refreshes += 1
        wanted: dict[str, float] = {}  # container id -> cores on top of its idle baseline
        holders: dict[str, tuple[Container, ContainerRuntime]] = {}
        for cid in sorted(self.sources):
            client, runtime = self.sources[cid]
            if not client.running:
                continue
            namespace = client.pod.partition("/")[0]
            rate = client.program.request_rate
            for url in client.program.fetch_urls:
                route = self._route(url, namespace, client, runtime, now)
                _remember(client, url, route)
                if url not in client.program.load_urls:
                    continue
                for found in route.destinations:
                    server, host, share = found.server, found.host, found.share
                    if server is None or host is None:
                        continue
                    wanted[server.id] = wanted.get(server.id, 0.0) + rate * share * server.program.request_cpu
                    holders[server.id] = (server, host)
                    wanted[cid] = wanted.get(cid, 0.0) + rate * share * CLIENT_REQUEST_CPU
                    holders[cid] = (client, runtime)
        rates = {
            cid: self._capped(container, runtime, container.program.idle_cpu + wanted[cid])
            for cid, (container, runtime) in holders.items()
        }
        by_node: dict[str, list[str]] = {}
        for cid, (_, runtime) in holders.items():
            by_node.setdefault(runtime.node, []).append(cid)
        for cids in by_node.values():
            capacity = holders[cids[0]][1].cpu_capacity
            total = sum(rates[cid] for cid in cids)
            if capacity > 0 and total > capacity:
                for cid in cids:
                    rates[cid] *= capacity / total
        for cid, (container, runtime) in self.loaded.items():
            if cid not in holders and container.running:
                container.cpu.set_rate(now, self._capped(container, runtime, container.program.idle_cpu))
        for cid in sorted(holders):
            holders[cid][0].cpu.set_rate(now, rates[cid])
        self.loaded = holders

    def _route(self, url: str, namespace: str, client: Container, runtime: ContainerRuntime,
               now: float) -> FetchRoute:
        """Where a URL's requests from ``client`` go now: resolved by the cluster DNS, through its node's rules."""
        address = service_address(url, namespace)
        if address is not None and address[0] in (f"{namespace}/localhost", "127.0.0.1"):  # the pod itself
            own = runtime.sandbox_ip(client.sandbox_id)
            return FetchRoute(now, "127.0.0.1", (self._destination(own, address[1], 1.0, now),))
        if address is None or runtime.route is None:
            return FetchRoute(now, failure="unresolved")
        target, port = address
        if not is_ip(target):
            dns_route = runtime.route(DNS_SERVICE, dns.PORT, namespace)
            if dns_route is not None and dns_route[1] == []:  # the add-on is there, and no CoreDNS pod is ready
                return FetchRoute(now, failure="unresolved", waits=dns.QUERY_TIMEOUT)
        found = runtime.route(target, port, namespace)
        if found is None:
            if not is_ip(target):
                return FetchRoute(now, failure="unresolved")  # no such Service: NXDOMAIN
            return FetchRoute(now, target, (self._destination(target, port, 1.0, now),))  # a pod IP, dialled directly
        cluster_ip, shares = found
        if shares is None:  # the Service has no such port: nothing answers the SYN
            return FetchRoute(now, cluster_ip, failure="timeout", waits=TCP_CONNECT_TIMEOUT)
        if not shares:
            return FetchRoute(now, cluster_ip, failure="refused")  # KUBE-SERVICES rejects it: no endpoints
        return FetchRoute(now, cluster_ip, tuple(self._destination(ip, p, share, now) for ip, p, share in shares))

    def _destination(self, ip: str, port: int, share: float, now: float) -> Destination:
        host = cast("ContainerRuntime | None", self.network.host(ip))
        server = host.listener(ip, port, now) if host is not None else None
        return Destination(ip, port, share, server, host if server is not None else None)

    @staticmethod
    def _capped(container: Container, runtime: ContainerRuntime, cores: float) -> float:
        cap = container.cpu_limit or runtime.cpu_capacity
        return min(cores, cap) if cap > 0 else cores


def _remember(client: Container, url: str, route: FetchRoute) -> None:
    """Add ``route`` to the client's timeline for ``url`` when it differs from the last one."""
    history = client.routes.setdefault(url, [])
    if history and history[-1].key() == route.key():
        return
    history.append(route)
    if len(history) > MAX_ROUTES:
        del history[: len(history) - MAX_ROUTES]
