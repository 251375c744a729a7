"""The node lifecycle controller: notices silent kubelets, taints their nodes, and evicts their pods.

Follows ``pkg/controller/nodelifecycle/node_lifecycle_controller.go``:

* every ``nodeMonitorPeriod`` (5 s) ``monitorNodeHealth`` checks each node's heartbeats, the
  Lease in ``kube-node-lease`` and the Ready condition's ``lastHeartbeatTime``. A node silent for
  ``nodeMonitorGracePeriod`` (50 s since v1.32, kubernetes#126287; 40 s before) gets
  Ready, MemoryPressure, DiskPressure and PIDPressure set to Unknown ("Kubelet stopped posting
  node status."), a ``NodeNotReady`` event, and its pods marked not Ready;
* nodes whose Ready condition is Unknown or False get the ``unreachable`` / ``not-ready``
  NoExecute taint, at most one node per 10 s per zone (``--node-eviction-rate`` 0.1), and no
  new taints at all when every zone is fully down (the control plane is then the likelier
  culprit); a node Ready again loses them;
* on every node change it keeps the NoSchedule taints in step with the conditions and
  ``spec.unschedulable`` (TaintNodesByCondition).

The taint-eviction part (``pkg/controller/tainteviction/taint_eviction.go``) runs inside this
controller, as kube-controller-manager does with the SeparateTaintEvictionController gate off:
it deletes pods that do not tolerate a node's NoExecute taints, at once or after their
``tolerationSeconds`` (300 s, added by the DefaultTolerationSeconds admission plugin).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubetui.api.meta import get_condition, parse_timestamp, split_key, timestamp
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.podutil import (
    TAINT_DISK_PRESSURE,
    TAINT_MEMORY_PRESSURE,
    TAINT_NETWORK_UNAVAILABLE,
    TAINT_NOT_READY,
    TAINT_PID_PRESSURE,
    TAINT_UNREACHABLE,
    TAINT_UNSCHEDULABLE,
    Retries,
    creation_time,
    index_pods,
    matching_tolerations,
    pod_condition,
    same_taint,
    taints_of,
    tolerations_of,
    zone_key,
)
from kubetui.sim.clock import Timer

Obj = dict[str, Any]

NODE_MONITOR_PERIOD = 5.0  # --node-monitor-period
NODE_MONITOR_GRACE_PERIOD = 50.0  # --node-monitor-grace-period (the v1.32 default; 40 s before)
NODE_STARTUP_GRACE_PERIOD = 60.0  # --node-startup-grace-period
NODE_EVICTION_RATE = 0.1  # --node-eviction-rate: nodes tainted per second per healthy zone
SECONDARY_NODE_EVICTION_RATE = 0.01  # --secondary-node-eviction-rate
LARGE_CLUSTER_SIZE_THRESHOLD = 50  # --large-cluster-size-threshold
UNHEALTHY_ZONE_THRESHOLD = 0.55  # --unhealthy-zone-threshold
NODE_HEALTH_UPDATE_RETRY = 5  # scheduler.NodeHealthUpdateRetry
NODE_LEASE_NAMESPACE = "kube-node-lease"
LABEL_EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption"

UNREACHABLE_TAINT = {"key": TAINT_UNREACHABLE, "effect": "NoExecute"}
NOT_READY_TAINT = {"key": TAINT_NOT_READY, "effect": "NoExecute"}

# nodeConditionToTaintKeyStatusMap: which condition status means which NoSchedule taint.
CONDITION_TAINTS: dict[str, dict[str, str]] = {
    "Ready": {"False": TAINT_NOT_READY, "Unknown": TAINT_UNREACHABLE},
    "MemoryPressure": {"True": TAINT_MEMORY_PRESSURE},
    "DiskPressure": {"True": TAINT_DISK_PRESSURE},
    "NetworkUnavailable": {"True": TAINT_NETWORK_UNAVAILABLE},
    "PIDPressure": {"True": TAINT_PID_PRESSURE},
}
CONDITION_TAINT_KEYS = frozenset(k for m in CONDITION_TAINTS.values() for k in m.values())
# The conditions a silent kubelet can no longer vouch for (NetworkUnavailable is the cloud's).
HEARTBEAT_CONDITIONS = ("Ready", "MemoryPressure", "DiskPressure", "PIDPressure")
# Beta labels kept in step with their GA twins (labelReconcileInfo).
LABEL_TWINS = (("kubernetes.io/os", "beta.kubernetes.io/os"),
               ("kubernetes.io/arch", "beta.kubernetes.io/arch"))

INITIAL, NORMAL = "Initial", "Normal"
FULL_DISRUPTION, PARTIAL_DISRUPTION = "FullDisruption", "PartialDisruption"


@dataclass
class NodeHealth:
    """nodeHealthData: when this controller last saw a sign of life, in its own (virtual) time."""

    probe_time: float
    ready_transition_time: float
    ready: Obj | None  # the Ready condition as last seen
    lease_renew: float | None  # the Lease's renewTime as last seen


class TokenBucket:
    """flowcontrol.NewTokenBucketRateLimiter(qps, burst=1); qps 0 never accepts."""

    def __init__(self, qps: float, now: float) -> None:
        self.qps = qps
        self.tokens = 1.0
        self.last = now

    def _refill(self, now: float) -> None:
        if self.qps > 0:
            self.tokens = min(1.0, self.tokens + (now - self.last) * self.qps)
        self.last = now

    def try_accept(self, now: float) -> bool:
        self._refill(now)
        if self.qps > 0 and self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def next_token(self, now: float) -> float | None:
        self._refill(now)
        return None if self.qps <= 0 else now + max(0.0, (1.0 - self.tokens) / self.qps)


class ZoneTainter:
    """RateLimitedTimedQueue: nodes waiting for a NoExecute taint in one zone, deduplicated."""

    def __init__(self, qps: float, now: float) -> None:
        self.limiter = TokenBucket(qps, now)
        self.waiting: list[str] = []
        self.members: set[str] = set()  # stays after processing until remove(), like UniqueQueue

    def add(self, name: str) -> bool:
        if name in self.members:
            return False
        self.members.add(name)
        self.waiting.append(name)
        return True

    def remove(self, name: str) -> bool:
        if name not in self.members:
            return False
        self.members.discard(name)
        if name in self.waiting:
            self.waiting.remove(name)
        return True


class NodeLifecycleController(Controller):
    name = "node-lifecycle-controller"
    event_component = "node-controller"

    def setup(self) -> None:
        self.recorder.component = self.event_component  # Kubernetes records these as "node-controller"
        self.nodes = self.informers.informer("nodes")
        self.pods = self.informers.informer("pods")
        self.leases = self.informers.informer("leases", NODE_LEASE_NAMESPACE)
        index_pods(self)
        self.nodes.add_handlers(self._node_changed, lambda _old, new: self._node_changed(new), None)
        self.pods.add_handlers(lambda p: self._pod_changed(None, p), self._pod_changed, None)
        self.health: dict[str, NodeHealth] = {}
        self.known: dict[str, Obj] = {}
        self.zone_states: dict[str, str] = {}
        self.tainters: dict[str, ZoneTainter] = {}
        self.nodes_to_retry: set[str] = set()
        self.retries = Retries()
        self._tainting: Timer | None = None
        self.taint_eviction = TaintEvictionController(self.client, self.informers, self.trace, self.rng)
        self.taint_eviction.setup()
        self.clock.call_soon(self._monitor, label="node monitor")

    # -- event handlers ---------------------------------------------------------------------------
    def _node_changed(self, node: Obj) -> None:
        self.queue.add(f"node/{node['metadata']['name']}")

    def _pod_changed(self, old: Obj | None, new: Obj) -> None:
        node = (new.get("spec") or {}).get("nodeName")
        if node and (old is None or (old.get("spec") or {}).get("nodeName") != node):
            self.queue.add(f"pod/{new['metadata'].get('namespace', '')}/{new['metadata']['name']}")

    def reconcile(self, key: str) -> None:
        kind, _, rest = key.partition("/")
        if kind == "node":
            self._no_schedule_tainting_pass(rest)
            self._reconcile_node_labels(rest)
        else:
            if self._process_pod(rest):
                self.retries.retry(self.queue, key)
            else:
                self.retries.forget(key)

    # -- NoSchedule taints and labels (doNodeProcessingPassWorker) ----------------------------------
    def _no_schedule_tainting_pass(self, name: str) -> None:
        node = self.nodes.get("", name)
        if node is None:
            return
        wanted: list[Obj] = []
        for cond in (node.get("status") or {}).get("conditions") or ():
            key = CONDITION_TAINTS.get(cond.get("type"), {}).get(cond.get("status"))
            if key:
                wanted.append({"key": key, "effect": "NoSchedule"})
        if (node.get("spec") or {}).get("unschedulable"):
            wanted.append({"key": TAINT_UNSCHEDULABLE, "effect": "NoSchedule"})
        existing = [t for t in taints_of(node) if t.get("effect") == "NoSchedule"
                    and (t.get("key") == TAINT_UNSCHEDULABLE or t.get("key") in CONDITION_TAINT_KEYS)]
        to_add = [w for w in wanted if not any(same_taint(w, e) for e in existing)]
        to_remove = [e for e in existing if not any(same_taint(e, w) for w in wanted)]
        if not to_add and not to_remove:
            return
        if self._swap_taints(name, to_add, to_remove):
            self.record(f"Node {name}", _taint_list(existing) or "no condition taints",
                        _taint_list(wanted) or "no condition taints", _swap_action(to_add, to_remove))

    def _reconcile_node_labels(self, name: str) -> None:
        node = self.nodes.get("", name)
        labels = (node or {}).get("metadata", {}).get("labels") or {}
        update = {beta: labels[ga] for ga, beta in LABEL_TWINS
                  if ga in labels and labels.get(beta) != labels[ga]}
        if not update:
            return
        self.client.merge_patch("nodes", "", name, {"metadata": {"labels": update}})
        self.record(f"Node {name}", "beta labels missing", "beta labels match GA ones",
                    "label " + ", ".join(f"{k}={v}" for k, v in sorted(update.items())))

    def _swap_taints(self, name: str, add: list[Obj], remove: list[Obj]) -> bool:
        """SwapNodeControllerTaint: add and remove taints in one read-modify-patch, retried on conflict.

        Simplification: Kubernetes patches twice (add, then remove); one patch does both here.
        Like Kubernetes, a failure is only reported (False); the next pass tries again.
        """
        now = timestamp(self.clock.now)
        for _ in range(NODE_HEALTH_UPDATE_RETRY):
            try:
                node = self.client.get("nodes", "", name)
            except ApiError:
                return False
            current = taints_of(node)
            taints = [t for t in current if not any(same_taint(t, r) for r in remove)]
            for taint in add:
                if not any(same_taint(taint, t) and t.get("value") == taint.get("value") for t in taints):
                    taints = [t for t in taints if not same_taint(t, taint)]
                    taints.append({**taint, "timeAdded": now})
            if taints == current:
                return True
            patch = {"metadata": {"resourceVersion": node["metadata"]["resourceVersion"]},
                     "spec": {"taints": taints or None}}
            try:
                self.client.merge_patch("nodes", "", name, patch)
                return True
            except ApiError as err:
                if err.code != 409:
                    return False
        return False

    # -- monitorNodeHealth ----------------------------------------------------------------------------
    def _monitor(self) -> None:
        try:
            self.monitor_node_health()
        finally:
            self.clock.call_later(NODE_MONITOR_PERIOD, self._monitor, label="node monitor")

    def monitor_node_health(self) -> None:
        nodes = sorted(self.nodes.list(), key=lambda n: n["metadata"]["name"])
        names = {n["metadata"]["name"] for n in nodes}
        for node in nodes:
            name = node["metadata"]["name"]
            if name not in self.known:
                self._node_event(node, "RegisteredNode",
                                 f"Node {name} event: Registered Node {name} in Controller")
                self.known[name] = node
                self._add_zone(node)
                self._mark_reachable(node)
            elif zone_key(node) not in self.zone_states:
                self._add_zone(node)
        for name in sorted(set(self.known) - names):
            gone = self.known.pop(name)
            self.health.pop(name, None)
            self.nodes_to_retry.discard(name)
            for tainter in self.tainters.values():
                tainter.remove(name)
            self._node_event(gone, "RemovingNode", f"Node {name} event: Removing Node {name} from Controller")
        zone_conditions: dict[str, list[Obj | None]] = {}
        for node in nodes:
            self._check_node(node, zone_conditions)
        self._handle_disruption(zone_conditions, nodes)

    def _check_node(self, cached: Obj, zone_conditions: dict[str, list[Obj | None]]) -> None:
        name = cached["metadata"]["name"]
        node = deep_copy(cached)
        actions: list[str] = []
        for attempt in range(NODE_HEALTH_UPDATE_RETRY):
            try:
                observed, current = self._try_update_node_health(node, actions)
                break
            except ApiError as err:
                if err.code == 404 or attempt == NODE_HEALTH_UPDATE_RETRY - 1:
                    return  # "Update health of Node from Controller error, Skipping - no pods evicted"
                try:
                    node = self.client.get("nodes", "", name)
                except ApiError:
                    return
        labels = node["metadata"].get("labels") or {}
        if LABEL_EXCLUDE_DISRUPTION not in labels:
            zone_conditions.setdefault(zone_key(node), []).append(current)
        if current is None:
            return
        self._process_taint_based_eviction(node, observed, actions)
        status, was = current.get("status"), observed.get("status")
        if (status != "True" and was == "True") or (name in self.nodes_to_retry and was != "True"):
            if status != "True" and was == "True":
                self._node_event(node, "NodeNotReady", f"Node {name} status is now: NodeNotReady")
            marked, ok = self._mark_pods_not_ready(name)
            if marked:
                actions.append(f"mark {marked} pods NotReady")
            if not ok:
                self.nodes_to_retry.add(name)
                self._record_node(name, observed, current, actions)
                return
        self.nodes_to_retry.discard(name)
        self._record_node(name, observed, current, actions)

    def _record_node(self, name: str, observed: Obj, current: Obj, actions: list[str]) -> None:
        if not actions:
            return
        health = self.health.get(name)
        silent = self.clock.now - health.probe_time if health else 0.0
        self.record(f"Node {name}", f"Ready={observed.get('status')}, last heartbeat {silent:.0f}s ago",
                    f"Ready={current.get('status')}", "; ".join(actions))

    def _try_update_node_health(self, node: Obj, actions: list[str]) -> tuple[Obj, Obj | None]:
        """tryUpdateNodeHealth: refresh the probe time from heartbeats; past the grace, post Unknown."""
        name = node["metadata"]["name"]
        now = self.clock.now
        health = self.health.get(name)
        ready = get_condition(node, "Ready")
        created = node["metadata"].get("creationTimestamp", "")
        if ready is None:
            # The kubelet never posted status: judge it from the Node's creation, with the longer grace.
            observed: Obj = {"type": "Ready", "status": "Unknown", "lastHeartbeatTime": created,
                             "lastTransitionTime": created}
            grace = NODE_STARTUP_GRACE_PERIOD
            if health is not None:
                health.ready = None
            else:
                health = NodeHealth(creation_time(node), creation_time(node), None, None)
        else:
            observed = dict(ready)
            grace = NODE_MONITOR_GRACE_PERIOD
        saved = health.ready if health is not None else None
        saved_lease = health.lease_renew if health is not None else None
        if health is None or (saved is None and ready is not None) or (saved is not None and ready is None):
            health = NodeHealth(now, now, dict(ready) if ready else None, None)
        elif saved is not None and ready is not None and saved.get("lastHeartbeatTime") != ready.get(
            "lastHeartbeatTime"
        ):
            moved = saved.get("lastTransitionTime") != ready.get("lastTransitionTime")
            health = NodeHealth(now, now if moved else health.ready_transition_time, dict(ready), None)
        lease = self.leases.get(NODE_LEASE_NAMESPACE, name)
        renew = parse_timestamp(((lease or {}).get("spec") or {}).get("renewTime"))
        if renew is not None and (saved_lease is None or saved_lease < renew):
            health.lease_renew = renew
            health.probe_time = now
        self.health[name] = health
        if now <= health.probe_time + grace:
            return observed, ready
        # Nothing heard for longer than the grace period: Unknown, whatever the kubelet said last.
        now_iso = timestamp(now)
        conditions = node.setdefault("status", {}).setdefault("conditions", [])
        for ctype in HEARTBEAT_CONDITIONS:
            cond = next((c for c in conditions if c.get("type") == ctype), None)
            if cond is None:
                conditions.append({"type": ctype, "status": "Unknown", "lastHeartbeatTime": created,
                                   "lastTransitionTime": now_iso, "reason": "NodeStatusNeverUpdated",
                                   "message": "Kubelet never posted node status."})
            elif cond.get("status") != "Unknown":
                cond.update(status="Unknown", reason="NodeStatusUnknown",
                            message="Kubelet stopped posting node status.", lastTransitionTime=now_iso)
        current = get_condition(node, "Ready")
        if current != observed:
            stored = self.client.update_status("nodes", node)
            node["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"]
            self.health[name] = NodeHealth(health.probe_time, now, dict(current) if current else None, renew)
            actions.append("set conditions Unknown (Kubelet stopped posting node status.)")
        return observed, current

    def _mark_pods_not_ready(self, node_name: str) -> tuple[int, bool]:
        """MarkPodsNotReady: Ready=False on every pod of the node, so Services stop routing to them."""
        marked, ok = 0, True
        for pod in self.pods.by_index("spec.nodeName", node_name):
            ready = pod_condition(pod, "Ready")
            if ready is None or ready.get("status") == "False":
                continue
            updated = deep_copy(pod)
            cond = pod_condition(updated, "Ready")
            assert cond is not None
            cond["status"] = "False"
            cond["lastTransitionTime"] = timestamp(self.clock.now)
            try:
                self.client.update_status("pods", updated)
            except ApiError as err:
                if err.code != 404:
                    ok = False
                continue
            marked += 1
            self.event(pod, "Warning", "NodeNotReady", "Node is not ready")
        return marked, ok

    def _process_pod(self, key: str) -> bool:
        """processPod: a pod newly bound to a node that is not Ready is marked not Ready at once.

        Returns True when it must be tried again (the node is not in the cache).
        """
        namespace, name = split_key(key)
        pod = self.pods.get(namespace, name)
        if pod is None:
            return False
        node_name = (pod.get("spec") or {}).get("nodeName", "")
        health = self.health.get(node_name)
        if health is None or health.ready is None or health.ready.get("status") == "True":
            return False
        if self.nodes.get("", node_name) is None:
            return True
        cond = pod_condition(pod, "Ready")
        if cond is None or cond.get("status") == "False":
            return False
        updated = deep_copy(pod)
        ready = pod_condition(updated, "Ready")
        assert ready is not None
        ready.update(status="False", lastTransitionTime=timestamp(self.clock.now))
        self.client.update_status("pods", updated)
        self.event(pod, "Warning", "NodeNotReady", "Node is not ready")
        self.record(f"Pod {key}", f"Ready, on node {node_name} (Ready={health.ready.get('status')})",
                    "Ready=False", "mark pod NotReady")
        return False

    # -- NoExecute taints (processTaintBaseEviction, doNoExecuteTaintingPass) ------------------------------
    def _process_taint_based_eviction(self, node: Obj, observed: Obj, actions: list[str]) -> None:
        name = node["metadata"]["name"]
        taints = taints_of(node)
        status = observed.get("status")
        if status in ("False", "Unknown"):
            add, opposite = (NOT_READY_TAINT, UNREACHABLE_TAINT) if status == "False" else (
                UNREACHABLE_TAINT, NOT_READY_TAINT)
            if any(same_taint(t, opposite) for t in taints):
                # Swap at once: not-ready and unreachable mirror Ready=False/Unknown and exclude each other.
                if self._swap_taints(name, [add], [opposite]):
                    actions.append(_swap_action([add], [opposite]))
                return
            tainter = self.tainters[zone_key(node)]
            if not any(same_taint(t, add) for t in taints):
                tainter.remove(name)
            if tainter.add(name):
                actions.append(f"queue for {add['key']}:NoExecute taint")
                self._schedule_tainting(self.clock.now)
        elif status == "True" and self._mark_reachable(node):
            actions.append("remove NoExecute taints (node is Ready again)")

    def _mark_reachable(self, node: Obj) -> bool:
        """markNodeAsReachable: drop our NoExecute taints and take the node out of the taint queue."""
        name = node["metadata"]["name"]
        taints = taints_of(node)
        present = [t for t in (UNREACHABLE_TAINT, NOT_READY_TAINT) if any(same_taint(t, x) for x in taints)]
        removed = bool(present) and self._swap_taints(name, [], present)
        tainter = self.tainters.get(zone_key(node))
        if tainter is not None:
            tainter.remove(name)
        return removed

    def _add_zone(self, node: Obj) -> None:
        zone = zone_key(node)
        if zone not in self.zone_states:
            self.zone_states[zone] = INITIAL
            self.tainters[zone] = ZoneTainter(NODE_EVICTION_RATE, self.clock.now)

    def _schedule_tainting(self, when: float) -> None:
        if self._tainting is not None and not self._tainting.cancelled and self._tainting.when <= when:
            return
        if self._tainting is not None:
            self._tainting.cancel()
        self._tainting = self.clock.call_at(when, self._no_execute_tainting_pass, label="NoExecute tainting")

    def _no_execute_tainting_pass(self) -> None:
        self._tainting = None
        now = self.clock.now
        next_pass: float | None = None
        for zone in sorted(self.tainters):
            tainter = self.tainters[zone]
            while tainter.waiting and tainter.limiter.try_accept(now):
                name = tainter.waiting.pop(0)
                if not self._taint_no_execute(name):
                    tainter.waiting.insert(0, name)  # retry in 50 ms, as Kubernetes does
                    next_pass = min(next_pass or now + 0.05, now + 0.05)
                    break
            if tainter.waiting:
                due = tainter.limiter.next_token(now)
                if due is not None:
                    next_pass = due if next_pass is None else min(next_pass, due)
        if next_pass is not None:
            self._schedule_tainting(next_pass)

    def _taint_no_execute(self, name: str) -> bool:
        node = self.nodes.get("", name)
        if node is None:
            return True
        ready = get_condition(node, "Ready")
        if ready is None:
            return False
        if ready.get("status") == "False":
            add, remove = NOT_READY_TAINT, UNREACHABLE_TAINT
        elif ready.get("status") == "Unknown":
            add, remove = UNREACHABLE_TAINT, NOT_READY_TAINT
        else:
            return True  # Ready again: no taint needed
        if not self._swap_taints(name, [add], [remove]):
            return False
        self.record(f"Node {name}", f"Ready={ready.get('status')}", f"{add['key']}:NoExecute taint",
                    f"taint {add['key']}:NoExecute (pods without a toleration will be evicted)")
        return True

    # -- zones (handleDisruption) ---------------------------------------------------------------------
    def _handle_disruption(self, zone_conditions: dict[str, list[Obj | None]], nodes: list[Obj]) -> None:
        new_states: dict[str, str] = {}
        all_down_now = True
        for zone in sorted(zone_conditions):
            _, state = compute_zone_state(zone_conditions[zone])
            new_states[zone] = state
            all_down_now &= state == FULL_DISRUPTION
            self.zone_states.setdefault(zone, INITIAL)
            if zone not in self.tainters:
                self.tainters[zone] = ZoneTainter(NODE_EVICTION_RATE, self.clock.now)
        for zone in sorted(self.zone_states):
            if zone not in zone_conditions:
                del self.zone_states[zone]
        all_were_down = all(state == FULL_DISRUPTION for state in self.zone_states.values())
        if all_down_now and all_were_down:
            return
        if all_down_now:
            # Every zone lost every node: more likely our own network than the nodes. Stop evicting.
            for node in nodes:
                self._mark_reachable(node)
            for zone in sorted(self.zone_states):
                self.tainters[zone].limiter = TokenBucket(0.0, self.clock.now)
                self.zone_states[zone] = FULL_DISRUPTION
            self.record("Cluster", "no Ready node in any zone", "no evictions",
                        "enter full disruption mode: stop tainting, remove NoExecute taints")
            return
        if all_were_down and self.zone_states:
            # Leaving full disruption: give every node a fresh grace period before judging it.
            for node in nodes:
                health = self.health.get(node["metadata"]["name"])
                if health is not None:
                    health.probe_time = health.ready_transition_time = self.clock.now
            for zone in sorted(self.zone_states):
                self._set_limiter(zone, len(zone_conditions[zone]), new_states[zone])
            self.record("Cluster", "some nodes Ready again", "normal evictions", "exit full disruption mode")
            return
        for zone in sorted(self.zone_states):
            if self.zone_states[zone] != new_states[zone]:
                self._set_limiter(zone, len(zone_conditions[zone]), new_states[zone])

    def _set_limiter(self, zone: str, size: int, state: str) -> None:
        if state == PARTIAL_DISRUPTION:
            qps = SECONDARY_NODE_EVICTION_RATE if size > LARGE_CLUSTER_SIZE_THRESHOLD else 0.0
        else:
            qps = NODE_EVICTION_RATE
        self.tainters[zone].limiter = TokenBucket(qps, self.clock.now)
        self.zone_states[zone] = state
        if self.tainters[zone].waiting:
            self._schedule_tainting(self.clock.now)

    def _node_event(self, node: Obj, reason: str, message: str) -> None:
        ref = {"apiVersion": "v1", "kind": "Node",
               "metadata": {"name": node["metadata"]["name"], "uid": node["metadata"].get("uid", "")}}
        self.event(ref, "Normal", reason, message)


def compute_zone_state(conditions: list[Obj | None]) -> tuple[int, str]:
    """ComputeZoneState: full disruption with no Ready node, partial with >2 and >=55% not Ready."""
    ready = sum(1 for c in conditions if c is not None and c.get("status") == "True")
    not_ready = len(conditions) - ready
    if ready == 0 and not_ready > 0:
        return not_ready, FULL_DISRUPTION
    if not_ready > 2 and not_ready / (not_ready + ready) >= UNHEALTHY_ZONE_THRESHOLD:
        return not_ready, PARTIAL_DISRUPTION
    return not_ready, NORMAL


def _taint_list(taints: list[Obj]) -> str:
    return ", ".join(f"{t.get('key')}:{t.get('effect')}" for t in taints)


def _swap_action(add: list[Obj], remove: list[Obj]) -> str:
    parts = [f"taint {_taint_list(add)}"] if add else []
    if remove:
        parts.append(f"untaint {_taint_list(remove)}")
    return "; ".join(parts)


def min_toleration_time(used: list[Obj]) -> float:
    """getMinTolerationTime: the shortest tolerationSeconds; -1 means forever, 0 means now."""
    if not used:
        return 0.0
    shortest: float | None = None
    for toleration in used:
        seconds = toleration.get("tolerationSeconds")
        if seconds is None:
            continue
        if seconds <= 0:
            return 0.0
        shortest = seconds if shortest is None else min(shortest, seconds)
    return -1.0 if shortest is None else float(shortest)


def _no_execute(node: Obj | None) -> list[Obj]:
    return [t for t in taints_of(node or {}) if t.get("effect") == "NoExecute"]


class TaintEvictionController(Controller):
    """The taint manager: evicts pods from nodes with NoExecute taints they do not tolerate (long enough).

    Created and run by :class:`NodeLifecycleController` with its client, like Kubernetes' taint
    manager embedded in the node lifecycle controller; its events come from
    ``taint-eviction-controller``.
    """

    name = "taint-eviction-controller"

    def setup(self) -> None:
        self.nodes = self.informers.informer("nodes")
        self.pods = self.informers.informer("pods")
        index_pods(self)
        self.nodes.add_handlers(lambda n: self._node_changed(None, n), self._node_changed,
                                lambda n: self._node_changed(n, None))
        self.pods.add_handlers(lambda p: self._pod_changed(None, p), self._pod_changed,
                               lambda p: self._pod_changed(p, None))
        self.tainted: dict[str, list[Obj]] = {}  # node -> its NoExecute taints
        self.scheduled: dict[str, Timer] = {}  # pod key -> its deletion timer

    def _node_changed(self, old: Obj | None, new: Obj | None) -> None:
        if old is not None and new is not None and _no_execute(old) == _no_execute(new):
            return
        node = new if new is not None else old
        assert node is not None
        self.queue.add(f"node:{node['metadata']['name']}")

    def _pod_changed(self, old: Obj | None, new: Obj | None) -> None:
        if old is not None and new is not None:
            old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
            same_node = old_spec.get("nodeName") == new_spec.get("nodeName")
            if same_node and tolerations_of(old_spec) == tolerations_of(new_spec):
                return
        pod = new if new is not None else old
        assert pod is not None
        self.queue.add(f"pod:{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}")

    def reconcile(self, key: str) -> None:
        kind, _, rest = key.partition(":")
        if kind == "node":
            self._handle_node(rest)
        else:
            self._handle_pod(rest)

    def _handle_node(self, name: str) -> None:
        node = self.nodes.get("", name)
        if node is None:
            self.tainted.pop(name, None)
            return
        taints = _no_execute(node)
        if taints:
            self.tainted[name] = taints
        else:
            self.tainted.pop(name, None)
        now = self.clock.now
        for pod in self.pods.by_index("spec.nodeName", name):
            key = f"{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}"
            if not taints:
                self._cancel(key)
            else:
                self._process_pod(key, pod, taints, now)

    def _handle_pod(self, key: str) -> None:
        namespace, name = split_key(key)
        pod = self.pods.get(namespace, name)
        if pod is None:
            self._cancel(key)
            return
        taints = self.tainted.get((pod.get("spec") or {}).get("nodeName") or "")
        if taints:
            self._process_pod(key, pod, taints, self.clock.now)

    def _process_pod(self, key: str, pod: Obj, taints: list[Obj], now: float) -> None:
        """processPodOnNode: delete now, after the shortest tolerationSeconds, or never."""
        tolerated, used = matching_tolerations(taints, tolerations_of(pod.get("spec") or {}))
        if not tolerated:
            self._cancel(key)
            self._schedule(key, pod, now)
            return
        wait = min_toleration_time(used)
        if wait < 0:
            self._cancel(key)  # tolerated forever
            return
        if key in self.scheduled:
            # An eviction already counting down keeps its deadline (it started earlier than "now").
            return
        self._schedule(key, pod, now + wait)

    def _schedule(self, key: str, pod: Obj, due: float) -> None:
        node = (pod.get("spec") or {}).get("nodeName", "")
        timer = self.clock.call_at(due, self._evict, key, node, label=f"taint eviction {key}")
        self.scheduled[key] = timer

    def _cancel(self, key: str) -> None:
        entry = self.scheduled.pop(key, None)
        if entry is not None:
            entry.cancel()
            self.event(_pod_ref(key), "Normal", "TaintManagerEviction", f"Cancelling deletion of Pod {key}")

    def _evict(self, key: str, node: str) -> None:
        """deletePodHandler: DisruptionTarget condition, then a (graceful) delete; up to 5 tries."""
        self.scheduled.pop(key, None)
        namespace, name = split_key(key)
        self.event(_pod_ref(key), "Normal", "TaintManagerEviction", f"Marking for deletion Pod {key}")
        for _ in range(5):
            try:
                self._add_condition_and_delete(namespace, name)
                break
            except ApiError as err:
                if err.code == 404:
                    return
        taints = ", ".join(f"{t.get('key')}:NoExecute" for t in self.tainted.get(node, []))
        self.record(f"Pod {key}", f"on node {node} tainted {taints or '(untainted)'}", "pod off the node",
                    "delete pod (taint-based eviction)")

    def _add_condition_and_delete(self, namespace: str, name: str) -> None:
        pod = self.client.get("pods", namespace, name)
        cond = pod_condition(pod, "DisruptionTarget")
        if cond is None or cond.get("status") != "True" or cond.get("reason") != "DeletionByTaintManager":
            conditions = [c for c in (pod.get("status") or {}).get("conditions") or ()
                          if c.get("type") != "DisruptionTarget"]
            conditions.append({"type": "DisruptionTarget", "status": "True",
                               "lastTransitionTime": timestamp(self.clock.now),
                               "reason": "DeletionByTaintManager",
                               "message": "Taint manager: deleting due to NoExecute taint"})
            pod.setdefault("status", {})["conditions"] = conditions
            self.client.update_status("pods", pod)
        self.client.delete("pods", namespace, name)


def _pod_ref(key: str) -> Obj:
    namespace, name = split_key(key)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": namespace}}
