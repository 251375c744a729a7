"""The header: virtual time, speed, node and pod counts (as `kubectl get pods` would list them), and where
kubectl can connect."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from rich.text import Text
from textual.widgets import Static

from kubetui.ui.format import GLYPH_ORDER, clock_time, is_system, pod_glyph, status_style
from kubetui.ui.view import ClusterView, node_ready, pod_status

if TYPE_CHECKING:
    from kubetui.sim.clock import RealTimeDriver


HEADER_PARTS = ("hint", "note", "words", "ready", "scheme", "paused", "api", "tally")  # what goes first, narrower


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
        self._counts: tuple[int, PodCounts] | None = None

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
        kubeconfig hint, the "fast clock" note, the pods' STATUS words (9 Running 1 CrashLoopBackOff ->
        the panes' glyphs ●8 ◐1 ✖1), "ready", the API address's scheme, the word PAUSED (its ⏸ stays), the word
        "API" before the address (at 10x, a node's pods Terminating lost every count for it), the pods' glyph counts
        (their total stays). The API address itself stays: speakers type kubectl against it
        (paused, with pods Terminating, a 100-column header lost it)."""
        text = Text()
        for dropped in range(len(HEADER_PARTS) + 1):
            text = self._text(*(index >= dropped for index in range(len(HEADER_PARTS))))
            if text.cell_len <= width:
                break
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    def _text(self, hint: bool, note: bool, words: bool, ready_word: bool, scheme: bool, paused_word: bool = True,
              api_word: bool = True, tally_shown: bool = True) -> Text:
        view = self.view
        text = Text()
        text.append(" kubetui ", style="bold reverse")
        text.append(f"  ⏱ {clock_time(view.cluster.clock.now)} ", style="bold")
        driver = self.driver
        if driver is None:
            if note:
                text.append(" fast clock ", style="dim")
        elif driver.paused:
            text.append(" ⏸ PAUSED " if paused_word else " ⏸ ", style="bold black on yellow")
            if driver.speed != 1:  # [ and ] while paused: the speed it will resume at
                text.append(f" {driver.speed:g}x ", style="bold green")
        else:
            text.append(f" ▶ {driver.speed:g}x ", style="bold green")
        nodes = view.list("nodes")
        ready = sum(1 for n in nodes if node_ready(n) == "Ready")
        text.append(f"  nodes {ready}/{len(nodes)}{' ready' if ready_word else ''}",
                    style="green" if ready == len(nodes) else "bold yellow")
        counts = self.pod_counts()
        total = sum(count for _, count, _ in counts.by_status)
        # not dim: on the header's grey bar dim text ("pods 14", the green of ✔3) read at under 3:1 on a projector
        text.append(f"  pods {total}{':' if words and total else ''} ")
        tally = counts.by_status if words else counts.by_glyph if tally_shown else []
        for label, count, style in tally:
            text.append(f"{count} {label} " if words or label not in GLYPH_ORDER else f"{label}{count} ",
                        style=style.replace("dim ", ""))
        if self.tour_label:
            text.append(f"  {self.tour_label}", style="bold magenta")
        if self.api_address:
            if hint and self.kubeconfig:
                text.append(f"  kubectl: export KUBECONFIG={self.kubeconfig}", style="dim")
            address = self.api_address if scheme else self.api_address.split("://", 1)[-1]
            text.append(f"  API {address}" if api_word else f"  {address}", style="cyan")
        return text

    def pod_counts(self) -> PodCounts:
        """The pods counted, again only when a pod changed (the header redraws four times a second)."""
        version = self.view.versions["pods"]
        if self._counts is None or self._counts[0] != version:
            self._counts = (version, pod_counts([pod for pod in self.view.list("pods") if not is_system(pod)]))
        return self._counts[1]


DELETING = ("Terminating", "Unknown")  # kubectl's STATUS for a pod being deleted (Unknown: its node was lost)


class PodCounts(NamedTuple):
    """(label, count, style) triples: by STATUS as `kubectl get pods` prints it (9 Running, 1 CrashLoopBackOff),
    and by the glyphs of the panes and the help legend (●8 ready, ◐1 running not ready, ✖1 crashing). Pods
    being deleted count apart, by their STATUS word, in both."""

    by_status: list[tuple[str, int, str]]
    by_glyph: list[tuple[str, int, str]]


def pod_counts(pods: list[dict[str, Any]]) -> PodCounts:
    """STATUS words in the order of their glyphs (running, waiting, crashing, completed, being deleted), the
    most common first among equals; a status shared by two glyphs (Running: ● and ◐) ranks by the first."""
    statuses: dict[str, list[int]] = {}  # status -> [count, rank]
    glyphs: dict[str, tuple[int, str]] = {}  # glyph, or the status of a pod being deleted -> (count, style)
    deleting_rank = len(GLYPH_ORDER)
    for pod in pods:
        status = pod_status(pod)
        glyph, style = pod_glyph(pod)
        deleting = status in DELETING
        rank = deleting_rank if deleting else GLYPH_ORDER.index(glyph)
        entry = statuses.setdefault(status, [0, rank])
        entry[0] += 1
        entry[1] = min(entry[1], rank)
        key, style = (status, "yellow") if deleting else (glyph, style)
        glyphs[key] = (glyphs.get(key, (0, ""))[0] + 1, style)
    by_status = [(status, count, "yellow" if rank == deleting_rank else status_style(status))
                 for status, (count, rank) in sorted(statuses.items(), key=lambda i: (i[1][1], -i[1][0], i[0]))]
    order = [*GLYPH_ORDER, *DELETING]
    by_glyph = [(key, count, style) for key, (count, style) in sorted(glyphs.items(), key=lambda i: order.index(i[0]))]
    return PodCounts(by_status, by_glyph)
