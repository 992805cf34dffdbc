"""What each 1:1 is about and when its prep email should go out.

A good 1:1 keeps the same shape every time, but its focus rotates: pipeline and forecast reviews
most weeks, a career conversation every few meetings, a performance review about once a quarter,
and every couple of meetings the manager asks how they could manage better. This module turns a
pair's agenda policy and the occurrence's position in the series into a ``MeetingPlan``
(sections sized to the meeting's length, prompts, open questions), and picks a humane send time
for the prep email: never in the recipient's night or weekend.

Pure: values in, values out; ``now`` is an argument.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scheduler.model import Pair, Person

MEETING_TYPES = ("pipeline", "career", "performance", "forecast", "coaching")

LABELS = {
    "pipeline": "Pipeline review",
    "career": "Career development",
    "performance": "Performance review",
    "forecast": "Forecast review",
    "coaching": "Coaching session",
}

BETTER_MANAGER_QUESTION = "What could I be doing better as your manager?"

# The event description's writable areas; the recap reads notes and action items between them.
NOTES_MARKER = "--- Notes (write below) ---"
ACTIONS_MARKER = "--- Action items (one per line: - [ ] Owner: task (by Fri)) ---"
END_MARKER = "--- end ---"

DAY_STARTS = dt.time(7, 0)
DAY_ENDS = dt.time(21, 0)
MORNING_LEAD = dt.timedelta(hours=1)
EVENING_REACH = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Section:
    """One timed block of the agenda."""

    title: str
    minutes: int
    prompts: tuple[str, ...]


@dataclass(frozen=True)
class MeetingPlan:
    """The agenda of one occurrence: its type, timed sections and the questions to bring."""

    kind: str
    ask_better_manager: bool
    sections: tuple[Section, ...]
    questions: tuple[str, ...]
    coaching_prompt: str = ""

    @property
    def label(self) -> str:
        return LABELS.get(self.kind, self.kind.capitalize())

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sections)


@dataclass(frozen=True)
class _Block:
    """A section in a 45-minute meeting; ``rank`` 0 is the last to be dropped when time is short."""

    title: str
    minutes: int
    rank: int
    prompts: tuple[str, ...]


_CHECK_IN = _Block(
    "Personal check-in",
    5,
    2,
    ("How are things going, at work and outside it?", "Start with a recent win."),
)
_NEXT_STEPS = _Block(
    "Recap and next steps",
    5,
    1,
    (
        "Agree on who does what, by when, and how you will know it worked.",
        "Note open items to pick up next time.",
    ),
)
_HELP = _Block(
    "Questions and where you need help",
    10,
    3,
    ("What is in your way right now?", "Where would my help make the biggest difference?"),
)

_SHAPES: dict[str, tuple[_Block, ...]] = {
    "pipeline": (
        _CHECK_IN,
        _Block(
            "Deals and pipeline against goals",
            15,
            0,
            (
                "Walk through the deals that moved since last time and those that stalled.",
                "Compare results with goals; look at activity where results fall short.",
            ),
        ),
        _Block(
            "One deal or customer in depth",
            10,
            4,
            ("Pick one opportunity or account and work out the next move together.",),
        ),
        _HELP,
        _NEXT_STEPS,
    ),
    "forecast": (
        _CHECK_IN,
        _Block(
            "Forecast for the period",
            15,
            0,
            (
                "Which deals are commit, which are best case, and what evidence backs each?",
                "What changed since the last forecast?",
            ),
        ),
        _Block(
            "Deals at risk",
            10,
            3,
            ("Which deals could slip, and what would pull them back on track?",),
        ),
        _HELP,
        _NEXT_STEPS,
    ),
    "career": (
        _CHECK_IN,
        _Block(
            "Quick pass over deals and goals",
            10,
            3,
            ("Only what cannot wait until next week.",),
        ),
        _Block(
            "Career and development",
            20,
            0,
            (
                "Where do you want to be in a year, and in three?",
                "Which skills or experiences would get you there, and how can I help?",
                "What would make this job more satisfying over the next few months?",
            ),
        ),
        _Block(
            "How can I help",
            5,
            4,
            ("Training, projects or introductions that would move you forward.",),
        ),
        _NEXT_STEPS,
    ),
    "performance": (
        _CHECK_IN,
        _Block(
            "Results against goals this quarter",
            15,
            0,
            (
                "Output KPIs first: where goals were met, exceeded or missed.",
                "For any miss, look at the activity behind it and what contributed.",
            ),
        ),
        _Block(
            "Strengths and one area to grow",
            15,
            3,
            ("Recognise what went well, then agree on one concrete thing to improve.",),
        ),
        _Block(
            "Goals for next quarter",
            5,
            4,
            ("Agree on goals that are clear and will not move without discussion.",),
        ),
        _NEXT_STEPS,
    ),
    "coaching": (
        _CHECK_IN,
        _Block(
            "Numbers at a glance",
            5,
            4,
            ("Results against goals, only to pick today's focus.",),
        ),
        _Block(
            "Skill practice",
            20,
            0,
            (
                "Choose one situation (a call, an objection, a negotiation) and role-play it.",
                "Swap roles once, then name what to do differently next time.",
            ),
        ),
        _Block(
            "Feedback both ways",
            10,
            3,
            ("What worked, what to try next, and what you need from me.",),
        ),
        _NEXT_STEPS,
    ),
}

_QUESTIONS: dict[str, tuple[str, ...]] = {
    "pipeline": (
        "Which deal are you most worried about, and why?",
        "Where in the sales process do deals get stuck for you?",
        "What have you heard from customers about our product lately?",
    ),
    "forecast": (
        "What would have to be true for your best-case deals to close this period?",
        "Which deal would you drop from the forecast if you had to, and why?",
        "What surprised you in the last month?",
    ),
    "career": (
        "What part of the job do you enjoy most, and least?",
        "What would make you want to stay here for the next few years?",
        "Which skill do you want to build next?",
    ),
    "performance": (
        "What are you proudest of this quarter?",
        "What got in the way of your goals, and what would you change?",
        "What support do you need to hit next quarter's goals?",
    ),
    "coaching": (
        "What is the hardest part of your sales calls right now?",
        "Which conversation would you like to replay and do differently?",
        "How do you like to receive feedback?",
    ),
}

_COACHING_PROMPTS: dict[str, str] = {
    "pipeline": "Pick one point to leave with the rep, drawn from the gap between results "
    "and goals or from a deal that stalled.",
    "forecast": "Pick one point about qualifying or forecasting accuracy to leave with the rep.",
    "career": "Pick one development step to agree on: a skill, a project or someone to learn from.",
    "performance": "Pick the single strength to reinforce and the single change to ask for.",
    "coaching": "Pick the one skill to practise and decide how you will role-play it.",
}


def meeting_type(pair: Pair, index: int) -> MeetingPlan:
    """The plan of the pair's ``index``-th occurrence (0-based).

    The kind cycles through ``pair.agenda.rotation``; every ``performance_every``-th meeting is
    a performance review whatever the rotation says, and every ``better_manager_every``-th one
    asks for feedback on the manager.
    """
    if index < 0:
        raise ValueError(f"occurrence index must be >= 0, not {index}")
    policy = pair.agenda
    if not policy.rotation:
        raise ValueError("agenda rotation is empty")
    kind = policy.rotation[index % len(policy.rotation)]
    if policy.performance_every > 0 and index % policy.performance_every == (
        policy.performance_every - 1
    ):
        kind = "performance"
    if kind not in _SHAPES:
        raise ValueError(f"unknown meeting type {kind!r}; allowed: {', '.join(MEETING_TYPES)}")
    every = policy.better_manager_every
    ask = every > 0 and index % every == every - 1
    minutes = int(pair.duration.total_seconds() // 60)
    return MeetingPlan(
        kind=kind,
        ask_better_manager=ask,
        sections=size_sections(_SHAPES[kind], minutes),
        questions=_QUESTIONS[kind],
        coaching_prompt=_COACHING_PROMPTS[kind],
    )


def size_sections(blocks: tuple[_Block, ...], minutes: int) -> tuple[Section, ...]:
    """Scale a 45-minute shape to ``minutes``, in 5-minute steps, summing exactly to it.

    When there is not enough time for every block to get 5 minutes, the least important
    blocks are dropped (the main topic and the next steps stay longest).
    """
    units, spare = divmod(max(minutes, 0), 5)
    if units == 0:
        main = min(blocks, key=lambda b: b.rank)
        return (Section(main.title, spare, main.prompts),)
    kept = sorted(blocks, key=lambda b: b.rank)[:units]
    chosen = [b for b in blocks if b in kept]
    shares = _apportion([b.minutes for b in chosen], units)
    main = min(chosen, key=lambda b: b.rank)
    return tuple(
        Section(b.title, n * 5 + (spare if b is main else 0), b.prompts)
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
