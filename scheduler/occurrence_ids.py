"""Which occurrence a write is for: the rule that turns the one read of an occurrence into the
action's instance id, or into the reason it is left alone.

Google gives an occurrence its own id only when it is materialised (moved, edited, answered);
before that its id is opaque, so the pass reads the occurrence once, while it observes, and
apply patches by id without reading anything. What that read can show decides here, as a
table with a reason on every branch.

Pure: the occurrence found (or None) is an argument.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeGuard

from scheduler.actions import CancelOccurrence, MoveOccurrence, WriteAgenda
from scheduler.agenda import NOTES_MARKER
from scheduler.ports import CalendarEvent

NeedsId = MoveOccurrence | CancelOccurrence | WriteAgenda


def needs_id(action: object) -> TypeGuard[NeedsId]:
    """A write to one occurrence whose id the plan does not know yet."""
    if isinstance(action, MoveOccurrence):
        return not action.resume and not action.instance_id
    return isinstance(action, CancelOccurrence | WriteAgenda) and not action.instance_id


def with_id(action: NeedsId, found: CalendarEvent | None) -> NeedsId | str:
    """The action with the occurrence's id, or why it is skipped."""
    if found is None:
        return "the occurrence is gone from the series"  # the series was ended or shortened
    if isinstance(action, MoveOccurrence):
        if found.start != action.original_start and not action.restore:
            return "someone changed it meanwhile"  # a person's move is respected; next pass
        return replace(action, instance_id=found.id, etag="")  # just read: nothing to match
    if isinstance(action, CancelOccurrence):
        if found.cancelled:
            return "already cancelled by someone"
        return replace(action, instance_id=found.id)
    if found.cancelled:
        return "the occurrence is gone"
    if NOTES_MARKER in found.description:
        return "the agenda is already there"  # written by an earlier pass that stopped
    return replace(action, instance_id=found.id, start=found.start or action.start)
