"""The Job controller: runs pods until enough of them succeed, or gives up.

Follows ``pkg/controller/job/job_controller.go`` as of v1.30 (syncJob, manageJob,
trackJobStatusAndRemoveFinalizers) and ``backoff_utils.go``:

* it keeps ``min(parallelism, completions - succeeded)`` pods running;
* every pod carries the ``batch.kubernetes.io/job-tracking`` finalizer; a finished pod is first
  listed in ``status.uncountedTerminatedPods``, then loses its finalizer, then is counted in
  ``succeeded``/``failed`` - so a pod deleted early is still counted, exactly once;
* a failed pod (restartPolicy Never) is replaced after a back-off of 10 s doubling to 6 min;
  with OnFailure the kubelet restarts containers in place and their restarts count;
* more failures than ``backoffLimit`` (6) fail the Job (``BackoffLimitExceeded``), so does
  running longer than ``activeDeadlineSeconds`` (``DeadlineExceeded``); enough successes complete it
  (``CompletionsReached``). As in v1.32 (JobPodReplacementPolicy on), the verdict is first an interim
  condition, ``FailureTarget`` or ``SuccessCriteriaMet``, and becomes ``Failed`` or ``Complete`` once no
  pod is terminating, with the same reason and message.

With ``completionMode: Indexed`` (job_indexed.py) each pod runs one completion index: the
controller creates pods for the lowest indexes neither succeeded nor active, counts one success
per index in ``status.completedIndexes``, and the Job completes once every index has succeeded.

The Job's selector and ``job-name``/``controller-uid`` labels come from the API server's
defaulting (the Job strategy's generateSelector), as in Kubernetes.

A ``podFailurePolicy`` (job_pod_failure_policy.py) looks at each failed pod: a FailJob rule it matches fails the
Job (``PodFailurePolicy``, naming the container and exit code or the condition), an Ignore rule keeps the failure
out of ``failed`` and the backoff limit.

Simplification: successPolicy and backoffLimitPerIndex (so failedIndexes) are ignored.
Simplification: ttlSecondsAfterFinished is ignored (no TTL-after-finished controller).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubetui.api.meta import parse_timestamp, split_key, timestamp
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers import job_pod_failure_policy as failure_policy
from kubetui.controllers.base import Controller
from kubetui.controllers.job_indexed import (
    Interval,
    add_completion_index_env,
    completion_index,
    first_pending_indexes,
    format_intervals,
    generate_name_with_index,
    has,
    indexed_template,
    is_indexed,
    pods_for_removal,
    succeeded_indexes,
    total,
    valid_index,
    with_ordered_indexes,
)
from kubetui.controllers.podutil import (
    Expectations,
    create_pod,
    deletion_rank,
    index_pods,
    is_pod_active,
    is_pod_ready,
    is_pod_terminal,
    is_terminating,
    phase_of,
    pod_condition,
    pod_from_template,
    restart_count,
    slow_start_batch,
)

Obj = dict[str, Any]

TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
DEFAULT_POD_FAILURE_BACKOFF = 10.0  # DefaultJobPodFailureBackOff
MAX_POD_FAILURE_BACKOFF = 360.0  # MaxJobPodFailureBackOff
MAX_UNCOUNTED_PODS = 500
MAX_POD_CREATE_DELETE_PER_SYNC = 500
SYNC_BATCH_PERIOD = 1.0  # syncJobBatchPeriod: pod events within a second share one sync


@dataclass
class BackoffRecord:
    """backoffRecord: failures since the last success, and when the last one happened."""

    failures: int = 0
    last_failure: float | None = None

    def remaining(self, now: float) -> float:
        """getRemainingTimeForFailuresCount: 10 s, 20 s, 40 s ... capped at 6 min after the last failure."""
        if self.failures == 0 or self.last_failure is None:
            return 0.0
        backoff = DEFAULT_POD_FAILURE_BACKOFF
        for _ in range(1, self.failures):
            backoff *= 2
            if backoff >= MAX_POD_FAILURE_BACKOFF:
                backoff = MAX_POD_FAILURE_BACKOFF
                break
        return max(0.0, backoff - (now - self.last_failure))


def finished_time(pod: Obj) -> float:
    """getFinishedTime: containers' finishedAt, else Ready=False transition, else deletion, else creation."""
    status = pod.get("status") or {}
    latest: float | None = None
    statuses = status.get("containerStatuses") or []
    for container in statuses:
        finished = parse_timestamp(((container.get("state") or {}).get("terminated") or {}).get("finishedAt"))
        if finished is None:
            latest = None
            break
        latest = finished if latest is None else max(latest, finished)
    if latest is not None and statuses:
        return latest
    ready = pod_condition(pod, "Ready")
    if ready is not None and ready.get("status") == "False" and ready.get("lastTransitionTime"):
        return parse_timestamp(ready["lastTransitionTime"]) or 0.0
    meta = pod.get("metadata") or {}
    if meta.get("deletionTimestamp"):
        grace = float(meta.get("deletionGracePeriodSeconds") or 0)
        return (parse_timestamp(meta["deletionTimestamp"]) or 0.0) - grace
    return parse_timestamp(meta.get("creationTimestamp")) or 0.0


