"""The state's part of ``oneonone check``, read while the config is still being parsed.

``check`` prints the dates the calendar holds for each pair, from the rows of the service's
own series in the state file: at N=1,000, 8,400 rows among 52,000, found, decoded and their
rules expanded in about 0.3 s. Which file that is, only the parsed config says, and the
config is parsed in a child process (``load_config``) while this one has nothing to do once
the templates are checked. So the file the config most likely names is read in that time:
the value of a top-level ``state:`` line of the text, or the default ``./var/state.db``,
beside the config like every path it names. A guess from the text alone, so the rows are
used only when the parsed config names that very file; otherwise the file the config names
is read after the parse.

The read ahead writes nothing: it opens the file read-only, and only a file whose schema is
up to date (an older one is brought up to date, then read, after the parse). The libraries
it reads with are imported when it reads: this module is imported before the child starts.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from integrations.state.status_read import History

BEFORE = dt.timedelta(days=2)
"""How far back a pair's window starts at most: a day, and its 1:1's length (under a day)."""
DEFAULT_STATE = "./var/state.db"
"""Where the state is when the config does not say (``state``'s documented default)."""

_STATE_LINE = re.compile(r"^state[ \t]*:(?:[ \t].*)?$", re.MULTILINE)
"""A top-level ``state:`` key: at the start of a line (a nested one is indented)."""


@dataclass(frozen=True)
class SeriesRows:
    """What ``check`` reads of the state: each manager's series by rep (lower-case email),
    every generation, each with its edited occurrences."""

    by_rep: Mapping[str, Mapping[str, History]]


def read_series_rows(path: Path, *, readonly: bool = False) -> SeriesRows:
    """The series rows of the state file at ``path``; ``readonly`` refuses (``sqlite3.Error``)
    a file whose schema is behind, which only a writing connection brings up to date."""
    import sqlite3

    from integrations.state.db import MIGRATIONS
    from integrations.state.status_read import series_histories
    from integrations.state.store import Store

    store = Store(path, readonly=readonly)
    try:
        if store.schema_version < len(MIGRATIONS):
            raise sqlite3.DatabaseError(f"{path}: schema {store.schema_version} is behind")
        series = store.calendars.series_events()
    finally:
        store.close()
    # Each manager's rows split by rep, each series with its edited occurrences: each pair
    # then looks through its own few rows rather than the whole team's.
    return SeriesRows({owner: series_histories(rows) for owner, rows in series.items()})


def expand_ahead(rows: SeriesRows, *, now: dt.datetime) -> None:
    """Expand every series over the weeks ``check`` may show (``NEXT_HORIZON``, from a day
    and a 1:1 back), only so that the rules' dates are kept (``recurrence``'s blocks) when
    the config arrives: the pairs then read them rather than work them out."""
    from integrations.state.status_read import NEXT_HORIZON

    time_min, time_max = now - BEFORE, now + NEXT_HORIZON
    for reps in rows.by_rep.values():
        for history in reps.values():
            for series, _ in history:
                series.starts(time_min, time_max)


def likely_state(text: str, base_dir: Path) -> Path | None:
    """The state file a config's text most likely names, ``base_dir`` being the config's
    folder; None when the text is no help (two ``state:`` lines, a value that is no path)."""
    lines = _STATE_LINE.findall(text)
    if len(lines) > 1:
        return None
    value: object = None
    if lines:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        try:
            value = (yaml.load(lines[0], Loader=loader) or {}).get("state")
        except (yaml.YAMLError, AttributeError):
            return None
    chosen = DEFAULT_STATE if value is None else value
    if not isinstance(chosen, str):
        return None
    path = Path(chosen)
    return path if path.is_absolute() else base_dir / path


class StateAhead:
    """The series rows of the state file a config most likely names, read ahead of its parse."""

    def __init__(self, config_path: str | Path) -> None:
        self._config = Path(config_path)
        self._read: tuple[Path, SeriesRows] | None = None

    def read(self, *, now: dt.datetime) -> None:
        """Read the likely file (and expand its series around ``now``); nothing is kept when
        it cannot be read for any reason (no such file, another program's file, a schema
        behind, a row it cannot decode): then the file the config names is read after the
        parse, and what goes wrong there is reported as it always is."""
        try:
            text = self._config.read_bytes().decode("utf-8-sig")
            path = likely_state(text, self._config.resolve().parent)
            if path is not None and path.is_file():
                rows = read_series_rows(path, readonly=True)
                expand_ahead(rows, now=now)
                self._read = (path, rows)
        except Exception:  # a guess that did not work out costs the read after, nothing else
            self._read = None

    def rows_for(self, state: Path) -> SeriesRows | None:
        """The rows read ahead if they are those of ``state``, the file the config names."""
        if self._read is None or self._read[0] != state:
            return None
        return self._read[1]
