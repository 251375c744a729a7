"""The HorizontalPodAutoscaler walkthrough, end to end: load, scale-up in steps, settling, the five-minute wait."""

from __future__ import annotations

from kubetui.sim.cluster import Cluster
from tests.controllers.test_hpa_controller import autoscaler
from tests.metrics.walkthrough import load_generator, php_apache


def replicas(cluster: Cluster) -> int:
    return int((cluster.get("deployments", "default", "php-apache") or {})["spec"]["replicas"])


def rescales(cluster: Cluster) -> list[str]:
    events = [e for e in cluster.objects("events", "default") if e["reason"] == "SuccessfulRescale"]
    return [e["message"] for e in sorted(events, key=lambda e: e["metadata"]["creationTimestamp"])]


def test_the_walkthrough_scales_to_seven_and_back_to_one() -> None:
    cluster = Cluster(seed=1)
    php_apache(cluster)
    cluster.client("kubectl").create("horizontalpodautoscalers", autoscaler())
    cluster.run_for(60)
    hpa = cluster.get("horizontalpodautoscalers", "default", "php-apache") or {}
    assert hpa["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"] == 0
    assert replicas(cluster) == 1
    load_generator(cluster)
    started = cluster.clock.now
    assert cluster.run_until(lambda: replicas(cluster) == 7, timeout=180)
    cluster.run_for(120)
    assert replicas(cluster) == 7, "settled: every pod near half its request"
    hpa = cluster.get("horizontalpodautoscalers", "default", "php-apache") or {}
    assert 40 <= hpa["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"] <= 55
    up = rescales(cluster)
    assert up[0] == "New size: 4; reason: cpu resource utilization (percentage of request) above target"
    assert all("above target" in m for m in up)
    assert cluster.clock.now - started < 300
    cluster.client("kubectl").delete("pods", "default", "load-generator", 0)
    quiet = cluster.clock.now
    assert cluster.run_until(lambda: replicas(cluster) == 1, timeout=600)
    assert cluster.clock.now - quiet >= 285, "the downscale stabilization window holds the count for five minutes"
    assert rescales(cluster)[-1] == "New size: 1; reason: All metrics below target"


def test_a_dead_nodes_pods_drop_out_of_the_metrics() -> None:
    """metrics-server cannot scrape a powered-off node: its pods have no metrics, and on a scale-down the HPA
    counts them at their whole request rather than as idle."""
    cluster = Cluster(seed=1)
    php_apache(cluster, replicas=3)
    cluster.client("kubectl").create("horizontalpodautoscalers", autoscaler())
    cluster.run_for(60)
    victim = next(p for p in cluster.objects("pods", "default", "run=php-apache"))["spec"]["nodeName"]
    cluster.chaos("kill-node", node=victim)
    cluster.run_for(45)
    names = [m["metadata"]["name"] for m in cluster.client("t").list("pods.metrics.k8s.io", "default")["items"]]
    on_victim = [p["metadata"]["name"] for p in cluster.objects("pods", "default", "run=php-apache")
                 if p["spec"].get("nodeName") == victim]
    assert on_victim and not set(on_victim) & set(names)
