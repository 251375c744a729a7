"""Scheduler decisions pane: one row per scheduling attempt; Enter opens the whole decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from kubetui.sim.trace import SchedulingDecision
from kubetui.ui.format import NAME_FLOOR, Part, assemble, clock_time, fit_error, without_default_ns
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
        """Below 80 cells "default/" goes; a long generated pod name loses its middle (web-5496…cmddm) before
        the line loses a column, then the score goes (from every row alike), then the nodes-fit count (Enter shows
        the decision in full): a long name no longer cost "(3/4 nodes fit)" on its row only. The time shows from
        60 cells."""
        parts: list[Part] = []
        if width >= 60:
            parts.append((clock_time(item.time) + " ", "dim", 0))
        pod = item.pod if width >= 80 else without_default_ns(item.pod)
        if item.node:
            name = len(parts) + 1
            parts += [("✔ ", "green", 0), (pod, "bold", 0), (" → ", "", 0), (item.node, "bold green", 0)]
            feasible = [v for v in item.verdicts if v.feasible]
            winner = next((v for v in item.verdicts if v.node == item.node), None)
            fit = f"  ({len(feasible)}/{len(item.verdicts)} nodes fit)" if len(item.verdicts) > 1 else ""
            score = f"  score {winner.total}" if winner is not None and feasible else ""
            # the score shows on every row or on none: judged as if each name were at its floor, so that a short
            # name (db-1) does not keep a score the long ones (web-5496…cmddm) lost
            reference = sum(cell_len(text) for text, _, _ in parts) - cell_len(pod) + NAME_FLOOR
            if score and reference + len(score + fit) <= width:
                parts.append((score, "dim", 2))
            if fit:
                parts.append((fit, "dim", 1))
            return assemble(parts, width, shrink=name, floor=NAME_FLOOR)
        parts += [("✖ ", "bold red", 0), (pod, "bold", 0), (" Pending: ", "yellow", 0)]
        room = width - sum(cell_len(text) for text, _, _ in parts)
        message = item.message
        if cell_len(message) > room:  # shorter, with the reasons per filter plugin from the decision's verdicts
            message = fit_error(message, room, rejected_by_plugin(item))
        parts.append((message, "yellow", 0))
        return assemble(parts, width)

    def item_text(self, item: Any) -> str:
        return item.summary()


def rejected_by_plugin(decision: SchedulingDecision) -> dict[str, int]:
    """Filter plugin -> how many nodes it rejected in this decision."""
    counts: dict[str, int] = {}
    for verdict in decision.verdicts:
        if not verdict.feasible and verdict.plugin:
            counts[verdict.plugin] = counts.get(verdict.plugin, 0) + 1
    return counts
