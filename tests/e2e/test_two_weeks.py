"""Two weeks of one rep's 1:1s, a pass every four hours: the rep's whole inbox holds exactly one
invitation, one prep and one recap per week, one notice for the one move, and nothing from Google
for the agenda written into each occurrence; her calendar shows what the manager's shows."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from integrations.sandbox import SandboxAdmin
from scheduler.series import series_id
from tests import calendar_view
from tests.e2e.conftest import Env
from tests.inbox import inbox, summary

NY = ZoneInfo("America/New_York")
START = dt.datetime(2026, 11, 18, 15, 0, tzinfo=dt.UTC)  # Wednesday
END = dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC)  # Friday after the second 1:1
CONFLICT_AT = dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC)  # Monday 18:00, after the prep
GOOGLE_REP = "sam@example.com"
OUTSIDE_REP = "olga@mailbox.example"
LO, HI = "2026-11-23T00:00:00+00:00", "2026-12-04T00:00:00+00:00"


@pytest.fixture(params=[GOOGLE_REP, OUTSIDE_REP], ids=["google-calendar", "no-google-calendar"])
def rep(request: pytest.FixtureRequest, admin: SandboxAdmin) -> str:
    admin.configure(
        domains=["example.com", "mailbox.example"], non_google_domains=["mailbox.example"]
    )
    return str(request.param)


def spans_of(admin: SandboxAdmin, owner: str, rep: str) -> list[calendar_view.Span]:
    ids = [series_id("dana@example.com", rep, 0)]
    return calendar_view.google_spans(admin, owner, ids, LO, HI)


def test_two_weeks_bring_one_invitation_one_prep_and_recap_a_week_and_one_notice_per_move(
    env: Env, admin: SandboxAdmin, rep: str
) -> None:
    config = env.config(
        f'      - {{name: Sam Ortiz, email: {rep}, day: tuesday, time: "13:00", '
        "timezone: America/New_York}"
    )
    verbs: list[str] = []
    now = START
    while now <= END:
        if now == CONFLICT_AT:
            admin.insert_event(
                "dana@example.com",
                {
                    "summary": "Board prep",
                    "start": {"dateTime": "2026-12-01T12:45:00-05:00"},
                    "end": {"dateTime": "2026-12-01T14:00:00-05:00"},
                },
            )
        report = env.run(config, now)
        assert not report.failed
        verbs += [o.action.verb for o in report.outcomes]
        now += dt.timedelta(hours=4)
    assert verbs.count("write-agenda") == 2
    assert verbs.count("move-occurrence") == 1
    received = inbox(rep, outbox=env.tmp / "outbox", admin=admin)
    assert summary(received) == [
        "oneonone:prep",  # Tue 24 Nov
        "oneonone:recap",
        "oneonone:prep",  # Tue 1 Dec
        "oneonone:move",
        "oneonone:recap",
        "google:invitation",  # the series, once; no Google update for the agendas or the move
    ]
    recaps = [m.subject for m in received if m.kind == "recap"]
    assert "24 Nov" in recaps[0]
    assert "1 Dec" in recaps[1]
    shown = spans_of(admin, "dana@example.com", rep)
    assert [s.astimezone(NY).strftime("%a %d %H:%M") for s, _ in shown] == [
        "Tue 24 13:00",
        "Tue 01 12:00",
    ]
    if rep == GOOGLE_REP:
        assert spans_of(admin, rep, rep) == shown
    else:
        assert calendar_view.emailed_spans(received, LO, HI) == shown
