"""Workloads and their neighbours: Deployment, ReplicaSet, DaemonSet, StatefulSet, Job,
PodDisruptionBudget and PriorityClass.

Sources: ``pkg/apis/apps/validation/validation.go``, ``pkg/apis/batch/validation/validation.go``,
``pkg/apis/policy/validation/validation.go``, ``pkg/apis/scheduling/validation/validation.go``, and
the apps/v1 registry strategies (which make ``spec.selector`` immutable).
"""

from __future__ import annotations

import json
import re
from typing import Any

from kubetui.api.cron import ScheduleError, load_time_zone, parse_standard
from kubetui.api.fielderrors import (
    GoLiteral,
    forbidden,
    go_int_or_string,
    go_label_selector,
    go_quote,
    go_sharp,
    go_str_map,
    invalid,
    not_supported,
    required,
)
from kubetui.api.scheduling import SYSTEM_PRIORITY_CLASSES
from kubetui.api.validation import names
from kubetui.api.validation.common import (
    FIELD_IMMUTABLE_ERROR,
    Errs,
    g,
    gd,
    gi,
    gs,
    int_or_percent_value,
    nonnegative,
    not_more_than_100_percent,
    same,
    selector_is_empty,
    selector_is_valid,
    selector_matches,
    validate_annotations,
    validate_label_selector,
    validate_labels,
    validate_object_meta,
    validate_object_meta_update,
    validate_positive_int_or_percent,
)
from kubetui.api.validation.pods import validate_pod_template

SELECTOR_MISMATCH = "`selector` does not match template `labels`"
HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000


def _template_labels(template: Any) -> dict[str, Any] | None:
    labels = g(g(template, "metadata"), "labels")
    return labels if isinstance(labels, dict) else None


def _selector(spec: dict[str, Any], kind: str, errs: Errs) -> dict[str, Any] | None:
    """Required, valid, non-empty; returns the selector if it can be used for matching."""
    sel = spec.get("selector")
    if not isinstance(sel, dict):
        errs.append(required("spec.selector", ""))
        return None
    validate_label_selector(sel, "spec.selector", errs)
    if selector_is_empty(sel):
        errs.append(invalid("spec.selector", go_label_selector(sel), f"empty selector is invalid for {kind}"))
    return sel


def _template_matches(
    sel: dict[str, Any] | None, template: Any, errs: Errs, check_empty: bool = True
) -> bool:
    """The template's labels must be selected by the selector (a missing selector selects nothing).

    Returns False when the selector cannot even be parsed; Kubernetes then skips the template.
    """
    if sel is not None and not selector_is_valid(sel):
        errs.append(invalid("spec.selector", go_label_selector(sel), "invalid label selector"))
        return False
    if check_empty and selector_is_empty(sel):
        return True
    labels = _template_labels(template)
    if not selector_matches(sel, labels):
        errs.append(invalid("spec.template.metadata.labels", go_str_map(labels), SELECTOR_MISMATCH))
    return True


def _template_for_controller(template: Any, kind: str, errs: Errs) -> None:
    """The pod template of a ReplicaSet/Deployment/DaemonSet: valid, restartPolicy Always, no deadline."""
    validate_pod_template(template, "spec.template", errs)
    spec = gd(template, "spec")
    restart = gs(spec, "restartPolicy")
    if restart != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", restart, ["Always"]))
    if spec.get("activeDeadlineSeconds") is not None:
        errs.append(
            forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                f"activeDeadlineSeconds in {kind} is not Supported",
            )
        )


def _selector_immutable(new: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    new_sel, old_sel = g(gd(new, "spec"), "selector"), g(gd(old, "spec"), "selector")
    if not same(new_sel, old_sel):
        shown = go_label_selector(new_sel if isinstance(new_sel, dict) else None)
        errs.append(invalid("spec.selector", shown, FIELD_IMMUTABLE_ERROR))


def _meta(obj: dict[str, Any], old: dict[str, Any] | None, name_fn: Any, errs: Errs) -> None:
    if old is None:
        validate_object_meta(obj.get("metadata"), True, name_fn, errs)
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)


# --- Deployment ----------------------------------------------------------------------------------


