"""The ``proxy`` subresource of pods and Services: the API server dials a pod over the pod network.

``kubectl proxy`` and the Kubernetes Basics tutorial reach an app this way:
``/api/v1/namespaces/default/pods/<name>[:<port>]/proxy/<path>`` goes to that pod's IP, and
``.../services/<name>[:<port>]/proxy/<path>`` to one of the Service's ready endpoints, picked at random
(``pkg/registry/core/pod/strategy.go`` and ``service/storage/storage.go`` ResourceLocation). A failure is
a 503 ServiceUnavailable, in the API server's words.

Simplification: a ``scheme:`` prefix (``https:web:443``) is not understood, and the request's method and body
are not passed on (the simulated servers answer by path).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Protocol

from kubetui.apiserver import errors
from kubetui.apiserver.errors import ApiError

CONTROL_PLANE_IP = "10.0.0.2"  # where the API server's requests come from, as a pod's access log shows them


class Answer(Protocol):
    """What a pod answered (kubetui.node.network.Reply is one)."""

    @property
    def code(self) -> int | None: ...
    @property
    def error(self) -> str: ...
    @property
    def pod(self) -> str: ...
    @property
    def body(self) -> str: ...


class PodNetwork(Protocol):
    """The pod network as the API server uses it (kubetui.node.network.PodNetwork is one)."""

    def send(self, ip: str, port: int, path: str, source: str, agent: str) -> Answer: ...


@dataclass(frozen=True)
class ProxyFailure:
    """No answer at all: the connection did not reach a pod."""

    error: str
    code: int | None = None
    pod: str = ""
    body: str = ""


@dataclass(frozen=True)
class ProxyResponse:
    code: int
    body: str
    pod: str  # namespace/name of the pod that answered


def unavailable(message: str) -> ApiError:
    return ApiError(503, "ServiceUnavailable", message)


def split_name_port(name_port: str) -> tuple[str, str]:
    """SplitSchemeNamePort without the scheme: ``web`` or ``web:8080`` / ``web:http``."""
    name, _, port = name_port.partition(":")
    if not name or ":" in port:
        raise errors.bad_request(f"invalid request {name_port!r}")
    return name, port


def pod_location(pod: dict[str, Any], port: str) -> tuple[str, int]:
    """The pod's IP and port: the one asked for (a number or a container port's name), else the first declared."""
    ip = (pod.get("status") or {}).get("podIP") or ""
    if not ip:
        raise errors.bad_request("address not allowed")  # proxyutil.IsProxyableIP of an empty address
    containers = (pod.get("spec") or {}).get("containers") or []
    ports = [p for c in containers for p in c.get("ports") or ()]
    if not port:
        return ip, int(ports[0]["containerPort"]) if ports else 80
    if port.isdigit():
        return ip, int(port)
    named = next((p for p in ports if p.get("name") == port), None)
    if named is None:
        raise errors.bad_request(f"port {port!r} not found in pod {(pod.get('metadata') or {}).get('name')!r}")
    return ip, int(named["containerPort"])


def service_location(service: dict[str, Any], endpoints: dict[str, Any] | None, port: str,
                     rng: random.Random) -> tuple[str, int]:
    """A random ready address of the Service's Endpoints, on the service port asked for (by name or number)."""
    name = str((service.get("metadata") or {}).get("name", ""))
    if port.isdigit():
        declared = next((p for p in (service.get("spec") or {}).get("ports") or () if p.get("port") == int(port)),
                        None)
        if declared is None:
            raise unavailable(f'no service port {port} found for service "{name}"')
        port = str(declared.get("name") or "")
    subsets = [s for s in (endpoints or {}).get("subsets") or () if s.get("addresses")]
    if not subsets:
        raise unavailable(f'no endpoints available for service "{name}"')
    start = rng.randrange(len(subsets))
    for offset in range(len(subsets)):
        subset = subsets[(start + offset) % len(subsets)]
        for subset_port in subset.get("ports") or ():
            if (subset_port.get("name") or "") == port:
                addresses = subset["addresses"]
                address = addresses[rng.randrange(len(addresses))]
                return str(address.get("ip", "")), int(subset_port.get("port", 0))
    raise unavailable(f'no endpoints available for service "{name}"')


def dial(network: PodNetwork | None, ip: str, port: int, path: str, agent: str) -> ProxyResponse:
    if network is None:
        raise unavailable(f"error trying to reach service: dial tcp {ip}:{port}: no route to host")
    answer = network.send(ip, port, path, CONTROL_PLANE_IP, agent)
    if answer.code == 0:  # a plain TCP server: whatever it says is not HTTP
        raise unavailable("error trying to reach service: net/http: HTTP/1.x transport connection broken: "
                          "malformed HTTP response")
    if answer.code is None:
        why = answer.error or f"dial tcp {ip}:{port}: i/o timeout"
        if why.startswith('Get "'):  # the runtime words it as an HTTP client would; the proxy says the cause
            why = why.split('": ', 1)[-1]
        raise unavailable(f"error trying to reach service: {why}")
    return ProxyResponse(answer.code, answer.body, answer.pod)
