"""The rep's whole inbox after the service creates their series: Google's one invitation."""

from __future__ import annotations

import datetime as dt

from integrations.sandbox import SandboxAdmin
from tests.e2e.conftest import SAM, Env
from tests.inbox import inbox, summary

NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)  # Wednesday: no prep due yet


def test_a_new_series_reaches_the_rep_as_exactly_one_google_invitation(env: Env) -> None:
    config = env.config(SAM)
    env.run(config, NOW)
    admin = SandboxAdmin(env.url)
    received = inbox("sam@example.com", outbox=env.tmp / "outbox", admin=admin)
    assert summary(received) == ["google:invitation"]
    invitation = received[0]
    assert invitation.event["recurrence"][0].startswith("RRULE:FREQ=WEEKLY")
    assert inbox("dana@example.com", outbox=env.tmp / "outbox", admin=admin) == []
