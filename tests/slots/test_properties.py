"""Invariants of the slot finder over random days, zones, working hours and busy sets.

A plain minute-by-minute reference (written here without the finder's interval code) decides
which minute-aligned starts work; the finder must never do worse, and every answer it gives must
be valid when checked instant by instant on the wall clocks of both people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.model import Person, WorkingHours
from scheduler.slots import SlotDecision, SlotRequest, find_next_business_day, find_slot

ZONES = (
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Pacific/Fiji",
    "America/New_York",
    "Europe/Berlin",
    "Australia/Lord_Howe",
)
DAYS = (
    dt.date(2026, 3, 8),  # New York springs forward
    dt.date(2026, 11, 1),  # New York falls back
    dt.date(2026, 3, 29),  # Berlin springs forward
    dt.date(2026, 10, 25),  # Berlin falls back
    dt.date(2026, 4, 5),  # Lord Howe falls back half an hour
    dt.date(2026, 10, 4),  # Lord Howe springs forward half an hour
    dt.date(2026, 11, 24),  # an ordinary Tuesday
)
MIN = dt.timedelta(minutes=1)


@st.composite
def working_hours(draw: st.DrawFn) -> WorkingHours:
    def one_day() -> tuple[tuple[int, int], ...]:
        shape = draw(st.integers(0, 9))  # hypothesis favours the ends, so name the rare ones
        if shape == 3:
            return ()
        if shape in (4, 5):
            return ((0, 1440),)
        ranges = []
        for _ in range(draw(st.integers(1, 2))):
            start = draw(st.integers(0, 1410))
            ranges.append((start, min(1440, start + draw(st.integers(30, 720)))))
        return tuple(ranges)

    return WorkingHours(tuple(one_day() for _ in range(7)))


@dataclass(frozen=True)
class Case:
    req: SlotRequest
    now: dt.datetime


@st.composite
def cases(draw: st.DrawFn) -> Case:
    day = draw(st.sampled_from(DAYS))
    manager = Person(
        "Dana", "dana@example.com", draw(st.sampled_from(ZONES)), draw(working_hours())
    )
    rep = Person("Sam", "sam@example.com", draw(st.sampled_from(ZONES)), draw(working_hours()))
    lo, hi = _day_bounds(day, manager.timezone)
    minutes = int((hi - lo) / MIN)

    def busy() -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        spans = []
        for _ in range(draw(st.integers(0, 25))):
            start = lo + draw(st.integers(-180, minutes + 60)) * MIN
            spans.append((start, start + draw(st.integers(5, 300)) * MIN))
        return tuple(spans)

    duration = draw(st.integers(3, 18)) * 5 * MIN
    shorter = draw(st.one_of(st.none(), st.integers(1, int(duration / MIN))))
    req = SlotRequest(
        original_start=lo + draw(st.integers(0, minutes - 1)) * MIN,
        duration=duration,
        manager=manager,
        rep=rep,
        busy_manager=busy(),
        busy_rep=busy(),
        min_notice=draw(st.integers(0, 180)) * MIN,
        allow_shorter=None if shorter is None else shorter * MIN,
        buffer=draw(st.sampled_from((0, 0, 5, 10, 15))) * MIN,
        holidays=(day,) if draw(st.integers(0, 30)) == 17 else (),
        day=day if draw(st.booleans()) else None,
    )
    now = lo + dt.timedelta(seconds=draw(st.integers(-86_400, minutes * 60)))
    return Case(req, now)


def _day_bounds(day: dt.date, tz: str) -> tuple[dt.datetime, dt.datetime]:
    """First and last-plus-one instants of a local date, found by walking minutes plainly."""
    zone = ZoneInfo(tz)
    t = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC) - dt.timedelta(hours=15)
    while t.astimezone(zone).date() < day:
        t += MIN
    lo = t
    while t.astimezone(zone).date() == day:
        t += MIN
    return lo, t


def _works(p: Person, t: dt.datetime) -> bool:
    """Does ``p``'s wall clock at instant ``t`` show a working minute?"""
    wall = t.astimezone(p.zone)
    minute = wall.hour * 60 + wall.minute + (wall.second + wall.microsecond / 1e6) / 60
    return any(a <= minute < b for a, b in p.working_hours.by_weekday[wall.weekday()])


def _busy(req: SlotRequest) -> list[tuple[dt.datetime, dt.datetime]]:
    return [(a - req.buffer, b + req.buffer) for a, b in (*req.busy_manager, *req.busy_rep)]


@dataclass(frozen=True)
class Reference:
    best_distance: dt.timedelta | None  # nearest full-length minute-aligned start
    longest: int  # longest run of free minutes from a valid start, capped at the duration


