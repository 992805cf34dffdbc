"""Recap and reminder emails: what the rep and the manager read, in their own time zones."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from typing import Any

import pytest

from integrations.mail.notify import OccurrenceRef
from integrations.mail.recap_render import (
    SUMMARY_LIMIT,
    item_rows,
    recap_context,
    recap_sample_context,
    reminder_context,
    when_for_rep,
)
from integrations.mail.render import Renderer
from scheduler.agenda import plan_meeting
from scheduler.model import RecapPolicy
from scheduler.notes import EMPTY_NOTES, parse_notes
from scheduler.recap import merge_items
from tests.recap.conftest import MEETING_DAY, make_pair

EVIL = "<script>alert(1)</script>"
START = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
END = START + dt.timedelta(minutes=45)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def context() -> dict[str, Any]:
    return recap_sample_context()


def about(context: dict[str, Any], pair: Any, start: dt.datetime = START) -> dict[str, Any]:
    """What the notifier adds to every message of an occurrence: its thread's subject."""
    return {**context, "occurrence": OccurrenceRef(pair, "series", start).context()}


def text_of(html_part: str) -> str:
    """The HTML part as a reader sees it: tags gone, entities decoded, spaces tidied."""
    body = re.sub(r"<(style|title)[^>]*>.*?</\1>", " ", html_part, flags=re.S)
    body = re.sub(r"</?(?:strong|span|b|em|code)\b[^>]*>", "", body)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_the_sample_context_renders_every_built_in_template(renderer) -> None:
    assert renderer.check(recap_sample_context()) == []


@pytest.mark.parametrize("name", ["recap", "reminder"])
def test_each_message_has_a_one_line_subject_a_text_and_an_html_part(
    renderer, context, name
) -> None:
    email = renderer.render(name, **context)
    assert email.subject
    assert "\n" not in email.subject
    assert email.text.strip()
    assert email.html.startswith("<!DOCTYPE html>")


def test_the_recap_reads_back_with_summary_decisions_owners_dates_and_next_meeting(
    renderer, context
) -> None:
    email = renderer.render("recap", **context)
    assert email.subject == "1:1 Dana Whitfield / Sam Ortiz, Tue 24 Nov"  # the occurrence's thread
    lines = email.text.splitlines()
    assert lines[0] == "Hi Sam,"
    for expected in (
        "Acme renewal slipped to December: legal review.",
        "- annual pricing for Acme",
        "YOUR TOPICS",
        "- Globex wants a pilot discount: how far can I go?",
        "ONE THING TO WORK ON",
        "ask for the budget owner on every first call.",
        "DONE SINCE LAST TIME",
        "- [x] Dana: intro to legal",
        "You commit to:",
        "- [ ] send the Acme proposal (by Fri 27 Nov)",
        "- [ ] Legal: review the MSA",
        "- [ ] Sam: update the forecast sheet (open for 3 1:1s)",
    ):
        assert expected in lines
    assert lines.index("You commit to:") < lines.index(
        "- [ ] send the Acme proposal (by Fri 27 Nov)"
    )
    next_at = lines.index("NEXT 1:1") + 1
    # Week 5 (24 Nov) was role-play in the pattern; the forecast took it, so it waited a week.
    assert lines[next_at] == (
        "Tue 1 Dec, 10:00 PST (America/Los_Angeles) [13:00 EST (America/New_York)]: "
        "coaching session"
    )
    seen = text_of(email.html)
    assert "You commit to: ☐ send the Acme proposal (by Fri 27 Nov)" in seen
    assert "Next 1:1 Tue 1 Dec, 10:00 PST (America/Los_Angeles)" in seen


def test_recap_times_are_in_the_reps_zone_named_with_the_managers_in_brackets(
    renderer, context
) -> None:
    email = renderer.render("recap", **context)
    when = "Tue 24 Nov, 10:00 PST (America/Los_Angeles) [13:00 EST (America/New_York)]"
    assert when in email.text
    assert when in text_of(email.html)


def test_a_manager_in_the_reps_zone_gets_no_brackets_and_a_day_change_is_shown() -> None:
    same = make_pair(rep_tz="America/New_York")
    assert when_for_rep(START, same) == "Tue 24 Nov, 13:00 EST (America/New_York)"
    fiji = make_pair(manager_tz="Pacific/Fiji")
    assert when_for_rep(START, fiji) == (
        "Tue 24 Nov, 10:00 PST (America/Los_Angeles) [Wed 25 Nov, 06:00 +12 (Pacific/Fiji)]"
    )


def test_a_script_in_a_name_or_a_note_is_escaped_in_html(renderer, context) -> None:
    context["manager"] = dataclasses.replace(context["manager"], name=f"Dana {EVIL}")
    context["recap"]["summary"] = [EVIL]
    context["recap"]["actions"][0]["text"] = EVIL
    for name in ("recap", "reminder"):
        email = renderer.render(name, **context)
        assert "<script>" not in email.html
        assert "&lt;script&gt;" in email.html
    assert EVIL in renderer.render("recap", **context).text


