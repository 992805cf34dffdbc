"""The people and the pair these recap tests talk about."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.model import Cadence, Pair, Person, WorkingHours

WEEKDAYS = WorkingHours(tuple(((540, 1050),) if d < 5 else () for d in range(7)), "mon-fri")
MEETING_DAY = dt.date(2026, 11, 24)  # a Tuesday


def make_person(name: str, email: str, tz: str) -> Person:
    return Person(name=name, email=email, timezone=tz, working_hours=WEEKDAYS)


def make_pair(manager_tz: str = "America/New_York", rep_tz: str = "America/Los_Angeles") -> Pair:
    return Pair(
        manager=make_person("Dana Whitfield", "dana@example.com", manager_tz),
        rep=make_person("Sam Ortiz", "sam@example.com", rep_tz),
        cadence=Cadence("weekly"),
        day=1,
        time=dt.time(13, 0),
        duration=dt.timedelta(minutes=45),
    )


@pytest.fixture
def pair() -> Pair:
    return make_pair()


@pytest.fixture
def manager(pair: Pair) -> Person:
    return pair.manager


@pytest.fixture
def rep(pair: Pair) -> Person:
    return pair.rep
