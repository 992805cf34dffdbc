"""Google-shaped errors for the sandbox: one exception type that renders as a v1 error body.

Every handler raises ``ApiError``; the HTTP layer turns it into
``{"error": {"errors": [{"domain", "reason", "message"}], "code", "message"}}`` because
googleapiclient's retry decision and ``HttpError.error_details`` read exactly that shape.
"""

from __future__ import annotations

import json
from typing import Any

_USAGE_LIMIT_REASONS = frozenset(
    {"rateLimitExceeded", "userRateLimitExceeded", "quotaExceeded", "dailyLimitExceeded"}
)

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    410: "FAILED_PRECONDITION",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """A request the emulated Google API refuses, with the status and reason Google would give."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        *,
        domain: str | None = None,
        headers: dict[str, str] | None = None,
        location: tuple[str, str] | None = None,
    ) -> None:
        super().__init__(f"{code} {reason}: {message}")
        self.code = code
        self.reason = reason
        self.message = message
        self.domain = domain or ("usageLimits" if reason in _USAGE_LIMIT_REASONS else "global")
        self.headers = dict(headers or {})
        self.location = location  # (locationType, location), as Google names what was wrong

    def body(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "domain": self.domain,
            "reason": self.reason,
            "message": self.message,
        }
        if self.location is not None:
            detail["locationType"], detail["location"] = self.location
        error: dict[str, Any] = {
            "errors": [detail],
            "code": self.code,
            "message": self.message,
        }
        if self.code in _STATUS_NAMES:
            error["status"] = _STATUS_NAMES[self.code]
        return {"error": error}

    def encoded(self) -> bytes:
        return json.dumps(self.body()).encode()


def bad_request(message: str, reason: str = "badRequest") -> ApiError:
    return ApiError(400, reason, message)


def invalid(message: str) -> ApiError:
    return ApiError(400, "invalid", message)


def not_found(message: str = "Not Found") -> ApiError:
    return ApiError(404, "notFound", message)


def forbidden_for_non_organizer() -> ApiError:
    return ApiError(
        403,
        "forbiddenForNonOrganizer",
        "Shared properties can only be changed by the organizer of the event.",
    )
