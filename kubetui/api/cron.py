"""CronJob schedules: robfig/cron's ``ParseStandard`` (Kubernetes' parser), with croniter finding the times.

Five fields (minute hour day-of-month month day-of-week), a ``TZ=``/``CRON_TZ=`` prefix, or a descriptor
(``@hourly``, ``@daily``, ``@every 90s``...). Each field is parsed here as robfig/cron parses it (its
grammar, bounds, names and error messages), into the set of values it allows; croniter then finds the next
time matching those sets. A field robfig marks as "any" (``*``, ``?``, ``*/1``) is handed over as ``*``,
so the day-of-month / day-of-week rule is robfig's too: both restricted, either may match; otherwise both
must.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

from kubetui.api.fielderrors import go_quote

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
_MONTHS = {name: i + 1 for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_DAYS = {name: i for i, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
# robfig/cron's bounds: minutes, hours, dom, months, dow (names for the last two)
_BOUNDS: tuple[tuple[int, int, dict[str, int] | None], ...] = (
    (0, 59, None), (0, 23, None), (1, 31, None), (1, 12, _MONTHS), (0, 6, _DAYS),
)
_GO_INT = re.compile(r"[+-]?[0-9]+")


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
    """``time.LoadLocation``: "", "UTC" and "Local" (the controller's zone here) are UTC; None for a name the tz
    database does not know."""
    try:
        return ZoneInfo("UTC" if name in ("", "Local") else name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_standard(spec: str) -> Schedule:
    """``cron.ParseStandard``; raises :class:`ScheduleError` with robfig/cron's message."""
    if not spec:
        raise ScheduleError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        end = space if space >= 0 else len(spec)
        name = spec[spec.index("=") + 1 : end]
        if load_time_zone(name) is None:
            raise ScheduleError(f"provided bad location {name}: unknown time zone {name}")
        spec = spec[end:].strip()
    if spec.startswith("@"):
        if spec.startswith(EVERY):
            try:
                seconds = go_duration_seconds(spec[len(EVERY):])
            except ScheduleError as exc:
                raise ScheduleError(f"failed to parse duration {spec}: {exc}") from None
            # Every(): at least one second, rounded down to whole seconds.
            return Schedule(every=float(max(1, int(seconds))))
        if spec in DESCRIPTORS:
            return Schedule(fields=DESCRIPTORS[spec])
        raise ScheduleError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != 5:
        raise ScheduleError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    return Schedule(fields=" ".join(_field(text, *bounds) for text, bounds in zip(fields, _BOUNDS, strict=True)))


def _field(text: str, low: int, high: int, names: dict[str, int] | None) -> str:
    """getField: the field as croniter should read it, ``*`` where robfig sets its star bit."""
    values: set[int] = set()
    star = False
    for expr in (part for part in text.split(",") if part):
        allowed, any_value = _range(expr, low, high, names)
        values |= allowed
        star = star or any_value
    return "*" if star else ",".join(str(v) for v in sorted(values))


def _range(expr: str, low: int, high: int, names: dict[str, int] | None) -> tuple[set[int], bool]:
    """getRange: ``*``, ``?``, ``N``, ``N-M``, each with an optional ``/step``; robfig/cron's errors."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    star = low_and_high[0] in ("*", "?")
    if star:
        start, end = low, high
    else:
        start = _int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], names)
        else:
            raise ScheduleError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _int(range_and_step[1])
        if len(low_and_high) == 1:
            end = high  # "N/step" means "N-max/step"
        if step > 1:
            star = False
    else:
        raise ScheduleError(f"too many slashes: {expr}")
    if start < low:
        raise ScheduleError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise ScheduleError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise ScheduleError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise ScheduleError(f"step of range should be a positive number: {expr}")
    return set(range(start, end + 1, step)), star


def _int_or_name(expr: str, names: dict[str, int] | None) -> int:
    if names is not None and expr.lower() in names:
        return names[expr.lower()]
    return _int(expr)


def _int(expr: str) -> int:
    """mustParseInt: strconv.Atoi, and no negative numbers."""
    number = int(expr) if _GO_INT.fullmatch(expr) else None
    if number is None or not -(2**63) <= number < 2**63:
        why = "invalid syntax" if number is None else "value out of range"
        raise ScheduleError(f"failed to parse int from {expr}: strconv.Atoi: parsing {go_quote(expr)}: {why}")
    if number < 0:
        raise ScheduleError(f"negative number ({number}) not allowed: {expr}")
    return number
