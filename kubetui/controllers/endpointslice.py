"""The EndpointSlice controller: discovery.k8s.io/v1 EndpointSlices for every Service with a selector.

Follows ``pkg/controller/endpointslice/endpointslice_controller.go`` and the reconciler in
``staging/src/k8s.io/endpointslice/reconciler.go`` (reconcileByPortMapping): endpoints still
wanted stay in the slice they are in, changed ones are updated in place, new ones fill the
fullest slice that has room (at most 100 per slice) before a new slice is created, and a
Service with no endpoints keeps one empty placeholder slice. Unlike the Endpoints controller it
keeps terminating pods, with conditions ready/serving/terminating, so kube-proxy can drain them.

Simplification: IPv4 only; no topology hints, trafficDistribution or last-change-trigger-time.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.meta import owner_reference, split_key
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.endpoints import (
    find_port,
    pod_ips,
    service_selects,
    services_to_update,
    should_pod_be_in_endpoints,
    should_set_hostname,
)
from kubetui.controllers.podutil import (
    LABEL_ZONE,
    Retries,
    index_pods,
    is_pod_ready,
    is_terminating,
    object_namespace,
)

Obj = dict[str, Any]

CONTROLLER_NAME = "endpointslice-controller.k8s.io"  # the managed-by label value
LABEL_SERVICE_NAME = "kubernetes.io/service-name"
LABEL_MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
LABEL_HEADLESS = "service.kubernetes.io/headless"
MAX_ENDPOINTS_PER_SLICE = 100  # --max-endpoints-per-slice default

# An endpoint's identity within a slice (hashEndpoint): addresses, hostname and target pod.
EndpointKey = tuple[tuple[str, ...], str, str, str]
# Desired endpoints by port list: (ports, endpoints by key).
Desired = dict[tuple[Any, ...], tuple[list[Obj], dict[EndpointKey, Obj]]]


def _endpoint_key(endpoint: Obj) -> EndpointKey:
    ref = endpoint.get("targetRef") or {}
    return (tuple(sorted(endpoint.get("addresses") or ())), endpoint.get("hostname", ""),
            ref.get("namespace", ""), ref.get("name", ""))


def _ports_key(ports: list[Obj]) -> tuple[tuple[Any, ...], ...]:
    return tuple(sorted((p.get("name", ""), p.get("port", 0), p.get("protocol", ""), p.get("appProtocol", ""))
                        for p in ports))


def _managed_slice_of(slice_: Obj) -> list[str]:
    """Index function: ``namespace/service`` for slices this controller manages."""
    labels = slice_["metadata"].get("labels") or {}
    if labels.get(LABEL_MANAGED_BY) != CONTROLLER_NAME or not labels.get(LABEL_SERVICE_NAME):
        return []
    return [f"{slice_['metadata'].get('namespace', '')}/{labels[LABEL_SERVICE_NAME]}"]


def _slice_labels(service: Obj) -> dict[str, str]:
    """setEndpointSliceLabels: the Service's labels plus the reserved ones."""
    reserved = (LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS)
    labels = {k: v for k, v in (service["metadata"].get("labels") or {}).items() if k not in reserved}
    if (service.get("spec") or {}).get("clusterIP") in (None, "", "None"):
        labels[LABEL_HEADLESS] = ""
    labels[LABEL_SERVICE_NAME] = service["metadata"]["name"]
    labels[LABEL_MANAGED_BY] = CONTROLLER_NAME
    return labels


