"""The horizontal pod autoscaler controller (``pkg/controller/podautoscaler/horizontal.go``, v1.32).

Every 15 s (``--horizontal-pod-autoscaler-sync-period``) each HPA is reconciled: read the target's
``/scale`` subresource, compute a replica count per metric from metrics.k8s.io, take the largest,
stabilize it against recent recommendations, clamp it to min/max and the scale rate, write the new
count through ``/scale``, and write the HPA's status with its three conditions (AbleToScale,
ScalingActive, ScalingLimited). Events (``SuccessfulRescale``, ``FailedGetResourceMetric`` ...) carry
Go's messages.

Simplification: only Resource and ContainerResource metrics have a source (metrics-server's);
Pods, Object and External metrics fail as they do in a cluster with no custom or external metrics
API registered.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.hpa import format_hpa_metrics
from kubetui.api.meta import key_of, split_key, timestamp
from kubetui.api.quantity import format_cpu
from kubetui.api.resources import RESOURCES, ResourceInfo
from kubetui.api.selectors import SelectorError, parse_label_selector
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.podautoscaler import metrics_client
from kubetui.controllers.podautoscaler.replica_calculator import (
    MetricsError,
    Proposal,
    raw_resource_replicas,
    resource_replicas,
)
from kubetui.controllers.podautoscaler.scaling_rules import ScalingHistory
from kubetui.controllers.podutil import index_pods

Obj = dict[str, Any]

SYNC_PERIOD = 15.0  # --horizontal-pod-autoscaler-sync-period
RESOURCE = "horizontalpodautoscalers"


class ReconcileError(Exception):
    """A reconcile that ends in an error (logged by Go; here in the trace); the HPA is retried next period."""


class HorizontalController(Controller):
    name = "horizontal-pod-autoscaler"

    def setup(self) -> None:
        self.history = ScalingHistory()
        self.selectors: dict[str, str] = {}  # HPA key -> its target's selector, for AmbiguousSelector
        self.hpas = self.informers.informer(RESOURCE)
        index_pods(self)
        self.pods = self.informers.informer("pods")
        self.hpas.add_handlers(self._enqueue, lambda _old, new: self._enqueue(new), self._deleted)

    def _enqueue(self, hpa: Obj) -> None:
        """enqueueHPA: always with the sync period's delay; a key already waiting keeps its earlier time."""
        self.queue.add_after(key_of(hpa), SYNC_PERIOD)

    def _deleted(self, hpa: Obj) -> None:
        key = key_of(hpa)
        self.selectors.pop(key, None)
        self.queue.add(key)  # the reconcile finds it gone and forgets its history

    # -- reconcile ---------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        cached = self.hpas.get(namespace, name)
        if cached is None:
            self.history.forget(key)
            self.selectors.pop(key, None)
            return
        try:
            self._reconcile(key, deep_copy(cached))
        except ReconcileError as err:
            self.record(f"HorizontalPodAutoscaler {key}", "error", "retry", str(err))
        finally:
            if self.hpas.get(namespace, name) is not None:
                self.queue.add_after(key, SYNC_PERIOD)

    def _reconcile(self, key: str, hpa: Obj) -> None:
        """reconcileAutoscaler."""
        spec = hpa.get("spec") or {}
        status_before = deep_copy(hpa.get("status") or {})
        hpa["status"] = deep_copy(status_before)
        hpa["status"].setdefault("currentReplicas", 0)
        hpa["status"].setdefault("desiredReplicas", 0)
        ref = spec.get("scaleTargetRef") or {}
        reference = f"{ref.get('kind', '')}/{hpa['metadata'].get('namespace', '')}/{ref.get('name', '')}"
        try:
            info = _scale_resource(ref)
            scale = self.client.get_scale(info.plural, hpa["metadata"].get("namespace", ""), str(ref.get("name", "")))
        except (ApiError, _MappingError) as err:
            message = err.message if isinstance(err, ApiError) else str(err)
            self.event(hpa, "Warning", "FailedGetScale", message)
            self._condition(hpa, "AbleToScale", "False", "FailedGetScale",
                            f"the HPA controller was unable to get the target's current scale: {message}")
            self._update_status_if_needed(status_before, hpa)
            raise ReconcileError(f"failed to query scale subresource for {reference}: {message}") from err
        self._condition(hpa, "AbleToScale", "True", "SucceededGetScale",
                        "the HPA controller was able to get the target's current scale")
        current = int((scale.get("spec") or {}).get("replicas") or 0)
        now = self.clock.now
        self.history.record_initial(key, current, now)
        min_replicas = spec.get("minReplicas")
        min_replicas = min_replicas if isinstance(min_replicas, int) else 1
        max_replicas = int(spec.get("maxReplicas") or 0)
        statuses: list[Obj] = []
        desired = 0
        reason = ""
        rescale = True
        if current == 0 and min_replicas != 0:
            rescale = False  # autoscaling is disabled for this target
            self._condition(hpa, "ScalingActive", "False", "ScalingDisabled",
                            "scaling is disabled since the replica count of the target is zero")
        elif current > max_replicas:
            reason, desired = "Current number of replicas above Spec.MaxReplicas", max_replicas
        elif current < min_replicas:
            reason, desired = "Current number of replicas below Spec.MinReplicas", min_replicas
        else:
            proposed, metric, statuses, error = self._replicas_for_metrics(hpa, scale, spec.get("metrics") or [])
            if error is not None and proposed == -1:
                self._set_status(hpa, current, hpa["status"].get("desiredReplicas", 0), statuses, False)
                self._update_status_if_needed(status_before, hpa)
                self.event(hpa, "Warning", "FailedComputeMetricsReplicas", error)
                raise ReconcileError(
                    f"failed to compute desired number of replicas based on listed metrics for {reference}: {error}"
                )
            if proposed > desired:
                desired = proposed
            if desired > current:
                reason = f"{metric} above target"
            if desired < current:
                reason = "All metrics below target"
            behavior = spec.get("behavior")
            if isinstance(behavior, dict):
                limited = self.history.normalize_with_behavior(key, behavior, current, desired, min_replicas,
                                                               max_replicas, now)
            else:
                limited = self.history.normalize(key, current, desired, min_replicas, max_replicas, now)
            self._condition(hpa, "AbleToScale", "True", *limited.able)
            self._condition(hpa, "ScalingLimited", "True" if limited.limited else "False", *limited.limit)
            desired = limited.replicas
            rescale = desired != current
        if rescale:
            scale.setdefault("spec", {})["replicas"] = desired
            try:
                self.client.update_scale(info.plural, scale)
            except ApiError as err:
                self.event(hpa, "Warning", "FailedRescale",
                           f"New size: {desired}; reason: {reason}; error: {err.message}")
                self._condition(hpa, "AbleToScale", "False", "FailedUpdateScale",
                                f"the HPA controller was unable to update the target scale: {err.message}")
                self._set_status(hpa, current, hpa["status"].get("desiredReplicas", 0), statuses, False)
                self._update_status_if_needed(status_before, hpa)
                raise ReconcileError(f"failed to rescale {reference}: {err.message}") from err
            self._condition(hpa, "AbleToScale", "True", "SucceededRescale",
                            f"the HPA controller was able to update the target scale to {desired}")
            self.event(hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}")
            self.history.store_scale_event(key, spec.get("behavior") if isinstance(spec.get("behavior"), dict)
                                           else None, current, desired, now)
            self.record(f"HorizontalPodAutoscaler {key}", format_hpa_metrics(spec.get("metrics"), statuses),
                        f"{desired} replicas", f"scale {ref.get('kind')}/{ref.get('name')} {current} → {desired}")
        else:
            desired = current
        self._set_status(hpa, current, desired, statuses, rescale)
        self._update_status_if_needed(status_before, hpa)

    # -- metrics -----------------------------------------------------------------------------------
    def _replicas_for_metrics(self, hpa: Obj, scale: Obj, specs: list[Obj]) -> tuple[int, str, list[Obj], str | None]:
        """computeReplicasForMetrics: the largest proposal; an error if every metric failed, or some did and
        the rest would scale down."""
        selector_text = str((scale.get("status") or {}).get("selector") or "")
        try:
            pods = self._validate_selector(hpa, selector_text)
        except ReconcileError as err:
            return -1, "", [], str(err)
        spec_replicas = int((scale.get("spec") or {}).get("replicas") or 0)
        statuses: list[Obj] = [{} for _ in specs]
        replicas, metric = 0, ""
        invalid = 0
        first_error = ""
        first_condition: tuple[str, str, str, str] | None = None
        for i, metric_spec in enumerate(specs):
            try:
                proposal, name, statuses[i] = self._replicas_for_metric(hpa, metric_spec, spec_replicas,
                                                                       selector_text, pods)
            except _MetricFailure as failure:
                if invalid == 0:
                    first_error, first_condition = failure.message, failure.condition
                invalid += 1
                continue
            if replicas == 0 or proposal > replicas:
                replicas, metric = proposal, name
        error = None
        if invalid:
            error = f"invalid metrics ({invalid} invalid out of {len(specs)}), first error is: {first_error}"
        if invalid >= len(specs) or (invalid and replicas < spec_replicas):
            if first_condition is not None:
                self._condition(hpa, *first_condition)
            return -1, "", statuses, error or "no metrics"
        self._condition(hpa, "ScalingActive", "True", "ValidMetricFound",
                        f"the HPA was able to successfully calculate a replica count from {metric}")
        return replicas, metric, statuses, error

    def _validate_selector(self, hpa: Obj, selector_text: str) -> list[Obj]:
        """validateAndParseSelector; the pods the selector picks, which the metrics are then computed over."""
        if not selector_text:
            self.event(hpa, "Warning", "SelectorRequired", "selector is required")
            self._condition(hpa, "ScalingActive", "False", "InvalidSelector",
                            "the HPA target's scale is missing a selector")
            raise ReconcileError("selector is required")
        try:
            selector = parse_label_selector(selector_text)
        except SelectorError as err:
            message = f"couldn't convert selector into a corresponding internal selector object: {err}"
            self.event(hpa, "Warning", "InvalidSelector", message)
            self._condition(hpa, "ScalingActive", "False", "InvalidSelector", message)
            raise ReconcileError(message) from err
        key = key_of(hpa)
        self.selectors[key] = selector_text
        namespace = hpa["metadata"].get("namespace", "")
        pods = [p for p in self.pods.by_index("namespace", namespace)
                if selector.matches((p.get("metadata") or {}).get("labels") or {})]
        selecting = sorted(
            other for other, text in self.selectors.items()
            if split_key(other)[0] == namespace and self.hpas.get_by_key(other) is not None
            and any(parse_label_selector(text).matches((p.get("metadata") or {}).get("labels") or {}) for p in pods)
        )
        if len(selecting) > 1:
            names = "[" + " ".join(selecting) + "]"  # selectors.Key prints as namespace/name
            message = f"pods by selector {selector_text} are controlled by multiple HPAs: {names}"
            self.event(hpa, "Warning", "AmbiguousSelector", message)
            self._condition(hpa, "ScalingActive", "False", "AmbiguousSelector", message)
            raise ReconcileError(message)
        return pods

    def _replicas_for_metric(self, hpa: Obj, spec: Obj, spec_replicas: int, selector: str,
                             pods: list[Obj]) -> tuple[int, str, Obj]:
        """computeReplicasForMetric: one metric's proposal, its name and its status."""
        kind = spec.get("type")
        namespace = hpa["metadata"].get("namespace", "")
        if kind in ("Resource", "ContainerResource"):
            source = spec.get("resource" if kind == "Resource" else "containerResource") or {}
            resource = str(source.get("name", ""))
            container = str(source.get("container", "")) if kind == "ContainerResource" else ""
            reason = "FailedGetResourceMetric" if kind == "Resource" else "FailedGetContainerResourceMetric"
            try:
                proposal, name, current = self._resource_proposal(spec_replicas, source.get("target") or {},
                                                                  resource, namespace, selector, pods, container,
                                                                  kind)
            except MetricsError as err:
                self.event(hpa, "Warning", reason, str(err))
                raise _MetricFailure(
                    f"failed to get {resource} {'resource' if kind == 'Resource' else 'container resource'} "
                    f"metric value: {err}",
                    ("ScalingActive", "False", reason, f"the HPA was unable to compute the replica count: {err}"),
                ) from err
            status: Obj = {"type": kind, ("resource" if kind == "Resource" else "containerResource"): {
                "name": resource, **({"container": container} if container else {}), "current": current}}
            return proposal.replicas, name, status
        if kind in ("Pods", "Object", "External"):
            reason, cause, wrapped = _unserved_metric(kind, spec, namespace)
            self.event(hpa, "Warning", reason, cause)
            raise _MetricFailure(
                wrapped, ("ScalingActive", "False", reason, f"the HPA was unable to compute the replica count: {cause}")
            )
        message = f'unknown metric source type "{kind}"'
        self.event(hpa, "Warning", "InvalidMetricSourceType", message)
        raise _MetricFailure(message, ("ScalingActive", "False", "InvalidMetricSourceType",
                                       f"the HPA was unable to compute the replica count: {message}"))

    def _resource_proposal(self, current: int, target: Obj, resource: str, namespace: str, selector: str,
                           pods: list[Obj], container: str, kind: str) -> tuple[Proposal, str, Obj]:
        """computeStatusForResourceMetricGeneric."""
        average_value = target.get("averageValue")
        now = self.clock.now
        if average_value is not None:
            from kubetui.api.quantity import QuantityError, cpu_millis

            try:
                metrics, _ = metrics_client.resource_metric(self.client, resource, namespace, selector, container)
                proposal = raw_resource_replicas(current, cpu_millis(average_value), resource, pods, metrics, now)
            except (MetricsError, QuantityError) as err:
                raise MetricsError(f"failed to get {resource} usage: {err}") from err
            return proposal, f"{resource} resource", {"averageValue": format_cpu(proposal.raw_average)}
        utilization = target.get("averageUtilization")
        if not isinstance(utilization, int):
            raise MetricsError("invalid resource metric source: neither an average utilization target nor an "
                               "average value (usage) target was set")
        try:
            try:
                metrics, _ = metrics_client.resource_metric(self.client, resource, namespace, selector, container)
            except MetricsError as err:
                raise MetricsError(f"unable to get metrics for resource {resource}: {err}") from err
            proposal = resource_replicas(current, utilization, resource, pods, metrics, now, container)
        except MetricsError as err:
            raise MetricsError(f"failed to get {resource} utilization: {err}") from err
        name = (f"{resource} resource utilization (percentage of request)" if kind == "Resource"
                else f"{resource} container resource utilization (percentage of request)")
        return proposal, name, {"averageUtilization": proposal.utilization,
                                "averageValue": format_cpu(proposal.raw_average)}

    # -- status ------------------------------------------------------------------------------------
    def _condition(self, hpa: Obj, ctype: str, status: str, reason: str, message: str) -> None:
        """setCondition: lastTransitionTime moves only when the status flips."""
        conditions = hpa["status"].setdefault("conditions", [])
        found = next((c for c in conditions if c.get("type") == ctype), None)
        if found is None:
            found = {"type": ctype}
            conditions.append(found)
        if found.get("status") != status:
            found["lastTransitionTime"] = timestamp(self.clock.now)
        found.update(status=status, reason=reason, message=message)

    def _set_status(self, hpa: Obj, current: int, desired: int, metrics: list[Obj], rescale: bool) -> None:
        before = hpa["status"]
        status: Obj = {"currentReplicas": current, "desiredReplicas": desired}
        if rescale:
            status["lastScaleTime"] = timestamp(self.clock.now)
        elif before.get("lastScaleTime"):
            status["lastScaleTime"] = before["lastScaleTime"]
        if any(metrics):
            status["currentMetrics"] = [m if m else {"type": ""} for m in metrics]
        if before.get("conditions"):
            status["conditions"] = before["conditions"]
        hpa["status"] = status

    def _update_status_if_needed(self, before: Obj, hpa: Obj) -> None:
        if hpa["status"] == before:
            return
        try:
            self.client.update_status(RESOURCE, hpa)
        except ApiError as err:
            self.event(hpa, "Warning", "FailedUpdateStatus", err.message)
            raise ReconcileError(f"failed to update status for {hpa['metadata'].get('name')}: {err.message}") from err


