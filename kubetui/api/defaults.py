"""Defaulting: the fields the API server fills in before an object is validated and stored.

What a learner sees in ``kubectl get -o yaml`` that they never wrote (``restartPolicy: Always``,
``strategy.rollingUpdate.maxSurge: 25%``, ``imagePullPolicy: IfNotPresent``...) comes from here.
The rules follow Kubernetes v1.30-1.32:

* ``pkg/apis/core/v1/defaults.go``      Pod, PodSpec, Container, Probe, Service, Namespace, Node, Secret,
  ReplicationController
* ``pkg/apis/apps/v1/defaults.go``      Deployment, ReplicaSet, DaemonSet, StatefulSet
* ``pkg/apis/batch/v1/defaults.go``     Job (plus the selector the Job strategy generates), CronJob
* ``pkg/apis/networking/v1/defaults.go`` IngressClass
* ``pkg/apis/autoscaling/v2/defaults.go`` HorizontalPodAutoscaler
* ``pkg/apis/storage/v1/defaults.go``   StorageClass (PersistentVolume[Claim] are in core/v1's)
* ``plugin/pkg/admission/defaulttolerationseconds``   ``add_default_toleration_seconds``

A few steps that Kubernetes does in the registry "strategy" rather than in defaults.go (namespace
finalizers, Service ipFamilies, Secret ``stringData``, the Job selector) are done here too, since
kubetui has no separate strategy layer; each says so.

Everything works in place on wire-form dicts and ignores values of the wrong type (validation
reports those), so it is safe to call on anything.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from kubetui.api.models.pod import VOLUME_SOURCE_FIELDS
from kubetui.api.quantity import canonical

DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30
DEFAULT_SCHEDULER_NAME = "default-scheduler"
DEFAULT_TOLERATION_SECONDS = 300  # --default-not-ready-toleration-seconds / -unreachable-
DEFAULT_CLIENT_IP_AFFINITY_SECONDS = 10800  # 3 hours

TAINT_NODE_NOT_READY = "node.kubernetes.io/not-ready"
TAINT_NODE_UNREACHABLE = "node.kubernetes.io/unreachable"

# Job labels (pkg/apis/batch/types.go); the unprefixed ones are kept for compatibility.
JOB_LEGACY_NAME_LABEL = "job-name"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
JOB_LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
JOB_CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"


def _obj(parent: dict[str, Any], key: str) -> dict[str, Any] | None:
    """``parent[key]`` if it is a dict, creating it when absent or null; None if it has a wrong type."""
    value = parent.get(key)
    if value is None:
        value = parent[key] = {}
    return value if isinstance(value, dict) else None


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The dict items of a list (skipping garbage), or [] if it is not a list."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _setdefault(d: dict[str, Any], key: str, value: Any) -> None:
    """Like dict.setdefault, but a JSON null counts as unset (as a nil pointer does in Go)."""
    if d.get(key) is None:
        d[key] = value


# --- containers and pods ----------------------------------------------------------------------


def image_tag(image: str) -> str:
    """The tag of an image reference, as ``parsers.ParseImageName`` would report it.

    ``nginx`` -> ``latest`` (implied), ``nginx:1.25`` -> ``1.25``, ``repo:5000/app`` -> ``latest``,
    ``nginx@sha256:...`` -> ``""`` (a digest and no tag).
    """
    if not image:
        return ""
    name, at, _digest = image.partition("@")
    last_segment = name.rsplit("/", 1)[-1]
    if ":" in last_segment:
        return last_segment.rsplit(":", 1)[1]
    return "" if at else "latest"


def _default_probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    _setdefault(probe, "timeoutSeconds", 1)
    _setdefault(probe, "periodSeconds", 10)
    _setdefault(probe, "successThreshold", 1)
    _setdefault(probe, "failureThreshold", 3)
    _default_handler(probe)


def _default_handler(handler: Any) -> None:
    """SetDefaults_HTTPGetAction: path "/" and scheme HTTP."""
    if isinstance(handler, dict) and isinstance(handler.get("httpGet"), dict):
        http = handler["httpGet"]
        if not http.get("path"):
            http["path"] = "/"
        if not http.get("scheme"):
            http["scheme"] = "HTTP"


def _default_env(container: dict[str, Any]) -> None:
    for env in _dicts(container.get("env")):
        source = env.get("valueFrom")
        if isinstance(source, dict) and isinstance(source.get("fieldRef"), dict):
            ref = source["fieldRef"]
            if not ref.get("apiVersion"):
                ref["apiVersion"] = "v1"  # SetDefaults_ObjectFieldSelector


def _canonical_quantities(quantities: Any, keys: tuple[str, ...] | None = None) -> None:
    """Quantities (of ``keys``, or every value) as the decoder stores them: ``Quantity.String()`` (``0.5`` ->
    ``"500m"``, ``"1024Mi"`` -> ``"1Gi"``, ``"1.0"`` -> ``"1"``). A value that is not a quantity is left for
    validation to report."""
    if not isinstance(quantities, dict):
        return
    for name, value in quantities.items():
        if keys is not None and name not in keys:
            continue
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            try:
                quantities[name] = canonical(value)
            except (ValueError, TypeError, ArithmeticError):
                continue


def default_container(container: dict[str, Any]) -> None:
    """SetDefaults_Container and friends, for one container of any kind (regular or init)."""
    resources = container.get("resources")
    if isinstance(resources, dict):
        _canonical_quantities(resources.get("requests"))
        _canonical_quantities(resources.get("limits"))
    elif resources is None:
        container["resources"] = {}  # a Go struct, not a pointer: it is written out even when empty
    if not container.get("imagePullPolicy"):
        image = container.get("image")
        tag = image_tag(image) if isinstance(image, str) else ""
        container["imagePullPolicy"] = "Always" if tag == "latest" else "IfNotPresent"
    if not container.get("terminationMessagePath"):
        container["terminationMessagePath"] = "/dev/termination-log"
    if not container.get("terminationMessagePolicy"):
        container["terminationMessagePolicy"] = "File"
    for port in _dicts(container.get("ports")):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
    for key in ("livenessProbe", "readinessProbe", "startupProbe"):
        _default_probe(container.get(key))
    lifecycle = container.get("lifecycle")
    if isinstance(lifecycle, dict):
        _default_handler(lifecycle.get("postStart"))
        _default_handler(lifecycle.get("preStop"))
    _default_env(container)


def _default_volume(volume: dict[str, Any]) -> None:
    """SetDefaults_Volume (no source means emptyDir) and the file modes of projected sources."""
    if not any(volume.get(k) is not None for k in VOLUME_SOURCE_FIELDS):
        volume["emptyDir"] = {}
    for key in ("configMap", "secret", "downwardAPI", "projected"):
        src = volume.get(key)
        if isinstance(src, dict):
            _setdefault(src, "defaultMode", 0o644)  # 420
    host_path = volume.get("hostPath")
    if isinstance(host_path, dict):
        _setdefault(host_path, "type", "")


def default_pod_spec(spec: dict[str, Any]) -> None:
    """SetDefaults_PodSpec: what every pod *and every pod template* gets."""
    if not spec.get("dnsPolicy"):
        spec["dnsPolicy"] = "ClusterFirst"
    if not spec.get("restartPolicy"):
        spec["restartPolicy"] = "Always"
    _setdefault(spec, "securityContext", {})
    _setdefault(spec, "terminationGracePeriodSeconds", DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS)
    if not spec.get("schedulerName"):
        spec["schedulerName"] = DEFAULT_SCHEDULER_NAME
    for container in _dicts(spec.get("initContainers")) + _dicts(spec.get("containers")):
        default_container(container)
    for volume in _dicts(spec.get("volumes")):
        _default_volume(volume)
        empty_dir = volume.get("emptyDir")
        if isinstance(empty_dir, dict):
            _canonical_quantities(empty_dir, ("sizeLimit",))
    _canonical_quantities(spec.get("overhead"))


def _default_pod_template(template: Any) -> None:
    if isinstance(template, dict):
        spec = _obj(template, "spec")
        if spec is not None:
            default_pod_spec(spec)


def default_pod(pod: dict[str, Any]) -> None:
    """SetDefaults_Pod: the PodSpec defaults plus a few that apply to real pods only, not templates."""
    spec = _obj(pod, "spec")
    if spec is None:
        return
    default_pod_spec(spec)
    for container in _dicts(spec.get("initContainers")) + _dicts(spec.get("containers")):
        # Limits without requests: the request defaults to the limit (pods only, not templates).
        resources = container.get("resources")
        if isinstance(resources, dict) and isinstance(resources.get("limits"), dict):
            requests = resources.get("requests")
            if requests is None:
                requests = resources["requests"] = {}
            if isinstance(requests, dict):
                for name, qty in resources["limits"].items():
                    requests.setdefault(name, qty)
                if not requests:
                    del resources["requests"]
    _setdefault(spec, "enableServiceLinks", True)
    if spec.get("hostNetwork") is True:
        # With the host's network the ports *are* host ports (defaultHostNetworkPorts).
        for container in _dicts(spec.get("initContainers")) + _dicts(spec.get("containers")):
            for port in _dicts(container.get("ports")):
                if not port.get("hostPort"):
                    port["hostPort"] = port.get("containerPort")


def add_default_toleration_seconds(pod: dict[str, Any]) -> None:
    """The DefaultTolerationSeconds admission plugin (run on pod create).

    Unless the pod already tolerates them, it tolerates the ``not-ready`` and ``unreachable``
    NoExecute taints for 300 s: that is why pods wait five minutes before being evicted from a
    dead node (plugin/pkg/admission/defaulttolerationseconds/admission.go).
    """
    spec = _obj(pod, "spec")
    if spec is None:
        return
    tolerations = spec.get("tolerations")
    if tolerations is None:
        tolerations = []
    if not isinstance(tolerations, list):
        return
    tolerates_not_ready = tolerates_unreachable = False
    for t in _dicts(tolerations):
        key, effect = t.get("key") or "", t.get("effect") or ""
        if effect in ("", "NoExecute"):
            tolerates_not_ready |= key in ("", TAINT_NODE_NOT_READY)
            tolerates_unreachable |= key in ("", TAINT_NODE_UNREACHABLE)
    added = []
    for key, tolerated in (
        (TAINT_NODE_NOT_READY, tolerates_not_ready),
        (TAINT_NODE_UNREACHABLE, tolerates_unreachable),
    ):
        if not tolerated:
            added.append(
                {
                    "key": key,
                    "operator": "Exists",
                    "effect": "NoExecute",
                    "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
                }
            )
    if added:
        spec["tolerations"] = [*tolerations, *added]


# --- workloads ---------------------------------------------------------------------------------


def _default_deployment(obj: dict[str, Any]) -> None:
    spec = _obj(obj, "spec")
    if spec is None:
        return
    _setdefault(spec, "replicas", 1)
    strategy = _obj(spec, "strategy")
    if strategy is not None:
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
        if strategy["type"] == "RollingUpdate":
            rolling = _obj(strategy, "rollingUpdate")
            if rolling is not None:
                _setdefault(rolling, "maxUnavailable", "25%")
                _setdefault(rolling, "maxSurge", "25%")
    _setdefault(spec, "revisionHistoryLimit", 10)
    _setdefault(spec, "progressDeadlineSeconds", 600)
    _default_pod_template(spec.get("template"))


def _default_replicaset(obj: dict[str, Any]) -> None:
    spec = _obj(obj, "spec")
    if spec is None:
        return
    _setdefault(spec, "replicas", 1)
    _default_pod_template(spec.get("template"))


def _default_daemonset(obj: dict[str, Any]) -> None:
    spec = _obj(obj, "spec")
    if spec is None:
        return
    strategy = _obj(spec, "updateStrategy")
    if strategy is not None:
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
        if strategy["type"] == "RollingUpdate":
            rolling = _obj(strategy, "rollingUpdate")
            if rolling is not None:
                _setdefault(rolling, "maxUnavailable", 1)
                _setdefault(rolling, "maxSurge", 0)
    _setdefault(spec, "revisionHistoryLimit", 10)
    _default_pod_template(spec.get("template"))


def _default_statefulset(obj: dict[str, Any]) -> None:
    spec = _obj(obj, "spec")
    if spec is None:
        return
    if not spec.get("podManagementPolicy"):
        spec["podManagementPolicy"] = "OrderedReady"
    strategy = _obj(spec, "updateStrategy")
    if strategy is not None:
        if not strategy.get("type"):
            strategy["type"] = "RollingUpdate"
        if strategy["type"] == "RollingUpdate":
            rolling = _obj(strategy, "rollingUpdate")
            if rolling is not None:
                _setdefault(rolling, "partition", 0)
    policy = _obj(spec, "persistentVolumeClaimRetentionPolicy")
    if policy is not None:
        if not policy.get("whenDeleted"):
            policy["whenDeleted"] = "Retain"
        if not policy.get("whenScaled"):
            policy["whenScaled"] = "Retain"
    _setdefault(spec, "replicas", 1)
    _setdefault(spec, "revisionHistoryLimit", 10)
    for pvc in _dicts(spec.get("volumeClaimTemplates")):
        pvc_spec = _obj(pvc, "spec")
        if pvc_spec is not None and not pvc_spec.get("volumeMode"):
            pvc_spec["volumeMode"] = "Filesystem"
    _default_pod_template(spec.get("template"))


def _default_job(obj: dict[str, Any]) -> None:
    spec = _obj(obj, "spec")
    if spec is None:
        return
    # A non-parallel Job may leave both unset; then both are 1.
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    _setdefault(spec, "parallelism", 1)
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = 2147483647 if spec.get("backoffLimitPerIndex") is not None else 6
    template = spec.get("template")
    meta = _obj(obj, "metadata")
    if isinstance(template, dict) and meta is not None:
        template_meta = template.get("metadata")
        labels = template_meta.get("labels") if isinstance(template_meta, dict) else None
        if isinstance(labels, dict) and labels and not meta.get("labels"):
            meta["labels"] = dict(labels)
    if not spec.get("completionMode"):
        spec["completionMode"] = "NonIndexed"
    _setdefault(spec, "suspend", False)
    if not spec.get("podReplacementPolicy"):
        spec["podReplacementPolicy"] = "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed"
    _default_pod_template(template)
    if meta is not None and meta.get("uid") and spec.get("manualSelector") is not True:
        generate_job_selector(obj)
        # Read back from etcd, the Job is defaulted again: one that had no labels (nor its template) now
        # takes the generated ones, as `kubectl describe job` shows on a real cluster.
        template_meta = template.get("metadata") if isinstance(template, dict) else None
        labels = template_meta.get("labels") if isinstance(template_meta, dict) else None
        if isinstance(labels, dict) and labels and not meta.get("labels"):
            meta["labels"] = dict(labels)


def _default_cronjob(obj: dict[str, Any]) -> None:
    """SetDefaults_CronJob; the job template's JobSpec is not defaulted here (only its pod template), so the
    Jobs the controller makes from it get their defaults when they are created."""
    spec = _obj(obj, "spec")
    if spec is None:
        return
    if not spec.get("concurrencyPolicy"):
        spec["concurrencyPolicy"] = "Allow"
    _setdefault(spec, "suspend", False)
    _setdefault(spec, "successfulJobsHistoryLimit", 3)
    _setdefault(spec, "failedJobsHistoryLimit", 1)
    job_template = _obj(spec, "jobTemplate")
    job_spec = _obj(job_template, "spec") if job_template is not None else None
    if job_spec is not None:
        _default_pod_template(job_spec.get("template"))


def generate_job_selector(job: dict[str, Any]) -> None:
    """The Job strategy's ``generateSelector``: label the template and select it by the Job's uid.

    Kubernetes does this on create, after the API server has assigned ``metadata.uid``; so
    ``apply_defaults`` calls it only once the uid is set.
    """
    meta = job.get("metadata") if isinstance(job.get("metadata"), dict) else {}
    spec = job.get("spec")
    template = spec.get("template") if isinstance(spec, dict) else None
    if not isinstance(spec, dict) or not isinstance(template, dict) or not isinstance(meta, dict):
        return
    template_meta = _obj(template, "metadata")
    labels = _obj(template_meta, "labels") if template_meta is not None else None
    if labels is None:
        return
    name, uid = str(meta.get("name") or ""), str(meta.get("uid") or "")
    labels.setdefault(JOB_LEGACY_NAME_LABEL, name)
    labels.setdefault(JOB_NAME_LABEL, name)
    labels.setdefault(JOB_LEGACY_CONTROLLER_UID_LABEL, uid)
    labels.setdefault(JOB_CONTROLLER_UID_LABEL, uid)
    selector = _obj(spec, "selector")
    match_labels = _obj(selector, "matchLabels") if selector is not None else None
    if match_labels is not None:
        match_labels.setdefault(JOB_CONTROLLER_UID_LABEL, uid)


# --- core kinds --------------------------------------------------------------------------------


def _default_service(obj: dict[str, Any]) -> None:
    spec = _obj(obj, "spec")
    if spec is None:
        return
    if not spec.get("sessionAffinity"):
        spec["sessionAffinity"] = "None"
    if spec["sessionAffinity"] == "None":
        spec.pop("sessionAffinityConfig", None)
    elif spec["sessionAffinity"] == "ClientIP":
        config = spec.get("sessionAffinityConfig")
        client_ip = config.get("clientIP") if isinstance(config, dict) else None
        if not isinstance(client_ip, dict) or client_ip.get("timeoutSeconds") is None:
            spec["sessionAffinityConfig"] = {
                "clientIP": {"timeoutSeconds": DEFAULT_CLIENT_IP_AFFINITY_SECONDS}
            }
    if not spec.get("type"):
        spec["type"] = "ClusterIP"
    svc_type = spec["type"]
    for port in _dicts(spec.get("ports")):
        if not port.get("protocol"):
            port["protocol"] = "TCP"
        if port.get("targetPort") in (None, 0, ""):
            port["targetPort"] = port.get("port")
    externally_accessible = svc_type in ("LoadBalancer", "NodePort") or (
        svc_type == "ClusterIP" and bool(spec.get("externalIPs"))
    )
    if externally_accessible and not spec.get("externalTrafficPolicy"):
        spec["externalTrafficPolicy"] = "Cluster"
    if spec.get("internalTrafficPolicy") is None and svc_type in ("ClusterIP", "NodePort", "LoadBalancer"):
        spec["internalTrafficPolicy"] = "Cluster"
    if svc_type == "LoadBalancer":
        _setdefault(spec, "allocateLoadBalancerNodePorts", True)
    # Registry strategy, not defaults.go: keep clusterIP and clusterIPs in step, and pick the IP
    # families of a single-stack IPv4 cluster (ClusterIP/NodePort allocation is the apiserver's).
    cluster_ip = spec.get("clusterIP")
    if isinstance(cluster_ip, str) and cluster_ip and not spec.get("clusterIPs"):
        spec["clusterIPs"] = [cluster_ip]
    if svc_type != "ExternalName":
        _setdefault(spec, "ipFamilyPolicy", "SingleStack")
        if not spec.get("ipFamilies"):
            spec["ipFamilies"] = ["IPv4"]


def _default_namespace(obj: dict[str, Any]) -> None:
    meta = _obj(obj, "metadata")
    name = meta.get("name") if meta is not None else None
    if meta is not None and isinstance(name, str) and name:
        labels = _obj(meta, "labels")
        if labels is not None:
            labels["kubernetes.io/metadata.name"] = name
    spec = _obj(obj, "spec")
    if spec is not None and spec.get("finalizers") is None:
        spec["finalizers"] = ["kubernetes"]  # namespace strategy PrepareForCreate
    status = _obj(obj, "status")
    if status is not None and not status.get("phase"):
        status["phase"] = "Active"


def _default_node(obj: dict[str, Any]) -> None:
    status = obj.get("status")
    if (
        isinstance(status, dict)
        and isinstance(status.get("capacity"), dict)
        and status.get("allocatable") is None
    ):
        status["allocatable"] = dict(status["capacity"])  # SetDefaults_NodeStatus


def _default_secret(obj: dict[str, Any]) -> None:
    if not obj.get("type"):
        obj["type"] = "Opaque"
    # v1 -> internal conversion: stringData is write-only; it is merged into data (base64) and dropped.
    string_data = obj.get("stringData")
    if isinstance(string_data, dict) and string_data:
        data = _obj(obj, "data")
        if data is not None:
            for key, value in string_data.items():
                if isinstance(value, str):
                    data[key] = base64.b64encode(value.encode()).decode()
    if isinstance(string_data, dict):
        del obj["stringData"]


def _default_endpoints(obj: dict[str, Any]) -> None:
    for subset in _dicts(obj.get("subsets")):
        for port in _dicts(subset.get("ports")):
            if not port.get("protocol"):
                port["protocol"] = "TCP"


def _default_endpointslice(obj: dict[str, Any]) -> None:
    for port in _dicts(obj.get("ports")):
        _setdefault(port, "name", "")
        if not port.get("protocol"):
            port["protocol"] = "TCP"


def _default_priorityclass(obj: dict[str, Any]) -> None:
    if not obj.get("preemptionPolicy"):
        obj["preemptionPolicy"] = "PreemptLowerPriority"


def _default_replicationcontroller(obj: dict[str, Any]) -> None:
    """SetDefaults_ReplicationController: the selector, and the object's labels, from the template's labels."""
    spec = _obj(obj, "spec")
    if spec is None:
        return
    template = spec.get("template")
    template_meta = template.get("metadata") if isinstance(template, dict) else None
    labels = template_meta.get("labels") if isinstance(template_meta, dict) else None
    if isinstance(labels, dict) and labels:
        if not spec.get("selector"):
            spec["selector"] = dict(labels)
        meta = obj.get("metadata")
        if isinstance(meta, dict) and not meta.get("labels"):
            meta["labels"] = dict(labels)
    _setdefault(spec, "replicas", 1)
    _default_pod_template(template)


def _default_ingressclass(obj: dict[str, Any]) -> None:
    spec = obj.get("spec")
    parameters = spec.get("parameters") if isinstance(spec, dict) else None
    if isinstance(parameters, dict):
        _setdefault(parameters, "scope", "Cluster")


def _default_pvc(obj: dict[str, Any]) -> None:
    """SetDefaults_PersistentVolumeClaim[Spec]: a Filesystem volume, phase Pending."""
    spec = _obj(obj, "spec")
    if spec is not None and not spec.get("volumeMode"):
        spec["volumeMode"] = "Filesystem"
    status = _obj(obj, "status")
    if status is not None and not status.get("phase"):
        status["phase"] = "Pending"


def _default_pv(obj: dict[str, Any]) -> None:
    """SetDefaults_PersistentVolume: phase Pending, reclaim policy Retain, a Filesystem volume; a hostPath's
    type is "" (HostPathUnset)."""
    spec = _obj(obj, "spec")
    if spec is not None:
        if not spec.get("persistentVolumeReclaimPolicy"):
            spec["persistentVolumeReclaimPolicy"] = "Retain"
        if not spec.get("volumeMode"):
            spec["volumeMode"] = "Filesystem"
        host_path = spec.get("hostPath")
        if isinstance(host_path, dict):
            _setdefault(host_path, "type", "")
    status = _obj(obj, "status")
    if status is not None and not status.get("phase"):
        status["phase"] = "Pending"


def _default_storageclass(obj: dict[str, Any]) -> None:
    """SetDefaults_StorageClass (pkg/apis/storage/v1/defaults.go): reclaim Delete, bind Immediate."""
    _setdefault(obj, "reclaimPolicy", "Delete")
    _setdefault(obj, "volumeBindingMode", "Immediate")


DEFAULT_CPU_UTILIZATION = 80  # autoscaling.DefaultCPUUtilization (pkg/apis/autoscaling/annotations.go)


def default_hpa_scale_up_rules() -> dict[str, Any]:
    """defaultHPAScaleUpRules: the HPA's behaviour before behavior existed (4 pods or 100% per 15 s)."""
    return {
        "stabilizationWindowSeconds": 0,
        "selectPolicy": "Max",
        "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15},
        ],
    }


