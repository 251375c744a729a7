"""The whole scheduling decision: every node's filter verdict and every plugin's score."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kubetui.sim.trace import SchedulingDecision
from kubetui.ui.format import clock_time
from kubetui.ui.view import ClaimState


def claims_text(claims: Sequence[ClaimState]) -> Text:
    """``Claims: data-db-0 Bound → pvc-0492c4f5… (node-1)``: where a pod's volumes are, which decides where it can
    run (VolumeBinding), or ``data-db-3 Pending, WaitForFirstConsumer``: the volume comes after this decision."""
    text = Text()
    text.append("Claims: " if len(claims) > 1 else "Claim: ", style="bold")
    for index, claim in enumerate(claims):
        if index:
            text.append(" · ", style="dim")
        text.append(claim.summary(13), style="green" if claim.phase == "Bound" else "yellow")
    return text


def decision_renderable(decision: SchedulingDecision, width: int = 200,
                        claims: Sequence[ClaimState] = ()) -> RenderableType:
    """A table of nodes x plugins: the answer to "why this node?" (for a Pending pod, "why no node?"). In a
    terminal narrower than 140 columns, with score columns to show, a filtered-out node's reason goes under the
    table, whole, instead of wrapping a few words a line in a squeezed filter column."""
    title = Text()
    title.append(f"{decision.pod}", style="bold")
    title.append(f"  at {clock_time(decision.time)}", style="dim")
    if decision.node:
        title.append("  →  ", style="dim")
        title.append(decision.node, style="bold green")
    else:
        title.append("  Pending", style="bold yellow")
    lines: list[RenderableType] = [title]
    if decision.message:
        lines.append(Text(decision.message, style="yellow" if not decision.node else "dim"))
    if decision.reason:
        lines.append(Text(decision.reason, style="italic"))
    if claims:
        lines.append(claims_text(claims))
    plugins: list[str] = []
    for verdict in decision.verdicts:
        for plugin in verdict.scores:
            if plugin not in plugins:
                plugins.append(plugin)
    notes = width < 140 and bool(plugins)
    footnotes: list[Text] = []
    table = Table(expand=False, header_style="bold", pad_edge=False, show_edge=False)
    table.add_column("node", no_wrap=True)
    # the filter column as wide as its longest verdict where the screen has the room (Rich wraps it, the only
    # column that may wrap, when the table would not fit): capped at 48, "✖ VolumeBinding: node(s) had volume
    # node affinity conflict" wrapped with 120 empty columns beside it at 200x50
    table.add_column("filter", no_wrap=notes, max_width=48 if width < 140 else None)
    for plugin in plugins:
        weight = next((v.scores[plugin][2] for v in decision.verdicts if plugin in v.scores), 1)
        table.add_column(Text(f"{_short(plugin)}\n×{weight}", justify="right"), justify="right", no_wrap=True)
    table.add_column(Text("total", justify="right"), justify="right", style="bold")
    ranked = sorted(decision.verdicts, key=lambda v: (not v.feasible, -v.total, v.node))
    for verdict in ranked:
        winner = verdict.node == decision.node
        style = "bold green" if winner else ("" if verdict.feasible else "dim")
        node = Text(("★ " if winner else "  ") + verdict.node, style=style)
        if verdict.feasible:
            verdict_text = Text("✔ fits", style="green")
        elif notes:
            verdict_text = Text(f"✖ {_short(verdict.plugin)}", style="red")
            footnotes.append(Text(f"✖ {verdict.node} {verdict.plugin}: {verdict.reason}", style="red"))
        else:
            verdict_text = Text(f"✖ {verdict.plugin}: {verdict.reason}", style="red")
        cells: list[RenderableType] = [node, verdict_text]
        for plugin in plugins:
            if plugin in verdict.scores:
                raw, normalized, _ = verdict.scores[plugin]
                cells.append(Text(f"{normalized}" if raw == normalized else f"{raw}→{normalized}"))
            else:
                cells.append(Text("·", style="dim"))
        cells.append(Text(str(verdict.total) if verdict.feasible else "", style=style))
        table.add_row(*cells)
    lines.append(Text(""))
    lines.append(table)
    if footnotes:
        lines += [Text(""), *footnotes]
    if plugins:  # a pod no node fits has no scores to explain
        lines.append(Text("\nScores are raw→normalized (0-100) per plugin; total = Σ normalized × weight.",
                          style="dim"))
    return Group(*lines)


def _short(plugin: str) -> str:
    for long, short in (("NodeResources", "Res"), ("BalancedAllocation", "Balanced"),
                        ("InterPodAffinity", "PodAffinity"), ("PodTopologySpread", "TopoSpread"),
                        ("TaintToleration", "Taints"), ("ImageLocality", "Images")):
        plugin = plugin.replace(long, short)
    return plugin


class DecisionScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,enter", "dismiss", "Close")]
    DEFAULT_CSS = """
    DecisionScreen { align: center middle; }
    DecisionScreen > VerticalScroll { width: 95%; height: auto; max-height: 90%; border: thick $accent;
        background: $surface; padding: 1 2; }
    """

    def __init__(self, decision: SchedulingDecision, claims: Sequence[ClaimState] = ()) -> None:
        super().__init__()
        self.decision = decision
        self.claims = claims  # the pod's PersistentVolumeClaims, as the API says they stand now

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_subtitle = "esc closes · ↑↓ scroll"
            question = "why this node?" if self.decision.node else "why no node?"
            yield Static(Text(f"Scheduling decision — {question}", style="bold"))
            yield Static(decision_renderable(self.decision, self.app.size.width, self.claims))
