"""Pauses: the days a pair does not meet (holidays, leave), and the one note that says so.

A pause is set in the YAML on a manager (all their reps) or on a rep, as inclusive dates in the
manager's zone, the zone that owns the series. The first time a pause covers an occurrence within
the look-ahead ("comes into view"), every occurrence inside it is cancelled, each as a single
instance (never the series), and the rep gets one note per pause. While an occurrence's day is
inside a pause the service leaves it otherwise alone: no bump detection, no agenda, no prep or
recap email. When a pause is removed or shortened, an occurrence the service cancelled for it
that is no longer covered and has not started comes back at its original time.

Two pauses of one pair may overlap or touch (the manager's holidays and the rep's leave); the
pair then resumes after both, and that is the date the note gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from scheduler import keys, words
from scheduler.actions import Action, CancelOccurrence, MoveOccurrence, Notice, RestoreOccurrence
from scheduler.bumps import MoveKey, occurrences
from scheduler.model import Pair, Pause
from scheduler.owned import current_series, exceptions_by_series, owned_series
from scheduler.ports import CalendarEvent
from scheduler.series import OwnedSeries


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
    return keys.pause_note_key(pair.key, pause.start, pause.until)


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


def pause_words(pause: Pause) -> str:
    """``holidays from Mon 21 Dec 2026 to Mon 4 Jan 2027``, ``skipped on Tue 8 Dec 2026 (…)``."""
    if pause.skip:
        why = f" ({pause.reason})" if pause.reason else ""
        return f"skipped on {describe_day(pause.start)}{why}"
    dates = f"from {describe_day(pause.start)} to {describe_day(pause.until)}"
    return f"{pause.reason or 'a pause'} {dates}"


def describe_day(day: dt.date) -> str:
    """``Mon 4 Jan 2027``."""
    return words.day(day, year=True)


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
            "skip": pause.skip,  # one 1:1 skipped, not a pause of several
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


def plan_pause_writes(
    pair: Pair,
    series: OwnedSeries,
    exceptions: Sequence[CalendarEvent],
    ours: Collection[MoveKey],
    *,
    now: dt.datetime,
) -> list[CancelOccurrence | RestoreOccurrence]:
    """The cancellations and restores that bring ``series`` in line with the pair's pauses.

    ``ours`` holds the occurrences (series id, original start) the service cancelled for a
    pause: only those are ever restored, and one of them that a person brought back is left as
    they set it. An occurrence that has started is never touched.
    """
    soon = occurrences(
        series, exceptions, {}, pair, time_min=now, time_max=now + pair.rebook.look_ahead
    )
    in_view = pauses_to_announce(
        pair,
        [
            o.original_start
            for o in soon
            if o.start > now and (not o.cancelled or (o.series_id, o.original_start) in ours)
        ],
    )
    out: list[CancelOccurrence | RestoreOccurrence] = []
    if in_view:
        zone = ZoneInfo(pair.manager.timezone)
        last = max(p.until for p in in_view) + dt.timedelta(days=2)
        end = dt.datetime.combine(last, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        for occ in occurrences(series, exceptions, {}, pair, time_min=now, time_max=end):
            pause = paused_at(pair, occ.original_start)
            key = (occ.series_id, occ.original_start)
            if pause in in_view and occ.start > now and not occ.cancelled and key not in ours:
                out.append(
                    CancelOccurrence(
                        pair.key,
                        pair.manager.email,
                        occ.series_id,
                        occ.original_start,
                        occ.instance_id or "",
                        occ.start,
                        f"{pause_words(pause)}: this occurrence is cancelled, the series goes on",
                    )
                )
    return out + _restores(pair, series, exceptions, ours, now=now)


def _restores(
    pair: Pair,
    series: OwnedSeries,
    exceptions: Sequence[CalendarEvent],
    ours: Collection[MoveKey],
    *,
    now: dt.datetime,
) -> list[CancelOccurrence | RestoreOccurrence]:
    by_original = {e.original_start: e for e in exceptions if e.original_start is not None}
    master = series.event
    length = master.end - master.start if master.start and master.end else pair.duration
    out: list[CancelOccurrence | RestoreOccurrence] = []
    for series_id, original in sorted(ours):
        exception = by_original.get(original)
        if series_id != master.id or original <= now or exception is None:
            continue
        if not exception.cancelled or paused_at(pair, original) is not None:
            continue  # brought back by a person, or still paused
        out.append(
            RestoreOccurrence(
                pair.key,
                pair.manager.email,
                series_id,
                original,
                exception.id,
                original,
                original + length,
                master.timezone or pair.manager.timezone,
                "no pause covers this occurrence any more: it is back at its original time",
            )
        )
    return out


def not_paused(actions: Sequence[Action], paused: Collection[MoveKey]) -> list[Action]:
    """Leave out any rebooking of an occurrence the service itself cancelled for a pause: its
    own cancellation is no bump (it is restored by the pause planner, or stays cancelled)."""
    out: list[Action] = []
    for action in actions:
        if (
            isinstance(action, MoveOccurrence)
            and (action.series_id, action.original_start) in paused
        ):
            continue
        if isinstance(action, Notice) and any(
            keys.names_occurrence(action.key, series, original) for series, original in paused
        ):
            continue
        out.append(action)
    return out


def plan_pauses(
    pairs: Sequence[Pair],
    events: Sequence[CalendarEvent],
    paused: Collection[MoveKey],
    *,
    now: dt.datetime,
) -> list[Action]:
    """Cancel the occurrences of the pauses in view; restore those no pause covers now (each
    pair's live series, against the occurrences the service cancelled, ``paused``)."""
    by_rep = owned_series(events)
    exceptions = exceptions_by_series(events)
    ours = set(paused)
    actions: list[Action] = []
    for pair in pairs:
        current = current_series(by_rep.get(pair.rep.email.lower(), []), now)
        if current is not None:
            own = exceptions.get(current.event.id, [])
            actions += plan_pause_writes(pair, current, own, ours, now=now)
    return actions
