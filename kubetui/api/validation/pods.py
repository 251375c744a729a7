"""Pods: the PodSpec rules (also used for every workload's pod template), pod updates and status.

Follows ``pkg/apis/core/validation/validation.go`` (ValidatePodSpec, validateContainers,
ValidatePodUpdate, ValidatePodStatusUpdate), in the same order, so that a learner comparing with
a real cluster sees the same errors in the same sequence.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.fielderrors import (
    GoLiteral,
    duplicate,
    forbidden,
    go_float,
    go_sharp,
    invalid,
    not_supported,
    required,
)
from kubetui.api.validation import names
from kubetui.api.validation.common import (
    FIELD_IMMUTABLE_ERROR,
    Errs,
    g,
    gd,
    gi,
    gl,
    gs,
    same,
    validate_annotations,
    validate_label_name,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
)
from kubetui.api.validation.containers import (
    MAX_INT32,
    check_name,
    dns_label,
    validate_containers,
    validate_init_containers,
    validate_resources,
    validate_security_context,
    validate_volumes,
)
from kubetui.api.validation.scheduling import (
    validate_affinity,
    validate_tolerations,
    validate_topology_spread,
)

POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
SUPPORTED_RESTART_POLICIES = ("Always", "OnFailure", "Never")
SUPPORTED_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_SYSTEM_POD_CONDITIONS = frozenset({"PodScheduled", "Ready", "Initialized"})

UPDATABLE_POD_SPEC_FIELDS = (
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
)


# --- the PodSpec ---------------------------------------------------------------------------------


def validate_pod_spec(spec: Any, path: str, errs: Errs, is_pod: bool) -> None:
    """ValidatePodSpec: for pods (``is_pod``) and for the templates of workloads."""
    spec = spec if isinstance(spec, dict) else {}
    grace = gi(spec, "terminationGracePeriodSeconds")
    if spec.get("terminationGracePeriodSeconds") is None:
        errs.append(required(f"{path}.terminationGracePeriodSeconds", ""))
    volumes = validate_volumes(gl(spec, "volumes"), f"{path}.volumes", errs)
    containers = gl(spec, "containers")
    validate_containers(containers, volumes, grace, f"{path}.containers", errs)
    validate_init_containers(
        gl(spec, "initContainers"), containers, volumes, grace, f"{path}.initContainers", errs
    )
    if spec.get("hostNetwork") is True:
        for i, c in enumerate(containers):
            for j, port in enumerate(gl(c, "ports")):
                host_port, container_port = gi(port, "hostPort") or 0, gi(port, "containerPort") or 0
                if (is_pod or host_port != 0) and host_port != container_port:
                    errs.append(
                        invalid(
                            f"{path}.containers[{i}].ports[{j}].hostPort",
                            host_port,
                            "must match `containerPort` when `hostNetwork` is true",
                        )
                    )
    restart = gs(spec, "restartPolicy")
    if not restart:
        errs.append(required(f"{path}.restartPolicy", ""))
    elif restart not in SUPPORTED_RESTART_POLICIES:
        errs.append(not_supported(f"{path}.restartPolicy", restart, SUPPORTED_RESTART_POLICIES))
    dns = gs(spec, "dnsPolicy")
    if not dns:
        errs.append(required(f"{path}.dnsPolicy", ""))
    elif dns not in SUPPORTED_DNS_POLICIES:
        errs.append(not_supported(f"{path}.dnsPolicy", dns, SUPPORTED_DNS_POLICIES))
    validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector", errs)
    validate_security_context(spec.get("securityContext"), f"{path}.securityContext", errs)
    validate_affinity(spec.get("affinity"), f"{path}.affinity", errs)
    if dns == "None" and not isinstance(spec.get("dnsConfig"), dict):
        errs.append(required(f"{path}.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"))
    for i, gate in enumerate(gl(spec, "readinessGates")):
        validate_label_name(gs(gate, "conditionType"), f"{path}.readinessGates[{i}].conditionType", errs)
    gates_seen: set[str] = set()
    for i, gate in enumerate(gl(spec, "schedulingGates")):
        gate_name = gs(gate, "name")
        validate_label_name(gate_name, f"{path}.schedulingGates[{i}]", errs)
        if gate_name in gates_seen:
            errs.append(duplicate(f"{path}.schedulingGates[{i}]", gate_name))
        gates_seen.add(gate_name)
    validate_topology_spread(gl(spec, "topologySpreadConstraints"), f"{path}.topologySpreadConstraints", errs)
    for key in ("serviceAccountName", "nodeName"):
        if gs(spec, key):
            check_name(names.name_is_dns_subdomain, gs(spec, key), f"{path}.{key}", errs)
    deadline = gi(spec, "activeDeadlineSeconds")
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        errs.append(
            invalid(f"{path}.activeDeadlineSeconds", deadline, names.inclusive_range_error(1, MAX_INT32))
        )
    for key in ("hostname", "subdomain"):
        if gs(spec, key):
            dns_label(gs(spec, key), f"{path}.{key}", errs)
    validate_tolerations(gl(spec, "tolerations"), f"{path}.tolerations", errs)
    for i, alias in enumerate(gl(spec, "hostAliases")):
        for msg in names.is_valid_ip(gs(alias, "ip")):
            errs.append(invalid(f"{path}.hostAliases[{i}].ip", gs(alias, "ip"), msg))
    if gs(spec, "priorityClassName"):
        check_name(
            names.name_is_dns_subdomain, gs(spec, "priorityClassName"), f"{path}.priorityClassName", errs
        )
    if spec.get("runtimeClassName") is not None:
        check_name(
            names.name_is_dns_subdomain, gs(spec, "runtimeClassName"), f"{path}.runtimeClassName", errs
        )
    if spec.get("preemptionPolicy") is not None:
        preemption = gs(spec, "preemptionPolicy")
        if not preemption:
            errs.append(required(f"{path}.preemptionPolicy", ""))
        elif preemption not in ("PreemptLowerPriority", "Never"):
            errs.append(
                not_supported(f"{path}.preemptionPolicy", preemption, ["PreemptLowerPriority", "Never"])
            )
    if isinstance(spec.get("overhead"), dict):
        validate_resources({"limits": spec["overhead"]}, f"{path}.overhead", errs)
    os_name = g(spec.get("os"), "name")
    if spec.get("os") is not None:
        if not os_name:
            errs.append(required(f"{path}.os.name", "cannot be empty"))
        elif os_name not in ("linux", "windows"):
            errs.append(not_supported(f"{path}.os", os_name, ["linux", "windows"]))


def _pod_specific_annotations(annotations: Any, path: str, errs: Errs) -> None:
    cost = g(annotations, POD_DELETION_COST)
    if isinstance(cost, str):
        try:
            ok = -(2**31) <= int(cost) < 2**31 and cost.strip() == cost and "_" not in cost
        except ValueError:
            ok = False
        if not ok:
            errs.append(invalid(f"{path}[{POD_DELETION_COST}]", cost, "must be a 32bit integer"))


def validate_pod_template(template: Any, path: str, errs: Errs) -> None:
    """ValidatePodTemplateSpec: the template of a Deployment, ReplicaSet, DaemonSet or Job."""
    template = template if isinstance(template, dict) else {}
    meta = gd(template, "metadata")
    validate_labels(meta.get("labels"), f"{path}.labels", errs)
    validate_annotations(meta.get("annotations"), f"{path}.annotations", errs)
    _pod_specific_annotations(meta.get("annotations"), f"{path}.annotations", errs)
    validate_pod_spec(template.get("spec"), f"{path}.spec", errs, is_pod=False)
    if gl(gd(template, "spec"), "ephemeralContainers"):
        errs.append(
            forbidden(f"{path}.spec.ephemeralContainers", "ephemeral containers not allowed in pod template")
        )


def _pod_metadata_and_spec(pod: dict[str, Any], errs: Errs) -> None:
    """validatePodMetadataAndSpec: shared by create and update."""
    meta = gd(pod, "metadata")
    validate_object_meta(meta, True, names.name_is_dns_subdomain, errs)
    _pod_specific_annotations(meta.get("annotations"), "metadata.annotations", errs)
    spec = gd(pod, "spec")
    validate_pod_spec(spec, "spec", errs, is_pod=True)
    for key in ("containers", "initContainers"):
        for i, c in enumerate(gl(spec, key)):
            image = gs(c, "image")
            if image != image.strip():
                errs.append(
                    invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace")
                )


def validate_pod(pod: dict[str, Any], errs: Errs) -> None:
    """ValidatePodCreate."""
    _pod_metadata_and_spec(pod, errs)
    spec = gd(pod, "spec")
    if gl(spec, "ephemeralContainers"):
        errs.append(forbidden("spec.ephemeralContainers", "cannot be set on create"))
    if gs(spec, "nodeName") and gl(spec, "schedulingGates"):
        errs.append(forbidden("spec.nodeName", "cannot be set until all schedulingGates have been cleared"))


# --- updates ------------------------------------------------------------------------------------


def _diff(old: Any, new: Any, path: str, out: list[str]) -> None:
    """A short, cmp.Diff-like list of what changed between two specs (``-`` old, ``+`` new)."""
    if same(old, new):
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else key, out)
    elif isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            _diff(a, b, f"{path}[{i}]", out)
    else:
        if old is not None:
            out.append(f"- \t{path}: {_short(old)}")
        if new is not None:
            out.append(f"+ \t{path}: {_short(new)}")


def _short(value: Any) -> str:
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str | int | bool):
        return go_sharp(value)
    text = go_sharp(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _toleration_key(t: dict[str, Any]) -> tuple[Any, ...]:
    return tuple((k, v) for k, v in sorted(t.items()) if k != "tolerationSeconds" and v is not None)


def validate_pod_update(new: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    """ValidatePodUpdate: a pod's spec is immutable except images, deadlines and added tolerations."""
    validate_object_meta_update(g(new, "metadata"), g(old, "metadata"), errs)
    _pod_metadata_and_spec(new, errs)
    new_spec, old_spec = gd(new, "spec"), gd(old, "spec")
    for key in ("containers", "initContainers"):
        new_list, old_list = gl(new_spec, key), gl(old_spec, key)
        if len(new_list) != len(old_list):
            errs.append(forbidden(f"spec.{key}", "pod updates may not add or remove containers"))
            return
        for i, c in enumerate(new_list):
            image = gs(c, "image")
            if not image:
                errs.append(required(f"spec.{key}[{i}].image", ""))
            if image != image.strip():
                errs.append(
                    invalid(f"spec.{key}[{i}].image", image, "must not have leading or trailing whitespace")
                )

    new_deadline, old_deadline = gi(new_spec, "activeDeadlineSeconds"), gi(old_spec, "activeDeadlineSeconds")
    if new_spec.get("activeDeadlineSeconds") is not None:
        value = new_deadline or 0
        if not 0 <= value <= MAX_INT32:
            errs.append(
                invalid("spec.activeDeadlineSeconds", value, names.inclusive_range_error(0, MAX_INT32))
            )
            return
        if old_deadline is not None and old_deadline < value:
            errs.append(
                invalid("spec.activeDeadlineSeconds", value, "must be less than or equal to previous value")
            )
            return
    elif old_deadline is not None:
        errs.append(
            invalid(
                "spec.activeDeadlineSeconds", None, "must not update from a positive integer to nil value"
            )
        )

    new_tolerations = [t for t in gl(new_spec, "tolerations") if isinstance(t, dict)]
    new_keys = {_toleration_key(t) for t in new_tolerations}
    for t in gl(old_spec, "tolerations"):
        if isinstance(t, dict) and _toleration_key(t) not in new_keys:
            errs.append(
                forbidden(
                    "spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"
                )
            )
            break
    old_gates = {gs(gate, "name") for gate in gl(old_spec, "schedulingGates")}
    for i, gate in enumerate(gl(new_spec, "schedulingGates")):
        if gs(gate, "name") not in old_gates:
            errs.append(
                forbidden(
                    f"spec.schedulingGates[{i}].name",
                    f"only deletion is allowed, but found new scheduling gate '{gs(gate, 'name')}'",
                )
            )

    if same(new_spec, old_spec):
        return
    # Put back what may change, then anything else that differs is forbidden.
    munged = dict(new_spec)
    for key in ("containers", "initContainers"):
        if key in munged or key in old_spec:
            munged[key] = [
                {**c, "image": o.get("image")} if isinstance(c, dict) and isinstance(o, dict) else c
                for c, o in zip(gl(new_spec, key), gl(old_spec, key), strict=False)
            ]
            if key not in old_spec and not munged[key]:
                del munged[key]
    for key in ("activeDeadlineSeconds", "tolerations", "schedulingGates"):
        if key in old_spec:
            munged[key] = old_spec[key]
        else:
            munged.pop(key, None)
    old_grace, new_grace = (
        gi(old_spec, "terminationGracePeriodSeconds"),
        gi(munged, "terminationGracePeriodSeconds"),
    )
    if old_grace is not None and old_grace < 0 and new_grace == 1:
        munged["terminationGracePeriodSeconds"] = old_grace
    if not same(munged, old_spec):
        lines: list[str] = []
        _diff(old_spec, munged, "", lines)
        diff = "\n".join(["  core.PodSpec{", *lines, "  }"])
        errs.append(
            forbidden(
                "spec",
                f"pod updates may not change fields other than {','.join(UPDATABLE_POD_SPEC_FIELDS)}\n{diff}",
            )
        )


