"""autoscaling/v1: HorizontalPodAutoscaler as v1 serves it (``k8s.io/api/autoscaling/v1/types.go``).

Served only through conversion (:mod:`kubetui.api.conversion.autoscaling`); the store keeps v2.
"""

from __future__ import annotations

from pydantic import Field

from kubetui.api.models.base import Int, K8sModel, Str, TypeMeta
from kubetui.api.models.objectmeta import ObjectMeta


class CrossVersionObjectReference(K8sModel):
    kind: Str | None = None
    name: Str | None = None
    api_version: Str | None = None


class HorizontalPodAutoscalerSpec(K8sModel):
    scale_target_ref: CrossVersionObjectReference | None = None
    min_replicas: Int | None = None
    max_replicas: Int | None = None
    target_cpu_utilization_percentage: Int | None = Field(None, alias="targetCPUUtilizationPercentage")


class HorizontalPodAutoscalerStatus(K8sModel):
    observed_generation: Int | None = None
    last_scale_time: Str | None = None
    current_replicas: Int | None = None
    desired_replicas: Int | None = None
    current_cpu_utilization_percentage: Int | None = Field(None, alias="currentCPUUtilizationPercentage")


class HorizontalPodAutoscaler(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: HorizontalPodAutoscalerSpec | None = None
    status: HorizontalPodAutoscalerStatus | None = None
