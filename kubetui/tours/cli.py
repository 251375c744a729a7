"""``kubetui tour``: list the tours, run one in the app, or check one headless."""

from __future__ import annotations

import argparse
from pathlib import Path

from kubetui.tours.model import TourError, available_tours, find_tour


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kubetui tour", description="Guided walkthroughs of Kubernetes.")
    parser.add_argument("name", nargs="?", help="the tour to start (number or name)")
    parser.add_argument("--headless", action="store_true", help="run it on the fast clock and report each step")
    # the same meaning as the app's own options (kubetui/cli.py)
    parser.add_argument("--speed", type=float, default=1.0, help="virtual seconds per wall second (default 1)")
    parser.add_argument("--port", type=int, default=6443, help="port of the kubectl API (0: any free port)")
    parser.add_argument("--kubeconfig", type=Path, default=Path.home() / ".kube" / "kubetui.config",
                        help="where to write the kubeconfig for kubectl (never ~/.kube/config)")
    args = parser.parse_args(argv)
    if not args.name:
        print("Tours (start one with: kubetui tour NAME):\n")
        for tour in available_tours():
            print(f"  {tour.name:<22} {tour.title}")
            print(f"  {'':<22} {tour.summary}\n")
        return 0
    try:
        tour = find_tour(args.name)
    except TourError as err:
        print(f"kubetui tour: {err}")
        return 2
    if args.headless:
        from kubetui.tours.runner import run_headless

        try:
            results = run_headless(tour)
        except TourError as err:
            print(f"FAILED: {err}")
            return 1
        for result in results:
            print(f"  step {result.index + 1}: {result.title:<45} reached after {result.virtual_seconds:6.1f} s")
            if result.message:
                print(f"  {'':<8}{result.message}")
        print(f"{tour.title}: all {len(results)} steps reached")
        return 0
    from datetime import UTC, datetime

    from kubetui.api.meta import set_epoch
    from kubetui.ui.app import run_app

    set_epoch(datetime.now(UTC))  # as the app does: kubectl's client-side ages (describe's events) read right
    return run_app(None, tour.seed, args.speed, args.port, args.kubeconfig, tour=tour)
