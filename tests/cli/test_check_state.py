"""``check`` reads the state file the config most likely names while the config is parsed, and
uses what it read only when the parsed config names that very file: the dates it prints are
the same either way, and the read ahead changes nothing in any file."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from integrations.state.calendar_cache import _SERIES_ROWS
from integrations.state.db import MIGRATIONS
from integrations.state.store import Store
from integrations.views.check_state import StateAhead, likely_state
from integrations.views.check_view import print_check
from tests.e2e.conftest import SAM, env  # noqa: F401  (fixture)

NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)  # Friday 08:00 in New York
BASE = Path("/srv/team")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("state: /var/lib/one/state.db\n", Path("/var/lib/one/state.db"), id="abs"),
        pytest.param("state: ./data/x.db  # ours\n", BASE / "data/x.db", id="relative"),
        pytest.param("state: 'my state.db'\r\n", BASE / "my state.db", id="quoted-crlf"),
        pytest.param("timezone: UTC\n", BASE / "var/state.db", id="default"),
        pytest.param("state:\n", BASE / "var/state.db", id="empty-is-default"),
        pytest.param("calendar:\n  state: x.db\n", BASE / "var/state.db", id="nested-ignored"),
        pytest.param("state: a.db\nstate: b.db\n", None, id="twice"),
        pytest.param("state: 42\n", None, id="not-text"),
        pytest.param("state: [a.db\n", None, id="broken"),
        pytest.param("state: *where\n", None, id="alias"),
    ],
)
def test_the_likely_state_file_is_read_from_a_top_level_state_line_or_the_default(
    text: str, expected: Path | None
) -> None:
    assert likely_state(text, BASE) == expected


def _dates(config, ahead: StateAhead | None = None) -> list[str]:
    lines: list[str] = []
    print_check(config, now=NOW, out=lines.append, ahead=ahead)
    return lines


def test_the_rows_read_ahead_from_the_configs_own_file_give_the_same_dates(env) -> None:  # noqa: F811
    config = env.config(SAM)
    env.run(config, NOW)
    ahead = StateAhead(env.tmp / "config.yaml")
    ahead.read(now=NOW)
    assert ahead.rows_for(config.state) is not None
    lines = _dates(config, ahead)
    assert lines == _dates(config)
    assert "    next: Tue 01 Dec 2026 10:00 EST (07:00 PST for the rep)" in lines
    assert not any("not in the calendar yet" in line for line in lines)


def test_rows_read_ahead_from_another_file_are_not_used(env) -> None:  # noqa: F811
    config = env.config(SAM)
    env.run(config, NOW)
    other = env.tmp / "other.yaml"  # names an empty state: its rows would show no series
    other.write_text("state: ./other.db\n")
    Store(env.tmp / "other.db").close()
    ahead = StateAhead(other)
    ahead.read(now=NOW)
    assert ahead.rows_for(env.tmp / "other.db") is not None
    assert ahead.rows_for(config.state) is None
    assert _dates(config, ahead) == _dates(config)
    assert "    next: Tue 01 Dec 2026 10:00 EST (07:00 PST for the rep)" in _dates(config, ahead)


def test_a_file_whose_schema_is_behind_is_left_as_it_is_by_the_read_ahead(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    conn = sqlite3.connect(state)
    for sql in MIGRATIONS[0]:
        conn.execute(sql)
    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
    conn.commit()
    conn.close()
    before = state.read_bytes()
    (tmp_path / "config.yaml").write_text("state: ./state.db\n")
    ahead = StateAhead(tmp_path / "config.yaml")
    ahead.read(now=NOW)
    assert ahead.rows_for(state) is None
    assert state.read_bytes() == before


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"not a database at all", id="not-sqlite"),
        pytest.param(None, id="absent"),
    ],
)
def test_a_state_line_naming_no_state_file_reads_nothing_and_creates_nothing(
    tmp_path: Path, content: bytes | None
) -> None:
    state = tmp_path / "state.db"
    if content is not None:
        state.write_bytes(content)
    (tmp_path / "config.yaml").write_text("state: ./state.db\n")
    ahead = StateAhead(tmp_path / "config.yaml")
    ahead.read(now=NOW)
    assert ahead.rows_for(state) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["config.yaml", *(["state.db"] if content is not None else [])]
    )
    if content is not None:
        assert state.read_bytes() == content


def test_the_series_rows_are_found_through_their_index_not_by_reading_every_event(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "state.db")
    try:
        plan = store.conn.execute(f"EXPLAIN QUERY PLAN {_SERIES_ROWS}").fetchall()
    finally:
        store.close()
    assert [row[3] for row in plan] == ["SCAN calendar_cache USING INDEX calendar_cache_series"]
