"""Fixes found by learners following kubernetes.io pages with the real kubectl: the bash image, rev, vish/stress,
read-only volumes through relative paths, nginx's version."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from tests.metrics.walkthrough import pod_cpu_millis


def _cluster(*pods: tuple[str, list[dict[str, Any]], dict[str, Any]], seconds: float = 40) -> Cluster:
    cluster = Cluster(seed=3, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"},
                                  "data": {"username": "admin"}}, "default")
    for name, containers, spec in pods:
        kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                                "spec": {"containers": containers, **spec}}, "default")
    cluster.run_for(seconds)
    return cluster


def test_the_bash_image_runs_bash_and_busybox_sh_scripts() -> None:
    script = "echo $0; echo abc > /tmp/f; cat /tmp/f; sh -c 'echo from sh'; nope"
    cluster = _cluster(("b", [{"name": "b", "image": "docker.io/library/bash", "command": ["bash", "-c", script]}],
                        {"restartPolicy": "Never"}),
                       ("b5", [{"name": "b", "image": "bash:5.2", "command": ["sh", "-c", "echo ok"]}],
                        {"restartPolicy": "Never"}))
    kubectl = cluster.client("kubectl")
    assert kubectl.logs("default", "b") == "bash\nabc\nfrom sh\nbash: nope: command not found\n"
    assert kubectl.logs("default", "b5") == "ok\n"
    statuses = cluster.get("pods", "default", "b5")["status"]["containerStatuses"]
    assert statuses[0]["state"]["terminated"]["exitCode"] == 0


def test_rev_reverses_each_line_of_a_file_or_its_stdin() -> None:
    script = "printf 'foo\\nbar\\n' > /tmp/data.txt; rev /tmp/data.txt; echo xyz | rev; cd /tmp; rev data.txt; rev /no"
    cluster = _cluster(("w", [{"name": "w", "image": "busybox", "command": ["sh", "-c", script]}],
                        {"restartPolicy": "Never"}),
                       ("d", [{"name": "d", "image": "debian", "command": ["sleep", "3600"]}], {}))
    logs = cluster.client("kubectl").logs("default", "w")
    assert logs == "oof\nrab\nzyx\noof\nrab\nrev: /no: No such file or directory\n"
    assert cluster.exec("d", ["sh", "-c", "echo hello > /tmp/x; rev /tmp/x; rev < /tmp/x"]) == "olleh\nolleh\n"
    assert cluster.exec("d", ["rev", "/no"]) == (
        "rev: cannot open /no: No such file or directory\ncommand terminated with exit code 1\n")


def test_vish_stress_keeps_its_cpus_busy_up_to_the_limit() -> None:
    """Assign CPU Resources: ``args: ["-cpus", "2"]`` after the image's ENTRYPOINT, under a 1-CPU limit."""
    container = {"name": "cpu-demo-ctr", "image": "vish/stress", "args": ["-cpus", "2"],
                 "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "0.5"}}}
    cluster = _cluster(("cpu-demo", [container], {}), seconds=90)
    pod = cluster.get("pods", "default", "cpu-demo")
    assert pod["status"]["containerStatuses"][0]["state"].get("running") is not None
    millis = pod_cpu_millis(cluster, "default", "cpu-demo")
    assert millis is not None and 950 <= millis <= 1001
    logs = cluster.client("kubectl").logs("default", "cpu-demo").splitlines()
    assert logs[0].endswith('main.go:26] Allocating "0" memory, in "4Ki" chunks, with a 1ms sleep between allocations')
    assert [line.split("] ", 1)[1] for line in logs[1:]] == [
        "Spawning a thread to consume CPU", "Spawning a thread to consume CPU", 'Allocated "0" memory']
    assert logs[0].startswith("I0101 ")


def test_vish_stress_allocates_its_memory_in_steps() -> None:
    container = {"name": "m", "image": "vish/stress",
                 "args": ["-mem-total", "10Mi", "-mem-alloc-size", "1Mi", "-mem-alloc-sleep", "1s"]}
    cluster = _cluster(("mem", [container], {}), seconds=60)
    logs = cluster.client("kubectl").logs("default", "mem").splitlines()
    assert logs[-1].endswith('main.go:29] Allocated "10Mi" memory')
    first, last = (int(line[9:11]) * 60 + int(line[12:14]) for line in (logs[0], logs[-1]))
    assert last - first == 10


def test_a_read_only_volume_refuses_writes_through_relative_paths() -> None:
    mounts = [{"name": "v", "mountPath": "/etc/secret-volume"}]
    volumes = [{"name": "v", "configMap": {"name": "cm"}}]
    cluster = _cluster(
        ("box", [{"name": "b", "image": "busybox", "command": ["sleep", "3600"], "volumeMounts": mounts}],
         {"volumes": volumes}),
        ("deb", [{"name": "d", "image": "debian", "command": ["sleep", "3600"], "volumeMounts": mounts}],
         {"volumes": volumes}))
    script = "cd /etc/secret-volume; touch x; rm username; echo hi > y; mkdir d; ls; touch /etc/secret-volume/z"
    assert cluster.exec("box", ["sh", "-c", script]) == (
        "touch: x: Read-only file system\nrm: can't remove 'username': Read-only file system\n"
        "sh: can't create y: Read-only file system\nmkdir: can't create directory 'd': Read-only file system\n"
        "username\ntouch: /etc/secret-volume/z: Read-only file system\ncommand terminated with exit code 1\n")
    out = cluster.exec("deb", ["sh", "-c", "cd /etc/secret-volume && touch ../secret-volume/x; ls"])
    assert out == "touch: cannot touch '../secret-volume/x': Read-only file system\nusername\n"
    own = "cd /etc/secret-volume; touch x; [ -w x ] || echo not writable"
    cluster2 = _cluster(("own", [{"name": "o", "image": "busybox", "command": ["sh", "-c", own], "workingDir": "/",
                                  "volumeMounts": mounts}], {"volumes": volumes, "restartPolicy": "Never"}))
    assert cluster2.client("kubectl").logs("default", "own") == "touch: x: Read-only file system\nnot writable\n"


def test_nginx_tells_its_version_and_its_image_sets_it_in_the_environment() -> None:
    cluster = _cluster(("web", [{"name": "web", "image": "nginx:1.27"}], {}),
                       ("pinned", [{"name": "web", "image": "nginx:1.25.4-alpine"}], {}))
    assert cluster.exec("web", ["nginx", "-v"]) == "nginx version: nginx/1.27.3\n"
    assert cluster.exec("web", ["sh", "-c", "nginx -v 2>/dev/null; echo $NGINX_VERSION $NJS_VERSION $PKG_RELEASE"]) == (
        "1.27.3 0.8.7 1~bookworm\n")
    assert cluster.exec("pinned", ["nginx", "-v"]) == "nginx version: nginx/1.25.4\n"
    assert "PKG_RELEASE=1\n" in cluster.exec("pinned", ["env"])
    assert "[notice] 1#1: nginx/1.27.3" in cluster.client("kubectl").logs("default", "web")
