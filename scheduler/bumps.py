"""Bumped occurrences: detecting them and deciding where each one goes.

An occurrence is bumped when a busy event overlaps it on the manager's calendar (seen through the
synced cache) or the rep's (seen through free/busy), when the rep or the manager declined it, or
when someone deleted it. The decision is always, in order: the same day (manager's zone) at the
nearest free time for both, a shorter slot if allowed, then the ``if_no_slot`` policy. Out of
office and holidays follow ``on_out_of_office``. The service never cancels, never touches a
started or past occurrence, never fights a person who moved it, and never counts its own move as a
new bump.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from zoneinfo import ZoneInfo

from scheduler import intervals as iv
from scheduler.actions import MoveOccurrence, Notice
from scheduler.model import Pair, RebookPolicy
from scheduler.ports import Attendee, CalendarEvent, Interval
from scheduler.recurrence import expand, to_local
from scheduler.series import OwnedSeries
from scheduler.slots import SlotDecision, SlotRequest, find_next_business_day, find_slot

MAX_MOVES = 3
"""After this many moves of one occurrence the service stops and tells the manager."""

MoveKey = tuple[str, dt.datetime]  # (series id, original start)


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
class BusyEvent:
    start: dt.datetime
    end: dt.datetime
    out_of_office: bool
    summary: str


@dataclass(frozen=True)
class Bump:
    pair: Pair
    occurrence: Occurrence
    kind: str  # deleted | out_of_office | holiday | declined | conflict
    detail: str
    conflicts: tuple[Interval, ...] = field(default=())


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
    length = (master.end - master.start) if master.start and master.end else pair.duration
    by_original = {e.original_start: e for e in exceptions if e.original_start is not None}
    out = []
    for original in series.starts(time_min, time_max):
        exc = by_original.get(original)
        source = exc or master
        start = exc.start if exc and exc.start else original
        end = exc.end if exc and exc.end else original + length
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


def manager_busy(
    events: Iterable[CalendarEvent],
    *,
    owner: str,
    exclude: set[str],
    time_min: dt.datetime,
    time_max: dt.datetime,
    tz: str,
) -> list[BusyEvent]:
    """Busy time on the manager's calendar from the synced events, recurring ones expanded."""
    events = list(events)
    exceptions: dict[str, set[dt.datetime]] = {}
    for ev in events:
        if ev.recurring_event_id and ev.original_start is not None:
            exceptions.setdefault(ev.recurring_event_id, set()).add(ev.original_start)
    out = []
    for ev in events:
        if ev.id in exclude or (ev.recurring_event_id or "") in exclude or not _blocks(ev, owner):
            continue
        for lo, hi in _spans(ev, exceptions.get(ev.id, set()), time_min, time_max, tz):
            out.append(BusyEvent(lo, hi, ev.event_type == "outOfOffice", ev.summary))
    return out


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
) -> list[Interval]:
    if ev.all_day and ev.start_date and ev.end_date:
        zone = ZoneInfo(ev.timezone or tz)
        lo = dt.datetime.combine(ev.start_date, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        hi = dt.datetime.combine(ev.end_date, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        return [(lo, hi)] if lo < time_max and hi > time_min else []
    if ev.start is None or ev.end is None:
        return []
    length = ev.end - ev.start
    if ev.recurrence and not ev.recurring_event_id:
        zone_name = ev.timezone or tz
        first = to_local(ev.start, zone_name).replace(tzinfo=None)
        starts = expand(
            first, zone_name, ev.recurrence, time_min=time_min - length, time_max=time_max
        )
        return [(s, s + length) for s in starts if s not in skip and s + length > time_min]
    return [(ev.start, ev.end)] if ev.start < time_max and ev.end > time_min else []


def rep_conflicts(occ: Occurrence, busy: Sequence[Interval]) -> list[Interval]:
    """Busy spans of the rep that overlap the occurrence, other than the occurrence itself.

    Free/busy shows the 1:1 itself as busy while the rep has not declined it, and Google may
    merge touching spans: one span around ours can be a conflict or just meetings back to back on
    both sides, and the two cannot be told apart. A move nobody needed is worse than a conflict
    the rep tells us about by declining (an out-of-office day declines it for them), so a span
    counts only when our own occurrence shows as a separate span next to it.
    """
    span = (occ.start, occ.end)
    if span not in busy:
        return []
    return [(lo, hi) for lo, hi in busy if (lo, hi) != span and lo < occ.end and hi > occ.start]


def detect(
    pair: Pair,
    occs: Sequence[Occurrence],
    busy_events: Sequence[BusyEvent],
    rep_busy: Sequence[Interval] | None,
    *,
    now: dt.datetime,
    holidays: Sequence[dt.date] = (),
) -> list[Bump | Notice]:
    """Which upcoming occurrences are bumped, and why (one reason each, the strongest)."""
    out: list[Bump | Notice] = []
    tz = pair.manager.timezone
    for occ in occs:
        if occ.start <= now:
            continue  # started or past: never touched
        if occ.moved_by_person:
            day_then = to_local(occ.original_start, tz).date()
            day_now = to_local(occ.start, tz).date()
            where = "the same day" if day_then == day_now else f"{day_now:%a %d %b}"
            out.append(
                Notice(
                    pair.key,
                    pair.manager.email,
                    f"moved-by-person:{occ.series_id}:{occ.start}",
                    f"someone moved the {occ.original_start:%Y-%m-%d} occurrence to {where} "
                    f"{to_local(occ.start, tz):%H:%M}: respected",
                )
            )
            continue
        bump = _why(pair, occ, busy_events, rep_busy, holidays)
        if bump is not None:
            out.append(bump)
    return out


def _why(
    pair: Pair,
    occ: Occurrence,
    busy_events: Sequence[BusyEvent],
    rep_busy: Sequence[Interval] | None,
    holidays: Sequence[dt.date],
) -> Bump | None:
    tz = pair.manager.timezone
    if occ.cancelled:
        return Bump(pair, occ, "deleted", "the occurrence was deleted")
    if to_local(occ.start, tz).date() in holidays:
        return Bump(pair, occ, "holiday", f"{to_local(occ.start, tz):%a %d %b} is a holiday")
    overlapping = [b for b in busy_events if b.start < occ.end and b.end > occ.start]
    ooo = [b for b in overlapping if b.out_of_office]
    if ooo:
        return Bump(
            pair,
            occ,
            "out_of_office",
            f"{pair.manager.name} is out of office",
            tuple((b.start, b.end) for b in ooo),
        )
    if occ.rep_response == "declined":
        return Bump(pair, occ, "declined", f"{pair.rep.name} declined it")
    if occ.manager_response == "declined":
        return Bump(pair, occ, "declined", f"{pair.manager.name} declined it")
    if overlapping:
        names = ", ".join(repr(b.summary) for b in overlapping[:3] if b.summary) or "a meeting"
        return Bump(
            pair,
            occ,
            "conflict",
            f"{names} overlaps it on {pair.manager.name}'s calendar",
            tuple((b.start, b.end) for b in overlapping),
        )
    if rep_busy is not None:
        clash = rep_conflicts(occ, rep_busy)
        if clash:
            return Bump(
                pair, occ, "conflict", f"{pair.rep.name}'s calendar is busy then", tuple(clash)
            )
    return None


BusyForDay = Callable[[dt.date], tuple[tuple[Interval, ...], tuple[Interval, ...]]]


def decide(
    bump: Bump,
    *,
    busy_manager: Sequence[Interval],
    busy_rep: Sequence[Interval],
    now: dt.datetime,
    holidays: Sequence[dt.date] = (),
    busy_for_day: BusyForDay | None = None,
) -> MoveOccurrence | Notice:
    """Where the bumped occurrence goes, or why it stays (with a notice for the manager)."""
    pair, occ = bump.pair, bump.occurrence
    if occ.moves_by_us >= MAX_MOVES:
        return _notice(bump, f"already moved {occ.moves_by_us} times: left where it is")
    blocked = list(bump.conflicts)
    if bump.kind != "deleted":
        blocked.append((occ.start, occ.end))  # never "move" it onto the time that failed
    request = SlotRequest(
        original_start=occ.original_start,
        duration=pair.duration,
        manager=pair.manager,
        rep=pair.rep,
        busy_manager=tuple(iv.normalize([*busy_manager, *blocked])),
        busy_rep=tuple(iv.normalize([*busy_rep, *blocked])),
        min_notice=pair.rebook.min_notice,
        allow_shorter=pair.rebook.allow_shorter,
        buffer=pair.rebook.buffer,
        holidays=tuple(holidays),
        day=to_local(occ.original_start, pair.manager.timezone).date(),
        step=pair.rebook.step,
    )
    if bump.kind in ("out_of_office", "holiday"):
        if pair.rebook.on_out_of_office == "skip":
            return _notice(bump, f"{bump.detail}: skipped this week as configured")
        return _move(
            bump, find_next_business_day(request, now=now, busy_for_day=busy_for_day), same_day=None
        )
    same_day = find_slot(request, now=now)
    full_later = _full_later(request, same_day, pair.rebook, now, busy_for_day)
    if full_later is not None:
        return _move(bump, full_later, same_day=same_day)
    if same_day.slot is not None:
        return _move(bump, same_day, same_day=same_day)
    if pair.rebook.if_no_slot == "notify_only":
        return _notice(bump, f"{bump.detail}; {same_day.reason} Left where it is, as configured")
    later = find_next_business_day(request, now=now, busy_for_day=busy_for_day)
    if later.slot is None:
        return _notice(bump, f"{bump.detail}; {same_day.reason} {later.reason}")
    return _move(bump, later, same_day=same_day)


def _full_later(
    request: SlotRequest,
    same_day: SlotDecision,
    policy: RebookPolicy,
    now: dt.datetime,
    busy_for_day: BusyForDay | None,
) -> SlotDecision | None:
    """With ``same_day_only: false``, a full-length slot on the next business day when the day
    itself only offers a shortened one (the one policy that allows another day must be set)."""
    if not same_day.shorter or policy.same_day_only or policy.if_no_slot != "next_business_day":
        return None
    later = find_next_business_day(
        replace(request, allow_shorter=None), now=now, busy_for_day=busy_for_day
    )
    return later if later.slot is not None else None


def _move(
    bump: Bump, decision: SlotDecision, *, same_day: SlotDecision | None
) -> MoveOccurrence | Notice:
    if decision.slot is None:
        return _notice(bump, f"{bump.detail}; {decision.reason}")
    pair, occ = bump.pair, bump.occurrence
    start, end = decision.slot
    explain: dict[str, object] = {
        "bump": bump.kind,
        "conflict": bump.detail,
        "candidates": [
            f"{to_local(c.start, pair.manager.timezone):%a %H:%M}-"
            f"{to_local(c.end, pair.manager.timezone):%H:%M}" + (" (shorter)" if c.shorter else "")
            for c in decision.candidates
        ],
        "why": decision.reason,
    }
    if same_day is not None and same_day is not decision:
        explain["same_day"] = same_day.reason
    verb = "restored" if bump.kind == "deleted" else "moved"
    local = to_local(start, pair.manager.timezone)
    return MoveOccurrence(
        pair.key,
        pair.manager.email,
        occ.instance_id or "",
        occ.series_id,
        occ.original_start,
        start,
        end,
        pair.manager.timezone,
        f"{bump.detail}: {verb} to {local:%a %d %b %H:%M}. {decision.reason}",
        restore=bump.kind == "deleted",
        explain=explain,
        etag=occ.etag,
        from_start=occ.start,
        attendees=tuple(
            a
            if a.organizer or a.response != "declined"
            else Attendee(a.email, "needsAction", a.name)
            for a in occ.attendees
        ),
    )


def notice_key(bump: Bump) -> str:
    occ = bump.occurrence
    return f"unmoved:{occ.series_id}:{occ.original_start:%Y%m%dT%H%M}:{bump.kind}"


def _notice(bump: Bump, text: str) -> Notice:
    return Notice(bump.pair.key, bump.pair.manager.email, notice_key(bump), text)
