"""Reads what a manager wrote about a 1:1: a summary, decisions and action items.

Notes come from the occurrence's event description (below the agenda the service wrote, between
``agenda.NOTES_MARKER``, ``agenda.ACTIONS_MARKER`` and ``agenda.END_MARKER``) or from a notes
file made from the same agenda. Google Calendar's editor may have turned the description into
HTML, and people paste from documents, so the text is first reduced to plain lines.

Action lines look like ``- [ ] Sam: send the Acme proposal (by Fri)``. Owners are matched to the
manager or the rep by email, full name or first name; due dates are read in several forms and
weekdays resolve to the next such day after the meeting. A line that cannot be fully read is
kept (``parsed=False``, and its raw text in ``Notes.unparsed``): notes are never dropped.

Pure: no clock, no I/O; the meeting's local date is an argument.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from scheduler.agenda import ACTIONS_MARKER, END_MARKER, NOTES_MARKER, TOPICS_MARKER
from scheduler.model import Person
from scheduler.note_lines import labelled, topics_in
from scheduler.note_text import looks_like_html as looks_like_html
from scheduler.note_text import plain_text
from scheduler.note_text import strip_html as strip_html

WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
LATE_NOTE_WINDOW = dt.timedelta(days=14)
"""A year-less date up to this far before the meeting stays in its year (a note written late)."""

_BULLET = re.compile(r"^(?:[-*•·‣◦+]\s*|\d{1,3}[.)]\s+)+")
_CHECKBOX = re.compile(r"^(?:\[(?P<mark>[ xX✓✔]?)\]|(?P<box>[☐☑☒✅]))\s*")
_OWNER = re.compile(r"^(?P<who>[^:\n]{1,80}?)\s*:\s+(?P<rest>.*)$")
_DUE_TAIL = re.compile(
    r"\s*(?:\(\s*(?:(?:by|due|until|before)\s*:?\s*)?(?P<paren>[^()]{1,40})\)"
    r"|[,;-]?\s+(?:by|due)\s*:?\s+(?P<bare>[\w/ .-]{1,30}))\s*[.!]?\s*$",
    re.IGNORECASE,
)
_DECISION = re.compile(
    r"^(?:#{1,6}\s*(?:decisions?|decided)\s*$(?P<none>)"
    r"|\**\s*(?:decisions?|decided)\s*\**\s*:\s*\**\s*(?P<rest>.*)$)",
    re.IGNORECASE,
)
_HEADING = re.compile(r"^(?:#{1,6}\s+\S|[A-Z][A-Za-z ]{1,40}:$)")
_EXACT = {"notes": NOTES_MARKER, "action": ACTIONS_MARKER, "end": END_MARKER}
_MARKER = re.compile(r"^-{3,}\s*(?P<name>[^-\s].*?)\s*(?:-{3,})?$")


@dataclass(frozen=True)
class ActionLine:
    """One action item as written. ``owner`` is the owner's email, or None when unknown."""

    text: str
    owner: str | None
    due: dt.date | None
    done: bool
    raw: str
    parsed: bool


@dataclass(frozen=True)
class Notes:
    """What a 1:1's notes say. ``empty`` when nobody wrote anything."""

    summary: str
    decisions: tuple[str, ...]
    items: tuple[ActionLine, ...]
    unparsed: tuple[str, ...]
    empty: bool
    coaching: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()


EMPTY_NOTES = Notes(summary="", decisions=(), items=(), unparsed=(), empty=True)


def parse_notes(text: str, *, manager: Person, rep: Person, meeting_day: dt.date) -> Notes:
    """Read the notes of one occurrence; ``meeting_day`` is its date in the manager's zone."""
    lines = plain_text(text).split("\n")
    notes_part, action_part = _regions(lines)
    people = _Owners(manager, rep)
    summary: list[str] = []
    decisions: list[str] = []
    items: list[ActionLine] = []
    kept: dict[str, list[str]] = {"coaching": [], "goal": [], "step": []}
    in_decisions = False
    for line in notes_part:
        stripped = line.strip()
        carried = labelled(stripped)
        if carried:
            kept[carried[0]].append(carried[1])
            in_decisions = False
            continue
        decision = _DECISION.match(_BULLET.sub("", stripped))
        if decision:
            rest = (decision.group("rest") or "").strip(" *")
            in_decisions = not rest
            if rest:
                decisions.append(rest)
            continue
        body = _BULLET.sub("", stripped)
        if _CHECKBOX.match(body):
            in_decisions = False
            items.append(_action(stripped, people, meeting_day))
        elif in_decisions and stripped and not _HEADING.match(stripped):
            decisions.append(body)
        else:
            in_decisions = False
            summary.append(line)
    items.extend(_action(line, people, meeting_day) for line in action_part if line.strip())
    text_summary = "\n".join(summary).strip("\n")
    return Notes(
        summary=text_summary,
        decisions=tuple(decisions),
        items=tuple(items),
        unparsed=tuple(i.raw for i in items if not i.parsed),
        empty=not (text_summary or decisions or items or any(kept.values())),
        coaching=tuple(kept["coaching"]),
        goals=tuple(kept["goal"]),
        steps=tuple(kept["step"]),
        topics=topics_in(lines, TOPICS_MARKER),
    )


