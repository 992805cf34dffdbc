"""Reading the occurrences a plan writes to, before applying it: the last of observing.

An occurrence Google has materialised is in the calendar the pass observed; any other needs one
``instances`` read for its opaque id. Reading them here, before anything is written, is what
lets apply patch by id without reading the calendar (``scheduler.occurrence_ids`` decides what
the read shows).
"""

from __future__ import annotations

from collections.abc import Sequence

from integrations.reconcile.series_writes import Outcome
from scheduler.actions import Action
from scheduler.occurrence_ids import needs_id, with_id
from scheduler.ports import Calendar, CalendarEvent
from scheduler.vocabulary import Result


def resolve_ids(
    calendar: Calendar, actions: Sequence[Action], events: Sequence[CalendarEvent]
) -> tuple[list[Action], list[Outcome]]:
    """The actions with the ids of their occurrences filled in, and those left alone (each
    with why); at most one read per occurrence not in ``events``."""
    ready: list[Action] = []
    skipped: list[Outcome] = []
    for action in actions:
        if not needs_id(action):
            ready.append(action)
            continue
        key = (action.series_id, action.original_start)
        found = next(
            (e for e in events if (e.recurring_event_id, e.original_start) == key), None
        ) or calendar.instance(action.owner, *key)
        resolved = with_id(action, found)
        if isinstance(resolved, str):
            skipped.append(Outcome(action, Result.SKIPPED, resolved))
        else:
            ready.append(resolved)
    return ready, skipped
