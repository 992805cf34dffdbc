"""Checks Google applies to an event body before it stores it (checklist items 9, 14, 15)."""

from __future__ import annotations

import re
from typing import Any

from integrations.sandbox import recurrence
from integrations.sandbox.errors import ApiError, bad_request, invalid

_ID_RE = re.compile(r"^[a-v0-9]{5,1024}$")
EVENT_TYPES = frozenset(
    {"default", "outOfOffice", "focusTime", "workingLocation", "birthday", "fromGmail"}
)
RESPONSE_STATUSES = frozenset({"needsAction", "declined", "tentative", "accepted"})
READ_ONLY = (
    "kind", "etag", "created", "updated", "htmlLink", "iCalUID", "organizer", "creator",
    "recurringEventId", "originalStartTime",
)  # fmt: skip


def check_id(event_id: str) -> None:
    if not _ID_RE.match(event_id):
        raise invalid("Invalid resource id value.")


def check_times(body: dict[str, Any]) -> None:
    start, end = body.get("start"), body.get("end")
    if not isinstance(start, dict) or not (start.get("date") or start.get("dateTime")):
        raise ApiError(400, "required", "Missing start time.")
    if not isinstance(end, dict) or not (end.get("date") or end.get("dateTime")):
        raise ApiError(400, "required", "Missing end time.")
    if recurrence.is_all_day(start) != recurrence.is_all_day(end):
        raise bad_request("Start and end times must either both be date or both be dateTime.")
    for edt, which in ((start, "start"), (end, "end")):
        _check_one(edt, which)
    if body.get("recurrence") and not recurrence.is_all_day(start) and not start.get("timeZone"):
        raise bad_request("Missing time zone definition for start time.")
    try:
        begins, ends = recurrence.resolve(start), recurrence.resolve(end)
    except ValueError as exc:
        raise bad_request(str(exc)) from exc
    if ends < begins:
        raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.")
    if body.get("recurrence"):
        check_recurrence(body)


def _check_one(edt: dict[str, Any], which: str) -> None:
    try:
        if edt.get("timeZone"):
            recurrence.zone(edt["timeZone"])
        if recurrence.is_all_day(edt):
            recurrence.resolve(edt)
            return
        text = str(edt["dateTime"])
        if not recurrence.has_offset(text) and not edt.get("timeZone"):
            raise bad_request(f"Missing time zone definition for {which} time.")
        recurrence.resolve(edt)
    except (ValueError, TypeError) as exc:
        raise bad_request(f"Invalid {which} time.") from exc


def check_recurrence(body: dict[str, Any]) -> None:
    lines = body.get("recurrence")
    if not isinstance(lines, list):
        raise invalid("Invalid recurrence rule.")
    try:
        recurrence.ruleset(body)
    except (ValueError, TypeError) as exc:
        raise invalid(str(exc) or "Invalid recurrence rule.") from exc


def check_event_type(body: dict[str, Any]) -> None:
    if body.get("eventType", "default") not in EVENT_TYPES:
        raise bad_request("Invalid event type.")


def normalize_attendees(attendees: Any, organizer: str) -> list[dict[str, Any]]:
    if attendees is None:
        return []
    if not isinstance(attendees, list):
        raise bad_request("Invalid attendees.")
    seen: dict[str, dict[str, Any]] = {}
    for raw in attendees:
        if not isinstance(raw, dict) or not raw.get("email"):
            raise ApiError(400, "required", "Missing attendee email.")
        entry = recurrence.clone(raw)
        entry["email"] = str(entry["email"]).strip().lower()
        entry.pop("self", None)
        if entry["email"] == organizer:
            entry["organizer"] = True
            entry.setdefault("responseStatus", "accepted")
        else:
            entry.pop("organizer", None)
            entry.setdefault("responseStatus", "needsAction")
        if entry["responseStatus"] not in RESPONSE_STATUSES:
            raise bad_request("Invalid attendee response status.")
        seen[entry["email"]] = entry
    return list(seen.values())


def merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Google patch semantics: objects merge, arrays and scalars replace, null deletes."""
    out = recurrence.clone(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = recurrence.clone(value)
    return out
