"""A login the token endpoint refuses for good is parked and told once, never retried: a revoked
grant (invalid_grant) and a grant narrower than the scopes the service asks for (invalid_scope)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import time

import pytest

from daemon import load_config
from integrations.sandbox import SandboxAdmin
from integrations.shell.wiring import wire
from integrations.state.store import Store
from scheduler.series import TAG
from tests.service.conftest import PRIYA, SAM, Setup, needs_token_uri

pytestmark = needs_token_uri

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
DANA = "dana@example.com"
LEE = "lee@example.com"
CALENDAR_ONLY = [
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.freebusy",
]  # the login was made before the service also asked for gmail.send


def alerts_to(setup: Setup, address: str) -> list[email.message.EmailMessage]:
    found = []
    for path in sorted((setup.tmp / "outbox").glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        if address in str(message["To"]) and "alert" in path.name:
            found.append(message)
    return found


@pytest.mark.parametrize("dead", ["invalid_scope", "invalid_grant"])
def test_a_dead_login_is_parked_and_told_once_and_the_other_manager_is_served(
    setup: Setup, admin: SandboxAdmin, dead: str
) -> None:
    setup.login(DANA)
    setup.login(LEE, scopes=CALENDAR_ONLY if dead == "invalid_scope" else None)
    if dead == "invalid_grant":
        admin.revoke_tokens(LEE)
    config = load_config(setup.write({DANA: [SAM], LEE: [PRIYA]}))
    began = time.monotonic()
    with wire(config) as wired:
        report = wired.run_pass(now=NOW)
        again = wired.run_pass(now=NOW + dt.timedelta(minutes=1))
    assert time.monotonic() - began < 10  # no backoff: nothing to wait for
    assert dead in report.manager_errors[LEE]
    assert "'oneonone auth login EMAIL' again" in report.manager_errors[LEE]
    assert again.manager_errors[LEE].startswith("parked: ")
    store = Store(config.state)
    try:
        assert store.parking.reason(LEE, NOW) is not None
    finally:
        store.close()
    [alert] = alerts_to(setup, LEE)  # told once, though two passes met the dead login
    assert dead in alert.get_body(("plain",)).get_content()
    assert admin.counts()["by_method"].get("oauth2.token", 0) <= 3  # Dana's, and Lee's one try
    dana = admin.list_events(DANA, privateExtendedProperty=f"{TAG}=series")
    assert [e for e in dana if "recurringEventId" not in e]  # Dana was served all the same
