"""``kubetui serve``: the cluster on the real-time clock with the kubectl API, and no screen."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import signal
import sys
from pathlib import Path
from typing import Any

from kubetui.http.kubeconfig import path_for, write_kubeconfig
from kubetui.http.server import ApiHttpServer
from kubetui.sim.clock import RealTimeDriver
from kubetui.sim.cluster import Cluster


def _manifest_watcher(cluster: Cluster, manifest_dir: Path) -> Any:
    """Apply the folder once and watch it, when the manifest watcher is installed."""
    if importlib.util.find_spec("kubetui.manifests.watcher") is None:
        return None
    from kubetui.manifests.loader import ManifestFolder
    from kubetui.manifests.watcher import ManifestWatcher

    folder = ManifestFolder(cluster, manifest_dir)
    folder.sync()
    return ManifestWatcher(folder)


def build_cluster(manifest_dir: Path | None, seed: int) -> Cluster:
    """The cluster, with the nodes the manifest folder declares (or the default three)."""
    from kubetui.manifests.loader import node_specs_in

    return Cluster(seed=seed, nodes=node_specs_in(manifest_dir) if manifest_dir is not None else None)


async def run_headless(manifest_dir: Path | None, port: int, seed: int, speed: float, kubeconfig: Path) -> None:
    """Run until cancelled (Ctrl-C) or SIGTERM: the engine at ``speed``, the API on ``127.0.0.1:port``."""
    cluster = build_cluster(manifest_dir, seed)
    driver = RealTimeDriver(cluster.clock, speed)
    server = ApiHttpServer(cluster, driver, port=port)
    try:
        url = await server.start()
    except OSError as exc:
        await server.stop()
        raise SystemExit(f"kubetui: cannot listen on 127.0.0.1:{port}: {exc.strerror or exc} (try --port 0)") from exc
    watcher = _manifest_watcher(cluster, manifest_dir) if manifest_dir is not None else None
    if watcher is not None:
        await watcher.start()
    stop = asyncio.Event()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows' event loop
        # Installed before announcing the address, so a SIGTERM right after it still stops cleanly.
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    kubeconfig = path_for(kubeconfig, url)  # another port, another file: two clusters never share one
    write_kubeconfig(kubeconfig, url)
    print(f"kubetui: API server listening on {url} (seed {seed}, speed {speed:g}x)", flush=True)
    print(f"export KUBECONFIG={kubeconfig}", flush=True)
    task = driver.start()
    try:
        await stop.wait()
    finally:
        driver.stop()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if watcher is not None:
            await watcher.stop()
        await server.stop()
        print("kubetui: stopped", file=sys.stderr, flush=True)
