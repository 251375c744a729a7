"""Deployment arithmetic: surge and unavailability, proportional scaling, revisions, conditions, status.

Pure functions over wire-form dicts, after ``pkg/controller/deployment/util/deployment_util.go``
(and ``calculateStatus`` from ``pkg/controller/deployment/sync.go``). They never write to the API
and never mutate their inputs, except the ``set_*`` helpers, which change the copy they are given,
as their Go counterparts do.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable
from typing import Any

from kubetui.api.meta import parse_timestamp

Obj = dict[str, Any]

POD_TEMPLATE_HASH_LABEL = "pod-template-hash"  # apps.DefaultDeploymentUniqueLabelKey
REVISION_ANNOTATION = "deployment.kubernetes.io/revision"
REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"
ROLLBACK_TO_ANNOTATION = "deprecated.deployment.rollback.to"
MAX_REV_HISTORY_CHARS = 2000  # sync.go maxRevHistoryLengthInChars
MAX_INT32 = 2**31 - 1

# Annotations a Deployment does not pass on to its ReplicaSets (annotationsToSkip).
ANNOTATIONS_TO_SKIP = frozenset({
    LAST_APPLIED_ANNOTATION, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION, DESIRED_REPLICAS_ANNOTATION,
    MAX_REPLICAS_ANNOTATION, ROLLBACK_TO_ANNOTATION,
})

# Condition reasons (deployment_util.go).
REPLICA_SET_UPDATED = "ReplicaSetUpdated"
FAILED_RS_CREATE = "ReplicaSetCreateError"
NEW_REPLICA_SET = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
MINIMUM_REPLICAS_AVAILABLE = "MinimumReplicasAvailable"
MINIMUM_REPLICAS_UNAVAILABLE = "MinimumReplicasUnavailable"


# --- int-or-percent ------------------------------------------------------------------------------
def scaled_value(value: int | str | None, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent: ``5`` is 5, ``"25%"`` of 10 is 3 (up) or 2 (down)."""
    if isinstance(value, bool) or value is None:
        raise ValueError("nil value for IntOrString")
    if isinstance(value, int):
        return value
    if not isinstance(value, str):
        raise ValueError("invalid value for IntOrString: invalid type: neither int nor percentage")
    if not value.endswith("%"):
        raise ValueError("invalid value for IntOrString: invalid type: string is not a percentage")
    try:
        percent = int(value[:-1])
    except ValueError as exc:
        raise ValueError(f'invalid value for IntOrString: invalid value "{value}"') from exc
    scaled = percent * total
    return -(-scaled // 100) if round_up else scaled // 100


def resolve_fenceposts(max_surge: int | str | None, max_unavailable: int | str | None,
                       desired: int) -> tuple[int, int]:
    """ResolveFenceposts: surge rounds up, unavailability rounds down, and both 0 means 1 unavailable.

    Validation forbids 0/0, but rounding down can still produce it (25% of 3 is 0); then the
    rollout proceeds one pod at a time rather than not at all.
    """
    surge = scaled_value(0 if max_surge is None else max_surge, desired, True)
    unavailable = scaled_value(0 if max_unavailable is None else max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


# --- reading a Deployment -------------------------------------------------------------------------
def spec_replicas(obj: Obj | None) -> int:
    """``spec.replicas`` of a Deployment or ReplicaSet (the API server defaults it to 1)."""
    if obj is None:
        return 0
    value = (obj.get("spec") or {}).get("replicas", 1)
    return int(value) if isinstance(value, int) else 1


def status_int(obj: Obj | None, field: str) -> int:
    if obj is None:
        return 0
    value = (obj.get("status") or {}).get(field, 0)
    return int(value) if isinstance(value, int) else 0


def strategy_of(d: Obj) -> Obj:
    return (d.get("spec") or {}).get("strategy") or {}


def is_rolling_update(d: Obj) -> bool:
    return strategy_of(d).get("type", "RollingUpdate") == "RollingUpdate"


def _fenceposts(d: Obj) -> tuple[int, int]:
    rolling = strategy_of(d).get("rollingUpdate") or {}
    return resolve_fenceposts(rolling.get("maxSurge"), rolling.get("maxUnavailable"), spec_replicas(d))


def max_surge(d: Obj) -> int:
    """MaxSurge: how many pods above ``replicas`` a rolling update may run (0 for Recreate)."""
    if not is_rolling_update(d):
        return 0
    return _fenceposts(d)[0]


def max_unavailable(d: Obj) -> int:
    """MaxUnavailable: how many of ``replicas`` may be unavailable during a rollout, at most all of them."""
    replicas = spec_replicas(d)
    if not is_rolling_update(d) or replicas == 0:
        return 0
    return min(_fenceposts(d)[1], replicas)


def min_available(d: Obj) -> int:
    if not is_rolling_update(d):
        return 0
    return spec_replicas(d) - max_unavailable(d)


def has_progress_deadline(d: Obj) -> bool:
    value = (d.get("spec") or {}).get("progressDeadlineSeconds")
    return isinstance(value, int) and value != MAX_INT32


def has_revision_history_limit(d: Obj) -> bool:
    value = (d.get("spec") or {}).get("revisionHistoryLimit")
    return isinstance(value, int) and value != MAX_INT32


# --- counting across ReplicaSets -------------------------------------------------------------------
def _present(rss: Iterable[Obj | None]) -> list[Obj]:
    return [rs for rs in rss if rs is not None]


def replica_count(rss: Iterable[Obj | None]) -> int:
    """GetReplicaCountForReplicaSets: the replicas they are asked to run (spec)."""
    return sum(spec_replicas(rs) for rs in _present(rss))


def actual_replica_count(rss: Iterable[Obj | None]) -> int:
    """GetActualReplicaCountForReplicaSets: the pods they actually have (status)."""
    return sum(status_int(rs, "replicas") for rs in _present(rss))


def ready_replica_count(rss: Iterable[Obj | None]) -> int:
    return sum(status_int(rs, "readyReplicas") for rs in _present(rss))


def available_replica_count(rss: Iterable[Obj | None]) -> int:
    return sum(status_int(rs, "availableReplicas") for rs in _present(rss))


def filter_active(rss: Iterable[Obj | None]) -> list[Obj]:
    """FilterActiveReplicaSets: those asked to run at least one pod."""
    return [rs for rs in _present(rss) if spec_replicas(rs) > 0]


# --- ordering ------------------------------------------------------------------------------------------
def _created(rs: Obj) -> float:
    return parse_timestamp((rs.get("metadata") or {}).get("creationTimestamp")) or 0.0


def _name(rs: Obj) -> str:
    return str((rs.get("metadata") or {}).get("name", ""))


def _by_creation_less(a: Obj, b: Obj) -> bool:
    """ReplicaSetsByCreationTimestamp: older first, name breaks ties."""
    if _created(a) == _created(b):
        return _name(a) < _name(b)
    return _created(a) < _created(b)


def _sorted(rss: Iterable[Obj], less: Callable[[Obj, Obj], bool]) -> list[Obj]:
    def compare(a: Obj, b: Obj) -> int:
        return -1 if less(a, b) else (1 if less(b, a) else 0)

    return sorted(rss, key=functools.cmp_to_key(compare))


def by_creation(rss: Iterable[Obj]) -> list[Obj]:
    return _sorted(rss, _by_creation_less)


def by_size_newer(rss: Iterable[Obj]) -> list[Obj]:
    """ReplicaSetsBySizeNewer: larger first; among equals the newer first (who gets extra replicas)."""

    def less(a: Obj, b: Obj) -> bool:
        if spec_replicas(a) == spec_replicas(b):
            return _by_creation_less(b, a)
        return spec_replicas(a) > spec_replicas(b)

    return _sorted(rss, less)


def by_size_older(rss: Iterable[Obj]) -> list[Obj]:
    """ReplicaSetsBySizeOlder: larger first; among equals the older first (who loses replicas first)."""

    def less(a: Obj, b: Obj) -> bool:
        if spec_replicas(a) == spec_replicas(b):
            return _by_creation_less(a, b)
        return spec_replicas(a) > spec_replicas(b)

    return _sorted(rss, less)


def by_revision(rss: Iterable[Obj]) -> list[Obj]:
    """ReplicaSetsByRevision: lowest revision first; creation time breaks ties."""

    def less(a: Obj, b: Obj) -> bool:
        ra, rb = revision_or_none(a), revision_or_none(b)
        if ra is None or rb is None or ra == rb:
            return _by_creation_less(a, b)
        return ra < rb

    return _sorted(rss, less)


# --- templates and revisions ------------------------------------------------------------------------
def _semantic(value: Any) -> Any:
    """Drop null and empty values: Go's semantic equality treats nil and empty maps and slices alike."""
    if isinstance(value, dict):
        cleaned = {k: _semantic(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [_semantic(v) for v in value]
    return value


def _without_hash(template: Obj | None) -> Any:
    template = template or {}
    metadata = dict(template.get("metadata") or {})
    labels = dict(metadata.get("labels") or {})
    labels.pop(POD_TEMPLATE_HASH_LABEL, None)
    metadata["labels"] = labels
    return _semantic({**template, "metadata": metadata})


def equal_ignore_hash(template1: Obj | None, template2: Obj | None) -> bool:
    """EqualIgnoreHash: the same pod template, whatever ``pod-template-hash`` label either carries."""
    return bool(_without_hash(template1) == _without_hash(template2))


def template_of(obj: Obj) -> Obj:
    return (obj.get("spec") or {}).get("template") or {}


def find_new_replica_set(d: Obj, rss: Iterable[Obj]) -> Obj | None:
    """FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's."""
    template = template_of(d)
    for rs in by_creation(rss):
        if equal_ignore_hash(template_of(rs), template):
            return rs
    return None


def find_old_replica_sets(d: Obj, rss: Iterable[Obj]) -> tuple[list[Obj], list[Obj]]:
    """FindOldReplicaSets: (old ones that still have replicas, all old ones)."""
    rs_list = list(rss)
    new_rs = find_new_replica_set(d, rs_list)
    new_uid = (new_rs or {}).get("metadata", {}).get("uid")
    all_old = [rs for rs in rs_list if new_rs is None or rs["metadata"].get("uid") != new_uid]
    return [rs for rs in all_old if spec_replicas(rs) != 0], all_old


def revision_or_none(obj: Obj) -> int | None:
    """Revision: the revision annotation as a number (0 when absent, None when unparsable)."""
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(REVISION_ANNOTATION)
    if value is None:
        return 0
    try:
        return int(value)
    except ValueError:
        return None


def max_revision(rss: Iterable[Obj]) -> int:
    """MaxRevision: the highest revision among the ReplicaSets (unparsable ones are skipped)."""
    revisions = [revision_or_none(rs) for rs in rss]
    return max((r for r in revisions if r is not None), default=0)


def _annotations(obj: Obj) -> dict[str, str]:
    metadata = obj.setdefault("metadata", {})
    annotations = metadata.get("annotations")
    if not isinstance(annotations, dict):
        annotations = metadata["annotations"] = {}
    return annotations


def set_deployment_revision(d: Obj, revision: str) -> bool:
    annotations = _annotations(d)
    if annotations.get(REVISION_ANNOTATION) == revision:
        return False
    annotations[REVISION_ANNOTATION] = revision
    return True


def _copy_deployment_annotations(d: Obj, rs: Obj) -> bool:
    """copyDeploymentAnnotationsToReplicaSet: everything but the skipped annotations."""
    changed = False
    target = _annotations(rs)
    for key, value in ((d.get("metadata") or {}).get("annotations") or {}).items():
        if key in ANNOTATIONS_TO_SKIP or target.get(key) == value:
            continue
        target[key] = value
        changed = True
    return changed


def set_new_replica_set_annotations(d: Obj, rs: Obj, new_revision: str, exists: bool,
                                    history_limit_chars: int = MAX_REV_HISTORY_CHARS) -> bool:
    """SetNewReplicaSetAnnotations: copy the Deployment's annotations and move the revision forward.

    When a ReplicaSet that already had a revision becomes the new one again (a rollback), its
    previous revisions are kept in ``deployment.kubernetes.io/revision-history``.
    """
    changed = _copy_deployment_annotations(d, rs)
    annotations = _annotations(rs)
    had_revision = REVISION_ANNOTATION in annotations
    old_revision = annotations.get(REVISION_ANNOTATION, "")
    try:
        old_int = int(old_revision) if old_revision else 0
        new_int = int(new_revision)
    except ValueError:
        return False
    if old_int < new_int:
        annotations[REVISION_ANNOTATION] = new_revision
        changed = True
        if had_revision:
            history = annotations.get(REVISION_HISTORY_ANNOTATION, "")
            old_revisions = history.split(",")
            if not old_revisions[0]:
                annotations[REVISION_HISTORY_ANNOTATION] = old_revision
            else:
                total = len(history) + len(old_revision) + 1
                start = 0
                while total > history_limit_chars and start < len(old_revisions):
                    total -= len(old_revisions[start]) + 1
                    start += 1
                if total <= history_limit_chars:
                    kept = [*old_revisions[start:], old_revision]
                    annotations[REVISION_HISTORY_ANNOTATION] = ",".join(kept)
    if not exists:
        replicas = spec_replicas(d)
        changed = set_replicas_annotations(rs, replicas, replicas + max_surge(d)) or changed
    return changed


def set_replicas_annotations(rs: Obj, desired: int, max_replicas: int) -> bool:
    annotations = _annotations(rs)
    changed = False
    wanted = ((DESIRED_REPLICAS_ANNOTATION, str(desired)), (MAX_REPLICAS_ANNOTATION, str(max_replicas)))
    for key, value in wanted:
        if annotations.get(key) != value:
            annotations[key] = value
            changed = True
    return changed


def replicas_annotations_need_update(rs: Obj, desired: int, max_replicas: int) -> bool:
    annotations = (rs.get("metadata") or {}).get("annotations") or {}
    return (annotations.get(DESIRED_REPLICAS_ANNOTATION) != str(desired)
            or annotations.get(MAX_REPLICAS_ANNOTATION) != str(max_replicas))


def non_negative_int_annotation(obj: Obj, key: str) -> int | None:
    """getNonNegativeInt32FromAnnotation: a valid int32 >= 0, or None."""
    value = ((obj.get("metadata") or {}).get("annotations") or {}).get(key)
    if value is None or not value.isdigit():
        return None
    number = int(value)
    return number if number <= MAX_INT32 else None


# --- scaling ------------------------------------------------------------------------------------------
def new_rs_new_replicas(d: Obj, all_rss: Iterable[Obj | None], new_rs: Obj) -> int:
    """NewRSNewReplicas: how far the new ReplicaSet may grow now without exceeding replicas + maxSurge."""
    replicas = spec_replicas(d)
    if not is_rolling_update(d):
        return replicas  # Recreate: straight to the full size (old pods are already gone)
    current = replica_count(all_rss)
    max_total = replicas + max_surge(d)
    if current >= max_total:
        return spec_replicas(new_rs)
    scale_up = min(max_total - current, replicas - spec_replicas(new_rs))
    return spec_replicas(new_rs) + scale_up


def is_saturated(d: Obj, rs: Obj | None) -> bool:
    """IsSaturated: the new ReplicaSet runs (and was asked to run) exactly ``replicas`` available pods."""
    if rs is None:
        return False
    desired = ((rs.get("metadata") or {}).get("annotations") or {}).get(DESIRED_REPLICAS_ANNOTATION)
    try:
        desired_int = int(desired) if desired is not None else None
    except ValueError:
        return False
    replicas = spec_replicas(d)
    return (desired_int == replicas and spec_replicas(rs) == replicas
            and status_int(rs, "availableReplicas") == replicas)


def find_active_or_latest(new_rs: Obj | None, old_rss: list[Obj]) -> Obj | None:
    """FindActiveOrLatest: the only active ReplicaSet, the newest if none is active, None if several are."""
    if new_rs is None and not old_rss:
        return None
    newest_first = list(reversed(by_creation(old_rss)))
    active = filter_active([*newest_first, new_rs])
    if not active:
        return new_rs if new_rs is not None else newest_first[0]
    return active[0] if len(active) == 1 else None


def replica_set_fraction(rs: Obj, d: Obj) -> int:
    """getReplicaSetFraction: this ReplicaSet's share of a scaling event, from its max-replicas annotation."""
    if spec_replicas(d) == 0:
        return -spec_replicas(rs)
    max_replicas = spec_replicas(d) + max_surge(d)
    before = non_negative_int_annotation(rs, MAX_REPLICAS_ANNOTATION)
    if not before:
        # The annotation was removed or zeroed by someone else: fall back to the current size.
        before = status_int(d, "replicas")
        if before == 0:
            return 0
    scaled = spec_replicas(rs) * max_replicas / before
    return math.floor(scaled + 0.5) - spec_replicas(rs)  # integer.RoundToInt32 rounds half away from zero


def get_proportion(rs: Obj | None, d: Obj, to_add: int, added: int) -> int:
    """GetProportion: replicas to add to (or remove from) ``rs``, never beyond what is left to distribute."""
    if rs is None or spec_replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = replica_set_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


# --- conditions -----------------------------------------------------------------------------------------
def new_condition(ctype: str, status: str, reason: str, message: str, now: str) -> Obj:
    """NewDeploymentCondition: both timestamps are now."""
    return {"type": ctype, "status": status, "lastUpdateTime": now, "lastTransitionTime": now,
            "reason": reason, "message": message}


def get_condition(status: Obj, ctype: str) -> Obj | None:
    return next((c for c in status.get("conditions") or () if c.get("type") == ctype), None)


def set_condition(status: Obj, condition: Obj) -> None:
    """SetDeploymentCondition: nothing for the same status and reason; lastTransitionTime moves on a flip.

    The new condition goes to the end of the list, as in Kubernetes.
    """
    current = get_condition(status, condition["type"])
    if current is not None and current.get("status") == condition["status"] and (
        current.get("reason") == condition["reason"]
    ):
        return
    condition = dict(condition)
    if current is not None and current.get("status") == condition["status"]:
        condition["lastTransitionTime"] = current.get("lastTransitionTime")
    others = [c for c in status.get("conditions") or () if c.get("type") != condition["type"]]
    status["conditions"] = [*others, condition]


def remove_condition(status: Obj, ctype: str) -> None:
    conditions = [c for c in status.get("conditions") or () if c.get("type") != ctype]
    if conditions:
        status["conditions"] = conditions
    else:
        status.pop("conditions", None)


def deployment_complete(d: Obj, new_status: Obj) -> bool:
    """DeploymentComplete: every replica updated and available, and the latest generation observed."""
    replicas = spec_replicas(d)
    return (new_status.get("updatedReplicas", 0) == replicas and new_status.get("replicas", 0) == replicas
            and new_status.get("availableReplicas", 0) == replicas
            and new_status.get("observedGeneration", 0) >= (d.get("metadata") or {}).get("generation", 0))


def deployment_progressing(d: Obj, new_status: Obj) -> bool:
    """DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than last time."""
    old = d.get("status") or {}
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = new_status.get("replicas", 0) - new_status.get("updatedReplicas", 0)
    return (new_status.get("updatedReplicas", 0) > old.get("updatedReplicas", 0) or new_old < old_old
            or new_status.get("readyReplicas", 0) > old.get("readyReplicas", 0)
            or new_status.get("availableReplicas", 0) > old.get("availableReplicas", 0))


def progress_deadline_at(d: Obj, new_status: Obj) -> float | None:
    """When the Progressing condition runs out: its lastUpdateTime + progressDeadlineSeconds."""
    condition = get_condition(new_status, "Progressing")
    if not has_progress_deadline(d) or condition is None:
        return None
    since = parse_timestamp(condition.get("lastUpdateTime"))
    if since is None:
        return None
    return since + int(d["spec"]["progressDeadlineSeconds"])


def deployment_timed_out(d: Obj, new_status: Obj, now: float) -> bool:
    """DeploymentTimedOut: no progress for progressDeadlineSeconds (a finished rollout never times out)."""
    condition = get_condition(new_status, "Progressing")
    if not has_progress_deadline(d) or condition is None:
        return False
    if condition.get("reason") == NEW_RS_AVAILABLE:
        return False
    if condition.get("reason") == TIMED_OUT:
        return True
    deadline = progress_deadline_at(d, new_status)
    return deadline is not None and deadline < now


# --- status -------------------------------------------------------------------------------------------
def _put(status: Obj, key: str, value: int) -> None:
    """Counts are ``omitempty`` in the API: a zero is left out of the wire form."""
    if value:
        status[key] = value


def calculate_status(all_rss: list[Obj | None], new_rs: Obj | None, d: Obj, now: str) -> Obj:
    """calculateStatus (sync.go): counts from the ReplicaSets' status, and the Available condition."""
    available = available_replica_count(all_rss)
    unavailable = max(replica_count(all_rss) - available, 0)
    old = d.get("status") or {}
    status: Obj = {}
    _put(status, "observedGeneration", int((d.get("metadata") or {}).get("generation") or 0))
    _put(status, "replicas", actual_replica_count(all_rss))
    _put(status, "updatedReplicas", actual_replica_count([new_rs]))
    _put(status, "readyReplicas", ready_replica_count(all_rss))
    _put(status, "availableReplicas", available)
    _put(status, "unavailableReplicas", unavailable)
    if "collisionCount" in old:
        status["collisionCount"] = old["collisionCount"]
    if old.get("conditions"):
        status["conditions"] = [dict(c) for c in old["conditions"]]
    if available >= spec_replicas(d) - max_unavailable(d):
        set_condition(status, new_condition("Available", "True", MINIMUM_REPLICAS_AVAILABLE,
                                            "Deployment has minimum availability.", now))
    else:
        set_condition(status, new_condition("Available", "False", MINIMUM_REPLICAS_UNAVAILABLE,
                                            "Deployment does not have minimum availability.", now))
    return status
