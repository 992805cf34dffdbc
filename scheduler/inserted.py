"""The series a plan creates, as the calendar will hold it once inserted, built without asking.

A plan made before a pair's series exists still has to show what the pass does with that series
once it is made (the pause cancellations, the agenda and the preps due): the later stages plan
against the event ``CreateSeries`` inserts. Its id is the deterministic one of the insert, its
times, rule, guests and tags those the insert sends, its organizer the calendar's owner
(Google makes the calendar an event is inserted into its organizer; "organizer": "The
organizer of the event", https://developers.google.com/calendar/api/v3/reference/events).

What only Google assigns (the etag, ``iCalUID``, ``updated``, ``sequence``) is left unset:
nothing a plan decides reads them, and apply reads the occurrence it writes to before writing.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from scheduler.actions import CreateSeries
from scheduler.ports import Attendee, CalendarEvent


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


def _as_listed(a: Attendee, owner: str) -> Attendee:
    """A guest as the calendar lists it: the organizer's entry marked so by the calendar
    ("attendees[].organizer: Whether the attendee is the organizer of the event. Read-only.")."""
    email = a.email.lower()
    return Attendee(
        email, a.response, a.name, email == owner.lower(), a.optional, comment=a.comment
    )
