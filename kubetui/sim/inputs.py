"""The one funnel for everything that comes from outside the engine, so a session can be recorded and replayed.

Key presses (kill a node, scale, cordon ...), manifest folder syncs and clock controls all go
through :meth:`Inputs.submit`. A recorder writes each input with the engine position it was
applied at (events run, virtual time); replaying the same inputs at the same positions with the
same seed reproduces the same trace, byte for byte. Inputs are data, not frames.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import orjson

from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.server import PATCH_MERGE
from kubetui.sim.clock import RealTimeDriver

if TYPE_CHECKING:
    from kubetui.sim.cluster import Cluster

UI_IDENTITY = "kubetui-ui"
SESSION_FORMAT = 1


@dataclass(frozen=True)
class Input:
    at: int  # clock.events_run when it was applied
    time: float
    kind: str  # chaos | api | manifests | clock | traffic | exec
    data: dict[str, Any]

    def to_json(self) -> bytes:
        return orjson.dumps({"at": self.at, "time": self.time, "kind": self.kind, "data": self.data})


class Inputs:
    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.client = cluster.client(UI_IDENTITY)
        self.driver: RealTimeDriver | None = None
        # set by whoever owns the folder: (every file's text, the files saved since the last sync or None)
        self.manifests: Callable[[dict[str, str], list[str] | None], None] | None = None
        self._sink: TextIO | None = None
        self.listeners: list[Callable[[Input, str], None]] = []

    # -- recording ------------------------------------------------------------------------------
    def record_to(self, path: Path, header: dict[str, Any]) -> None:
        self._sink = path.open("w", encoding="utf-8")
        self._sink.write(orjson.dumps({"kubetui-session": SESSION_FORMAT, **header}).decode() + "\n")
        self._sink.flush()

    def close(self) -> None:
        if self._sink is not None:
            clock = self.cluster.clock
            footer = {"end": {"at": clock.events_run, "time": clock.now, "trace_hash": self.cluster.trace.digest()}}
            self._sink.write(orjson.dumps(footer).decode() + "\n")
            self._sink.close()
            self._sink = None

    # -- applying -------------------------------------------------------------------------------
    def submit(self, kind: str, **data: Any) -> str:
        """Apply one input now; returns a one-line outcome (errors are outcomes, never exceptions)."""
        clock = self.cluster.clock
        item = Input(clock.events_run, clock.now, kind, data)
        if self._sink is not None:
            self._sink.write(item.to_json().decode() + "\n")
            self._sink.flush()
        outcome = self.apply(item)
        for listener in self.listeners:
            listener(item, outcome)
        return outcome

    def apply(self, item: Input) -> str:
        data = item.data
        if item.kind == "manifests":
            # Not caught here: the folder reports its own problems per file, and anything else must reach the
            # watcher, which shows it, rather than end as an outcome string nobody reads.
            if self.manifests is not None:
                self.manifests(data["files"], data.get("touched"))
            return "manifests synced"
        try:
            if item.kind == "chaos":
                return self.cluster.chaos(**data)
            if item.kind == "api":
                return self._api(data)
            if item.kind == "clock":
                return self._clock(data)
            if item.kind == "exec":
                return self.cluster.exec(**data)
            if item.kind == "traffic":
                from kubetui.sim.cluster import describe_traffic

                return describe_traffic(self.cluster.traffic(**data))
        except ApiError as err:
            return f"Error from server ({err.reason}): {err.message}"
        except (ValueError, KeyError, TypeError) as err:
            return f"error: {err}"
        return f"error: unknown input {item.kind!r}"

    def _api(self, data: dict[str, Any]) -> str:
        verb, resource = data["verb"], data["resource"]
        ns, name = data.get("namespace", ""), data.get("name", "")
        client = self.client
        if verb == "create":
            created = client.create(resource, data["object"], ns)
            return f'{resource} "{created["metadata"]["name"]}" created'
        if verb == "delete":
            client.delete(resource, ns, name, data.get("grace_period_seconds"))
            return f'{resource} "{name}" deleted'
        if verb == "scale":
            client.scale(resource, ns, name, int(data["replicas"]))
            return f"{resource}/{name} scaled to {data['replicas']}"
        if verb == "patch":
            client.patch(resource, ns, name, data["patch"], data.get("patch_type", PATCH_MERGE))
            return f"{resource}/{name} patched"
        if verb == "evict":
            client.evict(ns, name)
            return f'pod "{name}" evicted'
        raise ValueError(f"unknown verb {verb!r}")

    def _clock(self, data: dict[str, Any]) -> str:
        driver = self.driver
        if driver is None:
            if "advance" in data:
                self.cluster.clock.run_for(float(data["advance"]))
                return f"advanced {data['advance']} s"
            return "no clock driver"
        if "paused" in data:
            driver.set_paused(bool(data["paused"]))
            return "paused" if data["paused"] else "resumed"
        if "speed" in data:
            driver.set_speed(float(data["speed"]))
            return f"speed {driver.speed:g}x"
        if data.get("step"):
            driver.step_one()
            return "stepped one event"
        if "advance" in data:
            driver.advance(float(data["advance"]))
            return f"advanced {data['advance']} s"
        return "nothing to do"


def read_session(path: Path) -> tuple[dict[str, Any], list[Input], dict[str, Any]]:
    """The header, the inputs and the end marker of a recorded session."""
    header: dict[str, Any] = {}
    inputs: list[Input] = []
    end: dict[str, Any] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not a kubetui session line: {exc}") from exc
        if "kubetui-session" in data:
            header = data
        elif "end" in data:
            end = data["end"]
        else:
            inputs.append(Input(int(data["at"]), float(data["time"]), str(data["kind"]), dict(data["data"])))
    if not header:
        raise ValueError(f"{path}: not a kubetui session (no header line)")
    return header, inputs, end


def replay_fast(cluster: Cluster, inputs: list[Input], end: dict[str, Any]) -> None:
    """Re-apply every input at the engine position it was recorded at, as fast as possible."""
    clock = cluster.clock
    replayer = cluster.inputs
    for item in inputs:
        _run_to(cluster, item.at, item.time)
        if item.kind == "clock":
            if data_advance := item.data.get("advance"):
                clock.run_for(float(data_advance))
            continue  # pause/speed/step only change pacing, not what happens
        replayer.apply(item)
    if end:
        _run_to(cluster, int(end["at"]), float(end["time"]))


def _run_to(cluster: Cluster, at: int, time: float) -> None:
    clock = cluster.clock
    if at > clock.events_run:
        clock.run_until_time(time, max_events=at - clock.events_run)
    upcoming = clock.next_time()
    if clock.now < time and (upcoming is None or upcoming > time):
        clock.now = time  # the input arrived between two events


class ReplayDriver(RealTimeDriver):
    """A real-time driver that re-applies recorded inputs at their engine positions.

    The user can still pause, step and change speed: only the pacing changes, never what happens.
    """

    def __init__(self, cluster: Cluster, inputs: list[Input], speed: float = 1.0,
                 end: dict[str, Any] | None = None) -> None:
        super().__init__(cluster.clock, speed)
        self.cluster = cluster
        # Recorded pauses and speed changes only paced the original run; advances moved time.
        self.pending = deque(i for i in inputs if i.kind != "clock" or "advance" in i.data)
        self.end = end or {}
        self.outcome = ""  # set once the recording's end is reached: did the trace come out the same?

    def apply_initial(self) -> None:
        """Apply what was input before the engine ran (the first manifest sync), before anyone attaches."""
        while self.pending and self.pending[0].at == 0 and self.pending[0].time <= self.clock.now:
            self.cluster.inputs.apply(self.pending.popleft())

    def _check_end(self) -> None:
        if self.outcome or self.pending or not self.end or self.clock.events_run < int(self.end["at"]):
            return
        same = self.cluster.trace.digest() == self.end.get("trace_hash")
        self.outcome = ("replay complete: the trace is identical to the recording" if same
                        else "replay complete: the trace differs from the recording")
        self._notify()

    def _apply_due(self, target: float) -> bool:
        """Apply the next input if the engine stands at its position; False when it must wait."""
        clock = self.clock
        item = self.pending[0]
        if clock.events_run < item.at or item.time > target:
            return False
        upcoming = clock.next_time()
        if clock.now < item.time and (upcoming is None or upcoming >= item.time):
            clock.now = item.time
        self.pending.popleft()
        if item.kind == "clock":
            clock.run_for(float(item.data["advance"]))
        else:
            self.cluster.inputs.apply(item)
        return True

    def pump(self) -> None:
        if self.paused:
            self._reanchor()
            return
        target = self._virtual_anchor + (time.monotonic() - self._wall_anchor) * self.speed
        clock = self.clock
        started = time.perf_counter()
        while True:
            if self.pending and self._apply_due(target):
                continue
            limit = 200
            if self.pending:
                limit = min(limit, self.pending[0].at - clock.events_run)
                if limit <= 0:
                    return  # at the next input's position, waiting for its time
            elif self.end and not self.outcome:
                limit = min(limit, int(self.end["at"]) - clock.events_run)
                if limit <= 0:
                    self._check_end()
                    limit = 200
            ran = clock.run_until_time(target, max_events=limit)
            if ran < limit:
                if self.pending and clock.events_run >= self.pending[0].at:
                    continue
                return
            if time.perf_counter() - started > self.budget:
                self._reanchor()
                return
