"""The kubetui app: five live panes over one simulated cluster, and keys that break it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Console
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult, Notify, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.notifications import Notification, SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.theme import Theme
from textual.widgets import Input, Static

from kubetui.sim.clock import RealTimeDriver
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ManifestStatus
from kubetui.ui.footer import KeysFooter
from kubetui.ui.format import clock_time, fit, manifest_summary, printable
from kubetui.ui.header import ClusterHeader
from kubetui.ui.idle_gc import IdleCollector, patch_strip_divide
from kubetui.ui.panes.api import ApiPane
from kubetui.ui.panes.base import LinePane
from kubetui.ui.panes.events import EventsPane
from kubetui.ui.panes.nodes import NodesPane
from kubetui.ui.panes.scheduler import SchedulerPane
from kubetui.ui.panes.workloads import Row, WorkloadsPane
from kubetui.ui.screens.decision import DecisionScreen
from kubetui.ui.screens.details import DetailsScreen
from kubetui.ui.screens.help import HelpScreen
from kubetui.ui.tour_panel import SIDE_FROM as TOUR_SIDE_FROM
from kubetui.ui.tour_panel import TourPanel
from kubetui.ui.view import KINDS, ClaimState, ClusterView

SPEEDS = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0)
LAYOUTS = ("all", "presenter", "scheduling")
PANE_ORDER = ("nodes", "workloads", "api", "scheduler", "events")
HIDDEN_IN_LAYOUT = {"presenter": ("api", "scheduler", "workloads"), "scheduling": ("api", "events", "workloads")}

PROJECTOR = Theme(
    name="projector",
    primary="#0033AA",
    secondary="#6A1B9A",
    accent="#B00020",
    warning="#9A5B00",
    error="#B00020",
    success="#006400",
    foreground="#000000",
    background="#FFFFFF",
    surface="#F2F2F2",
    panel="#DDDDDD",
    dark=False,
)
THEMES = ("textual-dark", "projector")
# The command palette (ctrl+p): the app's own commands, once each: (action, name, what it does). Textual's built-in
# ones are left out where the app has its own: Theme (t), Screenshot (S), Maximize (z), Keys (? is the app's help).
PALETTE: tuple[tuple[str, str, str], ...] = (
    ("kill_node", "Kill node", "power off the selected node: heartbeats and containers stop"),
    ("revive_node", "Revive node", "power the selected node back on"),
    ("partition_node", "Partition / heal node", "cut the selected node off the API server; again: heal it"),
    ("cordon", "Cordon / uncordon node", "mark the selected node unschedulable; again: schedulable"),
    ("drain", "Drain node", "cordon the selected node, then evict its pods (DaemonSet pods stay; a bare pod stops it)"),
    ("kill_container", "Kill container", "kill a container of the selected pod (exit 137)"),
    ("delete_pod", "Delete pod", "delete the selected pod"),
    ("scale(1)", "Scale up", "one more replica for the selected Deployment, StatefulSet, ReplicaSet or RC"),
    ("scale(-1)", "Scale down", "one replica fewer for the selected Deployment, StatefulSet, ReplicaSet or RC"),
    ("traffic", "Send traffic", "10 requests to the selected workload's Service, through kube-proxy"),
    ("load", "Load generator on / off", "a pod looping wget at the selected workload's Service (~100 requests/s)"),
    ("pause", "Pause", "stop the virtual clock"),
    ("resume", "Resume", "start the virtual clock again"),
    ("step", "Step", "run one engine event (pauses first)"),
    ("faster", "Faster", "speed the virtual clock up (up to 100x)"),
    ("slower", "Slower", "slow the virtual clock down (down to 0.5x)"),
    ("filter", "Filter", "filter the focused pane as you type"),
    ("toggle_etcd", "etcd writes", "show / hide etcd writes between the API requests"),
    ("toggle_heartbeats", "Heartbeats", "hide / show the kubelets' Lease renewals and node status in the API pane"),
    ("maximize", "Zoom", "maximize the focused pane; again: restore"),
    ("cycle_layout", "Layout", "cycle layouts: all panes, presenter, scheduling"),
    ("cycle_theme", "Theme", "switch between the dark and the light projector theme"),
    ("save_svg", "Screenshot", "save an SVG screenshot into the current folder"),
    ("help", "Help", "every key, and what the pod glyphs mean"),
    ("quit", "Quit", "quit kubetui now"),
    ("tour_next", "Tour: next step", "go on to the tour's next step"),
    ("tour_back", "Tour: previous step", "go back one step in the tour"),
    ("tour_restart", "Tour: restart step", "run the tour's current step again"),
)
patch_strip_divide()
# After a key press or a click, the engine's pump and the panes' periodic rebuilds wait until the screen has
# repainted (at most this many seconds): the answer to a key is never queued behind engine work.
INPUT_GRACE = 0.05
QUIT_WINDOW = 3.0  # seconds in which a second q quits: one stray key must not end a live demo
DRAIN_WATCH = 600.0  # seconds a drain waits for its evicted pods to go before it stops watching


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


class ErrorBanner(Static):
    """Manifest errors, impossible to miss: file:line:column and the API server's message."""

    ROWS = 4
    DEFAULT_CSS = """
    ErrorBanner { background: $error; color: $text; height: auto; max-height: 4; padding: 0 1; display: none; }
    ErrorBanner.-visible { display: block; }
    """

    def __init__(self, view: ClusterView, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)  # messages quote names and regexes: '[a-z0-9]' is not markup
        self.view = view
        self._shown: tuple[Any, ...] = ()

    def on_mount(self) -> None:
        self.set_interval(0.25, self.refresh_errors)

    def on_resize(self) -> None:
        self.refresh_errors()

    def refresh_errors(self) -> None:
        records = tuple(self.view.manifest_errors.values())
        width = max(10, self.app.size.width - 2)
        shown = (tuple(manifest_summary(record) for record in records), width)
        if shown != self._shown:
            self._shown = shown
            self.update("\n".join(banner_rows(records, width, self.ROWS)))
            self.set_class(bool(records), "-visible")


