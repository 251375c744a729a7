"""End-to-end: the real ``kubectl`` (and the official Python client) against kubetui's HTTP API.

The cluster runs as ``kubetui serve`` runs it, on an event loop of its own (here a background
thread): a RealTimeDriver moves the virtual clock at ``SPEED``x, and tests jump ahead with
``POST /kubetui/v1/clock {"advance": N}`` instead of waiting.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kubetui.http.kubeconfig import write_kubeconfig
from kubetui.http.server import ApiHttpServer
from kubetui.sim.clock import RealTimeDriver
from kubetui.sim.cluster import Cluster

KUBECTL = shutil.which("kubectl")
SPEED = 20.0
HAS_MACHINES = importlib.util.find_spec("kubetui.node.machine") is not None
HAS_DEPLOYMENTS = importlib.util.find_spec("kubetui.controllers.deployment") is not None
HAS_GARBAGE_COLLECTOR = importlib.util.find_spec("kubetui.controllers.garbagecollector") is not None

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed (not on PATH)")
needs_pods = pytest.mark.skipif(not HAS_MACHINES, reason="running pods need the kubelet (kubetui.node.machine)")
needs_rollouts = pytest.mark.skipif(
    not (HAS_MACHINES and HAS_DEPLOYMENTS),
    reason="rollouts need the deployment controller and kubelets "
    "(kubetui.controllers.deployment, kubetui.node.machine)",
)


class BackgroundCluster:
    """A cluster and its API server on their own thread and event loop, as ``kubetui serve`` runs them."""

    def __init__(self, seed: int = 7, speed: float = SPEED) -> None:
        self.seed = seed
        self.speed = speed
        self.url = ""
        self.loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stopped: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="kubetui-api", daemon=True)

    def start(self) -> None:
        self._thread.start()
        if not self._ready.wait(30) or self._error is not None:
            raise RuntimeError(f"the kubetui API server did not start: {self._error!r}")

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.loop.run_until_complete(self._main())
        except BaseException as exc:  # reported by start()
            self._error = exc
            self._ready.set()

    async def _main(self) -> None:
        self.cluster = Cluster(self.seed, nodes=None if HAS_MACHINES else [])
        self.driver = RealTimeDriver(self.cluster.clock, self.speed)
        self.server = ApiHttpServer(self.cluster, self.driver, port=0, bookmark_interval=1.0)
        self.url = await self.server.start()
        self._stopped = asyncio.Event()
        task = self.driver.start()
        self._ready.set()
        await self._stopped.wait()
        self.driver.stop()
        task.cancel()
        await self.server.stop()

    def stop(self) -> None:
        if self._stopped is not None:
            self.loop.call_soon_threadsafe(self._stopped.set)
        self._thread.join(15)

    def on_loop(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on the engine's thread (the only safe place to touch the cluster); return its result."""

        async def call() -> Any:
            return fn()

        return asyncio.run_coroutine_threadsafe(call(), self.loop).result(30)

    def control(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.url}/kubetui/v1/{path}", data=data, method="POST" if body is not None else "GET"
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            result: dict[str, Any] = json.loads(response.read())
            return result

    def advance(self, seconds: float) -> None:
        """Run the engine through ``seconds`` of virtual time, as fast as it can."""
        self.control("clock", {"advance": seconds})


class Kubectl:
    """Runs the real kubectl with its own kubeconfig and HOME (its discovery cache stays in a temp dir)."""

    def __init__(self, home: Path, url: str) -> None:
        self.home = home
        self.config = home / ".kube" / "kubetui.config"
        write_kubeconfig(self.config, url)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "KUBECONFIG": str(self.config),
            "KUBECTL_EXTERNAL_DIFF": "",
        }

    def __call__(
        self,
        *args: str,
        ok: bool = True,
        stdin: str | None = None,
        timeout: float = 30,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        assert KUBECTL is not None
        result = subprocess.run(
            [KUBECTL, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**self.env, **(env or {})},
            check=False,
        )
        if ok:
            assert result.returncode == 0, f"kubectl {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result

    def popen(self, *args: str) -> subprocess.Popen[str]:
        assert KUBECTL is not None
        return subprocess.Popen(
            [KUBECTL, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env
        )

    def until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 20,
        advance: float = 5,
        cluster: BackgroundCluster | None = None,
    ) -> None:
        """Poll ``predicate`` (moving virtual time ahead between tries when given the cluster)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError("condition not reached in time")
            if cluster is not None:
                cluster.advance(advance)
            else:
                time.sleep(0.2)


@pytest.fixture(scope="module")
def kubetui() -> Iterator[BackgroundCluster]:
    cluster = BackgroundCluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(scope="module")
def kubectl(kubetui: BackgroundCluster, tmp_path_factory: pytest.TempPathFactory) -> Kubectl:
    return Kubectl(tmp_path_factory.mktemp("kubectl-home"), kubetui.url)
