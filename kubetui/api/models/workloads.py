"""apps/v1, batch/v1, policy/v1 and scheduling.k8s.io/v1 kinds, and core/v1's ReplicationController."""

from __future__ import annotations

from kubetui.api.models.base import Bool, Int, IntOrStr, K8sModel, Obj, RawExtension, Str, StrMap, TypeMeta
from kubetui.api.models.objectmeta import Condition, LabelSelector, ObjectMeta, ObjectReference
from kubetui.api.models.pod import PodTemplateSpec
from kubetui.api.models.storage import PersistentVolumeClaim

# --- Deployment --------------------------------------------------------------------------------


class RollingUpdateDeployment(K8sModel):
    max_unavailable: IntOrStr | None = None
    max_surge: IntOrStr | None = None


class DeploymentStrategy(K8sModel):
    type: Str | None = None
    rolling_update: RollingUpdateDeployment | None = None


class DeploymentSpec(K8sModel):
    replicas: Int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec | None = None
    strategy: DeploymentStrategy | None = None
    min_ready_seconds: Int | None = None
    revision_history_limit: Int | None = None
    paused: Bool | None = None
    progress_deadline_seconds: Int | None = None


class DeploymentStatus(K8sModel):
    observed_generation: Int | None = None
    replicas: Int | None = None
    updated_replicas: Int | None = None
    ready_replicas: Int | None = None
    available_replicas: Int | None = None
    unavailable_replicas: Int | None = None
    terminating_replicas: Int | None = None
    conditions: list[Condition] | None = None
    collision_count: Int | None = None


