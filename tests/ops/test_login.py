"""``auth login`` stores only a consent it has checked: the account that consented is the one
named, and every scope the service needs was granted (granular consent can drop one). Google's
consent screen cannot run in a test; the token answers come from the sandbox's ``/token``,
which exchanges authorization codes as Google documents, through the real OAuth libraries."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest
import requests
from google.auth.transport.requests import Request
from google_auth_oauthlib.flow import Flow

import daemon
from integrations.google import auth
from integrations.google.google_client import READER_SCOPES, SCOPES
from integrations.google.login_checks import (
    IDENTITY_SCOPES,
    consent_problems,
    consented_email,
    headless,
    ssh_tunnel_line,
)
from integrations.sandbox import SandboxAdmin
from integrations.sandbox.auth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from tests.ops.test_secrets import key_text

DANA = "dana@example.com"
REDIRECT = "http://127.0.0.1:8765/"
ASKED = [*SCOPES, *IDENTITY_SCOPES]


def exchange(admin: SandboxAdmin, url: str, email: str, granted: list[str]):
    """What ``run_local_server`` does once Google redirects back with a code."""
    code = admin.issue_code(email, granted, REDIRECT)["code"]
    client = {
        "installed": {
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            "auth_uri": url + "o/oauth2/auth",
            "token_uri": url + "token",
            "redirect_uris": ["http://127.0.0.1"],
        }
    }
    flow = Flow.from_client_config(client, scopes=ASKED, redirect_uri=REDIRECT)
    with auth._granular_consent_allowed():
        flow.fetch_token(code=code)
    return flow.credentials


@pytest.fixture(autouse=True)
def plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # the sandbox speaks http on loopback


# -- the sandbox, as strict as Google ---------------------------------------------------------
def test_the_sandbox_exchanges_a_code_once_for_its_redirect_with_the_scopes_granted(
    sandbox: str, admin: SandboxAdmin
) -> None:
    granted = [*IDENTITY_SCOPES, SCOPES[0], SCOPES[1]]  # gmail.send unticked
    code = admin.issue_code(DANA, granted, REDIRECT)["code"]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": SANDBOX_CLIENT_ID,
        "client_secret": SANDBOX_CLIENT_SECRET,
    }
    wrong = requests.post(sandbox + "token", data={**form, "redirect_uri": "http://x/"}, timeout=5)
    assert (wrong.status_code, wrong.json()["error"]) == (400, "redirect_uri_mismatch")
    answer = requests.post(sandbox + "token", data=form, timeout=5)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {
        "access_token",
        "expires_in",
        "refresh_token",
        "scope",
        "token_type",
        "id_token",
    }
    assert body["scope"].split() == granted
    assert consented_email(body["id_token"]) == DANA
    again = requests.post(sandbox + "token", data=form, timeout=5)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


def test_oauthlib_refuses_a_narrower_grant_unless_told_and_the_check_names_what_is_missing(
    sandbox: str, admin: SandboxAdmin
) -> None:
    granted = [*IDENTITY_SCOPES, SCOPES[0], SCOPES[1]]
    code = admin.issue_code(DANA, granted, REDIRECT)["code"]
    client = {
        "installed": {
            "client_id": SANDBOX_CLIENT_ID,
            "client_secret": SANDBOX_CLIENT_SECRET,
            "auth_uri": sandbox + "auth",
            "token_uri": sandbox + "token",
        }
    }
    flow = Flow.from_client_config(client, scopes=ASKED, redirect_uri=REDIRECT)
    with pytest.raises(Warning, match="Scope has changed"):
        flow.fetch_token(code=code)  # why login relaxes oauthlib and checks the scopes itself
    creds = exchange(admin, sandbox, DANA, granted)
    assert consent_problems(DANA, list(SCOPES), creds.granted_scopes, creds.id_token) == [
        "The consent leaves out gmail.send: tick every box on Google's consent screen (the "
        "service needs each of them) and log in again; nothing was stored."
    ]


def test_a_full_consent_by_the_named_account_passes_and_its_token_works(
    sandbox: str, admin: SandboxAdmin
) -> None:
    creds = exchange(admin, sandbox, DANA, ASKED)
    assert consent_problems(DANA, list(SCOPES), creds.granted_scopes, creds.id_token) == []
    stored = auth.authorized_user_credentials(
        json.loads(creds.to_json()), source="test", scopes=SCOPES
    )
    stored.refresh(Request())  # what the service does with what login stores
    assert stored.token


def test_a_consent_by_another_account_is_refused_by_name(sandbox: str, admin: SandboxAdmin) -> None:
    creds = exchange(admin, sandbox, "dana.personal@gmail.example", ASKED)
    assert consent_problems(DANA, list(SCOPES), creds.granted_scopes, creds.id_token) == [
        "You consented as dana.personal@gmail.example, not as dana@example.com. Log in again "
        "and pick dana@example.com on Google's account chooser; nothing was stored."
    ]


def test_without_an_id_token_nothing_is_stored(sandbox: str, admin: SandboxAdmin) -> None:
    creds = exchange(admin, sandbox, DANA, [*SCOPES])  # openid unticked: no ID token
    assert creds.id_token is None
    assert consent_problems(DANA, list(SCOPES), creds.granted_scopes, creds.id_token) == [
        "Google did not say which account consented, so nothing was stored."
    ]


# -- the command ------------------------------------------------------------------------------
CONFIG = """\
timezone: America/New_York
calendar: {provider: google}
state: ./var/state.db
managers:
  - name: Dana Whitfield
    email: dana@example.com
    reps:
      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "10:00"}
