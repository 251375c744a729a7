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

The pod's DNS config (``PodDNS``) is the kubelet's GetPodDNS: its ``dnsPolicy`` picks the base (ClusterFirst: the
cluster's search list, nameserver and ``ndots:5``; Default, or ClusterFirst with hostNetwork: the node's
resolv.conf; None: nothing), its ``dnsConfig`` is appended to it. The kubelet hands it to the sandbox, whose
``/etc/resolv.conf`` it becomes, and the pod's resolver follows it: its search list and ndots, its first nameserver.
Simplification: a query reaches a CoreDNS pod, but the answer comes from the process (of the Corefile, only log and
reload do anything); it reads at query time, not from watch caches; names outside the cluster do not resolve.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from kubetui.apiserver.errors import ApiError

CLUSTER_DOMAIN = "cluster.local"
NAMESERVER = "10.96.0.10"  # the kubelet's --cluster-dns, as kind sets it
NDOTS = 5
NODE_NAMESERVER = "10.0.0.1"  # the node network's gateway (kubetui.node.kubelet.node_address: 10.0.0.10 and on)
MAX_NAMESERVERS = 3  # validation.MaxDNSNameservers
MAX_SEARCHES = 32  # validation.MaxDNSSearchPathsExpanded
MAX_SEARCH_CHARS = 2048  # validation.MaxDNSSearchListCharsExpanded
MAX_DOMAIN_CHARS = 253  # a search path longer than a DNS subdomain is dropped


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


@dataclass(frozen=True)
class PodDNS:
    """A pod's DNS config (the CRI's DNSConfig): what its ``/etc/resolv.conf`` says and its resolver does."""

    nameservers: tuple[str, ...] = ()
    searches: tuple[str, ...] = ()
    options: tuple[str, ...] = ()  # "ndots:5", "edns0"
    warnings: tuple[str, ...] = field(default=(), compare=False)  # the kubelet's DNSConfigForming events

    def resolv_conf(self) -> str:
        """The file as the runtime writes it: the search line, one line per nameserver, the options line."""
        lines = [f"search {' '.join(self.searches)}"] if self.searches else []
        lines += [f"nameserver {server}" for server in self.nameservers]
        lines += [f"options {' '.join(self.options)}"] if self.options else []
        return "".join(f"{line}\n" for line in lines)

    @property
    def server(self) -> str:
        """The nameserver the resolver asks: the first one; with none, the local host's (resolv.conf(5))."""
        return self.nameservers[0] if self.nameservers else "127.0.0.1"

    @property
    def ndots(self) -> int:
        """``options ndots:n`` (the last one; glibc caps it at 15); 1 without it."""
        ndots = 1
        for option in self.options:
            name, _, value = option.partition(":")
            if name == "ndots" and value.isdigit():
                ndots = min(int(value), 15)
        return ndots


def cluster_first(namespace: str) -> PodDNS:
    """The kubelet's config for a ClusterFirst pod: the cluster DNS, the namespace's search list, ``ndots:5``."""
    return PodDNS((NAMESERVER,), search_list(namespace), (f"ndots:{NDOTS}",))


def node_resolv_conf() -> PodDNS:
    """The node's own ``/etc/resolv.conf`` (the kubelet's --resolv-conf).

    Simplification: a node's resolv.conf is ``nameserver 10.0.0.1`` (the node network's gateway), which knows no name.
    """
    return PodDNS((NODE_NAMESERVER,))


def pod_dns(spec: dict[str, Any], namespace: str, node: PodDNS | None = None) -> PodDNS:
    """GetPodDNS: the base ``dnsPolicy`` picks (getPodDNSType), with ``dnsConfig`` appended (appendDNSConfig), cut
    to the resolver's limits (formDNSConfigFitsLimits; what was cut is in ``warnings``)."""
    policy = str(spec.get("dnsPolicy") or "ClusterFirst")
    host = node if node is not None else node_resolv_conf()
    if policy == "None":
        base = PodDNS()
    elif policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and not spec.get("hostNetwork")):
        cluster = cluster_first(namespace)
        base = PodDNS(cluster.nameservers, tuple(_unique([*cluster.searches, *host.searches])), cluster.options)
    else:  # Default, and ClusterFirst on the host network (the kubelet falls back to Default)
        base = host
    given = spec.get("dnsConfig")
    extra: dict[str, Any] = given if isinstance(given, dict) else {}
    nameservers = _unique([*base.nameservers, *(str(s) for s in extra.get("nameservers") or ())])
    searches = _unique([*base.searches, *(str(s) for s in extra.get("searches") or ())])
    options = _merge_options(base.options, [o for o in extra.get("options") or () if isinstance(o, dict)])
    warnings: list[str] = []
    if len(nameservers) > MAX_NAMESERVERS:
        nameservers = nameservers[:MAX_NAMESERVERS]
        warnings.append("Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver "
                        f"line is: {' '.join(nameservers)}")
    fitting = [s for s in searches[:MAX_SEARCHES] if len(s) <= MAX_DOMAIN_CHARS]
    while fitting and len(" ".join(fitting)) > MAX_SEARCH_CHARS:
        fitting.pop()
    if fitting != searches:
        warnings.append("Search Line limits were exceeded, some search paths have been omitted, the applied search "
                        f"line is: {' '.join(fitting)}")
    return PodDNS(tuple(nameservers), tuple(fitting), tuple(options), tuple(warnings))


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _merge_options(existing: tuple[str, ...], given: list[dict[str, Any]]) -> list[str]:
    """mergeDNSOptions: by name, a later value replaces an earlier one (kept in first-seen order, where the kubelet's
    map has none)."""
    merged: dict[str, str] = {}
    for text in existing:
        name, _, value = text.partition(":")
        merged[name] = value
    for option in given:
        set_to = option.get("value")
        merged[str(option.get("name") or "")] = "" if set_to is None else str(set_to)
    return [f"{name}:{value}" if value else name for name, value in merged.items()]


def resolv_conf(namespace: str) -> str:
    """The ``/etc/resolv.conf`` the kubelet writes for a ClusterFirst pod."""
    return cluster_first(namespace).resolv_conf()


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
    """What a pod in ``namespace`` gets back for a name, through its DNS config (ClusterFirst's by default)."""

    def __init__(self, api: Reader, namespace: str, config: PodDNS | None = None) -> None:
        self.api = api
        self.namespace = namespace
        self.config = config if config is not None else cluster_first(namespace)

    @property
    def server(self) -> str:
        """The nameserver it asks."""
        return self.config.server

    def candidates(self, name: str) -> list[str]:
        """The names the resolver tries, in order: with each search domain first when it has fewer than ndots
        dots."""
        if name.endswith("."):
            return [name.rstrip(".")]
        expanded = [f"{name}.{domain.rstrip('.')}" for domain in self.config.searches]
        return [*expanded, name] if name.count(".") < self.config.ndots else [name, *expanded]

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
        candidates = self.candidates(name.lower()) if search else [name.lower().rstrip(".")]
        if self.server == NODE_NAMESERVER:
            return None  # the node's resolver: no cluster names, and no internet behind it
        if self.server != NAMESERVER:
            raise Unanswered(candidates[0])  # nothing listens there: no answer before the timeout
        for candidate in candidates:
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
