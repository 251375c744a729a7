"""Formatting shared by the panes: virtual time, status colours, bars and glyphs."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from kubetui.ui.view import pod_status


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


# pod -> (glyph, style) as described in the help screen
def pod_glyph(pod: dict[str, Any]) -> tuple[str, str]:
    status = pod_status(pod)
    statuses = pod.get("status", {}).get("containerStatuses") or []
    if pod.get("metadata", {}).get("deletionTimestamp"):
        return "◌", "dim strike"
    if status in ("Completed", "Succeeded"):
        return "✔", "dim green"
    if status in ("CrashLoopBackOff", "Error", "OOMKilled", "ErrImagePull", "ImagePullBackOff", "Failed",
                  "Evicted", "OutOfcpu", "OutOfmemory") or status.startswith("Init:Err"):
        return "✖", "bold red"
    if status == "Running":
        if statuses and all(cs.get("ready") for cs in statuses):
            return "●", "green"
        return "◐", "yellow"
    return "◌", "cyan"


def status_style(status: str) -> str:
    if status in ("Running", "Ready", "Completed", "Succeeded", "Complete"):
        return "green"
    if status in ("Pending", "ContainerCreating", "PodInitializing", "Terminating") or status.startswith("Init:"):
        return "cyan"
    return "bold red"


def cpu_text(millis: int) -> str:
    return f"{millis / 1000:g}" if millis % 100 == 0 else f"{millis}m"


def mem_text(num: int) -> str:
    gib = num / 2**30
    if gib >= 1:
        return f"{gib:.1f}Gi"
    return f"{num / 2**20:.0f}Mi"


def fit(text: str, width: int) -> str:
    """Shorten from the left-middle so both ends stay readable: kube-controller-manager -> kube-con…manager."""
    if len(text) <= width:
        return text
    if width < 6:
        return text[:width]
    head = (width - 1) // 2
    return f"{text[:head]}…{text[-(width - 1 - head):]}"
