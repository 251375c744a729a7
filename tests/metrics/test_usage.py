"""The node's usage model: request loops spread over a Service's endpoints, CFS throttling, exact integration."""

from __future__ import annotations

import pytest

from kubetui.node.process import program_for
from kubetui.node.spec import default_nodes
from kubetui.node.usage import CpuMeter, service_address
from kubetui.sim.cluster import Cluster
from tests.metrics.walkthrough import load_generator, php_apache, pods_of


def _running(cluster: Cluster, selector: str, count: int) -> bool:
    pods = cluster.objects("pods", "default", selector)
    return len(pods) == count and all(p.get("status", {}).get("phase") == "Running" for p in pods)


def _rate(cluster: Cluster, pod: str) -> float:
    """The cores a pod's containers burn right now, read from its node's runtime."""
    return sum(c.cpu.rate for m in cluster.machines.values() for c in m.runtime.containers.values()
               if c.pod == f"default/{pod}" and c.running)


def _ready_cluster(replicas: int, cpu_limit: bool = True) -> Cluster:
    cluster = Cluster(seed=3, nodes=default_nodes(3))
    php_apache(cluster, replicas)
    if not cpu_limit:
        cluster.client("kubectl").patch("deployments", "default", "php-apache", {"spec": {"template": {"spec": {
            "containers": [{"name": "php-apache", "resources": {"limits": None}}]}}}})
    assert cluster.run_until(lambda: _running(cluster, "run=php-apache", replicas), timeout=120)
    cluster.run_for(5)
    return cluster


def test_a_request_loop_reads_its_rate_from_the_loop_period() -> None:
    program = program_for({"name": "g", "image": "busybox:1.28", "args": ["/bin/sh", "-c", "while sleep 0.01; do "
                           "wget -q -O- http://php-apache; done"]}, {}, "g", ())
    assert program.load_urls == ("http://php-apache",)
    assert program.request_rate == pytest.approx(100.0)
    once = program_for({"name": "g", "image": "busybox:1.28", "args": ["/bin/sh", "-c", "wget -q -O- http://web"]},
                       {}, "g", ())
    assert once.load_urls == ()  # one request is not a load


def test_service_addresses_as_cluster_dns_resolves_them() -> None:
    assert service_address("http://php-apache", "default") == ("default/php-apache", 80)
    assert service_address("http://web.shop", "default") == ("shop/web", 80)
    assert service_address("http://web.shop.svc.cluster.local:8080/x", "default") == ("shop/web", 8080)
    assert service_address("http://10.96.0.12", "default") == ("10.96.0.12", 80)
    assert service_address("https://www.example.com/", "default") is None  # two words may be svc.ns (ndots 5)


def test_a_load_loop_is_spread_evenly_over_the_ready_endpoints() -> None:
    cluster = _ready_cluster(replicas=3, cpu_limit=False)
    load_generator(cluster)
    assert cluster.run_until(lambda: _running(cluster, "run=load-generator", 1), timeout=60)
    cluster.run_for(1)
    rates = [_rate(cluster, pod) for pod in pods_of(cluster, "run=php-apache")]
    # 100 requests a second, a third each, 6.5 ms of CPU a request, on top of 1m idle
    assert rates == pytest.approx([0.001 + 100 / 3 * 0.0065] * 3)
    assert _rate(cluster, "load-generator") == pytest.approx(0.001 + 100 * 0.0002)


def test_usage_is_throttled_at_the_cpu_limit() -> None:
    cluster = _ready_cluster(replicas=1)
    load_generator(cluster)
    assert cluster.run_until(lambda: _running(cluster, "run=load-generator", 1), timeout=60)
    cluster.run_for(1)
    (pod,) = pods_of(cluster, "run=php-apache")
    assert _rate(cluster, pod) == pytest.approx(0.5)  # wants 0.651, CFS allows 500m


def test_a_service_without_ready_endpoints_costs_nothing() -> None:
    cluster = _ready_cluster(replicas=1)
    cluster.client("kubectl").scale("deployments", "default", "php-apache", 0)
    assert cluster.run_until(lambda: not cluster.objects("pods", "default", "run=php-apache"), timeout=120)
    load_generator(cluster)
    assert cluster.run_until(lambda: _running(cluster, "run=load-generator", 1), timeout=60)
    cluster.run_for(2)
    assert _rate(cluster, "load-generator") == pytest.approx(0.001)


def test_stopping_the_loop_brings_the_server_back_to_idle() -> None:
    cluster = _ready_cluster(replicas=1)
    load_generator(cluster)
    assert cluster.run_until(lambda: _running(cluster, "run=load-generator", 1), timeout=60)
    cluster.run_for(1)
    (pod,) = pods_of(cluster, "run=php-apache")
    assert _rate(cluster, pod) == pytest.approx(0.5)
    cluster.client("kubectl").delete("pods", "default", "load-generator", grace_period_seconds=0)
    cluster.run_for(5)
    assert _rate(cluster, pod) == pytest.approx(0.001)


def test_the_meter_integrates_piecewise_constant_rates_exactly() -> None:
    meter = CpuMeter(since=10.0, rate=0.5)
    meter.set_rate(20.0, 0.25)
    meter.add(0.1)
    assert meter.read(30.0) == pytest.approx(0.5 * 10 + 0.1 + 0.25 * 10)