class EndpointSliceController(Controller):
    name = "endpointslice-controller"

    def setup(self) -> None:
        self.services = self.informers.informer("services")
        self.pods = self.informers.informer("pods")
        self.nodes = self.informers.informer("nodes")
        self.slices = self.informers.informer("endpointslices")
        index_pods(self)
        self.services.add_index("namespace", object_namespace)
        self.slices.add_index("service", _managed_slice_of)
        self.services.add_handlers(self.enqueue, lambda _old, new: self.enqueue(new), self._service_deleted)
        self.pods.add_handlers(lambda p: self._pod_changed(None, p), self._pod_changed,
                               lambda p: self._pod_changed(None, p))
        self.slices.add_handlers(self._slice_changed, lambda _old, new: self._slice_changed(new),
                                 self._slice_deleted)
        # EndpointSliceTracker: the resourceVersions this controller wrote, so its own writes
        # coming back through the informer neither trigger a sync nor pass for a stale cache.
        self._written: dict[str, int] = {}
        self._deleted: set[str] = set()
        self.retries = Retries()

    # -- handlers ---------------------------------------------------------------------------------
    def _pod_changed(self, old: Obj | None, new: Obj) -> None:
        namespace = new["metadata"].get("namespace", "")
        for service in services_to_update(self.services.by_index("namespace", namespace), old, new):
            self.enqueue(service)

    def _service_deleted(self, service: Obj) -> None:
        key = f"{service['metadata'].get('namespace', '')}/{service['metadata']['name']}"
        for slice_ in self.slices.by_index("service", key):
            self._written.pop(f"{slice_['metadata'].get('namespace')}/{slice_['metadata']['name']}", None)

    def _slice_changed(self, slice_: Obj) -> None:
        owners = _managed_slice_of(slice_)
        if not owners:
            return
        name = f"{slice_['metadata'].get('namespace', '')}/{slice_['metadata']['name']}"
        if self._written.get(name) == int(slice_["metadata"].get("resourceVersion") or 0):
            return  # our own write
        self.queue.add(owners[0])

    def _slice_deleted(self, slice_: Obj) -> None:
        owners = _managed_slice_of(slice_)
        name = f"{slice_['metadata'].get('namespace', '')}/{slice_['metadata']['name']}"
        self._written.pop(name, None)
        if name in self._deleted:
            self._deleted.discard(name)
            return
        if owners:
            self.queue.add(owners[0])

    # -- reconcile --------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        service = self.services.get(namespace, name)
        if service is None:
            return  # the garbage collector deletes the slices it owned
        existing = self.slices.by_index("service", key)
        for slice_ in existing:
            slice_name = f"{namespace}/{slice_['metadata']['name']}"
            if int(slice_["metadata"].get("resourceVersion") or 0) < self._written.get(slice_name, 0):
                self.retries.retry(self.queue, key)  # the informer has not caught up with our last write
                return
        spec = service.get("spec") or {}
        if spec.get("type") == "ExternalName":
            for slice_ in existing:
                self._delete(slice_)
            if existing:
                self.record(f"Service {key}", f"{len(existing)} slices", "none (ExternalName)",
                            "delete slices")
            return
        if not spec.get("selector"):
            return
        desired, missing_node = self._desired(service)
        self._reconcile_slices(service, existing, desired)
        if missing_node:
            self.retries.retry(self.queue, key)  # a pod's Node is not in the cache (yet): try again
        else:
            self.retries.forget(key)

    def _desired(self, service: Obj) -> tuple[Desired, bool]:
        """Desired endpoints grouped by their port list (pods can resolve named ports differently)."""
        namespace = service["metadata"].get("namespace", "")
        spec = service.get("spec") or {}
        publish = bool(spec.get("publishNotReadyAddresses"))
        groups: Desired = {}
        missing_node = False
        for pod in self.pods.by_index("namespace", namespace):
            if not service_selects(service, pod["metadata"].get("labels") or {}):
                continue
            if not should_pod_be_in_endpoints(pod, True):
                continue
            ports = self._ports(service, pod)
            group = groups.setdefault(_ports_key(ports), (ports, {}))
            node_name = (pod.get("spec") or {}).get("nodeName", "")
            node = self.nodes.get("", node_name)
            if node is None and not publish:
                missing_node = True
                continue
            endpoint = self._endpoint(service, pod, node)
            group[1][_endpoint_key(endpoint)] = endpoint
        return groups, missing_node

    def _ports(self, service: Obj, pod: Obj) -> list[Obj]:
        ports: list[Obj] = []
        for service_port in (service.get("spec") or {}).get("ports") or ():
            number = find_port(pod, service_port)
            if number is None:
                continue
            port: Obj = {"name": service_port.get("name", ""),
                         "protocol": service_port.get("protocol") or "TCP", "port": number}
            if service_port.get("appProtocol"):
                port["appProtocol"] = service_port["appProtocol"]
            ports.append(port)
        return ports

    def _endpoint(self, service: Obj, pod: Obj, node: Obj | None) -> Obj:
        """podToEndpoint: addresses, conditions, target pod, node and zone."""
        serving = is_pod_ready(pod)
        terminating = is_terminating(pod)
        publish = bool((service.get("spec") or {}).get("publishNotReadyAddresses"))
        ready = publish or (serving and not terminating)
        meta = pod["metadata"]
        endpoint: Obj = {"addresses": pod_ips(pod),
                         "conditions": {"ready": ready, "serving": serving, "terminating": terminating}}
        if should_set_hostname(pod, service):
            endpoint["hostname"] = pod["spec"]["hostname"]
        endpoint["targetRef"] = {"kind": "Pod", "namespace": meta.get("namespace", ""), "name": meta["name"],
                                 "uid": meta.get("uid", "")}
        if (pod.get("spec") or {}).get("nodeName"):
            endpoint["nodeName"] = pod["spec"]["nodeName"]
        zone = ((node or {}).get("metadata") or {}).get("labels", {}).get(LABEL_ZONE)
        if zone:
            endpoint["zone"] = zone
        return endpoint

    def _reconcile_slices(
        self, service: Obj, existing: list[Obj],
        desired: Desired,
    ) -> None:
        labels = _slice_labels(service)
        owned = [s for s in existing if any(r.get("uid") == service["metadata"].get("uid")
                                            for r in s["metadata"].get("ownerReferences") or ())]
        to_delete = [s for s in existing if s not in owned]
        to_create: list[Obj] = []
        to_update: list[Obj] = []
        by_ports: dict[tuple[Any, ...], list[Obj]] = {}
        for slice_ in owned:
            by_ports.setdefault(_ports_key(slice_.get("ports") or []), []).append(slice_)
        added = removed = 0
        for ports_key in sorted(desired, key=repr):
            ports, wanted = desired[ports_key]
            create, update, delete, plus, minus = self._by_port_mapping(
                service, labels, by_ports.get(ports_key, []), dict(wanted), ports)
            to_create += create
            to_update += update
            to_delete += delete
            added, removed = added + plus, removed + minus
        for ports_key, slices in by_ports.items():
            if ports_key not in desired:  # no endpoint wants these ports any more (the last pod went)
                to_delete += slices
                removed += sum(len(s.get("endpoints") or ()) for s in slices)
        if len(to_delete) == len(existing) and not to_create:
            placeholder = self._new_slice(service, labels, [])
            only = to_delete[0] if len(to_delete) == 1 else None
            if only is not None and not only.get("endpoints") and not only.get("ports") and (
                only in owned and (only["metadata"].get("labels") or {}) == labels
            ):
                to_delete = []  # the placeholder is already there
            else:
                to_create.append(placeholder)
        # finalize: rather than create one slice and delete another, reuse the one to delete.
        while to_create and to_delete and to_delete[0] in owned:
            reuse, new = to_delete.pop(0), to_create.pop()
            new["metadata"] = {**reuse["metadata"], "labels": new["metadata"]["labels"]}
            to_update.append({**reuse, "metadata": new["metadata"], "ports": new["ports"],
                              "endpoints": new["endpoints"]})
        if not (to_create or to_update or to_delete):
            return
        if service["metadata"].get("deletionTimestamp"):
            to_create = []  # don't race the garbage collector
        for slice_ in to_create:
            created = self.client.create("endpointslices", slice_)
            self._remember(created)
        for slice_ in to_update:
            self._remember(self.client.update("endpointslices", slice_))
        for slice_ in to_delete:
            self._delete(slice_)
        total = sum(len(w) for _, w in desired.values())
        self.record(
            f"Service {service['metadata'].get('namespace', '')}/{service['metadata']['name']}",
            f"{len(existing)} slices", f"{total} endpoints in slices of at most {MAX_ENDPOINTS_PER_SLICE}",
            f"+{added}/-{removed} endpoints: create {len(to_create)}, update {len(to_update)}, "
            f"delete {len(to_delete)} slices",
        )

    def _by_port_mapping(
        self, service: Obj, labels: dict[str, str], slices: list[Obj], wanted: dict[EndpointKey, Obj],
        ports: list[Obj],
    ) -> tuple[list[Obj], list[Obj], list[Obj], int, int]:
        """reconcileByPortMapping for one port list: returns (create, update, delete, added, removed)."""
        updated: dict[str, Obj] = {}
        unchanged: list[Obj] = []
        to_delete: list[Obj] = []
        removed = 0
        # 1. keep endpoints still wanted (updating changed ones), drop the others.
        for slice_ in slices:
            kept: list[Obj] = []
            changed = False
            for endpoint in slice_.get("endpoints") or ():
                want = wanted.pop(_endpoint_key(endpoint), None)
                if want is None:
                    continue
                kept.append(want)
                changed |= want != endpoint
            name = slice_["metadata"]["name"]
            if changed or len(kept) != len(slice_.get("endpoints") or ()):
                removed += len(slice_.get("endpoints") or ()) - len(kept)
                if not kept:
                    to_delete.append(slice_)
                else:
                    updated[name] = {**slice_, "metadata": {**slice_["metadata"], "labels": labels},
                                     "endpoints": kept}
            elif (slice_["metadata"].get("labels") or {}) != labels:
                updated[name] = {**slice_, "metadata": {**slice_["metadata"], "labels": labels}}
            else:
                unchanged.append(slice_)
        added = len(wanted)
        remaining = [wanted[k] for k in sorted(wanted)]
        # 2. fill the slices being updated anyway, fullest first.
        for slice_ in sorted(updated.values(), key=lambda s: -len(s["endpoints"])):
            room = MAX_ENDPOINTS_PER_SLICE - len(slice_["endpoints"])
            if room > 0 and remaining:
                slice_["endpoints"] = [*slice_["endpoints"], *remaining[:room]]
                remaining = remaining[room:]
        # 3. fit the rest into the unchanged slice closest to full, or new slices.
        to_create: list[Obj] = []
        while remaining:
            target: Obj | None = None
            if len(remaining) < MAX_ENDPOINTS_PER_SLICE and unchanged:
                fits = [s for s in unchanged
                        if len(s.get("endpoints") or ()) + len(remaining) <= MAX_ENDPOINTS_PER_SLICE]
                if fits:
                    target = max(fits, key=lambda s: len(s.get("endpoints") or ()))
                    unchanged.remove(target)
                    target = deep_copy(target)
            if target is None:
                target = self._new_slice(service, labels, ports)
            room = MAX_ENDPOINTS_PER_SLICE - len(target.get("endpoints") or ())
            target["endpoints"] = [*(target.get("endpoints") or ()), *remaining[:room]]
            remaining = remaining[room:]
            if target["metadata"].get("name"):
                updated[target["metadata"]["name"]] = target
            else:
                to_create.append(target)
        return to_create, [updated[n] for n in sorted(updated)], to_delete, added, removed

    def _new_slice(self, service: Obj, labels: dict[str, str], ports: list[Obj]) -> Obj:
        meta = service["metadata"]
        return {
            "apiVersion": "discovery.k8s.io/v1",
            "kind": "EndpointSlice",
            "metadata": {"generateName": f"{meta['name']}-", "namespace": meta.get("namespace", ""),
                         "labels": dict(labels), "ownerReferences": [owner_reference(service)]},
            "addressType": "IPv4",
            "ports": list(ports),
            "endpoints": [],
        }

    def _remember(self, slice_: Obj) -> None:
        meta = slice_["metadata"]
        self._written[f"{meta.get('namespace', '')}/{meta['name']}"] = int(meta.get("resourceVersion") or 0)

    def _delete(self, slice_: Obj) -> None:
        meta = slice_["metadata"]
        name = f"{meta.get('namespace', '')}/{meta['name']}"
        try:
            self.client.delete("endpointslices", meta.get("namespace", ""), meta["name"])
        except ApiError as err:
            if err.code != 404:
                raise
            return
        self._deleted.add(name)
        self._written.pop(name, None)
