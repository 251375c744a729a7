"""kubectl (over HTTP), the manifest folder and the controllers all write one Deployment at once.

kubectl does what ``kubectl annotate``/``edit`` do: GET, change, PUT with the resourceVersion it
read, and on 409 read again and retry (client-go's RetryOnConflict). Between its read and its write
the engine runs, so the deployment controller writes status and the folder re-applies an edited
file. Every stale write must be refused with 409 and no change may be lost: all of kubectl's
annotations, the folder's latest fields and the controllers' status end up in the object.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import orjson
from hypothesis import given
from hypothesis import strategies as st

from kubetui.http.server import ApiHttpServer
from kubetui.manifests.loader import ManifestFolder
from kubetui.sim.cluster import Cluster
from tests.reliability.checks import new_example
from tests.reliability.soak import examples

URL = "/apis/apps/v1/namespaces/default/deployments/web"


def manifest(replicas: int, tier: str) -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {{tier: {tier}}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        resources: {{requests: {{cpu: 100m}}}}
"""


class Folder:
    """A manifest folder with one file whose declared replicas and label change over time."""

    def __init__(self, cluster: Cluster, root: Path) -> None:
        self.root = root
        self.folder = ManifestFolder(cluster, root)
        self.replicas, self.tier = 2, "v0"
        self.changes = 0

    def edit(self, replicas: int, tier: str) -> None:
        self.changes += (replicas, tier) != (self.replicas, self.tier)
        self.replicas, self.tier = replicas, tier
        (self.root / "web.yaml").write_text(manifest(replicas, tier))
        self.folder.sync()
        assert not self.folder.errors


async def kubectl_annotate(
    session: aiohttp.ClientSession, base: str, cluster: Cluster, key: str, delays: list[float], between: Any
) -> int:
    """GET, annotate, PUT; on 409 retry. Returns how many conflicts it met."""
    conflicts = 0
    for attempt in range(50):
        async with session.get(base + URL) as r:
            assert r.status == 200
            obj = orjson.loads(await r.read())
        cluster.run_for(delays[attempt % len(delays)])  # the world moves on between read and write
        between()
        obj["metadata"].setdefault("annotations", {})[key] = "set"
        async with session.put(
            base + URL, data=orjson.dumps(obj), headers={"Content-Type": "application/json"}
        ) as r:
            if r.status == 200:
                return conflicts
            status = orjson.loads(await r.read())
            assert (r.status, status["reason"]) == (409, "Conflict"), status
            assert "the object has been modified" in status["message"]
            conflicts += 1
    raise AssertionError(f"{key}: still conflicting after 50 tries")


async def scenario(tmp: Path, delays: list[float], edits: list[tuple[int, int]]) -> None:
    new_example()
    cluster = Cluster(seed=4)
    folder = Folder(cluster, tmp)
    folder.edit(2, "v0")
    cluster.run_for(30)
    server = ApiHttpServer(cluster, driver=None, port=0)
    await server.start()
    conflicts = 0
    changed_between = 0
    keys = [f"kubetui.dev/edit-{i}" for i in range(len(edits))]
    try:
        async with aiohttp.ClientSession() as session:
            for key, (replicas, when) in zip(keys, edits, strict=True):

                def between(replicas: int = replicas, when: int = when, key: str = key) -> None:
                    nonlocal changed_between
                    if when == 1:  # the folder re-applies an edited file between kubectl's read and write
                        before = folder.changes
                        folder.edit(replicas, f"t{key[-1]}")
                        changed_between += folder.changes - before

                conflicts += await kubectl_annotate(session, server.url, cluster, key, delays, between)
                if when == 2:  # or after it
                    folder.edit(replicas, f"after{key[-1]}")
    finally:
        await server.stop()
    cluster.run_for(120)
    web = cluster.get("deployments", "default", "web")
    assert web is not None
    annotations = web["metadata"].get("annotations") or {}
    assert all(annotations.get(k) == "set" for k in keys), annotations  # no kubectl edit lost
    assert web["spec"]["replicas"] == folder.replicas  # the folder's latest apply stands
    assert web["metadata"]["labels"] == {"tier": folder.tier}
    status = web.get("status") or {}
    assert status.get("observedGeneration") == web["metadata"]["generation"]
    assert status.get("availableReplicas") == folder.replicas  # and the controllers' status is current
    if changed_between:
        assert conflicts > 0, "a write after the folder changed the object must have met a conflict"


@examples(10)
@given(
    st.lists(st.sampled_from([0.0, 0.5, 2.0, 5.0]), min_size=1, max_size=4),
    st.lists(st.tuples(st.integers(1, 4), st.integers(0, 2)), min_size=1, max_size=4),
)
def test_no_update_is_lost_when_everyone_writes_at_once(
    delays: list[float], edits: list[tuple[int, int]]
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(scenario(Path(tmp), delays, edits))


def test_a_stale_write_is_refused_even_when_only_status_changed() -> None:
    """The status subresource bumps the resourceVersion too: an update from before it is a conflict."""
    cluster = Cluster(seed=6, nodes=[], scheduler=False, controllers=False)
    kubectl, controller = cluster.client("kubectl"), cluster.client("deployment-controller")
    kubectl.create(
        "configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}, "default"
    )
    created = kubectl.create(
        "deployments",
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]},
                },
            },
        },
    )
    fresh = controller.get("deployments", "default", "web")
    fresh["status"] = {"observedGeneration": 1}
    controller.update_status("deployments", fresh)
    created["spec"]["replicas"] = 5
    from kubetui.apiserver.errors import ApiError

    try:
        kubectl.update("deployments", created)
    except ApiError as err:
        assert err.code == 409
    else:
        raise AssertionError("a write based on a stale resourceVersion must be refused")
    assert cluster.get("deployments", "default", "web")["status"] == {"observedGeneration": 1}  # type: ignore[index]