def combine_notes(parts: Iterable[Notes]) -> Notes:
    """Notes from several sources (description and notes file) as one, without repeats."""
    parts = list(parts)
    topics = tuple(dict.fromkeys(t for n in parts for t in n.topics))
    chosen = [n for n in parts if not n.empty]
    if not chosen:
        return replace(EMPTY_NOTES, topics=topics)
    summaries = list(dict.fromkeys(n.summary for n in chosen if n.summary))
    decisions = tuple(dict.fromkeys(d for n in chosen for d in n.decisions))
    seen: set[tuple[str | None, str, bool]] = set()
    items: list[ActionLine] = []
    for item in (i for n in chosen for i in n.items):
        key = (item.owner, normalise(item.text), item.done)
        if key not in seen:
            seen.add(key)
            items.append(item)
    return Notes(
        summary="\n\n".join(summaries),
        decisions=decisions,
        items=tuple(items),
        unparsed=tuple(i.raw for i in items if not i.parsed),
        empty=False,
        coaching=tuple(dict.fromkeys(c for n in chosen for c in n.coaching)),
        goals=tuple(dict.fromkeys(g for n in chosen for g in n.goals)),
        steps=tuple(dict.fromkeys(s for n in chosen for s in n.steps)),
        topics=topics,
    )


def normalise(text: str) -> str:
    """The form two action texts are compared in: case, spacing and end punctuation ignored."""
    return " ".join(text.casefold().split()).strip(" .;,!")


