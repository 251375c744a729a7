"""The Job controller: completions, parallelism, retries with back-off, backoffLimit, deadlines."""

from __future__ import annotations

from kubetui.api.meta import parse_timestamp
from kubetui.controllers.job import TRACKING_FINALIZER, JobController
from kubetui.sim.cluster import Cluster
from tests.controllers.test_endpoints_kit import (
    FakeKubelet,
    bare_cluster,
    condition,
    events,
    get,
    owned_pods,
    reconciles,
    start,
    template,
)

Obj = dict


def _job(name: str = "pi", restart: str = "Never", **spec: object) -> Obj:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"template": template({"app": name}, command=["sleep", "5"], restartPolicy=restart), **spec},
    }


def _setup(**spec: object) -> tuple[Cluster, FakeKubelet, Obj]:
    cluster = bare_cluster()
    start(cluster, JobController)
    kubelet = FakeKubelet(cluster, "node-1")
    cluster.client("test").create("jobs", _job(**spec))
    cluster.run_for(1)
    return cluster, kubelet, get(cluster, "jobs", "pi")


def _live(cluster: Cluster, job: Obj) -> list[Obj]:
    return [p for p in owned_pods(cluster, job) if p["status"].get("phase") in ("Pending", "Running")]


def _run_all(cluster: Cluster, kubelet: FakeKubelet, job: Obj) -> list[str]:
    names = []
    for pod in _live(cluster, job):
        if pod["status"].get("phase") == "Pending":
            kubelet.bind("default", pod["metadata"]["name"])
            kubelet.run("default", pod["metadata"]["name"])
        names.append(pod["metadata"]["name"])
    return names


