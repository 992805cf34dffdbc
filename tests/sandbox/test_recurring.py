"""Recurring series: DST-stable expansion, exceptions, cancelled instances, UNTIL truncation."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from integrations.sandbox import SandboxAdmin
from tests.sandbox.conftest import DANA, timed
from tests.sandbox.test_sync import full_sync

WEEKLY = timed(
    "2026-10-20", "10:00", "10:45", id="series0001", summary="1:1", recurrence=["RRULE:FREQ=WEEKLY"]
)


def starts(items: list[dict[str, Any]]) -> list[str]:
    return [e["start"]["dateTime"] for e in items]


def test_weekly_series_stays_at_ten_local_across_the_november_dst_change(calendar: Any) -> None:
    calendar.events().insert(calendarId="primary", body=WEEKLY).execute()
    page = (
        calendar.events()
        .instances(
            calendarId="primary",
            eventId="series0001",
            timeMin="2026-10-20T00:00:00Z",
            timeMax="2026-11-11T00:00:00Z",
        )
        .execute()
    )
    assert starts(page["items"]) == [
        "2026-10-20T10:00:00-04:00",
        "2026-10-27T10:00:00-04:00",
        "2026-11-03T10:00:00-05:00",
        "2026-11-10T10:00:00-05:00",
    ]
    ids = [e["id"] for e in page["items"]]
    assert ids[2] == "series0001_20261103T150000Z"
    assert all(
        e["recurringEventId"] == "series0001" and "recurrence" not in e for e in page["items"]
    )
    assert page["items"][2]["originalStartTime"] == {
        "dateTime": "2026-11-03T10:00:00-05:00",
        "timeZone": "America/New_York",
    }


def test_get_works_for_a_never_modified_instance_and_404s_off_pattern(calendar: Any) -> None:
    calendar.events().insert(calendarId="primary", body=WEEKLY).execute()
    instance = (
        calendar.events().get(calendarId="primary", eventId="series0001_20261103T150000Z").execute()
    )
    assert instance["start"]["dateTime"] == "2026-11-03T10:00:00-05:00"
    with pytest.raises(HttpError) as caught:
        calendar.events().get(calendarId="primary", eventId="series0001_20261104T150000Z").execute()
    assert caught.value.status_code == 404


def test_patching_an_instance_makes_an_exception_visible_in_sync_and_expansion(
    calendar: Any,
) -> None:
    calendar.events().insert(calendarId="primary", body=WEEKLY).execute()
    _, token = full_sync(calendar)
    moved = (
        calendar.events()
        .patch(
            calendarId="primary",
            eventId="series0001_20261103T150000Z",
            body={
                "start": {"dateTime": "2026-11-04T14:00:00-05:00", "timeZone": "America/New_York"},
                "end": {"dateTime": "2026-11-04T14:45:00-05:00", "timeZone": "America/New_York"},
            },
        )
        .execute()
    )
    assert moved["id"] == "series0001_20261103T150000Z"
    assert moved["originalStartTime"]["dateTime"] == "2026-11-03T10:00:00-05:00"
    delta, _ = full_sync(calendar, syncToken=token)
    assert [(e["id"], e.get("recurringEventId")) for e in delta] == [
        ("series0001_20261103T150000Z", "series0001")
    ]
    single = (
        calendar.events()
        .list(
            calendarId="primary",
            singleEvents=True,
            orderBy="startTime",
            timeMin="2026-11-01T00:00:00Z",
            timeMax="2026-11-12T00:00:00Z",
        )
        .execute()
    )
    assert starts(single["items"]) == ["2026-11-04T14:00:00-05:00", "2026-11-10T10:00:00-05:00"]
    masters = calendar.events().list(calendarId="primary").execute()
    assert sorted(e["id"] for e in masters["items"]) == [
        "series0001",
        "series0001_20261103T150000Z",
    ]


def test_deleting_an_instance_leaves_a_cancelled_exception_and_no_exdate(calendar: Any) -> None:
    calendar.events().insert(calendarId="primary", body=WEEKLY).execute()
    calendar.events().delete(calendarId="primary", eventId="series0001_20261027T140000Z").execute()
    window = {"timeMin": "2026-10-20T00:00:00Z", "timeMax": "2026-11-04T00:00:00Z"}
    shown = (
        calendar.events().instances(calendarId="primary", eventId="series0001", **window).execute()
    )
    assert len(shown["items"]) == 2
    with_deleted = (
        calendar.events()
        .instances(calendarId="primary", eventId="series0001", showDeleted=True, **window)
        .execute()
    )
    cancelled = [e for e in with_deleted["items"] if e["status"] == "cancelled"]
    assert [e["id"] for e in cancelled] == ["series0001_20261027T140000Z"]
    master = calendar.events().get(calendarId="primary", eventId="series0001").execute()
    assert master["recurrence"] == ["RRULE:FREQ=WEEKLY"]
    restored = (
        calendar.events()
        .patch(
            calendarId="primary",
            eventId="series0001_20261027T140000Z",
            body={"status": "confirmed"},
        )
        .execute()
    )
    assert restored["status"] == "confirmed"
    again = (
        calendar.events().instances(calendarId="primary", eventId="series0001", **window).execute()
    )
    assert len(again["items"]) == 3


def test_until_truncates_the_series_but_keeps_existing_exceptions(calendar: Any) -> None:
    calendar.events().insert(calendarId="primary", body=WEEKLY).execute()
    calendar.events().patch(
        calendarId="primary", eventId="series0001_20261110T150000Z", body={"summary": "special"}
    ).execute()
    calendar.events().patch(
        calendarId="primary",
        eventId="series0001",
        body={"recurrence": ["RRULE:FREQ=WEEKLY;UNTIL=20261103T145959Z"]},
    ).execute()
    items = (
        calendar.events()
        .instances(
            calendarId="primary",
            eventId="series0001",
            timeMin="2026-10-01T00:00:00Z",
            timeMax="2026-12-01T00:00:00Z",
        )
        .execute()["items"]
    )
    virtual = [e for e in items if e.get("summary") != "special"]
    assert starts(virtual) == ["2026-10-20T10:00:00-04:00", "2026-10-27T10:00:00-04:00"]
    exception = (
        calendar.events().get(calendarId="primary", eventId="series0001_20261110T150000Z").execute()
    )
    assert exception["summary"] == "special"


def test_single_events_expansion_is_capped_without_time_max(
    calendar: Any, admin: SandboxAdmin
) -> None:
    admin.insert_event(DANA, WEEKLY)
    items = admin.list_events(DANA, singleEvents=True, timeMin="2026-10-19T00:00:00Z")
    assert 50 <= len(items) <= 54


def test_exdate_with_tzid_and_all_day_series_expand_like_google(calendar: Any) -> None:
    body = timed(
        "2026-10-20",
        "10:00",
        "10:45",
        id="skip000001",
        recurrence=["RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=America/New_York:20261027T100000"],
    )
    calendar.events().insert(calendarId="primary", body=body).execute()
    items = (
        calendar.events().instances(calendarId="primary", eventId="skip000001").execute()["items"]
    )
    assert [e["id"] for e in items] == [
        "skip000001_20261020T140000Z",
        "skip000001_20261103T150000Z",
        "skip000001_20261110T150000Z",
    ]
    all_day = {
        "id": "fullda0001",
        "start": {"date": "2026-10-20"},
        "end": {"date": "2026-10-21"},
        "recurrence": ["RRULE:FREQ=DAILY;UNTIL=20261022"],
    }
    calendar.events().insert(calendarId="primary", body=all_day).execute()
    days = (
        calendar.events().instances(calendarId="primary", eventId="fullda0001").execute()["items"]
    )
    assert [(e["id"], e["start"]) for e in days] == [
        ("fullda0001_20261020", {"date": "2026-10-20"}),
        ("fullda0001_20261021", {"date": "2026-10-21"}),
        ("fullda0001_20261022", {"date": "2026-10-22"}),
    ]


def test_malformed_recurrence_is_400(calendar: Any) -> None:
    body = timed(
        "2026-10-20", "10:00", "10:45", recurrence=["DTSTART:20261020T100000", "RRULE:FREQ=WEEKLY"]
    )
    with pytest.raises(HttpError) as caught:
        calendar.events().insert(calendarId="primary", body=body).execute()
    assert caught.value.status_code == 400


def test_masters_list_without_a_window_includes_far_future_series(
    calendar: Any, admin: SandboxAdmin
) -> None:
    admin.insert_event(
        DANA,
        timed("2029-01-02", "10:00", "10:45", id="later00001", recurrence=["RRULE:FREQ=WEEKLY"]),
    )
    assert [e["id"] for e in calendar.events().list(calendarId="primary").execute()["items"]] == [
        "later00001"
    ]
