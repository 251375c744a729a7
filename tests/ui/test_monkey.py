"""A monkey at the keyboard: hundreds of random key presses, with the cluster moving on between them.

A speaker in a live demo presses keys in orders no scripted test thinks of. Whatever the order, the
app must keep running: no key on any screen or pane may raise. The sequence is seeded, so a failure
names the seed and replays exactly.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from kubetui.sim.cluster import Cluster
from kubetui.tours.model import available_tours
from kubetui.ui.app import KubetuiApp
from tests.reliability.soak import FACTOR
from tests.ui.conftest import EXAMPLES, example_cluster

# Every key the app or its screens bind, and the keys that move around them. Left out: q and ctrl+q
# (quitting is tested on its own) and ctrl+p (the palette can run "quit").
KEYS = (
    "question_mark", "space", "s", "right_square_bracket", "left_square_bracket", "k", "r", "p", "c", "d",
    "x", "delete", "backspace", "plus", "minus", "g", "slash", "e", "h", "z", "l", "t", "n", "b", "R", "tab",
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
