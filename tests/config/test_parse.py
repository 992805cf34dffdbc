"""The small value languages: durations, times, weekdays, working hours, cadences, zones."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.parse import (
    format_duration,
    parse_cadence,
    parse_duration,
    parse_email,
    parse_time,
    parse_timezone,
    parse_weekday,
    parse_working_hours,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("45m", dt.timedelta(minutes=45), id="minutes"),
        pytest.param("1h30m", dt.timedelta(minutes=90), id="hours-and-minutes"),
        pytest.param("90s", dt.timedelta(seconds=90), id="seconds"),
        pytest.param("2d", dt.timedelta(days=2), id="days"),
        pytest.param("1h", dt.timedelta(hours=1), id="hours"),
        pytest.param("0m", dt.timedelta(0), id="zero"),
        pytest.param(" 1H 30M ", dt.timedelta(minutes=90), id="spaces-and-capitals"),
    ],
)
def test_duration_text_becomes_a_timedelta(text: str, expected: dt.timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("value", ["45", 45, "-5m", "1.5h", "m", "", "45 min", True])
def test_duration_without_a_proper_unit_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="45m"):
        parse_duration(value)


@given(st.integers(min_value=0, max_value=60 * 86400))
def test_formatted_duration_parses_back_to_itself(seconds: int) -> None:
    value = dt.timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value


def test_time_is_parsed_as_24_hour_clock() -> None:
    assert parse_time("09:05") == dt.time(9, 5)
    assert parse_time("9:05") == dt.time(9, 5)
    assert parse_time("23:59") == dt.time(23, 59)
    for bad in ("24:00", "12:60", "9am", "0900"):
        with pytest.raises(ValueError, match="is not a time"):
            parse_time(bad)


def test_yaml_sexagesimal_time_asks_for_quotes() -> None:
    with pytest.raises(ValueError, match=re.escape('write the time in quotes, e.g. "10:00"')):
        parse_time(600)


@pytest.mark.parametrize(
    ("text", "day"),
    [("monday", 0), ("Tue", 1), ("WEDNESDAY", 2), ("thu", 3), ("Fri", 4), ("sat", 5), ("sun", 6)],
)
def test_weekdays_accept_full_or_short_names_in_any_case(text: str, day: int) -> None:
    assert parse_weekday(text) == day


def test_working_hours_with_groups_and_several_ranges() -> None:
    hours = parse_working_hours("mon-thu 08:00-12:00 13:00-17:00, fri 08:00-15:00")
    assert hours.ranges_on(0) == ((480, 720), (780, 1020))
    assert hours.ranges_on(3) == ((480, 720), (780, 1020))
    assert hours.ranges_on(4) == ((480, 900),)
    assert not hours.is_working_day(5)
    assert hours.text == "mon-thu 08:00-12:00 13:00-17:00, fri 08:00-15:00"


def test_working_hours_may_end_at_midnight_and_touching_ranges_are_fine() -> None:
    hours = parse_working_hours("sat 12:00-18:00 18:00-24:00")
    assert hours.ranges_on(5) == ((720, 1080), (1080, 1440))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("mon-fri", "needs days and hours", id="no-hours"),
        pytest.param("fri-mon 09:00-17:00", "runs backwards", id="reversed-days"),
        pytest.param("mon-fri 09:00-17:00, fri 10:00-12:00", "friday appears twice", id="twice"),
        pytest.param("mon-fri 09:00", "is not a time range", id="half-range"),
        pytest.param("mon-fri 10:00-10:00", "ends before it starts", id="empty-range"),
        pytest.param("mon-fri 09:00-12:00 11:00-13:00", "overlap", id="overlap"),
        pytest.param("mon-fri 00:00-24:01", "is not a time", id="past-midnight"),
        pytest.param("mon-fir 09:00-17:00", "'fir' is not a weekday", id="bad-day"),
    ],
)
def test_bad_working_hours_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_working_hours(text)


@pytest.mark.parametrize(
    ("text", "kind", "weeks"),
    [
        ("weekly", "weekly", 1),
        ("biweekly", "weekly", 2),
        ("Monthly", "monthly", 0),
        ("every 1 week", "weekly", 1),
        ("every 12 weeks", "weekly", 12),
    ],
)
def test_cadences(text: str, kind: str, weeks: int) -> None:
    cadence = parse_cadence(text)
    assert (cadence.kind, cadence.weeks) == (kind, weeks)


def test_zone_suggestion_and_email_normalisation() -> None:
    assert parse_timezone("Europe/Berlin") == "Europe/Berlin"
    with pytest.raises(ValueError, match="did you mean 'Europe/London'"):
        parse_timezone("europe/londn")
    assert parse_email(" Sam.Ortiz@Example.COM ") == "sam.ortiz@example.com"
    for bad in ("sam", "sam@", "@example.com", "sam@example", "s m@example.com"):
        with pytest.raises(ValueError, match="is not an e-mail address"):
            parse_email(bad)
