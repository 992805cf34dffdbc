"""The read-only view of the state for ``status``, the ``/status`` pages and the weekly digest.

One gathering (``gather_status``) per manager and rep: what is next, what happened (the ledger),
whether the recap went out, what is still open. It reads the state database only (cached
calendars, moves, the ledger, the outbox, action items): no API call. The words of one rep's
line (``rep_row``) are shared by the text table, the page and the digest.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from integrations.state.items import ActionItems
from integrations.state.ledger_store import ledger_view, of_pair
from integrations.state.store import Store
from scheduler import words
from scheduler.bumps import occurrence_times
from scheduler.keys import same_occurrence, thread_key
from scheduler.ledger import LedgerEntry, Summary, summarise
from scheduler.model import Config, Pair, Person
from scheduler.pauses import paused_at
from scheduler.ports import CalendarEvent
from scheduler.recap import Item
from scheduler.recurrence import next_occurrences
from scheduler.series import OwnedSeries, exceptions_by_series, owned_series

WINDOW = dt.timedelta(weeks=8)
"""The window of the held / moved / missed counts."""
HISTORY = dt.timedelta(weeks=52)
"""How far back a streak is counted."""
NEXT_HORIZON = dt.timedelta(days=70)


@dataclass(frozen=True)
class RepStatus:
    pair: Pair
    next_start: dt.datetime | None
    next_in_calendar: bool  # False: computed from the config, the series is not there yet
    summary: Summary  # counts over ``WINDOW``, streak over ``HISTORY``
    recap: str  # sent | sent late | late | pending | "" (nothing held yet)
    open_items: tuple[Item, ...]
    entries: tuple[LedgerEntry, ...]  # over ``HISTORY``, oldest first
    upcoming: tuple[Upcoming, ...] = ()  # not ended yet, over ``NEXT_HORIZON``
    late_recaps: tuple[LedgerEntry, ...] = ()  # held in ``WINDOW``, deadline passed, not sent
    paused: tuple[tuple[dt.datetime, str], ...] = ()  # (start, reason) of upcoming paused 1:1s

    @property
    def oldest_item(self) -> Item | None:
        return min(self.open_items, key=lambda i: i.opened_on, default=None)


@dataclass(frozen=True)
class ManagerStatus:
    manager: Person
    reps: tuple[RepStatus, ...]


class RecapRow(Protocol):
    """What the status needs of an outbox row (``mail.deliveries.DeliveryRow`` is one)."""

    @property
    def key(self) -> str: ...
    @property
    def thread_key(self) -> str | None: ...
    @property
    def state(self) -> str: ...
    @property
    def sent_at(self) -> str | None: ...


@dataclass(frozen=True)
class SentRow:
    """A recap's row of the outbox, as the status reads it."""

    key: str
    thread_key: str | None
    state: str
    sent_at: str | None


def recap_rows(conn: sqlite3.Connection) -> list[SentRow]:
    """The recap rows of the outbox kept in the state database (none before the first email)."""
    try:
        rows = conn.execute(
            "SELECT key, thread_key, state, sent_at FROM outbox WHERE kind='recap' "
            "ORDER BY sent_at, created_at, key"
        ).fetchall()
    except sqlite3.OperationalError:  # no outbox table yet: nothing was ever queued
        return []
    return [SentRow(*row) for row in rows]


def gather_status(
    config: Config,
    store: Store,
    recaps: Sequence[RecapRow],
    *,
    now: dt.datetime,
    manager: str | None = None,
) -> list[ManagerStatus]:
    """Every manager's reps (or only ``manager``'s), in config order."""
    entries = ledger_view(config, store, now=now, since=now - HISTORY)
    items = ActionItems(store)
    out = []
    for m in config.managers:
        if manager is not None and m.person.email != manager.lower():
            continue
        events = store.calendars.events(m.person.email)
        reps = []
        for pair in (p for p in config.pairs if p.manager.email == m.person.email):
            mine = of_pair(entries, pair.key)
            summary = summarise(mine, since=now - WINDOW)
            upcoming = upcoming_meetings(pair, events, now=now)
            next_start, in_calendar = next_meeting(pair, upcoming, now=now)
            late = [
                e
                for e in mine
                if e.held
                and e.original_start >= now - WINDOW
                and recap_state(pair, e, recaps, now=now) == "late"
            ]
            reps.append(
                RepStatus(
                    pair=pair,
                    next_start=next_start,
                    next_in_calendar=in_calendar,
                    summary=summary,
                    recap=recap_state(pair, summary.last_held, recaps, now=now),
                    open_items=tuple(items.open_items(pair.key)),
                    entries=tuple(mine),
                    upcoming=tuple(upcoming),
                    late_recaps=tuple(late),
                    paused=tuple(paused_meetings(pair, now=now)),
                )
            )
        out.append(ManagerStatus(m.person, tuple(reps)))
    return out


@dataclass(frozen=True)
class Upcoming:
    """A 1:1 that has not ended yet, where the calendar has it now."""

    start: dt.datetime
    end: dt.datetime
    original_start: dt.datetime

    @property
    def moved(self) -> bool:
        return self.start != self.original_start


def upcoming_meetings(
    pair: Pair,
    events: Sequence[CalendarEvent],
    *,
    now: dt.datetime,
    horizon: dt.timedelta = NEXT_HORIZON,
) -> list[Upcoming]:
    """The pair's 1:1s in the cached calendar that end after ``now``, soonest first: where
    each is now (who moved it and how often makes no difference to that)."""
    history = series_histories(events).get(pair.rep.email.lower(), [])
    return upcoming_in(pair, history, now=now, horizon=horizon)


