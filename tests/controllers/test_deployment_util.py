"""The Deployment arithmetic, case for case from pkg/controller/deployment/util/deployment_util_test.go."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.api.meta import timestamp
from kubetui.controllers import deployment_util as du

Obj = dict[str, Any]


def rolling(size: int, max_surge: Any, max_unavailable: Any, **status: int) -> Obj:
    return {"metadata": {"name": "nginx", "generation": 1},
            "spec": {"replicas": size, "strategy": {"type": "RollingUpdate", "rollingUpdate": {
                "maxSurge": max_surge, "maxUnavailable": max_unavailable}},
                "template": {"metadata": {"labels": {"name": "nginx"}},
                             "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}},
            "status": dict(status)}


def recreate(replicas: int = 10) -> Obj:
    return {"spec": {"replicas": replicas, "strategy": {"type": "Recreate"}}}


def rs(name: str, size: int, created: float = 0.0, annotations: dict[str, str] | None = None,
       template: Obj | None = None, **status: int) -> Obj:
    """A ReplicaSet asked for ``size`` replicas; ``status`` holds its counts (replicas=, ...)."""
    return {"metadata": {"name": name, "uid": f"uid-{name}", "creationTimestamp": timestamp(created),
                         "annotations": dict(annotations or {})},
            "spec": {"replicas": size, "template": template or {}}, "status": dict(status)}


# --- ResolveFenceposts, MaxUnavailable, MinAvailable, MaxSurge ------------------------------------
@pytest.mark.parametrize(("surge", "unavailable", "desired", "expected"), [
    ("0%", "0%", 0, (0, 1)),
    ("39%", "39%", 10, (4, 3)),
    (None, "39%", 10, (0, 3)),
    ("39%", None, 10, (4, 0)),
    (None, None, 10, (0, 1)),
    ("25%", "25%", 3, (1, 0)),
    (2, 0, 10, (2, 0)),
])
def test_resolve_fenceposts(surge: Any, unavailable: Any, desired: int, expected: tuple[int, int]) -> None:
    assert du.resolve_fenceposts(surge, unavailable, desired) == expected


@pytest.mark.parametrize(("surge", "unavailable"), [("oops", "39%"), ("55%", "urg"), ("5", 1)])
def test_resolve_fenceposts_rejects_what_is_not_an_int_or_a_percentage(surge: Any, unavailable: Any) -> None:
    with pytest.raises(ValueError, match="IntOrString"):
        du.resolve_fenceposts(surge, unavailable, 10)


@pytest.mark.parametrize(("replicas", "unavailable", "expected"), [
    (10, 5, 5), (10, 10, 10), (5, 10, 5), (0, 10, 0), (10, "50%", 5), (10, "100%", 10), (5, "100%", 5),
])
def test_max_unavailable(replicas: int, unavailable: Any, expected: int) -> None:
    assert du.max_unavailable(rolling(replicas, 1, unavailable)) == expected


def test_max_unavailable_and_surge_are_zero_for_recreate() -> None:
    assert du.max_unavailable(recreate()) == 0
    assert du.max_surge(recreate()) == 0
    assert du.min_available(recreate()) == 0


@pytest.mark.parametrize(("replicas", "unavailable", "expected"), [
    (10, 5, 5), (10, 10, 0), (5, 10, 0), (0, 10, 0), (10, "60%", 4), (10, "100%", 0), (5, "100%", 0),
])
def test_min_available(replicas: int, unavailable: Any, expected: int) -> None:
    assert du.min_available(rolling(replicas, 1, unavailable)) == expected


def test_max_surge_rounds_up_and_max_unavailable_rounds_down() -> None:
    d = rolling(10, "25%", "25%")
    assert (du.max_surge(d), du.max_unavailable(d)) == (3, 2)


# --- NewRSNewReplicas -----------------------------------------------------------------------------
@pytest.mark.parametrize(("strategy", "replicas", "new_replicas", "surge", "expected"), [
    ("RollingUpdate", 1, 5, 1, 5),  # cannot scale up: already at the new RS size
    ("RollingUpdate", 6, 2, 10, 6),  # scale up to replicas
    ("Recreate", 3, 1, 1, 3),  # recreate: to replicas
])
def test_new_rs_new_replicas(strategy: str, replicas: int, new_replicas: int, surge: int,
                             expected: int) -> None:
    d = rolling(replicas, surge, 1)
    d["spec"]["strategy"]["type"] = strategy
    assert du.new_rs_new_replicas(d, [rs("rs5", 5)], rs("new", new_replicas)) == expected


# --- counting -------------------------------------------------------------------------------------
def test_replica_counts_sum_spec_and_status() -> None:
    rs1, rs2, rs3 = rs("foo", 1, replicas=2), rs("bar", 2, replicas=3), rs("unsynced", 3, replicas=0)
    assert (du.replica_count([rs1]), du.actual_replica_count([rs1])) == (1, 2)
    assert (du.replica_count([rs1, rs2]), du.actual_replica_count([rs1, rs2])) == (3, 5)
    assert (du.replica_count([rs3]), du.actual_replica_count([rs3])) == (3, 0)
    assert (du.replica_count([rs1, rs2, rs3, None]), du.actual_replica_count([rs1, rs2, rs3, None])) == (6, 5)


# --- proportional scaling (getReplicaSetFraction, GetProportion) ----------------------------------
@pytest.mark.parametrize(("replicas", "status_replicas", "surge", "rs_replicas", "annotations", "expected"), [
    (0, 0, 0, 10, {}, -10),  # an empty deployment always scales to 0
    (10, 0, 0, 5, {}, 0),  # annotation missing and nothing to fall back on: no scaling
    (10, 0, 0, 5, {du.MAX_REPLICAS_ANNOTATION: "0"}, 0),
    (120, 100, 0, 50, {}, 10),  # annotation missing: fall back to status.replicas
    (120, 100, 0, 50, {du.MAX_REPLICAS_ANNOTATION: "0"}, 10),
    (120, 0, 0, 50, {du.MAX_REPLICAS_ANNOTATION: "100"}, 10),  # scale up by 1/5
    (120, 0, 10, 50, {du.MAX_REPLICAS_ANNOTATION: "110"}, 9),  # with surge pods, about 1/5
    (10, 0, 0, 6, {du.MAX_REPLICAS_ANNOTATION: "12"}, -1),  # scale down by 1/6
    (100, 0, 10, 50, {du.MAX_REPLICAS_ANNOTATION: "130"}, -8),
])
def test_replica_set_fraction(replicas: int, status_replicas: int, surge: int, rs_replicas: int,
                              annotations: dict[str, str], expected: int) -> None:
    d = rolling(replicas, surge, 1, replicas=status_replicas)
    assert du.replica_set_fraction(rs("nginx", rs_replicas, annotations=annotations), d) == expected


def test_get_proportion_never_distributes_more_than_is_left() -> None:
    d = rolling(120, 0, 1)
    big = rs("big", 50, annotations={du.MAX_REPLICAS_ANNOTATION: "100"})
    assert du.get_proportion(big, d, 20, 0) == 10
    assert du.get_proportion(big, d, 20, 15) == 5  # only 5 left to hand out
    assert du.get_proportion(big, d, 20, 20) == 0
    assert du.get_proportion(rs("empty", 0), d, 20, 0) == 0  # never scale up from zero
    shrink = rolling(60, 0, 1)
    assert du.get_proportion(big, shrink, -40, -35) == -5


# --- annotations ----------------------------------------------------------------------------------
def test_revision_history_is_kept_when_a_replica_set_becomes_new_again() -> None:
    d = {"metadata": {"annotations": {du.REVISION_ANNOTATION: "1", "team": "a"}}, "spec": {"replicas": 1}}
    target = rs("nginx", 1)
    for i in range(10, 20):
        next_revision = str(i + 1)
        du.set_new_replica_set_annotations(d, target, next_revision, exists=True, history_limit_chars=5)
        if i >= 12:
            assert target["metadata"]["annotations"][du.REVISION_HISTORY_ANNOTATION] == f"{i - 1},{i}"
        assert target["metadata"]["annotations"][du.REVISION_ANNOTATION] == next_revision
    assert target["metadata"]["annotations"]["team"] == "a"  # copied from the Deployment


def test_revision_never_goes_backwards() -> None:
    target = rs("nginx", 1, annotations={du.REVISION_ANNOTATION: "7"})
    changed = du.set_new_replica_set_annotations({"spec": {"replicas": 1}}, target, "3", exists=True)
    assert not changed
    assert target["metadata"]["annotations"] == {du.REVISION_ANNOTATION: "7"}


def test_skipped_annotations_are_not_copied_to_the_replica_set() -> None:
    d = {"metadata": {"annotations": {du.REVISION_ANNOTATION: "4", du.LAST_APPLIED_ANNOTATION: "{}",
                                      "keep": "me"}},
         "spec": {"replicas": 3, "strategy": {"type": "RollingUpdate",
                                              "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}}}
    target = rs("nginx", 0)
    du.set_new_replica_set_annotations(d, target, "5", exists=False)
    assert target["metadata"]["annotations"] == {"keep": "me", du.REVISION_ANNOTATION: "5",
                                                 du.DESIRED_REPLICAS_ANNOTATION: "3",
                                                 du.MAX_REPLICAS_ANNOTATION: "4"}


@pytest.mark.parametrize(("annotations", "expected"), [
    (None, True),
    ({du.DESIRED_REPLICAS_ANNOTATION: "8", du.MAX_REPLICAS_ANNOTATION: "20"}, True),
    ({du.DESIRED_REPLICAS_ANNOTATION: "10", du.MAX_REPLICAS_ANNOTATION: "16"}, True),
    ({du.DESIRED_REPLICAS_ANNOTATION: "10", du.MAX_REPLICAS_ANNOTATION: "20"}, False),
])
def test_replicas_annotations_need_update(annotations: dict[str, str] | None, expected: bool) -> None:
    target = {"metadata": {"annotations": annotations} if annotations is not None else {}}
    assert du.replicas_annotations_need_update(target, 10, 20) is expected


def test_set_replicas_annotations_and_is_saturated() -> None:
    target = rs("nginx", 1, availableReplicas=1)
    assert du.set_replicas_annotations(target, 10, 11)
    assert target["metadata"]["annotations"][du.DESIRED_REPLICAS_ANNOTATION] == "10"
    assert target["metadata"]["annotations"][du.MAX_REPLICAS_ANNOTATION] == "11"
    assert not du.set_replicas_annotations(target, 10, 11)
    target["metadata"]["annotations"][du.DESIRED_REPLICAS_ANNOTATION] = "1"
    assert du.is_saturated({"spec": {"replicas": 1}}, target)
    assert not du.is_saturated({"spec": {"replicas": 2}}, target)
    assert not du.is_saturated({"spec": {"replicas": 1}}, None)


@pytest.mark.parametrize(("value", "expected"), [
    (None, None), ("invalid", None), ("-1", None), ("0", 0), ("13", 13), (str(2**31 - 1), 2**31 - 1),
    (str(2**31), None), (str(2**32), None),
])
def test_non_negative_int32_annotation(value: str | None, expected: int | None) -> None:
    obj = {"metadata": {"annotations": {"foo": "2", **({"test": value} if value is not None else {})}}}
    assert du.non_negative_int_annotation(obj, "test") == expected


# --- templates, new and old ReplicaSets -----------------------------------------------------------
def pod_template(name: str, node: str, annotations: dict[str, str], labels: dict[str, str]) -> Obj:
    return {"metadata": {"name": name, "annotations": annotations, "labels": labels},
            "spec": {"nodeName": node}}


HASH = du.POD_TEMPLATE_HASH_LABEL


@pytest.mark.parametrize(("former", "latter", "expected"), [
    (pod_template("foo", "n", {}, {HASH: "value-1", "something": "else"}),
     pod_template("foo", "n", {}, {HASH: "value-1", "something": "else"}), True),
    (pod_template("foo", "n", {}, {HASH: "value-1", "something": "else"}),
     pod_template("foo", "n", {}, {HASH: "value-2", "something": "else"}), True),
    (pod_template("foo", "n", {}, {"something": "else"}),
     pod_template("foo", "n", {}, {HASH: "value-2", "something": "else"}), True),
    (pod_template("foo", "n", {}, {"something": "else"}),
     pod_template("foo", "n", {}, {HASH: "value-2"}), False),
    (pod_template("foo", "n", {}, {HASH: "value-1"}),
     pod_template("foo", "n", {}, {"something": "else"}), False),
    (pod_template("foo", "n", {}, {HASH: "value-1"}),
     pod_template("foo", "n", {}, {HASH: "value-1", "something": "else"}), False),
    (pod_template("foo", "n", {"former": "value"}, {HASH: "value-1", "something": "else"}),
     pod_template("foo", "n", {"latter": "value"}, {HASH: "value-1", "something": "else"}), False),
    (pod_template("foo-1", "n", {}, {HASH: "value-1", "something": "else"}),
     pod_template("foo-2", "n", {}, {HASH: "value-2", "something": "else"}), False),
    (pod_template("foo", "n-1", {}, {"something": "else"}),
     pod_template("foo", "n-2", {}, {"nothing": "else"}), False),
])
def test_equal_ignore_hash(former: Obj, latter: Obj, expected: bool) -> None:
    assert du.equal_ignore_hash(former, latter) is expected
    assert du.equal_ignore_hash(latter, former) is expected  # and in reverse order
    assert former["metadata"]["labels"] is not None  # inputs untouched


def test_empty_and_missing_fields_are_semantically_equal() -> None:
    assert du.equal_ignore_hash({"metadata": {"labels": {HASH: "x"}}, "spec": {"volumes": []}},
                                {"metadata": {}, "spec": {}})


def test_find_new_and_old_replica_sets() -> None:
    d = rolling(1, 1, 0)
    template = d["spec"]["template"]
    old_template = {"metadata": {"labels": {"name": "nginx"}},
                    "spec": {"containers": [{"name": "nginx-old-1", "image": "nginx"}]}}
    new_template = {**template, "metadata": {"labels": {"name": "nginx", HASH: "h"}}}
    new = rs("new", 1, created=60, template=new_template)
    dup_template = {**template, "metadata": {"labels": {"name": "nginx", HASH: "d"}}}
    new_dup = rs("new-dup", 0, created=0, template=dup_template)
    old = rs("old", 0, created=-60, template=old_template)
    assert du.find_new_replica_set(d, [new, old]) is new
    assert du.find_new_replica_set(d, [new, old, new_dup]) is new_dup  # the oldest of two
    assert du.find_new_replica_set(d, [old]) is None
    assert du.find_old_replica_sets(d, [new, old]) == ([], [old])
    assert du.find_old_replica_sets(d, [old]) == ([], [old])
    required, all_old = du.find_old_replica_sets(d, [old, new, new_dup])
    assert (required, all_old) == ([new], [old, new])
    assert du.find_old_replica_sets(d, [new]) == ([], [])


def test_orderings() -> None:
    a, b, c = rs("a", 3, created=0), rs("b", 3, created=10), rs("c", 5, created=5)
    assert [r["metadata"]["name"] for r in du.by_size_newer([a, b, c])] == ["c", "b", "a"]
    assert [r["metadata"]["name"] for r in du.by_size_older([a, b, c])] == ["c", "a", "b"]
    r1 = rs("r1", 0, annotations={du.REVISION_ANNOTATION: "10"})
    r2 = rs("r2", 0, annotations={du.REVISION_ANNOTATION: "9"})
    assert [r["metadata"]["name"] for r in du.by_revision([r1, r2])] == ["r2", "r1"]
    assert du.max_revision([r1, r2, rs("bad", 0, annotations={du.REVISION_ANNOTATION: "x"})]) == 10
    latest = du.find_active_or_latest(None, [rs("x", 0, created=0), rs("y", 0, created=9)])
    assert latest is not None and latest["metadata"]["name"] == "y"
    only_active = du.find_active_or_latest(rs("n", 0), [rs("o", 2)])
    assert only_active is not None and only_active["metadata"]["name"] == "o"
    assert du.find_active_or_latest(rs("n", 1), [rs("o", 2)]) is None


# --- conditions -----------------------------------------------------------------------------------
def test_set_get_and_remove_condition() -> None:
    status: Obj = {}
    available = {"type": "Available", "status": "True", "reason": "AwesomeController"}
    du.set_condition(status, available)
    assert du.get_condition(status, "Available") == available
    du.set_condition(status, {"type": "Progressing", "status": "False", "reason": "ForSomeReason",
                              "lastTransitionTime": "t1"})
    du.set_condition(status, {"type": "Progressing", "status": "True", "reason": "BecauseItIs",
                              "lastTransitionTime": "t2"})
    assert [c["type"] for c in status["conditions"]] == ["Available", "Progressing"]
    assert du.get_condition(status, "Progressing")["reason"] == "BecauseItIs"
    assert du.get_condition(status, "ReplicaFailure") is None
    du.remove_condition(status, "ReplicaFailure")
    du.remove_condition(status, "Progressing")
    assert status["conditions"] == [available]
    du.remove_condition(status, "Available")
    assert status == {}


def test_set_condition_keeps_the_transition_time_while_the_status_holds() -> None:
    status: Obj = {"conditions": [{"type": "Progressing", "status": "True", "reason": "A",
                                   "lastTransitionTime": "t0", "lastUpdateTime": "t0"}]}
    du.set_condition(status, du.new_condition("Progressing", "True", "B", "m", "t5"))
    assert du.get_condition(status, "Progressing")["lastTransitionTime"] == "t0"
    du.set_condition(status, du.new_condition("Progressing", "True", "B", "other", "t9"))
    # Same status and reason: untouched.
    assert du.get_condition(status, "Progressing")["lastUpdateTime"] == "t5"


@pytest.mark.parametrize(("desired", "current", "updated", "available", "unavailable", "surge", "expected"), [
    (5, 5, 5, 4, 1, 0, False),  # min but not all pods available
    (5, 5, 5, 3, 1, 0, False),
    (5, 5, 5, 5, 0, 0, True),
    (5, 5, 4, 5, 0, 0, False),  # all available but not all updated
    (1, 2, 1, 1, 0, 1, False),  # still running old pods
    (1, 1, 1, 0, 1, 1, False),  # a one-replica deployment that never comes up
])
def test_deployment_complete(desired: int, current: int, updated: int, available: int, unavailable: int,
                             surge: int, expected: bool) -> None:
    d = rolling(desired, surge, unavailable)
    status = {"replicas": current, "updatedReplicas": updated, "availableReplicas": available,
              "observedGeneration": 1}
    assert du.deployment_complete(d, status) is expected


@pytest.mark.parametrize(("old", "new", "expected"), [
    ((10, 4, 4, 4), (10, 6, 4, 4), True),  # updated pods
    ((10, 4, 4, 4), (10, 4, 4, 4), False),
    ((10, 4, 6, 6), (8, 4, 6, 6), True),  # old pods removed
    ((10, 7, 3, 3), (10, 6, 3, 3), False),  # fewer new pods
    ((10, 4, 7, 7), (8, 8, 5, 5), True),  # fewer overall but more new pods
    ((10, 10, 9, 8), (10, 10, 10, 8), True),  # more ready pods
    ((10, 10, 10, 9), (10, 10, 10, 10), True),  # more available pods
])
def test_deployment_progressing(old: tuple[int, ...], new: tuple[int, ...], expected: bool) -> None:
    def status(values: tuple[int, ...]) -> Obj:
        keys = ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas")
        return dict(zip(keys, values, strict=True))

    assert du.deployment_progressing({"status": status(old)}, status(new)) is expected


@pytest.mark.parametrize(("deadline", "reason", "updated_at", "now", "expected"), [
    (None, "", 69, 80, False),  # no progressDeadlineSeconds: no timeout
    (2**31 - 1, "", 69, 80, False),  # "infinite"
    (10, "", 69, 80, True),  # 11 s since the last progress
    (10, "", 71, 80, False),  # 9 s
    (10, du.NEW_RS_AVAILABLE, 0, 80, False),  # a complete deployment never times out
    (10, du.TIMED_OUT, 79, 80, True),
])
def test_deployment_timed_out(deadline: int | None, reason: str, updated_at: float, now: float,
                              expected: bool) -> None:
    d: Obj = {"spec": {} if deadline is None else {"progressDeadlineSeconds": deadline}}
    status = {"conditions": [{"type": "Progressing", "status": "True", "reason": reason,
                              "lastUpdateTime": timestamp(updated_at)}]}
    assert du.deployment_timed_out(d, status, now) is expected


def test_calculate_status_counts_and_availability() -> None:
    d = rolling(10, 2, 2)
    d["metadata"]["generation"] = 4
    old = rs("old", 6, replicas=6, readyReplicas=6, availableReplicas=6)
    new = rs("new", 4, replicas=4, readyReplicas=3, availableReplicas=2)
    status = du.calculate_status([old, new], new, d, "now")
    assert {k: v for k, v in status.items() if k != "conditions"} == {
        "observedGeneration": 4, "replicas": 10, "updatedReplicas": 4, "readyReplicas": 9,
        "availableReplicas": 8, "unavailableReplicas": 2}
    assert du.get_condition(status, "Available")["reason"] == du.MINIMUM_REPLICAS_AVAILABLE
    low = du.calculate_status([rs("old", 6, availableReplicas=5), new], new, d, "now")
    assert du.get_condition(low, "Available") == {
        "type": "Available", "status": "False", "lastUpdateTime": "now", "lastTransitionTime": "now",
        "reason": du.MINIMUM_REPLICAS_UNAVAILABLE,
        "message": "Deployment does not have minimum availability."}
