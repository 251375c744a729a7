"""Shared kit for the controller tests (no tests here): a bare cluster, hand-made kubelets and objects.

The cluster runs without scheduler, nodes or controller manager; a test starts just the
controllers it checks, and plays the kubelet and the scheduler itself through the API, as
those components would.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.meta import micro_timestamp, timestamp
from kubetui.client.informer import InformerFactory
from kubetui.controllers.base import Controller
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import Reconcile

Obj = dict[str, Any]
KUBELET_LEASE_RENEW = 10.0  # the kubelet renews its Lease every 10 s


def bare_cluster(seed: int = 0) -> Cluster:
    return Cluster(seed, nodes=[], scheduler=False, controllers=False)


def start(cluster: Cluster, *classes: type[Controller]) -> list[Controller]:
    """Start controllers the way the controller manager does: shared informers, one identity each."""
    informers = InformerFactory(cluster.client("kube-controller-manager"))
    controllers = [cls(cluster.client(cls.name), informers, cluster.trace, cluster.rng) for cls in classes]
    for controller in controllers:
        controller.setup()
    informers.start()
    cluster.clock.settle()
    return controllers


class FakeKubelet:
    """Plays a node's kubelet: registers the Node and its Lease, renews the Lease, runs pods."""

    def __init__(
        self,
        cluster: Cluster,
        name: str,
        zone: str = "zone-a",
        labels: dict[str, str] | None = None,
        taints: list[Obj] | None = None,
    ) -> None:
        self.cluster = cluster
        self.name = name
        self.client = cluster.client(f"kubelet/{name}")
        self.alive = True
        self.next_ip = 2
        self.index = sum(1 for n in cluster.objects("nodes")) + 1
        node_labels = {
            "kubernetes.io/hostname": name,
            "kubernetes.io/os": "linux",
            "beta.kubernetes.io/os": "linux",
            "topology.kubernetes.io/zone": zone,
            **(labels or {}),
        }
        now = timestamp(cluster.clock.now)
        node: Obj = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "labels": node_labels},
            "spec": {"taints": list(taints)} if taints else {},
            "status": {
                "capacity": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                "allocatable": {"cpu": "4", "memory": "8Gi", "pods": "110"},
                "conditions": [
                    self._condition(t, s, now)
                    for t, s in (
                        ("MemoryPressure", "False"),
                        ("DiskPressure", "False"),
                        ("PIDPressure", "False"),
                        ("Ready", "True"),
                    )
                ],
            },
        }
        self.client.create("nodes", node)
        self.client.create(
            "leases",
            {
                "apiVersion": "coordination.k8s.io/v1",
                "kind": "Lease",
                "metadata": {"name": name, "namespace": "kube-node-lease"},
                "spec": {
                    "holderIdentity": name,
                    "leaseDurationSeconds": 40,
                    "renewTime": micro_timestamp(cluster.clock.now),
                },
            },
        )
        cluster.clock.call_later(KUBELET_LEASE_RENEW, self._renew, label=f"fake kubelet {name} lease")

    @staticmethod
    def _condition(ctype: str, status: str, now: str) -> Obj:
        reasons = {
            "Ready": ("KubeletReady", "kubelet is posting ready status"),
            "MemoryPressure": ("KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            "DiskPressure": ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            "PIDPressure": ("KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        }
        reason, message = reasons[ctype]
        if ctype == "Ready" and status == "False":
            reason, message = "KubeletNotReady", "container runtime is down"
        return {
            "type": ctype,
            "status": status,
            "lastHeartbeatTime": now,
            "lastTransitionTime": now,
            "reason": reason,
            "message": message,
        }

    def _renew(self) -> None:
        if self.alive:
            lease = self.client.get("leases", "kube-node-lease", self.name)
            lease["spec"]["renewTime"] = micro_timestamp(self.cluster.clock.now)
            self.client.update("leases", lease)
        self.cluster.clock.call_later(
            KUBELET_LEASE_RENEW, self._renew, label=f"fake kubelet {self.name} lease"
        )

    def die(self) -> None:
        self.alive = False

    def post_ready(self, status: str = "True") -> None:
        """A node status update: every condition re-posted with a fresh heartbeat."""
        node = self.client.get("nodes", "", self.name)
        now = timestamp(self.cluster.clock.now)
        conditions = []
        for cond in node["status"]["conditions"]:
            wanted = status if cond["type"] == "Ready" else "False"
            fresh = self._condition(cond["type"], wanted, now)
            if cond.get("status") == wanted:
                fresh["lastTransitionTime"] = cond["lastTransitionTime"]
            conditions.append(fresh)
        node["status"]["conditions"] = conditions
        self.client.update_status("nodes", node)

    def revive(self) -> None:
        self.alive = True
        lease = self.client.get("leases", "kube-node-lease", self.name)
        lease["spec"]["renewTime"] = micro_timestamp(self.cluster.clock.now)
        self.client.update("leases", lease)
        self.post_ready("True")

    # -- pods ---------------------------------------------------------------------------------------
    def bind(self, namespace: str, pod: str) -> None:
        """What the scheduler would do."""
        self.cluster.client("kube-scheduler").bind(namespace, pod, self.name)

    def run(self, namespace: str, pod_name: str, ready: bool = True) -> Obj:
        """Start the pod's containers and report it Running (and Ready)."""
        pod = self.client.get("pods", namespace, pod_name)
        now = timestamp(self.cluster.clock.now)
        status = pod.setdefault("status", {})
        if not status.get("podIP"):
            ip = f"10.244.{self.index}.{self.next_ip}"
            self.next_ip += 1
            status["podIP"], status["podIPs"] = ip, [{"ip": ip}]
            status["hostIP"], status["hostIPs"] = (
                f"192.168.0.{self.index}",
                [{"ip": f"192.168.0.{self.index}"}],
            )
        status["phase"] = "Running"
        status["startTime"] = status.get("startTime") or now
        flag = "True" if ready else "False"
        status["conditions"] = [
            {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": now},
            {"type": "Initialized", "status": "True", "lastTransitionTime": now},
            {"type": "Ready", "status": flag, "lastTransitionTime": now},
            {"type": "ContainersReady", "status": flag, "lastTransitionTime": now},
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": now},
        ]
        status["containerStatuses"] = [
            {
                "name": c["name"],
                "image": c.get("image", ""),
                "ready": ready,
                "restartCount": 0,
                "started": True,
                "state": {"running": {"startedAt": now}},
            }
            for c in pod["spec"]["containers"]
        ]
        return self.client.update_status("pods", pod)

    def set_ready(self, namespace: str, pod_name: str, ready: bool) -> Obj:
        pod = self.client.get("pods", namespace, pod_name)
        now = timestamp(self.cluster.clock.now)
        for cond in pod["status"]["conditions"]:
            if cond["type"] in ("Ready", "ContainersReady"):
                cond["status"] = "True" if ready else "False"
                cond["lastTransitionTime"] = now
        for container in pod["status"].get("containerStatuses") or ():
            container["ready"] = ready
        return self.client.update_status("pods", pod)

    def finish(self, namespace: str, pod_name: str, exit_code: int = 0) -> Obj:
        """The pod's containers exited: Succeeded (0) or Failed."""
        pod = self.client.get("pods", namespace, pod_name)
        now = timestamp(self.cluster.clock.now)
        status = pod["status"]
        status["phase"] = "Succeeded" if exit_code == 0 else "Failed"
        reason = "Completed" if exit_code == 0 else "Error"
        for cond in status.get("conditions") or ():
            if cond["type"] in ("Ready", "ContainersReady"):
                cond.update(status="False", lastTransitionTime=now, reason="PodCompleted")
        status["containerStatuses"] = [
            {
                "name": c["name"],
                "image": c.get("image", ""),
                "ready": False,
                "restartCount": 0,
                "started": False,
                "state": {
                    "terminated": {
                        "exitCode": exit_code,
                        "reason": reason,
                        "startedAt": now,
                        "finishedAt": now,
                    }
                },
            }
            for c in pod["spec"]["containers"]
        ]
        return self.client.update_status("pods", pod)

    def restart_container(self, namespace: str, pod_name: str) -> Obj:
        """restartPolicy OnFailure/Always: the container failed and the kubelet restarted it in place."""
        pod = self.client.get("pods", namespace, pod_name)
        for container in pod["status"].get("containerStatuses") or ():
            container["restartCount"] = int(container.get("restartCount") or 0) + 1
        return self.client.update_status("pods", pod)

    def confirm_deletion(self, namespace: str, pod_name: str) -> None:
        """The kubelet stopped the containers of a terminating pod: the final, immediate delete."""
        self.client.delete("pods", namespace, pod_name, grace_period_seconds=0)


# --- objects ------------------------------------------------------------------------------------------
def pod(
    name: str,
    labels: dict[str, str] | None = None,
    namespace: str = "default",
    ports: list[Obj] | None = None,
    **spec: Any,
) -> Obj:
    container: Obj = {"name": "app", "image": "nginx:1.27"}
    if ports:
        container["ports"] = ports
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels or {}},
        "spec": {"containers": [container], **spec},
    }


