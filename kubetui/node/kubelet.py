"""The kubelet: registers its Node, heartbeats through a Lease and NodeStatus, and runs the pods bound to it.

It is a client of the API server like any other (identity ``kubelet/<node>``): it watches pods
with ``spec.nodeName=<node>``, runs them through its container runtime, writes their status, and
deletes them once their containers have stopped. Defaults are Kubernetes': the Lease is renewed
every 10 s (leaseDurationSeconds 40), NodeStatus is computed every 10 s
(nodeStatusUpdateFrequency) and posted when it changed or at least every 5 minutes
(nodeStatusReportFrequency).

Simplification: allocatable is capacity minus a fixed 100m CPU and 256Mi memory; real kubelets
reserve nothing by default except the 100Mi hard-eviction threshold.
"""

from __future__ import annotations

import hashlib
import random
import re
import zlib
from collections.abc import Callable
from typing import Any

from kubetui.api.meta import micro_timestamp, timestamp
from kubetui.api.qos import qos_class
from kubetui.api.quantity import QuantityError, cpu_millis, memory_bytes
from kubetui.api.stats import NodeStats
from kubetui.apiserver import errors
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.client.events import EventRecorder
from kubetui.client.informer import Informer
from kubetui.node import stats
from kubetui.node.backoff import Backoff
from kubetui.node.config_reader import ConfigReader
from kubetui.node.image_manager import ImageManager
from kubetui.node.link import LinkedClient
from kubetui.node.pod_worker import PodWorker
from kubetui.node.runtime import Container, ContainerRuntime, LogCursor, last_lines
from kubetui.node.spec import NodeSpec
from kubetui.node.status import is_restartable_init
from kubetui.node.status_manager import StatusManager
from kubetui.sim.clock import Clock, Timers
from kubetui.sim.trace import NodeActivity, TraceBus

LEASE_NAMESPACE = "kube-node-lease"
LEASE_RENEW_SECONDS = 10.0  # 0.25 x leaseDurationSeconds (pkg/kubelet/nodelease)
LEASE_DURATION_SECONDS = 40
STATUS_UPDATE_SECONDS = 10.0  # nodeStatusUpdateFrequency
STATUS_REPORT_SECONDS = 300.0  # nodeStatusReportFrequency
EVICTION_INTERVAL_SECONDS = 10.0  # the eviction manager's housekeeping: at most one pod per interval
PRESSURE_TRANSITION_SECONDS = 300.0  # evictionPressureTransitionPeriod
SYSTEM_RESERVED_CPU_MILLIS = 100
SYSTEM_RESERVED_MEMORY = 256 * 2**20
KUBELET_VERSION = "v1.32.0"


def node_index(name: str) -> int:
    """A stable small number per node, for its IP and pod CIDR: node-3 -> 3."""
    digits = re.findall(r"\d+", name)
    if digits and 0 < int(digits[-1]) < 60_000:
        return int(digits[-1])
    return zlib.crc32(name.encode()) % 150 + 100


def node_address(index: int) -> str:
    """10.0.0.<index + 10>, carrying into the third octet past 245 (node-246 once got "10.0.0.256")."""
    host = index + 10
    return f"10.0.{host // 256}.{host % 256}"


def pod_network_prefix(index: int) -> str:
    """10.244.<index>.* per node; past 255 the /24 blocks go on in 10.245-10.255, then 10.1 upwards."""
    second = 244 + index // 256
    return f"10.{second if second < 256 else second - 255}.{index % 256}."


