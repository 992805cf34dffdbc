"""Kept calendars share what their events repeat, and read back exactly what was stored."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from integrations.state.calendar_cache import event_from_json, event_to_json
from scheduler.ports import Attendee, CalendarEvent

START = dt.datetime(2026, 12, 2, 15, 0, tzinfo=dt.UTC)


def _event(event_id: str) -> CalendarEvent:
    return CalendarEvent(
        id=event_id,
        summary="Pipeline review",
        description="Weekly pipeline review with the team",
        start=START,
        end=START + dt.timedelta(minutes=30),
        timezone="America/Chicago",
        attendees=(Attendee(email="rep@example.com", name="Rep"),),
        updated=START - dt.timedelta(days=3),
    )


def test_an_event_read_back_from_its_stored_text_equals_the_event() -> None:
    event = _event("a1")
    assert event_from_json(event_to_json(event)) == event


def test_two_kept_events_at_the_same_moment_share_one_start_end_and_description() -> None:
    first = event_from_json(event_to_json(_event("a1")))
    second = event_from_json(event_to_json(_event("b2")))
    assert first.start is second.start
    assert first.end is second.end
    assert first.description is second.description
    assert first.id != second.id


def test_equal_guest_lists_read_with_one_table_share_one_tuple() -> None:
    shared: dict[tuple[Attendee, ...], tuple[Attendee, ...]] = {}
    first = event_from_json(event_to_json(_event("a1")), shared)
    second = event_from_json(event_to_json(_event("b2")), shared)
    assert first.attendees is second.attendees
    assert first.attendees == (Attendee(email="rep@example.com", name="Rep"),)


def test_an_event_without_tags_reads_back_an_empty_mapping_no_one_can_change() -> None:
    event = event_from_json(event_to_json(_event("a1")))
    assert event.private == {}
    with pytest.raises(TypeError):
        event.private["oneonone"] = "series"  # type: ignore[index]


def test_a_tagged_event_reads_back_its_tags() -> None:
    tagged = dataclasses.replace(_event("a1"), private={"oneonone": "series", "rep": "r@x.com"})
    assert event_from_json(event_to_json(tagged)).private == tagged.private
