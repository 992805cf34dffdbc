"""Where a bumped 1:1 goes: the best free slot on the same local day for manager and rep.

The product promises "same day first": a moved occurrence stays on its day in the manager's zone,
inside both people's working hours, clear of both calendars (plus a buffer), at least
``min_notice`` from now, as near as possible to where it was. The search is exact: it works on
the free windows as sets of instants, so whenever some minute-aligned start would do, the answer
is at least as close. Starts land on whole minutes whenever that costs nothing.

Pure: every input, including ``now``, is an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from scheduler import intervals as iv
from scheduler import words
from scheduler.model import Person
from scheduler.ports import Interval

BusyForDay = Callable[[dt.date], tuple[tuple[Interval, ...], tuple[Interval, ...]]]

_KEEP = 5
_MINUTE = dt.timedelta(minutes=1)
_HOUR = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Grid:
    """Allowed start times: the manager's wall clock at whole multiples of ``step`` (:00, :15…).

    Steps divide an hour, so the grid is the same in every zone offset by whole or half hours
    and across DST changes; a one-minute grid is the whole-minute rule of old.
    """

    step: dt.timedelta
    zone: ZoneInfo

    def floor(self, t: dt.datetime) -> dt.datetime:
        local = t.astimezone(self.zone)
        into = dt.timedelta(
            minutes=local.minute, seconds=local.second, microseconds=local.microsecond
        )
        return t - into % self.step

    def ceil(self, t: dt.datetime) -> dt.datetime:
        down = self.floor(t)
        return down if down == t else down + self.step

    def nearest(self, target: dt.datetime, lo: dt.datetime, hi: dt.datetime) -> dt.datetime | None:
        """The grid time in ``[lo, hi]`` nearest ``target`` (the earlier on a tie), if any."""
        t = min(max(target, lo), hi)
        fits = [g for g in (self.floor(t), self.ceil(t)) if lo <= g <= hi]
        return min(fits, key=lambda g: (abs(g - target), g), default=None)


@dataclass(frozen=True)
class SlotRequest:
    original_start: dt.datetime
    duration: dt.timedelta
    manager: Person
    rep: Person
    busy_manager: tuple[Interval, ...]
    busy_rep: tuple[Interval, ...]
    min_notice: dt.timedelta
    allow_shorter: dt.timedelta | None
    buffer: dt.timedelta = dt.timedelta(0)
    holidays: tuple[dt.date, ...] = ()
    day: dt.date | None = None
    step: dt.timedelta = _MINUTE  # starts fall on the manager's clock at multiples of this

    def __post_init__(self) -> None:
        if self.original_start.tzinfo is None:
            raise ValueError("original_start must be an aware datetime")
        if self.duration <= dt.timedelta(0):
            raise ValueError("duration must be positive")
        if self.step < _MINUTE or _HOUR % self.step:
            raise ValueError("step must be whole minutes that divide an hour")

    @property
    def local_day(self) -> dt.date:
        """The manager-local date to search."""
        if self.day is not None:
            return self.day
        return self.original_start.astimezone(self.manager.zone).date()


@dataclass(frozen=True)
class Candidate:
    start: dt.datetime
    end: dt.datetime
    distance: dt.timedelta
    shorter: bool


@dataclass(frozen=True)
class SlotDecision:
    slot: tuple[dt.datetime, dt.datetime] | None
    shorter: bool
    day: dt.date
    candidates: tuple[Candidate, ...]
    reason: str


def find_slot(req: SlotRequest, *, now: dt.datetime) -> SlotDecision:
    """The best slot on ``req.local_day``, a shorter one if allowed, or none with the cause."""
    day = req.local_day
    if day in req.holidays:
        return _none(day, f"{format_day(day)} is a holiday; nothing may be booked on it.")
    mgr_tz = req.manager.timezone
    mgr_work = iv.wall_clock_intervals(
        day, req.manager.working_hours.ranges_on(day.weekday()), mgr_tz
    )
    if not mgr_work:
        return _none(day, f"{req.manager.name} has no working hours on {format_day(day)}.")
    shared = iv.intersect(mgr_work, _rep_work(req.rep, day, mgr_tz))
    if not shared:
        return _none(
            day,
            f"{req.manager.name}'s and {req.rep.name}'s working hours "
            f"do not overlap on {format_day(day)}.",
        )
    earliest = max(now, now + req.min_notice)
    bookable = iv.clip(shared, earliest, shared[-1][1])
    if not bookable:
        return _none(
            day,
            f"the working hours both share on {format_day(day)} are over by "
            f"{format_time(earliest, mgr_tz)}, the earliest start "
            f"{_span(req.min_notice)} of notice allows.",
        )
    busy = iv.widen((*req.busy_manager, *req.busy_rep), req.buffer)
    free = iv.subtract(bookable, busy)
    target = _target(req, day)
    grid = Grid(req.step, req.manager.zone)
    full = _rank_full(free, req.duration, target, grid)
    if full:
        return _decide(req, day, full, _full_reason(req, full[0], target))
    short = _rank_shorter(free, req, target, grid)
    if short:
        return _decide(req, day, short, _short_reason(req, day, short[0]))
    return _none(day, _nothing_reason(req, day, bookable, free))


def find_next_business_day(
    req: SlotRequest,
    *,
    now: dt.datetime,
    max_days: int = 7,
    busy_for_day: BusyForDay | None = None,
) -> SlotDecision:
    """The first of the next ``max_days`` calendar days (manager-local) that has a slot.

    Days that are not working days for both, or are holidays, are skipped (they still count
    toward ``max_days``). Each day is searched with ``find_slot``'s rules, aiming at the
    original's time of day on the manager's clock.
    """
    first = req.local_day
    tried: list[str] = []
    last = first
    for k in range(1, max_days + 1):
        day = first + dt.timedelta(days=k)
        last = day
        if day in req.holidays or not _business_day(req, day):
            continue
        busy_m, busy_r = busy_for_day(day) if busy_for_day else (req.busy_manager, req.busy_rep)
        decision = find_slot(replace(req, day=day, busy_manager=busy_m, busy_rep=busy_r), now=now)
        if decision.slot is not None:
            return decision
        tried.append(format_day(day))
    where = ", ".join(tried) if tried else "no working day for both"
    return _none(
        last, f"nothing fits in the {max_days} days after {format_day(first)} (searched: {where})."
    )


format_day = words.day
"""``Tue 24 Nov``: locale-free, for sentences managers read."""
format_time = words.hour


def _rep_work(rep: Person, day: dt.date, mgr_tz: str) -> list[Interval]:
    """The rep's working time during the manager's day, over every rep-local date it touches."""
    lo, hi = iv.local_day_bounds(day, mgr_tz)
    first = lo.astimezone(rep.zone).date()
    last = (hi - dt.timedelta(microseconds=1)).astimezone(rep.zone).date()
    spans: list[Interval] = []
    d = first
    while d <= last:
        spans += iv.wall_clock_intervals(d, rep.working_hours.ranges_on(d.weekday()), rep.timezone)
        d += dt.timedelta(days=1)
    return iv.clip(iv.normalize(spans), lo, hi)


def _business_day(req: SlotRequest, day: dt.date) -> bool:
    if not req.manager.working_hours.is_working_day(day.weekday()):
        return False
    return bool(_rep_work(req.rep, day, req.manager.timezone))


def _target(req: SlotRequest, day: dt.date) -> dt.datetime:
    """The original start, or on another day the same wall-clock time (manager zone) there."""
    zone = req.manager.zone
    local = req.original_start.astimezone(zone)
    if local.date() == day:
        return req.original_start.astimezone(dt.UTC)
    moved = dt.datetime.combine(day, local.time(), tzinfo=zone)
    return moved.astimezone(dt.UTC)


def _place(
    lo: dt.datetime,
    hi: dt.datetime,
    length: dt.timedelta,
    target: dt.datetime,
    grid: Grid,
) -> dt.datetime | None:
    """The grid start nearest ``target`` for ``length`` in ``[lo, hi)``.

    On the one-minute grid a window too narrow for any whole-minute start still takes its
    exact start (free time between seconds-precise events); a coarser grid is a rule.
    """
    start = grid.nearest(target, grid.ceil(lo), hi - length)
    if start is None and grid.step == _MINUTE and lo <= hi - length:
        return min(max(target, lo), hi - length)
    return start


def _rank_full(
    free: list[Interval], duration: dt.timedelta, target: dt.datetime, grid: Grid
) -> list[Candidate]:
    found = []
    for lo, hi in free:
        start = _place(lo, hi, duration, target, grid)
        if start is not None:
            found.append(Candidate(start, start + duration, abs(start - target), False))
    found.sort(key=lambda c: (c.distance, c.start))
    return found[:_KEEP]


def _rank_shorter(
    free: list[Interval], req: SlotRequest, target: dt.datetime, grid: Grid
) -> list[Candidate]:
    """Per window, the longest whole-minute length (capped at the duration) it holds."""
    if req.allow_shorter is None:
        return []
    floor = max(req.allow_shorter, dt.timedelta(microseconds=1))
    found = []
    for lo, hi in free:
        length = min(req.duration, iv.floor_minute(hi) - grid.ceil(lo))
        if length < floor and grid.step == _MINUTE:
            length = min(req.duration, hi - lo)
        start = _place(lo, hi, length, target, grid) if length >= floor else None
        if start is not None:
            found.append(Candidate(start, start + length, abs(start - target), True))
    found.sort(key=lambda c: (-(c.end - c.start), c.distance, c.start))
    return found[:_KEEP]


def _decide(req: SlotRequest, day: dt.date, ranked: list[Candidate], reason: str) -> SlotDecision:
    best = ranked[0]
    return SlotDecision((best.start, best.end), best.shorter, day, tuple(ranked), reason)


def _none(day: dt.date, reason: str) -> SlotDecision:
    return SlotDecision(None, False, day, (), reason[0].upper() + reason[1:])


def _full_reason(req: SlotRequest, best: Candidate, target: dt.datetime) -> str:
    tz = req.manager.timezone
    when = (
        f"{format_time(best.start, tz)}–{format_time(best.end, tz)} on "
        f"{format_day(best.start.astimezone(req.manager.zone).date())} ({tz})"
    )
    both = f"{req.manager.name} and {req.rep.name}"
    if best.distance == dt.timedelta(0):
        same = target == req.original_start
        kept = "is the original time" if same else "keeps the original time of day"
        return f"{when} {kept} and is free for {both}."
    side = "after" if best.start > target else "before"
    return (
        f"{when} is the nearest time {both} are both free, "
        f"{_span(best.distance)} {side} the original {format_time(target, tz)}."
    )


def _short_reason(req: SlotRequest, day: dt.date, best: Candidate) -> str:
    tz = req.manager.timezone
    return (
        f"No {_span(req.duration)} slot is free for both on {format_day(day)}; "
        f"{format_time(best.start, tz)}–{format_time(best.end, tz)} ({tz}) is the longest "
        f"free time, {_span(best.end - best.start)}."
    )


def _nothing_reason(
    req: SlotRequest, day: dt.date, bookable: list[Interval], free: list[Interval]
) -> str:
    need = req.duration if req.allow_shorter is None else min(req.duration, req.allow_shorter)
    widest = max((hi - lo for lo, hi in bookable), default=dt.timedelta(0))
    if widest < need:
        return (
            f"the working hours both share on {format_day(day)} leave at most "
            f"{_span(widest)} from the earliest allowed start, less than the "
            f"{_span(need)} needed."
        )
    longest = max((hi - lo for lo, hi in free), default=dt.timedelta(0))
    tail = (
        f"; the longest free window is {_span(longest)}"
        if longest
        else "; every shared working minute is busy"
    )
    return (
        f"no time when both are free inside both working hours on {format_day(day)} "
        f"for {_span(need)}{tail}."
    )


def _span(d: dt.timedelta) -> str:
    """``1 h 30 min``, ``45 min``; seconds are dropped."""
    minutes = int(d.total_seconds() // 60)
    h, m = divmod(minutes, 60)
    if h and m:
        return f"{h} h {m} min"
    return f"{h} h" if h else f"{m} min"
