"""autoscaling/v2: HorizontalPodAutoscaler, the storage version (``k8s.io/api/autoscaling/v2/types.go``)."""

from __future__ import annotations

from kubetui.api.models.base import Int, K8sModel, Quantity, Str, TypeMeta
from kubetui.api.models.objectmeta import LabelSelector, ObjectMeta


class CrossVersionObjectReference(K8sModel):
    kind: Str | None = None
    name: Str | None = None
    api_version: Str | None = None


class MetricIdentifier(K8sModel):
    name: Str | None = None
    selector: LabelSelector | None = None


class MetricTarget(K8sModel):
    type: Str | None = None
    value: Quantity | None = None
    average_value: Quantity | None = None
    average_utilization: Int | None = None


class ObjectMetricSource(K8sModel):
    described_object: CrossVersionObjectReference | None = None
    target: MetricTarget | None = None
    metric: MetricIdentifier | None = None


class PodsMetricSource(K8sModel):
    metric: MetricIdentifier | None = None
    target: MetricTarget | None = None


class ResourceMetricSource(K8sModel):
    name: Str | None = None
    target: MetricTarget | None = None


class ContainerResourceMetricSource(K8sModel):
    name: Str | None = None
    target: MetricTarget | None = None
    container: Str | None = None


class ExternalMetricSource(K8sModel):
    metric: MetricIdentifier | None = None
    target: MetricTarget | None = None


class MetricSpec(K8sModel):
    type: Str | None = None
    object: ObjectMetricSource | None = None
    pods: PodsMetricSource | None = None
    resource: ResourceMetricSource | None = None
    container_resource: ContainerResourceMetricSource | None = None
    external: ExternalMetricSource | None = None


class HPAScalingPolicy(K8sModel):
    type: Str | None = None
    value: Int | None = None
    period_seconds: Int | None = None


class HPAScalingRules(K8sModel):
    stabilization_window_seconds: Int | None = None
    select_policy: Str | None = None
    policies: list[HPAScalingPolicy] | None = None


class HorizontalPodAutoscalerBehavior(K8sModel):
    scale_up: HPAScalingRules | None = None
    scale_down: HPAScalingRules | None = None


class HorizontalPodAutoscalerSpec(K8sModel):
    scale_target_ref: CrossVersionObjectReference | None = None
    min_replicas: Int | None = None
    max_replicas: Int | None = None
    metrics: list[MetricSpec] | None = None
    behavior: HorizontalPodAutoscalerBehavior | None = None


class MetricValueStatus(K8sModel):
    value: Quantity | None = None
    average_value: Quantity | None = None
    average_utilization: Int | None = None


class ObjectMetricStatus(K8sModel):
    metric: MetricIdentifier | None = None
    current: MetricValueStatus | None = None
    described_object: CrossVersionObjectReference | None = None


class PodsMetricStatus(K8sModel):
    metric: MetricIdentifier | None = None
    current: MetricValueStatus | None = None


class ResourceMetricStatus(K8sModel):
    name: Str | None = None
    current: MetricValueStatus | None = None


class ContainerResourceMetricStatus(K8sModel):
    name: Str | None = None
    current: MetricValueStatus | None = None
    container: Str | None = None


class ExternalMetricStatus(K8sModel):
    metric: MetricIdentifier | None = None
    current: MetricValueStatus | None = None


class MetricStatus(K8sModel):
    type: Str | None = None
    object: ObjectMetricStatus | None = None
    pods: PodsMetricStatus | None = None
    resource: ResourceMetricStatus | None = None
    container_resource: ContainerResourceMetricStatus | None = None
    external: ExternalMetricStatus | None = None


class HorizontalPodAutoscalerCondition(K8sModel):
    type: Str | None = None
    status: Str | None = None
    last_transition_time: Str | None = None
    reason: Str | None = None
    message: Str | None = None


class HorizontalPodAutoscalerStatus(K8sModel):
    observed_generation: Int | None = None
    last_scale_time: Str | None = None
    current_replicas: Int | None = None
    desired_replicas: Int | None = None
    current_metrics: list[MetricStatus] | None = None
    conditions: list[HorizontalPodAutoscalerCondition] | None = None


class HorizontalPodAutoscaler(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: HorizontalPodAutoscalerSpec | None = None
    status: HorizontalPodAutoscalerStatus | None = None
