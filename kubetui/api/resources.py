"""The resource registry: every kind the API server serves, with its REST name, group and scope."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ResourceInfo:
    plural: str
    singular: str
    kind: str
    group: str  # "" is the core group
    version: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    status: bool = True  # has a /status subresource (spec and status written separately)
    scale: bool = False  # has a /scale subresource
    categories: tuple[str, ...] = ()
    # Other versions the resource is also served at, converted to and from ``version`` (the storage
    # version) by the converters of :mod:`kubetui.api.conversion`.
    also_served: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """``deployments.apps`` or ``pods``: how Kubernetes names a resource in error messages."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def kind_qualified(self) -> str:
        """``Deployment.apps`` or ``Pod``: how Kubernetes names a kind in Invalid messages."""
        return f"{self.kind}.{self.group}" if self.group else self.kind

    def api_version_of(self, version: str) -> str:
        return f"{self.group}/{version}" if self.group else version

    def serves(self, version: str) -> bool:
        return version == self.version or version in self.also_served

    def key(self, namespace: str, name: str) -> str:
        """The etcd key: ``/registry/<resource>/<namespace>/<name>``."""
        if self.namespaced:
            return f"/registry/{self.plural}/{namespace}/{name}"
        return f"/registry/{self.plural}/{name}"

    def prefix(self, namespace: str | None = None) -> str:
        if self.namespaced and namespace:
            return f"/registry/{self.plural}/{namespace}/"
        return f"/registry/{self.plural}/"


_ALL = "all"

RESOURCES: tuple[ResourceInfo, ...] = (
    ResourceInfo("namespaces", "namespace", "Namespace", "", "v1", False, ("ns",)),
    ResourceInfo("nodes", "node", "Node", "", "v1", False, ("no",)),
    ResourceInfo("pods", "pod", "Pod", "", "v1", True, ("po",), categories=(_ALL,)),
    ResourceInfo("services", "service", "Service", "", "v1", True, ("svc",), categories=(_ALL,)),
    ResourceInfo("endpoints", "endpoints", "Endpoints", "", "v1", True, ("ep",), status=False),
    ResourceInfo("configmaps", "configmap", "ConfigMap", "", "v1", True, ("cm",), status=False),
    ResourceInfo("secrets", "secret", "Secret", "", "v1", True, (), status=False),
    ResourceInfo("serviceaccounts", "serviceaccount", "ServiceAccount", "", "v1", True, ("sa",), status=False),
    ResourceInfo(
        "replicationcontrollers", "replicationcontroller", "ReplicationController", "", "v1", True, ("rc",),
        scale=True, categories=(_ALL,),
    ),
    ResourceInfo("events", "event", "Event", "", "v1", True, ("ev",), status=False),
    ResourceInfo("limitranges", "limitrange", "LimitRange", "", "v1", True, ("limits",), status=False),
    ResourceInfo("resourcequotas", "resourcequota", "ResourceQuota", "", "v1", True, ("quota",)),
    ResourceInfo("persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", "", "v1", True, ("pvc",)),
    ResourceInfo("persistentvolumes", "persistentvolume", "PersistentVolume", "", "v1", False, ("pv",)),
    ResourceInfo("bindings", "binding", "Binding", "", "v1", True, (), status=False),
    ResourceInfo(
        "endpointslices", "endpointslice", "EndpointSlice", "discovery.k8s.io", "v1", True, (), status=False
    ),
    ResourceInfo("leases", "lease", "Lease", "coordination.k8s.io", "v1", True, (), status=False),
    ResourceInfo(
        "deployments", "deployment", "Deployment", "apps", "v1", True, ("deploy",), scale=True, categories=(_ALL,)
    ),
    ResourceInfo(
        "replicasets", "replicaset", "ReplicaSet", "apps", "v1", True, ("rs",), scale=True, categories=(_ALL,)
    ),
    ResourceInfo("daemonsets", "daemonset", "DaemonSet", "apps", "v1", True, ("ds",), categories=(_ALL,)),
    ResourceInfo(
        "statefulsets", "statefulset", "StatefulSet", "apps", "v1", True, ("sts",), scale=True, categories=(_ALL,)
    ),
    ResourceInfo(
        "controllerrevisions", "controllerrevision", "ControllerRevision", "apps", "v1", True, (), status=False
    ),
    ResourceInfo(
        "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", "autoscaling", "v2", True,
        ("hpa",), categories=(_ALL,), also_served=("v1",),
    ),
    ResourceInfo("jobs", "job", "Job", "batch", "v1", True, (), categories=(_ALL,)),
    ResourceInfo("cronjobs", "cronjob", "CronJob", "batch", "v1", True, ("cj",), categories=(_ALL,)),
    ResourceInfo("poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", "policy", "v1", True, ("pdb",)),
    # Simplification: Ingresses are stored and validated, but no ingress controller runs (as on a new kind
    # cluster): their ADDRESS stays empty and nothing routes requests by host or path.
    ResourceInfo("ingresses", "ingress", "Ingress", "networking.k8s.io", "v1", True, ("ing",)),
    ResourceInfo(
        "ingressclasses", "ingressclass", "IngressClass", "networking.k8s.io", "v1", False, (), status=False
    ),
    ResourceInfo(
        "storageclasses", "storageclass", "StorageClass", "storage.k8s.io", "v1", False, ("sc",), status=False
    ),
    ResourceInfo(
        "priorityclasses", "priorityclass", "PriorityClass", "scheduling.k8s.io", "v1", False, ("pc",), status=False
    ),
)

BY_PLURAL: dict[str, ResourceInfo] = {r.plural: r for r in RESOURCES}
BY_KIND: dict[str, ResourceInfo] = {r.kind: r for r in RESOURCES}


def lookup(name: str) -> ResourceInfo | None:
    """Find a resource by plural, singular, short name, kind, or ``plural.group``."""
    lowered = name.lower()
    plural, _, group = lowered.partition(".")
    for info in RESOURCES:
        if group and info.group != group:
            continue
        if plural in (info.plural, info.singular, info.kind.lower()) or plural in info.short_names:
            return info
    return None


def for_object(obj: dict) -> ResourceInfo | None:
    """The resource an object belongs to, by its apiVersion and kind."""
    kind = obj.get("kind")
    info = BY_KIND.get(kind) if isinstance(kind, str) else None
    if info is None:
        return None
    api_version = obj.get("apiVersion")
    served = (info.api_version_of(v) for v in (info.version, *info.also_served))
    if api_version is not None and api_version not in served:
        return None
    return info
