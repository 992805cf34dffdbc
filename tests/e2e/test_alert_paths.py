"""Alerts that must arrive although the manager's own sender is what broke: with Gmail (sent as
the manager, with her token) a revoked login reaches her and the ops address through the
``email.alerts`` transport, a real SMTP server here."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

from integrations.clock import FixedClock
from integrations.shell.wiring import wire

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 New York
PREP_TIME = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles}"
)


def gmail_with_alerts(port: int) -> str:
    return (
        'email: {provider: gmail, from: "1:1 keeper <keeper@example.com>", alerts: smtp, '
        f"smtp: {{host: 127.0.0.1, port: {port}, starttls: false}}}}"
    )


def inbox(server, address: str):
    return [
        email.message_from_bytes(data, policy=email.policy.default)
        for _, rcpts, data in server.handler.received
        if address in rcpts
    ]


def test_a_revoked_login_with_gmail_reaches_the_manager_and_ops_through_the_alerts_transport(
    env, admin, smtp_server
):
    server = smtp_server()
    config = env.config(
        SAM, email=gmail_with_alerts(server.port), extra="ops_email: ops@example.com\n"
    )
    assert config.email.provider == "gmail"
    clock = FixedClock(NOW)
    with wire(config, sandbox_url=env.url, clock=clock) as wired:  # one login, as a service has
        assert not wired.runner.run_pass(now=clock.now()).failed
        sent_before = len(admin.sent_mail(user="dana@example.com"))  # her Monday digest
        admin.revoke_tokens("dana@example.com")
        clock.advance(dt.timedelta(minutes=5))
        report = wired.runner.run_pass(now=clock.now())
        clock.advance(dt.timedelta(minutes=5))
        wired.runner.run_pass(now=clock.now())
    assert "dana@example.com" in report.manager_errors
    [to_ops] = inbox(server, "ops@example.com")
    [to_dana] = inbox(server, "dana@example.com")
    assert to_ops is not None
    assert to_dana["Message-ID"] == to_ops["Message-ID"]  # one message, To her, Cc ops
    assert [a.addr_spec for a in to_dana["To"].addresses] == ["dana@example.com"]
    assert [a.addr_spec for a in to_dana["Cc"].addresses] == ["ops@example.com"]
    assert str(to_dana["From"]) == '"1:1 keeper" <keeper@example.com>'
    assert to_dana["Subject"] == "Dana's Google login stopped working — 1:1s are on hold"
    text = to_dana.get_body(("plain",)).get_content()
    assert "Nothing was cancelled" in text
    assert report.emails is not None
    assert report.emails.failed == []
    assert len(admin.sent_mail(user="dana@example.com")) == sent_before  # not with the dead token
    assert len(server.handler.received) == 1  # told once, though the next pass failed too


def test_a_manager_whose_gmail_sending_is_refused_hears_it_and_her_mail_waits(
    env, admin, smtp_server
):
    server = smtp_server()
    config = env.config(SAM, email=gmail_with_alerts(server.port))
    env.run(config, NOW - dt.timedelta(days=3))  # the series, before Monday's digest
    admin.add_fault("gmail.users.messages.send", status=403, reason="insufficientPermissions")
    report = env.run(config, PREP_TIME)
    assert report.emails is not None
    assert [p.reason for p in report.emails.parked] == ["credentials"]
    [alert] = inbox(server, "dana@example.com")
    assert alert["Subject"] == "Emails as dana@example.com cannot be sent — held for now"
    assert "insufficientPermissions" in alert.get_body(("plain",)).get_content()
    assert report.emails.failed == []  # held, not lost
