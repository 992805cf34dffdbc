"""Interval arithmetic and the wall-clock conversion the slot finder builds on."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler import intervals as iv


def t(hhmm: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"2026-11-24T{hhmm}+00:00")


@pytest.mark.parametrize(
    ("day", "tz", "hours"),
    [
        pytest.param(dt.date(2026, 3, 8), "America/New_York", 23, id="ny-spring"),
        pytest.param(dt.date(2026, 11, 1), "America/New_York", 25, id="ny-fall"),
        pytest.param(dt.date(2026, 3, 29), "Europe/Berlin", 23, id="berlin-spring"),
        pytest.param(dt.date(2026, 10, 25), "Europe/Berlin", 25, id="berlin-fall"),
        pytest.param(dt.date(2026, 4, 5), "Australia/Lord_Howe", 24.5, id="lord-howe-fall"),
        pytest.param(dt.date(2026, 10, 4), "Australia/Lord_Howe", 23.5, id="lord-howe-spring"),
        pytest.param(dt.date(2026, 11, 24), "Pacific/Fiji", 24, id="fiji"),
    ],
)
def test_a_local_day_lasts_as_long_as_its_wall_clock_says(
    day: dt.date, tz: str, hours: float
) -> None:
    lo, hi = iv.local_day_bounds(day, tz)
    assert hi - lo == dt.timedelta(hours=hours)


def test_the_repeated_hour_of_fall_back_yields_two_spans() -> None:
    spans = iv.wall_clock_intervals(dt.date(2026, 11, 1), [(60, 90)], "America/New_York")
    assert spans == [
        (
            dt.datetime(2026, 11, 1, 5, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC),
        ),
        (
            dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC),
            dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC),
        ),
    ]


def test_the_skipped_hour_of_spring_forward_holds_no_instants() -> None:
    assert iv.wall_clock_intervals(dt.date(2026, 3, 8), [(125, 175)], "America/New_York") == []


def test_normalize_merges_overlapping_and_touching_spans_and_drops_empty_ones() -> None:
    spans = [(t("10:00"), t("11:00")), (t("09:00"), t("10:00")), (t("12:00"), t("12:00"))]
    spans.append((t("10:30"), t("10:45")))
    assert iv.normalize(spans) == [(t("09:00"), t("11:00"))]


def test_subtract_cuts_holes_and_edges() -> None:
    base = [(t("09:00"), t("12:00")), (t("13:00"), t("17:00"))]
    cuts = [(t("08:00"), t("09:30")), (t("10:00"), t("10:15")), (t("11:50"), t("13:10"))]
    assert iv.subtract(base, cuts) == [
        (t("09:30"), t("10:00")),
        (t("10:15"), t("11:50")),
        (t("13:10"), t("17:00")),
    ]


def test_intersect_keeps_only_common_time() -> None:
    a = [(t("09:00"), t("12:00")), (t("13:00"), t("17:00"))]
    b = [(t("11:00"), t("14:00"))]
    assert iv.intersect(a, b) == [(t("11:00"), t("12:00")), (t("13:00"), t("14:00"))]


def test_minutes_round_outward_only_when_there_are_seconds() -> None:
    exact = t("10:00")
    assert iv.ceil_minute(exact) == iv.floor_minute(exact) == exact
    odd = exact + dt.timedelta(seconds=1)
    assert (iv.floor_minute(odd), iv.ceil_minute(odd)) == (exact, t("10:01"))
