"""The I/O around rebooking: what to observe, then the pure detection and decisions.

Costs, in requests: the manager's side, her own 1:1s included, comes free from the synced
calendar; a rep's calendar, where the service may read it, is one incremental ``events.list``
at most every ``REP_READ_EVERY`` (``reconcile.rep_calendars``). A pass with bumps then asks
free/busy once for the reps it cannot read (up to 50 per query), over the days the moves may
reach; each move costs one ``instances`` read when Google has not materialised the occurrence
yet, and the patch.

Before anything is decided, the moves the service set out to make in an earlier pass and never
recorded as done are settled from the calendar just read (``scheduler.moves.outcome``).
"""

from __future__ import annotations

import datetime as dt
from collections import ChainMap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from integrations.reconcile.rep_calendars import RepCalendars
from integrations.reconcile.snapshot import Snapshot
from integrations.state import move_log
from scheduler.actions import Action, MoveOccurrence, Notice, SettleMove
from scheduler.bumps import Bump, Occurrence, detect, occurrences
from scheduler.busy import BusyEvent, BusyIndex, MoveKey, calendar_busy
from scheduler.model import Config, Manager, Pair
from scheduler.moves import History, PastMove, answered_again, outcome
from scheduler.owned import current_series
from scheduler.pauses import paused_at
from scheduler.ports import BusyAnswer, Calendar, CalendarEvent, Interval
from scheduler.rebook import busy_window, decide_all, notice_key
from scheduler.series import OwnedSeries, exceptions_by_series, owned_series

Moves = dict[MoveKey, tuple[int, Interval]]


@dataclass(frozen=True)
class _Seen:
    """What one manager's pass observed, as far as bumps are concerned."""

    current: list[tuple[Pair, OwnedSeries]]  # each pair with its live series
    occs: dict[str, list[Occurrence]]  # by pair key: upcoming, outside pauses
    history: History  # the moves table as this pass left it
    finished: list[MoveOccurrence]  # moves Google already holds, to finish now
    settled: list[SettleMove]  # the move log set right from the calendar
    ours: frozenset[str]  # ids of the service's series on her calendar


