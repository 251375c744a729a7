"""metrics-server's storage: the last two points of each node and container, and the rate between them.

The rules of sigs.k8s.io/metrics-server pkg/storage (node.go, pod.go, types.go):

* a new point moves the stored one to ``prev`` when it is newer; a container whose start time is not
  before the stored point's timestamp restarted, and starts over;
* a container that started between 10 s (freshContainerMinMetricsResolution) and one resolution before
  the scrape gets a made-up previous point at its start time with zero CPU, so it shows after one scrape;
* CPU is (last - prev) / window in nanocores, truncated; memory is the last working set;
* a pod is served only when every container in its last point has a previous one; its timestamp and
  window are its containers' earliest.
"""

from __future__ import annotations

from dataclasses import dataclass

FRESH_CONTAINER_MIN_RESOLUTION = 10.0


@dataclass(frozen=True, slots=True)
class MetricsPoint:
    start_time: float
    timestamp: float
    cpu_ns: int  # cumulative CPU, nanocore-seconds
    memory: int  # working set, bytes


@dataclass(frozen=True, slots=True)
class Usage:
    cpu_nanocores: int
    memory: int
    timestamp: float
    window: float


def resource_usage(last: MetricsPoint, prev: MetricsPoint) -> Usage | None:
    """resourceUsage: None where metrics-server logs an error and skips the point."""
    if last.start_time < prev.start_time or last.cpu_ns < prev.cpu_ns:
        return None
    window = last.timestamp - prev.timestamp
    if window <= 0:
        return None
    return Usage(int((last.cpu_ns - prev.cpu_ns) / window), last.memory, last.timestamp, window)


class NodeStorage:
    def __init__(self) -> None:
        self.last: dict[str, MetricsPoint] = {}
        self.prev: dict[str, MetricsPoint] = {}

    def store(self, batch: dict[str, MetricsPoint]) -> None:
        prev: dict[str, MetricsPoint] = {}
        for name, point in batch.items():
            stored = self.last.get(name)
            if stored is None:
                continue
            if point.timestamp > stored.timestamp:
                prev[name] = stored
            elif name in self.prev and self.prev[name].timestamp < point.timestamp:
                prev[name] = self.prev[name]
        self.last, self.prev = dict(batch), prev

    def get(self, name: str) -> Usage | None:
        last, prev = self.last.get(name), self.prev.get(name)
        return resource_usage(last, prev) if last is not None and prev is not None else None


PodKey = tuple[str, str]  # namespace, name


class PodStorage:
    def __init__(self, resolution: float) -> None:
        self.resolution = resolution
        self.last: dict[PodKey, dict[str, MetricsPoint]] = {}
        self.prev: dict[PodKey, dict[str, MetricsPoint]] = {}

    def store(self, batch: dict[PodKey, dict[str, MetricsPoint]]) -> None:
        prev_pods: dict[PodKey, dict[str, MetricsPoint]] = {}
        for key, containers in batch.items():
            stored_last = self.last.get(key, {})
            stored_prev = self.prev.get(key, {})
            prev: dict[str, MetricsPoint] = {}
            for name, point in containers.items():
                age = point.timestamp - point.start_time
                if point.start_time < point.timestamp and FRESH_CONTAINER_MIN_RESOLUTION <= age < self.resolution:
                    prev[name] = MetricsPoint(point.start_time, point.start_time, 0, point.memory)
                    continue
                stored = stored_last.get(name)
                if stored is None or not point.start_time < stored.timestamp:
                    continue  # new, or restarted since the stored point
                if point.timestamp > stored.timestamp:
                    prev[name] = stored
                elif name in stored_prev and stored_prev[name].timestamp < point.timestamp:
                    prev[name] = stored_prev[name]
            if prev:
                prev_pods[key] = prev
        self.last, self.prev = batch, prev_pods

    def get(self, key: PodKey) -> tuple[float, float, list[tuple[str, Usage]]] | None:
        """(timestamp, window, each container's usage), or None while the pod has no two points."""
        last, prev = self.last.get(key), self.prev.get(key)
        if last is None or prev is None or any(name not in prev for name in last):
            return None
        found: list[tuple[str, Usage]] = []
        earliest: Usage | None = None
        for name, point in last.items():
            usage = resource_usage(point, prev[name])
            if usage is None:
                continue
            found.append((name, usage))
            if earliest is None or usage.timestamp < earliest.timestamp:
                earliest = usage
        if earliest is None:
            return None
        return earliest.timestamp, earliest.window, found