def _condition_true(job: Obj, ctype: str) -> bool:
    return any(c.get("type") == ctype and c.get("status") == "True"
               for c in (job.get("status") or {}).get("conditions") or ())


INTERIM = {"SuccessCriteriaMet": "Complete", "FailureTarget": "Failed"}  # the verdict, then the final condition


def finished_condition(job: Obj) -> str:
    """jobutil.FinishedCondition: "Complete" or "Failed" once the Job has that condition True, else ""."""
    return next((ctype for ctype in ("Complete", "Failed") if _condition_true(job, ctype)), "")


def is_finished(job: Obj) -> bool:
    return finished_condition(job) != ""


def _has_finalizer(pod: Obj) -> bool:
    return TRACKING_FINALIZER in ((pod.get("metadata") or {}).get("finalizers") or ())


def _uid(pod: Obj) -> str:
    return str(pod["metadata"].get("uid", ""))


class JobController(Controller):
    name = "job-controller"

    def setup(self) -> None:
        self.jobs = self.informers.informer("jobs")
        self.pods = self.informers.informer("pods")
        index_pods(self)
        self.expectations = Expectations(self.clock)
        self.backoff: dict[str, BackoffRecord] = {}
        self.jobs.add_handlers(self.enqueue, self._job_updated, self._job_deleted)
        self.pods.add_handlers(self._pod_added, self._pod_updated, self._pod_deleted)

    # -- event handlers ---------------------------------------------------------------------------
    def _job_key(self, pod: Obj) -> str | None:
        ref = next((r for r in pod["metadata"].get("ownerReferences") or () if r.get("controller")), None)
        if ref is None or ref.get("kind") != "Job":
            return None
        return f"{pod['metadata'].get('namespace', '')}/{ref.get('name', '')}"

    def _owner(self, pod: Obj) -> Obj | None:
        key = self._job_key(pod)
        job = self.jobs.get_by_key(key) if key else None
        refs = pod["metadata"].get("ownerReferences") or ()
        ref_uid = next((r.get("uid") for r in refs if r.get("controller")), None)
        return job if job is not None and job["metadata"].get("uid") == ref_uid else None

    def _job_updated(self, old: Obj, new: Obj) -> None:
        self.queue.add_after(_key(new), SYNC_BATCH_PERIOD)
        old_deadline = (old.get("spec") or {}).get("activeDeadlineSeconds")
        new_deadline = (new.get("spec") or {}).get("activeDeadlineSeconds")
        start = parse_timestamp((new.get("status") or {}).get("startTime"))
        if new_deadline is not None and new_deadline != old_deadline and start is not None:
            self.queue.add_after(_key(new), max(0.0, start + new_deadline - self.clock.now))

    def _job_deleted(self, job: Obj) -> None:
        key = _key(job)
        self.expectations.forget(key)
        self.backoff.pop(key, None)
        for pod in self.pods.by_index("owner-uid", job["metadata"].get("uid", "")):
            if _has_finalizer(pod):
                self.queue.add(f"orphan:{_key(pod)}")

    def _pod_added(self, pod: Obj) -> None:
        if is_terminating(pod):
            self._pod_deleted(pod)
            return
        job = self._owner(pod)
        if job is None:
            if _has_finalizer(pod):
                self.queue.add(f"orphan:{_key(pod)}")
            return
        self.expectations.creation_observed(_key(job))
        self.queue.add_after(_key(job), SYNC_BATCH_PERIOD)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return
        job = self._owner(new)
        if job is None or is_finished(job):
            if _has_finalizer(new):
                self.queue.add(f"orphan:{_key(new)}")
            return
        if is_terminating(new) and not is_terminating(old):
            self.expectations.deletion_observed(_key(job))
        self.queue.add_after(_key(job), SYNC_BATCH_PERIOD)

    def _pod_deleted(self, pod: Obj) -> None:
        job = self._owner(pod)
        if job is None:
            return
        self.expectations.deletion_observed(_key(job))
        self.queue.add_after(_key(job), SYNC_BATCH_PERIOD)

    # -- reconcile --------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        if key.startswith("orphan:"):
            self._sync_orphan_pod(key.removeprefix("orphan:"))
            return
        namespace, name = split_key(key)
        job = self.jobs.get(namespace, name)
        if job is None:
            self.expectations.forget(key)
            self.backoff.pop(key, None)
            return
        if is_finished(job):
            self.backoff.pop(key, None)
            return
        SyncJob(self, key, deep_copy(job)).run()

    def _sync_orphan_pod(self, key: str) -> None:
        """syncOrphanPod: a pod whose Job is gone or finished loses the tracking finalizer."""
        namespace, name = split_key(key)
        pod = self.pods.get(namespace, name)
        if pod is None or not _has_finalizer(pod):
            return
        job = self._owner(pod)
        if job is not None and not is_finished(job):
            return
        if self.remove_finalizer(pod):
            self.record(f"Pod {key}", "tracking finalizer, Job gone or finished", "no finalizer",
                        "remove batch.kubernetes.io/job-tracking")

    def remove_finalizer(self, pod: Obj) -> bool:
        finalizers = [f for f in pod["metadata"].get("finalizers") or () if f != TRACKING_FINALIZER]
        try:
            self.client.merge_patch("pods", pod["metadata"].get("namespace", ""), pod["metadata"]["name"],
                                    {"metadata": {"finalizers": finalizers or None}})
        except ApiError as err:
            if err.code != 404:
                raise
        return True


