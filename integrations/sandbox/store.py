"""The sandbox's state: calendars, event copies, tokens, sent mail and Google's emails to
guests, in memory with an optional write-through SQLite file.

Reads never touch the disk; each mutation writes only the rows it changed, so a request that
touches one event stays cheap even with tens of thousands of events stored. The caller holds
one lock around the whole store (the HTTP layer does), so nothing here is thread-safe alone.
"""

from __future__ import annotations

import dataclasses
import json
import pathlib
import sqlite3
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS calendars (email TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    cal TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (cal, id));
CREATE TABLE IF NOT EXISTS tokens (token TEXT PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mail (id TEXT PRIMARY KEY, n INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS notifications (n INTEGER PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclasses.dataclass
class Row:
    """One calendar's copy of an event (a master, a single event or an exception)."""

    data: dict[str, Any]
    seq: int
    hidden: bool = False  # an attendee deleted their copy: it stays cancelled for them


@dataclasses.dataclass
class CalendarMeta:
    email: str
    time_zone: str = "UTC"
    sync_floor: int = 0  # sync tokens issued at or before this sequence are invalid
    freebusy_error: str | None = None


@dataclasses.dataclass
class TokenRecord:
    email: str
    scopes: list[str]
    expires: str | None = None  # ISO UTC for access tokens; None for refresh tokens
    revoked: bool = False  # for an authorization code: used (codes are single-use)
    redirect_uri: str | None = None  # authorization codes: the redirect it was issued for


class Store:
    """All sandbox state, optionally mirrored to SQLite."""

    def __init__(self, path: pathlib.Path | None = None) -> None:
        self.calendars: dict[str, CalendarMeta] = {}
        self.events: dict[str, dict[str, Row]] = {}
        self.tokens: dict[str, tuple[str, TokenRecord]] = {}
        self.mail: list[dict[str, Any]] = []
        self.notifications: list[dict[str, Any]] = []  # Google's own emails to guests
        self.seq = 0
        self._db: sqlite3.Connection | None = None
        if path is not None:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            self._load(self._db)

    def _load(self, db: sqlite3.Connection) -> None:
        for email, data in db.execute("SELECT email, data FROM calendars"):
            self.calendars[email] = CalendarMeta(**json.loads(data))
            self.events.setdefault(email, {})  # a calendar with no event yet is still there
        for cal, event_id, seq, data in db.execute("SELECT cal, id, seq, data FROM events"):
            blob = json.loads(data)
            self.events.setdefault(cal, {})[event_id] = Row(blob["data"], seq, blob["hidden"])
            self.seq = max(self.seq, seq)
        for token, kind, data in db.execute("SELECT token, kind, data FROM tokens"):
            self.tokens[token] = (kind, TokenRecord(**json.loads(data)))
        for (data,) in db.execute("SELECT data FROM mail ORDER BY n"):
            self.mail.append(json.loads(data))
        for (data,) in db.execute("SELECT data FROM notifications ORDER BY n"):
            self.notifications.append(json.loads(data))
        for (value,) in db.execute("SELECT value FROM meta WHERE key = 'seq'"):
            self.seq = max(self.seq, int(value))

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def calendar(self, email: str) -> CalendarMeta:
        """The calendar of ``email``, created on first use: every address is a user."""
        meta = self.calendars.get(email)
        if meta is None:
            meta = CalendarMeta(email)
            self.save_calendar(meta)
        return meta

    def save_calendar(self, meta: CalendarMeta) -> None:
        self.calendars[meta.email] = meta
        self.events.setdefault(meta.email, {})
        if self._db is not None:
            self._db.execute(
                "INSERT OR REPLACE INTO calendars VALUES (?, ?)",
                (meta.email, json.dumps(dataclasses.asdict(meta))),
            )
            # The sequence only matters across restarts when a floor exceeds every event's seq.
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('seq', ?)", (str(self.seq),))

    def rows(self, cal: str) -> dict[str, Row]:
        return self.events.get(cal, {})

    def get(self, cal: str, event_id: str) -> Row | None:
        return self.events.get(cal, {}).get(event_id)

    def put(self, cal: str, event_id: str, row: Row) -> None:
        if cal not in self.calendars:
            self.calendar(cal)
        self.events.setdefault(cal, {})[event_id] = row
        if self._db is not None:
            blob = json.dumps({"data": row.data, "hidden": row.hidden})
            self._db.execute(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?)", (cal, event_id, row.seq, blob)
            )

    def put_token(self, token: str, kind: str, record: TokenRecord) -> None:
        self.tokens[token] = (kind, record)
        if self._db is not None:
            self._db.execute(
                "INSERT OR REPLACE INTO tokens VALUES (?, ?, ?)",
                (token, kind, json.dumps(dataclasses.asdict(record))),
            )

    def add_mail(self, message: dict[str, Any]) -> None:
        self.mail.append(message)
        if self._db is not None:
            self._db.execute(
                "INSERT INTO mail VALUES (?, ?, ?)",
                (message["id"], len(self.mail), json.dumps(message)),
            )

    def add_notification(self, message: dict[str, Any]) -> None:
        self.notifications.append(message)
        if self._db is not None:
            self._db.execute(
                "INSERT INTO notifications VALUES (?, ?)",
                (len(self.notifications), json.dumps(message)),
            )
