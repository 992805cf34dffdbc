"""Small builders for people and working hours used by the slot tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scheduler.model import Person, WorkingHours


def hours(*ranges: str, days: str = "mon-fri") -> WorkingHours:
    """``hours("09:00-12:00", "13:00-17:30")`` on the given weekdays (``mon-fri`` or ``all``)."""
    parsed = tuple(_minutes(r) for r in ranges)
    open_days = range(7) if days == "all" else range(5)
    return WorkingHours(tuple(parsed if d in open_days else () for d in range(7)))


def person(name: str, tz: str, wh: WorkingHours | None = None) -> Person:
    return Person(name, f"{name.lower()}@example.com", tz, wh or hours("09:00-17:30"))


def at(day: str, clock: str, tz: str) -> dt.datetime:
    """An aware UTC instant from a local date and wall-clock time."""
    local = dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZoneInfo(tz))
    return local.astimezone(dt.UTC)


def local(t: dt.datetime, tz: str) -> str:
    """Wall-clock ``YYYY-MM-DD HH:MM`` of an instant, for readable comparisons."""
    return t.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")


def _minutes(text: str) -> tuple[int, int]:
    lo, hi = text.split("-")
    return _clock(lo), _clock(hi)


def _clock(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)
