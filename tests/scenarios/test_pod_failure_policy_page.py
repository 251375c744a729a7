"""The "Handling retriable and non-retriable pod failures with Pod failure policy" page: a FailJob rule on an exit
code fails the Job at the first matching pod; an Ignore rule on DisruptionTarget keeps drained pods out of the count."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster


def _job(name: str, script: str, completions: int, backoff: int, rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": name}, "spec": {
        "completions": completions, "parallelism": 2, "backoffLimit": backoff, "podFailurePolicy": {"rules": rules},
        "template": {"spec": {"restartPolicy": "Never", "containers": [{
            "name": "main", "image": "docker.io/library/bash:5", "command": ["bash"], "args": ["-c", script]}]}}}}


def _conditions(cluster: Cluster, name: str) -> list[tuple[str, str, str]]:
    job = cluster.get("jobs", "default", name) or {}
    return [(c["type"], c.get("reason", ""), c.get("message", "")) for c in job["status"].get("conditions") or ()]


def test_a_fail_job_rule_fails_the_job_at_the_first_exit_code_42() -> None:
    cluster = Cluster(seed=5, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    kubectl.create("jobs", _job("job-pod-failure-policy-failjob", "echo \"Hello world! I'm going to exit with 42 to "
                                "simulate a software bug.\" && sleep 30 && exit 42", 8, 6, [
                                    {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In",
                                                                          "values": [42]}}]))
    cluster.run_for(60)
    conditions = _conditions(cluster, "job-pod-failure-policy-failjob")
    assert [c[:2] for c in conditions] == [("FailureTarget", "PodFailurePolicy"), ("Failed", "PodFailurePolicy")]
    message = conditions[1][2]
    assert message.startswith("Container main for pod default/job-pod-failure-policy-failjob-")
    assert message.endswith(" failed with exit code 42 matching FailJob rule at index 0")
    job = cluster.get("jobs", "default", "job-pod-failure-policy-failjob") or {}
    assert job["status"]["failed"] == 2  # the two that ran at once; no retry
    pods = kubectl.list("pods", "default", label_selector="job-name=job-pod-failure-policy-failjob")["items"]
    assert len(pods) == 2


def test_an_ignore_rule_keeps_a_drained_pod_out_of_the_count() -> None:
    cluster = Cluster(seed=5, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    kubectl.create("jobs", _job("job-pod-failure-policy-ignore", "echo \"Hello world! I'm going to exit with 0 "
                                "(success).\" && sleep 90 && exit 0", 4, 0, [
                                    {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget",
                                                                              "status": "True"}]}]))
    cluster.run_for(10)
    pod = kubectl.list("pods", "default", label_selector="job-name=job-pod-failure-policy-ignore")["items"][0]
    kubectl.evict("default", pod["metadata"]["name"])  # what kubectl drain does
    cluster.run_for(400)
    job = cluster.get("jobs", "default", "job-pod-failure-policy-ignore") or {}
    assert [c[0] for c in _conditions(cluster, "job-pod-failure-policy-ignore")] == ["SuccessCriteriaMet", "Complete"]
    assert job["status"]["succeeded"] == 4 and not job["status"].get("failed")  # backoffLimit 0, yet it completed
