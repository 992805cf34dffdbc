"""Bumped occurrences: which of a pair's upcoming occurrences must move, and why.

An occurrence is bumped when a busy event overlaps it on the manager's calendar (another of her
own 1:1s included: two 1:1s at once is a double booking), or on the rep's calendar where the
service may read it, when the rep or the manager declined it (a decline of that time, not an
old answer to a time the service already moved it from), or when someone deleted it. The
service never cancels, never touches a started or past occurrence, never fights a person who
moved it, and never counts its own move as a new bump. Where a bumped occurrence goes is
``scheduler.rebook``'s decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from scheduler import words
from scheduler.actions import Notice
from scheduler.busy import BusyEvent, BusyIndex, MoveKey, overlapping
from scheduler.keys import moved_by_person_key
from scheduler.model import Pair
from scheduler.moves import DECLINED, History, stale_declines
from scheduler.ports import Attendee, CalendarEvent, Interval
from scheduler.recurrence import to_local
from scheduler.series import OwnedSeries
from scheduler.vocabulary import BumpKind

__all__ = [
    "Bump",
    "MoveKey",
    "Occurrence",
    "detect",
    "occurrence_times",
    "occurrences",
    "why_bumped",
]


@dataclass(frozen=True)
class Occurrence:
    series_id: str
    original_start: dt.datetime
    start: dt.datetime
    end: dt.datetime
    cancelled: bool
    instance_id: str | None  # known once Google materialised it as an exception
    etag: str
    rep_response: str
    manager_response: str
    moves_by_us: int = 0
    moved_by_person: bool = False
    attendees: tuple[Attendee, ...] = ()


@dataclass(frozen=True)
class Bump:
    pair: Pair
    occurrence: Occurrence
    kind: BumpKind
    detail: str  # for the manager and the audit: may name her own events
    conflicts: tuple[Interval, ...] = field(default=())
    by: str = ""  # who declined, for a decline
    own: bool = False  # the only conflicts are the manager's other 1:1s

    @property
    def key(self) -> MoveKey:
        return (self.occurrence.series_id, self.occurrence.original_start)

    @property
    def cause(self) -> str:
        """What the move is for, as the moves table keeps it."""
        return f"{DECLINED}{self.by}" if self.kind == "declined" else self.kind


def occurrences(
    series: OwnedSeries,
    exceptions: Sequence[CalendarEvent],
    moves: Mapping[MoveKey, tuple[int, Interval]],
    pair: Pair,
    *,
    time_min: dt.datetime,
    time_max: dt.datetime,
) -> list[Occurrence]:
    """The series' occurrences whose original start is in the window, exceptions applied."""
    master = series.event
    out = []
    for original, exc, start, end in occurrence_times(
        series, exceptions, pair.duration, time_min=time_min, time_max=time_max
    ):
        source = exc or master
        count, last = moves.get((master.id, original), (0, None))
        rep = source.attendee(pair.rep.email)
        mgr = source.attendee(pair.manager.email)
        out.append(
            Occurrence(
                series_id=master.id,
                original_start=original,
                start=start,
                end=end,
                cancelled=bool(exc and exc.cancelled),
                instance_id=exc.id if exc else None,
                etag=exc.etag if exc else "",
                rep_response=rep.response if rep else "needsAction",
                manager_response=mgr.response if mgr else "accepted",
                moves_by_us=count,
                moved_by_person=start != original and (last is None or last != (start, end)),
                attendees=source.attendees,
            )
        )
    return out


def occurrence_times(
    series: OwnedSeries,
    exceptions: Sequence[CalendarEvent],
    duration: dt.timedelta,
    *,
    time_min: dt.datetime,
    time_max: dt.datetime,
) -> Iterator[tuple[dt.datetime, CalendarEvent | None, dt.datetime, dt.datetime]]:
    """Each occurrence whose original start is in the window, as (original start, its own
    edited copy or None, start, end): where it is now, which is all some readers need
    (``upcoming_meetings``); ``occurrences`` adds the answers and the moves to it.
    ``duration``: the length of an occurrence when the master's own times do not say."""
    master = series.event
    length = (master.end - master.start) if master.start and master.end else duration
    by_original = {e.original_start: e for e in exceptions if e.original_start is not None}
    for original in series.starts(time_min, time_max):
        exc = by_original.get(original)
        start = exc.start if exc and exc.start else original
        end = exc.end if exc and exc.end else original + length
        yield original, exc, start, end


