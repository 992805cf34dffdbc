"""The follow-up decision table: an ended 1:1, its notes and what was queued, in; the recap, a
reminder or nothing (and when to look again), out. Plain values, no I/O."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from scheduler.actions import SendRecap, SendReminder
from scheduler.bumps import Occurrence
from scheduler.followups import plan_followups
from scheduler.keys import recap_key, reminder_key
from scheduler.notes import EMPTY_NOTES
from tests.core.builders import pair

START = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
END = START + dt.timedelta(minutes=45)
OCC = Occurrence("s1", START, START, END, False, None, "", "accepted", "accepted")
NOTES = dataclasses.replace(EMPTY_NOTES, summary="Acme is close.", empty=False)
H = dt.timedelta(hours=1)


def plan(now: dt.datetime, *, notes: bool = False, sent: frozenset[str] = frozenset(), occ=OCC):
    written = {(occ.series_id, occ.original_start): NOTES} if notes else {}
    return plan_followups(pair(), [occ], notes=written, sent=sent, now=now)


@pytest.mark.parametrize(
    ("now", "notes", "sent", "verb", "wake"),
    [
        pytest.param(END + H / 6, True, frozenset(), None, END + H / 2, id="notes-settling"),
        pytest.param(END + H, True, frozenset(), "send-recap", None, id="notes-settled"),
        pytest.param(END + H, False, frozenset(), None, END + 4 * H, id="no-notes-yet"),
        pytest.param(END + 4 * H, False, frozenset(), "send-reminder", None, id="first-reminder"),
        pytest.param(
            END + 5 * H, False, {reminder_key("s1", START, 1)}, None, END + 24 * H, id="reminded"
        ),
        pytest.param(END + 47 * H, False, frozenset(), "send-recap", None, id="deadline-partial"),
        pytest.param(END + 2 * H, True, {recap_key("s1", START)}, None, None, id="recap-sent"),
    ],
)
def test_an_ended_1on1_gets_what_its_notes_and_the_keys_sent_call_for(
    now: dt.datetime, notes: bool, sent: frozenset[str], verb: str | None, wake
) -> None:
    actions, next_wake = plan(now, notes=notes, sent=frozenset(sent))
    assert [a.verb for a in actions] == ([verb] if verb else [])
    assert next_wake == wake


def test_a_recap_at_the_deadline_without_notes_is_partial_and_one_past_it_is_late() -> None:
    [at_deadline], _ = plan(END + 47 * H)
    assert isinstance(at_deadline, SendRecap)
    assert at_deadline.partial
    [late], _ = plan(END + 60 * H)
    assert isinstance(late, SendRecap)
    assert late.late
    assert "late" in late.reason


def test_a_declined_1on1_that_nobody_moved_owes_nothing() -> None:
    declined = dataclasses.replace(OCC, rep_response="declined")
    assert plan(END + 47 * H, occ=declined) == ([], None)


def test_the_first_reminder_is_number_one() -> None:
    [reminder], _ = plan(END + 4 * H)
    assert isinstance(reminder, SendReminder)
    assert reminder.number == 1
