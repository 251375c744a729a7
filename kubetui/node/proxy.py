"""kube-proxy: turns Services and EndpointSlices into the rules iptables mode would program, and routes.

Per Service port: a ``KUBE-SVC-<hash>`` chain that jumps to one ``KUBE-SEP-<hash>`` chain per
ready endpoint, the i-th with probability 1/(n-i) so that every endpoint gets 1/n of new
connections (pkg/proxy/iptables/proxier.go). Chain names hash the service port name and protocol
with SHA-256 and keep 16 base32 characters, as kube-proxy does.
"""

from __future__ import annotations

import base64
import hashlib
import random
from dataclasses import dataclass
from typing import Any

from kubetui.client.client import Client
from kubetui.client.informer import Informer
from kubetui.sim.trace import NodeActivity, TraceBus


def port_proto_hash(service_port_name: str, protocol: str) -> str:
    digest = hashlib.sha256((service_port_name + protocol).encode()).digest()
    return base64.b32encode(digest).decode()[:16]


@dataclass(frozen=True)
class Endpoint:
    ip: str
    port: int
    pod: str  # namespace/name of the target pod
    node: str


@dataclass(frozen=True)
class ServiceRule:
    namespace: str
    service: str
    port_name: str
    protocol: str
    cluster_ip: str
    port: int
    node_port: int | None
    endpoints: tuple[Endpoint, ...]

    @property
    def port_id(self) -> str:
        return f"{self.namespace}/{self.service}:{self.port_name}"

    @property
    def svc_chain(self) -> str:
        return "KUBE-SVC-" + port_proto_hash(self.port_id, self.protocol.lower())

    def sep_chain(self, endpoint: Endpoint) -> str:
        return "KUBE-SEP-" + port_proto_hash(self.port_id, self.protocol.lower() + f"{endpoint.ip}:{endpoint.port}")

    def probabilities(self) -> list[float]:
        n = len(self.endpoints)
        return [1.0 / (n - i) for i in range(n)]


