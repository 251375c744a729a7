"""Server-side tables: what ``kubectl get`` prints, computed here as the real API server does.

kubectl asks for ``Accept: application/json;as=Table;v=v1;g=meta.k8s.io`` and prints the cells it
receives, so the columns, the pod STATUS rules and the AGE all come from the server. They are a
port of ``pkg/printers/internalversion/printers.go`` (Kubernetes v1.32); ages use the *virtual*
clock, so a pod created a virtual minute ago reads ``60s`` whatever the wall clock says.
The server always renders the wide columns (priority 1); kubectl hides them unless ``-o wide``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubetui.api import meta as m
from kubetui.api.hpa import format_hpa_metrics
from kubetui.api.openapi_docs import FIELD_DOCS
from kubetui.api.quantity import canonical
from kubetui.api.resources import ResourceInfo
from kubetui.api.storage import access_modes_string, claim_class, is_default_class, volume_class

Cell = str | int | bool
Row = list[Cell]
Column = dict[str, Any]
Printer = Callable[[dict[str, Any], float], Row]

NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although some resources "
    "may allow a client to request the generation of an appropriate name automatically. Name is primarily "
    "intended for creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
AGE_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is "
    "not guaranteed to be set in happens-before order across separate operations. Clients may not set this "
    "value. It is represented in RFC3339 form and is in UTC."
)


def _col(name: str, kind: str = "string", description: str = "", priority: int = 0, fmt: str = "") -> Column:
    return {"name": name, "type": kind, "format": fmt, "description": description, "priority": priority}


NAME = _col("Name", fmt="name", description=NAME_DOC)
AGE = _col("Age", description=AGE_DOC)
CONTAINERS = _col("Containers", description="Names of each container in the template.", priority=1)
IMAGES = _col("Images", description="Images referenced by each container in the template.", priority=1)


def _selector_col(description: str) -> Column:
    return _col("Selector", description=description, priority=1)


# --- formatting helpers (k8s.io/apimachinery/pkg/util/duration, labels, metav1 helpers) ----------------


def human_duration(seconds: float) -> str:
    """duration.HumanDuration: ``59s``, ``2m30s``, ``3h10m``, ``5d``..."""
    whole = int(seconds)
    if whole < -1:
        return "<invalid>"
    if whole < 0:
        return "0s"
    if whole < 120:
        return f"{whole}s"
    minutes = whole // 60
    if minutes < 10:
        rest = whole % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = whole // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y" if days == 0 else f"{hours // 24 // 365}y{days}d"
    return f"{hours // 24 // 365}y"


def since(value: Any, now: float) -> str:
    """translateTimestampSince, against the virtual now."""
    when = m.parse_timestamp(value) if isinstance(value, str) else None
    if when is None:
        return "<unknown>"
    return human_duration(now - when)


def format_labels(labels: Any) -> str:
    """labels.FormatLabels: ``a=b,c=d`` sorted by key, ``<none>`` when empty."""
    if not isinstance(labels, dict) or not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def format_label_selector(selector: Any) -> str:
    """metav1.FormatLabelSelector: matchLabels then matchExpressions, ``<none>`` when empty."""
    if not isinstance(selector, dict):
        return "<none>"
    parts: list[str] = []
    match_labels = selector.get("matchLabels") or {}
    if isinstance(match_labels, dict):
        parts.extend(f"{k}={match_labels[k]}" for k in sorted(match_labels))
    for expr in selector.get("matchExpressions") or ():
        if not isinstance(expr, dict):
            continue
        key, op, values = expr.get("key", ""), expr.get("operator", ""), sorted(expr.get("values") or ())
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    return ",".join(parts) if parts else "<none>"


def _int_or_string(value: Any) -> str:
    return "N/A" if value is None else str(value)


def _containers(template: Any) -> tuple[str, str]:
    """layoutContainerCells: comma-separated names and images of a pod template's containers."""
    spec = (template or {}).get("spec") or {} if isinstance(template, dict) else {}
    containers = [c for c in spec.get("containers") or () if isinstance(c, dict)]
    return ",".join(str(c.get("name", "")) for c in containers), ",".join(str(c.get("image", "")) for c in containers)


def _dict(obj: dict[str, Any], key: str) -> dict[str, Any]:
    """``obj[key]`` when it is an object, else an empty one: cells never fail on a malformed object."""
    value = obj.get(key)
    return value if isinstance(value, dict) else {}


def _spec(obj: dict[str, Any]) -> dict[str, Any]:
    return _dict(obj, "spec")


def _status(obj: dict[str, Any]) -> dict[str, Any]:
    return _dict(obj, "status")


def _name(obj: dict[str, Any]) -> str:
    return m.name_of(obj)


def _created(obj: dict[str, Any], now: float) -> str:
    return since(obj.get("metadata", {}).get("creationTimestamp"), now)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


# --- pods ---------------------------------------------------------------------------------------------


def _restartable_init(container: dict[str, Any] | None) -> bool:
    """A sidecar: an init container with restartPolicy Always."""
    return bool(container) and (container or {}).get("restartPolicy") == "Always"


def _condition_true(status: dict[str, Any], ctype: str) -> bool:
    return any(
        isinstance(c, dict) and c.get("type") == ctype and c.get("status") == "True"
        for c in status.get("conditions") or ()
    )


def _later(a: str, b: Any) -> str:
    """The later of two RFC 3339 timestamps (empty means never)."""
    if not isinstance(b, str) or not b:
        return a
    return b if not a or (m.parse_timestamp(b) or 0) > (m.parse_timestamp(a) or 0) else a


