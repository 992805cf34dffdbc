"""Google logins: ``oneonone auth login|status|logout EMAIL`` and the credentials the service
builds from what was stored.

Only the refresh token (inside google-auth's authorized-user JSON) is stored, in the store chosen
by ``integrations.secrets.select_store`` (OS keyring, or an encrypted file on headless servers);
access tokens live in memory. A manager grants the three scopes in ``google_client.SCOPES``,
nothing broader; a rep who logs in grants only ``calendar.events.readonly``
(``READER_SCOPES``), so the service can see a meeting booked over the 1:1 on their calendar.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials

from integrations.google_client import READER_SCOPES, SCOPES
from integrations.redaction import remember_secret
from integrations.secrets import describe, select_store
from scheduler.errors import CredentialsError
from scheduler.model import Config
from scheduler.ports import SecretStore

CLIENT_SECRETS_ENV = "ONEONONE_CLIENT_SECRETS"


GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"


def authorized_user_credentials(
    info: dict[str, object], *, source: str, scopes: Sequence[str] = SCOPES
) -> Credentials:
    """Credentials from google-auth "authorized_user" JSON, keeping its ``token_uri``.

    google-auth's ``from_authorized_user_info`` always replaces ``token_uri`` with Google's; a
    file that names another token endpoint (an emulator, a proxy) is used as written here.
    """
    missing = [k for k in ("client_id", "client_secret", "refresh_token") if not info.get(k)]
    if missing:
        raise CredentialsError(
            f"{source} is not an authorized-user credentials file: missing {', '.join(missing)}"
        )
    remember_secret(str(info["refresh_token"]))
    remember_secret(str(info["client_secret"]))
    return Credentials(  # type: ignore[no-untyped-call]
        None,
        refresh_token=str(info["refresh_token"]),
        token_uri=str(info.get("token_uri") or GOOGLE_TOKEN_URI),
        client_id=str(info["client_id"]),
        client_secret=str(info["client_secret"]),
        scopes=list(scopes),
    )


def token_name(email: str) -> str:
    return f"oauth-token:{email.lower()}"


def store_for(config: Config) -> SecretStore:
    return select_store(state_dir=Path(config.state).parent, environ=os.environ)


def keyring_credentials(config: Config) -> Callable[[str], Credentials]:
    store = store_for(config)

    def for_user(email: str) -> Credentials:
        stored = store.get(token_name(email))
        if stored is None:
            raise CredentialsError(
                f"no Google login stored for {email}: run 'oneonone auth login {email}'"
            )
        return authorized_user_credentials(json.loads(stored), source=f"the login of {email}")

    return for_user


def _client_secrets(config: Config) -> Path:
    raw = os.environ.get(CLIENT_SECRETS_ENV)
    path = Path(raw) if raw else Path(config.state).parent / "client_secret.json"
    if not path.exists():
        raise CredentialsError(
            f"no OAuth client file at {path}: download the 'Desktop app' OAuth client JSON from "
            f"the Google Cloud console and put it there, or set {CLIENT_SECRETS_ENV}=PATH"
        )
    return path


def scopes_for(config: Config, email: str) -> tuple[str, ...]:
    """A manager's three scopes, or read-only events for someone who is only a rep."""
    if any(m.person.email == email.lower() for m in config.managers):
        return SCOPES
    if any(p.rep.email == email.lower() for p in config.pairs):
        return READER_SCOPES
    return SCOPES


def login(config: Config, email: str, *, no_browser: bool) -> str:
    from google_auth_oauthlib.flow import InstalledAppFlow

    scopes = list(scopes_for(config, email))
    flow = InstalledAppFlow.from_client_secrets_file(str(_client_secrets(config)), scopes)
    creds = flow.run_local_server(
        host="127.0.0.1",
        port=0,
        open_browser=not no_browser,
        login_hint=email,
        authorization_prompt_message="Open this URL as " + email + " to allow oneonone:\n{url}",
        access_type="offline",
        prompt="consent",
    )
    store = store_for(config)
    store.set(token_name(email), creds.to_json())
    from integrations.store import Store

    state = Store(config.state)  # a manager parked for a dead login is served again
    try:
        state.unpark(email)
    finally:
        state.close()
    return f"stored the login for {email} in {describe(store)}"


def status(config: Config, email: str) -> tuple[bool, str]:
    store = store_for(config)
    stored = store.get(token_name(email))
    if stored is None:
        return False, f"{email}: no login stored ({describe(store)})"
    wanted = scopes_for(config, email)
    creds = authorized_user_credentials(
        json.loads(stored), source=f"the login of {email}", scopes=wanted
    )
    try:
        creds.refresh(Request())  # type: ignore[no-untyped-call]
    except RefreshError as exc:
        return False, f"{email}: the stored login no longer works ({exc}); log in again"
    granted = set(creds.granted_scopes or wanted)
    missing = sorted(set(wanted) - granted)
    if missing:
        return False, f"{email}: login works but lacks scopes {', '.join(missing)}"
    return True, f"{email}: login works ({describe(store)})"


def logout(config: Config, email: str) -> str:
    store = store_for(config)
    store.delete(token_name(email))
    return f"removed the stored login for {email}"


def command(config: Config, action: str, email: str, *, no_browser: bool) -> int:
    email = email.lower()
    if config.calendar.provider == "sandbox":
        print("calendar.provider is sandbox: the built-in emulator needs no Google login")
        return 0
    if action == "login":
        print(login(config, email, no_browser=no_browser))
        return 0
    if action == "status":
        ok, text = status(config, email)
        print(text)
        return 0 if ok else 1
    print(logout(config, email))
    return 0
