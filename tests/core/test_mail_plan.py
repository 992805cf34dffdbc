"""The emails of a manager's pairs decided from one observation: the outbox keys in the
window and the notes files of the 1:1s that ended are values in, nothing is looked up."""

from __future__ import annotations

import dataclasses
import datetime as dt

from scheduler.actions import Action, SendPauseNote, SendPrep, SendRecap, SendReminder
from scheduler.agenda import NOTES_MARKER
from scheduler.keys import prep_key, recap_key, reminder_key
from scheduler.mail_plan import key_ranges, notes_wanted, plan_mail
from scheduler.model import Pause
from scheduler.private_notes import PRIVATE_MARKER
from scheduler.series import new_series
from tests.core.builders import event_for, pair

CREATED = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)  # a Friday
MONDAY_PREP = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
START = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)  # Tuesday 13:00 New York
AFTER = START + dt.timedelta(minutes=45, hours=1)  # ended, and the notes have settled
PAIR = pair(day=1, time="13:00")
EVENTS = [event_for(new_series(PAIR, 0, now=CREATED, after=None))]
SERIES = EVENTS[0].id


def plan(now: dt.datetime, *, queued=frozenset(), notes=None, p=PAIR) -> list[Action]:
    actions, _ = plan_mail(
        [p], EVENTS, {}, paused=set(), queued=queued, notes_files=notes or {}, now=now
    )
    return actions


def test_an_ended_1on1_is_recapped_from_its_notes_file_as_observed() -> None:
    [wanted] = notes_wanted([PAIR], EVENTS, {}, now=AFTER)
    assert wanted.key == (SERIES, START)
    [recap] = plan(AFTER, notes={wanted.key: f"{NOTES_MARKER}\nAcme is close.\n"})
    assert isinstance(recap, SendRecap)
    assert recap.reason == "notes are in and settled"
    assert plan(AFTER) == []  # no notes yet: the manager is reminded later


def test_a_notes_file_with_only_private_lines_is_no_notes_for_the_recap() -> None:
    text = f"{NOTES_MARKER}\n\n{PRIVATE_MARKER}\nSam seemed tired.\n"
    assert plan(AFTER, notes={(SERIES, START): text}) == []


def test_what_the_outbox_holds_already_is_not_planned_again() -> None:
    both = plan(MONDAY_PREP)
    assert sorted(a.verb for a in both) == ["send-prep", "send-prep", "write-agenda"]
    left = plan(MONDAY_PREP, queued={prep_key(SERIES, START, "rep")})
    assert sorted(a.verb for a in left) == ["send-prep", "write-agenda"]
    assert plan(AFTER + dt.timedelta(hours=3), queued={recap_key(SERIES, START)}) == []


def test_every_key_the_planners_check_lies_in_the_ranges_observed() -> None:
    """A key outside the ranges would be missed by the one outbox query: its email would go
    twice. Every email planned over three weeks, on a pair with a pause, is checked."""
    paused = dataclasses.replace(PAIR, pauses=(Pause(dt.date(2026, 12, 8), dt.date(2026, 12, 9)),))
    seen = 0
    for hour in range(0, 21 * 24, 5):
        now = CREATED + dt.timedelta(hours=hour)
        ranges = key_ranges([paused], EVENTS, now=now)
        for action in plan(now, p=paused):
            key = _key(action)
            if key is not None:
                seen += 1
                assert any(lo <= key < hi for lo, hi in ranges), (now, key)
    assert seen > 10


def _key(action: Action) -> str | None:
    if isinstance(action, SendPrep):
        return prep_key(action.series_id, action.original_start, action.recipient)
    if isinstance(action, SendRecap):
        return recap_key(action.series_id, action.original_start)
    if isinstance(action, SendReminder):
        return reminder_key(action.series_id, action.original_start, action.number)
    if isinstance(action, SendPauseNote):
        return action.key
    return None
