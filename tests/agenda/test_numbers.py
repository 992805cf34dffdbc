"""KPIs read over three periods: pace within the month, trend, repeat misses, the opening win."""

from __future__ import annotations

import datetime as dt

from scheduler.kpis import parse_kpis
from scheduler.numbers import judge

THREE_MONTHS = """\
rep,kpi,kind,actual,goal,period
sam@example.com,Revenue,output,"$52,000","$50,000",2026-08
sam@example.com,Revenue,output,"$45,000","$50,000",2026-09
sam@example.com,Revenue,output,"$44,000","$50,000",2026-10
sam@example.com,Revenue,output,"$41,500","$50,000",Nov 2026
sam@example.com,New accounts,output,5,4,Oct 2026
sam@example.com,New accounts,output,2,4,Nov 2026
sam@example.com,New opportunities,input,9,12,Nov 2026
sam@example.com,Calls,input,130,100,Nov 2026
"""
TODAY = dt.date(2026, 11, 24)  # 24 of 30 days gone: 80%


def numbers(text: str = THREE_MONTHS, today: dt.date = TODAY):  # type: ignore[no-untyped-def]
    table = parse_kpis(text, source="kpis/dana.csv")
    assert table.warnings == ()
    return judge(table.rows_for("sam@example.com"), today=today)


def test_pace_within_the_month_reads_as_a_sales_leader_would_say_it() -> None:
    revenue = numbers().lines[0]
    assert revenue.sentence() == (
        "Revenue: $41,500 of $50,000 = 83% of the month's goal with 80% of the month gone: on pace"
    )


def test_behind_pace_when_attainment_trails_the_time_gone() -> None:
    accounts = numbers().lines[1]
    assert accounts.sentence().endswith("with 80% of the month gone: behind pace")


def test_only_the_last_three_periods_are_shown_with_their_trend() -> None:
    revenue = numbers().lines[0]
    assert [k.period for k in revenue.periods] == ["2026-09", "2026-10", "Nov 2026"]
    assert revenue.history() == "2026-09 90% → 2026-10 88% → Nov 2026 83% so far (flat)"


def test_an_output_short_two_periods_running_gets_a_cue_and_brings_the_inputs() -> None:
    result = numbers()
    assert result.cues == ("Revenue missed its goal two periods running (2026-09, 2026-10).",)
    assert result.inputs_shown
    assert [line.name for line in result.shown] == [
        "Revenue",
        "New accounts",
        "New opportunities",
        "Calls",
    ]


def test_inputs_stay_out_when_every_output_is_on_pace() -> None:
    text = """\
rep,kpi,kind,actual,goal,period
sam@example.com,Revenue,output,"$45,000","$50,000",Nov 2026
sam@example.com,Calls,input,30,100,Nov 2026
"""
    result = numbers(text)
    assert not result.inputs_shown
    assert [line.name for line in result.shown] == ["Revenue"]


def test_the_best_number_that_beat_its_goal_is_the_opening_win() -> None:
    assert numbers().win == "New accounts: 5 of 4 in Oct 2026 (125%)"


def test_no_win_is_invented_when_nothing_beat_its_goal() -> None:
    text = "rep,kpi,kind,actual,goal,period\nsam@example.com,Revenue,output,1,2,Nov 2026\n"
    assert numbers(text).win == ""


def test_the_weakest_input_is_the_one_furthest_behind() -> None:
    assert numbers().weakest_input is not None
    assert numbers().weakest_input.name == "New opportunities"  # type: ignore[union-attr]


def test_a_finished_period_reads_as_met_or_missed_without_pace() -> None:
    result = numbers(today=dt.date(2026, 12, 3))
    assert result.lines[0].sentence() == "Revenue: $41,500 of $50,000 = 83% in Nov 2026: below goal"
    assert result.lines[0].trend == "down"


def test_explicit_start_and_end_columns_give_any_period_its_pace() -> None:
    text = """\
rep,kpi,kind,actual,goal,period,start,end
sam@example.com,Demos,input,6,10,Sprint 7,2026-11-16,2026-11-29
"""
    line = numbers(text).lines[0]
    assert (
        line.sentence()
        == "Demos: 6 of 10 = 60% of the period's goal with 64% of the period gone: behind pace"
    )


def test_a_period_in_words_only_is_shown_without_pace() -> None:
    text = "rep,kpi,kind,actual,goal,period\nsam@example.com,Revenue,output,60,50,H2\n"
    assert numbers(text).lines[0].sentence() == "Revenue: 60 of 50 = 120% in H2: goal met"


def test_bad_period_dates_are_a_warning_naming_the_row() -> None:
    text = "rep,kpi,kind,actual,goal,period,start,end\nsam@example.com,Revenue,output,1,2,X,soon,\n"
    table = parse_kpis(text, source="kpis/dana.csv")
    assert table.kpis == ()
    assert table.warnings == (
        "kpis/dana.csv:row 2: start 'soon' and end '' must both be dates (YYYY-MM-DD); row skipped",
    )
