"""What the UI knows about the cluster: API watches (informers) and the trace bus, nothing else.

The UI is just another client: it lists and watches through the API server with its own
identity, and reads component activity from trace records. Panes read this view at most ~10
times a second; they never reach into a component.
"""

from __future__ import annotations

import builtins
import dataclasses
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kubetui.api.meta import parse_timestamp
from kubetui.api.podrequests import pod_requests
from kubetui.api.resources import lookup
from kubetui.apiserver.errors import ApiError
from kubetui.client.informer import Informer
from kubetui.http.tables import pod_status_reason
from kubetui.sim.trace import (
    ApiRequest,
    Chaos,
    EtcdWrite,
    ManifestStatus,
    MetricsScrape,
    NodeActivity,
    Reconcile,
    Record,
    SchedulingDecision,
)

if TYPE_CHECKING:
    from kubetui.sim.cluster import Cluster

IDENTITY = "kubetui-ui"
MANIFEST_REF = re.compile(r"^([a-z0-9.-]+)/(\S+?)(?: -n (\S+))? (?:created|configured|unchanged)")
# kind (lower case) -> resource, for the watched kinds
KINDS = {"pod": "pods", "node": "nodes", "deployment": "deployments", "replicaset": "replicasets",
         "replicationcontroller": "replicationcontrollers", "daemonset": "daemonsets", "statefulset": "statefulsets",
         "job": "jobs", "cronjob": "cronjobs", "service": "services", "persistentvolumeclaim": "persistentvolumeclaims",
         "persistentvolume": "persistentvolumes", "storageclass": "storageclasses", "lease": "leases",
         "event": "events", "horizontalpodautoscaler": "horizontalpodautoscalers"}
WATCHED = ("nodes", "pods", "deployments", "replicasets", "replicationcontrollers", "daemonsets", "statefulsets",
           "jobs", "cronjobs", "events", "leases", "services", "persistentvolumeclaims", "persistentvolumes",
           "storageclasses", "horizontalpodautoscalers")


@dataclass(frozen=True)
class KubeEvent:
    """A Kubernetes Event object as a line in the reconciliation pane."""

    seq: str
    time: float
    type: str
    reason: str
    object: str
    message: str
    count: int
    key: str = ""  # the Event object's namespace/name: a repeat (its count going up) replaces its older line


