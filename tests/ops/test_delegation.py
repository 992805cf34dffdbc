"""Service-account impersonation stays inside the organisation: only listed managers, and with
``calendar.google.domains`` only addresses in those domains (refused at config time too)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from daemon import load_config
from integrations.sandbox import SandboxAdmin
from integrations.shell.wiring import google_credentials, wire
from scheduler.errors import ConfigError, CredentialsError
from scheduler.model import Manager
from scheduler.series import TAG
from tests.service_account import service_account_info

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
CONFIG = """\
timezone: America/New_York
calendar:
  provider: google
  google: {{auth: service_account, service_account_file: ./sa.json, api_endpoint: "{url}",
           domains: [example.com, example.org]}}
email: {{provider: outbox, outbox_dir: ./outbox}}
state: ./state.db
managers:
  - name: {name}
    email: {email}
    reps:
      - {{name: Sam Ortiz, email: sam@partner.example.net, day: tuesday, time: "10:00"}}
"""


@pytest.fixture(scope="module")
def key_info() -> dict[str, str]:
    return service_account_info("daemon@p.iam.gserviceaccount.com")


def write(tmp_path: Path, url: str, info: dict[str, str], email: str) -> Path:
    key = tmp_path / "sa.json"
    key.write_text(json.dumps({**info, "token_uri": url + "token"}))
    key.chmod(0o600)
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG.format(url=url, name=email.split("@")[0].title(), email=email))
    return path


def test_the_service_account_acts_for_a_manager_inside_the_domains(
    tmp_path: Path, sandbox: str, admin: SandboxAdmin, key_info: dict[str, str]
) -> None:
    config = load_config(write(tmp_path, sandbox, key_info, "dana@example.org"))
    with wire(config) as wired:
        report = wired.run_pass(now=NOW)
    assert not report.failed
    items = admin.list_events("dana@example.org", privateExtendedProperty=f"{TAG}=series")
    series = [e for e in items if "recurringEventId" not in e]  # the master, not instances
    assert [e["organizer"]["email"] for e in series] == ["dana@example.org"]
    assert {a["email"] for a in series[0]["attendees"]} == {
        "dana@example.org",
        "sam@partner.example.net",  # reps outside the organisation are the usual case
    }


def test_a_manager_outside_the_domains_is_refused_at_config_time(
    tmp_path: Path, sandbox: str, key_info: dict[str, str]
) -> None:
    path = write(tmp_path, sandbox, key_info, "mallory@evil.example")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:10: managers[0].email: mallory@evil.example is outside calendar.google.domains "
        "(example.com, example.org); the service account only acts for managers in those domains"
    ]


def test_impersonation_refuses_an_address_outside_the_domains_even_if_listed(
    tmp_path: Path, sandbox: str, key_info: dict[str, str]
) -> None:
    config = load_config(write(tmp_path, sandbox, key_info, "dana@example.com"))
    dana = config.managers[0]
    mallory = Manager(dataclasses.replace(dana.person, email="mallory@evil.example"))
    tampered = dataclasses.replace(config, managers=(dana, mallory))  # as if checks were skipped
    credentials_for = google_credentials(tampered)
    with pytest.raises(CredentialsError, match=r"outside calendar\.google\.domains"):
        credentials_for("mallory@evil.example")
    with pytest.raises(CredentialsError, match="is not a manager in the config"):
        credentials_for("lee@example.com")
    assert credentials_for("dana@example.com").service_account_email == key_info["client_email"]