@dataclass
class Rebooker:
    config: Config
    calendar: Calendar
    reps: RepCalendars | None = None

    def plan(
        self,
        manager: Manager,
        pairs: Sequence[Pair],
        snapshot: Snapshot,
        *,
        now: dt.datetime,
        keep: bool = True,
    ) -> list[Action | SettleMove]:
        """Observe (settle open intents, note answers given again, read reps' calendars that
        are due, stored only with ``keep``), detect purely, then decide all of the manager's
        bumps together; a bump whose notice was told once already stays as told."""
        if not pairs:
            return []
        events, said = snapshot.events, snapshot.said
        seen = self._observe(pairs, snapshot, now=now)
        found = self._detect(manager, seen, events, now=now, keep=keep)
        done = {(a.series_id, a.original_start) for a in seen.finished}
        bumps = [
            b
            for b in found
            if isinstance(b, Bump)
            and b.key not in done
            and notice_key(b) not in said  # decided already: left as told
        ]
        notices = [n for n in found if isinstance(n, Notice)]
        decided = self._decide(manager, pairs, events, seen, bumps, now)
        return [*seen.settled, *seen.finished, *notices, *decided]

    def _observe(self, pairs: Sequence[Pair], snapshot: Snapshot, *, now: dt.datetime) -> _Seen:
        events, records = snapshot.events, snapshot.records
        current = _current_series(pairs, owned_series(events), now)
        exceptions = exceptions_by_series(events)
        changed: dict[MoveKey, tuple[PastMove, ...]] = {}  # this pass's view of the table
        history: History = ChainMap[MoveKey, tuple[PastMove, ...]](changed, records.history)
        settled: list[SettleMove] = []
        finished = self._settle(current, exceptions, records, changed, settled)
        moves = dict(snapshot.moves)
        for action in finished:  # the rest of the pass counts them as the service's own moves
            key = (action.series_id, action.original_start)
            moves[key] = (moves.get(key, (0, None))[0] + 1, (action.start, action.end))
        occs = {
            pair.key: self._occurrences(
                pair, series, exceptions, moves, history, changed, settled, now=now
            )
            for pair, series in current
        }
        ours = frozenset(s.event.id for items in owned_series(events).values() for s in items)
        return _Seen(current, occs, history, finished, settled, ours)

    def _detect(
        self,
        manager: Manager,
        seen: _Seen,
        events: Sequence[CalendarEvent],
        *,
        now: dt.datetime,
        keep: bool,
    ) -> list[Bump | Notice]:
        horizon = max(p.rebook.look_ahead for p, _ in seen.current) if seen.current else None
        if horizon is None:
            return []
        busy = BusyIndex(calendar_busy(
            events, owner=manager.person.email, own=seen.ours, time_min=now,
            time_max=now + horizon, tz=manager.person.timezone,
        ))  # fmt: skip
        upcoming = [p for p, _ in seen.current if any(o.start > now for o in seen.occs[p.key])]
        theirs = self._rep_events(
            upcoming, seen.ours, (now, now + horizon), now=now, read=True, keep=keep
        )
        found: list[Bump | Notice] = []
        for pair, _ in seen.current:
            rep = theirs.get(pair.rep.email.lower())
            found += detect(
                pair, seen.occs[pair.key], busy, None if rep is None else BusyIndex(rep),
                now=now, history=seen.history, holidays=self.config.holidays,
            )  # fmt: skip
        return found

    def _occurrences(
        self,
        pair: Pair,
        series: OwnedSeries,
        exceptions: Mapping[str, Sequence[CalendarEvent]],
        moves: Moves,
        history: History,
        changed: dict[MoveKey, tuple[PastMove, ...]],
        settled: list[SettleMove],
        *,
        now: dt.datetime,
    ) -> list[Occurrence]:
        """The pair's upcoming occurrences outside pauses; a stale decline that was answered
        again since is noted (in this pass's view, and for the log), so a new decline counts."""
        occs = occurrences(
            series,
            exceptions.get(series.event.id, []),
            moves,
            pair,
            time_min=now - pair.duration,
            time_max=now + pair.rebook.look_ahead,
        )
        occs = [o for o in occs if paused_at(pair, o.original_start) is None]
        for occ in occs:
            key = (occ.series_id, occ.original_start)
            past = tuple(history.get(key, ()))
            done = [i for i, m in enumerate(past) if m.done]
            if not done:
                continue
            gone = answered_again(past, {a.email.lower(): a.response for a in occ.attendees})
            if gone:
                last = past[done[-1]]
                settled.append(
                    SettleMove(
                        pair.key, pair.manager.email, key[0], key[1], last,
                        f"{', '.join(sorted(gone))} answered the moved 1:1 again: an old "
                        "decline no longer counts against it",
                        answered=frozenset(gone),
                    )
                )  # fmt: skip
                kept = replace(last, still_declined=last.still_declined - gone)
                changed[key] = (*past[: done[-1]], kept, *past[done[-1] + 1 :])
        return occs

    def _settle(
        self,
        current: Sequence[tuple[Pair, OwnedSeries]],
        exceptions: Mapping[str, Sequence[CalendarEvent]],
        records: move_log.Records,
        changed: dict[MoveKey, tuple[PastMove, ...]],
        settled: list[SettleMove],
    ) -> list[MoveOccurrence]:
        """Open intents of this manager's series, read against the calendar just synced: a
        move Google already holds is finished (recorded, the rep told); one that never
        happened, or that a person overtook, is forgotten."""
        out: list[MoveOccurrence] = []
        for pair, series in current:
            for key, intent in records.open_intents(series.event.id):
                start, end, cancelled, event = _position(series, exceptions.get(key[0], ()), key[1])
                if outcome(intent, start, end, cancelled=cancelled) == "done":
                    out.append(_finish(pair, key, intent, event))
                else:
                    settled.append(
                        SettleMove(
                            pair.key, pair.manager.email, key[0], key[1], intent,
                            "a move set out in an earlier pass never took effect, or a "
                            "person moved the 1:1 since: forgotten",
                            forget=True,
                        )
                    )  # fmt: skip
                    changed[key] = tuple(records.history[key][:-1])
        return out

    def _rep_events(
        self,
        pairs: Sequence[Pair],
        ours: frozenset[str],
        window: Interval,
        *,
        now: dt.datetime,
        read: bool,
        keep: bool = True,
    ) -> dict[str, list[BusyEvent]]:
        """Busy time on the calendars of the reps the service may read, by lower-case address
        (their copy of the 1:1s left out); with ``read``, calendars due are read first."""
        if self.reps is None:
            return {}
        if read:
            self.reps.refresh([p.rep.email for p in pairs], now=now, keep=keep)
        out: dict[str, list[BusyEvent]] = {}
        for pair in pairs:
            events = self.reps.events(pair.rep.email)
            if events is not None:
                out[pair.rep.email.lower()] = calendar_busy(
                    events, owner=pair.rep.email, skip=ours, time_min=window[0],
                    time_max=window[1], tz=pair.rep.timezone,
                )  # fmt: skip
        return out

    def _decide(
        self,
        manager: Manager,
        pairs: Sequence[Pair],
        events: Sequence[CalendarEvent],
        seen: _Seen,
        bumps: Sequence[Bump],
        now: dt.datetime,
    ) -> list[MoveOccurrence | Notice]:
        """All bumps of the manager together, against her calendar over the days the moves
        may reach, the reps' calendars where readable, and one free/busy for the others."""
        window = busy_window(bumps)
        if window is None:
            return []
        owner = manager.person.email
        busy = calendar_busy(
            events, owner=owner, own=seen.ours, time_min=window[0], time_max=window[1],
            tz=manager.person.timezone,
        )  # fmt: skip
        theirs = self._rep_events(pairs, seen.ours, window, now=now, read=False)
        unseen = sorted({b.pair.rep.email for b in bumps if b.pair.rep.email.lower() not in theirs})
        answers: Mapping[str, BusyAnswer] = (
            self.calendar.busy(owner, unseen, window[0], window[1]) if unseen else {}
        )
        return decide_all(
            bumps,
            busy=busy,
            rep_events=theirs,
            rep_busy={k.lower(): v for k, v in answers.items()},
            history=seen.history,
            now=now,
            holidays=self.config.holidays,
            closed={p.key: _pause_days(p) for p in pairs},
        )


