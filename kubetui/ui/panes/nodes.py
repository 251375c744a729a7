"""Nodes pane: one card per node — readiness, heartbeat, requested vs allocatable, its pods."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from kubetui.api.quantity import QuantityError, cpu_millis, memory_bytes
from kubetui.controllers.nodelifecycle import NODE_MONITOR_GRACE_PERIOD
from kubetui.ui.format import Part, age, assemble, bar, cpu_text, is_system, mem_text, pod_glyph
from kubetui.ui.panes.base import LinePane
from kubetui.ui.view import ClusterView, node_ready, requested, restarts

TITLE, BARS, PODS, NOTES, SPACER = range(5)


@dataclass(frozen=True)
class CardLine:
    node: str
    part: int  # TITLE, BARS, PODS, NOTES (what did not fit the title: SchedulingDisabled, taints), SPACER
    line: int = 0  # of the notes, when they take two lines


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
        self._below: dict[str, tuple[str, ...]] = {}  # node -> what its title has no room for: "cordon", "taints"
        self._notes: dict[str, list[tuple[str, ...]]] = {}  # node -> its notes lines, each what it shows

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
        for pods in self._pods_by_node.values():
            pods.sort(key=card_order)
        # as narrow as the lines can get: the scrollbar may appear with this refresh's lines, and no Resize says so
        width = self.scrollable_content_region.width if self.is_mounted else 0
        if width and not self.show_vertical_scrollbar:
            width -= self.styles.scrollbar_size_vertical
        self._below = {name: self._overflow(name, width) for name in self._node_objs}
        self._notes = {name: self._note_lines(name, width) for name in self._node_objs}
        lines: list[CardLine] = []
        for name in self._node_objs:
            lines += [CardLine(name, TITLE), CardLine(name, BARS), CardLine(name, PODS)]
            lines += [CardLine(name, NOTES, index) for index in range(len(self._notes[name]))]
            lines.append(CardLine(name, SPACER))
        return lines

    def on_resize(self) -> None:
        self.refresh_items(force=True)  # a card's notes line comes and goes with the width
        super().on_resize()

    def _keep_in_view(self) -> None:
        """The selected card in view with a card's title at the top, as many cards above it as fit: the offset kept
        from a shorter pane (the error banner came and went) started the view mid-card, node-1's name out of sight."""
        starts = self._card_starts()
        if not (0 <= self.cursor < len(self._items)) or not starts:
            return
        start = max((s for s in starts if s <= self.cursor), default=starts[0])
        last = start
        while last + 1 < len(self._items) and self._items[last + 1].node == self._items[start].node:
            last += 1
        top, height = self.scroll_offset.y, self.scrollable_content_region.height
        if top in starts and top <= start and last < top + height:
            return  # a card's title at the top already, and the whole selected card in view
        first = next((s for s in starts if last - height + 1 <= s <= start), start)
        self.scroll_to(y=first, animate=False, immediate=True, force=True)

    def item_key(self, item: CardLine) -> Any:
        return (item.node, item.part, item.line)

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
                self.cursor_chosen = True
                if index != self.cursor:
                    before = self._visible_rows()
                    self.cursor = index
                    with self._scrolling_quietly():
                        self.scroll_to_region_y(index)
                    self._refresh_changed(before)
                return

    def _card_starts(self) -> list[int]:
        return [index for index, item in enumerate(self._items) if item.part == TITLE]

    def action_cursor(self, delta: int) -> None:
        """Move a whole card at a time."""
        starts = self._card_starts()
        if not starts:
            return
        current = max((i for i, start in enumerate(starts) if start <= max(self.cursor, 0)), default=0)
        self._move_to(starts[max(0, min(len(starts) - 1, current + delta))])

    def action_cursor_to(self, index: int) -> None:
        """To the title line of the card holding line ``index`` (-1: the last card), as the card moves do."""
        starts = self._card_starts()
        if starts:
            self._move_to(starts[-1] if index < 0 else max((s for s in starts if s <= index), default=starts[0]))

    def scroll_to_region_y(self, index: int) -> None:
        """Bring the whole card into view, not only the line the cursor is on (End showed the last card's
        title, its taints and the lines below it out of sight); its title if the card is taller than the pane."""
        last = index
        while index >= 0 and last + 1 < len(self._items) and self._items[last + 1].node == self._items[index].node:
            last += 1
        super().scroll_to_region_y(last)
        super().scroll_to_region_y(index)
        top, starts = self.scroll_offset.y, self._card_starts()
        if top not in starts:  # a card cut at the top showed its bars without its name: start at the next title
            following = next((s for s in starts if s > top), None)
            if following is not None and following <= index:
                self.scroll_to(y=following, animate=False, immediate=True, force=True)

    def is_selected(self, index: int) -> bool:
        """The whole card of the selected node is highlighted, not the blank line below it."""
        if not (0 <= self.cursor < len(self._items) and 0 <= index < len(self._items)):
            return False
        item = self._items[index]
        return item.part != SPACER and item.node == self._items[self.cursor].node

    def render_item(self, item: CardLine, width: int) -> Text:
        node = self._node_objs.get(item.node, {})
        machine = self.view.machine_state(item.node)
        ready = node_ready(node)
        pods = self._pods_by_node.get(item.node, [])
        dead = machine in ("Dead", "Partitioned")
        line = Text(no_wrap=True)
        if item.part == TITLE:
            line.append_text(self._badge(machine, ready))
            below = self._below.get(item.node, ())
            parts = [part for key, part in self._title_parts(item.node, node, ready, width) if key not in below]
            line.append_text(assemble(parts, width - line.cell_len))
            return line
        if item.part == BARS:
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
        if item.part == PODS:  # as many pods as fit, then how many more; never a pod's name cut short
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
                line.append(pod["metadata"]["name"], style="dim" if dead or is_system(pod) else "")
                if count:
                    line.append(f"↻{count}", style="yellow")
            return line
        if item.part == NOTES:  # what the title line had no room for, on one line or two, never cut mid-way
            notes = self._notes.get(item.node, [])
            keys = notes[item.line] if item.line < len(notes) else ()
            line.append("  ")
            if "cordon" in keys:
                line.append("SchedulingDisabled  ", style="bold yellow")
            if "taints" in keys:
                line.append(taint_text(node), style="yellow")
            line.rstrip()
        return line

    def _note_lines(self, name: str, width: int) -> list[tuple[str, ...]]:
        below = self._below.get(name, ())
        if len(below) < 2 or len(f"  SchedulingDisabled  {taint_text(self._node_objs.get(name, {}))}") <= width:
            return [below] if below else []
        return [("cordon",), ("taints",)]

    def _badge(self, machine: str, ready: str) -> Text:
        """The machine's physical state (the audience's view), or the API's Ready glyph if it is running."""
        if machine == "Dead":
            return Text.assemble((" POWERED OFF ", "bold white on red"), " ")
        if machine == "Partitioned":
            return Text.assemble((" PARTITIONED ", "bold black on yellow"), " ")
        glyph, style = {"Ready": ("●", "bold green"), "NotReady": ("✖", "bold red")}.get(ready, ("?", "bold yellow"))
        return Text.assemble((f"{glyph} ", style))

    def _title_parts(self, name: str, node: dict[str, Any], ready: str, width: int) -> list[tuple[str, Part]]:
        """The title's parts after the badge, each with a key ("cordon", "taints") if it may move below."""
        dead = self.view.machine_state(name) in ("Dead", "Partitioned")
        ready_style = {"Ready": "green", "NotReady": "red"}.get(ready, "yellow")
        parts: list[tuple[str, Part]] = [("", (f" {name} ", "bold reverse" if not dead else "bold", 0)),
                                         ("", (f" {ready}", ready_style, 0))]
        if node.get("spec", {}).get("unschedulable"):
            parts.append(("cordon", (",SchedulingDisabled", "bold yellow", 0)))
        shown = taint_text(node)
        if shown:
            parts.append(("taints", (f"  {shown}", "yellow", 0)))
        zone = node.get("metadata", {}).get("labels", {}).get("topology.kubernetes.io/zone")
        if zone and width > 70:
            parts.append(("", (f"  {zone}", "dim", 2)))  # dropped, not moved, when it does not fit
        heartbeat = self.view.lease_age(name)
        silent = heartbeat is None or heartbeat > NODE_MONITOR_GRACE_PERIOD
        parts.append(("", (f"  ♥ {age(heartbeat)}", "red" if silent else "dim", 0)))
        used = self.view.node_cpu.get(name)
        if used is not None and not dead:  # measured use, beside the bars' requests (what the scheduler counts)
            parts.append(("", (f"  cpu {cpu_text(used)} used", "cyan", 1)))
        return parts

    def _overflow(self, name: str, width: int) -> tuple[str, ...]:
        """What the card's title has no room for at ``width`` and shows on a notes line below it: the taints
        first, then ",SchedulingDisabled" (a cut status read "Ready,SchedulingDisab…"). Never the heartbeat."""
        if width <= 0:
            return ()
        node = self._node_objs.get(name, {})
        ready = node_ready(node)
        room = width - self._badge(self.view.machine_state(name), ready).cell_len
        parts = [(key, part) for key, part in self._title_parts(name, node, ready, width) if part[2] == 0]
        below: list[str] = []
        for key in ("taints", "cordon"):
            if sum(cell_len(part[0]) for k, part in parts if k not in below) <= room:
                break
            if any(k == key for k, _ in parts):
                below.append(key)
        return tuple(below)


