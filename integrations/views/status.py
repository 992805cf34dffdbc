"""The manager's view of their 1:1s: per rep, what is next, what happened, what is still open.

One gathering (``gather_status``) feeds three readers: ``oneonone status`` (``status_text``),
the read-only ``/status`` page (``status_page``) and the weekly digest. It reads the state
database only (cached calendars, moves, the ledger, the outbox, action items): no API call.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import urllib.parse
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from integrations.mail.deliveries import Deliveries, DeliveryRow
from integrations.mail.notify import thread_key
from integrations.mail.render import Renderer
from integrations.state.items import ActionItems
from integrations.state.ledger_store import ledger_view, of_pair
from integrations.state.store import Store
from scheduler import words
from scheduler.bumps import MoveKey, occurrences
from scheduler.ledger import LedgerEntry, Summary, summarise
from scheduler.model import Config, Pair, Person
from scheduler.pauses import paused_at
from scheduler.ports import CalendarEvent, Interval, OutgoingEmail
from scheduler.recap import Item
from scheduler.recurrence import next_occurrences
from scheduler.series import owned_series

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


class _NoMailer:
    """Reading the outbox never sends: ``Deliveries`` wants a mailer, this one refuses."""

    def send(self, message: OutgoingEmail) -> str:
        raise RuntimeError("the status view reads the outbox, it never sends")


def recap_rows(conn: sqlite3.Connection) -> list[DeliveryRow]:
    """The recap rows of the outbox kept in the state database."""
    return Deliveries(conn, _NoMailer()).rows(kind="recap")


def gather_status(
    config: Config,
    store: Store,
    recaps: Sequence[DeliveryRow],
    *,
    now: dt.datetime,
    manager: str | None = None,
) -> list[ManagerStatus]:
    """Every manager's reps (or only ``manager``'s), in config order."""
    entries = ledger_view(config, store, now=now, since=now - HISTORY)
    items = ActionItems(store)
    moves = store.moves()
    out = []
    for m in config.managers:
        if manager is not None and m.person.email != manager.lower():
            continue
        events = store.cached_events(m.person.email)
        reps = []
        for pair in (p for p in config.pairs if p.manager.email == m.person.email):
            mine = of_pair(entries, pair.key)
            summary = summarise(mine, since=now - WINDOW)
            upcoming = upcoming_meetings(pair, events, moves, now=now)
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
    moves: Mapping[MoveKey, tuple[int, Interval]],
    *,
    now: dt.datetime,
    horizon: dt.timedelta = NEXT_HORIZON,
) -> list[Upcoming]:
    """The pair's 1:1s in the cached calendar that end after ``now``, soonest first."""
    history = owned_series(events).get(pair.rep.email.lower(), [])
    found = []
    for series in history:
        if series.event.cancelled:
            continue
        own = [e for e in events if e.recurring_event_id == series.event.id]
        window = {"time_min": now - pair.duration - dt.timedelta(days=1), "time_max": now + horizon}
        for occ in occurrences(series, own, moves, pair, **window):
            if occ.end > now and not occ.cancelled and not _paused(pair, occ.start):
                found.append(Upcoming(occ.start, occ.end, occ.original_start))
    return sorted(found, key=lambda u: u.start)


def paused_meetings(
    pair: Pair, *, now: dt.datetime, horizon: dt.timedelta = NEXT_HORIZON
) -> list[tuple[dt.datetime, str]]:
    """The pair's planned 1:1s within ``horizon`` whose day is in a pause, with its reason."""
    out = []
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
    pair: Pair, last: LedgerEntry | None, rows: Sequence[DeliveryRow], *, now: dt.datetime
) -> str:
    """Whether the recap of the last 1:1 held went out, and in time."""
    if last is None:
        return ""
    wanted = thread_key(last.series_id, last.original_start)
    prefix = f"recap:{last.series_id}:"
    mine = [r for r in rows if r.thread_key == wanted or _same_occurrence(r.key, prefix, last)]
    deadline = last.end + pair.recap.deadline
    sent = [r for r in mine if r.state == "SENT" and r.sent_at]
    if sent:
        at = min(dt.datetime.fromisoformat(r.sent_at or "") for r in sent)
        return "sent" if at <= deadline else "sent late"
    return "late" if now > deadline else "pending"


