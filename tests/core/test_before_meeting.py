"""Before the meeting, decided from plain values: a pause is announced to the rep once, its
occurrences get no prep, and an email already queued is not planned again."""

from __future__ import annotations

import dataclasses
import datetime as dt

from scheduler.actions import SendPauseNote, SendPrep
from scheduler.before_meeting import plan_before, send_once_key, unsent
from scheduler.model import Pause
from scheduler.series import new_series, owned_series
from tests.core.builders import event_for, pair

CREATED = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)  # a Friday
MONDAY_PREP = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York


def planned(p, now):
    spec = new_series(p, 0, now=CREATED, after=None)
    history = owned_series([event_for(spec)])[p.rep.email.lower()]
    return plan_before(p, history, {}, {}, paused=set(), now=now)


def test_the_next_1on1_gets_its_agenda_and_a_prep_to_each_side() -> None:
    actions, _ = planned(pair(day=1, time="13:00"), MONDAY_PREP)
    assert sorted(a.verb for a in actions) == ["send-prep", "send-prep", "write-agenda"]


def test_a_paused_1on1_gets_no_prep_and_the_rep_one_note_naming_the_1on1_after() -> None:
    p = dataclasses.replace(
        pair(day=1, time="13:00"), pauses=(Pause(dt.date(2026, 11, 24), dt.date(2026, 11, 30)),)
    )
    actions, _ = planned(p, MONDAY_PREP)
    [note] = actions
    assert isinstance(note, SendPauseNote)
    assert note.next_meeting is not None
    assert note.next_meeting.date() == dt.date(2026, 12, 1)


def test_an_email_already_queued_is_left_out_and_the_agenda_stays() -> None:
    actions, _ = planned(pair(day=1, time="13:00"), MONDAY_PREP)
    preps = [a for a in actions if isinstance(a, SendPrep)]
    sent = {send_once_key(preps[0])}
    left = unsent(actions, {k for k in sent if k is not None})
    assert sorted(a.verb for a in left) == ["send-prep", "write-agenda"]
    assert preps[0] not in left
