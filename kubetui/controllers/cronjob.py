"""The CronJob controller: makes a Job from the template at each scheduled time, and keeps a short history.

Follows ``pkg/controller/cronjob/cronjob_controllerv2.go`` and ``utils.go`` (v1.32):

* a sync finds the most recent scheduled time that has not been run (since ``status.lastScheduleTime``,
  or the CronJob's creation), creates ``<name>-<scheduled unix minutes>`` from ``spec.jobTemplate`` and
  requeues itself 100 ms after the next scheduled time; the Job's name is the lock that stops a time
  from being run twice;
* ``startingDeadlineSeconds``: a time missed by more is not run (``MissSchedule``); more than 100 missed
  times are reported (``TooManyMissedTimes``) and only the latest is run;
* ``concurrencyPolicy``: ``Allow`` runs Jobs side by side, ``Forbid`` skips a time while one is active
  (``JobAlreadyActive``), ``Replace`` deletes the active ones first;
* ``status.active`` lists the running Jobs; a finished one leaves it (``SawCompletedJob``), and only the
  newest ``successfulJobsHistoryLimit`` / ``failedJobsHistoryLimit`` finished Jobs are kept
  (``SuccessfulDelete``; the garbage collector then removes their pods);
* ``suspend: true`` stops new Jobs; Jobs already running go on.

Simplification: with no ``spec.timeZone`` the schedule is read in UTC (the time zone of a
kube-controller-manager in a container), not the machine's local time.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from kubetui.api import meta as m
from kubetui.api.cron import Schedule, ScheduleError, load_time_zone, parse_standard
from kubetui.api.meta import split_key
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.job import finished_condition

Obj = dict[str, Any]

SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp"
NEXT_SCHEDULE_DELTA = 0.1  # nextScheduleDelta: wake 100 ms after the scheduled time
MAX_MISSED_REPORTED = 100  # more missed start times than this get a TooManyMissedTimes event


def _key(obj: Obj) -> str:
    meta = obj.get("metadata") or {}
    return f"{meta.get('namespace', '')}/{meta.get('name', '')}"


CONTROLLER_INDEX = "controller-name"


def _controller_key(job: Obj) -> list[str]:
    """Index function: ``namespace/name`` of the Job's controller, if a CronJob controls it."""
    ref = m.controller_of(job)
    if ref is None or ref.get("kind") != "CronJob":
        return []
    return [f"{(job.get('metadata') or {}).get('namespace', '')}/{ref.get('name', '')}"]


def _to_datetime(virtual: float) -> datetime:
    return m.EPOCH + timedelta(seconds=virtual)


def _to_virtual(when: datetime) -> float:
    return (when - m.EPOCH).total_seconds()


