"""Pauses: the days a pair does not meet (holidays, leave), and the one note that says so.

A pause is set in the YAML on a manager (all their reps) or on a rep, as inclusive dates in the
manager's zone, the zone that owns the series. While an occurrence's day is inside a pause the
service leaves it alone: no bump detection, no agenda, no prep or recap email. The rep gets one
note per pause, the first time the pause covers an occurrence within the look-ahead.

Two pauses of one pair may overlap or touch (the manager's holidays and the rep's leave); the
pair then resumes after both, and that is the date the note gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.model import Pair, Pause

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pause_for(pair: Pair, day: dt.date) -> Pause | None:
    """The pause covering ``day`` (a manager-local date, ``start``..``until`` inclusive).

    When several cover it, the one that ends last wins (then the earliest start), so what is
    said about the end of the pause holds.
    """
    covering = [p for p in pair.pauses if p.start <= day <= p.until]
    if not covering:
        return None
    return max(covering, key=lambda p: (p.until, -p.start.toordinal()))


def paused_at(pair: Pair, moment: dt.datetime) -> Pause | None:
    """The pause covering the manager-local day of ``moment`` (aware), e.g. an original start."""
    if moment.tzinfo is None:
        raise ValueError("paused_at needs an aware datetime")
    return pause_for(pair, moment.astimezone(ZoneInfo(pair.manager.timezone)).date())


def pause_note_key(pair: Pair, pause: Pause) -> str:
    """The send-once key of the note about ``pause``: one note per pair and pause dates.

    The reason is not part of it, so rewording the reason in the YAML sends nothing again.
    """
    return f"pause-note:{pair.key}:{pause.start:%Y%m%d}-{pause.until:%Y%m%d}"


def resume_date(pair: Pair, pause: Pause) -> dt.date:
    """The first manager-local day after ``pause`` that no other pause of the pair covers."""
    day = pause.until + dt.timedelta(days=1)
    while (later := pause_for(pair, day)) is not None:
        day = later.until + dt.timedelta(days=1)
    return day


def pauses_to_announce(pair: Pair, starts: Iterable[dt.datetime]) -> list[Pause]:
    """The pauses that cover at least one of ``starts`` (upcoming original starts), in order.

    A pause that covers no meeting is not worth a note: the pair would not have met anyway.
    """
    out: list[Pause] = []
    for start in sorted(starts):
        pause = paused_at(pair, start)
        if pause is not None and pause not in out:
            out.append(pause)
    return out


def describe_day(day: dt.date) -> str:
    """``Mon 4 Jan 2027``."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def pause_context(
    pair: Pair, pause: Pause, *, next_meeting: dt.datetime | None = None
) -> dict[str, Any]:
    """The template context of ``pause_note``: who, why, and when the 1:1s come back.

    ``next_meeting`` (aware) is the first occurrence after the pause when the caller knows it
    from the series; the note then names its time in the rep's zone.
    """
    resumes = resume_date(pair, pause)
    return {
        "manager": pair.manager,
        "rep": pair.rep,
        "meeting": {"summary": pair.summary},
        "pause": {
            "reason": pause.reason,
            "start": pause.start,
            "until": pause.until,
            "resumes": resumes,
            "first_day": describe_day(pause.start),
            "last_day": describe_day(pause.until),
            "resumes_on": describe_day(resumes),
            "next_meeting": next_meeting,
        },
    }
