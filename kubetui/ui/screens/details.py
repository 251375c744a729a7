"""Details of one object: a describe-style summary, its YAML, its events and (pods) its scheduling decision."""

from __future__ import annotations

from typing import Any, ClassVar

import yaml
from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TabbedContent, TabPane

from kubetui.api.meta import parse_timestamp
from kubetui.sim.trace import SchedulingDecision
from kubetui.ui.format import age, clock_time
from kubetui.ui.screens.decision import decision_renderable


def describe(obj: dict[str, Any]) -> RenderableType:
    meta, spec, status = obj.get("metadata", {}), obj.get("spec", {}), obj.get("status", {})
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()

    def row(label: str, value: Any) -> None:
        if value not in (None, "", [], {}):
            table.add_row(label + ":", str(value))

    row("Name", meta.get("name"))
    row("Namespace", meta.get("namespace"))
    row("Kind", obj.get("kind"))
    row("Labels", ", ".join(f"{k}={v}" for k, v in (meta.get("labels") or {}).items()))
    row("Created", meta.get("creationTimestamp"))
    row("Deleting since", meta.get("deletionTimestamp"))
    owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    if owner:
        row("Controlled By", f"{owner.get('kind')}/{owner.get('name')}")
    if obj.get("kind") == "Node":  # what cordon, drain and the node lifecycle controller change
        row("Unschedulable", "true" if spec.get("unschedulable") else "false")
        row("Taints", "\n".join(f"{t.get('key')}{'=' + t['value'] if t.get('value') else ''}:{t.get('effect')}"
                                for t in spec.get("taints") or []) or "<none>")
        for label in ("capacity", "allocatable"):
            amounts = status.get(label) or {}
            row(label.capitalize(), "  ".join(f"{k}={amounts[k]}" for k in ("cpu", "memory", "pods") if k in amounts))
    row("Node", spec.get("nodeName"))
    row("Phase", status.get("phase"))
    row("IP", status.get("podIP"))
    row("Replicas", spec.get("replicas"))
    for cond in status.get("conditions") or []:
        detail = f"{cond.get('status')}  {cond.get('reason', '')} {cond.get('message', '')}"
        row(f"Condition {cond.get('type')}", detail)
    for cs in status.get("containerStatuses") or []:
        state = cs.get("state", {})
        name = next(iter(state), "unknown")
        detail = state.get(name, {})
        text = f"{name} {detail.get('reason', '')} exit={detail.get('exitCode', '')}".replace(" exit=", " ")
        row(f"Container {cs.get('name')}",
            f"{text.strip()}  ready={cs.get('ready')}  restarts={cs.get('restartCount', 0)}  image={cs.get('image')}")
    return table


def last_seen(event: dict[str, Any], now: float | None) -> str:
    """When an Event was last seen, as kubectl says it (``12s``) and on the clock the header and the panes
    show (``00:01:02``). The timestamp itself is anchored to the wall clock, which no pane shows."""
    seen = parse_timestamp(event.get("lastTimestamp") or event.get("eventTime"))
    if seen is None:
        return ""
    ago = f"{age(max(0.0, now - seen))} ago  " if now is not None else ""
    return f"{ago}{clock_time(seen)}"


class DetailsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    DetailsScreen { align: center middle; }
    DetailsScreen > TabbedContent { width: 95%; height: 90%; border: thick $accent; background: $surface; }
    DetailsScreen TabPane > VerticalScroll { padding: 0 1; }
    """

    def __init__(self, obj: dict[str, Any], events: list[dict[str, Any]],
                 decision: SchedulingDecision | None = None, now: float | None = None) -> None:
        super().__init__()
        self.obj = obj
        self.events = events
        self.decision = decision
        self.now = now  # virtual seconds: events read as "12s ago" and on the panes' clock, not the wall's

    @property
    def syntax_theme(self) -> str:
        """YAML colours from the app theme's ANSI palette: Rich's default, monokai, wrote pale yellow strings
        and white token boxes on the light projector theme."""
        return "ansi_dark" if self.app.current_theme.dark else "ansi_light"

    def compose(self) -> ComposeResult:
        meta = self.obj.get("metadata", {})
        title = f"{self.obj.get('kind', '')} {meta.get('namespace', '')}/{meta.get('name', '')}".replace(" /", " ")
        with TabbedContent() as tabs:
            tabs.border_subtitle = "esc closes · ←→ tabs · ↑↓ scroll"
            with TabPane("Describe"):
                yield VerticalScroll(Static(Group(Text(title, style="bold"), Text(""), describe(self.obj))))
            with TabPane("YAML"):
                text = yaml.safe_dump(self.obj, sort_keys=False, width=120)
                yield VerticalScroll(Static(Syntax(text, "yaml", theme=self.syntax_theme, word_wrap=True)))
            with TabPane(f"Events ({len(self.events)})"):
                table = Table("LAST SEEN", "TYPE", "REASON", "FROM", "MESSAGE", expand=True, show_edge=False)
                for event in self.events:
                    warning = event.get("type") == "Warning"
                    table.add_row(last_seen(event, self.now), event.get("type", ""),
                                  Text(event.get("reason", ""), style="bold yellow" if warning else ""),
                                  str(event.get("source", {}).get("component", "")), event.get("message", ""))
                yield VerticalScroll(Static(table if self.events else Text("No events.", style="dim")))
            if self.decision is not None:
                with TabPane("Scheduling"):
                    yield VerticalScroll(Static(decision_renderable(self.decision, self.app.size.width)))
