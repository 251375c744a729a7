"""The endpoints controller: one ``Endpoints`` object per Service with a selector, listing its pods.

Follows ``pkg/controller/endpoint/endpoints_controller.go`` (syncService) and the helpers in
``staging/src/k8s.io/endpointslice/util/controller_utils.go``: ready pods go to ``addresses``,
the others to ``notReadyAddresses``; terminating and finished pods are left out (unless the
Service sets ``publishNotReadyAddresses``); ports come from each Service port's ``targetPort``,
a number or the name of a container port.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.meta import split_key
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.podutil import (
    index_pods,
    is_pod_ready,
    is_pod_terminal,
    is_terminating,
    object_namespace,
)

Obj = dict[str, Any]

LABEL_HEADLESS = "service.kubernetes.io/headless"


# --- helpers shared with the EndpointSlice controller -----------------------------------------------
def service_selects(service: Obj, labels: dict[str, str]) -> bool:
    """A Service with a nil (or empty) selector selects nothing: its endpoints are managed by hand."""
    selector = (service.get("spec") or {}).get("selector")
    if not isinstance(selector, dict) or not selector:
        return False
    return all(labels.get(k) == v for k, v in selector.items())


def pod_ips(pod: Obj) -> list[str]:
    status = pod.get("status") or {}
    ips = [p.get("ip") for p in status.get("podIPs") or () if isinstance(p, dict) and p.get("ip")]
    if not ips and status.get("podIP"):
        ips = [status["podIP"]]
    return [str(ip) for ip in ips if ":" not in str(ip)]  # a single-stack IPv4 cluster


def should_pod_be_in_endpoints(pod: Obj, include_terminating: bool) -> bool:
    """ShouldPodBeInEndpoints: running pods with an IP; terminating ones only if asked."""
    if is_pod_terminal(pod) or not pod_ips(pod):
        return False
    return include_terminating or not is_terminating(pod)


def should_set_hostname(pod: Obj, service: Obj) -> bool:
    spec = pod.get("spec") or {}
    return bool(spec.get("hostname")) and spec.get("subdomain") == service["metadata"]["name"] and (
        pod["metadata"].get("namespace") == service["metadata"].get("namespace")
    )


def find_port(pod: Obj, service_port: Obj) -> int | None:
    """FindPort: a numeric targetPort as is; a named one looked up in the containers' ports."""
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int):
        return target
    protocol = service_port.get("protocol") or "TCP"
    spec = pod.get("spec") or {}
    sidecars = [c for c in spec.get("initContainers") or () if c.get("restartPolicy") == "Always"]
    for container in [*(spec.get("containers") or ()), *sidecars]:
        for port in container.get("ports") or ():
            if port.get("name") == target and (port.get("protocol") or "TCP") == protocol:
                return int(port.get("containerPort", 0))
    return None


def pod_endpoint_state(pod: Obj) -> tuple[Any, ...]:
    """What of a pod can change its endpoints (podEndpointsChanged): deletion, readiness, IPs."""
    spec = pod.get("spec") or {}
    return (is_terminating(pod), is_pod_ready(pod), tuple(pod_ips(pod)), spec.get("hostname"),
            spec.get("subdomain"), is_pod_terminal(pod))


def services_to_update(services: list[Obj], old: Obj | None, new: Obj | None) -> list[Obj]:
    """GetServicesToUpdateOnPodChange: which Services a pod event concerns."""
    if old is None or new is None:
        pod = new if new is not None else old
        assert pod is not None
        labels = pod["metadata"].get("labels") or {}
        return [s for s in services if service_selects(s, labels)]
    if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
        return []
    old_labels, new_labels = old["metadata"].get("labels") or {}, new["metadata"].get("labels") or {}
    pod_changed = pod_endpoint_state(old) != pod_endpoint_state(new)
    if old_labels == new_labels:
        return [s for s in services if service_selects(s, new_labels)] if pod_changed else []
    was = {id(s) for s in services if service_selects(s, old_labels)}
    now = {id(s) for s in services if service_selects(s, new_labels)}
    wanted = (was | now) if pod_changed else (was ^ now)
    return [s for s in services if id(s) in wanted]


