"""Pod helpers the workload and node controllers share: readiness, taints, node affinity, pod creation.

They follow ``pkg/api/v1/pod/util.go`` (readiness, availability), ``pkg/apis/core/v1/helper``
(tolerations), ``k8s.io/component-helpers/scheduling/corev1/nodeaffinity`` (required node
affinity) and ``pkg/controller/controller_utils.go`` (RealPodControl, ControllerExpectations,
ComputeHash). Every function takes plain wire-form dicts and never mutates its inputs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kubetui.api.meta import controller_of, owner_reference, parse_timestamp
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.client.workqueue import WorkQueue
from kubetui.sim.clock import Clock

if TYPE_CHECKING:
    from kubetui.controllers.base import Controller

Obj = dict[str, Any]

# Taint keys the node lifecycle controller manages (k8s.io/api/core/v1/well_known_taints.go).
TAINT_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_UNREACHABLE = "node.kubernetes.io/unreachable"
TAINT_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
TAINT_MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure"
TAINT_DISK_PRESSURE = "node.kubernetes.io/disk-pressure"
TAINT_PID_PRESSURE = "node.kubernetes.io/pid-pressure"
TAINT_NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable"

LABEL_ZONE = "topology.kubernetes.io/zone"
LABEL_REGION = "topology.kubernetes.io/region"

# rand.SafeEncodeString's alphabet: no vowels, no look-alikes (k8s.io/apimachinery/pkg/util/rand).
_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


# --- pod state ---------------------------------------------------------------------------------
def pod_condition(pod: Obj, ctype: str) -> Obj | None:
    status = pod.get("status") or {}
    for c in status.get("conditions") or ():
        if isinstance(c, dict) and c.get("type") == ctype:
            return c
    return None


def is_pod_ready(pod: Obj) -> bool:
    cond = pod_condition(pod, "Ready")
    return cond is not None and cond.get("status") == "True"


def phase_of(pod: Obj) -> str:
    return str((pod.get("status") or {}).get("phase") or "")


def is_terminating(obj: Obj) -> bool:
    return bool((obj.get("metadata") or {}).get("deletionTimestamp"))


def is_pod_terminal(pod: Obj) -> bool:
    return phase_of(pod) in ("Succeeded", "Failed")


def is_pod_active(pod: Obj) -> bool:
    """controller.IsPodActive: not finished and not being deleted."""
    return not is_pod_terminal(pod) and not is_terminating(pod)


def is_pod_available(pod: Obj, min_ready_seconds: int, now: float) -> bool:
    """podutil.IsPodAvailable: Ready for at least minReadySeconds."""
    cond = pod_condition(pod, "Ready")
    if cond is None or cond.get("status") != "True":
        return False
    if min_ready_seconds <= 0:
        return True
    since = parse_timestamp(cond.get("lastTransitionTime"))
    return since is not None and since + min_ready_seconds <= now


def restart_count(pod: Obj) -> int:
    status = pod.get("status") or {}
    return sum(int(c.get("restartCount") or 0)
               for key in ("initContainerStatuses", "containerStatuses") for c in status.get(key) or ())


def deletion_rank(pod: Obj) -> tuple[Any, ...]:
    """controller.ActivePods ordering: the pod to delete first sorts first.

    Unscheduled before scheduled, Pending before Unknown before Running, not Ready before Ready,
    more restarts before fewer, newer before older.
    """
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}.get(phase_of(pod), 0)
    scheduled = 1 if (pod.get("spec") or {}).get("nodeName") else 0
    return (scheduled, phase_rank, 1 if is_pod_ready(pod) else 0, -restart_count(pod), -creation_time(pod),
            (pod.get("metadata") or {}).get("name", ""))


def creation_time(obj: Obj) -> float:
    return parse_timestamp((obj.get("metadata") or {}).get("creationTimestamp")) or 0.0


def controller_uid(obj: Obj) -> list[str]:
    """Index function: the uid of the object's controller (ownerReference with controller: true)."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or ():
        if isinstance(ref, dict) and ref.get("controller") and ref.get("uid"):
            return [str(ref["uid"])]
    return []


def pod_node_name(pod: Obj) -> list[str]:
    """Index function: the node a pod is bound to (the informer index ``spec.nodeName``)."""
    node = (pod.get("spec") or {}).get("nodeName")
    return [str(node)] if node else []


def object_namespace(obj: Obj) -> list[str]:
    return [str((obj.get("metadata") or {}).get("namespace") or "")]


def index_pods(controller: Controller) -> None:
    """Register the pod indexes the controllers share on the pod informer (same names, same functions)."""
    pods = controller.informers.informer("pods")
    pods.add_index("owner-uid", controller_uid)
    pods.add_index("spec.nodeName", pod_node_name)
    pods.add_index("namespace", object_namespace)
    pods.add_index("orphans-by-namespace", orphan_namespace)


