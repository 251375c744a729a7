"""The kubelet's image manager (pkg/kubelet/images/image_manager.go): pull policy, pull back-off, one pull at a time.

``ensure`` is asked once per container start. It answers at once when the image is present (or
cannot be pulled); otherwise it queues a pull and the pod worker syncs again when the pull is over.
Pulls run one after another, the kubelet's default ``serializeImagePulls: true``; the Pulled event
says how long the pull took and how long it waited in that queue.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from kubetui.node.backoff import Backoff
from kubetui.node.images import (
    ImageRef,
    InvalidImageName,
    image_size_mb,
    parse_image,
    pull_error,
    pull_seconds,
)
from kubetui.node.runtime import ContainerRuntime
from kubetui.sim.clock import Clock
from kubetui.sim.trace import NodeActivity, TraceBus

CHECK_SECONDS = 0.3  # a pull of an image already present: only the manifest is checked
FAILED_PULL_SECONDS = 1.0  # the registry answers "not found" / "denied"
UNRESOLVED_SECONDS = 0.5  # the registry's name does not resolve

EventFn = Callable[[str, str, str], None]  # (type, reason, message) about the container's pod


@dataclass(frozen=True)
class Outcome:
    """What ``ensure`` decided. ``reason`` empty and ``ref`` set: go ahead and start the container."""

    ref: ImageRef | None = None
    pulling: bool = False
    reason: str = ""  # ErrImagePull | ImagePullBackOff | ErrImageNeverPull | InvalidImageName
    message: str = ""


@dataclass
class _Pull:
    key: str  # pod uid + container name
    pod_uid: str
    pod: str  # namespace/name, for the trace
    container: str
    image: str
    ref: ImageRef
    size_mb: int
    queued_at: float
    event: EventFn
    done: Callable[[], None]


def _duration(seconds: float) -> str:
    """Go's time.Duration formatting, for the Pulled message (1.234s, 512ms)."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


class ImageManager:
    def __init__(self, node: str, runtime: ContainerRuntime, clock: Clock, trace: TraceBus) -> None:
        self.node = node
        self.runtime = runtime
        self.clock = clock
        self.trace = trace
        self.backoff = Backoff()
        self._queue: deque[_Pull] = deque()
        self._busy = False
        self._results: dict[
            str, tuple[ImageRef, str]
        ] = {}  # finished pulls not yet consumed: key -> (ref, error)
        self._in_flight: set[str] = set()

    def ensure(
        self,
        pod_uid: str,
        pod: str,
        container: str,
        image: str,
        policy: str,
        annotations: dict[str, str],
        event: EventFn,
        done: Callable[[], None],
    ) -> Outcome:
        key = f"{pod_uid}/{container}"
        finished = self._results.pop(key, None)
        if finished is not None:
            ref, error = finished
            if error:
                return Outcome(reason="ErrImagePull", message=error)
            return Outcome(ref=ref)
        if key in self._in_flight:
            return Outcome(pulling=True)
        try:
            ref = parse_image(image)
        except InvalidImageName as err:
            message = f'Failed to apply default image tag "{image}": {err}'
            event("Warning", "InspectFailed", message)
            return Outcome(reason="InvalidImageName", message=message)
        present = self.runtime.images.has(ref)
        if present and policy != "Always":
            event("Normal", "Pulled", f'Container image "{image}" already present on machine')
            return Outcome(ref=ref)
        if not present and policy == "Never":
            message = f'Container image "{image}" is not present with pull policy of Never'
            event("Warning", "ErrImageNeverPull", message)
            return Outcome(reason="ErrImageNeverPull", message=message)
        backoff_key = f"{pod_uid}_{image}"
        if self.backoff.in_backoff_since_update(backoff_key, self.clock.now):
            message = f'Back-off pulling image "{image}"'
            event("Normal", "BackOff", message)
            return Outcome(reason="ImagePullBackOff", message=message)
        event("Normal", "Pulling", f'Pulling image "{image}"')
        self._in_flight.add(key)
        size = image_size_mb(ref, annotations)
        self._queue.append(_Pull(key, pod_uid, pod, container, image, ref, size, self.clock.now, event, done))
        self._next()
        return Outcome(pulling=True)

    def forget_pod(self, pod_uid: str) -> None:
        """The pod is gone: its queued pulls, unconsumed results and back-off entries are dropped."""
        prefix = f"{pod_uid}/"
        for key in [k for k in self._results if k.startswith(prefix)]:
            del self._results[key]
        self._in_flight = {k for k in self._in_flight if not k.startswith(prefix)}
        self._queue = deque(p for p in self._queue if p.pod_uid != pod_uid)
        self.backoff.forget_prefix(f"{pod_uid}_")

    def _next(self) -> None:
        if self._busy or not self._queue:
            return
        pull = self._queue.popleft()
        self._busy = True
        error = pull_error(pull.ref)
        if error:
            seconds = UNRESOLVED_SECONDS if "no such host" in error else FAILED_PULL_SECONDS
        else:
            seconds = CHECK_SECONDS if self.runtime.images.has(pull.ref) else pull_seconds(pull.size_mb)
        self.trace.emit(
            NodeActivity(
                node=self.node,
                pod=pull.pod,
                container=pull.container,
                what="pulling",
                detail=f"{pull.ref.full} ({seconds:g}s)",
            )
        )
        self.clock.call_later(seconds, self._finished, pull, error, seconds, label=f"pull {pull.image}")

    def _finished(self, pull: _Pull, error: str | None, seconds: float) -> None:
        self._busy = False
        if pull.key in self._in_flight:
            self._in_flight.discard(pull.key)
            if error:
                pull.event("Warning", "Failed", f'Failed to pull image "{pull.image}": {error}')
                self.backoff.next(f"{pull.pod_uid}_{pull.image}", self.clock.now)
                self.trace.emit(
                    NodeActivity(
                        node=self.node,
                        pod=pull.pod,
                        container=pull.container,
                        what="pull failed",
                        detail=error,
                    )
                )
            else:
                size = pull.size_mb * 1_000_000
                self.runtime.images.add(pull.ref, size, pull.image)
                waited = self.clock.now - pull.queued_at
                pull.event(
                    "Normal",
                    "Pulled",
                    f'Successfully pulled image "{pull.image}" in {_duration(seconds)} ({_duration(waited)} including '
                    f"waiting). Image size: {size} bytes.",
                )
                self.trace.emit(
                    NodeActivity(
                        node=self.node,
                        pod=pull.pod,
                        container=pull.container,
                        what="pulled",
                        detail=pull.ref.full,
                    )
                )
            self._results[pull.key] = (pull.ref, error or "")
            pull.done()
        self._next()