def _regions(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """The notes lines and the action lines; the agenda above the markers is left out."""
    found = _markers(lines)
    notes_at, actions_at = found.get("notes"), found.get("action")
    end_at = found.get("end", len(lines))
    if actions_at is None:
        start = 0 if notes_at is None else notes_at + 1
        return list(lines[start:end_at]), []
    actions = list(lines[actions_at + 1 : end_at if end_at > actions_at else len(lines)])
    if notes_at is None:
        return list(lines[:actions_at]), actions
    if notes_at > actions_at:
        return list(lines[notes_at + 1 : end_at if end_at > notes_at else len(lines)]), actions
    return list(lines[notes_at + 1 : actions_at]), actions


def _markers(lines: Sequence[str]) -> dict[str, int]:
    """Where the notes, action and end markers are: the exact lines the service wrote first,
    else lines that still look like them (``--- Notes``), as editors and people leave them."""
    seen: dict[str, list[tuple[bool, int]]] = {"notes": [], "action": [], "end": []}
    for index, line in enumerate(lines):
        match = _MARKER.match(line.strip())
        name = match.group("name").casefold() if match else ""
        kind = next((k for k in seen if name.startswith(k)), None)
        if kind:
            seen[kind].append((line.strip() != _EXACT[kind], index))
    chosen = {k: min(seen[k])[1] for k in ("notes", "action") if seen[k]}
    after = max(chosen.values(), default=-1)
    ends = [(loose, i) for loose, i in seen["end"] if i > after and (chosen or not loose)]
    if ends:
        chosen["end"] = min(ends)[1]
    return chosen


class _Owners:
    """Resolves a written owner to the manager's or the rep's email."""

    def __init__(self, manager: Person, rep: Person) -> None:
        names: dict[str, set[str]] = {}
        for who in (manager, rep):
            for alias in (
                who.email,
                who.name,
                who.name.split()[0] if who.name else "",
                who.email.split("@")[0],
            ):
                if alias:
                    names.setdefault(alias.casefold(), set()).add(who.email)
        names.setdefault("me", set()).add(manager.email)
        self.names = {k: next(iter(v)) for k, v in names.items() if len(v) == 1}

    def resolve(self, written: str) -> str | None:
        key = " ".join(written.strip(" *_@").split()).casefold()
        return self.names.get(key)


def _action(raw: str, people: _Owners, meeting_day: dt.date) -> ActionLine:
    body = _BULLET.sub("", raw.strip())
    box = _CHECKBOX.match(body)
    done = False
    if box:
        done = (box.group("mark") or "").strip() != "" or box.group("box") in ("☑", "☒", "✅")
        body = body[box.end() :]
    text, owner, owner_ok = body.strip(), None, False
    who = _OWNER.match(text)
    if who:
        owner = people.resolve(who.group("who"))
        if owner is not None:
            text, owner_ok = who.group("rest").strip(), True
    text, due, due_ok = _split_due(text, meeting_day)
    return ActionLine(
        text=text or body.strip(),
        owner=owner,
        due=due,
        done=done,
        raw=raw.strip(),
        parsed=bool(box) and owner_ok and due_ok and bool(text),
    )


def _split_due(text: str, meeting_day: dt.date) -> tuple[str, dt.date | None, bool]:
    """Text without its due date, the date, and whether any written date was understood."""
    match = _DUE_TAIL.search(text)
    if not match:
        return text, None, True
    written = (match.group("paren") or match.group("bare") or "").strip()
    due = parse_due(written, meeting_day)
    if due is None:
        # "(call first)" is just part of the text; "(by Q3)" is a date we could not read.
        # "stop by the office" is text too; only a bracketed "(by …)" promises a date.
        is_date_like = match.group("paren") is not None and re.match(
            r"^(?:by|due|until|before)\b", match.group(0).strip(" (").lower()
        )
        return text, None, not is_date_like
    return text[: match.start()].rstrip(" ,;-"), due, True


def parse_due(written: str, meeting_day: dt.date) -> dt.date | None:
    """A due date written as ``2026-12-01``, ``Dec 1``, ``1 December``, ``12/1``, ``Fri``,
    ``Friday``, ``next Fri``, ``tomorrow``, ``today`` or ``EOW``; None when not a date."""
    word = " ".join(written.casefold().replace(",", " ").replace(".", " ").split())
    word = re.sub(r"^(?:by|due|until|before|on)\s+", "", word)
    word = re.sub(r"^(?:next|this)\s+", "", word)
    # "Fri 27 Nov", as the service itself writes due dates: the date decides.
    word = re.sub(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+(?=\d|[a-z]{3,9}\s+\d)", "", word)
    if word in ("today", "eod", "end of day"):
        return meeting_day
    if word == "tomorrow":
        return meeting_day + dt.timedelta(days=1)
    if word in ("eow", "end of week"):
        return meeting_day + dt.timedelta(days=(4 - meeting_day.weekday()) % 7)
    if word[:3] in WEEKDAY_NAMES and _is_weekday_word(word):
        ahead = (WEEKDAY_NAMES.index(word[:3]) - meeting_day.weekday()) % 7 or 7
        return meeting_day + dt.timedelta(days=ahead)
    return _calendar_date(word, meeting_day)


def _is_weekday_word(word: str) -> bool:
    full = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    return any(name.startswith(word) and len(word) >= 3 for name in full) or word in (
        "tues",
        "weds",
        "thur",
        "thurs",
    )


def _calendar_date(word: str, meeting_day: dt.date) -> dt.date | None:
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", word)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]))
    slash = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?", word)
    if slash:
        year = slash[3]
        if year:
            return _date(int(year) + (2000 if len(year) == 2 else 0), int(slash[1]), int(slash[2]))
        return _year_for(int(slash[1]), int(slash[2]), meeting_day)
    named = re.fullmatch(r"([a-z]{3,9}) (\d{1,2})(?:st|nd|rd|th)?(?: (\d{4}))?", word) or None
    flipped = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]{3,9})(?: (\d{4}))?", word)
    if named:
        month_word, day, year_text = named[1], int(named[2]), named[3]
    elif flipped:
        month_word, day, year_text = flipped[2], int(flipped[1]), flipped[3]
    else:
        return None
    if month_word[:3] not in MONTH_NAMES:
        return None
    month = MONTH_NAMES.index(month_word[:3]) + 1
    if year_text:
        return _date(int(year_text), month, day)
    return _year_for(month, day, meeting_day)


def _year_for(month: int, day: int, meeting_day: dt.date) -> dt.date | None:
    this_year = _date(meeting_day.year, month, day)
    if this_year is None:
        return _date(meeting_day.year + 1, month, day)
    if this_year < meeting_day - LATE_NOTE_WINDOW:
        return _date(meeting_day.year + 1, month, day)
    return this_year


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
