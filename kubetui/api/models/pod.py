"""The Pod and everything inside a PodSpec (core/v1), also used by every workload's pod template.

Volume sources are typed loosely: the kinds a learner uses (configMap, secret, emptyDir, hostPath,
persistentVolumeClaim) have fields; the other twenty-odd are only checked to be objects.
"""

from __future__ import annotations

from pydantic import Field

from kubetui.api.models.base import (
    Bool,
    Int,
    IntOrStr,
    K8sModel,
    Obj,
    Quantity,
    QuantityMap,
    Str,
    StrMap,
    TypeMeta,
)
from kubetui.api.models.objectmeta import LabelSelector, LocalObjectReference, NameRef, ObjectMeta

# --- containers --------------------------------------------------------------------------------


class ContainerPort(K8sModel):
    name: Str | None = None
    container_port: Int | None = None
    host_port: Int | None = None
    host_ip: Str | None = Field(None, alias="hostIP")
    protocol: Str | None = None


class ObjectFieldSelector(K8sModel):
    api_version: Str | None = None
    field_path: Str | None = None


class ResourceFieldSelector(K8sModel):
    container_name: Str | None = None
    resource: Str | None = None
    divisor: Quantity | None = None


class KeySelector(K8sModel):
    """configMapKeyRef / secretKeyRef."""

    name: Str | None = None
    key: Str | None = None
    optional: Bool | None = None


class EnvVarSource(K8sModel):
    field_ref: ObjectFieldSelector | None = None
    resource_field_ref: ResourceFieldSelector | None = None
    config_map_key_ref: KeySelector | None = None
    secret_key_ref: KeySelector | None = None


class EnvVar(K8sModel):
    name: Str | None = None
    value: Str | None = None
    value_from: EnvVarSource | None = None


class EnvFromSource(K8sModel):
    prefix: Str | None = None
    config_map_ref: NameRef | None = None
    secret_ref: NameRef | None = None


class ResourceRequirements(K8sModel):
    limits: QuantityMap | None = None
    requests: QuantityMap | None = None
    claims: list[Obj] | None = None


class ExecAction(K8sModel):
    command: list[Str] | None = None


class HTTPHeader(K8sModel):
    name: Str | None = None
    value: Str | None = None


class HTTPGetAction(K8sModel):
    path: Str | None = None
    port: IntOrStr | None = None
    host: Str | None = None
    scheme: Str | None = None
    http_headers: list[HTTPHeader] | None = None


class TCPSocketAction(K8sModel):
    port: IntOrStr | None = None
    host: Str | None = None


class GRPCAction(K8sModel):
    port: Int | None = None
    service: Str | None = None


class SleepAction(K8sModel):
    seconds: Int | None = None


class Probe(K8sModel):
    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    grpc: GRPCAction | None = None
    initial_delay_seconds: Int | None = None
    timeout_seconds: Int | None = None
    period_seconds: Int | None = None
    success_threshold: Int | None = None
    failure_threshold: Int | None = None
    termination_grace_period_seconds: Int | None = None


class LifecycleHandler(K8sModel):
    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    sleep: SleepAction | None = None


class Lifecycle(K8sModel):
    post_start: LifecycleHandler | None = None
    pre_stop: LifecycleHandler | None = None


class VolumeMount(K8sModel):
    name: Str | None = None
    mount_path: Str | None = None
    read_only: Bool | None = None
    sub_path: Str | None = None
    sub_path_expr: Str | None = None
    mount_propagation: Str | None = None
    recursive_read_only: Str | None = None


class SecurityContext(K8sModel):
    run_as_user: Int | None = None
    run_as_group: Int | None = None
    run_as_non_root: Bool | None = None
    privileged: Bool | None = None
    allow_privilege_escalation: Bool | None = None
    read_only_root_filesystem: Bool | None = None
    capabilities: Obj | None = None
    proc_mount: Str | None = None


class Container(K8sModel):
    name: Str | None = None
    image: Str | None = None
    command: list[Str] | None = None
    args: list[Str] | None = None
    working_dir: Str | None = None
    ports: list[ContainerPort] | None = None
    env: list[EnvVar] | None = None
    env_from: list[EnvFromSource] | None = None
    resources: ResourceRequirements | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    lifecycle: Lifecycle | None = None
    termination_message_path: Str | None = None
    termination_message_policy: Str | None = None
    image_pull_policy: Str | None = None
    volume_mounts: list[VolumeMount] | None = None
    security_context: SecurityContext | None = None
    restart_policy: Str | None = None
    resize_policy: list[Obj] | None = None
    stdin: Bool | None = None
    stdin_once: Bool | None = None
    tty: Bool | None = None


