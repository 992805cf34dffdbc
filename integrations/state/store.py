"""The state database (SQLite, WAL, synchronous=FULL): what the service has seen and done.

The calendar stays the source of truth; this file holds the cache of each manager's calendar
with its sync token, the series we created, the audit trail, the notices, the parked managers,
the moves and the tables of the email outbox. A lost database is survivable: the series are
found again by their tags and ids. Its connection and its schema come from ``state.db``, the
file's one owner; each concern has its repository, all over one connection.
"""

from __future__ import annotations

from pathlib import Path

from integrations.state.calendar_cache import CalendarCache
from integrations.state.db import Database
from integrations.state.journal import AuditTrail, Notices, Parking, SeriesRecords


class Store(Database):
    """One SQLite file and its repositories: ``calendars``, ``series``, ``audit``, ``notices``,
    ``parking`` (the moves are ``move_log``'s, the others' modules take the store)."""

    def __init__(self, path: Path | str, *, readonly: bool = False) -> None:
        """``readonly``: for readers (``status``, the digest), which change nothing."""
        super().__init__(path, readonly=readonly)
        self.calendars = CalendarCache(self)
        self.series = SeriesRecords(self)
        self.audit = AuditTrail(self)
        self.notices = Notices(self)
        self.parking = Parking(self)

    def close(self) -> None:
        """Close the file, with the tokens of reads that changed nothing written first."""
        try:
            self.calendars.write_tokens()
        finally:
            super().close()
