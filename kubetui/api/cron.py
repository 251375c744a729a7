"""CronJob schedules: what robfig/cron's ``ParseStandard`` accepts (Kubernetes' parser), evaluated by croniter.

Five fields (minute hour day-of-month month day-of-week), or a descriptor (``@hourly``, ``@daily``,
``@every 90s``...). The field count, the descriptors and ``@every``'s Go durations are checked here, in
robfig/cron's own words; the fields themselves are croniter's to parse.

Simplification: a field croniter rejects is reported in croniter's words, and its extensions (``L``, ``#``,
``H``, day-of-week ``7``) are accepted where robfig/cron refuses them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

# robfig/cron's parseDescriptor.
DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
EVERY = "@every "
_GO_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_DURATION_PART = re.compile(r"(\d+\.?\d*|\.\d+)([^\d.]*)")


class ScheduleError(ValueError):
    """A schedule ``cron.ParseStandard`` refuses; the message is its ``err.Error()``."""


def go_duration_seconds(text: str) -> float:
    """``time.ParseDuration``: ``90s``, ``1h30m``, ``1.5h``; its error messages."""
    original, rest = text, text
    sign = 1.0
    if rest[:1] in ("+", "-"):
        sign, rest = (-1.0 if rest[0] == "-" else 1.0), rest[1:]
    if rest == "0":
        return 0.0
    if not rest:
        raise ScheduleError(f'time: invalid duration "{original}"')
    total, position = 0.0, 0
    while position < len(rest):
        match = _DURATION_PART.match(rest, position)
        if match is None:
            raise ScheduleError(f'time: invalid duration "{original}"')
        number, unit = match.group(1), match.group(2)
        if not unit:
            raise ScheduleError(f'time: missing unit in duration "{original}"')
        if unit not in _GO_UNITS:
            raise ScheduleError(f'time: unknown unit "{unit}" in duration "{original}"')
        total += float(number) * _GO_UNITS[unit]
        position = match.end()
    return sign * total


@dataclass(frozen=True)
class Schedule:
    """A parsed schedule: five cron fields, or a constant delay (``@every``)."""

    fields: str = ""
    every: float = 0.0  # seconds, for @every

    def next(self, after: datetime) -> datetime | None:
        """The first activation strictly after ``after`` (in ``after``'s time zone); None if there is none
        (``0 0 31 2 *``: robfig/cron gives up after five years and returns the zero time)."""
        if self.fields:
            try:
                result: datetime = croniter(self.fields, after).get_next(datetime)
            except CroniterError:
                return None
            return result
        # ConstantDelaySchedule.Next: whole seconds, and the fraction of ``after`` dropped.
        return after.replace(microsecond=0) + timedelta(seconds=self.every)


def load_time_zone(name: str) -> ZoneInfo | None:
    """``time.LoadLocation``: "" and "UTC" are UTC; None for a name the tz database does not know."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_standard(spec: str) -> Schedule:
    """``cron.ParseStandard``; raises :class:`ScheduleError` with robfig/cron's message."""
    if not spec:
        raise ScheduleError("empty spec string")
    if spec.startswith("@"):
        if spec.startswith(EVERY):
            seconds = go_duration_seconds(spec[len(EVERY):])
            # Every(): at least one second, rounded down to whole seconds.
            return Schedule(every=float(max(1, int(seconds))))
        if spec in DESCRIPTORS:
            return Schedule(fields=DESCRIPTORS[spec])
        raise ScheduleError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != 5:
        raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    expression = " ".join(fields)
    try:
        croniter(expression)
    except (CroniterError, ValueError, KeyError) as exc:
        raise ScheduleError(str(exc)) from None
    return Schedule(fields=expression)
