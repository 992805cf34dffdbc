"""Builds the running parts from a config: state store, credentials, calendar, sandbox.

With ``provider: sandbox`` the built-in emulator runs in this process on a loopback port, its
calendars kept next to the state database so consecutive runs see the same calendars; each manager
gets a sandbox refresh token, and the real Google client talks to it over HTTP, token refresh
included.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from google.auth.credentials import Credentials as AnyCredentials
from google.oauth2.credentials import Credentials

from integrations.clock import SystemClock
from integrations.google.gcal import GoogleCalendar
from integrations.google.google_client import SCOPES, ServicePool
from integrations.google.kept_tokens import keep_refreshed
from integrations.google.rep_logins import rep_access
from integrations.google.retry import Pacer
from integrations.mail.deliveries import Deliveries, logger_log
from integrations.mail.notify import Notifier
from integrations.mail.render import Renderer
from integrations.mail.smtp import SmtpMailer
from integrations.reconcile.rep_calendars import RepCalendars
from integrations.reconcile.runner import PassReport, Progress, Runner
from integrations.redaction import remember_secret
from integrations.state import db
from integrations.state.store import Store
from scheduler.errors import CredentialsError
from scheduler.model import Config
from scheduler.ports import Clock, Mailer

PER_USER_PER_MINUTE = 500
"""Calendar calls per manager per minute: under Google's 600 per user, with room for bursts."""


@dataclass
class Wired:
    config: Config
    store: Store
    pool: ServicePool
    calendar: GoogleCalendar
    runner: Runner
    sandbox_url: str | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    workers: int = field(default_factory=lambda: int(os.environ.get("ONEONONE_WORKERS", "4")))
    keeps_tokens: bool = False  # a command that writes state keeps refreshed access tokens

    def run_pass(
        self,
        *,
        now: dt.datetime,
        apply: bool = True,
        progress: Progress | None = None,
    ) -> PassReport:
        """One full pass: series, bumps and due emails for every manager, ``workers`` at once;
        then the access tokens it refreshed are kept beside their logins (never by ``plan``),
        so the next process need not refresh them."""
        try:
            return self.runner.run_pass(
                now=now, apply=apply, workers=self.workers, progress=progress
            )
        finally:
            if self.keeps_tokens and apply:
                keep_refreshed(self.pool.loaded())

    def sandbox_counts(self) -> dict[str, Any] | None:
        if self.sandbox_url is None:
            return None
        from integrations.sandbox import SandboxAdmin

        counts: dict[str, Any] = SandboxAdmin(self.sandbox_url).counts()
        return counts


def sandbox_credentials(url: str) -> Callable[[str], Credentials]:
    from integrations.sandbox import SandboxAdmin

    admin = SandboxAdmin(url)

    def for_user(email: str) -> Credentials:
        grant = admin.issue_token(email)
        remember_secret(grant["refresh_token"])
        return Credentials(  # type: ignore[no-untyped-call]
            None,
            refresh_token=grant["refresh_token"],
            token_uri=grant["token_uri"],
            client_id=grant["client_id"],
            client_secret=grant["client_secret"],
            scopes=list(SCOPES),
        )

    return for_user


@contextlib.contextmanager
def local_sandbox(state: Path) -> Iterator[str]:
    """An in-process sandbox beside the state file (its own ``sandbox.db`` there), for
    commands that need the API when no sandbox runs: yields its URL, stops it after."""
    from integrations.sandbox import Sandbox

    folder = state.parent
    sandbox = Sandbox(state_path=folder / "sandbox.db" if folder.is_dir() else None)
    url = sandbox.start()
    try:
        yield url
    finally:
        sandbox.stop()


def google_credentials(config: Config) -> Callable[[str], Credentials]:
    settings = config.calendar.google
    if settings.auth == "authorized_user_file":
        template = settings.authorized_user_file
        if not template:
            raise CredentialsError(
                "calendar.google.auth is authorized_user_file but calendar.google."
                "authorized_user_file is not set"
            )

        def from_file(email: str) -> Credentials:
            path = Path(template.replace("{email}", email))
            if not path.exists():
                raise CredentialsError(f"{path} does not exist (credentials for {email})")
            from integrations.google.auth import authorized_user_credentials
            from integrations.google.kept_tokens import LoginFile

            try:
                info = json.loads(path.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise CredentialsError(f"{path} cannot be read as JSON: {exc}") from exc
            return authorized_user_credentials(info, source=str(path), place=LoginFile(path))

        return from_file
    if settings.auth == "service_account":
        return _impersonation(config)
    from integrations.google.auth import keyring_credentials

    return keyring_credentials(config)


def _impersonation(config: Config) -> Callable[[str], Credentials]:
    """Service-account credentials acting as each manager (domain-wide delegation)."""
    from google.oauth2 import service_account

    settings = config.calendar.google
    key_file = settings.service_account_file
    if not key_file:
        raise CredentialsError("calendar.google.service_account_file is not set")
    allowed = {m.person.email for m in config.managers}
    domains = frozenset(settings.domains)

    def impersonate(email: str) -> Credentials:
        # Delegation can act as anyone in the organisation; in code it acts only for the
        # listed managers, and with calendar.google.domains only inside those domains.
        if email not in allowed:
            raise CredentialsError(f"{email} is not a manager in the config")
        if domains and email.rpartition("@")[2] not in domains:
            raise CredentialsError(
                f"{email} is outside calendar.google.domains ({', '.join(sorted(domains))})"
            )
        creds = service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            key_file, scopes=list(SCOPES)
        )
        return creds.with_subject(email)  # type: ignore[no-any-return]

    return impersonate


