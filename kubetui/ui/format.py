"""Formatting shared by the panes: virtual time, status colours, bars and glyphs."""

from __future__ import annotations

import re
from typing import Any

from rich.cells import cell_len
from rich.text import Text

from kubetui.sim.trace import ManifestStatus
from kubetui.ui.view import pod_status

# The cluster's own namespaces: what runs there (CoreDNS) is the platform, not the user's workloads; the panes show it
# after them, and the header counts the user's pods only, as `kubectl get pods` lists them.
SYSTEM_NAMESPACES = ("kube-system", "kube-public", "kube-node-lease")


def is_system(obj: dict[str, Any]) -> bool:
    return (obj.get("metadata") or {}).get("namespace") in SYSTEM_NAMESPACES


def about_system(record: Any) -> bool:
    """Is a pane's line about the cluster's own objects (CoreDNS's pods, the kube-dns Service)? Those lines are dim,
    as those pods are on the node cards: the audience's eye goes to the app's lines first."""
    key = getattr(record, "key", "") or getattr(record, "pod", "")
    key = key or str(getattr(record, "object", "")).partition(" ")[2]  # a Reconcile's "Service kube-system/kube-dns"
    namespace, slash, _ = str(key).partition("/")
    return bool(slash) and namespace in SYSTEM_NAMESPACES


