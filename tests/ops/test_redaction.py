"""No secret reaches a log line: named values are masked by pattern, and every secret the
process loads is masked wherever it appears, for every logger of every command."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

import daemon
from daemon import load_config, main
from integrations.clock import FixedClock
from integrations.redaction import MASK, install, redact, redact_known, remember_secret
from integrations.shell.logs import JsonFormatter
from integrations.shell.wiring import build_mailer
from integrations.state import db
from tests.mail.conftest import RecordingHandler, free_port, make_email, password_checker

CONFIG = """\
timezone: America/Chicago
email:
  provider: smtp
  smtp: {host: 127.0.0.1, port: PORT, starttls: false, username: keeper}
managers: []
"""


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        pytest.param('{"token": "tok-1234567", "x": 1}', "tok-1234567", id="plain-token-json"),
        pytest.param("{'password': 'two words'}", "two words", id="quoted-with-a-space"),
        pytest.param("smtp_password: s3cr3t!", "s3cr3t!", id="smtp-password"),
        pytest.param("ONEONONE_TOKEN_KEY=c2VjcmV0", "c2VjcmV0", id="environment-variable"),
        pytest.param("X-Api-Key: abcdef123456", "abcdef123456", id="api-key-header"),
        pytest.param("GET /v1?key=AIzaSyA1b2C3&q=x", "AIzaSyA1b2C3", id="api-key-in-a-url"),
        pytest.param('{"key": "AIzaSyA1b2C3"}', "AIzaSyA1b2C3", id="key-in-json"),
        pytest.param("Authorization: Basic a2VlcGVyOnMzY3JldA==", "a2VlcGVyOnMzY3JldA", id="basic"),
        pytest.param("private_key_id=9f8e7d6c5b4a", "9f8e7d6c5b4a", id="private-key-id"),
        pytest.param("client_secret='GOCSPX-abc'", "GOCSPX-abc", id="client-secret-quoted"),
    ],
)
def test_a_value_named_as_a_secret_is_masked(text: str, secret: str) -> None:
    cleaned = redact(text)
    assert secret not in cleaned
    assert MASK in cleaned


@pytest.mark.parametrize(
    "text",
    [
        "OAuth tokens: no OS keyring backend is available",
        "integrations.sandbox.auth.TokenError: invalid_grant: Token has been expired",
        "pair key: dana@example.com/sam@example.com",
        "sync token of dana@example.com expired: reading the calendar again",
        "moved 1:1 dana@example.com/sam@example.com error_code=42 to 10:30",
    ],
)
def test_prose_that_only_mentions_a_secret_word_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_our_instructions_keep_their_name_value_templates() -> None:
    from integrations.google.secrets import HOW_TO_FIX

    assert redact_known(HOW_TO_FIX) == HOW_TO_FIX
    assert "LoadCredential=oneonone-token-key:/etc/oneonone/token.key" in HOW_TO_FIX


@pytest.fixture
def smtp_with_login() -> Iterator[int]:
    port = free_port()
    controller = Controller(
        RecordingHandler(), hostname="127.0.0.1", port=port, server_hostname="localhost",
        auth_required=False, auth_require_tls=False,
        authenticator=password_checker("keeper", "Tr0mb0ne-Harbour-81"),
    )  # fmt: skip
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def unfiltered_log() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A library's logger with a handler of its own and no filter at all."""
    stream = io.StringIO()
    logger = logging.getLogger("some.library")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield logger, stream
    logger.removeHandler(handler)
    logger.propagate = True


def test_the_smtp_password_is_masked_even_when_passed_positionally(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_with_login: int, unfiltered_log
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG.replace("PORT", str(smtp_with_login)))
    monkeypatch.setenv("ONEONONE_SMTP_PASSWORD", "Tr0mb0ne-Harbour-81")
    with contextlib.redirect_stderr(io.StringIO()):
        assert main(["check", "-c", str(path)]) == 0  # any command sets up the logging
    config = load_config(path)
    clock = FixedClock(dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC))
    mailer = build_mailer(config, None, clock, db.connect(":memory:"))  # type: ignore[arg-type]
    mailer.send(make_email())  # the real login: the password is loaded, and so known
    logger, stream = unfiltered_log
    logger.warning("smtp login as %s with %s", "keeper", "Tr0mb0ne-Harbour-81")
    logger.info("retrying", extra={"password": "hunter22", "note": "pw Tr0mb0ne-Harbour-81"})
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["msg"] == "smtp login as keeper with ***"
    assert (lines[1]["password"], lines[1]["note"]) == ("***", "pw ***")
    assert "Tr0mb0ne" not in stream.getvalue()


def test_every_command_logs_through_the_redaction_and_a_bug_becomes_exit_70(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("refresh failed: refresh_token=1//0gSecretRefresh99 for dana")

    monkeypatch.setattr(daemon, "cmd_status", broken)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["status", "-c", str(tmp_path / "none.yaml")])
    assert code == 70
    text = err.getvalue()
    assert "unexpected error (a bug; please report it)" in text
    assert "RuntimeError: refresh failed: refresh_token=*** for dana" in text
    assert "0gSecretRefresh99" not in text


def test_a_remembered_secret_is_masked_in_a_traceback_too(unfiltered_log) -> None:
    install()
    remember_secret("Sextant-Quill-4471")
    logger, stream = unfiltered_log
    try:
        raise ValueError("login refused for ('keeper', 'Sextant-Quill-4471')")
    except ValueError:
        logger.exception("while sending")
    entry = json.loads(stream.getvalue())
    assert "Sextant-Quill-4471" not in entry["exc"]
    assert "('keeper', '***')" in entry["exc"]


def test_a_thousand_remembered_refresh_tokens_are_each_masked_and_the_newest_at_once() -> None:
    """A service of 1,000 managers remembers a refresh token per manager as it loads them;
    the mask is built when a line is next written, so it covers every token loaded so far."""
    tokens = [f"1x-remembered-{i:04d}-Qv7" for i in range(1000)]
    for token in tokens[:999]:
        remember_secret(token)
    assert redact_known(f"sent as {tokens[500]} and {tokens[0]}") == "sent as *** and ***"
    remember_secret(tokens[999])
    assert redact_known(f"then {tokens[999]}.") == "then ***."
    assert redact_known("nothing here") == "nothing here"
