"""The cursor in a log pane stays on screen while older lines drop off the log under it."""

from __future__ import annotations

from collections import deque

from kubetui.ui.app import KubetuiApp
from kubetui.ui.panes.api import ApiPane


async def test_cursor_stays_visible_while_the_log_rotates(app: KubetuiApp) -> None:
    async with app.run_test(size=(200, 50)) as pilot:
        pane = app.query_one(ApiPane)
        app.view.api = deque(list(app.view.api)[-60:], maxlen=60)  # a short log, so it rotates fast
        pane.refresh_items(force=True)
        pane.focus()
        await pilot.pause()
        pane.action_cursor_to(len(pane._items) // 2)  # off the tail: the cursor stays on its line
        await pilot.pause()
        for _ in range(6):
            app.cluster.run_for(5)
            pane.refresh_items()
            await pilot.pause()
            top = pane.scroll_offset.y
            assert 0 <= pane.cursor < len(pane._items)
            assert top <= pane.cursor < top + pane.scrollable_content_region.height
        await pilot.press("down")
        assert top <= pane.cursor < top + pane.scrollable_content_region.height + 1


async def test_keys_hold_back_the_engine_until_painted(app: KubetuiApp) -> None:
    async with app.run_test(size=(100, 30)) as pilot:
        ran: list[int] = []
        app.driver.clock.call_soon(lambda: ran.append(1), label="probe")
        app._input_until = float("inf")  # as if a key were being answered
        app.driver.pump()
        assert not ran
        await pilot.press("down")  # answered and painted: the hold is lifted
        await pilot.pause()
        assert not app.input_pending()
        app.driver.pump()
        assert ran
