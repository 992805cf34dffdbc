"""Each manager's calendar as last read, with its sync token: what a pass plans from.

Google stays the source of truth: a delta is merged in (or everything replaced on a full read),
and what a write returns is put in at once so the rest of the pass sees it. Parsed copies are
kept in memory for the managers read most recently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from integrations.state.db import Database
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


PARSED_OWNERS = 64
"""Managers whose parsed calendar copy is kept in memory: a pass reads one manager's copy many
times in a row (series, bumps, each email), so a few per worker thread is enough."""


class CalendarCache:
    def __init__(self, database: Database) -> None:
        self._db = database
        self._parsed: OrderedDict[str, tuple[CalendarEvent, ...]] = OrderedDict()

    def events(self, owner: str) -> list[CalendarEvent]:
        """The owner's calendar as last synced, parsed once and kept until the next write."""
        with self._db.lock:
            parsed = self._parsed.get(owner)
            if parsed is None:
                rows = self._db.conn.execute(
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
        with self._db.lock:
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

        Cancelled items in a delta carry little more than their id: the cached copy keeps its
        tags and times and only its status changes, so a deleted series is still recognised.
        """
        with self._db.transaction() as conn:
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

    def put(self, owner: str, ev: CalendarEvent) -> None:
        """Record what a write returned, so the plan of the same pass sees it at once."""
        with self._db.transaction() as conn:
            self._parsed.pop(owner, None)
            conn.execute(
                "INSERT OR REPLACE INTO calendar_cache (owner, event_id, data) VALUES (?,?,?)",
                (owner, ev.id, event_to_json(ev)),
            )

    def synced_at(self, owner: str) -> dt.datetime | None:
        """When ``owner``'s calendar was last read (None: never, or its token was dropped)."""
        with self._db.lock:
            row = self._db.conn.execute(
                "SELECT synced_at FROM sync_state WHERE owner=?", (owner,)
            ).fetchone()
        return dt.datetime.fromisoformat(row[0]) if row and row[0] else None

    def forget_sync(self, owner: str) -> None:
        with self._db.transaction() as conn:
            conn.execute("DELETE FROM sync_state WHERE owner=?", (owner,))
