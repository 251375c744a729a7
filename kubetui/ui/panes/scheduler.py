"""Scheduler decisions pane: one row per scheduling attempt; Enter opens the whole decision."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from kubetui.sim.trace import SchedulingDecision
from kubetui.ui.format import NAME_FLOOR, Part, about_system, assemble, clock_time, fit_error, without_default_ns
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
        """The decisions, a pod's repeated identical failure collapsed into one row where its latest attempt is
        (✖ too-big, times 7, Pending: ...): the scheduler retries an unschedulable pod after cluster events, and the
        same row each time filled half the pane."""
        decisions = self.view.decisions
        if all(map(_NODE, decisions)):  # every pod placed (a rollout): nothing to collapse, at C speed
            return list(decisions)
        rows: list[Attempts | SchedulingDecision | None] = []
        failing: dict[str, int] = {}  # pod -> index of its latest row, while that row is a failure
        for decision in decisions:
            if decision.node:
                failing.pop(decision.pod, None)
                rows.append(decision)
                continue
            index = failing.get(decision.pod)
            previous = rows[index] if index is not None else None
            if isinstance(previous, Attempts) and previous.decision.message == decision.message:
                rows[index] = None  # type: ignore[index]  # index is set where previous is
                rows.append(Attempts(decision, previous.count + 1))
            else:
                rows.append(Attempts(decision))
            failing[decision.pod] = len(rows) - 1
        return [row for row in rows if row is not None]

    def item_key(self, item: Any) -> Any:
        return item.seq, getattr(item, "count", 1)

    def render_item(self, item: Any, width: int) -> Text:
        line = self._line(item, width)
        if about_system(item):  # CoreDNS's pods: dim, as on the node cards
            line.stylize("dim")
        return line

    def _line(self, item: Any, width: int) -> Text:
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
        parts += [("✖ ", "bold red", 0), (pod, "bold", 0)]
        count = getattr(item, "count", 1)
        if count > 1:  # the same failure, attempt after attempt
            parts.append((f" ×{count}", "bold yellow", 0))
        room = width - sum(cell_len(text) for text, _, _ in parts)
        message = item.message
        label = " Pending: "
        if cell_len(message) > room - len(label):  # shorter, with the reasons per plugin from the verdicts
            plugins = rejected_by_plugin(getattr(item, "decision", item))
            message = fit_error(message, room - len(label), plugins)
            if cell_len(message) > room - len(label):  # narrow: every reason rather than the word (✖ says it)
                label = ": "
                message = fit_error(item.message, room - len(label), plugins)
        parts += [(label, "yellow", 0), (message, "yellow", 0)]
        return assemble(parts, width)

    def item_text(self, item: Any) -> str:
        return item.summary()


_NODE = attrgetter("node")


class Attempts:
    """A scheduler pane row: a decision, and how many identical failed attempts in a row it stands for. Reads
    as the decision itself (pod, node, verdicts, ...)."""

    __slots__ = ("count", "decision")

    def __init__(self, decision: SchedulingDecision, count: int = 1) -> None:
        self.decision = decision
        self.count = count

    def __getattr__(self, name: str) -> Any:
        return getattr(self.decision, name)


def rejected_by_plugin(decision: SchedulingDecision) -> dict[str, int]:
    """Filter plugin -> how many nodes it rejected in this decision."""
    counts: dict[str, int] = {}
    for verdict in decision.verdicts:
        if not verdict.feasible and verdict.plugin:
            counts[verdict.plugin] = counts.get(verdict.plugin, 0) + 1
    return counts
