"""Reconciliation pane: controllers' reconcile records, Kubernetes Events, kubelet activity and faults."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from kubetui.sim.trace import Chaos, ManifestStatus, NodeActivity, Reconcile
from kubetui.ui.format import clock_time, fit_error, manifest_summary, short_controller, without_default_ns
from kubetui.ui.panes.base import LinePane
from kubetui.ui.view import ClusterView, KubeEvent


class EventsPane(LinePane):
    pane_title = "Reconciliation & events"
    immutable_items = True

    def __init__(self, view: ClusterView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view

    def source_version(self) -> Any:
        return self.view.activity_version

    def items(self) -> Sequence[Any]:
        return list(self.view.activity)

    def item_key(self, item: Any) -> Any:
        return item.seq

    def render_item(self, item: Any, width: int) -> Text:
        """Narrower than 100 cells, columns shrink (a reason or controller name longer than its column
        pushes the rest along instead of being cut), and below 80 "default/" goes, so the message, the
        part that tells the story, gets the room. The time shows from 60 cells."""
        line = Text(no_wrap=True)
        if width >= 60:
            line.append(clock_time(item.time) + " ", style="dim")
        wide, roomy = width >= 100, width >= 80

        if isinstance(item, KubeEvent):
            warning = item.type == "Warning"
            line.append("⚠ " if warning else "• ", style="bold yellow" if warning else "blue")
            reason_width = 18 if wide else 16 if roomy else 9
            line.append(f"{item.reason:<{reason_width}} ", style="bold yellow" if warning else "bold blue")
            line.append(f"{item.object}: ", style="bold")
            message = item.message
            if item.reason == "FailedScheduling":  # every reason in view, not the first ones Kubernetes sorts
                count = len(f" (x{item.count})") if item.count > 1 else 0
                message = fit_error(message, width - line.cell_len - count)
            line.append(message, style="yellow" if warning else "")
            if item.count > 1:
                line.append(f" (x{item.count})", style="dim")
        elif isinstance(item, Reconcile):
            line.append("⟳ ", style="magenta")
            kind, _, key = item.object.partition(" ")
            controller = item.controller if wide else short_controller(item.controller)
            # A long name (a PersistentVolume's pvc-<uid>) is cut so that what the controller did stays in view.
            action_room = cell_len(item.action) + 1 if item.action else 0
            if roomy:
                width_c = 24 if wide else 14
                line.append(f"{controller:<{width_c}} ", style="magenta")
                line.append(_fit(f"{kind} {key} " if key else f"{item.object} ",
                                 width - line.cell_len - action_room), style="bold")
            elif key and controller == kind.lower():  # "replicaset ReplicaSet web-…" says it twice
                line.append(f"{kind} ", style="bold magenta")
                line.append(_fit(f"{without_default_ns(key)} ", width - line.cell_len - action_room), style="bold")
            else:
                line.append(f"{controller} ", style="magenta")
                line.append(_fit(f"{kind} {without_default_ns(key)} " if key else f"{item.object} ",
                                 width - line.cell_len - action_room), style="bold")
            line.append_text(reconcile_outcome(item, width - line.cell_len))
        elif isinstance(item, NodeActivity):
            line.append("▸ ", style="cyan")
            who = f"{item.component}/{item.node}" if roomy else item.node
            line.append(f"{who} ", style="cyan")
            pod = item.pod if roomy else without_default_ns(item.pod)
            target = f"{pod}/{item.container}" if item.container else pod
            if target:
                line.append(f"{target} ", style="bold")
            line.append(f"{item.what} {item.detail}".strip())
        elif isinstance(item, Chaos):
            line.append("⚡ ", style="bold red")
            line.append(f"{item.action} {item.target} {item.detail}".strip(), style="bold red")
        elif isinstance(item, ManifestStatus):
            line.append("✎ " if item.ok else "✖ ", style="green" if item.ok else "bold red")
            line.append(manifest_summary(item), style="" if item.ok else "bold red")
        else:
            line.append(str(item))
        return line

    def item_text(self, item: Any) -> str:
        return self.render_item(item, 10_000).plain  # wide enough for the exact messages


def _fit(text: str, room: int) -> str:
    """``text`` (ending in a space) cut to ``room`` cells with an ellipsis, keeping at least 12 cells of it."""
    room = max(room, 12)
    if cell_len(text) <= room:
        return text
    return text[: room - 2] + "… "


OBSERVED_IS_OLD = frozenset({"endpoint-controller"})  # its Reconcile's observed: the Endpoints before the update


def reconcile_outcome(item: Reconcile, room: int) -> Text:
    """What a controller saw, wanted and did, in ``room`` cells: "3 pods, 2 ready → 3 replicas: create 1 pod";
    narrower, what it wanted goes ("3 pods, 2 ready → create 1 pod"), then what it saw, so that what it did,
    the result, is what stays (the end of the line was cut: "1 slices → 6 end…"). Where what it saw is the old
    state of what it writes (the Endpoints' old addresses), what it saw goes first: "3 ready, 0 not ready → update
    endpoints" read as the outcome of scaling to 30 ready pods."""
    observed, desired, action = item.observed, item.desired, item.action
    if not action:
        return Text(f"{observed} → {desired}" if observed or desired else "", style="dim", no_wrap=True)
    forms: list[tuple[str, str]] = []  # (the context, dim; the action)
    if observed or desired:
        forms.append((f"{observed} → {desired}: ", action))
    if desired and item.controller in OBSERVED_IS_OLD:
        forms.append((f"→ {desired}: ", action))
    elif observed:
        forms.append((f"{observed} → ", action))
    forms.append(("", action))
    context, action = next((form for form in forms if cell_len(form[0] + form[1]) <= room), forms[-1])
    return Text.assemble((context, "dim"), action, no_wrap=True)
