"""Cadence → RRULE, and the concrete occurrences of a series, computed in the manager's zone.

Occurrences are expanded on the local wall clock and only then attached to the zone, so a 10:00
America/New_York weekly 1:1 stays at 10:00 local through the March and November DST changes,
exactly as Google expands a series in its ``start.timeZone``.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from dateutil import rrule as du

from scheduler.model import WEEKDAYS, Cadence, Pair

_BYDAY = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

FIRST_OCCURRENCE_LEAD = dt.timedelta(hours=12)
"""A new series never starts sooner than this: nobody wants a surprise 1:1 in ten minutes."""


def localize(naive: dt.datetime, tz: str) -> dt.datetime:
    """Attach a zone to a wall-clock time and return aware UTC (fold=0 for repeated hours)."""
    return naive.replace(tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def to_local(moment: dt.datetime, tz: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(tz))


def nth_weekday_of_month(day: dt.date) -> int:
    """1..4 for the first four, -1 for a fifth (so the series never skips short months)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n >= 5 else n


def rrule_for(cadence: Cadence, first: dt.date) -> str:
    weekday = _BYDAY[first.weekday()]
    if cadence.kind == "monthly":
        return f"RRULE:FREQ=MONTHLY;BYDAY={nth_weekday_of_month(first)}{weekday}"
    if cadence.weeks == 1:
        return f"RRULE:FREQ=WEEKLY;BYDAY={weekday}"
    return f"RRULE:FREQ=WEEKLY;INTERVAL={cadence.weeks};BYDAY={weekday}"


def _matches(cadence: Cadence, day: dt.date, weekday: int, anchor: dt.date | None) -> bool:
    if day.weekday() != weekday:
        return False
    if cadence.kind == "monthly":
        return anchor is None or nth_weekday_of_month(day) == nth_weekday_of_month(anchor)
    if anchor is None or cadence.weeks == 1:
        return True
    return ((day - anchor).days // 7) % cadence.weeks == 0


def first_occurrence(
    pair: Pair, *, now: dt.datetime, after_date: dt.date | None = None
) -> dt.datetime:
    """The naive local start of the first occurrence a new series for ``pair`` should have.

    It is at least ``FIRST_OCCURRENCE_LEAD`` from ``now``, on a later local date than
    ``after_date`` (the last occurrence kept from a previous series), and on the phase of
    ``pair.start`` when one is given (biweekly and monthly anchors).
    """
    tz = pair.manager.timezone
    earliest = to_local(now + FIRST_OCCURRENCE_LEAD, tz).replace(tzinfo=None)
    day = earliest.date()
    if after_date is not None and day <= after_date:
        day = after_date + dt.timedelta(days=1)
    if pair.start is not None and day < pair.start:
        day = pair.start
    anchor = pair.start
    for _ in range(800):
        if _matches(pair.cadence, day, pair.day, anchor):
            start = dt.datetime.combine(day, pair.time)
            if start >= earliest:
                return start
        day += dt.timedelta(days=1)
    raise ValueError(f"no occurrence found for {pair.key}")  # unreachable for valid cadences


def expand(
    first_start_local: dt.datetime,
    tz: str,
    recurrence: tuple[str, ...] | list[str],
    *,
    time_min: dt.datetime,
    time_max: dt.datetime,
) -> list[dt.datetime]:
    """Original starts (aware UTC) of a series in ``[time_min, time_max)``.

    ``first_start_local`` is naive wall-clock time in ``tz``; RRULE, RDATE and EXDATE lines
    are honoured. UNTIL in UTC (``...Z``) is compared against the localized occurrence.

    A pass asks for the same few weeks of the same series many times (series, bumps, each
    email), and the next pass asks again with ``now`` a minute later. So the starts are
    computed per fixed block of ``BLOCK`` and kept (``_block``), keyed by the rule text, the
    anchor and the zone: an edited series has another key, and its old blocks age out.
    """
    rules = tuple(
        line for line in recurrence if line.upper().startswith(("RRULE", "RDATE", "EXDATE"))
    )
    if not rules:
        return [s for s in [localize(first_start_local, tz)] if time_min <= s < time_max]
    if time_min >= time_max:
        return []
    first, last = _block_index(time_min), _block_index(time_max - _TICK)
    return [
        moment
        for index in range(first, last + 1)
        for moment in _block(first_start_local, tz, rules, index)
        if time_min <= moment < time_max
    ]


BLOCK = dt.timedelta(days=28)
"""The span of starts computed and kept at a time: a few passes' look-ahead windows fit in two."""
_EPOCH = dt.datetime(2000, 1, 3, tzinfo=dt.UTC)
_TICK = dt.timedelta(microseconds=1)
BLOCKS_KEPT = 65_536
"""Blocks kept across passes: a few per series on the managers' calendars (8,000 1:1 series
and their colleagues' recurring meetings at 1,000 managers), a few megabytes in all."""


def _block_index(moment: dt.datetime) -> int:
    return (moment - _EPOCH) // BLOCK


@functools.lru_cache(maxsize=BLOCKS_KEPT)
def _block(
    first_start_local: dt.datetime, tz: str, rules: tuple[str, ...], index: int
) -> tuple[dt.datetime, ...]:
    """The starts (aware UTC) in block ``index``: ``[_EPOCH + index * BLOCK, ... + BLOCK)``."""
    time_min = _EPOCH + index * BLOCK
    time_max = time_min + BLOCK
    rset, until_utc = _ruleset(first_start_local, rules)
    lo = to_local(time_min, tz).replace(tzinfo=None) - dt.timedelta(days=1)
    hi = to_local(time_max, tz).replace(tzinfo=None) + dt.timedelta(days=1)
    out = []
    for naive in rset.between(lo, hi, inc=True):
        moment = localize(naive, tz)
        if until_utc is not None and moment > until_utc:
            continue
        if time_min <= moment < time_max:
            out.append(moment)
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _ruleset(
    first_start_local: dt.datetime, rules: tuple[str, ...]
) -> tuple[du.rruleset, dt.datetime | None]:
    """The rule parsed once (dateutil's parser is most of the cost of a small expansion)."""
    text = "\n".join(_strip_utc_until(line) for line in rules)
    rset = du.rrulestr(text, dtstart=first_start_local, forceset=True, ignoretz=True)
    return rset, _until_utc(list(rules))


def _strip_utc_until(line: str) -> str:
    """dateutil cannot compare a UTC UNTIL with naive starts: drop it, ``expand`` applies it."""
    if not line.upper().startswith("RRULE"):
        return line
    head, _, body = line.partition(":")
    parts = [p for p in body.split(";") if not p.upper().startswith("UNTIL=")]
    return f"{head}:{';'.join(parts)}"


def _until_utc(rules: list[str]) -> dt.datetime | None:
    for line in rules:
        if not line.upper().startswith("RRULE"):
            continue
        for part in line.partition(":")[2].split(";"):
            key, _, value = part.partition("=")
            if key.upper() == "UNTIL":
                return parse_until(value)
    return None


def parse_until(value: str) -> dt.datetime:
    value = value.strip().upper()
    if len(value) == 8:  # a DATE: the whole day counts
        day = dt.datetime.strptime(value, "%Y%m%d").replace(tzinfo=dt.UTC)
        return day + dt.timedelta(days=1) - dt.timedelta(seconds=1)
    return dt.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)


