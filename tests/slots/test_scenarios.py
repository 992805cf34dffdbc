"""Named situations a manager would recognise, each with the slot the finder must pick."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from scheduler.slots import SlotRequest, find_next_business_day, find_slot
from tests.slots.people import at, hours, local, person

NY = "America/New_York"
LA = "America/Los_Angeles"
DAY = "2026-11-24"  # a Tuesday
MIN = dt.timedelta(minutes=1)


def ny(clock: str, day: str = DAY) -> dt.datetime:
    return at(day, clock, NY)


def request(**changes: object) -> SlotRequest:
    base = SlotRequest(
        original_start=ny("10:00"),
        duration=45 * MIN,
        manager=person("Dana", NY),
        rep=person("Sam", NY),
        busy_manager=(),
        busy_rep=(),
        min_notice=30 * MIN,
        allow_shorter=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


EARLY = ny("07:00", "2026-11-23")  # the evening before: notice never matters


def test_free_original_time_is_kept_and_said_so() -> None:
    decision = find_slot(request(), now=EARLY)
    assert decision.slot == (ny("10:00"), ny("10:45"))
    assert "original time" in decision.reason


def test_bumped_occurrence_moves_to_nearest_free_slot_after_the_conflict() -> None:
    req = request(busy_manager=((ny("09:00"), ny("11:00")),))
    decision = find_slot(req, now=EARLY)
    assert decision.slot == (ny("11:00"), ny("11:45"))
    assert not decision.shorter
    assert decision.day == dt.date(2026, 11, 24)
    assert decision.reason.startswith("11:00–11:45 on Tue 24 Nov (America/New_York)")
    assert "1 h after the original 10:00" in decision.reason


def test_nearer_earlier_slot_beats_a_later_one() -> None:
    req = request(busy_rep=((ny("10:00"), ny("11:00")),))
    decision = find_slot(req, now=EARLY)
    assert decision.slot == (ny("09:15"), ny("10:00"))
    assert [local(c.start, NY)[-5:] for c in decision.candidates] == ["09:15", "11:00"]


def test_earlier_slot_wins_a_tie_in_distance() -> None:
    req = request(duration=30 * MIN, busy_manager=((ny("09:45"), ny("10:45")),))
    decision = find_slot(req, now=EARLY)
    assert decision.slot == (ny("09:15"), ny("09:45"))
    assert decision.candidates[1].start == ny("10:45")
    assert decision.candidates[0].distance == decision.candidates[1].distance


def test_rep_in_los_angeles_and_manager_in_new_york_meet_when_both_work() -> None:
    req = request(rep=person("Sam", LA))
    decision = find_slot(req, now=EARLY)
    assert decision.slot is not None
    assert local(decision.slot[0], NY) == "2026-11-24 12:00"
    assert local(decision.slot[0], LA) == "2026-11-24 09:00"


def test_buffer_keeps_a_margin_around_other_meetings() -> None:
    req = request(busy_manager=((ny("09:00"), ny("10:30")),), buffer=15 * MIN)
    assert find_slot(req, now=EARLY).slot == (ny("10:45"), ny("11:30"))


def test_buffer_applies_before_the_next_meeting_too() -> None:
    busy = ((ny("09:00"), ny("10:00")), (ny("10:45"), ny("17:30")))
    req = request(busy_rep=busy, duration=30 * MIN, buffer=5 * MIN)
    assert find_slot(req, now=EARLY).slot == (ny("10:05"), ny("10:35"))


def test_min_notice_pushes_the_start_to_a_whole_minute_after_now_plus_notice() -> None:
    now = ny("10:04") + dt.timedelta(seconds=30)
    decision = find_slot(request(), now=now)
    assert decision.slot == (ny("10:35"), ny("11:20"))


def test_a_slot_is_never_in_the_past_even_with_negative_notice() -> None:
    now = ny("13:00")
    decision = find_slot(request(min_notice=-60 * MIN), now=now)
    assert decision.slot == (ny("13:00"), ny("13:45"))


def test_shorter_slot_is_taken_when_no_full_length_one_exists() -> None:
    busy = ((ny("09:00"), ny("14:00")), (ny("14:30"), ny("16:00")), (ny("16:20"), ny("17:30")))
    req = request(busy_manager=busy, allow_shorter=20 * MIN)
    decision = find_slot(req, now=EARLY)
    assert decision.slot == (ny("14:00"), ny("14:30"))
    assert decision.shorter
    assert decision.reason.startswith("No 45 min slot is free for both on Tue 24 Nov")


def test_shorter_slot_is_refused_below_the_allowed_minimum() -> None:
    busy = ((ny("09:00"), ny("14:00")), (ny("14:15"), ny("17:30")))
    req = request(busy_manager=busy, allow_shorter=20 * MIN)
    decision = find_slot(req, now=EARLY)
    assert decision.slot is None
    assert "longest free window is 15 min" in decision.reason


def test_nothing_fits_gives_none_and_names_the_cause() -> None:
    req = request(
        busy_manager=((ny("08:00"), ny("12:00")),), busy_rep=((ny("12:00"), ny("18:00")),)
    )
    decision = find_slot(req, now=EARLY)
    assert decision.slot is None
    assert decision.candidates == ()
    assert decision.reason.startswith(
        "No time when both are free inside both working hours on Tue 24 Nov"
    )


def test_nothing_is_booked_on_a_holiday() -> None:
    decision = find_slot(request(holidays=(dt.date(2026, 11, 24),)), now=EARLY)
    assert decision.slot is None
    assert decision.reason == "Tue 24 Nov is a holiday; nothing may be booked on it."


def test_working_hours_with_a_lunch_gap_are_respected() -> None:
    lunch = hours("09:00-12:00", "13:00-17:30")
    req = request(
        manager=person("Dana", NY, lunch),
        original_start=ny("11:30"),
        busy_rep=((ny("10:00"), ny("12:00")),),
    )
    decision = find_slot(req, now=EARLY)
    assert decision.slot == (ny("13:00"), ny("13:45"))


def test_working_hours_that_do_not_overlap_are_reported() -> None:
    req = request(rep=person("Sam", "Asia/Tokyo"))
    decision = find_slot(req, now=EARLY)
    assert decision.slot is None
    assert decision.reason == "Dana's and Sam's working hours do not overlap on Tue 24 Nov."


def test_day_already_over_is_reported_with_the_earliest_start() -> None:
    decision = find_slot(request(), now=ny("17:10"))
    assert decision.slot is None
    assert "are over by 17:40" in decision.reason


def test_skipped_hour_of_spring_forward_is_not_working_time() -> None:
    night = hours("02:00-04:00", days="all")
    day = "2026-03-08"
    req = request(
        manager=person("Dana", NY, night),
        rep=person("Sam", NY, night),
        original_start=at(day, "03:00", NY),
        busy_rep=((at(day, "03:00", NY), at(day, "03:30", NY)),),
    )
    decision = find_slot(req, now=at("2026-01-01", "00:00", NY))
    assert decision.slot is None
    assert decision.reason.endswith("the longest free window is 30 min.")


def test_repeated_hour_of_fall_back_counts_twice() -> None:
    night = hours("01:00-02:00", days="all")
    first_pass = dt.datetime(2026, 11, 1, 5, 0, tzinfo=dt.UTC)  # 01:00 EDT
    req = request(
        manager=person("Dana", NY, night),
        rep=person("Sam", NY, night),
        original_start=first_pass,
        busy_manager=((first_pass, first_pass + 60 * MIN),),
    )
    decision = find_slot(req, now=at("2026-01-01", "00:00", NY))
    assert decision.slot == (first_pass + 60 * MIN, first_pass + 105 * MIN)
    assert local(decision.slot[0], NY) == "2026-11-01 01:00"


def test_next_business_day_skips_the_weekend_and_keeps_the_time_of_day() -> None:
    friday = request(original_start=ny("10:00", "2026-11-27"))
    busy_friday = ((ny("08:00", "2026-11-27"), ny("18:00", "2026-11-27")),)

    def busy_for_day(day: dt.date) -> tuple[tuple[tuple[dt.datetime, dt.datetime], ...], ...]:
        return (busy_friday if day == dt.date(2026, 11, 27) else ()), ()

    assert find_slot(replace(friday, busy_manager=busy_friday), now=EARLY).slot is None
    decision = find_next_business_day(friday, now=EARLY, busy_for_day=busy_for_day)  # type: ignore[arg-type]
    assert decision.day == dt.date(2026, 11, 30)
    assert decision.slot == (ny("10:00", "2026-11-30"), ny("10:45", "2026-11-30"))


def test_next_business_day_skips_holidays_and_reports_when_nothing_fits() -> None:
    req = request(holidays=(dt.date(2026, 11, 25),), rep=person("Sam", "Asia/Tokyo"))
    decision = find_next_business_day(req, now=EARLY, max_days=3)
    assert decision.slot is None
    assert decision.reason.startswith("Nothing fits in the 3 days after Tue 24 Nov")
    assert "Wed 25 Nov" not in decision.reason


def test_next_business_day_reuses_the_request_busy_time_without_a_callback() -> None:
    req = request(busy_manager=((ny("09:00"), ny("11:00")),))
    decision = find_next_business_day(req, now=EARLY)
    assert decision.day == dt.date(2026, 11, 25)
    assert decision.slot == (ny("10:00", "2026-11-25"), ny("10:45", "2026-11-25"))


def test_rep_a_calendar_day_behind_is_met_during_their_own_monday() -> None:
    kiritimati, pago = "Pacific/Kiritimati", "Pacific/Pago_Pago"
    req = request(
        manager=person("Dana", kiritimati),
        rep=person("Sam", pago),
        original_start=at(DAY, "09:00", kiritimati),
    )
    decision = find_slot(req, now=EARLY - dt.timedelta(days=2))
    assert decision.slot is not None
    assert local(decision.slot[0], kiritimati) == "2026-11-24 10:00"
    assert local(decision.slot[0], pago) == "2026-11-23 09:00"


def test_rep_whose_date_is_a_sunday_has_no_time_on_the_managers_monday() -> None:
    kiritimati, pago = "Pacific/Kiritimati", "Pacific/Pago_Pago"
    req = request(
        manager=person("Dana", kiritimati),
        rep=person("Sam", pago),
        original_start=at("2026-11-23", "09:00", kiritimati),
    )
    decision = find_slot(req, now=EARLY - dt.timedelta(days=2))
    assert decision.slot is None
    assert "do not overlap on Mon 23 Nov" in decision.reason


def test_next_business_day_keeps_the_wall_clock_time_across_a_dst_change() -> None:
    friday = request(
        original_start=ny("10:00", "2026-10-30"),
        busy_manager=((ny("08:00", "2026-10-30"), ny("18:00", "2026-10-30")),),
    )
    decision = find_next_business_day(friday, now=EARLY - dt.timedelta(days=30), busy_for_day=None)
    assert decision.day == dt.date(2026, 11, 2)
    assert decision.slot is not None
    assert local(decision.slot[0], NY) == "2026-11-02 10:00"
    assert decision.candidates[0].distance == dt.timedelta(0)
    assert "keeps the original time of day" in decision.reason
