"""metrics-server's scraper: every resolution, one reading from every kubelet it can reach.

It reaches each kubelet directly over the node network at the node's InternalIP
(``--kubelet-preferred-address-types=InternalIP``, port 10250, ``/metrics/resource``), not through
the API server: the one place in kubetui where a component talks to another without the API server in
between, because the real metrics-server does exactly that. A kubelet that does not answer (its machine
is off, or cut off) is left out of the batch, so its node and pods drop out of the API until it answers
again. The nodes to scrape come from the API server.

Simplification: metrics-server lists the nodes at each scrape and the pods at each API request instead of
keeping informers (an informer's watch would cost the engine one more event per write for nothing);
the answers are the same.
"""

from __future__ import annotations

from typing import Any, Protocol

from kubetui.api.stats import NodeStats
from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.metrics.storage import MetricsPoint, NodeStorage, PodKey, PodStorage
from kubetui.sim.clock import Timer
from kubetui.sim.trace import MetricsScrape, TraceBus

METRIC_RESOLUTION = 15.0  # --metric-resolution=15s
KUBELET_PORT = 10250
IDENTITY = "metrics-server"


class KubeletDialer(Protocol):
    """The node network, as metrics-server sees it: a kubelet's resource metrics by node address."""

    def resource_metrics(self, address: str) -> NodeStats | None: ...


def internal_ip(node: dict[str, Any]) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address.get("address", ""))
    return ""


class Scraper:
    """Scrapes every ``resolution`` seconds of virtual time and keeps what it read in the storage."""

    def __init__(self, client: Client, dialer: KubeletDialer, trace: TraceBus,
                 resolution: float = METRIC_RESOLUTION) -> None:
        self.client = client
        self.dialer = dialer
        self.trace = trace
        self.resolution = resolution
        self.nodes = NodeStorage()
        self.pods = PodStorage(resolution)
        self.scrapes = 0
        self._timer: Timer | None = None

    def start(self) -> None:
        """The first scrape one resolution from now, then one every resolution."""
        self._timer = self.client.clock.call_later(self.resolution, self._tick, label="metrics-server scrape")

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _tick(self) -> None:
        self._timer = self.client.clock.call_later(self.resolution, self._tick, label="metrics-server scrape")
        self.scrape()

    def scrape(self) -> None:
        """One round: every node's kubelet, then the batch into the storage (the nodes not reached drop out)."""
        try:
            nodes = self.client.list("nodes")["items"]
        except ApiError:
            return
        node_points: dict[str, MetricsPoint] = {}
        pod_points: dict[PodKey, dict[str, MetricsPoint]] = {}
        failed: list[str] = []
        message = ""
        containers = 0
        for node in nodes:
            name = str(node["metadata"]["name"])
            address = internal_ip(node)
            stats = self.dialer.resource_metrics(address) if address else None
            if stats is None:
                failed.append(name)
                message = message or (
                    f'Failed to scrape node, node="{name}": Get "https://{address}:{KUBELET_PORT}/metrics/resource": '
                    f"dial tcp {address}:{KUBELET_PORT}: i/o timeout"
                )
                continue
            node_points[name] = MetricsPoint(stats.start_time, stats.timestamp, _ns(stats.cpu_seconds), stats.memory)
            for pod in stats.pods:
                pod_points[(pod.namespace, pod.name)] = {
                    c.name: MetricsPoint(c.start_time, stats.timestamp, _ns(c.cpu_seconds), c.memory)
                    for c in pod.containers
                }
                containers += len(pod.containers)
        self.nodes.store(node_points)
        self.pods.store(pod_points)
        self.scrapes += 1
        node_cpu = tuple((name, usage.cpu_nanocores // 1_000_000) for name in sorted(node_points)
                         if (usage := self.nodes.get(name)) is not None)
        self.trace.emit(MetricsScrape(nodes=len(node_points), pods=len(pod_points), containers=containers,
                                      failed=tuple(failed), message=message, node_cpu=node_cpu))


def _ns(seconds: float) -> int:
    """usageCoreNanoSeconds: cumulative CPU as the kubelet reports it, in whole nanocore-seconds."""
    return round(seconds * 1e9)
