"""Keeps the lines of a pair's notes that open later 1:1s: coaching focus, goals, steps.

``Coaching:``, ``Goal:`` and ``Step:`` lines are read from each meeting's notes when its recap
goes out and stored per manager/rep pair, so they survive moves, new series and notes files
being cleaned up; ``scheduler.note_lines.carry`` decides what the next prep shows. Recording
the same meeting twice changes nothing (the key is the pair, kind, day and text).
"""

from __future__ import annotations

import datetime as dt

from integrations.state.store import Store
from scheduler.note_lines import Carried, carry
from scheduler.notes import Notes


class PairLines:
    """The ``pair_lines`` table."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, pair_key: str, notes: Notes, *, meeting_day: dt.date) -> None:
        rows = [
            (pair_key, kind, text, meeting_day.isoformat())
            for kind, texts in (("coaching", notes.coaching), ("goal", notes.goals))
            for text in texts
        ] + [(pair_key, "step", text, meeting_day.isoformat()) for text in notes.steps]
        if not rows:
            return
        with self.store.transaction() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO pair_lines (pair_key, kind, text, day) VALUES (?,?,?,?)",
                rows,
            )

    def carried(self, pair_key: str, *, before: dt.date) -> Carried:
        with self.store.lock:
            found = self.store.conn.execute(
                "SELECT kind, text, day FROM pair_lines WHERE pair_key=? ORDER BY rowid",
                (pair_key,),
            ).fetchall()
        return carry([(r[0], r[1], dt.date.fromisoformat(r[2])) for r in found], before=before)
