"""Bumps and their decisions, value in, value out: one manager's bumps are decided together,
her own 1:1s are busy time, a decline is a bump of the time declined, and a move never lands
on a time someone declined."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.actions import MoveOccurrence, Notice
from scheduler.bumps import Bump, Occurrence, detect
from scheduler.busy import BusyEvent, calendar_busy
from scheduler.model import RebookPolicy
from scheduler.moves import PastMove, answered_again, outcome, stale_declines
from scheduler.ports import Attendee, BusyAnswer, CalendarEvent
from scheduler.rebook import decide_all
from tests.core.builders import PRIYA, SAM, pair, person

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 New York
TUESDAY = dt.date(2026, 11, 24)
LEE = person("Lee Chen", "lee@example.com", "America/New_York")
NOOR = person("Noor Haddad", "noor@example.com", "America/New_York")


def at(hhmm: str, day: dt.date = TUESDAY) -> dt.datetime:
    hh, mm = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=NY).astimezone(dt.UTC)


def occurrence(
    series: str, start: str, *, original: str | None = None, minutes: int = 45, **extra: object
) -> Occurrence:
    begins = at(start)
    fields: dict[str, object] = {
        "series_id": series,
        "original_start": at(original or start),
        "start": begins,
        "end": begins + dt.timedelta(minutes=minutes),
        "cancelled": False,
        "instance_id": None,
        "etag": "",
        "rep_response": "accepted",
        "manager_response": "accepted",
    }
    fields.update(extra)
    return Occurrence(**fields)  # type: ignore[arg-type]


def own(occ: Occurrence) -> BusyEvent:
    """The manager's calendar showing this 1:1 of hers."""
    return BusyEvent(occ.start, occ.end, False, "1:1", (occ.series_id, occ.original_start))


def meeting(start: str, end: str, summary: str = "Offsite") -> BusyEvent:
    return BusyEvent(at(start), at(end), False, summary)


FREE = BusyAnswer()


def decide(bumps, busy, *, rep_busy=None, rep_events=None, history=None):
    return decide_all(
        bumps,
        busy=busy,
        rep_events=rep_events or {},
        rep_busy=rep_busy or {p.email: FREE for p in (SAM, PRIYA, LEE, NOOR)},
        history=history or {},
        now=NOW,
    )


def local(moment: dt.datetime) -> str:
    return moment.astimezone(NY).strftime("%H:%M")


SAM_NY = dataclasses.replace(SAM, timezone="America/New_York")
PRIYA_NY = dataclasses.replace(PRIYA, timezone="America/New_York")


def test_two_1on1s_bumped_by_one_offsite_move_to_distinct_free_times():
    a, b = occurrence("sam", "11:00"), occurrence("priya", "14:00")
    busy = [meeting("09:00", "16:00"), own(a), own(b)]
    found = detect(pair(SAM_NY), [a], busy, None, now=NOW) + detect(
        pair(PRIYA_NY), [b], busy, None, now=NOW
    )
    assert [x.kind for x in found if isinstance(x, Bump)] == ["conflict", "conflict"]
    moves = decide([x for x in found if isinstance(x, Bump)], busy)
    assert all(isinstance(m, MoveOccurrence) for m in moves)
    assert [(local(m.start), local(m.end)) for m in moves] == [
        ("16:00", "16:45"),
        ("16:45", "17:30"),
    ]


def test_a_move_never_lands_on_another_of_the_managers_own_1on1s():
    a = occurrence("sam", "13:00")
    other = occurrence("lee", "12:00")
    busy = [meeting("12:45", "14:00", "Board prep"), own(a), own(other)]
    [bump] = detect(pair(SAM_NY), [a], busy, None, now=NOW)
    [move] = decide([bump], busy)
    assert isinstance(move, MoveOccurrence)
    assert local(move.start) == "14:00"  # 12:00 ties and is earlier, but Lee has it


