"""Prep emails go out ahead of the meeting, never in the recipient's night or weekend."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.agenda import is_night, prep_send_time
from scheduler.model import Person
from tests.agenda.builders import person

NY = "America/New_York"
DAY = dt.timedelta(hours=24)
H = dt.timedelta(hours=1)
LONG_AGO = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def at(text: str, tz: str) -> dt.datetime:
    """An aware UTC instant from a wall-clock string in ``tz``."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


def wall(t: dt.datetime | None, tz: str) -> str:
    assert t is not None
    return t.astimezone(ZoneInfo(tz)).strftime("%a %Y-%m-%d %H:%M %Z")


def send(start: str, tz: str, before: dt.timedelta, who: Person, now: dt.datetime = LONG_AGO):
    return prep_send_time(at(start, tz), send_before=before, recipient=who, now=now)


dana = person("Dana Whitfield", NY)


@pytest.mark.parametrize(
    ("start", "before", "expected"),
    [
        pytest.param("2026-11-24 10:00", DAY, "Mon 2026-11-23 10:00 EST", id="daytime-nominal"),
        pytest.param("2026-11-24 08:00", 10 * H, "Mon 2026-11-23 21:00 EST", id="late-evening"),
        pytest.param("2026-11-24 09:00", 3 * H, "Mon 2026-11-23 21:00 EST", id="early-morning"),
        pytest.param("2026-11-23 10:00", DAY, "Mon 2026-11-23 07:00 EST", id="weekend-to-morning"),
        pytest.param(
            "2026-11-23 07:30", DAY, "Fri 2026-11-20 21:00 EST", id="morning-too-close-to-start"
        ),
        pytest.param("2026-11-24 10:00", 13 * H, "Mon 2026-11-23 21:00 EST", id="at-21-sharp"),
        pytest.param("2026-11-24 10:00", 3 * H, "Tue 2026-11-24 07:00 EST", id="at-07-sharp"),
    ],
)
def test_send_time_moves_out_of_the_night(start: str, before: dt.timedelta, expected: str) -> None:
    assert wall(send(start, NY, before, dana), NY) == expected


def test_a_late_service_sends_now_while_the_meeting_has_not_started() -> None:
    now = at("2026-11-24 09:40", NY)
    assert send("2026-11-24 10:00", NY, DAY, dana, now=now) == now


def test_no_prep_email_once_the_meeting_has_started() -> None:
    assert send("2026-11-24 10:00", NY, DAY, dana, now=at("2026-11-24 10:00", NY)) is None
    assert send("2026-11-24 10:00", NY, DAY, dana, now=at("2026-11-24 10:05", NY)) is None


def test_the_send_time_is_aware_utc() -> None:
    result = send("2026-11-24 10:00", NY, DAY, dana)
    assert result is not None
    assert result.tzinfo == dt.UTC


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        prep_send_time(dt.datetime(2026, 11, 24, 10), send_before=DAY, recipient=dana, now=LONG_AGO)


def test_a_london_rep_of_a_new_york_meeting_gets_it_in_their_own_evening() -> None:
    sam = person("Sam Ortiz", "Europe/London")
    rep_time = send("2026-11-24 10:00", NY, dt.timedelta(hours=12), sam)
    manager_time = send("2026-11-24 10:00", NY, dt.timedelta(hours=12), dana)
    assert wall(rep_time, "Europe/London") == "Mon 2026-11-23 21:00 GMT"
    assert wall(manager_time, NY) == "Mon 2026-11-23 21:00 EST"
    assert rep_time is not None
    assert manager_time is not None
    assert manager_time - rep_time == dt.timedelta(hours=5)


# DST days: the recipient works every day so that the Sunday itself is in play.
everyday_ny = person("Dana Whitfield", NY, days="all")


def test_new_york_spring_forward_night_goes_back_to_saturday_evening_est() -> None:
    result = send("2026-03-08 10:00", NY, dt.timedelta(hours=8), everyday_ny)
    assert wall(result, NY) == "Sat 2026-03-07 21:00 EST"


def test_new_york_spring_forward_keeps_absolute_lead_time_across_the_change() -> None:
    result = send("2026-03-08 09:00", NY, dt.timedelta(hours=12), everyday_ny)
    assert wall(result, NY) == "Sat 2026-03-07 20:00 EST"


def test_monday_after_spring_forward_goes_at_seven_edt() -> None:
    assert wall(send("2026-03-09 10:00", NY, DAY, dana), NY) == "Mon 2026-03-09 07:00 EDT"


def test_new_york_fall_back_early_morning_goes_back_to_saturday_evening_edt() -> None:
    result = send("2026-11-01 08:00", NY, dt.timedelta(hours=3), everyday_ny)
    assert wall(result, NY) == "Sat 2026-10-31 21:00 EDT"


def test_monday_after_fall_back_goes_at_seven_est() -> None:
    assert wall(send("2026-11-02 10:00", NY, DAY, dana), NY) == "Mon 2026-11-02 07:00 EST"


def test_berlin_spring_forward_night_goes_back_to_saturday_evening_cet() -> None:
    berlin = person("Jonas Weber", "Europe/Berlin", days="all")
    result = send("2026-03-29 09:00", "Europe/Berlin", dt.timedelta(hours=3), berlin)
    assert wall(result, "Europe/Berlin") == "Sat 2026-03-28 21:00 CET"


def test_fiji_rep_is_judged_in_fiji_time() -> None:
    vika = person("Vika Rabuka", "Pacific/Fiji")
    # Tue 10:00 New York is Wed 03:00 in Fiji, so the nominal time is Tue 03:00 there: night.
    result = send("2026-11-24 10:00", NY, DAY, vika)
    assert wall(result, "Pacific/Fiji") == "Mon 2026-11-23 21:00 +12"


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 1, 1)),
    before_minutes=st.integers(min_value=0, max_value=72 * 60),
    late_minutes=st.integers(min_value=-96 * 60, max_value=96 * 60),
    tz=st.sampled_from([NY, "Europe/Berlin", "Pacific/Fiji", "Asia/Kolkata"]),
)
def test_send_time_is_never_after_the_start_nor_before_now(
    start: dt.datetime, before_minutes: int, late_minutes: int, tz: str
) -> None:
    begin = start.replace(tzinfo=dt.UTC)
    now = begin + dt.timedelta(minutes=late_minutes)
    who = person("Ana Lima", tz)
    result = prep_send_time(
        begin, send_before=dt.timedelta(minutes=before_minutes), recipient=who, now=now
    )
    if now >= begin:
        assert result is None
        return
    assert result is not None
    assert now <= result <= begin
    nominal = begin - dt.timedelta(minutes=before_minutes)
    if result != now and result != nominal:
        assert not is_night(result, who) or result.astimezone(who.zone).hour == 7
