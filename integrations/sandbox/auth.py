"""OAuth for the sandbox: the ``/token`` endpoint, bearer-token checks and per-method scopes.

Refresh tokens come from the admin API, or from an authorization code the admin API issues in
place of a person's consent in a browser; service-account JWTs are decoded (no signature or
audience check) and their ``sub`` becomes the acting user, limited to admin-authorized scopes.

The code exchange follows Google's "Exchange authorization code for refresh and access tokens"
(developers.google.com/identity/protocols/oauth2/native-app, step 5): the answer holds
``access_token``, ``expires_in``, ``refresh_token``, ``scope`` ("the scopes of access granted
by the access_token expressed as a list of space-delimited, case-sensitive strings"),
``token_type`` and, when ``openid`` was granted, an ``id_token`` (a JWT "that contains identity
information about the user"). With granular consent a person may grant fewer scopes than were
asked for, and "your app should check which scopes were granted" from that ``scope`` field
(.../oauth2/resources/granular-permissions). A code is used once and only with the redirect it
was issued for (RFC 6749 4.1.3: ``invalid_grant`` otherwise).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
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
_CODE_GRANT = "authorization_code"
OPENID = "openid"
EMAIL_SCOPE = _PREFIX + "userinfo.email"
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

    def issue_code(self, email: str, granted: list[str], redirect_uri: str) -> str:
        """An authorization code, as if ``email`` had consented to ``granted`` in a browser."""
        code = "4/sandbox-" + secrets.token_urlsafe(24)
        scopes = [s if s == OPENID else full_scope(s) for s in granted]
        self.store.put_token(
            code, "code", TokenRecord(email.lower(), scopes, redirect_uri=redirect_uri)
        )
        return code

    def revoke(self, email: str) -> None:
        for token, (kind, record) in list(self.store.tokens.items()):
            if record.email == email.lower() and not record.revoked:
                record.revoked = True
                self.store.put_token(token, kind, record)

    def user_of_refresh(self, form: dict[str, str]) -> str | None:
        found = self.store.tokens.get(form.get("refresh_token", ""))
        return found[1].email if found else None

    def token(self, body: bytes, authorization: str | None = None) -> dict[str, Any]:
        """Answer a token POST; raises TokenError for OAuth errors. The client may authenticate
        in the form or with HTTP Basic (RFC 6749 2.3.1: servers must accept both)."""
        form = dict(urllib.parse.parse_qsl(body.decode("utf-8", "replace")))
        form |= _basic_client(authorization)
        grant = form.get("grant_type")
        if grant == _CODE_GRANT:
            return self._exchange(form)
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

    def _exchange(self, form: dict[str, str]) -> dict[str, Any]:
        """An authorization code for tokens: once, for its own redirect, the granted scopes."""
        self._client(form)
        code = form.get("code", "")
        found = self.store.tokens.get(code)
        if found is None or found[0] != "code" or found[1].revoked:
            raise TokenError(400, "invalid_grant", "Malformed auth code.")
        record = found[1]
        if form.get("redirect_uri") != record.redirect_uri:
            raise TokenError(400, "redirect_uri_mismatch", "Bad Request")
        record.revoked = True
        self.store.put_token(code, "code", record)
        refresh = self.issue_refresh_token(record.email, [s for s in record.scopes if s != OPENID])
        access = "ya29.sandbox." + secrets.token_urlsafe(24)
        expires = self.now() + dt.timedelta(seconds=_LIFETIME)
        self.store.put_token(
            access, "access", TokenRecord(record.email, record.scopes, expires.isoformat())
        )
        answer: dict[str, Any] = {
            "access_token": access,
            "expires_in": _LIFETIME,
            "refresh_token": refresh["refresh_token"],
            "scope": " ".join(record.scopes),
            "token_type": "Bearer",
        }
        if OPENID in record.scopes:
            answer["id_token"] = self._id_token(record, form.get("client_id", ""))
        return answer

    def _id_token(self, record: TokenRecord, client_id: str) -> str:
        """Google's claims (iss, azp, aud, sub, iat, exp; email and email_verified with the
        email scope); the signature is the sandbox's, which no one can verify."""
        now = int(self.now().timestamp())
        claims: dict[str, Any] = {
            "iss": "https://accounts.google.com",
            "azp": client_id,
            "aud": client_id,
            "sub": str(int(hashlib.sha256(record.email.encode()).hexdigest()[:18], 16)),
            "iat": now,
            "exp": now + _LIFETIME,
        }
        if EMAIL_SCOPE in record.scopes:
            claims |= {"email": record.email, "email_verified": True}
        header = {"alg": "RS256", "kid": "sandbox", "typ": "JWT"}
        return ".".join(
            base64.urlsafe_b64encode(part).rstrip(b"=").decode()
            for part in (json.dumps(header).encode(), json.dumps(claims).encode(), b"sandbox")
        )

    @staticmethod
    def _client(form: dict[str, str]) -> None:
        if (form.get("client_id"), form.get("client_secret")) != (
            SANDBOX_CLIENT_ID,
            SANDBOX_CLIENT_SECRET,
        ):
            raise TokenError(401, "invalid_client", "The OAuth client was not found.")

    def _refresh(self, form: dict[str, str]) -> tuple[str, list[str]]:
        self._client(form)
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
        """The user an Authorization header acts as, checked against ``method``'s scopes.

        An access token lives ``expires_in`` seconds from its issue ("the remaining lifetime of
        the access token in seconds", developers.google.com/identity/protocols/oauth2/
        native-app, step 5); past that, or once revoked, Calendar answers "401: Invalid
        Credentials. Invalid authorization header. The access token you're using is either
        expired or invalid", reason ``authError``, location ``header``/``Authorization``
        (developers.google.com/workspace/calendar/api/guides/errors). The sandbox's clock
        decides, so a test can age a token without waiting an hour.
        """
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
                location=("header", "Authorization"),
            )  # fmt: skip
        record = found[1]
        accepted = {full_scope(s) for s in METHOD_SCOPES.get(method, ())}
        if accepted and not accepted & set(record.scopes):
            raise ApiError(
                403, "insufficientPermissions", "Request had insufficient authentication scopes."
            )
        return record.email


def _basic_client(header: str | None) -> dict[str, str]:
    """``client_id`` and ``client_secret`` from an HTTP Basic header (each form-urlencoded)."""
    if not header or not header.lower().startswith("basic "):
        return {}
    try:
        pair = base64.b64decode(header[6:].strip()).decode("utf-8")
    except (ValueError, binascii.Error):
        return {}
    client_id, _, secret = pair.partition(":")
    return {
        "client_id": urllib.parse.unquote_plus(client_id),
        "client_secret": urllib.parse.unquote_plus(secret),
    }


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
