"""A state file written by an earlier release opens in this one: migrations run in order, once,
and keep what the file held."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from integrations.state.store import MIGRATIONS, Store

NOW = dt.datetime(2026, 11, 3, 18, 0, tzinfo=dt.UTC)


def file_at_version(path: Path, version: int) -> None:
    """What a release with ``version`` migrations left on disk."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    for statements in MIGRATIONS[:version]:
        for sql in statements:
            if not sql.startswith("CREATE TABLE meta"):
                conn.execute(sql)
    conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(version),))
    conn.commit()
    conn.close()


def test_a_file_from_before_the_busy_check_column_was_dropped_keeps_its_parked_managers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.db"
    file_at_version(path, 6)
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO manager_state (owner, busy_checked_at, parked_until, parked_reason) "
        "VALUES ('dana@example.com', ?, ?, 'login revoked')",
        (NOW.isoformat(), (NOW + dt.timedelta(days=1)).isoformat()),
    )
    conn.commit()
    conn.close()

    store = Store(path)
    try:
        assert store.schema_version == len(MIGRATIONS)
        columns = [r[1] for r in store.conn.execute("PRAGMA table_info(manager_state)")]
        assert columns == ["owner", "parked_until", "parked_reason"]
        assert store.parked("dana@example.com", NOW) == "login revoked"
    finally:
        store.close()
    again = Store(path)  # opening it again migrates nothing
    try:
        assert again.schema_version == len(MIGRATIONS)
        assert again.parked("dana@example.com", NOW) == "login revoked"
    finally:
        again.close()
