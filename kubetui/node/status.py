"""Pod status as the kubelet writes it: container states, the pod phase and the kubelet-owned conditions.

Pure functions over plain dicts, following pkg/kubelet/kubelet_pods.go (getPhase,
convertToAPIContainerStatuses) and pkg/kubelet/status/generate.go (the conditions).
"""

from __future__ import annotations

from typing import Any

from kubetui.api.meta import timestamp

KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")
CONDITION_ORDER = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")
NEVER_STARTED = "1970-01-01T00:00:00Z"  # what containerd reports as startedAt for a container that never ran


def is_restartable_init(container: dict[str, Any]) -> bool:
    """A sidecar: an init container with ``restartPolicy: Always`` (KEP-753)."""
    return container.get("restartPolicy") == "Always"


def terminated_state(
    exit_code: int, reason: str, message: str, started_at: float | None, finished_at: float, container_id: str
) -> dict[str, Any]:
    state: dict[str, Any] = {
        "exitCode": exit_code,
        "reason": reason,
        "startedAt": timestamp(started_at) if started_at is not None else NEVER_STARTED,
        "finishedAt": timestamp(finished_at),
        "containerID": container_id,
    }
    if message:
        state["message"] = message
    return state


def waiting_state(reason: str, message: str = "") -> dict[str, Any]:
    return {"reason": reason, "message": message} if message else {"reason": reason}


def get_phase(
    spec: dict[str, Any], init_statuses: list[dict[str, Any]], statuses: list[dict[str, Any]], terminal: bool
) -> str:
    """getPhase (pkg/kubelet/kubelet_pods.go), init containers and sidecars included."""
    by_name = {s["name"]: s for s in [*init_statuses, *statuses]}
    pending_init = failed_init = 0
    unknown = running = waiting = stopped = succeeded = 0
    for container in spec.get("initContainers") or []:
        status = by_name.get(container["name"])
        state = (status or {}).get("state") or {}
        last = (status or {}).get("lastState") or {}
        if is_restartable_init(container):
            if status is None:
                unknown += 1
            elif "running" in state:
                if not status.get("started"):
                    pending_init += 1
                running += 1
            elif "waiting" in state and "terminated" not in last:
                pending_init += 1
                waiting += 1
            continue
        if status is None or "running" in state:
            pending_init += 1
        elif "terminated" in state:
            failed_init += state["terminated"]["exitCode"] != 0
        elif "terminated" in last:
            failed_init += last["terminated"]["exitCode"] != 0
        else:
            pending_init += 1
    any_regular_started = False
    for container in spec.get("containers") or []:
        status = by_name.get(container["name"])
        if status is None:
            unknown += 1
            continue
        state, last = status.get("state") or {}, status.get("lastState") or {}
        if "running" in state:
            running += 1
            any_regular_started = True
        elif "terminated" in state:
            stopped += 1
            succeeded += state["terminated"]["exitCode"] == 0
            any_regular_started = True
        elif "terminated" in last:
            stopped += 1
            any_regular_started = True
        else:
            waiting += 1
    policy = spec.get("restartPolicy", "Always")
    if failed_init > 0 and policy == "Never":
        return "Failed"
    if (pending_init > 0 and not any_regular_started) or waiting > 0:
        return "Pending"
    if running > 0 and unknown == 0:
        return "Running"
    if running == 0 and stopped > 0 and unknown == 0:
        if terminal:
            return "Succeeded" if stopped == succeeded else "Failed"
        if policy == "Always":
            return "Running"
        if stopped == succeeded:
            return "Succeeded"
        return "Failed" if policy == "Never" else "Running"
    return "Pending"


def _condition(ctype: str, value: bool, reason: str = "", message: str = "") -> dict[str, Any]:
    condition: dict[str, Any] = {"type": ctype, "status": "True" if value else "False"}
    if not value or reason == "PodCompleted":
        if reason:
            condition["reason"] = reason
        if message:
            condition["message"] = message
    return condition


