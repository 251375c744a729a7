"""The ? screen: every key, and what the glyphs mean."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, str, str], ...] = (
    ("Faults", "k", "kill the selected node (power off: heartbeats and containers stop)"),
    ("Faults", "r", "revive the selected node"),
    ("Faults", "p", "partition the selected node from the API server (again: heal)"),
    ("Faults", "x", "kill a container of the selected pod (exit 137)"),
    ("Cluster", "c", "cordon / uncordon the selected node"),
    ("Cluster", "d", "drain the selected node (cordon, then evict its pods)"),
    ("Cluster", "delete", "delete the selected pod"),
    ("Cluster", "+ / -", "scale the selected Deployment, StatefulSet, RS or RC up / down"),
    ("Cluster", "g", "send 10 requests to the selected workload's Service through kube-proxy"),
    ("Cluster", "G", "start / stop a load generator pod looping wget at that Service (an HPA scales on it)"),
    ("Time", "space", "pause / resume the virtual clock"),
    ("Time", "s", "step one engine event (while paused)"),
    ("Time", "] / [", "faster / slower (0.5x ... 100x)"),
    ("View", "enter", "details of the selected object (YAML, describe, events, scheduling decision); on a log "
                      "line, of the object it is about"),
    ("View", "/", "filter the focused pane as you type (Enter keeps it, Esc clears it)"),
    ("View", "home / end", "first / last line: a log pane off its last line holds still (its border says so); "
                           "end follows the newest lines again"),
    ("View", "e", "interleave etcd writes in the API pane"),
    ("View", "h", "hide / show heartbeats in the API pane (kubelets' Lease renewals, node status updates, "
                  "metrics-server's lists)"),
    ("View", "tab", "next pane (shift+tab: previous); mouse works too"),
    ("View", "z", "maximize the focused pane (again: restore)"),
    ("View", "l", "cycle layouts: all panes, presenter (two large panes), nodes + scheduler"),
    ("View", "t", "switch theme (dark / light high-contrast for projectors)"),
    ("View", "S", "save a screenshot (SVG) into the current folder"),
    ("Tour", "n / b / R", "next step / back one step / restart this step (in a tour)"),
    ("App", "ctrl+p", "command palette (every action by name)"),
    ("App", "?", "this help"),
    ("App", "q q", "quit (q twice within 3 s; ctrl+q at once)"),
)

GLYPHS = (
    ("●", "green", "running and ready"),
    ("◐", "yellow", "running, not ready"),
    ("◌", "cyan", "waiting: scheduling, pulling, creating (dim and struck: terminating)"),
    ("✖", "bold red", "crashing: CrashLoopBackOff, Error, OOMKilled, image pull failure"),
    ("✔", "dim green", "completed"),
    ("↻n", "yellow", "restart count"),
    ("dim", "dim", "the cluster's own (kube-system: CoreDNS), after your pods and lines"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "Close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 96; max-width: 95%; height: auto; max-height: 90%;
        border: thick $accent; background: $surface; padding: 1 2; }
    """

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="dim")
        keys.add_column(style="bold cyan", no_wrap=True)
        keys.add_column()
        group = ""
        for section, key, what in KEYS:
            keys.add_row(section if section != group else "", key, what)
            group = section
        glyphs = Table.grid(padding=(0, 2))
        glyphs.add_column(no_wrap=True)
        glyphs.add_column()
        for glyph, style, meaning in GLYPHS:
            glyphs.add_row(Text(glyph, style=style), meaning)
        with VerticalScroll() as box:  # on 30 rows the list scrolls: the border says so, and how to close
            box.border_subtitle = "esc closes · ↑↓ scroll"
            yield Static(Text("kubetui — keys", style="bold"))
            yield Static(keys)
            yield Static(Text("\nPod glyphs", style="bold"))
            yield Static(glyphs)
            yield Static(Text("\nEsc closes this help.", style="dim"))