def detect(
    pair: Pair,
    occs: Sequence[Occurrence],
    busy_events: Sequence[BusyEvent] | BusyIndex,
    rep_events: Sequence[BusyEvent] | BusyIndex | None,
    *,
    now: dt.datetime,
    history: History | None = None,
    holidays: Sequence[dt.date] = (),
) -> list[Bump | Notice]:
    """Which upcoming occurrences are bumped, and why (one reason each, the strongest).

    ``busy_events`` is the manager's calendar, her own 1:1s included; ``rep_events`` the rep's,
    or None when the service may not read it (then only the rep's decline tells).
    """
    out: list[Bump | Notice] = []
    tz = pair.manager.timezone
    for occ in occs:
        if occ.start <= now:
            continue  # started or past: never touched
        if occ.moved_by_person:
            day_then = to_local(occ.original_start, tz).date()
            day_now = to_local(occ.start, tz).date()
            where = "the same day" if day_then == day_now else words.short_day(day_now)
            out.append(
                Notice(
                    pair.key,
                    pair.manager.email,
                    moved_by_person_key(occ.series_id, occ.start),
                    f"someone moved the {occ.original_start:%Y-%m-%d} occurrence to {where} "
                    f"{to_local(occ.start, tz):%H:%M}: respected",
                )
            )
            continue
        past = (history or {}).get((occ.series_id, occ.original_start), ())
        bump = why_bumped(pair, occ, busy_events, rep_events, stale_declines(past), holidays)
        if bump is not None:
            out.append(bump)
    return out


def why_bumped(
    pair: Pair,
    occ: Occurrence,
    busy_events: Sequence[BusyEvent] | BusyIndex,
    rep_events: Sequence[BusyEvent] | BusyIndex | None,
    stale: frozenset[str],
    holidays: Sequence[dt.date],
) -> Bump | None:
    """The strongest reason ``occ`` must move, or None; ``stale`` declines are old answers."""
    tz = pair.manager.timezone
    if occ.cancelled:
        return Bump(pair, occ, BumpKind.DELETED, "the occurrence was deleted")
    if to_local(occ.start, tz).date() in holidays:
        return Bump(
            pair, occ, BumpKind.HOLIDAY, f"{words.short_day(to_local(occ.start, tz))} is a holiday"
        )
    key = (occ.series_id, occ.original_start)
    mine = [b for b in overlapping(busy_events, occ.start, occ.end) if b.occurrence != key]
    theirs = overlapping(rep_events or (), occ.start, occ.end)
    away = [(b, pair.manager.name) for b in mine if b.out_of_office] + [
        (b, pair.rep.name) for b in theirs if b.out_of_office
    ]
    if away:
        return Bump(
            pair,
            occ,
            BumpKind.OUT_OF_OFFICE,
            f"{away[0][1]} is out of office",
            tuple((b.start, b.end) for b, _ in away),
        )
    for person, answer in ((pair.rep, occ.rep_response), (pair.manager, occ.manager_response)):
        if answer == "declined" and person.email.lower() not in stale:
            return Bump(
                pair, occ, BumpKind.DECLINED, f"{person.name} declined it", by=person.email.lower()
            )
    if mine:
        return _conflict(pair, occ, mine)
    if theirs:  # the rep's own events are not named to anyone
        spans = tuple((b.start, b.end) for b in theirs)
        return Bump(
            pair,
            occ,
            BumpKind.CONFLICT,
            f"{pair.rep.name}'s calendar has another meeting then",
            spans,
        )
    return None


def _conflict(pair: Pair, occ: Occurrence, mine: Sequence[BusyEvent]) -> Bump:
    spans = tuple((b.start, b.end) for b in mine)
    others = [b for b in mine if b.occurrence is None]
    if not others:  # only her own 1:1s: the other rep is not named
        detail = f"another of {pair.manager.name}'s 1:1s overlaps it"
        return Bump(pair, occ, BumpKind.CONFLICT, detail, spans, own=True)
    names = ", ".join(repr(b.summary) for b in others[:3] if b.summary) or "a meeting"
    return Bump(
        pair,
        occ,
        BumpKind.CONFLICT,
        f"{names} overlaps it on {pair.manager.name}'s calendar",
        spans,
    )
