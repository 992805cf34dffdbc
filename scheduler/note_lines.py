"""The labelled lines of a 1:1's notes that outlive the meeting, and the rep's topics.

Besides ``Decision:`` (``scheduler.notes``), three labels carry over to later 1:1s:

- ``Coaching: ask for the budget on the first call`` — the one thing the rep works on until
  next time. The recap names it, and the next prep opens with it for both ("Focus since …").
- ``Goal: lead a team within two years`` — the rep's goals, kept per pair and shown in every
  career conversation.
- ``Step: shadow Maria on two enterprise calls`` (or ``Next step:``) — the step toward those
  goals agreed last time, shown beside them.

Topics are what the rep (or the manager) wants to raise: the lines under
``agenda.TOPICS_MARKER`` at the top of the event description or notes file, and the rep's own
note on their answer to the invitation (the one field a guest can write on Google).

Pure: text in, values out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

LABELS = {"coaching": "coaching", "goal": "goal", "goals": "goal", "step": "step"}
_LABELLED = re.compile(
    r"^\**\s*(?P<label>coaching|goals?|(?:next\s+)?step)\s*\**\s*:\s*\**\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^(?:[-*•·‣◦+]\s*|\d{1,3}[.)]\s+)+")
_MARKER = re.compile(r"^-{3,}\s*(?P<name>[^-\s].*?)\s*(?:-{3,})?$")
TOPIC_LIMIT = 20
"""Topics shown at most; a pasted essay stays in the event."""
TOPIC_WIDTH = 300


def labelled(line: str) -> tuple[str, str] | None:
    """``("coaching", "ask for the budget")`` for ``Coaching: ask for the budget``; else None."""
    match = _LABELLED.match(_BULLET.sub("", line.strip()))
    if not match:
        return None
    label = match.group("label").casefold().split()[-1]
    text = match.group("rest").strip(" *")
    return (LABELS[label], text) if text else None


def topics_in(lines: Sequence[str], marker: str) -> tuple[str, ...]:
    """The lines under the topics marker, up to the next ``--- … ---`` line, as topics."""
    wanted = marker.strip().casefold()[:12]
    out: list[str] = []
    inside = False
    for line in lines:
        stripped = line.strip()
        if _MARKER.match(stripped):
            inside = stripped.casefold().startswith(wanted)
            continue
        if inside:
            out.append(stripped)
    return clean_topics(out)


def clean_topics(lines: Iterable[str]) -> tuple[str, ...]:
    """Topics without bullets, blanks or repeats, each cut to a readable length."""
    seen: dict[str, str] = {}
    for line in lines:
        for part in line.replace("\r", "\n").split("\n"):
            text = _BULLET.sub("", part.strip()).strip()
            if len(text) > TOPIC_WIDTH:
                text = text[: TOPIC_WIDTH - 1].rstrip() + "…"
            if text:
                seen.setdefault(" ".join(text.casefold().split()), text)
    return tuple(seen.values())[:TOPIC_LIMIT]


@dataclass(frozen=True)
class Carried:
    """What earlier 1:1s left for the next one: the coaching focus, the goals, the last step."""

    focus: str = ""
    focus_since: dt.date | None = None
    goals: tuple[str, ...] = ()
    step: str = ""
    step_since: dt.date | None = None


GOALS_SHOWN = 5


def carry(rows: Sequence[tuple[str, str, dt.date]], *, before: dt.date) -> Carried:
    """From ``(kind, text, meeting day)`` rows, what a meeting on ``before`` starts from.

    The focus and the step are those of the latest meeting that wrote one; goals are every
    distinct one, the most recently written first (writing a goal again brings it forward).
    """
    earlier = sorted((r for r in rows if r[2] < before), key=lambda r: r[2])
    focus, focus_day = _latest(earlier, "coaching")
    step, step_day = _latest(earlier, "step")
    goals: dict[str, str] = {}
    for _, text, _ in reversed([r for r in earlier if r[0] == "goal"]):
        goals.setdefault(" ".join(text.casefold().split()), text)
    return Carried(focus, focus_day, tuple(goals.values())[:GOALS_SHOWN], step, step_day)


def _latest(rows: Sequence[tuple[str, str, dt.date]], kind: str) -> tuple[str, dt.date | None]:
    mine = [r for r in rows if r[0] == kind]
    if not mine:
        return "", None
    day = mine[-1][2]
    return " ".join(dict.fromkeys(r[1] for r in mine if r[2] == day)), day
