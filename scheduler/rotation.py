"""Which kind of 1:1 each meeting of a pair is, counted in weeks of the calendar.

The rotation in the config (``[pipeline, coaching, pipeline, career]``) is a pattern of weeks,
not of meetings: at a weekly cadence each week takes its slot; at a slower one a meeting takes
what fell due in the weeks since the last meeting, so a monthly pair still has its career talk
and its role-play every other month, and "performance every 12" stays quarterly instead of
becoming yearly. A kind that could not be held (two fell due together) waits for the next
meeting rather than being lost. Three rules come before the pattern:

- the first 1:1 of a pair is a kickoff (goals, how we work, what the rep wants from these);
- a meeting in the last week of a month (or only of a quarter, as the policy says) is a
  forecast review, because that is when the number is called;
- a performance review that fell due goes before career and coaching.

Pure: the meeting dates are the input, so the same history always gives the same kinds.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence

from scheduler.model import AgendaPolicy

KICKOFF = "kickoff"
FILLER = "pipeline"
"""The kind of a week with nothing special due: most weeks are about the pipeline."""
QUARTER_ENDS = (3, 6, 9, 12)


def forecast_week(day: dt.date, policy: AgendaPolicy) -> bool:
    """True when ``day`` falls in the last seven days of a month (or of a quarter)."""
    if policy.forecast == "none":
        return False
    if policy.forecast == "quarter" and day.month not in QUARTER_ENDS:
        return False
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day > last - 7


def meeting_kinds(policy: AgendaPolicy, days: Sequence[dt.date]) -> list[str]:
    """The kind of each meeting held on ``days`` (the pair's meetings in order, local dates).

    Weeks count from the first meeting; the weeks since the previous meeting bring their
    rotation slots (and a performance review every ``performance_every`` weeks) into a queue,
    oldest first; the meeting takes, in order: forecast by date, a due performance review,
    the oldest waiting kind, else a pipeline review.
    """
    if not policy.rotation:
        raise ValueError("agenda rotation is empty")
    kinds: list[str] = []
    waiting: dict[str, int] = {}
    previous = 0
    for index, day in enumerate(days):
        week = (day - days[0]).days // 7
        if index == 0:
            kinds.append(KICKOFF)
            continue
        for w in range(previous + 1, week + 1):
            slot = policy.rotation[w % len(policy.rotation)]
            if slot != FILLER:
                waiting.setdefault(slot, w)
            if policy.performance_every > 0 and w % policy.performance_every == 0:
                waiting.setdefault("performance", w)
        previous = max(previous, week)
        kind = _pick(day, policy, waiting)
        waiting.pop(kind, None)
        kinds.append(kind)
    return kinds


def _pick(day: dt.date, policy: AgendaPolicy, waiting: dict[str, int]) -> str:
    if forecast_week(day, policy):
        return "forecast"
    if "performance" in waiting:
        return "performance"
    if waiting:
        return min(waiting, key=lambda k: waiting[k])
    return FILLER


def asks_better_manager(policy: AgendaPolicy, number: int) -> bool:
    """Every ``better_manager_every``-th meeting (by count: "every couple of 1:1s") asks it;
    never the kickoff, where there is nothing to judge yet."""
    every = policy.better_manager_every
    return number > 0 and every > 0 and number % every == every - 1
