"""Keeps each manager/rep pair's action items in the state database.

Items outlive the meeting that opened them: they roll into the next agendas until a ``[x]``
closes them. The decisions (what opens, closes, carries, counts) are ``scheduler.recap``'s;
this class only loads and saves the ledger, and runs each merge in one transaction so two
passes can never interleave their read and write.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from integrations.state.store import Store
from scheduler.notes import ActionLine
from scheduler.recap import Item, merge_items

_COLUMNS = "id, pair_key, owner, text, due, opened_on, closed_on, meetings_open, last_meeting"


class ActionItems:
    """The action-item ledger of every pair, in the ``action_items`` table."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def items(self, pair_key: str) -> list[Item]:
        """Every item of the pair, open and closed, oldest first."""
        with self.store.lock:
            return _load(self.store.conn, pair_key)

    def open_items(self, pair_key: str) -> list[Item]:
        return [i for i in self.items(pair_key) if i.open]

    def merge(
        self, pair_key: str, parsed: Sequence[ActionLine], *, meeting_day: dt.date
    ) -> list[Item]:
        """Fold one meeting's action lines into the pair's ledger and return the new ledger.

        Call it once for every meeting that took place, with ``parsed=()`` when it left no
        notes, so open items count the meeting; calling it again for the same meeting is
        harmless.
        """
        with self.store.transaction() as conn:
            merged = merge_items(
                _load(conn, pair_key), parsed, pair_key=pair_key, meeting_day=meeting_day
            )
            _save(conn, merged)
        return merged


def _load(conn: sqlite3.Connection, pair_key: str) -> list[Item]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM action_items WHERE pair_key=? ORDER BY rowid", (pair_key,)
    ).fetchall()
    return [_item(row) for row in rows]


def _save(conn: sqlite3.Connection, items: Sequence[Item]) -> None:
    # An upsert keeps the rowid, and with it the order items were first written in.
    conn.executemany(
        f"INSERT INTO action_items ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT(id) DO UPDATE SET owner=excluded.owner, text=excluded.text, "
        "due=excluded.due, opened_on=excluded.opened_on, closed_on=excluded.closed_on, "
        "meetings_open=excluded.meetings_open, last_meeting=excluded.last_meeting",
        [
            (
                i.id,
                i.pair_key,
                i.owner,
                i.text,
                _day(i.due),
                i.opened_on.isoformat(),
                _day(i.closed_on),
                i.meetings_open,
                i.last_meeting.isoformat(),
            )
            for i in items
        ],
    )


def _item(row: sqlite3.Row) -> Item:
    return Item(
        id=row[0],
        pair_key=row[1],
        owner=row[2],
        text=row[3],
        due=_date(row[4]),
        opened_on=dt.date.fromisoformat(row[5]),
        closed_on=_date(row[6]),
        meetings_open=int(row[7]),
        last_meeting=dt.date.fromisoformat(row[8]),
    )


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
