"""``doctor``'s email checks: each transport in use is tried without sending anything, and the
outbox says what is stuck in it.

SMTP: connect, EHLO, STARTTLS and log in, as a send would, then quit. Outbox folder: created and
written to. Gmail: sent as each manager, so the ``scopes`` line of each login says whether
``gmail.send`` was granted; and unless ``email.alerts`` is set, an alert that her login died can
only be written to the outbox folder (a warning). Messages that failed for good or wait for a
retry are counted with the last error, so "all is well" is never said over a stuck queue.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from integrations.shell.checks import Check
from integrations.state import db
from scheduler.errors import OneOnOneError, UserError
from scheduler.model import Config
from scheduler.parse import split_sender


def check_email(config: Config) -> Iterator[Check]:
    """One line per transport in use, the sender as recipients will read it, and the outbox."""
    yield _sender_check(config)
    mail = config.email
    routes = {"email": mail.provider}
    if mail.alerts_transport is not None:
        routes["alerts"] = mail.alerts_transport
    for what, transport in routes.items():
        yield _transport_check(config, f"{what} {transport}", transport)
    yield from _outbox_state(Path(config.state))


def _sender_check(config: Config) -> Check:
    from integrations.mail.mime import header_address
    from integrations.mail.notify import sender_address

    try:
        shown = str(header_address(sender_address(config.email.sender)))
        name, _ = split_sender(config.email.sender)
    except ValueError as exc:
        return Check("FAIL", "email from", str(exc))
    reads = f"recipients see \u201c{name}\u201d" if name else "no display name"
    return Check("ok", "email from", f"From: {shown} ({reads})")


def _transport_check(config: Config, what: str, transport: str) -> Check:
    if transport == "gmail":
        return Check("ok", what, "sent as each manager: see the scopes line of each login")
    if transport == "outbox":
        return _folder_check(what, Path(config.email.outbox_dir))
    from integrations.shell.wiring import smtp_mailer

    try:
        mailer = smtp_mailer(config)
        checked = mailer.check()
    except (OneOnOneError, UserError) as exc:
        return Check("FAIL", what, str(exc))
    return Check("ok", what, str(checked))


def _folder_check(what: str, folder: Path) -> Check:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, name = tempfile.mkstemp(dir=folder, prefix=".doctor-")
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return Check("FAIL", what, f"{folder} is not writable: {exc.strerror or exc}")
    return Check("ok", what, f"{folder} is writable")


def _outbox_state(state: Path) -> Iterator[Check]:
    if not state.exists():
        return
    with contextlib.closing(db.connect(state, readonly=True)) as conn:
        try:
            rows = conn.execute(
                "SELECT state, COUNT(*), MAX(last_error) FROM outbox "
                "WHERE state = 'FAILED' OR (state = 'PENDING' AND last_error IS NOT NULL) "
                "GROUP BY state"
            ).fetchall()
        except sqlite3.Error:
            return
    stuck = {str(s): (int(n), str(e or "")) for s, n, e in rows}
    if not stuck:
        yield Check("ok", "outbox", "nothing failed or waiting for a retry")
        return
    failed, last_failed = stuck.get("FAILED", (0, ""))
    waiting, last_retry = stuck.get("PENDING", (0, ""))
    error = last_retry or last_failed
    yield Check(
        "FAIL" if failed else "warn",
        "outbox",
        f"{failed} failed for good, {waiting} waiting for a retry (last error: {error}); "
        "see 'oneonone outbox'",
    )
