"""metav1 types shared by every kind: ObjectMeta, OwnerReference, LabelSelector, conditions."""

from __future__ import annotations

from kubetui.api.models.base import Bool, Int, K8sModel, Obj, Str, StrMap


class OwnerReference(K8sModel):
    api_version: Str | None = None
    kind: Str | None = None
    name: Str | None = None
    uid: Str | None = None
    controller: Bool | None = None
    block_owner_deletion: Bool | None = None


class ObjectMeta(K8sModel):
    name: Str | None = None
    generate_name: Str | None = None
    namespace: Str | None = None
    uid: Str | None = None
    resource_version: Str | None = None
    generation: Int | None = None
    creation_timestamp: Str | None = None
    deletion_timestamp: Str | None = None
    deletion_grace_period_seconds: Int | None = None
    labels: StrMap | None = None
    annotations: StrMap | None = None
    owner_references: list[OwnerReference] | None = None
    finalizers: list[Str] | None = None
    managed_fields: list[Obj] | None = None


class LabelSelectorRequirement(K8sModel):
    key: Str | None = None
    operator: Str | None = None
    values: list[Str] | None = None


class LabelSelector(K8sModel):
    match_labels: StrMap | None = None
    match_expressions: list[LabelSelectorRequirement] | None = None


class Condition(K8sModel):
    """The condition shape of workload statuses (Deployment, Job, ...); metav1.Condition is a superset."""

    type: Str | None = None
    status: Str | None = None
    reason: Str | None = None
    message: Str | None = None
    last_update_time: Str | None = None
    last_transition_time: Str | None = None
    last_probe_time: Str | None = None
    observed_generation: Int | None = None


class ObjectReference(K8sModel):
    api_version: Str | None = None
    kind: Str | None = None
    namespace: Str | None = None
    name: Str | None = None
    uid: Str | None = None
    resource_version: Str | None = None
    field_path: Str | None = None


class LocalObjectReference(K8sModel):
    name: Str | None = None


class NameRef(K8sModel):
    """``{name, optional}``: configMapRef/secretRef in envFrom."""

    name: Str | None = None
    optional: Bool | None = None


__all__ = [
    "Condition",
    "LabelSelector",
    "LabelSelectorRequirement",
    "LocalObjectReference",
    "NameRef",
    "ObjectMeta",
    "ObjectReference",
    "OwnerReference",
]
