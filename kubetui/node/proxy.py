"""kube-proxy in iptables mode: Services and their endpoints become NAT rules, and requests follow them.

For each Service port (pkg/proxy/iptables/proxier.go, syncProxyRules):

* ``KUBE-SERVICES`` matches the ClusterIP and port and jumps to ``KUBE-SVC-<hash>``;
  ``KUBE-NODEPORTS`` matches a NodePort and jumps there through ``KUBE-EXT-<hash>``;
* ``KUBE-SVC-<hash>`` jumps to one ``KUBE-SEP-<hash>`` per ready endpoint, the i-th with
  ``--probability 1/(n-i)`` so each of the n endpoints gets 1/n of new connections;
* ``KUBE-SEP-<hash>`` DNATs to the pod's IP and port;
* a port without endpoints gets a REJECT rule in the filter table instead.

Chain names hash the service port name (``namespace/name:port``) and protocol with SHA-256 and keep
16 base32 characters (portProtoHash, servicePortEndpointChainName). Endpoints come from
EndpointSlices (label ``kubernetes.io/service-name``), or from the core Endpoints object when a
Service has no slices. Only ready endpoints take traffic; when none is ready, serving-and-terminating
ones do (ProxyTerminatingEndpoints, GA in 1.28).
Simplification: externalTrafficPolicy/internalTrafficPolicy Local and session affinity are
treated as Cluster and None.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from typing import Any

from kubetui.client.client import Client
from kubetui.client.informer import Informer
from kubetui.node.dns import is_ip
from kubetui.node.network import PodNetwork, Reply
from kubetui.sim.trace import NodeActivity, TraceBus

CLUSTER_CIDR = "10.244.0.0/16"
CLIENT_AGENT = "curl/8.5.0"


def port_proto_hash(service_port_name: str, protocol: str) -> str:
    digest = hashlib.sha256((service_port_name + protocol).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def endpoint_chain_hash(service_port_name: str, protocol: str, endpoint: str) -> str:
    digest = hashlib.sha256((service_port_name + protocol + endpoint).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


def iptables_probability(n: int) -> str:
    """``--probability`` as iptables-save prints it: kube-proxy writes 1/n with 10 decimals
    (computeProbability), the kernel keeps it as a fraction of 2^31, iptables prints 11 decimals."""
    written = float(f"{1.0 / n:.10f}")
    return f"{round(written * 2**31) / 2**31:.11f}"


@dataclass(frozen=True)
class Endpoint:
    ip: str
    port: int
    pod: str  # namespace/name of the target pod, or the IP when the endpoint has no targetRef
    node: str

    @property
    def address(self) -> str:
        return f"{self.ip}:{self.port}"


@dataclass(frozen=True)
class ServicePortRule:
    namespace: str
    service: str
    port_name: str
    protocol: str
    cluster_ip: str
    port: int
    node_port: int | None
    endpoints: tuple[Endpoint, ...]

    @property
    def service_port_name(self) -> str:
        """ServicePortName.String(): ``namespace/name`` plus ``:port`` when the port has a name."""
        base = f"{self.namespace}/{self.service}"
        return f"{base}:{self.port_name}" if self.port_name else base

    @property
    def proto(self) -> str:
        return self.protocol.lower()

    @property
    def svc_chain(self) -> str:
        return "KUBE-SVC-" + port_proto_hash(self.service_port_name, self.proto)

    @property
    def ext_chain(self) -> str:
        return "KUBE-EXT-" + port_proto_hash(self.service_port_name, self.proto)

    def sep_chain(self, endpoint: Endpoint) -> str:
        return "KUBE-SEP-" + endpoint_chain_hash(self.service_port_name, self.proto, endpoint.address)

    def probabilities(self) -> list[float]:
        """The chance each jump is taken when reached: 1/n, 1/(n-1) ... 1."""
        n = len(self.endpoints)
        return [1.0 / (n - i) for i in range(n)]


@dataclass(frozen=True)
class RouteResult:
    """One simulated connection: which rules it went through and what answered."""

    rule: ServicePortRule | None
    endpoint: Endpoint | None
    reply: Reply

    @property
    def pod(self) -> str | None:
        return self.endpoint.pod if self.endpoint is not None else None


class KubeProxy:
    def __init__(
        self,
        node: str,
        client: Client,
        trace: TraceBus,
        rng: random.Random,
        node_ip: str,
        network: PodNetwork,
    ) -> None:
        self.node = node
        self.client = client
        self.trace = trace
        self.rng = rng
        self.node_ip = node_ip
        self.network = network
        self.services = Informer(client, "services")
        self.slices = Informer(client, "endpointslices")
        self.endpoints = Informer(client, "endpoints")
        self.slices.add_index("service", lambda s: [_slice_service(s)])
        self.rules: dict[str, tuple[ServicePortRule, ...]] = {}  # namespace/name -> its ports' rules
        self.syncs = 0
        self._dirty: set[str] = set()
        self._sync_scheduled = False
        self.services.add_handlers(
            self._service_changed, lambda _o, n: self._service_changed(n), self._service_changed
        )
        self.slices.add_handlers(
            self._slice_changed, lambda _o, n: self._slice_changed(n), self._slice_changed
        )
        self.endpoints.add_handlers(
            self._service_changed, lambda _o, n: self._service_changed(n), self._service_changed
        )

    def _informers(self) -> tuple[Informer, ...]:
        return (self.services, self.slices, self.endpoints)

    def start(self) -> None:
        for informer in self._informers():
            informer.start()

    def stop(self) -> None:
        """Stop watching. The rules already programmed stay, as iptables rules outlive their writer."""
        for informer in self._informers():
            informer.stop()

    # -- watching ------------------------------------------------------------------------------------------------
    def _service_changed(self, obj: dict[str, Any]) -> None:
        meta = obj.get("metadata") or {}
        self._mark(f"{meta.get('namespace', '')}/{meta.get('name', '')}")

    def _slice_changed(self, obj: dict[str, Any]) -> None:
        self._mark(_slice_service(obj))

    def _mark(self, key: str) -> None:
        self._dirty.add(key)
        if not self._sync_scheduled:
            self._sync_scheduled = True
            self.client.clock.call_soon(self.sync_rules, label=f"kube-proxy {self.node}")

    def sync_rules(self) -> None:
        """syncProxyRules for the Services that changed since the last sync."""
        self._sync_scheduled = False
        dirty, self._dirty = sorted(self._dirty), set()
        changed = False
        for key in dirty:
            rules = self._rules_for(key)
            if rules != self.rules.get(key, ()):
                changed = True
                if rules:
                    self.rules[key] = rules
                else:
                    self.rules.pop(key, None)
        if changed:
            self.network.load.rules_changed(self.node, self.client.clock.now)
            self.syncs += 1
            ports = sum(len(r) for r in self.rules.values())
            endpoints = sum(len(p.endpoints) for r in self.rules.values() for p in r)
            self.trace.emit(
                NodeActivity(
                    node=self.node,
                    component="kube-proxy",
                    what="rules synced",
                    detail=f"{ports} service ports, {endpoints} endpoints",
                )
            )

    def _rules_for(self, key: str) -> tuple[ServicePortRule, ...]:
        namespace, _, name = key.partition("/")
        svc = self.services.get(namespace, name)
        if svc is None:
            return ()
        spec = svc.get("spec") or {}
        cluster_ip = spec.get("clusterIP")
        if not cluster_ip or cluster_ip == "None" or spec.get("type") == "ExternalName":
            return ()
        slices = self.slices.by_index("service", key)
        rules = []
        for port in spec.get("ports") or []:
            port_name = str(port.get("name") or "")
            protocol = str(port.get("protocol") or "TCP")
            if slices:
                endpoints = _from_slices(slices, port_name, protocol, namespace)
            else:
                endpoints = _from_endpoints(self.endpoints.get(namespace, name), port_name, namespace)
            node_port = port.get("nodePort") if spec.get("type") in ("NodePort", "LoadBalancer") else None
            rules.append(
                ServicePortRule(
                    namespace,
                    name,
                    port_name,
                    protocol,
                    cluster_ip,
                    int(port.get("port", 0)),
                    int(node_port) if node_port else None,
                    endpoints,
                )
            )
        return tuple(rules)

    # -- reading the rules -----------------------------------------------------------------------------------------
    def all_rules(self) -> list[ServicePortRule]:
        if self._dirty:
            self.sync_rules()
        return [rule for key in sorted(self.rules) for rule in self.rules[key]]

    def table(self) -> list[dict[str, Any]]:
        """The rules as data, for a pane: one row per service port with its chains and endpoints."""
        rows = []
        for rule in self.all_rules():
            probabilities = rule.probabilities()
            rows.append(
                {
                    "service": f"{rule.namespace}/{rule.service}",
                    "port_name": rule.port_name,
                    "protocol": rule.protocol,
                    "cluster_ip": rule.cluster_ip,
                    "port": rule.port,
                    "node_port": rule.node_port,
                    "chain": rule.svc_chain,
                    "endpoints": [
                        {
                            "ip": ep.ip,
                            "port": ep.port,
                            "pod": ep.pod,
                            "node": ep.node,
                            "chain": rule.sep_chain(ep),
                            "probability": probabilities[i],
                        }
                        for i, ep in enumerate(rule.endpoints)
                    ],
                }
            )
        return rows

    def iptables_save(self) -> str:
        """The filter and nat tables as ``iptables-save`` prints them on this node."""
        rules = self.all_rules()
        lines = [
            f"# Generated by iptables-save v1.8.10 on {self.node} (kubetui)",
            "*filter",
            ":KUBE-SERVICES - [0:0]",
        ]
        for rule in rules:
            if not rule.endpoints:
                lines.append(
                    f"-A KUBE-SERVICES -d {rule.cluster_ip}/32 -p {rule.proto} -m comment --comment "
                    f'"{rule.service_port_name} has no endpoints" -m {rule.proto} --dport {rule.port} '
                    "-j REJECT --reject-with icmp-port-unreachable"
                )
        lines += ["COMMIT", "*nat"]
        lines += [
            f":{chain} - [0:0]"
            for chain in ("KUBE-SERVICES", "KUBE-NODEPORTS", "KUBE-MARK-MASQ", "KUBE-POSTROUTING")
        ]
        with_endpoints = [r for r in rules if r.endpoints]
        for rule in with_endpoints:
            lines.append(f":{rule.svc_chain} - [0:0]")
            if rule.node_port:
                lines.append(f":{rule.ext_chain} - [0:0]")
            lines += [f":{rule.sep_chain(ep)} - [0:0]" for ep in rule.endpoints]
        lines.append("-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000")
        for rule in with_endpoints:
            name, proto = rule.service_port_name, rule.proto
            lines.append(
                f'-A KUBE-SERVICES -d {rule.cluster_ip}/32 -p {proto} -m comment --comment "{name} cluster IP" '
                f"-m {proto} --dport {rule.port} -j {rule.svc_chain}"
            )
            if rule.node_port:
                lines.append(
                    f'-A KUBE-NODEPORTS -p {proto} -m comment --comment "{name}" -m {proto} '
                    f"--dport {rule.node_port} -j {rule.ext_chain}"
                )
                lines.append(
                    f'-A {rule.ext_chain} -m comment --comment "masquerade traffic for {name} external '
                    'destinations" -j KUBE-MARK-MASQ'
                )
                lines.append(f"-A {rule.ext_chain} -j {rule.svc_chain}")
            lines.append(
                f"-A {rule.svc_chain} ! -s {CLUSTER_CIDR} -d {rule.cluster_ip}/32 -p {proto} -m comment "
                f'--comment "{name} cluster IP" -m {proto} --dport {rule.port} -j KUBE-MARK-MASQ'
            )
            n = len(rule.endpoints)
            for i, ep in enumerate(rule.endpoints):
                statistic = (
                    f"-m statistic --mode random --probability {iptables_probability(n - i)} "
                    if i < n - 1
                    else ""
                )
                lines.append(
                    f'-A {rule.svc_chain} -m comment --comment "{name} -> {ep.address}" {statistic}'
                    f"-j {rule.sep_chain(ep)}"
                )
            for ep in rule.endpoints:
                lines.append(
                    f'-A {rule.sep_chain(ep)} -s {ep.ip}/32 -m comment --comment "{name}" -j KUBE-MARK-MASQ'
                )
                lines.append(
                    f'-A {rule.sep_chain(ep)} -p {proto} -m comment --comment "{name}" -m {proto} '
                    f"-j DNAT --to-destination {ep.address}"
                )
        lines.append(
            '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last '
            'rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS'
        )
        lines.append("COMMIT")
        return "\n".join(lines) + "\n"

    # -- traffic ------------------------------------------------------------------------------------------------
    def _find(self, target: str, port: int, namespace: str) -> ServicePortRule | None:
        rules = self.all_rules()
        if is_ip(target):
            by_node_port = target in (self.node_ip, "127.0.0.1")
            return next(
                (
                    r
                    for r in rules
                    if (r.node_port == port if by_node_port else r.cluster_ip == target and r.port == port)
                ),
                None,
            )
        ns, _, name = target.rpartition("/")
        key = f"{ns or namespace}/{name}"
        return next((r for r in self.rules.get(key, ()) if r.port == port), None)

    def shares(
        self, target: str, port: int, namespace: str
    ) -> tuple[str, list[tuple[str, int, float]] | None] | None:
        """The Service port's ClusterIP and where this node's rules send connections to it, with each endpoint's
        expected share (1/n: the statistic matches' product; [] for a Service without endpoints, None for a port the
        Service named ``target`` does not have); None for an address no rule matches.
        Reads the rules as programmed, without syncing (a steady request loop sees the kernel's current rules)."""
        if is_ip(target):
            rule = next(
                (r for rules in self.rules.values() for r in rules if r.cluster_ip == target and r.port == port), None
            )
        else:
            rule = next((r for r in self.rules.get(target, ()) if r.port == port), None)
            if rule is None and self.rules.get(target):  # the Service, on a port it does not have: no rule, no answer
                return self.rules[target][0].cluster_ip, None
        if rule is None:
            return None
        n = len(rule.endpoints)
        return rule.cluster_ip, [(ep.ip, ep.port, 1.0 / n) for ep in rule.endpoints]

    def send(
        self, target: str, port: int, namespace: str = "default", path: str = "/", agent: str = CLIENT_AGENT,
        source: str = "",
    ) -> RouteResult:
        """One connection from this node to a Service (by ClusterIP, name or ``namespace/name``, or a NodePort on
        this node's IP), through the rules: a random number picks the KUBE-SEP jump, as the statistic match does."""
        rule = self._find(target, port, namespace)
        if rule is None or not rule.endpoints:
            error = "connect: connection refused" if rule is not None else "no such service port"
            self.trace.emit(
                NodeActivity(
                    node=self.node,
                    component="kube-proxy",
                    what="request rejected",
                    detail=f"{target}:{port} {error}",
                )
            )
            return RouteResult(rule, None, Reply(None, f"dial tcp {target}:{port}: {error}"))
        chosen = rule.endpoints[-1]
        for endpoint, probability in zip(rule.endpoints, rule.probabilities(), strict=True):
            if self.rng.random() < probability:
                chosen = endpoint
                break
        reply = self.network.send(chosen.ip, chosen.port, path, source or self.node_ip, agent)
        outcome = (
            (f"HTTP {reply.code}" if reply.code else "connected") if reply.code is not None else reply.error
        )
        self.trace.emit(
            NodeActivity(
                node=self.node,
                component="kube-proxy",
                pod=chosen.pod,
                what="request",
                detail=f"{rule.cluster_ip}:{rule.port} -> {rule.svc_chain} -> {rule.sep_chain(chosen)} -> "
                f"{chosen.address}: {outcome}",
            )
        )
        return RouteResult(rule, chosen, reply)


def _slice_service(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata") or {}
    return f"{meta.get('namespace', '')}/{(meta.get('labels') or {}).get('kubernetes.io/service-name', '')}"


def _pick(ready: list[Endpoint], terminating: list[Endpoint]) -> tuple[Endpoint, ...]:
    chosen = ready or terminating
    return tuple(sorted(set(chosen), key=lambda e: e.address))


def _from_slices(
    slices: list[dict[str, Any]], port_name: str, protocol: str, namespace: str
) -> tuple[Endpoint, ...]:
    ready: list[Endpoint] = []
    terminating: list[Endpoint] = []
    for slice_ in slices:
        target = next(
            (
                p.get("port")
                for p in slice_.get("ports") or []
                if str(p.get("name") or "") == port_name and str(p.get("protocol") or "TCP") == protocol
            ),
            None,
        )
        if not isinstance(target, int):
            continue
        for ep in slice_.get("endpoints") or []:
            conditions = ep.get("conditions") or {}
            ref = ep.get("targetRef") or {}
            for address in ep.get("addresses") or []:
                endpoint = Endpoint(
                    str(address),
                    target,
                    f"{ref.get('namespace', namespace)}/{ref['name']}" if ref.get("name") else str(address),
                    str(ep.get("nodeName", "")),
                )
                if conditions.get("ready") is not False:
                    ready.append(endpoint)
                elif conditions.get("serving") and conditions.get("terminating"):
                    terminating.append(endpoint)
    return _pick(ready, terminating)


def _from_endpoints(obj: dict[str, Any] | None, port_name: str, namespace: str) -> tuple[Endpoint, ...]:
    """The core v1 Endpoints object, for a Service without EndpointSlices."""
    ready: list[Endpoint] = []
    for subset in (obj or {}).get("subsets") or []:
        target = next(
            (p.get("port") for p in subset.get("ports") or [] if str(p.get("name") or "") == port_name), None
        )
        if not isinstance(target, int):
            continue
        for address in subset.get("addresses") or []:
            ref = address.get("targetRef") or {}
            pod = (
                f"{ref.get('namespace', namespace)}/{ref['name']}"
                if ref.get("name")
                else str(address.get("ip"))
            )
            ready.append(Endpoint(str(address.get("ip")), target, pod, str(address.get("nodeName", ""))))
    return _pick(ready, [])
