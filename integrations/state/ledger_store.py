"""Keeps the 1:1 ledger in the state database, so history survives series changes.

The calendar forgets: a deleted series takes its past occurrences with it, and the cache only
holds what the calendar still shows. Each pass therefore records the state of every occurrence
that ended recently (``record_ledger``), one row per (series, original start), updated in place
when a later look changes its mind. Readers (``oneonone status``, the digest, the status page)
call ``ledger_view``: the stored rows overlaid with what the cache says now, without writing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Collection, Iterable, Sequence

from integrations.state import move_log
from integrations.state.store import Store
from scheduler.ledger import LedgerEntry, Markers, manager_ledger, markers_from_notices
from scheduler.model import Config, Pair

LOOKBACK = dt.timedelta(weeks=9)
"""How far back each pass re-derives the ledger from the cached calendar."""
MOVES_KEPT = LOOKBACK + dt.timedelta(weeks=4)
"""How long a move is remembered: past the ledger's look-back. The ledger reads a move's outcome
from the calendar; the moves table only tells the service's own moves from other people's, which
matters for occurrences still to come."""

_COLUMNS = "series_id, original_start, pair_key, start, end, state, reason, recorded_at"


class LedgerStore:
    """The ``ledger`` table: upsert per (series, original start), read per pair."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def upsert(self, entries: Iterable[LedgerEntry], *, now: dt.datetime) -> int:
        """Write entries (insert or update by series and original start); returns how many."""
        rows = [_row(e, now) for e in entries]
        with self.store.transaction() as conn:
            conn.executemany(
                f"INSERT INTO ledger ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?) "
                "ON CONFLICT(series_id, original_start) DO UPDATE SET pair_key=excluded.pair_key, "
                "start=excluded.start, end=excluded.end, state=excluded.state, "
                "reason=excluded.reason, recorded_at=excluded.recorded_at",
                rows,
            )
        return len(rows)

    def entries(
        self, *, pair_key: str | None = None, since: dt.datetime | None = None
    ) -> list[LedgerEntry]:
        """Stored entries, oldest first, optionally of one pair and planned since ``since``."""
        sql = f"SELECT {_COLUMNS} FROM ledger WHERE 1=1"
        args: list[str] = []
        if pair_key is not None:
            sql, args = sql + " AND pair_key=?", [*args, pair_key]
        if since is not None:
            sql, args = sql + " AND original_start>=?", [*args, _iso(since)]
        with self.store.lock:
            rows = self.store.conn.execute(sql + " ORDER BY original_start", args).fetchall()
        return [_entry(r) for r in rows]

    def markers(self) -> Markers:
        """Skip and give-up markers, from the notices the rebooking layer recorded."""
        with self.store.lock:
            keys = [
                r[0]
                for r in self.store.conn.execute(
                    "SELECT key FROM notices WHERE key LIKE 'unmoved:%'"
                ).fetchall()
            ]
        return markers_from_notices(keys)


def derive_ledger(
    config: Config,
    store: Store,
    *,
    now: dt.datetime,
    since: dt.datetime | None = None,
    skip: Collection[str] = frozenset(),
) -> list[LedgerEntry]:
    """The ledger as the cached calendars show it now (no API call, nothing written), but for
    the managers in ``skip``."""
    since = since if since is not None else now - LOOKBACK
    moves = move_log.done(store)
    markers = LedgerStore(store).markers()
    out: list[LedgerEntry] = []
    by_manager: dict[str, list[Pair]] = {}
    for pair in config.pairs:
        by_manager.setdefault(pair.manager.email, []).append(pair)
    for manager in config.managers:
        if manager.person.email in skip:
            continue
        pairs = by_manager.get(manager.person.email, [])
        email = manager.person.email  # the ledger reads only her series: their rows alone
        events = store.calendars.series_events(email).get(email, [])
        out += manager_ledger(
            pairs, events, moves, markers, since=since, now=now, holidays=config.holidays
        )
    return out


def record_ledger(
    config: Config, store: Store, *, now: dt.datetime, quiet: Collection[str] = frozenset()
) -> int:
    """Derive the recent ledger from the state database and store it; call once per pass.

    ``quiet``: managers not planned again this pass (``reconcile.quiet``). Their entries are
    as the pass that planned them last recorded them: the same calendar, and none of their 1:1s
    has ended since (a quiet record ends when one does).

    Moves older than ``MOVES_KEPT`` are dropped afterwards, so the moves table stays small."""
    entries = derive_ledger(config, store, now=now, skip=quiet)
    count = LedgerStore(store).upsert(entries, now=now)
    move_log.prune(store, before=now - MOVES_KEPT)
    return count


def ledger_view(
    config: Config, store: Store, *, now: dt.datetime, since: dt.datetime
) -> list[LedgerEntry]:
    """Stored entries since ``since`` overlaid with the freshly derived ones, oldest first."""
    merged = {(e.series_id, e.original_start): e for e in LedgerStore(store).entries(since=since)}
    for entry in derive_ledger(config, store, now=now, since=since):
        merged[(entry.series_id, entry.original_start)] = entry
    return sorted(merged.values(), key=lambda e: (e.original_start, e.pair_key))


def of_pair(entries: Sequence[LedgerEntry], pair_key: str) -> list[LedgerEntry]:
    return [e for e in entries if e.pair_key == pair_key]


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


def _row(e: LedgerEntry, now: dt.datetime) -> tuple[str, ...]:
    return (
        e.series_id,
        _iso(e.original_start),
        e.pair_key,
        _iso(e.start),
        _iso(e.end),
        e.state,
        e.reason,
        _iso(now),
    )


def _entry(row: sqlite3.Row) -> LedgerEntry:
    state = row[5]
    return LedgerEntry(
        pair_key=row[2],
        series_id=row[0],
        original_start=dt.datetime.fromisoformat(row[1]),
        start=dt.datetime.fromisoformat(row[3]),
        end=dt.datetime.fromisoformat(row[4]),
        state=state,
        reason=row[6],
    )