def _key(obj: Obj) -> str:
    return f"{obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"


class SyncJob:
    """One syncJob pass over one Job (the jobCtx of job_controller.go)."""

    def __init__(self, controller: JobController, key: str, job: Obj) -> None:
        self.c = controller
        self.key = key
        self.job = job
        self.spec: Obj = job.get("spec") or {}
        self.status: Obj = job.setdefault("status", {})
        self.now = controller.clock.now
        self.actions: list[str] = []
        self.pods = sorted(
            (p for p in controller.pods.by_index("owner-uid", job["metadata"].get("uid", ""))),
            key=lambda p: p["metadata"]["name"],
        )
        uncounted = self.status.get("uncountedTerminatedPods") or {}
        self.uncounted_succeeded: list[str] = list(uncounted.get("succeeded") or [])
        self.uncounted_failed: list[str] = list(uncounted.get("failed") or [])
        self.active_pods = [p for p in self.pods if is_pod_active(p)]
        self.ready = sum(1 for p in self.active_pods if is_pod_ready(p))
        self.terminating = sum(1 for p in self.pods if is_terminating(p) and not is_pod_terminal(p))
        self.suspend_changed = False
        self.indexed = is_indexed(job)
        self.completions = int(self.spec.get("completions") or 0)
        self.prev_succeeded_indexes: list[Interval] = []
        self.succeeded_indexes: list[Interval] = []

    # -- counting ---------------------------------------------------------------------------------
    def pod_failed(self, pod: Obj) -> bool:
        """isPodFailed: Failed, or deleted before succeeding (unless only Failed pods are replaced)."""
        if phase_of(pod) == "Failed":
            return True
        if self.spec.get("podReplacementPolicy") == "Failed" or self.spec.get("podFailurePolicy"):
            return False
        return is_terminating(pod) and phase_of(pod) != "Succeeded"

    def _new_finished(self) -> tuple[list[Obj], list[Obj]]:
        """getNewFinishedPods: finished pods still carrying the finalizer and not yet in uncounted."""
        counted = set(self.uncounted_succeeded) | set(self.uncounted_failed)
        fresh = [p for p in self.pods if _has_finalizer(p) and _uid(p) not in counted
                 and (not self.indexed or valid_index(p, self.completions))]
        return ([p for p in fresh if phase_of(p) == "Succeeded"],
                [p for p in fresh if phase_of(p) != "Succeeded" and self.pod_failed(p)])

    def _backoff_record(self, succeeded: list[Obj], failed: list[Obj]) -> BackoffRecord:
        """newBackoffRecord: failures after the last success, with the time of the last one."""
        old = self.c.backoff.get(self.key, BackoffRecord())
        record = BackoffRecord(old.failures, old.last_failure)
        failed_times = sorted(finished_time(p) for p in failed)
        if not succeeded:
            if failed_times:
                record.failures += len(failed_times)
                record.last_failure = failed_times[-1]
            return record
        last_success = max(finished_time(p) for p in succeeded)
        later = [t for t in failed_times if t > last_success]
        return BackoffRecord(len(later), later[-1] if later else None)

    # -- the pass ---------------------------------------------------------------------------------
    def run(self) -> None:
        job, status = self.job, self.status
        satisfied = self.c.expectations.satisfied(self.key)
        new_succeeded, new_failed = self._new_finished()
        self.succeeded = int(status.get("succeeded") or 0) + len(new_succeeded)
        self.succeeded += len(self.uncounted_succeeded)
        counted = [p for p in new_failed if failure_policy.match(self.spec.get("podFailurePolicy"), p)[1]]
        self.failed = int(status.get("failed") or 0) + len(counted) + len(self.uncounted_failed)
        suspended = bool(self.spec.get("suspend"))
        if not status.get("startTime") and not suspended:
            status["startTime"] = timestamp(self.now)
        self.backoff = self._backoff_record(new_succeeded, new_failed)
        finished = self._interim_verdict()
        backoff_limit = int(self.spec.get("backoffLimit", 6))
        policy_message = None if finished is not None else failure_policy.fail_job_message(
            self.spec.get("podFailurePolicy"), [p for p in self.pods if self.pod_failed(p)])
        if finished is not None:
            pass  # decided on an earlier pass: it becomes final once no pod is terminating
        elif policy_message is not None:
            finished = ("FailureTarget", "PodFailurePolicy", policy_message)
        elif self.failed > backoff_limit or self._past_backoff_limit_on_failure(backoff_limit):
            finished = ("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit")
        elif self._past_active_deadline():
            finished = ("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline")
        elif self.spec.get("activeDeadlineSeconds") is not None and not suspended:
            start = parse_timestamp(status.get("startTime"))
            start = self.now if start is None else start
            self.c.queue.add_after(self.key, start + float(self.spec["activeDeadlineSeconds"]) - self.now)
        if self.indexed:
            self.prev_succeeded_indexes, self.succeeded_indexes = succeeded_indexes(job, self.pods, _has_finalizer)
            self.succeeded = total(self.succeeded_indexes)
        active = len(self.active_pods)
        manage_called = False
        if finished is not None and finished[0] == "FailureTarget":
            deleted, deleted_ready = self._delete_pods(self.active_pods, remove_finalizer=False)
            active -= deleted
            self.terminating += deleted
            self.ready -= deleted_ready
        elif finished is None:
            if satisfied and not job["metadata"].get("deletionTimestamp"):
                active = self._manage(active)
                manage_called = True
            completions = self.spec.get("completions")
            if completions is None:
                complete = self.succeeded > 0 and active == 0
            else:
                complete = self.succeeded >= int(completions) and active == 0
            if complete:
                finished = ("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods")
            elif manage_called:
                self._suspend_condition(suspended)
        needs_flush = (active != int(status.get("active") or 0) or self.ready != status.get("ready")
                       or self.terminating != status.get("terminating"))
        status["active"] = active
        status["ready"] = self.ready
        status["terminating"] = self.terminating
        self._track_and_remove_finalizers(finished, needs_flush)

    def _interim_verdict(self) -> tuple[str, str, str] | None:
        """A SuccessCriteriaMet or FailureTarget condition an earlier pass wrote: the Job's verdict stands."""
        for condition in self.status.get("conditions") or ():
            if condition.get("type") in INTERIM and condition.get("status") == "True":
                return str(condition["type"]), str(condition.get("reason", "")), str(condition.get("message", ""))
        return None

    def _past_backoff_limit_on_failure(self, limit: int) -> bool:
        """pastBackoffLimitOnFailure: with OnFailure, container restarts count as failures."""
        template_spec = (self.spec.get("template") or {}).get("spec") or {}
        if template_spec.get("restartPolicy") != "OnFailure":
            return False
        restarts = sum(restart_count(p) for p in self.pods if phase_of(p) in ("Running", "Pending"))
        return restarts > 0 if limit == 0 else restarts >= limit

    def _past_active_deadline(self) -> bool:
        deadline = self.spec.get("activeDeadlineSeconds")
        start = parse_timestamp(self.status.get("startTime"))
        if deadline is None or start is None or self.spec.get("suspend"):
            return False
        return self.now - start >= float(deadline)

    def _suspend_condition(self, suspended: bool) -> None:
        conditions: list[Obj] = self.status.setdefault("conditions", [])
        current = next((c for c in conditions if c.get("type") == "Suspended"), None)
        if suspended:
            wanted = ("True", "JobSuspended", "Job suspended")
        elif current is not None:
            wanted = ("False", "JobResumed", "Job resumed")
        else:
            return  # never suspended: nothing to say
        now = (current or {}).get("status"), (current or {}).get("reason"), (current or {}).get("message")
        if current is not None and now == wanted:
            return
        condition = self._condition("Suspended", *wanted)
        self.status["conditions"] = [c for c in conditions if c.get("type") != "Suspended"] + [condition]
        self.c.event(self.job, "Normal", "Suspended" if suspended else "Resumed", wanted[2])
        self.actions.append(wanted[2].lower())
        if not suspended:
            self.status["startTime"] = timestamp(self.now)  # the deadline counts from the resume
        self.suspend_changed = True

    def _condition(self, ctype: str, status: str, reason: str, message: str) -> Obj:
        now = timestamp(self.now)
        condition: Obj = {"type": ctype, "status": status, "lastProbeTime": now, "lastTransitionTime": now}
        if reason:
            condition["reason"] = reason
        if message:
            condition["message"] = message
        return condition

    def _manage(self, active: int) -> int:
        """manageJob: create or delete pods to run ``min(parallelism, remaining completions)``."""
        parallelism = int(self.spec.get("parallelism", 1))
        if self.spec.get("suspend"):
            victims = self._pods_for_removal(active)
            self.c.expectations.expect(self.key, 0, len(victims))
            removed, removed_ready = self._delete_pods(victims, remove_finalizer=True)
            self.terminating += removed
            self.ready -= removed_ready
            return active - removed
        completions = self.spec.get("completions")
        if completions is None:
            want = active if self.succeeded > 0 else parallelism
        else:
            want = max(0, min(int(completions) - self.succeeded, parallelism))
        victims = self._pods_for_removal(max(0, active - want))[:MAX_POD_CREATE_DELETE_PER_SYNC]
        if victims:  # deleting takes precedence over creating (say, with an index run twice)
            self.c.expectations.expect(self.key, 0, len(victims))
            removed, removed_ready = self._delete_pods(victims, remove_finalizer=True)
            self.terminating += removed
            self.ready -= removed_ready
            why = "too many pods running" if active > want else "repeated or invalid completion indexes"
            self.actions.append(f"{why}: delete {removed}")
            return active - removed
        waiting = self.terminating if self.spec.get("podReplacementPolicy") == "Failed" else 0
        diff = want - waiting - active
        if diff <= 0:
            return active
        remaining = self.backoff.remaining(self.now)
        if remaining > 0:
            self.c.queue.add_after(self.key, remaining)
            self.actions.append(f"pod failure back-off: next pod in {remaining:.0f}s")
            return active
        diff = min(diff, MAX_POD_CREATE_DELETE_PER_SYNC)
        indexes: list[int] = []
        if self.indexed:
            indexes = self._pending_indexes(diff)
            diff = len(indexes)
            if diff == 0:
                return active
        self.c.expectations.expect(self.key, diff, 0)
        template = deep_copy(self.spec.get("template") or {})
        if self.indexed:
            add_completion_index_env(template)
        template_meta = template.setdefault("metadata", {})
        if TRACKING_FINALIZER not in (template_meta.get("finalizers") or []):
            template_meta["finalizers"] = [*(template_meta.get("finalizers") or []), TRACKING_FINALIZER]
        created: list[str] = []

        def create(i: int) -> bool:
            pod = create_pod(self.c, self.job, self._new_pod(template, indexes[i] if indexes else None))
            if pod is None:
                self.c.expectations.creation_observed(self.key)
                return False
            created.append(pod["metadata"]["name"])
            return True

        tried = slow_start_batch(diff, create)
        if tried < diff:
            self.c.expectations.lower(self.key, diff - tried, 0)
        if created:
            self.actions.append(f"create {len(created)} pods ({', '.join(created)})")
        return active + len(created)

    def _pods_for_removal(self, at_least: int) -> list[Obj]:
        """activePodsForRemoval: ``at_least`` pods, the earliest-stage first; Indexed adds duplicate indexes."""
        if self.indexed:
            return pods_for_removal(self.active_pods, self.completions, at_least)
        return sorted(self.active_pods, key=deletion_rank)[:at_least]

    def _pending_indexes(self, count: int) -> list[int]:
        """firstPendingIndexes; with podReplacementPolicy Failed, terminating pods still hold their index."""
        busy = list(self.active_pods)
        if self.spec.get("podReplacementPolicy") == "Failed":
            busy += [p for p in self.pods if is_terminating(p) and not is_pod_terminal(p)]
        return first_pending_indexes(self.succeeded_indexes, busy, count, self.completions)

    def _new_pod(self, template: Obj, index: int | None) -> Obj:
        """The pod to create: for an index, its annotation, label, hostname and ``<job>-<index>-`` name."""
        if index is None:
            return pod_from_template(template, self.job)
        name = self.job["metadata"]["name"]
        return pod_from_template(indexed_template(template, name, index), self.job,
                                 generate_name=generate_name_with_index(name, index))

    def _delete_pods(self, pods: list[Obj], remove_finalizer: bool) -> tuple[int, int]:
        """deleteJobPods / deleteActivePods: (deleted, of which were Ready)."""
        deleted = deleted_ready = 0
        for pod in pods:
            namespace, name = pod["metadata"].get("namespace", ""), pod["metadata"]["name"]
            try:
                if remove_finalizer and _has_finalizer(pod):
                    self.c.remove_finalizer(pod)
                self.c.client.delete("pods", namespace, name)
            except ApiError as err:
                if err.code != 404:
                    if remove_finalizer:
                        self.c.expectations.deletion_observed(self.key)
                    self.c.event(self.job, "Warning", "FailedDelete", f"Error deleting: {err.message}")
                    continue
            self.c.event(self.job, "Normal", "SuccessfulDelete", f"Deleted pod: {name}")
            deleted += 1
            deleted_ready += 1 if is_pod_ready(pod) else 0
        if deleted:
            self.actions.append(f"delete {deleted} active pods")
        return deleted, deleted_ready

    # -- trackJobStatusAndRemoveFinalizers -------------------------------------------------------------
    def _track_and_remove_finalizers(self, finished: tuple[str, str, str] | None, needs_flush: bool) -> None:
        needs_flush |= self.suspend_changed
        with_finalizer = {_uid(p) for p in self.pods if _has_finalizer(p)}
        needs_flush |= self._clean_uncounted(with_finalizer)
        to_remove: list[Obj] = []
        new_indexes: list[int] = []
        reached_max = False
        job_failed = finished is not None and finished[0] == "FailureTarget"
        if finished is not None and self._ensure_condition(*finished):  # the interim verdict, written first
            needs_flush = True
        pods = sorted(self.pods, key=completion_index) if self.indexed else self.pods  # indexes in order
        for pod in pods:
            if not _has_finalizer(pod):
                continue
            failed = self.pod_failed(pod)
            can_remove = bool(self.job["metadata"].get("deletionTimestamp")) or finished is not None or (
                phase_of(pod) == "Succeeded") or failed
            if not can_remove:
                continue
            to_remove.append(pod)
            uid = _uid(pod)
            index_ok = not self.indexed or valid_index(pod, self.completions)
            if phase_of(pod) == "Succeeded" and uid not in self.uncounted_failed:
                if self.indexed:  # the index alone keeps a success from being counted twice
                    if index_ok and not has(self.prev_succeeded_indexes, completion_index(pod)):
                        new_indexes.append(completion_index(pod))
                        needs_flush = True
                elif uid not in self.uncounted_succeeded:
                    self.uncounted_succeeded.append(uid)
                    needs_flush = True
            elif ((failed or job_failed) and uid not in self.uncounted_failed and index_ok
                  and failure_policy.match(self.spec.get("podFailurePolicy"), pod)[1]):  # an Ignore rule: not counted
                self.uncounted_failed.append(uid)
                needs_flush = True
            if len(new_indexes) + len(self.uncounted_succeeded) + len(self.uncounted_failed) >= MAX_UNCOUNTED_PODS:
                reached_max = True
                break
        if self.indexed:
            needs_flush |= self._set_completed_indexes(new_indexes)
        self._set_uncounted()
        if needs_flush:
            self._write_status()
            self.c.backoff[self.key] = self.backoff
            needs_flush = False
        for pod in to_remove:
            if self.c.remove_finalizer(pod):
                with_finalizer.discard(_uid(pod))
        needs_flush |= self._clean_uncounted(with_finalizer)
        if finished is not None:
            finished = (INTERIM[finished[0]], finished[1], finished[2])
        done = not reached_max and finished is not None and self._enact_finished(finished)
        if done or needs_flush:
            self._write_status()
        if done and finished is not None:
            if finished[0] == "Complete":
                completions = self.spec.get("completions")
                if completions is not None and int(self.status.get("succeeded") or 0) > int(completions):
                    self.c.event(self.job, "Warning", "TooManySucceededPods",
                                 "Too many succeeded pods running after completion count reached")
                self.c.event(self.job, "Normal", "Completed", "Job completed")
            else:
                self.c.event(self.job, "Warning", finished[1], finished[2])
            self.actions.append(f"job {finished[0].lower()}" + (f" ({finished[1]})" if finished[0] == "Failed" else ""))
        if self.actions:
            completions = self.spec.get("completions")
            self.c.record(
                f"Job {self.key}",
                f"{len(self.active_pods)} active, {self.succeeded} succeeded, {self.failed} failed",
                f"{completions if completions is not None else 'any'} completions, "
                f"parallelism {self.spec.get('parallelism', 1)}",
                "; ".join(self.actions),
            )

    def _set_completed_indexes(self, new_indexes: list[int]) -> bool:
        """``status.completedIndexes`` and ``succeeded`` (its size) from the succeeded indexes; True if changed."""
        self.succeeded_indexes = with_ordered_indexes(self.succeeded_indexes, new_indexes)
        text = format_intervals(self.succeeded_indexes)
        changed = text != (self.status.get("completedIndexes") or "")
        self.status["succeeded"] = total(self.succeeded_indexes)
        self.status["completedIndexes"] = text
        return changed

    def _clean_uncounted(self, with_finalizer: set[str]) -> bool:
        """cleanUncountedPodsWithoutFinalizers: UIDs whose finalizer is gone move into the counters."""
        changed = False
        still = [u for u in self.uncounted_succeeded if u in with_finalizer]
        if len(still) != len(self.uncounted_succeeded):
            counted = len(self.uncounted_succeeded) - len(still)
            self.status["succeeded"] = int(self.status.get("succeeded") or 0) + counted
            self.uncounted_succeeded = still
            changed = True
        still = [u for u in self.uncounted_failed if u in with_finalizer]
        if len(still) != len(self.uncounted_failed):
            counted = len(self.uncounted_failed) - len(still)
            self.status["failed"] = int(self.status.get("failed") or 0) + counted
            self.uncounted_failed = still
            changed = True
        self._set_uncounted()
        return changed

    def _set_uncounted(self) -> None:
        uncounted: Obj = {}
        if self.uncounted_succeeded:
            uncounted["succeeded"] = list(self.uncounted_succeeded)
        if self.uncounted_failed:
            uncounted["failed"] = list(self.uncounted_failed)
        self.status["uncountedTerminatedPods"] = uncounted

    def _ensure_condition(self, ctype: str, reason: str, message: str) -> bool:
        """ensureJobConditionStatus: the condition True with this reason and message; True if it changed."""
        conditions = self.status.setdefault("conditions", [])
        current = next((c for c in conditions if c.get("type") == ctype), None)
        if current is not None and (current.get("status"), current.get("reason", ""), current.get("message", "")) == (
                "True", reason, message):
            return False
        condition = self._condition(ctype, "True", reason, message)
        self.status["conditions"] = [c for c in conditions if c.get("type") != ctype] + [condition]
        return True

    def _enact_finished(self, finished: tuple[str, str, str]) -> bool:
        """enactJobFinished: the Complete or Failed condition, once every finished pod is counted and none is
        terminating."""
        if self.uncounted_succeeded or self.uncounted_failed or self.terminating > 0:
            return False
        self._ensure_condition(*finished)
        if finished[0] == "Complete":
            condition = next(c for c in self.status["conditions"] if c.get("type") == "Complete")
            self.status["completionTime"] = condition["lastTransitionTime"]
        return True

    def _write_status(self) -> None:
        for key in ("active", "succeeded", "failed", "completedIndexes"):
            if not self.status.get(key):
                self.status.pop(key, None)  # omitempty in the Go type
        if not self.status.get("conditions"):
            self.status.pop("conditions", None)
        stored = self.c.client.update_status("jobs", self.job)
        self.job["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"]
