"""Calling Google without hammering it: classify failures, back off, and pace each user.

googleapiclient retries only when asked (``num_retries``), ignores ``Retry-After`` and never
caps its backoff; google-auth's ``RefreshError`` is not an ``HttpError`` at all. This module is
the one place that decides, for any exception a Google call can raise, whether to retry it,
park the user for hours (usage limits), ask the manager to log in again (``invalid_grant``) or
give up, and it turns the outcome into the ``scheduler.errors`` tree the core understands.
"""

from __future__ import annotations

import datetime as dt
import errno
import http.client
import json
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

import httplib2
from google.auth import exceptions as auth_exceptions
from googleapiclient.errors import HttpError

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
from scheduler.ports import Clock

T = TypeVar("T")
Verdict = Literal["retry", "park", "revoked", "fail"]

SANDBOX_FAULT = "sandboxFault"  # the built-in sandbox's own bug (integrations.sandbox.server)
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
PARK_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
# OAuth errors that no retry can cure: the stored login is unusable until a person acts.
# invalid_scope: the login was granted fewer scopes than the service asks for (RFC 6749 §6);
# only a new consent ('oneonone auth login') widens it.
DEAD_LOGIN_ERRORS = (
    "invalid_grant",
    "invalid_scope",
    "unauthorized_client",
    "invalid_client",
    "access_denied",
)
RETRY_ERRNOS = frozenset(
    {
        errno.ETIMEDOUT,
        errno.EPIPE,
        errno.ECONNABORTED,
        errno.ECONNREFUSED,
        errno.ECONNRESET,
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
    }
)
_BY_STATUS: dict[int, type[CalendarError]] = {
    404: NotFound,
    409: AlreadyExists,
    410: SyncTokenExpired,
    412: PreconditionFailed,
}


@dataclass(frozen=True)
class RetryPolicy:
    """Full-jitter exponential backoff: sleep ``rand() * min(cap, base * 2**n)`` seconds."""

    tries: int = 6
    base: float = 1.0
    cap: float = 32.0


def http_status(exc: HttpError) -> int:
    status = getattr(exc, "status_code", None) or getattr(exc.resp, "status", 0)
    return int(status or 0)


def http_reason(exc: HttpError) -> str:
    """Google's machine reason (``quotaExceeded``…), read defensively; "" when absent.

    ``error_details`` is a list of dicts for v1 error bodies but a plain string for others, so
    fall back to the body's ``error.errors[0].reason`` and then ``error.status``.
    """
    details = getattr(exc, "error_details", None)
    if isinstance(details, list) and details and isinstance(details[0], dict):
        reason = details[0].get("reason")
        if isinstance(reason, str) and reason:
            return reason
    try:
        body = json.loads(exc.content.decode("utf-8", "replace"))
    except (ValueError, AttributeError):
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return error if isinstance(error, str) else ""
    errors = error.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        reason = errors[0].get("reason")
        if isinstance(reason, str) and reason:
            return reason
    status = error.get("status")
    return status if isinstance(status, str) else ""


def retry_after(exc: BaseException) -> float | None:
    """The ``Retry-After`` header in seconds, when the response carried a numeric one."""
    if not isinstance(exc, HttpError):
        return None
    value = exc.resp.get("retry-after") if hasattr(exc.resp, "get") else None
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP-date: we would need the clock; the backoff covers it
    return seconds if seconds is not None and seconds >= 0 else None


def classify(exc: BaseException) -> Verdict:
    """What to do about one failed call: retry, park the user, re-login, or give up."""
    if isinstance(exc, CalendarError):
        return _classify_domain(exc)
    if isinstance(exc, HttpError):
        return _classify_http(http_status(exc), http_reason(exc))
    if isinstance(exc, auth_exceptions.RefreshError):
        text = str(exc)
        return "revoked" if any(e in text for e in DEAD_LOGIN_ERRORS) else "retry"
    if isinstance(exc, auth_exceptions.TransportError):
        return "retry"
    if _is_transport_failure(exc):
        return "retry"
    return "fail"


def _classify_domain(exc: CalendarError) -> Verdict:
    if isinstance(exc, TransientError):
        return "retry"
    if isinstance(exc, UsageLimited):
        return "park"
    if isinstance(exc, AuthRevoked):
        return "revoked"
    return "fail"


def _classify_http(status: int, reason: str) -> Verdict:
    if reason == SANDBOX_FAULT:  # a bug in the built-in emulator: no retry cures it
        return "fail"
    if status >= 500 or status == 429:
        return "retry"
    if reason in PARK_REASONS:
        return "park"
    if status == 403 and reason in RATE_LIMIT_REASONS:
        return "retry"
    return "fail"