def validate_pod_status(new: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    """ValidatePodStatusUpdate (after the metadata checks)."""
    status, old_status = gd(new, "status"), gd(old, "status")
    for i, cond in enumerate(gl(status, "conditions")):
        ctype = gs(cond, "type")
        if ctype not in _SYSTEM_POD_CONDITIONS:
            # Kubernetes reports these under "metadata.conditions[i].Type"; kept for fidelity.
            validate_label_name(ctype, f"metadata.conditions[{i}].Type", errs)
    if gs(gd(new, "spec"), "nodeName") != gs(gd(old, "spec"), "nodeName"):
        errs.append(forbidden("status.nodeName", "may not be changed directly"))
    nominated = gs(status, "nominatedNodeName")
    if nominated and nominated != gs(old_status, "nominatedNodeName"):
        check_name(names.name_is_dns_subdomain, nominated, "status.nominatedNodeName", errs)
    if gs(status, "qosClass") != gs(old_status, "qosClass"):
        errs.append(invalid("status.qosClass", gs(status, "qosClass"), FIELD_IMMUTABLE_ERROR))
    restart = gs(gd(old, "spec"), "restartPolicy")
    for key in ("containerStatuses", "initContainerStatuses"):
        if restart == "Always":
            break
        new_by_name = {gs(s, "name"): s for s in gl(status, key)}
        for i, old_cs in enumerate(gl(old_status, key)):
            terminated = g(gd(old_cs, "state"), "terminated")
            if not isinstance(terminated, dict):
                continue
            if (gi(terminated, "exitCode") or 0) != 0 and restart == "OnFailure":
                continue
            if key == "initContainerStatuses" and _is_sidecar(old, gs(old_cs, "name")):
                continue
            new_cs = new_by_name.get(gs(old_cs, "name"))
            if new_cs is not None and not isinstance(g(gd(new_cs, "state"), "terminated"), dict):
                errs.append(
                    forbidden(f"status.{key}[{i}].state", "may not be transitioned to non-terminated state")
                )
    for key, plural in (("podIPs", "podIPs"), ("hostIPs", "hostIPs")):
        seen: set[str] = set()
        ips = [gs(entry, "ip") for entry in gl(status, key)]
        for i, ip in enumerate(ips):
            for msg in names.is_valid_ip(ip):
                errs.append(invalid(f"status.{plural}[{i}]", ip, msg))
            if ip in seen:
                errs.append(duplicate(f"status.{plural}[{i}]", GoLiteral(f'core.PodIP{{IP:"{ip}"}}')))
            seen.add(ip)
    host_ips = gl(status, "hostIPs")
    if host_ips and gs(status, "hostIP") != gs(host_ips[0], "ip"):
        errs.append(invalid("status.hostIPs[0].ip", gs(host_ips[0], "ip"), "must be equal to `hostIP`"))


def _is_sidecar(pod: dict[str, Any], name: str) -> bool:
    for c in gl(gd(pod, "spec"), "initContainers"):
        if gs(c, "name") == name:
            return g(c, "restartPolicy") == "Always"
    return False