History = Sequence[tuple[OwnedSeries, Sequence[CalendarEvent]]]
"""A rep's series the service made, every generation, each with its edited occurrences."""


def series_histories(events: Sequence[CalendarEvent]) -> dict[str, History]:
    """Each rep's series the service made in ``events`` (by lower-case email), oldest
    generation first, each with its edited occurrences."""
    edited = exceptions_by_series(events)
    return {
        rep: [(s, edited.get(s.event.id, [])) for s in history]
        for rep, history in owned_series(events).items()
    }


def upcoming_in(
    pair: Pair, history: History, *, now: dt.datetime, horizon: dt.timedelta = NEXT_HORIZON
) -> list[Upcoming]:
    """``upcoming_meetings`` of the pair's series already picked out (``series_histories``)."""
    window = {"time_min": now - pair.duration - dt.timedelta(days=1), "time_max": now + horizon}
    found = []
    for series, own in history:
        if series.event.cancelled:
            continue
        for original, exc, start, end in occurrence_times(series, own, pair.duration, **window):
            if end > now and not (exc and exc.cancelled) and not _paused(pair, start):
                found.append(Upcoming(start, end, original))
    return sorted(found, key=lambda u: u.start)


def paused_meetings(
    pair: Pair, *, now: dt.datetime, horizon: dt.timedelta = NEXT_HORIZON
) -> list[tuple[dt.datetime, str]]:
    """The pair's planned 1:1s within ``horizon`` whose day is in a pause, with its reason."""
    out: list[tuple[dt.datetime, str]] = []
    if not pair.pauses:  # nothing to look for, and no dates to work out
        return out
    for start in next_occurrences(pair, now=now, count=horizon.days // 7 + 2):
        pause = paused_at(pair, start)
        if pause is not None and start < now + horizon:
            word = "skipped" if pause.skip else "paused"
            out.append((start, f"{word}: {pause.reason}" if pause.reason else word))
    return out


def next_meeting(
    pair: Pair,
    upcoming: Sequence[Upcoming],
    *,
    now: dt.datetime,
) -> tuple[dt.datetime | None, bool]:
    """The next 1:1 from the cached calendar, else from the config (not in the calendar yet)."""
    if upcoming:
        return upcoming[0].start, True
    planned = [s for s in next_occurrences(pair, now=now, count=8) if not _paused(pair, s)]
    return (planned[0] if planned else None), False


def recap_state(
    pair: Pair, last: LedgerEntry | None, rows: Sequence[RecapRow], *, now: dt.datetime
) -> str:
    """Whether the recap of the last 1:1 held went out, and in time."""
    if last is None:
        return ""
    wanted = thread_key(last.series_id, last.original_start)
    mine = [
        r
        for r in rows
        if r.thread_key == wanted or same_occurrence(r.key, last.series_id, last.original_start)
    ]
    deadline = last.end + pair.recap.deadline
    sent = [r for r in mine if r.state == "SENT" and r.sent_at]
    if sent:
        at = min(dt.datetime.fromisoformat(r.sent_at or "") for r in sent)
        return "sent" if at <= deadline else "sent late"
    return "late" if now > deadline else "pending"


def _paused(pair: Pair, start: dt.datetime) -> bool:
    if not pair.pauses:  # most pairs: no zone arithmetic for nothing
        return False
    day = start.astimezone(ZoneInfo(pair.manager.timezone)).date()
    return any(p.start <= day <= p.until for p in pair.pauses)


# -- words --------------------------------------------------------------------------------------
def when(moment: dt.datetime, tz: str) -> str:
    """``Tue 24 Nov 13:00 EST``."""
    return words.when(moment, tz, year=False)


def rep_row(rs: RepStatus, *, utc: bool = False) -> dict[str, str]:
    """One rep's line as words, shared by the text table, the page and the digest (times in
    the manager's zone and the rep's, or both in UTC for an operator)."""
    pair, summary, oldest = rs.pair, rs.summary, rs.oldest_item
    mine = "UTC" if utc else pair.manager.timezone
    if rs.next_start is None:
        next_manager = next_rep = "none planned"
    else:
        next_manager = when(rs.next_start, mine)
        next_rep = when(rs.next_start, "UTC" if utc else pair.rep.timezone)
        if not rs.next_in_calendar:
            next_manager += " (not in the calendar yet)"
    last = summary.last_held
    return {
        "rep": pair.rep.name,
        "email": pair.rep.email,
        "next_manager": next_manager,
        "next_rep": next_rep,
        "last_held": when(last.start, mine) if last else "none yet",
        "held": str(summary.held),
        "moved": str(summary.moved),
        "missed": str(summary.missed),
        "streak": str(summary.streak),
        "recap": rs.recap or "-",
        "open_items": str(len(rs.open_items)),
        "oldest_item": f"{oldest.text} (since {oldest.opened_on:%d %b})" if oldest else "",
        "paused": ", ".join(f"{when(start, mine)} ({reason})" for start, reason in rs.paused),
    }


def read_status(
    config: Config, *, now: dt.datetime, manager: str | None = None
) -> list[ManagerStatus]:
    """Open the state database read-only, gather, close (each call its own connection)."""
    store = Store(config.state, readonly=True)
    try:
        return gather_status(config, store, recap_rows(store.conn), now=now, manager=manager)
    finally:
        store.close()
