"""Admission: what happens to an object between decoding and storage.

The order is Kubernetes': registry PrepareForCreate/Update (reset status), defaulting, mutating
admission plugins (NamespaceLifecycle, DefaultTolerationSeconds, Priority, service IP/port
allocation), then validation. Every rejection is a ``metav1.Status`` with Kubernetes' wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn

from kubetui.api.defaults import add_default_toleration_seconds, apply_defaults
from kubetui.api.disruption import budget, pod_ready
from kubetui.api.fielderrors import TYPE_INVALID, invalid
from kubetui.api.meta import newest_name
from kubetui.api.models import MODELS
from kubetui.api.models.golang import decode_error
from kubetui.api.qos import qos_class
from kubetui.api.quantity import QuantityError, parse_quantity
from kubetui.api.resources import BY_PLURAL, ResourceInfo
from kubetui.api.scheduling import SYSTEM_PRIORITY_CLASSES
from kubetui.api.selectors import SelectorError, selector_from_dict
from kubetui.api.storage import claim_class, is_default_class
from kubetui.api.validation import format_invalid, validate
from kubetui.apiserver import errors, limitranger, resourcequota
from kubetui.apiserver.allocators import AllocationError, ClusterIPAllocator, NodePortAllocator
from kubetui.apiserver.codec import decode
from kubetui.store.mvcc import KeyValue

if TYPE_CHECKING:
    from kubetui.apiserver.server import APIServer

# Namespaces NamespaceLifecycle never lets anyone delete (lifecycle/admission.go's immortalNamespaces).
IMMORTAL_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})

# Kinds whose status a client cannot set on create (PrepareForCreate resets it).
_STATUS_RESET = {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob", "PodDisruptionBudget",
                 "Service", "ReplicationController", "Ingress", "HorizontalPodAutoscaler",
                 "PersistentVolumeClaim", "PersistentVolume"}
ANNOTATION_DEFAULT_INGRESS_CLASS = "ingressclass.kubernetes.io/is-default-class"
ANNOTATION_INGRESS_CLASS = "kubernetes.io/ingress.class"

# The StorageObjectInUseProtection plugin's finalizers (plugin/pkg/admission/storage/storageobjectinuseprotection).
PVC_PROTECTION_FINALIZER = "kubernetes.io/pvc-protection"
PV_PROTECTION_FINALIZER = "kubernetes.io/pv-protection"
BETA_STORAGE_CLASS_ANNOTATION = "volume.beta.kubernetes.io/storage-class"


class Admission:
    def __init__(self, server: APIServer) -> None:
        self.server = server
        self.cluster_ips = ClusterIPAllocator(server.rng)
        self.node_ports = NodePortAllocator(server.rng)
        # namespace -> (the stored value last read, whether it is Terminating): one decode per change of
        # the namespace, not one per create in it.
        self._terminating: dict[str, tuple[KeyValue, bool]] = {}
        # The open request's allocations (undone unless it is stored) and releases (done once it is).
        self._undo: list[Callable[[], None]] | None = None
        self._on_commit: list[Callable[[], None]] = []
        self._charges: list[resourcequota.Charge] = []  # the open request's quota usage, written once it is stored

    @contextmanager
    def allocations(self, dry_run: bool) -> Iterator[None]:
        """One request's ClusterIP and node-port allocations, as the service REST storage's allocator
        transaction: kept when the object is stored; given back when the request fails or is a dry run.
        Ports an update no longer uses are released once it is stored."""
        self._undo, self._on_commit = [], []
        try:
            yield
        except BaseException:
            self._finish(commit=False)
            raise
        self._finish(commit=not dry_run)

    def _finish(self, commit: bool) -> None:
        undo, on_commit = self._undo or [], self._on_commit
        self._undo, self._on_commit = None, []
        for action in on_commit if commit else reversed(undo):
            action()

    def _allocated(self, release: Callable[[], None]) -> None:
        if self._undo is not None:
            self._undo.append(release)

    # ------------------------------------------------------------------ plugins
    def namespace_lifecycle(self, info: ResourceInfo, namespace: str, name: str) -> None:
        """NamespaceLifecycle: no content in a namespace that is missing or being deleted."""
        if info.plural == "namespaces":
            return
        kv = self.server.store.get(BY_PLURAL["namespaces"].key("", namespace))
        if kv is None:
            raise errors.not_found(BY_PLURAL["namespaces"], namespace)
        known = self._terminating.get(namespace)
        if known is not None and known[0] is kv:  # the same stored value: its phase is known
            terminating = known[1]
        else:
            terminating = decode(kv).get("status", {}).get("phase") == "Terminating"
            if len(self._terminating) >= 4096:
                self._terminating.clear()
            self._terminating[namespace] = (kv, terminating)
        if terminating and info.plural != "events":
            raise errors.forbidden(
                info,
                name,
                f"unable to create new content in namespace {namespace} because it is being terminated",
            )

    def namespace_deletion(self, info: ResourceInfo, name: str) -> None:
        """NamespaceLifecycle on DELETE: ``default``, ``kube-system`` and ``kube-public`` stay."""
        if info.plural == "namespaces" and name in IMMORTAL_NAMESPACES:
            raise errors.forbidden(info, name, "this namespace may not be deleted")

    def admit_create(self, info: ResourceInfo, obj: dict[str, Any], requested_name: str = "") -> None:
        """Mutating plugins, validation, then validating plugins. ``requested_name``: the name as the request gave
        it (the generateName when the server made the name up), as admission errors say it."""
        kind = info.kind
        if kind == "Pod":
            obj["status"] = {"phase": "Pending", "qosClass": qos_class(obj.get("spec", {}))}
        elif kind in _STATUS_RESET:
            obj["status"] = {"loadBalancer": {}} if kind in ("Service", "Ingress") else {}
        apply_defaults(obj)
        ranges = self._limit_ranges(obj) if kind in ("Pod", "PersistentVolumeClaim") else []
        if kind == "Pod":
            if isinstance(obj.get("spec"), dict):
                add_default_toleration_seconds(obj)
                self._priority(info, obj)
                self._service_account(info, obj)
                if ranges:
                    limitranger.default_resources(ranges, obj)
            obj["status"]["qosClass"] = qos_class(obj.get("spec", {}))
        elif kind == "Ingress":
            self._default_ingress_class(obj)
        elif kind in ("PersistentVolumeClaim", "PersistentVolume"):
            self._storage_object(obj)
        self._validate(info, obj, None)
        if ranges:
            self._limit_ranger(info, obj, ranges, requested_name)
        self._resource_quota(info, obj, None, requested_name)
        if kind == "Service":
            self._allocate_service(info, obj, None)
        elif kind == "PriorityClass":
            self._one_default_priority_class(info, obj)

    def _resource_quota(self, info: ResourceInfo, obj: dict[str, Any], old: dict[str, Any] | None,
                        requested_name: str) -> None:
        """The ResourceQuota plugin, last: refuse a write past a quota; what it costs is charged once it is stored
        (:meth:`charge_quotas`)."""
        self._charges = []
        try:
            self._charges = resourcequota.check(self.server.store, info, obj, old)
        except resourcequota.QuotaRefused as refused:
            raise errors.forbidden(info, requested_name or str(obj["metadata"].get("name", "")), str(refused)) from None

    def charge_quotas(self) -> None:
        """The write was stored: its quotas' status.used go up by what it costs."""
        charges, self._charges = self._charges, []
        resourcequota.charge(self.server.store, charges)

    def _limit_ranges(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        """The LimitRanges of the object's namespace (the plugin's lister), in name order."""
        namespace = str((obj.get("metadata") or {}).get("namespace") or "")
        return [decode(kv) for kv in self.server.store.range(BY_PLURAL["limitranges"].prefix(namespace))[0]]

    def _limit_ranger(self, info: ResourceInfo, obj: dict[str, Any], ranges: list[dict[str, Any]],
                      requested_name: str) -> None:
        """LimitRanger's validation: a pod or claim outside a LimitRange's bounds is forbidden, every reason said."""
        check = limitranger.pod_violations if info.kind == "Pod" else limitranger.claim_violations
        reasons = check(ranges, obj)
        if reasons:
            name = requested_name or str(obj["metadata"].get("name", ""))
            raise errors.forbidden(info, name, reasons[0] if len(reasons) == 1 else f"[{', '.join(reasons)}]")

    def admit_update(self, info: ResourceInfo, new: dict[str, Any], old: dict[str, Any], subresource: str) -> None:
        if info.kind == "PersistentVolume":
            _phase_transition_time(new, old, self.server.now_iso())
        if subresource != "status":
            apply_defaults(new)
            if info.kind == "Service":
                _carry_service_allocations(new, old)
        self._validate(info, new, old)
        if info.kind == "PriorityClass":
            self._one_default_priority_class(info, new)
        if info.kind == "Service" and subresource != "status":
            self._allocate_service(info, new, old)
        elif info.kind == "PersistentVolumeClaim" and subresource == "":
            self._claim_resize(info, new, old)
            ranges = self._limit_ranges(new)
            if ranges:
                self._limit_ranger(info, new, ranges, "")
        self._charges = []
        if info.kind in ("Service", "PersistentVolumeClaim") and subresource == "":
            self._resource_quota(info, new, old, "")

    def release(self, info: ResourceInfo, obj: dict[str, Any]) -> None:
        """Give back what a deleted object held (a Service's ClusterIP and node ports)."""
        if info.kind != "Service":
            return
        spec = obj.get("spec") or {}
        if spec.get("clusterIP") not in (None, "", "None"):
            self.cluster_ips.release(spec["clusterIP"])
        for port in spec.get("ports") or ():
            if isinstance(port, dict) and isinstance(port.get("nodePort"), int):
                self.node_ports.release(port["nodePort"])

    # ------------------------------------------------------------------ helpers
    def _validate(self, info: ResourceInfo, obj: dict[str, Any], old: dict[str, Any] | None) -> None:
        errs = validate(obj, old)
        if errs and errs[0].type == TYPE_INVALID and (model := MODELS.get(info.kind)) is not None:
            # The JSON decoder refuses a wrong type before validation runs: 400, its first error only.
            first = errs[0]
            raise errors.bad_request(decode_error(model, info.kind, info.version, first.field, first.value),
                                     field=first.field)
        if errs:
            name = str(obj.get("metadata", {}).get("name") or obj.get("metadata", {}).get("generateName") or "")
            raise errors.invalid(
                info, name, format_invalid(info.kind, info.group, name, errs), [e.cause() for e in errs]
            )

    def _default_ingress_class(self, ingress: dict[str, Any]) -> None:
        """The DefaultIngressClass admission plugin: an Ingress that names no class gets the default one (the
        newest, if several IngressClasses say they are the default)."""
        spec, meta = ingress.get("spec"), ingress.get("metadata")
        if not isinstance(spec, dict) or spec.get("ingressClassName") is not None:
            return
        if isinstance(meta, dict) and ANNOTATION_INGRESS_CLASS in (meta.get("annotations") or {}):
            return
        classes = [decode(kv) for kv in self.server.store.range(BY_PLURAL["ingressclasses"].prefix(""))[0]]
        default = newest_name([c for c in classes if ((c.get("metadata") or {}).get("annotations") or {}).get(
            ANNOTATION_DEFAULT_INGRESS_CLASS) == "true"])
        if default is not None:
            spec["ingressClassName"] = default

    def _storage_object(self, obj: dict[str, Any]) -> None:
        """On a new PVC: DefaultStorageClass (plugin/pkg/admission/storage/storageclass/setdefault) names the
        default class when the claim names none (``storageClassName: ""`` is a choice: no class). On PVCs and
        PVs: StorageObjectInUseProtection adds the protection finalizer. A new PV's status is Pending since
        now (the strategy's PrepareForCreate)."""
        meta = obj.setdefault("metadata", {})
        if obj.get("kind") == "PersistentVolume":
            finalizer = PV_PROTECTION_FINALIZER
            if isinstance(obj.get("status"), dict):
                obj["status"]["lastPhaseTransitionTime"] = self.server.now_iso()
        else:
            finalizer = PVC_PROTECTION_FINALIZER
            spec = obj.get("spec")
            annotations = meta.get("annotations") or {}
            if (isinstance(spec, dict) and spec.get("storageClassName") is None
                    and BETA_STORAGE_CLASS_ANNOTATION not in annotations):
                default = self.default_storage_class()
                if default is not None:
                    spec["storageClassName"] = default
        finalizers = meta.get("finalizers")
        if finalizers is None:
            meta["finalizers"] = [finalizer]
        elif isinstance(finalizers, list) and finalizer not in finalizers:
            finalizers.append(finalizer)

    def _claim_resize(self, info: ResourceInfo, new: dict[str, Any], old: dict[str, Any]) -> None:
        """PersistentVolumeClaimResize (plugin/pkg/admission/storage/persistentvolume/resize/admission.go): a
        claim's storage request may grow only once it is Bound, and only if its class (the same before and
        after) has ``allowVolumeExpansion: true``."""
        def storage(pvc: dict[str, Any]) -> Any:
            return (((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}).get("storage")

        try:
            if parse_quantity(storage(new) or 0) <= parse_quantity(storage(old) or 0):
                return
        except QuantityError:
            return
        name = str(new.get("metadata", {}).get("name") or "")
        if (old.get("status") or {}).get("phase") != "Bound":
            raise errors.forbidden(info, name, "Only bound persistent volume claims can be expanded")
        cls, old_cls = claim_class(new), claim_class(old)
        kv = self.server.store.get(BY_PLURAL["storageclasses"].key("", cls)) if cls and cls == old_cls else None
        if kv is None or decode(kv).get("allowVolumeExpansion") is not True:
            raise errors.forbidden(info, name, "only dynamically provisioned pvc can be resized and "
                                               "the storageclass that provisions the pvc must support resize")

    def default_storage_class(self) -> str | None:
        """GetDefaultClass (pkg/volume/util/storageclass.go): of the classes annotated as default, the newest
        (then by name)."""
        classes = [decode(kv) for kv in self.server.store.range(BY_PLURAL["storageclasses"].prefix())[0]]
        return newest_name([sc for sc in classes if is_default_class(sc)])

    @staticmethod
    def _service_account(info: ResourceInfo, pod: dict[str, Any]) -> None:
        """The ServiceAccount admission plugin: a pod runs as ``default`` unless it names an account (the
        service account controller creates ``default`` in every namespace).

        Simplification: the account is not looked up, so a pod may name one that does not exist (manifests
        apply a namespace and its pods at one virtual instant, before the controller has made its ``default``);
        and the pod gets no kube-api-access volume (the kubelet still writes the token, CA bundle and namespace files
        where it would mount them: kubetui.node.config_volumes).
        """
        spec = pod["spec"]
        name = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        if isinstance(name, str):  # otherwise validation reports the type
            spec["serviceAccountName"] = name
            spec["serviceAccount"] = name  # DeprecatedServiceAccount: the conversion keeps the two alike

    def _one_default_priority_class(self, info: ResourceInfo, pc: dict[str, Any]) -> None:
        """The Priority plugin's validation: one PriorityClass may be the global default."""
        if pc.get("globalDefault") is not True:
            return
        name = pc["metadata"]["name"]
        for other in self._default_priority_classes():
            if other["metadata"]["name"] != name:
                raise errors.forbidden(info, name, f"PriorityClass {other['metadata']['name']} is already marked as "
                                                   "default. Only one default can exist")

    def _default_priority_classes(self) -> list[dict[str, Any]]:
        """The PriorityClasses marked globalDefault (one, unless two were created at once)."""
        kvs = self.server.store.range(BY_PLURAL["priorityclasses"].prefix(""))[0]
        return [pc for pc in map(decode, kvs) if pc.get("globalDefault") is True]

    def _priority(self, info: ResourceInfo, pod: dict[str, Any]) -> None:
        """The Priority admission plugin: priorityClassName -> spec.priority and spec.preemptionPolicy; a pod that
        names no class gets the globalDefault one (the lowest, if several), else priority 0."""
        spec = pod["spec"]
        name = spec.get("priorityClassName")
        if not name:
            defaults = self._default_priority_classes()
            if not defaults:
                spec.setdefault("priority", 0)
                spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
                return
            name = spec["priorityClassName"] = min(
                defaults, key=lambda pc: (int(pc.get("value", 0)), pc["metadata"]["name"]))["metadata"]["name"]
        if name in SYSTEM_PRIORITY_CLASSES:
            value = SYSTEM_PRIORITY_CLASSES[name][0]
        else:
            kv = self.server.store.get(BY_PLURAL["priorityclasses"].key("", str(name)))
            if kv is None:
                raise errors.forbidden(
                    info, str(pod["metadata"].get("name", "")), f"no PriorityClass with name {name} was found"
                )
            pc = decode(kv)
            value = int(pc.get("value", 0))
            if pc.get("preemptionPolicy"):
                spec.setdefault("preemptionPolicy", pc["preemptionPolicy"])
        spec["priority"] = value
        spec.setdefault("preemptionPolicy", "PreemptLowerPriority")

    def _allocate_service(self, info: ResourceInfo, svc: dict[str, Any], old: dict[str, Any] | None) -> None:
        """The ClusterIP and node ports a Service needs; what an update stops using is released on commit."""
        spec = svc.setdefault("spec", {})
        name = str(svc["metadata"].get("name", ""))
        old_spec = (old or {}).get("spec") or {}
        if spec.get("type", "ClusterIP") != "ExternalName":
            ip = spec.get("clusterIP")
            old_ip = old_spec.get("clusterIP")
            if ip != "None" and (old is None or ip != old_ip):
                try:
                    spec["clusterIP"] = self.cluster_ips.allocate(ip or None)
                except AllocationError as exc:
                    self._refuse(info, name, "spec.clusterIPs", [ip] if ip else [], f"failed to allocate IP {ip}: {exc}"
                                 if ip else f"failed to allocate a serviceIP: {exc}")
                self._allocated(partial(self.cluster_ips.release, spec["clusterIP"]))
            if spec.get("clusterIP"):
                spec["clusterIPs"] = [spec["clusterIP"]]
        old_ports = {p.get("nodePort") for p in old_spec.get("ports") or () if isinstance(p, dict)}
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            for i, port in enumerate(spec.get("ports") or ()):
                if not isinstance(port, dict):
                    continue
                wanted = port.get("nodePort")
                if wanted and wanted in old_ports:
                    continue
                try:
                    port["nodePort"] = self.node_ports.allocate(wanted or None)
                except AllocationError as exc:
                    self._refuse(info, name, f"spec.ports[{i}].nodePort", wanted, str(exc))
                self._allocated(partial(self.node_ports.release, port["nodePort"]))
        if old is not None:
            kept_ports = {p.get("nodePort") for p in spec.get("ports") or () if isinstance(p, dict)}
            for gone in old_ports - kept_ports:
                if isinstance(gone, int):
                    self._on_commit.append(partial(self.node_ports.release, gone))
            old_ip = old_spec.get("clusterIP")
            if old_ip not in (None, "", "None") and old_ip != spec.get("clusterIP"):
                self._on_commit.append(partial(self.cluster_ips.release, old_ip))

    @staticmethod
    def _refuse(info: ResourceInfo, name: str, field: str, value: Any, message: str) -> NoReturn:
        errs = [invalid(field, value, message)]
        raise errors.invalid(info, name, format_invalid(info.kind, info.group, name, errs), [e.cause() for e in errs])

    def check_disruption_budgets(self, pod: dict[str, Any]) -> None:
        """Refuse an eviction that would take a PodDisruptionBudget below what it allows.

        Simplification: the budget is computed at eviction time from the pods' Ready conditions, with the
        disruption controller's arithmetic, instead of read from (and written back to) the budget's status.
        """
        namespace = pod["metadata"].get("namespace", "")
        labels = pod["metadata"].get("labels") or {}
        pdbs, _ = self.server.store.range(BY_PLURAL["poddisruptionbudgets"].prefix(namespace))
        if not pdbs:
            return
        pods = [decode(kv) for kv in self.server.store.range(BY_PLURAL["pods"].prefix(namespace))[0]]
        for kv in pdbs:
            pdb = decode(kv)
            try:
                selector = selector_from_dict(pdb.get("spec", {}).get("selector"))
            except SelectorError:
                continue
            if not selector.matches(labels):
                continue
            matching = [
                p
                for p in pods
                if selector.matches(p["metadata"].get("labels") or {}) and not p["metadata"].get("deletionTimestamp")
            ]
            numbers = budget(pdb.get("spec") or {}, matching)
            allowed = numbers.healthy - numbers.desired
            # A healthy pod needs a spare disruption; an unhealthy one only a budget that holds (IfHealthyBudget).
            if allowed < (1 if pod_ready(pod) else 0):
                raise errors.too_many_requests("Cannot evict pod as it would violate the pod's disruption budget.")


def _phase_transition_time(new: dict[str, Any], old: dict[str, Any], now: str) -> None:
    """The PV strategy's PrepareForUpdate: a phase change stamps status.lastPhaseTransitionTime."""
    status, old_status = new.get("status"), old.get("status") or {}
    if isinstance(status, dict) and status.get("phase") != old_status.get("phase"):
        status["lastPhaseTransitionTime"] = now


def _carry_service_allocations(new: dict[str, Any], old: dict[str, Any]) -> None:
    """An update that omits the ClusterIP or node ports keeps the allocated ones (patchAllocatedValues)."""
    new_spec, old_spec = new.setdefault("spec", {}), old.get("spec") or {}
    if not new_spec.get("clusterIP") and old_spec.get("clusterIP"):
        new_spec["clusterIP"] = old_spec["clusterIP"]
        new_spec["clusterIPs"] = old_spec.get("clusterIPs", [old_spec["clusterIP"]])
    old_ports = {
        (p.get("port"), p.get("protocol", "TCP")): p.get("nodePort")
        for p in old_spec.get("ports") or ()
        if isinstance(p, dict)
    }
    if new_spec.get("type") in ("NodePort", "LoadBalancer"):
        for port in new_spec.get("ports") or ():
            if isinstance(port, dict) and not port.get("nodePort"):
                previous = old_ports.get((port.get("port"), port.get("protocol", "TCP")))
                if previous:
                    port["nodePort"] = previous
