"""/metrics counts the messages of the send-once outbox by state, so mail that cannot go out
is seen on a dashboard, and names the transport each route of email takes."""

from __future__ import annotations

import datetime as dt

import pytest

from daemon import load_config
from integrations.clock import FixedClock
from integrations.shell.service import Service
from tests.service.conftest import SAM, Setup, free_port
from tests.service.test_service import DANA, sample

MONDAY = dt.datetime(2026, 11, 23, 15, 30, tzinfo=dt.UTC)  # 23.5 h before Sam's Tuesday 1:1


@pytest.fixture
def on_sandbox(setup: Setup) -> Setup:
    setup.provider = "sandbox"
    return setup


def test_mail_that_cannot_go_out_shows_as_pending_by_kind_in_metrics(on_sandbox):
    sandboxed = on_sandbox
    path = sandboxed.write({DANA: [SAM]})
    smtp = f"{{host: 127.0.0.1, port: {free_port()}, starttls: false}}"  # nothing listens
    down = f"email: {{provider: smtp, smtp: {smtp}}}"
    path.write_text(
        path.read_text().replace("email: {provider: outbox, outbox_dir: ./outbox}", down)
    )
    service = Service(path, load_config(path), clock=FixedClock(MONDAY), sandbox_url=sandboxed.url)
    try:
        report = service.run_pass_now()
        assert report is not None
        assert report.emails is not None
        assert len(report.emails.retrying) == 3  # two preps and Monday's digest
        assert sample(service, "oneonone_outbox_messages", state="pending", kind="prep") == 2
        assert sample(service, "oneonone_outbox_messages", state="pending", kind="digest") == 1
        assert sample(service, "oneonone_outbox_messages", state="sent") == 0
        assert sample(service, "oneonone_outbox_messages", state="failed", kind="alert") == 0
        assert sample(service, "oneonone_email_transport", route="main", transport="smtp") == 1
        assert sample(service, "oneonone_email_transport", route="alerts", transport="smtp") == 1
        assert sample(service, "oneonone_emails_total", kind="prep", result="retrying") == 2
    finally:
        service.stop(timeout=5)
