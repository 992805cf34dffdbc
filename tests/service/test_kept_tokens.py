"""A manager's access token is kept beside her refresh token, so a new process does not ask the
token endpoint again within the hour: in the authorized-user file, or encrypted in the token
store. A token past its expiry is refreshed and kept anew; a revoked login is still parked;
``auth login`` and ``auth logout`` replace or remove the kept token with the login; ``plan``
writes nothing."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.auth.transport.requests import Request

import daemon
from integrations.clock import FixedClock, SystemClock
from integrations.google import auth
from integrations.google.google_client import SCOPES
from integrations.google.kept_tokens import LoginFile, StoredLogin, keep_refreshed, stored_access
from integrations.google.secrets import KeyringStore
from integrations.redaction import redact_known
from integrations.sandbox import Sandbox, SandboxAdmin
from integrations.shell.wiring import wire
from integrations.state.store import Store
from scheduler.series import TAG
from tests.ops.test_secrets import MemoryKeyring, key_text
from tests.service.conftest import PRIYA, SAM, Setup

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
DANA = "dana@example.com"
LEE = "lee@example.com"
TEAMS = {DANA: [SAM], LEE: [PRIYA]}
STALE = dt.datetime(2026, 1, 5, 10, 0)  # an expiry long past, naive UTC as google-auth keeps it


def tokens_asked(admin: SandboxAdmin) -> int:
    return int(admin.counts()["by_method"].get("oauth2.token", 0))


def run_once(setup: Setup) -> int:
    """``oneonone run --once``, a process of its own as far as credentials go."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        return daemon.main(["run", "--once", "-c", str(setup.path)])


def series_of(admin: SandboxAdmin, manager: str) -> list[dict[str, object]]:
    found = admin.list_events(manager, privateExtendedProperty=f"{TAG}=series")
    return [e for e in found if "recurringEventId" not in e]


def kept(path: Path) -> dict[str, object]:
    return dict(json.loads(path.read_text()))


@pytest.fixture
def keyring_setup(setup: Setup, monkeypatch: pytest.MonkeyPatch) -> Setup:
    """The logins in the encrypted token files, as on a server with a token key."""
    monkeypatch.setenv("ONEONONE_TOKEN_KEY", key_text(5))
    setup.write(TEAMS)
    setup.path.write_text(
        setup.path.read_text().replace("auth: authorized_user_file", "auth: keyring")
    )
    store = auth.store_for(daemon.load_config(setup.path))
    for email in TEAMS:
        grant = SandboxAdmin(setup.url).issue_token(email)
        store.set(auth.token_name(email), json.dumps({"type": "authorized_user", **grant}))
    return setup


# -- a second process uses the first one's tokens ------------------------------------------
def test_a_second_run_once_right_after_a_first_asks_the_token_endpoint_nothing(
    setup: Setup, admin: SandboxAdmin
) -> None:
    paths = [setup.login(email) for email in TEAMS]
    setup.write(TEAMS)
    assert run_once(setup) == 0
    assert tokens_asked(admin) == 2
    for path in paths:
        info = kept(path)
        assert str(info["token"]).startswith("ya29.")
        assert path.stat().st_mode & 0o777 == 0o600  # protected as the refresh token was
    admin.reset_counts()
    assert run_once(setup) == 0
    assert tokens_asked(admin) == 0
    assert admin.counts()["by_method"]["calendar.events.list"] == 2  # the pass itself ran
    assert len(series_of(admin, DANA)) == 1
    assert len(series_of(admin, LEE)) == 1


def test_the_token_store_keeps_the_access_token_encrypted_and_a_second_run_uses_it(
    keyring_setup: Setup, admin: SandboxAdmin
) -> None:
    assert run_once(keyring_setup) == 0
    assert tokens_asked(admin) == 2
    store = auth.store_for(daemon.load_config(keyring_setup.path))
    stored = json.loads(store.get(auth.token_name(DANA)) or "{}")
    token = str(stored["token"])
    folder = keyring_setup.tmp / "var" / "tokens"
    raw = b"".join(p.read_bytes() for p in folder.glob("*.token"))
    assert token.encode() not in raw
    assert b"ya29." not in raw
    admin.reset_counts()
    assert run_once(keyring_setup) == 0
    assert tokens_asked(admin) == 0
    assert len(series_of(admin, DANA)) == 1


