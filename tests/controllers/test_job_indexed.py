"""Indexed Jobs: one pod per completion index, its env and downward API, completedIndexes, retries."""

from __future__ import annotations

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.controllers.job import JobController
from kubetui.controllers.job_indexed import (
    COMPLETION_INDEX_ANNOTATION,
    first_pending_indexes,
    format_intervals,
    generate_name_with_index,
    parse_intervals,
    with_ordered_indexes,
)
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from tests.controllers.test_endpoints_kit import (
    FakeKubelet,
    bare_cluster,
    condition,
    get,
    owned_pods,
    start,
    template,
)

Obj = dict


def _indexed_job(name: str = "indexed-job", completions: int | None = 5, parallelism: int = 3,
                 pod_spec: Obj | None = None, mode: str = "Indexed") -> Obj:
    spec: Obj = {"parallelism": parallelism, "completionMode": mode,
                 "template": {"spec": pod_spec} if pod_spec else template({"app": name}, restartPolicy="Never")}
    if completions is not None:
        spec["completions"] = completions
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name, "namespace": "default"},
            "spec": spec}


def _setup(**kwargs: object) -> tuple[Cluster, FakeKubelet, Obj]:
    cluster = bare_cluster()
    start(cluster, JobController)
    kubelet = FakeKubelet(cluster, "node-1")
    cluster.client("test").create("jobs", _indexed_job(**kwargs))  # type: ignore[arg-type]
    cluster.run_for(1)
    return cluster, kubelet, get(cluster, "jobs", "indexed-job")


def _live(cluster: Cluster, job: Obj) -> dict[int, Obj]:
    """Pending or Running pods by completion index."""
    pods = [p for p in owned_pods(cluster, job) if p["status"].get("phase") in ("Pending", "Running")]
    return {int(p["metadata"]["annotations"][COMPLETION_INDEX_ANNOTATION]): p for p in pods}


def _run(cluster: Cluster, kubelet: FakeKubelet, pod: Obj) -> str:
    name = pod["metadata"]["name"]
    kubelet.bind("default", name)
    kubelet.run("default", name)
    return str(name)


def test_interval_strings_as_kubernetes_writes_them() -> None:
    assert format_intervals(with_ordered_indexes([], [4, 0, 2, 1])) == "0-2,4"
    assert format_intervals(with_ordered_indexes([(0, 0)], [1])) == "0,1"
    assert format_intervals(with_ordered_indexes(parse_intervals("0-2,7", 10), [3, 5])) == "0-3,5,7"
    assert parse_intervals("1-9,x,12", 5) == [(1, 4)]
    assert first_pending_indexes([(0, 1), (4, 4)], [], 3, 7) == [2, 3, 5]
    assert first_pending_indexes([], [], 10, 2) == [0, 1]
    assert generate_name_with_index("j" * 60, 12) == "j" * 54 + "-12-"


def test_each_pod_has_its_index_name_hostname_and_env() -> None:
    cluster, _, job = _setup()
    pods = _live(cluster, job)
    assert sorted(pods) == [0, 1, 2]  # the lowest indexes, up to parallelism
    for index, pod in pods.items():
        meta = pod["metadata"]
        assert meta["generateName"] == f"indexed-job-{index}-"
        assert meta["name"].startswith(f"indexed-job-{index}-") and len(meta["name"]) == len("indexed-job-0-") + 5
        assert meta["annotations"][COMPLETION_INDEX_ANNOTATION] == str(index)
        assert meta["labels"][COMPLETION_INDEX_ANNOTATION] == str(index)
        assert pod["spec"]["hostname"] == f"indexed-job-{index}" and "subdomain" not in pod["spec"]
        (env,) = pod["spec"]["containers"][0]["env"]
        assert env == {"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
            "apiVersion": "v1", "fieldPath": f"metadata.labels['{COMPLETION_INDEX_ANNOTATION}']"}}}


def test_completed_indexes_and_the_complete_condition() -> None:
    cluster, kubelet, job = _setup()
    finished: list[int] = []
    for order in ([1], [0, 2], [3, 4]):
        for pod in _live(cluster, job).values():
            if pod["status"].get("phase") == "Pending":
                _run(cluster, kubelet, pod)
        for index in order:
            kubelet.finish("default", _live(cluster, job)[index]["metadata"]["name"])
            finished.append(index)
        cluster.run_for(2)
        status = get(cluster, "jobs", "indexed-job")["status"]
        assert status["completedIndexes"] == format_intervals(with_ordered_indexes([], finished))
        assert status["succeeded"] == len(finished)
    assert status["completedIndexes"] == "0-4"
    complete = condition({"status": status}, "Complete")
    assert complete is not None and complete["status"] == "True"
    assert "active" not in status and status["uncountedTerminatedPods"] == {}
    assert len(owned_pods(cluster, job)) == 5


def test_parallelism_caps_pods_and_the_lowest_free_index_goes_next() -> None:
    cluster, kubelet, job = _setup(parallelism=2)
    assert sorted(_live(cluster, job)) == [0, 1]
    names = {i: _run(cluster, kubelet, p) for i, p in _live(cluster, job).items()}
    kubelet.finish("default", names[1])
    cluster.run_for(2)
    assert sorted(_live(cluster, job)) == [0, 2]
    status = get(cluster, "jobs", "indexed-job")["status"]
    assert (status["completedIndexes"], status["succeeded"], status["active"]) == ("1", 1, 2)


