"""Google's own emails to guests, as the sandbox records them for each organizer write.

Reference (events.insert, events.patch, events.delete): ``sendUpdates`` — ``all``:
"Notifications are sent to all guests"; ``externalOnly``: "Notifications are sent to non-Google
Calendar guests only"; ``none``: "No notifications are sent". ``sendNotifications`` (deprecated):
"Whether to send notifications about the event update (for example, description changes, etc.)",
default false. The organizer (the caller) is never notified of their own write.
"""

from __future__ import annotations

from typing import Any

import pytest

from integrations.sandbox import SandboxAdmin
from tests.sandbox.conftest import DANA, LEE, SAM, timed

OUTSIDER = "olga@partner.example"
ROOM = "room-4@resource.example.com"


def one_on_one(**extra: Any) -> dict[str, Any]:
    return timed(
        "2026-10-20",
        "10:00",
        "10:45",
        id="pair000001",
        summary="1:1 Dana/Sam",
        recurrence=["RRULE:FREQ=WEEKLY"],
        attendees=[{"email": DANA}, {"email": SAM}],
        **extra,
    )


def kinds(admin: SandboxAdmin, user: str) -> list[str]:
    return [n["kind"] for n in admin.notifications(user)]


def test_insert_with_all_invites_every_guest_but_never_the_organizer_or_a_room(
    calendar: Any, admin: SandboxAdmin
) -> None:
    body = one_on_one()
    body["attendees"] += [{"email": LEE}, {"email": ROOM, "resource": True}]
    calendar.events().insert(calendarId="primary", body=body, sendUpdates="all").execute()
    assert kinds(admin, SAM) == ["invitation"]
    assert kinds(admin, LEE) == ["invitation"]
    assert admin.notifications(DANA) == []
    assert admin.notifications(ROOM) == []
    sent = admin.notifications(SAM)[0]
    assert sent["from"] == DANA
    assert sent["event"]["summary"] == "1:1 Dana/Sam"
    assert sent["event"]["recurrence"] == ["RRULE:FREQ=WEEKLY"]


@pytest.mark.parametrize("send_updates", ["none", None])
def test_none_or_no_parameter_sends_nothing(
    calendar: Any, admin: SandboxAdmin, send_updates: str | None
) -> None:
    params = {"sendUpdates": send_updates} if send_updates else {}
    calendar.events().insert(calendarId="primary", body=one_on_one(), **params).execute()
    calendar.events().patch(
        calendarId="primary", eventId="pair000001", body={"description": "agenda"}, **params
    ).execute()
    assert admin.notifications() == []


def test_a_description_change_with_all_sends_an_update_to_each_guest(
    calendar: Any, admin: SandboxAdmin
) -> None:
    calendar.events().insert(calendarId="primary", body=one_on_one(), sendUpdates="all").execute()
    calendar.events().patch(
        calendarId="primary",
        eventId="pair000001",
        body={"description": "Agenda: pipeline"},
        sendUpdates="all",
    ).execute()
    assert kinds(admin, SAM) == ["invitation", "update"]


def test_a_private_property_or_reminder_change_is_no_news_to_guests(
    calendar: Any, admin: SandboxAdmin
) -> None:
    calendar.events().insert(calendarId="primary", body=one_on_one(), sendUpdates="all").execute()
    calendar.events().patch(
        calendarId="primary",
        eventId="pair000001",
        body={"extendedProperties": {"private": {"o3": "x"}}, "reminders": {"useDefault": False}},
        sendUpdates="all",
    ).execute()
    assert kinds(admin, SAM) == ["invitation"]


def test_moving_cancelling_and_restoring_an_occurrence_tell_the_guests_each_time(
    calendar: Any, admin: SandboxAdmin
) -> None:
    calendar.events().insert(calendarId="primary", body=one_on_one(), sendUpdates="all").execute()
    first = calendar.events().instances(calendarId="primary", eventId="pair000001").execute()
    instance = first["items"][1]["id"]
    moved = timed("2026-10-27", "14:00", "14:45")
    calendar.events().patch(
        calendarId="primary", eventId=instance, body=moved, sendUpdates="all"
    ).execute()
    calendar.events().patch(
        calendarId="primary", eventId=instance, body={"status": "cancelled"}, sendUpdates="all"
    ).execute()
    calendar.events().patch(
        calendarId="primary", eventId=instance, body={"status": "confirmed"}, sendUpdates="all"
    ).execute()
    assert kinds(admin, SAM) == ["invitation", "update", "cancellation", "invitation"]
    update = admin.notifications(SAM)[1]["event"]
    assert update["recurringEventId"] == "pair000001"
    assert update["start"]["dateTime"].startswith("2026-10-27T14:00")