class _MappingError(Exception):
    """No served kind matches the scale target reference (the RESTMapper's error)."""

    @property
    def message(self) -> str:
        return str(self)


class _MetricFailure(Exception):
    def __init__(self, message: str, condition: tuple[str, str, str, str]) -> None:
        super().__init__(message)
        self.message = message
        self.condition = condition


NO_CUSTOM_METRICS = (
    "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered"
)


def _unserved_metric(kind: str, spec: Obj, namespace: str) -> tuple[str, str, str]:
    """(reason, the Event's message, the error computeReplicasForMetric returns) for a metric whose API nobody
    serves: Go's custom metrics client finds no custom.metrics.k8s.io in discovery; the external one asks anyway
    and gets a 404."""
    source = spec.get(kind.lower()) or {}
    metric = source.get("metric") or {}
    name = str(metric.get("name", ""))
    if kind == "Pods":
        cause = f"unable to get metric {name}: {NO_CUSTOM_METRICS}"
        return "FailedGetPodsMetric", cause, f"failed to get pods metric value: {cause}"
    if kind == "Object":
        described = source.get("describedObject") or {}
        # Go's format string puts its arguments one place off: the kind lands where the error was meant to be
        cause = (f"unable to get metric {name}: {described.get('kind', '')} on {namespace} "
                 f"{described.get('name', '')}/{NO_CUSTOM_METRICS}")
        return "FailedGetObjectMetric", cause, f"failed to get object metric value: {cause}"
    not_found = f"the server could not find the requested resource (get {name}.external.metrics.k8s.io)"
    cause = (f"unable to get external metric {namespace}/{name}/{_go_label_selector(metric.get('selector'))}: "
             f"unable to fetch metrics from external metrics API: {not_found}")
    return "FailedGetExternalMetric", cause, f"failed to get {name} external metric value: {cause}"