def _is_transport_failure(exc: BaseException) -> bool:
    if isinstance(
        exc,
        TimeoutError
        | ConnectionError
        | socket.gaierror
        | ssl.SSLError
        | http.client.HTTPException
        | httplib2.ServerNotFoundError,
    ):
        return True
    return isinstance(exc, OSError) and exc.errno in RETRY_ERRNOS


def to_domain_error(exc: BaseException) -> BaseException:
    """The ``scheduler.errors`` exception for a Google failure; a bug is returned unchanged."""
    if isinstance(exc, CalendarError):
        return exc
    verdict = classify(exc)
    status = http_status(exc) if isinstance(exc, HttpError) else 0
    reason = http_reason(exc) if isinstance(exc, HttpError) else ""
    detail = _describe(exc, status, reason)
    if verdict == "retry":
        return TransientError(f"Google kept failing: {detail}", status=status, reason=reason)
    if verdict == "park":
        return UsageLimited(f"Google usage limit reached: {detail}", status=status, reason=reason)
    if verdict == "revoked":
        return AuthRevoked(
            f"Google no longer accepts the stored login ({detail}); the manager must run "
            "'oneonone auth login EMAIL' again",
            status=status or 400,
            reason=reason or _oauth_error(exc),
        )
    if reason == SANDBOX_FAULT:
        return CalendarError(
            f"the built-in sandbox failed (a fault of the emulator, not of Google or of the "
            f"config): {getattr(exc, 'reason', '') or exc}",
            status=status,
            reason=reason,
        )
    if isinstance(exc, HttpError):
        kind = _BY_STATUS.get(status, CalendarError)
        return kind(f"Google refused the request: {detail}", status=status, reason=reason)
    return exc


def _describe(exc: BaseException, status: int, reason: str) -> str:
    if isinstance(exc, HttpError):
        message = getattr(exc, "reason", "") or ""
        return f"HTTP {status} {reason or '-'}: {message}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}"


def _oauth_error(exc: BaseException) -> str:
    text = str(exc)
    return next((e for e in DEAD_LOGIN_ERRORS if e in text), "")


def backoff_delay(
    attempt: int, exc: BaseException, policy: RetryPolicy, rand: Callable[[], float]
) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based), ``Retry-After`` as a floor."""
    delay = rand() * min(policy.cap, policy.base * 2.0**attempt)
    floor = retry_after(exc)
    if floor is not None:
        delay = max(delay, min(floor, policy.cap))
    return delay


def call_with_retries(
    fn: Callable[[], T],
    *,
    policy: RetryPolicy = RetryPolicy(),  # frozen, so sharing it is safe
    sleep: Callable[[float], None],
    rand: Callable[[], float],
    on_retry: Callable[[int, float, BaseException], None] | None = None,
) -> T:
    """Run ``fn``, retrying retryable failures; raise ``scheduler.errors`` when it gives up.

    ``on_retry(attempt, delay, exc)`` is told about each retry before the sleep (for logs and
    metrics). Exceptions that are not Google or network failures are bugs: raised unchanged.
    """
    for attempt in range(policy.tries):
        try:
            return fn()
        except Exception as exc:
            verdict = classify(exc)
            if verdict != "retry" or attempt == policy.tries - 1:
                mapped = to_domain_error(exc)
                if mapped is exc:
                    raise
                raise mapped from exc
            delay = backoff_delay(attempt, exc, policy, rand)
            if on_retry is not None:
                on_retry(attempt + 1, delay, exc)
            sleep(delay)
    raise ValueError(f"RetryPolicy.tries must be at least 1, got {policy.tries}")


class Pacer:
    """A token bucket per user, so one manager's calls stay under Google's per-user limit.

    ``per_minute`` tokens refill evenly; at most ``burst`` can be spent at once, so any
    60-second window sees at most ``per_minute + burst`` calls (550 by default, under the
    documented 600 per minute per user). Thread-safe: a caller reserves its slot under the
    lock and sleeps outside it, so one busy user never blocks another.
    """

    def __init__(
        self,
        per_minute: int = 500,
        *,
        clock: Clock,
        sleep: Callable[[float], None],
        burst: int | None = None,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.rate = per_minute / 60.0
        self.burst = float(burst if burst is not None else max(1, per_minute // 10))
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, dt.datetime]] = {}

    def wait(self, user: str) -> float:
        """Block until ``user`` may make one more call; returns the seconds waited."""
        delay = self.reserve(user)
        if delay > 0:
            self._sleep(delay)
        return delay

    def reserve(self, user: str) -> float:
        """Take one token for ``user`` now and return how long the caller must wait first."""
        key = user.lower()
        with self._lock:
            now = self._clock.now()
            tokens, last = self._buckets.get(key, (self.burst, now))
            elapsed = max(0.0, (now - last).total_seconds())
            tokens = min(self.burst, tokens + elapsed * self.rate) - 1.0
            self._buckets[key] = (tokens, now)
        return 0.0 if tokens >= 0 else -tokens / self.rate
