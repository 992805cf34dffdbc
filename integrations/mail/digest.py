"""The weekly digest: every Monday at 08:00 in the manager's zone, one email with the week ahead.

It holds this week's 1:1s, what became of last week's (the ledger), recaps whose deadline passed
without one, the open action items, and a bar chart of 1:1s held per rep over 8 weeks (HTML
bars with each rep's full name and number, the same numbers as a table in the text part). Its
key ``digest:{manager}:{ISO week}`` makes it once a week, however often a pass runs.

When it falls due is ``scheduler.digest_timing``; the pass queues it (``reconcile.digests``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from integrations.mail.render import Renderer
from integrations.state.status_read import WINDOW, ManagerStatus, rep_row, when
from scheduler import words
from scheduler.digest_timing import digest_key, week_start
from scheduler.ledger import LedgerEntry
from scheduler.model import Pair, Person
from scheduler.ports import Address, OutgoingEmail
from scheduler.vocabulary import EmailKind

STATE_WORDS = {
    "held": "held",
    "held_moved": "moved the same day",
    "moved_day": "moved to another day",
    "skipped": "skipped",
    "missed": "missed",
}


def digest_context(status: ManagerStatus, *, now: dt.datetime) -> dict[str, Any]:
    """What the ``digest`` templates read; every time already in words."""
    manager = status.manager
    this_week = week_start(manager.timezone, now)
    last_week = this_week - dt.timedelta(days=7)
    next_week = this_week + dt.timedelta(days=7)
    meetings, ledger, late, items, chart = [], [], [], [], []
    for rs in status.reps:
        name = rs.pair.rep.name
        for up in rs.upcoming:
            if up.start < next_week:
                meetings.append((up.start, _meeting_row(name, up.start, up.moved, rs.pair)))
        for entry in rs.entries:
            if last_week <= entry.original_start < this_week:
                ledger.append((entry.original_start, _ledger_row(name, entry, manager)))
        late += [{"rep": name, "when": when(e.start, manager.timezone)} for e in rs.late_recaps]
        row = rep_row(rs)
        items.append({"rep": name, "count": row["open_items"], "oldest": row["oldest_item"]})
        chart.append({"rep": name, "held": rs.summary.held})
    top = max([rs.summary.held for rs in status.reps] + [0])
    for bar, rs in zip(chart, status.reps, strict=True):
        # a share of the widest bar; an all-zero week shows empty tracks and zeros
        bar["share"] = round(100 * rs.summary.held / top) if top else 0
    monday = this_week.astimezone(ZoneInfo(manager.timezone))
    return {
        "manager": manager,
        "digest": {
            "week_of": words.day(monday, year=True),
            "weeks": WINDOW.days // 7,
            "meetings": [m for _, m in sorted(meetings, key=lambda m: m[0])],
            "ledger": [r for _, r in sorted(ledger, key=lambda r: r[0])],
            "late_recaps": late,
            "open_items": items,
            "chart": {"rows": chart},
        },
    }


def _meeting_row(name: str, start: dt.datetime, moved: bool, pair: Pair) -> dict[str, Any]:
    return {
        "rep": name,
        "when": when(start, pair.manager.timezone),
        "rep_when": when(start, pair.rep.timezone),
        "moved": moved,
    }


def _ledger_row(name: str, entry: LedgerEntry, manager: Person) -> dict[str, str]:
    return {
        "rep": name,
        "planned": when(entry.original_start, manager.timezone),
        "state": STATE_WORDS[entry.state],
        "reason": entry.reason,
        "missed": "yes" if entry.state == "missed" else "",
    }


def build_digest(
    status: ManagerStatus, *, now: dt.datetime, renderer: Renderer, sender: Address
) -> OutgoingEmail:
    """The digest for one manager."""
    context = digest_context(status, now=now)
    rendered = renderer.render("digest", **context)
    manager = status.manager
    return OutgoingEmail(
        key=digest_key(manager, now),
        kind=EmailKind.DIGEST,
        sender=sender,
        to=(Address(manager.email, manager.name),),
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
    )
