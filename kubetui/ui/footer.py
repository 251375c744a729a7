"""The key footer, fitted to the terminal: compact below 120 columns, a few more keys from 160."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

COMPACT_BELOW = 120  # 100-column projectors: less padding, so every label is whole
WIDE_FROM = 160  # 200-column projectors: room for the keys that are otherwise only in the help
WIDE_ONLY = frozenset({"partition_node", "cordon", "drain", "maximize", "faster"})


class KeysFooter(Footer):
    def _mode(self) -> tuple[bool, bool]:
        width = self.app.size.width
        return width < COMPACT_BELOW, width >= WIDE_FROM

    def compose(self) -> ComposeResult:
        compact, wide = self._mode()
        self.compact = compact
        self._shown_mode = (compact, wide)
        for widget in super().compose():
            if not wide and isinstance(widget, FooterKey) and widget.action in WIDE_ONLY:
                continue
            yield widget

    def on_resize(self) -> None:
        if self._bindings_ready and self._mode() != getattr(self, "_shown_mode", None):
            self.call_after_refresh(self.recompose)