def with_until(recurrence: tuple[str, ...], until: dt.datetime) -> tuple[str, ...]:
    """The recurrence lines with every RRULE ended at ``until`` (UTC, RFC 5545 form)."""
    stamp = until.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = []
    for line in recurrence:
        if line.upper().startswith("RRULE"):
            head, _, body = line.partition(":")
            parts = [p for p in body.split(";") if not p.upper().startswith(("UNTIL=", "COUNT="))]
            out.append(f"{head}:{';'.join([*parts, f'UNTIL={stamp}'])}")
        else:
            out.append(line)
    return tuple(out)


def describe_cadence(pair: Pair) -> str:
    day = WEEKDAYS[pair.day].capitalize()
    if pair.cadence.kind == "monthly":
        return f"monthly on a {day}"
    if pair.cadence.weeks == 1:
        return f"weekly on {day}"
    if pair.cadence.weeks == 2:
        return f"every other {day}"
    return f"every {pair.cadence.weeks} weeks on {day}"


def planned_starts(pair: Pair, *, now: dt.datetime, count: int = 3) -> list[dt.datetime]:
    """The first ``count`` starts (aware UTC) of the series ``run`` would create at ``now``:
    from ``first_occurrence`` (as ``scheduler.series.new_series``), so with its 12-hour notice."""
    first = first_occurrence(pair, now=now)
    weeks = 5 if pair.cadence.kind == "monthly" else max(1, pair.cadence.weeks)
    starts = expand(
        first,
        pair.manager.timezone,
        (rrule_for(pair.cadence, first.date()),),
        time_min=now,
        time_max=localize(first, pair.manager.timezone) + dt.timedelta(weeks=count * weeks),
    )
    return starts[:count]


def next_occurrences(pair: Pair, *, now: dt.datetime, count: int = 3) -> list[dt.datetime]:
    """The next ``count`` starts (aware UTC) a series created now would have."""
    first = first_occurrence(pair, now=now - FIRST_OCCURRENCE_LEAD)
    rule = rrule_for(pair.cadence, first.date())
    # Only as far as ``count`` occurrences reach (a month is at most five weeks apart), one
    # spare for the hour a DST change moves: not the 40 periods it once expanded for three.
    weeks = 5 if pair.cadence.kind == "monthly" else max(1, pair.cadence.weeks)
    starts = expand(
        first,
        pair.manager.timezone,
        (rule,),
        time_min=now,
        time_max=localize(first, pair.manager.timezone) + dt.timedelta(weeks=(count + 1) * weeks),
    )
    return starts[:count]
