"""Before the meeting: the agendas, prep emails and pause notes due for one pair, decided.

The pair's current series over the look-ahead gives its upcoming occurrences; a pause that
covers one is announced to the rep once (its note names the first 1:1 after it), and the
occurrences outside pauses get their agenda and prep emails when due (``scheduler.prep``).
Each email carries its send-once key; ``unsent`` leaves out those already queued, once the
pass has looked the keys up.

Pure: the calendar as observed, the occurrences the service cancelled for a pause, and the
keys already queued are arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from scheduler.actions import Action, SendPauseNote, SendPrep
from scheduler.agenda import NOTES_MARKER
from scheduler.bumps import MoveKey, Occurrence, occurrences
from scheduler.keys import prep_key
from scheduler.model import Pair
from scheduler.owned import OwnedSeries, current_series
from scheduler.pauses import pause_note_key, pause_words, paused_at, pauses_to_announce, resume_date
from scheduler.ports import CalendarEvent
from scheduler.prep import plan_preps

Moves = Mapping[MoveKey, tuple[int, tuple[dt.datetime, dt.datetime]]]


def plan_before(
    pair: Pair,
    history: Sequence[OwnedSeries],
    exceptions: Mapping[str, Sequence[CalendarEvent]],
    moves: Moves,
    *,
    paused: Collection[MoveKey],
    now: dt.datetime,
) -> tuple[list[Action], dt.datetime | None]:
    """Pause notes, agendas and preps due now (before the send-once keys are checked), and
    when the next one falls due."""
    current = current_series(history, now)
    if current is None:
        return [], None  # no series runs: nothing is coming
    own = exceptions.get(current.event.id, [])
    occs = occurrences(
        current, own, moves, pair, time_min=now, time_max=now + pair.rebook.look_ahead
    )
    notes = pause_notes(pair, current, occs, paused, now=now)
    occs = [o for o in occs if paused_at(pair, o.original_start) is None]
    written = {e.original_start for e in own if e.original_start and NOTES_MARKER in e.description}
    due, wake = plan_preps(pair, history, occs, now=now, has_description=written)
    return [*notes, *due], wake


def pause_notes(
    pair: Pair,
    current: OwnedSeries,
    occs: Sequence[Occurrence],
    paused: Collection[MoveKey],
    *,
    now: dt.datetime,
) -> list[SendPauseNote]:
    """One note to the rep per pause that covers an upcoming occurrence (one the service
    cancelled for the pause still counts: it is what the note is about)."""
    starts = [
        o.original_start
        for o in occs
        if not o.cancelled or (o.series_id, o.original_start) in paused
    ]
    out: list[SendPauseNote] = []
    zone = ZoneInfo(pair.manager.timezone)
    for pause in pauses_to_announce(pair, starts):
        back = dt.datetime.combine(resume_date(pair, pause), dt.time(0), tzinfo=zone)
        after = current.starts(back.astimezone(dt.UTC), now + dt.timedelta(days=400))
        out.append(
            SendPauseNote(
                pair.key,
                pair.manager.email,
                pause_note_key(pair, pause),
                pause.start,
                pause.until,
                after[0] if after else None,
                f"{pause_words(pause)}: no rebooking, prep or recap in it; the rep hears once",
            )
        )
    return out


def send_once_key(action: Action) -> str | None:
    """The outbox key an email action is sent under (None: not an email of this planner)."""
    if isinstance(action, SendPrep):
        return prep_key(action.series_id, action.original_start, action.recipient)
    if isinstance(action, SendPauseNote):
        return action.key
    return None


def unsent(actions: Iterable[Action], sent: Collection[str]) -> list[Action]:
    """Leave out the emails already queued (each goes once, whatever became of it)."""
    return [a for a in actions if (key := send_once_key(a)) is None or key not in sent]
