"""The state file has one owner (``state.db``): a file written by an earlier release opens in this
one, its migrations run in order and once and keep what it held, and a reader changes nothing."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from integrations.state import db
from integrations.state.db import MIGRATIONS
from integrations.state.store import Store

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
        assert store.parking.reason("dana@example.com", NOW) == "login revoked"
    finally:
        store.close()
    again = Store(path)  # opening it again migrates nothing
    try:
        assert again.schema_version == len(MIGRATIONS)
        assert again.parking.reason("dana@example.com", NOW) == "login revoked"
    finally:
        again.close()


def test_a_reader_changes_nothing_in_the_state_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    writer = Store(path)
    writer.audit.record(
        at=NOW, pair_key="dana@example.com/sam@example.com", action="a", reason="r", result="done"
    )
    writer.close()
    before = path.read_bytes()
    reader = Store(path, readonly=True)
    try:
        assert [r.result for r in reader.audit.rows()] == ["done"]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.audit.record(at=NOW, pair_key="x", action="a", reason="r", result="done")
    finally:
        reader.close()
    assert path.read_bytes() == before
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in tmp_path.glob("state.db*"))


def test_a_reader_leaves_an_old_file_at_its_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    file_at_version(path, 6)
    reader = Store(path, readonly=True)
    try:
        assert reader.schema_version == 6
    finally:
        reader.close()


def test_one_migration_list_makes_every_table_the_outbox_included() -> None:
    conn = db.connect(":memory:")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"calendar_cache", "audit", "notices", "moves", "ledger", "action_items"} <= tables
    assert {"outbox", "threads", "parked_senders", "send_log"} <= tables
    assert db.schema_version(conn) == len(MIGRATIONS)
