"""iCalendar parts for the service's own emails, so a calendar outside Google follows too.

The service writes a move or a pause cancellation with ``sendUpdates=none``: its own email is
the one message the rep gets. A rep on Google Calendar sees the change in their calendar copy
anyway; a rep whose calendar is elsewhere (Outlook, Apple, a CalDAV server) learns of a change
only from an email, so that email carries the change as an iTIP message (RFC 5546): a
``METHOD:REQUEST`` for a moved occurrence, a ``METHOD:CANCEL`` for cancelled ones. Each names
the occurrence as Google does: the series' ``iCalUID``, ``RECURRENCE-ID`` = its original start,
and the event's ``SEQUENCE``, so the rep's calendar applies it to the occurrence it already
holds from Google's invitation. The ``icalendar`` library writes the text (escaping, folding,
time zone definitions): titles and names come from people and are never pasted in by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from scheduler.actions import MoveOccurrence
from scheduler.model import Pair
from scheduler.ports import CalendarEvent, CalendarPart

if TYPE_CHECKING:
    # Imported where a part is written: a pass with no move or pause to tell of (the usual
    # idle minute) never loads the library (about 5 MB of the service's memory).
    import icalendar

PRODID = "-//oneonone//1:1 keeper//EN"


@dataclass(frozen=True)
class Occurrence:
    """One occurrence as its iCalendar identity: series UID, original start, sequence."""

    uid: str
    original_start: dt.datetime
    sequence: int
    start: dt.datetime
    end: dt.datetime


def occurrence_request(
    pair: Pair, occurrence: Occurrence, *, summary: str, now: dt.datetime
) -> CalendarPart:
    """``METHOD:REQUEST`` for one occurrence at its new time (a move, or a restore)."""
    event = _event(pair, occurrence, summary=summary, now=now)
    event.add("dtstart", _local(occurrence.start, pair))
    event.add("dtend", _local(occurrence.end, pair))
    event.add("status", "CONFIRMED")
    return _calendar("REQUEST", [event])


def move_request(
    pair: Pair, moved: CalendarEvent, action: MoveOccurrence, *, now: dt.datetime
) -> CalendarPart | None:
    """The move notice's part: the occurrence as Google returned it after the patch (its
    ``iCalUID`` and ``SEQUENCE``) at its new time. None when Google gave no ``iCalUID``: the
    notice then goes without it rather than naming the occurrence wrongly."""
    if not moved.ical_uid:
        return None
    occurrence = Occurrence(
        moved.ical_uid, action.original_start, moved.sequence, action.start, action.end
    )
    return occurrence_request(pair, occurrence, summary=moved.summary or pair.summary, now=now)


def occurrences_cancel(
    pair: Pair, occurrences: Sequence[Occurrence], *, summary: str, now: dt.datetime
) -> CalendarPart:
    """``METHOD:CANCEL`` for some occurrences of one series, never the series itself."""
    if not occurrences:
        raise ValueError("a cancellation needs at least one occurrence")
    events = []
    for occurrence in occurrences:
        event = _event(pair, occurrence, summary=summary, now=now)
        event.add("dtstart", _local(occurrence.start, pair))
        event.add("dtend", _local(occurrence.end, pair))
        event.add("status", "CANCELLED")
        events.append(event)
    return _calendar("CANCEL", events)


def _event(
    pair: Pair, occurrence: Occurrence, *, summary: str, now: dt.datetime
) -> icalendar.Event:
    if not occurrence.uid:
        raise ValueError("an occurrence without its series' iCalUID cannot be named")
    import icalendar

    event = icalendar.Event()
    event.add("uid", occurrence.uid)
    event.add("recurrence-id", _local(occurrence.original_start, pair))
    event.add("sequence", occurrence.sequence)
    event.add("dtstamp", now.astimezone(dt.UTC))
    event.add("summary", summary)
    organizer = icalendar.vCalAddress(f"mailto:{pair.manager.email}")
    organizer.params["CN"] = icalendar.vText(pair.manager.name)
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{pair.rep.email}")
    attendee.params["CN"] = icalendar.vText(pair.rep.name)
    attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = icalendar.vText("NEEDS-ACTION")
    attendee.params["RSVP"] = icalendar.vText("TRUE")
    event.add("attendee", attendee)
    return event


def _calendar(method: str, events: Sequence[icalendar.Event]) -> CalendarPart:
    import icalendar

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return CalendarPart(method=method, text=calendar.to_ical().decode("utf-8"))


def _local(moment: dt.datetime, pair: Pair) -> dt.datetime:
    """In the manager's zone, the zone the series is written in (as Google writes it)."""
    return moment.astimezone(ZoneInfo(pair.manager.timezone))
