"""core/v1 kinds other than Pod, plus the small cluster-plumbing kinds (EndpointSlice, Lease)."""

from __future__ import annotations

from pydantic import Field

from kubetui.api.models.base import Base64, Bool, Int, IntOrStr, K8sModel, Obj, QuantityMap, Str, StrMap, TypeMeta
from kubetui.api.models.objectmeta import LocalObjectReference, ObjectMeta, ObjectReference

# --- Namespace --------------------------------------------------------------------------------


class NamespaceSpec(K8sModel):
    finalizers: list[Str] | None = None


class NamespaceStatus(K8sModel):
    phase: Str | None = None
    conditions: list[Obj] | None = None


class Namespace(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: NamespaceSpec | None = None
    status: NamespaceStatus | None = None


# --- Node -------------------------------------------------------------------------------------


class Taint(K8sModel):
    key: Str | None = None
    value: Str | None = None
    effect: Str | None = None
    time_added: Str | None = None


class NodeSpec(K8sModel):
    pod_cidr: Str | None = Field(None, alias="podCIDR")
    pod_cidrs: list[Str] | None = Field(None, alias="podCIDRs")
    provider_id: Str | None = Field(None, alias="providerID")
    unschedulable: Bool | None = None
    taints: list[Taint] | None = None
    external_id: Str | None = Field(None, alias="externalID")


class NodeCondition(K8sModel):
    type: Str | None = None
    status: Str | None = None
    last_heartbeat_time: Str | None = None
    last_transition_time: Str | None = None
    reason: Str | None = None
    message: Str | None = None


class NodeAddress(K8sModel):
    type: Str | None = None
    address: Str | None = None


class NodeStatus(K8sModel):
    capacity: QuantityMap | None = None
    allocatable: QuantityMap | None = None
    phase: Str | None = None
    conditions: list[NodeCondition] | None = None
    addresses: list[NodeAddress] | None = None
    daemon_endpoints: Obj | None = None
    node_info: Obj | None = None
    images: list[Obj] | None = None


class Node(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: NodeSpec | None = None
    status: NodeStatus | None = None


# --- Service, Endpoints, EndpointSlice ---------------------------------------------------------


class ServicePort(K8sModel):
    name: Str | None = None
    protocol: Str | None = None
    app_protocol: Str | None = None
    port: Int | None = None
    target_port: IntOrStr | None = None
    node_port: Int | None = None


class ClientIPConfig(K8sModel):
    timeout_seconds: Int | None = None


class SessionAffinityConfig(K8sModel):
    client_ip: ClientIPConfig | None = Field(None, alias="clientIP")


class ServiceSpec(K8sModel):
    ports: list[ServicePort] | None = None
    selector: StrMap | None = None
    cluster_ip: Str | None = Field(None, alias="clusterIP")
    cluster_ips: list[Str] | None = Field(None, alias="clusterIPs")
    type: Str | None = None
    external_ips: list[Str] | None = Field(None, alias="externalIPs")
    session_affinity: Str | None = None
    session_affinity_config: SessionAffinityConfig | None = None
    load_balancer_ip: Str | None = Field(None, alias="loadBalancerIP")
    load_balancer_source_ranges: list[Str] | None = None
    external_name: Str | None = None
    external_traffic_policy: Str | None = None
    health_check_node_port: Int | None = None
    publish_not_ready_addresses: Bool | None = None
    ip_families: list[Str] | None = None
    ip_family_policy: Str | None = None
    allocate_load_balancer_node_ports: Bool | None = None
    load_balancer_class: Str | None = None
    internal_traffic_policy: Str | None = None
    traffic_distribution: Str | None = None


class ServiceStatus(K8sModel):
    load_balancer: Obj | None = None
    conditions: list[Obj] | None = None


class Service(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: ServiceSpec | None = None
    status: ServiceStatus | None = None


class EndpointAddress(K8sModel):
    ip: Str | None = None
    hostname: Str | None = None
    node_name: Str | None = None
    target_ref: ObjectReference | None = None


class EndpointPort(K8sModel):
    name: Str | None = None
    port: Int | None = None
    protocol: Str | None = None
    app_protocol: Str | None = None


class EndpointSubset(K8sModel):
    addresses: list[EndpointAddress] | None = None
    not_ready_addresses: list[EndpointAddress] | None = None
    ports: list[EndpointPort] | None = None


class Endpoints(TypeMeta):
    metadata: ObjectMeta | None = None
    subsets: list[EndpointSubset] | None = None


class EndpointConditions(K8sModel):
    ready: Bool | None = None
    serving: Bool | None = None
    terminating: Bool | None = None


class Endpoint(K8sModel):
    addresses: list[Str] | None = None
    conditions: EndpointConditions | None = None
    hostname: Str | None = None
    target_ref: ObjectReference | None = None
    node_name: Str | None = None
    zone: Str | None = None


class EndpointSlice(TypeMeta):
    """discovery.k8s.io/v1: the scalable successor of Endpoints; ports are named, not nested."""

    metadata: ObjectMeta | None = None
    address_type: Str | None = None
    endpoints: list[Endpoint] | None = None
    ports: list[EndpointPort] | None = None


# --- ConfigMap, Secret -------------------------------------------------------------------------


class ConfigMap(TypeMeta):
    metadata: ObjectMeta | None = None
    data: StrMap | None = None
    binary_data: StrMap | None = None
    immutable: Bool | None = None


class Secret(TypeMeta):
    metadata: ObjectMeta | None = None
    data: dict[str, Base64] | None = None  # base64, as on the wire
    string_data: StrMap | None = None
    type: Str | None = None
    immutable: Bool | None = None


class ServiceAccount(TypeMeta):
    """v1: an identity for the processes in a pod (no tokens here: see kubetui/apiserver/admission.py)."""

    metadata: ObjectMeta | None = None
    secrets: list[ObjectReference] | None = None
    image_pull_secrets: list[LocalObjectReference] | None = None
    automount_service_account_token: Bool | None = None


# --- Event, Binding, Lease ---------------------------------------------------------------------


class EventSource(K8sModel):
    component: Str | None = None
    host: Str | None = None


class Event(TypeMeta):
    metadata: ObjectMeta | None = None
    involved_object: ObjectReference | None = None
    reason: Str | None = None
    message: Str | None = None
    source: EventSource | None = None
    first_timestamp: Str | None = None
    last_timestamp: Str | None = None
    count: Int | None = None
    type: Str | None = None
    event_time: Str | None = None
    series: Obj | None = None
    action: Str | None = None
    related: ObjectReference | None = None
    reporting_component: Str | None = None
    reporting_instance: Str | None = None


class Binding(TypeMeta):
    """pods/binding: how the scheduler assigns a pod to a node."""

    metadata: ObjectMeta | None = None
    target: ObjectReference | None = None


class LeaseSpec(K8sModel):
    holder_identity: Str | None = None
    lease_duration_seconds: Int | None = None
    acquire_time: Str | None = None
    renew_time: Str | None = None
    lease_transitions: Int | None = None
    strategy: Str | None = None
    preferred_holder: Str | None = None


class Lease(TypeMeta):
    """coordination.k8s.io/v1: node heartbeats and leader election."""

    metadata: ObjectMeta | None = None
    spec: LeaseSpec | None = None


# --- LimitRange and ResourceQuota (core/v1) -----------------------------------------------------------------------


class LimitRangeItem(K8sModel):
    type: Str | None = None
    max: QuantityMap | None = None
    min: QuantityMap | None = None
    default: QuantityMap | None = None
    default_request: QuantityMap | None = None
    max_limit_request_ratio: QuantityMap | None = None


class LimitRangeSpec(K8sModel):
    limits: list[LimitRangeItem] | None = None


class LimitRange(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: LimitRangeSpec | None = None


class ScopedResourceSelectorRequirement(K8sModel):
    scope_name: Str | None = None
    operator: Str | None = None
    values: list[Str] | None = None


class ScopeSelector(K8sModel):
    match_expressions: list[ScopedResourceSelectorRequirement] | None = None


class ResourceQuotaSpec(K8sModel):
    hard: QuantityMap | None = None
    scopes: list[Str] | None = None
    scope_selector: ScopeSelector | None = None


class ResourceQuotaStatus(K8sModel):
    hard: QuantityMap | None = None
    used: QuantityMap | None = None


class ResourceQuota(TypeMeta):
    metadata: ObjectMeta | None = None
    spec: ResourceQuotaSpec | None = None
    status: ResourceQuotaStatus | None = None
