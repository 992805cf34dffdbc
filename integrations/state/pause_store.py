"""Which occurrences the service cancelled for a pause, kept in the state database.

A cancelled occurrence looks the same whoever cancelled it, and Google keeps little of a
cancelled instance (its id, series and original start are all it promises), so the service
remembers its own pause cancellations here. The rebooking reads it so that the service's own
cancellation is never taken for a bump ("deleted"), and the pause planner restores only these.
Its table is one of the state file's migrations (``state.db``).
"""

from __future__ import annotations

import datetime as dt

from integrations.state.store import Store
from scheduler.bumps import MoveKey


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat()


class PauseStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, series_id: str, original_start: dt.datetime, *, now: dt.datetime) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO paused_occurrences VALUES (?,?,?)",
                (series_id, _iso(original_start), _iso(now)),
            )

    def remove(self, series_id: str, original_start: dt.datetime) -> None:
        with self.store.transaction() as conn:
            conn.execute(
                "DELETE FROM paused_occurrences WHERE series_id=? AND original_start=?",
                (series_id, _iso(original_start)),
            )

    def keys(self) -> set[MoveKey]:
        with self.store.lock:
            rows = self.store.conn.execute(
                "SELECT series_id, original_start FROM paused_occurrences"
            ).fetchall()
        return {(r[0], dt.datetime.fromisoformat(r[1])) for r in rows}
