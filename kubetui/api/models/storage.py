"""Storage kinds: PersistentVolumeClaim and PersistentVolume (core/v1), StorageClass (storage.k8s.io/v1).

The volume sources a PV can name are many; ``hostPath`` and ``local`` (what the local-path provisioner
makes) are typed, the others are only checked to be objects.
"""

from __future__ import annotations

from kubetui.api.models.base import Bool, K8sModel, Obj, QuantityMap, Str, StrMap, TypeMeta
from kubetui.api.models.objectmeta import LabelSelector, ObjectMeta, ObjectReference
from kubetui.api.models.pod import HostPathVolumeSource, NodeSelector, ResourceRequirements

# --- PersistentVolumeClaim ----------------------------------------------------------------------


class TypedLocalObjectReference(K8sModel):
    api_group: Str | None = None
    kind: Str | None = None
    name: Str | None = None


class TypedObjectReference(K8sModel):
    api_group: Str | None = None
    kind: Str | None = None
    name: Str | None = None
    namespace: Str | None = None


class PersistentVolumeClaimSpec(K8sModel):
    access_modes: list[Str] | None = None
    selector: LabelSelector | None = None
    resources: ResourceRequirements | None = None
    volume_name: Str | None = None
    storage_class_name: Str | None = None
    volume_mode: Str | None = None
    data_source: TypedLocalObjectReference | None = None
    data_source_ref: TypedObjectReference | None = None
    volume_attributes_class_name: Str | None = None


class PersistentVolumeClaimStatus(K8sModel):
    phase: Str | None = None
    access_modes: list[Str] | None = None
    capacity: QuantityMap | None = None
    conditions: list[Obj] | None = None
    allocated_resources: QuantityMap | None = None
    allocated_resource_statuses: StrMap | None = None
    current_volume_attributes_class_name: Str | None = None
    modify_volume_status: Obj | None = None


class PersistentVolumeClaim(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: PersistentVolumeClaimSpec | None = None
    status: PersistentVolumeClaimStatus | None = None


# --- PersistentVolume ---------------------------------------------------------------------------


class LocalVolumeSource(K8sModel):
    path: Str | None = None
    fs_type: Str | None = None


class VolumeNodeAffinity(K8sModel):
    required: NodeSelector | None = None


class PersistentVolumeSpec(K8sModel):
    capacity: QuantityMap | None = None
    access_modes: list[Str] | None = None
    claim_ref: ObjectReference | None = None
    persistent_volume_reclaim_policy: Str | None = None
    storage_class_name: Str | None = None
    mount_options: list[Str] | None = None
    volume_mode: Str | None = None
    node_affinity: VolumeNodeAffinity | None = None
    volume_attributes_class_name: Str | None = None
    host_path: HostPathVolumeSource | None = None
    local: LocalVolumeSource | None = None
    csi: Obj | None = None
    nfs: Obj | None = None


class PersistentVolumeStatus(K8sModel):
    phase: Str | None = None
    message: Str | None = None
    reason: Str | None = None
    last_phase_transition_time: Str | None = None


class PersistentVolume(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: PersistentVolumeSpec | None = None
    status: PersistentVolumeStatus | None = None


# --- StorageClass -------------------------------------------------------------------------------


class TopologySelectorLabelRequirement(K8sModel):
    key: Str | None = None
    values: list[Str] | None = None


class TopologySelectorTerm(K8sModel):
    match_label_expressions: list[TopologySelectorLabelRequirement] | None = None


class StorageClass(TypeMeta):
    """storage.k8s.io/v1: how volumes of a class are provisioned. Cluster-scoped, with top-level fields."""

    metadata: ObjectMeta | None = None
    provisioner: Str | None = None
    parameters: StrMap | None = None
    reclaim_policy: Str | None = None
    mount_options: list[Str] | None = None
    allow_volume_expansion: Bool | None = None
    volume_binding_mode: Str | None = None
    allowed_topologies: list[TopologySelectorTerm] | None = None