class Deployment(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: DeploymentSpec | None = None
    status: DeploymentStatus | None = None


# --- ReplicaSet --------------------------------------------------------------------------------


class ReplicaSetSpec(K8sModel):
    replicas: Int | None = None
    min_ready_seconds: Int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec | None = None


class ReplicaSetStatus(K8sModel):
    replicas: Int | None = None
    fully_labeled_replicas: Int | None = None
    ready_replicas: Int | None = None
    available_replicas: Int | None = None
    terminating_replicas: Int | None = None
    observed_generation: Int | None = None
    conditions: list[Condition] | None = None


class ReplicaSet(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: ReplicaSetSpec | None = None
    status: ReplicaSetStatus | None = None


# --- ReplicationController (core/v1: the ReplicaSet's predecessor, with an equality-only selector) -----


class ReplicationControllerSpec(K8sModel):
    replicas: Int | None = None
    min_ready_seconds: Int | None = None
    selector: StrMap | None = None
    template: PodTemplateSpec | None = None


class ReplicationControllerStatus(K8sModel):
    replicas: Int | None = None
    fully_labeled_replicas: Int | None = None
    ready_replicas: Int | None = None
    available_replicas: Int | None = None
    observed_generation: Int | None = None
    conditions: list[Condition] | None = None


class ReplicationController(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: ReplicationControllerSpec | None = None
    status: ReplicationControllerStatus | None = None


# --- DaemonSet ---------------------------------------------------------------------------------


class RollingUpdateDaemonSet(K8sModel):
    max_unavailable: IntOrStr | None = None
    max_surge: IntOrStr | None = None


class DaemonSetUpdateStrategy(K8sModel):
    type: Str | None = None
    rolling_update: RollingUpdateDaemonSet | None = None


class DaemonSetSpec(K8sModel):
    selector: LabelSelector | None = None
    template: PodTemplateSpec | None = None
    update_strategy: DaemonSetUpdateStrategy | None = None
    min_ready_seconds: Int | None = None
    revision_history_limit: Int | None = None


class DaemonSetStatus(K8sModel):
    current_number_scheduled: Int | None = None
    number_misscheduled: Int | None = None
    desired_number_scheduled: Int | None = None
    number_ready: Int | None = None
    observed_generation: Int | None = None
    updated_number_scheduled: Int | None = None
    number_available: Int | None = None
    number_unavailable: Int | None = None
    collision_count: Int | None = None
    conditions: list[Condition] | None = None


class DaemonSet(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: DaemonSetSpec | None = None
    status: DaemonSetStatus | None = None


# --- StatefulSet -------------------------------------------------------------------------------


class RollingUpdateStatefulSetStrategy(K8sModel):
    partition: Int | None = None
    max_unavailable: IntOrStr | None = None


class StatefulSetUpdateStrategy(K8sModel):
    type: Str | None = None
    rolling_update: RollingUpdateStatefulSetStrategy | None = None


class StatefulSetPersistentVolumeClaimRetentionPolicy(K8sModel):
    when_deleted: Str | None = None
    when_scaled: Str | None = None


class StatefulSetOrdinals(K8sModel):
    start: Int | None = None


class StatefulSetSpec(K8sModel):
    replicas: Int | None = None
    selector: LabelSelector | None = None
    template: PodTemplateSpec | None = None
    volume_claim_templates: list[PersistentVolumeClaim] | None = None
    service_name: Str | None = None
    pod_management_policy: Str | None = None
    update_strategy: StatefulSetUpdateStrategy | None = None
    revision_history_limit: Int | None = None
    min_ready_seconds: Int | None = None
    persistent_volume_claim_retention_policy: StatefulSetPersistentVolumeClaimRetentionPolicy | None = None
    ordinals: StatefulSetOrdinals | None = None


class StatefulSetStatus(K8sModel):
    observed_generation: Int | None = None
    replicas: Int | None = None
    ready_replicas: Int | None = None
    current_replicas: Int | None = None
    updated_replicas: Int | None = None
    available_replicas: Int | None = None
    current_revision: Str | None = None
    update_revision: Str | None = None
    collision_count: Int | None = None
    conditions: list[Condition] | None = None


class StatefulSet(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: StatefulSetSpec | None = None
    status: StatefulSetStatus | None = None


# --- ControllerRevision ------------------------------------------------------------------------


class ControllerRevision(TypeMeta):
    """apps/v1: an immutable snapshot of a DaemonSet's or StatefulSet's template (their rollout history)."""

    metadata: ObjectMeta | None = None
    data: RawExtension | None = None
    revision: Int | None = None


# --- Job ---------------------------------------------------------------------------------------


class JobSpec(K8sModel):
    parallelism: Int | None = None
    completions: Int | None = None
    active_deadline_seconds: Int | None = None
    pod_failure_policy: Obj | None = None
    success_policy: Obj | None = None
    backoff_limit: Int | None = None
    backoff_limit_per_index: Int | None = None
    max_failed_indexes: Int | None = None
    selector: LabelSelector | None = None
    manual_selector: Bool | None = None
    template: PodTemplateSpec | None = None
    ttl_seconds_after_finished: Int | None = None
    completion_mode: Str | None = None
    suspend: Bool | None = None
    pod_replacement_policy: Str | None = None
    managed_by: Str | None = None


class JobStatus(K8sModel):
    conditions: list[Condition] | None = None
    start_time: Str | None = None
    completion_time: Str | None = None
    active: Int | None = None
    succeeded: Int | None = None
    failed: Int | None = None
    terminating: Int | None = None
    ready: Int | None = None
    completed_indexes: Str | None = None
    failed_indexes: Str | None = None
    uncounted_terminated_pods: Obj | None = None


class Job(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: JobSpec | None = None
    status: JobStatus | None = None


class JobTemplateSpec(K8sModel):
    metadata: ObjectMeta | None = None
    spec: JobSpec | None = None


class CronJobSpec(K8sModel):
    schedule: Str | None = None
    time_zone: Str | None = None
    starting_deadline_seconds: Int | None = None
    concurrency_policy: Str | None = None
    suspend: Bool | None = None
    job_template: JobTemplateSpec | None = None
    successful_jobs_history_limit: Int | None = None
    failed_jobs_history_limit: Int | None = None


class CronJobStatus(K8sModel):
    active: list[ObjectReference] | None = None
    last_schedule_time: Str | None = None
    last_successful_time: Str | None = None


class CronJob(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: CronJobSpec | None = None
    status: CronJobStatus | None = None


# --- PodDisruptionBudget, PriorityClass --------------------------------------------------------


class PodDisruptionBudgetSpec(K8sModel):
    min_available: IntOrStr | None = None
    selector: LabelSelector | None = None
    max_unavailable: IntOrStr | None = None
    unhealthy_pod_eviction_policy: Str | None = None


class PodDisruptionBudgetStatus(K8sModel):
    observed_generation: Int | None = None
    disrupted_pods: dict[str, Str] | None = None
    disruptions_allowed: Int | None = None
    current_healthy: Int | None = None
    desired_healthy: Int | None = None
    expected_pods: Int | None = None
    conditions: list[Condition] | None = None


class PodDisruptionBudget(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: PodDisruptionBudgetSpec | None = None
    status: PodDisruptionBudgetStatus | None = None


class PriorityClass(TypeMeta):
    """scheduling.k8s.io/v1: a named pod priority. Cluster-scoped, with top-level fields."""

    metadata: ObjectMeta | None = None
    value: Int | None = None
    global_default: Bool | None = None
    description: Str | None = None
    preemption_policy: Str | None = None
