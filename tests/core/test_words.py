"""Dates, times and zones in words come from one module, in English whatever the host's locale."""

from __future__ import annotations

import datetime as dt

from scheduler import words

# 2026-11-01: New York falls back to standard time at 02:00
NY = "America/New_York"
AFTER_FALL_BACK = dt.datetime(2026, 11, 3, 18, 0, tzinfo=dt.UTC)  # Tue 13:00 EST


def test_a_day_reads_the_same_in_every_email_and_on_the_command_line() -> None:
    date = dt.date(2026, 12, 1)
    assert words.day(date) == "Tue 1 Dec"
    assert words.day(date, year=True) == "Tue 1 Dec 2026"
    assert words.day(date, full=True) == "Tuesday 1 Dec"
    assert words.short_day(date) == "Tue 01 Dec"
    assert words.short_day(date, year=True) == "Tue 01 Dec 2026"


def test_a_time_names_the_zone_of_the_person_who_reads_it() -> None:
    assert words.describe_zone(AFTER_FALL_BACK, NY) == "Tue 3 Nov, 13:00 EST (America/New_York)"
    assert words.when(AFTER_FALL_BACK, NY) == "Tue 03 Nov 2026 13:00 EST"
    assert words.hour(AFTER_FALL_BACK, "Pacific/Fiji") == "06:00"
    assert words.when(AFTER_FALL_BACK, "Pacific/Fiji") == "Wed 04 Nov 2026 06:00 UTC+12"


def test_the_rep_sees_the_managers_clock_beside_their_own() -> None:
    assert words.for_rep(AFTER_FALL_BACK, "America/Los_Angeles", NY) == (
        "Tue 3 Nov, 10:00 PST (America/Los_Angeles) [13:00 EST (America/New_York)]"
    )
    assert words.for_rep(AFTER_FALL_BACK, "Pacific/Fiji", NY) == (
        "Wed 4 Nov, 06:00 +12 (Pacific/Fiji) [Tue 3 Nov, 13:00 EST (America/New_York)]"
    )
    assert words.for_rep(AFTER_FALL_BACK, NY, NY) == "Tue 3 Nov, 13:00 EST (America/New_York)"
