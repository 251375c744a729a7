"""A Job's podFailurePolicy (pkg/controller/job/pod_failure_policy.go): the first rule a failed pod matches, by its
containers' exit codes or its conditions, says whether the failure fails the Job, is ignored, or counts.

Simplification: the FailIndex action (with backoffLimitPerIndex) counts as a failure; no index is failed.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]
COUNTED = "Count"


def _exit_code_matches(code: int, requirement: Obj) -> bool:
    values = requirement.get("values") or ()
    return (code in values) if requirement.get("operator") == "In" else (code not in values)


def _matching_container(pod: Obj, requirement: Obj) -> Obj | None:
    """matchOnExitCodes: a terminated container (app containers first, then init) with a non-zero matching code."""
    status = pod.get("status") or {}
    for key in ("containerStatuses", "initContainerStatuses"):
        for container in status.get(key) or ():
            terminated = (container.get("state") or {}).get("terminated")
            if terminated is None:
                continue  # still terminating: no exit code to match
            name = requirement.get("containerName")
            code = int(terminated.get("exitCode") or 0)
            if (name is None or name == container.get("name")) and code != 0 and _exit_code_matches(code, requirement):
                return dict(container)
    return None


def _matching_condition(pod: Obj, patterns: list[Obj]) -> Obj | None:
    for condition in (pod.get("status") or {}).get("conditions") or ():
        for pattern in patterns:
            if condition.get("type") == pattern.get("type") and condition.get("status") == pattern.get("status",
                                                                                                          "True"):
                return dict(condition)
    return None


def match(policy: Obj | None, pod: Obj) -> tuple[str | None, bool, str | None]:
    """matchPodFailurePolicy: (the FailJob message or None, whether the failure counts, the rule's action)."""
    if not policy:
        return None, True, None
    meta = pod.get("metadata") or {}
    where = f"{meta.get('namespace', '')}/{meta.get('name', '')}"
    for index, rule in enumerate(policy.get("rules") or ()):
        action = str(rule.get("action") or "")
        if rule.get("onExitCodes") is not None:
            container = _matching_container(pod, rule["onExitCodes"])
            if container is None:
                continue
            code = container["state"]["terminated"].get("exitCode")
            message = (f"Container {container.get('name')} for pod {where} failed with exit code {code} matching "
                       f"{action} rule at index {index}")
        elif rule.get("onPodConditions") is not None:
            condition = _matching_condition(pod, list(rule["onPodConditions"]))
            if condition is None:
                continue
            message = f"Pod {where} has condition {condition.get('type')} matching {action} rule at index {index}"
        else:
            continue
        if action == "Ignore":
            return None, False, action
        if action == "FailJob":
            return message, True, action
        return None, True, action if action in (COUNTED, "FailIndex") else COUNTED
    return None, True, None


def fail_job_message(policy: Obj | None, failed: list[Obj]) -> str | None:
    """getFailJobMessage: the message of the first failed pod a FailJob rule matches."""
    for pod in failed:
        message = match(policy, pod)[0]
        if message is not None:
            return message
    return None