def test_a_partial_recap_shows_the_agenda_open_items_and_asks_for_takeaways(renderer) -> None:
    pair = make_pair()
    earlier = parse_notes(
        "- [ ] Sam: update the forecast",
        manager=pair.manager,
        rep=pair.rep,
        meeting_day=MEETING_DAY,
    )
    ledger = merge_items(
        [], earlier.items, pair_key=pair.key, meeting_day=MEETING_DAY - dt.timedelta(weeks=1)
    )
    ledger = merge_items(ledger, (), pair_key=pair.key, meeting_day=MEETING_DAY)
    context = recap_context(
        pair,
        EMPTY_NOTES,
        ledger,
        start=START,
        end=END,
        next_start=None,
        late=False,
        partial=True,
        plan=plan_meeting(pair, [MEETING_DAY - dt.timedelta(weeks=1), MEETING_DAY]),
    )
    email = renderer.render("recap", **about(context, pair))
    text = email.text
    for words in ("agenda covered", "no notes", "wrote no", "not written", "no new action"):
        assert words not in text.casefold()
        assert words not in email.html.casefold()
    assert "WHAT WAS PLANNED\n1. Personal check-in\n2. Your topics\n" in text
    assert "- [ ] Sam: update the forecast\n" in text
    assert "What did you take away, and what do you commit to until next time? Reply" in text
    assert "NEXT 1:1\nNot scheduled yet." in text
    assert "SUMMARY" not in text


def test_a_late_recap_says_so_in_the_body_and_keeps_the_threads_subject(renderer, context) -> None:
    context["recap"]["late"] = True
    email = renderer.render("recap", **context)
    assert email.subject == context["occurrence"]["subject"]
    assert "This recap is late" in email.text
    assert "This recap is late" in text_of(email.html)


def test_fifty_kilobytes_of_notes_are_shortened_in_the_recap(renderer) -> None:
    pair = make_pair()
    text = "--- Notes ---\n" + "\n".join(f"point {n} " + "y" * 60 for n in range(800))
    notes = parse_notes(text, manager=pair.manager, rep=pair.rep, meeting_day=MEETING_DAY)
    context = recap_context(
        pair, notes, [], start=START, end=END, next_start=None, late=False, partial=False
    )
    email = renderer.render("recap", **about(context, pair))
    assert len(email.text) < SUMMARY_LIMIT + 2_000
    assert "more characters in the meeting notes]" in email.text


def test_the_reminder_is_in_the_managers_zone_and_names_where_to_write(renderer, context) -> None:
    email = renderer.render("reminder", **context)
    assert email.subject == "1:1 Dana Whitfield / Sam Ortiz, Tue 24 Nov"
    assert "on Tue 24 Nov, 13:00 EST (America/New_York) has no notes yet" in email.text
    assert "or in notes/sam-ortiz-1a2b3c4d/2026-11-24-1300.md" in email.text
    assert "about 30 minutes after you add notes" in email.text
    assert "on Thu 26 Nov, 11:45 EST (America/New_York) at the latest" in email.text
    assert "- [ ] Dana: ask finance about the discount (open for 3 1:1s)" in email.text


def test_the_last_reminder_says_what_goes_out_without_notes(renderer) -> None:
    pair = make_pair()
    context = reminder_context(pair, [], start=START, end=END, number=2, notes_file=None)
    email = renderer.render("reminder", **about(context, pair))
    assert email.subject == "1:1 Dana Whitfield / Sam Ortiz, Tue 24 Nov"
    assert "This is the last reminder." in email.text
    assert "OPEN FOR THREE" not in email.text
    assert "notes file" not in email.text


def test_item_rows_give_prep_emails_each_readers_items_first() -> None:
    pair = make_pair()
    notes = parse_notes(
        "- [ ] Dana: intro\n- [ ] Sam: deck (by Dec 1)\n- [ ] Legal: MSA",
        manager=pair.manager,
        rep=pair.rep,
        meeting_day=MEETING_DAY,
    )
    ledger = merge_items([], notes.items, pair_key=pair.key, meeting_day=MEETING_DAY)
    assert item_rows(ledger, pair, pair.rep) == [
        {"owner": "Sam", "text": "deck", "due": "Tue 1 Dec", "meetings": 1},
        {"owner": "Dana", "text": "intro", "due": "", "meetings": 1},
        {"owner": "No owner", "text": "Legal: MSA", "due": "", "meetings": 1},
    ]
    assert [r["owner"] for r in item_rows(ledger, pair, pair.manager)] == [
        "Dana",
        "Sam",
        "No owner",
    ]


def test_with_a_short_deadline_the_only_reminder_is_the_last_one(renderer) -> None:
    pair = dataclasses.replace(make_pair(), recap=RecapPolicy(deadline=dt.timedelta(hours=8)))
    context = reminder_context(pair, [], start=START, end=END, number=1, notes_file=None)
    assert context["reminder"]["final"]
    assert "This is the last reminder." in renderer.render("reminder", **about(context, pair)).text
