"""The key footer, fitted to the terminal: compact below 120 columns, a few more keys from 160, fewer below 100.

In a tour the tour's keys (n next, b back, R restart step) come right after q, and at narrow widths
the keys a tour needs least make room for them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

COMPACT_BELOW = 120  # 100-column projectors: less padding, so every label is whole
WIDE_FROM = 160  # 200-column projectors: room for the keys that are otherwise only in the help
WIDE_ONLY = frozenset({"partition_node", "cordon", "drain", "maximize", "faster", "toggle_heartbeats"})
TOUR_KEYS = (("n", "tour_next", "Next"), ("b", "tour_back", "Back"), ("R", "tour_restart", "Restart step"))
TOUR_NARROW_HIDDEN = frozenset({"kill_container", "filter", "cycle_layout"})  # in the help (?) still
SMALL_BELOW = 100  # an 80-column terminal: the last keys went under the palette key, and one letter showed past it
SMALL_HIDDEN = frozenset({"filter", "cycle_layout"})
TOUR_SMALL_HIDDEN = frozenset({"revive_node"})


class KeysFooter(Footer):
    def _mode(self) -> tuple[bool, bool, bool]:
        width = self.app.size.width
        return width < COMPACT_BELOW, width >= WIDE_FROM, width < SMALL_BELOW

    def compose(self) -> ComposeResult:
        compact, wide, small = self._mode()
        self.compact = compact
        self._shown_mode = (compact, wide, small)
        touring = getattr(self.app, "tour", None) is not None
        hidden = WIDE_ONLY | TOUR_NARROW_HIDDEN if touring else WIDE_ONLY
        if small:
            hidden |= SMALL_HIDDEN | (TOUR_SMALL_HIDDEN if touring else frozenset())
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not wide and widget.action in hidden:
                continue
            yield widget
            if touring and isinstance(widget, FooterKey) and widget.action == "request_quit":
                for key, action, description in TOUR_KEYS:
                    yield FooterKey(key, key, description, action, classes="-tour").data_bind(
                        compact=Footer.compact)

    def on_resize(self) -> None:
        if self._bindings_ready and self._mode() != getattr(self, "_shown_mode", None):
            self.call_after_refresh(self.recompose)
