"""What the Pilot tests share: the two demo sizes, and letting the panes catch up with the cluster."""

from __future__ import annotations

from typing import Any

from kubetui.sim.cluster import Cluster

NARROW, WIDE = (100, 30), (200, 50)  # a projector at a large font, and a wide one


async def settle(pilot: Any, cluster: Cluster, seconds: float = 0.0) -> None:
    """Run the cluster ``seconds`` of virtual time, rebuild every pane from it, and let the app repaint."""
    cluster.run_for(seconds)
    for pane in pilot.app.query("LinePane"):
        pane.refresh_items()
    await pilot.pause()