def kubelet_conditions(
    spec: dict[str, Any],
    phase: str,
    init_statuses: list[dict[str, Any]],
    statuses: list[dict[str, Any]],
    sandbox_ready: bool,
    existing: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The four conditions the kubelet owns (status/generate.go), without timestamps yet."""
    succeeded = phase == "Succeeded"
    by_name = {s["name"]: s for s in [*init_statuses, *statuses]}
    incomplete = []
    for container in spec.get("initContainers") or []:
        status = by_name.get(container["name"]) or {}
        state = status.get("state") or {}
        if is_restartable_init(container):
            if not status.get("started"):
                incomplete.append(container["name"])
        elif "terminated" not in state or state["terminated"]["exitCode"] != 0:
            incomplete.append(container["name"])
    if not incomplete or succeeded:
        initialized = _condition("Initialized", True, "PodCompleted" if succeeded and incomplete else "")
    else:
        initialized = _condition(
            "Initialized",
            False,
            "ContainersNotInitialized",
            f"containers with incomplete status: [{' '.join(incomplete)}]",
        )
    regular = [c["name"] for c in spec.get("containers") or []]
    sidecars = [c["name"] for c in spec.get("initContainers") or [] if is_restartable_init(c)]
    unknown = [n for n in [*sidecars, *regular] if n not in by_name]
    unready = [n for n in [*sidecars, *regular] if n in by_name and not by_name[n].get("ready")]
    if unknown:
        containers_ready = _condition(
            "ContainersReady",
            False,
            "ContainersNotReady",
            f"containers with unknown status: [{' '.join(unknown)}]",
        )
    elif succeeded:
        containers_ready = _condition("ContainersReady", False, "PodCompleted")
    elif unready:
        containers_ready = _condition(
            "ContainersReady",
            False,
            "ContainersNotReady",
            f"containers with unready status: [{' '.join(unready)}]",
        )
    else:
        containers_ready = _condition("ContainersReady", True)
    ready = dict(containers_ready, type="Ready")
    if containers_ready["status"] == "True":
        gates = [g.get("conditionType", "") for g in spec.get("readinessGates") or [] if isinstance(g, dict)]
        present = {c.get("type"): c.get("status") for c in existing}
        missing = [g for g in gates if g not in present]
        not_true = [g for g in gates if present.get(g) not in (None, "True")]
        if missing:
            ready = _condition(
                "Ready",
                False,
                "ReadinessGatesNotReady",
                f'corresponding condition of pod readiness gate "{missing[0]}" does not exist.',
            )
        elif not_true:
            ready = _condition(
                "Ready",
                False,
                "ReadinessGatesNotReady",
                f'the status of pod readiness gate "{not_true[0]}" is not "True"',
            )
    return [_condition("PodReadyToStartContainers", sandbox_ready), initialized, ready, containers_ready]


def merge_conditions(
    existing: list[dict[str, Any]], kubelet_owned: list[dict[str, Any]], now: float
) -> list[dict[str, Any]]:
    """The kubelet's conditions over the ones others own (PodScheduled, DisruptionTarget ...).

    lastTransitionTime moves only when a condition's status flips (status manager's updateLastTransitionTime).
    """
    before = {c.get("type"): c for c in existing}
    merged: dict[str, dict[str, Any]] = {}
    for condition in kubelet_owned:
        old = before.get(condition["type"])
        since = (
            old.get("lastTransitionTime")
            if old is not None and old.get("status") == condition["status"]
            else None
        )
        merged[condition["type"]] = {
            "type": condition["type"],
            "status": condition["status"],
            "lastProbeTime": None,
            "lastTransitionTime": since or timestamp(now),
            **{k: condition[k] for k in ("reason", "message") if k in condition},
        }
    for condition in existing:
        ctype = condition.get("type")
        if ctype not in merged:
            merged[str(ctype)] = condition
    if "PodScheduled" not in merged:
        merged["PodScheduled"] = {
            "type": "PodScheduled",
            "status": "True",
            "lastProbeTime": None,
            "lastTransitionTime": timestamp(now),
        }
    rank = {ctype: i for i, ctype in enumerate(CONDITION_ORDER)}
    return sorted(merged.values(), key=lambda c: rank.get(str(c.get("type")), len(rank)))
