"""The pod garbage collector: force-delete pods nobody else will ever clean up.

Follows ``pkg/controller/podgc/gc_controller.go``. Every 20 seconds it looks at all pods and:
1. deletes the oldest finished (Succeeded/Failed) pods beyond ``--terminated-pod-gc-threshold``
   (12500), evicted ones first;
2. deletes terminating pods on a NotReady node tainted ``node.kubernetes.io/out-of-service``;
3. deletes pods bound to a node that no longer exists, after a 40-second quarantine and a live
   check that the Node is really gone (no kubelet is left to finish them);
4. deletes terminating pods that were never scheduled.

Each deletion first marks a running pod Failed (with a ``DisruptionTarget`` condition for an
orphan), then deletes it with a grace period of 0.
"""

from __future__ import annotations

import functools
from typing import Any

from kubetui.api.meta import parse_timestamp
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.podutil import index_pods
from kubetui.controllers.replicaset import plural

Obj = dict[str, Any]

GC_CHECK_PERIOD = 20.0  # gcCheckPeriod
QUARANTINE_TIME = 40.0  # quarantineTime: how long a node must be missing before its pods go
TERMINATED_POD_GC_THRESHOLD = 12500  # kube-controller-manager --terminated-pod-gc-threshold
TAINT_OUT_OF_SERVICE = "node.kubernetes.io/out-of-service"


def is_terminated(pod: Obj) -> bool:
    """isPodTerminated: not Pending, Running or Unknown."""
    return (pod.get("status") or {}).get("phase") not in ("Pending", "Running", "Unknown")


def is_evicted(pod: Obj) -> bool:
    status = pod.get("status") or {}
    return status.get("phase") == "Failed" and status.get("reason") == "Evicted"


def _evicted_then_oldest(a: Obj, b: Obj) -> int:
    """byEvictionAndCreationTimestamp: evicted pods first, then by age, then by name."""
    if is_evicted(a) != is_evicted(b):
        return -1 if is_evicted(a) else 1
    ta = parse_timestamp(a["metadata"].get("creationTimestamp")) or 0.0
    tb = parse_timestamp(b["metadata"].get("creationTimestamp")) or 0.0
    if ta != tb:
        return -1 if ta < tb else 1
    name_a, name_b = a["metadata"]["name"], b["metadata"]["name"]
    return -1 if name_a < name_b else (1 if name_a > name_b else 0)


def _node_ready(node: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (node.get("status") or {}).get("conditions") or ())