def reference(case: Case, step: int = 1) -> Reference:
    """Minute by minute: which minutes of the manager's day are free, working time for both.

    Only starts whose minute on the manager's clock is a multiple of ``step`` count.
    """
    req = case.req
    day = req.day or req.original_start.astimezone(req.manager.zone).date()
    lo, hi = _day_bounds(day, req.manager.timezone)
    if day in req.holidays:
        return Reference(None, 0)
    busy = _busy(req)
    minutes = [lo + k * MIN for k in range((hi - lo) // MIN)]
    ok = [
        _works(req.manager, t)
        and _works(req.rep, t)
        and not any(a < t + MIN and t < b for a, b in busy)
        for t in minutes
    ]
    run = [0] * (len(ok) + 1)
    for k in range(len(ok) - 1, -1, -1):
        run[k] = run[k + 1] + 1 if ok[k] else 0
    earliest = max(case.now, case.now + req.min_notice)
    need = req.duration // MIN
    target = _target(req, day)
    best: dt.timedelta | None = None
    longest = 0
    for k, t in enumerate(minutes):
        if t < earliest or t.astimezone(req.manager.zone).minute % step:
            continue
        longest = max(longest, min(run[k], need))
        if run[k] >= need and (best is None or abs(t - target) < best):
            best = abs(t - target)
    return Reference(best, longest)


def _target(req: SlotRequest, day: dt.date) -> dt.datetime:
    wall = req.original_start.astimezone(req.manager.zone)
    if wall.date() == day:
        return req.original_start
    return dt.datetime.combine(day, wall.time(), tzinfo=req.manager.zone).astimezone(dt.UTC)


def assert_valid(case: Case, decision: SlotDecision) -> None:
    req = case.req
    day = req.day or req.original_start.astimezone(req.manager.zone).date()
    assert decision.day == day
    if decision.slot is None:
        assert decision.candidates == ()
        assert decision.reason
        return
    start, end = decision.slot
    assert (start, end) == (decision.candidates[0].start, decision.candidates[0].end)
    assert len(decision.candidates) <= 5
    assert start >= case.now
    assert start >= case.now + req.min_notice
    if decision.shorter:
        assert req.allow_shorter is not None
        assert min(req.allow_shorter, req.duration) <= end - start < req.duration
    else:
        assert end - start == req.duration
    assert not any(a < end and start < b for a, b in _busy(req))
    probes = [start, end - dt.timedelta(microseconds=1)]
    t = start.replace(second=0, microsecond=0) + MIN
    while t < end:
        probes.append(t)
        t += MIN
    for p in probes:
        assert p.astimezone(req.manager.zone).date() == day
        assert _works(req.manager, p), f"manager not working at {p}"
        assert _works(req.rep, p), f"rep not working at {p}"


@settings(deadline=None, max_examples=250)
@given(cases())
def test_every_slot_is_valid_and_at_least_as_good_as_minute_by_minute_search(case: Case) -> None:
    decision = find_slot(case.req, now=case.now)
    assert_valid(case, decision)
    ref = reference(case)
    req = case.req
    if ref.best_distance is not None:
        assert decision.slot is not None
        assert not decision.shorter
        assert decision.candidates[0].distance <= ref.best_distance
    elif req.allow_shorter is not None and ref.longest >= req.allow_shorter / MIN:
        assert decision.slot is not None
        if decision.shorter:
            assert decision.slot[1] - decision.slot[0] >= ref.longest * MIN
    else:
        # Every boundary is minute-aligned, so nothing the reference misses can fit.
        assert decision.slot is None


@settings(deadline=None, max_examples=100)
@given(cases())
def test_same_input_gives_the_same_answer(case: Case) -> None:
    assert find_slot(case.req, now=case.now) == find_slot(case.req, now=case.now)


@settings(deadline=None, max_examples=100)
@given(cases())
def test_candidates_are_ranked_nearest_first_then_earliest(case: Case) -> None:
    decision = find_slot(case.req, now=case.now)
    ranked = decision.candidates
    if decision.shorter:
        keys = [(-(c.end - c.start), c.distance, c.start) for c in ranked]
    else:
        keys = [(dt.timedelta(0), c.distance, c.start) for c in ranked]
    assert keys == sorted(keys)
    assert all(c.shorter == decision.shorter for c in ranked)


@settings(deadline=None, max_examples=60)
@given(cases(), st.integers(1, 4))
def test_next_business_day_answers_are_valid_on_a_later_day(case: Case, max_days: int) -> None:
    decision = find_next_business_day(case.req, now=case.now, max_days=max_days)
    first = case.req.day or case.req.original_start.astimezone(case.req.manager.zone).date()
    assert first < decision.day <= first + dt.timedelta(days=max_days)
    if decision.slot is not None:
        assert decision.day not in case.req.holidays
        assert_valid(Case(replace(case.req, day=decision.day), case.now), decision)


@settings(deadline=None, max_examples=200)
@given(cases(), st.sampled_from((5, 15, 30, 60)))
def test_with_a_step_every_start_is_on_the_managers_clock_grid_and_none_is_missed(
    case: Case, step: int
) -> None:
    req = replace(case.req, step=step * MIN)
    decision = find_slot(req, now=case.now)
    assert_valid(Case(req, case.now), decision)
    for candidate in decision.candidates:
        wall = candidate.start.astimezone(req.manager.zone)
        assert (wall.minute % step, wall.second, wall.microsecond) == (0, 0, 0)
    ref = reference(Case(req, case.now), step)
    if ref.best_distance is not None:
        assert decision.slot is not None
        assert not decision.shorter
        assert decision.candidates[0].distance <= ref.best_distance
    elif req.allow_shorter is not None and ref.longest >= req.allow_shorter / MIN:
        assert decision.slot is not None
        assert decision.shorter
        assert decision.slot[1] - decision.slot[0] >= ref.longest * MIN
    else:
        assert decision.slot is None