def orphan_namespace(obj: Obj) -> list[str]:
    """Index function: the namespace of an object without a controller (a candidate for adoption)."""
    if controller_of(obj) is not None:
        return []
    return [str((obj.get("metadata") or {}).get("namespace") or "")]


# --- taints and tolerations ----------------------------------------------------------------------
def toleration_tolerates(toleration: Obj, taint: Obj) -> bool:
    """Toleration.ToleratesTaint (pkg/apis/core/v1/helper): empty key/effect match everything."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Exists":
        return True
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def tolerations_of(pod_spec: Obj) -> list[Obj]:
    return [t for t in pod_spec.get("tolerations") or () if isinstance(t, dict)]


def taints_of(node: Obj) -> list[Obj]:
    return [t for t in (node.get("spec") or {}).get("taints") or () if isinstance(t, dict)]


def find_untolerated_taint(
    taints: Iterable[Obj], tolerations: list[Obj], include: Callable[[Obj], bool]
) -> Obj | None:
    """FindMatchingUntoleratedTaint: the first taint passing ``include`` that no toleration tolerates."""
    for taint in taints:
        if include(taint) and not any(toleration_tolerates(t, taint) for t in tolerations):
            return taint
    return None


def matching_tolerations(taints: list[Obj], tolerations: list[Obj]) -> tuple[bool, list[Obj]]:
    """GetMatchingTolerations: are all taints tolerated, and by which tolerations."""
    used: list[Obj] = []
    for taint in taints:
        match = next((t for t in tolerations if toleration_tolerates(t, taint)), None)
        if match is None:
            return False, []
        used.append(match)
    return True, used


def same_taint(a: Obj, b: Obj) -> bool:
    """Taint.MatchTaint: taints are identified by key and effect."""
    return a.get("key") == b.get("key") and a.get("effect") == b.get("effect")


# --- node affinity ---------------------------------------------------------------------------------
def _requirement_matches(req: Obj, values: dict[str, str]) -> bool:
    key = str(req.get("key") or "")
    operator = req.get("operator")
    wanted = [str(v) for v in req.get("values") or ()]
    present = key in values
    if operator == "In":
        return present and values[key] in wanted
    if operator == "NotIn":
        return not present or values[key] not in wanted
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in ("Gt", "Lt") and present and len(wanted) == 1:
        try:
            have, bound = int(values[key]), int(wanted[0])
        except ValueError:
            return False
        return have > bound if operator == "Gt" else have < bound
    return False


def _term_matches(term: Obj, labels: dict[str, str], fields: dict[str, str]) -> bool:
    expressions = [r for r in term.get("matchExpressions") or () if isinstance(r, dict)]
    field_reqs = [r for r in term.get("matchFields") or () if isinstance(r, dict)]
    if not expressions and not field_reqs:
        return False  # an empty term matches no objects
    return all(_requirement_matches(r, labels) for r in expressions) and all(
        _requirement_matches(r, fields) for r in field_reqs
    )


def required_node_affinity_matches(pod_spec: Obj, node: Obj) -> bool:
    """nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector AND required affinity terms."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    selector = pod_spec.get("nodeSelector") or {}
    if any(labels.get(k) != v for k, v in selector.items()):
        return False
    affinity = ((pod_spec.get("affinity") or {}).get("nodeAffinity") or {})
    required = affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if not isinstance(required, dict):
        return True
    terms = [t for t in required.get("nodeSelectorTerms") or () if isinstance(t, dict)]
    fields = {"metadata.name": str((node.get("metadata") or {}).get("name") or "")}
    return any(_term_matches(t, labels, fields) for t in terms)


def zone_key(node: Obj) -> str:
    """nodetopology.GetZoneKey: region and zone labels, or "" for a node without them."""
    labels = (node.get("metadata") or {}).get("labels") or {}
    region, zone = labels.get(LABEL_REGION, ""), labels.get(LABEL_ZONE, "")
    return f"{region}:\x00:{zone}" if region or zone else ""


# --- hashing ----------------------------------------------------------------------------------------
def _fnv32a(data: bytes) -> int:
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def template_hash(template: Any, collision_count: int = 0) -> str:
    """controller.ComputeHash: fnv32a of the pod template, spelled with rand.SafeEncodeString.

    Simplification: hashes canonical JSON, not Go's spew dump: same shape, other values than a real cluster.
    """
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        data += str(collision_count).encode()
    return safe_encode_string(str(_fnv32a(data)))


def safe_encode_string(s: str) -> str:
    """rand.SafeEncodeString: each byte mapped onto an alphabet with no vowels and no look-alikes."""
    return "".join(_SAFE_ALPHABET[b % len(_SAFE_ALPHABET)] for b in s.encode())


