"""The ledger of 1:1s: what became of every occurrence once it ended.

A manager keeps 1:1s alive by seeing which ones happened. Each ended occurrence gets exactly one
state, decided in this order (the first that applies wins):

- ``skipped``: its day falls in a pause, the service skipped it on purpose (an out-of-office or
  holiday ``skip`` policy: a *skip marker*), or it sits unmoved on a holiday;
- ``missed``: it was deleted and not restored, the service gave up on it (a *give-up marker*:
  no slot, too many moves), or the rep or the manager declined it and it was never moved;
- ``moved_day``: it took place on another day than planned (manager's zone);
- ``held_moved``: it took place the same day at another time;
- ``held``: it took place at its planned time.

Markers come from the notices the rebooking layer records (``markers_from_notices``), so the
ledger needs nothing the state database does not already hold. Pure: ``now`` is an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from scheduler import words
from scheduler.bumps import MoveKey, Occurrence, occurrences
from scheduler.keys import parse_unmoved
from scheduler.model import Pair
from scheduler.ports import CalendarEvent, Interval
from scheduler.recurrence import to_local
from scheduler.series import OwnedSeries, exceptions_by_series, owned_series

State = Literal["held", "held_moved", "moved_day", "skipped", "missed"]
STATES: tuple[State, ...] = ("held", "held_moved", "moved_day", "skipped", "missed")
HELD: frozenset[str] = frozenset({"held", "held_moved", "moved_day"})
"""The states in which the 1:1 took place."""

SKIP_KINDS = frozenset({"out_of_office", "holiday"})
"""Bump kinds whose unmoved notice means the service skipped the occurrence on purpose."""


@dataclass(frozen=True)
class LedgerEntry:
    """One ended occurrence and what became of it; ``start``/``end`` are where it last was."""

    pair_key: str
    series_id: str
    original_start: dt.datetime
    start: dt.datetime
    end: dt.datetime
    state: State
    reason: str

    @property
    def held(self) -> bool:
        return self.state in HELD


@dataclass(frozen=True)
class Markers:
    """Occurrences (series id, original start) the service decided about without moving them."""

    skipped: frozenset[MoveKey] = field(default_factory=frozenset)
    gave_up: frozenset[MoveKey] = field(default_factory=frozenset)


def markers_from_notices(keys: Iterable[str]) -> Markers:
    """Read markers from notice keys ``unmoved:{series}:{YYYYmmddTHHMM}:{kind}`` (UTC).

    An out-of-office or holiday notice means the ``skip`` policy (or no day at all) applied;
    any other kind means the service left a bumped occurrence where it was.
    """
    skipped: set[MoveKey] = set()
    gave_up: set[MoveKey] = set()
    for key in keys:
        notice = parse_unmoved(key)
        if notice is None:
            continue
        marked = (notice.series_id, notice.original_start)
        (skipped if notice.kind in SKIP_KINDS else gave_up).add(marked)
    return Markers(frozenset(skipped), frozenset(gave_up))


def classify(
    pair: Pair,
    occ: Occurrence,
    markers: Markers,
    holidays: Sequence[dt.date] = (),
) -> tuple[State, str]:
    """The state of one ended occurrence and a short reason, per the module's decision order."""
    tz = pair.manager.timezone
    planned_day = to_local(occ.original_start, tz).date()
    actual_day = to_local(occ.start, tz).date()
    key = (occ.series_id, _minute(occ.original_start))
    unmoved = occ.start == occ.original_start
    pause = next((p for p in pair.pauses if p.start <= planned_day <= p.until), None)
    if pause is not None and (unmoved or occ.cancelled):
        word = "skipped by the manager" if pause.skip else "paused"
        return "skipped", f"{word}{': ' + pause.reason if pause.reason else ''}"
    if key in markers.skipped and unmoved:
        return "skipped", "skipped as configured (out of office or holiday)"
    if occ.cancelled:
        return "missed", "deleted and not restored"
    if key in markers.gave_up and unmoved:
        return "missed", "bumped, and no time could be found for it"
    if occ.rep_response == "declined":
        return "missed", f"declined by {pair.rep.name}"
    if occ.manager_response == "declined":
        return "missed", f"declined by {pair.manager.name}"
    if planned_day in holidays and unmoved:
        return "skipped", f"{words.short_day(planned_day)} is a holiday"
    if actual_day != planned_day:
        return (
            "moved_day",
            f"held on {words.short_day(actual_day)} instead of {words.short_day(planned_day)}",
        )
    if not unmoved:
        planned_at = to_local(occ.original_start, tz)
        return "held_moved", f"at {to_local(occ.start, tz):%H:%M} instead of {planned_at:%H:%M}"
    return "held", "held as planned"


