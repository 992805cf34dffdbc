"""Adopting a series a manager made herself: it settles in the pass that adopts, keeps her title
and description, and the meetings held before the service took charge stay none of its business
(no recap, reminder, ledger entry or digest line), even after the state file is lost."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from integrations.sandbox import SandboxAdmin
from integrations.state.ledger_store import LedgerStore
from integrations.state.store import Store
from tests.e2e.conftest import SAM, Env
from tests.inbox import inbox, summary

NY = ZoneInfo("America/New_York")
WEDNESDAY = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)  # the Tue 24 Nov 1:1 is over
HERS = {
    "id": "humanmade001",
    "summary": "Dana / Sam catch-up",
    "description": "Our weekly catch-up. Bring whatever is on your mind.",
    "start": {"dateTime": "2026-11-03T10:00:00", "timeZone": "America/New_York"},
    "end": {"dateTime": "2026-11-03T10:45:00", "timeZone": "America/New_York"},
    "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU"],
    "attendees": [{"email": "dana@example.com"}, {"email": "sam@example.com"}],
}


def writes(admin: SandboxAdmin) -> int:
    return int(admin.counts()["writes"])


def test_adoption_settles_in_one_pass_keeps_her_title_and_tells_the_rep_nothing(
    env: Env, admin: SandboxAdmin
) -> None:
    admin.insert_event("dana@example.com", HERS)
    config = env.config(SAM)
    admin.reset_counts()
    report = env.run(config, WEDNESDAY)
    assert [o.action.verb for o in report.outcomes] == ["adopt-series"]
    assert writes(admin) == 1
    for minutes in (1, 2, 3):
        admin.reset_counts()
        again = env.run(config, WEDNESDAY + dt.timedelta(minutes=minutes))
        assert again.outcomes == []
        assert writes(admin) == 0
    for who in ("dana@example.com", "sam@example.com"):
        series = admin.get_event(who, "humanmade001")
        assert series["summary"] == "Dana / Sam catch-up"
        assert series["description"] == HERS["description"]
    assert summary(inbox("sam@example.com", outbox=env.tmp / "outbox", admin=admin)) == []


def test_adopting_a_shorter_series_gives_it_the_configured_length_and_the_rep_one_update(
    env: Env, admin: SandboxAdmin
) -> None:
    admin.insert_event(
        "dana@example.com",
        {**HERS, "end": {"dateTime": "2026-11-03T10:30:00", "timeZone": "America/New_York"}},
    )
    config = env.config(SAM)
    env.run(config, WEDNESDAY)
    admin.reset_counts()
    assert env.run(config, WEDNESDAY + dt.timedelta(minutes=1)).outcomes == []
    assert writes(admin) == 0
    copy = admin.get_event("sam@example.com", "humanmade001")
    assert copy["end"]["dateTime"].startswith("2026-11-03T10:45")
    received = inbox("sam@example.com", outbox=env.tmp / "outbox", admin=admin)
    assert summary(received) == ["google:update"]


def test_meetings_held_before_adoption_get_no_recap_reminder_ledger_entry_or_digest_line(
    env: Env, admin: SandboxAdmin
) -> None:
    admin.insert_event("dana@example.com", HERS)
    config = env.config(SAM)
    passes = [WEDNESDAY + dt.timedelta(hours=h) for h in (0, 5, 24, 49)]
    passes.append(dt.datetime(2026, 11, 30, 13, 30, tzinfo=dt.UTC))  # Monday: the digest
    for i, now in enumerate(passes):
        if i == 2:  # the state file is lost: the series' own tag still says when it began
            for path in env.tmp.glob("state.db*"):
                path.unlink()
        env.run(config, now)
    outbox = env.tmp / "outbox"
    rep = summary(inbox("sam@example.com", outbox=outbox, admin=admin))
    assert "oneonone:recap" not in rep
    manager = inbox("dana@example.com", outbox=outbox, admin=admin)
    assert [m.kind for m in manager] == ["digest"]  # no reminder, no alert
    [digest] = manager
    assert "24 Nov" not in digest.text
    assert "17 Nov" not in digest.text
    store = Store(env.tmp / "state.db")
    try:
        assert LedgerStore(store).entries() == []
    finally:
        store.close()


def test_the_first_meeting_after_adoption_gets_its_prep_and_its_recap(
    env: Env, admin: SandboxAdmin
) -> None:
    admin.insert_event("dana@example.com", HERS)
    config = env.config(SAM)
    for now in (
        WEDNESDAY,
        dt.datetime(2026, 11, 30, 18, 30, tzinfo=dt.UTC),  # Monday: prep for Tue 1 Dec
        dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC),  # Thursday: past the 48 h deadline
    ):
        env.run(config, now)
    rep = inbox("sam@example.com", outbox=env.tmp / "outbox", admin=admin)
    assert summary(rep) == ["oneonone:prep", "oneonone:recap"]
    assert "1 Dec" in rep[1].subject
    store = Store(env.tmp / "state.db")
    try:
        [entry] = LedgerStore(store).entries()
    finally:
        store.close()
    assert entry.original_start.astimezone(NY) == dt.datetime(2026, 12, 1, 10, 0, tzinfo=NY)