def banner_rows(records: tuple[ManifestStatus, ...], width: int, rows: int) -> list[str]:
    """The errors wrapped to ``width`` in at most ``rows`` rows; when they do not fit, the last row counts and names
    the broken files not shown (seven broken files showed one error and half of the next, and no more)."""
    console = Console(width=width)
    wrapped = [[line.plain for line in Text(f"✖ {manifest_summary(r)}").wrap(console, width)] for r in records]
    if sum(map(len, wrapped)) <= rows:
        return [row for lines in wrapped for row in lines]
    shown: list[str] = []
    whole = 0
    while whole < len(wrapped) and len(shown) + len(wrapped[whole]) <= rows - 1:
        shown += wrapped[whole]
        whole += 1
    if not whole:  # the first error alone is taller than the banner: as many of its rows as leave room, cut
        whole = 1
        shown = wrapped[0][:rows - 1 if len(records) > 1 else rows]
        shown[-1] = fit(shown[-1].rstrip() + " …", width)
    rest = [printable(record.path) for record in records[whole:]]
    if rest:
        shown.append(fit(f"✖ +{len(rest)} more broken file{'' if len(rest) == 1 else 's'}: {', '.join(rest)}", width))
    return shown


class MainScreen(Screen[None]):
    """The panes' screen. While a dialog covers it, its toasts hide: the dialog shows the same toasts one row higher,
    and these, seen dimmed through the dialog's backdrop, read as second copies."""

    def on_screen_suspend(self) -> None:
        self.add_class("-covered")

    def on_screen_resume(self) -> None:
        self.remove_class("-covered")