class ClusterView:
    """Informer caches plus bounded buffers of trace records, with change counters for the panes."""

    def __init__(self, cluster: Cluster, history: int = 2000) -> None:
        self.cluster = cluster
        client = self.client = cluster.client(IDENTITY)
        self.informers: dict[str, Informer] = {res: Informer(client, res) for res in WATCHED}
        self.version = 0  # bumps on any change: panes redraw only when it moved
        self.versions: dict[str, int] = dict.fromkeys(WATCHED, 0)  # the same, per resource
        self._sorted: dict[str, tuple[int, builtins.list[dict[str, Any]]]] = {}
        for resource, informer in self.informers.items():
            changed = self._counter(resource)
            informer.add_handlers(changed, lambda _old, new, changed=changed: changed(new), changed)  # type: ignore[misc]
            informer.start()
        self.api: deque[ApiRequest] = deque(maxlen=history)
        # etcd's writes in a log of their own: sharing one, they pushed the API requests out, and the API pane's
        # count fell while requests arrived
        self.etcd: deque[EtcdWrite] = deque(maxlen=history)
        self.decisions: deque[SchedulingDecision] = deque(maxlen=history)
        self.activity: deque[Reconcile | NodeActivity | Chaos | ManifestStatus | KubeEvent] = deque(maxlen=history)
        self.activity_version = 0
        self.manifest_errors: dict[str, ManifestStatus] = {}
        self.node_cpu: dict[str, int] = {}  # node -> millicores used, from metrics-server's latest scrape
        self.trace_version = 0
        self._events_seen = 0
        self.event_latest: dict[str, str] = {}  # Event namespace/name -> seq of its newest line
        self.events_repeated = 0  # lines replaced by a newer line of the same Event: none, and nothing to filter
        self.informers["events"].add_handlers(self._on_event, lambda old, new: self._on_event(new, old))
        for record in list(cluster.trace.history):  # what happened before the UI opened
            self._on_record(record)
        self._unsubscribe = cluster.trace.subscribe(self._on_record)

    def close(self) -> None:
        self._unsubscribe()
        for informer in self.informers.values():
            informer.stop()

    def _counter(self, resource: str) -> Callable[[dict[str, Any]], None]:
        def changed(_obj: dict[str, Any]) -> None:
            self.version += 1
            self.versions[resource] += 1

        return changed

    def _on_event(self, event: dict[str, Any], old: dict[str, Any] | None = None) -> None:
        if old is not None and old.get("count") == event.get("count"):
            return
        involved = event.get("involvedObject", {})
        kind = str(involved.get("kind", "")).lower()
        self._events_seen += 1
        meta = event.get("metadata") or {}
        key = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
        seq = f"event-{self._events_seen}"
        if key in self.event_latest:
            self.events_repeated += 1  # an older line of this Event is superseded
        self.event_latest[key] = seq
        if len(self.event_latest) > 4 * (self.activity.maxlen or 2000):
            kept = {item.key for item in self.activity if isinstance(item, KubeEvent)}
            self.event_latest = {k: v for k, v in self.event_latest.items() if k in kept or k == key}
        # An Event listed when the UI attached happened at its lastTimestamp, not now (live ones: the same second).
        last = parse_timestamp(event.get("lastTimestamp"))
        self._append_activity(KubeEvent(
            seq=seq, key=key, time=self.cluster.clock.now if last is None else last,
            type=str(event.get("type", "Normal")),
            reason=str(event.get("reason", "")), object=f"{kind}/{involved.get('name', '')}",
            message=str(event.get("message", "")), count=int(event.get("count") or 1)))

    def superseded(self, item: object) -> bool:
        """An Event's line that a newer line of the same Event (seen again: its count went up) replaces."""
        return isinstance(item, KubeEvent) and bool(item.key) and self.event_latest.get(item.key) != item.seq

    def _append_activity(self, item: Reconcile | NodeActivity | Chaos | ManifestStatus | KubeEvent) -> None:
        self.activity.append(item)
        self.activity_version += 1

    def _on_record(self, record: Record) -> None:
        self.trace_version += 1
        if isinstance(record, ApiRequest):
            if record.who == IDENTITY and record.verb in ("list", "watch"):
                return  # the UI's own watches would only be noise
            self.api.append(record)
        elif isinstance(record, EtcdWrite):
            self.etcd.append(record)
        elif isinstance(record, SchedulingDecision):
            self.decisions.append(record)
        elif isinstance(record, MetricsScrape):  # what each node uses, as kubectl top node says it
            self.node_cpu = dict(record.node_cpu)
            self.version += 1
        elif isinstance(record, ManifestStatus):
            if record.ok:
                self.manifest_errors.pop(record.path, None)
            else:
                self.manifest_errors[record.path] = record
            self._append_activity(record)
        elif isinstance(record, Reconcile | NodeActivity | Chaos):
            if isinstance(record, NodeActivity) and record.what in ("heartbeat", "lease"):
                return
            if isinstance(record, NodeActivity) and record.what == "rules synced" and self._merge_rules_synced(record):
                return
            self._append_activity(record)

    def _merge_rules_synced(self, record: NodeActivity) -> bool:
        """Every node's kube-proxy syncs the same rules at the same instant after an endpoint change: one line for
        them all (``kube-proxy on 4 nodes rules synced ...``), not one per node pushing the story out of view."""
        last = self.activity[-1] if self.activity else None
        if not (isinstance(last, NodeActivity) and last.what == record.what and last.component == record.component
                and last.detail == record.detail and last.time == record.time and record.node not in
                last.node.split(",")):
            return False
        merged = dataclasses.replace(record, node=f"{last.node},{record.node}")
        merged.seq, merged.time = record.seq, record.time
        self.activity[-1] = merged
        self.activity_version += 1
        return True

    # -- queries the panes use ------------------------------------------------------------------
    def list(self, resource: str) -> list[dict[str, Any]]:
        """The resource's objects by namespace and name, sorted once per change, not once per reader."""
        version = self.versions[resource]
        cached = self._sorted.get(resource)
        if cached is None or cached[0] != version:
            cached = self._sorted[resource] = (version, sorted(self.informers[resource].list(), key=_sort_key))
        return list(cached[1])

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        return self.informers[resource].get(namespace, name)

    def object_of_record(self, record: Any) -> dict[str, Any] | None:
        """The watched object a log line is about: an API request's or etcd write's target, a reconciled
        object, an Event's involved object, a kubelet's pod (else its node), a fault's node or pod."""
        if isinstance(record, ApiRequest):
            return self._find(record.resource, record.namespace, record.name)
        if isinstance(record, EtcdWrite):  # /registry/<resource>/[<namespace>/]<name>
            parts = record.key.removeprefix("/registry/").split("/")
            if len(parts) == 3:
                return self._find(parts[0], parts[1], parts[2])
            return self._find(parts[0], "", parts[-1]) if len(parts) == 2 else None
        if isinstance(record, Reconcile):  # "ReplicaSet default/web-7d9f", "Node node-2"
            kind, _, key = record.object.partition(" ")
            namespace, _, name = key.rpartition("/")
            return self._find(KINDS.get(kind.lower(), ""), namespace, name)
        if isinstance(record, KubeEvent):  # "pod/web-7d9f-x2x": the namespace is not kept, names rarely clash
            kind, _, name = record.object.partition("/")
            resource = KINDS.get(kind, "")
            return next((o for o in self.list(resource) if o["metadata"].get("name") == name), None) \
                if resource in self.informers else None
        if isinstance(record, ManifestStatus):  # "ingress.networking.k8s.io/shop -n default created"
            return self._manifest_object(record)
        if isinstance(record, NodeActivity):
            namespace, _, name = record.pod.partition("/")
            return self._find("pods", namespace, name) if record.pod else self._find("nodes", "", record.node)
        if isinstance(record, Chaos):
            target = record.target
            if "/" in target:
                namespace, _, rest = target.partition("/")
                return self._find("pods", namespace, rest.split("/")[0])
            return self._find("nodes", "", target)
        return None

    def _manifest_object(self, record: ManifestStatus) -> dict[str, Any] | None:
        """The object an applied manifest line names: from the watches, else one GET through the API (the UI
        watches no Ingress)."""
        match = MANIFEST_REF.match(record.message) if record.ok else None
        info = lookup(match.group(1)) if match else None
        if match is None or info is None:
            return None
        namespace = match.group(3) or ("default" if info.namespaced else "")
        if info.plural in self.informers:
            return self._find(info.plural, namespace if info.namespaced else "", match.group(2))
        try:
            return self.client.get(info.plural, namespace if info.namespaced else "", match.group(2))
        except ApiError:
            return None  # pruned, or deleted since

    def _find(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        if resource not in self.informers or not name:
            return None
        return self.informers[resource].get(namespace, name)

    def pods_on(self, node: str) -> builtins.list[dict[str, Any]]:
        return [p for p in self.list("pods") if p.get("spec", {}).get("nodeName") == node]

    def claims_of(self, namespace: str, pod_spec: dict[str, Any]) -> builtins.list[ClaimState]:
        """Where each PersistentVolumeClaim a pod mounts stands, from the watched claims, volumes and classes."""
        states = []
        for volume in pod_spec.get("volumes") or ():
            claim_name = str((volume.get("persistentVolumeClaim") or {}).get("claimName") or "")
            if not claim_name:
                continue
            pvc = self.get("persistentvolumeclaims", namespace, claim_name)
            if pvc is None:
                states.append(ClaimState(claim_name, "Missing", "", "", ""))
                continue
            spec, meta = pvc.get("spec") or {}, pvc.get("metadata") or {}
            phase = str((pvc.get("status") or {}).get("phase") or "Pending")
            volume_name = str(spec.get("volumeName") or "")
            node = ""
            if volume_name:
                pv = self.get("persistentvolumes", "", volume_name)
                node = volume_node(pv) if pv is not None else ""
            class_name = str(spec.get("storageClassName") or "")
            mode = ""
            if phase != "Bound":
                sc = self.get("storageclasses", "", class_name) if class_name else None
                mode = str((sc or {}).get("volumeBindingMode") or "")
                node = str((meta.get("annotations") or {}).get("volume.kubernetes.io/selected-node") or "")
            states.append(ClaimState(claim_name, phase, volume_name, node, mode))
        return states

    def lease_age(self, node: str) -> float | None:
        """Seconds since the node's kubelet last renewed its Lease (its heartbeat)."""
        lease = self.informers["leases"].get("kube-node-lease", node)
        if lease is None:
            return None
        renewed = parse_timestamp(lease.get("spec", {}).get("renewTime"))
        return None if renewed is None else max(0.0, self.cluster.clock.now - renewed)

    def machine_state(self, node: str) -> str:
        """The physical state of a simulated machine (Running / Dead / Partitioned).

        The one thing the UI reads outside the API: the control plane cannot know whether a
        silent machine is powered off or cut off — that is the point — but the audience should.
        """
        machine = self.cluster.machines.get(node)
        return str(getattr(machine, "state", "Running")) if machine is not None else "Absent"


@dataclass(frozen=True)
class ClaimState:
    """A pod's claim as the presenter needs it: Bound to which volume on which node, or why not yet."""

    claim: str
    phase: str  # Bound, Pending, Lost; Missing: no such claim
    volume: str
    node: str  # the volume's node (its node affinity), or for a pending claim the node the scheduler selected
    binding_mode: str  # a pending claim's StorageClass volumeBindingMode (WaitForFirstConsumer)

    def summary(self, volume_width: int = 12) -> str:
        """data-db-0 Bound → pvc-0492c4f5… (node-1); data-db-3 Pending, WaitForFirstConsumer."""
        if self.phase == "Bound":
            volume = self.volume if len(self.volume) <= volume_width else self.volume[:volume_width - 1] + "…"
            return f"{self.claim} Bound → {volume}" + (f" ({self.node})" if self.node else "")
        if self.phase == "Missing":
            return f"{self.claim} not found"
        text = f"{self.claim} {self.phase}"
        if self.binding_mode:
            text += f", {self.binding_mode}"
        if self.node:
            text += f", provisioning on {self.node}"
        return text


def volume_node(pv: dict[str, Any]) -> str:
    """The node a local volume lives on: its required node affinity on kubernetes.io/hostname."""
    terms = ((((pv.get("spec") or {}).get("nodeAffinity") or {}).get("required") or {}).get("nodeSelectorTerms")
             or ())
    for term in terms:
        for expr in term.get("matchExpressions") or ():
            if expr.get("key") == "kubernetes.io/hostname" and expr.get("values"):
                return ",".join(str(v) for v in expr["values"])
    return ""


def _sort_key(obj: dict[str, Any]) -> tuple[str, str]:
    meta = obj.get("metadata", {})
    return (str(meta.get("namespace", "")), str(meta.get("name", "")))


def requested(pods: list[dict[str, Any]]) -> tuple[int, int]:
    """Sum of CPU millis and memory bytes requested by running (non-terminal) pods."""
    cpu = mem = 0
    for pod in pods:
        if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
            continue
        totals = pod_requests(pod.get("spec") or {})
        cpu += totals.get("cpu", 0)
        mem += totals.get("memory", 0)
    return cpu, mem


def pod_status(pod: dict[str, Any]) -> str:
    """The STATUS column as kubectl prints it: the API server's own table printer (printPod), so the panes, the
    header and ``kubectl get pods`` always say the same word (CrashLoopBackOff, Completed, Terminating ...)."""
    return pod_status_reason(pod)[0]


def ready_count(pod: dict[str, Any]) -> tuple[int, int]:
    statuses = pod.get("status", {}).get("containerStatuses") or []
    total = len(pod.get("spec", {}).get("containers") or [])
    return sum(1 for cs in statuses if cs.get("ready")), total


def restarts(pod: dict[str, Any]) -> int:
    return sum(int(cs.get("restartCount", 0)) for cs in pod.get("status", {}).get("containerStatuses") or [])


def node_ready(node: dict[str, Any]) -> str:
    for cond in node.get("status", {}).get("conditions") or []:
        if cond.get("type") == "Ready":
            return {"True": "Ready", "False": "NotReady"}.get(cond.get("status"), "Unknown")
    return "Unknown"