def validate_deployment(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, names.name_is_dns_subdomain, errs)
    spec = gd(obj, "spec")
    nonnegative(gi(spec, "replicas"), "spec.replicas", errs)
    sel = _selector(spec, "deployment", errs)
    if _template_matches(sel, spec.get("template"), errs):
        _template_for_controller(spec.get("template"), "ReplicaSet", errs)
    _deployment_strategy(gd(spec, "strategy"), errs)
    nonnegative(gi(spec, "minReadySeconds"), "spec.minReadySeconds", errs)
    nonnegative(gi(spec, "revisionHistoryLimit"), "spec.revisionHistoryLimit", errs)
    deadline = gi(spec, "progressDeadlineSeconds")
    if deadline is not None:
        nonnegative(deadline, "spec.progressDeadlineSeconds", errs)
        if deadline <= (gi(spec, "minReadySeconds") or 0):
            errs.append(
                invalid("spec.progressDeadlineSeconds", deadline, "must be greater than minReadySeconds")
            )
    if old is not None:
        _selector_immutable(obj, old, errs)


def _deployment_strategy(strategy: dict[str, Any], errs: Errs) -> None:
    stype = gs(strategy, "type")
    rolling = strategy.get("rollingUpdate")
    if stype == "Recreate":
        if rolling is not None:
            errs.append(
                forbidden(
                    "spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'"
                )
            )
    elif stype == "RollingUpdate":
        if not isinstance(rolling, dict):
            errs.append(required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil"))
            return
        path = "spec.strategy.rollingUpdate"
        max_unavailable, max_surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
        validate_positive_int_or_percent(max_unavailable, f"{path}.maxUnavailable", errs)
        validate_positive_int_or_percent(max_surge, f"{path}.maxSurge", errs)
        if int_or_percent_value(max_unavailable) == 0 and int_or_percent_value(max_surge) == 0:
            errs.append(
                invalid(
                    f"{path}.maxUnavailable",
                    go_int_or_string(max_unavailable),
                    "may not be 0 when `maxSurge` is 0",
                )
            )
        not_more_than_100_percent(max_unavailable, f"{path}.maxUnavailable", errs)
    else:
        rolling_text = (
            "(*apps.RollingUpdateDeployment)(nil)"
            if rolling is None
            else "&apps.RollingUpdateDeployment{...}"
        )
        shown = GoLiteral(f"apps.DeploymentStrategy{{Type:{go_quote(stype)}, RollingUpdate:{rolling_text}}}")
        errs.append(not_supported("spec.strategy", shown, ["Recreate", "RollingUpdate"]))


def validate_deployment_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    status = gd(obj, "status")
    for key in (
        "observedGeneration",
        "replicas",
        "updatedReplicas",
        "readyReplicas",
        "availableReplicas",
        "unavailableReplicas",
        "collisionCount",
    ):
        nonnegative(gi(status, key), f"status.{key}", errs)
    _not_greater(status, ("updatedReplicas", "readyReplicas", "availableReplicas"), "replicas", errs)
    if (gi(status, "availableReplicas") or 0) > (gi(status, "readyReplicas") or 0):
        errs.append(
            invalid(
                "status.availableReplicas",
                gi(status, "availableReplicas"),
                "cannot be greater than readyReplicas",
            )
        )
    _collision_count(obj, old, errs)


def _not_greater(status: dict[str, Any], keys: tuple[str, ...], than: str, errs: Errs) -> None:
    limit = gi(status, than) or 0
    for key in keys:
        value = gi(status, key) or 0
        if value > limit:
            errs.append(invalid(f"status.{key}", value, f"cannot be greater than status.{than}"))


def _collision_count(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    new_count, old_count = gi(gd(obj, "status"), "collisionCount"), gi(gd(old, "status"), "collisionCount")
    if old_count is not None and (new_count is None or new_count < old_count):
        errs.append(invalid("status.collisionCount", new_count or 0, "cannot be decremented"))


# --- ReplicaSet ----------------------------------------------------------------------------------


def validate_replicaset(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, names.name_is_dns_subdomain, errs)
    spec = gd(obj, "spec")
    nonnegative(gi(spec, "replicas"), "spec.replicas", errs)
    nonnegative(gi(spec, "minReadySeconds"), "spec.minReadySeconds", errs)
    sel = _selector(spec, "deployment", errs)  # sic: Kubernetes says "deployment" here too
    if _template_matches(sel, spec.get("template"), errs):
        _template_for_controller(spec.get("template"), "ReplicaSet", errs)
    if old is not None:
        _selector_immutable(obj, old, errs)


def validate_replicaset_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    status = gd(obj, "status")
    for key in (
        "replicas",
        "fullyLabeledReplicas",
        "readyReplicas",
        "availableReplicas",
        "observedGeneration",
    ):
        nonnegative(gi(status, key), f"status.{key}", errs)
    _not_greater(status, ("fullyLabeledReplicas", "readyReplicas", "availableReplicas"), "replicas", errs)
    if (gi(status, "availableReplicas") or 0) > (gi(status, "readyReplicas") or 0):
        errs.append(
            invalid(
                "status.availableReplicas",
                gi(status, "availableReplicas"),
                "cannot be greater than readyReplicas",
            )
        )


def validate_replicationcontroller(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    """ValidateReplicationControllerSpec: an equality selector (a map), required and matching the template."""
    _meta(obj, old, names.name_is_dns_subdomain, errs)
    spec = gd(obj, "spec")
    nonnegative(gi(spec, "minReadySeconds"), "spec.minReadySeconds", errs)
    selector = spec.get("selector") if isinstance(spec.get("selector"), dict) else {}
    if not selector:
        errs.append(required("spec.selector", ""))
    else:
        validate_labels(selector, "spec.selector", errs)
    nonnegative(gi(spec, "replicas"), "spec.replicas", errs)
    template = spec.get("template")
    if not isinstance(template, dict):
        errs.append(required("spec.template", ""))
        return
    labels = _template_labels(template) or {}
    if selector and any(labels.get(k) != v for k, v in selector.items()):
        errs.append(invalid("spec.template.metadata.labels", go_str_map(labels or None), SELECTOR_MISMATCH))
    _template_for_controller(template, "ReplicationController", errs)


def validate_replicationcontroller_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    """ValidateReplicationControllerStatus: the ReplicaSet's rules, in the same words."""
    validate_replicaset_status(obj, old, errs)


# --- DaemonSet -----------------------------------------------------------------------------------


def validate_daemonset(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, names.name_is_dns_subdomain, errs)
    spec = gd(obj, "spec")
    sel = spec.get("selector") if isinstance(spec.get("selector"), dict) else None
    validate_label_selector(sel, "spec.selector", errs)
    if sel is None or selector_is_valid(sel):
        _template_matches(sel, spec.get("template"), errs, check_empty=False)
    if sel is not None and selector_is_empty(sel):
        errs.append(
            invalid("spec.selector", go_label_selector(sel), "empty selector is invalid for daemonset")
        )
    _template_for_controller(spec.get("template"), "DaemonSet", errs)
    nonnegative(gi(spec, "minReadySeconds"), "spec.minReadySeconds", errs)
    strategy = gd(spec, "updateStrategy")
    stype = gs(strategy, "type")
    if stype == "RollingUpdate":
        rolling = strategy.get("rollingUpdate")
        if not isinstance(rolling, dict):
            errs.append(required("spec.updateStrategy.rollingUpdate", ""))
        else:
            path = "spec.updateStrategy.rollingUpdate"
            max_unavailable, max_surge = rolling.get("maxUnavailable"), rolling.get("maxSurge")
            validate_positive_int_or_percent(max_unavailable, f"{path}.maxUnavailable", errs)
            validate_positive_int_or_percent(max_surge, f"{path}.maxSurge", errs)
            not_more_than_100_percent(max_unavailable, f"{path}.maxUnavailable", errs)
            not_more_than_100_percent(max_surge, f"{path}.maxSurge", errs)
            has_unavailable = int_or_percent_value(max_unavailable) != 0
            has_surge = int_or_percent_value(max_surge) != 0
            if has_unavailable and has_surge:
                errs.append(
                    invalid(
                        f"{path}.maxSurge",
                        go_int_or_string(max_surge),
                        "may not be set when maxUnavailable is non-zero",
                    )
                )
            elif not has_unavailable and not has_surge:
                errs.append(required(f"{path}.maxUnavailable", "cannot be 0 when maxSurge is 0"))
    elif stype != "OnDelete":
        rolling_text = (
            "(*apps.RollingUpdateDaemonSet)(nil)"
            if strategy.get("rollingUpdate") is None
            else "&apps.RollingUpdateDaemonSet{...}"
        )
        shown = GoLiteral(
            f"apps.DaemonSetUpdateStrategy{{Type:{go_quote(stype)}, RollingUpdate:{rolling_text}}}"
        )
        errs.append(not_supported("spec.updateStrategy", shown, ["RollingUpdate", "OnDelete"]))
    nonnegative(gi(spec, "revisionHistoryLimit"), "spec.revisionHistoryLimit", errs)
    if old is not None:
        _selector_immutable(obj, old, errs)


def validate_daemonset_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    status = gd(obj, "status")
    for key in (
        "currentNumberScheduled",
        "numberMisscheduled",
        "desiredNumberScheduled",
        "numberReady",
        "observedGeneration",
        "updatedNumberScheduled",
        "numberAvailable",
        "numberUnavailable",
        "collisionCount",
    ):
        nonnegative(gi(status, key), f"status.{key}", errs)
    _collision_count(obj, old, errs)


# --- StatefulSet ---------------------------------------------------------------------------------

_STATEFULSET_MUTABLE = (
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
)


def validate_statefulset(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, names.name_is_dns_label, errs)
    spec = gd(obj, "spec")
    policy = gs(spec, "podManagementPolicy")
    if not policy:
        errs.append(required("spec.podManagementPolicy", ""))
    elif policy not in ("OrderedReady", "Parallel"):
        errs.append(invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'"))
    strategy = gd(spec, "updateStrategy")
    stype, rolling = gs(strategy, "type"), strategy.get("rollingUpdate")
    if not stype:
        errs.append(required("spec.updateStrategy", ""))
    elif stype == "OnDelete":
        if rolling is not None:
            errs.append(
                invalid(
                    "spec.updateStrategy.rollingUpdate",
                    GoLiteral(go_sharp(rolling)),
                    "only allowed for updateStrategy 'RollingUpdate'",
                )
            )
    elif stype == "RollingUpdate":
        if isinstance(rolling, dict):
            path = "spec.updateStrategy.rollingUpdate"
            nonnegative(gi(rolling, "partition"), f"{path}.partition", errs)
            if rolling.get("maxUnavailable") is not None:
                max_unavailable = rolling["maxUnavailable"]
                validate_positive_int_or_percent(max_unavailable, f"{path}.maxUnavailable", errs)
                if int_or_percent_value(max_unavailable) == 0:
                    errs.append(
                        invalid(f"{path}.maxUnavailable", go_int_or_string(max_unavailable), "cannot be 0")
                    )
                not_more_than_100_percent(max_unavailable, f"{path}.maxUnavailable", errs)
    else:
        errs.append(
            invalid(
                "spec.updateStrategy", GoLiteral(go_sharp(strategy)), "must be 'RollingUpdate' or 'OnDelete'"
            )
        )
    retention = spec.get("persistentVolumeClaimRetentionPolicy")
    if isinstance(retention, dict):
        for key in ("whenDeleted", "whenScaled"):
            value = gs(retention, key)
            if value not in ("Retain", "Delete"):
                errs.append(
                    not_supported(
                        f"spec.persistentVolumeClaimRetentionPolicy.{key}", value, ["Retain", "Delete"]
                    )
                )
    nonnegative(gi(spec, "replicas"), "spec.replicas", errs)
    nonnegative(gi(spec, "minReadySeconds"), "spec.minReadySeconds", errs)
    if isinstance(spec.get("ordinals"), dict):
        nonnegative(gi(spec["ordinals"], "start"), "spec.ordinals.start", errs)
    sel = _selector(spec, "statefulset", errs)
    template = spec.get("template")
    if sel is not None and not selector_is_valid(sel):
        errs.append(invalid("spec.selector", go_label_selector(sel), ""))
    else:
        if not selector_is_empty(sel) and not selector_matches(sel, _template_labels(template)):
            errs.append(
                invalid(
                    "spec.template.metadata.labels", go_str_map(_template_labels(template)), SELECTOR_MISMATCH
                )
            )
        # StatefulSets validate only the template's labels and annotations (not the pod spec).
        meta = gd(template, "metadata")
        validate_labels(meta.get("labels"), "spec.template.labels", errs)
        validate_annotations(meta.get("annotations"), "spec.template.annotations", errs)
    tspec = gd(template, "spec")
    if gs(tspec, "restartPolicy") != "Always":
        errs.append(not_supported("spec.template.spec.restartPolicy", gs(tspec, "restartPolicy"), ["Always"]))
    if tspec.get("activeDeadlineSeconds") is not None:
        errs.append(
            forbidden(
                "spec.template.spec.activeDeadlineSeconds",
                "activeDeadlineSeconds in StatefulSet is not Supported",
            )
        )
    if old is not None:
        new_rest = {k: v for k, v in spec.items() if k not in _STATEFULSET_MUTABLE}
        old_rest = {k: v for k, v in gd(old, "spec").items() if k not in _STATEFULSET_MUTABLE}
        if not same(new_rest, old_rest):
            errs.append(
                forbidden(
                    "spec",
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                    "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                    "forbidden",
                )
            )


def validate_statefulset_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    status = gd(obj, "status")
    for key in (
        "replicas",
        "readyReplicas",
        "currentReplicas",
        "updatedReplicas",
        "availableReplicas",
        "observedGeneration",
        "collisionCount",
    ):
        nonnegative(gi(status, key), f"status.{key}", errs)
    _not_greater(
        status, ("readyReplicas", "currentReplicas", "updatedReplicas", "availableReplicas"), "replicas", errs
    )
    if (gi(status, "availableReplicas") or 0) > (gi(status, "readyReplicas") or 0):
        errs.append(
            invalid(
                "status.availableReplicas",
                gi(status, "availableReplicas"),
                "cannot be greater than status.readyReplicas",
            )
        )
    _collision_count(obj, old, errs)


# --- Job -----------------------------------------------------------------------------------------


def validate_job(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    meta = gd(obj, "metadata")
    _meta(obj, old, names.name_is_dns_subdomain, errs)
    spec = gd(obj, "spec")
    if old is None:
        _generated_selector(obj, errs)
    _validate_job_spec(spec, "spec", errs)
    mode, template = spec.get("completionMode"), spec.get("template")
    sel = spec.get("selector")
    if not isinstance(sel, dict):
        errs.append(required("spec.selector", ""))
        sel = None
    else:
        validate_label_selector(sel, "spec.selector", errs)
    if sel is None or selector_is_valid(sel):
        labels = _template_labels(template)
        if not selector_matches(sel, labels):
            errs.append(invalid("spec.template.metadata.labels", go_str_map(labels), SELECTOR_MISMATCH))
    if mode == "Indexed" and (gi(spec, "completions") or 0) > 0:
        hostname = f"{gs(meta, 'name')}-{(gi(spec, 'completions') or 0) - 1}"
        if names.is_dns1123_label(hostname):
            errs.append(
                invalid(
                    "metadata.name",
                    gs(meta, "name"),
                    f"will not able to create pod with invalid DNS label: {hostname}",
                )
            )
    if old is not None:
        old_spec = gd(old, "spec")
        _selector_immutable(obj, old, errs)
        if not same(spec.get("completions"), old_spec.get("completions")):
            # Elastic Indexed Jobs: completions may change together with parallelism.
            if mode != "Indexed":
                errs.append(invalid("spec.completions", spec.get("completions"), FIELD_IMMUTABLE_ERROR))
            elif spec.get("completions") != spec.get("parallelism"):
                errs.append(
                    invalid(
                        "spec.completions",
                        spec.get("completions"),
                        "can only be modified in tandem with spec.parallelism",
                    )
                )
        for key in ("completionMode", "podFailurePolicy", "backoffLimitPerIndex"):
            if not same(spec.get(key), old_spec.get(key)):
                errs.append(invalid(f"spec.{key}", spec.get(key), FIELD_IMMUTABLE_ERROR))
        _job_template_immutable(obj, old, errs)


def _validate_job_spec(spec: dict[str, Any], path: str, errs: Errs) -> None:
    """validateJobSpec: what a Job's spec and a CronJob's job template share (not the selector)."""
    for key in (
        "parallelism",
        "completions",
        "activeDeadlineSeconds",
        "backoffLimit",
        "ttlSecondsAfterFinished",
        "backoffLimitPerIndex",
        "maxFailedIndexes",
    ):
        nonnegative(gi(spec, key), f"{path}.{key}", errs)
    mode = spec.get("completionMode")
    if mode is not None:
        if mode not in ("NonIndexed", "Indexed"):
            errs.append(not_supported(f"{path}.completionMode", mode, ["NonIndexed", "Indexed"]))
        if mode == "Indexed" and spec.get("completions") is None:
            errs.append(required(f"{path}.completions", "when completion mode is Indexed"))
    if mode in (None, "NonIndexed"):
        for key in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if spec.get(key) is not None:
                errs.append(invalid(f"{path}.{key}", gi(spec, key), "requires indexed completion mode"))
    replacement = spec.get("podReplacementPolicy")
    if isinstance(replacement, str):
        allowed = ["Failed"] if spec.get("podFailurePolicy") else ["Failed", "TerminatingOrFailed"]
        if replacement not in allowed:
            errs.append(not_supported(f"{path}.podReplacementPolicy", replacement, allowed))
    template = spec.get("template")
    validate_pod_template(template, f"{path}.template", errs)
    restart = gs(gd(template, "spec"), "restartPolicy")
    restart_path = f"{path}.template.spec.restartPolicy"
    if restart in ("Always", ""):
        errs.append(required(restart_path, 'valid values: "OnFailure", "Never"'))
    elif restart not in ("OnFailure", "Never"):
        errs.append(not_supported(restart_path, restart, ["OnFailure", "Never"]))
    elif spec.get("podFailurePolicy") and restart != "Never":
        errs.append(invalid(restart_path, restart, 'only "Never" is supported when podFailurePolicy is specified'))


# --- CronJob -------------------------------------------------------------------------------------

CRONJOB_NAME_MAX = 52  # a Job's name is the CronJob's plus "-" and 10 digits, and must fit in 63
_TIME_ZONE_PART = re.compile(r"^[A-Za-z.\-_0-9+]{1,14}$")


def validate_cronjob(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    """ValidateCronJobCreate / ValidateCronJobUpdate (pkg/apis/batch/validation)."""
    _meta(obj, old, names.name_is_dns_subdomain, errs)
    spec, old_spec = gd(obj, "spec"), gd(old, "spec") if old is not None else None
    schedule, time_zone = gs(spec, "schedule"), spec.get("timeZone")
    if not schedule:
        errs.append(required("spec.schedule", ""))
    else:
        try:
            parse_standard(schedule)
        except ScheduleError as exc:
            errs.append(invalid("spec.schedule", schedule, str(exc)))
        allow_tz = old_spec is not None and "TZ" in gs(old_spec, "schedule")
        if allow_tz and "TZ" in schedule and time_zone is not None:
            errs.append(
                invalid("spec.schedule", schedule, "cannot use both timeZone field and TZ or CRON_TZ in schedule")
            )
        elif not allow_tz and "TZ" in schedule:
            errs.append(
                invalid("spec.schedule", schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
            )
    nonnegative(gi(spec, "startingDeadlineSeconds"), "spec.startingDeadlineSeconds", errs)
    if old_spec is None or time_zone != old_spec.get("timeZone"):
        _validate_time_zone(time_zone, errs)
    policy = spec.get("concurrencyPolicy")
    if policy in ("", None):
        errs.append(required("spec.concurrencyPolicy", ""))
    elif policy not in ("Allow", "Forbid", "Replace"):
        errs.append(not_supported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"]))
    job_spec = gd(gd(spec, "jobTemplate"), "spec")
    _validate_job_spec(job_spec, "spec.jobTemplate.spec", errs)
    if job_spec.get("selector") is not None:
        errs.append(
            invalid("spec.jobTemplate.spec.selector", go_label_selector(job_spec["selector"]),
                    "`selector` will be auto-generated")
        )
    if job_spec.get("manualSelector") is True:
        errs.append(not_supported("spec.jobTemplate.spec.manualSelector", True, ["nil", "false"]))
    for key in ("successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        nonnegative(gi(spec, key), f"spec.{key}", errs)
    name = gs(gd(obj, "metadata"), "name")
    if old is None and len(name) > CRONJOB_NAME_MAX:  # checked last, after the spec, as Kubernetes does
        errs.append(invalid("metadata.name", name, f"must be no more than {CRONJOB_NAME_MAX} characters"))


def _validate_time_zone(time_zone: Any, errs: Errs) -> None:
    """validateTimeZone: an IANA name the tz database knows; never "Local"."""
    if not isinstance(time_zone, str):
        return
    if not time_zone:
        errs.append(invalid("spec.timeZone", time_zone, "timeZone must be nil or non-empty string"))
        return
    for part in time_zone.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TIME_ZONE_PART.match(part):
            errs.append(invalid("spec.timeZone", time_zone, f"unknown time zone {time_zone}"))
            return
    if time_zone.lower() == "local":
        errs.append(invalid("spec.timeZone", time_zone,
                            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"))
    if load_time_zone(time_zone) is None:
        errs.append(invalid("spec.timeZone", time_zone, f"unknown time zone {time_zone}"))


def _generated_selector(job: dict[str, Any], errs: Errs) -> None:
    """validateGeneratedSelector: a generated selector must select this Job's uid and name labels."""
    spec, meta = gd(job, "spec"), gd(job, "metadata")
    if spec.get("manualSelector") is True or not isinstance(spec.get("selector"), dict):
        return
    uid, name = gs(meta, "uid"), gs(meta, "name")
    if not uid:
        errs.append(required("metadata.uid", ""))
    labels = _template_labels(spec.get("template")) or {}
    expected = {
        "controller-uid": uid,
        "job-name": name,
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": name,
    }
    for key, value in expected.items():
        if key not in labels:
            errs.append(required(f"spec.template.metadata.labels[{key}]", f"must be '{value}'"))
        elif labels[key] != value:
            errs.append(
                invalid(f"spec.template.metadata.labels[{key}]", go_str_map(labels), f"must be '{value}'")
            )
    if selector_is_valid(spec["selector"]) and not selector_matches(spec["selector"], expected):
        errs.append(
            invalid("spec.selector", go_label_selector(spec["selector"]), "`selector` not auto-generated")
        )


def _job_template_immutable(new: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    """The template is immutable; a suspended Job that never started may change scheduling directives."""
    new_t, old_t = gd(gd(new, "spec"), "template"), gd(gd(old, "spec"), "template")
    old_spec, old_status = gd(old, "spec"), gd(old, "status")
    if old_spec.get("suspend") is True and not old_status.get("startTime"):
        mutable_spec = ("nodeSelector", "tolerations", "affinity", "schedulingGates")
        new_t = {
            **new_t,
            "metadata": {
                k: v for k, v in gd(new_t, "metadata").items() if k not in ("labels", "annotations")
            },
            "spec": {k: v for k, v in gd(new_t, "spec").items() if k not in mutable_spec},
        }
        old_t = {
            **old_t,
            "metadata": {
                k: v for k, v in gd(old_t, "metadata").items() if k not in ("labels", "annotations")
            },
            "spec": {k: v for k, v in gd(old_t, "spec").items() if k not in mutable_spec},
        }
    if not same(new_t, old_t):
        errs.append(
            invalid(
                "spec.template", GoLiteral(go_sharp(gd(gd(new, "spec"), "template"))), FIELD_IMMUTABLE_ERROR
            )
        )


def validate_job_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    status = gd(obj, "status")
    for key in ("active", "succeeded", "failed", "ready", "terminating"):
        nonnegative(gi(status, key), f"status.{key}", errs)


# --- PodDisruptionBudget, PriorityClass -----------------------------------------------------------


def validate_pdb(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    _meta(obj, old, names.name_is_dns_subdomain, errs)
    spec = gd(obj, "spec")
    min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
    if min_available is not None and max_unavailable is not None:
        errs.append(
            invalid("spec", GoLiteral(go_sharp(spec)), "minAvailable and maxUnavailable cannot be both set")
        )
    for key, value in (("minAvailable", min_available), ("maxUnavailable", max_unavailable)):
        if value is not None:
            validate_positive_int_or_percent(value, f"spec.{key}", errs)
            not_more_than_100_percent(value, f"spec.{key}", errs)
    validate_label_selector(spec.get("selector"), "spec.selector", errs)
    policy = spec.get("unhealthyPodEvictionPolicy")
    if isinstance(policy, str) and policy not in ("AlwaysAllow", "IfHealthyBudget"):
        errs.append(
            not_supported("spec.unhealthyPodEvictionPolicy", policy, ["AlwaysAllow", "IfHealthyBudget"])
        )


def validate_pdb_status(obj: dict[str, Any], old: dict[str, Any], errs: Errs) -> None:
    status = gd(obj, "status")
    for key in ("disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"):
        nonnegative(gi(status, key), f"status.{key}", errs)


def validate_priorityclass(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    name = gs(gd(obj, "metadata"), "name")
    value = gi(obj, "value") or 0
    if old is None:
        validate_object_meta(obj.get("metadata"), False, names.name_is_dns_subdomain, errs)
        if name.startswith("system-"):
            problem = _known_system_priority_class(name, value, obj.get("globalDefault") is True)
            if problem:
                errs.append(
                    forbidden(
                        "metadata.name",
                        f"priority class names with 'system-' prefix are reserved for system use only. "
                        f"error: {problem}",
                    )
                )
        elif value > HIGHEST_USER_DEFINABLE_PRIORITY:
            errs.append(
                forbidden(
                    "value",
                    f"maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}",
                )
            )
    else:
        validate_object_meta_update(obj.get("metadata"), old.get("metadata"), errs)
        if value != (gi(old, "value") or 0):
            errs.append(forbidden("value", "may not be changed in an update."))
        if obj.get("preemptionPolicy") != old.get("preemptionPolicy"):
            errs.append(invalid("preemptionPolicy", obj.get("preemptionPolicy"), FIELD_IMMUTABLE_ERROR))
    policy = obj.get("preemptionPolicy")
    if policy is not None:
        if policy == "":
            errs.append(required("preemptionPolicy", ""))
        elif policy not in ("PreemptLowerPriority", "Never"):
            errs.append(not_supported("preemptionPolicy", policy, ["PreemptLowerPriority", "Never"]))


def _known_system_priority_class(name: str, value: int, global_default: bool) -> str:
    if name not in SYSTEM_PRIORITY_CLASSES:
        return f"{name} is not a known system priority class"
    if value != SYSTEM_PRIORITY_CLASSES[name][0]:
        return f"value of {name} PriorityClass must be {SYSTEM_PRIORITY_CLASSES[name][0]}"
    if global_default:
        return f"globalDefault of {name} PriorityClass must be false"
    return ""


# --- ControllerRevision --------------------------------------------------------------------------


def validate_controllerrevision(obj: dict[str, Any], old: dict[str, Any] | None, errs: Errs) -> None:
    """ValidateControllerRevision(Update): a DNS-subdomain name, some data, a non-negative revision; the
    data never changes (the revision number may: a rollback renumbers the revision it returns to)."""
    _meta(obj, old, names.name_is_dns_subdomain, errs)
    if obj.get("data") is None:
        errs.append(required("data", "data is mandatory"))
    nonnegative(gi(obj, "revision"), "revision", errs)
    if old is not None and obj.get("data") != old.get("data"):
        errs.append(invalid("data", go_raw_extension(obj.get("data")), FIELD_IMMUTABLE_ERROR))


def go_raw_extension(data: Any) -> GoLiteral:
    """How Go's field error prints the internal type's ``Data`` (a ``*runtime.Unknown`` holding the JSON)."""
    if data is None:
        return GoLiteral("null")
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return GoLiteral(
        'runtime.Unknown{TypeMeta:runtime.TypeMeta{APIVersion:"", Kind:""}, Raw:[]uint8{'
        + ", ".join(f"0x{b:x}" for b in raw)
        + '}, ContentEncoding:"", ContentType:"application/json"}'
    )
