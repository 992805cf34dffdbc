"""Builders for the people and pairs these tests talk about."""

from __future__ import annotations

import datetime as dt

from scheduler.model import AgendaPolicy, Cadence, Pair, Person, WorkingHours

NINE_TO_FIVE = ((540, 1050),)


def hours(days: str = "mon-fri") -> WorkingHours:
    """Working hours on Monday–Friday, or every day with ``days="all"``."""
    count = 7 if days == "all" else 5
    return WorkingHours(tuple(NINE_TO_FIVE if i < count else () for i in range(7)), days)


def person(name: str, tz: str, days: str = "mon-fri") -> Person:
    email = f"{name.split()[0].lower()}@example.com"
    return Person(name=name, email=email, timezone=tz, working_hours=hours(days))


def pair(
    *,
    minutes: int = 45,
    rotation: tuple[str, ...] = ("pipeline", "coaching", "pipeline", "career"),
    performance_every: int = 12,
    better_manager_every: int = 2,
) -> Pair:
    return Pair(
        manager=person("Dana Whitfield", "America/New_York"),
        rep=person("Sam Ortiz", "America/Los_Angeles"),
        cadence=Cadence("weekly"),
        day=1,
        time=dt.time(10, 0),
        duration=dt.timedelta(minutes=minutes),
        agenda=AgendaPolicy(
            rotation=rotation,
            performance_every=performance_every,
            better_manager_every=better_manager_every,
        ),
    )
