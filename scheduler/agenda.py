"""What each 1:1 is about and when its prep email should go out.

A good 1:1 keeps the same shape every time, but its focus rotates (``scheduler.rotation``:
pipeline and forecast reviews most weeks, role-play and a career conversation each about once a
month, a performance review about once a quarter, a kickoff first), and every couple of
meetings the manager asks how they could manage better. This module turns a pair's agenda
policy and the dates of its meetings into a ``MeetingPlan`` (sections sized to the meeting's
length, the rep's own topics first and never cut, prompts in the manager's and in the rep's
words, questions that rotate), and picks a humane send time for the prep email: never in the
recipient's night or weekend.

Pure: values in, values out; ``now`` is an argument.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.agenda_content import (
    COACHING_PROMPTS,
    LABELS,
    QUESTIONS,
    REP_LABELS,
    SHAPES,
    Block,
)
from scheduler.model import Pair, Person
from scheduler.rotation import asks_better_manager, meeting_kinds

MEETING_TYPES = ("pipeline", "career", "performance", "forecast", "coaching")
"""The kinds a rotation may name; the first 1:1 of a pair is a ``kickoff`` whatever it says."""

BETTER_MANAGER_QUESTION = "What could I be doing better as your manager?"
QUESTIONS_PER_MEETING = 3

# The event description's writable areas; the recap reads topics, notes and action items
# between them.
TOPICS_MARKER = "--- Topics (write below, one per line) ---"
AGENDA_MARKER = "--- Agenda ---"
NOTES_MARKER = "--- Notes (write below) ---"
ACTIONS_MARKER = "--- Action items (one per line: - [ ] Owner: task (by Fri)) ---"
END_MARKER = "--- end ---"

DAY_STARTS = dt.time(7, 0)
DAY_ENDS = dt.time(21, 0)
MORNING_LEAD = dt.timedelta(hours=1)
EVENING_REACH = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Section:
    """One timed block of the agenda, in the manager's words and in the rep's."""

    title: str
    minutes: int
    prompts: tuple[str, ...]
    rep_title: str = ""
    rep_prompts: tuple[str, ...] = ()
    reps_own: bool = False


@dataclass(frozen=True)
class MeetingPlan:
    """The agenda of one occurrence: its type, timed sections and the questions to bring."""

    kind: str
    ask_better_manager: bool
    sections: tuple[Section, ...]
    questions: tuple[str, ...]
    coaching_prompt: str = ""
    next_kind: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, self.kind.capitalize())

    @property
    def rep_label(self) -> str:
        """The label the rep reads (never "Performance review")."""
        return REP_LABELS.get(self.kind, self.kind.capitalize())

    @property
    def next_label(self) -> str:
        return REP_LABELS.get(self.next_kind, "") if self.next_kind else ""

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sections)


def plan_meeting(
    pair: Pair, days: Sequence[dt.date], *, next_day: dt.date | None = None
) -> MeetingPlan:
    """The plan of the pair's meeting on ``days[-1]``; ``days`` are all its meetings so far.

    Dates are local (the manager's zone). ``next_day``, when known, names the kind of the
    meeting after this one (the recap says what comes next).
    """
    if not days:
        raise ValueError("a meeting plan needs at least the meeting's own date")
    for kind in pair.agenda.rotation:
        if kind not in MEETING_TYPES:
            raise ValueError(f"unknown meeting type {kind!r}; allowed: {', '.join(MEETING_TYPES)}")
    every = [*days, next_day] if next_day is not None else list(days)
    kinds = meeting_kinds(pair.agenda, every)
    kind = kinds[len(days) - 1]
    minutes = int(pair.duration.total_seconds() // 60)
    return MeetingPlan(
        kind=kind,
        ask_better_manager=asks_better_manager(pair.agenda, len(days) - 1),
        sections=size_sections(SHAPES[kind], minutes),
        questions=rotate_questions(QUESTIONS[kind], pair.key, days[-1]),
        coaching_prompt=COACHING_PROMPTS[kind],
        next_kind=kinds[-1] if next_day is not None else "",
    )


def rotate_questions(pool: Sequence[str], key: str, day: dt.date) -> tuple[str, ...]:
    """Three questions of ``pool`` that move on every week, from a start of the pair's own.

    Deterministic (the pair and the date decide), so a prep rendered twice reads the same.
    """
    offset = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
    start = (offset + (day.toordinal() // 7) * QUESTIONS_PER_MEETING) % len(pool)
    return tuple(pool[(start + i) % len(pool)] for i in range(QUESTIONS_PER_MEETING))


def size_sections(blocks: tuple[Block, ...], minutes: int) -> tuple[Section, ...]:
    """Scale a 45-minute shape to ``minutes``, in 5-minute steps, summing exactly to it.

    When there is not enough time for every block to get 5 minutes, the least important
    blocks are dropped; the rep's own block is never dropped, and the kind's main topic and
    the next steps stay longest after it.
    """
    units, spare = divmod(max(minutes, 0), 5)
    ranked = sorted(blocks, key=lambda b: b.rank)
    kept = ranked[: max(units, 1)]
    chosen = [b for b in blocks if b in kept]
    shares = _apportion([b.minutes for b in chosen], units) if units else [0] * len(chosen)
    main = min((b for b in chosen if b.rank >= 0), key=lambda b: b.rank, default=chosen[0])
    return tuple(
        Section(
            b.title,
            n * 5 + (spare if b is main else 0),
            b.prompts,
            b.rep_title or b.title,
            b.rep_prompts,
            b.reps_own,
        )
        for b, n in zip(chosen, shares, strict=True)
    )


def _apportion(weights: list[int], units: int) -> list[int]:
    """Split ``units`` in proportion to ``weights``, each part at least 1 (largest remainder)."""
    total = sum(weights)
    exact = [w * units / total for w in weights]
    parts = [max(1, int(x)) for x in exact]
    by_remainder = sorted(range(len(parts)), key=lambda i: (parts[i] - exact[i], -weights[i]))
    while sum(parts) < units:
        parts[by_remainder.pop(0)] += 1
    while sum(parts) > units:
        parts[max(range(len(parts)), key=lambda i: parts[i])] -= 1
    return parts


def prep_send_time(
    meeting_start: dt.datetime,
    *,
    send_before: dt.timedelta,
    recipient: Person,
    now: dt.datetime,
) -> dt.datetime | None:
    """When to send a prep email for a meeting at ``meeting_start``, or None if it is too late.

    The nominal time is ``send_before`` ahead of the start. If that falls in the recipient's
    night (before 07:00, after 21:00, or a non-working day, in their own zone), the email goes
    the previous working evening at 21:00, unless that is more than a day earlier than nominal:
    then it goes at 07:00 on the meeting day, provided that leaves an hour before the start.
    A late service sends right away while the meeting has not started yet.
    """
    for name, value in (("meeting_start", meeting_start), ("now", now)):
        if value.tzinfo is None:
            raise ValueError(f"{name} must be an aware datetime")
    if now >= meeting_start:
        return None
    chosen = _humane_time(meeting_start, meeting_start - send_before, recipient)
    return max(chosen, now).astimezone(dt.UTC)


def _humane_time(start: dt.datetime, nominal: dt.datetime, person: Person) -> dt.datetime:
    if not is_night(nominal, person):
        return nominal
    evening = _previous_evening(nominal, person)
    if evening is not None and nominal - evening <= EVENING_REACH:
        return evening
    local_start = start.astimezone(person.zone)
    morning = dt.datetime.combine(local_start.date(), DAY_STARTS, tzinfo=person.zone)
    if start - morning >= MORNING_LEAD:
        return morning
    return evening if evening is not None else nominal


def is_night(t: dt.datetime, person: Person) -> bool:
    """True when ``t`` is outside 07:00–21:00 or on a non-working day in ``person``'s zone."""
    local = t.astimezone(person.zone)
    if not person.working_hours.is_working_day(local.weekday()):
        return True
    return not DAY_STARTS <= local.time() <= DAY_ENDS


def _previous_evening(nominal: dt.datetime, person: Person) -> dt.datetime | None:
    """The latest 21:00 of a working day, in ``person``'s zone, not after ``nominal``."""
    day = nominal.astimezone(person.zone).date()
    for back in range(8):
        date = day - dt.timedelta(days=back)
        evening = dt.datetime.combine(date, DAY_ENDS, tzinfo=person.zone)
        if evening <= nominal and person.working_hours.is_working_day(date.weekday()):
            return evening
    return None