class PodGCController(Controller):
    name = "pod-garbage-collector"
    terminated_pod_threshold = TERMINATED_POD_GC_THRESHOLD

    def setup(self) -> None:
        self.pods = self.informers.informer("pods")
        index_pods(self)
        self.nodes = self.informers.informer("nodes")
        self._quarantine: dict[str, float] = {}  # node name -> when to check it (the delaying nodeQueue)
        self.clock.call_soon(self._tick, label=f"{self.name} gc")  # first pass once the informers have listed

    def _tick(self) -> None:
        self.queue.add("gc")
        self.clock.call_later(GC_CHECK_PERIOD, self._tick, label=f"{self.name} gc")

    def reconcile(self, key: str) -> None:
        """One gc pass over every pod (the Go controller runs it straight from a timer)."""
        pods = sorted(self.pods.list(), key=lambda p: (p["metadata"].get("namespace", ""),
                                                        p["metadata"]["name"]))
        actions: list[str] = []
        if self.terminated_pod_threshold > 0:
            actions += self._gc_terminated(pods)
        actions += self._gc_terminating(pods)
        actions += self._gc_orphaned(pods)
        actions += self._gc_unscheduled_terminating(pods)
        if actions:
            terminated = sum(1 for p in pods if is_terminated(p))
            self.record("PodGC", f"{plural(len(pods), 'pod')}, {terminated} finished",
                        f"at most {self.terminated_pod_threshold} finished pods, none on missing nodes",
                        "; ".join(actions))

    def _gc_terminated(self, pods: list[Obj]) -> list[str]:
        finished = [p for p in pods if is_terminated(p)]
        excess = len(finished) - self.terminated_pod_threshold
        if excess <= 0:
            return []
        victims = sorted(finished, key=functools.cmp_to_key(_evicted_then_oldest))[:excess]
        gone = [name for name in (self._mark_failed_and_delete(p, None) for p in victims) if name]
        return [f"delete {plural(len(gone), 'finished pod')} over the threshold"] if gone else []

    def _gc_terminating(self, pods: list[Obj]) -> list[str]:
        actions = []
        for pod in pods:
            if not pod["metadata"].get("deletionTimestamp"):
                continue
            node = self.nodes.get("", str((pod.get("spec") or {}).get("nodeName") or ""))
            if node is None or _node_ready(node):
                continue
            taints = (node.get("spec") or {}).get("taints") or ()
            if any(t.get("key") == TAINT_OUT_OF_SERVICE for t in taints):
                name = self._mark_failed_and_delete(pod, None)
                if name:
                    actions.append(f"force-delete {name} (node {node['metadata']['name']} is out of service)")
        return actions

    def _gc_orphaned(self, pods: list[Obj]) -> list[str]:
        existing = {n["metadata"]["name"] for n in self.nodes.list()}
        now = self.clock.now
        for pod in pods:
            node = (pod.get("spec") or {}).get("nodeName")
            if node and node not in existing:
                self._quarantine.setdefault(node, now + QUARANTINE_TIME)
        deleted_nodes = set()
        for node, ready_at in sorted(self._quarantine.items()):
            if ready_at > now:
                continue
            del self._quarantine[node]
            if node not in existing and not self._node_exists(node):
                deleted_nodes.add(node)
        actions = []
        for pod in pods:
            node = (pod.get("spec") or {}).get("nodeName")
            if node not in deleted_nodes:
                continue
            condition = {"type": "DisruptionTarget", "status": "True",
                         "lastTransitionTime": self.client.now_iso(), "reason": "DeletionByPodGC",
                         "message": "PodGC: node no longer exists"}
            name = self._mark_failed_and_delete(pod, condition)
            if name:
                actions.append(f"force-delete {name} (node {node} no longer exists)")
        return actions

    def _gc_unscheduled_terminating(self, pods: list[Obj]) -> list[str]:
        actions = []
        for pod in pods:
            if pod["metadata"].get("deletionTimestamp") and not (pod.get("spec") or {}).get("nodeName"):
                name = self._mark_failed_and_delete(pod, None)
                if name:
                    actions.append(f"force-delete {name} (terminating, never scheduled)")
        return actions

    def _node_exists(self, name: str) -> bool:
        """checkIfNodeExists: a live read, not the cache, before declaring a node gone."""
        try:
            self.client.get("nodes", "", name)
        except ApiError as err:
            # Unsure (not a 404): the node goes back to quarantine on the next pass if still missing.
            return err.code != 404
        return True

    def _mark_failed_and_delete(self, pod: Obj, condition: Obj | None) -> str:
        """markFailedAndDeletePodWithCondition: phase Failed first (no kubelet will do it), then delete now.

        Simplification: the status is written with a merge patch rather than server-side apply.
        Returns the pod's namespace/name, or "" when it could not be deleted.
        """
        meta = pod["metadata"]
        namespace, name = meta.get("namespace", ""), meta["name"]
        try:
            if (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed"):
                status: Obj = {"phase": "Failed"}
                if condition is not None:
                    others = [c for c in (pod.get("status") or {}).get("conditions") or ()
                              if c.get("type") != condition["type"]]
                    status["conditions"] = [*others, condition]
                self.client.merge_patch("pods", namespace, name, {"status": status}, subresource="status")
            self.client.delete("pods", namespace, name, grace_period_seconds=0)
        except ApiError as err:
            if err.code != 404:
                self.record(f"Pod {namespace}/{name}", "to be force-deleted", "deleted",
                            f"error: {err.message}")
            return ""
        return f"{namespace}/{name}"
