"""The template context of the recap (to the rep, manager in Cc) and of the notes reminder.

Like ``render.prep_context``, these turn domain values into what the ``recap`` and
``reminder`` templates read, with times already written for their reader: the recap in the
rep's zone, named, with the manager's in brackets when it differs; the reminder in the
manager's. Owners are shown by first name, due dates as ``Fri 27 Nov``.

Recap context (see the comment at the top of ``templates/recap.txt.j2``)::

    manager, rep      ``model.Person``
    meeting           summary, start, end, minutes, when (str)
    next_meeting      start, when (str); None when no next 1:1 is known
    recap             late, partial (bool), summary (list of lines), decisions (list of str),
                      actions (this meeting's items: owner, text, due, done),
                      unparsed (lines kept as written), carried (open items from earlier
                      1:1s: owner, text, due, meetings), agenda (section titles), deadline_when

Reminder context adds ``reminder``: meeting_when (in the manager's zone), number, final
(bool), notes_place (str), recap_when (str), settle_minutes (int), flagged (items open
across three 1:1s or more).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from integrations.mail.meeting_context import meeting_context
from integrations.mail.render import sample_context, sample_days, sample_pair
from scheduler import words
from scheduler.agenda import MeetingPlan, plan_meeting
from scheduler.model import PARTIAL_LEAD, Pair, Person
from scheduler.notes import ActionLine, Notes, normalise, parse_notes
from scheduler.recap import (
    Item,
    flagged,
    items_for,
    merge_items,
    reminder_times,
)
from scheduler.words import describe_zone

SUMMARY_LIMIT = 20_000
"""Characters of notes quoted in a recap; the rest stays in the event or the notes file."""


def when_for_rep(t: dt.datetime, pair: Pair) -> str:
    """``Tue 24 Nov, 10:00 PST (America/Los_Angeles) [13:00 EST (America/New_York)]``."""
    return words.for_rep(t, pair.rep.timezone, pair.manager.timezone)


def format_due(due: dt.date | None) -> str:
    return words.day(due) if due else ""


def owner_name(owner: str | None, pair: Pair) -> str:
    """The first name of the manager or the rep owning an item; the email for anyone else."""
    for person in (pair.manager, pair.rep):
        if owner and owner.casefold() == person.email.casefold():
            return person.name.split()[0] if person.name else person.email
    return owner or "No owner"


def item_rows(items: Sequence[Item], pair: Pair, reader: Person) -> list[dict[str, Any]]:
    """Open items as ``{owner, text, due, meetings}``, ``reader``'s own first.

    The shape ``render.prep_context`` takes as ``open_items``.
    """
    return [
        {
            "owner": owner_name(i.owner, pair),
            "text": i.text,
            "due": format_due(i.due),
            "meetings": i.meetings_open,
        }
        for i in items_for(items, reader.email)
    ]


def _action_row(line: ActionLine, pair: Pair) -> dict[str, Any]:
    return {
        "owner": owner_name(line.owner, pair),
        "text": line.text,
        "due": format_due(line.due),
        "done": line.done,
    }


def _summary_lines(summary: str) -> list[str]:
    if len(summary) > SUMMARY_LIMIT:
        cut = summary[:SUMMARY_LIMIT].rsplit("\n", 1)[0]
        more = len(summary) - len(cut)
        summary = f"{cut}\n[… {more:,} more characters in the meeting notes]"
    return summary.split("\n") if summary else []


def recap_context(
    pair: Pair,
    notes: Notes,
    items: Sequence[Item],
    *,
    start: dt.datetime,
    end: dt.datetime,
    next_start: dt.datetime | None,
    late: bool,
    partial: bool,
    plan: MeetingPlan | None = None,
    topics: Sequence[str] = (),
    closed: Sequence[Item] = (),
) -> dict[str, Any]:
    """The context of the ``recap`` email for the occurrence ``start``–``end``.

    ``items`` is the pair's ledger after this meeting's notes were merged: its open items that
    the notes did not mention are listed as carried into the next 1:1. ``closed`` are items the
    ledger closed at this meeting (done since last time: a place for recognition); ``topics``
    the topics raised.
    """
    written = {(line.owner or "", normalise(line.text)) for line in notes.items}
    carried = [
        row
        for row, item in zip(
            item_rows(items, pair, pair.rep), items_for(items, pair.rep.email), strict=True
        )
        if (item.owner, normalise(item.text)) not in written
    ]
    return {
        **meeting_context(pair, start, end, when=when_for_rep(start, pair)),
        "next_meeting": (
            {"start": next_start, "when": when_for_rep(next_start, pair)} if next_start else None
        ),
        "recap": {
            "late": late,
            "partial": partial,
            "summary": _summary_lines(notes.summary),
            "decisions": list(notes.decisions),
            "actions": [_action_row(line, pair) for line in notes.items if line.parsed],
            "unparsed": [line.raw for line in notes.items if not line.parsed],
            "carried": carried,
            "agenda": [s.rep_title or s.title for s in plan.sections] if plan else [],
            "deadline_when": when_for_rep(end + pair.recap.deadline, pair),
            **_plan_parts(pair, notes, closed),
            "topics": list(topics),
            "focus": " ".join(notes.coaching),
            "next_kind": plan.next_label if plan else "",
        },
    }


def _plan_parts(pair: Pair, notes: Notes, closed: Sequence[Item]) -> dict[str, Any]:
    """The action plan as a sales leader reads it back: what the rep commits to, what the
    manager will do, what someone else owns, and what got done since last time."""
    rows = [(line, _action_row(line, pair)) for line in notes.items if line.parsed]
    rep, manager = pair.rep.email.casefold(), pair.manager.email.casefold()
    open_rows = [(line.owner or "", row) for line, row in rows if not line.done]
    done = [row for line, row in rows if line.done]
    written = {normalise(row["text"]) for row in done}
    done += [
        {"owner": owner_name(i.owner, pair), "text": i.text, "due": "", "done": True}
        for i in closed
        if normalise(i.text) not in written
    ]
    return {
        "rep_commits": [row for who, row in open_rows if who.casefold() == rep],
        "manager_will": [row for who, row in open_rows if who.casefold() == manager],
        "others": [row for who, row in open_rows if who.casefold() not in (rep, manager)],
        "done": done,
    }


def reminder_context(
    pair: Pair,
    items: Sequence[Item],
    *,
    start: dt.datetime,
    end: dt.datetime,
    number: int,
    notes_file: str | None,
) -> dict[str, Any]:
    """The context of the ``number``-th ``reminder`` (``RecapStep.reminder``) to the manager
    that the 1:1 has no notes yet; the last one the policy allows says so."""
    tz = pair.manager.timezone
    place = "in the event description, under the Notes and Action items lines"
    if notes_file:
        place += f", or in {notes_file}"
    recap_at = end + pair.recap.deadline - PARTIAL_LEAD
    return {
        **meeting_context(pair, start, end, when=describe_zone(start, tz)),
        "reminder": {
            "meeting_when": describe_zone(start, tz),
            "number": number,
            "final": number >= len(reminder_times(end, pair.recap)),
            "notes_place": place,
            "recap_when": describe_zone(recap_at, tz),
            "settle_minutes": int(pair.recap.settle.total_seconds() // 60),
            "flagged": item_rows(flagged(items), pair, pair.manager),
        },
    }


def recap_sample_context() -> dict[str, Any]:
    """A complete context for the ``recap`` and ``reminder`` templates.

    It extends ``render.sample_context()``, so it renders every built-in template.
    """
    pair = sample_pair()
    start = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
    end = start + pair.duration
    day = dt.date(2026, 11, 24)
    earlier = day - dt.timedelta(weeks=2)
    earlier_notes = parse_notes(
        "- [ ] Sam: update the forecast sheet\n- [ ] Dana: ask finance about the discount\n",
        manager=pair.manager,
        rep=pair.rep,
        meeting_day=earlier,
    )
    notes = parse_notes(
        "--- Notes (write below) ---\nAcme renewal slipped to December: legal review.\n"
        "Sam wants to lead the next team demo.\nDecided: annual pricing for Acme\n"
        "Coaching: ask for the budget owner on every first call.\n"
        "--- Action items ---\n- [ ] Sam: send the Acme proposal (by Fri)\n"
        "- [x] Dana: intro to legal\n- [ ] Legal: review the MSA\n--- end ---\n",
        manager=pair.manager,
        rep=pair.rep,
        meeting_day=day,
    )
    ledger = merge_items([], earlier_notes.items, pair_key=pair.key, meeting_day=earlier)
    ledger = merge_items(ledger, (), pair_key=pair.key, meeting_day=day - dt.timedelta(weeks=1))
    ledger = merge_items(ledger, notes.items, pair_key=pair.key, meeting_day=day)
    recap = recap_context(
        pair,
        notes,
        ledger,
        start=start,
        end=end,
        next_start=start + dt.timedelta(weeks=1),
        late=False,
        partial=False,
        plan=plan_meeting(pair, sample_days(), next_day=day + dt.timedelta(weeks=1)),
        topics=["Globex wants a pilot discount: how far can I go?"],
        closed=[i for i in ledger if i.closed_on == day],
    )
    reminder = reminder_context(
        pair,
        ledger,
        start=start,
        end=end,
        number=1,
        notes_file="notes/sam-ortiz-1a2b3c4d/2026-11-24-1300.md",
    )
    base = sample_context()
    return {
        **base,
        **recap,
        "meeting": {**base["meeting"], **recap["meeting"]},
        "reminder": reminder["reminder"],
    }