def test_two_of_her_own_1on1s_overlapping_move_one_and_the_other_stays():
    placed = occurrence("sam", "11:00", original="13:00", moves_by_us=1)  # moved here earlier
    theirs = occurrence("priya", "11:00")
    busy = [own(placed), own(theirs)]
    found = detect(pair(SAM_NY), [placed], busy, None, now=NOW) + detect(
        pair(PRIYA_NY), [theirs], busy, None, now=NOW
    )
    bumps = [x for x in found if isinstance(x, Bump)]
    assert len(bumps) == 2
    assert all(b.own for b in bumps)
    assert "another of Dana Whitfield's 1:1s overlaps it" in bumps[0].detail
    [move] = decide(bumps, busy)
    assert isinstance(move, MoveOccurrence)
    assert move.series_id == "sam"  # the one the service had put there moves
    assert local(move.start) not in ("11:00", "11:30")


def test_a_stale_decline_of_a_time_already_moved_from_is_not_a_bump():
    moved = occurrence("sam", "12:15", original="13:00", manager_response="declined")
    past = PastMove(
        at("12:15"), at("13:00"), at("13:00"), at("13:45"), "declined:dana@example.com", 1, NOW,
        still_declined=frozenset({"dana@example.com"}),
    )  # fmt: skip
    history = {("sam", at("13:00")): (past,)}
    assert detect(pair(SAM_NY), [moved], [own(moved)], None, now=NOW, history=history) == []
    # Without the record, the same answer reads as a decline of 12:15.
    [bump] = detect(pair(SAM_NY), [moved], [own(moved)], None, now=NOW)
    assert bump.kind == "declined"
    assert bump.by == "dana@example.com"


def test_a_decline_given_again_after_answering_the_moved_time_is_a_new_bump():
    past = PastMove(
        at("12:15"), at("13:00"), at("13:00"), at("13:45"), "declined:dana@example.com", 1, NOW,
        still_declined=frozenset({"dana@example.com"}),
    )  # fmt: skip
    assert stale_declines([past]) == {"dana@example.com"}
    assert answered_again([past], {"dana@example.com": "declined"}) == frozenset()
    assert answered_again([past], {"dana@example.com": "accepted"}) == {"dana@example.com"}


def test_a_declined_time_is_never_offered_again_for_that_occurrence():
    moved = occurrence("sam", "12:15", original="13:00")
    first = PastMove(
        at("12:15"), at("13:00"), at("13:00"), at("13:45"), "declined:sam@example.com", 1, NOW
    )
    history = {("sam", at("13:00")): (first,)}
    busy = [meeting("12:00", "12:50", "Call"), own(moved)]
    [bump] = detect(pair(SAM_NY), [moved], busy, None, now=NOW, history=history)
    [move] = decide([bump], busy, history=history)
    assert isinstance(move, MoveOccurrence)
    assert not (move.start < at("13:45") and move.end > at("13:00"))
    assert local(move.start) == "13:45"


def test_a_rep_whose_calendar_google_will_not_show_is_moved_within_their_working_hours():
    occ = occurrence("sam", "13:00")
    busy = [meeting("12:45", "14:00", "Board prep"), own(occ)]
    [bump] = detect(pair(SAM), [occ], busy, None, now=NOW)
    hidden = {SAM.email: BusyAnswer(error="notFound")}
    [move] = decide([bump], busy, rep_busy=hidden)
    assert isinstance(move, MoveOccurrence)
    # Only Dana's calendar and Sam's working hours (09:00 in Los Angeles is 12:00 here) count.
    assert local(move.start) == "12:00"
    assert "cannot be seen" in move.reason


def test_notify_only_leaves_a_rep_google_will_not_show_and_tells_the_manager():
    occ = occurrence("sam", "13:00")
    strict = dataclasses.replace(pair(SAM), rebook=RebookPolicy(unknown_rep_busy="notify_only"))
    busy = [meeting("12:45", "14:00"), own(occ)]
    [bump] = detect(strict, [occ], busy, None, now=NOW)
    [notice] = decide([bump], busy, rep_busy={SAM.email: BusyAnswer(error="notFound")})
    assert isinstance(notice, Notice)
    assert "rebook.unknown_rep_busy" in notice.reason


