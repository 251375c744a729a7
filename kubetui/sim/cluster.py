"""Cluster assembly: one clock, one RNG, one trace bus, the store, the API server and every component.

This is the only place that knows all components; after wiring them, it steps back. They find
each other only through the API server, as in a real cluster.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from kubetui.addons import coredns
from kubetui.api.storage import DEFAULT_STORAGE_CLASS
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.server import APIServer
from kubetui.client.client import Client
from kubetui.node.dns import NAMESERVER
from kubetui.node.exec_session import ExecError
from kubetui.node.network import NodeNetwork, PodNetwork
from kubetui.node.spec import NodeSpec, default_nodes
from kubetui.sim.clock import Clock
from kubetui.sim.trace import Chaos, TraceBus
from kubetui.store.mvcc import Store

if TYPE_CHECKING:
    from kubetui.controllers.manager import ControllerManager
    from kubetui.metrics.server import MetricsServer
    from kubetui.node.machine import Machine
    from kubetui.scheduler.scheduler import Scheduler

COMPACTION_INTERVAL = 300.0  # the API server compacts etcd every 5 minutes
GC_FIRST_THRESHOLD = 50_000
GC_SECOND_THRESHOLD = 100
MAX_TRAFFIC_REQUESTS = 10_000
READER_IDENTITY = "kubetui"  # who reads when tests, headless summaries and tools look at the cluster


def _collect_garbage_less_often() -> None:
    """The engine makes and drops decoded objects fast while informer caches hold many long-lived ones.

    With CPython's default (a collection every 700 allocations) the collector rescans that growing
    heap all the time: a third of a 10,000-pod run. Reference counting frees almost everything here;
    cycles are rare, so collecting less often changes nothing but the time. The middle generation
    waits for 100 young passes, not 20: in a 10,000-pod run its 3 passes and the full pass they
    brought on took ~3 s and freed 5 objects. Never lowers a setting.
    """
    first, second, third = gc.get_threshold()
    gc.set_threshold(max(first, GC_FIRST_THRESHOLD), max(second, GC_SECOND_THRESHOLD), third)


def describe_traffic(result: dict[str, Any]) -> str:
    """One line for a :meth:`Cluster.traffic` result: where the connections landed."""
    landed = [f"{pod.rpartition('/')[2]} {n}" for pod, n in result["answered"].items()]
    landed += [f"{reason}: {n}" for reason, n in result["failed"].items()]
    return (f"{result['count']} requests to {result['service']}:{result['port']} from {result['node']}: "
            + ", ".join(landed))


class Cluster:
    def __init__(
        self,
        seed: int = 0,
        nodes: Iterable[NodeSpec] | None = None,
        *,
        scheduler: bool = True,
        controllers: bool = True,
        metrics_server: bool = True,
        dns: bool = True,
        trace_history: int = 20_000,
        hashing: bool = True,
    ) -> None:
        _collect_garbage_less_often()
        self.seed = seed
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.trace = TraceBus(lambda: self.clock.now, history=trace_history, hashing=hashing)
        self.store = Store(self.clock, self.trace)
        self.api = APIServer(self.clock, self.store, self.trace, self.rng)
        self.api.bootstrap()
        # What kind's installer applies after the control plane is up: the default StorageClass, ``standard``.
        self.api.create("kind", "storageclasses", "", deep_copy(DEFAULT_STORAGE_CLASS))
        if dns and controllers and scheduler:  # kubeadm's addon phase: CoreDNS (it needs the control loops to run)
            for resource, obj in coredns.objects(NAMESERVER):
                self.api.create("kubeadm", resource, coredns.NAMESPACE, obj)
        self.machines: dict[str, Machine] = {}
        self.network = PodNetwork()  # the flat pod network every machine's runtime and kube-proxy plug into
        self.api.pod_network = self.network  # the API server's proxy subresource dials pods over it
        self.node_network = NodeNetwork()  # the machines' addresses: metrics-server scrapes kubelets over it
        self.scheduler: Scheduler | None = None
        self.controller_manager: ControllerManager | None = None
        self.metrics_server: MetricsServer | None = None
        self._compaction_mark = 0
        from kubetui.sim.inputs import Inputs

        self.inputs = Inputs(self)  # the funnel for keys, manifest syncs and clock controls (recordable)
        self.clock.call_later(COMPACTION_INTERVAL, self._compact, label="etcd compaction")
        if controllers:
            from kubetui.controllers.manager import ControllerManager

            self.controller_manager = ControllerManager(self.client, self.trace, self.rng)
            self.controller_manager.start()
        if scheduler:
            from kubetui.scheduler.scheduler import Scheduler

            self.scheduler = Scheduler(self.client("kube-scheduler"), self.rng, self.trace)
            self.scheduler.start()
        if metrics_server:
            from kubetui.metrics.api import GROUP, RESOURCES
            from kubetui.metrics.scraper import IDENTITY
            from kubetui.metrics.server import MetricsServer

            self.metrics_server = MetricsServer(self.client(IDENTITY), self.node_network, self.trace)
            self.metrics_server.start()
            # What the add-on's APIService v1beta1.metrics.k8s.io does: the group's requests go to metrics-server.
            self.api.register_apiservice(GROUP, tuple(r.plural for r in RESOURCES), self.metrics_server.api)
        for spec in default_nodes() if nodes is None else nodes:
            self.add_node(spec)

    # -- wiring ---------------------------------------------------------------------------------
    def client(self, identity: str) -> Client:
        return Client(self.api, identity)

    def add_node(self, spec: NodeSpec) -> Machine:
        """Power on a simulated machine; its kubelet registers the Node through the API."""
        from kubetui.node.machine import Machine

        if spec.name in self.machines:
            self.machines[spec.name].shutdown()
        machine = Machine(spec, self.client, self.clock, self.trace, self.rng, self.network, self.node_network)
        self.machines[spec.name] = machine
        machine.start()
        return machine

    def remove_node(self, name: str) -> None:
        """Shut a machine down for good and deregister its Node (the node is being decommissioned)."""
        machine = self.machines.pop(name, None)
        if machine is not None:
            machine.shutdown()
            self.trace.emit(Chaos(action="remove-node", target=name))

    def _compact(self) -> None:
        mark = self._compaction_mark
        self._compaction_mark = self.store.revision
        if mark:
            self.store.compact(mark)
        self.clock.call_later(COMPACTION_INTERVAL, self._compact, label="etcd compaction")

    # -- faults (what the keys and the chaos endpoint do) ----------------------------------------
    def chaos(self, action: str, node: str = "", namespace: str = "", pod: str = "", container: str = "") -> str:
        """Inject a fault. Returns a one-line description; raises ValueError for an unknown target."""
        if action == "kill-container":
            machine = self._machine_running(namespace, pod)
            target = f"{namespace}/{pod}/{container}" if container else f"{namespace}/{pod}"
            # the fault's line comes before its effects' (the kubelet's "killed", the runtime's "exited")
            machine.kill_container(namespace, pod, container, lambda: self.trace.emit(Chaos(action=action,
                                                                                            target=target)))
            return f"killed container {target}"
        target_machine = self.machines.get(node)
        if target_machine is None:
            raise ValueError(f'node "{node}" not found')
        machine = target_machine
        actions: dict[str, Callable[[], None]] = {
            "kill-node": machine.kill,
            "revive-node": machine.revive,
            "partition-node": machine.partition,
            "heal-node": machine.heal,
            "exhaust-memory": machine.exhaust_memory,
        }
        if action not in actions:
            raise ValueError(f"unknown chaos action {action!r}; try one of: {', '.join([*actions, 'kill-container'])}")
        self.trace.emit(Chaos(action=action, target=node))  # before its effects, which follow it in the panes
        actions[action]()
        return f"{action} {node}"

    def exec(self, pod: str, command: list[str], namespace: str = "default", container: str = "") -> str:
        """``kubectl exec <pod> -- <command>`` (through the API server and the pod's kubelet): what it printed, and
        its exit code when not 0. Raises ValueError for a pod or container it cannot reach."""
        try:
            session = self.api.stream("kubectl", "exec", namespace, pod, container or None, command, False)
            code, output = session.run_now()
        except ExecError as err:
            raise ValueError(str(err)) from err
        except (ArithmeticError, LookupError, TypeError, RecursionError) as err:  # a bug in the simulated programs
            raise ValueError(f"Internal error occurred: {type(err).__name__}: {err}") from err
        return output + (f"command terminated with exit code {code}\n" if code else "")

    def traffic(
        self, service: str, namespace: str = "default", port: int | None = None, count: int = 10, node: str = ""
    ) -> dict[str, Any]:
        """Send ``count`` simulated connections to a Service from one node, through that node's kube-proxy rules.

        Like ``curl http://web`` from a pod on ``node``: each connection takes the KUBE-SVC -> KUBE-SEP
        jump its random draw picks, so the counts show load balancing, and only ready pods answer.
        Raises ValueError for a node that is not running or a Service port that does not exist.
        """
        if count < 1 or count > MAX_TRAFFIC_REQUESTS:
            raise ValueError(f"count must be between 1 and {MAX_TRAFFIC_REQUESTS}")
        running = sorted(name for name, m in self.machines.items() if m.powered)
        source = node or (running[0] if running else "")
        machine = self.machines.get(source)
        if machine is None:
            raise ValueError(f'node "{source}" not found' if source else "no node is running")
        if not machine.powered:
            raise ValueError(f"node {source} is powered off")
        ports = [r.port for r in machine.proxy.rules.get(f"{namespace}/{service}", ())]
        if not ports:
            raise ValueError(f'service "{namespace}/{service}" has no ports in the rules of node {source}')
        chosen_port = port if port is not None else ports[0]
        if chosen_port not in ports:
            raise ValueError(f'service "{namespace}/{service}" has no port {chosen_port}')
        answered: dict[str, int] = {}
        failed: dict[str, int] = {}
        for _ in range(count):
            result = machine.proxy.send(service, chosen_port, namespace)
            if result.reply.ok and result.pod:
                answered[result.pod] = answered.get(result.pod, 0) + 1
            else:
                reason = result.reply.error or f"HTTP {result.reply.code}"
                failed[reason] = failed.get(reason, 0) + 1
        return {"service": f"{namespace}/{service}", "port": chosen_port, "node": source, "count": count,
                "answered": dict(sorted(answered.items())), "failed": dict(sorted(failed.items()))}

    def _machine_running(self, namespace: str, pod: str) -> Machine:
        for machine in self.machines.values():
            if machine.has_pod(namespace, pod):
                return machine
        raise ValueError(f'pod "{namespace}/{pod}" is not running on any node')

    # -- driving (fast clock) ---------------------------------------------------------------------
    def run_for(self, seconds: float) -> None:
        self.clock.run_for(seconds)

    def run_until(self, predicate: Callable[[], bool], timeout: float = 600.0) -> bool:
        return self.clock.run_until(predicate, timeout)

    # -- reading (for tests and tools; components use their own clients) --------------------------
    def objects(self, resource: str, namespace: str | None = None, selector: str | None = None) -> list[dict[str, Any]]:
        return list(self.api.list(READER_IDENTITY, resource, namespace, selector)["items"])

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        from kubetui.apiserver.errors import ApiError

        try:
            return self.api.get(READER_IDENTITY, resource, namespace, name)
        except ApiError:
            return None
