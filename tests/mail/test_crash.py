"""Crash injection: the process dies around a send; a fresh process recovers and delivers.

Deliveries are counted at the real transport (files in the outbox folder, envelopes received by
a real SMTP server), never by trusting our own bookkeeping.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.clock import FixedClock
from integrations.mail.deliveries import AT_LEAST_ONCE, Deliveries
from integrations.mail.mime import short_hash
from integrations.mail.outbox import OutboxMailer
from integrations.mail.smtp import SmtpMailer
from integrations.state import db
from scheduler.ports import Mailer, OutgoingEmail
from tests.mail.conftest import DATE, SmtpServer, make_email

KINDS = ["prep", "move", "note", "reminder", "digest", "recap", "alert"]
NOW = DATE


class SimulatedCrash(BaseException):
    """The process dies here: nothing after this line runs, nothing is cleaned up."""


class CrashingMailer:
    """Wraps a real transport and 'dies' just before or just after the real send."""

    def __init__(self, inner: Mailer, *, when: str, times: int = 1) -> None:
        self.inner, self.when, self.left = inner, when, times

    def send(self, message: OutgoingEmail) -> str:
        crash = self.left > 0
        self.left -= 1
        if crash and self.when == "before":
            raise SimulatedCrash
        result = self.inner.send(message)
        if crash and self.when == "after":
            raise SimulatedCrash
        return result


_OPEN: list[sqlite3.Connection] = []


@pytest.fixture(autouse=True)
def _close_connections() -> Iterator[None]:
    yield
    while _OPEN:
        _OPEN.pop().close()


def open_db(path: Path) -> sqlite3.Connection:
    conn = db.connect(path)
    _OPEN.append(conn)
    return conn


def run_crashing(
    db: Path,
    mailer: Mailer,
    message: OutgoingEmail,
    log: Callable[[str, dict[str, Any]], None] | None = None,
) -> None:
    conn = open_db(db)
    try:
        deliveries = Deliveries(conn, mailer, log=log)
        deliveries.enqueue(message, not_before=NOW, now=NOW)
        with pytest.raises(SimulatedCrash):
            deliveries.deliver_due(now=NOW)
    finally:
        conn.close()  # the OS closes the file when a process dies


def restart(db: Path, mailer: Mailer, *, at: dt.datetime) -> tuple[Deliveries, list[str]]:
    """A new process: fresh connection, recover, then one delivery pass."""
    deliveries = Deliveries(open_db(db), mailer)
    recovered = deliveries.recover(now=at)
    deliveries.deliver_due(now=at)
    return deliveries, recovered


def files_for(folder: Path, message: OutgoingEmail) -> int:
    return len(list(folder.glob(f"*-{short_hash(message.key)}*.eml")))


@pytest.mark.parametrize("kind", KINDS)
def test_crash_before_sending_is_committed_delivers_exactly_once_after_restart(
    tmp_path: Path, clock: FixedClock, kind: str
) -> None:
    db, folder = tmp_path / "state.db", tmp_path / "outbox"
    message = make_email(key=f"{kind}:1", kind=kind)
    conn = open_db(db)
    deliveries = Deliveries(conn, OutboxMailer(folder, date_fn=clock.now))
    deliveries.enqueue(message, not_before=NOW, now=NOW)
    # The process dies on the write that would claim the row (PENDING → SENDING).
    conn.set_authorizer(
        lambda action, table, *_: (
            sqlite3.SQLITE_DENY
            if action == sqlite3.SQLITE_UPDATE and table == "outbox"
            else sqlite3.SQLITE_OK
        )
    )
    with pytest.raises(sqlite3.DatabaseError):
        deliveries.deliver_due(now=NOW)
    conn.close()
    fresh, recovered = restart(db, OutboxMailer(folder, date_fn=clock.now), at=NOW)
    assert recovered == []
    assert files_for(folder, message) == 1
    assert fresh.state(message.key) == "SENT"


@pytest.mark.parametrize("kind", KINDS)
def test_crash_inside_the_send_call_before_delivery_loses_only_at_most_once_kinds(
    tmp_path: Path, clock: FixedClock, kind: str
) -> None:
    db, folder = tmp_path / "state.db", tmp_path / "outbox"
    message = make_email(key=f"{kind}:1", kind=kind)
    events: list[str] = []
    outbox = OutboxMailer(folder, date_fn=clock.now)
    run_crashing(
        db, CrashingMailer(outbox, when="before"), message, log=lambda e, f: events.append(e)
    )
    assert files_for(folder, message) == 0
    fresh, recovered = restart(db, outbox, at=NOW + dt.timedelta(minutes=2))
    assert recovered == [message.key]
    if kind in AT_LEAST_ONCE:
        assert (files_for(folder, message), fresh.state(message.key)) == (1, "SENT")
    else:
        # SENDING cannot tell "about to send" from "sent": a late prep is not worth a duplicate.
        assert (files_for(folder, message), fresh.state(message.key)) == (0, "DROPPED")


@pytest.mark.parametrize("kind", KINDS)
def test_crash_after_delivery_resends_recaps_and_alerts_once_and_nothing_else(
    tmp_path: Path, clock: FixedClock, kind: str
) -> None:
    db, folder = tmp_path / "state.db", tmp_path / "outbox"
    message = make_email(key=f"{kind}:1", kind=kind)
    outbox = OutboxMailer(folder, date_fn=clock.now)
    run_crashing(db, CrashingMailer(outbox, when="after"), message)
    fresh, _ = restart(db, outbox, at=NOW + dt.timedelta(minutes=2))
    fresh.deliver_due(now=NOW + dt.timedelta(hours=2))
    expected = 2 if kind in AT_LEAST_ONCE else 1
    assert files_for(folder, message) == expected
    assert fresh.state(message.key) == ("SENT" if kind in AT_LEAST_ONCE else "DROPPED")


def test_a_recap_that_crashes_after_delivery_twice_is_never_sent_a_third_time(
    tmp_path: Path, clock: FixedClock
) -> None:
    db, folder = tmp_path / "state.db", tmp_path / "outbox"
    message = make_email(key="recap:1", kind="recap")
    outbox = OutboxMailer(folder, date_fn=clock.now)
    run_crashing(db, CrashingMailer(outbox, when="after"), message)
    conn = open_db(db)
    second = Deliveries(conn, CrashingMailer(outbox, when="after"))
    assert second.recover(now=NOW) == [message.key]
    with pytest.raises(SimulatedCrash):
        second.deliver_due(now=NOW)
    conn.close()
    fresh, recovered = restart(db, outbox, at=NOW + dt.timedelta(hours=1))
    fresh.deliver_due(now=NOW + dt.timedelta(days=1))
    assert recovered == [message.key]
    assert files_for(folder, message) == 2
    assert fresh.state(message.key) == "DROPPED"


@pytest.mark.parametrize("kind", KINDS)
def test_crash_after_sent_is_committed_never_resends(
    tmp_path: Path, clock: FixedClock, kind: str
) -> None:
    db, folder = tmp_path / "state.db", tmp_path / "outbox"
    message = make_email(key=f"{kind}:1", kind=kind)
    outbox = OutboxMailer(folder, date_fn=clock.now)

    def die_after_sent(event: str, fields: dict[str, Any]) -> None:
        if event == "mail.sent":
            raise SimulatedCrash

    run_crashing(db, outbox, message, log=die_after_sent)
    fresh, recovered = restart(db, outbox, at=NOW + dt.timedelta(minutes=2))
    fresh.deliver_due(now=NOW + dt.timedelta(days=1))
    assert recovered == []
    assert files_for(folder, message) == 1
    assert fresh.state(message.key) == "SENT"


@pytest.mark.parametrize(("kind", "received"), [("prep", 1), ("recap", 2)])
def test_crash_after_smtp_delivery_counts_at_a_real_server(
    tmp_path: Path,
    clock: FixedClock,
    smtp_server: Callable[..., SmtpServer],
    kind: str,
    received: int,
) -> None:
    server = smtp_server()
    smtp = SmtpMailer(
        "127.0.0.1",
        server.port,
        starttls=False,
        date_fn=clock.now,
        local_hostname="localhost",
        timeout=5,
    )
    db = tmp_path / "state.db"
    message = make_email(key=f"{kind}:1", kind=kind)
    run_crashing(db, CrashingMailer(smtp, when="after"), message)
    fresh, _ = restart(db, smtp, at=NOW + dt.timedelta(minutes=2))
    fresh.deliver_due(now=NOW + dt.timedelta(days=1))
    assert len(server.handler.received) == received
    assert {rcpts[0] for _, rcpts, _ in server.handler.received} == {"sam@example.com"}
