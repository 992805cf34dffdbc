"""Access tokens kept beside the refresh tokens they were made from.

An access token lasts an hour (the token answer's ``expires_in``, 3599 s). A process that
forgets it on exit makes every new process (``run --once``, ``plan``, the service's first pass)
ask Google for a fresh token for every manager before her first request: at 1,000 managers,
1,000 token round trips, half the requests of an idle ``run --once``. google-auth's
authorized-user JSON (``Credentials.to_json``) holds the access token and its expiry next to
the refresh token, as ``token`` and ``expiry``; Google's own quickstarts keep that JSON and use
the token while it is valid. So does the service:

- the token is read from where the refresh token is (an entry of the token store, encrypted
  where the store encrypts, or the authorized-user file), and is used while google-auth
  considers it valid; google-auth refreshes it when it is not, or when Google answers 401;
- a token refreshed by a pass that writes state is written back there at the end of the pass
  (``keep_refreshed``); ``plan``, which writes nothing, refreshes in memory only;
- a login replaced (``auth login``) or removed (``auth logout``) since it was read is left as
  it is: the token is written only over the very refresh token it was made from.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import json
import logging
import os
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from google.oauth2.credentials import Credentials

from integrations.redaction import remember_secret
from scheduler.errors import CredentialsError
from scheduler.ports import SecretStore

log = logging.getLogger(__name__)

WRITERS = 8


class LoginPlace(Protocol):
    """Where one person's authorized-user JSON is kept."""

    def read(self) -> str | None: ...
    def write(self, text: str) -> None: ...
    def describe(self) -> str: ...


@dataclass(frozen=True)
class StoredLogin:
    """An entry of the token store (OS keyring, encrypted or plaintext token files)."""

    store: SecretStore
    name: str

    @property
    def concurrent(self) -> bool:
        """Token files may be written from several threads at once; a keyring is not asked to."""
        from integrations.google.secrets import KeyringStore

        return not isinstance(self.store, KeyringStore)

    def read(self) -> str | None:
        return self.store.get(self.name)

    def write(self, text: str) -> None:
        self.store.set(self.name, text)

    def describe(self) -> str:
        return f"the token store's {self.name}"


@dataclass(frozen=True)
class LoginFile:
    """An authorized-user file (``calendar.google.authorized_user_file``), rewritten whole
    and atomically with the mode it had, so it is protected as it was."""

    path: Path
    concurrent = True  # one file per login, each written through its own temporary file

    def read(self) -> str | None:
        try:
            return self.path.read_text("utf-8")
        except FileNotFoundError:
            return None

    def write(self, text: str) -> None:
        if self.path.is_symlink():  # a mounted secret: replacing the link would break it
            raise OSError(f"{self.path} is a symbolic link; it is not rewritten")
        mode = stat.S_IMODE(self.path.stat().st_mode)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)  # created 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                os.fchmod(f.fileno(), mode)
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        # The folder is not synced: a rename lost in a crash leaves the previous file, with the
        # same refresh token and an older access token, which the next process refreshes. (The
        # file itself is synced before the rename, so the rename can never expose an empty one.)

    def describe(self) -> str:
        return str(self.path)


class KeptCredentials(Credentials):
    """A person's credentials that know where their login is kept and which access token is
    stored there, so that a refreshed one can be written back."""

    place: LoginPlace | None = None
    stored_token: str | None = None

    def refresh(self, request: Any) -> None:
        super().refresh(request)  # type: ignore[no-untyped-call]
        remember_secret(self.token)  # masked in every later log line, even where nothing names it


def stored_access(
    info: Mapping[str, object], scopes: Sequence[str]
) -> tuple[str | None, dt.datetime | None]:
    """The access token and expiry kept in ``info``, or (None, None) when there is none to use.

    A token is used only with its expiry (without one google-auth would never deem it stale)
    and only if it was made for every scope asked for now: a token lacking one would be
    answered 403, which no refresh follows. The expiry is naive UTC, as google-auth keeps it.
    """
    token, expiry = info.get("token"), info.get("expiry")
    granted = info.get("scopes")
    if isinstance(granted, str):
        granted = granted.split()
    if not isinstance(token, str) or not token or not isinstance(expiry, str):
        return None, None
    if not isinstance(granted, list) or not set(scopes) <= set(map(str, granted)):
        return None, None
    try:  # the format google-auth writes: ISO 8601 in UTC, with a Z
        when = dt.datetime.fromisoformat(expiry.removesuffix("Z"))
    except ValueError:
        return None, None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    remember_secret(token)
    return token, when


def keep_refreshed(credentials: Iterable[object]) -> int:
    """Write back every access token refreshed since its login was read; how many were written.

    Google's tokens all refresh within the same pass (a new process, or the hourly refresh of
    the service), so at 1,000 managers this is 1,000 synced writes: files are written by
    ``WRITERS`` threads at once (a sync waits on the disk, not on Python), the OS keyring one
    entry at a time. A login that cannot be written (a read-only file, a link, a locked
    keyring) is not tried again by this process, and the pass says so in one warning: the next
    process refreshes those tokens, as it did before tokens were kept.
    """
    due = [
        c
        for c in credentials
        if isinstance(c, KeptCredentials)
        and c.place is not None
        and c.token is not None
        and c.token != c.stored_token
    ]
    alone = [c for c in due if not getattr(c.place, "concurrent", False)]
    together = [c for c in due if c not in alone]
    outcomes = [_keep(c) for c in alone]
    if len(together) > 1:
        with concurrent.futures.ThreadPoolExecutor(WRITERS) as pool:
            outcomes += pool.map(_keep, together)
    else:
        outcomes += map(_keep, together)
    failed = [o for o in outcomes if isinstance(o, str)]
    if failed:
        log.warning(
            "the refreshed access tokens of %d login(s) could not be kept, so the next process "
            "will refresh them again: %s",
            len(failed),
            "; ".join(failed[:3]) + ("; …" if len(failed) > 3 else ""),
        )
    return sum(o for o in outcomes if isinstance(o, int))


def _keep(creds: KeptCredentials) -> int | str:
    """Write one token back: 1 if written, 0 if its login is gone or replaced, or why not."""
    place, creds.stored_token = creds.place, creds.token
    if place is None:
        return 0
    try:
        return _write_token(place, creds)
    except (OSError, ValueError, CredentialsError) as exc:
        creds.place = None
        return f"{place.describe()} ({exc})"


def _write_token(place: LoginPlace, creds: KeptCredentials) -> int:
    """Put ``creds``' token and expiry into the login at ``place``, if it is still the login
    they were made from (same refresh token); 1 if written, 0 if not."""
    text = place.read()
    if text is None:
        return 0  # logged out since: nothing to keep the token beside
    info = json.loads(text)
    if not isinstance(info, dict) or info.get("refresh_token") != creds.refresh_token:
        return 0  # a new login replaced it: its own token is newer than ours
    fresh = json.loads(creds.to_json())  # type: ignore[no-untyped-call]
    info["token"] = fresh["token"]
    if fresh.get("scopes"):
        info["scopes"] = fresh["scopes"]  # what the token was asked for, so what it holds
    if fresh.get("expiry"):
        info["expiry"] = fresh["expiry"]
    else:
        info.pop("expiry", None)
    place.write(json.dumps(info))
    return 1