def service(name: str, selector: dict[str, str] | None, ports: list[Obj] | None = None, **spec: Any) -> Obj:
    body: Obj = {
        "ports": ports if ports is not None else [{"name": "http", "port": 80, "targetPort": 8080}],
        **spec,
    }
    if selector is not None:
        body["selector"] = selector
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "default"},
        "spec": body,
    }


def template(labels: dict[str, str], command: list[str] | None = None, **spec: Any) -> Obj:
    container: Obj = {"name": "app", "image": "busybox:1.36" if command else "nginx:1.27"}
    if command:
        container["command"] = command
    return {"metadata": {"labels": labels}, "spec": {"containers": [container], **spec}}


def reconciles(cluster: Cluster, controller: str) -> list[Reconcile]:
    return [r for r in cluster.trace.history if isinstance(r, Reconcile) and r.controller == controller]


def events(cluster: Cluster, reason: str | None = None, name: str | None = None) -> list[Obj]:
    found = cluster.objects("events")
    return [
        e
        for e in found
        if (reason is None or e.get("reason") == reason)
        and (name is None or e["involvedObject"].get("name") == name)
    ]


def get(cluster: Cluster, resource: str, name: str, namespace: str = "default") -> Obj:
    obj = cluster.get(resource, namespace, name)
    assert obj is not None, f"{resource} {namespace}/{name} not found"
    return obj


def condition(obj: Obj, ctype: str) -> Obj | None:
    return next(
        (c for c in (obj.get("status") or {}).get("conditions") or () if c.get("type") == ctype), None
    )


def owned_pods(cluster: Cluster, owner: Obj) -> list[Obj]:
    uid = owner["metadata"]["uid"]
    return sorted(
        (
            p
            for p in cluster.objects("pods", owner["metadata"].get("namespace", "default"))
            if any(r.get("uid") == uid for r in p["metadata"].get("ownerReferences") or ())
        ),
        key=lambda p: p["metadata"]["name"],
    )
