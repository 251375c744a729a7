"""A simulated worker machine: a container runtime, a kubelet and a kube-proxy on one host.

The machine is the physical world: it can lose power, lose its network, or run out of memory.
The control plane learns about any of it only through the API, as in a real cluster: a dead
machine simply stops renewing its Lease and posting status.
"""

from __future__ import annotations

import contextlib
import ipaddress
import random
from collections.abc import Callable
from typing import Any

from kubetui.api.stats import NodeStats
from kubetui.apiserver.errors import ApiError
from kubetui.client.client import Client
from kubetui.node import dns
from kubetui.node.exec_programs import PodView
from kubetui.node.exec_session import ExecError, Session
from kubetui.node.kubelet import Kubelet, node_address, node_index, pod_network_prefix
from kubetui.node.link import LinkedClient, NetworkLink
from kubetui.node.network import NodeNetwork, PodNetwork, Reply
from kubetui.node.pod_worker import PodWorker, Slot
from kubetui.node.proxy import KubeProxy
from kubetui.node.runtime import Container, ContainerRuntime
from kubetui.node.spec import NodeSpec
from kubetui.sim.clock import Clock
from kubetui.sim.trace import NodeActivity, TraceBus

SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/12")  # ClusterIPs: virtual addresses only kube-proxy's rules know


