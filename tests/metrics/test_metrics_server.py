"""metrics-server on the fast clock: two scrapes make a rate, dead nodes drop out, the API's shapes and errors."""

from __future__ import annotations

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.metrics.api import cpu_quantity, go_duration, memory_quantity
from kubetui.metrics.storage import MetricsPoint, PodStorage, resource_usage
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import MetricsScrape
from tests.metrics.walkthrough import load_generator, php_apache, pod_cpu_millis, pods_of


def _walkthrough(seed: int = 4) -> Cluster:
    cluster = Cluster(seed=seed, nodes=default_nodes(3))
    php_apache(cluster)
    cluster.run_for(20)
    load_generator(cluster)
    cluster.run_for(40)
    return cluster


def test_the_rate_is_the_difference_of_two_points_over_the_window() -> None:
    prev = MetricsPoint(start_time=0.0, timestamp=15.0, cpu_ns=1_000_000_000, memory=1024)
    last = MetricsPoint(start_time=0.0, timestamp=30.0, cpu_ns=8_500_000_000, memory=2048)
    usage = resource_usage(last, prev)
    assert usage is not None and usage.cpu_nanocores == 500_000_000 and usage.window == 15.0 and usage.memory == 2048
    assert resource_usage(prev, last) is None  # cumulative CPU went down: skipped


def test_a_pod_shows_after_its_second_point_or_after_one_when_fresh() -> None:
    storage = PodStorage(resolution=15.0)
    old = {("default", "a"): {"c": MetricsPoint(0.0, 30.0, 10, 1)}}
    storage.store(old)
    assert storage.get(("default", "a")) is None  # one point: nothing yet
    storage.store({("default", "a"): {"c": MetricsPoint(0.0, 45.0, 20, 1)}})
    assert storage.get(("default", "a")) is not None
    # started 12 s before the scrape: a made-up point at its start with zero CPU (freshContainerMinMetricsResolution)
    storage.store({("default", "b"): {"c": MetricsPoint(48.0, 60.0, 1_200_000_000, 1)}})
    found = storage.get(("default", "b"))
    assert found is not None and found[1] == 12.0 and found[2][0][1].cpu_nanocores == 100_000_000


def test_php_apache_runs_at_its_limit_under_the_walkthrough_load() -> None:
    cluster = _walkthrough()
    (pod,) = pods_of(cluster, "run=php-apache")
    assert pod_cpu_millis(cluster, "default", pod) == pytest.approx(500, abs=1)  # cpu: 250%/50% of its 200m
    assert pod_cpu_millis(cluster, "default", "load-generator") == pytest.approx(21, abs=1)


def test_pod_metrics_are_shaped_as_metrics_server_serves_them() -> None:
    cluster = _walkthrough()
    client = cluster.client("horizontal-pod-autoscaler")
    listed = client.list("pods.metrics.k8s.io", "default", label_selector="run=php-apache")
    assert listed["kind"] == "PodMetricsList" and listed["apiVersion"] == "metrics.k8s.io/v1beta1"
    (item,) = listed["items"]
    assert item["kind"] == "PodMetrics" and item["window"] == "15s"
    assert item["metadata"]["labels"]["run"] == "php-apache" and item["metadata"]["namespace"] == "default"
    (container,) = item["containers"]
    assert container["name"] == "php-apache" and container["usage"]["cpu"] == "500m"
    assert container["usage"]["memory"].endswith("Ki")
    got = client.get("pods.metrics.k8s.io", "default", item["metadata"]["name"])
    assert got["containers"] == item["containers"]
    requests = [r for r in cluster.trace.history if getattr(r, "resource", "") == "pods.metrics.k8s.io"]
    assert requests and requests[-1].who == "horizontal-pod-autoscaler" and requests[-1].code == 200
    nodes = client.list("nodes.metrics.k8s.io")["items"]
    assert [n["metadata"]["name"] for n in nodes] == ["node-1", "node-2", "node-3"]
    assert all(n["kind"] == "NodeMetrics" and n["usage"]["cpu"] for n in nodes)


def test_not_found_in_kubernetes_words() -> None:
    cluster = _walkthrough()
    client = cluster.client("horizontal-pod-autoscaler")
    with pytest.raises(ApiError) as missing:
        client.get("pods.metrics.k8s.io", "default", "nope")
    assert missing.value.code == 404 and str(missing.value.status["message"]) == 'pods "nope" not found'
    load_generator(cluster, name="fresh")
    cluster.run_for(2)
    with pytest.raises(ApiError) as early:
        client.get("pods.metrics.k8s.io", "default", "fresh")
    assert early.value.code == 404
    assert early.value.status["message"] == 'podmetrics.metrics.k8s.io "default/fresh" not found'


def test_a_dead_nodes_pods_drop_out_and_the_scrape_says_so() -> None:
    cluster = _walkthrough()
    (pod,) = pods_of(cluster, "run=php-apache")
    node = cluster.get("pods", "default", pod)["spec"]["nodeName"]  # type: ignore[index]
    cluster.chaos("kill-node", node=node)
    cluster.run_for(16)
    assert pod_cpu_millis(cluster, "default", pod) is None
    names = [n["metadata"]["name"] for n in cluster.client("t").list("nodes.metrics.k8s.io")["items"]]
    assert node not in names
    last = [r for r in cluster.trace.history if isinstance(r, MetricsScrape)][-1]
    assert last.failed == (node,) and "i/o timeout" in last.message


def test_scrapes_trace_once_each_and_runs_are_deterministic() -> None:
    first, second = _walkthrough(seed=9), _walkthrough(seed=9)
    scrapes = [r for r in first.trace.history if isinstance(r, MetricsScrape)]
    assert len(scrapes) == 4  # 60 s at one scrape every 15 s
    assert first.trace.digest() == second.trace.digest()
    assert first.client("t").list("pods.metrics.k8s.io", "default") == second.client("t").list(
        "pods.metrics.k8s.io", "default")


def test_quantities_as_metrics_server_prints_them() -> None:
    assert cpu_quantity(500_000_000) == "500m" and cpu_quantity(123_456_789) == "123456789n" and cpu_quantity(0) == "0"
    assert memory_quantity(13_123_584) == "12816Ki"
    assert go_duration(15.0) == "15s" and go_duration(15.5) == "15.5s" and go_duration(75.0) == "1m15s"
