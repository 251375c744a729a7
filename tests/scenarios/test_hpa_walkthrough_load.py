"""The HorizontalPodAutoscaler walkthrough's load, on the fast clock, without the autoscaler: what it would read."""

from __future__ import annotations

import pytest

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from tests.metrics.walkthrough import load_generator, php_apache, pod_cpu_millis, pods_of


def test_one_replica_is_throttled_and_seven_share_the_load_at_about_half_their_request() -> None:
    cluster = Cluster(seed=11, nodes=default_nodes(3))
    php_apache(cluster)
    cluster.run_for(30)
    (pod,) = pods_of(cluster, "run=php-apache")
    assert pod_cpu_millis(cluster, "default", pod) == pytest.approx(1, abs=1)  # idle: cpu 0%/50%
    load_generator(cluster)
    cluster.run_for(35)
    assert pod_cpu_millis(cluster, "default", pod) == pytest.approx(500, abs=1)  # cpu: 250%/50%
    cluster.client("kubectl").scale("deployments", "default", "php-apache", 7)  # where the walkthrough settles
    cluster.run_for(50)
    shares = [pod_cpu_millis(cluster, "default", p) for p in pods_of(cluster, "run=php-apache")]
    assert len(shares) == 7 and all(s is not None and 85 <= s <= 100 for s in shares), shares  # ~47% of 200m
    cluster.client("kubectl").delete("pods", "default", "load-generator", grace_period_seconds=0)
    cluster.run_for(35)
    assert all(pod_cpu_millis(cluster, "default", p) == pytest.approx(1, abs=1)
               for p in pods_of(cluster, "run=php-apache"))
