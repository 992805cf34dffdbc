"""After the meeting: which ended 1:1s still owe a notes reminder or the recap, decided.

Level-triggered: every pass looks at each occurrence that ended in the last ``WINDOW`` with its
notes (as observed) and the send-once keys already queued (``recap:…``, ``reminder:…:N``), and
asks ``scheduler.recap.recap_due`` what is due; a restart or a repeated pass never sends twice,
and a service that was down past a deadline sends the overdue recap at once, marked late.

Pure: the occurrences, their notes and the keys sent are arguments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

from scheduler.actions import Action, SendRecap, SendReminder
from scheduler.bumps import MoveKey, Occurrence, occurrences
from scheduler.keys import recap_key, reminder_key
from scheduler.model import Pair
from scheduler.notes import EMPTY_NOTES, Notes, combine_notes, parse_notes
from scheduler.pauses import paused_at
from scheduler.ports import CalendarEvent
from scheduler.private_notes import split_private
from scheduler.recap import recap_due
from scheduler.series import OwnedSeries

WINDOW = dt.timedelta(days=7)
"""How far back a pass looks for meetings that still owe a recap (the deadline is 48 h)."""

Moves = Mapping[MoveKey, tuple[int, tuple[dt.datetime, dt.datetime]]]


def happened(occ: Occurrence) -> bool:
    """A deleted occurrence, or one the rep or manager declined and nobody moved, did not happen."""
    if occ.cancelled:
        return False
    return "declined" not in (occ.rep_response, occ.manager_response)


def ended_occurrences(
    pair: Pair,
    history: Iterable[OwnedSeries],
    exceptions: Mapping[str, Sequence[CalendarEvent]],
    moves: Moves,
    *,
    now: dt.datetime,
) -> list[Occurrence]:
    """The pair's occurrences that ended in the last ``WINDOW``, outside pauses, held while the
    service was in charge: those that may still owe a reminder or the recap."""
    out: list[Occurrence] = []
    for series in history:
        own = exceptions.get(series.event.id, [])
        for occ in occurrences(series, own, moves, pair, time_min=now - WINDOW, time_max=now):
            if occ.end > now or paused_at(pair, occ.original_start) is not None:
                continue
            if series.in_charge(occ.end):  # else held before the service took charge
                out.append(occ)
    return out


def occurrence_notes(
    pair: Pair,
    original_start: dt.datetime,
    start: dt.datetime,
    own: Sequence[CalendarEvent],
    file_text: str | None,
) -> Notes:
    """The notes of one occurrence: its event description (among ``own``, its series'
    exceptions) and its notes file's text, combined; the file's private section never
    reaches a recap."""
    day = start.astimezone(ZoneInfo(pair.manager.timezone)).date()
    parts: list[Notes] = []
    event = next((e for e in own if e.original_start == original_start), None)
    if event is not None and event.description:
        parts.append(
            parse_notes(event.description, manager=pair.manager, rep=pair.rep, meeting_day=day)
        )
    if file_text:
        public, _ = split_private(file_text)
        parts.append(parse_notes(public, manager=pair.manager, rep=pair.rep, meeting_day=day))
    return combine_notes(parts) if parts else EMPTY_NOTES


def plan_followups(
    pair: Pair,
    ended: Sequence[Occurrence],
    *,
    notes: Mapping[MoveKey, Notes],
    sent: Collection[str],
    now: dt.datetime,
) -> tuple[list[Action], dt.datetime | None]:
    """The reminders and recaps due now for these ended occurrences, and when the next falls
    due (None: nothing is waiting)."""
    actions: list[Action] = []
    wakes: list[dt.datetime] = []
    for occ in ended:
        key = (occ.series_id, occ.original_start)
        action, wake = followup_step(pair, occ, notes.get(key, EMPTY_NOTES), sent, now=now)
        if action is not None:
            actions.append(action)
        if wake is not None:
            wakes.append(wake)
    return actions, min(wakes, default=None)


def followup_step(
    pair: Pair, occ: Occurrence, notes: Notes, sent: Collection[str], *, now: dt.datetime
) -> tuple[Action | None, dt.datetime | None]:
    """One ended occurrence: the recap, a reminder, or nothing yet (with when to look again)."""
    key = (occ.series_id, occ.original_start)
    step = recap_due(
        end=occ.end,
        policy=pair.recap,
        has_notes=not notes.empty,
        reminders_sent=sum(reminder_key(*key, n) in sent for n in (1, 2, 3)),
        recap_sent=recap_key(*key) in sent,
        now=now,
        happened=happened(occ),
    )
    fields = (pair.key, pair.manager.email, occ.series_id, occ.original_start, occ.start, occ.end)
    if step.kind == "send_recap":  # the notes are in and have settled
        why = "notes are in and settled"
    elif step.kind == "send_partial":  # the deadline is near: what there is goes
        why = "no notes yet and the deadline is near: sending what there is"
    elif step.kind == "remind":
        return SendReminder(
            *fields, step.reminder, f"no notes {step.reminder} reminder(s) in"
        ), None
    else:  # waiting for notes or the settling delay, or all done
        return None, step.at if step.kind == "wait" else None
    late = " (late: the deadline passed while the service was down)" if step.late else ""
    return SendRecap(*fields, step.kind == "send_partial", step.late, why + late), None


def next_end(
    pair: Pair,
    history: Iterable[OwnedSeries],
    exceptions: Mapping[str, Sequence[CalendarEvent]],
    moves: Moves,
    *,
    now: dt.datetime,
) -> dt.datetime | None:
    """When the pair's next 1:1 ends (one under way included): from then on a reminder or the
    recap may be owed for it, though nothing was due before."""
    ends = [
        occ.end
        for series in history
        for occ in occurrences(
            series,
            exceptions.get(series.event.id, []),
            moves,
            pair,
            time_min=now - dt.timedelta(days=1),
            time_max=now + pair.rebook.look_ahead,
        )
        if occ.end > now
    ]
    return min(ends, default=None)
