"""Arithmetic on half-open ``[start, end)`` spans of aware UTC time, and wall-clock conversion.

The slot finder works on sets of instants: working time, busy time, free time. Keeping the set
operations here (sorted, merged lists of intervals) lets ``slots.py`` read as the rules it applies.

``wall_clock_intervals`` turns "09:00–17:30 local on 8 March" into UTC instants *exactly*: an
instant belongs to the set when its local wall clock, read in that zone, shows that date and a
minute inside the range. On a spring-forward day the skipped hour simply contains no instants; on
a fall-back day a repeated hour contributes both of its passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from zoneinfo import ZoneInfo

Interval = tuple[dt.datetime, dt.datetime]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MINUTE = dt.timedelta(minutes=1)


def normalize(spans: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-empty, non-overlapping spans; touching spans are merged into one."""
    out: list[Interval] = []
    for lo, hi in sorted(s for s in spans if s[0] < s[1]):
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    """Instants in both normalized lists."""
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def subtract(base: list[Interval], cuts: list[Interval]) -> list[Interval]:
    """Instants of ``base`` not in ``cuts`` (both normalized)."""
    out: list[Interval] = []
    j = 0
    for lo, hi in base:
        while j < len(cuts) and cuts[j][1] <= lo:
            j += 1
        k = j
        cur = lo
        while k < len(cuts) and cuts[k][0] < hi:
            if cuts[k][0] > cur:
                out.append((cur, cuts[k][0]))
            cur = max(cur, cuts[k][1])
            k += 1
        if cur < hi:
            out.append((cur, hi))
    return out


def widen(spans: Iterable[Interval], margin: dt.timedelta) -> list[Interval]:
    """Each span grown by ``margin`` on both sides, then normalized."""
    return normalize((lo - margin, hi + margin) for lo, hi in spans)


def clip(spans: list[Interval], lo: dt.datetime, hi: dt.datetime) -> list[Interval]:
    """The part of normalized ``spans`` inside ``[lo, hi)``."""
    return intersect(spans, [(lo, hi)]) if lo < hi else []


def total(spans: Iterable[Interval]) -> dt.timedelta:
    return sum((hi - lo for lo, hi in spans), dt.timedelta(0))


def ceil_minute(t: dt.datetime) -> dt.datetime:
    floor = floor_minute(t)
    return floor if floor == t else floor + _MINUTE


def floor_minute(t: dt.datetime) -> dt.datetime:
    return t.replace(second=0, microsecond=0)


def wall_clock_intervals(
    day: dt.date, ranges: Iterable[tuple[int, int]], tz: str
) -> list[Interval]:
    """UTC instants whose wall clock in ``tz`` reads ``day`` at a minute inside one of ``ranges``.

    ``ranges`` are minutes since local midnight, ``(start, end)`` with ``end <= 1440``.
    """
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)
    spans: list[Interval] = []
    for seg_lo, seg_hi, offset in _offset_segments(tz, day):
        for start, end in ranges:
            lo = midnight + dt.timedelta(minutes=start) - offset
            hi = midnight + dt.timedelta(minutes=end) - offset
            spans.append((max(lo, seg_lo), min(hi, seg_hi)))
    return normalize(spans)


def local_day_bounds(day: dt.date, tz: str) -> Interval:
    """The first and last-plus-one instants of a local date (one span in every real zone)."""
    spans = wall_clock_intervals(day, [(0, 1440)], tz)
    return spans[0][0], spans[-1][1]


@lru_cache(maxsize=4096)
def _offset_segments(
    tz: str, day: dt.date
) -> tuple[tuple[dt.datetime, dt.datetime, dt.timedelta], ...]:
    """Spans of constant UTC offset covering every instant that can be local ``day`` in ``tz``.

    Offsets lie within ±26 h, so the window ``day ± 27 h`` (UTC) holds the whole local day.
    Transitions are found by bisection between instants whose offsets differ; two transitions
    that cancel out inside the window (never seen in the tz database) would be missed.
    """
    zone = ZoneInfo(tz)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC) - dt.timedelta(hours=27)
    end = start + dt.timedelta(hours=78)
    segments: list[tuple[dt.datetime, dt.datetime, dt.timedelta]] = []
    lo = start
    while lo < end:
        change = _next_change(zone, lo, end)
        segments.append((lo, change, _offset(zone, lo)))
        lo = change
    return tuple(segments)


def _next_change(zone: ZoneInfo, lo: dt.datetime, hi: dt.datetime) -> dt.datetime:
    """The first instant after ``lo`` (at whole seconds) where the offset differs, else ``hi``."""
    base = _offset(zone, lo)
    if _offset(zone, hi) == base:
        return hi
    a = int((lo - _EPOCH).total_seconds())
    b = int((hi - _EPOCH).total_seconds())
    while b - a > 1:
        mid = (a + b) // 2
        if _offset(zone, _EPOCH + dt.timedelta(seconds=mid)) == base:
            a = mid
        else:
            b = mid
    return _EPOCH + dt.timedelta(seconds=b)


def _offset(zone: ZoneInfo, t: dt.datetime) -> dt.timedelta:
    offset = t.astimezone(zone).utcoffset()
    assert offset is not None
    return offset