def default_hpa_scale_down_rules() -> dict[str, Any]:
    """defaultHPAScaleDownRules: no stabilizationWindowSeconds (the controller's
    --horizontal-pod-autoscaler-downscale-stabilization flag, 300 s, stands in)."""
    return {"selectPolicy": "Max", "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}


def _hpa_rules(rules: Any, defaults: dict[str, Any]) -> Any:
    """copyHPAScalingRules: the set fields of ``rules`` over the defaults."""
    if rules is None:
        return defaults
    if not isinstance(rules, dict):
        return rules
    for key in ("selectPolicy", "stabilizationWindowSeconds", "policies"):
        if rules.get(key) is not None:
            defaults[key] = rules[key]
    return {**rules, **defaults}


def default_hpa(obj: dict[str, Any]) -> None:
    """SetDefaults_HorizontalPodAutoscaler (autoscaling/v2): minReplicas 1, a CPU target of 80% when no
    metric is given, and a behavior's unset rules filled in (only when behavior is set)."""
    spec = _obj(obj, "spec")
    if spec is None:
        return
    _setdefault(spec, "minReplicas", 1)
    if not spec.get("metrics"):
        spec["metrics"] = [{
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION},
            },
        }]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        behavior["scaleUp"] = _hpa_rules(behavior.get("scaleUp"), default_hpa_scale_up_rules())
        behavior["scaleDown"] = _hpa_rules(behavior.get("scaleDown"), default_hpa_scale_down_rules())


