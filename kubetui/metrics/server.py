"""metrics-server itself: the scraper and the API, under one identity, started by the cluster's assembly."""

from __future__ import annotations

from kubetui.client.client import Client
from kubetui.metrics.api import MetricsAPI
from kubetui.metrics.scraper import METRIC_RESOLUTION, KubeletDialer, Scraper
from kubetui.sim.trace import TraceBus


class MetricsServer:
    def __init__(
        self, client: Client, dialer: KubeletDialer, trace: TraceBus, resolution: float = METRIC_RESOLUTION
    ) -> None:
        self.client = client
        self.scraper = Scraper(client, dialer, trace, resolution)
        self.api = MetricsAPI(client, self.scraper)

    def start(self) -> None:
        self.scraper.start()

    def stop(self) -> None:
        self.scraper.stop()