def test_runs_to_completion_one_pod_at_a_time() -> None:
    cluster, kubelet, job = _setup(completions=2)
    (first,) = _live(cluster, job)
    labels = first["metadata"]["labels"]
    uid = job["metadata"]["uid"]
    assert labels["job-name"] == "pi" and labels["batch.kubernetes.io/job-name"] == "pi"
    assert labels["controller-uid"] == uid and labels["batch.kubernetes.io/controller-uid"] == uid
    assert first["metadata"]["finalizers"] == [TRACKING_FINALIZER]
    assert first["metadata"]["generateName"] == "pi-"
    for _ in range(2):
        (name,) = _run_all(cluster, kubelet, job)
        cluster.run_for(5)
        kubelet.finish("default", name)
        cluster.run_for(2)
    status = get(cluster, "jobs", "pi")["status"]
    assert status["succeeded"] == 2 and "active" not in status and "failed" not in status
    assert status["uncountedTerminatedPods"] == {}
    complete = condition({"status": status}, "Complete")
    assert complete is not None and complete["status"] == "True"
    # v1.32: SuccessCriteriaMet first, then Complete, both with the reason and message
    assert [(c["type"], c["reason"], c["message"]) for c in status["conditions"]] == [
        ("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "CompletionsReached", "Reached expected number of succeeded pods")]
    assert status["completionTime"] == complete["lastTransitionTime"]
    assert parse_timestamp(status["completionTime"]) is not None
    assert all(not p["metadata"].get("finalizers") for p in owned_pods(cluster, job))
    assert [e["message"] for e in events(cluster, "Completed")] == ["Job completed"]
    assert len(events(cluster, "SuccessfulCreate")) == 2


def test_parallelism_caps_running_pods_at_remaining_completions() -> None:
    cluster, kubelet, job = _setup(completions=3, parallelism=2)
    names = _run_all(cluster, kubelet, job)
    assert len(names) == 2
    cluster.run_for(2)
    status = get(cluster, "jobs", "pi")["status"]
    assert (status["active"], status["ready"], status["terminating"]) == (2, 2, 0)
    kubelet.finish("default", names[0])
    kubelet.finish("default", names[1])
    cluster.run_for(2)
    assert len(_live(cluster, job)) == 1  # only one completion left


def test_failed_pods_are_replaced_after_an_exponential_back_off() -> None:
    cluster, kubelet, job = _setup()
    created = []
    for _ in range(3):
        (name,) = _run_all(cluster, kubelet, job)
        kubelet.finish("default", name, exit_code=1)
        failed_at = cluster.clock.now
        assert cluster.run_until(lambda: len(_live(cluster, job)) == 1, timeout=120)
        created.append(round(cluster.clock.now - failed_at))
    assert created == [10, 20, 40]
    assert get(cluster, "jobs", "pi")["status"]["failed"] == 3
    assert any("back-off" in r.action for r in reconciles(cluster, "job-controller"))


def test_backoff_limit_fails_the_job() -> None:
    cluster, kubelet, job = _setup(backoffLimit=1)
    for _ in range(2):
        assert cluster.run_until(lambda: len(_live(cluster, job)) == 1, timeout=60)
        (name,) = _run_all(cluster, kubelet, job)
        kubelet.finish("default", name, exit_code=1)
        cluster.run_for(2)
    status = get(cluster, "jobs", "pi")["status"]
    failed = condition({"status": status}, "Failed")
    assert failed is not None and failed["reason"] == "BackoffLimitExceeded"
    assert failed["message"] == "Job has reached the specified backoff limit"
    assert status["failed"] == 2
    (event,) = events(cluster, "BackoffLimitExceeded")
    assert (event["type"], event["message"]) == ("Warning", "Job has reached the specified backoff limit")
    cluster.run_for(60)
    assert _live(cluster, job) == []  # no more pods


def test_on_failure_restarts_count_towards_the_backoff_limit() -> None:
    cluster, kubelet, job = _setup(restart="OnFailure", backoffLimit=2)
    (name,) = _run_all(cluster, kubelet, job)
    kubelet.restart_container("default", name)
    cluster.run_for(2)
    assert condition(get(cluster, "jobs", "pi"), "Failed") is None
    kubelet.restart_container("default", name)
    cluster.run_for(2)
    target = condition(get(cluster, "jobs", "pi"), "FailureTarget")  # the verdict, while its pod terminates
    assert target is not None and target["reason"] == "BackoffLimitExceeded"
    assert condition(get(cluster, "jobs", "pi"), "Failed") is None
    pod = cluster.get("pods", "default", name)
    assert pod is None or pod["metadata"].get("deletionTimestamp")
    for pod in _live(cluster, job):
        kubelet.finish("default", pod["metadata"]["name"], exit_code=137)  # its kubelet stops it
    cluster.run_for(2)
    failed = condition(get(cluster, "jobs", "pi"), "Failed")
    assert failed is not None and (failed["reason"], failed["message"]) == (target["reason"], target["message"])


def test_active_deadline_fails_the_job_and_stops_its_pods() -> None:
    cluster, kubelet, job = _setup(activeDeadlineSeconds=30, parallelism=2, completions=4)
    _run_all(cluster, kubelet, job)
    cluster.run_for(35)
    target = condition(get(cluster, "jobs", "pi"), "FailureTarget")
    assert target is not None and target["reason"] == "DeadlineExceeded"
    assert target["message"] == "Job was active longer than specified deadline"
    started = parse_timestamp(get(cluster, "jobs", "pi")["status"]["startTime"]) or 0.0
    assert parse_timestamp(target["lastTransitionTime"]) == started + 30
    assert all(p["metadata"].get("deletionTimestamp") for p in _live(cluster, job))
    assert condition(get(cluster, "jobs", "pi"), "Failed") is None  # while its pods terminate
    for pod in _live(cluster, job):
        kubelet.finish("default", pod["metadata"]["name"], exit_code=137)
    cluster.run_for(2)
    failed = condition(get(cluster, "jobs", "pi"), "Failed")
    assert failed is not None and failed["reason"] == "DeadlineExceeded"
    conditions = get(cluster, "jobs", "pi")["status"]["conditions"]
    assert [c["type"] for c in conditions] == ["FailureTarget", "Failed"]
    assert _live(cluster, job) == [] or all(
        p["metadata"].get("deletionTimestamp") for p in _live(cluster, job)
    )


def test_deleted_running_pod_is_counted_as_failed_and_replaced() -> None:
    cluster, kubelet, job = _setup()
    (name,) = _run_all(cluster, kubelet, job)
    cluster.client("test").delete("pods", "default", name)
    cluster.run_for(2)
    assert get(cluster, "jobs", "pi")["status"]["failed"] == 1
    assert not [p for p in _live(cluster, job) if not p["metadata"].get("deletionTimestamp")]  # back-off
    cluster.run_for(10)
    assert len([p for p in _live(cluster, job) if not p["metadata"].get("deletionTimestamp")]) == 1
