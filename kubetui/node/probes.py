"""Startup, readiness and liveness probes (pkg/kubelet/prober/worker.go, prober.go).

One worker per probe per container instance. It probes every ``periodSeconds``, the first time
``initialDelaySeconds`` after the container started; readiness and liveness wait until the startup
probe (if any) has succeeded. A result changes only after ``successThreshold`` successes or
``failureThreshold`` failures in a row. A failed liveness or startup probe gets the container
killed and restarted; a failed readiness probe takes it out of the Service's endpoints.
Defaults (pkg/apis/core/v1/defaults.go): period 10 s, timeout 1 s, success 1, failure 3, delay 0.
Simplification: probe ticks are anchored to the container's start, and a probe answers at once
(timeoutSeconds never runs out).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from kubetui.node.runtime import PROBE_AGENT, Container
from kubetui.sim.clock import Clock, Timer


@dataclass(frozen=True)
class ProbeSpec:
    kind: str  # startup | readiness | liveness
    handler: dict[str, Any]
    initial_delay: float = 0.0
    period: float = 10.0
    success_threshold: int = 1
    failure_threshold: int = 3
    termination_grace: float | None = None  # probe-level terminationGracePeriodSeconds

    @classmethod
    def of(cls, kind: str, probe: dict[str, Any]) -> ProbeSpec:
        grace = probe.get("terminationGracePeriodSeconds")
        return cls(
            kind=kind,
            handler=probe,
            initial_delay=float(probe.get("initialDelaySeconds") or 0),
            period=float(probe.get("periodSeconds") or 10),
            success_threshold=1 if kind != "readiness" else int(probe.get("successThreshold") or 1),
            failure_threshold=int(probe.get("failureThreshold") or 3),
            termination_grace=float(grace) if grace is not None else None,
        )

    @property
    def title(self) -> str:
        return self.kind.capitalize()


class ProbeOwner(Protocol):
    """What a probe worker needs from its pod worker."""

    @property
    def node_ip(self) -> str: ...

    @property
    def pod_ip(self) -> str: ...

    def container_started(self, container: Container) -> bool: ...

    def resolve_port(self, container: Container, port: Any) -> int | None: ...

    def probe_failed(self, container: Container, spec: ProbeSpec, output: str) -> None: ...

    def probe_result(self, container: Container, spec: ProbeSpec, success: bool) -> None: ...


class ProbeWorker:
    def __init__(self, owner: ProbeOwner, container: Container, spec: ProbeSpec, clock: Clock) -> None:
        self.owner = owner
        self.container = container
        self.spec = spec
        self.clock = clock
        self.result = spec.kind == "liveness"  # readiness starts failed, liveness starts healthy
        self._last: bool | None = None
        self._run = 0
        self._timer: Timer | None = None
        self.on_hold = False

    def start(self) -> None:
        first = (self.container.started_at or self.clock.now) + self.spec.initial_delay
        self._timer = self.clock.call_at(
            first, self._tick, label=f"{self.spec.kind} probe {self.container.pod}"
        )

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def trigger(self) -> None:
        """Probe now (the kubelet does so for readiness as soon as the startup probe has passed)."""
        self.stop()
        self._timer = self.clock.call_soon(self._tick, label=f"{self.spec.kind} probe {self.container.pod}")

    def _tick(self) -> None:
        self._timer = None
        container = self.container
        if not container.running or self.on_hold:
            return
        started = self.owner.container_started(container)
        if self.spec.kind == "startup" and started:
            return  # its job is done
        self._timer = self.clock.call_later(
            self.spec.period, self._tick, label=f"{self.spec.kind} probe {container.pod}"
        )
        if self.spec.kind != "startup" and not started:
            return  # readiness and liveness wait for the startup probe
        success, output = self._probe()
        if not success:
            self.owner.probe_failed(container, self.spec, output)
        if success == self._last:
            self._run += 1
        else:
            self._last, self._run = success, 1
        threshold = self.spec.success_threshold if success else self.spec.failure_threshold
        if self._run < threshold:
            return
        changed = success != self.result
        self.result = success
        if not success and self.spec.kind in ("liveness", "startup"):
            self.on_hold, self._run = True, 0  # stop probing until a new container replaces this one
            self.stop()
        if changed or (not success and self.spec.kind != "readiness"):
            self.owner.probe_result(container, self.spec, success)

    def _probe(self) -> tuple[bool, str]:
        """Run the handler against the container: (success, what the kubelet reports on failure)."""
        handler, container, now, kind = self.spec.handler, self.container, self.clock.now, self.spec.kind
        ip = self.owner.pod_ip
        if "exec" in handler:
            command = [str(w) for w in (handler["exec"] or {}).get("command") or []]
            code, output = container.answer_exec(command, kind, now)
            return code == 0, output
        for key in ("httpGet", "tcpSocket", "grpc"):
            if key not in handler:
                continue
            action = handler[key] or {}
            port = self.owner.resolve_port(container, action.get("port"))
            if port is None:
                return False, f"unable to resolve port {action.get('port')!r} of container {container.name}"
            host = str(action.get("host") or ip)
            if key == "httpGet":
                reply = container.answer_http(
                    host, port, str(action.get("path") or "/"), kind, now, self.owner.node_ip, PROBE_AGENT
                )
                if reply.code is None:
                    return False, reply.error
                if 200 <= reply.code < 400:
                    return True, ""
                return False, f"HTTP probe failed with statuscode: {reply.code}"
            reply = container.answer_tcp(host, port, kind, now)
            if key == "grpc" and reply.code is None:
                return False, f'timeout: failed to connect service "{host}:{port}" within 1s'
            return reply.code is not None, reply.error
        return True, ""
