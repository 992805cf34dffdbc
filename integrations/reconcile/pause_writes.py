"""Carrying out the pause planner's decisions: cancel one occurrence, or bring one back.

Each write touches a single instance, never the series. A cancellation is recorded in the
``PauseStore`` right after Google accepted it (the rebooking and the restore read it); a restore
forgets it. Google's emails follow ``Write.PAUSE_CANCEL`` (none: the pause note carries the
cancellations) and ``Write.PAUSE_RESTORE`` (Google's invitation for that occurrence).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from integrations.reconcile.series_writes import Outcome
from integrations.state.pause_store import PauseStore
from integrations.state.store import Store
from scheduler.actions import CancelOccurrence, RestoreOccurrence
from scheduler.ports import Calendar, CalendarEvent, EventPatch, Write
from scheduler.vocabulary import EventStatus, Result

FindInstance = Callable[[str, str, dt.datetime], CalendarEvent | None]


@dataclass
class PauseWriter:
    calendar: Calendar
    store: Store
    instance: FindInstance  # one occurrence by (owner, series id, original start)

    def __post_init__(self) -> None:
        self.paused = PauseStore(self.store)

    def cancel(self, action: CancelOccurrence, *, now: dt.datetime) -> Outcome:
        instance_id = action.instance_id
        if not instance_id:  # not materialised yet: one read for its opaque id
            found = self.instance(action.owner, action.series_id, action.original_start)
            if found is None:
                return Outcome(action, Result.SKIPPED, "the occurrence is gone from the series")
            if found.cancelled:
                return Outcome(action, Result.SKIPPED, "already cancelled by someone")
            instance_id = found.id
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