class Machine:
    def __init__(
        self,
        spec: NodeSpec,
        client_for: Callable[[str], Client],
        clock: Clock,
        trace: TraceBus,
        rng: random.Random,
        network: PodNetwork,
        node_network: NodeNetwork | None = None,
    ) -> None:
        self.spec = spec
        self.name = spec.name
        self.client_for = client_for
        self.clock = clock
        self.trace = trace
        self.rng = rng
        self.state = "Off"  # Running | Dead | Partitioned (Off before the first start)
        self.link = NetworkLink()
        self.boots = 0
        self._server = client_for(
            f"kubelet/{spec.name}"
        ).server  # the API server reaches the kubelet for logs
        index = node_index(spec.name)
        self.node_ip = node_address(index)
        self.network = network
        self.node_network = node_network or NodeNetwork()
        self.runtime = ContainerRuntime(spec.name, pod_network_prefix(index), clock, trace, self.network)
        self.runtime.cpu_capacity = spec.cpu_millis / 1000
        self.runtime.route = self._route
        self.runtime.ask = self._run_in
        self.kubelet = self._new_kubelet()
        self.proxy = self._new_proxy()

    def _new_kubelet(self) -> Kubelet:
        client = LinkedClient(self.client_for(f"kubelet/{self.name}"), self.link)
        return Kubelet(self.spec, client, self.clock, self.trace, self.runtime, self.boots, self.rng)

    def _new_proxy(self) -> KubeProxy:
        client = LinkedClient(self.client_for(f"kube-proxy/{self.name}"), self.link)
        return KubeProxy(self.name, client, self.trace, self.rng, self.node_ip, self.network)

    @property
    def powered(self) -> bool:
        """On (running or partitioned): its kubelet, runtime and kube-proxy are alive."""
        return self.state not in ("Dead", "Off")

    def start(self) -> None:
        self.state = "Running"
        self.runtime.power_on()
        self.kubelet.start()
        self._server.kubelets[self.name] = self.kubelet.logs
        self._server.log_readers[self.name] = self.kubelet.read_log
        self._server.streaming[self.name] = self.exec
        self._server.forwarding[self.name] = self.port_forward
        self.node_network.attach(self.node_ip, self._resource_metrics, self._node_ports)
        self.proxy.start()

    def kill(self) -> None:
        """Power off: every container dies, heartbeats stop, the kubelet's port goes dark."""
        if not self.powered:
            return
        self.state = "Dead"
        self.runtime.power_off()
        self.kubelet.stop()
        self.proxy.stop()
        if self._server.kubelets.get(self.name) == self.kubelet.logs:
            del self._server.kubelets[self.name]
        if self._server.log_readers.get(self.name) == self.kubelet.read_log:
            del self._server.log_readers[self.name]
        if self._server.streaming.get(self.name) == self.exec:
            del self._server.streaming[self.name]
        if self._server.forwarding.get(self.name) == self.port_forward:
            del self._server.forwarding[self.name]
        self.node_network.detach(self.node_ip, self._resource_metrics)
        self.trace.emit(
            NodeActivity(node=self.name, what="powered off", detail="kubelet and containers stopped")
        )

    def revive(self) -> None:
        """Power on again: a fresh kubelet re-registers and restarts the pods still bound here."""
        if self.state == "Partitioned":
            self.heal()
            return
        if self.state != "Dead":
            return
        self.boots += 1
        self.link.up = True
        self.kubelet = self._new_kubelet()
        self.proxy = self._new_proxy()
        self.trace.emit(NodeActivity(node=self.name, what="powered on", detail=f"boot {self.boots + 1}"))
        self.start()

    def partition(self) -> None:
        """Cut the network to the API server: containers keep running, status and leases stop arriving."""
        if self.state != "Running":
            return
        self.state = "Partitioned"
        self.link.up = False
        self.kubelet.network_cut()
        self.proxy.stop()

    def heal(self) -> None:
        if self.state != "Partitioned":
            return
        self.state = "Running"
        self.link.up = True
        self.trace.emit(NodeActivity(node=self.name, what="network healed", detail="API server reachable"))
        self.kubelet.network_restored()
        self.proxy.start()

    def _route(self, target: str, port: int, namespace: str) -> tuple[str, list[tuple[str, int, float]] | None] | None:
        """How a request loop's connections leave this machine: through whichever kube-proxy runs here now."""
        return self.proxy.shares(target, port, namespace)

    def _resource_metrics(self) -> NodeStats | None:
        """The kubelet's port 10250 as the node network sees it: silent while the machine is partitioned."""
        return self.kubelet.resource_metrics() if self.state == "Running" else None

    def exhaust_memory(self) -> None:
        if self.state in ("Running", "Partitioned"):
            self.kubelet.exhaust_memory()

    def shutdown(self) -> None:
        """Decommission: power off for good and delete the Node object (what an administrator does)."""
        self.kill()
        with contextlib.suppress(ApiError):
            self.client_for("kubectl").delete("nodes", "", self.name)

    def has_pod(self, namespace: str, name: str) -> bool:
        if not self.powered:
            return False
        worker = self.kubelet.find(namespace, name)
        return worker is not None and not worker.gone

    def exec(self, namespace: str, name: str, container: str, command: list[str], attach: bool,
             stdin: bool) -> Session:
        """The kubelet's /exec and /attach (its streaming server): a session in the running container."""
        if self.state != "Running":
            raise ApiError(500, "InternalError", f"error dialing backend: dial tcp {self.node_ip}:10250: i/o timeout")
        worker = self.kubelet.find(namespace, name)
        slot = worker.slot(container) if worker is not None else None
        instance = slot.current if slot is not None else None
        if worker is None or slot is None or instance is None or not instance.running:
            raise ExecError(f'container not found ("{container}")')
        what = "attach" if attach else "exec"
        self.trace.emit(NodeActivity(node=self.name, pod=f"{namespace}/{name}", container=container, what=what,
                                     detail=" ".join(command) if not attach else "to PID 1"))
        return self._session(worker, slot, instance, command, attach=attach, stdin=stdin)

    def _run_in(self, instance: Container, command: list[str]) -> tuple[int, str]:
        """The exit status of ``command`` run in the container now and what it printed, with the programs an exec
        has (what it writes stays): a loop's condition asked before each pass (``until nslookup myservice``), a
        postStart hook."""
        namespace, _, name = instance.pod.partition("/")
        worker = self.kubelet.find(namespace, name)
        slot = worker.slot(instance.name) if worker is not None else None
        if worker is None or slot is None or not instance.running:
            return 1, ""
        try:
            return self._session(worker, slot, instance, command).run_now()
        except ExecError:  # the image has no such program: the script's shell says so
            return 127, f"sh: {command[0]}: not found\n"

    def _session(self, worker: PodWorker, slot: Slot, instance: Container, command: list[str],
                 attach: bool = False, stdin: bool = False) -> Session:
        """A process in the running container ``instance`` of ``worker``'s pod, with what it sees of the pod and
        the cluster (its files, the cluster DNS, the pod network through this node's kube-proxy rules)."""
        namespace, name = worker.namespace, worker.name
        spec, pod_ip = worker.spec, worker.pod_ip

        def connect(ip: str, port: int, path: str, agent: str) -> Reply:
            """A connection from the pod: to a ClusterIP through this node's kube-proxy rules, else straight."""
            if ipaddress.ip_address(ip) in SERVICE_CIDR:
                result = self.proxy.send(ip, port, namespace, path, agent, source=pod_ip)
                if result.rule is None:  # a virtual IP no rule knows: the packet goes nowhere
                    return Reply(None, f"dial tcp {ip}:{port}: i/o timeout")
                return result.reply
            reply = self.node_network.node_port(ip, port, path, agent, pod_ip)  # <node IP>:<NodePort>
            if reply is not None:
                return reply
            reply = self.network.send(ip, port, path, pod_ip, agent)
            if reply.code is None and "timeout" in reply.error and self.node_network.is_machine(ip):
                return Reply(None, f"dial tcp {ip}:{port}: connect: connection refused")  # no NodePort, no listener
            return reply

        words = [str(w) for w in [*(slot.spec.get("command") or ()), *(slot.spec.get("args") or ())]]
        # The sandbox's DNS config (the kubelet built it at RunPodSandbox): its resolv.conf and its resolver.
        config = worker.sandbox.dns if worker.sandbox is not None else dns.pod_dns(spec, namespace)
        view = PodView(
            namespace=namespace,
            pod=name,
            pod_ip=pod_ip,
            node=self.name,
            hostname=worker.hostname,
            subdomain=str(spec.get("subdomain") or ""),
            resolver=dns.Resolver(self.client_for("coredns"), namespace, config),
            connect=connect,
            pingable=lambda ip: self.network.host(ip) is not None,
            working_dir=str(slot.spec.get("workingDir") or "/"),
            main_command=" ".join(words),
            stdin_once=bool(slot.spec.get("stdinOnce")),
            share_processes=bool(spec.get("shareProcessNamespace")),
        )
        return Session(view, instance, self.runtime, self.clock, command, attach=attach, stdin=stdin)

    def _node_ports(self, port: int, path: str, agent: str, source: str) -> Reply | None:
        """A connection to this machine's address: its kube-proxy's NodePort rules (KUBE-NODEPORTS), if one has
        the port."""
        if not any(rule.node_port == port for rules in self.proxy.rules.values() for rule in rules):
            return None
        return self.proxy.send(self.node_ip, port, "default", path, agent, source=source).reply

    def port_forward(self, namespace: str, name: str, port: int, path: str, agent: str) -> Reply:
        """The kubelet's /portforward: one connection to localhost:<port> in the pod's network namespace (what
        containerd's netns dial does), an HTTP GET of ``path`` on it; an empty path only connects."""
        if self.state != "Running":
            return Reply(None, f"error dialing backend: dial tcp {self.node_ip}:10250: i/o timeout")
        worker = self.kubelet.find(namespace, name)
        if worker is None or not worker.sandbox_ready or not worker.pod_ip:
            return Reply(None, f'failed to find sandbox for pod "{name}"')
        reply = self.network.send(worker.pod_ip, port, path, "127.0.0.1", agent)
        if reply.code is None:
            uid = str((worker.pod.get("metadata") or {}).get("uid", ""))
            return Reply(None, f"error forwarding port {port} to pod {uid}, uid : failed to connect to "
                               f"localhost:{port} inside the pod's network namespace, IPv4: dial tcp4 "
                               f"127.0.0.1:{port}: connect: connection refused", reply.pod)
        self.trace.emit(NodeActivity(node=self.name, pod=f"{namespace}/{name}", what="port-forward",
                                     detail=f":{port} GET {path} → {reply.code}" if path and reply.code
                                     else f":{port} connected"))
        return reply

    def kill_container(self, namespace: str, pod: str, container: str,
                       announce: Callable[[], object] | None = None) -> None:
        """SIGKILL a pod's container(s); ``announce`` runs once the target is known to exist, before the kill."""
        if not self.powered:
            raise ValueError(f"node {self.name} is powered off")
        self.kubelet.kill_container(namespace, pod, container, announce)

    def summary(self) -> dict[str, Any]:
        """What is on this machine right now: its state, pods, containers and image cache (for the UI)."""
        if not self.powered:
            images = self.runtime.image_list()
            return {
                "node": self.name,
                "state": self.state,
                "ip": self.node_ip,
                "pods": [],
                "images": images,
                "memory_pressure": False,
                "service_ports": 0,
            }
        summary = self.kubelet.summary()
        summary["state"] = self.state
        summary["service_ports"] = sum(len(r) for r in self.proxy.rules.values())
        return summary