class KubetuiApp(App[int]):
    TITLE = "kubetui"
    # A zoomed pane keeps the header (clock, pause), the manifest error banner and the filter box in view.
    ALLOW_IN_MAXIMIZED_VIEW = "Footer, ClusterHeader, ErrorBanner, #filter"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (TOUR_SIDE_FROM, "-wide")]
    CSS = """
    Screen { layout: vertical; }
    /* Split off the top, not laid out in the flow: a zoomed pane is laid out first (Screen.arrange puts the
       maximized widget before the screen's children), and pushed the header and the banner below it. */
    #header, #errors { split: top; }
    #body { height: 1fr; }
    #left { width: 1fr; }
    #right { width: 1fr; }
    #nodes { height: 1fr; }
    #workloads { height: 1fr; }
    #api, #scheduler, #events { height: 1fr; }
    Screen.-narrow #body .-highlight { height: 2fr; }
    /* The presenter layout on a narrow screen: the nodes above the events, both the full width (side by side, an
       event line was cut at 45 columns, a card's pods ended in +3 and half the Nodes pane stayed empty). */
    KubetuiApp.-presenter Screen.-narrow #body { layout: vertical; }
    KubetuiApp.-presenter Screen.-narrow #left { height: auto; max-height: 65%; }
    KubetuiApp.-presenter Screen.-narrow #nodes { height: auto; max-height: 100%; }
    #filter { dock: bottom; display: none; }
    #filter.-visible { display: block; }
    /* Light themes (here, not in the widgets' scoped DEFAULT_CSS, which cannot see the app's class): a pane's
       $panel-lighten-2 edge is white on white, and the header's green, cyan and yellow need a light bar. */
    KubetuiApp.-light-mode LinePane { border: round $foreground 45%; }
    KubetuiApp.-light-mode LinePane:focus { border: round $accent; }
    KubetuiApp.-light-mode LinePane.-highlight { border: double $warning; }
    KubetuiApp.-light-mode ClusterHeader { background: $panel; color: $foreground; }
    /* Toasts at the top right, under the header, as wide as their text and one line each: Textual's bottom right
       held the newest lines of the events pane, where the answer to the key appears, and a dialog's bottom edge.
       Up there they cover the oldest lines in view (API requests; events in the presenter layout); over a dialog
       the dimmed header row above it; with a tour beside the panes, not its narration. */
    ToastRack { dock: top; align: right top; margin: 1 0 0 0; }
    ModalScreen ToastRack { margin-top: 0; }
    MainScreen.-covered Toast { visibility: hidden; }
    KubetuiApp.-tour Screen.-wide ToastRack { margin-right: 52; }
    Toast { width: auto; max-width: 50%; padding: 0 1; margin-top: 0; }
    """ + "".join(  # each layout hides its panes; action_cycle_layout moves the focus off them too
        f"{', '.join(f'KubetuiApp.-{layout} #{pane}' for pane in panes)} {{ display: none; }}\n"
        for layout, panes in HIDDEN_IN_LAYOUT.items()
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "request_quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        # One key, two bindings: check_action hides the one that does not apply, so the footer says Resume while paused
        Binding("space", "pause", "Pause"),
        Binding("space", "resume", "Resume"),
        Binding("s", "step", "Step", show=False),
        Binding("right_square_bracket", "faster", "Faster"),
        Binding("left_square_bracket", "slower", "Slower", show=False),
        Binding("k", "kill_node", "Kill node"),
        Binding("r", "revive_node", "Revive"),
        Binding("p", "partition_node", "Partition"),
        Binding("c", "cordon", "Cordon"),
        Binding("d", "drain", "Drain"),
        Binding("x", "kill_container", "Kill container"),
        Binding("delete,backspace", "delete_pod", "Delete pod", show=False, key_display="delete"),
        Binding("plus,equals_sign", "scale(1)", "Scale +", show=False),
        Binding("minus", "scale(-1)", "Scale -", show=False),
        Binding("g", "traffic", "Send traffic", show=False),
        Binding("G", "load", "Load on/off", show=False),
        # priority: run as the key is read, before the keys after it are sent on to the focused pane (see check_action)
        Binding("slash", "filter", "Filter", priority=True),
        Binding("e", "toggle_etcd", "etcd", show=False),
        Binding("h", "toggle_heartbeats", "Heartbeats"),
        Binding("z", "maximize", "Zoom"),
        Binding("l", "cycle_layout", "Layout"),
        Binding("t", "cycle_theme", "Theme", show=False),
        Binding("S", "save_svg", "Screenshot", show=False),
        Binding("n", "tour_next", "Next", show=False),
        Binding("b", "tour_back", "Back", show=False),
        Binding("R", "tour_restart", "Restart step", show=False),
    ]

    def __init__(
        self,
        cluster: Cluster,
        manifest_dir: Path | None = None,
        speed: float = 1.0,
        api_address: str = "",
        start_driver: bool = True,
        kubeconfig: str = "",
        tour: Any = None,
        driver: RealTimeDriver | None = None,
    ) -> None:
        super().__init__()
        self.cluster = cluster
        self.manifest_dir = manifest_dir
        self.view = ClusterView(cluster)
        self.driver = driver or RealTimeDriver(cluster.clock, speed)
        cluster.inputs.driver = self.driver
        self.start_driver = start_driver
        self.api_address = api_address
        self.kubeconfig = kubeconfig
        self.layout_index = 0
        self.tour = tour
        self._input_until = 0.0
        self._last_input = time.monotonic()
        self.collector = IdleCollector(lambda: self._last_input)
        self._gate_pump()
        self._toasts: dict[str, Notification] = {}
        self._scales_asked: dict[tuple[str, str, str], tuple[int, int]] = {}  # (replicas asked, the view's then)
        self._quit_armed_until = 0.0
        self._superseded: set[str] = set()
        self.register_theme(PROJECTOR)
        self.theme = "textual-dark"

    # -- layout -----------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        return MainScreen(id="_default")

    def compose(self) -> ComposeResult:
        yield ClusterHeader(self.view, self.driver if self.start_driver else None, self.api_address,
                            self.kubeconfig, id="header")
        yield ErrorBanner(self.view, id="errors")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield NodesPane(self.view, id="nodes")
                yield WorkloadsPane(self.view, id="workloads")
            with Vertical(id="right"):
                yield ApiPane(self.view, id="api")
                yield SchedulerPane(self.view, id="scheduler")
                yield EventsPane(self.view, id="events")
            if self.tour is not None:
                yield TourPanel(self.cluster, self.tour, id="tour")
        yield Input(placeholder="filter the focused pane: type text · Enter keeps it · Esc clears it", id="filter")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.set_class(self.tour is not None, "-tour")
        self.driver.listeners.append(self._on_driver_change)
        self.collector.start()
        self.set_interval(0.25, self.collector.tick)
        if self.start_driver:
            self.driver.start()
        highlighted = [w for w in self.query(".-highlight") if isinstance(w, LinePane)]  # a tour's pane
        (highlighted[0] if highlighted else self.query_one(NodesPane)).focus()

    def _on_driver_change(self) -> None:
        self.refresh_bindings()  # space: Pause <-> Resume
        outcome = getattr(self.driver, "outcome", "")
        if outcome and not getattr(self, "_replay_reported", False):
            self._replay_reported = True
            self.notify(outcome, severity="information" if "identical" in outcome else "error", timeout=30)

    async def on_unmount(self) -> None:
        self.collector.stop()
        self.driver.stop()
        self.view.close()

    # -- input first -------------------------------------------------------------------------------
    def input_pending(self) -> bool:
        """A key press or click is being handled and painted: background work should wait its turn."""
        return time.perf_counter() < self._input_until

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._input_until = time.perf_counter() + INPUT_GRACE
            self._last_input = time.monotonic()
            self.call_after_refresh(self._input_painted)
        await super().on_event(event)

    def _input_painted(self) -> None:
        self._input_until = 0.0

    def _gate_pump(self) -> None:
        """Skip the driver's pump while input is pending. It runs engine events in chunks of several
        milliseconds; skipped, it catches up on the next tick (virtual time may lag, as when busy)."""
        pump = self.driver.pump

        def pump_after_input() -> None:
            if not self.input_pending():
                pump()

        self.driver.pump = pump_after_input  # type: ignore[method-assign]

    # -- selection helpers --------------------------------------------------------------------------
    def _pane(self) -> LinePane | None:
        focused = self.focused
        return focused if isinstance(focused, LinePane) else None

    def selected_node(self) -> str | None:
        pane = self._pane()
        if isinstance(pane, WorkloadsPane):
            obj = pane.object_of(pane.selected)
            node = obj.get("spec", {}).get("nodeName") if obj and obj.get("kind") == "Pod" else None
            if node:
                return str(node)
        return self.query_one(NodesPane).selected_node

    def selected_row(self, kinds: tuple[str, ...]) -> tuple[Row, dict[str, Any]] | None:
        pane = self.query_one(WorkloadsPane)
        row = pane.selected
        obj = pane.object_of(row)
        if isinstance(row, Row) and obj is not None and row.kind in kinds:
            return row, obj
        return None

    def _apply(self, kind: str, **data: Any) -> tuple[str, bool]:
        """Submit an input; its one-line outcome, and whether that is an error."""
        outcome = self.cluster.inputs.submit(kind, **data)
        return outcome, outcome.startswith(("error", "Error"))

    def _submit(self, kind: str, **data: Any) -> None:
        outcome, error = self._apply(kind, **data)
        self._toast(outcome, severity="error" if error else "information", timeout=4,
                    replace="clock" if kind == "clock" and not error else "")

    def _toast(self, message: str, severity: SeverityLevel = "information", timeout: float = 4,
               replace: str = "") -> None:
        """A notification, as plain text (API messages hold brackets: containers[0]). With ``replace``, it takes
        the place of the previous one of that kind: four presses of ] used to stack four toasts over the panes."""
        notification = Notification(message, "", severity, timeout, markup=False)
        if replace:
            previous = self._toasts.get(replace)
            if previous is not None:
                if previous in self._notifications:
                    self._unnotify(previous)
                else:  # still on its way in the message queue
                    self._superseded.add(previous.identity)
            self._toasts[replace] = notification
        self.post_message(Notify(notification))

    def _on_notify(self, event: Notify) -> None:
        """Drop a toast replaced before it arrived (Textual then runs App._on_notify, unless prevented)."""
        if event.notification.identity in self._superseded:
            self._superseded.discard(event.notification.identity)
            event.prevent_default()

    def _need(self, what: str, value: Any) -> bool:
        if value is None:
            self.notify(f"Select a {what} first (Tab to a pane, arrows to move).", severity="warning", timeout=3)
            return False
        return True

    # -- faults and cluster actions -------------------------------------------------------------------
    def action_kill_node(self) -> None:
        node = self.selected_node()
        if self._need("node", node):
            assert node is not None
            if self.view.machine_state(node) == "Dead":  # the machine ignores it: say so, not "kill-node node-2"
                self._toast(f"{node} is already powered off (r powers it on)", severity="warning",
                            replace=f"node:{node}")
                return
            self._submit("chaos", action="kill-node", node=node)

    def action_revive_node(self) -> None:
        node = self.selected_node()
        if self._need("node", node):
            assert node is not None
            state = self.view.machine_state(node)
            if state == "Running":
                self._toast(f"{node} is not powered off: nothing to revive (k powers it off, p cuts its network)",
                            severity="warning", replace=f"node:{node}")
                return
            if state == "Partitioned":  # the machine heals its network: say that
                outcome, error = self._apply("chaos", action="revive-node", node=node)
                self._toast(outcome if error else f"{node}: network healed", severity="error" if error else
                            "information", replace=f"node:{node}")
                return
            self._submit("chaos", action="revive-node", node=node)

    def action_partition_node(self) -> None:
        node = self.selected_node()
        if self._need("node", node):
            assert node is not None
            state = self.view.machine_state(node)
            if state == "Dead":
                self._toast(f"{node} is powered off: no network to cut (r powers it on)", severity="warning",
                            replace=f"node:{node}")
                return
            action = "heal-node" if state == "Partitioned" else "partition-node"
            self._submit("chaos", action=action, node=node)

    def action_cordon(self) -> None:
        node = self.selected_node()
        if not self._need("node", node):
            return
        assert node is not None
        obj = self.view.get("nodes", "", node) or {}
        unschedulable = not obj.get("spec", {}).get("unschedulable", False)
        outcome, error = self._apply("api", verb="patch", resource="nodes", name=node,
                                     patch={"spec": {"unschedulable": unschedulable}})
        # kubectl's words, not the patch's ("nodes/node-2 patched")
        self._toast(outcome if error else f"node/{node} {'cordoned' if unschedulable else 'uncordoned'}",
                    severity="error" if error else "information", replace=f"node:{node}")

    def action_drain(self) -> None:
        """kubectl drain --ignore-daemonsets --delete-emptydir-data: cordon, then evict each pod; a pod no controller
        would make again (a bare pod) stops the drain before any eviction, as without --force. One toast says what
        was asked, and a
        second one when the evicted pods are gone, as kubectl's "node/node-2 drained" (a toast per evicted
        pod stacked six deep over the right column)."""
        node = self.selected_node()
        if not self._need("node", node):
            return
        assert node is not None
        cordoned = bool((self.view.get("nodes", "", node) or {}).get("spec", {}).get("unschedulable"))
        outcome, error = self._apply("api", verb="patch", resource="nodes", name=node,
                                     patch={"spec": {"unschedulable": True}})
        if error:
            self._toast(outcome, severity="error", replace=f"node:{node}")
            return
        evicted: list[str] = []
        refused: list[str] = []
        ignored = 0
        to_evict: list[dict[str, Any]] = []
        unreplicated: list[str] = []
        for pod in self.view.pods_on(node):
            refs = pod["metadata"].get("ownerReferences") or []
            owner: dict[str, Any] = next((r for r in refs if r.get("controller")), {})
            if pod["metadata"].get("deletionTimestamp"):
                continue
            if owner.get("kind") == "DaemonSet":
                ignored += 1
                continue
            finished = (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")
            if not owner and not finished:  # nothing would make it again: drain's unreplicated filter
                unreplicated.append(f"{pod['metadata']['namespace']}/{pod['metadata']['name']}")
            to_evict.append(pod)
        if unreplicated:  # kubectl drain without --force evicts nothing, and the node stays cordoned
            self._toast(f"node/{node} {'already cordoned' if cordoned else 'cordoned'}; unable to drain: cannot "
                        f"delete Pods that declare no controller (use --force to override): {', '.join(unreplicated)}",
                        severity="warning", timeout=8, replace=f"node:{node}")
            return
        for pod in to_evict:
            outcome, error = self._apply("api", verb="evict", resource="pods", namespace=pod["metadata"]["namespace"],
                                         name=pod["metadata"]["name"])
            if error:
                refused.append(f"{pod['metadata']['name']}: {outcome}")
            else:
                evicted.append(str(pod["metadata"].get("uid", "")))
        parts = [f"node/{node} {'already cordoned' if cordoned else 'cordoned'}"]
        if evicted:
            parts.append(f"evicting {plural(len(evicted), 'pod')}")
        if ignored:
            parts.append(f"ignoring {plural(ignored, 'DaemonSet pod')}")
        if refused:
            parts.append(f"{len(refused)} refused: {refused[0]}")
        if not evicted and not refused:
            parts.append("no pods to evict: drained")
        self._toast(", ".join(parts), severity="warning" if refused else "information",
                    timeout=8 if refused else 4, replace=f"node:{node}")
        if evicted:
            self._await_drained(node, evicted, len(refused))

    def _await_drained(self, node: str, uids: list[str], refused: int) -> None:
        """Say so when the pods evicted from ``node`` are gone (their kubelet stopped them); a dead node's never
        go, and the check gives up after DRAIN_WATCH seconds."""
        started = time.monotonic()

        def check() -> None:
            alive = {p["metadata"].get("uid") for p in self.view.list("pods")}
            if any(uid in alive for uid in uids):
                if time.monotonic() - started > DRAIN_WATCH:
                    timer.stop()
                return
            timer.stop()
            done = f"node/{node} drained: {plural(len(uids), 'pod')} evicted"
            if refused:
                done = f"node/{node}: {plural(len(uids), 'pod')} evicted, {refused} refused (still on the node)"
            self._toast(done, severity="warning" if refused else "information", replace=f"node:{node}")

        timer = self.set_interval(0.5, check)

    def action_kill_container(self) -> None:
        selected = self.selected_row(("Pod",))
        if not self._need("pod", selected):
            return
        assert selected is not None
        row, pod = selected
        containers = pod.get("spec", {}).get("containers") or [{}]
        self._submit("chaos", action="kill-container", namespace=row.namespace, pod=row.name,
                     container=containers[0].get("name", ""))

    def action_delete_pod(self) -> None:
        selected = self.selected_row(("Pod",))
        if self._need("pod", selected):
            assert selected is not None
            row, _ = selected
            self._submit("api", verb="delete", resource="pods", namespace=row.namespace, name=row.name)

    def selected_scalable(self) -> tuple[str, str, str] | str:
        """(resource, namespace, name) of the workload with a /scale subresource under the workloads cursor, or
        owning the selected pod; a ReplicaSet a Deployment owns scales through its Deployment (which would undo a
        scale of the ReplicaSet). Else why nothing scales."""
        pane = self.query_one(WorkloadsPane)
        rows: list[Row] = list(pane._items)
        index = pane.cursor
        resources = {"Deployment": "deployments", "StatefulSet": "statefulsets", "ReplicaSet": "replicasets",
                     "ReplicationController": "replicationcontrollers"}
        while 0 <= index < len(rows):
            row = rows[index]
            if row.kind in resources and (row.kind != "ReplicaSet" or row.depth == 0):
                return resources[row.kind], row.namespace, row.name
            if row.kind in ("DaemonSet", "Job", "CronJob"):
                why = {"DaemonSet": "a DaemonSet runs one pod per eligible node: it has no replicas to scale",
                       "Job": "a Job has no /scale: its parallelism says how many pods run at once",
                       "CronJob": "a CronJob has no /scale: it starts a Job on its schedule"}
                return f"{row.kind.lower()}/{row.name}: {why[row.kind]}"
            if row.depth == 0:
                break
            index -= 1
        return ""

    def action_scale(self, delta: int) -> None:
        target = self.selected_scalable()
        if isinstance(target, str):
            if target:
                self._toast(target, severity="warning", timeout=4)
            else:
                self._need("Deployment, StatefulSet, ReplicaSet or ReplicationController", None)
            return
        resource, ns, name = target
        obj = self.view.get(resource, ns, name) or {}
        seen = int(obj.get("spec", {}).get("replicas", 1))
        # + + pressed before the first scale reached the view (paused, or quicker than a step): count from the
        # replicas asked for, not from the ones the view still shows
        asked, seen_then = self._scales_asked.get(target, (seen, seen))
        replicas = max(0, (asked if seen == seen_then else seen) + delta)
        self._scales_asked[target] = (replicas, seen)
        self._submit("api", verb="scale", resource=resource, namespace=ns, name=name, replicas=replicas)

    def action_traffic(self) -> None:
        """Ten connections to the Service in front of the selected workload, through a node's kube-proxy rules."""
        service = self.service_for_selection()
        if service is None:
            self.notify("No Service selects the selected workload (or, with nothing selected, no Service exists).",
                        severity="warning", timeout=4)
            return
        self._submit("traffic", service=service[1], namespace=service[0], count=10)

    def action_load(self) -> None:
        """Start, or stop, the walkthrough's load generator pod against the selected workload's Service."""
        from kubetui.sim.loadgen import generator_name, generator_pod

        service = self.service_for_selection()
        if service is None:
            self.notify("No Service selects the selected workload (or, with nothing selected, no Service exists).",
                        severity="warning", timeout=4)
            return
        namespace, name = service
        generator = generator_name(name)
        existing = self.view.get("pods", namespace, generator)
        if existing is not None and not existing["metadata"].get("deletionTimestamp"):
            self._submit("api", verb="delete", resource="pods", namespace=namespace, name=generator,
                         grace_period_seconds=0)
            return
        if existing is not None:
            self._toast(f"pod {generator} is still terminating", severity="warning")
            return
        svc = self.view.get("services", namespace, name) or {"metadata": {"name": name, "namespace": namespace}}
        self._submit("api", verb="create", resource="pods", namespace=namespace, object=generator_pod(svc))

    def service_for_selection(self) -> tuple[str, str] | None:
        """The Service whose selector matches the selected workload's pods; else the first Service of the user's."""
        services = [s for s in self.view.list("services")
                    if (s.get("spec") or {}).get("selector") and s["metadata"].get("name") != "kubernetes"]
        pane = self.query_one(WorkloadsPane)
        row = pane.selected
        obj = pane.object_of(row)
        if row is None or obj is None:
            first = sorted((s["metadata"].get("namespace", ""), s["metadata"]["name"]) for s in services)
            return first[0] if first else None
        template = ((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}
        labels = template.get("labels") if row.kind != "Pod" else None
        labels = labels or obj["metadata"].get("labels") or {}
        namespace = obj["metadata"].get("namespace", "")
        for svc in sorted(services, key=lambda s: s["metadata"]["name"]):
            selector = svc["spec"]["selector"]
            if svc["metadata"].get("namespace") == namespace and all(labels.get(k) == v for k, v in selector.items()):
                return namespace, svc["metadata"]["name"]
        return None

    # -- time ----------------------------------------------------------------------------------------
    def action_pause(self) -> None:
        self._submit("clock", paused=True)

    def action_resume(self) -> None:
        self._submit("clock", paused=False)

    def action_step(self) -> None:
        """Pause if needed and run one engine event; say what it did, since many events (timers, queue
        hand-offs) change nothing a pane shows and the key would otherwise seem dead."""
        if not self.driver.paused:
            self._submit("clock", paused=True)
        before = self.view.trace_version
        outcome = self.cluster.inputs.submit("clock", step=True)
        records = self.view.trace_version - before
        if not outcome.startswith("stepped"):
            self._toast(outcome, replace="clock")
            return
        what = f"{records} trace record{'s' if records != 1 else ''} in the panes" if records else \
            "nothing the panes show (a timer or a queue hand-off)"
        self._toast(f"step: one engine event at ⏱ {clock_time(self.cluster.clock.now)}: {what}", timeout=3,
                    replace="clock")

    def _set_speed(self, index_delta: int) -> None:
        current = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.driver.speed))
        index = max(0, min(len(SPEEDS) - 1, current + index_delta))
        self._submit("clock", speed=SPEEDS[index])

    def action_faster(self) -> None:
        self._set_speed(1)

    def action_slower(self) -> None:
        self._set_speed(-1)

    # -- view ----------------------------------------------------------------------------------------
    async def action_request_quit(self) -> None:
        """``q`` twice within QUIT_WINDOW seconds quits (ctrl+q at once): a stray key mid-demo only shows a toast."""
        now = time.monotonic()
        if now < self._quit_armed_until:
            await self.action_quit()
            return
        self._quit_armed_until = now + QUIT_WINDOW
        self._toast("Press q again to quit (ctrl+q quits at once)", timeout=QUIT_WINDOW, replace="quit")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_filter(self) -> None:
        """Open the filter box under the focused pane. It filters as you type; Enter keeps the filter and
        goes back to the pane, Escape clears it (like k9s), so a filter is never left on by accident."""
        pane = self._pane()
        if pane is None:
            return
        box = self.query_one("#filter", Input)
        self._filter_target = pane
        box.placeholder = f"filter {type(pane).pane_title}: type text · Enter keeps it · Esc clears it"
        box.value = pane.filter_text
        box.add_class("-visible")
        # At once, not on the next loop turn as Widget.focus does: keys typed right after "/" (a fast typist, a
        # terminal delivering "/node" in one read) went to the pane as commands: "d" drained, "e" toggled etcd.
        self.screen.set_focus(box)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """"/" is a priority binding, so that "/node" typed in one burst lands in the filter box: a normal
        binding runs only after the key has gone through the focused pane, and the keys behind it had
        already been handed to the pane as commands ("d" drained a node, "e" toggled etcd). As a priority
        binding it must step aside where "/" is text (typing in the box) or means nothing (a dialog)."""
        if action == "filter":
            return self._pane() is not None and not isinstance(self.screen, ModalScreen)
        if action in ("pause", "resume"):  # False hides a binding: space shows as Pause, or as Resume while paused
            return self.driver.paused == (action == "resume")
        return True

    def _filter_box_open(self) -> bool:
        return self.query_one("#filter", Input).has_class("-visible")

    def _close_filter(self, text: str) -> None:
        box = self.query_one("#filter", Input)
        box.remove_class("-visible")
        pane = getattr(self, "_filter_target", None)
        if isinstance(pane, LinePane):
            pane.set_filter(text)
            self.screen.set_focus(pane)

    def on_input_changed(self, event: Input.Changed) -> None:
        pane = getattr(self, "_filter_target", None)
        if event.input.id == "filter" and self._filter_box_open() and isinstance(pane, LinePane):
            pane.set_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            self._close_filter(event.value)

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self._filter_box_open() and self.focused is self.query_one("#filter", Input):
            self._close_filter("")
            event.stop()

    def on_descendant_blur(self, event: Any) -> None:
        """Focus left the open filter box (Tab, a click): it closes and the filter stays, as with Enter. Left open,
        a later Escape in a dialog closed it instead of the dialog, focusing a pane behind the dialog."""
        if getattr(event, "widget", None) is not None and event.widget.id == "filter" and self._filter_box_open():
            self.query_one("#filter", Input).remove_class("-visible")

    @property
    def escape_to_minimize(self) -> bool:
        """Escape closes the filter box, or clears the focused pane's filter, before it restores a zoomed pane."""
        pane = self._pane()
        if self._filter_box_open() or (pane is not None and pane.filter_text):
            return False
        return super().escape_to_minimize

    def action_toggle_etcd(self) -> None:
        self.query_one(ApiPane).toggle_etcd()

    def action_toggle_heartbeats(self) -> None:
        """Hide (again: show) the kubelets' Lease renewals and node status updates in the API pane."""
        pane = self.query_one(ApiPane)
        pane.toggle_heartbeats()
        self._toast("API pane: heartbeats (leases, node status) " + ("hidden" if pane.hide_heartbeats else "shown"),
                    timeout=2, replace="heartbeats")

    def action_maximize(self) -> None:
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
        elif (pane := self._pane()) is not None:
            screen.maximize(pane)

    def action_cycle_layout(self) -> None:
        self.remove_class(f"-{LAYOUTS[self.layout_index]}")
        self.layout_index = (self.layout_index + 1) % len(LAYOUTS)
        self.add_class(f"-{LAYOUTS[self.layout_index]}")
        hidden = HIDDEN_IN_LAYOUT.get(LAYOUTS[self.layout_index], ())
        pane = self._pane()
        if pane is not None and pane.id in hidden:  # keys must not act on a pane the user cannot see
            self.query_one(f"#{next(p for p in PANE_ORDER if p not in hidden)}", LinePane).focus()
        self._toast(f"layout: {LAYOUTS[self.layout_index]}", timeout=2, replace="layout")

    def action_cycle_theme(self) -> None:
        self.theme = THEMES[(THEMES.index(self.theme) + 1) % len(THEMES)] if self.theme in THEMES else THEMES[0]

    def action_save_svg(self) -> None:
        path = self.save_screenshot(path=str(Path.cwd()))
        self.notify(f"saved {path}", timeout=4)

    # -- details --------------------------------------------------------------------------------------
    def on_line_pane_selected(self, message: LinePane.Selected) -> None:
        """A pod selected in Workloads selects its node's card too: the node keys (k, r, p, c, d) act on that
        node, and the Nodes pane's cursor must show the same one."""
        if isinstance(message.pane, WorkloadsPane):
            obj = message.pane.object_of(message.item)
            node = (obj.get("spec") or {}).get("nodeName") if obj and obj.get("kind") == "Pod" else None
            if node:
                self.query_one(NodesPane).select_node(str(node))

    def on_line_pane_opened(self, message: LinePane.Opened) -> None:
        item = message.item
        if isinstance(message.pane, SchedulerPane):
            decision = getattr(item, "decision", item)  # a row of identical failures: its latest
            self.push_screen(DecisionScreen(decision, self.claims_of_pod(decision.pod)))
        elif isinstance(message.pane, WorkloadsPane):
            obj = message.pane.object_of(item)
            if obj is not None:
                self.push_screen(self._details(obj))
        elif isinstance(message.pane, NodesPane):
            node = self.view.get("nodes", "", item.node)
            if node is not None:
                self.push_screen(self._details(node))
        else:  # a log line: the object it is about (Enter did nothing on the API and events panes)
            obj = self.view.object_of_record(item)
            if obj is not None:
                self.push_screen(self._details(obj))
            else:
                self._toast("No details for this line: its object no longer exists, or is of a kind the UI does "
                            "not watch.", severity="warning", timeout=3)

    def _details(self, obj: dict[str, Any]) -> DetailsScreen:
        uid = obj.get("metadata", {}).get("uid")
        events = sorted((e for e in self.view.list("events") if e.get("involvedObject", {}).get("uid") == uid),
                        key=lambda e: str(e.get("lastTimestamp", "")))
        decision = None
        if obj.get("kind") == "Pod":
            key = f"{obj['metadata'].get('namespace')}/{obj['metadata'].get('name')}"
            decision = next((d for d in reversed(self.view.decisions) if d.pod == key), None)
        claims = self.view.claims_of(obj["metadata"].get("namespace", ""), obj.get("spec") or {}) \
            if obj.get("kind") == "Pod" else []
        kind, meta = str(obj.get("kind", "")), obj["metadata"]
        resource, namespace, name = KINDS.get(kind.lower(), ""), meta.get("namespace", ""), meta.get("name", "")

        def reload() -> tuple[dict[str, Any] | None, list[dict[str, Any]], float]:
            now = self.view.get(resource, namespace, name) if resource in self.view.informers else None
            return now, self._pods_of(now) if now is not None else [], self.cluster.clock.now

        return DetailsScreen(obj, events, decision, now=self.cluster.clock.now, pods=self._pods_of(obj),
                             claims=claims, reload=reload)

    def _pods_of(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        """A node's pods (its Non-terminated Pods), a StatefulSet's (its Pods Status)."""
        if obj.get("kind") == "Node":
            return self.view.pods_on(obj["metadata"].get("name", ""))
        if obj.get("kind") == "StatefulSet":
            uid = obj["metadata"].get("uid")
            return [p for p in self.view.list("pods")
                    if any(r.get("uid") == uid for r in p["metadata"].get("ownerReferences") or ())]
        return []

    def claims_of_pod(self, key: str) -> list[ClaimState]:
        """The claims of the pod ``namespace/name`` a decision is about (none once the pod is gone)."""
        namespace, _, name = key.partition("/")
        pod = self.view.get("pods", namespace, name)
        return self.view.claims_of(namespace, pod.get("spec") or {}) if pod is not None else []

    # -- tours ------------------------------------------------------------------------------------------
    def _tour_panel(self) -> TourPanel | None:
        panels = self.query(TourPanel)
        return panels.first() if panels else None

    def action_tour_next(self) -> None:
        if (panel := self._tour_panel()) is not None:
            panel.next()

    def action_tour_back(self) -> None:
        if (panel := self._tour_panel()) is not None:
            panel.back()

    def action_tour_restart(self) -> None:
        if (panel := self._tour_panel()) is not None:
            panel.restart()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette's commands: the app's, named as in the footer, with their key and what they do. Not
        Textual's built-ins, which doubled Theme and Screenshot, put Maximize next to Zoom and offered Textual's
        key panel instead of the app's help; the tour's keys only in a tour, Pause or Resume as the clock is."""
        keys: dict[str, str] = {"quit": "ctrl+q"}
        for binding in self.BINDINGS:
            if isinstance(binding, Binding) and binding.action not in keys:
                keys[binding.action] = binding.key_display or self.get_key_display(
                    Binding(binding.key.split(",")[0], binding.action))  # "]", not right_square_bracket
        for action, name, what in PALETTE:
            if action.startswith("tour_") and self.tour is None:
                continue
            if action in ("pause", "resume") and not self.check_action(action, ()):
                continue
            key = keys.get(action, "")
            yield SystemCommand(name, f"{key} · {what}" if key else what,
                                lambda action=action: self.run_action(action))


def run_app(
    manifest_dir: Path | None,
    seed: int,
    speed: float,
    port: int,
    kubeconfig: Path,
    record: Path | None = None,
    replay: Path | None = None,
    tour: Any = None,
) -> int:
    """Start the cluster, the manifest watcher and the HTTP API, then the app, on one asyncio loop."""
    from kubetui.manifests.loader import ManifestFolder, node_specs_in
    from kubetui.manifests.watcher import ManifestWatcher
    from kubetui.node.spec import default_nodes
    from kubetui.sim.inputs import ReplayDriver, read_session

    driver: RealTimeDriver | None = None
    if replay is not None:
        header, inputs, end = read_session(replay)
        if header.get("epoch"):  # timestamps (and so event names) must match the recording's
            from datetime import datetime

            from kubetui.api.meta import set_epoch

            set_epoch(datetime.fromisoformat(header["epoch"]))
        cluster = Cluster(seed=int(header.get("seed", seed)),
                          nodes=[_node_spec(n) for n in header.get("nodes", [])] or None)
        if header.get("manifest_dir"):
            ManifestFolder(cluster, Path(header["manifest_dir"]))  # receives the recorded syncs
        driver = ReplayDriver(cluster, inputs, speed, end)
        driver.apply_initial()
        manifest_dir = None
    elif tour is not None:
        cluster = Cluster(seed=tour.seed, nodes=default_nodes(tour.nodes))
        manifest_dir = None
    else:
        cluster = Cluster(seed=seed, nodes=node_specs_in(manifest_dir) if manifest_dir else None)
        if record is not None:
            from kubetui.api import meta

            cluster.inputs.record_to(record, {
                "seed": seed, "manifest_dir": str(manifest_dir) if manifest_dir else "",
                "epoch": meta.EPOCH.isoformat(),
                "nodes": [_node_dict(m.spec) for m in cluster.machines.values()]})
    folder = ManifestFolder(cluster, manifest_dir) if manifest_dir is not None else None
    if folder is not None:
        folder.sync()

    async def main() -> int:
        watcher = ManifestWatcher(folder) if folder is not None else None
        http = None
        address = ""
        app = KubetuiApp(cluster, manifest_dir, speed=speed, kubeconfig=str(kubeconfig), tour=tour, driver=driver)
        try:
            from kubetui.http.kubeconfig import path_for
            from kubetui.http.server import ApiHttpServer, write_kubeconfig

            try:
                http = ApiHttpServer(cluster, app.driver, host="127.0.0.1", port=port)
                address = await http.start()
            except OSError:  # the port is taken (another kubetui?): any free port will do
                http = ApiHttpServer(cluster, app.driver, host="127.0.0.1", port=0)
                address = await http.start()
            # a port other than 6443 has a kubeconfig of its own: another kubetui's kubectl users keep talking to theirs
            target = path_for(kubeconfig, address)
            app.kubeconfig = str(target)
            write_kubeconfig(target, address)
        except (ImportError, OSError) as err:
            address = f"off ({err.__class__.__name__})"
            http = None
        app.api_address = address
        if watcher is not None:
            await watcher.start()
        try:
            result = await app.run_async()
        finally:
            if watcher is not None:
                await watcher.stop()
            if http is not None:
                with contextlib.suppress(Exception):
                    await http.stop()
            cluster.inputs.close()
        return int(result or 0)

    return asyncio.run(main())


def _node_dict(spec: Any) -> dict[str, Any]:
    return {"name": spec.name, "cpu": spec.cpu, "memory": spec.memory, "pods": spec.pods, "labels": spec.labels,
            "taints": list(spec.taints), "zone": spec.zone, "unschedulable": spec.unschedulable}


def _node_spec(data: dict[str, Any]) -> Any:
    from kubetui.node.spec import NodeSpec

    return NodeSpec(name=data["name"], cpu=data["cpu"], memory=data["memory"], pods=data["pods"],
                    labels=data["labels"], taints=tuple(data["taints"]), zone=data["zone"],
                    unschedulable=data["unschedulable"])