def open_outbox_db(path: Path) -> sqlite3.Connection:
    """The outbox's own connection: WAL + synchronous=FULL, so SENDING is durable before a send."""
    return db.connect(path)


def build_mailer(
    config: Config, pool: ServicePool, clock: Clock, conn: sqlite3.Connection
) -> Mailer:
    """The main transport, routed with the alerts' own transport when they have one."""
    main = build_transport(config, config.email.provider, pool, clock, conn)
    alerts = config.email.alerts_transport
    if alerts is None:
        return main
    from integrations.mail.routing import RoutingMailer

    return RoutingMailer(main=main, alerts=build_transport(config, alerts, pool, clock, conn))


def build_transport(
    config: Config, provider: str, pool: ServicePool, clock: Clock, conn: sqlite3.Connection
) -> Mailer:
    settings = config.email
    if provider == "gmail":
        from integrations.mail.deliveries import SqliteThreads
        from integrations.mail.gmail import GmailMailer

        # Gmail thread ids are kept in the state file so prep, move and recap share a thread.
        return GmailMailer(pool.gmail, threads=SqliteThreads(conn), date_fn=clock.now)
    if provider == "smtp":
        return smtp_mailer(config, clock)
    from integrations.mail.outbox import OutboxMailer

    return OutboxMailer(Path(settings.outbox_dir), date_fn=clock.now)


def smtp_mailer(config: Config, clock: Clock | None = None) -> SmtpMailer:
    """The SMTP transport of ``email.smtp`` (also what ``doctor`` checks)."""
    smtp = config.email.smtp
    if not smtp.host:
        raise CredentialsError("email uses smtp but email.smtp.host is not set")

    def password() -> str:
        secret = os.environ.get("ONEONONE_SMTP_PASSWORD")
        if secret is None:
            from integrations.google.auth import store_for

            secret = store_for(config).get(f"smtp-password:{smtp.username}")
        if secret is None:
            raise CredentialsError(
                "set ONEONONE_SMTP_PASSWORD or store the SMTP password in the token store"
            )
        remember_secret(secret)  # masked in every log line, even passed positionally
        return secret

    return SmtpMailer(
        smtp.host,
        smtp.port,
        starttls=smtp.starttls,
        ssl=smtp.ssl,
        username=smtp.username,
        password_fn=password,
        date_fn=clock.now if clock is not None else None,
    )


def reading_store(path: Path) -> Store:
    """The state for ``plan``, which writes nothing: the file read-only, or, when there is no
    file yet or it predates the current schema, an in-memory copy brought up to date there
    (so that not even a migration touches the file)."""
    if path.exists():
        store = Store(path, readonly=True)
        if store.schema_version == len(db.MIGRATIONS):
            return store
        copy = Store(":memory:")
        store.conn.backup(copy.conn)
        store.close()
        db.migrate(copy.conn)
        return copy
    return Store(":memory:")


@contextlib.contextmanager
def wire(
    config: Config,
    *,
    sandbox_url: str | None = None,
    clock: Clock | None = None,
    readonly: bool = False,
) -> Iterator[Wired]:
    """Everything a pass needs; closes what it opened on exit. ``readonly`` (for ``plan``):
    the state is only read, and the runner only plans."""
    clock = clock or SystemClock()
    store = reading_store(Path(config.state)) if readonly else Store(config.state)
    closers: list[Callable[[], None]] = [store.close]
    try:
        root_url = config.calendar.google.api_endpoint
        if config.calendar.provider == "sandbox":
            if sandbox_url is None:
                from integrations.sandbox import Sandbox

                sandbox = Sandbox(state_path=Path(config.state).parent / "sandbox.db")
                sandbox_url = sandbox.start()
                closers.append(sandbox.stop)
            root_url = sandbox_url
            credentials_for = sandbox_credentials(sandbox_url)
        else:
            credentials_for = google_credentials(config)
        access = rep_access(config)
        managers = frozenset(m.person.email for m in config.managers)

        def credentials(email: str) -> AnyCredentials:
            """Read-only access for a rep whose calendar the service may read; anyone else
            acts with their own login (a manager, or one removed from the config)."""
            if email not in managers and access.readable(email):
                return access.credentials(email)
            return credentials_for(email)

        pool = ServicePool(credentials, root_url=root_url)
        closers.append(pool.close)
        # Pacing is about the real request rate, so it reads the system clock even in tests.
        pacer = Pacer(PER_USER_PER_MINUTE, clock=SystemClock(), sleep=time.sleep)
        calendar = GoogleCalendar(pool.calendar_resource, pool.http_for, pacer=pacer)
        outbox_db = store.conn if readonly else open_outbox_db(Path(config.state))
        if not readonly:
            closers.append(outbox_db.close)
        deliveries = Deliveries(
            outbox_db,
            build_mailer(config, pool, clock, outbox_db),
            log=logger_log(logging.getLogger("oneonone.mail")),
        )
        # Rows a crash left SENDING: prep-like ones are dropped, recaps and alerts re-sent once.
        for key in () if readonly else deliveries.recover(now=clock.now()):
            store.audit.record(
                at=clock.now(),
                pair_key="-",
                action="email-recovered",
                reason=key,
                result="resolved after a crash",
            )
        notifier = Notifier(config, deliveries, Renderer(config.templates_dir))
        reps = RepCalendars(calendar, store, access.readable, managers=managers)
        runner = Runner(config, calendar, store, notifier, reps=reps)
        closers.append(runner.close)
        yield Wired(
            config, store, pool, calendar, runner, sandbox_url, closers, keeps_tokens=not readonly
        )
    finally:
        for close in reversed(closers):
            close()
