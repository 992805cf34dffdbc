"""The series the service owns, as read from a manager's calendar: its tagged masters by rep and
generation, and the occurrences edited on their own.

A series is ours by its private tags (``series_tags``), not by the state file, so a lost
database never makes the service forget or duplicate one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from scheduler.ports import CalendarEvent
from scheduler.recurrence import expand, to_local
from scheduler.series_tags import (
    TAG,
    TAG_ADOPTED,
    TAG_GEN,
    TAG_REP,
    TAG_SINCE,
    TAG_SPEC,
    parse_since,
)

HORIZON = dt.timedelta(days=400)


@dataclass(frozen=True)
class OwnedSeries:
    event: CalendarEvent
    rep: str
    gen: int
    spec: str

    @property
    def since(self) -> dt.datetime | None:
        """When the service took charge of this series, from its tag (so a lost state file
        does not forget it); None for a series tagged before the tag existed."""
        return parse_since(self.event.private.get(TAG_SINCE, ""))

    @property
    def adopted(self) -> bool:
        return self.event.private.get(TAG_ADOPTED) == "1"

    def in_charge(self, end: dt.datetime) -> bool:
        """Whether an occurrence ending at ``end`` ended after the service took charge: one
        that ended before was no business of the service (no recap, reminder or ledger entry)."""
        since = self.since
        return since is None or end > since

    @property
    def first_local(self) -> dt.datetime:
        assert self.event.start is not None
        assert self.event.timezone
        return to_local(self.event.start, self.event.timezone).replace(tzinfo=None)

    def starts(self, time_min: dt.datetime, time_max: dt.datetime) -> list[dt.datetime]:
        if self.event.start is None or not self.event.timezone:
            return []
        return expand(
            self.first_local,
            self.event.timezone,
            self.event.recurrence,
            time_min=time_min,
            time_max=time_max,
        )

    def is_live(self, now: dt.datetime) -> bool:
        if self.event.cancelled:
            return False
        bounded = any("UNTIL=" in r.upper() or "COUNT=" in r.upper() for r in self.event.recurrence)
        return not bounded or bool(self.starts(now, now + HORIZON))


def current_series(history: Iterable[OwnedSeries], now: dt.datetime) -> OwnedSeries | None:
    """The live series of the newest generation, if any: the one a pair's 1:1s follow now
    (the one walk every planner starts from)."""
    live = [s for s in history if s.is_live(now)]
    return max(live, key=lambda s: s.gen) if live else None


def exceptions_by_series(events: Iterable[CalendarEvent]) -> dict[str, list[CalendarEvent]]:
    """Modified or cancelled occurrences, grouped by the id of the series they belong to."""
    out: dict[str, list[CalendarEvent]] = {}
    for ev in events:
        if ev.recurring_event_id:
            out.setdefault(ev.recurring_event_id, []).append(ev)
    return out


def owned_series(events: Iterable[CalendarEvent]) -> dict[str, list[OwnedSeries]]:
    """Series masters we tagged, by rep email, oldest generation first."""
    out: dict[str, list[OwnedSeries]] = {}
    for ev in events:
        if ev.private.get(TAG) != "series" or ev.recurring_event_id:
            continue
        rep = ev.private.get(TAG_REP, "").lower()
        try:
            gen = int(ev.private.get(TAG_GEN, "0"))
        except ValueError:
            gen = 0
        out.setdefault(rep, []).append(OwnedSeries(ev, rep, gen, ev.private.get(TAG_SPEC, "")))
    for items in out.values():
        items.sort(key=lambda s: s.gen)
    return out
