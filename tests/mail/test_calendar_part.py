"""The iCalendar part of the service's emails: where mail clients look for it, what it names,
and that text from people (titles, names) cannot add properties to it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from integrations.mail.invites import Occurrence, occurrence_request, occurrences_cancel
from integrations.mail.mime import build_mime, mime_bytes
from integrations.mail.records import from_payload, to_payload
from scheduler.model import Cadence, Pair, Person, WorkingHours
from scheduler.ports import Address, CalendarPart, OutgoingEmail
from tests.inbox import parse

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 18, 0, tzinfo=dt.UTC)
HOURS = WorkingHours(((540, 1050),) * 5 + ((), ()))


def pair(rep_name: str = "Sam Ortiz") -> Pair:
    return Pair(
        manager=Person("Dana Whitfield", "dana@example.com", "America/New_York", HOURS),
        rep=Person(rep_name, "sam@example.com", "America/Los_Angeles", HOURS),
        cadence=Cadence("weekly"),
        day=1,
        time=dt.time(13, 0),
        duration=dt.timedelta(minutes=45),
    )


def occurrence(hour: int = 12) -> Occurrence:
    original = dt.datetime(2026, 11, 24, 13, 0, tzinfo=NY)
    start = dt.datetime(2026, 11, 24, hour, 0, tzinfo=NY)
    return Occurrence("oo123@google.com", original, 2, start, start + dt.timedelta(minutes=45))


def message(part: CalendarPart) -> OutgoingEmail:
    return OutgoingEmail(
        key="move:oo123:20261124T180000Z:1",
        kind="move",
        sender=Address("oneonone@example.com", "1:1 keeper"),
        to=(Address("sam@example.com", "Sam Ortiz"),),
        subject="Your 1:1 moved",
        text="moved",
        html="<p>moved</p>",
        calendar=part,
    )


def test_a_move_request_names_the_occurrence_by_uid_recurrence_id_and_sequence() -> None:
    part = occurrence_request(pair(), occurrence(), summary="1:1 Dana / Sam", now=NOW)
    parsed = icalendar.Calendar.from_ical(part.text)
    assert str(parsed["method"]) == "REQUEST" == part.method
    [event] = parsed.walk("VEVENT")
    assert str(event["uid"]) == "oo123@google.com"
    assert event.decoded("recurrence-id") == dt.datetime(2026, 11, 24, 13, 0, tzinfo=NY)
    assert event.decoded("dtstart") == dt.datetime(2026, 11, 24, 12, 0, tzinfo=NY)
    assert int(event["sequence"]) == 2
    assert str(event["organizer"]) == "mailto:dana@example.com"
    assert [str(a) for a in [event["attendee"]]] == ["mailto:sam@example.com"]
    assert parsed.walk("VTIMEZONE")  # the zone is defined, so any client reads the times right


def test_a_cancel_lists_each_occurrence_and_never_the_whole_series() -> None:
    part = occurrences_cancel(
        pair(), [occurrence(13), occurrence(13)], summary="1:1 Dana / Sam", now=NOW
    )
    parsed = icalendar.Calendar.from_ical(part.text)
    assert str(parsed["method"]) == "CANCEL"
    events = parsed.walk("VEVENT")
    assert len(events) == 2
    assert all("recurrence-id" in e and str(e["status"]) == "CANCELLED" for e in events)
    with pytest.raises(ValueError, match="at least one occurrence"):
        occurrences_cancel(pair(), [], summary="x", now=NOW)


def test_the_part_is_a_text_calendar_alternative_with_its_method_and_survives_the_outbox() -> None:
    part = occurrence_request(pair(), occurrence(), summary="1:1", now=NOW)
    queued = from_payload(to_payload(message(part)))
    assert queued.calendar == part
    mime = parse(mime_bytes(build_mime(queued, date=NOW)))
    body = mime.get_body(("calendar",))
    assert body is not None
    assert body.get_content_type() == "text/calendar"
    assert body.get_param("method") == "REQUEST"
    assert icalendar.Calendar.from_ical(body.get_content())["method"] == "REQUEST"
    assert mime.get_body(("plain",)).get_content().strip() == "moved"


def test_a_title_or_name_with_line_breaks_cannot_add_calendar_properties() -> None:
    evil = "1:1\r\nATTENDEE:mailto:eve@evil.example\r\nX-EVIL:1"
    part = occurrence_request(
        pair("Sam\r\nORGANIZER:mailto:eve@evil.example"), occurrence(), summary=evil, now=NOW
    )
    [event] = icalendar.Calendar.from_ical(part.text).walk("VEVENT")
    assert "X-EVIL" not in event
    assert str(event["organizer"]) == "mailto:dana@example.com"
    assert str(event["attendee"]) == "mailto:sam@example.com"
    assert str(event["summary"]) == evil.replace("\r\n", "\n")  # kept as text, escaped


def test_a_part_whose_method_is_not_its_bodys_is_refused() -> None:
    part = occurrence_request(pair(), occurrence(), summary="1:1", now=NOW)
    with pytest.raises(ValueError, match="method"):
        build_mime(message(CalendarPart("CANCEL", part.text)), date=NOW)


def test_an_occurrence_without_its_series_uid_cannot_be_named() -> None:
    nameless = Occurrence("", occurrence().original_start, 0, occurrence().start, occurrence().end)
    with pytest.raises(ValueError, match="iCalUID"):
        occurrence_request(pair(), nameless, summary="1:1", now=NOW)
