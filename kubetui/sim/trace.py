"""The trace bus: typed records of what every component does, for the panes, tests and JSON-lines output.

Each record carries a global sequence number and the virtual time. Fields listed in a record's
``WALL_FIELDS`` measure real time (e.g. how long a scheduling decision took) and are left out of
the determinism hash, which otherwise covers every record byte for byte.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import orjson


@dataclass(slots=True)
class Record:
    """Base of every trace record."""

    KIND: ClassVar[str] = "record"
    WALL_FIELDS: ClassVar[tuple[str, ...]] = ()
    seq: int = field(default=0, init=False)
    time: float = field(default=0.0, init=False)

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in _field_names(type(self))}
        data["kind"] = self.KIND
        return data

    def hash_payload(self) -> Any:
        """What the trace hash reads of this record: everything but its wall-clock fields."""
        data = self.to_dict()
        for name in self.WALL_FIELDS:
            data.pop(name, None)
        return data

    def summary(self) -> str:
        return self.KIND


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    """A record class's field names, looked up once (dataclasses.fields builds a tuple on every call)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


@dataclass(slots=True)
class ApiRequest(Record):
    """One request through the API server: who asked for what, and how it went."""

    KIND: ClassVar[str] = "api"
    who: str = ""
    verb: str = ""
    resource: str = ""
    namespace: str = ""
    name: str = ""
    code: int = 200
    resource_version: str = ""
    subresource: str = ""
    message: str = ""

    def summary(self) -> str:
        target = f"{self.namespace}/{self.name}" if self.namespace else self.name
        res = f"{self.resource}/{self.subresource}" if self.subresource else self.resource
        return f"{self.who} {self.verb} {res} {target} -> {self.code}"


@dataclass(slots=True)
class EtcdWrite(Record):
    """One write to the store: the new global revision and the key."""

    KIND: ClassVar[str] = "etcd"
    revision: int = 0
    op: str = "PUT"
    key: str = ""

    def summary(self) -> str:
        return f"etcd revision {self.revision}: {self.op} {self.key}"


@dataclass(slots=True)
class Reconcile(Record):
    """A controller looked at an object: what it observed, what it wanted, what it did."""

    KIND: ClassVar[str] = "reconcile"
    controller: str = ""
    object: str = ""
    observed: str = ""
    desired: str = ""
    action: str = ""

    def summary(self) -> str:
        return f"{self.controller} {self.object}: {self.observed} -> {self.desired}: {self.action}"


@dataclass(slots=True)
class NodeVerdict:
    """One node's part in a scheduling decision."""

    node: str
    feasible: bool
    plugin: str = ""  # the filter plugin that rejected it
    reason: str = ""
    scores: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # plugin -> (raw, normalized, weight)
    total: int = 0


@dataclass(slots=True)
class SchedulingDecision(Record):
    """One scheduling attempt with every node's verdict and every plugin's score."""

    KIND: ClassVar[str] = "schedule"
    WALL_FIELDS: ClassVar[tuple[str, ...]] = ("duration_ms",)
    pod: str = ""
    node: str = ""  # empty when unschedulable
    message: str = ""
    reason: str = ""  # how the winner was chosen, or why nothing was
    verdicts: list[NodeVerdict] = field(default_factory=list)
    nominated: str = ""
    duration_ms: float = 0.0
    total_nodes: int = 0  # nodes in the cluster
    evaluated: int = 0  # nodes the filters ran on (fewer than total_nodes when sampling)
    victims: list[str] = field(default_factory=list)  # pods being preempted for this pod
    skipped: list[str] = field(default_factory=list)  # plugins with nothing to do for this pod ("Plugin: Filter")

    def to_dict(self) -> dict[str, Any]:
        data = Record.to_dict(self)
        as_dicts = getattr(self.verdicts, "as_dicts", None)  # the scheduler's lazily built verdicts
        if as_dicts is not None:
            data["verdicts"] = as_dicts()
            return data
        # What dataclasses.asdict gives, built directly: asdict deep-copies and is slow for 500 nodes.
        data["verdicts"] = [
            {
                "node": v.node,
                "feasible": v.feasible,
                "plugin": v.plugin,
                "reason": v.reason,
                "scores": dict(v.scores),
                "total": v.total,
            }
            for v in self.verdicts
        ]
        return data

    def hash_payload(self) -> Any:
        """The record's fields and its verdicts in columns (the same facts as ``to_dict``, cheaper to encode)."""
        as_columns = getattr(self.verdicts, "as_columns", None)
        if as_columns is None:
            return Record.hash_payload(self)
        data = {name: getattr(self, name) for name in _field_names(type(self)) if name not in self.WALL_FIELDS}
        data["kind"] = self.KIND
        data["verdicts"] = as_columns()
        return data

    def summary(self) -> str:
        return f"{self.pod} -> {self.node}" if self.node else f"{self.pod} Pending: {self.message}"


