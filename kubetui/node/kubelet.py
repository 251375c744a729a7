"""The kubelet: registers its Node, heartbeats through a Lease and NodeStatus, and runs the pods bound to it.

It is a client of the API server like any other (identity ``kubelet/<node>``): it watches pods
with ``spec.nodeName=<node>``, writes their status, and deletes them once their containers have
stopped. Defaults are Kubernetes': Lease renewed every 10 s (leaseDurationSeconds 40), NodeStatus
posted when it changes and at least every 5 minutes (nodeStatusReportFrequency).
"""

from __future__ import annotations

import random
import re
import zlib
from typing import TYPE_CHECKING, Any

from kubetui.api.meta import micro_timestamp, timestamp
from kubetui.api.podrequests import pod_requests
from kubetui.apiserver.admission import qos_class
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.client.events import EventRecorder
from kubetui.client.informer import Informer
from kubetui.node.containers import ContainerRun
from kubetui.node.pod_worker import PodWorker
from kubetui.node.spec import NodeSpec
from kubetui.sim.clock import Clock, Timer
from kubetui.sim.trace import NodeActivity, TraceBus

if TYPE_CHECKING:
    pass

LEASE_RENEW_SECONDS = 10.0
LEASE_DURATION_SECONDS = 40
STATUS_UPDATE_SECONDS = 10.0  # nodeStatusUpdateFrequency
STATUS_REPORT_SECONDS = 300.0  # nodeStatusReportFrequency
SYSTEM_RESERVED_CPU_MILLIS = 100  # Simplification: a fixed reserve instead of kube-reserved/system-reserved config
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


