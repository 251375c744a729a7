"""Tours are data: YAML files under ``kubetui/tours/`` with narrated steps, actions and end conditions.

A step::

    - title: The scheduler picks a node
      highlight: scheduler            # pane to highlight: api, scheduler, events, nodes, workloads
      narration: |
        Text shown in the side panel.
      action: {apply: {...object...}}  # or kill-node, revive-node, scale, set-image, delete, advance, ...
      # a node is named (node-2) or found by its pod ({pod: db-0}: the node it runs or last ran on)
      until: {pods-ready: {selector: app=web, count: 3}}   # what ends the step
      timeout: 300                   # virtual seconds the condition may take
      pause: true                    # in the app, stop the clock once the step is done (n goes on)

A step that pauses keeps the lines it talks about in view (nothing scrolls them away) and the cluster
in the state it describes (a pod that is not Ready stays not Ready) for as long as the learner reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

TOURS_DIR = Path(__file__).resolve().parent

ACTIONS = (
    "apply",
    "delete",
    "scale",
    "set-image",
    "patch",
    "kill-node",
    "revive-node",
    "partition-node",
    "heal-node",
    "kill-container",
    "cordon",
    "uncordon",
    "advance",
    "request",
    "exec",
    "conflict-demo",
    "rollout-undo",
)
CONDITIONS = (
    "pods-ready",
    "pods-phase",
    "pod-waiting",
    "pod-restarts",
    "deployment-complete",
    "replicas",
    "node-condition",
    "node-taint",
    "event",
    "time",
    "pending",
    "endpoints",
    "proxy-rules",
    "manual",
)


class TourError(ValueError):
    pass


@dataclass(frozen=True)
class Step:
    title: str
    narration: str
    highlight: str = ""
    action: dict[str, Any] = field(default_factory=dict)
    until: dict[str, Any] = field(default_factory=dict)
    timeout: float = 300.0
    pause: bool = False  # stop the app's clock once the condition holds, until the learner goes on


@dataclass(frozen=True)
class Tour:
    name: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    seed: int = 1
    nodes: int = 3


def _one_key(mapping: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    if len(mapping) != 1:
        raise TourError(f"{where}: expected exactly one of {', '.join(allowed)}")
    key = next(iter(mapping))
    if key not in allowed:
        raise TourError(f"{where}: unknown {key!r}; expected one of {', '.join(allowed)}")


def load_tour(path: Path) -> Tour:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise TourError(f"{path.name}: a tour is a mapping with a list of steps")
    steps: list[Step] = []
    for index, raw in enumerate(data["steps"]):
        where = f"{path.name}: steps[{index}]"
        if not isinstance(raw, dict) or "title" not in raw or "narration" not in raw:
            raise TourError(f"{where}: a step needs a title and narration")
        action = raw.get("action") or {}
        until = raw.get("until") or {}
        if action:
            _one_key(action, ACTIONS, f"{where}.action")
        if until:
            _one_key(until, CONDITIONS, f"{where}.until")
        pause = raw.get("pause", False)
        if not isinstance(pause, bool):
            raise TourError(f"{where}.pause: expected true or false")
        steps.append(
            Step(
                title=str(raw["title"]),
                narration=str(raw["narration"]).strip(),
                highlight=str(raw.get("highlight", "")),
                action=action,
                until=until,
                timeout=float(raw.get("timeout", 300)),
                pause=pause,
            )
        )
    return Tour(
        name=path.stem,
        title=str(data.get("title", path.stem)),
        summary=str(data.get("summary", "")),
        steps=tuple(steps),
        seed=int(data.get("seed", 1)),
        nodes=int(data.get("nodes", 3)),
    )


def available_tours() -> list[Tour]:
    def order(path: Path) -> tuple[int, str]:  # 10-... after 9-...
        number = path.stem.partition("-")[0]
        return (int(number) if number.isdigit() else 1_000, path.stem)

    return [load_tour(p) for p in sorted(TOURS_DIR.glob("*.yaml"), key=order)]


def find_tour(name: str) -> Tour:
    for tour in available_tours():
        number, _, short = tour.name.partition("-")
        if name in (tour.name, number, short):
            return tour
    names = ", ".join(t.name for t in available_tours())
    raise TourError(f"no tour named {name!r}; available: {names}")
