"""One container's life on a node: the state the kubelet reports and the timers that move it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from kubetui.node.runtime import Behaviour, parse_image
from kubetui.sim.clock import Timer

BACKOFF_INITIAL = 10.0  # kubelet's container restart back-off: 10 s doubling to 5 minutes
BACKOFF_MAX = 300.0
BACKOFF_RESET = 600.0  # ... reset after a container ran fine for 10 minutes


@dataclass
class ContainerRun:
    name: str
    spec: dict[str, Any]
    init: bool = False
    state: str = "waiting"  # waiting | running | terminated
    reason: str = "ContainerCreating"
    message: str = ""
    exit_code: int = 0
    started_at: float = 0.0
    finished_at: float = 0.0
    restart_count: int = 0
    crash_streak: int = 0
    ready: bool = False
    started: bool = False
    last_state: dict[str, Any] = field(default_factory=dict)
    behaviour: Behaviour | None = None
    timers: list[Timer] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)
    previous_logs: list[str] = field(default_factory=list)
    container_id: str = ""
    will_restart: bool = False

    @property
    def image(self) -> str:
        return str(self.spec.get("image", ""))

    def cancel_timers(self) -> None:
        for timer in self.timers:
            timer.cancel()
        self.timers.clear()

    def backoff_delay(self) -> float:
        return min(BACKOFF_INITIAL * (2 ** max(0, self.crash_streak - 1)), BACKOFF_MAX)

    def new_container_id(self, pod_uid: str) -> str:
        digest = hashlib.sha256(f"{pod_uid}/{self.name}/{self.restart_count}".encode()).hexdigest()
        self.container_id = f"containerd://{digest}"
        return self.container_id

    def status(self, timestamp: Any) -> dict[str, Any]:
        """``containerStatuses[i]`` as the kubelet writes it."""
        ref = parse_image(self.image)
        image_digest = hashlib.sha256(ref.full.encode()).hexdigest()
        status: dict[str, Any] = {
            "name": self.name,
            "image": self.image,
            "imageID": f"{ref.registry}/{ref.repository}@sha256:{image_digest}" if self.container_id else "",
            "ready": self.ready,
            "restartCount": self.restart_count,
            "started": self.state == "running" and self.started,
        }
        if self.container_id:
            status["containerID"] = self.container_id
        if self.state == "running":
            status["state"] = {"running": {"startedAt": timestamp(self.started_at)}}
        elif self.state == "terminated":
            status["state"] = {"terminated": self._terminated(timestamp)}
        else:
            waiting: dict[str, Any] = {"reason": self.reason}
            if self.message:
                waiting["message"] = self.message
            status["state"] = {"waiting": waiting}
        status["lastState"] = self.last_state
        return status

    def _terminated(self, timestamp: Any) -> dict[str, Any]:
        return {
            "exitCode": self.exit_code,
            "reason": self.reason,
            "startedAt": timestamp(self.started_at),
            "finishedAt": timestamp(self.finished_at),
            "containerID": self.container_id,
        }

    def remember_termination(self, timestamp: Any) -> None:
        """The terminated state becomes ``lastState`` when the container is restarted."""
        self.last_state = {"terminated": self._terminated(timestamp)}