class Kubelet:
    def __init__(self, spec: NodeSpec, client: Client, clock: Clock, trace: TraceBus, rng: random.Random) -> None:
        self.spec = spec
        self.node = spec.name
        self.client = client
        self.clock = clock
        self.trace = trace
        self.rng = rng
        index = node_index(spec.name)
        self.node_ip = node_address(index)
        self._ip_prefix = pod_network_prefix(index)
        self.pod_cidr = f"{self._ip_prefix}0/24"
        self._ips: dict[str, str] = {}
        self.recorder = EventRecorder(client, "kubelet", spec.name)
        self.workers: dict[str, PodWorker] = {}  # by pod uid
        self.images: dict[str, int] = {}  # image -> size in bytes: the node's image cache
        self.images_changed = False
        self.reachable = True
        self.running = False
        self.memory_pressure = False
        self._timers: list[Timer] = []
        self._sync_pending: set[str] = set()
        self._last_status: dict[str, Any] | None = None
        self._last_report = -1e9
        self._lease: dict[str, Any] | None = None
        self.pods = Informer(client, "pods", field_selector=f"spec.nodeName={spec.name}")
        self.pods.add_handlers(self._on_pod, lambda _old, new: self._on_pod(new), self._on_pod_deleted)

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self, rebooted: bool = False) -> None:
        self.running = True
        self.rebooted = rebooted
        self._register()
        self.client.server.kubelets[self.node] = self.logs
        self.pods.start()
        self._renew_lease()
        self._timers.append(
            self.clock.call_later(STATUS_UPDATE_SECONDS, self._status_loop, label=f"kubelet {self.node}")
        )

    def stop(self) -> None:
        """The machine lost power: nothing runs, nothing is written, the log endpoint is gone."""
        self.running = False
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        for worker in self.workers.values():
            worker.cancel_all()
        self.workers.clear()
        self.pods.stop()
        if self.client.server.kubelets.get(self.node) == self.logs:
            del self.client.server.kubelets[self.node]

    def set_reachable(self, reachable: bool) -> None:
        """A network partition: containers keep running, but no request reaches the API server."""
        was = self.reachable
        self.reachable = reachable
        if reachable and not was:
            self.pods.stop()
            self.pods = Informer(self.client, "pods", field_selector=f"spec.nodeName={self.node}")
            self.pods.add_handlers(self._on_pod, lambda _old, new: self._on_pod(new), self._on_pod_deleted)
            self.pods.start()
            self._renew_lease()
            self._post_status(force=True)
            for worker in list(self.workers.values()):
                self.request_status_sync(worker)

    # -- registration and heartbeats ---------------------------------------------------------------
    def _node_object(self) -> dict[str, Any]:
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
        node_spec: dict[str, Any] = {"podCIDR": self.pod_cidr, "podCIDRs": [self.pod_cidr]}
        if spec.taints:
            node_spec["taints"] = [dict(t) for t in spec.taints]
        if spec.unschedulable:
            node_spec["unschedulable"] = True
        return {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": spec.name, "labels": labels},
            "spec": node_spec,
            "status": self._node_status(),
        }

    def _node_status(self) -> dict[str, Any]:
        spec = self.spec
        now = timestamp(self.clock.now)
        alloc_cpu = max(0, spec.cpu_millis - SYSTEM_RESERVED_CPU_MILLIS)
        alloc_mem = max(0, spec.memory_bytes - SYSTEM_RESERVED_MEMORY)
        pressure = "True" if self.memory_pressure else "False"
        previous = {c["type"]: c for c in (self._last_status or {}).get("conditions", [])}

        def condition(ctype: str, status: str, reason: str, message: str) -> dict[str, Any]:
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

        return {
            "capacity": {"cpu": spec.cpu, "memory": spec.memory, "pods": str(spec.pods), "ephemeral-storage": "100Gi"},
            "allocatable": {
                "cpu": f"{alloc_cpu}m",
                "memory": f"{alloc_mem // 2**20}Mi",
                "pods": str(spec.pods),
                "ephemeral-storage": "95Gi",
            },
            "conditions": [
                condition(
                    "MemoryPressure",
                    pressure,
                    "KubeletHasInsufficientMemory" if self.memory_pressure else "KubeletHasSufficientMemory",
                    "kubelet has insufficient memory available"
                    if self.memory_pressure
                    else "kubelet has sufficient memory available",
                ),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [{"type": "InternalIP", "address": self.node_ip}, {"type": "Hostname", "address": spec.name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": f"{zlib.crc32(spec.name.encode()):08x}",
                "systemUUID": f"{zlib.crc32(spec.name.encode()):08x}",
                "bootID": f"{self.rng.getrandbits(32):08x}",
                "kernelVersion": "6.8.0-kubetui",
                "osImage": "kubetui simulated node",
                "containerRuntimeVersion": "containerd://1.7.22 (simulated)",
                "kubeletVersion": KUBELET_VERSION,
                "kubeProxyVersion": KUBELET_VERSION,
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
            "images": [{"names": [name], "sizeBytes": size} for name, size in sorted(self.images.items())],
        }

    def _register(self) -> None:
        node = self._node_object()
        try:
            self.client.create("nodes", node)
            self.trace.emit(
                NodeActivity(node=self.node, what="registered", detail=f"{self.spec.cpu} CPU, {self.spec.memory}")
            )
        except ApiError as err:
            if err.code != 409:
                raise
            self._post_status(force=True)
        self._last_status = node["status"]
        self._last_report = self.clock.now

    def _renew_lease(self) -> None:
        if not self.running:
            return
        self._timers.append(self.clock.call_later(LEASE_RENEW_SECONDS, self._renew_lease, label=f"lease {self.node}"))
        if not self.reachable:
            return
        now = micro_timestamp(self.clock.now)
        try:
            # Like the kubelet's lease controller: update the lease it last wrote; read it only on a conflict.
            lease = self._lease or self.client.get("leases", "kube-node-lease", self.node)
            lease = deep_copy(lease)
            lease["spec"]["renewTime"] = now
            self._lease = self.client.update("leases", lease)
        except ApiError as err:
            self._lease = None
            if err.code != 404:
                return
            self._lease = self.client.create(
                "leases",
                {
                    "apiVersion": "coordination.k8s.io/v1",
                    "kind": "Lease",
                    "metadata": {"name": self.node, "namespace": "kube-node-lease"},
                    "spec": {
                        "holderIdentity": self.node,
                        "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                        "renewTime": now,
                    },
                },
                "kube-node-lease",
            )
        self.trace.emit(NodeActivity(node=self.node, what="heartbeat", detail="lease renewed"))

    def _status_loop(self) -> None:
        if not self.running:
            return
        self._timers.append(
            self.clock.call_later(STATUS_UPDATE_SECONDS, self._status_loop, label=f"kubelet {self.node}")
        )
        if self.reachable:
            self._post_status()

    def _post_status(self, force: bool = False) -> None:
        status = self._node_status()
        changed = self._last_status is None or _without_heartbeats(status) != _without_heartbeats(self._last_status)
        if not (force or changed or self.clock.now - self._last_report >= STATUS_REPORT_SECONDS):
            return
        try:
            node = deep_copy(self.client.get("nodes", "", self.node))
            node["status"] = status
            self.client.update_status("nodes", node)
        except ApiError:
            return
        self._last_status = status
        self._last_report = self.clock.now
        self.images_changed = False

    # -- pods ------------------------------------------------------------------------------------------
    def _on_pod(self, pod: dict[str, Any]) -> None:
        if not self.reachable or not self.running:
            return
        uid = pod["metadata"].get("uid", "")
        worker = self.workers.get(uid)
        deleting = pod["metadata"].get("deletionTimestamp")
        if worker is None:
            if pod.get("status", {}).get("phase") in ("Succeeded", "Failed") and not deleting:
                return  # finished before this kubelet started: nothing to run
            worker = PodWorker(self, pod, restarted_node=getattr(self, "rebooted", False))
            self.workers[uid] = worker
            if deleting:
                worker.terminating = True
                self.pod_terminated(worker)
                return
            worker.start()
            return
        if deleting and not worker.terminating:
            grace = pod["metadata"].get("deletionGracePeriodSeconds", 30)
            worker.terminate(float(grace))

    def _on_pod_deleted(self, pod: dict[str, Any]) -> None:
        worker = self.workers.pop(pod["metadata"].get("uid", ""), None)
        if worker is not None:
            worker.cancel_all()
            self._ips.pop(worker.uid, None)
            self.trace.emit(
                NodeActivity(
                    node=self.node, pod=worker.key, what="removed", detail="containers gone, pod object deleted"
                )
            )

    def admit(self, worker: PodWorker) -> tuple[str, str] | None:
        """Node-level admission: a pod that does not fit what is left of allocatable is rejected."""
        cpu_total = max(0, self.spec.cpu_millis - SYSTEM_RESERVED_CPU_MILLIS)
        mem_total = max(0, self.spec.memory_bytes - SYSTEM_RESERVED_MEMORY)
        used_cpu = used_mem = 0
        for other in self.workers.values():
            if other is worker or other.finished or other.phase in ("Failed", "Succeeded"):
                continue
            cpu, mem = _requests(other.spec)
            used_cpu += cpu
            used_mem += mem
        cpu, mem = _requests(worker.spec)
        if used_cpu + cpu > cpu_total:
            return "OutOfcpu", (
                f"Pod was rejected: Node didn't have enough resource: cpu, requested: {cpu}, "
                f"used: {used_cpu}, capacity: {cpu_total}"
            )
        if used_mem + mem > mem_total:
            return "OutOfmemory", (
                f"Pod was rejected: Node didn't have enough resource: memory, requested: {mem}, "
                f"used: {used_mem}, capacity: {mem_total}"
            )
        return None

    def allocate_ip(self, uid: str) -> str:
        if uid in self._ips:
            return self._ips[uid]
        used = set(self._ips.values())
        for host in range(2, 255):
            ip = f"{self._ip_prefix}{host}"
            if ip not in used:
                self._ips[uid] = ip
                return ip
        return ""

    def qos_of(self, worker: PodWorker) -> str:
        return qos_class(worker.spec)

    def request_status_sync(self, worker: PodWorker) -> None:
        """Coalesce status writes: one write per pod per engine step, however many changes."""
        if worker.uid in self._sync_pending:
            return
        self._sync_pending.add(worker.uid)
        self.clock.call_soon(self._sync_status, worker, label=f"kubelet {self.node} status")

    def _sync_status(self, worker: PodWorker) -> None:
        self._sync_pending.discard(worker.uid)
        if not self.running or not self.reachable or self.workers.get(worker.uid) is not worker:
            return
        for attempt in range(2):
            cached = self.pods.get(worker.namespace, worker.name) if attempt == 0 else None
            try:
                pod = cached if cached is not None else self.client.get("pods", worker.namespace, worker.name)
            except ApiError:
                return
            if pod["metadata"].get("uid") != worker.uid:
                return
            pod = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": dict(pod["metadata"]),
                "spec": pod["spec"],
                "status": worker.status(),
            }
            try:
                self.client.update_status("pods", pod)
                return
            except ApiError as err:
                if err.code != 409:
                    return

    def pod_finished(self, worker: PodWorker) -> None:
        self.trace.emit(
            NodeActivity(node=self.node, pod=worker.key, what=worker.phase, detail="all containers terminated")
        )

    def pod_terminated(self, worker: PodWorker) -> None:
        """Every container stopped: report it, then delete the pod object for good (grace period 0)."""
        self.trace.emit(NodeActivity(node=self.node, pod=worker.key, what="terminated", detail="containers stopped"))
        self.clock.call_later(0.1, self._final_delete, worker, label=f"kubelet {self.node} delete")

    def _final_delete(self, worker: PodWorker) -> None:
        if not self.running or not self.reachable:
            return
        self._sync_status(worker)
        try:
            self.client.delete(
                "pods", worker.namespace, worker.name, grace_period_seconds=0, preconditions={"uid": worker.uid}
            )
        except ApiError:
            return

    # -- faults and logs ------------------------------------------------------------------------------------
    def find(self, namespace: str, name: str) -> PodWorker | None:
        return next((w for w in self.workers.values() if w.namespace == namespace and w.name == name), None)

    def kill_container(self, namespace: str, name: str, container: str) -> None:
        worker = self.find(namespace, name)
        if worker is None:
            raise ValueError(f'pod "{namespace}/{name}" is not running on {self.node}')
        runs = [r for r in worker.all_runs() if r.state == "running" and (not container or r.name == container)]
        if not runs:
            raise ValueError(f'no running container {container!r} in pod "{namespace}/{name}"')
        for run in runs:
            worker.kill(run)

    def evict_for_memory(self) -> None:
        """Node-pressure eviction: BestEffort pods first, then Burstable (Simplification: no usage ranking)."""
        self.memory_pressure = True
        self._post_status(force=True)
        for qos in ("BestEffort", "Burstable"):
            victims = sorted(
                (w for w in self.workers.values() if not w.finished and self.qos_of(w) == qos), key=lambda w: w.key
            )
            for worker in victims:
                worker.cancel_all()
                for run in worker.all_runs():
                    if run.state == "running":
                        run.state, run.reason, run.exit_code, run.finished_at = (
                            "terminated",
                            "Error",
                            137,
                            self.clock.now,
                        )
                    run.ready = False
                worker.phase, worker.reason, worker.finished = "Failed", "Evicted", True
                worker.message = "The node was low on resource: memory. "
                self.event(worker, "Warning", "Evicted", worker.message.strip())
                worker.sync()
            if victims:
                break

    def logs(self, namespace: str, name: str, container: str, previous: bool, tail_lines: int | None) -> str:
        from kubetui.apiserver import errors

        worker = self.find(namespace, name)
        if worker is None:
            raise errors.bad_request(f'pod "{name}" is not running on node {self.node}')
        run = next((r for r in worker.all_runs() if r.name == container), None)
        if run is None:
            raise errors.bad_request(f"container {container} is not valid for pod {name}")
        if previous:
            if not run.last_state and not run.previous_logs:
                raise errors.bad_request(f'previous terminated container "{container}" in pod "{name}" not found')
            lines = run.previous_logs
        else:
            if run.state == "waiting" and not run.started_at:
                raise errors.bad_request(f'container "{container}" in pod "{name}" is waiting to start: {run.reason}')
            lines = run.logs
        if tail_lines is not None and tail_lines >= 0:
            lines = lines[-tail_lines:] if tail_lines else []
        return "".join(f"{line}\n" for line in lines)

    def append_log(self, namespace: str, name: str, line: str) -> None:
        worker = self.find(namespace, name)
        if worker is not None:
            for run in worker.containers:
                if run.state == "running":
                    run.logs.append(line)
                    del run.logs[:-1000]
                    return

    # -- events and trace --------------------------------------------------------------------------------------
    def event(
        self, worker: PodWorker, etype: str, reason: str, message: str, field: ContainerRun | None = None
    ) -> None:
        if not self.reachable:
            return
        pod = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": worker.name, "namespace": worker.namespace, "uid": worker.uid},
        }
        self.recorder.event(pod, etype, reason, message)

    def activity(self, worker: PodWorker, container: str, what: str, detail: str) -> None:
        self.trace.emit(NodeActivity(node=self.node, pod=worker.key, container=container, what=what, detail=detail))


def _requests(spec: dict[str, Any]) -> tuple[int, int]:
    totals = pod_requests(spec)
    return totals.get("cpu", 0), totals.get("memory", 0)


def _without_heartbeats(status: dict[str, Any]) -> Any:
    return (
        [{k: v for k, v in c.items() if k != "lastHeartbeatTime"} for c in status.get("conditions", [])],
        status.get("images"),
        status.get("allocatable"),
    )