def pod_status_reason(pod: dict[str, Any]) -> tuple[str, int, int, int, str]:
    """printPod's STATUS: returns (reason, ready, total, restarts, last restart timestamp)."""
    spec, status = _spec(pod), _status(pod)
    phase = str(status.get("phase") or "")
    reason = str(status.get("reason") or phase)
    for cond in status.get("conditions") or ():
        if isinstance(cond, dict) and cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"
    init_specs = {c.get("name"): c for c in spec.get("initContainers") or () if isinstance(c, dict)}
    total = len([c for c in spec.get("containers") or () if isinstance(c, dict)])
    total += sum(1 for c in init_specs.values() if _restartable_init(c))
    ready = restarts = sidecar_restarts = 0
    last_restart = sidecar_last_restart = ""
    initializing = False
    init_statuses = [c for c in status.get("initContainerStatuses") or () if isinstance(c, dict)]
    for i, cs in enumerate(init_statuses):
        restarts += _int(cs.get("restartCount"))
        terminated_before = (cs.get("lastState") or {}).get("terminated") or {}
        last_restart = _later(last_restart, terminated_before.get("finishedAt"))
        sidecar = _restartable_init(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += _int(cs.get("restartCount"))
            sidecar_last_restart = _later(sidecar_last_restart, terminated_before.get("finishedAt"))
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if isinstance(terminated, dict) and terminated.get("exitCode") == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if isinstance(terminated, dict):
            if not terminated.get("reason"):
                if terminated.get("signal"):
                    reason = f"Init:Signal:{terminated['signal']}"
                else:
                    reason = f"Init:ExitCode:{terminated.get('exitCode', 0)}"
            else:
                reason = f"Init:{terminated['reason']}"
        elif isinstance(waiting, dict) and waiting.get("reason") and waiting.get("reason") != "PodInitializing":
            reason = f"Init:{waiting['reason']}"
        else:
            reason = f"Init:{i}/{len(init_specs)}"
        initializing = True
        break
    if not initializing or _condition_true(status, "Initialized"):
        restarts, last_restart = sidecar_restarts, sidecar_last_restart
        has_running = False
        for cs in reversed([c for c in status.get("containerStatuses") or () if isinstance(c, dict)]):
            restarts += _int(cs.get("restartCount"))
            terminated_before = (cs.get("lastState") or {}).get("terminated") or {}
            last_restart = _later(last_restart, terminated_before.get("finishedAt"))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if isinstance(waiting, dict) and waiting.get("reason"):
                reason = str(waiting["reason"])
            elif isinstance(terminated, dict) and terminated.get("reason"):
                reason = str(terminated["reason"])
            elif isinstance(terminated, dict):
                reason = (
                    f"Signal:{terminated['signal']}"
                    if terminated.get("signal")
                    else f"ExitCode:{terminated.get('exitCode', 0)}"
                )
            elif cs.get("ready") and isinstance(state.get("running"), dict):
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(status, "Ready") else "NotReady"
    deleting = bool(pod.get("metadata", {}).get("deletionTimestamp"))
    if deleting and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif deleting and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"
    return reason, ready, total, restarts, last_restart


def print_pod(pod: dict[str, Any], now: float) -> Row:
    spec, status = _spec(pod), _status(pod)
    reason, ready, total, restarts, last_restart = pod_status_reason(pod)
    restarts_cell = str(restarts)
    if restarts and last_restart:
        restarts_cell = f"{restarts} ({since(last_restart, now)} ago)"
    pod_ips = [p.get("ip") for p in status.get("podIPs") or () if isinstance(p, dict)] or [status.get("podIP")]
    readiness = "<none>"
    gates = [g for g in spec.get("readinessGates") or () if isinstance(g, dict)]
    if gates:
        conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or () if isinstance(c, dict)}
        passing = sum(1 for g in gates if conditions.get(g.get("conditionType")) == "True")
        readiness = f"{passing}/{len(gates)}"
    return [
        _name(pod),
        f"{ready}/{total}",
        reason,
        restarts_cell,
        _created(pod, now),
        (pod_ips[0] if pod_ips and pod_ips[0] else "<none>"),
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        readiness,
    ]


