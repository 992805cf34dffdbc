"""Fixtures for the manager's view: the e2e sandbox environment, and helpers to drive it.

The sandbox and ``Env`` come from ``tests/e2e/conftest.py`` (the real service pass against the
emulator over HTTP on 127.0.0.1); scenarios here let weeks go by and read the ledger back.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.e2e.conftest import Env, admin, env, sandbox

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 New York
TUESDAY = dt.date(2026, 11, 24)
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles}"
)
PRIYA = (
    '      - {name: Priya Raman, email: priya@example.com, day: wednesday, time: "11:00", '
    'timezone: Europe/London, working_hours: "mon-fri 08:00-18:00"}'
)


def ny(day: dt.date, hhmm: str) -> dt.datetime:
    hh, mm = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=NY).astimezone(dt.UTC)


def meeting(admin, user: str, summary: str, start: dt.datetime, end: dt.datetime, **extra):
    body = {
        "summary": summary,
        "start": {"dateTime": start.isoformat()},
        "end": {"dateTime": end.isoformat()},
        **extra,
    }
    return admin.insert_event(user, body)


def instance(admin, series: str, day: dt.date, user: str = "dana@example.com") -> dict:
    lo = dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")
    hi = (dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC) + dt.timedelta(days=2)).isoformat()
    items = admin.instances(user, series, lo, hi.replace("+00:00", "Z"), show_deleted=True)
    return items[0]


__all__ = ["Env", "admin", "env", "sandbox"]