def _go_label_selector(selector: Any) -> str:
    """``%+v`` of a ``*metav1.LabelSelector`` (its generated String())."""
    if not isinstance(selector, dict):
        return "nil"
    labels = selector.get("matchLabels") or {}
    pairs = "".join(f"{k}: {labels[k]}," for k in sorted(labels))
    requirements = "".join(
        f"LabelSelectorRequirement{{Key:{r.get('key', '')},Operator:{r.get('operator', '')},"
        f"Values:[{' '.join(r.get('values') or [])}],}},"
        for r in selector.get("matchExpressions") or [] if isinstance(r, dict))
    return (f"&LabelSelector{{MatchLabels:map[string]string{{{pairs}}},"
            f"MatchExpressions:[]LabelSelectorRequirement{{{requirements}}},}}")


def _scale_resource(ref: Obj) -> ResourceInfo:
    """The RESTMapper's answer for the reference's group and kind."""
    api_version = str(ref.get("apiVersion") or "")
    if api_version.count("/") > 1:
        raise _MappingError(f"unexpected GroupVersion string: {api_version}")
    group = api_version.split("/")[0] if "/" in api_version else ""
    kind = str(ref.get("kind") or "")
    for info in RESOURCES:
        if info.kind == kind and info.group == group:
            return info
    raise _MappingError(f'no matches for kind "{kind}" in group "{group}"')