@dataclass(slots=True)
class NodeActivity(Record):
    """Kubelet, runtime or kube-proxy activity on one node."""

    KIND: ClassVar[str] = "node"
    node: str = ""
    component: str = "kubelet"
    pod: str = ""
    container: str = ""
    what: str = ""
    detail: str = ""

    def summary(self) -> str:
        where = f"{self.pod}/{self.container}" if self.container else self.pod
        return f"{self.component}/{self.node} {where} {self.what} {self.detail}".strip()


@dataclass(slots=True)
class ManifestStatus(Record):
    """The manifest folder: an apply, a prune, or an error naming the file and line."""

    KIND: ClassVar[str] = "manifest"
    path: str = ""
    ok: bool = True
    message: str = ""
    line: int = 0
    column: int = 0

    def summary(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(slots=True)
class Chaos(Record):
    """A fault a user injected (kill node, partition, kill container ...)."""

    KIND: ClassVar[str] = "chaos"
    action: str = ""
    target: str = ""
    detail: str = ""

    def summary(self) -> str:
        return f"chaos {self.action} {self.target} {self.detail}".strip()


@dataclass(slots=True)
class MetricsScrape(Record):
    """metrics-server scraped the kubelets: how many answered, what it now holds, which did not answer."""

    KIND: ClassVar[str] = "scrape"
    component: str = "metrics-server"
    nodes: int = 0  # kubelets that answered
    pods: int = 0
    containers: int = 0
    failed: tuple[str, ...] = ()  # nodes whose kubelet did not answer
    message: str = ""  # the first failure, in metrics-server's log words
    node_cpu: tuple[tuple[str, int], ...] = ()  # (node, millicores) for each node with a rate, as kubectl top node

    def summary(self) -> str:
        text = f"{self.component} scraped {self.nodes} nodes: {self.pods} pods, {self.containers} containers"
        return f"{text}; {len(self.failed)} failed: {self.message}" if self.failed else text


Subscriber = Callable[[Record], None]


class TraceBus:
    """Publishes records to subscribers, keeps a bounded history, and hashes the stream."""

    def __init__(self, now: Callable[[], float], history: int = 20_000, hashing: bool = True) -> None:
        self._now = now
        self._seq = 0
        self._subscribers: list[Subscriber] = []
        self.history: deque[Record] = deque(maxlen=history)
        self.hashing = hashing
        self._hash = hashlib.sha256()

    @property
    def last_seq(self) -> int:
        return self._seq

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            if subscriber in self._subscribers:
                self._subscribers.remove(subscriber)

        return unsubscribe

    def emit(self, record: Record) -> Record:
        self._seq += 1
        record.seq = self._seq
        record.time = self._now()
        self.history.append(record)
        if self.hashing:
            self._hash.update(orjson.dumps(record.hash_payload(), option=orjson.OPT_SORT_KEYS))
            self._hash.update(b"\n")
        for subscriber in self._subscribers:
            subscriber(record)
        return record

    def since(self, seq: int) -> Iterator[Record]:
        """Records with sequence number greater than ``seq`` still in the history."""
        for record in self.history:
            if record.seq > seq:
                yield record

    def digest(self) -> str:
        """SHA-256 over every record emitted so far (wall-clock fields excluded)."""
        return self._hash.hexdigest()
