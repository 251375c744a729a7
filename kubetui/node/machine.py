"""A simulated worker machine: one kubelet (with its container runtime) and one kube-proxy.

The machine is the physical world: it can lose power, lose its network, or run out of memory.
The control plane learns about any of it only through the API — missing heartbeats, stale
status — exactly as in a real cluster.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable

from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.node.kubelet import Kubelet
from kubetui.node.proxy import KubeProxy
from kubetui.node.spec import NodeSpec
from kubetui.sim.clock import Clock
from kubetui.sim.trace import NodeActivity, TraceBus


class Machine:
    def __init__(
        self, spec: NodeSpec, client_for: Callable[[str], Client], clock: Clock, trace: TraceBus, rng: random.Random
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.client_for = client_for
        self.clock = clock
        self.trace = trace
        self.rng = rng
        self.state = "Off"
        self.kubelet = Kubelet(spec, client_for(f"kubelet/{spec.name}"), clock, trace, rng)
        self.proxy = KubeProxy(spec.name, client_for(f"kube-proxy/{spec.name}"), trace, rng)

    def start(self, rebooted: bool = False) -> None:
        self.state = "Running"
        self.kubelet.start(rebooted=rebooted)
        self.proxy.start()

    def kill(self) -> None:
        """Power off: heartbeats stop, every container stops, the kubelet's port goes dark."""
        if self.state == "Dead":
            return
        self.state = "Dead"
        self.kubelet.stop()
        self.proxy.stop()
        self.trace.emit(NodeActivity(node=self.name, what="powered off", detail="kubelet and containers stopped"))

    def revive(self) -> None:
        """Power on again: a fresh kubelet process re-registers and restarts the pods still bound here."""
        if self.state == "Running":
            return
        if self.state == "Partitioned":
            self.heal()
            return
        self.kubelet = Kubelet(self.spec, self.client_for(f"kubelet/{self.name}"), self.clock, self.trace, self.rng)
        self.proxy = KubeProxy(self.name, self.client_for(f"kube-proxy/{self.name}"), self.trace, self.rng)
        self.trace.emit(NodeActivity(node=self.name, what="powered on", detail="kubelet starting"))
        self.start(rebooted=True)

    def partition(self) -> None:
        """Cut the network to the API server: containers keep running, status goes stale."""
        if self.state != "Running":
            return
        self.state = "Partitioned"
        self.kubelet.set_reachable(False)
        self.trace.emit(NodeActivity(node=self.name, what="partitioned", detail="cannot reach the API server"))

    def heal(self) -> None:
        if self.state != "Partitioned":
            return
        self.state = "Running"
        self.kubelet.set_reachable(True)
        self.trace.emit(NodeActivity(node=self.name, what="network healed", detail="API server reachable"))

    def exhaust_memory(self) -> None:
        if self.state == "Running":
            self.kubelet.evict_for_memory()

    def shutdown(self) -> None:
        """Decommission: power off for good and remove the Node object (what an administrator does)."""
        self.kill()
        with contextlib.suppress(ApiError):
            self.client_for("kubectl").delete("nodes", "", self.name)

    def has_pod(self, namespace: str, name: str) -> bool:
        return self.state != "Dead" and self.kubelet.find(namespace, name) is not None

    def kill_container(self, namespace: str, pod: str, container: str) -> None:
        if self.state == "Dead":
            raise ValueError(f"node {self.name} is powered off")
        self.kubelet.kill_container(namespace, pod, container)
