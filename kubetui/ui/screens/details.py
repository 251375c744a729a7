"""Details of one object: a describe-style summary, its YAML, its events and (pods) its scheduling decision."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, ClassVar

import yaml
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.padding import Padding
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static, TabbedContent, TabPane, Tabs

from kubetui.api.meta import parse_timestamp
from kubetui.api.podrequests import pod_requests, quantity_value
from kubetui.api.quantity import format_cpu, format_memory
from kubetui.sim.trace import SchedulingDecision
from kubetui.ui.format import age, clock_time
from kubetui.ui.screens.decision import decision_renderable
from kubetui.ui.view import ClaimState

LEVEL = "  "  # kubectl describe's indent per level (its PrefixWriter)


def grid() -> Table:
    """Label / value rows, the values aligned in one column, as kubectl's tabwriter aligns them."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    return table


def add_row(table: Table, label: str, value: Any, style: str = "") -> None:
    """A row unless the value is empty; the value as plain text (a message's "[app]" is not Rich markup)."""
    if value not in (None, "", [], {}):
        table.add_row(label + ":", value if isinstance(value, Text) else Text(str(value), style=style))


def describe(obj: dict[str, Any], pods: Iterable[dict[str, Any]] = (), now: float | None = None) -> RenderableType:
    """What ``kubectl describe`` says first about an object. ``pods``: a node's pods, for its Non-terminated Pods
    and Allocated resources; ``now``: virtual seconds, for their ages."""
    meta, spec, status = obj.get("metadata", {}), obj.get("spec", {}), obj.get("status", {})
    table = grid()

    def row(label: str, value: Any) -> None:
        add_row(table, label, value)

    row("Name", meta.get("name"))
    row("Namespace", meta.get("namespace"))
    row("Kind", obj.get("kind"))
    row("Labels", ", ".join(f"{k}={v}" for k, v in (meta.get("labels") or {}).items()))
    row("Created", meta.get("creationTimestamp"))
    row("Deleting since", meta.get("deletionTimestamp"))
    owner = next((r for r in meta.get("ownerReferences") or [] if r.get("controller")), None)
    if owner:
        row("Controlled By", f"{owner.get('kind')}/{owner.get('name')}")
    if obj.get("kind") == "Node":  # what cordon, drain and the node lifecycle controller change
        row("Unschedulable", "true" if spec.get("unschedulable") else "false")
        row("Taints", "\n".join(f"{t.get('key')}{'=' + t['value'] if t.get('value') else ''}:{t.get('effect')}"
                                for t in spec.get("taints") or []) or "<none>")
        for label in ("capacity", "allocatable"):
            amounts = status.get(label) or {}
            row(label.capitalize(), "  ".join(f"{k}={amounts[k]}" for k in ("cpu", "memory", "pods") if k in amounts))
    row("Node", spec.get("nodeName"))
    row("Phase", status.get("phase"))
    row("IP", status.get("podIP"))
    if obj.get("kind") == "StatefulSet":
        statefulset_rows(table, obj, pods)
    elif obj.get("kind") == "HorizontalPodAutoscaler":
        autoscaler_rows(table, obj)
    else:
        row("Replicas", spec.get("replicas"))
    parts: list[RenderableType] = [table]
    if obj.get("kind") == "Pod":  # kubectl's order: the containers, then the conditions
        for heading, containers, statuses in (
                ("Init Containers", spec.get("initContainers"), status.get("initContainerStatuses")),
                ("Containers", spec.get("containers"), status.get("containerStatuses"))):
            if containers:
                parts += [Text(""), containers_section(heading, containers, statuses or [])]
        table = grid()
    for cond in status.get("conditions") or []:
        detail = f"{cond.get('status')}  {cond.get('reason', '')} {cond.get('message', '')}"
        add_row(table, f"Condition {cond.get('type')}", detail)
    if table is not parts[0] and table.row_count:
        parts += [Text(""), table]
    if obj.get("kind") == "Pod":
        parts += [Text(""), volumes_section(spec.get("volumes") or [])]
    if obj.get("kind") == "StatefulSet":
        parts += [Text(""), volume_claims_section(spec.get("volumeClaimTemplates") or [])]
    if obj.get("kind") == "Node":
        running = [p for p in pods if (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
        parts += [Text(""), *node_resources(obj, running, now)]
    return Group(*parts)


def autoscaler_rows(table: Table, hpa: dict[str, Any]) -> None:
    """``kubectl describe hpa``: the reference, each metric as current / target, the bounds and the counts."""
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    add_row(table, "Reference", f"{ref.get('kind')}/{ref.get('name')}")
    current = status.get("currentMetrics") or []
    lines = []
    for index, metric in enumerate(spec.get("metrics") or []):
        source = metric.get("resource") or metric.get("containerResource") or {}
        target = source.get("target") or {}
        now = current[index] if index < len(current) else {}
        have = (now.get("resource") or now.get("containerResource") or {}).get("current") or {}
        if not source:
            lines.append(f"{metric.get('type', '').lower()} metric: <unknown>")
        elif "averageUtilization" in target:
            value = f"{have['averageUtilization']}% ({have.get('averageValue', '')})" if "averageUtilization" in have \
                else "<unknown>"
            # the figures on a line of their own: at 100 columns kubectl's one line broke them in two
            lines.append(f"resource {source.get('name')} on pods  (as a percentage of request):\n"
                         f"  {value} / {target['averageUtilization']}%")
        else:
            lines.append(f"resource {source.get('name')} on pods:  {have.get('averageValue', '<unknown>')} / "
                         f"{target.get('averageValue')}")
    add_row(table, "Metrics", "\n".join(lines) or "<none>")
    add_row(table, "Min replicas", spec.get("minReplicas", 1))
    add_row(table, "Max replicas", spec.get("maxReplicas"))
    add_row(table, f"{ref.get('kind')} pods",
            f"{status.get('currentReplicas', 0)} current / {status.get('desiredReplicas', 0)} desired")


def containers_section(heading: str, containers: list[dict[str, Any]],
                       statuses: list[dict[str, Any]]) -> RenderableType:
    """``Containers:`` as kubectl describe prints it: per container its image, State, Last State (when it
    terminated before: the reason and exit code of the last crash), Ready, Restart Count, limits and requests."""
    by_name = {cs.get("name"): cs for cs in statuses}
    table = grid()
    table.add_row(f"{heading}:", "")
    for container in containers:
        table.add_row(Text(f"{LEVEL}{container.get('name')}:", style="bold cyan"), "")
        cs = by_name.get(container.get("name"))
        add_row(table, f"{LEVEL * 2}Image", container.get("image"))
        if cs is not None:  # kubectl says nothing of the state of a container the kubelet has not reported yet
            container_state(table, "State", cs.get("state") or {})
            last = cs.get("lastState") or {}
            if last.get("terminated"):
                container_state(table, "Last State", last)
            add_row(table, f"{LEVEL * 2}Ready", "True" if cs.get("ready") else "False")
            add_row(table, f"{LEVEL * 2}Restart Count", str(cs.get("restartCount", 0)))
        resources = container.get("resources") or {}
        for label in ("limits", "requests"):
            amounts = resources.get(label) or {}
            if amounts:
                table.add_row(f"{LEVEL * 2}{label.capitalize()}:", "")
                for name, amount in amounts.items():
                    add_row(table, f"{LEVEL * 3}{name}", amount)
    return table


def statefulset_rows(table: Table, sts: dict[str, Any], pods: Iterable[dict[str, Any]]) -> None:
    """kubectl describe statefulset's Replicas, Update Strategy (with its Partition) and Pods Status."""
    spec, status = sts.get("spec") or {}, sts.get("status") or {}
    add_row(table, "Replicas", f"{spec.get('replicas', 1)} desired | {status.get('replicas', 0)} total")
    strategy = spec.get("updateStrategy") or {}
    add_row(table, "Update Strategy", strategy.get("type") or "RollingUpdate")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None:
        add_row(table, f"{LEVEL}Partition", str(rolling.get("partition") or 0))
    phases = [str((p.get("status") or {}).get("phase") or "Pending") for p in pods]
    add_row(table, "Pods Status", f"{phases.count('Running')} Running / {phases.count('Pending')} Waiting / "
                                  f"{phases.count('Succeeded')} Succeeded / {phases.count('Failed')} Failed")
    if status.get("currentRevision") or status.get("updateRevision"):  # what a staged rollout moves between
        add_row(table, "Revisions", f"current {status.get('currentRevision', '')} ({status.get('currentReplicas', 0)}"
                                    f" pods), update {status.get('updateRevision', '')} "
                                    f"({status.get('updatedReplicas', 0)} pods)")


def volume_claims_section(templates: list[dict[str, Any]]) -> RenderableType:
    """``Volume Claims:`` as kubectl describe statefulset prints them: each template's Name, StorageClass, Labels,
    Annotations, Capacity and Access Modes."""
    table = grid()
    if not templates:
        table.add_row("Volume Claims:", Text("<none>"))
        return table
    table.add_row("Volume Claims:", "")
    for template in templates:
        meta, spec = template.get("metadata") or {}, template.get("spec") or {}
        labels = ",".join(f"{k}={v}" for k, v in (meta.get("labels") or {}).items()) or "<none>"
        annotations = ",".join(f"{k}={v}" for k, v in (meta.get("annotations") or {}).items()) or "<none>"
        for label, value in (("Name", meta.get("name", "")), ("StorageClass", spec.get("storageClassName") or ""),
                             ("Labels", labels), ("Annotations", annotations),
                             ("Capacity", ((spec.get("resources") or {}).get("requests") or {}).get("storage", "")),
                             ("Access Modes", f"[{' '.join(spec.get('accessModes') or ())}]")):
            table.add_row(f"{LEVEL}{label}:", Text(str(value)))
    return table


VOLUME_TYPES = {  # kubectl describe's printVolumes: the type, what it is, and its fields
    "persistentVolumeClaim": ("PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
                              (("ClaimName", "claimName", ""), ("ReadOnly", "readOnly", "false"))),
    "emptyDir": ("EmptyDir (a temporary directory that shares a pod's lifetime)",
                 (("Medium", "medium", ""), ("SizeLimit", "sizeLimit", "<unset>"))),
    "configMap": ("ConfigMap (a volume populated by a ConfigMap)",
                  (("Name", "name", ""), ("Optional", "optional", "false"))),
    "secret": ("Secret (a volume populated by a Secret)",
               (("SecretName", "secretName", ""), ("Optional", "optional", "false"))),
    "hostPath": ("HostPath (bare host directory volume)", (("Path", "path", ""), ("HostPathType", "type", ""))),
}


def volumes_section(volumes: list[dict[str, Any]]) -> RenderableType:
    """``Volumes:`` as kubectl describe pod prints it: per volume its Type and that type's fields
    (``data: Type: PersistentVolumeClaim ... ClaimName: data-db-0 ReadOnly: false``)."""
    table = grid()
    if not volumes:
        table.add_row("Volumes:", Text("<none>"))
        return table
    table.add_row("Volumes:", "")
    for volume in volumes:
        table.add_row(Text(f"{LEVEL}{volume.get('name')}:", style="bold cyan"), "")
        source = next((key for key in volume if key != "name"), "")
        described, fields = VOLUME_TYPES.get(source, (source[:1].upper() + source[1:], ()))
        table.add_row(f"{LEVEL * 2}Type:", Text(described))
        values = volume.get(source) or {}
        for label, key, default in fields:
            value = values.get(key, default)
            table.add_row(f"{LEVEL * 2}{label}:", Text(str(value).lower() if isinstance(value, bool) else str(value)))
    return table


def container_state(table: Table, label: str, state: dict[str, Any]) -> None:
    """kubectl's describeStatus: Running with Started; Waiting with its Reason; Terminated with Reason, Message,
    Exit Code, Signal, Started and Finished."""
    sub = LEVEL * 3
    if "running" in state:
        add_row(table, f"{LEVEL * 2}{label}", "Running")
        add_row(table, f"{sub}Started", when((state["running"] or {}).get("startedAt")))
    elif "terminated" in state:
        done = state["terminated"] or {}
        add_row(table, f"{LEVEL * 2}{label}", "Terminated", style="bold red" if done.get("exitCode") else "")
        add_row(table, f"{sub}Reason", done.get("reason"), style="bold yellow")
        add_row(table, f"{sub}Message", done.get("message"))
        add_row(table, f"{sub}Exit Code", str(done.get("exitCode", 0)))
        if done.get("signal"):
            add_row(table, f"{sub}Signal", str(done["signal"]))
        add_row(table, f"{sub}Started", when(done.get("startedAt")))
        add_row(table, f"{sub}Finished", when(done.get("finishedAt")))
    else:
        add_row(table, f"{LEVEL * 2}{label}", "Waiting")
        add_row(table, f"{sub}Reason", (state.get("waiting") or {}).get("reason"), style="bold yellow")


def when(value: str | None) -> Text | None:
    """A timestamp as kubectl describe prints it (RFC 1123, ``Mon, 07 Dec 2026 10:16:12 +0000``), then on the
    clock the header and the panes show, which the learner can find in the logs."""
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return Text(value)
    text = Text(stamp.strftime("%a, %d %b %Y %H:%M:%S %z"))
    seconds = parse_timestamp(value)
    if seconds is not None and seconds >= 0:
        text.append(f"  ⏱ {clock_time(seconds)}", style="dim")
    return text


def pod_limits(spec: dict[str, Any]) -> dict[str, int]:
    """kubectl's PodLimits: PodRequests' arithmetic (containers add up, init containers take the max) on limits."""
    def as_requests(container: dict[str, Any]) -> dict[str, Any]:
        return {**container, "resources": {"requests": (container.get("resources") or {}).get("limits") or {}}}

    return pod_requests({"containers": [as_requests(c) for c in spec.get("containers") or ()],
                         "initContainers": [as_requests(c) for c in spec.get("initContainers") or ()]})


def amount(resource: str, value: int, allocatable: int) -> str:
    """``450m (11%)``: the Quantity, then its share of the node's allocatable, cut to a whole percent as kubectl's
    int64() cuts it."""
    shown = format_cpu(value) if resource == "cpu" else format_memory(value)
    return f"{shown} ({int(value / allocatable * 100) if allocatable else 0}%)"


def node_resources(node: dict[str, Any], pods: list[dict[str, Any]], now: float | None) -> list[RenderableType]:
    """kubectl describe node's Non-terminated Pods and Allocated resources: what each pod requests and limits, and
    the sums the scheduler's NodeResourcesFit compares with allocatable (what to check when a pod does not fit)."""
    allocatable = (node.get("status") or {}).get("allocatable") or {}
    alloc = {name: quantity_value(name, value) for name, value in allocatable.items()}
    rows: list[list[str]] = []
    totals: dict[str, list[int]] = {}  # resource -> [requests, limits]
    for pod in pods:
        meta, spec = pod.get("metadata") or {}, pod.get("spec") or {}
        requests, limits = pod_requests(spec), pod_limits(spec)
        for name in set(requests) | set(limits):
            sums = totals.setdefault(name, [0, 0])
            sums[0] += requests.get(name, 0)
            sums[1] += limits.get(name, 0)
        created = parse_timestamp(meta.get("creationTimestamp"))
        rows.append([str(meta.get("namespace", "")), str(meta.get("name", "")),
                     *(amount(name, values.get(name, 0), alloc.get(name, 0))
                       for name in ("cpu", "memory") for values in (requests, limits)),
                     age(max(0.0, now - created)) if now is not None and created is not None else ""])
    resources = ["cpu", "memory", *sorted(name for name in alloc if name not in ("cpu", "memory", "pods"))]
    allocated = [[name, amount(name, totals.get(name, [0, 0])[0], alloc.get(name, 0)),
                  amount(name, totals.get(name, [0, 0])[1], alloc.get(name, 0))] for name in resources]
    heading = Text.assemble(("Non-terminated Pods:", "bold"), f"  ({len(pods)} in total)")
    headers = ("Namespace", "Name", "CPU Requests", "CPU Limits", "Memory Requests", "Memory Limits", "Age")
    return [heading, kubectl_table(headers, rows) if rows else Text(f"{LEVEL}none", style="dim"), Text(""),
            Text("Allocated resources:", style="bold"),
            Text(f"{LEVEL}(Total limits may be over 100 percent, i.e., overcommitted.)", style="dim"),
            kubectl_table(("Resource", "Requests", "Limits"), allocated)]


class Fitted:
    """The first of ``choices`` as wide as the width it is drawn at allows (else the last): a table with kubectl's
    one-line headings on a wide screen, two-line ones on a 100-column projector."""

    def __init__(self, *choices: RenderableType) -> None:
        self.choices = choices

    def _choice(self, console: Console, options: ConsoleOptions) -> RenderableType:
        unbounded = options.update(max_width=10_000)  # Measurement.get clamps what it says to the width it is given
        return next((choice for choice in self.choices
                     if Measurement.get(console, unbounded, choice).maximum <= options.max_width), self.choices[-1])

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._choice(console, options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self._choice(console, options))


def kubectl_table(headers: tuple[str, ...], rows: list[list[str]]) -> RenderableType:
    """A table as kubectl describe prints one: indented, headings over dashes, columns two spaces apart."""
    def table(heads: list[str]) -> RenderableType:
        grid = Table.grid(padding=(0, 2))
        for head in headers:  # a long pod name folds rather than lose its end
            grid.add_column(no_wrap=head != "Name", overflow="fold", min_width=12 if head == "Name" else None)
        grid.add_row(*(Text(head, style="bold") for head in heads))
        grid.add_row(*(Text("-" * max(map(len, head.split("\n"))), style="dim") for head in heads))
        for row in rows:
            grid.add_row(*row)
        return Padding(grid, (0, 0, 0, len(LEVEL)))

    return Fitted(table(list(headers)), table([head.replace(" ", "\n", 1) for head in headers]))


def last_seen(event: dict[str, Any], now: float | None) -> str:
    """When an Event was last seen, as kubectl says it (``12s``) and on the clock the header and the panes
    show (``00:01:02``). The timestamp itself is anchored to the wall clock, which no pane shows."""
    seen = parse_timestamp(event.get("lastTimestamp") or event.get("eventTime"))
    if seen is None:
        return ""
    ago = f"{age(max(0.0, now - seen))} ago  " if now is not None else ""
    return f"{ago}{clock_time(seen)}"


class DetailsScreen(ModalScreen[None]):
    # ←→ switch tabs from the focused content too (which scrolls with ↑↓); priority: a scroll view's own ←→
    # would scroll sideways instead
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "dismiss", "Close"),
        Binding("left", "tab(-1)", "Previous tab", show=False, priority=True),
        Binding("right", "tab(1)", "Next tab", show=False, priority=True),
    ]
    DEFAULT_CSS = """
    DetailsScreen { align: center middle; }
    DetailsScreen > TabbedContent { width: 95%; height: 90%; border: thick $accent; background: $surface; }
    DetailsScreen TabPane > VerticalScroll { padding: 0 1; }
    """

    def __init__(self, obj: dict[str, Any], events: list[dict[str, Any]],
                 decision: SchedulingDecision | None = None, now: float | None = None,
                 pods: list[dict[str, Any]] | None = None, claims: Sequence[ClaimState] = (),
                 reload: Callable[[], tuple[dict[str, Any] | None, list[dict[str, Any]], float]] | None = None) -> None:
        super().__init__()
        self.obj = obj
        self.events = events
        self.decision = decision
        self.now = now  # virtual seconds: events read as "12s ago" and on the panes' clock, not the wall's
        self.pods = pods or []  # a node's pods (its Non-terminated Pods and Allocated resources)
        self.claims = claims  # a pod's claims, for its Scheduling tab
        # the object as the UI's watch has it now, and its pods: the Describe and YAML tabs follow a scale, a
        # rollout, a status update while open (they stayed at "Replicas: 3" after a scale to 5)
        self.reload = reload
        self._shown = self._version(obj, self.pods)

    @property
    def syntax_theme(self) -> str:
        """YAML colours from the app theme's ANSI palette: Rich's default, monokai, wrote pale yellow strings
        and white token boxes on the light projector theme."""
        return "ansi_dark" if self.app.current_theme.dark else "ansi_light"

    def compose(self) -> ComposeResult:
        with TabbedContent() as tabs:
            tabs.border_subtitle = "esc closes · ←→ tabs · ↑↓ scroll"
            with TabPane("Describe"):
                yield VerticalScroll(Static(self._describe(), id="describe"))
            with TabPane("YAML"):
                yield VerticalScroll(Static(self._yaml(), id="yaml"))
            with TabPane(f"Events ({len(self.events)})"):
                table = self._events_table(self.app.size.width)
                yield VerticalScroll(Static(Group(self.events_title(), Text(""),
                                                  table if self.events else Text("No events.", style="dim"))))
            if self.decision is not None:
                with TabPane("Scheduling"):
                    yield VerticalScroll(Static(decision_renderable(self.decision, self.app.size.width, self.claims)))

    def _events_table(self, width: int) -> Table:
        """kubectl describe's Events. Narrower than 120 columns, TYPE and FROM give their room to the message (a
        Warning's reason is yellow), which otherwise wrapped every 20 characters at 100 columns."""
        wide = width >= 120
        table = Table(show_edge=False, expand=True)
        table.add_column("LAST SEEN", no_wrap=True)
        if wide:
            table.add_column("TYPE", no_wrap=True)
        table.add_column("REASON", no_wrap=True)
        if wide:
            table.add_column("FROM", no_wrap=True, overflow="ellipsis", max_width=28)
        table.add_column("MESSAGE", ratio=1)
        for event in self.events:
            warning = event.get("type") == "Warning"
            reason = Text(event.get("reason", ""), style="bold yellow" if warning else "")
            cells: list[Any] = [last_seen(event, self.now)]
            if wide:
                cells.append(event.get("type", ""))
            cells.append(reason)
            if wide:
                cells.append(str(event.get("source", {}).get("component", "")))
            cells.append(Text(event.get("message", "")))
            table.add_row(*cells)
        return table

    def _describe(self) -> RenderableType:
        meta = self.obj.get("metadata", {})
        title = f"{self.obj.get('kind', '')} {meta.get('namespace', '')}/{meta.get('name', '')}".replace(" /", " ")
        return Group(Text(title, style="bold"), Text(""), describe(self.obj, self.pods, self.now))

    def _yaml(self) -> RenderableType:
        text = yaml.safe_dump(self.obj, sort_keys=False, width=120)
        return Syntax(text, "yaml", theme=self.syntax_theme, word_wrap=True)

    @staticmethod
    def _version(obj: dict[str, Any], pods: list[dict[str, Any]]) -> tuple[Any, ...]:
        return (obj.get("metadata", {}).get("resourceVersion"),
                *((p.get("metadata") or {}).get("resourceVersion") for p in pods))

    def refresh_object(self) -> None:
        """Show the object as it is now, if it changed (and still exists: a deleted one stays as last seen)."""
        if self.reload is None:
            return
        obj, pods, now = self.reload()
        if obj is None:
            return
        version = self._version(obj, pods)
        if version == self._shown:
            return
        self._shown = version
        self.obj, self.pods, self.now = obj, pods, now
        self.query_one("#describe", Static).update(self._describe())
        self.query_one("#yaml", Static).update(self._yaml())

    def events_title(self) -> Text:
        """``Events of pod/web-abc`` (and its namespace): the table alone did not say whose events they are."""
        meta = self.obj.get("metadata", {})
        text = Text(f"Events of {str(self.obj.get('kind', '')).lower()}/{meta.get('name', '')}", style="bold")
        if meta.get("namespace"):
            text.append(f"  namespace {meta['namespace']}", style="dim")
        return text

    def on_mount(self) -> None:
        self._focus_content()
        if self.reload is not None:
            self.set_interval(0.5, self.refresh_object)

    @on(TabbedContent.TabActivated)
    def _focus_content(self) -> None:
        """Focus the shown tab's content, so ↑↓ PgUp PgDn Home End scroll it at once (the border says ↑↓ scroll);
        focused, the tabs took those keys and did nothing with them."""
        pane = self.query_one(TabbedContent).active_pane
        if pane is not None:
            pane.query_one(VerticalScroll).focus()

    def action_tab(self, delta: int) -> None:
        tabs = self.query_one(Tabs)
        if delta > 0:
            tabs.action_next_tab()
        else:
            tabs.action_previous_tab()