def pair_ledger(
    pair: Pair,
    history: Sequence[OwnedSeries],
    exceptions: Mapping[str, Sequence[CalendarEvent]],
    moves: Mapping[MoveKey, tuple[int, Interval]],
    markers: Markers,
    *,
    since: dt.datetime,
    now: dt.datetime,
    holidays: Sequence[dt.date] = (),
) -> list[LedgerEntry]:
    """Entries of one pair's occurrences planned in ``[since, now)`` that have ended by ``now``.

    A deleted series tells nothing of its past (its occurrences vanish with it), so it yields
    no entries: what was recorded while it lived stays in the stored ledger.
    """
    out: list[LedgerEntry] = []
    for series in history:
        if series.event.cancelled:
            continue
        own = exceptions.get(series.event.id, ())
        for occ in occurrences(series, own, moves, pair, time_min=since, time_max=now):
            if occ.end > now or not series.in_charge(occ.end):
                continue  # not ended yet, or ended before the service took charge of it
            state, reason = classify(pair, occ, markers, holidays)
            out.append(
                LedgerEntry(
                    pair.key, occ.series_id, occ.original_start, occ.start, occ.end, state, reason
                )
            )
    out.sort(key=lambda e: e.original_start)
    return out


def manager_ledger(
    pairs: Sequence[Pair],
    events: Sequence[CalendarEvent],
    moves: Mapping[MoveKey, tuple[int, Interval]],
    markers: Markers,
    *,
    since: dt.datetime,
    now: dt.datetime,
    holidays: Sequence[dt.date] = (),
) -> list[LedgerEntry]:
    """Entries of every pair of one manager, from the events of the manager's calendar."""
    by_rep = owned_series(events)
    exceptions = exceptions_by_series(events)
    out: list[LedgerEntry] = []
    for pair in pairs:
        history = by_rep.get(pair.rep.email.lower(), [])
        out += pair_ledger(
            pair, history, exceptions, moves, markers, since=since, now=now, holidays=holidays
        )
    return out


@dataclass(frozen=True)
class Summary:
    """A pair's record over a window: counts per state and the current run of held 1:1s."""

    counts: Mapping[str, int]
    streak: int
    last_held: LedgerEntry | None

    @property
    def held(self) -> int:
        return sum(self.counts.get(s, 0) for s in HELD)

    @property
    def moved(self) -> int:
        return self.counts.get("held_moved", 0) + self.counts.get("moved_day", 0)

    @property
    def missed(self) -> int:
        return self.counts.get("missed", 0)


def summarise(entries: Iterable[LedgerEntry], *, since: dt.datetime) -> Summary:
    """Counts of entries planned since ``since``; the streak counts held 1:1s back from the last,
    over every entry given (a skipped week neither breaks nor extends it)."""
    ordered = sorted(entries, key=lambda e: e.original_start)
    counts: dict[str, int] = dict.fromkeys(STATES, 0)
    for entry in ordered:
        if entry.original_start >= since:
            counts[entry.state] += 1
    streak = 0
    for entry in reversed(ordered):
        if entry.state == "skipped":
            continue
        if not entry.held:
            break
        streak += 1
    last_held = next((e for e in reversed(ordered) if e.held), None)
    return Summary(counts, streak, last_held)


def _minute(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(second=0, microsecond=0)
