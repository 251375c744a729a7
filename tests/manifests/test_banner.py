"""A manifest error reaches the TUI's red banner exactly as the loader words it."""

from __future__ import annotations

from pathlib import Path

from kubetui.manifests.loader import ManifestFolder
from kubetui.sim.cluster import Cluster
from kubetui.ui.app import ErrorBanner, KubetuiApp

ROOT = Path("/nonexistent-kubetui-banner")
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: nginx}]
"""


async def banner_after(files: dict[str, str]) -> tuple[str, list[str]]:
    """The banner's text once the folder has synced ``files``, and the loader's errors."""
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    folder = ManifestFolder(cluster, ROOT)
    app = KubetuiApp(cluster, ROOT, start_driver=False, api_address="http://127.0.0.1:6443")
    async with app.run_test(size=(200, 40)) as pilot:
        folder.apply_snapshot(files)
        await pilot.pause(0.4)
        shown = str(app.query_one(ErrorBanner).render())
    return shown, [f"✖ {error}" for error in folder.errors.values()]


async def test_banner_shows_file_line_column_and_kubectls_message() -> None:
    shown, expected = await banner_after({"web.yaml": DEPLOYMENT})
    assert expected == [
        "✖ web.yaml:6:13: The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: "
        "must be greater than or equal to 0"
    ]
    assert shown == expected[0]


async def test_banner_shows_brackets_in_messages_as_typed() -> None:
    configmap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "[b]x"\n---\n'
    shown, expected = await banner_after(
        {"a.yaml": configmap, "b.yaml": configmap.replace("[b]x", "[/x]")}
    )
    assert "[a-z0-9]" in expected[0]
    # as typed, not taken for Rich markup (the banner wraps the long errors at the screen's width)
    assert '"[b]x"' in shown and '"[/x]"' in shown and "[a-z0-9]" in shown, shown
