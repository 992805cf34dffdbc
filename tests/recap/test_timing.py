"""When a recap, a reminder or a partial recap goes out, whatever the service went through."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.model import RecapPolicy
from scheduler.recap import RecapState, RecapStep, recap_due, reminder_times

END = dt.datetime(2026, 11, 24, 18, 45, tzinfo=dt.UTC)
POLICY = RecapPolicy()
MIN = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def at(delta: dt.timedelta) -> dt.datetime:
    return END + delta


def due(
    now: dt.timedelta,
    *,
    notes: bool,
    reminders: int = 0,
    sent: bool = False,
    policy: RecapPolicy = POLICY,
    happened: bool = True,
) -> RecapStep:
    return recap_due(
        end=END,
        policy=policy,
        has_notes=notes,
        reminders_sent=reminders,
        recap_sent=sent,
        now=at(now),
        happened=happened,
    )


@pytest.mark.parametrize(
    ("now", "notes", "reminders", "sent", "expected"),
    [
        pytest.param(-10 * MIN, True, 0, False, RecapStep("wait", at(30 * MIN)), id="notes-during"),
        pytest.param(10 * MIN, True, 0, False, RecapStep("wait", at(30 * MIN)), id="notes-at-10m"),
        pytest.param(30 * MIN, True, 0, False, RecapStep("send_recap", at(30 * MIN)), id="settled"),
        pytest.param(
            5 * HOUR, True, 1, False, RecapStep("send_recap", at(30 * MIN)), id="notes-after-remind"
        ),
        pytest.param(1 * HOUR, False, 0, False, RecapStep("wait", at(4 * HOUR)), id="no-notes-1h"),
        pytest.param(
            4 * HOUR, False, 0, False, RecapStep("remind", at(4 * HOUR), reminder=1), id="remind-4h"
        ),
        pytest.param(5 * HOUR, False, 1, False, RecapStep("wait", at(24 * HOUR)), id="reminded"),
        pytest.param(
            24 * HOUR, False, 1, False, RecapStep("remind", at(24 * HOUR), reminder=2), id="24h"
        ),
        pytest.param(
            30 * HOUR,
            False,
            0,
            False,
            RecapStep("remind", at(24 * HOUR), reminder=2),
            id="one-not-two",
        ),
        pytest.param(25 * HOUR, False, 2, False, RecapStep("wait", at(46 * HOUR)), id="both-sent"),
        pytest.param(
            46 * HOUR, False, 2, False, RecapStep("send_partial", at(46 * HOUR)), id="partial"
        ),
        pytest.param(
            47 * HOUR, False, 0, False, RecapStep("send_partial", at(46 * HOUR)), id="partial-first"
        ),
        pytest.param(
            50 * HOUR, True, 0, False, RecapStep("send_recap", at(50 * HOUR), late=True), id="late"
        ),
        pytest.param(
            48 * HOUR,
            False,
            0,
            False,
            RecapStep("send_partial", at(48 * HOUR), late=True),
            id="late-no-notes",
        ),
        pytest.param(3 * HOUR, True, 0, True, RecapStep("done", None), id="done-after-sent"),
        pytest.param(90 * HOUR, False, 0, True, RecapStep("done", None), id="done-long-after"),
    ],
)
def test_the_recap_decision_table(now, notes, reminders, sent, expected) -> None:
    assert due(now, notes=notes, reminders=reminders, sent=sent) == expected


def test_an_occurrence_that_did_not_happen_gets_no_recap() -> None:
    assert due(50 * HOUR, notes=False, happened=False).kind == "done"


def test_a_moved_occurrence_counts_from_its_new_end() -> None:
    new_end = END + 3 * HOUR
    step = recap_due(
        end=new_end,
        policy=POLICY,
        has_notes=True,
        reminders_sent=0,
        recap_sent=False,
        now=END + 31 * MIN,
    )
    assert step == RecapStep("wait", new_end + 30 * MIN)


def test_a_short_deadline_keeps_only_the_reminders_before_the_partial_recap() -> None:
    policy = RecapPolicy(deadline=dt.timedelta(hours=8), remind_manager_after=dt.timedelta(hours=4))
    assert reminder_times(END, policy) == (at(4 * HOUR),)
    assert due(7 * HOUR, notes=False, reminders=1, policy=policy).kind == "send_partial"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        recap_due(
            end=END.replace(tzinfo=None),
            policy=POLICY,
            has_notes=True,
            reminders_sent=0,
            recap_sent=False,
            now=END,
        )


def test_state_records_reminders_and_sending() -> None:
    state = RecapState()
    state = state.after(RecapStep("remind", at(24 * HOUR), reminder=2))
    assert state == RecapState(reminders_sent=2)
    state = state.after(RecapStep("send_partial", at(49 * HOUR), late=True))
    assert state == RecapState(sent=True, reminders_sent=2, late=True, partial=True)


@given(
    checks=st.lists(st.integers(min_value=0, max_value=60 * 60), min_size=1, max_size=40),
    notes_from=st.one_of(st.none(), st.integers(min_value=0, max_value=60 * 60)),
)
def test_exactly_one_recap_by_the_deadline_and_at_most_two_reminders(checks, notes_from) -> None:
    """However irregularly the service wakes up, the recap goes once, and on time if it can."""
    state = RecapState()
    reminders = 0
    sent_at: list[dt.datetime] = []
    for minute in sorted(checks):
        now = at(dt.timedelta(minutes=minute))
        has_notes = notes_from is not None and minute >= notes_from
        step = recap_due(
            end=END,
            policy=POLICY,
            has_notes=has_notes,
            reminders_sent=state.reminders_sent,
            recap_sent=state.sent,
            now=now,
        )
        if step.kind == "remind":
            reminders += 1
        if step.kind in ("send_recap", "send_partial"):
            sent_at.append(now)
            assert step.late == (now >= END + POLICY.deadline)
        if step.kind == "wait":
            assert step.at is not None
            assert step.at > now
        state = state.after(step)
    assert len(sent_at) <= 1
    assert reminders <= 2
    if max(checks) >= 48 * 60:
        assert len(sent_at) == 1
