"""``oneonone doctor``: each check against real files, a real token store and the sandbox."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from daemon import main
from integrations.shell.checks import Check
from integrations.shell.doctor import check_token_store, doctor
from integrations.state.statelock import StateLock
from integrations.state.store import Store
from tests.service.conftest import PRIYA, SAM, Setup, needs_token_uri

DANA = "dana@example.com"
LEE = "lee@example.com"
LINE = re.compile(r"^(ok  |FAIL|warn)  .+ — .*$")


RANDOM_KEY = "XR8fDJp0lQ2c3Yk9bW5uZ1Jt6sVx4aHq7eNm0oLd8Ck="


def run_doctor(path: Path, **kwargs: object) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = doctor(path, out=out, **kwargs)  # type: ignore[arg-type]
    return code, out.getvalue().splitlines()


def lines_about(lines: list[str], what: str) -> list[str]:
    return [line for line in lines if f"  {what} — " in line]


@pytest.fixture
def sandboxed(setup: Setup) -> Setup:
    setup.provider = "sandbox"
    return setup


def test_a_healthy_sandbox_install_passes_every_check(sandboxed):
    path = sandboxed.write({DANA: [SAM], LEE: [PRIYA]})
    code, lines = run_doctor(path, sandbox_url=sandboxed.url)
    assert code == 0, lines
    checks = lines[:-1]
    assert all(LINE.match(line) for line in checks if not line.startswith("      ")), checks
    assert lines_about(lines, "config")[0].startswith("ok    config — ")
    for email in (DANA, LEE):
        assert lines_about(lines, f"login {email}")[0].startswith("ok")
        assert lines_about(lines, f"scopes {email}")[0].startswith("ok")
        assert lines_about(lines, f"calendar {email}")[0].startswith("ok")
    assert lines[-1] == "doctor: all checks passed"


def test_the_sandbox_provider_refreshes_against_its_own_in_process_sandbox(sandboxed):
    path = sandboxed.write({DANA: [SAM]})
    code, lines = run_doctor(path)  # no sandbox given: doctor starts one like the service does
    assert code == 0, lines
    assert lines_about(lines, f"login {DANA}") == [f"ok    login {DANA} — the refresh token works"]


def test_a_broken_config_fails_with_file_and_line_and_stops_there(sandboxed):
    path = sandboxed.write({DANA: [SAM]}, broken="\n    cadnce: weekly\n")
    code, lines = run_doctor(path)
    assert code == 1
    assert lines[0].startswith("FAIL  config — ")
    assert any(re.search(rf"{re.escape(str(path))}:\d+: .*cadnce", line) for line in lines)
    assert not lines_about(lines, f"login {DANA}")


def test_state_modes_too_open_are_warned_with_the_fix(sandboxed):
    path = sandboxed.write({DANA: [SAM]})
    state = sandboxed.tmp / "var" / "state.db"
    Store(state).close()
    state.chmod(0o644)
    state.parent.chmod(0o755)
    code, lines = run_doctor(path, sandbox_url=sandboxed.url)
    assert code == 0
    assert lines_about(lines, "state")[0].startswith("ok    state — ")
    assert "schema version" in lines_about(lines, "state")[0]
    assert lines_about(lines, "state file") == [
        f"warn  state file — {state} was 0644; opening it set 0600"
    ]
    assert lines_about(lines, "state folder")[0].endswith(f"chmod 700 {state.parent}")


def test_a_missing_state_is_a_warning_not_a_failure(sandboxed):
    code, lines = run_doctor(sandboxed.write({DANA: [SAM]}), sandbox_url=sandboxed.url)
    assert code == 0
    assert lines_about(lines, "state")[0].startswith("warn")


def test_parked_managers_are_listed(sandboxed):
    import datetime as dt

    path = sandboxed.write({DANA: [SAM], LEE: [PRIYA]})
    store = Store(sandboxed.tmp / "var" / "state.db")
    store.parking.park(LEE, until=dt.datetime(2099, 1, 1, tzinfo=dt.UTC), reason="login revoked")
    store.close()
    code, lines = run_doctor(path, sandbox_url=sandboxed.url)
    assert lines_about(lines, f"parked {LEE}") == [f"warn  parked {LEE} — login revoked"]
    assert not lines_about(lines, f"parked {DANA}")
    assert code == 0


def test_a_running_service_is_named_by_its_pid_and_command(sandboxed):
    path = sandboxed.write({DANA: [SAM]})
    state = sandboxed.tmp / "var" / "state.db"
    Store(state).close()
    lock = StateLock(state, command=f"oneonone run -c {path}")
    lock.acquire()
    try:
        _, lines = run_doctor(path, sandbox_url=sandboxed.url)
    finally:
        lock.release()
    assert lines_about(lines, "service") == [
        f"ok    service — in use by pid {os.getpid()} (oneonone run -c {path})"
    ]


def test_the_token_store_is_described_and_a_missing_login_fails(setup, monkeypatch):
    monkeypatch.setenv("ONEONONE_TOKEN_KEY", RANDOM_KEY)
    text = setup.write({DANA: [SAM]}).read_text()
    setup.path.write_text(text.replace("auth: authorized_user_file", "auth: keyring"))
    code, lines = run_doctor(setup.path)
    assert code == 1
    store_line = lines_about(lines, "token store")[0]
    assert store_line.startswith("ok    token store — AES-GCM encrypted files")
    assert "a random key" in store_line
    assert lines_about(lines, "token key") == [
        "ok    token key — a random 32-byte key, from $ONEONONE_TOKEN_KEY"
    ]
    login = lines_about(lines, f"login {DANA}")[0]
    assert login.startswith("FAIL")
    assert f"oneonone auth login {DANA}" in login


@pytest.mark.parametrize(
    ("key", "why"),
    [
        pytest.param(
            "password1234password1234password", "the passphrase repeats itself", id="issue"
        ),
        pytest.param(
            "A" * 43 + "=",
            "the raw key repeats a few byte values: it was not made at random",
            id="zero-bytes",
        ),
    ],
)
def test_a_weak_token_key_fails_with_how_to_make_a_random_one(setup, monkeypatch, key, why):
    monkeypatch.setenv("ONEONONE_TOKEN_KEY", key)
    text = setup.write({DANA: [SAM]}).read_text()
    setup.path.write_text(text.replace("auth: authorized_user_file", "auth: keyring"))
    code, lines = run_doctor(setup.path)
    assert code == 1
    assert lines_about(lines, "token key") == [
        f"FAIL  token key — {why} (in $ONEONONE_TOKEN_KEY). Make a random key (head -c 32 "
        "/dev/urandom | base64), put it in its place, and log each manager in again"
    ]
    assert key not in "\n".join(lines)


def test_a_credentials_file_readable_by_others_fails(setup):
    from daemon import load_config

    setup.login(DANA).chmod(0o644)
    config = load_config(setup.write({DANA: [SAM]}))
    checks = list(check_token_store(config))  # no login attempt: nothing leaves the machine
    file = setup.creds / f"{DANA}.json"
    assert checks == [Check("FAIL", "credentials file", f"{file} is 0644: chmod 600 {file}")]


@needs_token_uri
def test_google_provider_logins_are_refreshed_at_the_files_token_endpoint(setup, admin):
    setup.login(DANA)
    setup.login(LEE, scopes=["https://www.googleapis.com/auth/calendar.events"])
    admin.revoke_tokens(DANA)
    path = setup.write({DANA: [SAM], LEE: [PRIYA]})
    code, lines = run_doctor(path)
    assert code == 1
    dana = lines_about(lines, f"login {DANA}")[0]
    assert dana.startswith("FAIL")
    assert "invalid_grant" in dana
    lee = lines_about(lines, f"login {LEE}")[0]
    assert lee.startswith("FAIL")
    assert "lacks scopes" in lee
    assert "gmail.send" in lee


def test_the_doctor_subcommand_prints_the_checks_and_sets_the_exit_code(sandboxed, capsys):
    path = sandboxed.write({DANA: [SAM]}, broken="\n    cadnce: weekly\n")
    assert main(["doctor", "-c", str(path)]) == 1
    assert capsys.readouterr().out.startswith("FAIL  config — ")


def test_multi_line_details_are_indented_under_their_check():
    text = Check("warn", "token store", "first\nsecond").line()
    assert text == "warn  token store — first\n      second"


def test_metrics_auth_without_its_secret_fails_and_with_it_is_described(setup, monkeypatch):
    setup.extra = "metrics_port: 9464\nmetrics_access: {auth: token}\n"
    setup.login(DANA)
    path = setup.write({DANA: [SAM]})
    monkeypatch.delenv("ONEONONE_METRICS_SECRET", raising=False)
    monkeypatch.delenv("CREDENTIALS_DIRECTORY", raising=False)
    _, lines = run_doctor(path)
    [line] = lines_about(lines, "metrics access")
    assert line.startswith(
        "FAIL  metrics access — metrics_access.auth is token but no secret is set"
    )
    monkeypatch.setenv("ONEONONE_METRICS_SECRET", "a-long-enough-metrics-secret")
    _, lines = run_doctor(path)
    assert lines_about(lines, "metrics access") == [
        "ok    metrics access — port 9464, Host 127.0.0.1, localhost, token auth"
    ]
