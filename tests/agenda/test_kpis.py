"""KPI sheets: good rows are kept, bad rows become warnings naming the row, outputs lead."""

from __future__ import annotations

import pytest

from scheduler.kpis import parse_kpis, parse_number

GOOD = """\
rep,kpi,kind,actual,goal,period
sam@example.com,Revenue,output,"$41,500","$50,000",2026-Q4
sam@example.com,New accounts,output,6,5,2026-Q4
Sam Ortiz,New opportunities,input,18,25,2026-Q4
sam@example.com,Calls,input,"1,240","1,100",2026-Q4
ana@example.com,Revenue,output,"$62,000","$60,000",2026-Q4
ana@example.com,Calls,input,300,400,2026-Q4
ana@example.com,Gross margin,output,38%,35%,2026-Q4
"""


def test_a_good_file_parses_every_row_with_units_and_thousands() -> None:
    table = parse_kpis(GOOD, source="kpis/dana.csv")
    assert table.warnings == ()
    assert len(table.kpis) == 7
    revenue = table.kpis[0]
    assert (revenue.name, revenue.actual, revenue.goal, revenue.unit) == (
        "Revenue",
        41500.0,
        50000.0,
        "$",
    )
    assert revenue.attainment == pytest.approx(0.83)
    assert table.kpis[6].unit == "%"
    assert table.kpis[3].actual == 1240.0


def test_rows_for_matches_the_rep_by_email_or_by_name_ignoring_case() -> None:
    table = parse_kpis(GOOD, source="kpis/dana.csv")
    assert [k.name for k in table.rows_for("SAM@example.com")] == [
        "Revenue",
        "New accounts",
        "Calls",
    ]
    by_both = table.rows_for("sam@example.com", name="sam ortiz")
    assert [k.name for k in by_both] == ["Revenue", "New accounts", "New opportunities", "Calls"]


def test_inputs_join_the_agenda_after_outputs_when_an_output_is_below_goal() -> None:
    table = parse_kpis(GOOD, source="kpis/dana.csv")
    kpis = table.for_agenda("sam@example.com", name="Sam Ortiz")
    assert [(k.kind, k.name) for k in kpis] == [
        ("output", "Revenue"),
        ("output", "New accounts"),
        ("input", "New opportunities"),
        ("input", "Calls"),
    ]


def test_inputs_stay_off_the_agenda_when_every_output_meets_its_goal() -> None:
    table = parse_kpis(GOOD, source="kpis/dana.csv")
    assert [k.name for k in table.for_agenda("ana@example.com")] == ["Revenue", "Gross margin"]


def test_a_rep_with_no_rows_gets_an_empty_list() -> None:
    assert parse_kpis(GOOD, source="k.csv").for_agenda("nobody@example.com") == []


BAD = """\
rep,kpi,kind,actual,goal,period
sam@example.com,Revenue,output,"$41,500","$50,000",2026-Q4
sam@example.com,Calls,activity,10,20,2026-Q4
sam@example.com,Demos,input,lots,20,2026-Q4

sam@example.com,Pipeline,output,10,0,2026-Q4
,Revenue,output,1,2,2026-Q4
sam@example.com,Revenue,output,1,2
sam@example.com,Margin,output,"12,34",20,2026-Q4
# a comment line is ignored
sam@example.com,New accounts,output,4,5,2026-Q4
"""


def test_bad_rows_become_warnings_naming_the_row_and_the_rest_is_kept() -> None:
    table = parse_kpis(BAD, source="kpis/dana.csv")
    assert [k.name for k in table.kpis] == ["Revenue", "New accounts"]
    assert [k.row for k in table.kpis] == [2, 11]
    assert table.warnings == (
        "kpis/dana.csv:row 3: kind 'activity' is not one of output, input; row skipped",
        "kpis/dana.csv:row 4: actual 'lots' is not a number; row skipped",
        "kpis/dana.csv:row 6: goal '0' must be greater than 0; row skipped",
        "kpis/dana.csv:row 7: rep is empty; row skipped",
        "kpis/dana.csv:row 8: expected 6 fields, found 5; row skipped",
        "kpis/dana.csv:row 9: actual '12,34' has misplaced thousands separators; row skipped",
    )


def test_a_missing_column_is_one_warning_and_no_rows() -> None:
    table = parse_kpis("rep,kpi,actual,goal,period\nsam,Revenue,1,2,Q4\n", source="k.csv")
    assert table.kpis == ()
    assert table.warnings == (
        "k.csv:row 1: missing column kind; expected rep,kpi,kind,actual,goal,period",
    )


def test_columns_may_come_in_any_order_with_extra_columns_and_a_bom() -> None:
    text = "\ufeffPeriod,Goal,Actual,Kind,KPI,Rep,Notes\nQ4,10,12,Output,Deals,sam@example.com,x\n"
    table = parse_kpis(text, source="k.csv")
    assert table.warnings == ()
    assert (table.kpis[0].name, table.kpis[0].kind, table.kpis[0].attainment) == (
        "Deals",
        "output",
        1.2,
    )


def test_an_empty_file_is_a_warning_not_an_error() -> None:
    table = parse_kpis("", source="k.csv")
    assert table.kpis == ()
    assert table.warnings == ("k.csv: no header row; expected rep,kpi,kind,actual,goal,period",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234", (1234.0, "")),
        ("$1,234.50", (1234.5, "$")),
        ("85%", (85.0, "%")),
        ("-$200", (-200.0, "$")),
        (" 12 ", (12.0, "")),
        ("1,234,567", (1234567.0, "")),
    ],
)
def test_numbers_accept_thousands_separators_and_units(
    raw: str, expected: tuple[float, str]
) -> None:
    assert parse_number(raw, "actual") == expected


@pytest.mark.parametrize("raw", ["", "abc", "1.2.3", "12$", "$", "1,23", "%5", "1e5"])
def test_numbers_that_are_not_numbers_are_refused(raw: str) -> None:
    with pytest.raises(ValueError, match="actual"):
        parse_number(raw, "actual")
