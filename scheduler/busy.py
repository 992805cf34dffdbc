"""Busy time read from a synced calendar: what blocks a 1:1 and what a moved one must avoid.

The manager's calendar is synced every pass, so her busy time costs no request and is exact:
her own 1:1s count too (a 1:1 moved onto another 1:1 is a double booking), each tagged with its
identity so that an occurrence is never its own conflict. A rep's calendar, where the service may
read it, gives the same exact picture on their side; free/busy cannot, because Google merges
overlapping spans and a meeting over the 1:1 looks like the 1:1 itself.

Pure: events in, spans out.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from scheduler.ports import CalendarEvent, Interval
from scheduler.recurrence import expand, to_local

MoveKey = tuple[str, dt.datetime]  # (series id, original start): one occurrence of a series


@dataclass(frozen=True)
class BusyEvent:
    start: dt.datetime
    end: dt.datetime
    out_of_office: bool
    summary: str
    occurrence: MoveKey | None = None  # set when this is one of the manager's own 1:1s


class BusyIndex:
    """Busy events ordered by start, to find those overlapping a span without reading them all
    (a manager's calendar is asked once per upcoming occurrence of each of her pairs)."""

    def __init__(self, events: Sequence[BusyEvent]) -> None:
        self._events = tuple(events)
        self._order = sorted(range(len(self._events)), key=lambda i: self._events[i].start)
        self._starts = [self._events[i].start for i in self._order]
        lengths = (e.end - e.start for e in self._events)
        self._longest = max(lengths, default=dt.timedelta(0))

    def overlapping(self, start: dt.datetime, end: dt.datetime) -> list[BusyEvent]:
        """The events that overlap ``[start, end)``, in the order they were given."""
        lo = bisect_left(self._starts, start - self._longest)  # none before can reach start
        hi = bisect_left(self._starts, end)
        found = sorted(i for i in self._order[lo:hi] if self._events[i].end > start)
        return [self._events[i] for i in found]


def overlapping(
    events: Sequence[BusyEvent] | BusyIndex, start: dt.datetime, end: dt.datetime
) -> list[BusyEvent]:
    """The events overlapping ``[start, end)``, from an index or by reading them all."""
    if isinstance(events, BusyIndex):
        return events.overlapping(start, end)
    return [b for b in events if b.start < end and b.end > start]


def calendar_busy(
    events: Iterable[CalendarEvent],
    *,
    owner: str,
    own: Set[str] = frozenset(),
    skip: Set[str] = frozenset(),
    time_min: dt.datetime,
    time_max: dt.datetime,
    tz: str,
) -> list[BusyEvent]:
    """Busy time on ``owner``'s calendar from its synced events, recurring ones expanded.

    ``own`` names the service's series on this calendar: their occurrences carry their identity.
    ``skip`` names series that never count (the rep's copy of the 1:1s being decided).
    """
    events = list(events)
    exceptions: dict[str, set[dt.datetime]] = {}
    for ev in events:
        if ev.recurring_event_id and ev.original_start is not None:
            exceptions.setdefault(ev.recurring_event_id, set()).add(ev.original_start)
    out = []
    for ev in events:
        series = ev.recurring_event_id or ev.id
        if series in skip or not _blocks(ev, owner):
            continue
        for lo, hi, original in _spans(ev, exceptions.get(ev.id, set()), time_min, time_max, tz):
            key = (series, original) if series in own and original is not None else None
            out.append(BusyEvent(lo, hi, ev.event_type == "outOfOffice", ev.summary, key))
    return out


def spans_of(busy: Sequence[BusyEvent], *, but: MoveKey | None = None) -> list[Interval]:
    """The busy spans, without the occurrence ``but`` (the one being placed)."""
    return [(b.start, b.end) for b in busy if but is None or b.occurrence != but]


def _blocks(ev: CalendarEvent, owner: str) -> bool:
    if ev.cancelled or ev.event_type == "workingLocation":
        return False
    me = ev.attendee(owner)
    if me is not None and me.response == "declined":
        return False
    if ev.all_day:  # an all-day event counts only when out of office or marked busy
        return ev.event_type == "outOfOffice" or not ev.transparent
    return not ev.transparent


def _spans(
    ev: CalendarEvent,
    skip: set[dt.datetime],
    time_min: dt.datetime,
    time_max: dt.datetime,
    tz: str,
) -> list[tuple[dt.datetime, dt.datetime, dt.datetime | None]]:
    """``(start, end, original start)`` of each time ``ev`` takes inside the window."""
    if ev.all_day and ev.start_date and ev.end_date:
        zone = ZoneInfo(ev.timezone or tz)
        lo = dt.datetime.combine(ev.start_date, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        hi = dt.datetime.combine(ev.end_date, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        return [(lo, hi, None)] if lo < time_max and hi > time_min else []
    if ev.start is None or ev.end is None:
        return []
    length = ev.end - ev.start
    if ev.recurrence and not ev.recurring_event_id:
        zone_name = ev.timezone or tz
        first = to_local(ev.start, zone_name).replace(tzinfo=None)
        starts = expand(
            first, zone_name, ev.recurrence, time_min=time_min - length, time_max=time_max
        )
        return [(s, s + length, s) for s in starts if s not in skip and s + length > time_min]
    if ev.start < time_max and ev.end > time_min:
        return [(ev.start, ev.end, ev.original_start)]
    return []