POD_COLUMNS = [
    NAME,
    _col("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
    _col("Status", description="The aggregate status of the containers in this pod."),
    _col(
        "Restarts",
        description="The number of times the containers in this pod have been restarted and when "
        "the last container in this pod has restarted.",
    ),
    AGE,
    _col(
        "IP",
        description="podIP address allocated to the pod. Routable at least within the cluster.",
        priority=1,
    ),
    _col("Node", description="NodeName indicates in which node this pod is scheduled.", priority=1),
    _col(
        "Nominated Node",
        description="nominatedNodeName is set only when this pod preempts other pods on the node.",
        priority=1,
    ),
    _col(
        "Readiness Gates",
        description="If specified, all readiness gates will be evaluated for pod readiness.",
        priority=1,
    ),
]


# --- workloads ----------------------------------------------------------------------------------------


def print_deployment(obj: dict[str, Any], now: float) -> Row:
    spec, status = _spec(obj), _status(obj)
    names, images = _containers(spec.get("template"))
    return [
        _name(obj),
        f"{_int(status.get('readyReplicas'))}/{_int(spec.get('replicas'))}",
        _int(status.get("updatedReplicas")),
        _int(status.get("availableReplicas")),
        _created(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


DEPLOYMENT_COLUMNS = [
    NAME,
    _col("Ready", description="Number of the pod with ready state"),
    _col(
        "Up-to-date",
        description="Total number of non-terminated pods targeted by this deployment that have the "
        "desired template spec.",
    ),
    _col(
        "Available",
        description="Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
    ),
    AGE,
    CONTAINERS,
    IMAGES,
    _selector_col("Label selector for pods."),
]


def print_replicaset(obj: dict[str, Any], now: float) -> Row:
    """printReplicaSet, and printReplicationController, whose selector is a plain label map."""
    spec, status = _spec(obj), _status(obj)
    names, images = _containers(spec.get("template"))
    selector = spec.get("selector")
    return [
        _name(obj),
        _int(spec.get("replicas")),
        _int(status.get("replicas")),
        _int(status.get("readyReplicas")),
        _created(obj, now),
        names,
        images,
        format_labels(selector) if obj.get("kind") == "ReplicationController" else format_label_selector(selector),
    ]


REPLICASET_COLUMNS = [
    NAME,
    _col("Desired", "integer", "Replicas is the number of desired replicas."),
    _col("Current", "integer", "Replicas is the most recently observed number of replicas."),
    _col("Ready", "integer", "The number of ready replicas for this replica set."),
    AGE,
    CONTAINERS,
    IMAGES,
    _selector_col("Selector is a label query over pods that should match the replica count."),
]


REPLICATIONCONTROLLER_COLUMNS = [
    NAME,
    _col("Desired", "integer", FIELD_DOCS[("ReplicationControllerSpec", "replicas")]),
    _col("Current", "integer", FIELD_DOCS[("ReplicationControllerStatus", "replicas")]),
    _col("Ready", "integer", FIELD_DOCS[("ReplicationControllerStatus", "readyReplicas")]),
    AGE,
    CONTAINERS,
    IMAGES,
    _selector_col(FIELD_DOCS[("ReplicationControllerSpec", "selector")]),
]


def print_daemonset(obj: dict[str, Any], now: float) -> Row:
    spec, status = _spec(obj), _status(obj)
    template = _dict(spec, "template")
    names, images = _containers(template)
    return [
        _name(obj),
        _int(status.get("desiredNumberScheduled")),
        _int(status.get("currentNumberScheduled")),
        _int(status.get("numberReady")),
        _int(status.get("updatedNumberScheduled")),
        _int(status.get("numberAvailable")),
        format_labels(_spec(template or {}).get("nodeSelector")),
        _created(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


DAEMONSET_COLUMNS = [
    NAME,
    _col("Desired", "integer", "The total number of nodes that should be running the daemon pod."),
    _col("Current", "integer", "The number of nodes that are running at least 1 daemon pod."),
    _col(
        "Ready",
        "integer",
        "The number of nodes that should be running the daemon pod and have one or more of "
        "the daemon pod running and ready.",
    ),
    _col("Up-to-date", "integer", "The total number of nodes that are running updated daemon pod"),
    _col(
        "Available",
        "integer",
        "The number of nodes that should be running the daemon pod and have one or more "
        "of the daemon pod running and available.",
    ),
    _col(
        "Node Selector",
        description="NodeSelector is a selector which must be true for the pod to fit on a node.",
    ),
    AGE,
    CONTAINERS,
    IMAGES,
    _selector_col("A label query over pods that are managed by the daemon set."),
]


def print_statefulset(obj: dict[str, Any], now: float) -> Row:
    spec, status = _spec(obj), _status(obj)
    names, images = _containers(spec.get("template"))
    ready = f"{_int(status.get('readyReplicas'))}/{_int(spec.get('replicas'))}"
    return [_name(obj), ready, _created(obj, now), names, images]


STATEFULSET_COLUMNS = [
    NAME,
    _col("Ready", description="Number of the pod with ready state"),
    AGE,
    CONTAINERS,
    IMAGES,
]


def _has_job_condition(status: dict[str, Any], ctype: str) -> bool:
    for cond in status.get("conditions") or ():
        if isinstance(cond, dict) and cond.get("type") == ctype:
            return cond.get("status") == "True"
    return False


def print_job(obj: dict[str, Any], now: float) -> Row:
    spec, status = _spec(obj), _status(obj)
    succeeded = _int(status.get("succeeded"))
    if isinstance(spec.get("completions"), int):
        completions = f"{succeeded}/{spec['completions']}"
    else:
        parallelism = _int(spec.get("parallelism"))
        completions = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
    start = m.parse_timestamp(status.get("startTime"))
    end = m.parse_timestamp(status.get("completionTime"))
    duration = "" if start is None else human_duration((now if end is None else end) - start)
    if _has_job_condition(status, "Complete"):
        state = "Complete"
    elif _has_job_condition(status, "Failed"):
        state = "Failed"
    elif obj.get("metadata", {}).get("deletionTimestamp"):
        state = "Terminating"
    elif _has_job_condition(status, "Suspended"):
        state = "Suspended"
    elif _has_job_condition(status, "FailureTarget"):
        state = "FailureTarget"
    elif _has_job_condition(status, "SuccessCriteriaMet"):
        state = "SuccessCriteriaMet"
    else:
        state = "Running"
    names, images = _containers(spec.get("template"))
    return [
        _name(obj),
        state,
        completions,
        duration,
        _created(obj, now),
        names,
        images,
        format_label_selector(spec.get("selector")),
    ]


JOB_SELECTOR_DOC = (
    "A label query over pods that should match the pod count. Normally, the system sets this field for you. "
    "More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"
)
JOB_COLUMNS = [
    NAME,
    _col("Status", description="Status of the job."),
    _col("Completions", description="The number of pods which reached phase Succeeded."),
    _col("Duration", description="Time required to complete the job."),
    AGE,
    CONTAINERS,
    IMAGES,
    _selector_col(JOB_SELECTOR_DOC),
]


def print_cronjob(obj: dict[str, Any], now: float) -> Row:
    spec, status = _spec(obj), _status(obj)
    last = status.get("lastScheduleTime")
    suspend = spec.get("suspend")
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    names, images = _containers(job_spec.get("template"))
    active = status.get("active")
    return [
        _name(obj),
        str(spec.get("schedule") or ""),
        str(spec.get("timeZone")) if isinstance(spec.get("timeZone"), str) else "<none>",
        "<unset>" if not isinstance(suspend, bool) else ("True" if suspend else "False"),  # printBoolPtr
        len(active) if isinstance(active, list) else 0,
        since(last, now) if last else "<none>",
        _created(obj, now),
        names,
        images,
        format_label_selector(job_spec.get("selector")),
    ]


CRONJOB_COLUMNS = [
    NAME,
    _col("Schedule", description=FIELD_DOCS[("CronJobSpec", "schedule")]),
    _col("Timezone", description=FIELD_DOCS[("CronJobSpec", "timeZone")]),
    _col("Suspend", "boolean", FIELD_DOCS[("CronJobSpec", "suspend")]),
    _col("Active", "integer", FIELD_DOCS[("CronJobStatus", "active")]),
    _col("Last Schedule", description=FIELD_DOCS[("CronJobStatus", "lastScheduleTime")]),
    AGE,
    CONTAINERS,
    IMAGES,
    _selector_col(JOB_SELECTOR_DOC),
]


def print_controllerrevision(obj: dict[str, Any], now: float) -> Row:
    """printControllerRevision: the controller as ``statefulset.apps/web`` (formatResourceName with its kind)."""
    ref = next((r for r in (obj.get("metadata") or {}).get("ownerReferences") or ()
                if isinstance(r, dict) and r.get("controller")), None)
    controller = "<none>"
    if ref is not None:
        group = str(ref.get("apiVersion") or "").rpartition("/")[0]  # "apps/v1" -> "apps", "v1" -> ""
        kind = str(ref.get("kind") or "")
        controller = f"{(f'{kind}.{group}' if group else kind).lower()}/{ref.get('name', '')}"
    return [_name(obj), controller, _int(obj.get("revision")), _created(obj, now)]


CONTROLLERREVISION_COLUMNS = [
    NAME,
    _col("Controller", description="Controller of the object"),
    _col("Revision", description="Revision indicates the revision of the state represented by Data."),
    AGE,
]


def print_pdb(obj: dict[str, Any], now: float) -> Row:
    spec, status = _spec(obj), _status(obj)
    return [
        _name(obj),
        _int_or_string(spec.get("minAvailable")),
        _int_or_string(spec.get("maxUnavailable")),
        _int(status.get("disruptionsAllowed")),
        _created(obj, now),
    ]


PDB_COLUMNS = [
    NAME,
    _col("Min Available", description="The minimum number of pods that must be available."),
    _col("Max Unavailable", description="The maximum number of pods that may be unavailable."),
    _col("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
    AGE,
]


# --- core -----------------------------------------------------------------------------------------------


def _node_address(status: dict[str, Any], kind: str) -> str:
    for address in status.get("addresses") or ():
        if isinstance(address, dict) and address.get("type") == kind:
            return str(address.get("address", ""))
    return "<none>"


def node_roles(labels: dict[str, Any]) -> list[str]:
    """findNodeRoles: ``node-role.kubernetes.io/<role>`` labels and the legacy ``kubernetes.io/role``."""
    roles: set[str] = set()
    for key, value in labels.items():
        if key.startswith("node-role.kubernetes.io/") and key[len("node-role.kubernetes.io/") :]:
            roles.add(key[len("node-role.kubernetes.io/") :])
        elif key == "kubernetes.io/role" and value:
            roles.add(str(value))
    return sorted(roles)


def print_node(obj: dict[str, Any], now: float) -> Row:
    spec, status = _spec(obj), _status(obj)
    states: list[str] = []
    for cond in status.get("conditions") or ():
        if isinstance(cond, dict) and cond.get("type") == "Ready":
            states.append("Ready" if cond.get("status") == "True" else "NotReady")
    if not states:
        states.append("Unknown")
    if spec.get("unschedulable"):
        states.append("SchedulingDisabled")
    info = _dict(status, "nodeInfo")
    roles = ",".join(node_roles(m.labels_of(obj))) or "<none>"
    return [
        _name(obj),
        ",".join(states),
        roles,
        _created(obj, now),
        str(info.get("kubeletVersion", "")),
        _node_address(status, "InternalIP"),
        _node_address(status, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


NODE_COLUMNS = [
    NAME,
    _col("Status", description="The status of the node"),
    _col("Roles", description="The roles of the node"),
    AGE,
    _col("Version", description="Kubelet Version reported by the node."),
    _col("Internal-IP", description="List of addresses reachable to the node.", priority=1),
    _col("External-IP", description="List of addresses reachable to the node.", priority=1),
    _col("OS-Image", description="OS Image reported by the node from /etc/os-release.", priority=1),
    _col("Kernel-Version", description="Kernel Version reported by the node from 'uname -r'.", priority=1),
    _col(
        "Container-Runtime",
        description="ContainerRuntime Version reported by the node through runtime remote API.",
        priority=1,
    ),
]


def print_namespace(obj: dict[str, Any], now: float) -> Row:
    return [_name(obj), str(_status(obj).get("phase", "")), _created(obj, now)]


NAMESPACE_COLUMNS = [NAME, _col("Status", description="The status of the namespace"), AGE]


def _service_external_ip(spec: dict[str, Any], status: dict[str, Any]) -> str:
    kind = spec.get("type") or "ClusterIP"
    external = [str(ip) for ip in spec.get("externalIPs") or ()]
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if kind == "LoadBalancer":
        ingress = (status.get("loadBalancer") or {}).get("ingress") or ()
        lb = sorted(
            {
                str(i.get("ip") or i.get("hostname"))
                for i in ingress
                if isinstance(i, dict) and (i.get("ip") or i.get("hostname"))
            }
        )
        if external:
            return ",".join([*lb, *external])
        return ",".join(lb) if lb else "<pending>"
    if kind == "ExternalName":
        return str(spec.get("externalName", ""))
    return "<unknown>"


def _service_ports(ports: Any) -> str:
    pieces = []
    for port in ports or ():
        if not isinstance(port, dict):
            continue
        protocol = port.get("protocol", "TCP")
        if _int(port.get("nodePort")) > 0:
            pieces.append(f"{port.get('port')}:{port['nodePort']}/{protocol}")
        else:
            pieces.append(f"{port.get('port')}/{protocol}")
    return ",".join(pieces) or "<none>"


def print_service(obj: dict[str, Any], now: float) -> Row:
    spec, status = _spec(obj), _status(obj)
    ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [
        _name(obj),
        str(spec.get("type") or "ClusterIP"),
        str(ips[0]) if ips else "<none>",
        _service_external_ip(spec, status),
        _service_ports(spec.get("ports")),
        _created(obj, now),
        format_labels(spec.get("selector")),
    ]


SERVICE_COLUMNS = [
    NAME,
    _col("Type", description="type determines how the Service is exposed."),
    _col(
        "Cluster-IP",
        description="clusterIP is the IP address of the service and is usually assigned randomly.",
    ),
    _col(
        "External-IP",
        description="externalIPs is a list of IP addresses for which nodes in the cluster will also "
        "accept traffic for this service.",
    ),
    _col("Port(s)", description="The list of ports that are exposed by this service."),
    AGE,
    _selector_col("Route service traffic to pods with label keys and values matching this selector."),
]


def format_endpoints(obj: dict[str, Any]) -> str:
    """formatEndpoints: the first three ``ip:port`` pairs, then ``+ N more...``."""
    shown: list[str] = []
    count = 0
    for subset in obj.get("subsets") or ():
        if not isinstance(subset, dict):
            continue
        addresses = [a for a in subset.get("addresses") or () if isinstance(a, dict)]
        ports = [p for p in subset.get("ports") or () if isinstance(p, dict)]
        if not ports:
            count += len(addresses)
            shown.extend(str(a.get("ip", "")) for a in addresses[: max(0, 3 - len(shown))])
            continue
        for port in ports:
            count += len(addresses)
            for address in addresses:
                if len(shown) < 3:
                    shown.append(f"{address.get('ip', '')}:{port.get('port')}")
    if count == 0 and not shown:
        return "<none>"
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if count > 3 else text


def print_endpoints(obj: dict[str, Any], now: float) -> Row:
    return [_name(obj), format_endpoints(obj), _created(obj, now)]


ENDPOINTS_COLUMNS = [
    NAME,
    _col("Endpoints", description="The set of all endpoints is the union of all subsets."),
    AGE,
]


def _with_more(items: list[str], limit: int = 3) -> str:
    """listWithMoreString."""
    text = ",".join(items[:limit])
    if len(items) > limit:
        return f"{text} + {len(items) - limit} more..."
    return text or "<unset>"


def print_endpointslice(obj: dict[str, Any], now: float) -> Row:
    ports = []
    for port in obj.get("ports") or ():
        if isinstance(port, dict):
            ports.append(str(port["port"]) if port.get("port") is not None else str(port.get("name") or "*"))
    addresses = [str(a) for e in obj.get("endpoints") or () if isinstance(e, dict) for a in e.get("addresses") or ()]
    return [
        _name(obj),
        str(obj.get("addressType", "")),
        _with_more(ports),
        _with_more(addresses),
        _created(obj, now),
    ]


ENDPOINTSLICE_COLUMNS = [
    NAME,
    _col("AddressType", description="addressType specifies the type of address carried by this EndpointSlice."),
    _col(
        "Ports",
        description="ports specifies the list of network ports exposed by each endpoint in this slice.",
    ),
    _col("Endpoints", description="endpoints is a list of unique endpoints in this slice."),
    AGE,
]


def print_event(obj: dict[str, Any], now: float) -> Row:
    first = obj.get("firstTimestamp")
    first_seen = since(first, now) if first else since(obj.get("eventTime"), now)
    last = obj.get("lastTimestamp")
    last_seen = since(last, now) if last else first_seen
    count = _int(obj.get("count"))
    series = obj.get("series")
    if isinstance(series, dict):
        last_seen = since(series.get("lastObservedTime"), now)
        count = _int(series.get("count"))
    elif count == 0:
        count = 1
    involved = _dict(obj, "involvedObject")
    kind = str(involved.get("kind", "")).lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    source = _dict(obj, "source")
    component = source.get("component") or obj.get("reportingComponent") or ""
    host = source.get("host") or obj.get("reportingInstance") or ""
    source_cell = f"{component}, {host}" if host else str(component)
    return [
        last_seen,
        str(obj.get("type", "")),
        str(obj.get("reason", "")),
        target,
        str(involved.get("fieldPath", "")),
        source_cell,
        str(obj.get("message", "")).strip(),
        first_seen,
        count,
        _name(obj),
    ]


EVENT_COLUMNS = [
    _col("Last Seen", description="The time at which the most recent occurrence of this event was recorded."),
    _col("Type", description="Type of this event (Normal, Warning), new types could be added in the future"),
    _col(
        "Reason",
        description="This should be a short, machine understandable string that gives the reason for "
        "the transition into the object's current status.",
    ),
    _col("Object", description="The object that this event is about."),
    _col(
        "Subobject",
        description="If referring to a piece of an object instead of an entire object, this string "
        "should contain a valid JSON/Go field access statement.",
        priority=1,
    ),
    _col("Source", description="The component reporting this event.", priority=1),
    _col("Message", description="A human-readable description of the status of this operation."),
    _col("First Seen", description="The time at which the event was first recorded.", priority=1),
    _col("Count", description="The number of times this event has occurred.", priority=1),
    _col("Name", description=NAME_DOC, priority=1, fmt="name"),
]


def print_configmap(obj: dict[str, Any], now: float) -> Row:
    data = _dict(obj, "data")
    binary = _dict(obj, "binaryData")
    return [_name(obj), len(data) + len(binary), _created(obj, now)]


CONFIGMAP_COLUMNS = [NAME, _col("Data", description="Data contains the configuration data."), AGE]


def print_serviceaccount(obj: dict[str, Any], now: float) -> Row:
    return [_name(obj), len(obj.get("secrets") or ()), _created(obj, now)]


SERVICEACCOUNT_COLUMNS = [NAME, _col("Secrets", "integer", "Secrets is the list of secrets allowed to be used by "
                                     "pods running using this ServiceAccount."), AGE]


def print_secret(obj: dict[str, Any], now: float) -> Row:
    data = _dict(obj, "data")
    return [_name(obj), str(obj.get("type") or "Opaque"), len(data), _created(obj, now)]


SECRET_COLUMNS = [
    NAME,
    _col("Type", description="Used to facilitate programmatic handling of secret data."),
    _col("Data", description="Data contains the secret data."),
    AGE,
]


def print_lease(obj: dict[str, Any], now: float) -> Row:
    return [_name(obj), str(_spec(obj).get("holderIdentity") or "<unset>"), _created(obj, now)]


LEASE_COLUMNS = [
    NAME,
    _col("Holder", description="holderIdentity contains the identity of the holder of a current lease."),
    AGE,
]


def print_priorityclass(obj: dict[str, Any], now: float) -> Row:
    return [
        _name(obj),
        _int(obj.get("value")),
        bool(obj.get("globalDefault", False)),
        _created(obj, now),
        str(obj.get("preemptionPolicy") or "PreemptLowerPriority"),
    ]


PRIORITYCLASS_COLUMNS = [
    NAME,
    _col("Value", "integer", "value represents the integer value of this priority class."),
    _col(
        "Global-Default",
        "boolean",
        "globalDefault specifies whether this PriorityClass should be considered as "
        "the default priority for pods that do not have any priority class.",
    ),
    AGE,
    _col(
        "PreemptionPolicy",
        description="preemptionPolicy is the Policy for preempting pods with lower priority.",
    ),
]


def print_resourcequota(obj: dict[str, Any], now: float) -> Row:
    """Each hard resource as ``name: used/hard``; the ``limits.*`` ones in their own column."""
    status = _status(obj)
    hard, used = _dict(status, "hard"), _dict(status, "used")
    request: list[str] = []
    limit: list[str] = []
    for name in sorted(hard):
        (limit if name.split(".")[0] == "limits" and "." in name else request).append(
            f"{name}: {used.get(name, '0')}/{hard[name]}")
    return [_name(obj), _created(obj, now), ", ".join(request), ", ".join(limit)]


RESOURCEQUOTA_COLUMNS = [
    NAME,
    AGE,
    _col("Request", description="Request represents a minimum amount of cpu/memory that a container may consume."),
    _col("Limit", description="Limits control the maximum amount of cpu/memory that a container may use independent "
                              "of contention on the node."),
]


# --- storage ---------------------------------------------------------------------------------------------


def _phase_or_terminating(obj: dict[str, Any]) -> str:
    if obj.get("metadata", {}).get("deletionTimestamp"):
        return "Terminating"
    return str(_status(obj).get("phase") or "")


def _unset(value: Any) -> str:
    return str(value) if isinstance(value, str) else "<unset>"


def print_pvc(obj: dict[str, Any], now: float) -> Row:
    """printPersistentVolumeClaim: capacity and access modes come from the status, once a volume is named."""
    spec, status = _spec(obj), _status(obj)
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes_string(status.get("accessModes"))
        storage = (status.get("capacity") or {}).get("storage")
        capacity = canonical(storage) if storage is not None else "0"
    return [
        _name(obj),
        _phase_or_terminating(obj),
        str(spec.get("volumeName") or ""),
        capacity,
        modes,
        claim_class(obj),
        _unset(spec.get("volumeAttributesClassName")),
        _created(obj, now),
        _unset(spec.get("volumeMode")),
    ]


PVC_COLUMNS = [
    NAME,
    _col("Status", description=FIELD_DOCS.get(("PersistentVolumeClaimStatus", "phase"), "")),
    _col("Volume", description=FIELD_DOCS.get(("PersistentVolumeClaimSpec", "volumeName"), "")),
    _col("Capacity", description=FIELD_DOCS.get(("PersistentVolumeClaimStatus", "capacity"), "")),
    _col("Access Modes", description=FIELD_DOCS.get(("PersistentVolumeClaimStatus", "accessModes"), "")),
    _col("StorageClass", description="StorageClass of the pvc"),
    _col("VolumeAttributesClass", description="VolumeAttributesClass of the pvc"),
    AGE,
    _col("VolumeMode", priority=1, description=FIELD_DOCS.get(("PersistentVolumeClaimSpec", "volumeMode"), "")),
]


def print_pv(obj: dict[str, Any], now: float) -> Row:
    spec, status = _spec(obj), _status(obj)
    ref = spec.get("claimRef") or {}
    storage = (spec.get("capacity") or {}).get("storage")
    return [
        _name(obj),
        canonical(storage) if storage is not None else "0",
        access_modes_string(spec.get("accessModes")),
        str(spec.get("persistentVolumeReclaimPolicy") or ""),
        _phase_or_terminating(obj),
        f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else "",
        volume_class(obj),
        _unset(spec.get("volumeAttributesClassName")),
        str(status.get("reason") or ""),
        _created(obj, now),
        _unset(spec.get("volumeMode")),
    ]


PV_COLUMNS = [
    NAME,
    _col("Capacity", description=FIELD_DOCS.get(("PersistentVolumeSpec", "capacity"), "")),
    _col("Access Modes", description=FIELD_DOCS.get(("PersistentVolumeSpec", "accessModes"), "")),
    _col("Reclaim Policy", description=FIELD_DOCS.get(("PersistentVolumeSpec", "persistentVolumeReclaimPolicy"), "")),
    _col("Status", description=FIELD_DOCS.get(("PersistentVolumeStatus", "phase"), "")),
    _col("Claim", description=FIELD_DOCS.get(("PersistentVolumeSpec", "claimRef"), "")),
    _col("StorageClass", description="StorageClass of the pv"),
    _col("VolumeAttributesClass", description="VolumeAttributesClass of the pv"),
    _col("Reason", description=FIELD_DOCS.get(("PersistentVolumeStatus", "reason"), "")),
    AGE,
    _col("VolumeMode", priority=1, description=FIELD_DOCS.get(("PersistentVolumeSpec", "volumeMode"), "")),
]


def print_storageclass(obj: dict[str, Any], now: float) -> Row:
    name = _name(obj) + (" (default)" if is_default_class(obj) else "")
    return [
        name,
        str(obj.get("provisioner") or ""),
        str(obj.get("reclaimPolicy") or "Delete"),
        str(obj.get("volumeBindingMode") or "Immediate"),
        obj.get("allowVolumeExpansion") is True,
        _created(obj, now),
    ]


STORAGECLASS_COLUMNS = [
    NAME,
    _col("Provisioner", description=FIELD_DOCS.get(("StorageClass", "provisioner"), "")),
    _col("ReclaimPolicy", description=FIELD_DOCS.get(("StorageClass", "reclaimPolicy"), "")),
    _col("VolumeBindingMode", description=FIELD_DOCS.get(("StorageClass", "volumeBindingMode"), "")),
    _col("AllowVolumeExpansion", description=FIELD_DOCS.get(("StorageClass", "allowVolumeExpansion"), "")),
    AGE,
]


# --- networking.k8s.io ----------------------------------------------------------------------------------

LOAD_BALANCER_WIDTH = 16


def _ingress_hosts(rules: Any) -> str:
    """formatHosts: the first three hosts, then ``+ N more...``; ``*`` when no rule names a host."""
    rules = [r for r in rules if isinstance(r, dict)] if isinstance(rules, list) else []
    hosts: list[str] = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(str(rule["host"]))
    if not hosts:
        return "*"
    text = ",".join(hosts)
    return f"{text} + {len(rules) - 3} more..." if more else text


def _ingress_address(status: dict[str, Any], wide: bool = False) -> str:
    """ingressLoadBalancerStatusStringer: the sorted IPs (or hostnames), clipped to 16 bytes."""
    points = (status.get("loadBalancer") or {}).get("ingress") or ()
    found = sorted({str(p.get("ip") or p.get("hostname")) for p in points
                    if isinstance(p, dict) and (p.get("ip") or p.get("hostname"))})
    text = ",".join(found)
    if not wide and len(text) > LOAD_BALANCER_WIDTH:
        text = text[: LOAD_BALANCER_WIDTH - 3] + "..."
    return text


def print_hpa(obj: dict[str, Any], now: float) -> Row:
    """printHorizontalPodAutoscaler: the target's Kind/Name, the metrics, min (or <unset>), max, current."""
    spec, status = _spec(obj), _status(obj)
    ref = _dict(spec, "scaleTargetRef")
    min_replicas = spec.get("minReplicas")
    return [
        _name(obj),
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        format_hpa_metrics(spec.get("metrics"), status.get("currentMetrics")),
        str(min_replicas) if isinstance(min_replicas, int) else "<unset>",
        _int(spec.get("maxReplicas")),
        _int(status.get("currentReplicas")),
        _created(obj, now),
    ]


HPA_COLUMNS = [
    NAME,
    _col("Reference", description="reference to scaled resource; horizontal pod autoscaler will learn the current "
         "resource consumption and will set the desired number of pods by using its Scale subresource."),
    _col("Targets", description="metrics contains the specifications for which to use to calculate the desired "
         "replica count (the maximum replica count across all metrics will be used)."),
    _col("MinPods", description="minReplicas is the lower limit for the number of replicas to which the autoscaler "
         "can scale down."),
    _col("MaxPods", description="maxReplicas is the upper limit for the number of replicas to which the autoscaler "
         "can scale up."),
    _col("Replicas", description="currentReplicas is current number of replicas of pods managed by this "
         "autoscaler, as last seen by the autoscaler."),
    AGE,
]


def print_ingress(obj: dict[str, Any], now: float) -> Row:
    spec = _spec(obj)
    class_name = spec.get("ingressClassName")
    return [
        _name(obj),
        str(class_name) if isinstance(class_name, str) else "<none>",
        _ingress_hosts(spec.get("rules")),
        _ingress_address(_status(obj)),
        "80, 443" if spec.get("tls") else "80",
        _created(obj, now),
    ]


INGRESS_COLUMNS = [
    NAME,
    _col("Class", description="The name of the IngressClass resource that should be used for additional configuration"),
    _col("Hosts", description="Hosts that incoming requests are matched against before the ingress rule"),
    _col("Address", description="Address is a list containing ingress points for the load-balancer"),
    _col("Ports", description="Ports of TLS configurations that open"),
    AGE,
]


def print_ingressclass(obj: dict[str, Any], now: float) -> Row:
    spec = _spec(obj)
    params = spec.get("parameters")
    parameters = "<none>"
    if isinstance(params, dict):
        parameters = str(params.get("kind") or "")
        if isinstance(params.get("apiGroup"), str):
            parameters += "." + params["apiGroup"]
        parameters += "/" + str(params.get("name") or "")
    return [_name(obj), str(spec.get("controller") or ""), parameters, _created(obj, now)]


INGRESSCLASS_COLUMNS = [
    NAME,
    _col("Controller", description="Controller that is responsible for handling this class"),
    _col("Parameters", description="A reference to a resource with additional parameters"),
    AGE,
]


def print_default(obj: dict[str, Any], now: float) -> Row:
    """The generic table that the server uses for kinds without a printer (DefaultTableConvertor): the name and
    the creation time in RFC 3339."""
    return [_name(obj), str((obj.get("metadata") or {}).get("creationTimestamp") or "")]


DEFAULT_COLUMNS = [NAME, _col("Created At", "date", AGE_DOC)]

PRINTERS: dict[str, tuple[list[Column], Printer]] = {
    "Pod": (POD_COLUMNS, print_pod),
    "Deployment": (DEPLOYMENT_COLUMNS, print_deployment),
    "ReplicaSet": (REPLICASET_COLUMNS, print_replicaset),
    "ReplicationController": (REPLICATIONCONTROLLER_COLUMNS, print_replicaset),
    "DaemonSet": (DAEMONSET_COLUMNS, print_daemonset),
    "StatefulSet": (STATEFULSET_COLUMNS, print_statefulset),
    "Job": (JOB_COLUMNS, print_job),
    "CronJob": (CRONJOB_COLUMNS, print_cronjob),
    "ControllerRevision": (CONTROLLERREVISION_COLUMNS, print_controllerrevision),
    "PodDisruptionBudget": (PDB_COLUMNS, print_pdb),
    "Node": (NODE_COLUMNS, print_node),
    "Namespace": (NAMESPACE_COLUMNS, print_namespace),
    "Service": (SERVICE_COLUMNS, print_service),
    "Endpoints": (ENDPOINTS_COLUMNS, print_endpoints),
    "EndpointSlice": (ENDPOINTSLICE_COLUMNS, print_endpointslice),
    "Event": (EVENT_COLUMNS, print_event),
    "ConfigMap": (CONFIGMAP_COLUMNS, print_configmap),
    "ServiceAccount": (SERVICEACCOUNT_COLUMNS, print_serviceaccount),
    "Secret": (SECRET_COLUMNS, print_secret),
    "Lease": (LEASE_COLUMNS, print_lease),
    "PriorityClass": (PRIORITYCLASS_COLUMNS, print_priorityclass),
    "ResourceQuota": (RESOURCEQUOTA_COLUMNS, print_resourcequota),
    "Ingress": (INGRESS_COLUMNS, print_ingress),
    "HorizontalPodAutoscaler": (HPA_COLUMNS, print_hpa),
    "IngressClass": (INGRESSCLASS_COLUMNS, print_ingressclass),
    "PersistentVolumeClaim": (PVC_COLUMNS, print_pvc),
    "PersistentVolume": (PV_COLUMNS, print_pv),
    "StorageClass": (STORAGECLASS_COLUMNS, print_storageclass),
}


def _row_object(obj: dict[str, Any], include: str) -> dict[str, Any] | None:
    """includeObject: None, Object, or (the default) PartialObjectMetadata."""
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj.get("metadata", {}),
    }


def _table_version(accept_version: str) -> str:
    return "meta.k8s.io/v1beta1" if accept_version == "v1beta1" else "meta.k8s.io/v1"


def to_table(
    info: ResourceInfo,
    objects: list[dict[str, Any]],
    now: float,
    list_meta: dict[str, Any] | None = None,
    include_object: str = "PartialObjectMetadata",
    headers: bool = True,
    version: str = "v1",
) -> dict[str, Any]:
    """A ``meta.k8s.io/v1`` Table of ``objects`` (one row each)."""
    columns, printer = PRINTERS.get(info.kind, (DEFAULT_COLUMNS, print_default))
    rows = []
    for obj in objects:
        row: dict[str, Any] = {"cells": printer(obj, now)}
        row_object = _row_object(obj, include_object)
        if row_object is not None:
            row["object"] = row_object
        if info.kind == "Pod":
            phase = _status(obj).get("phase")
            if phase in ("Succeeded", "Failed"):
                message = "The pod has completed successfully." if phase == "Succeeded" else "The pod failed."
                row["conditions"] = [{"type": "Completed", "status": "True", "reason": phase, "message": message}]
        rows.append(row)
    table: dict[str, Any] = {
        "kind": "Table",
        "apiVersion": _table_version(version),
        "metadata": list_meta or {},
        "rows": rows,
    }
    table["columnDefinitions"] = columns if headers else []
    return table
