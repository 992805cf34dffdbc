"""Retries through a real googleapiclient request against scripted local responses."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import googleapiclient
import httplib2
import pytest
from google.auth import exceptions as auth_exceptions
from googleapiclient.discovery import build_from_document
from googleapiclient.errors import HttpError

from integrations.clock import FixedClock
from integrations.google.retry import (
    Pacer,
    RetryPolicy,
    call_with_retries,
    classify,
    to_domain_error,
)
from scheduler.errors import (
    AlreadyExists,
    AuthRevoked,
    CalendarError,
    NotFound,
    PreconditionFailed,
    SyncTokenExpired,
    TransientError,
    UsageLimited,
)

Reply = tuple[int, dict[str, str], bytes]


def error_body(code: int, reason: str, message: str = "boom") -> bytes:
    errors = [{"domain": "global", "reason": reason, "message": message}]
    return json.dumps({"error": {"errors": errors, "code": code, "message": message}}).encode()


OK: Reply = (200, {}, json.dumps({"id": "abc", "status": "confirmed"}).encode())


class ScriptedGoogle:
    """A local HTTP server that answers each request with the next scripted reply."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.paths: list[str] = []
        script = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                script.paths.append(self.path)
                status, headers, body = script.replies.pop(0) if script.replies else OK
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def google() -> Iterator[ScriptedGoogle]:
    server = ScriptedGoogle()
    yield server
    server.close()


def calendar_service(port: int) -> Any:
    docs = Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"
    doc = json.loads((docs / "calendar.v3.json").read_text())
    doc["rootUrl"] = f"http://127.0.0.1:{port}/"
    return build_from_document(doc, http=httplib2.Http(timeout=5))


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def run(google: ScriptedGoogle, *replies: Reply, policy: RetryPolicy | None = None) -> Any:
    google.replies = list(replies)
    sleeps = Sleeps()
    request = calendar_service(google.port).events().get(calendarId="primary", eventId="abc")
    try:
        return call_with_retries(
            request.execute, policy=policy or RetryPolicy(), sleep=sleeps, rand=lambda: 0.5
        )
    finally:
        run.sleeps = sleeps.calls  # type: ignore[attr-defined]


def test_a_fault_of_the_built_in_sandbox_is_named_as_its_own_and_not_retried(
    google: ScriptedGoogle,
) -> None:
    from integrations.sandbox.server import sandbox_fault

    fault = sandbox_fault(KeyError("dana@example.com"))
    with pytest.raises(CalendarError) as info:
        run(google, (fault.status, {}, fault.body))
    assert len(google.paths) == 1
    assert run.sleeps == []  # type: ignore[attr-defined]
    message = str(info.value)
    assert message.startswith("the built-in sandbox failed")
    assert "KeyError('dana@example.com')" in message
    assert "Google" not in message.split("(")[0]


def test_two_503s_then_200_succeeds_after_two_sleeps(google: ScriptedGoogle) -> None:
    unavailable: Reply = (503, {}, b"<html>Service Unavailable</html>")
    event = run(google, unavailable, unavailable, OK)
    assert event["id"] == "abc"
    assert len(google.paths) == 3
    assert google.paths[0].startswith("/calendar/v3/calendars/primary/events/abc")
    assert run.sleeps == [0.5, 1.0]  # type: ignore[attr-defined]


def test_400_is_not_retried(google: ScriptedGoogle) -> None:
    with pytest.raises(CalendarError) as info:
        run(google, (400, {}, error_body(400, "timeRangeEmpty")))
    assert type(info.value) is CalendarError
    assert (info.value.status, info.value.reason) == (400, "timeRangeEmpty")
    assert len(google.paths) == 1
    assert run.sleeps == []  # type: ignore[attr-defined]
    assert isinstance(info.value.__cause__, HttpError)


def test_403_quota_exceeded_parks_the_user_without_retrying(google: ScriptedGoogle) -> None:
    body = error_body(403, "quotaExceeded", "Calendar usage limits exceeded.")
    with pytest.raises(UsageLimited) as info:
        run(google, (403, {}, body))
    assert (info.value.status, info.value.reason) == (403, "quotaExceeded")
    assert len(google.paths) == 1


def test_gmail_daily_limit_parks_the_user(google: ScriptedGoogle) -> None:
    with pytest.raises(UsageLimited):
        run(google, (403, {}, error_body(403, "dailyLimitExceeded")))
    assert len(google.paths) == 1


def test_403_rate_limit_is_retried(google: ScriptedGoogle) -> None:
    assert run(google, (403, {}, error_body(403, "userRateLimitExceeded")), OK)["id"] == "abc"
    assert len(google.paths) == 2


def test_429_retry_after_is_a_floor_on_the_sleep(google: ScriptedGoogle) -> None:
    limited: Reply = (429, {"Retry-After": "7"}, error_body(429, "rateLimitExceeded"))
    run(google, limited, OK)
    assert run.sleeps == [7.0]  # type: ignore[attr-defined]


def test_retry_after_longer_than_the_cap_is_capped(google: ScriptedGoogle) -> None:
    limited: Reply = (429, {"Retry-After": "3600"}, error_body(429, "rateLimitExceeded"))
    run(google, limited, OK, policy=RetryPolicy(cap=32.0))
    assert run.sleeps == [32.0]  # type: ignore[attr-defined]


