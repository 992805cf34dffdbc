"""Plain values for core tests: people, pairs, and the event a calendar would hold for a spec."""

from __future__ import annotations

import dataclasses
import datetime as dt

from scheduler.model import Cadence, Manager, Pair, Person, WorkingHours
from scheduler.ports import CalendarEvent, SeriesSpec
from scheduler.recurrence import localize

WEEKDAYS_9_TO_1730 = WorkingHours(tuple([((9 * 60, 17 * 60 + 30),)] * 5 + [()] * 2))


def person(name: str, email: str, tz: str) -> Person:
    return Person(name, email, tz, WEEKDAYS_9_TO_1730)


DANA = person("Dana Whitfield", "dana@example.com", "America/New_York")
SAM = person("Sam Ortiz", "sam@example.com", "America/Los_Angeles")
PRIYA = person("Priya Nair", "priya@example.com", "Europe/London")


def pair(
    rep: Person = SAM,
    *,
    day: int = 1,
    time: str = "10:00",
    minutes: int = 45,
    weeks: int = 1,
    manager: Person = DANA,
) -> Pair:
    hh, mm = map(int, time.split(":"))
    return Pair(
        manager=manager,
        rep=rep,
        cadence=Cadence("weekly", weeks),
        day=day,
        time=dt.time(hh, mm),
        duration=dt.timedelta(minutes=minutes),
    )


def manager(p: Person = DANA) -> Manager:
    return Manager(p)


def event_for(spec: SeriesSpec, *, organizer: str = "dana@example.com") -> CalendarEvent:
    start = localize(spec.first_start_local, spec.timezone)
    return CalendarEvent(
        id=spec.event_id,
        summary=spec.summary,
        description=spec.description,
        start=start,
        end=start + spec.duration,
        timezone=spec.timezone,
        recurrence=spec.recurrence,
        attendees=spec.attendees,
        organizer=organizer,
        private=dict(spec.private),
        etag='"1"',
    )


def replace(ev: CalendarEvent, **changes: object) -> CalendarEvent:
    return dataclasses.replace(ev, **changes)  # type: ignore[arg-type]
