"""kubetui's own endpoints (/kubetui/v1/clock, chaos, trace) and the ``kubetui ctl`` client."""

from __future__ import annotations

import asyncio
import io
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import redirect_stdout
from pathlib import Path

import aiohttp
import orjson
import pytest
import yaml

from kubetui import ctl
from kubetui.http.headless import run_headless
from kubetui.http.kubeconfig import write_kubeconfig
from kubetui.http.server import ApiHttpServer
from kubetui.sim.clock import RealTimeDriver
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ManifestStatus
from tests.http.conftest import Api


@pytest.fixture
async def driven() -> AsyncIterator[Api]:
    """A server whose clock has a (never started) real-time driver, as in the app."""
    cluster = Cluster(seed=3, nodes=[], scheduler=False, controllers=False)
    server = ApiHttpServer(cluster, RealTimeDriver(cluster.clock, speed=1.0), port=0)
    await server.start()
    session = aiohttp.ClientSession()
    yield Api(cluster, server, session)
    await session.close()
    await server.stop()


async def test_clock_state_pause_speed_and_advance(driven: Api) -> None:
    code, state = await driven.call("GET", "/kubetui/v1/clock")
    assert (code, state) == (200, {"now": 0.0, "speed": 1.0, "paused": False})
    _, state = await driven.call("POST", "/kubetui/v1/clock", {"paused": True})
    assert state["paused"] is True
    _, state = await driven.call("POST", "/kubetui/v1/clock", {"speed": 20})
    assert state["speed"] == 20.0
    fired: list[float] = []
    driven.cluster.clock.call_later(90, lambda: fired.append(driven.cluster.clock.now))
    _, state = await driven.call("POST", "/kubetui/v1/clock", {"advance": 120})
    assert state["now"] == 120.0 and fired == [90.0]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"advance": -1},
        {"advance": "soon"},
        {"speed": 0},
        {"paused": "yes"},
        {"rewind": 5},
        {"advance": float("inf")},
    ],
)
async def test_bad_clock_requests_are_400(driven: Api, body: dict[str, object]) -> None:
    raw = orjson.dumps(body) if body.get("advance") != float("inf") else b'{"advance": 1e999}'
    code, status = await driven.call("POST", "/kubetui/v1/clock", raw=raw)
    assert code == 400 and status["kind"] == "Status"


async def test_without_a_driver_only_advance_works(api: Api) -> None:
    assert (await api.call("GET", "/kubetui/v1/clock"))[1] == {"now": 0.0, "speed": 0.0, "paused": True}
    assert (await api.call("POST", "/kubetui/v1/clock", {"paused": False}))[0] == 400
    assert (await api.call("POST", "/kubetui/v1/clock", {"advance": 5}))[1]["now"] == 5.0


async def test_chaos_errors(api: Api) -> None:
    code, status = await api.call("POST", "/kubetui/v1/chaos", {"action": "kill-node", "node": "nope"})
    assert (code, status["message"]) == (404, 'node "nope" not found')
    code, status = await api.call(
        "POST", "/kubetui/v1/chaos", {"action": "kill-container", "namespace": "default", "pod": "ghost"}
    )
    assert code == 404 and "not running on any node" in status["message"]
    code, _ = await api.call("POST", "/kubetui/v1/chaos", {"action": "kill-node"})
    assert code == 400
    code, _ = await api.call("POST", "/kubetui/v1/chaos", {"action": 7})
    assert code == 400
    assert (await api.call("GET", "/kubetui/v1/chaos"))[0] == 405
    assert (await api.call("GET", "/kubetui/v1/nothing"))[0] == 404