# -- expiry --------------------------------------------------------------------------------
def test_a_stored_token_past_its_expiry_is_refreshed_before_use_and_kept_anew(
    setup: Setup, admin: SandboxAdmin
) -> None:
    path = setup.login(DANA)
    setup.write({DANA: [SAM]})
    assert run_once(setup) == 0
    info = kept(path)
    stale = dict(info, expiry="2026-01-05T10:00:00Z")
    path.write_text(json.dumps(stale))
    admin.reset_counts()
    assert run_once(setup) == 0
    assert tokens_asked(admin) == 1
    assert admin.counts()["by_status"].get("401", 0) == 0  # refreshed before it was sent
    assert kept(path)["token"] != info["token"]
    assert str(kept(path)["expiry"]) > "2026-01-05"


@pytest.fixture
def aging() -> Iterator[tuple[Sandbox, FixedClock]]:
    """A sandbox whose clock a test moves: Google's view of a token's age, not ours."""
    clock = FixedClock(SystemClock().now())
    sandbox = Sandbox(now=clock.now)
    sandbox.start()
    try:
        yield sandbox, clock
    finally:
        sandbox.stop()


def test_a_token_google_calls_expired_is_refreshed_on_its_401_and_the_run_works(
    tmp_path: Path, aging: tuple[Sandbox, FixedClock]
) -> None:
    sandbox, clock = aging
    admin = SandboxAdmin(sandbox.url)
    setup = Setup(tmp_path, sandbox.url)
    path = setup.login(DANA)
    setup.write({DANA: [SAM]})
    assert run_once(setup) == 0
    first = kept(path)["token"]
    clock.advance(dt.timedelta(seconds=3600))  # past expires_in; google-auth cannot know
    admin.reset_counts()
    assert run_once(setup) == 0
    assert admin.counts()["by_status"]["401"] == 1
    assert tokens_asked(admin) == 1
    renewed = str(kept(path)["token"])
    assert renewed != first
    assert redact_known(f"sent {renewed}") == "sent ***"  # the redaction knows the new token
    admin.reset_counts()
    assert run_once(setup) == 0
    assert tokens_asked(admin) == 0  # the new one was kept
    assert len(series_of(admin, DANA)) == 1


# -- a dead login is parked all the same ----------------------------------------------------
def test_a_revoked_login_with_a_kept_token_is_parked_and_the_other_manager_served(
    setup: Setup, admin: SandboxAdmin
) -> None:
    for email in TEAMS:
        setup.login(email)
    config = daemon.load_config(setup.write(TEAMS))
    with wire(config) as wired:
        wired.run_pass(now=NOW)  # both tokens kept
    admin.revoke_tokens(LEE)  # the person removed the app's access: every token of hers dies
    admin.reset_counts()
    later = NOW + dt.timedelta(days=1)
    with wire(config) as wired:
        report = wired.run_pass(now=later)
        again = wired.run_pass(now=later + dt.timedelta(minutes=1))
    assert "invalid_grant" in report.manager_errors[LEE]
    assert again.manager_errors[LEE].startswith("parked: ")
    assert DANA not in report.manager_errors
    assert tokens_asked(admin) == 1  # Lee's one try; Dana's kept token served her
    store = Store(config.state)
    try:
        assert store.parking.reason(LEE, later) is not None
    finally:
        store.close()


# -- auth login and logout ------------------------------------------------------------------
def test_a_new_login_replaces_the_kept_token_and_a_running_process_does_not_undo_it(
    keyring_setup: Setup, admin: SandboxAdmin
) -> None:
    config = daemon.load_config(keyring_setup.path)
    store = auth.store_for(config)
    name = auth.token_name(DANA)
    with wire(config) as wired:
        wired.run_pass(now=NOW)  # Dana's first login refreshed and kept
        grant = admin.issue_token(DANA)  # what ``auth login`` stores: a new login, fresh token
        fresh = auth.authorized_user_credentials(
            {"type": "authorized_user", **grant}, source="test"
        )
        fresh.refresh(Request())
        store.set(name, fresh.to_json())
        wired.pool.credentials(DANA).expiry = STALE  # the old login refreshes once more
        wired.run_pass(now=NOW + dt.timedelta(minutes=1))  # its write-back must not win
        assert wired.pool.credentials(DANA).token not in (None, fresh.token)
    stored = json.loads(store.get(name) or "{}")
    assert (stored["refresh_token"], stored["token"]) == (grant["refresh_token"], fresh.token)
    admin.reset_counts()
    assert run_once(keyring_setup) == 0
    assert tokens_asked(admin) == 0  # the new login's own token is used