def _default_limitrange(lr: dict[str, Any]) -> None:
    """SetDefaults_LimitRangeItem: a Container item's default limit is its max, its default request the default
    limit, else its min; and every quantity as the decoder stores it."""
    for item in _dicts((lr.get("spec") or {}).get("limits") if isinstance(lr.get("spec"), dict) else None):
        for key in ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio"):
            _canonical_quantities(item.get(key))
        if item.get("type") != "Container":
            continue
        maximum, minimum = item.get("max") or {}, item.get("min") or {}
        default, request = item.get("default") or {}, item.get("defaultRequest") or {}
        if not all(isinstance(part, dict) for part in (maximum, minimum, default, request)):
            continue  # not maps: validation reports it
        default = {**maximum, **default}
        request = {**default, **request}
        request = {**minimum, **request}
        if default:
            item["default"] = default
        if request:
            item["defaultRequest"] = request


def _default_resourcequota(quota: dict[str, Any]) -> None:
    """Quantities as the decoder stores them."""
    for section in ("spec", "status"):
        part = quota.get(section)
        if isinstance(part, dict):
            for key in ("hard", "used"):
                _canonical_quantities(part.get(key))


_DEFAULTERS: dict[str, Callable[[dict[str, Any]], None]] = {
    "LimitRange": _default_limitrange,
    "ResourceQuota": _default_resourcequota,
    "Pod": default_pod,
    "Deployment": _default_deployment,
    "ReplicaSet": _default_replicaset,
    "ReplicationController": _default_replicationcontroller,
    "IngressClass": _default_ingressclass,
    "HorizontalPodAutoscaler": default_hpa,
    "DaemonSet": _default_daemonset,
    "StatefulSet": _default_statefulset,
    "Job": _default_job,
    "CronJob": _default_cronjob,
    "Service": _default_service,
    "Namespace": _default_namespace,
    "Node": _default_node,
    "Secret": _default_secret,
    "Endpoints": _default_endpoints,
    "EndpointSlice": _default_endpointslice,
    "PriorityClass": _default_priorityclass,
    "PersistentVolumeClaim": _default_pvc,
    "PersistentVolume": _default_pv,
    "StorageClass": _default_storageclass,
}


def apply_defaults(obj: dict[str, Any]) -> None:
    """Fill in defaults in place, dispatching on ``obj["kind"]``; unknown kinds are left alone.

    Call it on every create and update, before ``validate``. For Jobs, call it after the uid is
    assigned so the generated selector can be added (see ``generate_job_selector``).
    """
    if not isinstance(obj, dict):
        return
    kind = obj.get("kind")
    defaulter = _DEFAULTERS.get(kind) if isinstance(kind, str) else None
    if defaulter is not None:
        defaulter(obj)
