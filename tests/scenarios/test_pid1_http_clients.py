"""A container's own wget/curl print what the network answered, pass by pass (the HPA walkthrough's ``OK!OK!OK!``)."""

from __future__ import annotations

from typing import Any

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from tests.metrics.walkthrough import load_generator, php_apache


def _cluster() -> Cluster:
    return Cluster(seed=11, nodes=default_nodes(3))


def _logs(cluster: Cluster, name: str) -> str:
    return cluster.client("kubectl").logs("default", name)


def _deployment(cluster: Cluster, name: str, image: str, replicas: int, target_port: int = 80,
                port: int = 80) -> None:
    container: dict[str, Any] = {"name": name, "image": image, "ports": [{"containerPort": target_port}]}
    client = cluster.client("kubectl")
    client.create("deployments", {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container]}}},
    }, "default")
    client.create("services", {
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": name},
        "spec": {"ports": [{"port": port, "targetPort": target_port}], "selector": {"app": name}},
    }, "default")


def test_the_load_generator_prints_ok_on_one_line_a_pass_at_a_time() -> None:
    cluster = _cluster()
    php_apache(cluster)
    cluster.run_for(30)
    load_generator(cluster)
    cluster.run_for(10)
    log = _logs(cluster, "load-generator")
    assert "\n" not in log and log.startswith("OK!OK!OK!")
    passes = log.count("OK!")
    assert log == "OK!" * passes and 300 < passes <= 1_000  # ~100 a second since it started, no line breaks
    cluster.run_for(2)
    assert _logs(cluster, "load-generator").count("OK!") > passes  # still going


def test_a_service_without_endpoints_refuses_then_answers_once_it_has_some() -> None:
    cluster = _cluster()
    php_apache(cluster, replicas=0)
    cluster.run_for(10)
    load_generator(cluster, script="while true; do wget -q -O- http://php-apache; sleep 1; done")
    cluster.run_for(10)
    service = cluster.get("services", "default", "php-apache")
    assert service is not None
    cluster_ip = service["spec"]["clusterIP"]
    refused = f"wget: can't connect to remote host ({cluster_ip}): Connection refused"
    before = _logs(cluster, "load-generator").splitlines()
    assert before and set(before) == {refused}
    cluster.client("kubectl").scale("deployments", "default", "php-apache", 1)
    cluster.run_for(30)
    log = _logs(cluster, "load-generator")
    assert log.startswith("\n".join(before))  # what it printed before stays as it was
    last = log.rsplit("\n", 1)[-1]
    assert last == "OK!" * last.count("OK!") and last.count("OK!") >= 15  # a pass a second once a pod is ready


def test_a_name_without_a_service_is_a_bad_address_and_dns_down_fails_once_per_timeout() -> None:
    cluster = _cluster()
    cluster.run_for(10)
    load_generator(cluster, name="nosuch", script="while true; do wget -q -O- http://nosuch; sleep 1; done")
    cluster.run_for(10)
    lines = _logs(cluster, "nosuch").splitlines()
    assert lines and set(lines) == {"wget: bad address 'nosuch'"}
    php_apache(cluster)
    cluster.client("kubectl").scale("deployments", "kube-system", "coredns", 0)
    cluster.run_for(20)
    load_generator(cluster, name="no-dns", script="while true; do wget -q -O- http://php-apache; sleep 1; done")
    cluster.run_for(60)
    failures = _logs(cluster, "no-dns").splitlines()
    assert set(failures) == {"wget: bad address 'php-apache'"} and 3 <= len(failures) <= 5  # one per 15 s resolver wait


def test_wget_in_a_loop_reaches_every_replica_and_prints_each_answer() -> None:
    cluster = _cluster()
    _deployment(cluster, "hostnames", "registry.k8s.io/serve_hostname", replicas=3, target_port=9376)
    cluster.run_for(30)
    pods = sorted(p["metadata"]["name"] for p in cluster.objects("pods", "default"))
    load_generator(cluster, name="client", script="while true; do wget -qO- hostnames; sleep 0.5; done")
    cluster.run_for(30)
    answers = _logs(cluster, "client").splitlines()
    assert len(answers) > 40 and set(answers) == set(pods)  # the rules spread the passes over the three


def test_a_one_shot_wget_prints_the_page_and_the_server_logs_the_request() -> None:
    cluster = _cluster()
    _deployment(cluster, "web", "nginx:1.27", replicas=1)
    cluster.run_for(30)
    (web,) = [p["metadata"]["name"] for p in cluster.objects("pods", "default")]
    server_log = _logs(cluster, web)
    load_generator(cluster, name="once", script="sleep 2; wget -qO- web; echo done")
    cluster.run_for(20)
    log = _logs(cluster, "once")
    assert "<title>Welcome to nginx!</title>" in log and log.endswith("</html>\ndone\n")
    served = _logs(cluster, web).removeprefix(server_log)  # run live at its moment: the server saw the request
    assert served.count("\n") == 1 and '"GET / HTTP/1.1" 200 615 "-" "Wget" "-"' in served


def test_echo_n_in_a_loop_continues_one_line() -> None:
    cluster = _cluster()
    cluster.run_for(5)
    load_generator(cluster, name="dots", script="echo start; while true; do echo -n .; sleep 1; done")
    cluster.run_for(10)
    log = _logs(cluster, "dots")
    assert log.startswith("start\n.....") and set(log.removeprefix("start\n")) == {"."}


def test_the_service_access_pages_hello_app_2_0_and_the_https_nginx() -> None:
    cluster = _cluster()
    _deployment(cluster, "hello-world", "us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0", replicas=1,
                target_port=8080)
    _deployment(cluster, "my-nginx", "bprashanth/nginxhttps:1.0", replicas=1, target_port=443, port=443)
    cluster.run_for(30)
    load_generator(cluster, name="client",
                   script="wget -qO- hello-world; wget -qO- https://my-nginx; wget -qO- my-nginx; sleep 3600")
    cluster.run_for(10)
    log = _logs(cluster, "client")
    assert "Hello, world!\nVersion: 2.0.0\nHostname: hello-world-" in log
    assert "<title>Welcome to nginx!</title>" in log
    cluster_ip = (cluster.get("services", "default", "my-nginx") or {})["spec"]["clusterIP"]
    assert log.endswith(f"wget: can't connect to remote host ({cluster_ip}): Connection timed out\n")  # no port 80
    hello = cluster.objects("pods", "default", "app=hello-world")[0]["metadata"]["name"]
    started, served = _logs(cluster, hello).splitlines()
    assert served.endswith(" Serving request: /")
    assert started.endswith(" Server listening on port 8080") and started.startswith("2026/")
