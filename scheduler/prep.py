"""Which prep emails and agenda descriptions are due now, per occurrence and recipient.

Each occurrence gets its agenda written into its event description once, and one prep email per
recipient (the rep and the manager), sent ``agenda.send_before`` ahead, never in the recipient's
night (``agenda.prep_send_time``), and late but still sent while the meeting has not started.
The meeting's number in the pair's history picks its type from the rotation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from scheduler import words
from scheduler.actions import SendPrep, WriteAgenda
from scheduler.agenda import prep_send_time
from scheduler.bumps import Occurrence
from scheduler.model import Pair
from scheduler.series import OwnedSeries

WRITE_AGENDA_AHEAD = dt.timedelta(days=2)
"""The agenda goes into the event description this long before the meeting (or at the prep)."""


def meeting_number(history: Sequence[OwnedSeries], original_start: dt.datetime) -> int:
    """How many of the pair's occurrences (every generation of its series) came before this one."""
    if not history:
        return 0
    firsts = [s.event.start for s in history if s.event.start is not None]
    if not firsts:
        return 0
    return sum(len(s.starts(min(firsts), original_start)) for s in history if not s.event.cancelled)


def meeting_days(
    history: Sequence[OwnedSeries], original_start: dt.datetime, zone: dt.tzinfo
) -> list[dt.date]:
    """The local dates of the pair's meetings up to and including the one at ``original_start``
    (every generation of its series): what ``agenda.plan_meeting`` counts weeks from."""
    firsts = [s.event.start for s in history if s.event.start is not None]
    starts: list[dt.datetime] = []
    if firsts:
        for s in history:
            if not s.event.cancelled:
                starts += s.starts(min(firsts), original_start)
    return [t.astimezone(zone).date() for t in sorted({*starts, original_start})]


def plan_preps(
    pair: Pair,
    history: Sequence[OwnedSeries],
    occs: Sequence[Occurrence],
    *,
    now: dt.datetime,
    has_description: set[dt.datetime],
) -> tuple[list[WriteAgenda | SendPrep], dt.datetime | None]:
    """Agendas and prep emails due now, and when the next one falls due (for a wake-up).

    ``has_description`` holds the original starts whose occurrence already carries an agenda.
    """
    due: list[WriteAgenda | SendPrep] = []
    upcoming: list[dt.datetime] = []
    for occ in occs:
        if occ.cancelled or occ.start <= now:
            continue
        number = meeting_number(history, occ.original_start)
        if occ.original_start not in has_description:
            when = occ.start - max(WRITE_AGENDA_AHEAD, pair.agenda.send_before)
            if when <= now:
                due.append(
                    WriteAgenda(
                        pair.key,
                        pair.manager.email,
                        occ.series_id,
                        occ.original_start,
                        occ.instance_id,
                        occ.start,
                        number,
                        "the agenda goes into the event so both see it and notes have a place",
                    )
                )
            else:
                upcoming.append(when)
        for role, person in (("rep", pair.rep), ("manager", pair.manager)):
            at = prep_send_time(
                occ.start, send_before=pair.agenda.send_before, recipient=person, now=now
            )
            if at is None:
                continue
            if at <= now:
                due.append(
                    SendPrep(
                        pair.key,
                        pair.manager.email,
                        occ.series_id,
                        occ.original_start,
                        occ.start,
                        occ.end,
                        role,
                        number,
                        f"prep for the {words.when(occ.start, pair.manager.timezone)} 1:1 is due "
                        f"(to the {role})",
                    )
                )
            else:
                upcoming.append(at)
    return due, min(upcoming, default=None)
