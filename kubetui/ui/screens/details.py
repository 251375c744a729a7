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

from kubetui.sim.trace import SchedulingDecision
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


class DetailsScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close")]
    DEFAULT_CSS = """
    DetailsScreen { align: center middle; }
    DetailsScreen > TabbedContent { width: 95%; height: 90%; border: thick $accent; background: $surface; }
    """

    def __init__(self, obj: dict[str, Any], events: list[dict[str, Any]],
                 decision: SchedulingDecision | None = None) -> None:
        super().__init__()
        self.obj = obj
        self.events = events
        self.decision = decision

    def compose(self) -> ComposeResult:
        meta = self.obj.get("metadata", {})
        title = f"{self.obj.get('kind', '')} {meta.get('namespace', '')}/{meta.get('name', '')}".replace(" /", " ")
        with TabbedContent():
            with TabPane("Describe"):
                yield VerticalScroll(Static(Group(Text(title, style="bold"), Text(""), describe(self.obj))))
            with TabPane("YAML"):
                text = yaml.safe_dump(self.obj, sort_keys=False, width=120)
                yield VerticalScroll(Static(Syntax(text, "yaml", word_wrap=True, background_color="default")))
            with TabPane(f"Events ({len(self.events)})"):
                table = Table("LAST SEEN", "TYPE", "REASON", "FROM", "MESSAGE", expand=True, show_edge=False)
                for event in self.events:
                    warning = event.get("type") == "Warning"
                    table.add_row(str(event.get("lastTimestamp", ""))[11:19], event.get("type", ""),
                                  Text(event.get("reason", ""), style="bold yellow" if warning else ""),
                                  str(event.get("source", {}).get("component", "")), event.get("message", ""))
                yield VerticalScroll(Static(table if self.events else Text("No events.", style="dim")))
            if self.decision is not None:
                with TabPane("Scheduling"):
                    yield VerticalScroll(Static(decision_renderable(self.decision, self.app.size.width)))