def test_adding_and_removing_guests_invites_and_cancels_only_them(
    calendar: Any, admin: SandboxAdmin
) -> None:
    calendar.events().insert(calendarId="primary", body=one_on_one(), sendUpdates="all").execute()
    calendar.events().patch(
        calendarId="primary",
        eventId="pair000001",
        body={"attendees": [{"email": DANA}, {"email": LEE}]},
        sendUpdates="all",
    ).execute()
    assert kinds(admin, SAM) == ["invitation", "cancellation"]
    assert kinds(admin, LEE) == ["invitation"]


def test_deleting_the_series_sends_each_guest_a_cancellation(
    calendar: Any, admin: SandboxAdmin
) -> None:
    calendar.events().insert(calendarId="primary", body=one_on_one(), sendUpdates="all").execute()
    calendar.events().delete(
        calendarId="primary", eventId="pair000001", sendUpdates="all"
    ).execute()
    assert kinds(admin, SAM) == ["invitation", "cancellation"]


def test_external_only_reaches_only_guests_without_google_calendar(
    calendar: Any, admin: SandboxAdmin
) -> None:
    # "externalOnly: Notifications are sent to non-Google Calendar guests only" (events.patch):
    # a guest in another organisation who is on Google Calendar gets nothing, whatever domain.
    nobody = "nina@mailbox.example"
    admin.configure(non_google_domains=["mailbox.example"])
    body = one_on_one()
    body["attendees"] += [{"email": OUTSIDER}, {"email": nobody}]
    calendar.events().insert(calendarId="primary", body=body, sendUpdates="externalOnly").execute()
    assert admin.notifications(SAM) == []
    assert admin.notifications(OUTSIDER) == []
    assert kinds(admin, nobody) == ["invitation"]
    calendar.events().patch(
        calendarId="primary",
        eventId="pair000001",
        body={"recurrence": ["RRULE:FREQ=WEEKLY;UNTIL=20261110T000000Z"]},
        sendUpdates="externalOnly",
    ).execute()
    assert kinds(admin, nobody) == ["invitation", "update"]
    assert admin.notifications(OUTSIDER) == []
    assert admin.get_event(OUTSIDER, "pair000001")["recurrence"] == [
        "RRULE:FREQ=WEEKLY;UNTIL=20261110T000000Z"
    ]  # their own Google calendar copy follows without an email


def test_a_guest_without_google_calendar_keeps_no_copy_and_only_gets_email(
    calendar: Any, admin: SandboxAdmin
) -> None:
    admin.configure(non_google_domains=["partner.example"])
    body = one_on_one()
    body["attendees"].append({"email": OUTSIDER})
    calendar.events().insert(calendarId="primary", body=body, sendUpdates="all").execute()
    assert admin.get_event(OUTSIDER, "pair000001") is None
    assert admin.get_event(SAM, "pair000001") is not None
    assert kinds(admin, OUTSIDER) == ["invitation"]


def test_notifications_survive_a_restart_of_a_persistent_sandbox(tmp_path: Any) -> None:
    from integrations.sandbox import Sandbox
    from tests.sandbox.conftest import build_service, credentials_for

    state = tmp_path / "sandbox.db"
    first = Sandbox(state_path=state)
    first.start()
    try:
        admin = SandboxAdmin(first.url)
        service = build_service("calendar", first.url, credentials_for(admin, DANA))
        service.events().insert(
            calendarId="primary", body=one_on_one(), sendUpdates="all"
        ).execute()
        service.close()
    finally:
        first.stop()
    second = Sandbox(state_path=state)
    second.start()
    try:
        assert kinds(SandboxAdmin(second.url), SAM) == ["invitation"]
    finally:
        second.stop()