# --- creating and deleting pods (RealPodControl) ---------------------------------------------------
def pod_from_template(template: Obj, owner: Obj, name: str = "", generate_name: str = "") -> Obj:
    """GetPodFromTemplate: labels, annotations, finalizers and spec of the template, owned by ``owner``."""
    template_meta = template.get("metadata") or {}
    metadata: Obj = {"namespace": (owner.get("metadata") or {}).get("namespace", "")}
    if name:
        metadata["name"] = name
    else:
        metadata["generateName"] = generate_name or f"{owner['metadata']['name']}-"
    for key in ("labels", "annotations"):
        if template_meta.get(key):
            metadata[key] = dict(template_meta[key])
    if template_meta.get("finalizers"):
        metadata["finalizers"] = list(template_meta["finalizers"])
    metadata["ownerReferences"] = [owner_reference(owner)]
    return {"apiVersion": "v1", "kind": "Pod", "metadata": metadata,
            "spec": deep_copy(template.get("spec") or {})}


def create_pod(controller: Controller, owner: Obj, pod: Obj) -> Obj | None:
    """Create a pod, with the SuccessfulCreate / FailedCreate events RealPodControl records.

    Returns the stored pod, or None when the API refused it (the event says why).
    """
    try:
        created = controller.client.create("pods", pod)
    except ApiError as err:
        controller.event(owner, "Warning", "FailedCreate", f"Error creating: {err.message}")
        return None
    controller.event(owner, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}")
    return created


def delete_pod(controller: Controller, owner: Obj, namespace: str, name: str) -> bool:
    """Delete a pod (gracefully), with the SuccessfulDelete / FailedDelete events. True if it went."""
    try:
        controller.client.delete("pods", namespace, name)
    except ApiError as err:
        if err.code == 404:
            return True
        controller.event(owner, "Warning", "FailedDelete", f"Error deleting: {err.message}")
        return False
    controller.event(owner, "Normal", "SuccessfulDelete", f"Deleted pod: {name}")
    return True


SLOW_START_INITIAL_BATCH_SIZE = 1  # controller.SlowStartInitialBatchSize


def slow_start_batch(count: int, attempt: Callable[[int], bool]) -> int:
    """slowStartBatch: try 1, then 2, 4, ... at a time; stop after a batch with a failure.

    ``attempt(i)`` makes the i-th call and says whether it worked. Returns how many were tried,
    so the caller can lower its expectations for the ones never attempted.
    """
    tried, batch = 0, min(count, SLOW_START_INITIAL_BATCH_SIZE)
    while tried < count:
        failures = sum(0 if attempt(i) else 1 for i in range(tried, tried + batch))
        tried += batch
        if failures:
            break
        batch = min(2 * batch, count - tried)
    return tried


class Retries:
    """Come back later to a key whose reconcile could not finish, 5 ms doubling, giving up after 15 tries.

    What ``queue.AddRateLimited`` without ``Forget`` does in Kubernetes controllers (maxRetries 15).
    The work queue's own backoff only applies to reconciles that raise.
    """

    def __init__(self, max_retries: int = 15, base: float = 0.005, cap: float = 1000.0) -> None:
        self.max_retries, self.base, self.cap = max_retries, base, cap
        self.counts: dict[str, int] = {}

    def retry(self, queue: WorkQueue, key: str) -> None:
        count = self.counts.get(key, 0)
        if count >= self.max_retries:
            return  # dropped: the next event about this object brings it back
        self.counts[key] = count + 1
        queue.add_after(key, min(self.base * 2**count, self.cap))

    def forget(self, key: str) -> None:
        self.counts.pop(key, None)


# --- expectations -----------------------------------------------------------------------------------
EXPECTATIONS_TIMEOUT = 300.0  # controller.ExpectationsTimeout


class Expectations:
    """ControllerExpectations: pod creations and deletions a controller still waits to see.

    A controller that just created 3 pods must not count pods again until its informer has seen
    them, or it would create 3 more. Expectations expire after five minutes, as in Kubernetes.
    """

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._pending: dict[str, tuple[int, int, float]] = {}

    def expect(self, key: str, adds: int, deletes: int) -> None:
        if adds or deletes:
            self._pending[key] = (adds, deletes, self.clock.now)
        else:
            self._pending.pop(key, None)

    def creation_observed(self, key: str) -> None:
        self._lower(key, 1, 0)

    def deletion_observed(self, key: str) -> None:
        self._lower(key, 0, 1)

    def lower(self, key: str, adds: int, deletes: int) -> None:
        self._lower(key, adds, deletes)

    def _lower(self, key: str, adds: int, deletes: int) -> None:
        entry = self._pending.get(key)
        if entry is not None:
            self._pending[key] = (entry[0] - adds, entry[1] - deletes, entry[2])

    def satisfied(self, key: str) -> bool:
        entry = self._pending.get(key)
        if entry is None:
            return True
        adds, deletes, since = entry
        return (adds <= 0 and deletes <= 0) or self.clock.now - since > EXPECTATIONS_TIMEOUT

    def forget(self, key: str) -> None:
        self._pending.pop(key, None)