async def test_chaos_reaches_the_machine(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def chaos(action: str, node: str = "", namespace: str = "", pod: str = "", container: str = "") -> str:
        calls.append((action, node or f"{namespace}/{pod}/{container}"))
        return f"{action} done"

    monkeypatch.setattr(api.cluster, "chaos", chaos)
    code, status = await api.call("POST", "/kubetui/v1/chaos", {"action": "partition-node", "node": "node-2"})
    assert (code, status["message"]) == (200, "partition-node done")
    await api.call("POST", "/kubetui/v1/chaos", {"action": "kill-container", "pod": "web-1", "container": "web"})
    assert calls == [("partition-node", "node-2"), ("kill-container", "default/web-1/web")]


async def test_trace_since_as_json_lines(api: Api) -> None:
    await api.call("GET", "/api/v1/namespaces")
    last = api.cluster.trace.last_seq
    await api.call("GET", "/api/v1/namespaces/default/pods/nope")
    async with api.session.get(f"{api.url}/kubetui/v1/trace?since={last}") as response:
        lines = (await response.read()).splitlines()
    records = [orjson.loads(line) for line in lines]
    assert [(r["kind"], r["verb"], r["code"]) for r in records] == [("api", "get", 404)]
    assert records[0]["seq"] == last + 1


async def test_trace_follow_streams_new_records(api: Api) -> None:
    async with api.session.get(f"{api.url}/kubetui/v1/trace?follow=true&since={api.cluster.trace.last_seq}") as resp:
        await api.call("GET", "/api/v1/namespaces/default/pods/ghost")
        record = orjson.loads(await asyncio.wait_for(resp.content.readline(), 5))
    assert (record["kind"], record["name"]) == ("api", "ghost")


async def test_ctl_commands(driven: Api) -> None:
    async def run(*argv: str) -> tuple[int, str]:
        out = io.StringIO()

        def call() -> int:
            with redirect_stdout(out):
                return ctl.main(["--server", driven.url, *argv])

        code = await asyncio.to_thread(call)
        return code, out.getvalue()

    assert await run("clock") == (0, "virtual time 00:00:00 (0.0s), 1x\n")
    assert (await run("pause"))[1].endswith("paused\n")
    assert (await run("speed", "5"))[1].endswith("paused\n")
    assert (await run("resume"))[1].endswith("5x\n")
    assert (await run("advance", "3725"))[1] == "virtual time 01:02:05 (3725.0s), 5x\n"
    code, _ = await run("kill-node", "nope")
    assert code == 1
    code, text = await run("trace", "--since", str(driven.cluster.trace.last_seq - 1))
    assert code == 0 and len(text.splitlines()) == 1


def test_ctl_reports_an_unreachable_server(capsys: pytest.CaptureFixture[str]) -> None:
    assert ctl.main(["--server", "http://127.0.0.1:9", "clock"]) == 1
    assert "cannot reach kubetui" in capsys.readouterr().err


def test_ctl_finds_the_server_in_the_kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "kubetui.config"
    write_kubeconfig(config, "http://127.0.0.1:7777")
    monkeypatch.setenv("KUBECONFIG", str(config))
    assert ctl.default_server() == "http://127.0.0.1:7777"


def test_write_kubeconfig(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "kube" / "kubetui.config"
    write_kubeconfig(path, "http://127.0.0.1:6443")
    config = yaml.safe_load(path.read_text())
    assert config["current-context"] == "kubetui"
    assert config["clusters"][0]["cluster"]["server"] == "http://127.0.0.1:6443"
    assert path.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(ValueError, match="refusing"):
        write_kubeconfig(tmp_path / ".kube" / "config", "http://127.0.0.1:6443")


async def test_run_headless_serves_until_cancelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        "kubetui.http.headless.build_cluster",
        lambda folder, seed: Cluster(seed, nodes=[], scheduler=False, controllers=False),
    )
    config = tmp_path / "kubetui.config"
    task = asyncio.create_task(run_headless(None, 0, 5, 10.0, config))
    for _ in range(200):
        if config.exists():
            break
        await asyncio.sleep(0.01)
    url = yaml.safe_load(config.read_text())["clusters"][0]["cluster"]["server"]
    async with aiohttp.ClientSession() as session, session.get(url + "/kubetui/v1/clock") as response:
        state = await response.json()
    assert state["speed"] == 10.0 and state["paused"] is False
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert f"export KUBECONFIG={config}" in capsys.readouterr().out


async def test_run_headless_reports_a_busy_port(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "kubetui.http.headless.build_cluster",
        lambda folder, seed: Cluster(seed, nodes=[], scheduler=False, controllers=False),
    )
    with pytest.raises(SystemExit, match=r"cannot listen on 127\.0\.0\.1"):
        await run_headless(None, api.server.port, 5, 1.0, tmp_path / "config")


async def test_clock_and_chaos_go_through_the_input_funnel(driven: Api) -> None:
    """What arrives over HTTP is an input like a key press: a recorded session replays it."""
    seen: list[tuple[str, dict[str, object], str]] = []
    driven.cluster.inputs.listeners.append(lambda item, outcome: seen.append((item.kind, item.data, outcome)))
    await driven.call("POST", "/kubetui/v1/clock", {"speed": 5, "advance": 2})
    await driven.call("POST", "/kubetui/v1/chaos", {"action": "heal-node", "node": "nope"})
    chaos = {"action": "heal-node", "node": "nope", "namespace": "", "pod": "", "container": ""}
    assert seen == [
        ("clock", {"speed": 5}, "speed 5x"),
        ("clock", {"advance": 2}, "advanced 2 s"),
        ("chaos", chaos, 'error: node "nope" not found'),
    ]


def test_kubetui_serve_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    config = tmp_path / "kubetui.config"
    command = [sys.executable, "-m", "kubetui", "serve", "--port", "0", "--kubeconfig", str(config)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        assert server.stdout is not None
        assert server.stdout.readline().startswith("kubetui: API server listening on http://127.0.0.1:")
        assert server.stdout.readline().strip() == f"export KUBECONFIG={config}"
        server.send_signal(signal.SIGTERM)
        _, err = server.communicate(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0 and "kubetui: stopped" in err


@pytest.fixture
async def serving_web() -> AsyncIterator[Api]:
    """Two nodes, a 2-replica Deployment behind a Service, ready: traffic has somewhere to go."""
    from kubetui.node.spec import default_nodes

    cluster = Cluster(seed=4, nodes=default_nodes(2))
    client = cluster.client("kubectl")
    client.create("deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}},
    }, "default")
    client.create("services", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                               "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}}, "default")
    cluster.run_for(30)
    server = ApiHttpServer(cluster, port=0)
    await server.start()
    session = aiohttp.ClientSession()
    yield Api(cluster, server, session)
    await session.close()
    await server.stop()


async def test_traffic_goes_through_kube_proxy_rules(serving_web: Api) -> None:
    api = serving_web
    code, status = await api.call("POST", "/kubetui/v1/traffic", {"service": "web", "count": 40})
    assert code == 200 and status["message"].startswith("40 requests to default/web:80 from node-1: web-")
    assert status["message"].count("web-") == 2  # both pods answered
    assert (await api.call("POST", "/kubetui/v1/traffic", {"service": "nope"}))[0] == 404
    assert (await api.call("POST", "/kubetui/v1/traffic", {"service": "web", "port": 81}))[0] == 404
    assert (await api.call("POST", "/kubetui/v1/traffic", {"service": "web", "count": "many"}))[0] == 400
    assert (await api.call("POST", "/kubetui/v1/traffic", {"service": "web", "count": 0}))[0] == 400
    assert (await api.call("POST", "/kubetui/v1/traffic", {"service": "web", "colour": "red"}))[0] == 400
    assert (await api.call("POST", "/kubetui/v1/traffic", {}))[0] == 400
    assert (await api.call("GET", "/kubetui/v1/traffic"))[0] == 405

    out = io.StringIO()

    def curl() -> int:
        with redirect_stdout(out):
            return ctl.main(["--server", api.url, "curl", "default/web", "-n", "6", "--from-node", "node-2"])

    assert await asyncio.to_thread(curl) == 0
    assert out.getvalue().startswith("6 requests to default/web:80 from node-2: web-")


async def test_trace_survives_a_file_name_that_is_not_utf8(api: Api) -> None:
    """A surrogate-escaped name (os.fsdecode of b"bad\\xffname.yaml") is sent with a backslash escape."""
    last = api.cluster.trace.last_seq
    api.cluster.trace.hashing = False  # the bus hashes after keeping the record; that part is sim/trace.py's
    api.cluster.trace.emit(ManifestStatus(path="bad\udcffname.yaml", ok=False, message="not read"))
    async with api.session.get(f"{api.url}/kubetui/v1/trace?since={last}") as response:
        assert response.status == 200
        records = [orjson.loads(line) for line in (await response.read()).splitlines()]
    assert [r["path"] for r in records if r["kind"] == "manifest"] == ["bad\\xffname.yaml"]
