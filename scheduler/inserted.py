"""A manager's calendar as the series stage's writes will leave it, built without asking.

A plan writes nothing, yet has to show what the pass does after its series writes (the pause
cancellations, the agenda and the preps of a series it creates or adopts): the later stages
plan against the series as the planned writes will make them. A new series is the event
``CreateSeries`` inserts: its deterministic id, the times, rule, guests and tags the insert
sends, the calendar's owner as organizer (Google makes the calendar an event is inserted into
its organizer: "organizer: The organizer of the event",
https://developers.google.com/calendar/api/v3/reference/events). An adopted, repaired or ended
series is the observed event with the patch applied as Google applies one ("This method
supports patch semantics": the fields sent replace, objects such as the private tags merge,
https://developers.google.com/calendar/api/v3/reference/events/patch).

What only Google assigns (the etag, ``iCalUID``, ``updated``, ``sequence``) is left as it was
(unset for a new series): nothing a plan decides reads them, and apply reads the occurrence it
writes to before writing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from scheduler.actions import Action, AdoptSeries, CreateSeries, EndSeries, RepairSeries
from scheduler.ports import Attendee, CalendarEvent, EventPatch
from scheduler.vocabulary import EventStatus


def as_written(events: Sequence[CalendarEvent], actions: Sequence[Action]) -> list[CalendarEvent]:
    """``events`` (one calendar, as observed) after the series writes among ``actions``."""
    patches: dict[str, EventPatch] = {}
    for a in actions:
        if isinstance(a, AdoptSeries):
            patches[a.event_id] = dataclasses.replace(a.changes, private=a.tags)
        elif isinstance(a, RepairSeries):
            patches[a.event_id] = a.changes
        elif isinstance(a, EndSeries):
            patches[a.event_id] = EventPatch(recurrence=a.recurrence)
            patches.update({i: EventPatch(status=EventStatus.CANCELLED) for i in a.cancel_ids})
    out = [as_patched(e, patches[e.id]) if e.id in patches else e for e in events]
    return out + [as_inserted(a) for a in actions if isinstance(a, CreateSeries)]


def as_inserted(action: CreateSeries) -> CalendarEvent:
    """The master event ``action`` inserts: start and end are the wall times the insert sends
    (the end is the first start plus the length, on the wall clock), read in the series' zone."""
    spec = action.spec
    zone = ZoneInfo(spec.timezone)
    start = spec.first_start_local.replace(tzinfo=zone)
    end = (spec.first_start_local + spec.duration).replace(tzinfo=zone)
    return CalendarEvent(
        id=spec.event_id,
        summary=spec.summary,
        description=spec.description,
        start=start.astimezone(dt.UTC),
        end=end.astimezone(dt.UTC),
        timezone=spec.timezone,
        recurrence=tuple(spec.recurrence),
        attendees=tuple(_as_listed(a, action.owner) for a in spec.attendees),
        organizer=action.owner.lower(),
        private=dict(spec.private),
    )


def as_patched(event: CalendarEvent, changes: EventPatch) -> CalendarEvent:
    """``event`` once patched with ``changes``: each field set replaces (start and end with
    their zone, as the patch writes them), the private tags merge into those it had."""
    out = dataclasses.replace(
        event,
        status=changes.status or event.status,
        summary=event.summary if changes.summary is None else changes.summary,
        description=event.description if changes.description is None else changes.description,
        recurrence=event.recurrence if changes.recurrence is None else changes.recurrence,
    )
    if changes.start is not None:
        out = dataclasses.replace(out, start=changes.start, timezone=changes.timezone or "UTC")
    if changes.end is not None:
        out = dataclasses.replace(out, end=changes.end)
    if changes.attendees is not None:
        guests = tuple(_as_listed(a, event.organizer) for a in changes.attendees)
        out = dataclasses.replace(out, attendees=guests)
    if changes.private is not None:
        out = dataclasses.replace(out, private={**event.private, **changes.private})
    return out


def _as_listed(a: Attendee, organizer: str) -> Attendee:
    """A guest as the calendar lists it: the organizer's entry marked so by the calendar
    ("attendees[].organizer: Whether the attendee is the organizer of the event. Read-only.")."""
    email = a.email.lower()
    return Attendee(
        email, a.response, a.name, email == organizer.lower(), a.optional, comment=a.comment
    )
