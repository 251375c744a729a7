"""Workloads pane: Deployments -> ReplicaSets -> Pods, CronJobs -> Jobs -> Pods, DaemonSets, StatefulSets (with
how many of their claims are Bound), ReplicationControllers, and what no controller owns (ReplicaSets, Jobs, pods)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any, NamedTuple

from rich.text import Text

from kubetui.ui.format import (
    SYSTEM_NAMESPACES,
    Part,
    assemble,
    fit_middle,
    hpa_targets,
    pod_glyph,
    progress,
    status_style,
)
from kubetui.ui.panes.base import LinePane
from kubetui.ui.view import ClusterView, pod_status, ready_count, restarts

# Pod names are shortened in the middle down to this (web-…4sbhv: the start, and the random suffix that tells sibling
# pods apart) before a row leaves out a column: at 100 columns, "0/1 ContainerCreating  node-2" needs the room.
SQUEEZED_NAME = 10


class Row(NamedTuple):  # a tuple: a rebuild makes one per pod, a frozen dataclass costs ~4x more to make
    kind: str  # Deployment, ReplicaSet, DaemonSet, StatefulSet, CronJob, Job, ReplicationController, Pod
    namespace: str
    name: str
    depth: int
    last: bool = False
    trail: str = ""  # the ancestors' columns: "│  " under a parent that has siblings below it, else blanks
    image: str = ""  # a pod of a StatefulSet or DaemonSet whose pods run different revisions: its image(s)


def claims_summary(view: ClusterView, sts: dict[str, Any],
                   claim_names: dict[str, list[str]] | None = None) -> tuple[int, int, int] | None:
    """(claims Bound, claims the set's pods need, claims kept for ordinals the set no longer has): the claims are
    ``<template>-<set>-<n>`` for each template and ordinal, and outlive a scale-down (whenScaled: Retain, the
    default). ``claim_names``: the claims' names by namespace, listed once for all the sets."""
    spec = sts.get("spec") or {}
    templates = [str((t.get("metadata") or {}).get("name", "")) for t in spec.get("volumeClaimTemplates") or ()]
    if not templates:
        return None
    meta = sts["metadata"]
    namespace, name = meta.get("namespace", ""), meta["name"]
    start = int((spec.get("ordinals") or {}).get("start") or 0)
    wanted = [f"{t}-{name}-{n}" for t in templates for n in range(start, start + int(spec.get("replicas", 1)))]
    bound = 0
    for claim in wanted:
        pvc = view.get("persistentvolumeclaims", namespace, claim)
        bound += pvc is not None and (pvc.get("status") or {}).get("phase") == "Bound"
    if claim_names is None:
        claim_names = claims_by_namespace(view)
    prefixes = tuple(f"{t}-{name}-" for t in templates)
    needed = set(wanted)
    retained = sum(1 for claim in claim_names.get(namespace, ()) if claim.startswith(prefixes) and claim not in needed
                   and claim.rpartition("-")[2].isdigit())
    return bound, len(wanted), retained


def images(pod_spec: dict[str, Any]) -> str:
    return ", ".join(str(c.get("image", "")) for c in pod_spec.get("containers") or ())


def claims_by_namespace(view: ClusterView) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for pvc in view.list("persistentvolumeclaims"):
        meta = pvc["metadata"]
        names.setdefault(meta.get("namespace", ""), []).append(meta["name"])
    return names


def _newest_revision_first(obj: dict[str, Any]) -> tuple[int, str]:
    meta = obj["metadata"]
    return -int(meta.get("annotations", {}).get("deployment.kubernetes.io/revision", 0) or 0), meta["name"]


def _tail_widths(pod: dict[str, Any]) -> tuple[int, int]:
    """Cells of a pod's row after its name, as _pod_line writes them ("  1/1 Running  ↻1  node-2"), and without
    the ready count."""
    ready, total = ready_count(pod)
    count = restarts(pod)
    node = (pod.get("spec") or {}).get("nodeName")
    short = len(f"  {pod_status(pod)}") + (len(f"  ↻{count}") if count else 0) + (len(f"  {node}") if node else 0)
    return short + len(f"{ready}/{total} "), short


class WorkloadsPane(LinePane):
    pane_title = "Workloads"
    follow_tail = False
    selection_always_visible = True  # k r p c d / x + - act on it from any pane
    refresh_hz = 5  # a rebuild walks every pod (thousands in a big rollout); 5 a second is live enough
    keyed_renders = True  # a row's line depends on the row and its object's resourceVersion only

    def __init__(self, view: ClusterView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self._objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._name_column = 0  # where the pods' ready counts start: after the longest indent, glyph and name
        self._tails: tuple[tuple[int, int], ...] = ()  # what pod rows need after the name: see _tail_widths
        self._tail_cache: dict[tuple[str, str, Any], tuple[int, int]] = {}  # by pod and resourceVersion
        self._floor_column = 0  # the column the longest indent and a name shortened to SQUEEZED_NAME reach
        self._claims: dict[tuple[str, str], tuple[int, int, int] | None] = {}  # StatefulSet -> claims_summary
        self._hpas: dict[tuple[str, Any, Any], dict[str, Any]] = {}  # (namespace, kind, name) -> its autoscaler

    def source_version(self) -> Any:
        return self.view.version

    def items(self) -> Sequence[Any]:
        view = self.view
        self._objects = {}
        sets = view.list("statefulsets")
        names = claims_by_namespace(view) if sets else {}
        self._claims = {(s["metadata"].get("namespace", ""), s["metadata"]["name"]): claims_summary(view, s, names)
                        for s in sets}
        self._hpas = {(h["metadata"].get("namespace", ""), (h.get("spec") or {}).get("scaleTargetRef", {}).get("kind"),
                       (h.get("spec") or {}).get("scaleTargetRef", {}).get("name")): h
                      for h in view.list("horizontalpodautoscalers")}
        children: dict[str, list[dict[str, Any]]] = {}
        for resource in ("replicasets", "jobs", "pods"):
            for obj in view.list(resource):
                for ref in obj.get("metadata", {}).get("ownerReferences") or []:
                    if ref.get("controller"):
                        children.setdefault(ref.get("uid", ""), []).append(obj)
        rows: list[Row] = []
        add = partial(self._add_subtree, rows, children)
        system: list[tuple[dict[str, Any], str]] = []  # the cluster's own (CoreDNS), after the user's: DNS is a
        for resource, kind in (("deployments", "Deployment"), ("statefulsets", "StatefulSet"),  # Deployment too
                               ("daemonsets", "DaemonSet"), ("cronjobs", "CronJob"),
                               ("replicationcontrollers", "ReplicationController")):
            for obj in view.list(resource):
                if obj["metadata"].get("namespace") not in SYSTEM_NAMESPACES:
                    add(obj, kind, 0)
                else:
                    system.append((obj, kind))
        for resource, kind in (("replicasets", "ReplicaSet"), ("jobs", "Job"), ("pods", "Pod")):  # no controller
            for obj in view.list(resource):
                meta = obj["metadata"]
                if not any(r.get("controller") for r in meta.get("ownerReferences") or []):
                    if meta.get("namespace") not in SYSTEM_NAMESPACES:
                        add(obj, kind, 0)
                    else:
                        system.append((obj, kind))
        for obj, kind in system:
            add(obj, kind, 0)
        pods = [row for row in rows if row.kind == "Pod"]
        self._name_column = max((len(row.trail) + (3 if row.depth else 0) + 2 + len(row.name) for row in pods),
                                default=0)
        self._floor_column = max((len(row.trail) + (3 if row.depth else 0) + 2 + min(len(row.name), SQUEEZED_NAME)
                                  for row in pods), default=0)
        self._tails = tuple(sorted({self._tail_of(row) for row in pods}))
        if len(self._tail_cache) > 2 * len(pods) + 100:
            self._tail_cache = {}
        return rows

    def _tail_of(self, row: Row) -> tuple[int, int]:
        """_tail_widths of a pod, once per version of it (a rebuild walks thousands of pods in a big rollout)."""
        pod = self._objects[("Pod", row.namespace, row.name)]
        key = (row.namespace, row.name, pod["metadata"].get("resourceVersion"))
        tails = self._tail_cache.get(key)
        if tails is None:
            tails = self._tail_cache[key] = _tail_widths(pod)
        return tails

    def _add_subtree(self, rows: list[Row], children: dict[str, list[dict[str, Any]]], obj: dict[str, Any],
                     kind: str, depth: int, last: bool = False, trail: str = "") -> None:
        """One object's row, then its owned objects' (newest revision first); a method, not a nested
        function calling itself, which would be a reference cycle left for the garbage collector."""
        meta = obj["metadata"]
        namespace = meta.get("namespace", "")
        self._objects[(kind, namespace, meta["name"])] = obj
        rows.append(Row(kind, namespace, meta["name"], depth, last, trail))
        kids = children.get(meta.get("uid", ""))
        if not kids:
            return
        below = trail + ("" if depth == 0 else "   " if last else "│  ")
        kids.sort(key=_newest_revision_first)
        final = len(kids) - 1
        objects = self._objects
        # A StatefulSet's or DaemonSet's pods of different revisions (a rollout, a partition, an undo) say which
        # runs what: the set has no ReplicaSet rows to tell them apart.
        mixed = kind in ("StatefulSet", "DaemonSet") and len(
            {(k["metadata"].get("labels") or {}).get("controller-revision-hash") for k in kids}) > 1
        for index, child in enumerate(kids):
            child_kind = child.get("kind", "Pod")
            if child_kind == "Pod":  # a leaf: no call of its own (a rollout's tree is mostly pods)
                child_meta = child["metadata"]
                child_ns = child_meta.get("namespace", "")
                objects[("Pod", child_ns, child_meta["name"])] = child
                rows.append(Row("Pod", child_ns, child_meta["name"], depth + 1, index == final, below,
                                images(child.get("spec") or {}) if mixed else ""))
            else:
                self._add_subtree(rows, children, child, child_kind, depth + 1, index == final, below)

    def scroll_to_region_y(self, index: int) -> None:
        """Bring the selected workload's tree into view with it, not only its row: scaled with + at the foot of the
        pane, its new pods showed nowhere; its own row stays in view if the tree is taller than the pane."""
        items = self._items
        last = index
        if 0 <= index < len(items) and isinstance(items[index], Row):
            depth = items[index].depth
            while last + 1 < len(items) and isinstance(items[last + 1], Row) and items[last + 1].depth > depth:
                last += 1
        super().scroll_to_region_y(last)
        super().scroll_to_region_y(index)

    def item_key(self, item: Row) -> Any:
        return (item.kind, item.namespace, item.name)

    def render_key(self, item: Row) -> Any:
        obj = self._objects.get((item.kind, item.namespace, item.name))
        claims = self._claims.get((item.namespace, item.name)) if item.kind == "StatefulSet" else None
        hpa = self._hpas.get((item.namespace, item.kind, item.name))
        return item, None if obj is None else obj["metadata"].get("resourceVersion"), self._name_column, \
            self._tails, self._floor_column, claims, None if hpa is None else hpa["metadata"].get("resourceVersion")

    def item_text(self, item: Row) -> str:
        return f"{item.kind} {item.namespace}/{item.name}"

    def object_of(self, item: Row | None) -> dict[str, Any] | None:
        return None if item is None else self._objects.get((item.kind, item.namespace, item.name))

    def _pod_line(self, item: Row, obj: dict[str, Any], indent: str, width: int) -> Text:
        """A pod's row, its columns where the other pods' are: the ready count starts at one column for all,
        after the longest name, and where the pane is too narrow for that every name is shortened in the middle
        alike (web-5496…cmddm), down to SQUEEZED_NAME, so that the longest row on screen (a long status, restarts)
        keeps its node. A row that still does not fit leaves out, in this order: "(unscheduled)", the ready count
        (the glyph says ready or not), the node; one that would not fit even so (a bare pod's short name padded to
        the column, then "0/1 CrashLoopBackOff  ↻6") gives up the alignment before the ready count and the node:
        where a pod runs is what a demo points at."""
        glyph, style = pod_glyph(obj)
        state = pod_status(obj)
        ready, total = ready_count(obj)
        count = restarts(obj)
        node = (obj.get("spec") or {}).get("nodeName")
        room = self._name_room(len(indent), width)
        name = fit_middle(item.name, room)
        aligned = len(indent) + 2 + room + self._tail_of(item)[1] <= width  # fits there without its ready count
        parts: list[Part] = [(indent, "dim", 0), (f"{glyph} ", style, 0), (name, "", 0),
                             (" " * max(0, room - len(name)), "", 1 if aligned else 3), ("  ", "", 0),
                             (f"{ready}/{total} ", "dim", 3 if aligned else 2), (state, status_style(state), 0)]
        if count:
            parts.append((f"  ↻{count}", "yellow", 0))
        parts.append((f"  {node}", "dim", 2 if aligned else 1) if node else ("  (unscheduled)", "dim", 4))
        if item.image:
            parts.append((f"  {item.image}", "magenta", 5))
        return assemble(parts, width, shrink=2)

    def _name_room(self, indent: int, width: int) -> int:
        """Room for a pod's name after an indent of ``indent`` cells: up to the ready-count column, which comes
        after the longest name, or earlier where that leaves no room for the longest pod row's rest with its node
        ("  1/1 Running  ↻1  node-2", or without its ready count "  ContainerCreating  node-2"); never before the
        deepest pod's glyph and SQUEEZED_NAME characters, so that every pod's row keeps that column. A row that
        cannot keep its node even then (CrashLoopBackOff with restarts) does not shorten the others' names."""
        room = width - self._floor_column
        tail = max((full if full <= room else short if short <= room else 0 for full, short in self._tails), default=0)
        return max(min(self._name_column, width - tail), self._floor_column) - indent - 2

    def render_item(self, item: Row, width: int) -> Text:
        obj = self._objects.get((item.kind, item.namespace, item.name), {})
        line = Text(no_wrap=True)
        indent = item.trail + ("└─ " if item.last else "├─ ") if item.depth else ""
        spec, status = obj.get("spec", {}), obj.get("status", {})
        if item.kind == "Pod":
            return self._pod_line(item, obj, indent, width)
        line.append(indent, style="dim")
        short = {"Deployment": "deploy", "ReplicaSet": "rs", "StatefulSet": "sts", "DaemonSet": "ds", "Job": "job",
                 "CronJob": "cj", "ReplicationController": "rc"}
        line.append(f"{short.get(item.kind, item.kind)}/", style="dim")
        line.append(item.name, style="bold")
        if item.namespace != "default":
            line.append(f" -n {item.namespace}", style="dim")
        if item.kind == "CronJob":
            active = len(status.get("active") or ())
            line.append(f"  {spec.get('schedule', '')}", style="")
            if spec.get("suspend") is True:
                line.append("  suspended", style="yellow")
            line.append(f"  {active} active", style="green" if active else "dim")
            if spec.get("timeZone"):
                line.append(f"  {spec['timeZone']}", style="dim")
            return line
        if item.kind == "DaemonSet":
            want, ready = status.get("desiredNumberScheduled", 0), status.get("numberReady", 0)
            updated = status.get("updatedNumberScheduled", 0)
        elif item.kind == "Job":
            want = spec.get("completions", 1) or 1
            ready, updated = status.get("succeeded", 0), status.get("succeeded", 0)
        else:
            want = spec.get("replicas", 1)
            ready = status.get("readyReplicas", 0)
            updated = status.get("updatedReplicas", want) if item.kind in ("Deployment", "StatefulSet") else \
                status.get("replicas", 0)
        label = "done" if item.kind == "Job" else "ready"
        line.append(f"  {ready}/{want} {label}", style="green" if ready >= want else "yellow")
        if item.kind in ("ReplicaSet", "ReplicationController"):
            revision = obj.get("metadata", {}).get("annotations", {}).get("deployment.kubernetes.io/revision")
            image = ", ".join(c.get("image", "") for c in spec.get("template", {}).get("spec", {}).get(
                "containers", []))
            if revision and line.cell_len + len(f"  rev {revision}  {image}") <= width:
                line.append(f"  rev {revision}", style="dim")
            line.append(f"  {image}", style="dim")
        elif item.kind in ("Deployment", "DaemonSet", "StatefulSet"):
            if width > 60:
                line.append("  ")
                line.append_text(progress(updated, max(want, 1), 10))
                line.append(f" {updated}/{want} updated", style="dim")
            elif item.kind == "StatefulSet" and status.get("updateRevision", "") != status.get(
                    "currentRevision", ""):  # a narrow pane: no bar, the count while a rollout is under way
                line.append(f"  {updated}/{want} updated", style="cyan")
            for cond in status.get("conditions") or []:
                if cond.get("reason") == "ProgressDeadlineExceeded":
                    line.append("  ProgressDeadlineExceeded", style="bold red")
            partition = int(((spec.get("updateStrategy") or {}).get("rollingUpdate") or {}).get("partition") or 0)
            if item.kind == "StatefulSet" and partition:  # ordinals below it keep the old revision
                line.append(f"  partition {partition}", style="bold yellow")
        if item.kind == "StatefulSet":
            claims = self._claims.get((item.namespace, item.name))
            if claims is not None:
                line.append(f"  {claims[0]}/{claims[1]} pvc Bound", style="green" if claims[0] >= claims[1]
                            else "yellow")
                if claims[2]:  # a scale-down keeps the claims: scaled up again, the pods get their data back
                    line.append(f" (+{claims[2]} retained)", style="dim")
        hpa = self._hpas.get((item.namespace, item.kind, item.name))
        if hpa is not None:  # its autoscaler: bounds (where there is room), then each metric as current/target
            hpa_spec = hpa.get("spec") or {}
            targets = hpa_targets(hpa)
            hpa_status = hpa.get("status") or {}
            # a lower recommendation waits out the scale-down stabilization window (at minReplicas it has nowhere
            # to go, though Go says ScaleDownStabilized there too)
            held = any(c.get("reason") == "ScaleDownStabilized" for c in hpa_status.get("conditions") or ()) and \
                int(hpa_status.get("currentReplicas") or 0) > int(hpa_spec.get("minReplicas") or 1)
            bounds = f" {hpa_spec.get('minReplicas', 1)}-{hpa_spec.get('maxReplicas', '?')}"
            room = width - line.cell_len - len("  hpa") - sum(len(text) + 1 for text, _ in targets) - 7 * held
            if room < 0 and len(targets) == 1:  # short of room: "250%/50%" without its resource's name
                targets = [(targets[0][0].split(" ", 1)[-1], targets[0][1])]
            line.append("  hpa" + (bounds if len(bounds) <= room else ""), style="cyan")
            for text, style in targets:
                line.append(f" {text}", style=style)
            if held:  # the arrow alone where the word would be cut (100 columns, ten pods)
                line.append(" ↓held" if width - line.cell_len >= 6 else " ↓", style="yellow")
        if item.kind in ("DaemonSet", "StatefulSet"):  # a rollout undo shows as the image changing back
            line.append(f"  {images((spec.get('template') or {}).get('spec') or {})}", style="dim")
        elif item.kind == "Job":
            true = [c.get("type") for c in status.get("conditions") or [] if c.get("status") == "True"]
            # kubectl get jobs' STATUS: a final condition wins over the verdict that led to it
            final = [t for t in true if t in ("Complete", "Failed")] or [
                t for t in true if t in ("Suspended", "FailureTarget", "SuccessCriteriaMet")]
            for ctype in final[:1]:
                line.append(f"  {ctype}", style=status_style(
                    "Complete" if ctype in ("Complete", "SuccessCriteriaMet") else "Failed"))
        return line
