"""Deal sheets: the deals that need a decision come first, one is suggested for depth."""

from __future__ import annotations

import datetime as dt

from scheduler.deals import deal_in_depth, deals_to_discuss, parse_deals

TODAY = dt.date(2026, 11, 24)
DEALS = """\
rep,deal,stage,amount,close_date,last_activity,next_step,stage_since
sam@example.com,Acme renewal,Negotiation,"$120,000",2026-11-15,2026-11-02,Send redlines,2026-10-01
sam@example.com,Globex pilot,Discovery,"$18,000",2026-12-20,2026-11-23,,2026-11-10
sam@example.com,Initech expansion,Proposal,"$240,000",2027-01-31,2026-11-20,Demo to CFO,2026-11-01
sam@example.com,Hooli,Closed won,"$90,000",2026-11-01,2026-11-01,,
ana@example.com,Umbrella,Proposal,"$500,000",2026-10-01,2026-09-01,,
"""


def test_deals_to_discuss_name_why_each_one_needs_time() -> None:
    table = parse_deals(DEALS, source="kpis/deals.csv")
    assert table.warnings == ()
    found = deals_to_discuss(table.rows_for("sam@example.com"), today=TODAY)
    assert [f.sentence() for f in found] == [
        "Acme renewal ($120,000, Negotiation): close date 15 Nov has passed; "
        "no activity for 22 days; in Negotiation for 54 days",
        "Initech expansion ($240,000, Proposal): the largest open deal",
        "Globex pilot ($18,000, Discovery): no next step",
    ]


def test_closed_deals_and_other_reps_deals_stay_out() -> None:
    table = parse_deals(DEALS, source="kpis/deals.csv")
    names = {f.deal.name for f in deals_to_discuss(table.rows_for("sam@example.com"), today=TODAY)}
    assert "Hooli" not in names
    assert "Umbrella" not in names


def test_the_deal_in_depth_is_the_largest_with_a_problem() -> None:
    table = parse_deals(DEALS, source="kpis/deals.csv")
    found = deals_to_discuss(table.rows_for("sam@example.com"), today=TODAY)
    chosen = deal_in_depth(found)
    assert chosen is not None
    assert chosen.deal.name == "Acme renewal"


def test_bad_rows_become_warnings_naming_file_row_and_column() -> None:
    text = """\
rep,deal,stage,amount,close_date,last_activity,next_step
sam@example.com,Acme,Proposal,lots,2026-12-01,2026-11-20,Call
sam@example.com,Globex,Proposal,"$5,000",31/12/2026,2026-11-20,Call
sam@example.com,,Proposal,"$5,000",2026-12-31,2026-11-20,Call
sam@example.com,Initech,Proposal,"$5,000",2026-12-31,,Call
"""
    table = parse_deals(text, source="kpis/deals.csv")
    assert [d.name for d in table.deals] == ["Initech"]
    assert table.warnings == (
        "kpis/deals.csv:row 2: amount 'lots' is not a number; row skipped",
        "kpis/deals.csv:row 3: close_date '31/12/2026' is not a date (YYYY-MM-DD); row skipped",
        "kpis/deals.csv:row 4: deal is empty; row skipped",
    )


def test_a_sheet_without_its_columns_says_which_are_missing() -> None:
    table = parse_deals("rep,deal,amount\nsam,Acme,5\n", source="kpis/deals.csv")
    assert table.deals == ()
    assert table.warnings == (
        "kpis/deals.csv:row 1: missing stage, close_date, last_activity, next_step; "
        "expected rep,deal,stage,amount,close_date,last_activity,next_step",
    )
