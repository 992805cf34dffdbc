"""``oneonone outbox`` lists what did not go out and can show, retry or drop it; ``oneonone
preview`` renders a pair's email without queueing anything. Both through the command line."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from pathlib import Path

from daemon import main
from tests.mail.conftest import free_port

NOW = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
PREP_TIME = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles}"
)


def cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_outbox_lists_shows_drops_and_retries_what_did_not_go_out(env, smtp_server, capsys):
    port = free_port()
    smtp = f"{{host: 127.0.0.1, port: {port}, starttls: false}}"
    config = env.config(SAM, email=f"email: {{provider: smtp, smtp: {smtp}}}")
    path = str(config.source)
    env.run(config, NOW)
    env.run(config, PREP_TIME)  # nothing listens: the preps and the digest wait
    code, out = cli(capsys, "outbox", "-c", path)
    assert code == 0
    assert out.count("PENDING  prep ") == 2
    assert "PENDING  digest   to dana@example.com" in out
    assert "ConnectionRefusedError" in out
    code, out = cli(capsys, "outbox", "show", "digest:", "-c", path)
    assert code == 0
    assert "To: Dana Whitfield <dana@example.com>" in out
    assert "Subject: Your 1:1s, week of Mon 23 Nov 2026" in out
    code, out = cli(capsys, "outbox", "drop", "digest:", "-c", path)
    assert code == 0
    assert "dropped" in out
    code, out = cli(capsys, "outbox", "retry", "prep:", "-c", path)  # two match: refused
    assert code != 0
    server = smtp_server()
    up = f"{{host: 127.0.0.1, port: {server.port}, starttls: false}}"
    live = env.config(SAM, email=f"email: {{provider: smtp, smtp: {up}}}")
    env.run(live, PREP_TIME + dt.timedelta(hours=2))  # past the backoff: the preps go
    assert sorted(r for _, rcpts, _ in server.handler.received for r in rcpts) == [
        "dana@example.com",
        "sam@example.com",
    ]
    code, out = cli(capsys, "outbox", "-c", path)
    assert "DROPPED  digest" in out
    assert "prep" not in out
    code, out = cli(capsys, "outbox", "retry", "digest:", "-c", path)
    assert code == 0
    env.run(live, PREP_TIME + dt.timedelta(hours=2, minutes=1))
    kinds = [
        email.message_from_bytes(data, policy=email.policy.default)["X-Oneonone-Kind"]
        for _, _, data in server.handler.received
    ]
    assert sorted(kinds) == ["digest", "prep", "prep"]


def test_preview_renders_the_reps_prep_and_queues_nothing(env, capsys, tmp_path: Path):
    config = env.config(SAM)
    html = tmp_path / "prep.html"
    code, out = cli(
        capsys, "preview", "-c", str(config.source), "sam@example.com", "--on", "2026-11-24",
        "--html", str(html),
    )  # fmt: skip
    assert code == 0
    assert 'From: "1:1 keeper" <oneonone@example.com>' in out
    assert "To: Sam Ortiz <sam@example.com>" in out
    assert "Subject: 1:1 Dana Whitfield / Sam Ortiz, Tue 24 Nov" in out
    assert "10:00 PST (America/Los_Angeles)" in out
    assert html.read_text().startswith("<!DOCTYPE html>")
    assert not (env.tmp / "outbox").exists()
    assert not (env.tmp / "state.db").exists()
    code, out = cli(
        capsys, "preview", "-c", str(config.source), "sam", "--email", "prep_manager",
        "--on", "2026-11-24",
    )  # fmt: skip
    assert "To: Dana Whitfield <dana@example.com>" in out
    assert "13:00 EST (America/New_York)" in out