def _same_occurrence(key: str, prefix: str, entry: LedgerEntry) -> bool:
    if not key.startswith(prefix):
        return False
    rest = key[len(prefix) :]
    start = entry.original_start.astimezone(dt.UTC)
    return rest.startswith((f"{start:%Y%m%dT%H%M}", start.date().isoformat()))


def _paused(pair: Pair, start: dt.datetime) -> bool:
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


COLUMNS = (
    ("rep", "REP"),
    ("next_manager", "NEXT 1:1 (MANAGER)"),
    ("next_rep", "REP'S TIME"),
    ("last_held", "LAST HELD"),
    ("held", "HELD"),
    ("moved", "MOVED"),
    ("missed", "MISSED"),
    ("streak", "STREAK"),
    ("recap", "RECAP"),
    ("open_items", "OPEN ITEMS"),
)


def status_text(statuses: Sequence[ManagerStatus], *, utc: bool = False) -> str:
    """A plain table per manager; the oldest open item of each rep on a line below."""
    blocks = []
    for ms in statuses:
        rows = [rep_row(rs, utc=utc) for rs in ms.reps]
        widths = {k: max([len(t)] + [len(r[k]) for r in rows]) for k, t in COLUMNS}
        zone = "times in UTC" if utc else ms.manager.timezone
        lines = [
            f"{ms.manager.name} <{ms.manager.email}> ({zone}); "
            f"held / moved / missed over the last {WINDOW.days // 7} weeks",
            "  " + "  ".join(t.ljust(widths[k]) for k, t in COLUMNS).rstrip(),
        ]
        for row in rows:
            lines.append("  " + "  ".join(row[k].ljust(widths[k]) for k, _ in COLUMNS).rstrip())
            if row["oldest_item"]:
                lines.append(f"    oldest open item: {row['oldest_item']}")
            if row["paused"]:
                lines.append(f"    no 1:1 on: {row['paused']}")
        if not rows:
            lines.append("  no reps")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def status_html(
    statuses: Sequence[ManagerStatus],
    *,
    now: dt.datetime,
    renderer: Renderer | None = None,
    single: bool = False,
) -> str:
    """The read-only status page (HTML autoescaped): every manager with a link to her own
    page, or (``single``) one manager's page; times in each manager's zone."""
    renderer = renderer or Renderer()
    view = {
        "weeks": WINDOW.days // 7,
        "single": single,
        "managers": [
            {
                "name": ms.manager.name,
                "email": ms.manager.email,
                "timezone": ms.manager.timezone,
                "href": "/status/" + urllib.parse.quote(ms.manager.email, safe="@"),
                "generated": words.when(now, ms.manager.timezone),
                "reps": [rep_row(rs) for rs in ms.reps],
            }
            for ms in statuses
        ],
    }
    return renderer.html_env.get_template("status_page.html.j2").render(view=view)


def read_status(
    config: Config, *, now: dt.datetime, manager: str | None = None
) -> list[ManagerStatus]:
    """Open the state database, gather, close (each call its own connections)."""
    store = Store(config.state)
    conn = sqlite3.connect(str(Path(config.state)), timeout=10)
    try:
        return gather_status(config, store, recap_rows(conn), now=now, manager=manager)
    finally:
        conn.close()
        store.close()


def status_page(config: Config, *, now: dt.datetime) -> tuple[str, bytes]:
    """``ObservabilityServer(pages={"/status": lambda: status_page(config, now=clock.now())})``."""
    html = status_html(
        read_status(config, now=now), now=now, renderer=Renderer(config.templates_dir)
    )
    return "text/html; charset=utf-8", html.encode("utf-8")


def manager_page(config: Config, who: str, *, now: dt.datetime) -> tuple[str, bytes] | None:
    """``/status/<address>``: one manager's page; None (not found) for anyone else."""
    if all(m.person.email != who.strip().lower() for m in config.managers):
        return None
    statuses = read_status(config, now=now, manager=who.strip().lower())
    html = status_html(statuses, now=now, renderer=Renderer(config.templates_dir), single=True)
    return "text/html; charset=utf-8", html.encode("utf-8")
