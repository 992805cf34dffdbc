"""Expanding a series from kept blocks gives exactly what expanding its rule afresh gives."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from dateutil import rrule as du
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler import recurrence
from scheduler.recurrence import expand, localize, parse_until

RULES = (
    ("RRULE:FREQ=WEEKLY;BYDAY=MO",),
    ("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",),
    ("RRULE:FREQ=MONTHLY;BYDAY=-1FR",),
    ("RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20261110T150000Z",),
    ("RRULE:FREQ=WEEKLY;BYDAY=WE;COUNT=5",),
    ("RRULE:FREQ=DAILY", "EXDATE:20261104T093000"),
    ("RRULE:FREQ=WEEKLY;BYDAY=SU", "RDATE:20261103T093000"),
)
ZONES = ("America/New_York", "Europe/Berlin", "Pacific/Fiji", "UTC")


def afresh(
    first: dt.datetime, tz: str, rules: tuple[str, ...], lo: dt.datetime, hi: dt.datetime
) -> list[dt.datetime]:
    """The rule parsed and expanded over the whole window in one go, UNTIL applied in UTC."""
    until = None
    lines = []
    for line in rules:
        parts = line.split(";")
        until = next((parse_until(p[6:]) for p in parts if p.startswith("UNTIL=")), until)
        lines.append(";".join(p for p in parts if not p.startswith("UNTIL=")))
    rset = du.rrulestr("\n".join(lines), dtstart=first, forceset=True, ignoretz=True)
    zone = ZoneInfo(tz)
    local_lo = lo.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
    local_hi = hi.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
    starts = [localize(n, tz) for n in rset.between(local_lo, local_hi, inc=True)]
    return [s for s in starts if lo <= s < hi and (until is None or s <= until)]


@settings(max_examples=300, deadline=None)
@given(
    rules=st.sampled_from(RULES),
    tz=st.sampled_from(ZONES),
    offset_hours=st.integers(min_value=-24 * 60, max_value=24 * 400),
    length_hours=st.integers(min_value=0, max_value=24 * 120),
)
def test_a_window_anywhere_gives_the_same_starts_as_a_fresh_expansion(
    rules: tuple[str, ...], tz: str, offset_hours: int, length_hours: int
) -> None:
    first = dt.datetime(2026, 10, 1, 9, 30)  # spans both DST changes of 2026
    lo = dt.datetime(2026, 10, 1, tzinfo=dt.UTC) + dt.timedelta(hours=offset_hours)
    hi = lo + dt.timedelta(hours=length_hours)
    assert expand(first, tz, rules, time_min=lo, time_max=hi) == afresh(first, tz, rules, lo, hi)


def test_a_series_asked_for_every_minute_of_a_day_parses_its_rule_once() -> None:
    first = dt.datetime(2025, 1, 6, 10, 0)  # a series of a rule no other test uses
    rule = ("RRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=MO;BYHOUR=10",)
    before = recurrence._ruleset.cache_info().misses
    now = dt.datetime(2026, 11, 27, 8, tzinfo=dt.UTC)
    seen = set()
    for minute in range(0, 24 * 60, 1):
        moment = now + dt.timedelta(minutes=minute)
        window = expand(
            first, "Europe/Berlin", rule, time_min=moment, time_max=moment + dt.timedelta(days=21)
        )
        seen.add(tuple(window))
    assert recurrence._ruleset.cache_info().misses - before == 1
    assert {len(w) for w in seen} == {1}


def test_an_edited_rule_is_expanded_from_its_new_text_not_the_kept_blocks() -> None:
    first = dt.datetime(2026, 11, 2, 10, 0)
    lo = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    hi = lo + dt.timedelta(days=28)
    weekly = expand(first, "UTC", ("RRULE:FREQ=WEEKLY",), time_min=lo, time_max=hi)
    ended = expand(
        first, "UTC", ("RRULE:FREQ=WEEKLY;UNTIL=20261110T000000Z",), time_min=lo, time_max=hi
    )
    assert len(weekly) == 4
    assert ended == weekly[:2]
