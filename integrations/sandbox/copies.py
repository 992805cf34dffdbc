"""Each attendee's copy of an event, derived from the organizer's: their own view of the shared
fields, their own response, comment and private properties, carried across writes.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

from integrations.sandbox import recurrence, validation

OWN_FIELDS = ("reminders", "colorId")
NOT_CASCADED = frozenset(
    {"id", "start", "end", "recurrence", "etag", "updated", "sequence", "recurringEventId",
     "originalStartTime", "status", "created", "htmlLink", "iCalUID", "kind", "organizer",
     "creator"}
)  # fmt: skip
STATUSES = frozenset({"confirmed", "tentative", "cancelled"})


def organizer_of(data: dict[str, Any]) -> str:
    return str((data.get("organizer") or {}).get("email", ""))


def derive(source: dict[str, Any], viewer: str, own: dict[str, Any] | None) -> dict[str, Any]:
    """The attendee ``viewer``'s copy of the organizer's event."""
    data = recurrence.clone(source)
    data["organizer"] = {"email": organizer_of(source)}
    data["creator"] = {"email": organizer_of(source)}
    for entry in data.get("attendees") or []:
        entry.pop("self", None)
        if entry.get("email") == viewer:
            entry["self"] = True
    own = own or {}
    for key in OWN_FIELDS:
        data.pop(key, None)
        if key in own:
            data[key] = own[key]
    data.setdefault("reminders", {"useDefault": True})
    shared = (source.get("extendedProperties") or {}).get("shared")
    private = (own.get("extendedProperties") or {}).get("private") or {}
    data.pop("extendedProperties", None)
    if shared is not None or private or "extendedProperties" in source:
        data["extendedProperties"] = ext(shared, private)
    return data


def moved(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether the event now happens at another time (a zone spelt differently is no move)."""
    return any(
        recurrence.resolve(old[k]) != recurrence.resolve(new[k])
        for k in ("start", "end")
        if old.get(k) and new.get(k)
    )


def carry_statuses(
    attendees: list[dict[str, Any]] | None, exception: dict[str, Any]
) -> list[dict[str, Any]]:
    """The series' new attendee list, keeping each answer already given on the occurrence."""
    answered = {a.get("email"): a.get("responseStatus") for a in exception.get("attendees") or []}
    out = recurrence.clone(attendees or [])
    for entry in out:
        if answered.get(entry.get("email")):
            entry["responseStatus"] = answered[entry.get("email")]
    return out


def ext(shared: dict[str, Any] | None, private: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"private": private}
    if shared is not None:
        out["shared"] = shared
    return out


def shared_view(data: dict[str, Any], viewer: str) -> dict[str, Any]:
    view = recurrence.clone(data)
    for key in (*OWN_FIELDS, *validation.READ_ONLY, "sequence", "id", "eventType"):
        view.pop(key, None)
    ext = view.pop("extendedProperties", None) or {}
    if ext.get("shared"):
        view["shared"] = ext["shared"]
    for entry in view.get("attendees") or []:
        entry.pop("self", None)
        if entry.get("email") == viewer:
            entry.pop("responseStatus", None)
            entry.pop("comment", None)
    return view


def own_status(data: dict[str, Any], viewer: str) -> str | None:
    for entry in data.get("attendees") or []:
        if entry.get("email") == viewer:
            return str(entry.get("responseStatus", "needsAction"))
    return None


def own_comment(data: dict[str, Any], viewer: str) -> str:
    for entry in data.get("attendees") or []:
        if entry.get("email") == viewer:
            return str(entry.get("comment", ""))
    return ""


def new_id() -> str:
    return base64.b32hexencode(secrets.token_bytes(15)).decode().lower()


def html_link(event_id: str, cal: str) -> str:
    eid = base64.urlsafe_b64encode(f"{event_id} {cal}".encode()).decode().rstrip("=")
    return f"https://www.google.com/calendar/event?eid={eid}"
