"""Google logins (``oneonone auth login|status|logout EMAIL``, run by ``shell.auth_command``)
and the credentials the service builds from what was stored.

The login (google-auth's authorized-user JSON: the refresh token, and the last access token
with its expiry, see ``kept_tokens``) is stored in the store chosen by ``secrets.select_store``
(OS keyring, or an encrypted file on headless servers). A manager grants the three scopes in
``google_client.SCOPES``, nothing broader; a rep who logs in grants only
``calendar.events.readonly`` (``READER_SCOPES``), so the service can see a meeting booked over
the 1:1 on their calendar.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials

from integrations.google.google_client import READER_SCOPES, SCOPES
from integrations.google.kept_tokens import KeptCredentials, LoginPlace, StoredLogin, stored_access
from integrations.google.login_checks import (
    IDENTITY_SCOPES,
    consent_problems,
    free_port,
    headless,
    ssh_tunnel_line,
)
from integrations.google.secrets import EncryptedFileStore, KeyringStore, select_store
from integrations.redaction import remember_secret
from scheduler.errors import CredentialsError
from scheduler.model import Config
from scheduler.ports import SecretStore

CLIENT_SECRETS_ENV = "ONEONONE_CLIENT_SECRETS"


GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token"
PROMPT = "Open this address as EMAIL to allow oneonone:\n{url}"


def authorized_user_credentials(
    info: dict[str, object],
    *,
    source: str,
    scopes: Sequence[str] = SCOPES,
    place: LoginPlace | None = None,
) -> KeptCredentials:
    """Credentials from google-auth "authorized_user" JSON, keeping its ``token_uri``.

    google-auth's ``from_authorized_user_info`` always replaces ``token_uri`` with Google's; a
    file that names another token endpoint (an emulator, a proxy) is used as written here.
    The access token kept in the JSON is used while it is valid (``kept_tokens``); ``place``
    is where the JSON came from, where a refreshed token is written back.
    """
    missing = [k for k in ("client_id", "client_secret", "refresh_token") if not info.get(k)]
    if missing:
        raise CredentialsError(
            f"{source} is not an authorized-user credentials file: missing {', '.join(missing)}"
        )
    remember_secret(str(info["refresh_token"]))
    remember_secret(str(info["client_secret"]))
    token, expiry = stored_access(info, scopes)
    creds = KeptCredentials(  # type: ignore[no-untyped-call]
        token,
        refresh_token=str(info["refresh_token"]),
        token_uri=str(info.get("token_uri") or GOOGLE_TOKEN_URI),
        client_id=str(info["client_id"]),
        client_secret=str(info["client_secret"]),
        scopes=list(scopes),
        expiry=expiry,
    )
    creds.place, creds.stored_token = place, token
    return creds


def where(store: SecretStore) -> str:
    """Where logins are kept, in a few words (``oneonone doctor`` gives the details)."""
    if isinstance(store, KeyringStore):
        return "the OS keyring"
    folder = getattr(store, "folder", None)
    kind = "encrypted files" if isinstance(store, EncryptedFileStore) else "plaintext files"
    return f"{kind} in {folder}" if folder is not None else type(store).__name__


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
        return authorized_user_credentials(
            json.loads(stored),
            source=f"the login of {email}",
            place=StoredLogin(store, token_name(email)),
        )

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


def role_problem(config: Config, email: str) -> str | None:
    """Why ``email`` should not log in here (a slip of the address, most likely), or None."""
    email = email.lower()
    if any(m.person.email == email for m in config.managers):
        return None
    if any(p.rep.email == email for p in config.pairs):
        return None
    managers = ", ".join(m.person.email for m in config.managers) or "none"
    return (
        f"{email} is neither a manager nor a rep in {config.source or 'the config'} "
        f"(managers: {managers}). Check the address, or add --force to log it in anyway."
    )


def login(config: Config, email: str, *, no_browser: bool, out: Callable[[str], None]) -> str:
    from google_auth_oauthlib.flow import InstalledAppFlow

    wanted = list(scopes_for(config, email))
    flow = InstalledAppFlow.from_client_secrets_file(
        str(_client_secrets(config)), [*wanted, *IDENTITY_SCOPES]
    )
    on_server = no_browser or headless(os.environ)
    port = free_port()
    if on_server:
        out(
            "This machine has no browser to open. On your own computer, run:\n"
            f"    {ssh_tunnel_line(port, os.environ)}\n"
            f"then open the address below there, signed in to Google as {email}."
        )
    with _granular_consent_allowed():
        creds = flow.run_local_server(
            host="127.0.0.1",
            port=port,
            open_browser=not on_server,
            login_hint=email,
            authorization_prompt_message=PROMPT.replace("EMAIL", email),
            access_type="offline",
            prompt="consent",
        )
    problems = consent_problems(email, wanted, creds.granted_scopes, creds.id_token)
    if problems:
        raise CredentialsError(" ".join(problems))
    store = store_for(config)
    store.set(token_name(email), creds.to_json())
    return f"The login of {email} works and is stored in {where(store)}."


@contextlib.contextmanager
def _granular_consent_allowed() -> Iterator[None]:
    """oauthlib raises on a token whose scopes differ from those asked for; a person may grant
    fewer on Google's consent screen, and ``consent_problems`` says what is missing instead."""
    before = os.environ.get("OAUTHLIB_RELAX_TOKEN_SCOPE")
    os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("OAUTHLIB_RELAX_TOKEN_SCOPE", None)
        else:
            os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = before


def status(config: Config, email: str) -> tuple[bool, str]:
    store = store_for(config)
    stored = store.get(token_name(email))
    if stored is None:
        return False, f"No login is stored for {email} (in {where(store)})."
    wanted = scopes_for(config, email)
    creds = authorized_user_credentials(
        json.loads(stored), source=f"the login of {email}", scopes=wanted
    )
    try:
        creds.refresh(Request())
    except RefreshError as exc:
        return False, (
            f"The stored login of {email} no longer works ({exc}). "
            f"Run 'oneonone auth login {email}' again."
        )
    granted = set(creds.granted_scopes or wanted)
    missing = sorted(set(wanted) - granted)
    if missing:
        names = ", ".join(s.rsplit("/", 1)[-1] for s in missing)
        return False, (
            f"The login of {email} works but lacks {names}. "
            f"Run 'oneonone auth login {email}' again and tick every box."
        )
    return True, f"The login of {email} works (stored in {where(store)})."


def logout(config: Config, email: str) -> str:
    store = store_for(config)
    if store.get(token_name(email)) is None:
        return f"No login was stored for {email} (in {where(store)}): nothing to remove."
    store.delete(token_name(email))
    return f"The login of {email} is removed from {where(store)}."
