"""Fixtures for the manager's view: the e2e sandbox environment, and helpers to drive it.

The sandbox and ``Env`` come from ``tests/e2e/conftest.py`` (the real service pass against the
emulator over HTTP on 127.0.0.1); scenarios here let weeks go by and read the ledger back.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from zoneinfo import ZoneInfo

import pytest

from integrations.state.items import ActionItems
from integrations.state.store import Store
from scheduler.model import Config
from scheduler.notes import ActionLine
from scheduler.series import series_id
from tests.e2e.conftest import Env, env

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


# -- a month of history, shared by the status, digest and page tests ---------------------------
SAM_KEY = "dana@example.com/sam@example.com"
PRIYA_KEY = "dana@example.com/priya@example.com"
AT = ny(dt.date(2026, 12, 4), "18:00")  # Friday 4 Dec, evening in New York


@dataclasses.dataclass
class History:
    env: Env
    config: Config
    now: dt.datetime


@pytest.fixture
def history(env: Env, admin) -> History:
    """Two reps over two weeks, the last pass on Thursday 3 Dec 11:00 New York: Sam held, then
    moved the same day (its recap sent before its deadline), and has two open items; Priya
    declined on 25 Nov during the meeting (missed), then held on 2 Dec, its recap not sent when
    its deadline passes on Friday 11:45."""
    config = env.config(SAM, PRIYA)

    def run(now: dt.datetime) -> None:
        assert not env.run(config, now).failed

    run(NOW)
    run(ny(dt.date(2026, 11, 25), "11:05"))
    priya = series_id("dana@example.com", "priya@example.com", 0)
    late = instance(admin, priya, dt.date(2026, 11, 25), "priya@example.com")
    admin.respond("priya@example.com", late["id"], "declined")
    run(ny(dt.date(2026, 11, 30), "10:00"))
    dec1 = dt.date(2026, 12, 1)
    meeting(admin, "dana@example.com", "Board prep", ny(dec1, "12:45"), ny(dec1, "14:00"))
    run(ny(dt.date(2026, 11, 30), "10:02"))
    run(ny(dt.date(2026, 12, 3), "11:00"))  # the last pass: Sam's recap goes out in time
    store = Store(env.tmp / "state.db")
    try:
        line = functools.partial(ActionLine, due=None, done=False, raw="", parsed=True)
        ActionItems(store).merge(
            SAM_KEY,
            [line("Send Acme the revised quote", "sam@example.com"),
             line("Book the <demo> room", "dana@example.com")],
            meeting_day=TUESDAY,
        )  # fmt: skip
    finally:
        store.close()
    return History(env, config, AT)


__all__ = ["Env", "env"]
