"""What Google itself emails the rep because of the service's writes, next to the service's own
mail: the rep's whole inbox holds each piece of news once, and a rep whose calendar is not
Google's ends up with the same 1:1s as the manager's calendar shows.

``sendUpdates`` per write (events reference): an invitation when a series is created, nothing
for the agenda and other bookkeeping, the service's own notice (with an iCalendar REQUEST) for a
move, Google's update when a series ends with nothing after it, and for a schedule change only
the new series' invitation (plus the old one's update to a rep outside Google).
"""

from __future__ import annotations

import datetime as dt

import icalendar

from integrations.sandbox import SandboxAdmin
from scheduler.series import series_id
from tests import calendar_view
from tests.e2e.conftest import Env
from tests.e2e.either_rep import (  # the "rep" fixture runs each test for both kinds of rep
    NY,
    OUTSIDE_REP,
    calendar_of,
    either_rep,  # noqa: F401
    inbox_of,
    reps_calendar,
)
from tests.inbox import summary

WEDNESDAY = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)
MONDAY = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # the Tuesday 1:1 prep is due
TUESDAY = dt.date(2026, 11, 24)


def rep_line(email: str, time: str = "13:00") -> str:
    return (
        f'      - {{name: Sam Ortiz, email: {email}, day: tuesday, time: "{time}", '
        "timezone: America/New_York}"
    )


def test_the_weekly_agenda_reaches_the_rep_as_the_prep_alone_with_no_google_update(
    env: Env, admin: SandboxAdmin, rep: str
) -> None:
    config = env.config(rep_line(rep))
    env.run(config, WEDNESDAY)
    report = env.run(config, MONDAY)
    assert "write-agenda" in [o.action.verb for o in report.outcomes]
    instance = admin.instances(
        "dana@example.com",
        series_id("dana@example.com", rep, 0),
        "2026-11-24T00:00:00Z",
        "2026-11-25T00:00:00Z",
    )[0]
    assert "--- Notes" in instance["description"]  # the agenda is in the event
    assert summary(inbox_of(env, admin, rep)) == ["oneonone:prep", "google:invitation"]


def test_a_move_reaches_the_rep_as_one_notice_and_every_calendar_shows_the_new_time(
    env: Env, admin: SandboxAdmin, rep: str
) -> None:
    config = env.config(rep_line(rep))
    env.run(config, MONDAY)
    admin.insert_event(
        "dana@example.com",
        {
            "summary": "Board prep",
            "start": {"dateTime": dt.datetime.combine(TUESDAY, dt.time(12, 45), NY).isoformat()},
            "end": {"dateTime": dt.datetime.combine(TUESDAY, dt.time(14, 0), NY).isoformat()},
        },
    )
    report = env.run(config, MONDAY + dt.timedelta(minutes=2))
    assert "move-occurrence" in [o.action.verb for o in report.outcomes]
    for later in (5, 10):
        env.run(config, MONDAY + dt.timedelta(minutes=later))
    messages = inbox_of(env, admin, rep)
    assert summary(messages) == ["oneonone:prep", "oneonone:move", "google:invitation"]
    [notice] = [m for m in messages if m.kind == "move"]
    [part] = calendar_view.calendar_parts(notice)
    assert notice.message is not None
    assert 'method="REQUEST"' in str(notice.message.get_body(("calendar",))["Content-Type"])
    vevent = next(iter(icalendar.Calendar.from_ical(part).walk("VEVENT")))
    original = dt.datetime.combine(TUESDAY, dt.time(13, 0), NY)
    assert vevent.decoded("recurrence-id") == original
    lo, hi = "2026-11-24T00:00:00+00:00", "2026-12-09T00:00:00+00:00"
    shown = calendar_of(admin, "dana@example.com", rep, lo, hi)
    assert shown[0][0].astimezone(NY).strftime("%a %H:%M") == "Tue 12:00"
    assert reps_calendar(env, admin, rep, lo, hi) == shown


def test_a_removed_rep_hears_from_google_once_and_her_calendar_ends_the_series(
    env: Env, admin: SandboxAdmin, rep: str
) -> None:
    env.run(env.config(rep_line(rep)), WEDNESDAY)
    other = (
        '      - {name: Lee Chen, email: lee@example.com, day: monday, time: "09:00", '
        "timezone: America/New_York}"
    )
    report = env.run(env.config(other), WEDNESDAY + dt.timedelta(days=1))
    assert "end-series" in [o.action.verb for o in report.outcomes]
    assert summary(inbox_of(env, admin, rep)) == ["google:invitation", "google:update"]
    lo, hi = "2026-11-20T00:00:00+00:00", "2027-01-20T00:00:00+00:00"
    assert calendar_of(admin, "dana@example.com", rep, lo, hi) == []
    assert reps_calendar(env, admin, rep, lo, hi) == []


def test_a_schedule_change_tells_a_google_rep_once_and_a_rep_outside_google_what_she_needs(
    env: Env, admin: SandboxAdmin, rep: str
) -> None:
    env.run(env.config(rep_line(rep)), WEDNESDAY)
    report = env.run(env.config(rep_line(rep, time="15:00")), WEDNESDAY + dt.timedelta(hours=1))
    assert [o.action.verb for o in report.outcomes][:2] == ["end-series", "create-series"]
    expected = ["google:invitation", "google:invitation"]
    if rep == OUTSIDE_REP:  # her calendar learns of the old series' end only by email
        expected = ["google:invitation", "google:update", "google:invitation"]
    assert summary(inbox_of(env, admin, rep)) == expected
    lo, hi = "2026-11-20T00:00:00+00:00", "2027-01-20T00:00:00+00:00"
    shown = calendar_of(admin, "dana@example.com", rep, lo, hi)
    assert {s.astimezone(NY).strftime("%a %H:%M") for s, _ in shown} == {"Tue 15:00"}
    assert reps_calendar(env, admin, rep, lo, hi) == shown
