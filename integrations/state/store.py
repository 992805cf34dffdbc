"""The state database (SQLite, WAL, synchronous=FULL): what the service has seen and done.

The calendar stays the source of truth; this file holds the cache of each manager's calendar
with its sync token, the series we created, the audit trail, and the tables of the email outbox.
A lost database is survivable: the series are found again by their tags and ids.
Its connection and its schema come from ``state.db``, the file's one owner.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from integrations.state import db
from scheduler.ports import Attendee, CalendarEvent
from scheduler.vocabulary import EventStatus, Response


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def event_to_json(ev: CalendarEvent) -> str:
    data = dataclasses.asdict(ev)
    for key in ("start", "end", "original_start", "updated"):
        data[key] = _iso(data[key])
    for key in ("start_date", "end_date"):
        data[key] = data[key].isoformat() if data[key] else None
    data["private"] = dict(ev.private)
    return json.dumps(data, sort_keys=True)


def event_from_json(text: str) -> CalendarEvent:
    data: dict[str, Any] = json.loads(text)
    for key in ("start", "end", "original_start", "updated"):
        data[key] = dt.datetime.fromisoformat(data[key]) if data[key] else None
    for key in ("start_date", "end_date"):
        data[key] = dt.date.fromisoformat(data[key]) if data[key] else None
    data["status"] = EventStatus(data["status"])
    data["attendees"] = tuple(
        Attendee(**{**a, "response": Response(a["response"])}) for a in data["attendees"]
    )
    data["recurrence"] = tuple(data["recurrence"])
    return CalendarEvent(**data)


@dataclasses.dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    pair_key: str
    action: str
    reason: str
    result: str
    details: dict[str, Any]


PARSED_OWNERS = 64
"""Managers whose parsed calendar copy is kept in memory: a pass reads one manager's copy many
times in a row (series, bumps, each email), so a few per worker thread is enough."""


class Store:
    """One SQLite file. Thread-safe through one lock; every write is its own transaction."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        """``readonly``: for readers (``status``, the digest), which change nothing."""
        self.path = Path(path)
        self.conn = db.connect(path, readonly=readonly, autocommit=True)
        self.lock = threading.RLock()
        self._parsed: OrderedDict[str, tuple[CalendarEvent, ...]] = OrderedDict()

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    @property
    def schema_version(self) -> int:
        return db.schema_version(self.conn)

    # -- calendar cache -------------------------------------------------------------------
    def cached_events(self, owner: str) -> list[CalendarEvent]:
        """The owner's calendar as last synced, parsed once and kept until the next write."""
        with self.lock:
            parsed = self._parsed.get(owner)
            if parsed is None:
                rows = self.conn.execute(
                    "SELECT data FROM calendar_cache WHERE owner=? ORDER BY event_id", (owner,)
                ).fetchall()
                parsed = tuple(event_from_json(r[0]) for r in rows)
                self._parsed[owner] = parsed
                while len(self._parsed) > PARSED_OWNERS:
                    self._parsed.popitem(last=False)
            else:
                self._parsed.move_to_end(owner)
            return list(parsed)

    def sync_token(self, owner: str) -> str | None:
        with self.lock:
            row = self.conn.execute(
                "SELECT token FROM sync_state WHERE owner=?", (owner,)
            ).fetchone()
        return row[0] if row else None

    def apply_changes(
        self,
        owner: str,
        events: Iterable[CalendarEvent],
        token: str,
        *,
        full: bool,
        now: dt.datetime,
    ) -> None:
        """Merge a sync delta (or replace everything on a full read) and keep the new token.

        Cancelled items in a delta carry little more than their id: the cached copy keeps its
        tags and times and only its status changes, so a deleted series is still recognised.
        """
        with self.transaction() as conn:
            self._parsed.pop(owner, None)
            if full:
                old = {
                    r[0]: r[1]
                    for r in conn.execute(
                        "SELECT event_id, data FROM calendar_cache WHERE owner=?", (owner,)
                    )
                }
                conn.execute("DELETE FROM calendar_cache WHERE owner=?", (owner,))
            else:
                old = {}
            for ev in events:
                merged = ev
                if ev.cancelled and not ev.private:
                    prior_text = old.get(ev.id)
                    if prior_text is None:
                        row = conn.execute(
                            "SELECT data FROM calendar_cache WHERE owner=? AND event_id=?",
                            (owner, ev.id),
                        ).fetchone()
                        prior_text = row[0] if row else None
                    if prior_text is not None:
                        prior = event_from_json(prior_text)
                        merged = dataclasses.replace(
                            prior,
                            status=EventStatus.CANCELLED,
                            etag=ev.etag or prior.etag,
                            updated=ev.updated or prior.updated,
                        )
                conn.execute(
                    "INSERT OR REPLACE INTO calendar_cache (owner, event_id, data) VALUES (?,?,?)",
                    (owner, ev.id, event_to_json(merged)),
                )
            conn.execute(
                "INSERT OR REPLACE INTO sync_state (owner, token, synced_at) VALUES (?,?,?)",
                (owner, token, _iso(now)),
            )

    def put_event(self, owner: str, ev: CalendarEvent) -> None:
        """Record what a write returned, so the plan of the same pass sees it at once."""
        with self.transaction() as conn:
            self._parsed.pop(owner, None)
            conn.execute(
                "INSERT OR REPLACE INTO calendar_cache (owner, event_id, data) VALUES (?,?,?)",
                (owner, ev.id, event_to_json(ev)),
            )

    def synced_at(self, owner: str) -> dt.datetime | None:
        """When ``owner``'s calendar was last read (None: never, or its token was dropped)."""
        with self.lock:
            row = self.conn.execute(
                "SELECT synced_at FROM sync_state WHERE owner=?", (owner,)
            ).fetchone()
        return dt.datetime.fromisoformat(row[0]) if row and row[0] else None

    def forget_sync(self, owner: str) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM sync_state WHERE owner=?", (owner,))

    # -- series ---------------------------------------------------------------------------
    def record_series(
        self, event_id: str, pair_key: str, owner: str, gen: int, now: dt.datetime
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO series (event_id, pair_key, owner, gen, created_at) "
                "VALUES (?,?,?,?,?)",
                (event_id, pair_key, owner, gen, _iso(now)),
            )

    def series_owners(self) -> set[str]:
        """Everyone the service made or adopted a series for (lower case)."""
        with self.lock:
            rows = self.conn.execute("SELECT DISTINCT lower(owner) FROM series").fetchall()
        return {str(r[0]) for r in rows}

    # -- audit and notices ----------------------------------------------------------------
    def audit(
        self,
        *,
        at: dt.datetime,
        pair_key: str,
        action: str,
        reason: str,
        result: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO audit (at, pair_key, action, reason, result, details) "
                "VALUES (?,?,?,?,?,?)",
                (
                    _iso(at),
                    pair_key,
                    action,
                    reason,
                    result,
                    json.dumps(details or {}, default=str, sort_keys=True),
                ),
            )

    def audit_rows(self, *, pair: str | None = None, limit: int = 200) -> list[AuditRow]:
        sql = "SELECT * FROM audit"
        args: tuple[Any, ...] = ()
        if pair:
            sql += " WHERE pair_key LIKE ?"
            args = (f"%{pair}%",)
        sql += " ORDER BY id DESC LIMIT ?"
        with self.lock:
            rows = self.conn.execute(sql, (*args, limit)).fetchall()
        return [
            AuditRow(
                r["id"],
                dt.datetime.fromisoformat(r["at"]),
                r["pair_key"],
                r["action"],
                r["reason"],
                r["result"],
                json.loads(r["details"]),
            )
            for r in reversed(rows)
        ]

    def has_notice(self, key: str) -> bool:
        with self.lock:
            return (
                self.conn.execute("SELECT 1 FROM notices WHERE key=?", (key,)).fetchone()
                is not None
            )

    def first_notice(self, key: str, now: dt.datetime) -> bool:
        """True the first time ``key`` is seen; later calls return False."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO notices (key, at) VALUES (?, ?)", (key, _iso(now))
            )
            return cur.rowcount == 1

    # -- per-manager state ----------------------------------------------------------------
    def park(self, owner: str, *, until: dt.datetime, reason: str) -> None:
        """Stop acting for ``owner`` until ``until`` (a revoked login, a usage limit)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO manager_state (owner, parked_until, parked_reason) VALUES (?,?,?) "
                "ON CONFLICT(owner) DO UPDATE SET parked_until=excluded.parked_until, "
                "parked_reason=excluded.parked_reason",
                (owner, _iso(until), reason),
            )

    def unpark(self, owner: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE manager_state SET parked_until=NULL, parked_reason=NULL WHERE owner=?",
                (owner,),
            )

    def parked(self, owner: str, now: dt.datetime) -> str | None:
        """The reason ``owner`` is parked at ``now``, or None."""
        with self.lock:
            row = self.conn.execute(
                "SELECT parked_until, parked_reason FROM manager_state WHERE owner=?", (owner,)
            ).fetchone()
        if row is None or row[0] is None or dt.datetime.fromisoformat(row[0]) <= now:
            return None
        return str(row[1])

    def parked_count(self, now: dt.datetime) -> int:
        with self.lock:
            rows = self.conn.execute("SELECT parked_until FROM manager_state").fetchall()
        return sum(1 for r in rows if r[0] and dt.datetime.fromisoformat(r[0]) > now)

    # -- moves ----------------------------------------------------------------------------
    def prune_moves(self, *, before: dt.datetime) -> int:
        """Forget moves of occurrences that began, and were moved to, before ``before``."""
        with self.transaction() as conn:
            cursor = conn.execute(
                "DELETE FROM moves WHERE original_start < ? AND start < ?",
                (_iso(before), _iso(before)),
            )
        return cursor.rowcount

    def moves(self) -> dict[tuple[str, dt.datetime], tuple[int, tuple[dt.datetime, dt.datetime]]]:
        """Per (series, original start): how many moves we made and where the last one went
        (completed moves only: an open intent is settled by the next pass)."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT series_id, original_start, start, end FROM moves WHERE state='done' "
                "ORDER BY at"
            ).fetchall()
        out: dict[tuple[str, dt.datetime], tuple[int, tuple[dt.datetime, dt.datetime]]] = {}
        for r in rows:
            key = (r[0], dt.datetime.fromisoformat(r[1]))
            count = out[key][0] + 1 if key in out else 1
            out[key] = (count, (dt.datetime.fromisoformat(r[2]), dt.datetime.fromisoformat(r[3])))
        return out
