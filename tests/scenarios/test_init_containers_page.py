"""The Init Containers concept page: init containers that wait with ``until nslookup`` for Services to exist."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from tests.scenarios.test_pid1_one_shot_fetches import serve_web

NAMESPACE = "$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace)"


def _init(name: str) -> dict[str, Any]:
    return {"name": f"init-{name}", "image": "busybox:1.28", "command": [
        "sh", "-c", f"until nslookup {name}.{NAMESPACE}.svc.cluster.local; do echo waiting for {name}; sleep 2; done"]}


def _myapp_pod() -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "myapp-pod", "labels": {"app.kubernetes.io/name": "MyApp"}},
            "spec": {"containers": [{"name": "myapp-container", "image": "busybox:1.28",
                                     "command": ["sh", "-c", "echo The app is running! && sleep 3600"]}],
                     "initContainers": [_init("myservice"), _init("mydb")]}}


def _service(name: str, target: int) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
            "spec": {"ports": [{"protocol": "TCP", "port": 80, "targetPort": target}]}}


def _states(cluster: Cluster) -> tuple[str, list[str]]:
    pod = cluster.get("pods", "default", "myapp-pod")
    assert pod is not None
    return pod["status"]["phase"], [next(iter(s["state"])) for s in pod["status"].get("initContainerStatuses", [])]


def test_the_pod_waits_for_its_services_then_runs() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _myapp_pod())
    cluster.run_for(30)
    assert _states(cluster) == ("Pending", ["running", "waiting"])
    statuses = (cluster.get("pods", "default", "myapp-pod") or {})["status"]["initContainerStatuses"]
    assert [s["ready"] for s in statuses] == [False, False]  # an init container is ready once it has exited 0
    assert statuses[1]["state"]["waiting"]["reason"] == "PodInitializing"
    waiting = kubectl.logs("default", "myapp-pod", "init-myservice").splitlines()
    assert 12 <= waiting.count("waiting for myservice") <= 16  # a pass every 2 s
    kubectl.create("services", _service("myservice", 9376))
    cluster.run_for(20)
    assert _states(cluster) == ("Pending", ["terminated", "running"])  # the first one is done; the second waits
    kubectl.create("services", _service("mydb", 9377))
    cluster.run_for(20)
    assert _states(cluster) == ("Running", ["terminated", "terminated"])
    assert kubectl.logs("default", "myapp-pod", "myapp-container") == "The app is running!\n"
    pod = cluster.get("pods", "default", "myapp-pod") or {}
    first = pod["status"]["initContainerStatuses"][0]["state"]["terminated"]
    assert (first["exitCode"], first["reason"]) == (0, "Completed")
    assert [s["ready"] for s in pod["status"]["initContainerStatuses"]] == [True, True]


def test_a_loop_the_script_ends_goes_on_with_what_follows() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "steps"}, "spec": {
        "restartPolicy": "Never", "containers": [{"name": "steps", "image": "busybox", "command": [
            "sh", "-c", "until true; do echo never; sleep 1; done; while false; do echo no; done; echo D; "
                        "until wget -qO- http://web; do echo no web; sleep 5; done; echo got it; exit 3"]}]}})
    cluster.run_for(22)
    log = kubectl.logs("default", "steps")
    assert log.startswith("D\nwget: bad address 'web'\nno web\n") and "never" not in log
    serve_web(cluster, settle=40)
    log = kubectl.logs("default", "steps")
    before, page = log.split("<!DOCTYPE html>\n", 1)  # the last ask of the condition prints the page it got
    assert before.endswith("no web\n") and page.endswith("</html>\ngot it\n")
    pod = cluster.get("pods", "default", "steps") or {}
    assert pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 3


def test_each_pass_prints_what_its_nslookup_said() -> None:
    """busybox 1.28's nslookup prints its server and the failure before each ``waiting for``, and the answer last."""
    cluster = Cluster(seed=3, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _myapp_pod())
    cluster.run_for(10)
    server = "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
    failed = (f"{server}nslookup: can't resolve 'myservice.default.svc.cluster.local'\nwaiting for myservice\n")
    log = kubectl.logs("default", "myapp-pod", "init-myservice")
    assert log.endswith(failed * 3) and log.count("waiting for myservice") == log.count("can't resolve")
    service = kubectl.create("services", _service("myservice", 9376))
    cluster.run_for(5)
    answered = log = kubectl.logs("default", "myapp-pod", "init-myservice")
    assert log.endswith(f"{failed}{server}Name:      myservice.default.svc.cluster.local\n"
                        f"Address 1: {service['spec']['clusterIP']} myservice.default.svc.cluster.local\n")
    cluster.run_for(30)
    assert kubectl.logs("default", "myapp-pod", "init-myservice") == answered  # it exited: the log stays as it was


def test_a_condition_whose_output_goes_nowhere_prints_nothing() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "quiet"}, "spec": {
        "containers": [{"name": "c", "image": "busybox:1.28", "command": [
            "sh", "-c", "until nslookup db > /dev/null 2>&1; do echo no db; sleep 2; done; sleep 3600"]},
                       {"name": "d", "image": "busybox:1.28", "command": [
            "sh", "-c", "until dig db; do echo no dig; sleep 2; done"]}]}})
    cluster.run_for(9)
    assert set(kubectl.logs("default", "quiet", "c").splitlines()) == {"no db"}
    assert kubectl.logs("default", "quiet", "d").startswith("sh: dig: not found\nno dig\nsh: dig: not found\n")
