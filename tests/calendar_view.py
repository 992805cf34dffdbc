"""What the calendar of a person without Google Calendar shows, rebuilt from their inbox.

Such a person keeps no copy of the event at Google: their calendar (Outlook, Apple, a CalDAV
server) holds what the emails they received told it. Google's invitations, updates and
cancellations carry the event as mailed (the sandbox keeps a snapshot of each); the service's
own emails carry iCalendar parts (``text/calendar; method=REQUEST|CANCEL``). Folding both in the
order received gives the occurrences that calendar shows, which a test compares with what the
manager's Google calendar shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from integrations.sandbox import SandboxAdmin
from scheduler.recurrence import expand
from tests.inbox import Received

Span = tuple[dt.datetime, dt.datetime]


@dataclass
class Series:
    """One series (by iCalendar UID) as the person's calendar holds it."""

    first_local: dt.datetime | None = None  # naive, in ``tz``
    tz: str = "UTC"
    length: dt.timedelta = dt.timedelta(0)
    recurrence: tuple[str, ...] = ()
    cancelled: bool = False
    overrides: dict[dt.datetime, tuple[dt.datetime, dt.datetime] | None] = field(
        default_factory=dict
    )  # original start (UTC) → (start, end), or None when that occurrence is cancelled


def _when(node: dict[str, Any]) -> tuple[dt.datetime, str]:
    tz = node.get("timeZone") or "UTC"
    moment = dt.datetime.fromisoformat(node["dateTime"].replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment, tz


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _fold_google(calendar: dict[str, Series], event: dict[str, Any], kind: str) -> None:
    series = calendar.setdefault(event["iCalUID"], Series())
    if event.get("recurringEventId"):
        original, _ = _when(event["originalStartTime"])
        if kind == "cancellation" or event.get("status") == "cancelled":
            series.overrides[_utc(original)] = None
        else:
            start, _ = _when(event["start"])
            end, _ = _when(event["end"])
            series.overrides[_utc(original)] = (_utc(start), _utc(end))
        return
    if kind == "cancellation" or event.get("status") == "cancelled":
        series.cancelled = True
        return
    start, tz = _when(event["start"])
    end, _ = _when(event["end"])
    series.first_local = start.astimezone(ZoneInfo(tz)).replace(tzinfo=None)
    series.tz, series.length = tz, end - start
    series.recurrence = tuple(event.get("recurrence") or ())
    series.cancelled = False


def _fold_ical(calendar: dict[str, Series], text: str) -> None:
    parsed = icalendar.Calendar.from_ical(text)
    method = str(parsed.get("method", ""))
    for component in parsed.walk("VEVENT"):
        series = calendar.setdefault(str(component["uid"]), Series())
        original = _utc(component.decoded("recurrence-id"))
        if method == "CANCEL" or str(component.get("status", "")).upper() == "CANCELLED":
            series.overrides[original] = None
        else:
            start = _utc(component.decoded("dtstart"))
            series.overrides[original] = (start, _utc(component.decoded("dtend")))


def calendar_parts(message: Received) -> list[str]:
    """The iCalendar bodies of one of the service's emails."""
    if message.message is None:
        return []
    return [
        str(part.get_content())
        for part in message.message.walk()
        if part.get_content_type() == "text/calendar"
    ]


def fold(received: Iterable[Received]) -> dict[str, Series]:
    """The person's calendar after every message of ``received``, in that order."""
    calendar: dict[str, Series] = {}
    for message in received:
        if message.source == "google":
            _fold_google(calendar, message.event, message.kind)
        for text in calendar_parts(message):
            _fold_ical(calendar, text)
    return calendar


def occurrences(
    calendar: dict[str, Series], time_min: dt.datetime, time_max: dt.datetime
) -> list[Span]:
    """The (start, end) of every occurrence the calendar shows starting in the window, in UTC."""
    out: list[Span] = []
    for series in calendar.values():
        if series.cancelled or series.first_local is None:
            continue
        starts = expand(
            series.first_local,
            series.tz,
            series.recurrence,
            time_min=time_min - dt.timedelta(days=2),
            time_max=time_max + dt.timedelta(days=2),
        )
        for original in starts:
            span = series.overrides.get(_utc(original), (original, original + series.length))
            if span is not None and time_min <= span[0] < time_max:
                out.append((_utc(span[0]), _utc(span[1])))
    return sorted(out)


def google_spans(
    admin: SandboxAdmin, owner: str, series_ids: Iterable[str], lo: str, hi: str
) -> list[Span]:
    """The occurrences of these series on ``owner``'s Google calendar (their copy), in UTC."""
    out: list[Span] = []
    for ident in series_ids:
        if admin.get_event(owner, ident) is None:
            continue
        for item in admin.instances(owner, ident, lo, hi):
            if item.get("status") != "cancelled":
                start = dt.datetime.fromisoformat(item["start"]["dateTime"])
                end = dt.datetime.fromisoformat(item["end"]["dateTime"])
                out.append((start.astimezone(dt.UTC), end.astimezone(dt.UTC)))
    return sorted(out)


def emailed_spans(received: Iterable[Received], lo: str, hi: str) -> list[Span]:
    """The occurrences a calendar outside Google shows after ``received``, in UTC."""
    window = (dt.datetime.fromisoformat(lo), dt.datetime.fromisoformat(hi))
    return occurrences(fold(received), *window)
