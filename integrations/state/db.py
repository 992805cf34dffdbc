"""The state file's one owner: how it is opened, and how its schema comes up to date.

Every connection to the state database comes from ``connect``: the store's, the outbox's, and
the read-only ones of ``status``, the digest, the metrics and ``doctor``. A writing connection
runs in WAL mode with ``synchronous=FULL`` (a sent email is durable before the next one goes)
and brings the schema up to date through ``MIGRATIONS``, the one list of every table, the
outbox's included; ``meta.schema_version`` says how far a file has come. A read-only one
changes nothing, not even the schema.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT = 10.0
"""Seconds a connection waits for another one's write to finish."""

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE calendar_cache (
            owner TEXT NOT NULL, event_id TEXT NOT NULL, data TEXT NOT NULL,
            PRIMARY KEY (owner, event_id))""",
        """CREATE TABLE sync_state (
            owner TEXT PRIMARY KEY, token TEXT, synced_at TEXT)""",
        """CREATE TABLE series (
            event_id TEXT PRIMARY KEY, pair_key TEXT NOT NULL, owner TEXT NOT NULL,
            gen INTEGER NOT NULL, created_at TEXT NOT NULL)""",
        """CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, pair_key TEXT NOT NULL,
            action TEXT NOT NULL, reason TEXT NOT NULL, result TEXT NOT NULL,
            details TEXT NOT NULL DEFAULT '{}')""",
        "CREATE INDEX audit_pair ON audit (pair_key, at)",
        "CREATE TABLE notices (key TEXT PRIMARY KEY, at TEXT NOT NULL)",
    ),
    (
        # Occurrences the service moved: a move it made is never taken for a new bump.
        """CREATE TABLE moves (
            series_id TEXT NOT NULL, original_start TEXT NOT NULL, start TEXT NOT NULL,
            end TEXT NOT NULL, at TEXT NOT NULL, reason TEXT NOT NULL,
            PRIMARY KEY (series_id, original_start, at))""",
        """CREATE TABLE manager_state (
            owner TEXT PRIMARY KEY, busy_checked_at TEXT, parked_until TEXT, parked_reason TEXT)""",
    ),
    (
        # Action items belong to the manager/rep pair, so they survive moves and new series.
        """CREATE TABLE action_items (
            id TEXT PRIMARY KEY, pair_key TEXT NOT NULL, owner TEXT NOT NULL, text TEXT NOT NULL,
            due TEXT, opened_on TEXT NOT NULL, closed_on TEXT, meetings_open INTEGER NOT NULL,
            last_meeting TEXT NOT NULL)""",
        "CREATE INDEX action_items_pair ON action_items (pair_key)",
    ),
    (
        # The 1:1 ledger: what became of each ended occurrence, kept past series changes.
        """CREATE TABLE ledger (
            series_id TEXT NOT NULL, original_start TEXT NOT NULL, pair_key TEXT NOT NULL,
            start TEXT NOT NULL, end TEXT NOT NULL, state TEXT NOT NULL, reason TEXT NOT NULL,
            recorded_at TEXT NOT NULL, PRIMARY KEY (series_id, original_start))""",
        "CREATE INDEX ledger_pair ON ledger (pair_key, original_start)",
    ),
    (
        # A move is recorded as an intent before the patch and completed after it, with where
        # it came from, why, its number and who still showed "declined" right after it.
        "ALTER TABLE moves ADD COLUMN state TEXT NOT NULL DEFAULT 'done'",
        "ALTER TABLE moves ADD COLUMN from_start TEXT",
        "ALTER TABLE moves ADD COLUMN from_end TEXT",
        "ALTER TABLE moves ADD COLUMN cause TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE moves ADD COLUMN number INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE moves ADD COLUMN still_declined TEXT NOT NULL DEFAULT ''",
    ),
    (
        # Coaching focus, goals and agreed steps from a pair's notes: they open later 1:1s.
        """CREATE TABLE pair_lines (
            pair_key TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL, day TEXT NOT NULL,
            PRIMARY KEY (pair_key, kind, day, text))""",
    ),
    (
        # The time of the last busy check: nothing reads or writes it any more.
        "ALTER TABLE manager_state DROP COLUMN busy_checked_at",
    ),
    (
        # The outbox's tables (mail/deliveries.py), which it used to create itself on first
        # use: IF NOT EXISTS, since most files already have them.
        """CREATE TABLE IF NOT EXISTS outbox (
            key TEXT PRIMARY KEY, kind TEXT NOT NULL, sender TEXT NOT NULL,
            recipient TEXT NOT NULL, payload TEXT NOT NULL, state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0, ambiguous INTEGER NOT NULL DEFAULT 0,
            not_before TEXT NOT NULL, created_at TEXT NOT NULL, sending_at TEXT, sent_at TEXT,
            provider_id TEXT, thread_key TEXT, last_error TEXT)""",
        "CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, not_before)",
        """CREATE TABLE IF NOT EXISTS threads (
            sender TEXT NOT NULL, thread_key TEXT NOT NULL, provider_thread_id TEXT NOT NULL,
            PRIMARY KEY (sender, thread_key))""",
        """CREATE TABLE IF NOT EXISTS parked_senders (
            sender TEXT PRIMARY KEY, until TEXT NOT NULL, reason TEXT NOT NULL)""",
        "CREATE TABLE IF NOT EXISTS send_log (sender TEXT NOT NULL, at TEXT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS send_log_by_sender ON send_log (sender, at)",
    ),
    (
        # The occurrences the service cancelled for a pause (state/pause_store.py), which it
        # used to create itself on first use: IF NOT EXISTS, since most files already have it.
        """CREATE TABLE IF NOT EXISTS paused_occurrences (
            series_id TEXT NOT NULL, original_start TEXT NOT NULL, at TEXT NOT NULL,
            PRIMARY KEY (series_id, original_start))""",
    ),
    (
        # How many times each owner's kept calendar changed, counted by the file itself: any
        # write of a row, by any code, moves it (calendar_cache.CalendarCache.version).
        "CREATE TABLE kept_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)",
        *(
            f"""CREATE TRIGGER kept_version_{event.lower()} AFTER {event} ON calendar_cache
                BEGIN INSERT INTO kept_versions (owner, version) VALUES ({row}.owner, 1)
                ON CONFLICT (owner) DO UPDATE SET version = version + 1; END"""
            for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
        ),
        # A manager whose last plan was empty, and what it was made from (reconcile.quiet).
        """CREATE TABLE quiet_managers (
            owner TEXT PRIMARY KEY, version INTEGER NOT NULL, around TEXT NOT NULL,
            watch TEXT NOT NULL, until TEXT NOT NULL, basis TEXT NOT NULL)""",
    ),
    (
        # The rows of the service's own series (tagged masters, occurrences edited on their
        # own): about a sixth of the cached events, which ``check`` reads without scanning
        # the rest. Its WHERE is word for word that of calendar_cache._SERIES_ROWS, which is
        # how SQLite knows the index serves that query (a test checks the plan).
        """CREATE INDEX IF NOT EXISTS calendar_cache_series ON calendar_cache (owner, event_id)
            WHERE json_extract(data, '$.private.oneonone') = 'series'
               OR IFNULL(json_extract(data, '$.recurring_event_id'), '') != ''""",
    ),
)


def connect(
    path: Path | str, *, readonly: bool = False, autocommit: bool = False
) -> sqlite3.Connection:
    """A connection to the state file at ``path`` (``":memory:"`` for a test's own).

    ``autocommit`` leaves transactions to the caller (``BEGIN IMMEDIATE`` … ``COMMIT``);
    otherwise Python's ``with conn:`` makes one. Rows come back as ``sqlite3.Row``.
    """
    memory = str(path) == ":memory:"
    if readonly:
        conn = sqlite3.connect(
            _read_only_uri(Path(path)), uri=True, timeout=BUSY_TIMEOUT, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        _private(Path(path))  # reading a WAL file may create its -wal and -shm
        return conn
    if not memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    conn = sqlite3.connect(
        str(path),
        check_same_thread=False,
        timeout=BUSY_TIMEOUT,
        isolation_level=None if autocommit else "DEFERRED",
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
    migrate(conn)
    if not memory:
        _private(Path(path))
    return conn


def _read_only_uri(path: Path) -> str:
    """The file's URI, read-only: a ``?``, ``#`` or ``%`` in its name is escaped, or SQLite
    would read it as the start of the query, of a fragment or of an escape and open another
    file (https://www.sqlite.org/uri.html)."""
    return f"file:{urllib.parse.quote(str(path.absolute()))}?mode=ro"


def schema_version(conn: sqlite3.Connection) -> int:
    """How many of ``MIGRATIONS`` the file has had (0: a new file)."""
    try:
        row = conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    except sqlite3.OperationalError:  # no meta table yet
        return 0
    return int(row[0]) if row else 0


def migrate(conn: sqlite3.Connection) -> None:
    """Run the migrations a file has not had yet, each in its own transaction; a second
    process migrating at the same time finds the work done and skips it."""
    if schema_version(conn) >= len(MIGRATIONS):
        return
    if conn.in_transaction:
        conn.commit()
    for number, statements in enumerate(MIGRATIONS, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            if schema_version(conn) < number:
                for sql in statements:
                    if not sql.startswith("CREATE TABLE meta"):
                        conn.execute(sql)
                conn.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(number),),
                )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def _private(path: Path) -> None:
    """The state holds names, notes and addresses: its files are the owner's alone."""
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            os.chmod(p, 0o600)


class Database:
    """One connection to the state file, shared by the repositories of each concern: thread-safe
    through one lock, every write in a ``BEGIN IMMEDIATE`` transaction.

    A transaction opened inside another (on the same thread) is part of it, as a savepoint: the
    writes of one manager's stage are committed together, once (each commit is an fsync), and
    either all of them are in the file or none."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        """``readonly``: for readers (``status``, the digest), which change nothing."""
        self.path = Path(path)
        self.readonly = readonly
        self.conn = connect(path, readonly=readonly, autocommit=True)
        self.lock = threading.RLock()
        self._depth = 0  # transactions open on the thread holding the lock
        self._undo: list[Callable[[], None]] = []

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            if self._depth:
                with self._savepoint():
                    yield self.conn
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                self._rolled_back()
                raise
            finally:
                self._depth, self._undo = 0, []

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """A transaction inside another: undone alone if it fails (some errors, a full disk
        among them, make SQLite roll back the whole transaction: then there is nothing left
        to undo here, and the outer one rolls back too as the error reaches it)."""
        name = f"nested{self._depth}"
        self.conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO {name}")
            raise
        finally:
            self._depth -= 1
            if self.conn.in_transaction:
                self.conn.execute(f"RELEASE {name}")

    def on_rollback(self, undo: Callable[[], None]) -> None:
        """Call ``undo`` if the transaction open now is rolled back (what a repository keeps
        in memory of its writes must not outlive them)."""
        with self.lock:
            if self._depth:
                self._undo.append(undo)

    def _rolled_back(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
        for undo in self._undo:
            undo()

    @property
    def schema_version(self) -> int:
        return schema_version(self.conn)
