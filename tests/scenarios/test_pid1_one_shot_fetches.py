"""Configure Pod Initialization (content/en/examples/pods/init-containers.yaml): an init container's own wget, run live
at its moment, fails the pod when it fails and leaves the page it downloaded in the shared emptyDir when it works."""

from __future__ import annotations

from typing import Any

from kubetui.http.tables import pod_status_reason
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster


def _init_demo(url: str, image: str = "busybox:1.28") -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "init-demo"}, "spec": {
        "containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}],
                        "volumeMounts": [{"name": "workdir", "mountPath": "/usr/share/nginx/html"}]}],
        "initContainers": [{"name": "install", "image": image, "command": ["wget", "-O", "/work-dir/index.html", url],
                            "volumeMounts": [{"name": "workdir", "mountPath": "/work-dir"}]}],
        "dnsPolicy": "Default", "volumes": [{"name": "workdir", "emptyDir": {}}]}}


def _status(cluster: Cluster) -> str:
    return pod_status_reason(cluster.get("pods", "default", "init-demo") or {})[0]


def test_a_wget_that_fails_fails_the_init_container() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", _init_demo("http://info.cern.ch"))
    seen = []
    for _ in range(60):
        cluster.run_for(1)
        seen.append(_status(cluster))
    assert "Init:Error" in seen and seen[-1] == "Init:CrashLoopBackOff" and "Running" not in seen
    assert kubectl.logs("default", "init-demo", "install") == "wget: bad address 'info.cern.ch'\n"
    statuses = (cluster.get("pods", "default", "init-demo") or {})["status"]["initContainerStatuses"]
    assert statuses[0]["lastState"]["terminated"]["exitCode"] == 1


def serve_web(cluster: Cluster, settle: float = 30) -> None:
    """An nginx Deployment behind a Service named ``web``, given ``settle`` seconds to be ready."""
    kubectl = cluster.client("kubectl")
    kubectl.create("deployments", {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                                   "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {
                                       "metadata": {"labels": {"app": "web"}},
                                       "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}})
    kubectl.create("services", {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                                "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]}})
    cluster.run_for(settle)


def test_a_wget_that_works_saves_the_page_for_the_nginx_container_to_serve() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(1))
    serve_web(cluster)
    kubectl = cluster.client("kubectl")
    pod = _init_demo("http://web")
    pod["spec"].pop("dnsPolicy")
    kubectl.create("pods", pod)
    cluster.run_for(30)
    assert _status(cluster) == "Running"
    ip = (cluster.get("services", "default", "web") or {})["spec"]["clusterIP"]
    assert kubectl.logs("default", "init-demo", "install") == (  # busybox 1.28: no "saving to", no "saved"
        f"Connecting to web ({ip}:80)\n"
        "index.html           100% |*******************************|   615   0:00:00 ETA\n")
    page = cluster.exec("init-demo", ["curl", "-s", "localhost"], container="nginx")
    assert "<title>Welcome to nginx!</title>" in page and page.endswith("</html>\n")


def test_busybox_1_36_names_the_o_path_in_exec_and_in_pid1() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(1))
    serve_web(cluster)
    kubectl = cluster.client("kubectl")
    pod = _init_demo("http://web", image="busybox:1.36")
    pod["spec"].pop("dnsPolicy")
    kubectl.create("pods", pod)
    cluster.run_for(30)
    log = kubectl.logs("default", "init-demo", "install").splitlines()
    assert log[1:] == ["saving to '/work-dir/index.html'",
                       "index.html           100% |********************************|   615  0:00:00 ETA",
                       "'/work-dir/index.html' saved"]
    kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "box"}, "spec": {
        "containers": [{"name": "box", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}})
    cluster.run_for(10)
    out = cluster.exec("box", ["sh", "-c", "wget -O /tmp/page.html http://web 2>&1; wc -l /tmp/page.html"])
    assert "saving to '/tmp/page.html'\n" in out and out.endswith(" /tmp/page.html\n")


def test_the_script_goes_on_with_the_status_of_its_wget() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "steps"}, "spec": {
        "restartPolicy": "Never", "containers": [{"name": "steps", "image": "busybox", "command": [
            "sh", "-c", "echo one; wget -qO- http://nosuch || echo failed $?; sleep 1; wget -q http://nosuch && echo no"
        ]}]}})
    cluster.run_for(20)
    assert kubectl.logs("default", "steps") == (
        "one\nwget: bad address 'nosuch'\nfailed 1\nwget: bad address 'nosuch'\n")
    state = (cluster.get("pods", "default", "steps") or {})["status"]["containerStatuses"][0]["state"]
    assert state["terminated"]["exitCode"] == 1


def test_empty_lines_another_container_appended_are_read() -> None:
    cluster = Cluster(seed=3, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    mount = [{"name": "data", "mountPath": "/input"}]
    kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "reader"}, "spec": {
        "initContainers": [{"name": "writer", "image": "busybox", "volumeMounts": mount, "command": [
            "sh", "-c", "echo hello > /input/data.txt; echo '' >> /input/data.txt; echo world >> /input/data.txt"]}],
        "containers": [{"name": "reader", "image": "busybox", "volumeMounts": mount, "command": [
            "sh", "-c", "wc -l /input/data.txt; cat /input/data.txt | rev; cat /input/data.txt; sleep 3600"]}],
        "volumes": [{"name": "data", "emptyDir": {}}]}})
    cluster.run_for(20)
    assert kubectl.logs("default", "reader") == "3 /input/data.txt\nolleh\n\ndlrow\nhello\n\nworld\n"
