"""``kubetui tour``: list the tours, run one in the app, or check one headless."""

from __future__ import annotations

import argparse

from kubetui.tours.model import TourError, available_tours, find_tour


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kubetui tour", description="Guided walkthroughs of Kubernetes.")
    parser.add_argument("name", nargs="?", help="the tour to start (number or name)")
    parser.add_argument("--headless", action="store_true", help="run it on the fast clock and report each step")
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
        print(f"{tour.title}: all {len(results)} steps reached")
        return 0
    from kubetui.ui.app import run_tour

    return run_tour(tour)
