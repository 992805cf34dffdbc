"""Attendee copies, RSVPs and what an attendee may change."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from integrations.sandbox import SandboxAdmin
from tests.sandbox.conftest import DANA, LEE, SAM, timed
from tests.sandbox.test_sync import full_sync

SERIES = timed(
    "2026-10-20",
    "10:00",
    "10:45",
    id="pair000001",
    summary="1:1 Dana/Sam",
    recurrence=["RRULE:FREQ=WEEKLY"],
    attendees=[{"email": DANA}, {"email": SAM}],
    extendedProperties={"private": {"o3": "pair-1"}, "shared": {"kind": "1on1"}},
)


def test_attendee_gets_a_copy_with_own_status_and_own_private_properties(
    calendar: Any, admin: SandboxAdmin
) -> None:
    calendar.events().insert(calendarId="primary", body=SERIES, sendUpdates="all").execute()
    copy = admin.get_event(SAM, "pair000001")
    assert copy is not None
    me = next(a for a in copy["attendees"] if a["email"] == SAM)
    assert me == {"email": SAM, "responseStatus": "needsAction", "self": True}
    assert copy["extendedProperties"] == {"private": {}, "shared": {"kind": "1on1"}}
    assert copy["organizer"] == {"email": DANA}
    assert admin.mutations()[-1]["sendUpdates"] == "all"


def test_respond_on_an_instance_shows_up_as_an_exception_in_the_organizers_sync(
    calendar: Any, admin: SandboxAdmin
) -> None:
    calendar.events().insert(calendarId="primary", body=SERIES).execute()
    _, token = full_sync(calendar)
    admin.respond(SAM, "pair000001_20261027T140000Z", "declined")
    delta, _ = full_sync(calendar, syncToken=token)
    assert [e["id"] for e in delta] == ["pair000001_20261027T140000Z"]
    sam = next(a for a in delta[0]["attendees"] if a["email"] == SAM)
    assert sam["responseStatus"] == "declined"
    assert delta[0]["recurringEventId"] == "pair000001"


def test_removed_attendee_sees_the_copy_cancelled(service_for: Any, calendar: Any) -> None:
    calendar.events().insert(calendarId="primary", body=SERIES).execute()
    sam_calendar = service_for("calendar", SAM)
    _, token = full_sync(sam_calendar)
    calendar.events().patch(
        calendarId="primary",
        eventId="pair000001",
        body={"attendees": [{"email": DANA}, {"email": LEE}]},
    ).execute()
    delta, _ = full_sync(sam_calendar, syncToken=token)
    assert [(e["id"], e["status"]) for e in delta] == [("pair000001", "cancelled")]


def test_attendee_cannot_change_shared_fields_but_can_decline(
    service_for: Any, calendar: Any
) -> None:
    calendar.events().insert(calendarId="primary", body=SERIES).execute()
    sam_calendar = service_for("calendar", SAM)
    with pytest.raises(HttpError) as caught:
        sam_calendar.events().patch(
            calendarId="primary", eventId="pair000001", body={"summary": "mine"}
        ).execute()
    assert caught.value.error_details[0]["reason"] == "forbiddenForNonOrganizer"
    mine = sam_calendar.events().get(calendarId="primary", eventId="pair000001").execute()
    for attendee in mine["attendees"]:
        if attendee["email"] == SAM:
            attendee["responseStatus"] = "accepted"
    sam_calendar.events().patch(
        calendarId="primary",
        eventId="pair000001",
        body={"attendees": mine["attendees"], "extendedProperties": {"private": {"note": "x"}}},
    ).execute()
    organizer = calendar.events().get(calendarId="primary", eventId="pair000001").execute()
    assert {a["email"]: a["responseStatus"] for a in organizer["attendees"]}[SAM] == "accepted"
    assert organizer["extendedProperties"]["private"] == {"o3": "pair-1"}


def test_organizer_delete_cancels_copies_and_attendee_delete_declines(
    calendar: Any, service_for: Any, admin: SandboxAdmin
) -> None:
    calendar.events().insert(
        calendarId="primary",
        body=timed(
            "2026-10-21",
            "10:00",
            "10:30",
            id="meet000001",
            attendees=[{"email": SAM}, {"email": LEE}],
        ),
    ).execute()
    service_for("calendar", LEE).events().delete(
        calendarId="primary", eventId="meet000001"
    ).execute()
    organizer = calendar.events().get(calendarId="primary", eventId="meet000001").execute()
    assert {a["email"]: a["responseStatus"] for a in organizer["attendees"]}[LEE] == "declined"
    assert organizer["status"] == "confirmed"
    assert admin.get_event(LEE, "meet000001")["status"] == "cancelled"  # type: ignore[index]
    calendar.events().delete(calendarId="primary", eventId="meet000001").execute()
    assert admin.get_event(SAM, "meet000001")["status"] == "cancelled"  # type: ignore[index]


def test_series_edits_reach_exceptions_that_did_not_override_them(
    calendar: Any, admin: SandboxAdmin
) -> None:
    calendar.events().insert(calendarId="primary", body=SERIES).execute()
    instance = "pair000001_20261027T140000Z"
    calendar.events().patch(
        calendarId="primary", eventId=instance, body={"description": "moved"}
    ).execute()
    admin.respond(SAM, instance, "declined")
    calendar.events().patch(
        calendarId="primary", eventId="pair000001",
        body={"summary": "renamed", "description": "series", "attendees": [
            {"email": DANA}, {"email": SAM}, {"email": LEE}]},
    ).execute()  # fmt: skip
    exception = calendar.events().get(calendarId="primary", eventId=instance).execute()
    assert exception["summary"] == "renamed"
    assert exception["description"] == "moved"
    statuses = {a["email"]: a["responseStatus"] for a in exception["attendees"]}
    assert statuses == {DANA: "accepted", SAM: "declined", LEE: "needsAction"}
    assert admin.get_event(LEE, instance) is not None


@pytest.mark.parametrize("reset", [True, False], ids=["responses-reset", "responses-kept"])
def test_moving_an_occurrence_resets_guests_answers_only_when_switched_on(
    calendar: Any, admin: SandboxAdmin, reset: bool
) -> None:
    """Whether Google resets guests' answers when the organizer moves an instance is not
    documented; the sandbox does either, so the service is tested against both."""
    admin.configure(reset_responses_on_time_change=reset)
    calendar.events().insert(calendarId="primary", body=SERIES, sendUpdates="all").execute()
    first = calendar.events().instances(calendarId="primary", eventId="pair000001").execute()
    instance = first["items"][0]["id"]
    admin.respond(SAM, instance, "declined")
    patched = (
        calendar.events()
        .patch(calendarId="primary", eventId=instance, body=timed("2026-10-20", "15:00", "15:45"))
        .execute()
    )
    sam = next(a for a in patched["attendees"] if a["email"] == SAM)
    assert sam["responseStatus"] == ("needsAction" if reset else "declined")
    admin.respond(SAM, instance, "declined")
    relabelled = (
        calendar.events()
        .patch(  # not a change of time: answers stay either way
            calendarId="primary", eventId=instance, body={"summary": "1:1 (moved)"}
        )
        .execute()
    )
    sam = next(a for a in relabelled["attendees"] if a["email"] == SAM)
    assert sam["responseStatus"] == "declined"


@pytest.mark.parametrize("reset", [True, False], ids=["responses-reset", "responses-kept"])
def test_the_organizers_decline_stays_on_a_moved_occurrence_and_a_bare_guest_is_asked_again(
    calendar: Any, admin: SandboxAdmin, reset: bool
) -> None:
    """Whatever happens to guests' answers, the organizer's own "declined" stays on an
    occurrence she moves (it is her answer, not an invitation's). An attendee entry written
    without responseStatus reads as "needsAction": the reference's EventAttendee.responseStatus
    lists it as "The attendee has not responded to the invitation (recommended for new
    events)", the state of an entry nobody answered."""
    admin.configure(reset_responses_on_time_change=reset)
    calendar.events().insert(calendarId="primary", body=SERIES, sendUpdates="all").execute()
    first = calendar.events().instances(calendarId="primary", eventId="pair000001").execute()
    instance = first["items"][0]["id"]
    admin.respond(DANA, instance, "declined")
    admin.respond(SAM, instance, "declined")
    body = {
        **timed("2026-10-20", "15:00", "15:45"),
        "attendees": [{"email": DANA, "responseStatus": "declined"}, {"email": SAM}],
    }
    moved = calendar.events().patch(calendarId="primary", eventId=instance, body=body).execute()
    statuses = {a["email"]: a["responseStatus"] for a in moved["attendees"]}
    assert statuses == {DANA: "declined", SAM: "needsAction"}
    untouched = (
        calendar.events()
        .patch(calendarId="primary", eventId=instance, body=timed("2026-10-20", "16:00", "16:45"))
        .execute()
    )
    assert {a["email"]: a["responseStatus"] for a in untouched["attendees"]}[DANA] == "declined"