def pod_requests(spec: dict[str, Any]) -> tuple[int, int]:
    """A pod's effective CPU (millis) and memory (bytes) requests: the larger of its app containers plus
    sidecars and its biggest init container (plus the sidecars started before it) - PodRequests in
    component-helpers/resource."""

    def of(container: dict[str, Any]) -> tuple[int, int]:
        requests = (container.get("resources") or {}).get("requests") or {}
        try:
            return cpu_millis(requests.get("cpu", 0)), memory_bytes(requests.get("memory", 0))
        except (QuantityError, ValueError, TypeError):
            return 0, 0

    cpu = sum(of(c)[0] for c in spec.get("containers") or [])
    mem = sum(of(c)[1] for c in spec.get("containers") or [])
    side_cpu = side_mem = init_cpu = init_mem = 0
    for container in spec.get("initContainers") or []:
        c_cpu, c_mem = of(container)
        if is_restartable_init(container):
            side_cpu, side_mem = side_cpu + c_cpu, side_mem + c_mem
        else:
            init_cpu, init_mem = max(init_cpu, side_cpu + c_cpu), max(init_mem, side_mem + c_mem)
    return max(cpu + side_cpu, init_cpu), max(mem + side_mem, init_mem)


class Kubelet:
    def __init__(
        self,
        spec: NodeSpec,
        client: LinkedClient,
        clock: Clock,
        trace: TraceBus,
        runtime: ContainerRuntime,
        boot: int,
        rng: random.Random,
    ) -> None:
        self.spec = spec
        self.node = spec.name
        self.client = client
        self.clock = clock
        self.trace = trace
        self.runtime = runtime
        self.boot = boot
        self.rng = rng
        index = node_index(spec.name)
        self.node_ip = node_address(index)
        self.pod_cidr = f"{pod_network_prefix(index)}0/24"
        self.recorder = EventRecorder(client, "kubelet", spec.name)
        self.images = ImageManager(spec.name, runtime, clock, trace)
        self.crash_backoff = Backoff()
        self.workers: dict[str, PodWorker] = {}  # by pod uid
        self._by_key: dict[str, str] = {}  # namespace/name -> uid
        self.running = False
        self.memory_pressure = False
        self._pressure_since = 0.0
        self._timers = Timers(self.clock)
        self._last_status: dict[str, Any] | None = None
        self._last_report = -1e9
        self._lease: dict[str, Any] | None = None
        self._node_uid = ""
        self.pods = Informer(client, "pods", field_selector=f"spec.nodeName={spec.name}")
        self.pods.add_handlers(self._pod_added, lambda _old, new: self._pod_added(new), self._pod_deleted)
        self.status = StatusManager(client, clock, self.pods)
        self.services = Informer(client, "services")  # the service-link variables' serviceLister
        self.config_objects = ConfigReader(client, self.services)
        runtime.on_exit = self._container_exited

    def jittered(self, duration: float, factor: float) -> float:
        """wait.Jitter: ``duration`` plus up to ``factor`` times it, drawn from the cluster's seeded RNG."""
        return duration + self.rng.random() * factor * duration

    # -- lifecycle -------------------------------------------------------------------------------------------------
    @property
    def reachable(self) -> bool:
        return self.client.link.up

    def start(self) -> None:
        self.running = True
        self._node_event("Starting", "Starting kubelet.")
        self._register()
        self._node_event("NodeAllocatableEnforced", "Updated Node Allocatable limit across pods")
        self._renew_lease()
        self._every(STATUS_UPDATE_SECONDS, self._status_loop, "node status")
        if self.reachable:
            self.services.start()
            self.pods.start()
            self._clean_up_orphans()

    def stop(self) -> None:
        """The machine lost power: no timers, no probes, no watches; the runtime's records stay on disk."""
        self.running = False
        self._timers.cancel_all()
        for worker in self.workers.values():
            worker.cancel()
        self.workers.clear()
        self._by_key.clear()
        self.pods.stop()
        self.services.stop()

    def network_cut(self) -> None:
        """A partition: the watch breaks; containers keep running and the kubelet keeps trying to write."""
        self.pods.stop()
        self.services.stop()
        self.trace.emit(
            NodeActivity(node=self.node, what="API server unreachable", detail="status writes fail")
        )

    def network_restored(self) -> None:
        """Back online: relist pods (catching up on deletions), heartbeat, and re-send every pod's status."""
        self.services.start()
        self.pods.start()  # the relist delivers what changed meanwhile, deletions included
        self._renew_lease(reschedule=False)
        self._post_status(force=True)
        self._clean_up_orphans()
        for worker in sorted(self.workers.values(), key=lambda w: w.key):
            worker.report()

    def _every(self, seconds: float, fn: Any, label: str) -> None:
        def tick() -> None:
            if self.running:
                self._timers.add(
                    self.clock.call_later(seconds, tick, label=f"kubelet {self.node} {label}")
                )
                fn()

        self._timers.add(self.clock.call_later(seconds, tick, label=f"kubelet {self.node} {label}"))

    # -- registration and heartbeats -------------------------------------------------------------------------------
    def _registration_labels(self) -> dict[str, str]:
        """The labels the kubelet registers its Node with: the well-known ones, the zone, the spec's own."""
        spec = self.spec
        labels = {
            "kubernetes.io/hostname": spec.name,
            "kubernetes.io/os": "linux",
            "kubernetes.io/arch": "amd64",
            "beta.kubernetes.io/os": "linux",
            "beta.kubernetes.io/arch": "amd64",
        }
        if spec.zone:
            labels["topology.kubernetes.io/zone"] = spec.zone
        labels.update(spec.labels)
        return labels

    def _node_object(self) -> dict[str, Any]:
        spec = self.spec
        labels = self._registration_labels()
        node_spec: dict[str, Any] = {"podCIDR": self.pod_cidr, "podCIDRs": [self.pod_cidr]}
        if spec.taints:
            node_spec["taints"] = [dict(t) for t in spec.taints]
        if spec.unschedulable:
            node_spec["unschedulable"] = True
        annotations = {
            "node.alpha.kubernetes.io/ttl": "0",
            "volumes.kubernetes.io/controller-managed-attach-detach": "true",
        }
        return {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": spec.name, "labels": labels, "annotations": annotations},
            "spec": node_spec,
            "status": self._node_status(),
        }

    def allocatable(self) -> tuple[int, int]:
        return (
            max(0, self.spec.cpu_millis - SYSTEM_RESERVED_CPU_MILLIS),
            max(0, self.spec.memory_bytes - SYSTEM_RESERVED_MEMORY),
        )

    def _node_status(self) -> dict[str, Any]:
        spec = self.spec
        now = timestamp(self.clock.now)
        alloc_cpu, alloc_mem = self.allocatable()
        previous = {c["type"]: c for c in (self._last_status or {}).get("conditions", [])}

        def condition(ctype: str, bad: bool, reason: str, message: str) -> dict[str, Any]:
            status = "False" if ctype != "Ready" else "True"
            if bad:
                status = "True" if ctype != "Ready" else "False"
            before = previous.get(ctype)
            since = before["lastTransitionTime"] if before and before["status"] == status else now
            return {
                "type": ctype,
                "status": status,
                "lastHeartbeatTime": now,
                "lastTransitionTime": since,
                "reason": reason,
                "message": message,
            }

        pressure = self.memory_pressure
        digest = hashlib.sha256(f"{spec.name}/{self.boot}".encode()).hexdigest()
        machine_id = hashlib.sha256(spec.name.encode()).hexdigest()[:32]
        return {
            "capacity": {
                "cpu": spec.cpu,
                "ephemeral-storage": "100Gi",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": spec.memory,
                "pods": str(spec.pods),
            },
            "allocatable": {
                "cpu": f"{alloc_cpu}m",
                "ephemeral-storage": "95Gi",
                "hugepages-1Gi": "0",
                "hugepages-2Mi": "0",
                "memory": f"{alloc_mem // 2**20}Mi",
                "pods": str(spec.pods),
            },
            "conditions": [
                condition(
                    "MemoryPressure",
                    pressure,
                    "KubeletHasInsufficientMemory" if pressure else "KubeletHasSufficientMemory",
                    f"kubelet has {'insufficient' if pressure else 'sufficient'} memory available",
                ),
                condition("DiskPressure", False, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition(
                    "PIDPressure", False, "KubeletHasSufficientPID", "kubelet has sufficient PID available"
                ),
                condition("Ready", False, "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [
                {"type": "InternalIP", "address": self.node_ip},
                {"type": "Hostname", "address": spec.name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": machine_id,
                "systemUUID": f"{machine_id[:8]}-{machine_id[8:12]}-{machine_id[12:16]}-{machine_id[16:20]}-"
                f"{machine_id[20:32]}",
                "bootID": f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}",
                "kernelVersion": "6.8.0-45-generic",
                "osImage": "Ubuntu 24.04.1 LTS (kubetui simulated)",
                "containerRuntimeVersion": "containerd://1.7.22",
                "kubeletVersion": KUBELET_VERSION,
                "kubeProxyVersion": KUBELET_VERSION,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
            "images": self.runtime.images.node_status_images(),
        }

    def _register(self) -> None:
        """registerWithAPIServer: create the Node, or (after a reboot) find it and post fresh status."""
        node = self._node_object()
        self._last_status = node["status"]
        self._last_report = self.clock.now
        try:
            created = self.client.create("nodes", node)
            self._node_uid = str(created["metadata"].get("uid", ""))
            self._condition_events([], node["status"]["conditions"])
            self.trace.emit(
                NodeActivity(
                    node=self.node, what="registered", detail=f"{self.spec.cpu} CPU, {self.spec.memory}"
                )
            )
        except ApiError as err:
            if err.code == 409:
                self.trace.emit(
                    NodeActivity(node=self.node, what="re-registered", detail="node already exists")
                )
                self._post_status(force=True)

    def _renew_lease(self, reschedule: bool = True) -> None:
        """The node lease controller: renew every 10 s; on a conflict read the lease again; create it when missing."""
        if not self.running:
            return
        if reschedule:
            self._timers.add(
                self.clock.call_later(LEASE_RENEW_SECONDS, self._renew_lease, label=f"lease {self.node}")
            )
        now = micro_timestamp(self.clock.now)
        try:
            lease = deep_copy(self._lease or self.client.get("leases", LEASE_NAMESPACE, self.node))
            lease["spec"]["renewTime"] = now
            lease["spec"]["holderIdentity"] = self.node
            self._lease = self.client.update("leases", lease)
        except ApiError as err:
            self._lease = None
            if err.code != 404:
                self.trace.emit(
                    NodeActivity(
                        node=self.node, what="heartbeat", detail=f"lease renewal failed: {err.message}"
                    )
                )
                return
            try:
                self._lease = self.client.create("leases", self._new_lease(now), LEASE_NAMESPACE)
            except ApiError as create_err:
                self.trace.emit(
                    NodeActivity(
                        node=self.node, what="heartbeat", detail=f"lease renewal failed: {create_err.message}"
                    )
                )
                return
        self.trace.emit(NodeActivity(node=self.node, what="heartbeat", detail="lease renewed"))

    def _new_lease(self, now: str) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": self.node, "namespace": LEASE_NAMESPACE}
        if self._node_uid:
            meta["ownerReferences"] = [
                {"apiVersion": "v1", "kind": "Node", "name": self.node, "uid": self._node_uid}
            ]
        return {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": meta,
            "spec": {
                "holderIdentity": self.node,
                "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                "renewTime": now,
            },
        }

    def _status_loop(self) -> None:
        self._post_status()

    def _post_status(self, force: bool = False) -> None:
        status = self._node_status()
        changed = self._last_status is None or _without_heartbeats(status) != _without_heartbeats(
            self._last_status
        )
        if not (force or changed or self.clock.now - self._last_report >= STATUS_REPORT_SECONDS):
            return
        try:
            node = deep_copy(self.client.get("nodes", "", self.node))
            stored_status = node.get("status") or {}
            stored = stored_status.get("conditions") or []
            stored_boot = (stored_status.get("nodeInfo") or {}).get("bootID") or ""
            node["status"] = status
            self.client.update_status("nodes", node)
        except ApiError:
            return
        boot = status["nodeInfo"]["bootID"]
        if stored_boot and stored_boot != boot:  # the MachineInfo setter's NodeRebooted event
            self._node_event("Rebooted", f"Node {self.node} has been rebooted, boot id: {boot}", "Warning")
        self._condition_events(stored, status["conditions"])
        self._node_uid = str(node["metadata"].get("uid", self._node_uid))
        self._last_status = status
        self._last_report = self.clock.now

    def _condition_events(self, stored: list[dict[str, Any]], posted: list[dict[str, Any]]) -> None:
        """recordNodeStatusEvent for each condition whose status the write changed (a new condition, or one
        the node lifecycle controller had set to Unknown, counts), as pkg/kubelet/nodestatus/setters.go."""
        before = {c.get("type"): c.get("status") for c in stored}
        for condition in posted:
            status = condition["status"]
            if before.get(condition["type"]) == status:
                continue
            reason = _CONDITION_EVENTS.get((condition["type"], status))
            if reason:
                self._node_event(reason, f"Node {self.node} status is now: {reason}")

    def _node_event(self, reason: str, message: str, event_type: str = "Normal") -> None:
        """An Event about this Node; the kubelet's node reference has the node's name as its UID."""
        node_ref = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": self.node, "uid": self.node}}
        self.recorder.event(node_ref, event_type, reason, message)

    # -- pods ------------------------------------------------------------------------------------------------------
    def _pod_added(self, pod: dict[str, Any]) -> None:
        if not self.running:
            return
        uid = str(pod["metadata"].get("uid", ""))
        worker = self.workers.get(uid)
        if worker is None:
            phase = (pod.get("status") or {}).get("phase")
            if phase in ("Succeeded", "Failed") and not self.runtime.containers_of(uid):
                return  # it finished before this kubelet started: nothing to run
            worker = PodWorker(self, pod)
            self.workers[uid] = worker
            self._by_key[worker.key] = uid
            if phase in ("Succeeded", "Failed"):
                worker.terminal = True  # it finished before a reboot: keep its logs, run nothing
                worker.deleting = bool(pod["metadata"].get("deletionTimestamp"))
                if worker.deleting:
                    worker.report()
                return
        worker.update(pod)

    def _pod_deleted(self, pod: dict[str, Any]) -> None:
        uid = str(pod["metadata"].get("uid", ""))
        worker = self.workers.pop(uid, None)
        if worker is None:
            return
        if self._by_key.get(worker.key) == uid:
            del self._by_key[worker.key]
        worker.removed()
        self._forget(uid)
        self.trace.emit(
            NodeActivity(node=self.node, pod=worker.key, what="removed", detail="pod object deleted")
        )

    def _forget(self, uid: str) -> None:
        """HandlePodCleanups: remove a gone pod's containers and sandbox, and its back-off entries."""
        for container in self.runtime.containers_of(uid):
            self.runtime.kill_container(container)
            self.runtime.remove_container(container)
        sandbox = self.runtime.sandboxes.get(uid)
        if sandbox is not None:
            self.runtime.remove_pod_sandbox(sandbox)
        self.images.forget_pod(uid)
        self.crash_backoff.forget_prefix(f"{uid}/")

    def _clean_up_orphans(self) -> None:
        """Pods deleted while this node was away: their containers are still on disk."""
        for uid in self.runtime.pod_uids():
            if uid not in self.workers:
                pods = [c.pod for c in self.runtime.containers_of(uid)]
                self._forget(uid)
                self.trace.emit(
                    NodeActivity(
                        node=self.node,
                        pod=pods[0] if pods else uid,
                        what="cleaned up",
                        detail="pod no longer bound to this node",
                    )
                )

    def _container_exited(self, container: Container) -> None:
        """The PLEG: a container died; its pod worker syncs at the next relist."""
        worker = self.workers.get(container.pod_uid)
        if worker is not None and self.running:
            worker.container_exited(container)

    def _node_labels_match(self, selector: dict[str, Any]) -> bool:
        """The selector against the Node's labels as the API has them (the built-in ones and any a user added):
        the labels it registered with first, then, when they do not match, a fresh GET of its Node (Go's kubelet
        reads a watched copy)."""
        labels = self._registration_labels()
        if all(labels.get(k) == v for k, v in selector.items()):
            return True
        try:
            labels = (self.client.get("nodes", "", self.node).get("metadata") or {}).get("labels") or {}
        except ApiError:
            return False
        return all(labels.get(k) == v for k, v in selector.items())

    def admit(self, worker: PodWorker) -> tuple[str, str] | None:
        """Node-level admission (lifecycle/predicate.go): the pod must fit what is left of allocatable."""
        if self.memory_pressure and qos_class(worker.spec) == "BestEffort":
            return "Evicted", "The node had condition: [MemoryPressure]. "
        selector = worker.spec.get("nodeSelector") or {}
        if selector and not self._node_labels_match(selector):
            return (
                "NodeAffinity",
                "Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector",
            )
        cpu_total, mem_total = self.allocatable()
        admitted = [w for w in self.workers.values() if w is not worker and w.admitted and not w.terminal]
        used_cpu = sum(pod_requests(w.spec)[0] for w in admitted)
        used_mem = sum(pod_requests(w.spec)[1] for w in admitted)
        cpu, mem = pod_requests(worker.spec)
        if len(admitted) + 1 > self.spec.pods:
            return "OutOfpods", (
                "Node didn't have enough resource: pods, requested: 1, "
                f"used: {len(admitted)}, capacity: {self.spec.pods}"
            )
        if used_cpu + cpu > cpu_total:
            return "OutOfcpu", (
                f"Node didn't have enough resource: cpu, requested: {cpu}, used: {used_cpu}, capacity: {cpu_total}"
            )
        if used_mem + mem > mem_total:
            return "OutOfmemory", (
                f"Node didn't have enough resource: memory, requested: {mem}, used: {used_mem}, capacity: {mem_total}"
            )
        return None

    # -- node-pressure eviction ------------------------------------------------------------------------------------
    def exhaust_memory(self) -> None:
        """Something outside the pods eats the node's memory: MemoryPressure, then evictions one pod at a time.

        Simplification: victims are BestEffort pods, then Burstable ones, by memory use; the pressure
        lasts until none is left and clears 5 minutes later (evictionPressureTransitionPeriod).
        """
        if not self.memory_pressure:
            self.memory_pressure = True
            self.trace.emit(
                NodeActivity(node=self.node, what="memory pressure", detail="memory.available < 100Mi")
            )
            self._post_status(force=True)
            self._evict_one()

    def _evict_one(self) -> None:
        if not self.running or not self.memory_pressure:
            return
        candidates = [
            w
            for w in self.workers.values()
            if w.admitted and not w.terminating and qos_class(w.spec) != "Guaranteed"
        ]
        if not candidates:
            self._timers.add(
                self.clock.call_later(
                    PRESSURE_TRANSITION_SECONDS, self._pressure_over, label=f"kubelet {self.node} pressure"
                )
            )
            return
        rank = {"BestEffort": 0, "Burstable": 1}
        victim = min(candidates, key=lambda w: (rank[qos_class(w.spec)], -_memory_use(w), w.key))
        use = _memory_use(victim) // 1024
        biggest = max(
            (s for s in victim.slots if s.current is not None),
            key=lambda s: s.current.program.memory if s.current else 0,
            default=None,
        )
        request = (
            ((biggest.spec.get("resources") or {}).get("requests") or {}).get("memory", "0")
            if biggest is not None
            else "0"
        )
        message = "The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. " + (
            f"Container {biggest.name} was using {use}Ki, request is {request}, has larger consumption of memory. "
            if biggest is not None
            else ""
        )
        self.trace.emit(NodeActivity(node=self.node, pod=victim.key, what="evicting", detail=message.strip()))
        victim.evict(message)
        self._timers.add(
            self.clock.call_later(
                EVICTION_INTERVAL_SECONDS, self._evict_one, label=f"kubelet {self.node} eviction"
            )
        )

    def _pressure_over(self) -> None:
        self.memory_pressure = False
        self.trace.emit(
            NodeActivity(node=self.node, what="memory pressure over", detail="memory.available recovered")
        )
        self._post_status(force=True)

    # -- what others ask of the node -------------------------------------------------------------------------------
    def find(self, namespace: str, name: str) -> PodWorker | None:
        uid = self._by_key.get(f"{namespace}/{name}")
        return self.workers.get(uid) if uid is not None else None

    def kill_container(self, namespace: str, name: str, container: str,
                       announce: Callable[[], object] | None = None) -> None:
        worker = self.find(namespace, name)
        if worker is None:
            raise ValueError(f'pod "{namespace}/{name}" is not running on {self.node}')
        victims = [
            s.current
            for s in worker.slots
            if s.current is not None and s.current.running and (not container or s.name == container)
        ]
        if not victims:
            raise ValueError(f'no running container {container!r} in pod "{namespace}/{name}"')
        if announce is not None:
            announce()
        for victim in victims:
            self.trace.emit(
                NodeActivity(
                    node=self.node,
                    pod=worker.key,
                    container=victim.name,
                    what="killed",
                    detail="by SIGKILL (exit code 137 = 128 + 9)",
                )
            )
            self.runtime.kill_container(victim)

    def logs(self, namespace: str, name: str, container: str, previous: bool, tail_lines: int | None) -> str:
        """GET /containerLogs on the kubelet's port: the log of the container instance validateContainerLogStatus
        picks, or its last ``tail_lines`` lines."""
        instance = self._log_instance(namespace, name, container, previous)
        text = instance.log_text(self.clock.now) if instance is not None else ""
        return last_lines(text, tail_lines) if tail_lines is not None and tail_lines >= 0 else text

    def read_log(self, namespace: str, name: str, container: str, cursor: object) -> tuple[str, LogCursor] | None:
        """``kubectl logs -f``: what the container wrote after ``cursor`` (None: from the start) and where that
        leaves the reader; None when the instance is another one now (it restarted: the stream ends) or gone."""
        try:
            instance = self._log_instance(namespace, name, container, False)
        except ApiError:
            return None
        if instance is None or (isinstance(cursor, LogCursor) and cursor.container_id != instance.id):
            return None
        return instance.read_log(cursor if isinstance(cursor, LogCursor) else None, self.clock.now)

    def _log_instance(self, namespace: str, name: str, container: str, previous: bool) -> Container | None:
        """The container instance validateContainerLogStatus picks (None: its records are gone)."""
        if not self.reachable:
            raise ApiError(
                500,
                "InternalError",
                f'Get "https://{self.node_ip}:10250/containerLogs/{namespace}/{name}/{container}": '
                f"dial tcp {self.node_ip}:10250: i/o timeout",
            )
        worker = self.find(namespace, name)
        slot = worker.slot(container) if worker is not None else None
        if worker is None or slot is None:
            raise errors.bad_request(f'container "{container}" in pod "{name}" is not available')
        status = worker.container_status(slot)
        state, last = status["state"], status.get("lastState") or {}
        target = ""
        if previous:
            target = (last.get("terminated") or {}).get("containerID", "")
            if not target:
                raise errors.bad_request(
                    f'previous terminated container "{container}" in pod "{name}" not found'
                )
        elif "running" in state:
            target = status.get("containerID", "")
        elif "terminated" in state:
            target = state["terminated"].get("containerID", "")
        elif "terminated" in last:
            target = last["terminated"].get("containerID", "")
        else:
            reason = state.get("waiting", {}).get("reason", "")
            why = {
                "ErrImagePull": "image can't be pulled",
                "ImagePullBackOff": "trying and failing to pull image",
            }
            raise errors.bad_request(
                f'container "{container}" in pod "{name}" is waiting to start: {why.get(reason, reason)}'
            )
        return self.runtime.containers.get(target)

    def event(self, worker: PodWorker, etype: str, reason: str, message: str) -> None:
        if not self.reachable or not self.running:
            return  # Simplification: events that cannot be sent are dropped, not queued
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": worker.name, "namespace": worker.namespace, "uid": worker.uid},
        }
        self.recorder.event(pod, etype, reason, message)

    def resource_metrics(self) -> NodeStats:
        """GET /metrics/resource: the node's and each running container's CPU and memory, read now."""
        return stats.resource_metrics(self.node, self.runtime, list(self.workers.values()), self.clock.now)

    def summary(self) -> dict[str, Any]:
        """A cheap picture of the node for the UI: its pods, their containers, its image cache."""
        now = self.clock.now
        pods = []
        for worker in sorted(self.workers.values(), key=lambda w: w.key):
            containers = []
            for slot in worker.slots:
                current = slot.current
                state = "waiting" if current is None else ("running" if current.running else "terminated")
                reason = (slot.waiting or ("", ""))[0] if current is None or not current.running else ""
                containers.append(
                    {
                        "name": slot.name,
                        "init": slot.init,
                        "state": state,
                        "reason": reason
                        or (current.reason if current is not None and not current.running else ""),
                        "ready": slot.ready,
                        "restarts": current.attempt if current is not None else 0,
                        "memory": current.program.memory if current is not None and current.running else 0,
                        "started_at": current.started_at if current is not None else None,
                        "uptime": now - (current.started_at or now)
                        if current is not None and current.running
                        else 0.0,
                    }
                )
            pods.append(
                {
                    "pod": worker.key,
                    "uid": worker.uid,
                    "ip": worker.pod_ip,
                    "phase": worker.phase,
                    "terminating": worker.terminating,
                    "containers": containers,
                }
            )
        images = self.runtime.image_list()
        return {
            "node": self.node,
            "ip": self.node_ip,
            "pod_cidr": self.pod_cidr,
            "pods": pods,
            "images": images,
            "memory_pressure": self.memory_pressure,
        }


# The event each condition's new status records (pkg/kubelet/nodestatus/setters.go).
_CONDITION_EVENTS = {
    ("MemoryPressure", "False"): "NodeHasSufficientMemory",
    ("MemoryPressure", "True"): "NodeHasInsufficientMemory",
    ("DiskPressure", "False"): "NodeHasNoDiskPressure",
    ("DiskPressure", "True"): "NodeHasDiskPressure",
    ("PIDPressure", "False"): "NodeHasSufficientPID",
    ("PIDPressure", "True"): "NodeHasInsufficientPID",
    ("Ready", "True"): "NodeReady",
    ("Ready", "False"): "NodeNotReady",
}


def _memory_use(worker: PodWorker) -> int:
    return sum(s.current.program.memory for s in worker.slots if s.current is not None and s.current.running)


def _without_heartbeats(status: dict[str, Any]) -> Any:
    return (
        [{k: v for k, v in c.items() if k != "lastHeartbeatTime"} for c in status.get("conditions", [])],
        status.get("images"),
        status.get("allocatable"),
    )
