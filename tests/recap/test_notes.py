"""Notes as managers really write them: plain, Google's HTML, pasted documents, odd lines."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.agenda import ACTIONS_MARKER, END_MARKER, NOTES_MARKER
from scheduler.model import Person
from scheduler.notes import (
    ActionLine,
    Notes,
    combine_notes,
    looks_like_html,
    parse_due,
    parse_notes,
    strip_html,
)
from tests.recap.conftest import MEETING_DAY, make_pair

AGENDA = """Pipeline review, 45 min

AGENDA
1. Personal check-in (5 min)
   - How are things going?

OPEN ACTION ITEMS
- [ ] Sam: an item from last week (by Mon)
"""

DESCRIPTION = f"""{AGENDA}
{NOTES_MARKER}
Acme slipped to December: legal review.
Decided: annual pricing for Acme

{ACTIONS_MARKER}
- [ ] Sam: send the Acme proposal (by Fri)
- [x] Dana: intro to legal
{END_MARKER}
"""

GOOGLE_HTML = (
    "Pipeline review, 45 min<br><br>AGENDA<br>1. Personal check-in (5 min)<br>"
    "&nbsp;&nbsp; - How are things going?<br><br>OPEN ACTION ITEMS<br>"
    "<ul><li>[ ] Sam: an item from last week (by Mon)</li></ul><br>"
    f"{NOTES_MARKER}<br>Acme slipped to December:&nbsp;legal review.<br>"
    "<b>Decided:</b> annual pricing for Acme<br><br>"
    f"{ACTIONS_MARKER}<br>"
    "<ul><li>[ ] <b>Sam</b>: send the Acme proposal (by Fri)</li>"
    "<li>[x] Dana: intro to legal</li></ul>"
    f"{END_MARKER}"
)


def parse(text: str, manager: Person, rep: Person, day: dt.date = MEETING_DAY) -> Notes:
    return parse_notes(text, manager=manager, rep=rep, meeting_day=day)


def actions(text: str, manager: Person, rep: Person) -> tuple[ActionLine, ...]:
    return parse(f"{NOTES_MARKER}\n{ACTIONS_MARKER}\n{text}\n{END_MARKER}", manager, rep).items


def test_a_plain_description_yields_summary_decisions_and_items_below_the_agenda(
    manager, rep
) -> None:
    notes = parse(DESCRIPTION, manager, rep)
    assert notes.summary == "Acme slipped to December: legal review."
    assert notes.decisions == ("annual pricing for Acme",)
    assert notes.items == (
        ActionLine(
            "send the Acme proposal",
            "sam@example.com",
            dt.date(2026, 11, 27),
            False,
            "- [ ] Sam: send the Acme proposal (by Fri)",
            True,
        ),
        ActionLine(
            "intro to legal", "dana@example.com", None, True, "- [x] Dana: intro to legal", True
        ),
    )
    assert notes.unparsed == ()
    assert not notes.empty


def test_googles_html_version_of_the_description_reads_the_same(manager, rep) -> None:
    plain, html = parse(DESCRIPTION, manager, rep), parse(GOOGLE_HTML, manager, rep)
    assert html.summary == plain.summary
    assert html.decisions == plain.decisions
    assert [(i.text, i.owner, i.due, i.done, i.parsed) for i in html.items] == [
        (i.text, i.owner, i.due, i.done, i.parsed) for i in plain.items
    ]


def test_strip_html_turns_breaks_and_list_items_into_lines_and_decodes_entities() -> None:
    html = "a<br>b&nbsp;&amp;&nbsp;c<ul><li>one</li><li><b>two</b></li></ul><p>end</p>"
    assert strip_html(html) == "a\nb & c\n- one\n- two\nend"


def test_the_agenda_above_the_markers_is_ignored(manager, rep) -> None:
    notes = parse(DESCRIPTION, manager, rep)
    assert "an item from last week" not in [i.text for i in notes.items]
    assert "AGENDA" not in notes.summary


def test_a_description_with_only_the_agenda_has_empty_notes(manager, rep) -> None:
    blank = f"{AGENDA}\n{NOTES_MARKER}\n\n\n{ACTIONS_MARKER}\n\n\n{END_MARKER}\n"
    notes = parse(blank, manager, rep)
    assert notes.empty
    assert notes == Notes("", (), (), (), True)


@pytest.mark.parametrize(
    "written",
    [
        pytest.param("Sam", id="first-name"),
        pytest.param("Sam Ortiz", id="full-name"),
        pytest.param("sam@example.com", id="email"),
        pytest.param("SAM", id="any-case"),
        pytest.param("**Sam**", id="bold-markdown"),
    ],
)
def test_an_owner_is_recognised_by_first_name_full_name_or_email(manager, rep, written) -> None:
    (item,) = actions(f"- [ ] {written}: call Acme", manager, rep)
    assert item.owner == "sam@example.com"
    assert item.text == "call Acme"
    assert item.parsed


def test_the_manager_can_write_me_for_their_own_items(manager, rep) -> None:
    (item,) = actions("- [ ] me: book the QBR room", manager, rep)
    assert item.owner == "dana@example.com"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        pytest.param("2026-12-01", dt.date(2026, 12, 1), id="iso"),
        pytest.param("Dec 1", dt.date(2026, 12, 1), id="month-day"),
        pytest.param("1 December", dt.date(2026, 12, 1), id="day-month"),
        pytest.param("December 1st", dt.date(2026, 12, 1), id="ordinal"),
        pytest.param("12/1", dt.date(2026, 12, 1), id="us-slash"),
        pytest.param("1/5", dt.date(2027, 1, 5), id="slash-rolls-into-next-year"),
        pytest.param("Fri", dt.date(2026, 11, 27), id="short-weekday"),
        pytest.param("Friday", dt.date(2026, 11, 27), id="long-weekday"),
        pytest.param("Tue", dt.date(2026, 12, 1), id="meeting-weekday-is-next-week"),
        pytest.param("Monday", dt.date(2026, 11, 30), id="monday-after"),
        pytest.param("tomorrow", dt.date(2026, 11, 25), id="tomorrow"),
        pytest.param("next Fri", dt.date(2026, 11, 27), id="next-weekday"),
        pytest.param("Nov 20", dt.date(2026, 11, 20), id="recent-past-stays-this-year"),
        pytest.param("Q3", None, id="not-a-date"),
        pytest.param("Feb 30", None, id="impossible"),
    ],
)
def test_due_dates_of_each_form_resolve_after_the_meeting_day(written, expected) -> None:
    assert parse_due(written, MEETING_DAY) == expected


def test_a_weekday_resolves_to_the_next_such_day_after_the_meeting_in_the_managers_date(
    manager, rep
) -> None:
    # The meeting day is the manager's local date: a Friday meeting's "(by Fri)" is a week later.
    friday = dt.date(2026, 11, 27)
    text = f"{NOTES_MARKER}\n{ACTIONS_MARKER}\n- [ ] Sam: send deck (by Fri)\n{END_MARKER}"
    (item,) = parse(text, manager, rep, friday).items
    assert item.due == dt.date(2026, 12, 4)


@pytest.mark.parametrize(
    "line",
    [
        "- [ ] Sam: send deck (by Dec 1)",
        "- [ ] Sam: send deck (due 12/1)",
        "- [ ] Sam: send deck by 2026-12-01",
        "- [ ] Sam: send deck (Dec 1)",
    ],
)
def test_a_due_date_is_read_from_the_end_of_the_line_and_removed_from_the_text(
    manager, rep, line
) -> None:
    (item,) = actions(line, manager, rep)
    assert (item.text, item.due, item.parsed) == ("send deck", dt.date(2026, 12, 1), True)


def test_brackets_that_are_not_a_date_stay_in_the_text(manager, rep) -> None:
    (item,) = actions("- [ ] Sam: call Bob (the CFO)", manager, rep)
    assert (item.text, item.due, item.parsed) == ("call Bob (the CFO)", None, True)


@pytest.mark.parametrize("mark", ["[x]", "[X]", "[✓]", "☑", "✅"])
def test_done_marks_are_recognised(manager, rep, mark) -> None:
    (item,) = actions(f"- {mark} Dana: intro to legal", manager, rep)
    assert item.done
    assert item.parsed


@pytest.mark.parametrize(
    ("line", "owner"),
    [
        pytest.param("- [ ] Legal: review the contract", None, id="unknown-owner"),
        pytest.param("- [ ] review the contract", None, id="no-owner"),
        pytest.param("remember the contract", None, id="no-checkbox"),
        pytest.param("- [ ] Sam: call Bob (by Q3)", "sam@example.com", id="unreadable-date"),
    ],
)
def test_a_line_that_cannot_be_parsed_is_kept_as_written(manager, rep, line, owner) -> None:
    notes = parse(f"{NOTES_MARKER}\n{ACTIONS_MARKER}\n{line}\n{END_MARKER}", manager, rep)
    (item,) = notes.items
    assert not item.parsed
    assert item.owner == owner
    assert item.raw == line
    assert notes.unparsed == (line,)
    assert not notes.empty


def test_a_first_name_shared_by_manager_and_rep_is_not_guessed(manager, rep) -> None:
    twin = Person("Sam Lee", "samlee@example.com", manager.timezone, manager.working_hours)
    text = f"{NOTES_MARKER}\n{ACTIONS_MARKER}\n- [ ] Sam: call Acme\n{END_MARKER}"
    (item,) = parse_notes(text, manager=twin, rep=rep, meeting_day=MEETING_DAY).items
    assert item.owner is None
    assert not item.parsed


def test_emoji_survive_in_summary_and_items(manager, rep) -> None:
    text = (
        f"{NOTES_MARKER}\nGreat quarter 🎉🚀\n{ACTIONS_MARKER}\n"
        f"- [ ] Sam: celebrate 🍾 (by Fri)\n{END_MARKER}"
    )
    notes = parse(text, manager, rep)
    assert notes.summary == "Great quarter 🎉🚀"
    assert notes.items[0].text == "celebrate 🍾"
    assert notes.items[0].parsed


def test_fifty_kilobytes_of_notes_parse_quickly_and_keep_every_line(manager, rep) -> None:
    body = "\n".join(f"line {n}: talked about deal {n} " + "x" * 40 for n in range(800))
    one_long_line = "word " * 4000
    items = "\n".join(f"- [ ] Sam: follow up on deal {n} (by Fri)" for n in range(200))
    text = f"{NOTES_MARKER}\n{body}\n{one_long_line}\n{ACTIONS_MARKER}\n{items}\n{END_MARKER}"
    assert len(text.encode()) > 50_000
    began = time.perf_counter()
    notes = parse(text, manager, rep)
    assert time.perf_counter() - began < 2.0
    assert len(notes.summary.splitlines()) == 801
    assert len(notes.items) == 200
    assert all(i.parsed for i in notes.items)


def test_deleted_markers_still_give_checkbox_items_and_decisions(manager, rep) -> None:
    text = (
        "Talked through Acme.\nDecisions:\n- go annual\n- keep the Tuesday slot\n\n"
        "- [ ] Sam: send proposal (by Fri)\nDone:\n- [x] Dana: intro to legal\n"
    )
    notes = parse(text, manager, rep)
    assert notes.decisions == ("go annual", "keep the Tuesday slot")
    assert [(i.owner, i.done) for i in notes.items] == [
        ("sam@example.com", False),
        ("dana@example.com", True),
    ]
    assert "Talked through Acme." in notes.summary
    assert "Done:" in notes.summary


def test_pasted_html_from_a_document_gives_readable_lines(manager, rep) -> None:
    pasted = (
        '<meta charset="utf-8"><style>.c1{color:red}</style>'
        f"<div>{NOTES_MARKER}</div>"
        '<div><span style="font-weight:700;font-family:Arial">Summary</span></div>'
        '<div><span style="color:#000">Budget approved for <i>Q1</i>.</span></div>'
        f"<div>{ACTIONS_MARKER}</div>"
        '<div><span style="color:#000">- [ ] Sam Ortiz: draft the rollout plan (by Dec 1)'
        "</span></div>"
        f"<div>{END_MARKER}</div>"
    )
    notes = parse(pasted, manager, rep)
    assert notes.summary == "Summary\nBudget approved for Q1."
    (item,) = notes.items
    assert (item.owner, item.text, item.due) == (
        "sam@example.com",
        "draft the rollout plan",
        dt.date(2026, 12, 1),
    )
    assert "color" not in notes.summary


def test_a_notes_file_in_markdown_reads_headings_as_decisions(manager, rep) -> None:
    text = (
        f"# 1:1 Dana / Sam\n{AGENDA}\n{NOTES_MARKER}\nGood call.\n\n## Decisions\n"
        f"- move the demo to Thursday\n\n{ACTIONS_MARKER}\n- [ ] Dana: book room\n{END_MARKER}\n"
    )
    notes = parse(text, manager, rep)
    assert notes.summary == "Good call."
    assert notes.decisions == ("move the demo to Thursday",)
    assert notes.items[0].owner == "dana@example.com"


def test_combining_description_and_file_notes_drops_repeated_items(manager, rep) -> None:
    one = parse(DESCRIPTION, manager, rep)
    two = parse(
        f"{NOTES_MARKER}\nFrom the file.\n{ACTIONS_MARKER}\n- [ ] Sam: send the Acme proposal\n"
        f"- [ ] Sam: book travel\n{END_MARKER}",
        manager,
        rep,
    )
    both = combine_notes([one, two, Notes("", (), (), (), True)])
    assert both.summary == "Acme slipped to December: legal review.\n\nFrom the file."
    assert [i.text for i in both.items] == [
        "send the Acme proposal",
        "intro to legal",
        "book travel",
    ]
    assert combine_notes([]).empty


def test_a_huge_single_action_line_and_runs_of_symbols_parse_quickly(manager, rep) -> None:
    lines = [
        "- [ ] Sam: " + "call (" * 5_000,
        "- " * 10_000,
        "<" * 10_000 + "br>",
        "- [ ] Sam: x " + " by" * 5_000,
    ]
    text = f"{NOTES_MARKER}\n{ACTIONS_MARKER}\n" + "\n".join(lines) + f"\n{END_MARKER}"
    began = time.perf_counter()
    notes = parse(text, manager, rep)
    assert time.perf_counter() - began < 2.0
    assert len(notes.items) >= 3


def test_googles_html_blob_wrapper_is_read_like_any_html(manager, rep) -> None:
    wrapped = f"<html-blob>{GOOGLE_HTML}</html-blob>"
    assert [i.text for i in parse(wrapped, manager, rep).items] == [
        "send the Acme proposal",
        "intro to legal",
    ]


ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff\u2060"))


@given(
    st.lists(st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60), max_size=12)
)
def test_any_action_line_is_kept_and_nothing_crashes(lines) -> None:
    pair = make_pair()
    manager, rep = pair.manager, pair.rep
    text = f"{NOTES_MARKER}\nnotes\n{ACTIONS_MARKER}\n" + "\n".join(lines) + f"\n{END_MARKER}"
    notes = parse(text, manager, rep)
    kept = " ".join(i.raw for i in notes.items)
    if looks_like_html(text):
        return
    for line in lines:
        if line.lstrip().startswith("---"):
            break  # a line typed like a marker legitimately ends or moves the section
        words = line.translate(ZERO_WIDTH).split()  # zero-width spaces are dropped on purpose
        assert all(word in kept for word in words)


def test_markers_edited_by_hand_are_still_found_and_exact_ones_win(manager, rep) -> None:
    edited = "agenda\n--- Notes\nGood call.\n--- Action items ---\n- [ ] Sam: deck\n---END\n- [ ] x"
    notes = parse(edited, manager, rep)
    assert notes.summary == "Good call."
    assert [i.text for i in notes.items] == ["deck"]
    typed = (
        f"{NOTES_MARKER}\n{ACTIONS_MARKER}\n- [ ] Sam: deck\n---end of list\n{END_MARKER}\nafter"
    )
    assert [i.raw for i in parse(typed, manager, rep).items] == [
        "- [ ] Sam: deck",
        "---end of list",
    ]
