"""The ``kubetui`` command: the TUI by default, plus serve, headless, ctl, tour, record and replay."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path

SUBCOMMANDS = ("serve", "headless", "ctl", "tour", "record", "replay")
BUNDLED_EXAMPLES = Path(__file__).resolve().parent / "examples"


def default_manifest_dir() -> Path | None:
    """``./manifests`` if it exists, else the examples bundled with the package."""
    here = Path.cwd() / "manifests"
    if here.is_dir():
        return here
    return BUNDLED_EXAMPLES if BUNDLED_EXAMPLES.is_dir() else None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("manifest_dir", nargs="?", type=Path, help="folder of YAML/JSON manifests to apply and watch")
    parser.add_argument("--seed", type=int, default=1, help="seed of the one RNG: same seed + inputs = same run")
    parser.add_argument("--speed", type=float, default=1.0, help="virtual seconds per wall second (default 1)")


def _manifest_dir(arg: Path | None) -> Path | None:
    if arg is None:
        return default_manifest_dir()
    if not arg.is_dir():
        raise SystemExit(f"kubetui: {arg}: not a folder of manifests")
    return arg


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else "ui"
    if command != "ui":
        argv = argv[1:]
    if command == "ctl":
        from kubetui.ctl import main as ctl_main

        return ctl_main(argv)
    if command == "tour":
        from kubetui.tours.cli import main as tour_main

        return tour_main(argv)
    if command == "headless":
        from kubetui.sim.headless import main as headless_main

        return headless_main(argv)

    parser = argparse.ArgumentParser(
        prog=f"kubetui {command}" if command != "ui" else "kubetui",
        description="A Kubernetes cluster inside one Python process. Edit manifests, break nodes, watch it heal.",
    )
    if command in ("record", "replay"):
        parser.add_argument("session_file", type=Path, help="the recorded session (inputs, not frames)")
    _common(parser)
    parser.add_argument("--port", type=int, default=6443, help="port of the kubectl API (0: any free port)")
    parser.add_argument("--kubeconfig", type=Path, default=Path.home() / ".kube" / "kubetui.config",
                        help="where to write the kubeconfig for kubectl (never ~/.kube/config)")
    args = parser.parse_args(argv)
    if command != "replay":
        from datetime import UTC, datetime

        from kubetui.api.meta import set_epoch

        set_epoch(datetime.now(UTC))  # so kubectl's client-side ages (describe events) read right
    if command == "serve":
        from kubetui.http.headless import run_headless

        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(
                run_headless(_manifest_dir(args.manifest_dir), args.port, args.seed, args.speed, args.kubeconfig)
            )
        return 0
    from kubetui.ui.app import run_app

    return run_app(
        manifest_dir=_manifest_dir(args.manifest_dir),
        seed=args.seed,
        speed=args.speed,
        port=args.port,
        kubeconfig=args.kubeconfig,
        record=args.session_file if command == "record" else None,
        replay=args.session_file if command == "replay" else None,
    )


if __name__ == "__main__":
    raise SystemExit(main())
