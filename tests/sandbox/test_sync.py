"""Incremental sync through the real client: deltas, stripped cancellations, 410, 400 combos."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from integrations.sandbox import SandboxAdmin
from tests.sandbox.conftest import DANA, timed


def full_sync(calendar: Any, **params: Any) -> tuple[list[dict[str, Any]], str]:
    request = calendar.events().list(calendarId="primary", **params)
    items: list[dict[str, Any]] = []
    while True:
        page = request.execute()
        items += page["items"]
        if "nextSyncToken" in page:
            return items, page["nextSyncToken"]
        request = calendar.events().list_next(request, page)


def test_sync_token_returns_only_changes_with_cancelled_items_stripped(
    calendar: Any, admin: SandboxAdmin
) -> None:
    for n in range(3):
        admin.insert_event(DANA, timed("2026-10-22", f"1{n}:00", f"1{n}:30", id=f"delta000{n}"))
    items, token = full_sync(calendar)
    assert len(items) == 3
    calendar.events().patch(
        calendarId="primary", eventId="delta0001", body={"summary": "new"}
    ).execute()
    calendar.events().delete(calendarId="primary", eventId="delta0002").execute()
    admin.insert_event(DANA, timed("2026-10-23", "09:00", "09:30", id="delta0003"))
    delta, token2 = full_sync(calendar, syncToken=token, showDeleted=True)
    by_id = {e["id"]: e for e in delta}
    assert set(by_id) == {"delta0001", "delta0002", "delta0003"}
    assert by_id["delta0001"]["summary"] == "new"
    assert set(by_id["delta0002"]) <= {"kind", "etag", "id", "status"}
    assert by_id["delta0002"]["status"] == "cancelled"
    nothing, _ = full_sync(calendar, syncToken=token2)
    assert nothing == []


def test_expired_sync_token_is_410_full_sync_required(calendar: Any, admin: SandboxAdmin) -> None:
    _, token = full_sync(calendar)
    admin.expire_sync_tokens(DANA)
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="primary", syncToken=token).execute()
    assert caught.value.status_code == 410
    assert caught.value.error_details[0]["reason"] == "fullSyncRequired"
    _, fresh = full_sync(calendar)
    assert calendar.events().list(calendarId="primary", syncToken=fresh).execute()["items"] == []


def test_garbage_sync_token_is_410(calendar: Any) -> None:
    with pytest.raises(HttpError) as caught:
        calendar.events().list(
            calendarId="primary", syncToken="CPDAlvWDx70CEPDAlvWDx70CGAU="
        ).execute()
    assert caught.value.status_code == 410


@pytest.mark.parametrize(
    "extra",
    [
        pytest.param({"privateExtendedProperty": "a=b"}, id="private-filter"),
        pytest.param({"timeMin": "2026-10-01T00:00:00Z"}, id="timeMin"),
        pytest.param({"q": "x"}, id="q"),
        pytest.param({"updatedMin": "2026-10-01T00:00:00Z"}, id="updatedMin"),
        pytest.param({"showDeleted": False}, id="showDeleted-false"),
    ],
)
def test_sync_token_with_a_forbidden_parameter_is_400(calendar: Any, extra: dict[str, Any]) -> None:
    _, token = full_sync(calendar)
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="primary", syncToken=token, **extra).execute()
    assert caught.value.status_code == 400


def test_single_events_sync_returns_instances_of_a_changed_series(calendar: Any) -> None:
    _, token = full_sync(calendar, singleEvents=True)
    series = timed(
        "2026-10-20", "10:00", "10:45", id="cadence001", recurrence=["RRULE:FREQ=WEEKLY;COUNT=3"]
    )
    calendar.events().insert(calendarId="primary", body=series).execute()
    delta, _ = full_sync(calendar, syncToken=token, singleEvents=True)
    assert [e["id"] for e in delta] == [
        "cadence001_20261020T140000Z",
        "cadence001_20261027T140000Z",
        "cadence001_20261103T150000Z",
    ]
