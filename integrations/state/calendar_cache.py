"""Each manager's calendar as last read, with its sync token: what a pass plans from.

Google stays the source of truth: a delta is merged in (or everything replaced on a full read),
and what a write returns is put in at once so the rest of the pass sees it.

Each calendar is parsed from the database once per process and then kept: a change (a delta, a
write) updates the kept copy event by event as its row is written, so an idle pass parses
nothing. The kept copy is what a fresh read of the rows would give, since each changed event is
parsed back from the very text stored for it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from integrations.state.db import Database
from scheduler.ports import Attendee, CalendarEvent
from scheduler.series_tags import TAG
from scheduler.vocabulary import EventStatus, Response


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


_FIELDS = tuple(f.name for f in dataclasses.fields(CalendarEvent))
_ATTENDEE_FIELDS = tuple(f.name for f in dataclasses.fields(Attendee))


def event_to_json(ev: CalendarEvent) -> str:
    # Field by field rather than dataclasses.asdict, which deep-copies every value first.
    data: dict[str, Any] = {name: getattr(ev, name) for name in _FIELDS}
    for key in ("start", "end", "original_start", "updated"):
        data[key] = _iso(data[key])
    for key in ("start_date", "end_date"):
        data[key] = data[key].isoformat() if data[key] else None
    data["attendees"] = [{k: getattr(a, k) for k in _ATTENDEE_FIELDS} for a in ev.attendees]
    data["recurrence"] = list(ev.recurrence)
    data["private"] = dict(ev.private)
    return json.dumps(data, sort_keys=True)


def event_from_json(
    text: str, shared: dict[tuple[Attendee, ...], tuple[Attendee, ...]] | None = None
) -> CalendarEvent:
    """The event stored as ``text``; with ``shared``, equal guest lists share one tuple (the
    instances of a series, the meetings of one team) while a calendar is read."""
    data: dict[str, Any] = json.loads(text)
    for key in ("start", "end", "original_start", "updated"):
        data[key] = _moment(data[key]) if data[key] else None
    for key in ("start_date", "end_date"):
        data[key] = dt.date.fromisoformat(data[key]) if data[key] else None
    data["status"] = EventStatus(data["status"])
    attendees = tuple(_attendee(a) for a in data["attendees"])
    data["attendees"] = attendees if shared is None else shared.setdefault(attendees, attendees)
    data["recurrence"] = tuple(data["recurrence"])
    data["private"] = data["private"] or _NO_PRIVATE
    for key in _SHARED:
        if data[key]:
            data[key] = sys.intern(data[key])
    return CalendarEvent(**data)


@functools.lru_cache(maxsize=4096)
def _moment(text: str) -> dt.datetime:
    """Kept events share one ``datetime`` per moment: at N=1,000 the 52,000 cached events start
    and end at about 650 distinct moments, and each datetime costs 48 bytes."""
    return dt.datetime.fromisoformat(text)


_NO_PRIVATE: Mapping[str, str] = MappingProxyType({})
"""The one (read-only) empty mapping of the kept events without our tags: 44,000 of 52,000 at
N=1,000, 64 bytes each as dicts of their own."""

_SHARED = ("summary", "description", "timezone", "organizer", "event_type")
"""Fields whose words recur across calendars (titles, zones, people): kept copies share one
string each, which is what makes keeping every manager's calendar in memory affordable."""


def _attendee(data: dict[str, Any]) -> Attendee:
    data["email"] = sys.intern(data["email"])
    data["name"] = sys.intern(data["name"])
    data["response"] = Response(data["response"])
    return Attendee(**data)


