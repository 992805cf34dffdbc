"""Batch, tokens, scopes, faults and counts, all through the real client stack."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import requests
from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from integrations.clock import FixedClock
from integrations.sandbox import Sandbox, SandboxAdmin
from tests.sandbox.conftest import DANA, SAM, build_service, credentials_for, timed


def test_batch_of_120_inserts_reports_per_part_conflicts_to_the_callback(
    sandbox: Sandbox, calendar: Any, admin: SandboxAdmin
) -> None:
    admin.insert_event(DANA, timed("2026-10-21", "08:00", "08:30", id="batch00007"))
    # A batch refreshes stale credentials on a private Http it never closes: refresh first.
    calendar.events().list(calendarId="primary").execute()
    admin.reset_counts()
    results: dict[str, Any] = {}

    def callback(request_id: str, response: Any, exception: Exception | None) -> None:
        results[request_id] = exception or response

    for chunk in range(2):
        batch = BatchHttpRequest(callback=callback, batch_uri=sandbox.url + "batch/calendar/v3")
        for n in range(chunk * 60, chunk * 60 + 60):
            body = timed("2026-10-21", "09:00", "09:30", id=f"batch{n:05d}")
            batch.add(calendar.events().insert(calendarId="primary", body=body), request_id=f"r{n}")
        batch.execute()
    assert len(results) == 120
    failed = {k: v for k, v in results.items() if isinstance(v, Exception)}
    assert list(failed) == ["r7"]
    assert isinstance(failed["r7"], HttpError)
    assert failed["r7"].status_code == 409
    assert results["r8"]["id"] == "batch00008"
    counts = admin.counts()
    assert counts["by_method"]["calendar.events.insert"] == 120
    assert counts["by_method"]["batch"] == 2
    assert counts["batch_parts"] == 120  # so 2 round trips: total less the parts
    assert counts["total"] - counts["batch_parts"] == 2
    assert counts["by_status"]["409"] == 1
    assert counts["writes"] == 120


def test_revoked_refresh_token_raises_refresh_error(sandbox: Sandbox, admin: SandboxAdmin) -> None:
    creds = credentials_for(admin, DANA)
    service = build_service("calendar", sandbox.url, creds)
    service.events().list(calendarId="primary").execute()
    admin.revoke_tokens(DANA)
    # The access token now gets a 401; the client refreshes, and the refresh is refused.
    with pytest.raises(RefreshError, match="invalid_grant"):
        service.events().list(calendarId="primary").execute()
    service.close()


def test_an_access_token_works_for_its_expires_in_and_then_answers_401_as_google_does(
    sandbox: Sandbox, admin: SandboxAdmin, clock: FixedClock
) -> None:
    grant = admin.issue_token(DANA)
    form = {"grant_type": "refresh_token", **grant}
    answer = requests.post(grant["token_uri"], data=form, timeout=5).json()
    assert answer["expires_in"] == 3599
    url = sandbox.url + "calendar/v3/calendars/primary/events"
    bearer = {"Authorization": f"Bearer {answer['access_token']}"}
    clock.advance(dt.timedelta(seconds=3598))
    assert requests.get(url, headers=bearer, timeout=5).status_code == 200
    clock.advance(dt.timedelta(seconds=1))
    late = requests.get(url, headers=bearer, timeout=5)
    assert late.status_code == 401
    assert late.json()["error"]["errors"] == [
        {
            "domain": "global",
            "reason": "authError",
            "message": "Invalid Credentials",
            "locationType": "header",
            "location": "Authorization",
        }
    ]


def test_expired_access_token_is_refreshed_transparently(
    sandbox: Sandbox, admin: SandboxAdmin, clock: FixedClock
) -> None:
    creds = credentials_for(admin, DANA)
    service = build_service("calendar", sandbox.url, creds)
    service.events().list(calendarId="primary").execute()
    first = creds.token
    clock.advance(dt.timedelta(hours=2))
    service.events().list(calendarId="primary").execute()
    assert creds.token != first
    assert admin.counts()["by_method"]["oauth2.token"] == 2
    service.close()


def test_wrong_client_secret_is_refused(sandbox: Sandbox, admin: SandboxAdmin) -> None:
    creds = credentials_for(admin, DANA)
    creds._client_secret = "nope"
    service = build_service("calendar", sandbox.url, creds)
    with pytest.raises(RefreshError, match="invalid_client"):
        service.events().list(calendarId="primary").execute()
    service.close()


def test_missing_scope_is_403_insufficient_permissions(service_for: Any) -> None:
    readonly = service_for("calendar", DANA, ["calendar.readonly"])
    readonly.events().list(calendarId="primary").execute()
    with pytest.raises(HttpError) as caught:
        readonly.events().insert(
            calendarId="primary", body=timed("2026-10-21", "09:00", "09:30")
        ).execute()
    assert caught.value.status_code == 403
    assert caught.value.error_details[0]["reason"] == "insufficientPermissions"


def test_injected_503s_are_retried_by_the_client_and_counted(
    calendar: Any, admin: SandboxAdmin
) -> None:
    calendar.events().list(calendarId="primary").execute()
    admin.reset_counts()
    admin.add_fault(method="calendar.events.insert", status=503, reason="backendError", times=2)
    body = timed("2026-10-21", "09:00", "09:30", id="again00001")
    event = calendar.events().insert(calendarId="primary", body=body).execute(num_retries=3)
    assert event["id"] == "again00001"
    counts = admin.counts()
    assert counts["by_method"] == {"calendar.events.insert": 3}
    assert counts["by_status"] == {"503": 2, "200": 1}
    assert counts["by_user"] == {DANA: 1}
    assert [r["status"] for r in admin.requests(3)] == [503, 503, 200]


def test_rate_faults_are_deterministic_for_a_seed(calendar: Any, admin: SandboxAdmin) -> None:
    def run() -> list[int]:
        admin.clear_faults()
        admin.add_fault(
            method="calendar.events.list", status=429, reason="rateLimitExceeded", rate=0.5, seed=7
        )
        statuses = []
        for _ in range(12):
            try:
                calendar.events().list(calendarId="primary").execute()
                statuses.append(200)
            except HttpError as error:
                statuses.append(error.status_code)
        return statuses

    first = run()
    assert first == run()
    assert 200 in first
    assert 429 in first


def test_token_endpoint_faults_are_retried_by_google_auth(
    sandbox: Sandbox, admin: SandboxAdmin
) -> None:
    admin.add_fault(method="oauth2.token", status=503, reason="temporarily_unavailable", times=1)
    service = build_service("calendar", sandbox.url, credentials_for(admin, DANA))
    service.events().list(calendarId="primary").execute()
    assert admin.counts()["by_status"]["503"] == 1
    service.close()


def test_a_fault_after_the_write_applies_it_and_still_answers_503(
    calendar: Any, admin: SandboxAdmin
) -> None:
    # A 500/503 says only "An unexpected error occurred while processing the request"
    # (developers.google.com/workspace/calendar/api/guides/errors): the write may have happened.
    event = (
        calendar.events()
        .insert(calendarId="primary", body=timed("2026-10-21", "09:00", "09:30"))
        .execute()
    )
    admin.add_fault(method="calendar.events.patch", status=503, times=1, after=True)
    request = calendar.events().patch(
        calendarId="primary", eventId=event["id"], body={"summary": "Moved"}
    )
    request.headers["If-Match"] = event["etag"]
    with pytest.raises(HttpError) as caught:
        request.execute()
    assert caught.value.status_code == 503
    stored = admin.get_event(DANA, event["id"])
    assert stored is not None
    assert stored["summary"] == "Moved"
    # The same conditional write sent again now fails its precondition: the etag moved on.
    again = calendar.events().patch(
        calendarId="primary", eventId=event["id"], body={"summary": "Moved"}
    )
    again.headers["If-Match"] = event["etag"]
    with pytest.raises(HttpError) as refused:
        again.execute()
    assert refused.value.status_code == 412


def test_the_read_only_events_scope_reads_incrementally_and_can_do_nothing_else(
    service_for: Any,
) -> None:
    # The discovery document's scopes per method: events.list accepts calendar.events.readonly;
    # events.patch needs a write scope; freebusy.query accepts only calendar, calendar.readonly,
    # calendar.freebusy and calendar.events.freebusy.
    writer = service_for("calendar", SAM)
    event = (
        writer.events()
        .insert(calendarId="primary", body=timed("2026-10-21", "09:00", "09:30"))
        .execute()
    )
    reader = service_for("calendar", SAM, ["calendar.events.readonly"])
    first = reader.events().list(calendarId="primary", showDeleted=True).execute()
    assert [i["id"] for i in first["items"]] == [event["id"]]
    again = reader.events().list(calendarId="primary", syncToken=first["nextSyncToken"]).execute()
    assert again["items"] == []
    for request in (
        reader.events().patch(calendarId="primary", eventId=event["id"], body={"summary": "x"}),
        reader.freebusy().query(
            body={"timeMin": "2026-10-21T00:00:00Z", "timeMax": "2026-10-22T00:00:00Z"}
        ),
    ):
        with pytest.raises(HttpError) as caught:
            request.execute()
        assert caught.value.status_code == 403
