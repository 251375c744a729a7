"""API requests pane: who asked the API server for what, and how it answered."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from kubetui.sim.trace import ApiRequest, EtcdWrite
from kubetui.ui.format import clock_time, code_style, fit
from kubetui.ui.panes.base import LinePane
from kubetui.ui.view import ClusterView


class ApiPane(LinePane):
    pane_title = "API requests"
    immutable_items = True

    def __init__(self, view: ClusterView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.show_etcd = False

    def source_version(self) -> Any:
        return (self.view.trace_version, self.show_etcd)

    def items(self) -> Sequence[Any]:
        if self.show_etcd:
            return list(self.view.api)
        return [r for r in self.view.api if isinstance(r, ApiRequest)]

    def toggle_etcd(self) -> None:
        self.show_etcd = not self.show_etcd
        self.pane_title = "API requests + etcd writes" if self.show_etcd else "API requests"
        self.refresh_items(force=True)

    def item_key(self, item: Any) -> Any:
        return item.seq

    def render_item(self, item: Any, width: int) -> Text:
        line = Text(no_wrap=True)
        if width >= 60:  # narrow panes (100-column terminals) drop the time: the header shows it
            line.append(clock_time(item.time) + " ", style="dim")
        if isinstance(item, EtcdWrite):
            line.append(f"etcd rev {item.revision:<6} ", style="magenta")
            line.append(f"{item.op:<6} ", style="magenta bold")
            line.append(item.key, style="magenta")
            return line
        wide = width >= 100
        who_width = 24 if wide else 14
        resource_width = 20 if wide else 12 if width >= 60 else 9
        line.append(f"{fit(item.who, who_width):<{who_width}} ", style="cyan")
        line.append(f"{item.verb:<6} ", style="bold")
        resource = f"{item.resource}/{item.subresource}" if item.subresource else item.resource
        line.append(f"{fit(resource, resource_width):<{resource_width}} ")
        target = f"{item.namespace}/{item.name}" if item.namespace and item.name else (item.name or item.namespace)
        tail = f" rv {item.resource_version}" if wide and item.resource_version else ""
        name_width = max(8, width - len(line.plain) - 4 - len(tail))
        line.append(f"{fit(target, name_width):<{name_width}} ")
        line.append(f"{item.code}", style=code_style(item.code))
        if tail:
            line.append(tail, style="dim")
        return line

    def item_text(self, item: Any) -> str:
        return item.summary()

