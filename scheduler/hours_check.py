"""Whether a pair's 1:1s fall inside both people's own working hours, checked date by date.

A rep's day and time are written in the manager's zone, so a 1:1 can land outside the rep's
hours (another zone, or a DST change on one side only), and nothing stops a manager from writing
a time outside her own hours or on her weekend. ``check`` and the service say so once per pair
and person, citing the next 1:1 that is affected: the dates are those ``run`` creates
(``planned_starts``), so the warning names a real meeting, not a sample from months back.
Without ``now`` (a config read with no clock), a winter and a summer date stand in.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from zoneinfo import ZoneInfo

from scheduler import words
from scheduler.model import WEEKDAYS, Cadence, Pair, Person, WorkingHours
from scheduler.recurrence import first_occurrence, localize, planned_starts

SAMPLE_DATES = (dt.date(2026, 1, 5), dt.date(2026, 7, 6))
"""Mondays in winter and summer: a time that only drifts out of hours under DST shows too."""
YEAR = dt.timedelta(days=366)


def hours_warnings(pair: Pair, *, now: dt.datetime | None) -> Iterator[str]:
    """At most one sentence for the rep and one for the manager."""
    rep, manager = _first_outside_each(_schedule_of(pair), now)
    if rep is not None:
        yield _rep_sentence(pair, rep, dated=now is not None)
    if manager is not None:
        yield _manager_sentence(pair, manager, dated=now is not None)


_Schedule = tuple[
    str, WorkingHours, str, WorkingHours, Cadence, int, dt.time, dt.timedelta, dt.date | None
]


def _schedule_of(pair: Pair) -> _Schedule:
    """What the answer depends on, and nothing else (names, addresses, policies), so that reps
    on the same schedule share one computation (a config may hold thousands of pairs, read on
    every command): a plain tuple, cheaper to make and to hash than a pair."""
    manager, rep = pair.manager, pair.rep
    return (
        manager.timezone,
        manager.working_hours,
        rep.timezone,
        rep.working_hours,
        pair.cadence,
        pair.day,
        pair.time,
        pair.duration,
        pair.start,
    )


@functools.lru_cache(maxsize=16_384)
def _first_outside_each(
    schedule: _Schedule, now: dt.datetime | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    manager_zone, manager_hours, rep_zone, rep_hours, cadence, day, time, duration, start = schedule
    pair = Pair(
        manager=Person("", "", manager_zone, manager_hours),
        rep=Person("", "", rep_zone, rep_hours),
        cadence=cadence,
        day=day,
        time=time,
        duration=duration,
        start=start,
    )
    starts = _starts(pair, now)
    return _first_outside(pair.rep, pair, starts), _first_outside(pair.manager, pair, starts)


def _starts(pair: Pair, now: dt.datetime | None) -> tuple[dt.datetime, ...]:
    if now is None:
        tz = ZoneInfo(pair.manager.timezone)
        return tuple(
            dt.datetime.combine(monday + dt.timedelta(days=pair.day), pair.time, tzinfo=tz)
            for monday in SAMPLE_DATES
        )
    if pair.cadence.kind == "monthly":
        return tuple(s for s in planned_starts(pair, now=now, count=13) if s < now + YEAR)
    first = first_occurrence(pair, now=now)
    return _weekly(first, pair.manager.timezone, pair.cadence.weeks, now + YEAR)


@functools.lru_cache(maxsize=4096)
def _weekly(first: dt.datetime, tz: str, weeks: int, until: dt.datetime) -> tuple[dt.datetime, ...]:
    """The same wall-clock time every ``weeks`` weeks from the series' own first occurrence
    (what its RRULE expands to), without expanding a rule 54 times per pair; shared by every
    pair whose manager meets at that time in that zone."""
    step = dt.timedelta(weeks=weeks)
    local = (first + k * step for k in range(54 // weeks + 1))
    return tuple(s for s in (localize(t, tz) for t in local) if s < until)


def _first_outside(
    person: Person, pair: Pair, starts: tuple[dt.datetime, ...]
) -> dt.datetime | None:
    minutes = int(pair.duration.total_seconds() // 60)
    for index, weekday, begin in _clock(person.timezone, starts):
        ranges = person.working_hours.ranges_on(weekday)
        if not any(lo <= begin and begin + minutes <= hi for lo, hi in ranges):
            return starts[index]
    return None


@functools.lru_cache(maxsize=16_384)
def _clock(tz: str, starts: tuple[dt.datetime, ...]) -> tuple[tuple[int, int, int], ...]:
    """The distinct weekdays and minutes of the day the starts fall on, on ``tz``'s clock,
    each with the index of its first start: a year of weekly 1:1s is one to three of them
    (DST moves them), and the zone arithmetic is done once per zone and set of starts."""
    zone = ZoneInfo(tz)
    seen: dict[tuple[int, int], int] = {}
    for index, start in enumerate(starts):
        local = start.astimezone(zone)
        seen.setdefault((local.weekday(), local.hour * 60 + local.minute), index)
    return tuple((index, weekday, begin) for (weekday, begin), index in seen.items())


def _on(start: dt.datetime, tz: str, *, dated: bool) -> str:
    local = start.astimezone(ZoneInfo(tz))
    return (
        f"next on {words.short_day(local, year=True)}"
        if dated
        else f"on {local.date().isoformat()}"
    )


def _rep_sentence(pair: Pair, start: dt.datetime, *, dated: bool) -> str:
    local = start.astimezone(pair.rep.zone)
    finish = (local + pair.duration).strftime("%H:%M")
    return (
        f"{WEEKDAYS[pair.day]} {pair.time:%H:%M} in {pair.manager.timezone} is "
        f"{WEEKDAYS[local.weekday()]} {local:%H:%M}-{finish} in {pair.rep.timezone} "
        f"({_on(start, pair.rep.timezone, dated=dated)}), outside {pair.rep.name}'s working "
        f"hours ({pair.rep.working_hours.text})"
    )


def _manager_sentence(pair: Pair, start: dt.datetime, *, dated: bool) -> str:
    manager = pair.manager
    local = start.astimezone(manager.zone)
    finish = (local + pair.duration).strftime("%H:%M")
    day = WEEKDAYS[local.weekday()]
    where = (
        f"on {manager.name}'s day off"
        if not manager.working_hours.ranges_on(local.weekday())
        else f"outside {manager.name}'s own working hours"
    )
    return (
        f"{day} {local:%H:%M}-{finish} in {manager.timezone} "
        f"({_on(start, manager.timezone, dated=dated)}) is {where} "
        f"({manager.working_hours.text})"
    )