# --- volumes -----------------------------------------------------------------------------------

# Every volume source a Volume may name, in the order Kubernetes checks them (validateVolumeSource).
# fmt: off
VOLUME_SOURCE_FIELDS = (
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs",
    "iscsi", "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte",
    "downwardAPI", "fc", "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk",
    "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO", "csi", "ephemeral", "image",
)
# fmt: on


class KeyToPath(K8sModel):
    key: Str | None = None
    path: Str | None = None
    mode: Int | None = None


class ConfigMapVolumeSource(K8sModel):
    name: Str | None = None
    items: list[KeyToPath] | None = None
    default_mode: Int | None = None
    optional: Bool | None = None


class SecretVolumeSource(K8sModel):
    secret_name: Str | None = None
    items: list[KeyToPath] | None = None
    default_mode: Int | None = None
    optional: Bool | None = None


class EmptyDirVolumeSource(K8sModel):
    medium: Str | None = None
    size_limit: Quantity | None = None


class HostPathVolumeSource(K8sModel):
    path: Str | None = None
    type: Str | None = None


class PersistentVolumeClaimVolumeSource(K8sModel):
    claim_name: Str | None = None
    read_only: Bool | None = None


class Volume(K8sModel):
    name: Str | None = None
    config_map: ConfigMapVolumeSource | None = None
    secret: SecretVolumeSource | None = None
    empty_dir: EmptyDirVolumeSource | None = None
    host_path: HostPathVolumeSource | None = None
    persistent_volume_claim: PersistentVolumeClaimVolumeSource | None = None
    projected: Obj | None = None
    downward_api: Obj | None = Field(None, alias="downwardAPI")
    nfs: Obj | None = None
    csi: Obj | None = None
    ephemeral: Obj | None = None


# --- scheduling: tolerations, affinity, spread ------------------------------------------------


class Toleration(K8sModel):
    key: Str | None = None
    operator: Str | None = None
    value: Str | None = None
    effect: Str | None = None
    toleration_seconds: Int | None = None


class NodeSelectorRequirement(K8sModel):
    key: Str | None = None
    operator: Str | None = None
    values: list[Str] | None = None


class NodeSelectorTerm(K8sModel):
    match_expressions: list[NodeSelectorRequirement] | None = None
    match_fields: list[NodeSelectorRequirement] | None = None


class NodeSelector(K8sModel):
    node_selector_terms: list[NodeSelectorTerm] | None = None


class PreferredSchedulingTerm(K8sModel):
    weight: Int | None = None
    preference: NodeSelectorTerm | None = None


class NodeAffinity(K8sModel):
    required_during_scheduling_ignored_during_execution: NodeSelector | None = None
    preferred_during_scheduling_ignored_during_execution: list[PreferredSchedulingTerm] | None = None


class PodAffinityTerm(K8sModel):
    label_selector: LabelSelector | None = None
    namespaces: list[Str] | None = None
    topology_key: Str | None = None
    namespace_selector: LabelSelector | None = None
    match_label_keys: list[Str] | None = None
    mismatch_label_keys: list[Str] | None = None


class WeightedPodAffinityTerm(K8sModel):
    weight: Int | None = None
    pod_affinity_term: PodAffinityTerm | None = None


class PodAffinity(K8sModel):
    """Both podAffinity and podAntiAffinity have this shape."""

    required_during_scheduling_ignored_during_execution: list[PodAffinityTerm] | None = None
    preferred_during_scheduling_ignored_during_execution: list[WeightedPodAffinityTerm] | None = None


class Affinity(K8sModel):
    node_affinity: NodeAffinity | None = None
    pod_affinity: PodAffinity | None = None
    pod_anti_affinity: PodAffinity | None = None


class TopologySpreadConstraint(K8sModel):
    max_skew: Int | None = None
    topology_key: Str | None = None
    when_unsatisfiable: Str | None = None
    label_selector: LabelSelector | None = None
    min_domains: Int | None = None
    node_affinity_policy: Str | None = None
    node_taints_policy: Str | None = None
    match_label_keys: list[Str] | None = None