def test_a_meeting_on_the_reps_own_calendar_bumps_it_without_naming_it():
    occ = occurrence("sam", "13:00")
    theirs = [BusyEvent(at("12:30"), at("13:30"), False, "Dentist")]
    [bump] = detect(pair(SAM_NY), [occ], [own(occ)], theirs, now=NOW)
    assert bump.kind == "conflict"
    assert "Dentist" not in bump.detail
    [move] = decide([bump], [own(occ)], rep_events={"sam@example.com": theirs})
    assert isinstance(move, MoveOccurrence)
    assert local(move.start) == "13:45"


def test_the_reps_copy_of_the_1on1_is_never_their_conflict():
    series = CalendarEvent(
        id="sam",
        start=at("13:00"),
        end=at("13:45"),
        timezone="America/New_York",
        recurrence=("RRULE:FREQ=WEEKLY;BYDAY=TU",),
        attendees=(Attendee("sam@example.com", "accepted"),),
    )
    call = CalendarEvent(id="call", start=at("13:30"), end=at("14:00"))
    busy = calendar_busy(
        [series, call], owner="sam@example.com", skip={"sam"}, time_min=NOW,
        time_max=NOW + dt.timedelta(days=3), tz="America/New_York",
    )  # fmt: skip
    assert [(local(b.start), local(b.end)) for b in busy] == [("13:30", "14:00")]


@pytest.mark.parametrize(
    ("where", "cancelled", "cause", "expected"),
    [
        pytest.param(("12:15", "13:00"), False, "conflict", "done", id="at-the-target"),
        pytest.param(("13:00", "13:45"), False, "conflict", "never", id="still-where-it-was"),
        pytest.param(("15:00", "15:45"), False, "conflict", "elsewhere", id="a-person-moved-it"),
        pytest.param(("13:00", "13:45"), True, "deleted", "never", id="restore-never-sent"),
    ],
)
def test_an_open_intent_is_settled_from_where_the_occurrence_is(where, cancelled, cause, expected):
    intent = PastMove(at("12:15"), at("13:00"), at("13:00"), at("13:45"), cause, 1, NOW, False)
    assert outcome(intent, at(where[0]), at(where[1]), cancelled=cancelled) == expected


@settings(max_examples=60, deadline=None)
@given(
    starts=st.lists(st.integers(min_value=0, max_value=30), min_size=2, max_size=4),
    block=st.tuples(st.integers(min_value=0, max_value=20), st.integers(min_value=2, max_value=14)),
)
def test_decisions_of_one_pass_never_overlap_each_other_or_her_calendar(starts, block):
    """Any number of her 1:1s bumped at once: every move lands on a time free of the others."""
    reps = (SAM_NY, PRIYA_NY, LEE, NOOR)
    base = at("09:00")
    occs = []
    for i, (rep, k) in enumerate(zip(reps, starts, strict=False)):
        begins = base + dt.timedelta(minutes=15 * k)
        placed = dataclasses.replace(
            occurrence(f"s{i}", "09:00"),
            original_start=begins,
            start=begins,
            end=begins + dt.timedelta(minutes=45),
        )
        occs.append((rep, placed))
    lo = base + dt.timedelta(minutes=15 * block[0])
    offsite = BusyEvent(lo, lo + dt.timedelta(minutes=30 * block[1]), False, "Offsite")
    busy = [offsite, *(own(o) for _, o in occs)]
    bumps = [
        b
        for rep, o in occs
        for b in detect(pair(rep), [o], busy, None, now=NOW)
        if isinstance(b, Bump)
    ]
    moves = [m for m in decide(bumps, busy) if isinstance(m, MoveOccurrence)]
    moved = {m.series_id: (m.start, m.end) for m in moves}
    final = [moved.get(o.series_id, (o.start, o.end)) for _, o in occs]
    for m in moves:
        assert not (m.start < offsite.end and m.end > offsite.start)
    for i, a in enumerate(final):
        for b in final[i + 1 :]:
            if a in moved.values() or b in moved.values():
                assert not (a[0] < b[1] and b[0] < a[1]), (a, b)