def _current_series(
    pairs: Sequence[Pair], series: Mapping[str, Sequence[OwnedSeries]], now: dt.datetime
) -> list[tuple[Pair, OwnedSeries]]:
    """Each pair with its live series of the newest generation, if any."""
    out = []
    for pair in pairs:
        current = current_series(series.get(pair.rep.email.lower(), []), now)
        if current is not None:
            out.append((pair, current))
    return out


def _position(
    series: OwnedSeries, exceptions: Sequence[CalendarEvent], original: dt.datetime
) -> tuple[dt.datetime, dt.datetime, bool, CalendarEvent | None]:
    """Where one occurrence is now: its exception if Google materialised one, else the series'
    own time for it."""
    for ev in exceptions:
        if ev.original_start == original and ev.start is not None and ev.end is not None:
            return ev.start, ev.end, ev.cancelled, ev
    master = series.event
    length = (master.end - master.start) if master.start and master.end else dt.timedelta(0)
    return original, original + length, False, None


def _finish(
    pair: Pair, key: MoveKey, intent: PastMove, event: CalendarEvent | None
) -> MoveOccurrence:
    return MoveOccurrence(
        pair.key,
        pair.manager.email,
        event.id if event is not None else "",
        key[0],
        key[1],
        intent.start,
        intent.end,
        pair.manager.timezone,
        intent.reason or "a move set out in an earlier pass",
        restore=intent.cause == "deleted",
        explain={
            "bump": intent.cause,
            "why": "Google already held this move (the process stopped, or its answer was "
            "lost): recorded now, and the rep told once",
        },
        etag=event.etag if event is not None else "",
        from_start=intent.from_start,
        from_end=intent.from_end,
        cause=intent.cause,
        resume=True,
    )


def _pause_days(pair: Pair) -> tuple[dt.date, ...]:
    """Nothing is moved into a pause: its days are closed for this pair."""
    return tuple(
        p.start + dt.timedelta(days=k)
        for p in pair.pauses
        for k in range((p.until - p.start).days + 1)
    )
