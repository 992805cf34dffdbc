"""Skipping one meeting: ``skip`` on a rep cancels that one occurrence as a single instance (a
one-day pause, through the pause machinery), the rep gets one short note, nothing is prepared
or recapped for it, the ledger says "skipped", it is never taken for a bump, and removing the
date before the meeting brings it back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from integrations.sandbox import SandboxAdmin
from integrations.state.ledger_store import LedgerStore
from integrations.state.status_read import read_status
from integrations.state.store import Store
from integrations.views.check_view import print_check
from integrations.views.status import status_text
from scheduler.config import parse_config
from scheduler.errors import ConfigError
from scheduler.series import series_id
from tests import calendar_view
from tests.e2e.conftest import Env
from tests.e2e.either_rep import (  # the "rep" fixture runs each test for both kinds of rep
    GOOGLE_REP,
    NY,
    calendar_of,
    days,
    either_rep,  # noqa: F401
    inbox_of,
    reps_calendar,
)
from tests.inbox import summary

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday; the skipped 1:1 is 8 days away
LO, HI = "2026-11-23T00:00:00+00:00", "2026-12-20T00:00:00+00:00"


def rep_line(email: str, skip: str = "[{date: 2026-12-01, reason: customer visit}]") -> str:
    return (
        f'      - {{name: Sam Ortiz, email: {email}, day: tuesday, time: "13:00", '
        f"timezone: America/New_York, skip: {skip}}}"
    )


def verbs(report) -> list[str]:
    return [o.action.verb for o in report.outcomes]


def test_a_skipped_1_1_is_cancelled_alone_and_the_rep_gets_one_short_note(
    env: Env, admin: SandboxAdmin, rep: str
) -> None:
    config = env.config(rep_line(rep))
    report = env.run(config, NOW)
    assert verbs(report).count("pause-occurrence") == 1
    for minutes in (1, 2, 3):
        admin.reset_counts()
        assert env.run(config, NOW + dt.timedelta(minutes=minutes)).outcomes == []
        assert admin.counts()["writes"] == 0
    shown = calendar_of(admin, "dana@example.com", rep, LO, HI)
    assert days(shown)[:3] == ["24 Nov 13:00", "08 Dec 13:00", "15 Dec 13:00"]
    assert reps_calendar(env, admin, rep, LO, HI) == shown
    master = admin.get_event("dana@example.com", series_id("dana@example.com", rep, 0))
    assert master["status"] == "confirmed"  # the series goes on
    received = inbox_of(env, admin, rep)
    assert summary(received) == ["oneonone:note", "google:invitation"]
    note = received[0]
    assert note.subject == "No 1:1 on Tue 1 Dec 2026 (customer visit)"
    assert "there is no 1:1 between Dana Whitfield and Sam Ortiz on Tue 1 Dec 2026" in note.text
    assert "The next one is Tue 8 Dec" in note.text
    assert "paused" not in note.text
    [part] = calendar_view.calendar_parts(note)
    cancelled = icalendar.Calendar.from_ical(part)
    assert str(cancelled["method"]) == "CANCEL"
    assert [e.decoded("recurrence-id").astimezone(NY).day for e in cancelled.walk("VEVENT")] == [1]


def test_a_skipped_1_1_is_never_a_bump_never_prepared_or_recapped_and_the_ledger_says_skipped(
    env: Env, admin: SandboxAdmin
) -> None:
    config = env.config(rep_line(GOOGLE_REP))
    env.run(config, NOW)
    admin.insert_event(
        "dana@example.com",
        {
            "summary": "Board prep",
            "start": {"dateTime": "2026-12-01T12:00:00-05:00"},
            "end": {"dateTime": "2026-12-01T15:00:00-05:00"},
        },
    )
    prep_time = dt.datetime(2026, 11, 30, 18, 5, tzinfo=dt.UTC)  # the day before the 1 Dec 1:1
    report = env.run(config, prep_time)
    assert "move-occurrence" not in verbs(report)
    assert "send-prep" not in verbs(report)
    later = env.run(config, dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC))
    assert "send-recap" not in verbs(later) or all(
        o.action.start.astimezone(NY).day == 24
        for o in later.outcomes
        if o.action.verb == "send-recap"
    )
    received = inbox_of(env, admin, GOOGLE_REP)
    subjects = [m.subject for m in received if m.source == "oneonone"]
    assert not [s for s in subjects if "1 Dec" in s and not s.startswith("No 1:1")]
    assert "oneonone:move" not in summary(received)
    store = Store(env.tmp / "state.db")
    try:
        states = {
            e.original_start.astimezone(NY).day: (e.state, e.reason)
            for e in LedgerStore(store).entries()
        }
    finally:
        store.close()
    assert states[1] == ("skipped", "skipped by the manager: customer visit")


def test_removing_the_date_before_the_meeting_brings_it_back_and_nothing_is_rebooked(
    env: Env, admin: SandboxAdmin, rep: str
) -> None:
    env.run(env.config(rep_line(rep)), NOW)
    back = env.config(rep_line(rep, skip="[]"))
    report = env.run(back, NOW + dt.timedelta(hours=1))
    assert verbs(report) == ["restore-occurrence"]
    for hours in (2, 3, 4):
        later = verbs(env.run(back, NOW + dt.timedelta(hours=hours)))
        assert "move-occurrence" not in later
        assert "restore-occurrence" not in later
    shown = calendar_of(admin, "dana@example.com", rep, LO, HI)
    assert days(shown)[:3] == ["24 Nov 13:00", "01 Dec 13:00", "08 Dec 13:00"]
    assert reps_calendar(env, admin, rep, LO, HI) == shown
    received = inbox_of(env, admin, rep)
    assert "oneonone:move" not in summary(received)
    restored = [m for m in received if m.source == "google" and m.event.get("recurringEventId")]
    assert [m.kind for m in restored] == ["invitation"]


def test_check_and_status_name_the_skipped_1_1(env: Env) -> None:
    config = env.config(rep_line(GOOGLE_REP))
    env.run(config, NOW)
    lines: list[str] = []
    print_check(config, now=NOW, out=lines.append)
    marks = [line for line in lines if "next: " in line]
    assert marks[1] == "    next: Tue 01 Dec 2026 13:00 EST — skipped (customer visit)"
    text = status_text(read_status(config, now=NOW))
    assert "    no 1:1 on: Tue 01 Dec 13:00 EST (skipped: customer visit)" in text


def test_a_skip_on_a_day_without_a_1_1_warns_and_a_date_written_twice_is_an_error() -> None:
    head = (
        "timezone: America/New_York\nmanagers:\n  - name: Dana\n    email: dana@example.com\n"
        "    reps:\n"
    )
    wrong_day = head + (
        '      - {name: Sam, email: sam@example.com, day: tuesday, time: "13:00", '
        "skip: [2026-12-02]}\n"
    )
    config = parse_config(wrong_day, filename="team.yaml", base_dir=Path("/srv"))
    assert config.warnings == (
        "team.yaml:6: managers[0].reps[0].skip[0]: 2026-12-02 is a wednesday: no 1:1 with Sam "
        "falls on it (they are on tuesdays), nothing to skip",
    )
    twice = head + (
        '      - {name: Sam, email: sam@example.com, day: tuesday, time: "13:00", '
        "skip: [2026-12-01, {date: 2026-12-01, reason: x}]}\n"
    )
    with pytest.raises(ConfigError) as caught:
        parse_config(twice, filename="team.yaml", base_dir=Path("/srv"))
    assert [(p.path, p.message) for p in caught.value.problems] == [
        (
            "managers[0].reps[0].skip[1]",
            "2026-12-01 is already skipped (managers[0].reps[0].skip[0])",
        )
    ]
