"""A monkey at the keyboard: hundreds of random key presses, with the cluster moving on between them.

A speaker in a live demo presses keys in orders no scripted test thinks of. Whatever the order, the
app must keep running: no key on any screen or pane may raise. The sequence is seeded, so a failure
names the seed and replays exactly.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kubetui.manifests.loader import ManifestFolder, node_specs_in
from kubetui.sim.cluster import Cluster
from kubetui.sim.inputs import read_session, replay_fast
from kubetui.tours.model import available_tours
from kubetui.ui.app import KubetuiApp
from tests.reliability.soak import FACTOR
from tests.ui.conftest import EXAMPLES, example_cluster

# Every key the app or its screens bind, and the keys that move around them. Left out: q and ctrl+q
# (quitting is tested on its own) and ctrl+p (the palette can run "quit").
KEYS = (
    "question_mark", "space", "s", "right_square_bracket", "left_square_bracket", "k", "r", "p", "c", "d",
    "x", "delete", "backspace", "plus", "minus", "g", "G", "slash", "e", "h", "z", "l", "t", "n", "b", "R", "tab",
    "shift+tab", "up", "down", "left", "right", "pageup", "pagedown", "home", "end", "enter", "escape", "a",
    "w", "1", "0", "f", "S",
)


SIZES = ((100, 30), (200, 50), (80, 24), (120, 36))
# A soak (KUBETUI_SOAK=1, tests/reliability/soak.py) runs more seeds, each three times as long.
CASES = [(seed, SIZES[seed % len(SIZES)]) for seed in range(2 * FACTOR)]
PRESSES = 100 if FACTOR == 1 else 300


@pytest.mark.parametrize(("seed", "size"), CASES)
async def test_random_keys_never_break_the_app(
    seed: int, size: tuple[int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Odd seeds run inside a walkthrough (n, b and R step it), even ones on the example cluster."""
    monkeypatch.chdir(tmp_path)  # S saves a screenshot in the working directory
    rng = random.Random(seed)
    if seed % 2:
        tours = available_tours()
        walk = tours[seed // 2 % len(tours)]
        cluster = Cluster(seed=walk.seed)
        app = KubetuiApp(cluster, start_driver=False, tour=walk)
    else:
        cluster = example_cluster(30)
        app = KubetuiApp(cluster, EXAMPLES, start_driver=False, api_address="http://127.0.0.1:6443")
    pressed: list[str] = []
    async with app.run_test(size=size) as pilot:
        for _ in range(PRESSES):
            key = rng.choice(KEYS)
            pressed.append(key)
            await pilot.press(key)
            if rng.random() < 0.2:
                cluster.run_for(rng.choice((1, 5, 30, 120)))
                await pilot.pause()
            assert app.is_running, f"seed {seed}: the app stopped after {pressed[-20:]}"
        for _ in range(4):  # back to the main screen, which still draws the cluster
            await pilot.press("escape")
        cluster.run_for(10)
        await pilot.pause()
        assert app.screen is app.screen_stack[0]
        assert app.query("LinePane"), f"seed {seed}: the panes are gone"


@pytest.mark.parametrize("seed", range(FACTOR))
async def test_a_recorded_monkey_session_replays_to_the_same_trace(seed: int, tmp_path: Path) -> None:
    """``kubetui record`` / ``replay`` with the app on both sides: every key that changes the cluster goes
    through the recorded input funnel, so replaying the inputs reproduces the trace byte for byte."""
    rng = random.Random(seed)
    size = SIZES[seed % len(SIZES)]
    session = tmp_path / "monkey.session"
    cluster = Cluster(seed=seed, nodes=node_specs_in(EXAMPLES))
    cluster.inputs.record_to(session, {"seed": seed, "manifest_dir": str(EXAMPLES)})
    ManifestFolder(cluster, EXAMPLES).sync()
    keys = [k for k in KEYS if k != "S"]
    async with KubetuiApp(cluster, EXAMPLES, start_driver=False).run_test(size=size) as pilot:
        cluster.run_for(30)
        for _ in range(PRESSES):
            await pilot.press(rng.choice(keys))
            if rng.random() < 0.2:
                cluster.run_for(rng.choice((1, 5, 30, 120)))
                await pilot.pause()
        cluster.run_for(5)
        cluster.inputs.close()
    header, inputs, end = read_session(session)
    assert {i.kind for i in inputs} >= {"manifests", "api"}, "the monkey changed the cluster"

    replayed = Cluster(seed=header["seed"], nodes=node_specs_in(EXAMPLES))
    ManifestFolder(replayed, EXAMPLES)  # receives the recorded syncs, never reads the folder
    initial = [i for i in inputs if i.at == 0]  # as ReplayDriver.apply_initial: before the app attaches
    for item in initial:
        replayed.inputs.apply(item)
    async with KubetuiApp(replayed, EXAMPLES, start_driver=False).run_test(size=size) as pilot:
        replay_fast(replayed, inputs[len(initial):], end)
        await pilot.pause()
    assert replayed.clock.events_run == end["at"]
    assert replayed.trace.digest() == end["trace_hash"], f"seed {seed}: the replay's trace differs"
