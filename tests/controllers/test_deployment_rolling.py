"""The Deployment controller's scaling steps against a recording client.

The tables are those of pkg/controller/deployment/rolling_test.go (reconcileNewReplicaSet,
reconcileOldReplicaSets, cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate) and
sync_test.go (TestScale, TestDeploymentController_cleanupDeployment). As with client-go's fake
clientset, nothing is stored: the tests look at the writes the controller asked for.
"""

from __future__ import annotations

import random
from typing import Any, cast

import pytest

from kubetui.api.meta import timestamp
from kubetui.apiserver.codec import deep_copy
from kubetui.controllers import deployment_util as du
from kubetui.controllers.deployment import DeploymentController
from kubetui.sim.clock import Clock
from kubetui.sim.trace import TraceBus

Obj = dict[str, Any]
NEW, OLD, OLDER = 7200.0, 3600.0, 0.0  # creation times


class RecordingClient:
    """Records every write (events aside) and answers it with the object as sent."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.writes: list[tuple[str, str, Any]] = []

    def now_iso(self) -> str:
        return timestamp(self.clock.now)

    def update(self, resource: str, obj: Obj) -> Obj:
        self.writes.append(("update", resource, deep_copy(obj)))
        return cast(Obj, deep_copy(obj))

    def update_status(self, resource: str, obj: Obj) -> Obj:
        return self.update(resource, obj)

    def create(self, resource: str, obj: Obj, namespace: str = "") -> Obj:
        if resource != "events":
            self.writes.append(("create", resource, deep_copy(obj)))
        return obj

    def delete(self, resource: str, namespace: str, name: str, **_: Any) -> Obj:
        self.writes.append(("delete", resource, name))
        return {}

    def rs_updates(self) -> list[Obj]:
        return [obj for verb, resource, obj in self.writes if verb == "update" and resource == "replicasets"]


def controller() -> tuple[DeploymentController, RecordingClient]:
    client = RecordingClient()
    dc = DeploymentController(cast(Any, client), cast(Any, None), TraceBus(lambda: 0.0), random.Random(0))
    dc._actions = []
    return dc, client


def new_deployment(replicas: int, max_surge: Any = 0, max_unavailable: Any = 0,
                   history: int | None = None) -> Obj:
    """newDeployment (deployment_controller_test.go): RollingUpdate, maxSurge and maxUnavailable 0."""
    spec: Obj = {"replicas": replicas, "selector": {"matchLabels": {"foo": "bar"}},
                 "strategy": {"type": "RollingUpdate",
                              "rollingUpdate": {"maxSurge": max_surge, "maxUnavailable": max_unavailable}},
                 "template": {"metadata": {"labels": {"foo": "bar"}}, "spec": {"containers": []}}}
    if history is not None:
        spec["revisionHistoryLimit"] = history
    return {"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "foo", "namespace": "default", "uid": "uid-foo", "annotations": {}},
            "spec": spec}


def rs(name: str, replicas: int, created: float = NEW, available: int = 0, actual: int = 0) -> Obj:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": "default", "uid": f"uid-{name}",
                         "creationTimestamp": timestamp(created)},
            "spec": {"replicas": replicas, "template": {}},
            "status": {"availableReplicas": available, "replicas": actual}}


# --- rolling_test.go ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("replicas", "surge", "old", "new", "expected"), [
    (10, 0, 10, 0, None),  # should not scale up
    (10, 2, 10, 0, 2),
    (10, 2, 5, 0, 7),
    (10, 2, 10, 2, None),
    (10, 2, 2, 11, 10),  # should scale down
])
def test_reconcile_new_replica_set(replicas: int, surge: int, old: int, new: int,
                                   expected: int | None) -> None:
    dc, client = controller()
    new_rs, old_rs = rs("foo-v2", new), rs("foo-v1", old)
    scaled = dc._reconcile_new_replicaset([new_rs, old_rs], new_rs, new_deployment(replicas, surge, 0))
    if expected is None:
        assert not scaled
        assert client.writes == []
        return
    assert scaled
    assert [du.spec_replicas(u) for u in client.rs_updates()] == [expected]


@pytest.mark.parametrize(("replicas", "unavailable", "old", "new", "ready_old", "ready_new", "scaled"), [
    (10, 0, 10, 0, 10, 0, True),
    (10, 2, 10, 0, 10, 0, True),
    (10, 2, 10, 0, 8, 0, True),  # unhealthy replicas of the old ReplicaSet are cleaned up
    (10, 2, 10, 0, 9, 0, True),  # one unhealthy cleaned up and one ready scaled down
    (10, 2, 8, 2, 8, 0, False),  # unavailable new pods keep the old ones
])
def test_reconcile_old_replica_sets(replicas: int, unavailable: int, old: int, new: int, ready_old: int,
                                    ready_new: int, scaled: bool) -> None:
    dc, _ = controller()
    new_rs = rs("foo-new", new, available=ready_new)
    old_rs = rs("foo-old", old, created=OLD, available=ready_old)
    d = new_deployment(replicas, 0, unavailable)
    assert dc._reconcile_old_replicasets([old_rs, new_rs], [old_rs], new_rs, d) is scaled


@pytest.mark.parametrize(("old", "ready", "max_cleanup", "expected"), [
    (10, 8, 1, 1), (10, 8, 3, 2), (10, 8, 0, 0), (10, 10, 3, 0),
])
def test_cleanup_unhealthy_replicas(old: int, ready: int, max_cleanup: int, expected: int) -> None:
    dc, client = controller()
    _, cleaned = dc._cleanup_unhealthy_replicas([rs("foo-v2", old, available=ready)],
                                                new_deployment(10, 2, 2), max_cleanup)
    assert cleaned == expected
    assert [du.spec_replicas(u) for u in client.rs_updates()] == ([old - expected] if expected else [])


@pytest.mark.parametrize(("unavailable", "ready", "old", "expected"), [
    (0, 10, 10, 9), (2, 10, 10, 8), (2, 8, 10, None), (2, 10, 0, None), (2, 1, 10, None),
])
def test_scale_down_old_replica_sets_for_rolling_update(unavailable: int, ready: int, old: int,
                                                        expected: int | None) -> None:
    dc, client = controller()
    old_rs = rs("foo-v2", old, available=ready)
    scaled = dc._scale_down_old_for_rolling_update([old_rs], [old_rs], new_deployment(10, 0, unavailable))
    if expected is None:
        assert scaled == 0
        return
    assert scaled > 0
    assert [du.spec_replicas(u) for u in client.rs_updates()] == [expected]


# --- sync_test.go TestScale ---------------------------------------------------------------------------------
SCALE_CASES = [
    # name, (replicas, surge), (old replicas, old surge), new RS, old RSs, expected new, expected old
    ("normal scaling event: 10 -> 12", (12, 0), (10, 0), ("foo-v1", 10, NEW), [], 12, []),
    ("normal scaling event: 10 -> 5", (5, 0), (10, 0), ("foo-v1", 10, NEW), [], 5, []),
    ("proportional scaling: 5 -> 10", (10, 0), (5, 0), ("foo-v2", 2, NEW), [("foo-v1", 3, OLD)], 4, [6]),
    ("proportional scaling: 5 -> 3", (3, 0), (5, 0), ("foo-v2", 2, NEW), [("foo-v1", 3, OLD)], 1, [2]),
    ("proportional scaling: 9 -> 4", (4, 0), (9, 0), ("foo-v2", 8, NEW), [("foo-v1", 1, OLD)], 4, [0]),
    ("proportional scaling: 7 -> 10", (10, 0), (7, 0), ("foo-v3", 2, NEW),
     [("foo-v2", 3, OLD), ("foo-v1", 2, OLDER)], 3, [4, 3]),
    ("proportional scaling: 13 -> 8", (8, 0), (13, 0), ("foo-v3", 2, NEW),
     [("foo-v2", 8, OLD), ("foo-v1", 3, OLDER)], 1, [5, 2]),
    ("leftover distribution: 3 -> 4", (4, 0), (3, 0), ("foo-v3", 1, NEW),
     [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], 2, [1, 1]),
    ("leftover distribution: 3 -> 2", (2, 0), (3, 0), ("foo-v3", 1, NEW),
     [("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], 1, [1, 0]),
    ("proportional scaling (no new rs): 4 -> 5", (5, 0), (4, 0), None,
     [("foo-v2", 2, OLD), ("foo-v1", 2, OLDER)], None, [3, 2]),
    ("proportional scaling: 6 -> 0", (0, 0), (6, 0), ("foo-v3", 3, NEW),
     [("foo-v2", 2, OLD), ("foo-v1", 1, OLDER)], 0, [0, 0]),
    ("proportional scaling: 0 -> 6", (6, 0), (6, 0), ("foo-v3", 0, NEW),
     [("foo-v2", 0, OLD), ("foo-v1", 0, OLDER)], 6, [0, 0]),
    ("deployment with surge pods", (20, 2), (10, 2), ("foo-v2", 6, NEW), [("foo-v1", 6, OLD)], 11, [11]),
    ("change both surge and size", (50, 6), (10, 3), ("foo-v2", 5, NEW), [("foo-v1", 8, OLD)], 22, [34]),
]


@pytest.mark.parametrize(("name", "now", "before", "new", "olds", "expected_new", "expected_old"),
                         SCALE_CASES,
                         ids=[c[0] for c in SCALE_CASES])
def test_scale(name: str, now: tuple[int, int], before: tuple[int, int], new: tuple[str, int, float] | None,
               olds: list[tuple[str, int, float]], expected_new: int | None, expected_old: list[int]) -> None:
    dc, client = controller()
    old_d = new_deployment(before[0], before[1])
    new_rs = rs(*new) if new is not None else None
    old_rss = [rs(*o) for o in olds]
    for target in [*old_rss, new_rs]:
        if target is not None:  # sized by the deployment before the scaling event
            du.set_replicas_annotations(target, before[0], before[0] + du.max_surge(old_d))
    dc._scale(new_deployment(now[0], now[1]), new_rs, old_rss)
    sizes = {r["metadata"]["name"]: du.spec_replicas(r) for r in [*old_rss, new_rs] if r is not None}
    sizes.update({u["metadata"]["name"]: du.spec_replicas(u) for u in client.rs_updates()})
    if new is not None:
        assert sizes[new[0]] == expected_new
    assert [sizes[o[0]] for o in olds] == expected_old


def test_scale_with_a_template_change_scales_the_old_replica_sets_proportionally() -> None:
    """TestScale "change both size and template": no new ReplicaSet yet, 10 -> 14."""
    dc, client = controller()
    old_rss = [rs("foo-v2", 7, NEW), rs("foo-v1", 3, OLD)]
    for target in old_rss:
        du.set_replicas_annotations(target, 10, 10)
    d = new_deployment(14)
    d["spec"]["template"]["metadata"]["labels"]["another"] = "label"
    dc._scale(d, None, old_rss)
    assert [(u["metadata"]["name"], du.spec_replicas(u)) for u in client.rs_updates()] == [
        ("foo-v2", 10), ("foo-v1", 4)]


def test_saturated_but_broken_new_replica_set_does_not_affect_old_pods() -> None:
    dc, client = controller()
    new_rs, old_rs = rs("foo-v2", 2, NEW, available=0), rs("foo-v1", 1, OLD)
    for target in (new_rs, old_rs):
        du.set_replicas_annotations(target, 2, 3)
    dc._scale(new_deployment(2, 1, 1), new_rs, [old_rs])
    assert client.rs_updates() == []


# --- sync_test.go TestDeploymentController_cleanupDeployment -------------------------------------------
def with_status(name: str, spec_replicas: int, status_replicas: int, deleting: bool = False) -> Obj:
    obj = rs(name, spec_replicas, actual=status_replicas)
    if deleting:
        obj["metadata"]["deletionTimestamp"] = timestamp(0)
    return obj


@pytest.mark.parametrize(("old", "limit", "deleted"), [
    ([("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], 1, 2),
    ([("foo-1", 0, 0), ("foo-2", 0, 1), ("foo-3", 1, 0), ("foo-4", 1, 1)], 0, 1),  # only 0/0 ones
    ([("foo-1", 0, 0), ("foo-2", 0, 0)], 0, 2),
    ([("foo-1", 1, 1), ("foo-2", 1, 1)], 0, 0),
    ([("foo-1", 0, 0, True)], 0, 0),  # already being deleted
    ([("foo-1", 0, 0), ("foo-2", 0, 0), ("foo-3", 0, 0)], 2**31 - 1, 0),  # unlimited history
])
def test_cleanup_deployment(old: list[tuple[Any, ...]], limit: int, deleted: int) -> None:
    dc, client = controller()
    dc._cleanup(new_deployment(1, history=limit), [with_status(*o) for o in old])
    assert len([w for w in client.writes if w[0] == "delete"]) == deleted