def _address_sort_key(address: Obj) -> tuple[str, str]:
    ip = address.get("ip", "")
    return (".".join(f"{int(p):03d}" for p in ip.split(".")) if ip.count(".") == 3 else ip,
            str((address.get("targetRef") or {}).get("uid", "")))


def _port_key(port: Obj | None) -> tuple[str, int, str, str]:
    if port is None:
        return ("", -1, "", "")
    return (port.get("name", ""), port.get("port", 0), port.get("protocol", ""), port.get("appProtocol", ""))


def _subset_sort_key(subset: Obj) -> tuple[Any, ...]:
    first = [*subset.get("addresses", ()), *subset.get("notReadyAddresses", ())][0]
    return (_address_sort_key(first), [_port_key(p) for p in subset.get("ports", ())])


def repack_subsets(entries: list[tuple[Obj, bool, Obj | None]]) -> list[Obj]:
    """endpoints.RepackSubsets: group addresses that offer the same ports into one subset, sorted.

    ``entries`` are (address, ready, port-or-None) triples, one per pod and Service port.
    """
    by_port: dict[tuple[str, int, str, str], dict[tuple[str, str], tuple[Obj, bool]]] = {}
    ports: dict[tuple[str, int, str, str], Obj | None] = {}
    for address, ready, port in entries:
        key = _port_key(port)
        ports[key] = port
        by_port.setdefault(key, {})[_address_sort_key(address)] = (address, ready)
    groups: dict[tuple[Any, ...], list[tuple[str, int, str, str]]] = {}
    for key, addresses in by_port.items():
        signature = tuple(sorted((k, ready) for k, (_, ready) in addresses.items()))
        groups.setdefault(signature, []).append(key)
    subsets: list[Obj] = []
    for port_keys in groups.values():
        addresses = by_port[port_keys[0]]
        subset: Obj = {}
        in_order = [addresses[k] for k in sorted(addresses)]
        ready_addresses = [a for a, is_ready in in_order if is_ready]
        not_ready_addresses = [a for a, is_ready in in_order if not is_ready]
        if ready_addresses:
            subset["addresses"] = ready_addresses
        if not_ready_addresses:
            subset["notReadyAddresses"] = not_ready_addresses
        real_ports = [ports[k] for k in sorted(port_keys) if ports[k] is not None]
        if real_ports:
            subset["ports"] = real_ports
        subsets.append(subset)
    subsets.sort(key=_subset_sort_key)
    return subsets


