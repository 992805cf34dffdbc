"""Quiet records kept in the state file, so that the next process starts from them.

A record (``reconcile.quiet``) says a manager's last plan was empty, what it was made from and
until when it holds. Kept only in memory, it was lost with each process: ``run --once`` from a
timer and ``plan`` planned every manager anew, and decoded every kept calendar to do it. Here
each record is a row, valid only for the ``basis`` it was written under (the config file's
bytes and the code's files): another config or another version of the code plans everyone.

A command that changes the state by hand (``oneonone outbox drop``) clears them all: what it
changed is not among what a record compares.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from integrations.state.db import Database


@dataclass(frozen=True)
class QuietRow:
    """One manager's record as the file holds it (``watch``: pair keys and original starts)."""

    version: int
    around: str
    watch: tuple[tuple[str, dt.datetime], ...]
    until: dt.datetime


class QuietStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    def load(self, basis: str) -> dict[str, QuietRow]:
        """The records written under ``basis``; none from a file that has no such table yet
        (a read-only command on a file an older version wrote)."""
        with self._db.lock:
            try:
                rows = self._db.conn.execute(
                    "SELECT owner, version, around, watch, until FROM quiet_managers WHERE basis=?",
                    (basis,),
                ).fetchall()
            except sqlite3.OperationalError:
                return {}
        out: dict[str, QuietRow] = {}
        for owner, version, around, watch, until in rows:
            try:
                out[owner] = _row(version, around, watch, until)
            except (ValueError, TypeError):  # a row edited by hand: that manager is planned
                continue
        return out

    def save(self, basis: str, records: Mapping[str, QuietRow | None]) -> None:
        """Write these owners' records (None: the owner has none any more), in one transaction;
        records written under another basis go."""
        if not records:
            return
        gone = [(owner,) for owner, row in records.items() if row is None]
        kept = [
            (owner, row.version, row.around, _watch_text(row.watch), row.until.isoformat(), basis)
            for owner, row in records.items()
            if row is not None
        ]
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM quiet_managers WHERE basis != ?", (basis,))
            conn.executemany("DELETE FROM quiet_managers WHERE owner=?", gone)
            conn.executemany("INSERT OR REPLACE INTO quiet_managers VALUES (?,?,?,?,?,?)", kept)


def clear_quiet(conn: sqlite3.Connection) -> None:
    """Drop every record, in the caller's transaction (a command that changed the state)."""
    conn.execute("DELETE FROM quiet_managers")


def _watch_text(watch: tuple[tuple[str, dt.datetime], ...]) -> str:
    return json.dumps([[key, start.isoformat()] for key, start in watch])


def _row(version: int, around: str, watch: str, until: str) -> QuietRow:
    pairs = tuple((str(k), dt.datetime.fromisoformat(s)) for k, s in json.loads(watch))
    return QuietRow(int(version), str(around), pairs, dt.datetime.fromisoformat(until))
