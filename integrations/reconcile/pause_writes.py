"""Carrying out the pause planner's decisions: cancel one occurrence, or bring one back.

Each write touches a single instance, never the series. A cancellation is recorded in the
``PauseStore`` right after Google accepted it (the rebooking and the restore read it); a restore
forgets it. Google's emails follow ``Write.PAUSE_CANCEL`` (none: the pause note carries the
cancellations) and ``Write.PAUSE_RESTORE`` (Google's invitation for that occurrence).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from integrations.reconcile.series_writes import Outcome
from integrations.state.pause_store import PauseStore
from integrations.state.store import Store
from scheduler.actions import CancelOccurrence, RestoreOccurrence
from scheduler.ports import Calendar, EventPatch, Write
from scheduler.vocabulary import EventStatus, Result


@dataclass
class PauseWriter:
    calendar: Calendar
    store: Store

    def __post_init__(self) -> None:
        self.paused = PauseStore(self.store)

    def cancel(self, action: CancelOccurrence, *, now: dt.datetime) -> Outcome:
        instance_id = action.instance_id
        if not instance_id:  # read while observing (reconcile.occurrences); apply reads nothing
            return Outcome(action, Result.SKIPPED, "the occurrence's id was not read")
        ev = self.calendar.patch(
            action.owner,
            instance_id,
            EventPatch(status=EventStatus.CANCELLED),
            write=Write.PAUSE_CANCEL,
        )
        self.paused.add(action.series_id, action.original_start, now=now)
        self.store.calendars.put(action.owner, ev)
        return Outcome(action, Result.DONE, ev.id)

    def restore(self, action: RestoreOccurrence, *, now: dt.datetime) -> Outcome:
        changes = EventPatch(
            status=EventStatus.CONFIRMED,
            start=action.start,
            end=action.end,
            timezone=action.timezone,
        )
        ev = self.calendar.patch(
            action.owner, action.instance_id, changes, write=Write.PAUSE_RESTORE
        )
        self.store.calendars.put(action.owner, ev)
        self.paused.remove(action.series_id, action.original_start)
        return Outcome(action, Result.DONE, ev.id)
