"""Scheduler decisions pane: one row per scheduling attempt; Enter opens the whole decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from kubetui.sim.trace import SchedulingDecision
from kubetui.ui.format import clock_time
from kubetui.ui.panes.base import LinePane
from kubetui.ui.view import ClusterView


class SchedulerPane(LinePane):
    pane_title = "Scheduler decisions"
    immutable_items = True

    def __init__(self, view: ClusterView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def source_version(self) -> Any:
        return len(self.view.decisions), self.view.decisions[-1].seq if self.view.decisions else 0

    def items(self) -> Sequence[Any]:
        return list(self.view.decisions)

    def item_key(self, item: Any) -> Any:
        return item.seq

    def render_item(self, item: SchedulingDecision, width: int) -> Text:
        line = Text(no_wrap=True)
        if width >= 60:
            line.append(clock_time(item.time) + " ", style="dim")
        if item.node:
            line.append("✔ ", style="green")
            line.append(item.pod, style="bold")
            line.append(" → ")
            line.append(item.node, style="bold green")
            feasible = [v for v in item.verdicts if v.feasible]
            winner = next((v for v in item.verdicts if v.node == item.node), None)
            if winner is not None and feasible:
                line.append(f"  score {winner.total}", style="dim")
            if len(item.verdicts) > 1:
                line.append(f"  ({len(feasible)}/{len(item.verdicts)} nodes fit)", style="dim")
        else:
            line.append("✖ ", style="bold red")
            line.append(item.pod, style="bold")
            line.append(" Pending: ", style="yellow")
            line.append(item.message, style="yellow")
        return line

    def item_text(self, item: Any) -> str:
        return item.summary()