# a card's pods by what owns them: the app (ReplicaSet, StatefulSet, bare) first, by name, the per-node machinery
# (DaemonSet) last. A StatefulSet's pods are the app as much as a Deployment's, and the ones whose volumes pin them
# to a node: ranked after the ReplicaSets' long names, db-0 hid behind "+3" on a 100-column card in a storage demo.
OWNER_RANK = {"ReplicaSet": 1, "ReplicationController": 1, "": 1, "StatefulSet": 1, "Job": 3, "DaemonSet": 4}
SYSTEM_RANK = 5  # the cluster's own pods (CoreDNS): after all the user's, dim; "+2" rather than hide the app's


def card_order(pod: dict[str, Any]) -> tuple[int, str]:
    """Crashing or restarted pods first, then the app's (Deployment, StatefulSet, bare), Job and DaemonSet pods, each
    by name, then the cluster's own."""
    meta = pod.get("metadata", {})
    if restarts(pod) or pod_glyph(pod)[0] == "✖":
        return 0, str(meta.get("name", ""))
    if is_system(pod):
        return SYSTEM_RANK, str(meta.get("name", ""))
    owner = next((str(r.get("kind", "")) for r in meta.get("ownerReferences") or [] if r.get("controller")), "")
    return OWNER_RANK.get(owner, 1), str(meta.get("name", ""))


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
