"""Indexed Jobs: completion indexes, their compressed interval lists, and the indexed pod template.

Follows ``pkg/controller/job/indexed_job_utils.go`` (v1.32, PodIndexLabel on): every pod of an
Indexed Job carries its index in the ``batch.kubernetes.io/job-completion-index`` annotation and
label, is named ``<job>-<index>-xxxxx``, has the hostname ``<job>-<index>``, and its containers get
``JOB_COMPLETION_INDEX`` from the downward API. ``status.completedIndexes`` lists the succeeded
indexes as ordered intervals ("0-2,4").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from kubetui.apiserver.codec import deep_copy
from kubetui.controllers.podutil import deletion_rank

Obj = dict[str, Any]
Interval = tuple[int, int]  # first and last index, both included

COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index"  # also the label's key
COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"
UNKNOWN_INDEX = -1
MAX_GENERATED_NAME_LENGTH = 58  # names.MaxGeneratedNameLength: 63 minus the 5 random characters
_INTEGER = re.compile(r"[+-]?[0-9]+")  # what strconv.Atoi accepts


def is_indexed(job: Obj) -> bool:
    return (job.get("spec") or {}).get("completionMode") == "Indexed"


def completion_index(pod: Obj) -> int:
    """getCompletionIndex: the annotation's non-negative integer, else -1."""
    value = ((pod.get("metadata") or {}).get("annotations") or {}).get(COMPLETION_INDEX_ANNOTATION)
    if not isinstance(value, str) or not _INTEGER.fullmatch(value):
        return UNKNOWN_INDEX
    return max(int(value), UNKNOWN_INDEX)


def valid_index(pod: Obj, completions: int) -> bool:
    return UNKNOWN_INDEX < completion_index(pod) < completions


# -- ordered intervals ----------------------------------------------------------------------------
def with_ordered_indexes(intervals: list[Interval], new: Iterable[int]) -> list[Interval]:
    """withOrderedIndexes: the intervals merged with ``new`` (ascending indexes)."""
    result: list[Interval] = []

    def append(first: int, last: int) -> None:
        if not result or first > result[-1][1] + 1:
            result.append((first, last))
        elif result[-1][1] < last:
            result[-1] = (result[-1][0], last)

    pending = sorted(new)
    i = j = 0
    while i < len(intervals) and j < len(pending):
        if intervals[i][0] < pending[j]:
            append(*intervals[i])
            i += 1
        else:
            append(pending[j], pending[j])
            j += 1
    for first, last in intervals[i:]:
        append(first, last)
    for index in pending[j:]:
        append(index, index)
    return result


def total(intervals: list[Interval]) -> int:
    return sum(last - first + 1 for first, last in intervals)


def has(intervals: list[Interval], index: int) -> bool:
    return any(first <= index <= last for first, last in intervals)


def format_intervals(intervals: list[Interval]) -> str:
    """orderedIntervals.String: "1-3,5"; two neighbours are written "1,2"."""
    parts = []
    for first, last in intervals:
        if last == first:
            parts.append(str(first))
        else:
            parts.append(f"{first}{',' if last == first + 1 else '-'}{last}")
    return ",".join(parts)


def parse_intervals(text: str, completions: int) -> list[Interval]:
    """succeededIndexesFromString: corrupt parts are skipped, indexes past ``completions`` dropped."""
    result: list[Interval] = []
    for part in text.split(",") if text else ():
        limits = part.split("-")
        try:
            first = int(limits[0])
            last = int(limits[1]) if len(limits) > 1 else first
        except ValueError:
            continue
        if first >= completions:
            break
        last = min(last, completions - 1)
        if result and result[-1][1] == first - 1:
            result[-1] = (result[-1][0], last)
        else:
            result.append((first, last))
    return result


# -- the controller's uses -----------------------------------------------------------------------
def succeeded_indexes(
    job: Obj, pods: list[Obj], has_finalizer: Callable[[Obj], bool]
) -> tuple[list[Interval], list[Interval]]:
    """calculateSucceededIndexes: (.status.completedIndexes, that plus succeeded pods not yet counted)."""
    completions = int((job.get("spec") or {}).get("completions") or 0)
    previous = parse_intervals(str((job.get("status") or {}).get("completedIndexes") or ""), completions)
    fresh = {completion_index(p) for p in pods
             if (p.get("status") or {}).get("phase") == "Succeeded" and valid_index(p, completions)
             and has_finalizer(p)}
    return previous, with_ordered_indexes(previous, fresh)


def first_pending_indexes(not_pending: list[Interval], busy: list[Obj], count: int, completions: int) -> list[int]:
    """firstPendingIndexes: the ``count`` lowest indexes neither succeeded nor held by a ``busy`` pod."""
    held = {completion_index(p) for p in busy} - {UNKNOWN_INDEX}
    taken = with_ordered_indexes(not_pending, held)
    result: list[int] = []
    candidate = 0
    for first, last in [*taken, (completions, completions)]:
        while candidate < min(first, completions) and len(result) < count:
            result.append(candidate)
            candidate += 1
        candidate = max(candidate, last + 1)
    return result


def pods_for_removal(pods: list[Obj], completions: int, at_least: int) -> list[Obj]:
    """activePodsForRemoval (Indexed): pods without a valid index, all but one pod per index, then more."""
    remove: list[Obj] = []
    keep: list[Obj] = []
    by_index: dict[int, list[Obj]] = {}
    for pod in pods:
        index = completion_index(pod)
        if index == UNKNOWN_INDEX or index >= completions:
            remove.append(pod)
        else:
            by_index.setdefault(index, []).append(pod)
    for index in sorted(by_index):
        same = sorted(by_index[index], key=deletion_rank)
        remove.extend(same[:-1])  # keep the pod furthest along
        keep.append(same[-1])
    if len(remove) < at_least:
        remove.extend(sorted(keep, key=deletion_rank)[: at_least - len(remove)])
    return remove


def add_completion_index_env(template: Obj) -> None:
    """addCompletionIndexEnvVariables: JOB_COMPLETION_INDEX from the index label, unless already set."""
    spec = template.setdefault("spec", {})
    field_path = f"metadata.labels['{COMPLETION_INDEX_ANNOTATION}']"
    for key in ("initContainers", "containers"):
        for container in spec.get(key) or ():
            env = container.setdefault("env", [])
            if any(var.get("name") == COMPLETION_INDEX_ENV for var in env):
                continue
            env.append({"name": COMPLETION_INDEX_ENV, "valueFrom": {"fieldRef": {"fieldPath": field_path}}})


def indexed_template(template: Obj, job_name: str, index: int) -> Obj:
    """The template for one index: annotation and label with the index, hostname ``<job>-<index>``."""
    result = deep_copy(template)
    meta = result.setdefault("metadata", {})
    meta["annotations"] = {**(meta.get("annotations") or {}), COMPLETION_INDEX_ANNOTATION: str(index)}
    meta["labels"] = {**(meta.get("labels") or {}), COMPLETION_INDEX_ANNOTATION: str(index)}
    result.setdefault("spec", {})["hostname"] = f"{job_name}-{index}"
    return result


def generate_name_with_index(job_name: str, index: int) -> str:
    """podGenerateNameWithIndex: ``<job>-<index>-``, the job's name cut so the prefix fits 58 characters."""
    suffix = f"-{index}-"
    prefix = job_name + suffix
    if len(prefix) > MAX_GENERATED_NAME_LENGTH:
        prefix = prefix[: MAX_GENERATED_NAME_LENGTH - len(suffix)] + suffix
    return prefix
