"""A failed email is seen: with the SMTP server down, a pass says the prep was queued and not
sent, logs each failed attempt with the server's error, and a message refused for good makes
``run --once`` exit non-zero."""

from __future__ import annotations

import datetime as dt
import logging

from integrations.clock import FixedClock
from integrations.shell.wiring import wire
from integrations.views.run_report import exit_code, print_actions, print_emails
from tests.mail.conftest import free_port

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)  # the Friday before
PREP_TIME = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles}"
)


def smtp_at(port: int) -> str:
    return f"email: {{provider: smtp, smtp: {{host: 127.0.0.1, port: {port}, starttls: false}}}}"


def run_once(env, config, now):
    lines: list[str] = []
    with wire(config, sandbox_url=env.url, clock=FixedClock(now)) as wired:
        report = wired.runner.run_pass(now=now)
        print_actions(report, lines.append)
        print_emails(report.emails, wired.runner.notifier.deliveries, lines.append)
    return report, lines


def test_with_the_smtp_server_down_the_pass_says_queued_not_sent_and_logs_why(env, caplog):
    config = env.config(SAM, email=smtp_at(free_port()))  # nothing listens there
    run_once(env, config, NOW)
    with caplog.at_level(logging.WARNING, logger="oneonone.mail"):
        report, lines = run_once(env, config, PREP_TIME)
    preps = [line for line in lines if "send-prep" in line]
    assert len(preps) == 2
    assert all(line.startswith("queued ") for line in preps)
    assert not any(line.startswith("done") and "send-prep" in line for line in lines)
    retrying = [line for line in lines if line.startswith("retrying prep to ")]
    assert len(retrying) == 2
    assert "ConnectionRefusedError" in retrying[0]
    # the two preps and Monday's digest to Dana
    assert lines[-1].startswith("emails: 0 sent, 3 to retry, 0 failed, 0 dropped; 3 waiting")
    attempts = [r for r in caplog.records if r.getMessage().startswith("mail.retry")]
    assert len(attempts) == 3
    assert "SMTP 127.0.0.1" in attempts[0].getMessage()
    assert "ConnectionRefusedError" in attempts[0].getMessage()
    assert exit_code(report) == 0  # it will be retried: said, not failed


def test_a_message_the_server_refuses_for_good_fails_the_run(env, smtp_server):
    server = smtp_server()
    server.handler.rcpt_reply["sam@example.com"] = "550 5.1.1 no such user"
    config = env.config(SAM, email=smtp_at(server.port))
    run_once(env, config, NOW)
    report, lines = run_once(env, config, PREP_TIME)
    [failed] = [line for line in lines if line.startswith("FAILED")]
    assert failed.startswith("FAILED   prep to sam@example.com: ")
    assert "550" in failed
    assert [line for line in lines if line.startswith("sent     prep to dana@example.com")]
    assert exit_code(report) == 1
    assert [rcpts for _, rcpts, _ in server.handler.received] == [["dana@example.com"]] * 2
    # her digest and her prep; nothing reached Sam