def printable(text: str) -> str:
    """``text`` with its control characters escaped as Python writes them (``\\x1b``, ``\\n``): a file named
    ``esc\\x1b[31mred.yaml`` or ``new\\nline.yaml`` broke the line it was shown on."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def manifest_summary(record: ManifestStatus) -> str:
    """A manifest status as ``file:line:column: message``, every control character in it escaped."""
    return printable(record.summary())


def clock_time(seconds: float) -> str:
    """Virtual time since the cluster started, as HH:MM:SS."""
    s = int(seconds)
    return f"{s // 3600:02}:{s % 3600 // 60:02}:{s % 60:02}"


def age(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    s = int(seconds)
    if s < 120:
        return f"{s}s"
    if s < 7200:
        return f"{s // 60}m"
    return f"{s // 3600}h"


def code_style(code: int) -> str:
    if code < 300:
        return "green"
    if code < 500:
        return "bold yellow"
    return "bold red"


def bar(used: float, total: float, width: int) -> Text:
    """A horizontal usage bar: green, then yellow past 70 %, red past 90 %."""
    fraction = 0.0 if total <= 0 else min(1.0, used / total)
    filled = round(fraction * width)
    colour = "green" if fraction < 0.7 else "yellow" if fraction < 0.9 else "red"
    text = Text()
    text.append("█" * filled, style=colour)
    text.append("░" * (width - filled), style="dim")
    return text


def progress(done: float, total: float, width: int) -> Text:
    """A progress bar (rollouts): the more the better, so it fills in green."""
    fraction = 0.0 if total <= 0 else min(1.0, done / total)
    filled = round(fraction * width)
    text = Text()
    text.append("█" * filled, style="green" if fraction >= 1 else "cyan")
    text.append("░" * (width - filled), style="dim")
    return text


GLYPH_ORDER = ("●", "◐", "◌", "✖", "✔")  # the help legend's order: ready, not ready, waiting, crashing, completed
FAILED_STATUSES = frozenset({"CrashLoopBackOff", "Error", "OOMKilled", "ErrImagePull", "ImagePullBackOff", "Failed",
                             "Evicted", "OutOfcpu", "OutOfmemory", "ContainerStatusUnknown", "CreateContainerError",
                             "CreateContainerConfigError", "InvalidImageName", "RunContainerError"})


def pod_glyph(pod: dict[str, Any]) -> tuple[str, str]:
    """A pod's glyph and style, as the help screen's legend describes them, from its kubectl STATUS."""
    status = pod_status(pod)
    statuses = pod.get("status", {}).get("containerStatuses") or []
    if status in ("Terminating", "Unknown"):  # being deleted (a finished pod being deleted stays Completed)
        return "◌", "dim strike"
    if status in ("Completed", "Succeeded"):
        return "✔", "dim green"
    failure = status.removeprefix("Init:")  # Init:CrashLoopBackOff, Init:ExitCode:1: an init container failing
    if failure in FAILED_STATUSES or failure.startswith(("Err", "ExitCode:", "Signal:")):
        return "✖", "bold red"
    if status == "NotReady":  # running containers, the pod's Ready condition False (kubectl 1.32)
        return "◐", "yellow"
    if status == "Running":
        # the Ready condition is what Services follow: the node lifecycle controller sets it False on
        # an unreachable node's pods and leaves their container statuses as the kubelet last wrote them
        conditions = pod.get("status", {}).get("conditions") or []
        not_ready = any(c.get("type") == "Ready" and c.get("status") == "False" for c in conditions)
        if statuses and all(cs.get("ready") for cs in statuses) and not not_ready:
            return "●", "green"
        return "◐", "yellow"
    return "◌", "cyan"


def status_style(status: str) -> str:
    if status in ("Running", "Ready", "Completed", "Succeeded", "Complete"):
        return "green"
    if status == "NotReady":
        return "yellow"
    if status in ("Pending", "ContainerCreating", "PodInitializing", "Terminating") or status.startswith("Init:"):
        return "cyan"
    return "bold red"


def cpu_text(millis: int) -> str:
    """CPU in cores, one unit for every figure (450m next to 0.4 read as two units): 450m -> 0.45, 125m ->
    0.125, 3900m -> 3.9; at most five cells below 100 cores."""
    if millis >= 10_000:
        return f"{millis / 1000:.1f}".rstrip("0").rstrip(".")
    return f"{millis / 1000:.3f}".rstrip("0").rstrip(".")


def mem_text(num: int) -> str:
    gib = num / 2**30
    if gib >= 1:
        return f"{gib:.1f}Gi"
    return f"{num / 2**20:.0f}Mi"


def fit(text: str, width: int) -> str:
    """Shorten at the end, so what is left reads as the start of the word: web-5496f4f979-h4l25 -> web-5496f4…"""
    if len(text) <= width:
        return text
    if width <= 1:
        return text[:width]
    return f"{text[:width - 1]}…"


# kube-controller-manager's controllers by the names of its --controllers flag
CONTROLLERS = {
    "deployment-controller": "deployment", "replicaset-controller": "replicaset",
    "statefulset-controller": "statefulset", "daemonset-controller": "daemonset", "job-controller": "job",
    "endpoint-controller": "endpoint", "endpointslice-controller": "endpointslice",
    "namespace-controller": "namespace", "node-lifecycle-controller": "nodelifecycle",
    "taint-eviction-controller": "taint-eviction", "garbage-collector": "garbagecollector",
    "pod-garbage-collector": "podgc", "horizontal-pod-autoscaler": "hpa",
}
CLIENTS = {"kube-controller-manager": "kcm", "system:apiserver": "apiserver", "kube-scheduler": "scheduler",
           "metrics-server": "metrics",
           "kubetui-ui": "kubetui", "kubetui-tour": "tour"}


def short_controller(name: str) -> str:
    """A controller by its kube-controller-manager name: endpointslice-controller -> endpointslice."""
    return CONTROLLERS.get(name, name.removesuffix("-controller"))


def client_forms(who: str) -> list[str]:
    """Shorter and shorter forms of a client identity (not including the identity itself)."""
    if who in CONTROLLERS or who.endswith("-controller"):
        return [f"kcm/{short_controller(who)}", short_controller(who)]
    if who.startswith("kube-proxy/"):
        return ["proxy/" + who.removeprefix("kube-proxy/")]
    return [CLIENTS.get(who, who)]


def client_name(who: str, width: int) -> str:
    """A client identity in at most ``width`` cells: in full when it fits, else its short form
    (kube-controller-manager -> kcm, replicaset-controller -> kcm/replicaset or replicaset,
    kube-proxy/node-1 -> proxy/node-1), cut at the end only as a last resort."""
    if len(who) <= width:
        return who
    forms = client_forms(who)
    for form in forms:
        if len(form) <= width:
            return form
    return fit(forms[-1], width)


# kubectl's short names (kind's for metrics), for resources too long for a narrow column
RESOURCES = {
    "deployments": "deploy", "replicasets": "rs", "statefulsets": "sts", "daemonsets": "ds",
    "poddisruptionbudgets": "pdb", "priorityclasses": "pc", "persistentvolumeclaims": "pvc",
    "persistentvolumes": "pv", "serviceaccounts": "sa", "configmaps": "cm", "namespaces": "ns",
    "horizontalpodautoscalers": "hpa", "customresourcedefinitions": "crd", "networkpolicies": "netpol",
    "storageclasses": "sc", "ingresses": "ing", "certificatesigningrequests": "csr", "replicationcontrollers": "rc",
    "pods.metrics.k8s.io": "podmetrics", "nodes.metrics.k8s.io": "nodemetrics",
    "controllerrevisions": "revisions",  # kubectl has no short name for them
}


def resource_name(resource: str, subresource: str, width: int) -> str:
    """resource[/subresource] in full when it fits in ``width``, else with kubectl's short name."""
    full = f"{resource}/{subresource}" if subresource else resource
    if len(full) <= width:
        return full
    short = RESOURCES.get(resource, resource)
    return f"{short}/{subresource}" if subresource else short


