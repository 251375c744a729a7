"""The header: virtual time, speed, node and pod counts (as `kubectl get pods` would list them), and where
kubectl can connect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
        self._shown: Text | None = None
        self.view = view
        self.driver = driver
        self.api_address = api_address
        self.kubeconfig = kubeconfig
        self.tour_label = ""

    def on_mount(self) -> None:
        self.set_interval(0.25, self.update_text)
        self.update_text()

    def on_resize(self) -> None:
        self.update_text()

    def update_text(self) -> None:
        text = self.render_text(self.size.width or 100)
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)  # one line, always: no screen layout

    def render_text(self, width: int) -> Text:
        """The richest header that fits ``width``. Going narrower it drops, in this order: the
        kubeconfig hint, the "fast clock" note, pod phase words (10 Running -> ●10), "ready", the
        API address's scheme. The API address itself stays: speakers type kubectl against it."""
        variants = ((True, True, True, True, True), (False, True, True, True, True),
                    (False, False, True, True, True), (False, False, False, True, True),
                    (False, False, False, False, True), (False, False, False, False, False))
        text = Text()
        for hint, note, words, ready, scheme in variants:
            text = self._text(hint, note, words, ready, scheme)
            if text.cell_len <= width:
                break
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    def _text(self, hint: bool, note: bool, words: bool, ready_word: bool, scheme: bool) -> Text:
        view = self.view
        text = Text()
        text.append(" kubetui ", style="bold reverse")
        text.append(f"  ⏱ {clock_time(view.cluster.clock.now)} ", style="bold")
        driver = self.driver
        if driver is None:
            if note:
                text.append(" fast clock ", style="dim")
        elif driver.paused:
            text.append(" ⏸ PAUSED ", style="bold black on yellow")
        else:
            text.append(f" ▶ {driver.speed:g}x ", style="bold green")
        nodes = view.list("nodes")
        ready = sum(1 for n in nodes if node_ready(n) == "Ready")
        text.append(f"  nodes {ready}/{len(nodes)}{' ready' if ready_word else ''}",
                    style="green" if ready == len(nodes) else "bold yellow")
        counts = pod_counts(view.list("pods"))
        text.append(f"  pods {sum(counts.values())}{':' if words else ''} ", style="dim")
        for state, glyph, style in POD_STATES:
            if counts.get(state):
                if words or state == "Terminating":
                    text.append(f"{counts[state]} {state} ", style=style)
                else:
                    text.append(f"{glyph}{counts[state]} ", style=style)
        if self.tour_label:
            text.append(f"  {self.tour_label}", style="bold magenta")
        if self.api_address:
            if hint and self.kubeconfig:
                text.append(f"  kubectl: export KUBECONFIG={self.kubeconfig}", style="dim")
            address = self.api_address if scheme else self.api_address.split("://", 1)[-1]
            text.append(f"  API {address}", style="cyan")
        return text


# What `kubectl get pods` lists, by phase, with the glyphs the panes use; a pod being deleted (a dead node's
# pods wait for their kubelet, or the pod garbage collector, as Terminating) counts apart from its phase.
POD_STATES = (("Running", "●", "green"), ("Pending", "◌", "cyan"), ("Succeeded", "✔", "dim"),
              ("Failed", "✖", "red"), ("Terminating", "◌", "yellow"))


def pod_counts(pods: list[dict[str, Any]]) -> dict[str, int]:
    """Pods by phase, except that a pod with a deletionTimestamp is Terminating, as kubectl shows it."""
    counts: dict[str, int] = {}
    for pod in pods:
        if pod.get("metadata", {}).get("deletionTimestamp"):
            state = "Terminating"
        else:
            state = pod.get("status", {}).get("phase", "Pending")
        counts[state] = counts.get(state, 0) + 1
    return counts
