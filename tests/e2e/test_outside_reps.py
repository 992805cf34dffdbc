"""Reps outside the manager's Workspace organisation: Google's free/busy answers ``notFound``
for their calendars, so a bumped 1:1 moves within the manager's free time and the rep's working
hours and the rep is told (their decline of the new time is a new bump); with
``rebook.unknown_rep_busy: notify_only`` it stays and the manager is asked instead."""

from __future__ import annotations

import datetime as dt

import pytest

from integrations.state.store import Store
from scheduler.series import series_id
from tests.e2e.bumped import NOW, TUESDAY, after, meeting, ny, occurrence, rep, rep_inbox, shown

SAM = rep("Sam Ortiz", "sam@customer.example", "tuesday", "13:00")
DANA = "dana@example.com"
SERIES = series_id(DANA, "sam@customer.example", 0)


def test_free_busy_cannot_see_a_rep_outside_the_organisation(env, admin):
    env.run(env.config(SAM), NOW)
    with env.wired(env.config(SAM)) as wired:
        answer = wired.calendar.busy(
            DANA, ["sam@customer.example"], NOW, NOW + dt.timedelta(days=1)
        )
    assert answer["sam@customer.example"].error == "notFound"


@pytest.mark.parametrize(
    "google_calendar", [pytest.param(True, id="on-google"), pytest.param(False, id="no-google")]
)
def test_an_outside_rep_is_moved_within_their_hours_and_told_and_a_decline_moves_it_again(
    env, admin, google_calendar
):
    if not google_calendar:  # the rep's company has no Google Calendar: only emails reach them
        admin.configure(non_google_domains=["customer.example"])
    config = env.config(SAM)
    env.run(config, NOW)
    meeting(admin, DANA, "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    move, notice = [o.action for o in report.outcomes]
    assert (move.verb, notice.verb) == ("move-occurrence", "send-move-notice")
    assert "Sam Ortiz's calendar cannot be seen" in move.reason
    # 12:00 and 14:00 are both an hour away from 13:00; the earlier wins, inside Sam's hours.
    assert shown(occurrence(admin, DANA, SERIES, TUESDAY)) == "Tue 12:00-12:45"
    outbox = env.tmp / "outbox"
    assert rep_inbox(admin, outbox, "sam@customer.example") == after(1)
    if not google_calendar:
        assert admin.list_events("sam@customer.example") == []  # nothing to decline from
        return
    assert shown(occurrence(admin, "sam@customer.example", SERIES, TUESDAY)) == "Tue 12:00-12:45"
    moved = occurrence(admin, "sam@customer.example", SERIES, TUESDAY)
    admin.respond("sam@customer.example", moved["id"], "declined")
    report = env.run(config, NOW + dt.timedelta(minutes=3))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    assert shown(occurrence(admin, DANA, SERIES, TUESDAY)) == "Tue 14:00-14:45"
    assert shown(occurrence(admin, "sam@customer.example", SERIES, TUESDAY)) == "Tue 14:00-14:45"
    for minutes in (4, 5, 6):
        assert env.run(config, NOW + dt.timedelta(minutes=minutes)).outcomes == []
    assert rep_inbox(admin, outbox, "sam@customer.example") == after(2)


def test_notify_only_leaves_an_outside_reps_1on1_and_asks_the_manager_once(env, admin):
    config = env.config(SAM.replace("}", ", rebook: {unknown_rep_busy: notify_only}}"))
    env.run(config, NOW)
    meeting(admin, DANA, "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    assert [o.action.verb for o in report.outcomes] == ["notice"]
    assert "unknown_rep_busy" in report.outcomes[0].action.reason
    for minutes in (3, 4, 5):
        assert env.run(config, NOW + dt.timedelta(minutes=minutes)).outcomes == []
    assert shown(occurrence(admin, DANA, SERIES, TUESDAY)) == "Tue 13:00-13:45"
    outbox = env.tmp / "outbox"
    assert rep_inbox(admin, outbox, "sam@customer.example") == ["google:invitation"]
    assert rep_inbox(admin, outbox, DANA) == ["oneonone:alert"]
    store = Store(env.tmp / "state.db")
    alerts = [r for r in store.audit.rows() if r.action == "alert"]
    store.close()
    assert len(alerts) == 1
