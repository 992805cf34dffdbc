"""``oneonone outbox``: the emails that did not go out, and what a person can do about them.

``list`` shows pending, failed and dropped messages (``--all`` adds the sent ones) with the last
error; ``show KEY`` prints one as its recipient would read it; ``retry KEY`` makes a failed,
dropped or waiting message due now (the next pass sends it); ``drop KEY`` gives one up. A key
may be shortened to any prefix that names one message.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from integrations.mail.mime import build_mime
from integrations.mail.records import DeliveryRow, from_payload
from integrations.mail.records import ts as _ts
from integrations.state import db
from integrations.state.quiet_store import clear_quiet
from scheduler import words
from scheduler.errors import UserError

Print = Callable[[str], None]
_COLUMNS = (
    "key, kind, sender, recipient, state, attempts, not_before, created_at, sent_at, "
    "provider_id, thread_key, last_error"
)


class OutboxError(UserError):
    """A key that names no message, or several."""


@contextlib.contextmanager
def _open(state: Path) -> Iterator[sqlite3.Connection]:
    conn = db.connect(state)
    try:
        yield conn
    finally:
        conn.close()


def _utc(address: str) -> str:
    return words.UTC


def _rows(
    conn: sqlite3.Connection, where: str = "1 = 1", args: tuple[str, ...] = ()
) -> list[DeliveryRow]:
    sql = f"SELECT {_COLUMNS} FROM outbox WHERE {where} ORDER BY created_at, key"
    return [DeliveryRow(*r) for r in conn.execute(sql, args)]


def find(conn: sqlite3.Connection, key: str) -> DeliveryRow:
    """The message whose key is ``key`` or starts with it (exactly one)."""
    exact = _rows(conn, "key = ?", (key,))
    if exact:
        return exact[0]
    found = _rows(conn, "substr(key, 1, ?) = ?", (str(len(key)), key))
    if len(found) == 1:
        return found[0]
    if not found:
        raise OutboxError(
            f"no email in the outbox has the key {key!r} ('oneonone outbox' lists them)"
        )
    names = ", ".join(r.key for r in found[:5])
    raise OutboxError(f"{key!r} names {len(found)} emails ({names}…): give more of the key")


def list_messages(
    state: Path, out: Print, *, everything: bool = False, zone_of: Callable[[str], str] = _utc
) -> int:
    """Each email not sent yet (or every one), with its time in the recipient's zone."""
    with _open(state) as conn:
        rows = _rows(conn) if everything else _rows(conn, "state != 'SENT'")
    if not rows:
        out("the outbox is empty: every email went out" if not everything else "no emails yet")
        return 0
    for row in rows:
        created = dt.datetime.fromisoformat(row.created_at)
        when = f"tries: {row.attempts}, created {words.when(created, zone_of(row.recipient))}"
        out(f"{row.state:8} {row.kind:8} to {row.recipient}  ({when})")
        out(f"         key: {row.key}")
        if row.last_error and row.state != "SENT":
            out(f"         last error: {row.last_error}")
    return 0


def show_message(state: Path, key: str, out: Print) -> int:
    with _open(state) as conn:
        row = find(conn, key)
        (payload,) = conn.execute("SELECT payload FROM outbox WHERE key = ?", (row.key,)).fetchone()
    message = from_payload(payload)
    mime = build_mime(message, date=dt.datetime.fromisoformat(row.created_at))
    for header in ("From", "To", "Cc", "Reply-To", "Subject"):
        if mime[header]:
            out(f"{header}: {mime[header]}")
    out(
        f"State: {row.state} after {row.attempts} tries"
        + (f"; last error: {row.last_error}" if row.last_error else "")
    )
    out("")
    out(message.text.rstrip("\n"))
    return 0


def retry_message(state: Path, key: str, out: Print, *, now: dt.datetime) -> int:
    with _open(state) as conn:
        row = find(conn, key)
        if row.state in ("SENT", "SENDING"):
            raise OutboxError(f"{row.key} is {row.state}: nothing to retry")
        with conn:
            clear_quiet(conn)  # the next pass plans everyone again
            conn.execute(
                "UPDATE outbox SET state = 'PENDING', not_before = ?, last_error = ? WHERE key = ?",
                (
                    min(_ts(now), row.created_at),  # due at once, whatever pass comes next
                    f"retry asked by hand (was {row.state}: {row.last_error or ''})",
                    row.key,
                ),
            )
    out(f"{row.key}: due again now; the next pass sends it ('oneonone run --once' to send now)")
    return 0


def drop_message(state: Path, key: str, out: Print) -> int:
    with _open(state) as conn:
        row = find(conn, key)
        if row.state in ("SENT", "SENDING", "DROPPED"):
            raise OutboxError(f"{row.key} is {row.state}: nothing to drop")
        with conn:
            clear_quiet(conn)  # the next pass plans everyone again
            conn.execute(
                "UPDATE outbox SET state = 'DROPPED', last_error = ? WHERE key = ?",
                (f"dropped by hand (was {row.state}: {row.last_error or ''})", row.key),
            )
    out(f"{row.key}: dropped; it will not be sent")
    return 0
