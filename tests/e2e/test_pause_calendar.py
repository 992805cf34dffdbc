"""A pause on both calendars: its occurrences are cancelled one by one (never the series), the
rep hears once (the pause note, with an iCalendar CANCEL for a calendar outside Google), and
they come back at their time when the pause is shortened; the service's own cancellation is
never taken for a bump. ``check``, ``status`` and the ledger say "paused"."""

from __future__ import annotations

import datetime as dt

import icalendar

from integrations.sandbox import SandboxAdmin
from integrations.state.ledger_store import LedgerStore
from integrations.state.status_read import read_status
from integrations.state.store import Store
from integrations.views.check_view import print_check
from integrations.views.status import status_text
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
from tests.inbox import inbox, summary

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday; the pause is 8 days away
LO, HI = "2026-11-23T00:00:00+00:00", "2027-01-05T00:00:00+00:00"


def rep_line(email: str, until: str = "2026-12-14") -> str:
    return (
        f'      - {{name: Sam Ortiz, email: {email}, day: tuesday, time: "13:00", '
        "timezone: America/New_York, "
        f"pause: {{from: 2026-12-01, until: {until}, reason: parental leave}}}}"
    )


def verbs(report) -> list[str]:
    return [o.action.verb for o in report.outcomes]


def test_a_pause_cancels_its_occurrences_on_both_calendars_and_the_rep_gets_one_note(
    env: Env, admin: SandboxAdmin, rep: str
) -> None:
    config = env.config(rep_line(rep))
    report = env.run(config, NOW)
    assert verbs(report).count("pause-occurrence") == 2  # Tue 1 and Tue 8 Dec, at once
    for minutes in (1, 2, 3):
        admin.reset_counts()
        assert env.run(config, NOW + dt.timedelta(minutes=minutes)).outcomes == []
        assert admin.counts()["writes"] == 0
    shown = calendar_of(admin, "dana@example.com", rep, LO, HI)
    assert days(shown)[:3] == ["24 Nov 13:00", "15 Dec 13:00", "22 Dec 13:00"]
    assert reps_calendar(env, admin, rep, LO, HI) == shown
    master = admin.get_event("dana@example.com", series_id("dana@example.com", rep, 0))
    assert master["status"] == "confirmed"  # the series goes on
    received = inbox_of(env, admin, rep)
    assert summary(received) == ["oneonone:note", "google:invitation"]
    [part] = calendar_view.calendar_parts(received[0])
    cancelled = icalendar.Calendar.from_ical(part)
    assert str(cancelled["method"]) == "CANCEL"
    assert [e.decoded("recurrence-id").astimezone(NY).day for e in cancelled.walk("VEVENT")] == [
        1,
        8,
    ]


def test_shortening_a_pause_brings_back_what_it_no_longer_covers_and_nothing_is_rebooked(
    env: Env, admin: SandboxAdmin, rep: str
) -> None:
    env.run(env.config(rep_line(rep)), NOW)
    shorter = env.config(rep_line(rep, until="2026-12-03"))
    report = env.run(shorter, NOW + dt.timedelta(hours=1))
    # Tue 8 Dec comes back; the rep gets the note of the pause as it is now (it names the day
    # the 1:1s resume) and Google's invitation to the occurrence that is back.
    assert verbs(report) == ["restore-occurrence", "send-pause-note"]
    for hours in (2, 3, 4):
        later = env.run(shorter, NOW + dt.timedelta(hours=hours))
        assert "move-occurrence" not in verbs(later)
        assert "restore-occurrence" not in verbs(later)
    shown = calendar_of(admin, "dana@example.com", rep, LO, HI)
    assert days(shown)[:3] == ["24 Nov 13:00", "08 Dec 13:00", "15 Dec 13:00"]
    assert reps_calendar(env, admin, rep, LO, HI) == shown
    received = inbox_of(env, admin, rep)
    assert "oneonone:move" not in summary(received)
    restored = [m for m in received if m.source == "google" and m.event.get("recurringEventId")]
    assert [m.kind for m in restored] == ["invitation"]  # Google's word for the one back


def test_a_restore_that_fails_is_not_taken_for_a_deleted_occurrence_and_is_tried_again(
    env: Env, admin: SandboxAdmin
) -> None:
    env.run(env.config(rep_line(GOOGLE_REP)), NOW)
    lifted = env.config(
        '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
        "timezone: America/New_York}"
    )
    admin.add_fault(method="calendar.events.patch", status=400, reason="badRequest", times=1)
    report = env.run(lifted, NOW + dt.timedelta(hours=1))
    assert [(o.action.verb, o.result) for o in report.outcomes] == [
        ("restore-occurrence", "failed"),  # Tue 1 Dec: Google refused it this time
        ("restore-occurrence", "done"),  # Tue 8 Dec
    ]  # and no move: the service's own cancellation of 1 Dec is no bump
    report = env.run(lifted, NOW + dt.timedelta(hours=2))
    assert verbs(report) == ["restore-occurrence"]
    assert days(calendar_of(admin, "dana@example.com", GOOGLE_REP, LO, HI))[:3] == [
        "24 Nov 13:00",
        "01 Dec 13:00",
        "08 Dec 13:00",
    ]
    assert "oneonone:move" not in summary(inbox(GOOGLE_REP, outbox=env.tmp / "outbox"))


def test_check_status_and_the_ledger_say_paused(env: Env, admin: SandboxAdmin) -> None:
    config = env.config(rep_line(GOOGLE_REP))
    env.run(config, NOW)
    after = dt.datetime(2026, 12, 10, 15, 0, tzinfo=dt.UTC)
    env.run(config, after)
    text = status_text(read_status(config, now=NOW + dt.timedelta(hours=1)))
    assert "    no 1:1 on: Tue 01 Dec 13:00 EST (paused: parental leave)" in text
    store = Store(env.tmp / "state.db")
    try:
        states = {
            e.original_start.astimezone(NY).day: (e.state, e.reason)
            for e in LedgerStore(store).entries()
        }
    finally:
        store.close()
    assert states[1] == ("skipped", "paused: parental leave")
    assert states[8] == ("skipped", "paused: parental leave")
    lines: list[str] = []
    print_check(config, now=NOW, out=lines.append)  # what `oneonone check` prints
    assert [line.endswith("— paused (parental leave)") for line in lines if "next: " in line] == [
        False,  # Tue 24 Nov
        True,  # Tue 1 Dec
        True,  # Tue 8 Dec
    ]
