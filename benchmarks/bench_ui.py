"""Key-press to repaint latency of the TUI under load (1,000 pods rolling at 10x).

Run: python benchmarks/bench_ui.py [--quick]. Prints p50 / p95 / max of the time from a key press
until the screen has repainted, measured with Textual's Pilot while the real-time driver runs the
cluster at 10x and a rolling update of 1,000 pods floods the trace bus.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.screen import Screen
from textual.strip import Strip

from kubetui.apiserver.server import PATCH_STRATEGIC
from kubetui.node.spec import NodeSpec
from kubetui.sim.clock import Clock
from kubetui.sim.cluster import Cluster
from kubetui.ui.app import KubetuiApp
from kubetui.ui.panes.api import ApiPane
from kubetui.ui.panes.base import LinePane


def build(replicas: int, nodes: int) -> Cluster:
    cluster = Cluster(seed=1, nodes=[NodeSpec(f"node-{i + 1}", cpu="32", memory="64Gi", pods=250)
                                     for i in range(nodes)], hashing=False)
    cluster.client("kubectl").create("deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                 "strategy": {"rollingUpdate": {"maxSurge": "10%", "maxUnavailable": "10%"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27",
                                                       "resources": {"requests": {"cpu": "10m"}}}]}}}}, "default")

    def ready() -> bool:
        web = cluster.get("deployments", "default", "web")
        return bool(web and web.get("status", {}).get("availableReplicas") == replicas)

    cluster.run_until(ready, timeout=900)
    return cluster


async def measure(cluster: Cluster, presses: int,
                  windows: list[tuple[float, float]] | None = None) -> tuple[list[float], float]:
    """Press keys in the API pane and time each until the moved cursor is actually painted."""
    records = [0]
    cluster.trace.subscribe(lambda _r: records.__setitem__(0, records[0] + 1))
    app = KubetuiApp(cluster, speed=10.0)
    latencies: list[float] = []
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        pane = app.query_one(ApiPane)
        painted: dict[int, float] = {}
        original = pane.render_line

        def render_line(y: int) -> Strip:
            strip = original(y)
            index = pane.scroll_offset.y + y
            if index == pane.cursor and pane.has_focus:
                painted.setdefault(index, time.perf_counter())
            return strip

        pane.render_line = render_line  # type: ignore[method-assign]
        cluster.client("kubectl").patch(
            "deployments", "default", "web",
            {"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.28"}]}}}},
            PATCH_STRATEGIC)
        pane.focus()
        await pilot.pause(0.5)
        pane.action_cursor_to(len(pane._items) // 2)  # off the tail, so every key really moves the cursor
        await pilot.pause(0.2)
        started, first = time.perf_counter(), records[0]
        for index in range(presses):
            painted.clear()
            t0 = time.perf_counter()
            app.post_message(events.Key("up" if index % 2 else "down", None))
            while not painted and time.perf_counter() - t0 < 5:
                await asyncio.sleep(0.001)
            t1 = next(iter(painted.values())) if painted else time.perf_counter()
            latencies.append((t1 - t0) * 1000)
            if windows is not None:
                windows.append((t0, t1))
            await asyncio.sleep(0.1)
        rate = (records[0] - first) / (time.perf_counter() - started)
    return latencies, rate


class Spans:
    """What ran on the loop, and for how long: engine chunks, pane rebuilds, garbage collections."""

    def __init__(self) -> None:
        self.spans: list[tuple[float, float, str]] = []
        self._gc_started = 0.0

    def install(self) -> None:
        Clock.run_until_time = self._timed("engine events", Clock.run_until_time)  # type: ignore[method-assign]
        LinePane._tick = self._timed("", LinePane._tick)  # type: ignore[method-assign]
        Screen._compositor_refresh = self._timed("paint", Screen._compositor_refresh)  # type: ignore[method-assign]
        Screen._refresh_layout = self._timed("layout", Screen._refresh_layout)  # type: ignore[method-assign]
        gc.callbacks.append(self._on_gc)

    def _timed(self, label: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                name = label or f"{type(args[0]).__name__} rebuild"
                self.spans.append((started, time.perf_counter(), name))
        return timed

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            self.spans.append((self._gc_started, time.perf_counter(), f"gc generation {info['generation']}"))

    def explain(self, windows: list[tuple[float, float]], worst: int = 10) -> None:
        """Print the slowest presses with what overlapped them for more than 2 ms."""
        for t0, t1 in sorted(windows, key=lambda w: w[0] - w[1])[:worst]:
            overlapping = [(max(a, t0), min(b, t1), name) for a, b, name in self.spans if a < t1 and b > t0]
            parts = ", ".join(f"{name} {(b - a) * 1000:.0f}" for a, b, name in overlapping if b - a > 0.002)
            print(f"  {(t1 - t0) * 1000:5.1f} ms: {parts or 'nothing over 2 ms (Textual handling and paint)'}")
        kinds: dict[str, list[float]] = {}
        for a, b, name in self.spans:
            if a >= windows[0][0]:
                kinds.setdefault(name, []).append((b - a) * 1000)
        print("everything on the loop while keys were pressed (ms):")
        for name, took in sorted(kinds.items(), key=lambda kv: -sum(kv[1])):
            took.sort()
            print(f"  {name:<24} {len(took):6} times, median {statistics.median(took):5.1f}, "
                  f"p99 {took[int(len(took) * 0.99) - 1] if len(took) > 1 else took[-1]:5.1f}, max {took[-1]:5.1f}, "
                  f"total {sum(took):6.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200 pods, 30 key presses")
    parser.add_argument("--explain", action="store_true", help="show what ran during the slowest presses")
    args = parser.parse_args()
    replicas, nodes, presses = (200, 20, 30) if args.quick else (1000, 50, 100)
    t0 = time.perf_counter()
    cluster = build(replicas, nodes)
    print(f"cluster of {replicas} pods on {nodes} nodes ready in {time.perf_counter() - t0:.1f} s wall")
    spans, windows = Spans(), []
    if args.explain:
        spans.install()
    latencies, rate = asyncio.run(measure(cluster, presses, windows))
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"{'key presses':<28}{len(latencies)}")
    print(f"{'trace records/s during test':<28}{rate:,.0f}")
    print(f"{'key -> repaint p50':<28}{statistics.median(latencies):.1f} ms")
    print(f"{'key -> repaint p95':<28}{p95:.1f} ms   (target < 50 ms)")
    print(f"{'key -> repaint max':<28}{latencies[-1]:.1f} ms   (target < 100 ms)")
    if args.explain:
        print("slowest presses (what overlapped them, ms):")
        spans.explain(windows)


if __name__ == "__main__":
    main()
