"""OAuth for the sandbox: the ``/token`` endpoint, bearer-token checks and per-method scopes.

Refresh tokens come only from the admin API; service-account JWTs are decoded (no signature
or audience check) and their ``sub`` becomes the acting user, limited to admin-authorized scopes.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import secrets
import urllib.parse
from collections.abc import Callable
from typing import Any

from integrations.sandbox.errors import ApiError
from integrations.sandbox.store import Store, TokenRecord

SANDBOX_CLIENT_ID = "sandbox-client.apps.googleusercontent.com"
SANDBOX_CLIENT_SECRET = "sandbox-client-secret"
_PREFIX = "https://www.googleapis.com/auth/"
DEFAULT_SCOPES = tuple(_PREFIX + s for s in ("calendar.events", "calendar.freebusy", "gmail.send"))
_JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
_LIFETIME = 3599

_CAL_WRITE = ("calendar", "calendar.events", "calendar.events.owned", "calendar.app.created")
_CAL_READ = (
    *_CAL_WRITE, "calendar.readonly", "calendar.events.readonly",
    "calendar.events.owned.readonly", "calendar.events.public.readonly", "calendar.events.freebusy",
)  # fmt: skip
_GMAIL_SEND = (
    "gmail.send", "gmail.compose", "gmail.modify", "gmail.addons.current.action.compose",
    "https://mail.google.com/",
)  # fmt: skip
_GMAIL_READ = (
    "gmail.readonly", "gmail.compose", "gmail.modify", "gmail.metadata", "https://mail.google.com/",
)  # fmt: skip
_FREEBUSY = ("calendar", "calendar.readonly", "calendar.freebusy", "calendar.events.freebusy")
_FREEBUSY = ("calendar", "calendar.readonly", "calendar.freebusy", "calendar.events.freebusy")
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "calendar.events.insert": _CAL_WRITE,
    "calendar.events.update": _CAL_WRITE,
    "calendar.events.patch": _CAL_WRITE,
    "calendar.events.delete": _CAL_WRITE,
    "calendar.events.list": _CAL_READ,
    "calendar.events.get": _CAL_READ,
    "calendar.events.instances": _CAL_READ,
    "calendar.freebusy.query": _FREEBUSY,
    "gmail.users.messages.send": _GMAIL_SEND,
    "gmail.users.getProfile": _GMAIL_READ,
}


def full_scope(scope: str) -> str:
    return scope if "://" in scope else _PREFIX + scope


class TokenError(Exception):
    """An OAuth error, rendered as ``{"error", "error_description"}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.body = {"error": error, "error_description": description}


class Auth:
    def __init__(self, store: Store, now: Callable[[], dt.datetime]) -> None:
        self.store = store
        self.now = now
        self.dwd_scopes: set[str] = set(DEFAULT_SCOPES)

    def issue_refresh_token(self, email: str, scopes: list[str] | None) -> dict[str, str]:
        token = "1//sandbox-" + secrets.token_urlsafe(24)
        granted = [full_scope(s) for s in (scopes or DEFAULT_SCOPES)]
        self.store.put_token(token, "refresh", TokenRecord(email.lower(), granted))
        return {
            "refresh_token": token,
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
        }

    def revoke(self, email: str) -> None:
        for token, (kind, record) in list(self.store.tokens.items()):
            if record.email == email.lower() and not record.revoked:
                record.revoked = True
                self.store.put_token(token, kind, record)

    def user_of_refresh(self, form: dict[str, str]) -> str | None:
        found = self.store.tokens.get(form.get("refresh_token", ""))
        return found[1].email if found else None

    def token(self, body: bytes) -> dict[str, Any]:
        """Answer a token POST; raises TokenError for OAuth errors."""
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        grant = form.get("grant_type")
        if grant == "refresh_token":
            email, scopes = self._refresh(form)
        elif grant == _JWT_GRANT:
            email, scopes = self._assertion(form)
        else:
            raise TokenError(400, "unsupported_grant_type", f"Invalid grant_type: {grant}")
        access = "ya29.sandbox." + secrets.token_urlsafe(24)
        expires = self.now() + dt.timedelta(seconds=_LIFETIME)
        self.store.put_token(access, "access", TokenRecord(email, scopes, expires.isoformat()))
        return {
            "access_token": access,
            "expires_in": _LIFETIME,
            "token_type": "Bearer",
            "scope": " ".join(scopes),
        }

    def _refresh(self, form: dict[str, str]) -> tuple[str, list[str]]:
        if (form.get("client_id"), form.get("client_secret")) != (
            SANDBOX_CLIENT_ID,
            SANDBOX_CLIENT_SECRET,
        ):
            raise TokenError(401, "invalid_client", "The OAuth client was not found.")
        found = self.store.tokens.get(form.get("refresh_token", ""))
        if found is None or found[0] != "refresh" or found[1].revoked:
            raise TokenError(400, "invalid_grant", "Token has been expired or revoked.")
        record = found[1]
        wanted = form.get("scope", "").split()
        # RFC 6749 §6 (refreshing an access token), which Google's token endpoint follows: "The
        # requested scope MUST NOT include any scope not originally granted by the resource
        # owner, and if omitted is treated as equal to the scope originally granted"; §5.2:
        # invalid_scope is "The requested scope is invalid, unknown, malformed, or exceeds the
        # scope granted by the resource owner", with HTTP 400. Google words it "Some requested
        # scopes were invalid." Only a new consent (auth login) can widen the grant.
        if wanted and not set(wanted) <= set(record.scopes):
            raise TokenError(400, "invalid_scope", "Some requested scopes were invalid.")
        return record.email, wanted or list(record.scopes)

    def _assertion(self, form: dict[str, str]) -> tuple[str, list[str]]:
        claims = _jwt_claims(form.get("assertion", ""))
        subject = str(claims.get("sub") or claims.get("iss") or "").lower()
        scopes = str(claims.get("scope", "")).split()
        if not subject or not scopes or not set(scopes) <= self.dwd_scopes:
            raise TokenError(
                401,
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, or client "
                "not authorized for any of the scopes requested.",
            )
        return subject, scopes

    def bearer(self, header: str | None, method: str) -> str:
        """The user an Authorization header acts as, checked against ``method``'s scopes."""
        token = (header or "").removeprefix("Bearer ").strip()
        found = self.store.tokens.get(token)
        if (
            found is None
            or found[0] != "access"
            or found[1].revoked
            or _expired(found[1], self.now())
        ):
            raise ApiError(
                401, "authError", "Invalid Credentials",
                headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
            )  # fmt: skip
        record = found[1]
        accepted = {full_scope(s) for s in METHOD_SCOPES.get(method, ())}
        if accepted and not accepted & set(record.scopes):
            raise ApiError(
                403, "insufficientPermissions", "Request had insufficient authentication scopes."
            )
        return record.email


def _expired(record: TokenRecord, now: dt.datetime) -> bool:
    return record.expires is not None and dt.datetime.fromisoformat(record.expires) <= now


def _jwt_claims(assertion: str) -> dict[str, Any]:
    try:
        payload = assertion.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error) as exc:
        raise TokenError(400, "invalid_grant", "Invalid JWT.") from exc
    if not isinstance(claims, dict):
        raise TokenError(400, "invalid_grant", "Invalid JWT.")
    return claims
