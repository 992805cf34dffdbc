"""The emails of one manager's pairs (agendas, preps, pause notes, recaps, reminders), decided
from one observation.

Observing asks two things of the world for these planners, once per manager and pass: which
send-once keys the outbox already holds in the window the planners look at (``key_ranges``
says which, so one query answers it), and the notes files of the 1:1s that ended
(``notes_wanted`` says which). ``plan_mail`` then decides from those and the calendar alone.

Pure: everything observed is an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from scheduler.actions import Action
from scheduler.before_meeting import plan_before, unsent
from scheduler.bumps import MoveKey
from scheduler.followups import (
    WINDOW,
    ended_occurrences,
    next_end,
    occurrence_notes,
    plan_followups,
)
from scheduler.keys import KeyRange, occurrence_key_ranges, pause_note_range
from scheduler.model import Pair
from scheduler.ports import CalendarEvent
from scheduler.series import exceptions_by_series, owned_series

Moves = Mapping[MoveKey, tuple[int, tuple[dt.datetime, dt.datetime]]]


@dataclass(frozen=True)
class Wanted:
    """An ended 1:1 whose notes file observing reads."""

    pair: Pair
    key: MoveKey  # (series id, original start)
    start: dt.datetime


def key_ranges(
    pairs: Sequence[Pair], events: Sequence[CalendarEvent], *, now: dt.datetime
) -> list[KeyRange]:
    """The outbox keys the planners below may ask about: those of each pair's series whose
    occurrence starts from ``WINDOW`` back (recaps, reminders) to the pair's look-ahead (preps),
    and every pause note of the pair."""
    series = owned_series(events)
    out: list[KeyRange] = []
    for pair in pairs:
        hi = now + pair.rebook.look_ahead
        for owned in series.get(pair.rep.email.lower(), []):
            out += occurrence_key_ranges(owned.event.id, now - WINDOW, hi)
        out.append(pause_note_range(pair.key))
    return out


def notes_wanted(
    pairs: Sequence[Pair], events: Sequence[CalendarEvent], moves: Moves, *, now: dt.datetime
) -> list[Wanted]:
    """The ended 1:1s that may still owe a reminder or the recap: their notes are observed."""
    series = owned_series(events)
    exceptions = exceptions_by_series(events)
    return [
        Wanted(pair, (occ.series_id, occ.original_start), occ.start)
        for pair in pairs
        for occ in ended_occurrences(
            pair, series.get(pair.rep.email.lower(), []), exceptions, moves, now=now
        )
    ]


def plan_mail(
    pairs: Sequence[Pair],
    events: Sequence[CalendarEvent],
    moves: Moves,
    *,
    paused: Collection[MoveKey],
    queued: Collection[str],
    notes_files: Mapping[MoveKey, str],
    now: dt.datetime,
) -> tuple[list[Action], dt.datetime | None]:
    """Recaps and reminders, then pause notes, agendas and preps due now, each once (the keys
    in ``queued`` went already); and when the next one falls due."""
    series = owned_series(events)
    exceptions = exceptions_by_series(events)
    out: list[Action] = []
    wakes: list[dt.datetime] = []
    for pair in pairs:
        history = series.get(pair.rep.email.lower(), [])
        ended = ended_occurrences(pair, history, exceptions, moves, now=now)
        notes = {
            (o.series_id, o.original_start): occurrence_notes(
                pair,
                o.original_start,
                o.start,
                exceptions.get(o.series_id, []),
                notes_files.get((o.series_id, o.original_start)),
            )
            for o in ended
        }
        follow, follow_wake = plan_followups(pair, ended, notes=notes, sent=queued, now=now)
        due, wake = plan_before(pair, history, exceptions, moves, paused=paused, now=now)
        out += [*follow, *unsent(due, queued)]
        wakes += [w for w in (follow_wake, wake) if w is not None]
    return out, min(wakes, default=None)


def next_end_of_any(
    pairs: Sequence[Pair], events: Sequence[CalendarEvent], moves: Moves, *, now: dt.datetime
) -> dt.datetime | None:
    """When the next of these pairs' 1:1s ends: the follow-ups may owe something from then."""
    series = owned_series(events)
    exceptions = exceptions_by_series(events)
    ends = [
        next_end(pair, series.get(pair.rep.email.lower(), []), exceptions, moves, now=now)
        for pair in pairs
    ]
    return min((e for e in ends if e is not None), default=None)