class PodSecurityContext(K8sModel):
    run_as_user: Int | None = None
    run_as_group: Int | None = None
    run_as_non_root: Bool | None = None
    fs_group: Int | None = None
    supplemental_groups: list[Int] | None = None
    sysctls: list[Obj] | None = None
    fs_group_change_policy: Str | None = None
    se_linux_change_policy: Str | None = None
    supplemental_groups_policy: Str | None = None


class PodSchedulingGate(K8sModel):
    name: Str | None = None


# --- the pod ----------------------------------------------------------------------------------


class PodSpec(K8sModel):
    volumes: list[Volume] | None = None
    init_containers: list[Container] | None = None
    containers: list[Container] | None = None
    ephemeral_containers: list[Obj] | None = None
    restart_policy: Str | None = None
    termination_grace_period_seconds: Int | None = None
    active_deadline_seconds: Int | None = None
    dns_policy: Str | None = None
    node_selector: StrMap | None = None
    service_account_name: Str | None = None
    service_account: Str | None = None
    automount_service_account_token: Bool | None = None
    node_name: Str | None = None
    host_network: Bool | None = None
    host_pid: Bool | None = Field(None, alias="hostPID")
    host_ipc: Bool | None = Field(None, alias="hostIPC")
    share_process_namespace: Bool | None = None
    security_context: PodSecurityContext | None = None
    image_pull_secrets: list[LocalObjectReference] | None = None
    hostname: Str | None = None
    subdomain: Str | None = None
    affinity: Affinity | None = None
    scheduler_name: Str | None = None
    tolerations: list[Toleration] | None = None
    host_aliases: list[Obj] | None = None
    priority_class_name: Str | None = None
    priority: Int | None = None
    dns_config: Obj | None = None
    readiness_gates: list[Obj] | None = None
    runtime_class_name: Str | None = None
    enable_service_links: Bool | None = None
    preemption_policy: Str | None = None
    overhead: QuantityMap | None = None
    topology_spread_constraints: list[TopologySpreadConstraint] | None = None
    scheduling_gates: list[PodSchedulingGate] | None = None
    os: Obj | None = None
    host_users: Bool | None = None
    set_hostname_as_fqdn: Bool | None = Field(None, alias="setHostnameAsFQDN")


class PodCondition(K8sModel):
    type: Str | None = None
    status: Str | None = None
    reason: Str | None = None
    message: Str | None = None
    last_probe_time: Str | None = None
    last_transition_time: Str | None = None


class ContainerStateWaiting(K8sModel):
    reason: Str | None = None
    message: Str | None = None


class ContainerStateRunning(K8sModel):
    started_at: Str | None = None


class ContainerStateTerminated(K8sModel):
    exit_code: Int | None = None
    signal: Int | None = None
    reason: Str | None = None
    message: Str | None = None
    started_at: Str | None = None
    finished_at: Str | None = None
    container_id: Str | None = Field(None, alias="containerID")


class ContainerState(K8sModel):
    waiting: ContainerStateWaiting | None = None
    running: ContainerStateRunning | None = None
    terminated: ContainerStateTerminated | None = None


class ContainerStatus(K8sModel):
    name: Str | None = None
    state: ContainerState | None = None
    last_state: ContainerState | None = None
    ready: Bool | None = None
    restart_count: Int | None = None
    image: Str | None = None
    image_id: Str | None = Field(None, alias="imageID")
    container_id: Str | None = Field(None, alias="containerID")
    started: Bool | None = None


class PodIP(K8sModel):
    ip: Str | None = None


class PodStatus(K8sModel):
    phase: Str | None = None
    conditions: list[PodCondition] | None = None
    message: Str | None = None
    reason: Str | None = None
    nominated_node_name: Str | None = None
    host_ip: Str | None = Field(None, alias="hostIP")
    host_ips: list[PodIP] | None = Field(None, alias="hostIPs")
    pod_ip: Str | None = Field(None, alias="podIP")
    pod_ips: list[PodIP] | None = Field(None, alias="podIPs")
    start_time: Str | None = None
    init_container_statuses: list[ContainerStatus] | None = None
    container_statuses: list[ContainerStatus] | None = None
    qos_class: Str | None = None


class Pod(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: PodSpec | None = None
    status: PodStatus | None = None


class PodTemplateSpec(K8sModel):
    metadata: ObjectMeta | None = None
    spec: PodSpec | None = None
