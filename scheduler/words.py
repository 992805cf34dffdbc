"""Dates, times and zones in words, for the command line and for every email: one place for all.

A time is always shown in the zone of the person it concerns, and always with that zone named
(``Tue 01 Dec 2026 13:00 EST`` on the command line, ``Tue 1 Dec, 13:00 EST (America/New_York)``
in an email), so a manager in New York never has to convert a UTC stamp and an operator who
asks for ``--utc`` sees the same layout with ``UTC``. Day and month names are English whatever
the host's locale (``strftime``'s ``%a`` and ``%b`` follow it).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = "UTC"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day(date: dt.date, *, year: bool = False, full: bool = False) -> str:
    """``Tue 24 Nov`` (``year=True``: ``Tue 24 Nov 2026``; ``full=True``: ``Tuesday 24 Nov``),
    whatever the host's locale."""
    name = WEEKDAY_NAMES[date.weekday()] if full else DAYS[date.weekday()]
    text = f"{name} {date.day} {MONTHS[date.month - 1]}"
    return f"{text} {date.year}" if year else text


def short_day(date: dt.date, *, year: bool = False) -> str:
    """``Tue 01 Dec`` (``year=True``: ``Tue 01 Dec 2026``): the command line's and the audit's
    layout, whatever the host's locale."""
    text = f"{DAYS[date.weekday()]} {date.day:02d} {MONTHS[date.month - 1]}"
    return f"{text} {date.year}" if year else text


def hour(moment: dt.datetime, tz: str) -> str:
    """``13:00``: the wall clock in ``tz``."""
    return f"{moment.astimezone(ZoneInfo(tz)):%H:%M}"


def describe_zone(t: dt.datetime, tz: str) -> str:
    """``Tue 24 Nov, 10:00 EST (America/New_York)``: a time as the person in ``tz`` sees it."""
    if t.tzinfo is None:
        raise ValueError("describe_zone needs an aware datetime")
    local = t.astimezone(ZoneInfo(tz))
    return f"{day(local.date())}, {local:%H:%M} {local.tzname()} ({tz})"


def for_rep(t: dt.datetime, rep_tz: str, manager_tz: str) -> str:
    """``Tue 24 Nov, 10:00 PST (America/Los_Angeles) [13:00 EST (America/New_York)]``: the
    rep's time, and the manager's beside it when they sit in another zone."""
    text = describe_zone(t, rep_tz)
    if manager_tz != rep_tz:
        manager_time = describe_zone(t, manager_tz)
        rep_day = text.split(",", 1)[0]
        on, _, clock = manager_time.partition(", ")
        text += f" [{clock if on == rep_day else manager_time}]"
    return text


def zone_label(local: dt.datetime) -> str:
    """The zone's abbreviation (``EST``, ``GMT``); ``UTC+12`` where the zone has none."""
    name = local.tzname() or UTC
    return f"UTC{name}" if name[:1] in "+-" else name


def when(moment: dt.datetime, tz: str, *, year: bool = True) -> str:
    """``Tue 01 Dec 2026 13:00 EST`` (``year=False``: ``Tue 01 Dec 13:00 EST``)."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{short_day(local, year=year)} {local:%H:%M} {zone_label(local)}"


def span(start: dt.datetime, end: dt.datetime, tz: str, *, year: bool = True) -> str:
    """``Tue 01 Dec 2026 13:00-13:45 EST`` (the end's clock only: a 1:1 never spans days)."""
    local_end = end.astimezone(ZoneInfo(tz))
    head, label = when(start, tz, year=year).rsplit(" ", 1)
    return f"{head}-{local_end:%H:%M} {label}"


def clock(moment: dt.datetime, tz: str) -> str:
    """``10:00 PST``: the other person's clock, next to a full ``when``."""
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%H:%M} {zone_label(local)}"


def both(moment: dt.datetime, manager_tz: str, rep_tz: str | None, *, year: bool = True) -> str:
    """The manager's time, and the rep's clock beside it when the rep sits in another zone."""
    return when(moment, manager_tz, year=year) + rep_aside(moment, manager_tz, rep_tz)


def rep_aside(moment: dt.datetime, manager_tz: str, rep_tz: str | None) -> str:
    """`` (10:00 PST for the rep)``, or nothing when the rep's clock reads like the manager's."""
    if rep_tz is None or _same_clock(moment, manager_tz, rep_tz):
        return ""
    local = moment.astimezone(ZoneInfo(rep_tz))
    mine = moment.astimezone(ZoneInfo(manager_tz))
    day = f"{DAYS[local.weekday()]} " if local.date() != mine.date() else ""
    return f" ({day}{clock(moment, rep_tz)} for the rep)"


def _same_clock(moment: dt.datetime, a: str, b: str) -> bool:
    return moment.astimezone(ZoneInfo(a)).utcoffset() == moment.astimezone(ZoneInfo(b)).utcoffset()


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 manager``, ``2 managers``; ``many`` for irregular plurals."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
