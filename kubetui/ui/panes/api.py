"""API requests pane: who asked the API server for what, and how it answered."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from operator import attrgetter
from typing import Any

from rich.text import Text

from kubetui.sim.trace import ApiRequest, EtcdWrite
from kubetui.ui.format import (
    client_forms,
    client_name,
    clock_time,
    code_style,
    fit,
    fit_middle,
    resource_name,
    without_default_ns,
)
from kubetui.ui.panes.base import LinePane
from kubetui.ui.view import ClusterView


def is_heartbeat(record: ApiRequest | EtcdWrite) -> bool:
    """A kubelet's heartbeat traffic: renewing its node's Lease (every 10 s), and reading and updating its
    own Node's status (node status updates), and metrics-server's lists. On a quiet cluster this is most of what
    the API server hears.
    Of the etcd writes only the Leases' are told apart: a write to a Node's key may be a cordon or a taint."""
    if isinstance(record, EtcdWrite):
        return record.key.startswith("/registry/leases/kube-node-lease/")
    if record.who == "metrics-server":  # its periodic lists of nodes and pods (a real one watches instead)
        return True
    if not record.who.startswith("kubelet/"):
        return False
    if record.resource == "leases":
        return True
    return record.resource == "nodes" and record.name == record.who.removeprefix("kubelet/") and \
        record.verb in ("get", "update", "patch") and record.subresource in ("", "status")


class ApiPane(LinePane):
    pane_title = "API requests"
    immutable_items = True

    def __init__(self, view: ClusterView, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.view = view
        self.show_etcd = False
        self.hide_heartbeats = False

    def source_version(self) -> Any:
        return (self.view.trace_version, self.show_etcd, self.hide_heartbeats)

    def items(self) -> Sequence[Any]:
        records: Sequence[ApiRequest | EtcdWrite] = self.view.api
        if self.show_etcd:  # the two logs, in the order the trace recorded them, from where both still reach
            since = max(self.view.api[0].seq if self.view.api else 0, self.view.etcd[0].seq if self.view.etcd else 0)
            merged: Iterable[ApiRequest | EtcdWrite] = heapq.merge(self.view.api, self.view.etcd, key=attrgetter("seq"))
            records = [r for r in merged if r.seq >= since]
        if self.hide_heartbeats:
            records = [r for r in records if not is_heartbeat(r)]
        return list(records)

    def toggle_etcd(self) -> None:
        self.show_etcd = not self.show_etcd
        self._retitle()

    def toggle_heartbeats(self) -> None:
        self.hide_heartbeats = not self.hide_heartbeats
        self._retitle()

    def _retitle(self) -> None:
        self.pane_title = "API requests" + (" + etcd writes" if self.show_etcd else "") + (
            " · no heartbeats" if self.hide_heartbeats else "")
        self.refresh_items(force=True)

    def item_key(self, item: Any) -> Any:
        return item.seq

    def render_item(self, item: Any, width: int) -> Text:
        """Columns by width: the time from 70 cells (the header shows it too), full client names and
        namespace/name from 90, resource versions from 100. Narrower, clients and resources take their
        short forms (kcm/replicaset, rs/status) and targets lose their namespace; nothing is cut in
        the middle of a word."""
        line = Text(no_wrap=True)
        if width >= 70:
            line.append(clock_time(item.time) + " ", style="dim")
        if isinstance(item, EtcdWrite):
            line.append(f"etcd rev {item.revision:<6} ", style="magenta")
            line.append(f"{item.op:<6} ", style="magenta bold")
            line.append(fit(item.key, max(1, width - len(line.plain))), style="magenta")
            return line
        roomy = width >= 90
        who_width = 24 if roomy else 14
        resource_width = 20 if roomy else 14 if width >= 70 else 0
        line.append(f"{client_name(item.who, who_width):<{who_width}} ", style="cyan")
        line.append(f"{item.verb:<6} ", style="bold")
        resource = resource_name(item.resource, item.subresource, max(resource_width, 14))
        line.append(f"{resource:<{resource_width}} ")
        if roomy and item.namespace and item.name:
            target = f"{item.namespace}/{item.name}"
        else:
            target = item.name or item.namespace
        tail = f" rv {item.resource_version}" if width >= 100 and item.resource_version else ""
        name_width = max(1, width - len(line.plain) - 4 - len(tail))
        if len(target) > name_width:  # kubectl's habit: the default namespace goes first, before any of the name
            target = without_default_ns(target)
        # a pod's name keeps its unique end (web-5496…cmddm); other names, events' above all, their start
        pod = item.resource == "pods" and name_width >= 8
        short = fit_middle(target, name_width) if pod else fit(target, name_width)
        line.append(f"{short:<{name_width}} ")
        line.append(f"{item.code:>3}", style=code_style(item.code))
        if tail:
            line.append(tail, style="dim")
        return line

    def item_text(self, item: Any) -> str:
        if isinstance(item, ApiRequest):  # a filter may use the short names the narrow pane shows
            return " ".join([item.summary(), *client_forms(item.who)])
        return item.summary()