def test_logout_removes_the_kept_token_and_a_running_process_does_not_bring_it_back(
    keyring_setup: Setup, admin: SandboxAdmin
) -> None:
    config = daemon.load_config(keyring_setup.path)
    store = auth.store_for(config)
    with wire(config) as wired:
        wired.run_pass(now=NOW)
        assert json.loads(store.get(auth.token_name(DANA)) or "{}")["token"]
        assert auth.logout(config, DANA).startswith("The login of dana@example.com is removed")
        old = wired.pool.credentials(DANA).token
        wired.pool.credentials(DANA).expiry = STALE  # it refreshes after the logout
        wired.run_pass(now=NOW + dt.timedelta(minutes=1))
        assert wired.pool.credentials(DANA).token != old
    assert store.get(auth.token_name(DANA)) is None


# -- plan writes nothing ----------------------------------------------------------------------
@pytest.mark.parametrize("where", ["authorized_user_file", "keyring"])
def test_plan_refreshes_in_memory_and_leaves_state_and_token_files_byte_identical(
    request: pytest.FixtureRequest, admin: SandboxAdmin, where: str
) -> None:
    setup: Setup = request.getfixturevalue("setup" if where != "keyring" else "keyring_setup")
    if where != "keyring":
        for email in TEAMS:
            setup.login(email)
        setup.write(TEAMS)
    assert run_once(setup) == 0  # a state file, and tokens kept
    for path in setup.tmp.rglob("*.json"):  # the kept tokens are now stale
        path.write_text(json.dumps(dict(kept(path), expiry="2026-01-05T10:00:00Z")))
    stale_tokens = {p: p.read_bytes() for p in (setup.tmp / "var" / "tokens").glob("*")}
    if where == "keyring":
        store = auth.store_for(daemon.load_config(setup.path))
        for email in TEAMS:
            info = json.loads(store.get(auth.token_name(email)) or "{}")
            store.set(auth.token_name(email), json.dumps(dict(info, expiry="2026-01-05T10:00Z")))
        stale_tokens = {p: p.read_bytes() for p in (setup.tmp / "var" / "tokens").glob("*")}
    before = {p: p.read_bytes() for p in setup.tmp.rglob("*") if p.is_file() and _kept_file(p)}
    admin.reset_counts()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert daemon.main(["plan", "-c", str(setup.path)]) == 0
    assert tokens_asked(admin) == 2  # refreshed, in memory only
    after = {p: p.read_bytes() for p in setup.tmp.rglob("*") if p.is_file() and _kept_file(p)}
    assert after == before
    assert {p: p.read_bytes() for p in (setup.tmp / "var" / "tokens").glob("*")} == stale_tokens


def _kept_file(path: Path) -> bool:
    """The state file and the logins; SQLite's -shm index is rebuilt by any reader."""
    return not path.name.endswith("-shm") and not (
        path.name.endswith("-wal") and not path.stat().st_size
    )


# -- where a token cannot be kept, and what is never used --------------------------------------
def test_a_login_file_that_is_a_link_is_not_rewritten_and_the_run_goes_on(
    setup: Setup, admin: SandboxAdmin, caplog: pytest.LogCaptureFixture
) -> None:
    path = setup.login(DANA)
    target = setup.tmp / "mounted-secret.json"
    path.rename(target)
    path.symlink_to(target)
    setup.write({DANA: [SAM]})
    before = target.read_bytes()
    with caplog.at_level(logging.WARNING):
        assert run_once(setup) == 0
    assert target.read_bytes() == before
    assert path.is_symlink()
    [warning] = [r for r in caplog.records if "could not be kept" in r.getMessage()]
    assert str(path) in warning.getMessage()
    assert len(series_of(admin, DANA)) == 1


