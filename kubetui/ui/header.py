"""The header: virtual time, speed, node and pod counts, and where kubectl can connect."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from kubetui.ui.format import clock_time
from kubetui.ui.view import ClusterView, node_ready

if TYPE_CHECKING:
    from kubetui.sim.clock import RealTimeDriver


class ClusterHeader(Static):
    DEFAULT_CSS = """
    ClusterHeader { height: 1; background: $primary-background; color: $text; padding: 0 1; }
    """

    def __init__(self, view: ClusterView, driver: RealTimeDriver | None, api_address: str, kubeconfig: str = "",
                 **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.view = view
        self.driver = driver
        self.api_address = api_address
        self.kubeconfig = kubeconfig
        self.tour_label = ""

    def on_mount(self) -> None:
        self.set_interval(0.25, self.update_text)
        self.update_text()

    def update_text(self) -> None:
        self.update(self.render_text(self.size.width or 100))

    def render_text(self, width: int) -> Text:
        view = self.view
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" kubetui ", style="bold reverse")
        text.append(f"  ⏱ {clock_time(view.cluster.clock.now)} ", style="bold")
        driver = self.driver
        if driver is None:
            text.append(" fast clock ", style="dim")
        elif driver.paused:
            text.append(" ⏸ PAUSED ", style="bold black on yellow")
        else:
            text.append(f" ▶ {driver.speed:g}x ", style="bold green")
        nodes = view.list("nodes")
        ready = sum(1 for n in nodes if node_ready(n) == "Ready")
        text.append(f"  nodes {ready}/{len(nodes)} ready", style="green" if ready == len(nodes) else "bold yellow")
        phases: dict[str, int] = {}
        for pod in view.list("pods"):
            phase = pod.get("status", {}).get("phase", "Pending")
            phases[phase] = phases.get(phase, 0) + 1
        text.append("  pods ", style="dim")
        for phase, style in (("Running", "green"), ("Pending", "cyan"), ("Succeeded", "dim"), ("Failed", "red")):
            if phases.get(phase):
                text.append(f"{phases[phase]} {phase} ", style=style)
        if self.tour_label:
            text.append(f"  {self.tour_label}", style="bold magenta")
        if self.api_address and width >= 120:
            text.append(f"  kubectl: export KUBECONFIG={self.kubeconfig}" if self.kubeconfig else "", style="dim")
            text.append(f"  API {self.api_address}", style="cyan")
        elif self.api_address:
            text.append(f"  API {self.api_address}", style="cyan")
        return text
