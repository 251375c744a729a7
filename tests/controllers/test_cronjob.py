"""The CronJob controller: a Job per scheduled time, concurrency policies, deadlines, history, suspend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kubetui.api.cron import ScheduleError, go_duration_seconds, parse_standard
from kubetui.api.meta import timestamp
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.cronjob import SCHEDULED_TIMESTAMP_ANNOTATION, CronJobController
from kubetui.sim.cluster import Cluster
from tests.controllers.test_endpoints_kit import bare_cluster, events, get, start

Obj = dict
EPOCH_MINUTES = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()) // 60  # the test clock's virtual 0


def cronjob(name: str = "tick", schedule: str = "* * * * *", **spec: object) -> Obj:
    container = {"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "echo hi"]}
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "schedule": schedule,
            "jobTemplate": {
                "metadata": {"labels": {"team": "a"}},
                "spec": {"template": {"spec": {"restartPolicy": "OnFailure", "containers": [container]}}},
            },
            **spec,
        },
    }


def jobs(cluster: Cluster) -> list[str]:
    return sorted(j["metadata"]["name"] for j in cluster.objects("jobs", "default"))


def finish(cluster: Cluster, name: str, ctype: str = "Complete") -> None:
    """Stand in for the Job controller: mark the Job finished."""
    job = get(cluster, "jobs", name)
    now = timestamp(cluster.clock.now)
    job["status"] = {"conditions": [{"type": ctype, "status": "True", "lastTransitionTime": now}],
                     "startTime": now, **({"completionTime": now} if ctype == "Complete" else {})}
    cluster.client("job-controller").update_status("jobs", job)


def bare(**spec: object) -> Cluster:
    """Only the CronJob controller: Jobs stay active until a test finishes them."""
    cluster = bare_cluster()
    start(cluster, CronJobController)
    cluster.client("test").create("cronjobs", cronjob(**spec))
    return cluster


# -- the schedule parser (robfig/cron's ParseStandard) --------------------------------------------------------


@pytest.mark.parametrize(("spec", "after", "expected"), [
    ("*/5 * * * *", datetime(2026, 1, 1, 0, 3, 20, tzinfo=UTC), datetime(2026, 1, 1, 0, 5, tzinfo=UTC)),
    ("@hourly", datetime(2026, 1, 1, 0, 3, tzinfo=UTC), datetime(2026, 1, 1, 1, 0, tzinfo=UTC)),
    ("@every 90s", datetime(2026, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC), datetime(2026, 1, 1, 0, 1, 30, tzinfo=UTC)),
    ("0 9 * * 1-5", datetime(2026, 1, 2, 10, 0, tzinfo=UTC), datetime(2026, 1, 5, 9, 0, tzinfo=UTC)),  # Fri -> Mon
])
def test_next_activation(spec: str, after: datetime, expected: datetime) -> None:
    assert parse_standard(spec).next(after) == expected


@pytest.mark.parametrize(("spec", "message"), [
    ("", "empty spec string"),
    ("bad", "expected exactly 5 fields, found 1: [bad]"),
    ("0 0 * * * *", "expected exactly 5 fields, found 6: [0 0 * * * *]"),
    ("@fortnightly", "unrecognized descriptor: @fortnightly"),
    ("@every 5", 'failed to parse duration @every 5: time: missing unit in duration "5"'),
    ("@every soon", 'failed to parse duration @every soon: time: invalid duration "soon"'),
    ("@every 5y", 'failed to parse duration @every 5y: time: unknown unit "y" in duration "5y"'),
    ("60 * * * *", "end of range (60) above maximum (59): 60"),
    ("0-70 * * * *", "end of range (70) above maximum (59): 0-70"),
    ("*/0 * * * *", "step of range should be a positive number: */0"),
    ("a b c d e", 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax'),
    ("0 0 * * 7", "end of range (7) above maximum (6): 7"),  # croniter's Sunday-as-7 is not robfig's
    ("0 0 L * *", 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'),
    ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
    ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
    ("TZ=Mars/X 0 * * * *", "provided bad location Mars/X: unknown time zone Mars/X"),
])
def test_robfig_cron_errors(spec: str, message: str) -> None:
    with pytest.raises(ScheduleError) as err:
        parse_standard(spec)
    assert str(err.value) == message


@pytest.mark.parametrize(("spec", "after", "expected"), [
    # robfig: */1 is "any day", so day-of-week alone decides (croniter alone would OR the two: every day)
    ("0 9 */1 * 1-5", datetime(2026, 1, 2, 10, 0, tzinfo=UTC), datetime(2026, 1, 5, 9, 0, tzinfo=UTC)),
    # both restricted: either may match (the 1st of the month, or a Monday)
    ("0 0 1 * 1", datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 5, tzinfo=UTC)),
    ("5/15 * * * *", datetime(2026, 1, 1, 0, 6, tzinfo=UTC), datetime(2026, 1, 1, 0, 20, tzinfo=UTC)),  # N-max/step
    ("0 0 * feb mon", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 2, tzinfo=UTC)),
    ("CRON_TZ=UTC 0 * * * *", datetime(2026, 1, 1, 0, 30, tzinfo=UTC), datetime(2026, 1, 1, 1, 0, tzinfo=UTC)),
])
def test_robfig_day_rules_steps_names_and_zone_prefix(spec: str, after: datetime, expected: datetime) -> None:
    assert parse_standard(spec).next(after) == expected


def test_go_durations() -> None:
    assert go_duration_seconds("1h30m") == 5400
    assert go_duration_seconds("1.5h") == 5400
    assert go_duration_seconds("250ms") == 0.25
    assert parse_standard("@every 250ms").every == 1.0  # Every(): at least a second


def test_a_schedule_that_never_fires_has_no_next_time() -> None:
    assert parse_standard("0 0 31 2 *").next(datetime(2026, 1, 1, tzinfo=UTC)) is None


# -- validation, in the API server's words -----------------------------------------------------------------


def _refused(obj: Obj) -> str:
    cluster = bare_cluster()
    with pytest.raises(ApiError) as err:
        cluster.client("test").create("cronjobs", obj)
    assert err.value.code == 422
    return err.value.message


def test_validation_messages() -> None:
    assert 'spec.schedule: Invalid value: "bad": expected exactly 5 fields, found 1: [bad]' in _refused(
        cronjob(schedule="bad"))
    assert "spec.schedule: Required value" in _refused(cronjob(schedule=""))
    tz = _refused(cronjob(schedule="CRON_TZ=UTC * * * * *"))
    assert tz.endswith('spec.schedule: Invalid value: "CRON_TZ=UTC * * * * *": '
                       "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"), "one error, not two"
    assert _refused(cronjob(timeZone="Local")).count("spec.timeZone") == 1
    assert 'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus' in _refused(
        cronjob(timeZone="Mars/Olympus"))
    assert 'spec.concurrencyPolicy: Unsupported value: "Sometimes"' in _refused(cronjob(concurrencyPolicy="Sometimes"))
    assert "must be no more than 52 characters" in _refused(cronjob(name="x" * 53))
    both = _refused(cronjob(name="x" * 53, schedule="bad"))
    assert both.index("spec.schedule") < both.index("metadata.name"), "the name's length is checked last"
    assert "spec.successfulJobsHistoryLimit: Invalid value: -1" in _refused(cronjob(successfulJobsHistoryLimit=-1))
    bad = cronjob()
    bad["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] = "Always"
    assert 'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"' \
        in _refused(bad)


def test_defaults() -> None:
    cluster = bare_cluster()
    made = cluster.client("test").create("cronjobs", cronjob())
    spec = made["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"]) == ("Allow", False)
    assert (spec["successfulJobsHistoryLimit"], spec["failedJobsHistoryLimit"]) == (3, 1)
    assert "backoffLimit" not in spec["jobTemplate"]["spec"], "the Job gets its defaults when it is made"
    assert spec["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert made["metadata"]["generation"] == 1


# -- the controller ----------------------------------------------------------------------------------------


def test_a_job_per_minute_named_by_its_scheduled_minute() -> None:
    cluster = bare()
    cluster.run_for(59)
    assert jobs(cluster) == []
    cluster.run_for(2)  # 100 ms after the minute
    assert jobs(cluster) == [f"tick-{EPOCH_MINUTES + 1}"]
    job = get(cluster, "jobs", f"tick-{EPOCH_MINUTES + 1}")
    assert job["metadata"]["annotations"][SCHEDULED_TIMESTAMP_ANNOTATION] == "2026-01-01T00:01:00Z"
    assert job["metadata"]["labels"]["team"] == "a"
    owner = job["metadata"]["ownerReferences"][0]
    assert (owner["kind"], owner["name"], owner["controller"]) == ("CronJob", "tick", True)
    status = get(cluster, "cronjobs", "tick")["status"]
    assert status["lastScheduleTime"] == "2026-01-01T00:01:00Z"
    assert [ref["name"] for ref in status["active"]] == [f"tick-{EPOCH_MINUTES + 1}"]
    assert events(cluster, "SuccessfulCreate", "tick")[0]["message"] == f"Created job tick-{EPOCH_MINUTES + 1}"


def test_allow_runs_jobs_side_by_side() -> None:
    cluster = bare()
    cluster.run_for(181)
    assert len(jobs(cluster)) == 3
    assert len(get(cluster, "cronjobs", "tick")["status"]["active"]) == 3


def test_forbid_skips_a_time_while_one_is_active() -> None:
    cluster = bare(concurrencyPolicy="Forbid")
    cluster.run_for(181)
    assert jobs(cluster) == [f"tick-{EPOCH_MINUTES + 1}"]
    assert events(cluster, "JobAlreadyActive", "tick")
    writes = len([r for r in cluster.trace.history if getattr(r, "resource", "") == "cronjobs"
                  and getattr(r, "verb", "") == "update"])
    finish(cluster, f"tick-{EPOCH_MINUTES + 1}")
    cluster.run_for(1)
    # The latest skipped time (00:03) runs at once, late: no startingDeadlineSeconds forbids it.
    assert jobs(cluster) == [f"tick-{EPOCH_MINUTES + 1}", f"tick-{EPOCH_MINUTES + 3}"]
    status = get(cluster, "cronjobs", "tick")["status"]
    assert [ref["name"] for ref in status["active"]] == [f"tick-{EPOCH_MINUTES + 3}"]
    assert status["lastSuccessfulTime"] == "2026-01-01T00:03:01Z"
    (seen,) = events(cluster, "SawCompletedJob", "tick")
    assert seen["message"] == f"Saw completed job: tick-{EPOCH_MINUTES + 1}, condition: Complete"
    after = len([r for r in cluster.trace.history if getattr(r, "resource", "") == "cronjobs"
                 and getattr(r, "verb", "") == "update"])
    assert after - writes == 1, "one status write: the Job leaves the list and lastSuccessfulTime is set together"


def test_replace_deletes_the_running_job_first() -> None:
    cluster = bare(concurrencyPolicy="Replace")
    cluster.run_for(121)
    assert jobs(cluster) == [f"tick-{EPOCH_MINUTES + 2}"]
    assert events(cluster, "SuccessfulDelete", "tick")[0]["message"] == f"Deleted job tick-{EPOCH_MINUTES + 1}"


def test_history_limits_keep_the_newest_finished_jobs() -> None:
    cluster = bare(successfulJobsHistoryLimit=2, failedJobsHistoryLimit=0)
    for minute in range(1, 5):
        cluster.run_for(60 if minute > 1 else 61)
        finish(cluster, f"tick-{EPOCH_MINUTES + minute}", "Failed" if minute == 4 else "Complete")
        cluster.run_for(1)
    assert jobs(cluster) == [f"tick-{EPOCH_MINUTES + 2}", f"tick-{EPOCH_MINUTES + 3}"]


def test_suspend_stops_new_jobs_and_resuming_catches_up_once() -> None:
    cluster = bare(suspend=True)
    cluster.run_for(300)
    assert jobs(cluster) == []
    cj = get(cluster, "cronjobs", "tick")
    cj["spec"]["suspend"] = False
    cluster.client("test").update("cronjobs", cj)
    cluster.run_for(1)
    # Only the most recent missed time runs: five missed minutes are one Job, not five.
    assert jobs(cluster) == [f"tick-{EPOCH_MINUTES + 5}"]


def test_a_time_missed_beyond_the_starting_deadline_is_not_run() -> None:
    cluster = bare(suspend=True, startingDeadlineSeconds=10)
    cluster.run_for(90)  # 00:01:00 was missed by 30 s when the CronJob is resumed
    cj = get(cluster, "cronjobs", "tick")
    cj["spec"]["suspend"] = False
    cluster.client("test").update("cronjobs", cj)
    cluster.run_for(1)
    assert jobs(cluster) == []
    cluster.run_for(30)
    assert jobs(cluster) == [f"tick-{EPOCH_MINUTES + 2}"]


def test_too_many_missed_times_are_reported() -> None:
    cluster = bare(suspend=True)
    cluster.run_for(3 * 3600)
    cj = get(cluster, "cronjobs", "tick")
    cj["spec"]["suspend"] = False
    cluster.client("test").update("cronjobs", cj)
    cluster.run_for(1)
    assert events(cluster, "TooManyMissedTimes", "tick")[0]["message"] == (
        "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew")
    assert jobs(cluster) == [f"tick-{EPOCH_MINUTES + 180}"]


def test_time_zone_schedules_in_that_zone() -> None:
    cluster = bare(schedule="0 9 * * *", timeZone="Asia/Tokyo")  # 09:00 in Tokyo is 00:00 UTC
    cluster.run_for(24 * 3600 + 1)
    (name,) = jobs(cluster)
    job = get(cluster, "jobs", name)
    assert job["metadata"]["annotations"][SCHEDULED_TIMESTAMP_ANNOTATION] == "2026-01-02T09:00:00+09:00"


def test_a_deleted_active_job_is_reported_missing() -> None:
    cluster = bare(schedule="@hourly")
    cluster.run_for(3601)
    (name,) = jobs(cluster)
    cluster.client("test").delete("jobs", "default", name)
    cluster.run_for(1)
    assert events(cluster, "MissingJob", "tick")[0]["message"] == f"Active job went missing: {name}"
    assert "active" not in get(cluster, "cronjobs", "tick")["status"]


def test_a_changed_schedule_takes_effect_at_its_next_time() -> None:
    cluster = bare(schedule="@hourly")
    cluster.run_for(30)
    cj = get(cluster, "cronjobs", "tick")
    cj["spec"]["schedule"] = "*/2 * * * *"
    cluster.client("test").update("cronjobs", cj)
    cluster.run_for(91)
    assert jobs(cluster) == [f"tick-{EPOCH_MINUTES + 2}"]


def test_the_whole_cluster_runs_a_cronjob_and_collects_old_jobs() -> None:
    """Scenario: every controller and kubelet; Jobs complete, the newest 3 stay, the rest go with their pods."""
    cluster = Cluster(0)
    cluster.run_for(5)
    cluster.client("kubectl").create("cronjobs", cronjob())
    cluster.run_for(6 * 60)
    names = jobs(cluster)
    assert names == [f"tick-{EPOCH_MINUTES + m}" for m in (4, 5, 6)]
    assert all(any(c["type"] == "Complete" for c in get(cluster, "jobs", n)["status"].get("conditions", []))
               for n in names)
    pods = cluster.objects("pods", "default")
    assert sorted(p["metadata"]["labels"]["job-name"] for p in pods) == names, "deleted Jobs' pods are collected"
    assert len(events(cluster, "SuccessfulDelete", "tick")) == 3
