"""Google's event JSON and the domain's events, translated both ways at the edge.

Google's ``start``/``end`` carry a ``dateTime`` with an offset and a ``timeZone``, or a ``date``
for all-day events; the domain keeps aware UTC times and the zone beside them. A patch body
holds the fields an ``EventPatch`` sets, and no other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.ports import Attendee, CalendarEvent, EventPatch, SeriesSpec
from scheduler.vocabulary import EventStatus, Response


def _parse_dt(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _when(node: Mapping[str, Any] | None) -> tuple[dt.datetime | None, dt.date | None, str | None]:
    if not node:
        return None, None, None
    tz = node.get("timeZone")
    if "dateTime" in node:
        text = node["dateTime"]
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=ZoneInfo(tz) if tz else dt.UTC)
        return moment.astimezone(dt.UTC), None, tz
    if "date" in node:
        return None, dt.date.fromisoformat(node["date"]), tz
    return None, None, tz


def from_google(item: Mapping[str, Any]) -> CalendarEvent:
    start, start_date, tz = _when(item.get("start"))
    end, end_date, _ = _when(item.get("end"))
    original, original_date, _ = _when(item.get("originalStartTime"))
    if original is None and original_date is not None:
        original = dt.datetime.combine(original_date, dt.time(0), tzinfo=dt.UTC)
    attendees = tuple(
        Attendee(
            email=str(a.get("email", "")).lower(),
            response=Response(a.get("responseStatus", "needsAction")),
            name=a.get("displayName", ""),
            organizer=bool(a.get("organizer", False)),
            optional=bool(a.get("optional", False)),
            resource=bool(a.get("resource", False)),
            comment=str(a.get("comment", "")),
        )
        for a in item.get("attendees", [])
        if a.get("email")
    )
    return CalendarEvent(
        id=item["id"],
        status=EventStatus(item.get("status", "confirmed")),
        summary=item.get("summary", ""),
        description=item.get("description", ""),
        start=start,
        end=end,
        timezone=tz,
        all_day=start_date is not None,
        start_date=start_date,
        end_date=end_date,
        recurrence=tuple(item.get("recurrence", ())),
        recurring_event_id=item.get("recurringEventId"),
        original_start=original,
        transparent=item.get("transparency") == "transparent",
        event_type=item.get("eventType", "default"),
        attendees=attendees,
        organizer=str(item.get("organizer", {}).get("email", "")).lower(),
        private=dict(item.get("extendedProperties", {}).get("private", {})),
        etag=item.get("etag", ""),
        updated=_parse_dt(item["updated"]) if item.get("updated") else None,
        ical_uid=item.get("iCalUID", ""),
        sequence=int(item.get("sequence", 0) or 0),
    )


def _attendee_json(a: Attendee) -> dict[str, Any]:
    out: dict[str, Any] = {"email": a.email}
    if a.name:
        out["displayName"] = a.name
    if a.response != "needsAction":
        out["responseStatus"] = a.response
    if a.optional:
        out["optional"] = True
    if a.comment:
        out["comment"] = a.comment  # a guest's note: writing the list back must not erase it
    return out


def _local(moment: dt.datetime, tz: str) -> dict[str, str]:
    return {"dateTime": moment.astimezone(ZoneInfo(tz)).isoformat(), "timeZone": tz}


def to_google_changes(changes: EventPatch) -> dict[str, Any]:
    """An ``EventPatch`` → an events.patch body: the fields it sets and no other (start and
    end always with their zone)."""
    body: dict[str, Any] = {}
    tz = changes.timezone or "UTC"
    if changes.status is not None:
        body["status"] = str(changes.status)
    if changes.summary is not None:
        body["summary"] = changes.summary
    if changes.description is not None:
        body["description"] = changes.description
    if changes.start is not None:
        body["start"] = _local(changes.start, tz)
    if changes.end is not None:
        body["end"] = _local(changes.end, tz)
    if changes.attendees is not None:
        body["attendees"] = [_attendee_json(a) for a in changes.attendees]
    if changes.recurrence is not None:
        body["recurrence"] = list(changes.recurrence)
    if changes.private is not None:
        body["extendedProperties"] = {"private": dict(changes.private)}
    return body


def series_body(spec: SeriesSpec) -> dict[str, Any]:
    end_local = spec.first_start_local + spec.duration
    return {
        "id": spec.event_id,
        "summary": spec.summary,
        "description": spec.description,
        "start": {"dateTime": spec.first_start_local.isoformat(), "timeZone": spec.timezone},
        "end": {"dateTime": end_local.isoformat(), "timeZone": spec.timezone},
        "recurrence": list(spec.recurrence),
        "attendees": [_attendee_json(a) for a in spec.attendees],
        "extendedProperties": {"private": dict(spec.private)},
        "guestsCanModify": False,
        "reminders": {"useDefault": True},
    }


def _z(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
