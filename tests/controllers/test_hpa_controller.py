"""The HPA controller in a whole cluster: its sync period, /scale, conditions, Events and status."""

from __future__ import annotations

from typing import Any

from kubetui.controllers.podautoscaler.horizontal import HorizontalController
from kubetui.sim.cluster import Cluster

Obj = dict[str, Any]


def deployment(name: str = "php-apache", replicas: int = 1, request: str | None = "200m") -> Obj:
    resources = {"requests": {"cpu": request}, "limits": {"cpu": "500m"}} if request else {}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"run": name}},
            "template": {
                "metadata": {"labels": {"run": name}},
                "spec": {"containers": [{"name": name, "image": "registry.k8s.io/hpa-example",
                                         "ports": [{"containerPort": 80}], "resources": resources}]},
            },
        },
    }


def autoscaler(name: str = "php-apache", target: str = "php-apache", kind: str = "Deployment", **spec: Any) -> Obj:
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": target},
            "minReplicas": 1,
            "maxReplicas": 10,
            "metrics": [{"type": "Resource", "resource": {
                "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}],
            **spec,
        },
    }


def spec_replicas(cluster: Cluster, name: str = "php-apache") -> int:
    return int((cluster.get("deployments", "default", name) or {})["spec"]["replicas"])


def hpa_events(cluster: Cluster, name: str = "php-apache") -> list[tuple[str, str]]:
    return [(e["reason"], e["message"]) for e in cluster.objects("events", "default")
            if e["involvedObject"].get("kind") == "HorizontalPodAutoscaler" and e["involvedObject"]["name"] == name]


def conditions(cluster: Cluster, name: str = "php-apache") -> dict[str, tuple[str, str]]:
    hpa = cluster.get("horizontalpodautoscalers", "default", name) or {}
    return {c["type"]: (c["status"], c["reason"]) for c in (hpa.get("status") or {}).get("conditions") or []}


def test_first_sync_waits_one_period_then_raises_to_min_replicas() -> None:
    cluster = Cluster(seed=1)
    api = cluster.client("kubectl")
    api.create("deployments", deployment(replicas=1))
    api.create("horizontalpodautoscalers", autoscaler(minReplicas=3))
    created = cluster.clock.now
    assert cluster.run_until(
        lambda: spec_replicas(cluster) == 3, timeout=60)
    assert cluster.clock.now - created >= 15  # enqueueHPA always waits the sync period
    assert ("SuccessfulRescale", "New size: 3; reason: Current number of replicas below Spec.MinReplicas") in \
        hpa_events(cluster)
    status = (cluster.get("horizontalpodautoscalers", "default", "php-apache") or {})["status"]
    assert status["currentReplicas"] == 1 and status["desiredReplicas"] == 3 and status["lastScaleTime"]
    assert conditions(cluster)["AbleToScale"] == ("True", "SucceededRescale")


def test_a_missing_target_fails_to_get_its_scale() -> None:
    cluster = Cluster(seed=1)
    cluster.client("kubectl").create("horizontalpodautoscalers", autoscaler(target="nope"))
    cluster.run_for(20)
    assert ("FailedGetScale", 'deployments.apps "nope" not found') in hpa_events(cluster)
    assert conditions(cluster)["AbleToScale"] == ("False", "FailedGetScale")


def test_a_kind_without_scale_and_an_unknown_kind() -> None:
    cluster = Cluster(seed=1)
    api = cluster.client("kubectl")
    api.create("horizontalpodautoscalers", autoscaler(name="ds", target="x", kind="DaemonSet"))
    api.create("horizontalpodautoscalers", autoscaler(name="foo", target="x", kind="Foo"))
    cluster.run_for(20)
    assert ("FailedGetScale", "the server could not find the requested resource") in hpa_events(cluster, "ds")
    assert ("FailedGetScale", 'no matches for kind "Foo" in group "apps"') in hpa_events(cluster, "foo")


def test_without_metrics_it_says_so_and_keeps_the_count() -> None:
    """No PodMetrics for the pods: FailedGetResourceMetric and FailedComputeMetricsReplicas, as in a cluster whose
    metrics are not there yet."""
    cluster = Cluster(seed=1)
    api = cluster.client("kubectl")
    api.create("deployments", deployment(replicas=2))
    api.create("horizontalpodautoscalers", autoscaler(metrics=[{"type": "Pods", "pods": {
        "metric": {"name": "packets-per-second"}, "target": {"type": "AverageValue", "averageValue": "1k"}}}]))
    cluster.run_for(20)
    reasons = dict(hpa_events(cluster))
    assert reasons["FailedGetPodsMetric"].startswith("unable to get metric packets-per-second")
    assert reasons["FailedComputeMetricsReplicas"].startswith(
        "invalid metrics (1 invalid out of 1), first error is: failed to get pods metric value:")
    assert conditions(cluster)["ScalingActive"] == ("False", "FailedGetPodsMetric")
    assert spec_replicas(cluster) == 2


def test_a_target_at_zero_replicas_disables_scaling() -> None:
    cluster = Cluster(seed=1)
    api = cluster.client("kubectl")
    api.create("deployments", deployment(replicas=0))
    api.create("horizontalpodautoscalers", autoscaler())
    cluster.run_for(20)
    assert conditions(cluster)["ScalingActive"] == ("False", "ScalingDisabled")
    assert spec_replicas(cluster) == 0


def test_above_max_is_scaled_down_to_max() -> None:
    cluster = Cluster(seed=1)
    api = cluster.client("kubectl")
    api.create("deployments", deployment(replicas=5))
    api.create("horizontalpodautoscalers", autoscaler(maxReplicas=3))
    assert cluster.run_until(
        lambda: spec_replicas(cluster) == 3, timeout=60)
    assert ("SuccessfulRescale", "New size: 3; reason: Current number of replicas above Spec.MaxReplicas") in \
        hpa_events(cluster)


def test_a_deleted_autoscaler_is_forgotten() -> None:
    cluster = Cluster(seed=1)
    api = cluster.client("kubectl")
    api.create("deployments", deployment(replicas=1))
    api.create("horizontalpodautoscalers", autoscaler(minReplicas=2))
    cluster.run_for(20)
    assert cluster.controller_manager is not None
    controller = cluster.controller_manager.get("horizontal-pod-autoscaler")
    assert isinstance(controller, HorizontalController)
    assert "default/php-apache" in controller.history.recommendations
    api.delete("horizontalpodautoscalers", "default", "php-apache")
    cluster.run_for(1)
    assert "default/php-apache" not in controller.history.recommendations
    api.patch("deployments", "default", "php-apache", {"spec": {"replicas": 1}})
    cluster.run_for(40)
    assert spec_replicas(cluster) == 1


def test_custom_and_external_metrics_fail_in_gos_words() -> None:
    """No custom or external metrics API is registered: the messages Go's clients give, with its quirks."""
    cluster = Cluster(seed=1)
    api = cluster.client("kubectl")
    api.create("deployments", deployment(replicas=2))
    api.create("horizontalpodautoscalers", autoscaler(name="obj", metrics=[{"type": "Object", "object": {
        "metric": {"name": "requests-per-second"},
        "describedObject": {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "name": "main-route"},
        "target": {"type": "Value", "value": "10k"}}}]))
    api.create("horizontalpodautoscalers", autoscaler(name="ext", target="other", metrics=[{"type": "External",
        "external": {"metric": {"name": "queue_messages_ready", "selector": {"matchLabels": {"queue": "worker_tasks"}}},
                     "target": {"type": "AverageValue", "averageValue": "30"}}}]))
    api.create("deployments", deployment(name="other", replicas=1))
    cluster.run_for(20)
    assert dict(hpa_events(cluster, "obj"))["FailedGetObjectMetric"] == (
        "unable to get metric requests-per-second: Ingress on default main-route/unable to fetch metrics from custom "
        "metrics API: no custom metrics API (custom.metrics.k8s.io) registered")
    assert dict(hpa_events(cluster, "ext"))["FailedGetExternalMetric"] == (
        "unable to get external metric default/queue_messages_ready/&LabelSelector{MatchLabels:map[string]string{"
        "queue: worker_tasks,},MatchExpressions:[]LabelSelectorRequirement{},}: unable to fetch metrics from external "
        "metrics API: the server could not find the requested resource "
        "(get queue_messages_ready.external.metrics.k8s.io)")


def test_two_autoscalers_over_the_same_pods_are_ambiguous() -> None:
    cluster = Cluster(seed=1)
    api = cluster.client("kubectl")
    api.create("deployments", deployment(replicas=1))
    api.create("horizontalpodautoscalers", autoscaler())
    api.create("horizontalpodautoscalers", autoscaler(name="ext"))
    cluster.run_for(35)
    messages = [m for r, m in hpa_events(cluster, "ext") + hpa_events(cluster) if r == "AmbiguousSelector"]
    assert ("pods by selector run=php-apache are controlled by multiple HPAs: [default/ext default/php-apache]"
            in messages)
