"""A live list rendered with Textual's Line API: only the visible lines are ever rendered.

Panes give a sequence of items, how to draw one item as a line, and its plain text for the
filter. The pane re-reads its items at most ``REFRESH_HZ`` times a second, and only when its
source changed, so a flood of trace records costs one cheap refresh, not one per record.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar, Self

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

REFRESH_HZ = 10


class LinePane(ScrollView, can_focus=True):
    """Base of the live panes: a cursor, a text filter, follow-the-tail, and a title with counts."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"linepane--cursor", "linepane--cursor-blurred", "linepane--dim"}
    DEFAULT_CSS = """
    LinePane {
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        border-title-style: bold;
        padding: 0 1;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 0;
    }
    LinePane:focus { border: round $accent; border-title-color: $accent; }
    LinePane.-highlight { border: double $warning; border-title-color: $warning; }
    LinePane.-filtered, LinePane.-held { border-subtitle-color: $warning; border-subtitle-style: bold; }
    LinePane > .linepane--cursor { background: $accent 35%; }
    LinePane > .linepane--cursor-blurred { background: $accent 12%; }
    LinePane > .linepane--dim { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("pageup", "cursor(-10)", show=False),
        Binding("pagedown", "cursor(10)", show=False),
        Binding("home", "cursor_to(0)", show=False),
        Binding("end", "cursor_to(-1)", show=False),
        Binding("enter", "open", "Details", show=False),
        Binding("escape", "clear_filter", "Clear filter", show=False),
    ]

    pane_title = "pane"
    follow_tail = True  # logs stick to the newest line unless the user moved the cursor up
    refresh_hz = REFRESH_HZ
    immutable_items = False  # True for logs of trace records: a rendered line stays valid across refreshes
    keyed_renders = False  # True where render_key tells what a line shows (lines kept across refreshes)
    _border_row_only = False  # see _set_border_texts
    # Keys act on this pane's selection even while another pane has the focus (k kills "the selected node",
    # x a container of "the selected pod"): its cursor stays visible, faintly, when the pane is not focused.
    selection_always_visible = False

    class Selected(Message):
        def __init__(self, pane: LinePane, item: Any) -> None:
            super().__init__()
            self.pane = pane
            self.item = item

    class Opened(Message):
        def __init__(self, pane: LinePane, item: Any) -> None:
            super().__init__()
            self.pane = pane
            self.item = item

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filter_text = ""
        self._items: list[Any] = []
        self.cursor = -1
        # a row the user (or a tour) picked: the cursor follows it as rows come and go; until then the top row is
        # the selected one (the Workloads pane's first row, CoreDNS, kept the cursor while the app's rows
        # appeared above it and scrolled them out of view)
        self.cursor_chosen = False
        self._source_version: Any = None
        self._line_cache: dict[tuple[Any, int, int], Strip] = {}
        self._style_cache: tuple[str, Style, Style, Style] | None = None
        self._quiet_scroll = False
        self._subtitle_shown: str | None = None
        self._total = 0  # items before the filter: the subtitle says "12 of 340" while filtering
        self.border_title = self.pane_title

    # -- what subclasses provide ------------------------------------------------------------------
    def source_version(self) -> Any:
        """Anything that changes when the items may have changed."""
        return None

    def items(self) -> Sequence[Any]:
        return ()

    def render_item(self, item: Any, width: int) -> Text:
        return Text(str(item))

    def item_text(self, item: Any) -> str:
        return self.render_item(item, 200).plain

    def item_key(self, item: Any) -> Any:
        """Identity of an item across refreshes, so the cursor stays on it."""
        return id(item)

    def render_key(self, item: Any) -> Any:
        """What an item's line depends on, when a pane can tell (hashable; equal keys render alike): lines
        are then kept across refreshes and only changed rows re-rendered. None: re-render after a refresh."""
        return None

    def is_selected(self, index: int) -> bool:
        return index == self.cursor

    # -- refreshing -------------------------------------------------------------------------------
    def on_mount(self) -> None:
        # Staggered: the panes' rebuilds fall on different ticks of the loop, not all on the same one. The phase
        # comes from the pane's name (the same in every run) and is never 0: Textual's Timer divides by its delay.
        phase = 0.05 + 0.9 * (zlib.crc32((self.id or type(self).__name__).encode()) % 1000) / 1000
        self.set_timer(phase / self.refresh_hz, lambda: self.set_interval(1 / self.refresh_hz, self._tick))
        self.refresh_items(force=True)

    def on_resize(self) -> None:
        self._show_border_texts()  # the subtitle takes the longest form that fits the new width
        self._keep_in_view()

    def _keep_in_view(self) -> None:
        """After a resize (a layout cycle, the error banner), a log that follows shows its newest line again, and
        any other pane its cursor: the offset kept from the old height showed a log's oldest lines as if live."""
        if self.following:
            self.scroll_end(animate=False, immediate=True, force=True)
        elif self.cursor >= 0:
            self.scroll_to_region_y(self.cursor)

    def _tick(self) -> None:
        input_pending = getattr(self.app, "input_pending", None)
        if input_pending is not None and input_pending():
            return  # a key is being answered: rebuild on the next tick
        self.refresh_items()

    def refresh_items(self, force: bool = False) -> None:
        version = (self.source_version(), self.filter_text)
        if not force and version == self._source_version:
            return
        self._source_version = version
        before = self._visible_rows()
        old_cursor = self.cursor
        selected_key = self.item_key(self._items[self.cursor]) if 0 <= self.cursor < len(self._items) else None
        at_tail = self.cursor < 0 or self.cursor >= len(self._items) - 1
        items = list(self.items())
        self._total = len(items)
        if self.filter_text:
            needle = self.filter_text.lower()
            items = [i for i in items if needle in self.item_text(i).lower()]
        self._items = items
        if not (self.immutable_items or self.keyed_renders) or len(self._line_cache) > 4 * max(self.size.height, 50):
            self._line_cache.clear()
        if self.follow_tail and at_tail:
            self.cursor = len(items) - 1
        elif selected_key is not None and not self.cursor_chosen and not self.follow_tail:
            self.cursor = 0 if items else -1
        elif selected_key is not None:
            keys = [self.item_key(i) for i in items]
            self.cursor = keys.index(selected_key) if selected_key in keys else min(self.cursor, len(items) - 1)
        else:
            self.cursor = min(max(self.cursor, 0 if items else -1), len(items) - 1)
        self._set_virtual_height(len(items))
        self.set_class(bool(self.filter_text), "-filtered")
        self._show_border_texts()
        # force=True: Textual refuses to scroll a widget whose scrollbar its last layout did not show, and a
        # zero-match filter hides it; cleared, the log stayed at its oldest line, looking frozen.
        with self._scrolling_quietly():
            if self.follow_tail and at_tail:
                self.scroll_end(animate=False, immediate=True, force=True)
            elif self.cursor >= 0:
                # The selected line moved (older lines dropped off a log, rows added above it): the view moves
                # with it, so the cursor stays where it was on screen and never drifts out of sight.
                if self.cursor != old_cursor >= 0:
                    self.scroll_to(y=max(0, self.scroll_offset.y + self.cursor - old_cursor), animate=False,
                                   immediate=True, force=True)
                self.scroll_to_region_y(self.cursor)
        self._refresh_changed(before)

    @property
    def following(self) -> bool:
        """A log pane follows its newest line while its cursor is on it (or it has no lines)."""
        return self.follow_tail and (self.cursor < 0 or self.cursor >= len(self._items) - 1)

    def _show_border_texts(self) -> None:
        held = self.follow_tail and not self.following
        self.set_class(held, "-held")
        self._set_border_texts(self.heading(), self._subtitle())

    def heading(self) -> str:
        """The pane's name, and the filter while one hides lines: a filtered pane must never pass for a
        quiet one. The bottom border, in the warning colour, says how many lines show and how to get all back."""
        if not self.filter_text:
            return self.pane_title
        return f"{self.pane_title} · filter \"{self.filter_text}\""

    def _subtitle(self) -> str:
        """The line count; while filtering, of how many; on a log that stopped following its newest line
        (Home, the cursor moved up), where the cursor is and how to follow again, so that on a projector
        a log held still never passes for a frozen app. The longest form that fits the border."""
        count = f"{len(self._items)} of {self._total}" if self.filter_text else f"{len(self._items)}"
        if self.follow_tail and not self.following:
            where = f"{self.cursor + 1}/{count}"
            forms = [f"{where} · holding · End to follow", f"{where} · holding · End"]
            if self.filter_text:
                forms = [f"{form} · esc clears filter" for form in forms] + [f"{form} · esc" for form in forms]
        elif self.filter_text:
            forms = [f"{count} · esc clears filter", f"{count} · esc"]
        else:
            return count
        room = self.outer_size.width - 6  # the corners, and a dash and a space each side
        return next((form for form in forms if len(form) <= room), forms[-1]) if room > 0 else forms[0]

    def _set_border_texts(self, title: str, subtitle: str) -> None:
        """Textual repaints the whole widget whenever a border text is assigned, even the same one; a new
        count repaints only the bottom border row here."""
        if title != self.border_title:
            self.border_title = title
        if subtitle == self._subtitle_shown:
            return
        self._subtitle_shown = subtitle
        self._border_row_only = self.is_mounted
        try:
            self.border_subtitle = subtitle
        finally:
            self._border_row_only = False

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False,
                recompose: bool = False) -> Self:
        if self._border_row_only and not regions and not layout and not recompose:
            left, top = self.content_offset
            width, height = self.outer_size
            regions = (Region(-left, height - 1 - top, width, 1),)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _set_virtual_height(self, rows: int) -> None:
        """Set the scrollable height; without Textual's screen layout (~12 ms at 200x50) when the
        scrollbar neither appears nor disappears, for only its thumb changes then. A pane as tall as its lines (the
        presenter layout's nodes at 100 columns) always gets the layout: it shrinks with them."""
        size = Size(self.size.width, rows)
        old = self.virtual_size
        if size == old:
            return
        window = self.container_size.height
        auto = self.styles.height is not None and self.styles.height.is_auto
        if self.is_mounted and window > 0 and size.width == old.width and (rows > window) == (old.height > window) \
                and not auto:
            self.set_reactive(LinePane.virtual_size, size)
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.window_virtual_size = rows
            return
        self.virtual_size = size

    # -- repainting only what changed ---------------------------------------------------------------
    def _visible_rows(self) -> list[Any]:
        """What each visible row shows: a log line's identity, else the rendered line itself."""
        if not self.is_mounted or self.size.height <= 0:
            return []
        top = self.scroll_offset.y
        width = self.scrollable_content_region.width
        return [self._row(top + y, width) for y in range(self.scrollable_content_region.height)]

    def _row(self, index: int, width: int) -> Any:
        if index >= len(self._items) or width <= 0:
            return None
        selected = self._selection(index)
        if self.immutable_items:
            return (self.item_key(self._items[index]), width, selected)
        if self.keyed_renders:
            return (self.render_key(self._items[index]), width, selected)
        return self._strip(index, width, selected)

    def _refresh_changed(self, before: list[Any]) -> None:
        """Repaint the rows that show something else than before; all of them if the size changed.

        A full repaint of a 200x50 screen costs ~10-40 ms here; a log that only dropped its oldest lines
        while the cursor holds the view still shows the same rows, and repaints nothing.
        """
        after = self._visible_rows()
        if len(after) != len(before) or not after:
            self.refresh()
            return
        top = self.scroll_offset.y
        for y, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new:
                self.refresh_line(top + y)

    @contextmanager
    def _scrolling_quietly(self) -> Iterator[None]:
        """Scroll without Textual's full repaint: :meth:`_refresh_changed` repaints the rows that changed."""
        self._quiet_scroll = True
        try:
            yield
        finally:
            self._quiet_scroll = False

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if not self._quiet_scroll:
            super().watch_scroll_y(old_value, new_value)
        elif self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = new_value

    def set_filter(self, text: str) -> None:
        """Filter the lines; a log whose filter is cleared follows its newest line again (the live view)."""
        text = text.strip()
        if self.follow_tail and self.filter_text and not text:
            self.cursor = -1
        self.filter_text = text
        self.refresh_items(force=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Escape means "clear the filter" only while there is one; else it stays free for the app and screens.
        if action == "clear_filter":
            return bool(self.filter_text)
        return True

    def action_clear_filter(self) -> None:
        self.set_filter("")

    @property
    def selected(self) -> Any:
        return self._items[self.cursor] if 0 <= self.cursor < len(self._items) else None

    # -- the Line API ------------------------------------------------------------------------------
    def _selection(self, index: int) -> int:
        """0: not selected; 1: the cursor of the focused pane; 2: the cursor kept visible while unfocused."""
        if not self.is_selected(index):
            return 0
        if self.has_focus:
            return 1
        return 2 if self.selection_always_visible else 0

    def _styles(self) -> tuple[Style, Style, Style]:
        """The pane's base, cursor and unfocused-cursor styles, resolved once per theme (resolving CSS per line
        is slow)."""
        theme = self.app.theme
        if self._style_cache is None or self._style_cache[0] != theme:
            base = self.rich_style
            self._style_cache = (theme, base, base + self.get_component_rich_style("linepane--cursor"),
                                 base + self.get_component_rich_style("linepane--cursor-blurred"))
            self._line_cache.clear()  # lines rendered in the old theme's colours
        return self._style_cache[1], self._style_cache[2], self._style_cache[3]

    def render_line(self, y: int) -> Strip:
        _, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base, _, _ = self._styles()  # also notices a theme change, which empties the line cache
        if index >= len(self._items) or width <= 0:
            return Strip.blank(width, base)
        return self._strip(index, width, self._selection(index))

    def _strip(self, index: int, width: int, selected: int) -> Strip:
        item = self._items[index]
        if self.immutable_items:
            key: tuple[Any, int, int] = (self.item_key(item), width, selected)
        else:
            key = (self.render_key(item) if self.keyed_renders else index, width, selected)
        strip = self._line_cache.get(key)
        if strip is None:
            base, cursor, blurred = self._styles()
            text = self.render_item(item, width)
            text.truncate(width, overflow="ellipsis")
            style = (base, cursor, blurred)[selected]
            segments = list(text.render(self.app.console))
            strip = Strip(segments).apply_style(style).extend_cell_length(width, style).crop(0, width)
            self._line_cache[key] = strip
        return strip

    # -- cursor -------------------------------------------------------------------------------------
    def action_cursor(self, delta: int) -> None:
        if not self._items:
            return
        self._move_to(max(0, min(len(self._items) - 1, (self.cursor if self.cursor >= 0 else 0) + delta)))

    def action_cursor_to(self, index: int) -> None:
        if not self._items:
            return
        self._move_to(index if index >= 0 else len(self._items) - 1)

    def _move_to(self, index: int) -> None:
        """Move the cursor and repaint the rows that changed: two, unless the view scrolled."""
        before = self._visible_rows()
        self.cursor = index
        self.cursor_chosen = True
        with self._scrolling_quietly():
            self.scroll_to_region_y(self.cursor)
        self._refresh_changed(before)
        if self.follow_tail:
            self._show_border_texts()
        self.post_message(self.Selected(self, self.selected))

    def scroll_to_region_y(self, index: int) -> None:
        _, top = self.scroll_offset
        height = self.scrollable_content_region.height
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True, force=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True, force=True)

    def on_click(self, event: Any) -> None:
        _, scroll_y = self.scroll_offset
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = scroll_y + offset.y
        if 0 <= index < len(self._items):
            if index == self.cursor and getattr(event, "chain", 1) >= 2:
                self.action_open()
                return
            self._move_to(index)

    def on_focus(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def on_blur(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def action_open(self) -> None:
        if self.selected is not None:
            self.post_message(self.Opened(self, self.selected))

