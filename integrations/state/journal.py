"""What the service did and decided, by concern: the series it made, the audit trail, the notices
it gave once, and the managers it stopped acting for (parked)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from integrations.state.db import Database


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


class SeriesRecords:
    """The series the service made or adopted, with their pair, owner and generation. Those of
    a shared batch are recorded just before it is sent (``create_batched``), so a record may
    name an id whose insert then failed: what it answers, whose calendars hold our series,
    stays true however a pass ends."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def record(self, event_id: str, pair_key: str, owner: str, gen: int, now: dt.datetime) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO series (event_id, pair_key, owner, gen, created_at) "
                "VALUES (?,?,?,?,?)",
                (event_id, pair_key, owner, gen, _iso(now)),
            )

    def owners(self) -> set[str]:
        """Everyone the service made or adopted a series for (lower case)."""
        with self._db.lock:
            rows = self._db.conn.execute("SELECT DISTINCT lower(owner) FROM series").fetchall()
        return {str(r[0]) for r in rows}


@dataclasses.dataclass(frozen=True)
class AuditRow:
    id: int
    at: dt.datetime
    pair_key: str
    action: str
    reason: str
    result: str
    details: dict[str, Any]


class AuditTrail:
    """Every action taken, and why (``oneonone log``)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def record(
        self,
        *,
        at: dt.datetime,
        pair_key: str,
        action: str,
        reason: str,
        result: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        with self._db.transaction() as conn:
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

    def rows(self, *, pair: str | None = None, limit: int = 200) -> list[AuditRow]:
        sql = "SELECT * FROM audit"
        args: tuple[Any, ...] = ()
        if pair:
            sql += " WHERE pair_key LIKE ?"
            args = (f"%{pair}%",)
        sql += " ORDER BY id DESC LIMIT ?"
        with self._db.lock:
            rows = self._db.conn.execute(sql, (*args, limit)).fetchall()
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


class Notices:
    """Keys of what was decided or told once (``scheduler.keys``)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def seen(self, key: str) -> bool:
        with self._db.lock:
            return (
                self._db.conn.execute("SELECT 1 FROM notices WHERE key=?", (key,)).fetchone()
                is not None
            )

    def said(self) -> frozenset[str]:
        """Every key told or decided so far: read once per pass, as part of what it observes."""
        with self._db.lock:
            return frozenset(r[0] for r in self._db.conn.execute("SELECT key FROM notices"))

    def first(self, key: str, now: dt.datetime) -> bool:
        """True the first time ``key`` is seen; later calls return False."""
        with self._db.transaction() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO notices (key, at) VALUES (?, ?)", (key, _iso(now))
            )
            return cur.rowcount == 1


class Parking:
    """Managers the service stops acting for until a time (a revoked login, a usage limit)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def park(self, owner: str, *, until: dt.datetime, reason: str) -> None:
        """Stop acting for ``owner`` until ``until`` (a revoked login, a usage limit)."""
        with self._db.transaction() as conn:
            conn.execute(
                "INSERT INTO manager_state (owner, parked_until, parked_reason) VALUES (?,?,?) "
                "ON CONFLICT(owner) DO UPDATE SET parked_until=excluded.parked_until, "
                "parked_reason=excluded.parked_reason",
                (owner, _iso(until), reason),
            )

    def unpark(self, owner: str) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE manager_state SET parked_until=NULL, parked_reason=NULL WHERE owner=?",
                (owner,),
            )

    def reason(self, owner: str, now: dt.datetime) -> str | None:
        """The reason ``owner`` is parked at ``now``, or None."""
        with self._db.lock:
            row = self._db.conn.execute(
                "SELECT parked_until, parked_reason FROM manager_state WHERE owner=?", (owner,)
            ).fetchone()
        if row is None or row[0] is None or dt.datetime.fromisoformat(row[0]) <= now:
            return None
        return str(row[1])

    def count(self, now: dt.datetime) -> int:
        with self._db.lock:
            rows = self._db.conn.execute("SELECT parked_until FROM manager_state").fetchall()
        return sum(1 for r in rows if r[0] and dt.datetime.fromisoformat(r[0]) > now)
