"""The busy index finds exactly what reading every event finds, in the same order."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from scheduler.busy import BusyEvent, BusyIndex, overlapping

T0 = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
minutes = st.integers(min_value=-600, max_value=20_000)


@st.composite
def busy_events(draw: st.DrawFn) -> list[BusyEvent]:
    out = []
    for n in range(draw(st.integers(min_value=0, max_value=40))):
        start = T0 + dt.timedelta(minutes=draw(minutes))
        length = dt.timedelta(minutes=draw(st.integers(min_value=0, max_value=4 * 24 * 60)))
        out.append(BusyEvent(start, start + length, draw(st.booleans()), f"e{n}"))
    return out


@given(busy_events(), minutes, st.integers(min_value=1, max_value=180))
def test_the_index_finds_the_overlapping_events_in_their_given_order(events, at, length) -> None:
    start = T0 + dt.timedelta(minutes=at)
    end = start + dt.timedelta(minutes=length)
    assert BusyIndex(events).overlapping(start, end) == overlapping(events, start, end)


def test_a_long_event_that_began_days_before_is_found() -> None:
    away = BusyEvent(T0 - dt.timedelta(days=3), T0 + dt.timedelta(days=2), True, "Away")
    short = BusyEvent(T0 + dt.timedelta(hours=9), T0 + dt.timedelta(hours=10), False, "Call")
    later = BusyEvent(T0 + dt.timedelta(hours=11), T0 + dt.timedelta(hours=12), False, "Later")
    index = BusyIndex([later, short, away])
    found = index.overlapping(T0 + dt.timedelta(hours=9, minutes=30), T0 + dt.timedelta(hours=10))
    assert found == [short, away]
