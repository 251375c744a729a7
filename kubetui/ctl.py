"""``kubetui ctl``: drive a running kubetui (``kubetui`` or ``kubetui serve``) from a shell.

    kubetui ctl clock                     # virtual time, speed, paused?
    kubetui ctl pause | resume | speed 10 | advance 60
    kubetui ctl kill-node node-2          # also revive-node, partition-node, heal-node
    kubetui ctl kill-container default/web-7d4b9c-x2x9z [web]
    kubetui ctl curl web --count 20       # connections to a Service through a node's kube-proxy rules
    kubetui ctl trace --since 120 --follow

It talks to the ``/kubetui/v1/`` endpoints of the API server; ``--server`` defaults to the
server of the kubetui kubeconfig (``$KUBECONFIG`` or ``~/.kube/kubetui.config``), else
``http://127.0.0.1:6443``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

DEFAULT_SERVER = "http://127.0.0.1:6443"
NODE_ACTIONS = ("kill-node", "revive-node", "partition-node", "heal-node", "exhaust-memory")


class CtlError(Exception):
    """A failed request, already worded for the user."""


def default_server() -> str:
    """The server of the kubetui kubeconfig, if there is one."""
    candidates = [Path(p) for p in os.environ.get("KUBECONFIG", "").split(os.pathsep) if p]
    candidates.append(Path.home() / ".kube" / "kubetui.config")
    for path in candidates:
        try:
            config = yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError):
            continue
        for cluster in (config or {}).get("clusters") or ():
            if isinstance(cluster, dict) and cluster.get("name") == "kubetui":
                server = (cluster.get("cluster") or {}).get("server")
                if isinstance(server, str):
                    return server
    return DEFAULT_SERVER


def _request(
    server: str, method: str, path: str, body: dict[str, Any] | None = None, timeout: float | None = 30.0
) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{server.rstrip('/')}/kubetui/v1/{path}",
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "User-Agent": "kubetui-ctl"},
    )
    try:
        return urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read()).get("message") or exc.reason
        except (ValueError, AttributeError):
            message = exc.reason
        raise CtlError(f"error: {message}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise CtlError(
            f"error: cannot reach kubetui at {server}: {getattr(exc, 'reason', exc)} "
            "(is `kubetui` or `kubetui serve` running?)"
        ) from exc


def _json(server: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    with _request(server, method, path, body) as response:
        result: dict[str, Any] = json.loads(response.read())
        return result


def format_clock(state: dict[str, Any]) -> str:
    seconds = int(state.get("now", 0))
    hms = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    speed = "paused" if state.get("paused") else f"{state.get('speed', 0):g}x"
    return f"virtual time {hms} ({state.get('now', 0):.1f}s), {speed}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kubetui ctl", description="Control a running kubetui cluster.")
    parser.add_argument(
        "--server", default=None, help="kubetui API URL (default: from the kubetui kubeconfig)"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("clock", help="show virtual time, speed and whether the clock is paused")
    commands.add_parser("pause", help="pause the virtual clock")
    commands.add_parser("resume", help="resume the virtual clock")
    speed = commands.add_parser("speed", help="set the speed (virtual seconds per wall second)")
    speed.add_argument("factor", type=float)
    advance = commands.add_parser("advance", help="run the engine through SECONDS of virtual time at once")
    advance.add_argument("seconds", type=float)
    for action in NODE_ACTIONS:
        node = commands.add_parser(action, help=f"{action.replace('-', ' ')} (a fault on the machine)")
        node.add_argument("node")
    kill = commands.add_parser("kill-container", help="kill a container: NAMESPACE/POD [CONTAINER]")
    kill.add_argument("pod", help="NAMESPACE/POD (or POD in default)")
    kill.add_argument("container", nargs="?", default="")
    curl = commands.add_parser("curl", help="send connections to a Service through a node's kube-proxy rules")
    curl.add_argument("service", help="SERVICE or NAMESPACE/SERVICE")
    curl.add_argument("--port", type=int, default=None, help="the Service port (default: its first)")
    curl.add_argument("--count", "-n", type=int, default=10, help="how many connections (default 10)")
    curl.add_argument("--from-node", default="", help="the node they start from (default: the first running)")
    trace = commands.add_parser("trace", help="print trace records as JSON lines")
    trace.add_argument("--since", type=int, default=0, help="only records after this sequence number")
    trace.add_argument("--follow", "-f", action="store_true", help="keep printing new records")
    return parser


def run(args: argparse.Namespace) -> str | None:
    """Carry out one command; returns what to print (trace output is streamed directly)."""
    server = args.server or default_server()
    command = args.command
    if command == "clock":
        return format_clock(_json(server, "GET", "clock"))
    if command in ("pause", "resume"):
        return format_clock(_json(server, "POST", "clock", {"paused": command == "pause"}))
    if command == "speed":
        return format_clock(_json(server, "POST", "clock", {"speed": args.factor}))
    if command == "advance":
        return format_clock(_json(server, "POST", "clock", {"advance": args.seconds}))
    if command in NODE_ACTIONS:
        return str(_json(server, "POST", "chaos", {"action": command, "node": args.node}).get("message", ""))
    if command == "kill-container":
        namespace, _, pod = args.pod.rpartition("/")
        body = {
            "action": "kill-container",
            "namespace": namespace or "default",
            "pod": pod,
            "container": args.container,
        }
        return str(_json(server, "POST", "chaos", body).get("message", ""))
    if command == "curl":
        namespace, _, service = args.service.rpartition("/")
        body = {"service": service, "namespace": namespace or "default", "count": args.count, "node": args.from_node}
        if args.port is not None:
            body["port"] = args.port
        return str(_json(server, "POST", "traffic", body).get("message", ""))
    query = f"trace?since={args.since}" + ("&follow=true" if args.follow else "")
    with _request(server, "GET", query, timeout=None if args.follow else 30.0) as response:
        for line in response:
            sys.stdout.write(line.decode())
            sys.stdout.flush()
    return None


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        output = run(args)
    except CtlError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    if output:
        print(output)
    return 0
