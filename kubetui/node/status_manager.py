"""The kubelet's status manager (pkg/kubelet/status/status_manager.go): writes pod status, then deletes finished pods.

Writes are coalesced: however many things change at one instant, a pod gets one write. A write
starts from the kubelet's informer cache and, on a 409 Conflict, reads the pod afresh and tries
again. Conditions other components own (PodScheduled, DisruptionTarget ...) and status fields the
kubelet does not own are kept. Once a pod that is being deleted has no running container left, its
final status is written and the pod object is deleted with grace period 0 and a UID precondition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.client.informer import Informer
from kubetui.node.status import merge_conditions
from kubetui.sim.clock import Clock

if TYPE_CHECKING:
    from kubetui.node.pod_worker import PodWorker

KUBELET_STATUS_FIELDS = frozenset(
    {
        "phase",
        "conditions",
        "message",
        "reason",
        "hostIP",
        "hostIPs",
        "podIP",
        "podIPs",
        "startTime",
        "initContainerStatuses",
        "containerStatuses",
        "qosClass",
    }
)


class StatusManager:
    def __init__(self, client: Client, clock: Clock, pods: Informer) -> None:
        self.client = client
        self.clock = clock
        self.pods = pods  # the kubelet's pod informer: the cache a write starts from
        self._pending: set[str] = set()
        self.writes = 0

    def request(self, worker: PodWorker) -> None:
        if worker.uid in self._pending:
            return
        self._pending.add(worker.uid)
        self.clock.call_soon(self._sync, worker, label=f"status {worker.key}")

    def _sync(self, worker: PodWorker) -> None:
        self._pending.discard(worker.uid)
        if worker.gone or not worker.kubelet.running:
            return
        cached = self.pods.get(worker.namespace, worker.name)
        for attempt in range(3):
            pod = cached if attempt == 0 and cached is not None else self._fetch(worker)
            if pod is None or pod["metadata"].get("uid") != worker.uid:
                return
            outcome = self._write(worker, pod)
            if outcome != "conflict":
                break
        if outcome in ("written", "unchanged") and worker.terminal and worker.deleting:
            self._delete(worker)

    def _fetch(self, worker: PodWorker) -> dict[str, Any] | None:
        try:
            return self.client.get("pods", worker.namespace, worker.name)
        except ApiError:
            return None

    def _write(self, worker: PodWorker, pod: dict[str, Any]) -> str:
        existing: dict[str, Any] = pod.get("status") or {}
        old_conditions = list(existing.get("conditions") or [])
        ours = worker.build_status(old_conditions)
        mine = ours.pop("conditions", [])
        conditions = merge_conditions(old_conditions, mine, self.clock.now) if mine else old_conditions
        status = {k: v for k, v in existing.items() if k not in KUBELET_STATUS_FIELDS}
        status.update(ours)
        status["conditions"] = conditions
        if existing.get("phase") in ("Succeeded", "Failed") and status["phase"] != existing["phase"]:
            return "unchanged"  # a terminal phase is final (status_manager.go checks every transition)
        if status == existing:
            return "unchanged"
        body = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": pod["metadata"],
            "spec": pod["spec"],
            "status": status,
        }
        try:
            self.client.update_status("pods", body)
        except ApiError as err:
            return "conflict" if err.code == 409 else "failed"
        self.writes += 1
        return "written"

    def _delete(self, worker: PodWorker) -> None:
        try:
            self.client.delete(
                "pods",
                worker.namespace,
                worker.name,
                grace_period_seconds=0,
                preconditions={"uid": worker.uid},
            )
        except ApiError:
            return
