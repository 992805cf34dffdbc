"""What the bump scenarios look at: an occurrence as each person's calendar shows it, and the
rep's whole inbox (the service's emails and Google's own notifications)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from integrations.sandbox import SandboxAdmin
from tests.inbox import inbox, summary

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)  # Wednesday 10:00 New York
"""Days before the agenda of next Tuesday's 1:1 is written, so the inbox holds what the bumps
did and nothing else."""
TUESDAY = dt.date(2026, 12, 1)


def after(moves: int, *, told: int | None = None) -> list[str]:
    """The rep's inbox once their series exists and has moved ``moves`` times, the service's
    notice sent for ``told`` of them (all by default): the service's emails, then Google's.

    A move reaches the rep once, as the service's notice (the patch is sent with
    sendUpdates=none); Google's only email is the invitation to the series.
    """
    told = moves if told is None else told
    return ["oneonone:move"] * told + ["google:invitation"]


def rep(name: str, email: str, day: str, time: str, tz: str = "America/New_York") -> str:
    return f'      - {{name: {name}, email: {email}, day: {day}, time: "{time}", timezone: {tz}}}'


def ny(day: dt.date, hhmm: str) -> str:
    hh, mm = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=NY).isoformat()


def meeting(admin: SandboxAdmin, user: str, summary: str, start: str, end: str) -> None:
    admin.insert_event(
        user, {"summary": summary, "start": {"dateTime": start}, "end": {"dateTime": end}}
    )


def occurrence(admin: SandboxAdmin, user: str, series: str, day: dt.date) -> dict[str, Any]:
    """The one occurrence of ``series`` originally on ``day``, as ``user``'s calendar has it."""
    lo = dt.datetime.combine(day, dt.time(0), tzinfo=NY).astimezone(dt.UTC)
    items = admin.instances(
        user,
        series,
        (lo - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        (lo + dt.timedelta(days=9)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        show_deleted=True,
    )
    [found] = [
        i
        for i in items
        if dt.datetime.fromisoformat(i["originalStartTime"]["dateTime"]).astimezone(NY).date()
        == day
    ]
    return found


def shown(item: dict[str, Any]) -> str:
    """``Tue 16:00-16:45`` in New York: what the person sees in their calendar."""
    start = dt.datetime.fromisoformat(item["start"]["dateTime"]).astimezone(NY)
    end = dt.datetime.fromisoformat(item["end"]["dateTime"]).astimezone(NY)
    return f"{start:%a %H:%M}-{end:%H:%M}"


def answer(item: dict[str, Any], email: str) -> str:
    return next(
        str(a.get("responseStatus", "needsAction"))
        for a in item.get("attendees", [])
        if a["email"] == email
    )


def rep_inbox(admin: SandboxAdmin, outbox: Any, email: str) -> list[str]:
    return summary(inbox(email, outbox=outbox, admin=admin))
