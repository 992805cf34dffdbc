"""The series decision table, value in, value out."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduler.actions import AdoptSeries, CreateSeries, EndSeries, Notice, RepairSeries
from scheduler.ports import Attendee, CalendarEvent, EventPatch
from scheduler.recurrence import expand, parse_until, to_local
from scheduler.series import TAG_SINCE, plan_series, series_id
from tests.core.builders import DANA, PRIYA, SAM, event_for, manager, pair, replace

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 in New York


def test_a_pair_without_a_series_gets_one_with_a_deterministic_id_on_the_configured_day():
    [action] = plan_series(manager(), [pair()], [], now=NOW)
    assert isinstance(action, CreateSeries)
    assert action.spec.event_id == series_id("dana@example.com", "sam@example.com", 0)
    assert action.spec.first_start_local == dt.datetime(2026, 11, 24, 10, 0)
    assert action.spec.timezone == "America/New_York"
    assert action.spec.recurrence == ("RRULE:FREQ=WEEKLY;BYDAY=TU",)
    assert {a.email for a in action.spec.attendees} == {"dana@example.com", "sam@example.com"}
    again = plan_series(manager(), [pair()], [], now=NOW)
    assert again[0].spec == action.spec


def test_series_ids_use_only_characters_google_accepts():
    ident = series_id("dana@example.com", "sam@example.com", 7)
    assert set(ident) <= set("0123456789abcdefghijklmnopqrstuv")
    assert 5 <= len(ident) <= 1024


def test_planning_after_the_series_exists_plans_nothing():
    [create] = plan_series(manager(), [pair()], [], now=NOW)
    assert plan_series(manager(), [pair()], [event_for(create.spec)], now=NOW) == []


def test_a_new_series_never_starts_within_twelve_hours():
    monday_night = dt.datetime(2026, 11, 24, 4, 0, tzinfo=dt.UTC)  # Mon 23:00 New York
    [action] = plan_series(manager(), [pair()], [], now=monday_night)
    assert action.spec.first_start_local == dt.datetime(2026, 12, 1, 10, 0)


def test_a_changed_time_ends_the_old_series_before_its_next_occurrence_and_starts_a_new_one():
    [create] = plan_series(manager(), [pair()], [], now=NOW - dt.timedelta(days=30))
    old = event_for(create.spec)
    actions = plan_series(manager(), [pair(time="14:00")], [old], now=NOW)
    end, new = actions
    assert isinstance(end, EndSeries)
    assert isinstance(new, CreateSeries)
    next_old = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert end.until == next_old.astimezone(dt.UTC) - dt.timedelta(seconds=1)
    assert any("UNTIL=20261124T145959Z" in line for line in end.recurrence)
    assert new.spec.first_start_local == dt.datetime(2026, 11, 24, 14, 0)
    assert new.gen == 1
    assert new.spec.event_id != old.id


def test_a_changed_time_on_the_day_of_a_held_meeting_starts_the_new_series_next_week():
    [create] = plan_series(manager(), [pair()], [], now=NOW - dt.timedelta(days=30))
    old = event_for(create.spec)
    tuesday_noon = dt.datetime(2026, 11, 24, 17, 0, tzinfo=dt.UTC)  # the 10:00 one was held
    end, new = plan_series(manager(), [pair(time="14:00")], [old], now=tuesday_noon)
    assert new.spec.first_start_local == dt.datetime(2026, 12, 1, 14, 0)
    assert "UNTIL=20261201T145959Z" in end.recurrence[0]


def test_ending_keeps_every_past_occurrence():
    [create] = plan_series(manager(), [pair()], [], now=NOW - dt.timedelta(days=30))
    old = event_for(create.spec)
    end, _ = plan_series(manager(), [pair(time="14:00")], [old], now=NOW)
    ended = replace(old, recurrence=end.recurrence)
    before = expand(
        create.spec.first_start_local,
        "America/New_York",
        old.recurrence,
        time_min=NOW - dt.timedelta(days=60),
        time_max=NOW,
    )
    after = expand(
        create.spec.first_start_local,
        "America/New_York",
        ended.recurrence,
        time_min=NOW - dt.timedelta(days=60),
        time_max=NOW + dt.timedelta(days=60),
    )
    assert after == before


def test_a_rep_removed_from_the_config_has_the_series_ended_not_deleted():
    [create] = plan_series(manager(), [pair()], [], now=NOW - dt.timedelta(days=30))
    [action] = plan_series(manager(), [], [event_for(create.spec)], now=NOW)
    assert isinstance(action, EndSeries)
    assert "no longer in the config" in action.reason


def test_a_series_deleted_by_someone_is_recreated_under_the_next_generation_with_an_alert():
    [create] = plan_series(manager(), [pair()], [], now=NOW - dt.timedelta(days=30))
    deleted = replace(event_for(create.spec), status="cancelled")
    [action] = plan_series(manager(), [pair()], [deleted], now=NOW)
    assert isinstance(action, CreateSeries)
    assert action.gen == 1
    assert action.alert
    assert "deleted" in action.alert
    assert action.spec.first_start_local == dt.datetime(2026, 11, 24, 10, 0)


def test_a_rep_missing_from_the_attendees_is_invited_again():
    [create] = plan_series(manager(), [pair()], [], now=NOW)
    ev = event_for(create.spec)
    ev = replace(ev, attendees=tuple(a for a in ev.attendees if a.email != "sam@example.com"))
    [action] = plan_series(manager(), [pair()], [ev], now=NOW)
    assert isinstance(action, RepairSeries)
    assert {a.email for a in action.changes.attendees} == {"dana@example.com", "sam@example.com"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param({"summary": "coffee"}, "summary", id="title"),
        pytest.param({"end": dt.datetime(2026, 11, 24, 15, 30, tzinfo=dt.UTC)}, "end", id="length"),
    ],
)
def test_drift_in_title_or_length_is_repaired(change, field):
    [create] = plan_series(manager(), [pair()], [], now=NOW)
    ev = replace(event_for(create.spec), **change)
    [action] = plan_series(manager(), [pair()], [ev], now=NOW)
    assert isinstance(action, RepairSeries)
    assert field in action.changes.names()


def test_a_series_moved_by_a_person_to_another_time_is_respected_and_told_once():
    [create] = plan_series(manager(), [pair()], [], now=NOW)
    ev = event_for(create.spec)
    moved = replace(ev, start=ev.start + dt.timedelta(hours=1), end=ev.end + dt.timedelta(hours=1))
    [action] = plan_series(manager(), [pair()], [moved], now=NOW)
    assert isinstance(action, Notice)
    assert "left as the person set it" in action.reason


def test_an_existing_recurring_event_with_just_the_manager_and_rep_is_adopted():
    theirs = CalendarEvent(
        id="humanmade1",
        summary="Dana/Sam weekly",
        start=dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 3, 15, 45, tzinfo=dt.UTC),
        timezone="America/New_York",
        recurrence=("RRULE:FREQ=WEEKLY;BYDAY=TU",),
        organizer="dana@example.com",
        attendees=(Attendee("dana@example.com", "accepted"), Attendee("sam@example.com")),
    )
    [action] = plan_series(manager(), [pair()], [theirs], now=NOW)
    assert isinstance(action, AdoptSeries)
    assert action.event_id == "humanmade1"
    assert action.changes.empty  # same length: only the tags are written
    assert action.tags[TAG_SINCE] == "20261123T150000Z"
    adopted = replace(theirs, private=dict(action.tags))
    assert plan_series(manager(), [pair()], [adopted], now=NOW) == []  # the title stays theirs
    titled = replace(pair(), title="Weekly 1:1")
    [repair] = plan_series(manager(), [titled], [adopted], now=NOW)
    assert isinstance(repair, RepairSeries)
    assert repair.changes == EventPatch(summary="Weekly 1:1")  # a title the config names does apply
    assert plan_series(manager(), [pair()], [theirs], now=NOW, adopt=False)[0].verb == (
        "create-series"
    )


def test_adopting_an_event_of_another_length_sets_the_configured_length_in_the_same_write():
    theirs = CalendarEvent(
        id="humanmade1",
        summary="Dana/Sam weekly",
        start=dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 3, 15, 30, tzinfo=dt.UTC),
        timezone="America/New_York",
        recurrence=("RRULE:FREQ=WEEKLY;BYDAY=TU",),
        organizer="dana@example.com",
        attendees=(Attendee("dana@example.com", "accepted"), Attendee("sam@example.com")),
    )
    [action] = plan_series(manager(), [pair()], [theirs], now=NOW)
    assert isinstance(action, AdoptSeries)
    assert action.changes.end == dt.datetime(2026, 11, 3, 15, 45, tzinfo=dt.UTC)
    assert "length becomes the configured 45 min" in action.reason
    after = replace(theirs, end=action.changes.end, private=dict(action.tags))
    assert plan_series(manager(), [pair()], [after], now=NOW) == []


def test_an_event_with_a_third_person_is_not_adopted():
    theirs = CalendarEvent(
        id="teammeet1",
        start=dt.datetime(2026, 11, 3, 15, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 3, 15, 45, tzinfo=dt.UTC),
        timezone="America/New_York",
        recurrence=("RRULE:FREQ=WEEKLY;BYDAY=TU",),
        organizer="dana@example.com",
        attendees=(
            Attendee("dana@example.com"),
            Attendee("sam@example.com"),
            Attendee("priya@example.com"),
        ),
    )
    [action] = plan_series(manager(), [pair()], [theirs], now=NOW)
    assert isinstance(action, CreateSeries)


def test_each_pair_of_a_manager_gets_its_own_series():
    actions = plan_series(manager(), [pair(SAM), pair(PRIYA, day=3)], [], now=NOW)
    assert len({a.spec.event_id for a in actions}) == 2


@pytest.mark.parametrize(
    ("tz", "dst_day"),
    [
        pytest.param("America/New_York", dt.date(2026, 11, 1), id="new-york-november"),
        pytest.param("America/New_York", dt.date(2026, 3, 8), id="new-york-march"),
        pytest.param("Europe/Berlin", dt.date(2026, 10, 25), id="berlin-october"),
        pytest.param("Europe/Berlin", dt.date(2026, 3, 29), id="berlin-march"),
        pytest.param("Pacific/Fiji", dt.date(2026, 11, 8), id="fiji"),
    ],
)
def test_a_weekly_series_keeps_its_local_time_across_dst(tz, dst_day):
    first = dt.datetime.combine(dst_day - dt.timedelta(days=14), dt.time(10, 0))
    starts = expand(
        first,
        tz,
        ("RRULE:FREQ=WEEKLY",),
        time_min=dt.datetime.combine(first.date(), dt.time(0), tzinfo=dt.UTC)
        - dt.timedelta(days=1),
        time_max=dt.datetime.combine(dst_day, dt.time(0), tzinfo=dt.UTC) + dt.timedelta(days=30),
    )
    assert len(starts) >= 6
    assert {to_local(s, tz).strftime("%H:%M") for s in starts} == {"10:00"}
    offsets = {to_local(s, tz).utcoffset() for s in starts}
    assert len(offsets) == 2 or tz == "Pacific/Fiji"


def test_until_in_utc_cuts_the_series_exactly():
    first = dt.datetime(2026, 11, 3, 10, 0)
    starts = expand(
        first,
        "America/New_York",
        ("RRULE:FREQ=WEEKLY;UNTIL=20261117T150000Z",),
        time_min=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
        time_max=dt.datetime(2026, 12, 31, tzinfo=dt.UTC),
    )
    assert [s.day for s in starts] == [3, 10, 17]
    assert parse_until("20261117") == dt.datetime(2026, 11, 17, 23, 59, 59, tzinfo=dt.UTC)


def test_biweekly_series_follow_the_start_anchor():
    p = pair(weeks=2)
    p = p.__class__(**{**p.__dict__, "start": dt.date(2026, 12, 8)})
    [action] = plan_series(manager(), [p], [], now=NOW)
    assert action.spec.first_start_local == dt.datetime(2026, 12, 8, 10, 0)
    assert action.spec.recurrence == ("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU",)
    assert DANA.timezone == "America/New_York"


def test_a_recurring_event_with_the_rep_at_another_time_is_left_alone_and_mentioned_once():
    theirs = CalendarEvent(
        id="weeklysync1",
        summary="Weekly sync",
        start=dt.datetime(2026, 11, 2, 14, 0, tzinfo=dt.UTC),
        end=dt.datetime(2026, 11, 2, 14, 30, tzinfo=dt.UTC),
        timezone="America/New_York",
        recurrence=("RRULE:FREQ=WEEKLY;BYDAY=MO",),
        organizer="dana@example.com",
        attendees=(Attendee("dana@example.com", "accepted"), Attendee("sam@example.com")),
    )
    create, notice = plan_series(manager(), [pair()], [theirs], now=NOW)
    assert isinstance(create, CreateSeries)
    assert isinstance(notice, Notice)
    assert "left as it is" in notice.reason
