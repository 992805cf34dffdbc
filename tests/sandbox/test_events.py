"""Single events through the real client: insert, duplicates, get, list paging, patch, delete."""

from __future__ import annotations

from typing import Any

import pytest
from googleapiclient.errors import HttpError

from integrations.sandbox import SandboxAdmin
from tests.sandbox.conftest import DANA, timed


def reason(error: HttpError) -> str:
    return str(error.error_details[0]["reason"])


def test_insert_returns_the_event_with_server_fields(calendar: Any) -> None:
    body = timed("2026-10-21", "10:00", "10:45", id="oneonone0abc", summary="1:1")
    event = calendar.events().insert(calendarId="primary", body=body, sendUpdates="all").execute()
    assert event["id"] == "oneonone0abc"
    assert event["status"] == "confirmed"
    assert event["organizer"] == {"email": DANA, "self": True}
    assert event["etag"].startswith('"')
    assert event["kind"] == "calendar#event"
    assert event["created"] == "2026-10-20T12:00:00.000Z"


def test_insert_with_a_used_id_is_409_duplicate_even_after_delete(calendar: Any) -> None:
    body = timed("2026-10-21", "10:00", "10:45", id="oneonone0dup")
    calendar.events().insert(calendarId="primary", body=body).execute()
    with pytest.raises(HttpError) as first:
        calendar.events().insert(calendarId="primary", body=body).execute()
    assert (first.value.status_code, reason(first.value)) == (409, "duplicate")
    calendar.events().delete(calendarId="primary", eventId="oneonone0dup").execute()
    with pytest.raises(HttpError) as second:
        calendar.events().insert(calendarId="primary", body=body).execute()
    assert second.value.status_code == 409


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            timed("2026-10-21", "10:00", "11:00", id="Upper-Case"), "invalid", id="bad-id"
        ),
        pytest.param(timed("2026-10-21", "10:00", "11:00", id="abc"), "invalid", id="short-id"),
        pytest.param(
            {
                "start": {"dateTime": "2026-10-21T10:00:00"},
                "end": {"dateTime": "2026-10-21T11:00:00"},
            },
            "badRequest",
            id="no-offset-no-zone",
        ),
        pytest.param(
            {
                "start": {"dateTime": "2026-10-21T10:00:00-04:00"},
                "end": {"dateTime": "2026-10-21T11:00:00-04:00"},
                "recurrence": ["RRULE:FREQ=WEEKLY"],
            },
            "badRequest",
            id="recurring-without-timezone",
        ),
        pytest.param({"summary": "no times"}, "required", id="no-start"),
    ],
)
def test_insert_rejects_invalid_bodies_with_400(
    calendar: Any, body: dict[str, Any], expected: str
) -> None:
    with pytest.raises(HttpError) as caught:
        calendar.events().insert(calendarId="primary", body=body).execute()
    assert (caught.value.status_code, reason(caught.value)) == (400, expected)


def test_get_of_a_deleted_event_is_cancelled_and_second_delete_is_410(calendar: Any) -> None:
    calendar.events().insert(
        calendarId="primary", body=timed("2026-10-21", "10:00", "10:30", id="gone00001")
    ).execute()
    assert calendar.events().delete(calendarId="primary", eventId="gone00001").execute() == ""
    assert (
        calendar.events().get(calendarId="primary", eventId="gone00001").execute()["status"]
        == "cancelled"
    )
    with pytest.raises(HttpError) as caught:
        calendar.events().delete(calendarId="primary", eventId="gone00001").execute()
    assert (caught.value.status_code, reason(caught.value)) == (410, "deleted")


def test_another_users_calendar_is_404(calendar: Any) -> None:
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="sam@example.com").execute()
    assert caught.value.status_code == 404


def test_list_pages_follow_tokens_and_carry_sync_token_on_the_last_page_only(
    calendar: Any, admin: SandboxAdmin
) -> None:
    for n in range(7):
        admin.insert_event(DANA, timed("2026-10-22", f"1{n}:00", f"1{n}:30", id=f"page0000{n}"))
    admin.configure(page_jitter=0.7, seed=4)
    request = calendar.events().list(calendarId="primary", maxResults=3)
    ids, pages, sizes = [], [], []
    while request is not None:
        page = request.execute()
        pages.append(page)
        sizes.append(len(page["items"]))
        ids += [e["id"] for e in page["items"]]
        request = calendar.events().list_next(request, page)
    assert sorted(ids) == [f"page0000{n}" for n in range(7)]
    assert len(ids) == 7
    assert any(size < 3 for size in sizes[:-1])
    assert all("nextSyncToken" not in p for p in pages[:-1])
    assert "nextSyncToken" in pages[-1]


