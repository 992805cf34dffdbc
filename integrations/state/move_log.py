"""The moves table as a log of intents: written before each patch, completed after it.

A crash between Google's answer and the bookkeeping, or an answer lost to a server error,
must never turn the service's own move into "moved by a person" (the rep would never hear of
it): the intent says what the service set out to do, so the next pass can tell how it ended.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from integrations.state.store import Store
from scheduler.busy import MoveKey
from scheduler.moves import PastMove


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat() if moment else None


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


_COLUMNS = (
    "series_id, original_start, start, end, at, state, from_start, from_end, cause, number, "
    "still_declined, reason"
)


def _past(rows: Iterable[Any]) -> dict[MoveKey, tuple[PastMove, ...]]:
    out: dict[MoveKey, list[PastMove]] = {}
    for r in rows:
        key = (r[0], dt.datetime.fromisoformat(r[1]))
        past = out.setdefault(key, [])
        past.append(
            PastMove(
                start=dt.datetime.fromisoformat(r[2]),
                end=dt.datetime.fromisoformat(r[3]),
                from_start=_when(r[6]),
                from_end=_when(r[7]),
                cause=r[8],
                number=r[9] or sum(1 for m in past if m.done) + 1,
                at=dt.datetime.fromisoformat(r[4]),
                done=r[5] == "done",
                still_declined=frozenset(w for w in r[10].split(",") if w),
                reason=r[11],
            )
        )
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class Records:
    """The whole moves table, read once per pass, with the open intents indexed by series."""

    history: dict[MoveKey, tuple[PastMove, ...]]
    open: Mapping[str, tuple[MoveKey, ...]]

    def open_intents(self, series_id: str) -> list[tuple[MoveKey, PastMove]]:
        return [(k, self.history[k][-1]) for k in self.open.get(series_id, ())]


def read(store: Store) -> Records:
    """Every move and open intent, per occurrence, oldest first."""
    with store.lock:
        rows = store.conn.execute(f"SELECT {_COLUMNS} FROM moves ORDER BY at").fetchall()
    history = _past(rows)
    open_: dict[str, list[MoveKey]] = {}
    for key, past in history.items():
        if not past[-1].done:
            open_.setdefault(key[0], []).append(key)
    return Records(history, {k: tuple(v) for k, v in open_.items()})


def past(store: Store, key: MoveKey) -> tuple[PastMove, ...]:
    """One occurrence's moves and open intent, oldest first."""
    with store.lock:
        rows = store.conn.execute(
            f"SELECT {_COLUMNS} FROM moves WHERE series_id=? AND original_start=? ORDER BY at",
            (key[0], _iso(key[1])),
        ).fetchall()
    return _past(rows).get(key, ())


def record_intent(store: Store, key: MoveKey, move: PastMove) -> None:
    """Durably note a move about to be sent (an older open intent of the occurrence ended
    without effect, or it would have been settled)."""
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM moves WHERE series_id=? AND original_start=? AND state='intent'",
            (key[0], _iso(key[1])),
        )
        conn.execute(
            "INSERT OR REPLACE INTO moves (series_id, original_start, start, end, at, reason, "
            "state, from_start, from_end, cause, number) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                key[0], _iso(key[1]), _iso(move.start), _iso(move.end), _iso(move.at), move.reason,
                "intent", _iso(move.from_start), _iso(move.from_end), move.cause, move.number,
            ),
        )  # fmt: skip


def complete(store: Store, key: MoveKey, move: PastMove, still_declined: Iterable[str]) -> None:
    """The move happened: from now on it is the service's own, with who still declines."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE moves SET state='done', still_declined=? "
            "WHERE series_id=? AND original_start=? AND at=?",
            (",".join(sorted(still_declined)), key[0], _iso(key[1]), _iso(move.at)),
        )


def forget_intent(store: Store, key: MoveKey, move: PastMove) -> None:
    """An intent that ended without effect, or overtaken by a person's move."""
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM moves WHERE series_id=? AND original_start=? AND at=? AND state='intent'",
            (key[0], _iso(key[1]), _iso(move.at)),
        )


def answered_again(store: Store, key: MoveKey, move: PastMove, who: Iterable[str]) -> None:
    """These people answered the moved occurrence again: their old decline is no longer stale."""
    left = move.still_declined - frozenset(who)
    with store.transaction() as conn:
        conn.execute(
            "UPDATE moves SET still_declined=? WHERE series_id=? AND original_start=? AND at=?",
            (",".join(sorted(left)), key[0], _iso(key[1]), _iso(move.at)),
        )


def prune(store: Store, *, before: dt.datetime) -> int:
    """Forget moves of occurrences that began, and were moved to, before ``before``."""
    with store.transaction() as conn:
        cursor = conn.execute(
            "DELETE FROM moves WHERE original_start < ? AND start < ?",
            (_iso(before), _iso(before)),
        )
    return cursor.rowcount


def done(
    store: Store,
) -> dict[tuple[str, dt.datetime], tuple[int, tuple[dt.datetime, dt.datetime]]]:
    """Per (series, original start): how many moves we made and where the last one went
    (completed moves only: an open intent is settled by the next pass)."""
    with store.lock:
        rows = store.conn.execute(
            "SELECT series_id, original_start, start, end FROM moves WHERE state='done' ORDER BY at"
        ).fetchall()
    out: dict[tuple[str, dt.datetime], tuple[int, tuple[dt.datetime, dt.datetime]]] = {}
    for r in rows:
        key = (r[0], dt.datetime.fromisoformat(r[1]))
        count = out[key][0] + 1 if key in out else 1
        out[key] = (count, (dt.datetime.fromisoformat(r[2]), dt.datetime.fromisoformat(r[3])))
    return out
