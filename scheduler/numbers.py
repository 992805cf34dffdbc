"""Judges a rep's KPIs the way a sales leader reads them: trend, pace, repeat misses, a win.

One period of numbers says little, and "below goal" in the middle of a month says nothing: what
matters is whether the rep is on pace for the period under way, where the last periods went,
and whether an output missed twice running (then the inputs behind it deserve a close look).
The best number that beat its goal opens the meeting: recognition first makes the rest of the
conversation easier.

Everything is phrased here, once, so the manager's prep, the rep's "your numbers" and the tests
read the same sentences. Pure: ``today`` (the manager's date, from the injected clock) is an
argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.kpis import Kpi

SHOWN_PERIODS = 3
TREND_POINTS = 0.05
"""A change of attainment smaller than this (five points) is flat."""


def format_value(value: float, unit: str) -> str:
    """``41500, '$'`` → ``$41,500``; ``85, '%'`` → ``85%``; decimals only when present."""
    number = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}".rstrip("0")
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    if unit == "$":
        return f"{sign}${digits}"
    return f"{number}{unit}"


def percent(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


@dataclass(frozen=True)
class KpiLine:
    """One KPI of one rep over its last periods (oldest first; the last may be under way)."""

    name: str
    kind: str
    unit: str
    periods: tuple[Kpi, ...]
    today: dt.date

    @property
    def latest(self) -> Kpi:
        return self.periods[-1]

    @property
    def current(self) -> Kpi | None:
        """The period under way today, when the last one is."""
        k = self.latest
        if k.start is not None and k.end is not None and k.start <= self.today <= k.end:
            return k
        return None

    @property
    def closed(self) -> tuple[Kpi, ...]:
        return tuple(k for k in self.periods if k is not self.current)

    @property
    def elapsed(self) -> float | None:
        """How much of the current period is gone (0–1), counting today."""
        k = self.current
        if k is None or k.start is None or k.end is None:
            return None
        return ((self.today - k.start).days + 1) / ((k.end - k.start).days + 1)

    @property
    def on_pace(self) -> bool | None:
        elapsed = self.elapsed
        return None if elapsed is None else self.latest.attainment >= elapsed

    @property
    def missed_twice(self) -> bool:
        """The last two finished periods both fell short of goal."""
        last = self.closed[-2:]
        return len(last) == 2 and all(k.below_goal for k in last)

    @property
    def trend(self) -> str:
        """``up``, ``down`` or ``flat`` over the finished periods shown; "" with fewer than two."""
        closed = self.closed
        if len(closed) < 2:
            return ""
        change = closed[-1].attainment - closed[0].attainment
        return "up" if change >= TREND_POINTS else "down" if change <= -TREND_POINTS else "flat"

    @property
    def needs_attention(self) -> bool:
        """Behind pace now, short of goal last time, or short twice running."""
        if self.on_pace is False or self.missed_twice:
            return True
        return bool(self.closed) and self.closed[-1].below_goal and self.current is None

    def value(self, k: Kpi) -> str:
        return f"{format_value(k.actual, self.unit)} of {format_value(k.goal, self.unit)}"

    def sentence(self) -> str:
        """``Revenue: $41,500 of $50,000 = 83% of the month's goal with 80% of the month
        gone: on pace``, or the last finished period's result."""
        k = self.latest
        head = f"{self.name}: {self.value(k)} = {percent(k.attainment)}"
        elapsed = self.elapsed
        if elapsed is None:
            verdict = "below goal" if k.below_goal else "goal met"
            return f"{head} in {k.period}: {verdict}"
        word = _period_word(k)
        verdict = "on pace" if self.on_pace else "behind pace"
        return f"{head} of the {word}'s goal with {percent(elapsed)} of the {word} gone: {verdict}"

    def history(self) -> str:
        """``Sep 104% → Oct 91% → Nov 83% so far (down)``: the periods shown, oldest first."""
        parts = [
            f"{k.period} {percent(k.attainment)}{' so far' if k is self.current else ''}"
            for k in self.periods
        ]
        trend = f" ({self.trend})" if self.trend else ""
        return " → ".join(parts) + trend

    def cue(self) -> str:
        """What the manager should do about a repeat miss ("" when there is none)."""
        if not self.missed_twice:
            return ""
        a, b = self.closed[-2:]
        return f"{self.name} missed its goal two periods running ({a.period}, {b.period})."


@dataclass(frozen=True)
class Numbers:
    """A rep's KPIs as the prep shows them."""

    lines: tuple[KpiLine, ...]
    win: str

    @property
    def outputs(self) -> tuple[KpiLine, ...]:
        return tuple(line for line in self.lines if line.kind == "output")

    @property
    def inputs_shown(self) -> bool:
        """Inputs deserve a look only when an output needs attention."""
        return any(line.needs_attention for line in self.outputs)

    @property
    def shown(self) -> tuple[KpiLine, ...]:
        if self.inputs_shown:
            return self.lines
        return self.outputs

    @property
    def cues(self) -> tuple[str, ...]:
        return tuple(c for c in (line.cue() for line in self.outputs) if c)

    @property
    def weakest_input(self) -> KpiLine | None:
        inputs = [line for line in self.lines if line.kind == "input"]
        short = [line for line in inputs if line.latest.below_goal or line.on_pace is False]
        return min(short, key=lambda line: line.latest.attainment, default=None)


def judge(kpis: Sequence[Kpi], *, today: dt.date) -> Numbers:
    """The KPI lines of one rep (``KpiTable.rows_for``), in file order, with the opening win."""
    groups: dict[tuple[str, str], list[Kpi]] = {}
    for k in kpis:
        groups.setdefault((k.kind, k.name.casefold()), []).append(k)
    lines = []
    for rows in groups.values():
        dated = sorted(rows, key=lambda k: (k.start or dt.date.min, k.row))
        shown = tuple(k for k in dated if k.start is None or k.start <= today)[-SHOWN_PERIODS:]
        if shown:
            first = shown[-1]
            lines.append(KpiLine(first.name, first.kind, first.unit, shown, today))
    return Numbers(tuple(lines), _win(lines))


def _win(lines: Sequence[KpiLine]) -> str:
    """The best number that beat its goal lately (outputs before inputs), as an opener."""
    best: tuple[int, float, str] | None = None
    for line in lines:
        for k in line.periods[-2:]:
            if k.actual >= k.goal:
                rank = (line.kind == "output", k.attainment, "")
                text = f"{line.name}: {line.value(k)} in {k.period} ({percent(k.attainment)})"
                if best is None or rank[:2] > best[:2]:
                    best = (int(rank[0]), rank[1], text)
    return best[2] if best else ""


def _period_word(k: Kpi) -> str:
    if k.start is None or k.end is None:
        return "period"
    days = (k.end - k.start).days + 1
    if 28 <= days <= 31 and k.start.day == 1:
        return "month"
    if 89 <= days <= 92 and k.start.day == 1:
        return "quarter"
    if days in (365, 366):
        return "year"
    return "period"