def test_a_guests_note_on_an_occurrence_reaches_the_organizers_copy_and_nothing_else_does(
    service_for: Any, calendar: Any
) -> None:
    """EventAttendee.comment is "the attendee's response comment" (Calendar API reference,
    events resource): a guest writes it with the answer on their own entry, and the organizer
    reads it on her copy of that occurrence. Shared fields stay the organizer's (403)."""
    calendar.events().insert(calendarId="primary", body=SERIES).execute()
    sam_calendar = service_for("calendar", SAM)
    instance = "pair000001_20261027T140000Z"
    mine = sam_calendar.events().get(calendarId="primary", eventId=instance).execute()
    for attendee in mine["attendees"]:
        if attendee["email"] == SAM:
            attendee.update(responseStatus="accepted", comment="Globex pricing; my Q1 plan")
    sam_calendar.events().patch(
        calendarId="primary", eventId=instance, body={"attendees": mine["attendees"]}
    ).execute()
    seen = calendar.events().get(calendarId="primary", eventId=instance).execute()
    sam = next(a for a in seen["attendees"] if a["email"] == SAM)
    assert (sam["responseStatus"], sam["comment"]) == ("accepted", "Globex pricing; my Q1 plan")
    master = calendar.events().get(calendarId="primary", eventId="pair000001").execute()
    assert all("comment" not in a for a in master["attendees"])
    with pytest.raises(HttpError) as caught:
        sam_calendar.events().patch(
            calendarId="primary", eventId=instance, body={"description": "my topics"}
        ).execute()
    assert caught.value.error_details[0]["reason"] == "forbiddenForNonOrganizer"


def test_a_guest_cannot_write_a_note_on_someone_elses_entry(
    service_for: Any, calendar: Any
) -> None:
    calendar.events().insert(calendarId="primary", body=SERIES).execute()
    sam_calendar = service_for("calendar", SAM)
    mine = sam_calendar.events().get(calendarId="primary", eventId="pair000001").execute()
    for attendee in mine["attendees"]:
        if attendee["email"] == DANA:
            attendee["comment"] = "written by Sam"
    with pytest.raises(HttpError) as caught:
        sam_calendar.events().patch(
            calendarId="primary", eventId="pair000001", body={"attendees": mine["attendees"]}
        ).execute()
    assert caught.value.error_details[0]["reason"] == "forbiddenForNonOrganizer"