def test_max_results_outside_range_is_400(calendar: Any) -> None:
    with pytest.raises(HttpError) as caught:
        calendar.events().list(calendarId="primary", maxResults=0).execute()
    assert caught.value.status_code == 400


def test_time_range_rules_on_list(calendar: Any) -> None:
    with pytest.raises(HttpError) as empty:
        calendar.events().list(
            calendarId="primary", timeMin="2026-10-22T00:00:00Z", timeMax="2026-10-21T00:00:00Z"
        ).execute()
    assert reason(empty.value) == "timeRangeEmpty"
    with pytest.raises(HttpError) as naive:
        calendar.events().list(calendarId="primary", timeMin="2026-10-22T00:00:00").execute()
    assert naive.value.status_code == 400
    with pytest.raises(HttpError) as order:
        calendar.events().list(calendarId="primary", orderBy="startTime").execute()
    assert order.value.status_code == 400


def test_patch_merges_nested_objects_and_null_removes_private_keys(calendar: Any) -> None:
    body = timed("2026-10-21", "10:00", "10:30", id="patch0001", summary="a", description="keep")
    body["extendedProperties"] = {"private": {"o3": "pair-1", "gen": "1"}}
    calendar.events().insert(calendarId="primary", body=body).execute()
    patched = (
        calendar.events()
        .patch(
            calendarId="primary",
            eventId="patch0001",
            body={"summary": "b", "extendedProperties": {"private": {"gen": None, "new": "x"}}},
        )
        .execute()
    )
    assert patched["summary"] == "b"
    assert patched["description"] == "keep"
    assert patched["extendedProperties"]["private"] == {"o3": "pair-1", "new": "x"}


def test_update_without_extended_properties_clears_them(calendar: Any) -> None:
    body = timed(
        "2026-10-21", "10:00", "10:30", id="update001", extendedProperties={"private": {"k": "v"}}
    )
    calendar.events().insert(calendarId="primary", body=body).execute()
    updated = (
        calendar.events()
        .update(
            calendarId="primary",
            eventId="update001",
            body=timed("2026-10-21", "11:00", "11:30", summary="s"),
        )
        .execute()
    )
    assert "extendedProperties" not in updated
    assert updated["start"]["dateTime"] == "2026-10-21T11:00:00"


def test_if_match_with_a_stale_etag_is_412_and_if_none_match_is_304(calendar: Any) -> None:
    event = (
        calendar.events()
        .insert(calendarId="primary", body=timed("2026-10-21", "10:00", "10:30", id="etag00001"))
        .execute()
    )
    fresh = (
        calendar.events()
        .patch(calendarId="primary", eventId="etag00001", body={"summary": "x"})
        .execute()
    )
    assert fresh["etag"] != event["etag"]
    request = calendar.events().update(
        calendarId="primary", eventId="etag00001", body=timed("2026-10-21", "10:00", "10:30")
    )
    request.headers["If-Match"] = event["etag"]
    with pytest.raises(HttpError) as caught:
        request.execute()
    assert (caught.value.status_code, reason(caught.value)) == (412, "conditionNotMet")
    get = calendar.events().get(calendarId="primary", eventId="etag00001")
    get.headers["If-None-Match"] = fresh["etag"]
    with pytest.raises(HttpError) as not_modified:
        get.execute()
    assert not_modified.value.status_code == 304


def test_private_extended_property_filter_ands_constraints(
    calendar: Any, admin: SandboxAdmin
) -> None:
    for n, props in enumerate([{"o3": "p1", "g": "1"}, {"o3": "p1", "g": "2"}, {"o3": "p2"}]):
        admin.insert_event(
            DANA,
            timed(
                "2026-10-23",
                "10:00",
                "10:30",
                id=f"prop0000{n}",
                extendedProperties={"private": props},
            ),
        )
    one = calendar.events().list(calendarId="primary", privateExtendedProperty="o3=p1").execute()
    both = (
        calendar.events()
        .list(calendarId="primary", privateExtendedProperty=["o3=p1", "g=2"])
        .execute()
    )
    assert sorted(e["id"] for e in one["items"]) == ["prop00000", "prop00001"]
    assert [e["id"] for e in both["items"]] == ["prop00001"]
    assert "nextSyncToken" not in one


def test_unknown_paths_are_json_404(sandbox: Any) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(sandbox.url + "calendars/primary/events")
    assert caught.value.code == 404
    assert b'"notFound"' in caught.value.read()
    caught.value.close()
