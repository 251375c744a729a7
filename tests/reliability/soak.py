"""Example counts for the reliability properties: modest in CI, large for a soak.

``KUBETUI_SOAK=1`` (or ``HYPOTHESIS_PROFILE=soak``) multiplies every count by ``KUBETUI_SOAK_FACTOR``
(default 20) and lets Hypothesis pick fresh random examples instead of the fixed CI sequence:

    KUBETUI_SOAK=1 .venv/bin/pytest tests/reliability -p no:cacheprovider
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, Phase, settings

SOAK = os.environ.get("KUBETUI_SOAK", "") not in ("", "0") or os.environ.get("HYPOTHESIS_PROFILE") == "soak"
FACTOR = int(os.environ.get("KUBETUI_SOAK_FACTOR", "20")) if SOAK else 1


def examples(ci: int, **kwargs: Any) -> settings:
    """Settings for a property: ``ci`` examples normally (derandomized: the same ones every run)."""
    return settings(
        max_examples=ci * FACTOR,
        deadline=None,
        derandomize=not SOAK,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        phases=[
            phase for phase in Phase if phase != Phase.explain
        ],  # line tracing of a whole cluster is too slow
        **kwargs,
    )
