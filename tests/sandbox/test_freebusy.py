"""freebusy.query: what blocks time, merging, clipping and per-calendar errors."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from integrations.sandbox import SandboxAdmin
from tests.sandbox.conftest import DANA, SAM, timed

DAY = {"timeMin": "2026-10-21T00:00:00-04:00", "timeMax": "2026-10-22T00:00:00-04:00"}


def query(service: Any, *emails: str, window: dict[str, str] = DAY) -> dict[str, Any]:
    body = {**window, "items": [{"id": e} for e in emails]}
    return service.freebusy().query(body=body).execute()["calendars"]


def test_busy_merges_overlaps_and_skips_transparent_declined_and_working_location(
    calendar: Any, admin: SandboxAdmin
) -> None:
    admin.insert_event(SAM, timed("2026-10-21", "09:00", "10:00"))
    admin.insert_event(SAM, timed("2026-10-21", "09:30", "10:30"))
    admin.insert_event(SAM, timed("2026-10-21", "12:00", "13:00", transparency="transparent"))
    admin.insert_event(SAM, timed("2026-10-21", "14:00", "15:00", eventType="workingLocation"))
    admin.insert_event(
        DANA, timed("2026-10-21", "16:00", "17:00", id="declined01", attendees=[{"email": SAM}])
    )
    admin.respond(SAM, "declined01", "declined")
    admin.insert_event(SAM, timed("2026-10-21", "23:30", "23:59"))
    busy = query(calendar, SAM)[SAM]["busy"]
    assert busy == [
        {"start": "2026-10-21T13:00:00Z", "end": "2026-10-21T14:30:00Z"},
        {"start": "2026-10-22T03:30:00Z", "end": "2026-10-22T03:59:00Z"},
    ]
    assert query(calendar, "primary")["primary"]["busy"] == [
        {"start": "2026-10-21T20:00:00Z", "end": "2026-10-21T21:00:00Z"}
    ]


def test_recurring_instances_are_busy_and_clipped_to_the_window(
    calendar: Any, admin: SandboxAdmin
) -> None:
    admin.insert_event(SAM, timed("2026-10-14", "23:00", "23:59", recurrence=["RRULE:FREQ=WEEKLY"]))
    window = {"timeMin": "2026-10-21T23:30:00-04:00", "timeMax": "2026-10-22T00:00:00-04:00"}
    assert query(calendar, SAM, window=window)[SAM]["busy"] == [
        {"start": "2026-10-22T03:30:00Z", "end": "2026-10-22T03:59:00Z"}
    ]


def test_freebusy_error_switch_and_too_many_calendars(calendar: Any, admin: SandboxAdmin) -> None:
    admin.set_freebusy_error(SAM, "notFound")
    result = query(calendar, SAM, *[f"u{n}@example.com" for n in range(50)])
    assert result[SAM]["errors"] == [{"domain": "global", "reason": "notFound"}]
    assert result["u49@example.com"]["errors"][0]["reason"] == "tooManyCalendarsRequested"
    assert result["u48@example.com"] == {"busy": []}


def test_freebusy_needs_an_offset_and_its_own_scope(calendar: Any, service_for: Any) -> None:
    with pytest.raises(HttpError) as naive:
        query(
            calendar,
            SAM,
            window={"timeMin": "2026-10-21T00:00:00", "timeMax": "2026-10-22T00:00:00Z"},
        )
    assert naive.value.status_code == 400
    events_only = service_for("calendar", DANA, ["calendar.events"])
    with pytest.raises(HttpError) as scope:
        query(events_only, SAM)
    assert scope.value.status_code == 403
    assert scope.value.error_details[0]["reason"] == "insufficientPermissions"


def test_a_calendar_outside_the_callers_organisation_is_not_found_never_free(
    calendar: Any, admin: SandboxAdmin
) -> None:
    """freebusy.query reference, FreeBusyCalendar.errors: a calendar the caller cannot see is
    answered with HTTP 200 and ``errors: [{domain: global, reason: notFound}]``; a rep at
    another company (or a personal address) is such a calendar for a Workspace manager."""
    outsider = "sam@gmail.com"
    admin.insert_event(outsider, timed("2026-10-21", "09:00", "10:00"))
    result = query(calendar, outsider, SAM)
    assert result[outsider] == {"busy": [], "errors": [{"domain": "global", "reason": "notFound"}]}
    assert "errors" not in result[SAM]
    admin.configure(domains=["example.com", "gmail.com"])
    assert query(calendar, outsider)[outsider]["busy"] == [
        {"start": "2026-10-21T13:00:00Z", "end": "2026-10-21T14:00:00Z"}
    ]
