"""``doctor`` checks the email transports without sending, shows the sender as recipients will
read it, and says what is stuck in the outbox (a real aiosmtpd server on 127.0.0.1)."""

from __future__ import annotations

import contextlib

import pytest

from integrations.state import db
from tests.mail.conftest import free_port
from tests.service.conftest import SAM, Setup
from tests.service.test_doctor import DANA, lines_about, run_doctor


@pytest.fixture
def on_sandbox(setup: Setup) -> Setup:
    setup.provider = "sandbox"
    return setup


def with_email(setup: Setup, email: str):
    path = setup.write({DANA: [SAM]})
    old = "email: {provider: outbox, outbox_dir: ./outbox}"
    path.write_text(path.read_text().replace(old, email))
    return path


def test_a_reachable_smtp_server_passes_and_nothing_is_sent(on_sandbox, smtp_server):
    server = smtp_server()
    smtp = f"{{host: 127.0.0.1, port: {server.port}, starttls: false}}"
    path = with_email(on_sandbox, f"email: {{provider: smtp, smtp: {smtp}}}")
    code, lines = run_doctor(path, sandbox_url=on_sandbox.url)
    assert code == 0, lines
    [line] = lines_about(lines, "email smtp")
    assert line.startswith("ok    email smtp — SMTP 127.0.0.1:")
    assert "connect, EHLO, no login (nothing sent)" in line
    assert server.handler.received == []
    [sender] = lines_about(lines, "email from")
    assert sender == (
        'ok    email from — From: "1:1 keeper" <oneonone@example.com> '
        "(recipients see \u201c1:1 keeper\u201d)"
    )


def test_an_smtp_server_that_is_down_fails_the_doctor(on_sandbox):
    smtp = f"{{host: 127.0.0.1, port: {free_port()}, starttls: false}}"
    path = with_email(on_sandbox, f"email: {{provider: smtp, smtp: {smtp}}}")
    code, lines = run_doctor(path, sandbox_url=on_sandbox.url)
    assert code == 1
    [line] = lines_about(lines, "email smtp")
    assert line.startswith("FAIL  email smtp — SMTP 127.0.0.1:")
    assert "ConnectionRefusedError" in line
    assert lines[-1] == "doctor: problems found (FAIL lines above)"


def test_gmail_without_an_alerts_transport_warns_and_checks_the_folder_alerts_fall_back_to(
    on_sandbox,
):
    path = with_email(on_sandbox, "email: {provider: gmail, outbox_dir: ./outbox}")
    code, lines = run_doctor(path, sandbox_url=on_sandbox.url)
    assert code == 0, lines
    assert any(line.startswith("warn  config — ") and "email.alerts" in line for line in lines)
    [alerts] = lines_about(lines, "alerts outbox")
    assert alerts.startswith("ok    alerts outbox — ")
    assert alerts.endswith("outbox is writable")


def test_failed_and_waiting_messages_in_the_outbox_are_a_problem_named(on_sandbox):
    path = with_email(on_sandbox, "email: {provider: outbox, outbox_dir: ./outbox}")
    run_doctor(path, sandbox_url=on_sandbox.url)  # creates nothing; the state comes next
    state = on_sandbox.tmp / "var" / "state.db"
    state.parent.mkdir(exist_ok=True)
    with contextlib.closing(db.connect(state)) as conn, conn:
        conn.execute(
            "INSERT INTO outbox (key, kind, sender, recipient, payload, state, not_before, "
            "created_at, last_error) VALUES ('prep:x', 'prep', 's', 'sam@example.com', '{}', "
            "'FAILED', '2026-11-23', '2026-11-23', '550 no such user')"
        )
    code, lines = run_doctor(path, sandbox_url=on_sandbox.url)
    assert code == 1
    [line] = lines_about(lines, "outbox")
    assert line.startswith("FAIL  outbox — 1 failed for good, 0 waiting for a retry")
    assert "550 no such user" in line
