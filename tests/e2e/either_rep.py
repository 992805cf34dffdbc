"""A rep of either kind, and the 1:1s both calendars show.

Tests that judge what a rep's calendar ends up showing run twice: once for a rep on Google
Calendar (her own copy of the event) and once for a rep whose calendar is not Google's (it holds
only what was emailed to her: Google's invitations and updates, and the service's iCalendar
parts). Both must show the same 1:1s as the manager's calendar.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from integrations.sandbox import SandboxAdmin
from scheduler.series import series_id
from tests import calendar_view
from tests.calendar_view import Span
from tests.e2e.conftest import Env
from tests.inbox import Received, inbox

NY = ZoneInfo("America/New_York")
GOOGLE_REP = "sam@example.com"
OUTSIDE_REP = "olga@mailbox.example"  # no Google Calendar: only emails reach her calendar


@pytest.fixture(
    name="rep", params=[GOOGLE_REP, OUTSIDE_REP], ids=["google-calendar", "no-google-calendar"]
)
def either_rep(request: pytest.FixtureRequest, admin: SandboxAdmin) -> str:
    """One organisation (free/busy visible both ways), one of its domains without Google
    Calendar: the rep's calendar then follows only what is emailed to her."""
    admin.configure(
        domains=["example.com", "mailbox.example"], non_google_domains=["mailbox.example"]
    )
    return str(request.param)


def inbox_of(env: Env, admin: SandboxAdmin, address: str) -> list[Received]:
    return inbox(address, outbox=env.tmp / "outbox", admin=admin)


def calendar_of(admin: SandboxAdmin, owner: str, rep: str, lo: str, hi: str) -> list[Span]:
    """The 1:1s of the pair on ``owner``'s Google calendar, every generation of the series."""
    ids = [series_id("dana@example.com", rep, gen) for gen in range(3)]
    return calendar_view.google_spans(admin, owner, ids, lo, hi)


def reps_calendar(env: Env, admin: SandboxAdmin, rep: str, lo: str, hi: str) -> list[Span]:
    """What the rep's own calendar shows: her Google copy, or else what her emails told it."""
    if rep == GOOGLE_REP:
        return calendar_of(admin, rep, rep, lo, hi)
    return calendar_view.emailed_spans(inbox_of(env, admin, rep), lo, hi)


def days(spans: list[Span]) -> list[str]:
    """The spans' starts as the manager in New York reads them."""
    return [s.astimezone(NY).strftime("%d %b %H:%M") for s, _ in spans]
