"""Adoption: taking charge of a recurring 1:1 the manager made herself instead of adding a second.

Only an event organised by the manager with exactly the manager and the rep, on the configured
cadence, day, time and zone, is adopted; its title and description stay hers. One write does it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from scheduler.actions import AdoptSeries
from scheduler.model import Pair
from scheduler.ports import CalendarEvent, EventPatch
from scheduler.recurrence import to_local
from scheduler.series_tags import TAG, spec_fingerprint, tags


def adoptable(events: Iterable[CalendarEvent], manager: str, rep: str) -> CalendarEvent | None:
    """An untagged recurring event organised by the manager with exactly the manager and the rep."""
    want = {manager.lower(), rep.lower()}
    for ev in events:
        if ev.cancelled or not ev.recurrence or ev.recurring_event_id or TAG in ev.private:
            continue
        if ev.organizer and ev.organizer.lower() != manager.lower():
            continue
        people = {a.email.lower() for a in ev.attendees if not a.resource}
        if people | {manager.lower()} == want:
            return ev
    return None


def adopt(pair: Pair, candidate: CalendarEvent, *, now: dt.datetime) -> AdoptSeries:
    """Adopt in one write: the tags, and the configured length if it differs (the tags say
    "as configured"). Title and description stay the manager's, so nothing is left for a
    second pass to repair."""
    changes = EventPatch()
    why = (
        "an existing recurring event with exactly the manager and the rep, on the configured "
        "day and time: adopted instead of creating a second one; its title and description stay"
    )
    start, end = candidate.start, candidate.end
    if start is not None and end is not None and end - start != pair.duration:
        changes = EventPatch(
            start=start,
            end=start + pair.duration,
            timezone=candidate.timezone or pair.manager.timezone,
        )
        why += f"; its length becomes the configured {int(pair.duration.total_seconds() // 60)} min"
    return AdoptSeries(
        pair.key,
        pair.manager.email,
        candidate.id,
        tags(pair, 0, since=now, adopted=True),
        why,
        changes,
    )


def same_slot(candidate: CalendarEvent, pair: Pair) -> bool:
    """Same cadence, weekday, time and zone as the config (the length may differ)."""
    return _fingerprint_of(candidate).split("|")[:4] == spec_fingerprint(pair).split("|")[:4]


def _fingerprint_of(ev: CalendarEvent) -> str:
    if ev.start is None or ev.end is None or not ev.timezone:
        return "unknown"
    local = to_local(ev.start, ev.timezone)
    minutes = int((ev.end - ev.start).total_seconds() // 60)
    rule = ";".join(ev.recurrence).upper()
    weeks = 1
    for part in rule.replace(":", ";").split(";"):
        if part.startswith("INTERVAL="):
            weeks = int(part.split("=")[1] or 1)
    kind = "monthly" if "FREQ=MONTHLY" in rule else "weekly"
    return f"{kind}/{weeks}|{local.weekday()}|{local:%H:%M}|{ev.timezone}|{minutes}m|-"
