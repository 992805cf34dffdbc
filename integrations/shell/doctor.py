"""``oneonone doctor``: checks an installation end to end and says what to fix.

An unattended service fails quietly: a token store without a key, a login revoked months ago, a
state file readable by everyone. Each check here prints one ``ok|FAIL|warn  what — detail``
line; the exit code is 0 when nothing FAILed. Credentials are built by the same functions the
service uses (``integrations.shell.wiring``), so a pass here means a pass there.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TextIO

import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import GoogleAuthError
from google.auth.transport.requests import Request

from integrations.clock import SystemClock
from integrations.google.google_client import SCOPES, build_service
from integrations.redaction import redact
from integrations.shell.checks import Check
from integrations.state.statelock import StateLock
from scheduler.errors import ConfigError, UserError
from scheduler.model import Config
from scheduler.ports import Clock
from scheduler.words import plural


def check_config(path: Path) -> tuple[Config | None, list[Check]]:
    from integrations.shell.config_file import load_config

    try:
        config = load_config(path, now=SystemClock().now())
    except ConfigError as exc:
        return None, [Check("FAIL", "config", str(exc))]
    summary = (
        f"{path}: {plural(len(config.managers), 'manager')}, {plural(len(config.pairs), 'pair')}"
    )
    checks = [Check("ok", "config", summary)]
    checks += [Check("warn", "config", warning) for warning in config.warnings]
    return config, checks


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def check_state(config: Config) -> Iterator[Check]:
    from integrations.state.store import Store

    state = Path(config.state)
    if not state.exists():
        yield Check("warn", "state", f"{state} does not exist yet; the first run creates it")
        return
    # Modes first: opening the store tightens the files' modes itself.
    folder = state.parent
    if _mode(folder) & 0o077:
        yield Check("warn", "state folder", f"{folder} is {_mode(folder):04o}: chmod 700 {folder}")
    for path in [state, *(Path(f"{state}{s}") for s in ("-wal", "-shm"))]:
        if path.exists() and _mode(path) & 0o077:
            mode = f"{_mode(path):04o}"
            yield Check("warn", "state file", f"{path} was {mode}; opening it set 0600")
    try:
        store = Store(state)
        try:
            version = store.schema_version
        finally:
            store.close()
    except Exception as exc:
        yield Check("FAIL", "state", f"{state} does not open: {type(exc).__name__}: {exc}")
        return
    yield Check("ok", "state", f"{state} opens, schema version {version}")
    holder = StateLock(state).holder()
    running = f"in use by {holder}" if holder else "no oneonone command is using it"
    yield Check("ok", "service", running)


def check_token_store(config: Config) -> Iterator[Check]:
    if config.calendar.provider != "google":
        return
    settings = config.calendar.google
    if settings.auth == "authorized_user_file" and settings.authorized_user_file:
        for manager in config.managers:
            path = Path(settings.authorized_user_file.replace("{email}", manager.person.email))
            if path.exists() and _mode(path) & 0o077:
                mode = f"{_mode(path):04o}"
                yield Check("FAIL", "credentials file", f"{path} is {mode}: chmod 600 {path}")
        return
    if settings.auth != "keyring":
        return
    from integrations.google.auth import store_for
    from integrations.google.secrets import describe

    try:
        store = store_for(config)
    except UserError as exc:
        yield Check("FAIL", "token store", str(exc))
        return
    text = describe(store)
    yield Check("FAIL" if "PROBLEM" in text else "ok", "token store", text)


def check_token_key(config: Config, environ: Mapping[str, str]) -> Iterator[Check]:
    """A token key that is not random, or a guessable passphrase, protects nothing."""
    if config.calendar.provider != "google" or config.calendar.google.auth != "keyring":
        return
    from integrations.google.secrets import find_key
    from integrations.google.token_key import MAKE_ONE, weakness

    try:
        key = find_key(environ)
    except UserError as exc:
        yield Check("FAIL", "token key", str(exc))
        return
    if key is None:
        return
    why = weakness(key)
    if why is not None:
        yield Check(
            "FAIL",
            "token key",
            f"{why} (in {key.source}). Make a random key ({MAKE_ONE}), put it in its place, "
            "and log each manager in again",
        )
        return
    what = "a random 32-byte key" if key.kind == "raw" else "a passphrase, stretched by scrypt"
    yield Check("ok", "token key", f"{what}, from {key.source}")


def check_metrics_access(config: Config, environ: Mapping[str, str]) -> Iterator[Check]:
    """The metrics server's Host names and, with auth, that its secret is there and long."""
    if config.metrics_port is None:
        return
    from integrations.shell.access import Gate

    try:
        gate = Gate.from_config(config.metrics_access, environ)
    except UserError as exc:
        yield Check("FAIL", "metrics access", str(exc))
        return
    who = "anyone on this machine" if gate.auth == "none" else f"{gate.auth} auth"
    names = ", ".join(sorted(gate.hosts))
    yield Check("ok", "metrics access", f"port {config.metrics_port}, Host {names}, {who}")


