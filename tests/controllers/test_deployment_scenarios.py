"""Deployments on the whole cluster: scheduler, kubelets, every controller, on the fast clock."""

from __future__ import annotations

from importlib.util import find_spec
from typing import Any

import pytest

from kubetui.apiserver.server import PATCH_MERGE
from kubetui.controllers import deployment_util as du
from kubetui.sim.cluster import Cluster
from tests.controllers.test_replicaset_kit import BAD_IMAGE, condition, deployment, ready

pytestmark = pytest.mark.skipif(
    find_spec("kubetui.node.machine") is None or find_spec("kubetui.scheduler.scheduler") is None,
    reason="needs the simulated nodes (kubetui.node.machine) and the scheduler (kubetui.scheduler.scheduler)",
)

Obj = dict[str, Any]


def web(replicas: int = 10, **kwargs: Any) -> Obj:
    d = deployment("web", replicas, **kwargs)
    d["spec"]["template"]["spec"]["containers"][0]["resources"] = {"requests": {"cpu": "100m"}}
    return d


def get(cluster: Cluster) -> Obj:
    d = cluster.get("deployments", "default", "web")
    assert d is not None
    return d


def complete(cluster: Cluster) -> bool:
    d = get(cluster)
    status = d.get("status") or {}
    return du.deployment_complete(d, status) and status.get("observedGeneration") == d["metadata"]["generation"]


def live_pods(cluster: Cluster) -> list[Obj]:
    return [p for p in cluster.objects("pods", "default", "app=web") if not p["metadata"].get("deletionTimestamp")
            and p.get("status", {}).get("phase") not in ("Succeeded", "Failed")]


def set_image(cluster: Cluster, image: str) -> None:
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}}}
    cluster.client("kubectl").patch("deployments", "default", "web", patch)


def test_a_rolling_update_never_leaves_the_surge_and_availability_bounds() -> None:
    cluster = Cluster(seed=21)
    cluster.client("kubectl").create("deployments", web(10, max_surge=2, max_unavailable=1))
    assert cluster.run_until(lambda: complete(cluster), 300)
    set_image(cluster, "nginx:1.28")
    most, fewest = 0, 10

    def check() -> bool:
        nonlocal most, fewest
        pods = live_pods(cluster)
        most = max(most, len(pods))
        fewest = min(fewest, sum(1 for p in pods if ready(p)))
        return complete(cluster)

    assert cluster.run_until(check, 600)
    assert most <= 12  # replicas + maxSurge
    assert fewest >= 9  # replicas - maxUnavailable
    images = {p["spec"]["containers"][0]["image"] for p in live_pods(cluster)}
    assert images == {"nginx:1.28"}


def test_a_node_killed_mid_rollout_still_ends_with_every_replica_updated_elsewhere() -> None:
    cluster = Cluster(seed=22)
    cluster.client("kubectl").create("deployments", web(10))
    assert cluster.run_until(lambda: complete(cluster), 300)
    set_image(cluster, "nginx:1.28")
    cluster.run_for(2)
    cluster.chaos("kill-node", node="node-1")
    # The node lifecycle controller evicts after the 50 s grace period and the 300 s toleration.
    assert cluster.run_until(lambda: complete(cluster) and all(
        p["spec"].get("nodeName") != "node-1" for p in live_pods(cluster)), 1500)
    pods = live_pods(cluster)
    assert len(pods) == 10 and all(ready(p) for p in pods)
    assert {p["spec"]["containers"][0]["image"] for p in pods} == {"nginx:1.28"}


def test_a_bad_image_stalls_reports_the_deadline_and_a_rollback_recovers() -> None:
    cluster = Cluster(seed=23)
    api = cluster.client("kubectl")
    api.create("deployments", web(4, max_surge=1, max_unavailable=0, progressDeadlineSeconds=60))
    assert cluster.run_until(lambda: complete(cluster), 300)
    good = du.find_new_replica_set(get(cluster), cluster.objects("replicasets", "default"))
    assert good is not None
    set_image(cluster, BAD_IMAGE)
    assert cluster.run_until(lambda: condition(get(cluster), "Progressing").get("reason") == du.TIMED_OUT, 300)
    sizes = sorted(du.spec_replicas(rs) for rs in cluster.objects("replicasets", "default"))
    assert sizes == [1, 4]  # stalled at the first surge pod; no old pod removed
    assert sum(1 for p in live_pods(cluster) if ready(p)) == 4
    template = dict(good["spec"]["template"])
    template["metadata"] = {"labels": {"app": "web"}}  # kubectl rollout undo drops the hash label
    api.patch("deployments", "default", "web", {"spec": {"template": template}}, PATCH_MERGE)
    assert cluster.run_until(lambda: complete(cluster) and len(live_pods(cluster)) == 4, 300)
    current = du.find_new_replica_set(get(cluster), cluster.objects("replicasets", "default"))
    assert current is not None and current["metadata"]["name"] == good["metadata"]["name"]
    assert condition(get(cluster), "Progressing")["reason"] == du.NEW_RS_AVAILABLE


@pytest.mark.parametrize("policy", ["Background", "Foreground"])
def test_deleting_a_deployment_takes_its_replica_sets_and_pods_along(policy: str) -> None:
    cluster = Cluster(seed=24)
    cluster.client("kubectl").create("deployments", web(3))
    assert cluster.run_until(lambda: complete(cluster), 300)
    cluster.client("kubectl").delete("deployments", "default", "web", propagation_policy=policy)
    assert cluster.run_until(lambda: not any(cluster.objects(r, "default", "app=web")
                                             for r in ("pods", "replicasets"))
                             and cluster.get("deployments", "default", "web") is None, 300)


def test_orphan_deletion_leaves_the_replica_set_and_pods_running() -> None:
    cluster = Cluster(seed=25)
    cluster.client("kubectl").create("deployments", web(3))
    assert cluster.run_until(lambda: complete(cluster), 300)
    cluster.client("kubectl").delete("deployments", "default", "web", propagation_policy="Orphan")
    assert cluster.run_until(lambda: cluster.get("deployments", "default", "web") is None, 60)
    cluster.run_for(30)
    (rs,) = cluster.objects("replicasets", "default", "app=web")
    assert not rs["metadata"].get("ownerReferences")
    pods = live_pods(cluster)
    assert len(pods) == 3 and all(p["metadata"]["ownerReferences"][0]["uid"] == rs["metadata"]["uid"] for p in pods)