class EndpointsController(Controller):
    name = "endpoint-controller"

    def setup(self) -> None:
        self.services = self.informers.informer("services")
        self.pods = self.informers.informer("pods")
        self.endpoints = self.informers.informer("endpoints")
        index_pods(self)
        self.services.add_index("namespace", object_namespace)
        self.services.add_handlers(self.enqueue, lambda _old, new: self.enqueue(new), self.enqueue)
        self.pods.add_handlers(lambda p: self._pod_changed(None, p), self._pod_changed,
                               lambda p: self._pod_changed(None, p))
        self.endpoints.add_handlers(None, None, self.enqueue)
        self.clock.call_soon(self._check_leftover_endpoints, label=f"{self.name} leftovers")

    def _pod_changed(self, old: Obj | None, new: Obj) -> None:
        namespace = new["metadata"].get("namespace", "")
        for service in services_to_update(self.services.by_index("namespace", namespace), old, new):
            self.enqueue(service)

    def _check_leftover_endpoints(self) -> None:
        """checkLeftoverEndpoints: once at start, revisit every Endpoints (those without a Service go)."""
        for endpoints in self.endpoints.list():
            self.enqueue(endpoints)

    # -- reconcile --------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        service = self.services.get(namespace, name)
        if service is None:
            if self.endpoints.get(namespace, name) is not None:
                try:
                    self.client.delete("endpoints", namespace, name)
                except ApiError as err:
                    if err.code != 404:
                        raise
                self.record(f"Service {key}", "service deleted", "no Endpoints", "delete endpoints")
            return
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName" or not spec.get("selector"):
            return  # such Services get no endpoints from this controller
        publish_not_ready = bool(spec.get("publishNotReadyAddresses"))
        entries: list[tuple[Obj, bool, Obj | None]] = []
        ready_count = not_ready_count = 0
        for pod in self.pods.by_index("namespace", namespace):
            if not service_selects(service, pod["metadata"].get("labels") or {}):
                continue
            if not should_pod_be_in_endpoints(pod, publish_not_ready):
                continue
            address = self._address(service, pod)
            ready = publish_not_ready or is_pod_ready(pod)
            ports = spec.get("ports") or []
            if not ports:
                if spec.get("clusterIP") == "None":  # a headless Service may have no ports
                    entries.append((address, ready, None))
                continue
            for service_port in ports:
                number = find_port(pod, service_port)
                if number is None:
                    continue
                port: Obj = {"port": number, "protocol": service_port.get("protocol") or "TCP"}
                if service_port.get("name"):
                    port = {"name": service_port["name"], **port}
                if service_port.get("appProtocol"):
                    port["appProtocol"] = service_port["appProtocol"]
                entries.append((address, ready, port))
            if ready:
                ready_count += 1
            else:
                not_ready_count += 1
        subsets = repack_subsets(entries)
        self._write(service, subsets, ready_count, not_ready_count)

    def _address(self, service: Obj, pod: Obj) -> Obj:
        meta = pod["metadata"]
        address: Obj = {"ip": pod_ips(pod)[0]}
        if should_set_hostname(pod, service):
            address["hostname"] = pod["spec"]["hostname"]
        address["nodeName"] = (pod.get("spec") or {}).get("nodeName", "")
        address["targetRef"] = {"kind": "Pod", "namespace": meta.get("namespace", ""), "name": meta["name"],
                                "uid": meta.get("uid", "")}
        return address

    def _write(self, service: Obj, subsets: list[Obj], ready: int, not_ready: int) -> None:
        meta = service["metadata"]
        namespace, name = meta.get("namespace", ""), meta["name"]
        labels = dict(meta.get("labels") or {})
        if (service.get("spec") or {}).get("clusterIP") in (None, "", "None"):
            labels[LABEL_HEADLESS] = ""
        current = self.endpoints.get(namespace, name)
        if current is not None and (current.get("subsets") or []) == subsets and (
            (current["metadata"].get("labels") or {}) == labels
        ):
            return
        # Simplification: no last-change-trigger-time annotation, no truncation at 1000 addresses.
        metadata: Obj = {"name": name, "namespace": namespace, **({"labels": labels} if labels else {})}
        desired: Obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": metadata}
        if subsets:
            desired["subsets"] = subsets
        observed = "none" if current is None else _describe(current.get("subsets") or [])
        try:
            if current is None:
                self.client.create("endpoints", desired)
                action = "create endpoints"
            else:
                updated = {**current, "metadata": {**current["metadata"], "labels": labels}}
                updated.pop("subsets", None)
                if subsets:
                    updated["subsets"] = subsets
                if not labels:
                    updated["metadata"].pop("labels", None)
                self.client.update("endpoints", updated)
                action = "update endpoints"
        except ApiError as err:
            if current is None and err.code == 403 and "being terminated" in err.message:
                return  # the namespace is going away; creating again would fail the same way
            verb = ("FailedToCreateEndpoint", f"Failed to create endpoint for service {namespace}/{name}")
            if current is not None:
                verb = ("FailedToUpdateEndpoint", f"Failed to update endpoint {namespace}/{name}")
            self.event(current or desired, "Warning", verb[0], f"{verb[1]}: {err.message}")
            raise
        self.record(f"Service {namespace}/{name}", observed, f"{ready} ready, {not_ready} not ready", action)


def _describe(subsets: list[Obj]) -> str:
    ready = sum(len(s.get("addresses") or ()) for s in subsets)
    not_ready = sum(len(s.get("notReadyAddresses") or ()) for s in subsets)
    return f"{ready} ready, {not_ready} not ready"