@pytest.mark.parametrize(
    ("changes", "used"),
    [
        pytest.param({}, True, id="token-expiry-and-scopes"),
        pytest.param({"expiry": None}, False, id="no-expiry"),
        pytest.param({"expiry": "soon"}, False, id="unreadable-expiry"),
        pytest.param({"scopes": list(SCOPES[:2])}, False, id="made-for-fewer-scopes"),
        pytest.param({"scopes": " ".join(SCOPES)}, True, id="scopes-as-one-string"),
        pytest.param({"expiry": "2026-11-23T16:00:00+01:00"}, True, id="expiry-with-offset"),
    ],
)
def test_a_stored_token_is_used_only_with_its_expiry_and_every_scope_asked_for(
    changes: dict[str, object], used: bool
) -> None:
    info: dict[str, object] = {
        "token": "opaque-access-token-1234",
        "expiry": "2026-11-23T15:00:00Z",
        "scopes": list(SCOPES),
    }
    info.update(changes)
    token, expiry = stored_access({k: v for k, v in info.items() if v is not None}, SCOPES)
    assert (token is not None) is used
    if used:
        assert expiry == dt.datetime(2026, 11, 23, 15, 0)  # naive UTC, as google-auth keeps it


def test_a_kept_access_token_is_masked_in_the_log_even_where_nothing_names_it(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    from integrations.redaction import RedactingFilter

    path = setup.login(DANA)
    opaque = "opaque-access-token-5f3a9c"
    later = (NOW + dt.timedelta(days=400)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path.write_text(json.dumps(dict(kept(path), token=opaque, expiry=later, scopes=SCOPES)))
    config = daemon.load_config(setup.write({DANA: [SAM]}))
    from integrations.shell.wiring import google_credentials

    creds = google_credentials(config)(DANA)
    assert creds.token == opaque
    assert creds.valid
    caplog.handler.addFilter(RedactingFilter())
    logging.getLogger("oneonone.test").warning("calling as %s with %s", DANA, opaque)
    assert opaque not in caplog.text
    assert "calling as dana@example.com with ***" in caplog.text


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """A real (if volatile) keyring for the process, the previous one restored after."""
    import keyring

    before = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_the_os_keyring_is_given_refreshed_tokens_one_entry_at_a_time(
    memory_keyring: MemoryKeyring, admin: SandboxAdmin
) -> None:
    backend = memory_keyring
    writers: list[str] = []
    set_password = backend.set_password

    def recorded(service: str, username: str, password: str) -> None:
        writers.append(threading.current_thread().name)
        set_password(service, username, password)

    backend.set_password = recorded  # type: ignore[method-assign]
    store = KeyringStore()
    loaded = []
    for email in TEAMS:
        name = auth.token_name(email)
        store.set(name, json.dumps({"type": "authorized_user", **admin.issue_token(email)}))
        creds = auth.authorized_user_credentials(
            json.loads(store.get(name) or "{}"), source=email, place=StoredLogin(store, name)
        )
        creds.refresh(Request())
        loaded.append(creds)
    writers.clear()
    assert keep_refreshed(loaded) == 2
    assert writers == ["MainThread", "MainThread"]
    for email, creds in zip(TEAMS, loaded, strict=True):
        assert json.loads(store.get(auth.token_name(email)) or "{}")["token"] == creds.token
    assert keep_refreshed(loaded) == 0  # nothing refreshed since


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o400])
def test_a_rewritten_login_file_keeps_its_mode_and_no_temporary_file_is_left(
    tmp_path: Path, mode: int
) -> None:
    path = tmp_path / "dana.json"
    path.write_text('{"refresh_token": "r"}')
    path.chmod(mode)
    LoginFile(path).write('{"refresh_token": "r", "token": "t"}')
    assert json.loads(path.read_text())["token"] == "t"
    assert path.stat().st_mode & 0o777 == mode
    assert [p.name for p in tmp_path.iterdir()] == ["dana.json"]
