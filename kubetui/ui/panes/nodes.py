"""Nodes pane: one card per node — readiness, heartbeat, requested vs allocatable, its pods."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from kubetui.api.quantity import QuantityError, cpu_millis, memory_bytes
from kubetui.controllers.nodelifecycle import NODE_MONITOR_GRACE_PERIOD
from kubetui.ui.format import Part, age, assemble, bar, cpu_text, mem_text, pod_glyph
from kubetui.ui.panes.base import LinePane
from kubetui.ui.view import ClusterView, node_ready, requested, restarts

CARD_LINES = 4  # title, cpu/memory bars, pods, spacer


@dataclass(frozen=True)
class CardLine:
    node: str
    part: int  # 0 title, 1 bars, 2 pods, 3 spacer


class NodesPane(LinePane):
    pane_title = "Nodes · kubelet status"
    follow_tail = False
    selection_always_visible = True  # k r p c d / x + - act on it from any pane
    refresh_hz = 2  # cards are the costliest lines to draw; heartbeat ages move in seconds anyway

    def __init__(self, view: ClusterView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self._node_objs: dict[str, dict[str, Any]] = {}
        self._pods_by_node: dict[str, list[dict[str, Any]]] = {}

    def source_version(self) -> Any:
        # Heartbeat ages change with time, so each virtual second counts as a change too.
        states = tuple(self.view.machine_state(n) for n in sorted(self.view.cluster.machines))
        return self.view.version, int(self.view.cluster.clock.now), states


    def items(self) -> Sequence[Any]:
        self._node_objs = {n["metadata"]["name"]: n for n in self.view.list("nodes")}
        self._pods_by_node = {}
        for pod in self.view.list("pods"):
            node = pod.get("spec", {}).get("nodeName")
            if node:
                self._pods_by_node.setdefault(node, []).append(pod)
        return [CardLine(name, part) for name in self._node_objs for part in range(CARD_LINES)]

    def item_key(self, item: CardLine) -> Any:
        return (item.node, item.part)

    def item_text(self, item: CardLine) -> str:
        pods = " ".join(p["metadata"]["name"] for p in self._pods_by_node.get(item.node, []))
        return f"{item.node} {pods}"

    @property
    def selected_node(self) -> str | None:
        item = self.selected
        return item.node if isinstance(item, CardLine) else None

    def select_node(self, node: str) -> None:
        """Put the cursor on ``node``'s card (the pod selected in another pane runs there)."""
        for index, item in enumerate(self._items):
            if isinstance(item, CardLine) and item.node == node and item.part == 0:
                if index != self.cursor:
                    before = self._visible_rows()
                    self.cursor = index
                    with self._scrolling_quietly():
                        self.scroll_to_region_y(index)
                    self._refresh_changed(before)
                return

    def action_cursor(self, delta: int) -> None:
        """Move a whole card at a time."""
        if not self._items:
            return
        target = max(0, min(len(self._items) - 1, max(self.cursor, 0) + delta * CARD_LINES))
        self.action_cursor_to(target - target % CARD_LINES)

    def is_selected(self, index: int) -> bool:
        """The whole card of the selected node is highlighted, not just one line."""
        cursor = self.cursor
        if cursor < 0 or index // CARD_LINES != cursor // CARD_LINES:
            return False
        if index % CARD_LINES != CARD_LINES - 1:
            return True
        item = self._items[index] if index < len(self._items) else None  # the last line, if it shows taints
        return isinstance(item, CardLine) and self._taints_below(
            self._node_objs.get(item.node, {}), self.scrollable_content_region.width)

    def render_item(self, item: CardLine, width: int) -> Text:
        node = self._node_objs.get(item.node, {})
        machine = self.view.machine_state(item.node)
        ready = node_ready(node)
        pods = self._pods_by_node.get(item.node, [])
        dead = machine in ("Dead", "Partitioned")
        line = Text(no_wrap=True)
        if item.part == 0:
            if machine == "Dead":
                line.append(" POWERED OFF ", style="bold white on red")
                line.append(" ")
            elif machine == "Partitioned":
                line.append(" PARTITIONED ", style="bold black on yellow")
                line.append(" ")
            else:
                glyph, style = {"Ready": ("●", "bold green"), "NotReady": ("✖", "bold red")}.get(
                    ready, ("?", "bold yellow"))
                line.append(f"{glyph} ", style=style)
            parts: list[Part] = [(f" {item.node} ", "bold reverse" if not dead else "bold", 0)]
            parts.append((f" {ready}", {"Ready": "green", "NotReady": "red"}.get(ready, "yellow"), 0))
            if node.get("spec", {}).get("unschedulable"):
                parts.append((",SchedulingDisabled", "bold yellow", 0))
            shown = taint_text(node)
            if shown:  # dropped when it does not fit: the card's last line shows it then
                parts.append((f"  {shown}", "yellow", 1))
            zone = node.get("metadata", {}).get("labels", {}).get("topology.kubernetes.io/zone")
            if zone and width > 70:
                parts.append((f"  {zone}", "dim", 2))
            heartbeat = self.view.lease_age(item.node)
            silent = heartbeat is None or heartbeat > NODE_MONITOR_GRACE_PERIOD
            parts.append((f"  ♥ {age(heartbeat)}", "red" if silent else "dim", 0))
            line.append_text(assemble(parts, width - line.cell_len))
            return line
        if item.part == 1:
            alloc = node.get("status", {}).get("allocatable", {})
            try:
                cpu_total, mem_total = cpu_millis(alloc.get("cpu", 0)), memory_bytes(alloc.get("memory", 0))
            except (QuantityError, ValueError, TypeError):
                cpu_total = mem_total = 0
            cpu, mem = requested(pods)
            cpu_label = f" {cpu_text(cpu)}/{cpu_text(cpu_total)}  "
            mem_label = f" {mem_text(mem)}/{mem_text(mem_total)}"
            # the bars take what the figures leave (6 to 20 cells each, down to 2 on a narrow pane, none on an
            # 80-column terminal: the figures are what a learner reads, so they must stay whole)
            room = width - len("  cpu ") - len(cpu_label) - len("mem ") - len(mem_label)
            bar_width = max(2, min(20, max(6, (width - 44) // 2), room // 2)) if room >= 4 else 0
            line.append("  cpu ", style="dim")
            if bar_width:
                line.append_text(bar(cpu, cpu_total, bar_width))
            line.append(cpu_label if bar_width else cpu_label.lstrip(), style="dim" if dead else "")
            line.append("mem ", style="dim")
            if bar_width:
                line.append_text(bar(mem, mem_total, bar_width))
            line.append(mem_label if bar_width else mem_label.lstrip(), style="dim" if dead else "")
            images = node.get("status", {}).get("images") or []
            if images and width > 90:
                line.append(f"  images {len(images)}", style="dim")
            return line
        if item.part == 2:  # as many pods as fit, then how many more; never a pod's name cut short
            line.append("  ")
            if not pods:
                line.append("no pods", style="dim")
            for index, pod in enumerate(pods):
                glyph, style = pod_glyph(pod)
                count = restarts(pod)
                name = pod["metadata"]["name"] + (f"↻{count}" if count else "")
                gap = " " if index else ""
                more = len(pods) - index - 1
                reserve = len(f" +{more}") if more else 0
                if line.cell_len + len(gap) + cell_len(glyph) + cell_len(name) + reserve > width:
                    line.append(f"{gap}+{len(pods) - index}", style="bold")
                    break
                line.append(gap)
                line.append(glyph, style="dim" if dead else style)
                line.append(pod["metadata"]["name"], style="dim" if dead else "")
                if count:
                    line.append(f"↻{count}", style="yellow")
            return line
        if item.part == 3 and self._taints_below(node, width):
            line.append(f"  {taint_text(node)}", style="yellow")
        return line

    def _taints_below(self, node: dict[str, Any], width: int) -> bool:
        """Whether the node's taints did not fit its title line, so the card's last line shows them."""
        if not taint_text(node):
            return False
        title = self.render_item(CardLine(node.get("metadata", {}).get("name", ""), 0), width)
        return taint_text(node) not in title.plain


def taint_text(node: dict[str, Any]) -> str:
    """Taints other than cordoning, effects grouped by key: taint unreachable:NoSchedule,NoExecute."""
    effects: dict[str, list[str]] = {}
    for taint in node.get("spec", {}).get("taints") or []:
        if taint.get("key") == "node.kubernetes.io/unschedulable":
            continue
        key = str(taint.get("key")).removeprefix("node.kubernetes.io/")
        key += f"={taint['value']}" if taint.get("value") else ""
        effects.setdefault(key, []).append(str(taint.get("effect")))
    return "taint " + ", ".join(f"{key}:{','.join(e)}" for key, e in effects.items()) if effects else ""
