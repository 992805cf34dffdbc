"""The calendar a plan plans its later stages against: what was observed, with the series
stage's writes applied as Google applies them (fields sent replace, private tags merge)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from scheduler.actions import CreateSeries, EndSeries, RepairSeries
from scheduler.inserted import as_written
from scheduler.ports import Attendee, CalendarEvent, EventPatch
from scheduler.series import new_series
from scheduler.vocabulary import EventStatus, Response
from tests.core.builders import PRIYA, event_for, pair

CREATED = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
SPEC = new_series(pair(), 0, now=CREATED, after=None)
MASTER = dataclasses.replace(event_for(SPEC), private={**SPEC.private, "theirs": "kept"})
EXCEPTION = CalendarEvent("inst1", recurring_event_id=MASTER.id, original_start=MASTER.start)
OTHER = CalendarEvent("lunch", summary="Lunch")
KEY = "dana@example.com/sam@example.com"


def test_an_ended_series_gets_its_new_rule_and_its_later_exceptions_are_cancelled() -> None:
    until = CREATED + dt.timedelta(days=30)
    end = EndSeries(
        KEY,
        "dana@example.com",
        MASTER.id,
        ("RRULE:FREQ=WEEKLY;UNTIL=X",),
        until,
        MASTER.etag,
        "config changed",
        cancel_ids=("inst1",),
    )
    master, exception, other = as_written([MASTER, EXCEPTION, OTHER], [end])
    assert master.recurrence == ("RRULE:FREQ=WEEKLY;UNTIL=X",)
    assert master.private == MASTER.private
    assert exception.status == EventStatus.CANCELLED
    assert other == OTHER


def test_a_repair_replaces_the_fields_it_sends_and_merges_the_tags() -> None:
    start = MASTER.start + dt.timedelta(hours=1)
    guests = (Attendee("Dana@Example.com", Response.ACCEPTED), Attendee(PRIYA.email))
    changes = EventPatch(
        start=start, timezone="America/New_York", attendees=guests, private={"oneonone": "series"}
    )
    repair = RepairSeries(KEY, "dana@example.com", MASTER.id, changes, MASTER.etag, "drifted")
    [master] = as_written([MASTER], [repair])
    assert (master.start, master.end, master.timezone) == (start, MASTER.end, "America/New_York")
    assert [(a.email, a.organizer) for a in master.attendees] == [
        ("dana@example.com", True),
        (PRIYA.email, False),
    ]
    assert master.private == {**MASTER.private, "oneonone": "series"}
    assert master.summary == MASTER.summary


def test_a_new_series_comes_after_what_was_observed() -> None:
    create = CreateSeries(KEY, "dana@example.com", SPEC, 0, "no series exists for this pair")
    observed, made = as_written([OTHER], [create])
    assert observed == OTHER
    assert (made.id, made.organizer, made.start) == (
        SPEC.event_id,
        "dana@example.com",
        MASTER.start,
    )