@contextlib.contextmanager
def _credentials_source(
    config: Config, sandbox_url: str | None
) -> Iterator[tuple[Callable[[str], Credentials], str | None]]:
    """The service's own credentials function and API root (an in-process sandbox if needed)."""
    from integrations.shell.wiring import google_credentials, local_sandbox, sandbox_credentials

    if config.calendar.provider != "sandbox":
        yield google_credentials(config), config.calendar.google.api_endpoint
        return
    if sandbox_url is not None:
        yield sandbox_credentials(sandbox_url), sandbox_url
        return
    with local_sandbox(Path(config.state)) as url:
        yield sandbox_credentials(url), url


def check_manager(
    email: str, credentials_for: Callable[[str], Credentials], root_url: str | None
) -> Iterator[Check]:
    what = f"login {email}"
    with requests.Session() as session:
        try:
            creds = credentials_for(email)
            creds.refresh(Request(session))  # type: ignore[no-untyped-call]
        except (UserError, GoogleAuthError, OSError, ValueError) as exc:
            yield Check("FAIL", what, _login_problem(email, exc))
            return
    yield Check("ok", what, "the refresh token works")
    yield _scopes_check(email, getattr(creds, "granted_scopes", None))
    service: Any = build_service("calendar", "v3", credentials=creds, root_url=root_url)
    try:
        service.events().list(calendarId="primary", maxResults=1).execute()
    except Exception as exc:
        yield Check("FAIL", f"calendar {email}", redact(f"{type(exc).__name__}: {exc}"))
        return
    finally:
        service.close()
    yield Check("ok", f"calendar {email}", "reachable (events.list)")


def _login_problem(email: str, exc: Exception) -> str:
    if isinstance(exc, UserError):
        return str(exc)
    again = f"run 'oneonone auth login {email}'"
    if "invalid_scope" in str(exc):
        return f"the login lacks scopes oneonone needs ({', '.join(SCOPES)}); {again}"
    return f"{redact(str(exc))}; {again}"


def _scopes_check(email: str, granted: Iterable[str] | None) -> Check:
    what = f"scopes {email}"
    if granted is None:
        return Check("warn", what, "the token server did not list the granted scopes")
    missing = sorted(set(SCOPES) - set(granted))
    if missing:
        return Check("FAIL", what, f"not granted: {', '.join(missing)}; log in again")
    return Check("ok", what, "calendar.events, calendar.freebusy, gmail.send")


def check_parked(config: Config, clock: Clock) -> Iterator[Check]:
    from integrations.state.store import Store

    if not Path(config.state).exists():
        return
    store = Store(config.state)
    try:
        now = clock.now()
        for manager in config.managers:
            reason = store.parking.reason(manager.person.email, now)
            if reason is not None:
                yield Check("warn", f"parked {manager.person.email}", reason)
    finally:
        store.close()


def run_checks(
    config_path: str | Path, *, clock: Clock | None = None, sandbox_url: str | None = None
) -> Iterator[Check]:
    """Every check, in order, as it completes (logins can take a moment each)."""
    config, checks = check_config(Path(config_path))
    yield from checks
    if config is None:
        return
    yield from check_state(config)
    yield from check_token_store(config)
    yield from check_token_key(config, os.environ)
    yield from check_metrics_access(config, os.environ)
    try:
        with _credentials_source(config, sandbox_url) as (credentials_for, root_url):
            for manager in config.managers:
                yield from check_manager(manager.person.email, credentials_for, root_url)
    except UserError as exc:  # no way to build credentials at all (a setting, a token store)
        yield Check("FAIL", "credentials", str(exc))
    else:
        from integrations.shell.doctor_reps import check_rep_calendars

        yield from check_rep_calendars(config)
    yield from check_parked(config, clock or SystemClock())
    from integrations.shell.doctor_mail import check_email

    yield from check_email(config)


def doctor(
    config_path: str | Path,
    *,
    out: TextIO | None = None,
    clock: Clock | None = None,
    sandbox_url: str | None = None,
) -> int:
    """Print every check; 0 when nothing FAILed, else 1."""
    stream = out or sys.stdout
    failed = False
    for check in run_checks(config_path, clock=clock, sandbox_url=sandbox_url):
        failed = failed or check.status == "FAIL"
        print(check.line(), file=stream, flush=True)
    print(
        "doctor: problems found (FAIL lines above)" if failed else "doctor: all checks passed",
        file=stream,
    )
    return 1 if failed else 0


__all__ = ["Check", "doctor", "run_checks"]
