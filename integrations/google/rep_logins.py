"""Read-only credentials for reps' calendars, and which reps the service may read at all.

Reading a rep's events is what lets the service see a meeting booked over the 1:1 on the rep's
side (free/busy merges it into the 1:1). It never needs more than
``calendar.events.readonly``, and it is possible only where someone allowed it:

- ``auth: service_account`` (domain-wide delegation): reps whose address is in one of the
  managers' domains, once the Workspace admin has authorised ``calendar.events.readonly`` for
  the service account's client id next to the three scopes the managers need;
- ``auth: keyring``: a rep who ran ``oneonone auth login REP`` (asked for that scope only);
- ``auth: authorized_user_file``: a rep with their own file at the ``{email}`` path.

Everywhere else (the sandbox provider included) a rep's decline is the signal.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from google.auth.credentials import Credentials

from integrations.google.google_client import READER_SCOPES
from scheduler.errors import CredentialsError
from scheduler.model import Config


@dataclass(frozen=True)
class RepAccess:
    readable: Callable[[str], bool]  # cheap: no request; may look at files or the token store
    credentials: Callable[[str], Credentials]  # read-only; raises CredentialsError otherwise


def _domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def _refuse(email: str) -> Credentials:
    raise CredentialsError(f"the service may not read {email}'s calendar")


NOBODY = RepAccess(lambda email: False, _refuse)


def rep_access(config: Config) -> RepAccess:
    """Who may be read, and how, for this config's ``calendar`` settings."""
    if config.calendar.provider == "sandbox":
        return NOBODY
    reps = {p.rep.email.lower() for p in config.pairs}
    managers = {m.person.email.lower() for m in config.managers}
    settings = config.calendar.google
    if settings.auth == "service_account" and settings.service_account_file:
        return _delegated(settings.service_account_file, reps, managers)
    if settings.auth == "authorized_user_file":
        return _files(settings.authorized_user_file or "", reps)
    if settings.auth == "keyring":
        return _logins(config, reps)
    return NOBODY


def _delegated(key_file: str, reps: set[str], managers: set[str]) -> RepAccess:
    domains = {_domain(m) for m in managers}

    def readable(email: str) -> bool:
        return email.lower() in reps and _domain(email) in domains

    def credentials(email: str) -> Credentials:
        if not readable(email):
            return _refuse(email)
        from google.oauth2 import service_account

        creds = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            key_file, scopes=list(READER_SCOPES)
        )
        return creds.with_subject(email.lower())  # type: ignore[no-any-return]

    return RepAccess(readable, credentials)


def _files(template: str, reps: set[str]) -> RepAccess:
    """Only a per-address file can be a rep's own: one shared file would read someone else."""

    def path(email: str) -> Path | None:
        if "{email}" not in template or email.lower() not in reps:
            return None
        return Path(template.replace("{email}", email.lower()))

    def readable(email: str) -> bool:  # asked of every rep each pass: one stat, no Path
        if "{email}" not in template or email.lower() not in reps:
            return False
        return os.path.exists(template.replace("{email}", email.lower()))

    def credentials(email: str) -> Credentials:
        found = path(email)
        if found is None or not found.exists():
            return _refuse(email)
        from integrations.google.auth import authorized_user_credentials
        from integrations.google.kept_tokens import LoginFile

        try:
            info = json.loads(found.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise CredentialsError(f"{found} cannot be read as JSON: {exc}") from exc
        return authorized_user_credentials(
            info, source=str(found), scopes=READER_SCOPES, place=LoginFile(found)
        )

    return RepAccess(readable, credentials)


def _logins(config: Config, reps: set[str]) -> RepAccess:
    """A rep who logs in (or out) while the service runs is read (or not) from its next pass:
    a token file is one look at a folder. The OS keyring is asked once per rep and process
    (each question may cost a round trip to the keyring daemon): there, a running service
    takes a rep's new login at ``oneonone reload``."""
    from integrations.google.auth import authorized_user_credentials, store_for, token_name
    from integrations.google.kept_tokens import StoredLogin
    from integrations.google.secrets import KeyringStore

    store = store_for(config)
    known: dict[str, bool] = {}

    def readable(email: str) -> bool:
        email = email.lower()
        if email not in reps:
            return False
        if not isinstance(store, KeyringStore):
            return store.contains(token_name(email))
        if email not in known:
            known[email] = store.contains(token_name(email))
        return known[email]

    def credentials(email: str) -> Credentials:
        stored = store.get(token_name(email.lower())) if email.lower() in reps else None
        if stored is None:
            return _refuse(email)
        info = json.loads(stored)
        return authorized_user_credentials(
            info,
            source=f"the login of {email}",
            scopes=READER_SCOPES,
            place=StoredLogin(store, token_name(email.lower())),
        )

    return RepAccess(readable, credentials)