def test_a_failed_index_is_retried_with_a_new_pod_of_the_same_index() -> None:
    cluster, kubelet, job = _setup(parallelism=2)
    first = _run(cluster, kubelet, _live(cluster, job)[1])
    kubelet.finish("default", first, exit_code=1)
    cluster.run_for(2)
    assert sorted(_live(cluster, job)) == [0]  # back-off before the replacement
    assert get(cluster, "jobs", "indexed-job")["status"]["failed"] == 1
    assert cluster.run_until(lambda: 1 in _live(cluster, job), timeout=30)
    retry = _live(cluster, job)[1]
    assert retry["metadata"]["name"] != first and retry["metadata"]["name"].startswith("indexed-job-1-")
    assert retry["spec"]["hostname"] == "indexed-job-1"


def test_a_second_pod_for_the_same_index_is_deleted() -> None:
    cluster, kubelet, job = _setup(completions=3, parallelism=1)
    (pod,) = _live(cluster, job).values()
    _run(cluster, kubelet, pod)
    extra = {k: v for k, v in pod.items() if k in ("apiVersion", "kind", "spec")}
    meta = pod["metadata"]
    extra["metadata"] = {"name": "indexed-job-0-extra", "namespace": "default", "labels": meta["labels"],
                         "annotations": meta["annotations"], "ownerReferences": meta["ownerReferences"]}
    extra["spec"] = {k: v for k, v in pod["spec"].items() if k != "nodeName"}
    cluster.client("test").create("pods", extra)
    cluster.run_for(2)
    doomed = cluster.get("pods", "default", "indexed-job-0-extra")
    assert doomed is None or doomed["metadata"].get("deletionTimestamp")
    still = cluster.get("pods", "default", meta["name"]) or {}
    assert not still["metadata"].get("deletionTimestamp")  # the Running one stays


def _busybox_job(name: str, container: Obj, volumes: list[Obj] | None = None) -> Obj:
    pod_spec: Obj = {"restartPolicy": "Never", "containers": [{"name": "worker", "image": "busybox", **container}]}
    if volumes:
        pod_spec["volumes"] = volumes
    return _indexed_job(name, completions=5, parallelism=3, pod_spec=pod_spec)


def _logs(cluster: Cluster, job: str) -> dict[str, str]:
    kubectl = cluster.client("kubectl")
    pods = cluster.objects("pods", "default", f"batch.kubernetes.io/job-name={job}")
    return {p["metadata"]["annotations"][COMPLETION_INDEX_ANNOTATION]: kubectl.logs(
        "default", p["metadata"]["name"], "worker") for p in pods}


def test_job_completion_index_env_in_a_real_cluster() -> None:
    cluster = Cluster(seed=5, nodes=default_nodes(2))
    cluster.client("kubectl").create("jobs", _busybox_job(
        "echo-index", {"command": ["sh", "-c", "echo $JOB_COMPLETION_INDEX"]}))
    cluster.run_for(60)
    assert _logs(cluster, "echo-index") == {str(i): f"{i}\n" for i in range(5)}
    status = get(cluster, "jobs", "echo-index")["status"]
    assert (status["completedIndexes"], status["succeeded"]) == ("0-4", 5)
    assert condition({"status": status}, "Complete") is not None


def test_downward_api_volume_with_the_index_annotation() -> None:
    """indexed-job-vol.yaml from the Indexed Job page (``cat`` in place of ``rev``)."""
    cluster = Cluster(seed=5, nodes=default_nodes(2))
    item = {"path": "data.txt", "fieldRef": {"fieldPath": f"metadata.annotations['{COMPLETION_INDEX_ANNOTATION}']"}}
    mounts = [{"mountPath": "/input", "name": "input"}]
    cluster.client("kubectl").create("jobs", _busybox_job(
        "indexed-job", {"command": ["cat", "/input/data.txt"], "volumeMounts": mounts},
        [{"name": "input", "downwardAPI": {"items": [item]}}]))
    cluster.run_for(60)
    logs = {i: log.rstrip("\n") for i, log in _logs(cluster, "indexed-job").items()}
    assert logs == {str(i): str(i) for i in range(5)}
    assert get(cluster, "jobs", "indexed-job")["status"]["completedIndexes"] == "0-4"


@pytest.mark.parametrize(("job", "message"), [
    (_indexed_job("needs-completions", completions=None),
     'Job.batch "needs-completions" is invalid: spec.completions: Required value: when completion mode is Indexed'),
    (_indexed_job("bad-mode", mode="Ordered"),
     'Job.batch "bad-mode" is invalid: spec.completionMode: Unsupported value: "Ordered": '
     'supported values: "NonIndexed", "Indexed"'),
])
def test_validation_messages(job: Obj, message: str) -> None:
    cluster = bare_cluster()
    with pytest.raises(ApiError) as err:
        cluster.client("kubectl").create("jobs", job)
    assert err.value.message == message
