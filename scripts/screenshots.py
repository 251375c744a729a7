"""Regenerate screenshots/ from a deterministic scenario (fixed seed, fast clock): SVGs, and PNGs when
cairosvg is importable. Run: python scripts/screenshots.py"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from kubetui.manifests.loader import ManifestFolder, node_specs_in
from kubetui.sim.cluster import Cluster
from kubetui.tours.model import find_tour
from kubetui.ui.app import KubetuiApp
from kubetui.ui.panes.nodes import NodesPane
from kubetui.ui.panes.scheduler import SchedulerPane

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "manifests"
OUT = ROOT / "screenshots"
SIZES = ((100, 30), (200, 50))


def example_cluster(seconds: float = 90.0) -> Cluster:
    cluster = Cluster(seed=1, nodes=node_specs_in(EXAMPLES))
    ManifestFolder(cluster, EXAMPLES).sync()
    cluster.run_for(seconds)
    return cluster


async def shoot(name: str, size: tuple[int, int], app: KubetuiApp,
                setup: Callable[[KubetuiApp, object], Awaitable[None]] | None = None) -> Path:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for pane in app.query("LinePane"):
            pane.refresh_items(force=True)  # type: ignore[attr-defined]
        await pilot.pause()
        if setup is not None:
            await setup(app, pilot)
            await pilot.pause()
        app.query_one("#header").update_text()  # type: ignore[attr-defined]  # its own 0.25 s timer may lag
        await pilot.pause()
        filename = f"{name}-{size[0]}x{size[1]}.svg"
        app.save_screenshot(filename, path=str(OUT))
    return OUT / filename


async def main_screen(size: tuple[int, int]) -> Path:
    return await shoot("main", size, KubetuiApp(example_cluster(), EXAMPLES, start_driver=False,
                                                api_address="http://127.0.0.1:6443"))


async def dead_node(size: tuple[int, int]) -> Path:
    cluster = example_cluster()
    cluster.chaos("kill-node", node="node-2")
    cluster.run_for(400)  # NotReady, taints, eviction after 300 s, replacements elsewhere
    return await shoot("dead-node", size, KubetuiApp(cluster, EXAMPLES, start_driver=False,
                                                     api_address="http://127.0.0.1:6443"))


async def decision(size: tuple[int, int]) -> Path:
    async def open_decision(app: KubetuiApp, pilot: object) -> None:
        pane = app.query_one(SchedulerPane)
        pane.focus()
        pane.cursor = next(i for i, d in enumerate(pane._items) if d.pod.startswith("default/web-"))
        await pilot.press("enter")  # type: ignore[attr-defined]

    return await shoot("decision", size, KubetuiApp(example_cluster(), EXAMPLES, start_driver=False),
                       open_decision)


async def help_screen(size: tuple[int, int]) -> Path:
    async def open_help(app: KubetuiApp, pilot: object) -> None:
        app.query_one(NodesPane).focus()
        await pilot.press("question_mark")  # type: ignore[attr-defined]

    return await shoot("help", size, KubetuiApp(example_cluster(), EXAMPLES, start_driver=False), open_help)


async def tour(size: tuple[int, int]) -> Path:
    walk = find_tour("node-failure")
    cluster = Cluster(seed=walk.seed)
    app = KubetuiApp(cluster, start_driver=False, tour=walk)

    async def advance(app: KubetuiApp, pilot: object) -> None:
        cluster.run_for(30)
        await pilot.press("n")  # type: ignore[attr-defined]
        cluster.run_for(60)
        await pilot.press("n")  # type: ignore[attr-defined]
        cluster.run_for(5)
        for pane in app.query("LinePane"):
            pane.refresh_items(force=True)  # type: ignore[attr-defined]

    return await shoot("tour", size, app, advance)


async def projector(size: tuple[int, int]) -> Path:
    """The light high-contrast theme for projectors (t), on the dead-node scene, heartbeats hidden (h)."""
    cluster = example_cluster()
    cluster.chaos("kill-node", node="node-2")
    cluster.run_for(400)

    async def light(app: KubetuiApp, pilot: object) -> None:
        await pilot.press("t", "h")  # type: ignore[attr-defined]
        for pane in app.query("LinePane"):
            pane.refresh_items(force=True)  # type: ignore[attr-defined]

    return await shoot("projector", size, KubetuiApp(cluster, EXAMPLES, start_driver=False,
                                                     api_address="http://127.0.0.1:6443"), light)


async def run() -> list[Path]:
    OUT.mkdir(exist_ok=True)
    shots: list[Path] = []
    for size in SIZES:
        for make in (main_screen, dead_node, decision, help_screen, tour, projector):
            shots.append(await make(size))
    return shots


def to_png(svgs: list[Path]) -> None:
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        print("cairosvg is not installed: SVGs only (pip install cairosvg for PNGs)")
        return
    for svg in svgs:
        # The SVG asks for Fira Code, which a browser loads from the web; cairosvg cannot, and fell back to a
        # proportional font, so columns drifted. It also draws a run in one font, with no per-glyph fallback:
        # use the machine's monospace font and swap the two glyphs DejaVu Sans Mono lacks for look-alikes.
        text = svg.read_text(encoding="utf-8")
        text = text.replace("font-family: Fira Code, monospace;", "font-family: monospace;")
        text = text.replace('font-family: "Fira Code";', "font-family: monospace;")
        text = text.replace("\u27f3", "\u21bb").replace("\u23f1", "\u25f7")  # ⟳ -> ↻, ⏱ -> ◷
        cairosvg.svg2png(bytestring=text.encode(), write_to=str(svg.with_suffix(".png")), output_width=1600)


if __name__ == "__main__":
    paths = asyncio.run(run())
    to_png(paths)
    for path in paths:
        print(path.relative_to(ROOT))
