"""When the weekly digest falls due: Monday 08:00 in the manager's own zone, once per ISO week.

Pure: the pass asks whether a digest is due and when the next one is, and the key that makes
it once a week, without reading anything itself.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scheduler import keys
from scheduler.model import Person

SEND_AT = dt.time(8, 0)
"""Monday, in the manager's own zone."""
GRACE = dt.timedelta(hours=48)
"""A service that was down sends the week's digest up to this late, then waits for next week."""


def week_start(tz: str, now: dt.datetime) -> dt.datetime:
    """The latest Monday ``SEND_AT`` in ``tz`` at or before ``now`` (aware UTC)."""
    zone = ZoneInfo(tz)
    local = now.astimezone(zone)
    monday = local.date() - dt.timedelta(days=local.weekday())
    due = dt.datetime.combine(monday, SEND_AT, tzinfo=zone)
    if due > local:
        due = dt.datetime.combine(monday - dt.timedelta(days=7), SEND_AT, tzinfo=zone)
    return due.astimezone(dt.UTC)


def digest_due(manager: Person, *, now: dt.datetime, last_sent: dt.datetime | None) -> bool:
    """Whether this week's digest should go now: Monday 08:00 (manager's zone) has passed, less
    than ``GRACE`` ago, and none went out since."""
    due = week_start(manager.timezone, now)
    return now - due <= GRACE and (last_sent is None or last_sent < due)


def next_digest_at(manager: Person, *, now: dt.datetime) -> dt.datetime:
    """When the next digest falls due (aware UTC): a wake-up time for the service."""
    return (
        (week_start(manager.timezone, now) + dt.timedelta(days=7))
        .astimezone(ZoneInfo(manager.timezone))
        .replace(hour=SEND_AT.hour, minute=SEND_AT.minute)
        .astimezone(dt.UTC)
    )


def digest_key(manager: Person, now: dt.datetime) -> str:
    """``digest:dana@example.com:2026-W50``: the ISO week of this week's Monday."""
    monday = week_start(manager.timezone, now).astimezone(ZoneInfo(manager.timezone)).date()
    return keys.digest_key(manager.email, monday)