def without_default_ns(key: str) -> str:
    """default/web-1 -> web-1 (kubectl's own habit); other namespaces stay."""
    return key.removeprefix("default/")


Part = tuple[str, str, int]  # text, style, priority: 0 always shown; the highest number goes first


NAME_FLOOR = 14  # a generated name is shortened to no less than this before a line drops a column for it


def fit_middle(text: str, width: int, least: int = 8) -> str:
    """Shorten in the middle, keeping the start and the unique end whole: a generated pod name's random
    suffix (web-5496f4f979-cmddm -> web-5496…cmddm), which tells sibling pods apart. Never below ``least``
    characters (then it is left to the end of the line to be cut)."""
    width = max(width, least)
    if len(text) <= width:
        return text
    namespace, slash, name = text.rpartition("/")
    if slash and " " not in text:  # ns/name: the namespace goes first if the name then fits whole, else the name
        room = width - len(namespace) - 1  # shortens after it, down to ``least`` (coredns-…hhwjl, not kube-sys…hhwjl)
        if len(name) > width and room >= least:
            return f"{namespace}/{fit_middle(name, room, least)}"
        return fit_middle(name, width, least)
    suffix = text.rpartition("-")[2]
    tail = len(suffix) if "-" in text and 0 < len(suffix) <= width // 2 else (width - 1) // 2
    return f"{text[:width - 1 - tail]}…{text[len(text) - tail:]}"


def assemble(parts: list[Part], width: int, shrink: int | None = None, floor: int | None = None) -> Text:
    """A line from parts, dropping whole optional parts (highest priority number first, later ones
    first among equals) until it fits, rather than cutting words in the middle. If it still does not
    fit, part ``shrink`` (a name) is shortened in the middle, so the words after it stay whole. With
    ``floor``, the name is first shortened down to ``floor`` characters before any part is dropped: a long
    generated name then costs its middle, not a column the other lines show (a count, a node)."""
    parts = [*parts]
    total = sum(cell_len(text) for text, _, _ in parts)
    if total > width and shrink is not None and floor is not None:
        text, style, priority = parts[shrink]
        shorter = fit_middle(text, max(floor, len(text) - (total - width)))
        parts[shrink] = (shorter, style, priority)
        total -= len(text) - len(shorter)
    keep = list(range(len(parts)))
    optional = sorted((i for i, part in enumerate(parts) if part[2] > 0), key=lambda i: (parts[i][2], i))
    while total > width and optional:
        index = optional.pop()
        keep.remove(index)
        total -= cell_len(parts[index][0])
    if total > width and shrink is not None:
        text, style, priority = parts[shrink]
        parts[shrink] = (fit_middle(text, len(text) - (total - width)), style, priority)
    line = Text(no_wrap=True)
    for index in keep:
        text, style, _ = parts[index]
        line.append(text, style=style)
    return line


_FIT_ERROR = re.compile(r"^(\d+/\d+) nodes are available: (.*?)\.(?= |$)(.*)$", re.S)


def _reasons(text: str) -> list[tuple[int, str]]:
    """ "1 node(s) had untolerated taint {a: b}, 2 Insufficient cpu" -> [(1, "node(s) had ..."), (2, ...)];
    a pre-filter message without counts ("pod has unbound immediate PersistentVolumeClaims") gives count 0."""
    items: list[tuple[int, str]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text + ","):  # split on ", " outside braces (a taint {key: value})
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(0, depth - 1)
        elif ch == "," and depth == 0 and (i == len(text) or text[i + 1:i + 2] == " "):
            piece = text[start:i].strip()
            start = i + 1
            count, _, rest = piece.partition(" ")
            items.append((int(count), rest) if count.isdigit() and rest else (0, piece))
    return [item for item in items if item[1]]


_LEFT_OUT = re.compile(r"didn't satisfy plugin\(s\) \[(.*)\]$")  # the nodes a PreFilter narrowing left out