class KubeProxy:
    def __init__(self, node: str, client: Client, trace: TraceBus, rng: random.Random) -> None:
        self.node = node
        self.client = client
        self.trace = trace
        self.rng = rng
        self.services = Informer(client, "services")
        self.slices = Informer(client, "endpointslices")
        self.slices.add_index(
            "service",
            lambda s: [
                f"{s['metadata'].get('namespace')}/"
                f"{(s['metadata'].get('labels') or {}).get('kubernetes.io/service-name', '')}"
            ],
        )
        self.rules: dict[tuple[str, str, int], ServiceRule] = {}
        self.dirty = True
        self.synced_rules = 0
        for informer in (self.services, self.slices):
            informer.add_handlers(self._changed, lambda _o, _n: self._changed(None), self._changed)

    def start(self) -> None:
        self.services.start()
        self.slices.start()

    def stop(self) -> None:
        self.services.stop()
        self.slices.stop()

    def _changed(self, _obj: Any) -> None:
        if not self.dirty:
            self.dirty = True
            self.client.clock.call_soon(self.sync_rules, label=f"kube-proxy {self.node}")

    def sync_rules(self) -> None:
        """Recompute every rule from the informer caches (kube-proxy's syncProxyRules)."""
        self.dirty = False
        rules: dict[tuple[str, str, int], ServiceRule] = {}
        for svc in self.services.list():
            spec = svc.get("spec", {})
            ip = spec.get("clusterIP")
            if not ip or ip == "None" or (not spec.get("selector") and svc["metadata"]["name"] != "kubernetes"):
                continue
            ns, name = svc["metadata"].get("namespace", ""), svc["metadata"]["name"]
            slices = self.slices.by_index("service", f"{ns}/{name}")
            for port in spec.get("ports") or []:
                port_name = port.get("name", "")
                endpoints: list[Endpoint] = []
                for slice_ in slices:
                    target = next(
                        (p.get("port") for p in slice_.get("ports") or [] if p.get("name", "") == port_name), None
                    )
                    if target is None:
                        continue
                    for ep in slice_.get("endpoints") or []:
                        if (ep.get("conditions") or {}).get("ready") is False:
                            continue
                        ref = ep.get("targetRef") or {}
                        for address in ep.get("addresses") or []:
                            endpoints.append(
                                Endpoint(
                                    address,
                                    int(target),
                                    f"{ref.get('namespace', ns)}/{ref.get('name', address)}",
                                    str(ep.get("nodeName", "")),
                                )
                            )
                endpoints.sort(key=lambda e: (e.ip, e.port))
                rules[(ns, name, int(port.get("port", 0)))] = ServiceRule(
                    ns,
                    name,
                    port_name,
                    port.get("protocol", "TCP"),
                    ip,
                    int(port.get("port", 0)),
                    port.get("nodePort"),
                    tuple(endpoints),
                )
        if rules != self.rules:
            self.rules = rules
            self.synced_rules += 1
            total = sum(len(r.endpoints) for r in rules.values())
            self.trace.emit(
                NodeActivity(
                    node=self.node,
                    component="kube-proxy",
                    what="rules synced",
                    detail=f"{len(rules)} service ports, {total} endpoints",
                )
            )

    def route(self, namespace: str, service: str, port: int) -> str | None:
        """Send one request to a Service through the rules: returns the chosen pod, or None (no endpoints)."""
        if self.dirty:
            self.sync_rules()
        rule = self.rules.get((namespace, service, port))
        if rule is None:
            for candidate in self.rules.values():
                if candidate.cluster_ip == service and candidate.port == port:
                    rule = candidate
                    break
        if rule is None or not rule.endpoints:
            self.trace.emit(
                NodeActivity(
                    node=self.node,
                    component="kube-proxy",
                    what="request rejected",
                    detail=f"{namespace}/{service}:{port} has no endpoints",
                )
            )
            return None
        chosen = rule.endpoints[-1]
        for endpoint, probability in zip(rule.endpoints, rule.probabilities(), strict=True):
            if self.rng.random() < probability:
                chosen = endpoint
                break
        self.trace.emit(
            NodeActivity(
                node=self.node,
                component="kube-proxy",
                pod=chosen.pod,
                what="request",
                detail=f"{rule.cluster_ip}:{rule.port} -> {chosen.ip}:{chosen.port} via {rule.svc_chain}",
            )
        )
        return chosen.pod

    def iptables_save(self) -> str:
        """The nat table as ``iptables-save`` would print it."""
        lines = ["*nat", ":KUBE-SERVICES - [0:0]", ":KUBE-NODEPORTS - [0:0]"]
        for rule in sorted(self.rules.values(), key=lambda r: (r.namespace, r.service, r.port)):
            lines.append(f":{rule.svc_chain} - [0:0]")
            lines.extend(f":{rule.sep_chain(ep)} - [0:0]" for ep in rule.endpoints)
        for rule in sorted(self.rules.values(), key=lambda r: (r.namespace, r.service, r.port)):
            comment = f'"{rule.port_id} cluster IP"'
            lines.append(
                f"-A KUBE-SERVICES -d {rule.cluster_ip}/32 -p {rule.protocol.lower()} -m comment "
                f"--comment {comment} -m {rule.protocol.lower()} --dport {rule.port} -j {rule.svc_chain}"
            )
            if rule.node_port:
                lines.append(
                    f"-A KUBE-NODEPORTS -p {rule.protocol.lower()} -m {rule.protocol.lower()} "
                    f"--dport {rule.node_port} -j {rule.svc_chain}"
                )
            for endpoint, probability in zip(rule.endpoints, rule.probabilities(), strict=True):
                jump = f"-j {rule.sep_chain(endpoint)}"
                if probability < 1.0:
                    jump = f"-m statistic --mode random --probability {probability:.11f} {jump}"
                lines.append(f"-A {rule.svc_chain} {jump}")
            for endpoint in rule.endpoints:
                lines.append(
                    f"-A {rule.sep_chain(endpoint)} -p {rule.protocol.lower()} -m {rule.protocol.lower()} "
                    f"-j DNAT --to-destination {endpoint.ip}:{endpoint.port}"
                )
        lines.append("-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS")
        lines.append("COMMIT")
        return "\n".join(lines) + "\n"
