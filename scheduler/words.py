"""Times and counts as people read them on the command line: one place for both.

A time is always shown in the zone of the person it concerns, and always with that zone named
(``Tue 01 Dec 2026 13:00 EST``), so a manager in New York never has to convert a UTC stamp and
an operator who asks for ``--utc`` sees the same layout with ``UTC``.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

UTC = "UTC"


def zone_label(local: dt.datetime) -> str:
    """The zone's abbreviation (``EST``, ``GMT``); ``UTC+12`` where the zone has none."""
    name = local.tzname() or UTC
    return f"UTC{name}" if name[:1] in "+-" else name


def when(moment: dt.datetime, tz: str, *, year: bool = True) -> str:
    """``Tue 01 Dec 2026 13:00 EST`` (``year=False``: ``Tue 01 Dec 13:00 EST``)."""
    local = moment.astimezone(ZoneInfo(tz))
    day = f"{local:%a %d %b %Y}" if year else f"{local:%a %d %b}"
    return f"{day} {local:%H:%M} {zone_label(local)}"


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
    day = f"{local:%a} " if local.date() != mine.date() else ""
    return f" ({day}{clock(moment, rep_tz)} for the rep)"


def _same_clock(moment: dt.datetime, a: str, b: str) -> bool:
    return moment.astimezone(ZoneInfo(a)).utcoffset() == moment.astimezone(ZoneInfo(b)).utcoffset()


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 manager``, ``2 managers``; ``many`` for irregular plurals."""
    return f"{count} {word if count == 1 else (many or word + 's')}"