def _rfc3339(when: datetime) -> str:
    text = when.replace(microsecond=0).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class CronJobController(Controller):
    name = "cronjob-controller"

    def setup(self) -> None:
        self.cronjobs = self.informers.informer("cronjobs")
        self.jobs = self.informers.informer("jobs")
        self.jobs.add_index(CONTROLLER_INDEX, _controller_key)
        self.cronjobs.add_handlers(self.enqueue, self._cronjob_updated, None)
        self.jobs.add_handlers(self._job_changed, lambda _old, new: self._job_changed(new), self._job_changed)

    # -- event handlers ---------------------------------------------------------------------------
    def _job_changed(self, job: Obj) -> None:
        ref = m.controller_of(job)
        if ref is not None and ref.get("kind") == "CronJob":
            self.queue.add(f"{(job.get('metadata') or {}).get('namespace', '')}/{ref.get('name', '')}")

    def _cronjob_updated(self, old: Obj, new: Obj) -> None:
        """A changed schedule or time zone requeues at the new next time; anything else syncs now."""
        old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
        if (old_spec.get("schedule"), old_spec.get("timeZone")) == (new_spec.get("schedule"), new_spec.get("timeZone")):
            self.enqueue(new)
            return
        try:
            schedule = parse_standard(str(new_spec.get("schedule") or ""))
        except ScheduleError:
            self.enqueue(new)  # the sync reports it
            return
        delay = self._next_delay(new, schedule, self.clock.now)
        if delay is None:
            self.enqueue(new)
        else:
            self.queue.add_after(_key(new), delay)

    # -- reconcile --------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        cached = self.cronjobs.get(namespace, name)
        if cached is None:
            return
        cronjob = deep_copy(cached)
        cronjob.setdefault("status", {})
        jobs = self.jobs.by_index(CONTROLLER_INDEX, key)  # getJobsToBeReconciled: its controller has this name
        before = deep_copy(cronjob["status"])
        cleaned = self._cleanup_finished_jobs(cronjob, jobs)
        try:
            requeue, synced = self._sync(cronjob, jobs)
        except ApiError:
            # sync() writes what changed before the error too (a Replace that deleted one Job of two)
            if cronjob.get("status") != before:
                self.client.update_status("cronjobs", cronjob)
            raise
        if cleaned or synced:  # one status write for both, as sync() combines them
            self.client.update_status("cronjobs", cronjob)
        if requeue is not None:
            self.queue.add_after(key, requeue)

    def _sync(self, cronjob: Obj, jobs: list[Obj]) -> tuple[float | None, bool]:
        """syncCronJob: the status bookkeeping, then at most one new Job.

        Returns when to look again (None: only when something changes) and whether the status changed.
        """
        spec = cronjob.get("spec") or {}
        now = self.clock.now
        changed = False
        children = set()
        for job in jobs:
            job_meta = job["metadata"]
            children.add(job_meta.get("uid"))
            active = self._is_active(cronjob, job_meta.get("uid"))
            finished = finished_condition(job)
            if not active and not finished:
                # The informer may not have seen the status write that listed it yet: ask the API server.
                fresh = self.client.get("cronjobs", job_meta.get("namespace", ""), cronjob["metadata"]["name"])
                if self._is_active(fresh, job_meta.get("uid")):
                    cronjob.clear()
                    cronjob.update(fresh)
                    cronjob.setdefault("status", {})
                    continue
                self.event(cronjob, "Warning", "UnexpectedJob",
                           f"Saw a job that the controller did not create or forgot: {job_meta.get('name')}")
            elif finished:  # one pass both ends its place in the list and records the success (v1.31+)
                if active:
                    self._remove_active(cronjob, job_meta.get("uid"))
                    self.event(cronjob, "Normal", "SawCompletedJob",
                               f"Saw completed job: {job_meta.get('name')}, condition: {finished}")
                    changed = True
                if finished == "Complete":
                    changed = self._record_success(cronjob, job) or changed
        status = cronjob["status"]
        for ref in list(status.get("active") or ()):
            if ref.get("uid") in children:
                continue
            try:
                self.client.get("jobs", str(ref.get("namespace", "")), str(ref.get("name", "")))
            except ApiError as err:
                if err.code != 404:
                    raise
                self.event(cronjob, "Normal", "MissingJob", f"Active job went missing: {ref.get('name')}")
                self._remove_active(cronjob, ref.get("uid"))
                changed = True
        if cronjob["metadata"].get("deletionTimestamp"):
            return None, changed
        time_zone = spec.get("timeZone")
        if isinstance(time_zone, str) and load_time_zone(time_zone) is None:
            self.event(cronjob, "Warning", "UnknownTimeZone",
                       f'invalid timeZone: "{time_zone}": unknown time zone {time_zone}')
            return None, changed
        if spec.get("suspend") is True:
            return None, changed
        schedule_text = str(spec.get("schedule") or "")
        try:
            schedule = parse_standard(schedule_text)
        except ScheduleError as exc:
            self.event(cronjob, "Warning", "UnparseableSchedule", f'unparseable schedule: "{schedule_text}" : {exc}')
            return None, changed
        try:
            scheduled, missed = self._most_recent_schedule_time(cronjob, schedule, now, with_deadline=True)
        except ScheduleError as exc:
            self.event(cronjob, "Warning", "InvalidSchedule", f"invalid schedule: {schedule_text} : {exc}")
            return None, changed
        if scheduled is not None and missed > MAX_MISSED_REPORTED:
            self.event(cronjob, "Warning", "TooManyMissedTimes",
                       "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew")
        if scheduled is None:
            return self._next_delay(cronjob, schedule, now), changed
        deadline = spec.get("startingDeadlineSeconds")
        if isinstance(deadline, int) and _to_virtual(scheduled) + deadline < now:
            self.event(cronjob, "Warning", "MissSchedule",
                       f"Missed scheduled time to start a job: {format_datetime(scheduled.astimezone(UTC))}")
            return self._next_delay(cronjob, schedule, now), changed
        name = self._job_name(cronjob, scheduled)
        already = any(ref.get("name") == name for ref in status.get("active") or ())
        if already or status.get("lastScheduleTime") == m.timestamp(_to_virtual(scheduled)):
            return self._next_delay(cronjob, schedule, now), changed
        policy = spec.get("concurrencyPolicy")
        if policy == "Forbid" and status.get("active"):
            self.event(cronjob, "Normal", "JobAlreadyActive",
                       "Not starting job because prior execution is running and concurrency policy is Forbid")
            return self._next_delay(cronjob, schedule, now), changed
        if policy == "Replace":
            for ref in list(status.get("active") or ()):
                try:
                    self.client.get("jobs", str(ref.get("namespace", "")), str(ref.get("name", "")))
                except ApiError as err:
                    self.event(cronjob, "Warning", "FailedGet", f"Get job: {err.message}")
                    raise
                if not self._delete_job(cronjob, str(ref.get("name", "")), ref.get("uid")):
                    why = f"could not replace job {ref.get('namespace')}/{ref.get('name')}"
                    raise ApiError(500, "InternalError", why)
                changed = True
        try:
            created = self.client.create("jobs", self._job_from_template(cronjob, scheduled, name))
        except ApiError as err:
            if err.code == 403 and "because it is being terminated" in err.message:
                raise  # NamespaceTerminatingCause: every create fails, nothing to report
            if err.code != 409:
                self.event(cronjob, "Warning", "FailedCreate", f"Error creating job: {err.message}")
                raise
            created = self.client.get("jobs", cronjob["metadata"]["namespace"], name)
            ref = m.controller_of(created) or {}
            ours = ref.get("uid") == cronjob["metadata"].get("uid")
            if not ours or self._is_active(cronjob, created["metadata"].get("uid")):
                return None, changed
        else:
            self.event(cronjob, "Normal", "SuccessfulCreate", f"Created job {created['metadata']['name']}")
            self.record(f"CronJob {_key(cronjob)}", f"due {_rfc3339(scheduled)}", "a Job per scheduled time",
                        f"create job {created['metadata']['name']}")
        status.setdefault("active", []).append(self._reference(created))
        status["lastScheduleTime"] = m.timestamp(_to_virtual(scheduled))
        return self._next_delay(cronjob, schedule, now), True

    # -- schedule arithmetic (utils.go) -----------------------------------------------------------
    def _location(self, cronjob: Obj) -> Any:
        time_zone = (cronjob.get("spec") or {}).get("timeZone")
        return load_time_zone(time_zone if isinstance(time_zone, str) else "") or UTC

    def _earliest(self, cronjob: Obj) -> datetime:
        status, meta = cronjob.get("status") or {}, cronjob.get("metadata") or {}
        last = m.parse_timestamp(status.get("lastScheduleTime"))
        created = m.parse_timestamp(meta.get("creationTimestamp")) or 0.0
        return _to_datetime(last if last is not None else created).astimezone(self._location(cronjob))

    def _most_recent_schedule_time(
        self, cronjob: Obj, schedule: Schedule, now: float, with_deadline: bool
    ) -> tuple[datetime | None, int]:
        """mostRecentScheduleTime: the latest scheduled time in (earliest, now], and how many were missed."""
        earliest = self._earliest(cronjob)
        deadline = (cronjob.get("spec") or {}).get("startingDeadlineSeconds")
        if with_deadline and isinstance(deadline, int):
            window_start = _to_datetime(now - deadline).astimezone(earliest.tzinfo)
            earliest = max(earliest, window_start)
        now_dt = _to_datetime(now)
        t1 = schedule.next(earliest)
        t2 = schedule.next(t1) if t1 is not None else None
        if t1 is None or t2 is None:
            raise ScheduleError("time difference between two schedules is less than 1 second")
        if now_dt < t1:
            return None, 0
        if now_dt < t2:
            return t1, 1
        between = round((t2 - t1).total_seconds())
        if between < 1:
            raise ScheduleError("time difference between two schedules is less than 1 second")
        missed = int((now_dt - t1).total_seconds()) // between + 1
        # Start one interval early and let the schedule find the real times: irregular schedules
        # ("30 6-16/4 * * 1-5") do not fall on multiples of the first interval.
        candidate = schedule.next(t1 + timedelta(seconds=(missed - 2) * between))
        most_recent = t1
        while candidate is not None and candidate <= now_dt:
            most_recent = candidate
            candidate = schedule.next(candidate)
        return most_recent, missed

    def _next_delay(self, cronjob: Obj, schedule: Schedule, now: float) -> float | None:
        """nextScheduleTimeDuration: seconds until 100 ms after the next scheduled time."""
        try:
            most_recent, _ = self._most_recent_schedule_time(cronjob, schedule, now, with_deadline=False)
        except ScheduleError:
            return None
        following = schedule.next(most_recent if most_recent is not None else self._earliest(cronjob))
        if following is None:
            return None
        return max(0.0, _to_virtual(following) + NEXT_SCHEDULE_DELTA - now)

    # -- Jobs -------------------------------------------------------------------------------------
    def _job_name(self, cronjob: Obj, scheduled: datetime) -> str:
        """getJobName: the scheduled time in Unix minutes makes the name, so a time is never run twice."""
        return f"{cronjob['metadata']['name']}-{int(scheduled.timestamp()) // 60}"

    def _job_from_template(self, cronjob: Obj, scheduled: datetime, name: str) -> Obj:
        """getJobFromTemplate2: the template's labels, annotations and spec, owned by the CronJob."""
        template = ((cronjob.get("spec") or {}).get("jobTemplate")) or {}
        template_meta = template.get("metadata") or {}
        annotations = dict(template_meta.get("annotations") or {})
        annotations[SCHEDULED_TIMESTAMP_ANNOTATION] = _rfc3339(scheduled.astimezone(self._location(cronjob)))
        metadata: Obj = {
            "name": name,
            "namespace": cronjob["metadata"]["namespace"],
            "annotations": annotations,
            "ownerReferences": [m.owner_reference(cronjob)],
        }
        if template_meta.get("labels"):
            metadata["labels"] = dict(template_meta["labels"])
        return {"apiVersion": "batch/v1", "kind": "Job", "metadata": metadata,
                "spec": deep_copy(template.get("spec") or {})}

    def _reference(self, job: Obj) -> Obj:
        meta = job["metadata"]
        return {"kind": "Job", "namespace": meta.get("namespace"), "name": meta.get("name"), "uid": meta.get("uid"),
                "apiVersion": "batch/v1", "resourceVersion": meta.get("resourceVersion")}

    def _record_success(self, cronjob: Obj, job: Obj) -> bool:
        """lastSuccessfulTime: the latest completion time of a Job that succeeded."""
        status = cronjob["status"]
        completed = (job.get("status") or {}).get("completionTime")
        last = status.get("lastSuccessfulTime")
        if last is None and completed is not None:
            status["lastSuccessfulTime"] = completed
            return True
        if completed is not None and (m.parse_timestamp(completed) or 0) > (m.parse_timestamp(last) or 0):
            status["lastSuccessfulTime"] = completed
            return True
        return False

    def _is_active(self, cronjob: Obj, uid: Any) -> bool:
        return any(ref.get("uid") == uid for ref in (cronjob.get("status") or {}).get("active") or ())

    def _remove_active(self, cronjob: Obj, uid: Any) -> None:
        status = cronjob["status"]
        remaining = [ref for ref in status.get("active") or () if ref.get("uid") != uid]
        if remaining:
            status["active"] = remaining
        else:
            status.pop("active", None)

    def _delete_job(self, cronjob: Obj, name: str, uid: Any) -> bool:
        """deleteJob: the Job (its pods go with it, in the background) and its place in the active list."""
        try:
            self.client.delete("jobs", cronjob["metadata"]["namespace"], name, propagation_policy="Background")
        except ApiError as err:
            self.event(cronjob, "Warning", "FailedDelete", f"Deleted job: {err.message}")
            return False
        self._remove_active(cronjob, uid)
        self.event(cronjob, "Normal", "SuccessfulDelete", f"Deleted job {name}")
        return True

    def _cleanup_finished_jobs(self, cronjob: Obj, jobs: list[Obj]) -> bool:
        """cleanupFinishedJobs: keep the newest finished Jobs within the history limits, oldest go first."""
        spec = cronjob.get("spec") or {}
        changed = False
        limits = (("Complete", "successfulJobsHistoryLimit"), ("Failed", "failedJobsHistoryLimit"))
        for condition, limit_field in limits:
            limit = spec.get(limit_field)
            if not isinstance(limit, int):
                continue
            finished = [job for job in jobs if finished_condition(job) == condition]
            extra = len(finished) - limit
            if extra <= 0:
                continue
            finished.sort(key=_start_time_order)
            for job in finished[:extra]:
                changed = self._delete_job(cronjob, job["metadata"]["name"], job["metadata"].get("uid")) or changed
        return changed


def _start_time_order(job: Obj) -> tuple[bool, float, str]:
    """byJobStartTime: Jobs that never started last, then by start time, then by name."""
    start = m.parse_timestamp((job.get("status") or {}).get("startTime"))
    return (start is None, start or 0.0, str(job["metadata"].get("name", "")))
