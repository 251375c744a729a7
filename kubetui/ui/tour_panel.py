"""The tour's side panel: narration beside the panes it talks about, never over them."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from kubetui.tours.model import Tour
from kubetui.tours.runner import TourRunner


class TourPanel(Static):
    DEFAULT_CSS = """
    TourPanel { width: 46; height: 1fr; border: round $secondary; border-title-color: $secondary;
        padding: 0 1; background: $surface; }
    """

    def __init__(self, cluster: Any, tour: Tour, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runner = TourRunner(cluster, tour)
        self.border_title = f"Tour: {tour.title}"
        self._highlighted = ""

    def on_mount(self) -> None:
        self.runner.next()
        self.set_interval(0.5, self.refresh_panel)
        self.refresh_panel()

    def next(self) -> None:
        self.runner.next()
        self.refresh_panel()

    def back(self) -> None:
        self.runner.back()
        self.refresh_panel()

    def restart(self) -> None:
        self.runner.restart_step()
        self.refresh_panel()

    def refresh_panel(self) -> None:
        runner = self.runner
        step = runner.step
        tour = runner.tour
        if step is None:
            self._highlight("")
            self.update(Group(Text("Tour complete.", style="bold green"),
                              Text("\nPress q to quit, or keep exploring with the keys (? for help).")))
            return
        self._highlight(step.highlight)
        done = runner.satisfied()
        parts: list[Text] = [
            Text(f"Step {runner.index + 1} of {len(tour.steps)}", style="dim"),
            Text(step.title, style="bold"),
            Text(""),
            Text(step.narration),
            Text(""),
        ]
        if runner.message:
            parts.append(Text(runner.message, style="red" if runner.message.startswith("error") else "cyan"))
        if done:
            parts.append(Text("✔ done — press n for the next step", style="bold green"))
        else:
            parts.append(Text("… watching the cluster (n to skip ahead)", style="yellow"))
        parts.append(Text("\nn next · b back · R restart step · q quit", style="dim"))
        self.update(Group(*parts))

    def _highlight(self, pane_id: str) -> None:
        if pane_id == self._highlighted:
            return
        for widget in self.app.query(".-highlight"):
            widget.remove_class("-highlight")
        if pane_id:
            for widget in self.app.query(f"#{pane_id}"):
                widget.add_class("-highlight")
        self._highlighted = pane_id
