"""Cluster DNS as a pod's resolver sees it: the records CoreDNS's kubernetes plugin serves.

``web`` from a pod in ``default`` is tried as ``web.default.svc.cluster.local`` first (the search list the kubelet
writes into every pod's ``/etc/resolv.conf``, with ``ndots:5``), and names:

* ``<service>.<namespace>.svc.cluster.local``: the Service's ClusterIP; a headless Service's ready endpoints;
* ``<hostname>.<service>.<namespace>.svc.cluster.local``: the endpoint with that hostname (a StatefulSet's pod
  behind its headless Service, ``web-0.nginx``);
* ``<a-b-c-d>.<namespace>.pod.cluster.local``: the pod IP ``a.b.c.d``.

It reads Services and EndpointSlices through the API server, as CoreDNS does. A query first travels as a pod's
packets do: to the ``kube-dns`` Service's ClusterIP, through the node's kube-proxy rules, to a CoreDNS pod
(kubetui.addons.coredns); with no ready one there, it times out (kubetui.node.exec_programs).
Simplification: a query reaches a CoreDNS pod, but the answer comes from the process (of the Corefile, only log and
reload do anything); it reads at query time, not from watch caches; names outside the cluster do not resolve.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from kubetui.apiserver.errors import ApiError

CLUSTER_DOMAIN = "cluster.local"
NAMESERVER = "10.96.0.10"  # the kubelet's --cluster-dns, as kind sets it
NDOTS = 5


class Reader(Protocol):
    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any]: ...
    def list(
        self, resource: str, namespace: str | None = None, label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Answer:
    name: str  # the fully qualified name that answered
    addresses: tuple[str, ...]
    service: str = ""  # namespace/name when it is a Service's ClusterIP (kube-proxy's rules route it)


def search_list(namespace: str) -> tuple[str, ...]:
    return (f"{namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN)


def resolv_conf(namespace: str) -> str:
    """The ``/etc/resolv.conf`` the kubelet writes for a ClusterFirst pod."""
    return f"search {' '.join(search_list(namespace))}\nnameserver {NAMESERVER}\noptions ndots:{NDOTS}\n"


def is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


DNS_SERVICE = ("kube-system", "kube-dns")
PORT = 53
QUERY_TIMEOUT = 15.0  # a resolver's tries before it gives up (nslookup, dig: three of 5 s)


class Unanswered(Exception):
    """A query found no DNS server to answer it: the resolver gives up after its timeout."""


Query = Callable[[str, bool], bool]  # (name, found) -> did a server get the query


class Resolver:
    """What a pod in ``namespace`` gets back for a name."""

    def __init__(self, api: Reader, namespace: str) -> None:
        self.api = api
        self.namespace = namespace

    def candidates(self, name: str) -> list[str]:
        """The names the resolver tries, in order: with each search domain first when it has fewer than 5 dots."""
        if name.endswith("."):
            return [name.rstrip(".")]
        expanded = [f"{name}.{domain}" for domain in search_list(self.namespace)]
        return [*expanded, name] if name.count(".") < NDOTS else [name, *expanded]

    def installed(self) -> bool:
        """Does the cluster have its DNS add-on (the kube-dns Service)? Without it (a test cluster without
        controllers) names resolve in the process, with no server to reach."""
        namespace, name = DNS_SERVICE
        return self._get("services", namespace, name) is not None

    def resolve(self, name: str, send: Query | None = None, search: bool = True) -> Answer | None:
        """The answer for a name, trying the search list (``search``; dig does not); None for NXDOMAIN. ``send``
        carries each query to a server first (kube-proxy to a CoreDNS pod); raises Unanswered when none gets it."""
        if is_ip(name):
            return Answer(name, (name,))
        for candidate in self.candidates(name.lower()) if search else [name.lower().rstrip(".")]:
            answer = self.lookup(candidate)
            if send is not None and not send(candidate, answer is not None):
                raise Unanswered(candidate)
            if answer is not None:
                return answer
        return None

    def lookup(self, fqdn: str) -> Answer | None:
        """One fully qualified name, as CoreDNS answers it; None for NXDOMAIN (or a name with no address)."""
        suffix = f".{CLUSTER_DOMAIN}"
        if not fqdn.endswith(suffix):
            return None
        labels = fqdn[: -len(suffix)].split(".")
        if len(labels) == 3 and labels[2] == "svc":
            return self._service(fqdn, labels[1], labels[0])
        if len(labels) == 4 and labels[3] == "svc":
            return self._endpoint(fqdn, labels[2], labels[1], labels[0])
        if len(labels) == 3 and labels[2] == "pod":
            ip = labels[0].replace("-", ".")
            return Answer(fqdn, (ip,)) if is_ip(ip) else None
        return None

    def _get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        try:
            return self.api.get(resource, namespace, name)
        except ApiError:
            return None

    def _service(self, fqdn: str, namespace: str, name: str) -> Answer | None:
        service = self._get("services", namespace, name)
        if service is None:
            return None
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName":
            return None  # a CNAME to a name outside the cluster, which does not resolve here
        ip = spec.get("clusterIP")
        if ip and ip != "None":
            return Answer(fqdn, (str(ip),), f"{namespace}/{name}")
        addresses = tuple(sorted({ip for ip, _ in self._endpoints(namespace, name)}, key=_ip_order))
        return Answer(fqdn, addresses) if addresses else None

    def _endpoint(self, fqdn: str, namespace: str, service: str, hostname: str) -> Answer | None:
        matches = tuple(ip for ip, host in self._endpoints(namespace, service) if host == hostname)
        return Answer(fqdn, matches[:1]) if matches else None

    def _endpoints(self, namespace: str, service: str) -> list[tuple[str, str]]:
        """(address, hostname) of the Service's ready endpoints."""
        try:
            slices = self.api.list("endpointslices", namespace, label_selector=f"kubernetes.io/service-name={service}")
        except ApiError:
            return []
        found: list[tuple[str, str]] = []
        for piece in slices.get("items") or ():
            for endpoint in piece.get("endpoints") or ():
                if (endpoint.get("conditions") or {}).get("ready") is False:
                    continue
                for address in endpoint.get("addresses") or ():
                    found.append((str(address), str(endpoint.get("hostname") or "")))
        return found


def _ip_order(ip: str) -> tuple[int, ...]:
    return tuple(int(part) for part in ip.split(".")) if ip.count(".") == 3 else (0,)
