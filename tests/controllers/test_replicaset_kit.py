"""Shared kit for the workload controller tests (no tests here): a bare cluster and a stand-in for nodes.

The cluster runs without scheduler, machines or controller manager. A test starts only the
controllers it checks; :class:`Nodes` plays the scheduler and the kubelets through the API, as
those components would: it binds new pods round-robin to its nodes, reports them Running and
Ready after ``start_seconds`` (never, for an image in ``bad_images``), and confirms the deletion
of terminating pods after ``stop_seconds``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kubetui.api.meta import timestamp
from kubetui.client.informer import Informer, InformerFactory
from kubetui.controllers.base import Controller
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import Reconcile

Obj = dict[str, Any]
BAD_IMAGE = "nginx:doesnotexist"


def bare_cluster(seed: int = 0) -> Cluster:
    return Cluster(seed, nodes=[], scheduler=False, controllers=False)


def start(cluster: Cluster, *classes: type[Controller]) -> list[Controller]:
    """Start controllers as the controller manager does: shared informers, one identity each."""
    informers = InformerFactory(cluster.client("kube-controller-manager"))
    controllers = [cls(cluster.client(cls.name), informers, cluster.trace, cluster.rng) for cls in classes]
    for controller in controllers:
        controller.setup()
    informers.start()
    cluster.clock.settle()
    return controllers


def node_object(name: str, ready: bool = True, taints: list[Obj] | None = None) -> Obj:
    return {
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name}},
        "spec": {"taints": taints} if taints else {},
        "status": {"conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                   "lastHeartbeatTime": "2026-01-01T00:00:00Z",
                                   "lastTransitionTime": "2026-01-01T00:00:00Z"}],
                   "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                   "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"}},
    }


class Nodes:
    """The scheduler and the kubelets of a few nodes, reduced to what the workload controllers observe."""

    def __init__(self, cluster: Cluster, names: tuple[str, ...] = ("node-1", "node-2", "node-3"),
                 start_seconds: float = 2.0, stop_seconds: float = 1.0,
                 bad_images: tuple[str, ...] = (BAD_IMAGE,)) -> None:
        self.cluster = cluster
        self.names = list(names)
        self.start_seconds = start_seconds
        self.stop_seconds = stop_seconds
        self.bad_images = bad_images
        self.running = True
        self._next = 0
        self._pending: set[str] = set()
        self.client = cluster.client("kubelet/fake")
        for name in names:
            self.client.create("nodes", node_object(name))
        self.pods = Informer(self.client, "pods")
        self.pods.add_handlers(self._seen, lambda _old, new: self._seen(new))
        self.pods.start()
        cluster.clock.settle()

    def _seen(self, pod: Obj) -> None:
        if not self.running:
            return
        meta, spec = pod["metadata"], pod.get("spec") or {}
        key = f"{meta.get('namespace')}/{meta['name']}"
        if meta.get("deletionTimestamp"):
            self._later(self.stop_seconds, "stop", key, self._confirm_deletion)
        elif not spec.get("nodeName") and self.names:
            self._later(0.0, "bind", key, self._bind)
        elif (pod.get("status") or {}).get("phase") == "Pending" and spec.get("nodeName") in self.names:
            self._later(self.start_seconds, "start", key, self._start)

    def _later(self, delay: float, what: str, key: str, action: Callable[[str, str], None]) -> None:
        token = f"{what} {key}"
        if token in self._pending:
            return
        self._pending.add(token)

        def run() -> None:
            self._pending.discard(token)
            namespace, _, name = key.partition("/")
            if self.running:
                action(namespace, name)

        self.cluster.clock.call_later(delay, run, label=f"fake nodes {token}")

    def _bind(self, namespace: str, name: str) -> None:
        node = self.names[self._next % len(self.names)]
        self._next += 1
        try:
            self.cluster.client("kube-scheduler").bind(namespace, name, node)
        except Exception:  # the pod went meanwhile, or was bound already
            return

    def _start(self, namespace: str, name: str) -> None:
        pod = self.cluster.get("pods", namespace, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        images = [c.get("image") for c in pod["spec"]["containers"]]
        run(self.cluster, pod, ready=not any(i in self.bad_images for i in images))

    def _confirm_deletion(self, namespace: str, name: str) -> None:
        pod = self.cluster.get("pods", namespace, name)
        if pod is not None and pod["metadata"].get("deletionTimestamp"):
            self.client.delete("pods", namespace, name, grace_period_seconds=0)


def run(cluster: Cluster, pod: Obj, ready: bool = True, restarts: int = 0) -> Obj:
    """What a kubelet reports for a started pod: Running, and Ready (or not)."""
    now = timestamp(cluster.clock.now)
    flag = "True" if ready else "False"
    pod = dict(pod)
    pod["status"] = {
        **(pod.get("status") or {}),
        "phase": "Running", "startTime": now,
        "conditions": [
            {"type": "Initialized", "status": "True", "lastTransitionTime": now},
            {"type": "Ready", "status": flag, "lastTransitionTime": now},
            {"type": "ContainersReady", "status": flag, "lastTransitionTime": now},
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": now},
        ],
        "containerStatuses": [{"name": c["name"], "image": c.get("image", ""), "ready": ready,
                               "restartCount": restarts, "started": True,
                               "state": {"running": {"startedAt": now}}}
                              for c in pod["spec"]["containers"]],
    }
    return cluster.client("kubelet/fake").update_status("pods", pod)


# --- objects ------------------------------------------------------------------------------------------
def template(labels: dict[str, str], image: str = "nginx:1.27") -> Obj:
    return {"metadata": {"labels": dict(labels)},
            "spec": {"containers": [{"name": "app", "image": image}], "terminationGracePeriodSeconds": 30}}


def replicaset(name: str, replicas: int, labels: dict[str, str] | None = None, **spec: Any) -> Obj:
    labels = labels or {"app": name}
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                     "template": template(labels), **spec}}


def deployment(name: str = "web", replicas: int = 3, image: str = "nginx:1.27", max_surge: Any = "25%",
               max_unavailable: Any = "25%", **spec: Any) -> Obj:
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "strategy": {"type": "RollingUpdate", "rollingUpdate": {
                         "maxSurge": max_surge, "maxUnavailable": max_unavailable}},
                     "template": template(labels, image), **spec}}


def pod(name: str, labels: dict[str, str], namespace: str = "default", **spec: Any) -> Obj:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": labels},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}], **spec}}


# --- reading --------------------------------------------------------------------------------------------
def active_pods(cluster: Cluster, selector: str, namespace: str = "default") -> list[Obj]:
    pods = cluster.objects("pods", namespace, selector)
    return [p for p in pods if not p["metadata"].get("deletionTimestamp")]


def ready(p: Obj) -> bool:
    conditions = p.get("status", {}).get("conditions") or ()
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)


def events(cluster: Cluster, reason: str | None = None, name: str | None = None) -> list[Obj]:
    found = sorted(cluster.objects("events"),
                   key=lambda e: (e.get("firstTimestamp", ""), e["metadata"]["name"]))
    return [e for e in found if (reason is None or e.get("reason") == reason)
            and (name is None or e["involvedObject"].get("name") == name)]


def messages(cluster: Cluster, reason: str) -> list[str]:
    return [e["message"] for e in events(cluster, reason)]


def reconciles(cluster: Cluster, controller: str) -> list[Reconcile]:
    return [r for r in cluster.trace.history if isinstance(r, Reconcile) and r.controller == controller]


def condition(obj: Obj | None, ctype: str) -> Obj:
    for cond in ((obj or {}).get("status") or {}).get("conditions") or ():
        if cond.get("type") == ctype:
            return dict(cond)
    return {}
