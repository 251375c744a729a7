"""Panes repaint only the rows that changed: what a terminal shows must equal a full repaint.

The app's output is fed to a VT100 emulator (pyte), as a terminal would receive it, and compared
cell by cell (character, colours, bold) with a full render of the same screen.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import pyte
from textual._compositor import CompositorUpdate
from textual.screen import Screen

from kubetui.ui.app import KubetuiApp
from kubetui.ui.header import ClusterHeader
from kubetui.ui.panes.api import ApiPane
from kubetui.ui.panes.base import LinePane
from kubetui.ui.panes.events import EventsPane
from kubetui.ui.panes.nodes import NodesPane
from kubetui.ui.panes.workloads import WorkloadsPane

WIDTH, HEIGHT = 160, 45


class Terminal:
    """The app's incremental screen updates, replayed on an emulated terminal."""

    def __init__(self, app: KubetuiApp) -> None:
        self.app = app
        self.screen = pyte.Screen(WIDTH, HEIGHT)
        self.stream = pyte.Stream(self.screen)
        original = app._display

        def display(screen: Screen[Any], renderable: Any) -> None:
            if isinstance(renderable, CompositorUpdate):
                self.stream.feed(renderable.render_segments(app.console))
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]

    def cells(self) -> list[list[tuple[str, str, str, bool]]]:
        return cells_of(self.screen)

    async def repainted_from_scratch(self, pilot: Any) -> list[list[tuple[str, str, str, bool]]]:
        """The same screen painted from scratch, as after a resize: every cache dropped, every widget."""
        for widget in self.app.screen.walk_children():
            if isinstance(widget, LinePane):
                widget._line_cache.clear()
            widget.refresh()
        await pilot.pause()
        return self.cells()


def cells_of(screen: pyte.Screen) -> list[list[tuple[str, str, str, bool]]]:
    return [[(c.data, c.fg, c.bg, c.bold) for c in (screen.buffer[y][x] for x in range(WIDTH))]
            for y in range(HEIGHT)]


def differences(seen: list[list[Any]], expected: list[list[Any]]) -> list[str]:
    return [f"row {y}: {''.join(c[0] for c in seen[y]).rstrip()!r} != {''.join(c[0] for c in expected[y]).rstrip()!r}"
            for y in range(HEIGHT) if seen[y] != expected[y]]


async def test_the_terminal_always_shows_what_a_full_repaint_would(app: KubetuiApp) -> None:
    terminal = Terminal(app)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        app.view.api = deque(list(app.view.api)[-80:], maxlen=80)  # short logs, so they rotate under the cursor
        app.view.activity = deque(list(app.view.activity)[-80:], maxlen=80)
        panes = list(app.query(LinePane))
        api = app.query_one(ApiPane)
        api.focus()
        await pilot.pause()
        api.action_cursor_to(len(api._items) // 2)
        kubectl = app.cluster.client("kubectl")
        header = app.query_one(ClusterHeader)
        steps = 0
        for step in range(12):
            if step == 2:
                kubectl.patch("deployments", "default", "web", {"spec": {"replicas": 6}})
            if step == 4:
                app.query_one(WorkloadsPane).focus()
                await pilot.press("down", "down", "down")
            if step == 6:
                app.query_one(NodesPane).focus()
                await pilot.press("down")
                app.cluster.inputs.submit("chaos", action="kill-node", node="node-2")
            if step == 8:
                app.query_one(EventsPane).focus()
                await pilot.press("up", "up")
            app.cluster.run_for(7)
            for pane in panes:
                pane.refresh_items()
            header.update_text()  # its own 0.25 s timer might otherwise fire between the two captures
            await pilot.pause()
            await pilot.pause()
            steps += 1
            seen = terminal.cells()
            assert differences(seen, await terminal.repainted_from_scratch(pilot)) == [], f"after step {step}"
        assert steps == 12