def test_exhausted_tries_raise_transient_error(google: ScriptedGoogle) -> None:
    failing: Reply = (500, {}, error_body(500, "backendError"))
    with pytest.raises(TransientError) as info:
        run(google, *[failing] * 4, policy=RetryPolicy(tries=4, base=1.0, cap=3.0))
    assert (info.value.status, info.value.reason) == (500, "backendError")
    assert len(google.paths) == 4
    assert run.sleeps == [0.5, 1.0, 1.5]  # type: ignore[attr-defined]  # capped at 3 * 0.5


@pytest.mark.parametrize(
    ("status", "reason", "kind"),
    [
        pytest.param(404, "notFound", NotFound, id="404"),
        pytest.param(409, "duplicate", AlreadyExists, id="409"),
        pytest.param(410, "fullSyncRequired", SyncTokenExpired, id="410"),
        pytest.param(412, "conditionNotMet", PreconditionFailed, id="412"),
    ],
)
def test_client_errors_map_to_their_domain_exception(
    google: ScriptedGoogle, status: int, reason: str, kind: type[CalendarError]
) -> None:
    with pytest.raises(kind) as info:
        run(google, (status, {}, error_body(status, reason)))
    assert (info.value.status, info.value.reason) == (status, reason)
    assert len(google.paths) == 1


def test_a_403_without_the_v1_error_shape_is_read_defensively(google: ScriptedGoogle) -> None:
    body = json.dumps({"error": {"status": "PERMISSION_DENIED", "message": "x"}}).encode()
    with pytest.raises(CalendarError) as info:
        run(google, (403, {}, body))
    assert info.value.reason == "PERMISSION_DENIED"
    assert len(google.paths) == 1


def test_on_retry_hears_each_retry(google: ScriptedGoogle) -> None:
    google.replies = [(502, {}, b""), OK]
    heard: list[tuple[int, float, int]] = []
    request = calendar_service(google.port).events().get(calendarId="primary", eventId="abc")
    call_with_retries(
        request.execute,
        policy=RetryPolicy(),
        sleep=lambda s: None,
        rand=lambda: 1.0,
        on_retry=lambda n, d, e: heard.append((n, d, e.resp.status)),
    )
    assert heard == [(1, 1.0, 502)]


def test_connection_refused_is_retried_then_transient() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    request = calendar_service(port).events().get(calendarId="primary", eventId="abc")
    sleeps = Sleeps()
    with pytest.raises(TransientError, match="ConnectionRefusedError"):
        call_with_retries(
            request.execute, policy=RetryPolicy(tries=3), sleep=sleeps, rand=lambda: 0.0
        )
    assert len(sleeps.calls) == 2


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ("invalid_grant", "Token has been expired or revoked."),
        ("invalid_scope", "Some requested scopes were invalid."),  # a grant narrower than asked
    ],
)
def test_a_dead_login_means_the_manager_must_log_in_again(reason: str, text: str) -> None:
    exc = auth_exceptions.RefreshError(f"{reason}: {text}", {"error": reason})
    assert classify(exc) == "revoked"
    calls = []

    def refresh() -> None:
        calls.append(1)
        raise exc

    with pytest.raises(AuthRevoked, match="auth login") as info:
        call_with_retries(refresh, sleep=lambda s: None, rand=lambda: 0.0)
    assert info.value.reason == reason
    assert calls == [1]


def test_other_refresh_errors_and_transport_errors_are_retried() -> None:
    assert classify(auth_exceptions.RefreshError("Internal error", retryable=True)) == "retry"
    assert classify(auth_exceptions.TransportError("connection reset")) == "retry"
    assert classify(TimeoutError()) == "retry"
    assert classify(ConnectionResetError()) == "retry"
    assert classify(httplib2.ServerNotFoundError("no such host")) == "retry"


def test_bugs_are_raised_unchanged_without_retrying() -> None:
    calls = []

    def buggy() -> None:
        calls.append(1)
        raise KeyError("summary")

    assert classify(KeyError("x")) == "fail"
    with pytest.raises(KeyError):
        call_with_retries(buggy, sleep=lambda s: None, rand=lambda: 0.0)
    assert calls == [1]
    assert isinstance(to_domain_error(ValueError()), ValueError)


def test_domain_errors_raised_by_the_call_keep_their_meaning() -> None:
    assert classify(TransientError("x")) == "retry"
    assert classify(UsageLimited("x")) == "park"
    assert classify(AuthRevoked("x")) == "revoked"
    assert classify(NotFound("x", status=404)) == "fail"


def test_pacer_lets_a_burst_through_then_spaces_calls_per_user() -> None:
    clock = FixedClock(dt.datetime(2026, 3, 8, 12, tzinfo=dt.UTC))
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(dt.timedelta(seconds=seconds))

    pacer = Pacer(60, clock=clock, sleep=sleep, burst=3)
    waits = [pacer.wait("dana@example.com") for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(1.0)
    assert waits[4] == pytest.approx(1.0)
    assert pacer.wait("lee@example.com") == 0.0  # another user has their own bucket
    clock.advance(dt.timedelta(minutes=5))
    assert pacer.wait("DANA@example.com") == 0.0  # refilled, and emails are case-blind


def test_pacer_default_keeps_any_minute_under_googles_600() -> None:
    clock = FixedClock(dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC))
    elapsed = [0.0]

    def sleep(seconds: float) -> None:
        elapsed[0] += seconds
        clock.advance(dt.timedelta(seconds=seconds))

    pacer = Pacer(clock=clock, sleep=sleep)
    calls = 0
    while elapsed[0] < 60.0:
        pacer.wait("dana@example.com")
        calls += 1
    assert 500 <= calls <= 600