class CalendarCache:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._kept_by_id: dict[str, dict[str, CalendarEvent]] = {}
        self._listed: dict[str, tuple[CalendarEvent, ...]] = {}
        self._versions: dict[str, int] = {}  # per owner: how many times her copy changed
        self._tokens: dict[str, tuple[str, dt.datetime]] = {}  # read with no change, unwritten

    def version(self, owner: str) -> int:
        """A number that changes whenever ``owner``'s kept calendar changes (a delta with
        events, a full read, a write's result): equal numbers, equal calendars, in this process
        and the next. The state file counts it itself, in a trigger on every row written; a
        file an older version left unmigrated (read by ``plan``) counts in this process."""
        with self._db.lock:
            try:
                row = self._db.conn.execute(
                    "SELECT version FROM kept_versions WHERE owner=?", (owner,)
                ).fetchone()
            except sqlite3.OperationalError:
                return -1 - self._versions.get(owner, 0)
        return int(row[0]) if row else 0

    def _changed(self, owner: str) -> None:
        self._versions[owner] = self._versions.get(owner, 0) + 1
        self._listed.pop(owner, None)

    def events(self, owner: str) -> list[CalendarEvent]:
        """The owner's calendar as last synced (by event id), parsed once and then kept."""
        with self._db.lock:
            listed = self._listed.get(owner)
            if listed is None:
                by_id = self._kept(owner)
                listed = self._listed[owner] = tuple(by_id[k] for k in sorted(by_id))
            return list(listed)

    def _kept(self, owner: str) -> dict[str, CalendarEvent]:
        """The kept copy by event id, read from the database the first time (lock held)."""
        by_id = self._kept_by_id.get(owner)
        if by_id is None:
            rows = self._db.conn.execute(
                "SELECT event_id, data FROM calendar_cache WHERE owner=?", (owner,)
            ).fetchall()
            shared: dict[tuple[Attendee, ...], tuple[Attendee, ...]] = {}
            by_id = {r[0]: event_from_json(r[1], shared) for r in rows}
            self._kept_by_id[owner] = by_id
        return by_id

    def series_events(self, owner: str | None = None) -> dict[str, list[CalendarEvent]]:
        """Every owner's series masters the service tagged and the occurrences edited on their
        own (by event id), as last synced: all a series' dates depend on, and about a sixth of
        the rows at N=1,000; ``owner``'s alone when given. Read for ``check`` and the ledger,
        not kept: only the rows that SQLite finds (from an index) are decoded, not the whole
        calendars."""
        with self._db.lock:
            if owner is None:
                rows = self._db.conn.execute(_SERIES_ROWS).fetchall()
            else:
                rows = self._db.conn.execute(_SERIES_ROWS_OF, (owner,)).fetchall()
        masters = {(r[0], r[1]) for r in rows if r[2] is None}
        found: dict[str, list[CalendarEvent]] = {}
        for owner, event_id, series_id, text in sorted(rows, key=lambda r: (r[0], r[1])):
            if (owner, event_id if series_id is None else series_id) in masters:
                found.setdefault(owner, []).append(event_from_json(text))
        return found

    def _store(self, conn: sqlite3.Connection, owner: str, ev: CalendarEvent) -> None:
        """Write one event's row, and put the same text, parsed, into the kept copy."""
        text = event_to_json(ev)
        conn.execute(
            "INSERT OR REPLACE INTO calendar_cache (owner, event_id, data) VALUES (?,?,?)",
            (owner, ev.id, text),
        )
        kept = self._kept_by_id.get(owner)
        if kept is not None:  # a copy not decoded yet is decoded when asked for
            kept[ev.id] = event_from_json(text)
        self._changed(owner)

    @contextlib.contextmanager
    def _writing(self, owner: str) -> Iterator[sqlite3.Connection]:
        """A write transaction; if it rolls back (or the one it is part of does), the kept copy
        is dropped and read again."""
        try:
            with self._db.transaction() as conn:
                self._db.on_rollback(lambda: self._drop(owner))
                yield conn
        except BaseException:
            self._drop(owner)
            raise

    def release(self, owner: str) -> None:
        """Let go of ``owner``'s decoded copy: the next ``events`` decodes the file's rows."""
        with self._db.lock:
            self._kept_by_id.pop(owner, None)
            self._listed.pop(owner, None)

    def _drop(self, owner: str) -> None:
        with self._db.lock:
            self._kept_by_id.pop(owner, None)
            self._changed(owner)

    def sync_token(self, owner: str) -> str | None:
        with self._db.lock:
            if owner in self._tokens:
                return self._tokens[owner][0]
            row = self._db.conn.execute(
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

        A read that changed nothing only leaves its token here, for ``write_tokens`` to write
        with the others in one transaction: a token lost with the process costs a read from
        the older one, which gives the same changes again."""
        events = list(events)
        if not full and not events:
            with self._db.lock:
                self._tokens[owner] = (token, now)
            return
        with self._db.lock:
            self._tokens.pop(owner, None)
        with self._writing(owner) as conn:
            old: dict[str, str] = {}
            if full:
                old = dict(
                    conn.execute(
                        "SELECT event_id, data FROM calendar_cache WHERE owner=?", (owner,)
                    ).fetchall()
                )
                conn.execute("DELETE FROM calendar_cache WHERE owner=?", (owner,))
                self._kept_by_id[owner] = {}
                self._changed(owner)
            for ev in events:
                self._store(conn, owner, _merged(conn, owner, ev, old))
            conn.execute(
                "INSERT OR REPLACE INTO sync_state (owner, token, synced_at) VALUES (?,?,?)",
                (owner, token, _iso(now)),
            )

    def put(self, owner: str, ev: CalendarEvent) -> None:
        """Record what a write returned, so the plan of the same pass sees it at once."""
        with self._writing(owner) as conn:
            self._store(conn, owner, ev)

    def write_tokens(self) -> None:
        """Write the tokens of the reads that changed nothing, in one transaction."""
        with self._db.lock:
            tokens, self._tokens = self._tokens, {}
        if tokens:
            with self._db.transaction() as conn:
                conn.executemany(
                    "INSERT OR REPLACE INTO sync_state (owner, token, synced_at) VALUES (?,?,?)",
                    [(owner, token, _iso(at)) for owner, (token, at) in tokens.items()],
                )

    def synced_at(self, owner: str) -> dt.datetime | None:
        """When ``owner``'s calendar was last read (None: never, or its token was dropped)."""
        with self._db.lock:
            if owner in self._tokens:
                return self._tokens[owner][1]
            row = self._db.conn.execute(
                "SELECT synced_at FROM sync_state WHERE owner=?", (owner,)
            ).fetchone()
        return dt.datetime.fromisoformat(row[0]) if row and row[0] else None

    def forget_sync(self, owner: str) -> None:
        with self._db.lock:
            self._tokens.pop(owner, None)
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM sync_state WHERE owner=?", (owner,))


_SERIES_ROWS = f"""
    SELECT owner, event_id, NULLIF(json_extract(data, '$.recurring_event_id'), ''), data
    FROM calendar_cache
    WHERE json_extract(data, '$.private.{TAG}') = 'series'
       OR IFNULL(json_extract(data, '$.recurring_event_id'), '') != ''"""
"""Tagged masters (without a series id: ``owned_series``'s test, where an empty one counts as
none), and every occurrence edited on its own; those of other series, and tagged ones whose
master is not there, are dropped before decoding, once the masters are known."""
_SERIES_ROWS_OF = _SERIES_ROWS.replace("WHERE ", "WHERE owner = ? AND (") + ")"
"""The same rows of one owner (the same index: its WHERE is a term of this one)."""


def _merged(
    conn: sqlite3.Connection, owner: str, ev: CalendarEvent, old: dict[str, str]
) -> CalendarEvent:
    """Cancelled items in a delta carry little more than their id: the cached copy keeps its
    tags and times and only its status changes, so a deleted series is still recognised."""
    if not ev.cancelled or ev.private:
        return ev
    prior_text = old.get(ev.id)
    if prior_text is None:
        row = conn.execute(
            "SELECT data FROM calendar_cache WHERE owner=? AND event_id=?", (owner, ev.id)
        ).fetchone()
        prior_text = row[0] if row else None
    if prior_text is None:
        return ev
    prior = event_from_json(prior_text)
    return dataclasses.replace(
        prior,
        status=EventStatus.CANCELLED,
        etag=ev.etag or prior.etag,
        updated=ev.updated or prior.updated,
    )