def _short_reason(reason: str, merged: bool) -> str:
    reason = reason.removeprefix("node(s) had ").removeprefix("node(s) ")
    left_out = _LEFT_OUT.match(reason)
    if left_out:
        return f"ruled out by {left_out.group(1)}"
    if merged:  # the taints, the free ports ... one group whatever their details
        reason = re.sub(r"\s*\{.*\}$", "", reason).strip()
    return reason


TERSE_REASONS = (("untolerated taint", "taint"), ("volume node affinity", "volume affinity"),
                 ("node affinity/selector", "affinity"), ("anti-affinity", "anti-affinity"),
                 ("unschedulable", "cordoned"), ("free ports", "ports"), ("persistent volumes to bind", "no pv"),
                 ("unbound immediate", "unbound pvc"), ("Too many pods", "pods"))


def fit_error_forms(message: str, plugins: dict[str, int] | None = None) -> list[str]:
    """A FailedScheduling message in ever shorter forms for a one-line row, the exact one first. Kubernetes sorts
    the reasons as strings, so a row cut at its end hid the reason that told the story (the storage one, after
    two taints). The shorter forms keep every reason, most nodes first: the preemption note goes, then the
    "node(s) had" wording, then the details of one kind of reason (the taints' keys) merge into one count, and
    last, with ``plugins`` (filter plugin -> nodes it rejected, from the decision), the counts per plugin."""
    match = _FIT_ERROR.match(message)
    if match is None:
        return [message]
    nodes, body = match.group(1), match.group(2)
    reasons = _reasons(body)
    forms = [message]
    if not reasons:
        return forms
    for merged in (False, True):
        counts: dict[str, int] = {}
        for count, reason in reasons:
            short = _short_reason(reason, merged)
            counts[short] = counts.get(short, 0) + count
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        text = ", ".join(f"{n} {r}" if n else r for r, n in ranked)
        forms.append(f"{nodes} nodes are available: {text}")
        forms.append(f"{nodes} nodes: {text}")
        forms.append(f"{nodes}: {text}")
    if plugins:
        ranked_plugins = sorted(plugins.items(), key=lambda item: (-item[1], item[0]))
        forms.append(f"{nodes} nodes: " + ", ".join(f"{p} {n}" for p, n in ranked_plugins))
    terse: dict[str, int] = {}  # a narrow pane: each kind of reason by its key words
    for count, reason in reasons:
        short = _short_reason(reason, True)
        short = next((word for key, word in TERSE_REASONS if key in short),
                     short.replace("Insufficient ", "no ").removeprefix("ruled out by "))
        terse[short] = terse.get(short, 0) + count
    forms.append(f"{nodes}: " + ", ".join(f"{n} {r}" if n else r
                                          for r, n in sorted(terse.items(), key=lambda item: (-item[1], item[0]))))
    unique: list[str] = []
    for form in forms:
        if form not in unique:
            unique.append(form)
    return unique


def fit_error(message: str, room: int, plugins: dict[str, int] | None = None) -> str:
    """The longest of :func:`fit_error_forms` that fits in ``room`` cells, else the shortest (cut by the row)."""
    forms = fit_error_forms(message, plugins)
    return next((form for form in forms if cell_len(form) <= room), forms[-1])


def hpa_targets(hpa: dict[str, Any]) -> list[tuple[str, str]]:
    """An autoscaler's metrics as (text, style) pairs: ``cpu 250%/50%`` (red: above target beyond the
    tolerance; green: within it; cyan: below), ``cpu ?/50%`` before its first metrics."""
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    current = status.get("currentMetrics") or []
    parts: list[tuple[str, str]] = []
    for index, metric in enumerate(spec.get("metrics") or []):
        kind = metric.get("type", "")
        source = metric.get("resource") or metric.get("containerResource") or {}
        if not source:
            parts.append((f"{kind.lower()} metric", "dim"))
            continue
        target = source.get("target") or {}
        now = current[index] if index < len(current) else {}
        now_source = (now.get("resource") or now.get("containerResource") or {}).get("current") or {}
        name = str(source.get("name", ""))
        if "averageUtilization" in target:
            want = int(target["averageUtilization"])
            have = now_source.get("averageUtilization")
            if not isinstance(have, int):
                parts.append((f"{name} ?/{want}%", "dim"))
                continue
            ratio = have / want if want else 1.0
            style = "bold red" if ratio > 1.1 else "cyan" if ratio < 0.9 else "green"
            parts.append((f"{name} {have}%/{want}%", style))
        else:
            have = now_source.get("averageValue", "?")
            parts.append((f"{name} {have}/{target.get('averageValue', '?')}", "dim"))
    return parts
