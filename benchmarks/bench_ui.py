"""Key-press to repaint latency of the TUI under load (1,000 pods rolling at 10x).

Run: python benchmarks/bench_ui.py [--quick]. Prints p50 / p95 / max of the time from a key press
until the screen has repainted, measured with Textual's Pilot while the real-time driver runs the
cluster at 10x and a rolling update of 1,000 pods floods the trace bus.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from textual import events
from textual.strip import Strip

from kubetui.apiserver.server import PATCH_STRATEGIC
from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster
from kubetui.ui.app import KubetuiApp
from kubetui.ui.panes.api import ApiPane


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


async def measure(cluster: Cluster, presses: int) -> tuple[list[float], float]:
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
            latencies.append(((next(iter(painted.values())) if painted else time.perf_counter()) - t0) * 1000)
            await asyncio.sleep(0.1)
        rate = (records[0] - first) / (time.perf_counter() - started)
    return latencies, rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="200 pods, 30 key presses")
    args = parser.parse_args()
    replicas, nodes, presses = (200, 20, 30) if args.quick else (1000, 50, 100)
    t0 = time.perf_counter()
    cluster = build(replicas, nodes)
    print(f"cluster of {replicas} pods on {nodes} nodes ready in {time.perf_counter() - t0:.1f} s wall")
    latencies, rate = asyncio.run(measure(cluster, presses))
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"{'key presses':<28}{len(latencies)}")
    print(f"{'trace records/s during test':<28}{rate:,.0f}")
    print(f"{'key -> repaint p50':<28}{statistics.median(latencies):.1f} ms")
    print(f"{'key -> repaint p95':<28}{p95:.1f} ms   (target < 50 ms)")
    print(f"{'key -> repaint max':<28}{latencies[-1]:.1f} ms   (target < 100 ms)")


if __name__ == "__main__":
    main()
