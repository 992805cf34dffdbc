"""The calendar port writes a typed ``EventPatch``: the fields it sets reach Google, and the
event's other fields stay as they were on the manager's calendar."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scheduler.ports import EventPatch
from scheduler.series import series_id
from scheduler.vocabulary import EventStatus
from tests.e2e.bumped import NOW, rep

SAM = rep("Sam Ortiz", "sam@example.com", "tuesday", "13:00")
DANA = "dana@example.com"
SERIES = series_id(DANA, "sam@example.com", 0)


def test_a_patch_writes_only_the_fields_it_sets(env, admin):
    config = env.config(SAM)
    env.run(config, NOW)
    before = admin.get_event(DANA, SERIES)
    assert before is not None
    with env.wired(config) as wired:
        written = wired.runner.calendar.patch(
            DANA, SERIES, EventPatch(description="Agenda: the Q3 pipeline")
        )
    after = admin.get_event(DANA, SERIES)
    assert after is not None
    assert after["description"] == "Agenda: the Q3 pipeline"
    for field in ("summary", "start", "end", "recurrence", "attendees", "status"):
        assert after[field] == before[field], field
    assert after["extendedProperties"] == before["extendedProperties"]
    assert written.description == "Agenda: the Q3 pipeline"
    assert written.status is EventStatus.CONFIRMED  # translated at the edge into the enum


def test_a_patch_with_start_and_end_writes_them_in_its_zone(env, admin):
    config = env.config(SAM)
    env.run(config, NOW)
    before = admin.get_event(DANA, SERIES)
    assert before is not None
    zone = ZoneInfo(before["start"]["timeZone"])
    first = dt.datetime.fromisoformat(before["start"]["dateTime"])
    start = (first.replace(tzinfo=first.tzinfo or zone) + dt.timedelta(hours=1)).astimezone(dt.UTC)
    with env.wired(config) as wired:
        wired.runner.calendar.patch(
            DANA,
            SERIES,
            EventPatch(
                start=start, end=start + dt.timedelta(minutes=45), timezone="America/New_York"
            ),
        )
    after = admin.get_event(DANA, SERIES)
    assert after is not None
    assert after["start"]["timeZone"] == "America/New_York"
    written = dt.datetime.fromisoformat(after["start"]["dateTime"])
    assert written.replace(tzinfo=written.tzinfo or zone) == start
    assert after["summary"] == before["summary"]
    assert after["attendees"] == before["attendees"]


def test_an_empty_patch_names_no_field() -> None:
    assert EventPatch().empty
    assert EventPatch(description="").names() == ("description",)  # "" is a value: it clears