"""


def cli(tmp_path: Path, *argv: str) -> tuple[int, str, str]:
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = daemon.main([*argv, "-c", str(path)])
    return code, out.getvalue(), err.getvalue()


def test_login_refuses_an_address_that_is_no_manager_or_rep_unless_forced(tmp_path: Path) -> None:
    code, _, err = cli(tmp_path, "auth", "login", "dnaa@example.com")
    assert code == 2
    assert err == (
        f"oneonone: dnaa@example.com is neither a manager nor a rep in {tmp_path}/config.yaml "
        "(managers: dana@example.com). Check the address, or add --force to log it in anyway.\n"
    )
    for argv in (("dnaa@example.com", "--force"), (DANA,), ("sam@example.com",)):
        code, _, err = cli(tmp_path, "auth", "login", *argv)
        assert "no OAuth client file" in err  # past the check, on to Google's client file


def test_logout_says_when_nothing_was_stored(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ONEONONE_TOKEN_KEY", key_text())
    code, out, _ = cli(tmp_path, "auth", "logout", DANA)
    assert code == 0
    assert out.startswith("No login was stored for dana@example.com (in encrypted files in ")
    assert out.endswith("): nothing to remove.\n")
    auth.store_for(daemon.load_config(tmp_path / "config.yaml")).set(auth.token_name(DANA), "{}")
    code, out, _ = cli(tmp_path, "auth", "logout", DANA)
    assert out.startswith("The login of dana@example.com is removed from encrypted files in ")


def test_on_a_server_the_exact_ssh_tunnel_is_printed() -> None:
    environ = {"SSH_CONNECTION": "198.51.100.7 51822 203.0.113.5 22"}
    assert headless(environ)
    assert ssh_tunnel_line(8765, environ, user="oneonone") == (
        "ssh -N -L 8765:127.0.0.1:8765 oneonone@203.0.113.5"
    )
    assert headless({})  # no display at all
    assert not headless({"DISPLAY": ":0"})


def test_a_rep_is_asked_for_read_only_access_a_manager_for_the_service_scopes() -> None:
    config = daemon.load_config(Path(__file__).resolve().parents[2] / "config.example.yaml")
    assert auth.scopes_for(config, "dana@example.com") == SCOPES
    assert auth.scopes_for(config, "sam@example.com") == READER_SCOPES
