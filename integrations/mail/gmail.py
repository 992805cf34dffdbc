"""A mailer that sends through the Gmail API as the manager, with only the ``gmail.send`` scope.

That scope cannot read anything back, so this adapter keeps what it learns: the ``threadId``
Gmail returns for the first message of an occurrence is stored (per sender mailbox and thread
key) and passed with the later ones, together with the synthetic anchor in ``References`` that
``mime`` writes; Gmail needs both to thread. Errors are translated into the service's own tree:
sending limits park the sender, 5xx are retried later, a revoked grant asks the manager to log
in again, and a connection lost mid-request is flagged as ambiguous.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

import httplib2
from google.auth.exceptions import RefreshError
from google.auth.exceptions import TransportError as AuthTransportError
from googleapiclient.errors import HttpError

from integrations.clock import SystemClock
from integrations.mail.mime import DEFAULT_DOMAIN, build_mime, mime_bytes
from scheduler.errors import (
    AuthRevoked,
    CredentialsError,
    OneOnOneError,
    SendRejected,
    TransientError,
    UsageLimited,
)
from scheduler.ports import OutgoingEmail

AMBIGUOUS = "ambiguous"
LIMIT_REASONS = frozenset(
    {"dailyLimitExceeded", "userRateLimitExceeded", "rateLimitExceeded", "quotaExceeded"}
)


class ThreadStore(Protocol):
    """Where Gmail thread ids live between sends (the deliveries table, or memory)."""

    def get(self, sender: str, thread_key: str) -> str | None: ...

    def put(self, sender: str, thread_key: str, thread_id: str) -> None: ...


class MemoryThreads:
    """A ``ThreadStore`` for a single process lifetime (tests, ``--once`` runs)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], str] = {}

    def get(self, sender: str, thread_key: str) -> str | None:
        return self._ids.get((sender.lower(), thread_key))

    def put(self, sender: str, thread_key: str, thread_id: str) -> None:
        self._ids[(sender.lower(), thread_key)] = thread_id


def _first_reason(exc: HttpError) -> str:
    details = exc.error_details
    if isinstance(details, list) and details and isinstance(details[0], dict):
        return str(details[0].get("reason", ""))
    return ""


def classify_http_error(exc: HttpError) -> OneOnOneError:
    """Gmail's HTTP error as one of ours (see the module docstring for the policy)."""
    status = exc.status_code or 0
    reason = _first_reason(exc)
    text = f"Gmail send: {status} {reason} {exc.reason}".strip()
    if status in (403, 429) and (reason in LIMIT_REASONS or "limit" in str(exc.reason).lower()):
        return UsageLimited(text, status=status, reason=reason)
    if status == 429 or status >= 500:
        return TransientError(text, status=status, reason=reason)
    if status == 401:
        return AuthRevoked(text, status=status, reason=reason)
    if status == 403:
        return CredentialsError(f"{text}: the account cannot send with this grant")
    return SendRejected(text, status=status)


def _unknown_thread(exc: SendRejected) -> bool:
    """Gmail's answer to a ``threadId`` the mailbox does not hold: 400 "Invalid thread_id
    value" (as practitioners report it), or 404 for a thread deleted meanwhile."""
    return exc.status == 404 or (exc.status == 400 and "thread_id" in str(exc).lower())


def classify_refresh_error(exc: RefreshError) -> OneOnOneError:
    if "invalid_grant" in str(exc):
        return AuthRevoked(f"Gmail token refused ({exc}): log in again", reason="invalid_grant")
    if getattr(exc, "retryable", False):
        return TransientError(f"Gmail token refresh failed: {exc}")
    return CredentialsError(f"Gmail token refresh failed: {exc}")


class GmailMailer:
    """``Mailer`` over ``users.messages.send``; ``send`` returns Gmail's message id.

    ``service_for(sender_email)`` returns a built Gmail v1 resource acting as that account;
    the From address must be that account (Gmail sends as the authenticated user).
    """

    def __init__(
        self,
        service_for: Callable[[str], Any],
        *,
        threads: ThreadStore | None = None,
        date_fn: Callable[[], dt.datetime] | None = None,
        domain: str = DEFAULT_DOMAIN,
    ) -> None:
        self._service_for = service_for
        self.threads: ThreadStore = threads if threads is not None else MemoryThreads()
        self._date_fn = date_fn or SystemClock().now
        self._domain = domain

    def send(self, message: OutgoingEmail) -> str:
        mime = build_mime(message, date=self._date_fn(), domain=self._domain)
        raw = base64.urlsafe_b64encode(mime_bytes(mime)).decode("ascii")
        sender = message.sender.email
        key = message.thread_key
        thread_id = self.threads.get(sender, key) if key else None
        service = self._service_for(sender)
        try:
            result = self._call(service, raw, thread_id)
        except SendRejected as exc:
            if thread_id is None or not _unknown_thread(exc):
                raise
            # The thread is gone from the mailbox (deleted, or another mailbox's): Gmail sent
            # nothing, so the message starts a new thread instead of failing for good.
            result = self._call(service, raw, None)
        new_thread = str(result.get("threadId") or "")
        if key and new_thread and new_thread != thread_id:
            self.threads.put(sender, key, new_thread)
        return str(result["id"])

    def _call(self, service: Any, raw: str, thread_id: str | None) -> dict[str, Any]:
        body: dict[str, str] = {"raw": raw}
        if thread_id:
            body["threadId"] = thread_id
        request = service.users().messages().send(userId="me", body=body)
        try:
            # No client-side retries: the outbox owns backoff, so a retry is never hidden.
            result: dict[str, Any] = request.execute(num_retries=0)
        except HttpError as exc:
            raise classify_http_error(exc) from exc
        except RefreshError as exc:
            raise classify_refresh_error(exc) from exc
        except (AuthTransportError, ConnectionRefusedError, httplib2.ServerNotFoundError) as exc:
            raise TransientError(f"Gmail unreachable: {exc!r}") from exc
        except (OSError, httplib2.HttpLib2Error) as exc:
            raise TransientError(
                f"Gmail connection lost during send ({exc!r})", reason=AMBIGUOUS
            ) from exc
        return result
