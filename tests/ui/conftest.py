"""A deterministic cluster for the TUI tests: fixed seed, fast clock, no real-time driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubetui.manifests.loader import ManifestFolder, node_specs_in
from kubetui.sim.cluster import Cluster
from kubetui.ui.app import KubetuiApp

EXAMPLES = Path(__file__).resolve().parents[2] / "manifests"


def example_cluster(seconds: float = 90.0) -> Cluster:
    cluster = Cluster(seed=1, nodes=node_specs_in(EXAMPLES))
    ManifestFolder(cluster, EXAMPLES).sync()
    cluster.run_for(seconds)
    return cluster


@pytest.fixture
def cluster() -> Cluster:
    return example_cluster()


@pytest.fixture
def app(cluster: Cluster) -> KubetuiApp:
    return KubetuiApp(cluster, EXAMPLES, start_driver=False, api_address="http://127.0.0.1:6443")
