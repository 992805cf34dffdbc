"""The I/O around rebooking: which busy data to fetch, then the pure detection and decision.

Costs, in requests: the manager's side comes free from the synced calendar; the reps' side is one
free/busy query per manager (up to 50 reps) every ``REP_BUSY_EVERY``; each bump then costs one
free/busy query for the two people over the day (and the days after, for the fallback), one
``instances`` read when Google has not materialised the occurrence yet, and the patch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from integrations.store import Store
from scheduler import intervals as iv
from scheduler.actions import Action, MoveOccurrence, Notice
from scheduler.bumps import Bump, decide, detect, manager_busy, notice_key, occurrences
from scheduler.model import Config, Manager, Pair
from scheduler.pauses import paused_at
from scheduler.ports import BusyAnswer, Calendar, CalendarEvent, Interval
from scheduler.series import exceptions_by_series, owned_series

REP_BUSY_EVERY = dt.timedelta(minutes=5)
FALLBACK_DAYS = 8


@dataclass
class Rebooker:
    config: Config
    calendar: Calendar
    store: Store
    moves: Callable[[], dict[tuple[str, dt.datetime], tuple[int, Interval]]] | None = None

    def plan(
        self,
        manager: Manager,
        pairs: Sequence[Pair],
        events: Sequence[CalendarEvent],
        *,
        now: dt.datetime,
    ) -> list[Action]:
        owner = manager.person.email
        if not pairs:
            return []
        horizon = max(p.rebook.look_ahead for p in pairs)
        series = owned_series(events)
        ours = {s.event.id for items in series.values() for s in items}
        exceptions = exceptions_by_series(events)
        busy_events = manager_busy(
            events,
            owner=owner,
            exclude=ours,
            time_min=now,
            time_max=now + horizon,
            tz=manager.person.timezone,
        )
        rep_busy = self._rep_busy(owner, pairs, now=now, horizon=horizon)
        moves = self.moves() if self.moves is not None else self.store.moves()
        found: list[Bump | Notice] = []
        for pair in pairs:
            live = [s for s in series.get(pair.rep.email.lower(), []) if s.is_live(now)]
            if not live:
                continue
            current = max(live, key=lambda s: s.gen)
            occs = occurrences(
                current,
                exceptions.get(current.event.id, []),
                moves,
                pair,
                time_min=now - pair.duration,
                time_max=now + pair.rebook.look_ahead,
            )
            occs = [o for o in occs if paused_at(pair, o.original_start) is None]
            answer = rep_busy.get(pair.rep.email) if rep_busy is not None else None
            busy = answer.busy if answer is not None and answer.error is None else None
            found += detect(pair, occs, busy_events, busy, now=now, holidays=self.config.holidays)
        actions: list[Action] = []
        for item in found:
            if isinstance(item, Notice):
                actions.append(item)
            elif not self.store.has_notice(notice_key(item)):  # decided already: left as told
                actions.append(self._decide(item, now=now))
        return actions

    def _rep_busy(
        self, owner: str, pairs: Sequence[Pair], *, now: dt.datetime, horizon: dt.timedelta
    ) -> dict[str, BusyAnswer] | None:
        checked = self.store.busy_checked_at(owner)
        if checked is not None and now - checked < REP_BUSY_EVERY:
            return None
        emails = sorted({p.rep.email for p in pairs})
        answer = self.calendar.busy(owner, emails, now, now + horizon)
        self.store.set_busy_checked(owner, now)
        return answer

    def _decide(self, bump: Bump, *, now: dt.datetime) -> MoveOccurrence | Notice:
        pair, occ = bump.pair, bump.occurrence
        zone = ZoneInfo(pair.manager.timezone)
        day = occ.original_start.astimezone(zone).date()
        lo = dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
        hi = lo + dt.timedelta(days=FALLBACK_DAYS + 1)
        answer = self.calendar.busy(
            pair.manager.email, [pair.manager.email, pair.rep.email], lo, hi
        )
        busy_m = _spans(answer.get(pair.manager.email))
        busy_r = _spans(answer.get(pair.rep.email))
        if busy_m is None or busy_r is None:
            return Notice(
                pair.key,
                pair.manager.email,
                f"busy-unknown:{occ.series_id}:{occ.original_start:%Y%m%dT%H%M}",
                f"{bump.detail}; Google could not tell when both are free, so the "
                "occurrence stays for now (tried again next pass)",
            )

        def for_day(d: dt.date) -> tuple[tuple[Interval, ...], tuple[Interval, ...]]:
            start = dt.datetime.combine(d, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
            end = start + dt.timedelta(days=1, hours=2)
            return (tuple(iv.clip(busy_m, start, end)), tuple(iv.clip(busy_r, start, end)))

        paused = [  # nothing is moved into a pause: its days count as holidays
            p.start + dt.timedelta(days=k)
            for p in pair.pauses
            for k in range((p.until - p.start).days + 1)
        ]
        return decide(
            bump,
            busy_manager=busy_m,
            busy_rep=busy_r,
            now=now,
            holidays=(*self.config.holidays, *paused),
            busy_for_day=for_day,
        )


def _spans(answer: BusyAnswer | None) -> list[Interval] | None:
    if answer is None or answer.error is not None:
        return None
    return iv.normalize(answer.busy)
