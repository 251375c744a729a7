"""The tour's narration panel: beside the panes it talks about on wide terminals, under them on narrow ones.

From ``SIDE_FROM`` columns (a 200x50 projector) the panel is a column on the right; narrower (100x30)
it docks under the panes across the full width, as tall as its text (no empty rows: at 30 rows every
row the panes get counts), so the panes keep half the screen each and the narration reads in a few long
lines instead of many short ones. Either way it never covers a pane, the highlighted pane gets the larger
share of its column, and the node a step acts on or waits for is brought into view in the Nodes pane.
Narration is reflowed to the panel's width: line breaks in the YAML are not line breaks on screen; blank
lines (paragraphs) and list items are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Input, Static

from kubetui.tours.model import Step, Tour
from kubetui.tours.runner import TourRunner
from kubetui.ui.panes.nodes import NodesPane

SIDE_FROM = 150  # columns from which the panel is a side column (see KubetuiApp.HORIZONTAL_BREAKPOINTS)
KEYS = (("n", "next"), ("b", "back"), ("R", "restart step"), ("q q", "quit"))  # one q only warns (app.py)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")
_MARKUP = re.compile(r"`([^`]+)`|\*([^*\s][^*]*)\*")


def reflow(narration: str) -> list[str]:
    """Paragraphs of ``narration`` with their hard line breaks joined (a list item keeps its own line)."""
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t]*\n", narration.strip()):
        lines: list[str] = []
        for raw in block.splitlines():
            line = " ".join(raw.split())
            if not line:
                continue
            if lines and not _LIST_ITEM.match(raw):
                lines[-1] += " " + line
            else:
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return paragraphs


def styled(paragraph: str) -> Text:
    """`code` in cyan and *emphasis* in italics, without the marks."""
    text = Text()
    position = 0
    for match in _MARKUP.finditer(paragraph):
        text.append(paragraph[position:match.start()])
        if match.group(1) is not None:
            text.append(match.group(1), style="bold cyan")
        else:
            text.append(match.group(2), style="italic")
        position = match.end()
    text.append(paragraph[position:])
    return text


def key_caps(keys: tuple[tuple[str, str], ...] = KEYS) -> Text:
    """`` n  next   b  back ...`` with each key as a key cap, so the keys stand out on a projector."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, (key, label) in enumerate(keys):
        if index:
            text.append("  ")
        text.append(f" {key} ", style="bold reverse")
        text.append(f" {label}")
    return text


class TourPanel(Static):
    DEFAULT_CSS = """
    TourPanel { width: 52; height: 1fr; border: round $secondary; border-title-color: $text-secondary;
        border-title-style: bold; border-subtitle-color: $text-secondary; padding: 0 1; background: $surface; }
    Screen.-narrow TourPanel { dock: bottom; width: 1fr; height: auto; min-height: 5; max-height: 14; }
    """

    SCOPED_CSS = False  # the layout follows the screen's width class (KubetuiApp.HORIZONTAL_BREAKPOINTS)

    def __init__(self, cluster: Any, tour: Tour, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runner = TourRunner(cluster, tour)
        self.border_title = f"Tour: {tour.title}"
        self._highlighted = ""
        self._node_shown = False  # the node the current step names is in view in the Nodes pane

    def on_mount(self) -> None:
        self.runner.next()
        self.set_interval(0.5, self.refresh_panel)
        self.refresh_panel()

    def on_resize(self) -> None:
        self.refresh_panel()

    def next(self) -> None:
        self.runner.next()
        self._node_shown = False
        self.refresh_panel()

    def back(self) -> None:
        self.runner.back()
        self._node_shown = False
        self.refresh_panel()

    def restart(self) -> None:
        self.runner.restart_step()
        self._node_shown = False
        self.refresh_panel()

    @property
    def docked_below(self) -> bool:
        return self.screen.has_class("-narrow")

    def refresh_panel(self) -> None:
        runner = self.runner
        step = runner.step
        tour = runner.tour
        below = self.docked_below
        if step is None:
            self._highlight("")
            self.border_subtitle = ""
            self.update(Group(Text("Tour complete.", style="bold green"),
                              Text("Press q twice to quit, or keep exploring with the keys (? for help).")))
            return
        self._highlight(step.highlight)
        if not self._node_shown:
            self._node_shown = self._show_node(step)
        self.border_subtitle = f"step {runner.index + 1} of {len(tour.steps)}" if below else ""
        parts: list[RenderableType] = []
        if below:  # every line counts under the panes: the step count is in the border
            parts.append(Text(step.title, style="bold"))
        else:
            parts += [Text(f"Step {runner.index + 1} of {len(tour.steps)}", style="dim"),
                      Text(step.title, style="bold"), Text("")]
        for index, paragraph in enumerate(reflow(step.narration)):
            if index and not below:
                parts.append(Text(""))
            parts.append(styled(paragraph))
        if not below:
            parts.append(Text(""))
        if runner.message:
            parts.append(Text(runner.message, style="red" if runner.message.startswith("error") else "cyan"))
        if runner.satisfied():
            last = runner.index == len(runner.tour.steps) - 1
            status = Text(f"✔ done — press n {'to finish' if last else 'for the next step'}", style="bold green")
        else:
            status = Text("… watching the cluster (n to skip ahead)", style="yellow")
        keys = key_caps()
        if below and status.cell_len + keys.cell_len + 2 <= self.content_region.width:
            row = Table.grid(expand=True)  # status on the left, the keys on the right of the last line
            row.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
            row.add_column(justify="right", no_wrap=True, min_width=keys.cell_len)
            row.add_row(status, keys)
            parts.append(row)
        elif below:
            parts += [status, keys]
        else:
            parts += [status, Text(""), *(key_caps((key,)) for key in KEYS)]
        self.update(Group(*parts))

    def _highlight(self, pane_id: str) -> None:
        """Mark the pane the narration talks about, and focus it: the keys that act on "the focused pane"
        (/ filter, z zoom, enter, arrows) then act on the pane the learner is told to look at."""
        if pane_id == self._highlighted:
            return
        for widget in self.app.query(".-highlight"):
            widget.remove_class("-highlight")
        if pane_id:
            for widget in self.app.query(f"#{pane_id}"):
                widget.add_class("-highlight")
                if widget.focusable and not isinstance(self.app.focused, Input):  # never while typing a filter
                    widget.focus()
        self._highlighted = pane_id

    def _show_node(self, step: Step) -> bool:
        """Put the Nodes pane's cursor on the node the step acts on or waits for (kill-node node-2, a taint on
        node-3), so its card is in view on a short pane too; False while the pane has no card for it yet."""
        names = {node["metadata"]["name"] for node in self.runner.informers["nodes"].list()}
        node = next((value for value in _strings((step.action, step.until)) if value in names), None)
        if node is None:
            return True  # nothing to show
        for pane in self.app.query(NodesPane):
            pane.select_node(node)
            return pane.selected_node == node
        return True


def _strings(value: Any) -> Iterator[str]:
    """Every string in a step's action or condition, keys and values, in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
