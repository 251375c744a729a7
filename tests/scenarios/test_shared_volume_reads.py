"""A container's own command reads what another container wrote to a shared volume, and the other way round.

The official "Indexed Job for Parallel Processing with Static Work Assignment" page: a bash init container picks
its item from an array by JOB_COMPLETION_INDEX and writes it to an emptyDir; the worker ``rev``s that file.
"""

from __future__ import annotations

from typing import Any

import yaml

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster

INDEXED_JOB = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: 'indexed-job'
spec:
  completions: 5
  parallelism: 3
  completionMode: Indexed
  template:
    spec:
      restartPolicy: Never
      initContainers:
      - name: 'input'
        image: 'docker.io/library/bash'
        command:
        - "bash"
        - "-c"
        - |
          items=(foo bar baz qux xyz)
          echo ${items[$JOB_COMPLETION_INDEX]} > /input/data.txt
        volumeMounts:
        - mountPath: /input
          name: input
      containers:
      - name: 'worker'
        image: 'docker.io/library/busybox'
        command:
        - "rev"
        - "/input/data.txt"
        volumeMounts:
        - mountPath: /input
          name: input
      volumes:
      - name: input
        emptyDir: {}
"""


def _pod(name: str, init: list[dict[str, Any]], containers: list[dict[str, Any]]) -> dict[str, Any]:
    mount = [{"name": "shared", "mountPath": "/shared"}]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
            "spec": {"restartPolicy": "Never",
                     "initContainers": [{**c, "volumeMounts": mount} for c in init],
                     "containers": [{**c, "volumeMounts": mount} for c in containers],
                     "volumes": [{"name": "shared", "emptyDir": {}}]}}


def _sh(name: str, script: str, image: str = "busybox") -> dict[str, Any]:
    return {"name": name, "image": image, "command": ["sh", "-c", script]}


def test_the_indexed_job_page_reverses_each_pods_item() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    kubectl.create("jobs", {**yaml.safe_load(INDEXED_JOB)})
    cluster.run_for(120)
    job = cluster.get("jobs", "default", "indexed-job") or {}
    assert job["status"].get("completedIndexes") == "0-4" and job["status"].get("succeeded") == 5
    logs = {}
    for pod in cluster.objects("pods", "default", "batch.kubernetes.io/job-name=indexed-job"):
        index = int(pod["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"])
        logs[index] = kubectl.logs("default", pod["metadata"]["name"], "worker")
        assert kubectl.logs("default", pod["metadata"]["name"], "input") == ""
    assert logs == {0: "oof\n", 1: "rab\n", 2: "zab\n", 3: "xuq\n", 4: "zyx\n"}


def test_the_main_container_reads_what_its_init_container_wrote() -> None:
    cluster = Cluster(seed=4, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _pod("reader", [_sh("init", "echo foo > /shared/data.txt; echo two >> /shared/data.txt")],
                                [_sh("main", "cat /shared/data.txt; rev /shared/data.txt; "
                                             "[ -e /shared/data.txt ] && echo exists; test -f /shared/data.txt && "
                                             "echo file; test -f /shared/none || echo none; ls /shared; "
                                             "echo \"got $(head -1 /shared/data.txt)\"; "
                                             "if [ \"$(cat /shared/data.txt | head -1)\" = foo ]; then echo same; fi; "
                                             "grep -c o /shared/data.txt")]))
    cluster.run_for(30)
    assert kubectl.logs("default", "reader", "main") == (
        "foo\ntwo\noof\nowt\nexists\nfile\nnone\ndata.txt\ngot foo\nsame\n2\n")
    assert (cluster.get("pods", "default", "reader") or {})["status"]["phase"] == "Succeeded"


def test_what_pid_1_writes_reaches_its_neighbours_and_kubectl_exec() -> None:
    cluster = Cluster(seed=4, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _pod("writer", [], [
        _sh("producer", "echo hello > /shared/msg; sleep 3600"),
        _sh("consumer", "sleep 5; cat /shared/msg; sleep 3600"),
    ]))
    cluster.run_for(30)
    assert cluster.exec("writer", ["cat", "/shared/msg"], container="producer") == "hello\n"
    assert cluster.exec("writer", ["cat", "/shared/msg"], container="consumer") == "hello\n"
    assert kubectl.logs("default", "writer", "consumer") == "hello\n"


def test_a_command_reads_the_volume_as_it_is_when_the_line_runs() -> None:
    """A file a sidecar writes later is not in a line printed before; a loop's later passes print it."""
    cluster = Cluster(seed=4, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _pod("timing", [_sh("seed", "echo v1 > /shared/state")], [
        _sh("sidecar", "sleep 12; echo v2 > /shared/state; sleep 3600"),
        _sh("once", "cat /shared/state; rev /shared/state; sleep 3600"),
        _sh("loop", "while true; do cat /shared/state; sleep 5; done"),
    ]))
    cluster.run_for(40)
    assert kubectl.logs("default", "timing", "once") == "v1\n1v\n"
    seen = kubectl.logs("default", "timing", "loop").split()
    assert seen[:2] == ["v1", "v1"] and seen[-1] == "v2" and set(seen) == {"v1", "v2"}


def test_a_hostpath_volume_keeps_what_the_last_run_appended() -> None:
    cluster = Cluster(seed=4, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    for name in ("first", "second"):
        kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": {
            "restartPolicy": "Never",
            "containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c",
                                                                          f"echo {name} >> /data/log; cat /data/log"],
                            "volumeMounts": [{"name": "d", "mountPath": "/data"}]}],
            "volumes": [{"name": "d", "hostPath": {"path": "/tmp/kubetui-log"}}]}})
        cluster.run_for(20)
    assert kubectl.logs("default", "first", "c") == "first\n"
    assert kubectl.logs("default", "second", "c") == "first\nsecond\n"


def test_busybox_and_dash_refuse_a_bash_array() -> None:
    cluster = Cluster(seed=4, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _pod("arrays", [], [
        _sh("ash", "items=(a b); echo ${items[1]}"),
        _sh("dash", "items=(a b); echo ${items[1]}", image="debian"),
        {"name": "bash", "image": "bash", "command": ["bash", "-c", "items=(a b); echo ${items[1]} ${#items[@]}"]},
    ]))
    cluster.run_for(30)
    assert kubectl.logs("default", "arrays", "ash") == 'sh: syntax error: unexpected "("\n'
    assert kubectl.logs("default", "arrays", "dash") == 'sh: 1: Syntax error: "(" unexpected\n'
    assert kubectl.logs("default", "arrays", "bash") == "b 2\n"
    statuses = {s["name"]: s["state"]["terminated"]["exitCode"]
                for s in (cluster.get("pods", "default", "arrays") or {})["status"]["containerStatuses"]}
    assert statuses == {"ash": 2, "dash": 2, "bash": 0}
