"""Reconciliation pane: controllers' reconcile records, Kubernetes Events, kubelet activity and faults."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from kubetui.sim.trace import Chaos, ManifestStatus, NodeActivity, Reconcile
from kubetui.ui.format import (
    NAME_FLOOR,
    about_system,
    clock_time,
    fit,
    fit_error,
    fit_middle,
    manifest_summary,
    short_controller,
    without_default_ns,
)
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
        """The activity, an Event seen again (WaitForFirstConsumer every 15 s) on one line with its count, as
        kubectl get events lists it, where it was last seen."""
        if not self.view.events_repeated:
            return list(self.view.activity)
        superseded = self.view.superseded
        return [item for item in self.view.activity if not superseded(item)]

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
            reason = f"{item.reason:<{reason_width}} "
            head = f"{short_object(item.object)}: "
            message = item.message
            count = f" (x{item.count})" if item.count > 1 else ""
            if item.reason == "FailedScheduling":  # every reason in view, not the first ones Kubernetes sorts
                # what gives way to the reasons, in turn: the count, then (narrow) the Event's reason, which the
                # ⚠ and "0/4:" say; the filter and Enter keep them all
                forms = ((reason, count), (reason, ""), ("" if not roomy else reason, ""))
                for reason, count in forms:  # the last form tried is the one shown
                    room = width - line.cell_len - cell_len(reason + head + count)
                    message = fit_error(item.message, room)
                    if cell_len(message) <= room:
                        break
            if reason:
                line.append(reason, style="bold yellow" if warning else "bold blue")
            line.append(head, style="bold")
            line.append(message, style="yellow" if warning else "")
            if count:
                line.append(count, style="dim")
        elif isinstance(item, Reconcile):
            line.append("⟳ ", style="magenta")
            kind, _, key = item.object.partition(" ")
            controller = item.controller if wide else short_controller(item.controller)
            if roomy:
                width_c = 24 if wide else 14
                line.append(f"{controller:<{width_c}} ", style="magenta")
            elif key and controller == kind.lower():  # "replicaset ReplicaSet web-…" says it twice
                controller = ""
            else:
                line.append(f"{controller} ", style="magenta")
            if not key:
                line.append(f"{item.object} ", style="bold")
            else:
                namespace, _, name = key.rpartition("/")
                if not roomy and namespace == "default":  # kubectl's habit: the default namespace goes unsaid
                    namespace = ""
                line.append_text(object_text(kind, namespace, name, width - line.cell_len - cell_len(
                    core_action(item.action)), bold_kind=not controller))
            line.append_text(reconcile_outcome(item, width - line.cell_len))
        elif isinstance(item, NodeActivity):
            line.append("▸ ", style="cyan")
            nodes = item.node.split(",")  # several nodes' identical lines, merged by the view
            if len(nodes) > 1:
                who = f"{item.component} on {len(nodes)} nodes" if roomy else f"{len(nodes)} nodes"
            else:
                # narrow, the node alone, but kube-proxy's lines name a pod on another node (where it sent the packet)
                who = f"{item.component}/{item.node}" if roomy else (
                    f"proxy/{item.node}" if item.component == "kube-proxy" else item.node)
            line.append(f"{who} ", style="cyan")
            pod = item.pod if roomy else without_default_ns(item.pod)
            suffix = f"/{item.container}" if item.container else ""
            what = f"{item.what} {item.detail}".strip()
            # what happened stays in view: the pod's name gives way first (its namespace, then its middle,
            # coredns-…hhwjl), keeping the verb and the start of the detail (":80 GET / → 200", "exited Error")
            room = width - line.cell_len - len(suffix) - 1 - min(len(what), len(item.what) + 14)
            if pod and len(pod) > room:
                pod = fit_middle(pod.rpartition("/")[2], max(room, NAME_FLOOR))
            target = f"{pod}{suffix}"
            if target:
                line.append(f"{target} ", style="bold")
            line.append(what)
        elif isinstance(item, Chaos):
            line.append("⚡ ", style="bold red")
            line.append(f"{item.action} {item.target} {item.detail}".strip(), style="bold red")
        elif isinstance(item, ManifestStatus):
            line.append("✎ " if item.ok else "✖ ", style="green" if item.ok else "bold red")
            line.append(manifest_summary(item), style="" if item.ok else "bold red")
        else:
            line.append(str(item))
        if about_system(item):
            line.stylize("dim")
        return line

    def item_text(self, item: Any) -> str:
        return self.render_item(item, 10_000).plain  # wide enough for the exact messages


def core_action(action: str) -> str:
    """What a controller did, without its verbose tail: "record revision 1 (db-5745db85b9); create db-0; ..." ->
    "record revision 1"; "+1/-0 endpoints: create 0, update 1, ..." -> "+1/-0 endpoints"."""
    cut = min((i for i in (action.find(" ("), action.find(";"), action.find(":"), action.find(", ")) if i > 0),
              default=len(action))
    return action[:cut]


def short_object(obj: str) -> str:
    """An Event's ``kind/name`` with a kind of 20 letters or more as kubectl abbreviates it (hpa/web, pvc/data-db-0,
    rc/legacy): such a kind is longer than most names, and pushes the message out of view."""
    kind, slash, name = obj.partition("/")
    short = SHORT_EVENT_KINDS.get(kind) if slash else None
    return f"{short}/{name}" if short else obj


SHORT_KINDS = {"HorizontalPodAutoscaler": "hpa", "PersistentVolumeClaim": "pvc", "PersistentVolume": "pv",
               "StatefulSet": "sts", "ReplicaSet": "rs",
               "DaemonSet": "ds", "Deployment": "deploy", "ReplicationController": "rc", "CronJob": "cj",
               "Namespace": "ns", "Service": "svc", "ControllerRevision": "controllerrevision"}
SHORT_EVENT_KINDS = {kind.lower(): short for kind, short in SHORT_KINDS.items() if len(kind) >= 20}
LONG_NAME = 24  # names up to this stay whole; a longer one (a PersistentVolume's pvc-<uid>) may lose its middle
NAME_LEAST = 16


def object_text(kind: str, namespace: str, name: str, room: int, bold_kind: bool = False) -> Text:
    """``Kind ns/name `` for a reconcile line, within ``room`` cells if it can be while staying readable: the kind
    as kubectl abbreviates it (PersistentVolumeClaim -> pvc), then the namespace, then a long generated name's end
    (pvc-0492c4f5-39b…: its start is its claim's uid); never the name below that: the action after it is cut at its
    end instead."""
    key = f"{namespace}/{name}" if namespace else name
    text = f"{kind} {key} "
    if cell_len(text) > room:
        kind = SHORT_KINDS.get(kind, kind)
        text = f"{kind} {key} "
        if cell_len(text) > room and namespace:  # then the namespace: "svc kube-dns create endpoints" reads whole
            namespace, key = "", name
            text = f"{kind} {key} "
        if cell_len(text) > room and len(name) > LONG_NAME:
            name = fit(name, max(NAME_LEAST, len(name) - (cell_len(text) - room)))
            key = f"{namespace}/{name}" if namespace else name
    line = Text(no_wrap=True)
    line.append(f"{kind} ", style="bold magenta" if bold_kind else "bold")
    line.append(f"{key} ", style="bold")
    return line


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
    if cell_len(context + action) > room:  # the verbose tail goes, with a mark that it went
        action = action[:room - 1] + "…" if room > 1 else ""
    return Text.assemble((context, "dim"), action, no_wrap=True)
