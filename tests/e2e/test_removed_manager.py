"""A manager removed from the YAML: their reps' series end (UNTIL, never deleted) as a removed
rep's do, the log says why, and when the service may no longer act for that calendar (a service
account delegates only to the managers in the config) ops are told once what to do."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest

from integrations.clock import FixedClock
from integrations.sandbox import SandboxAdmin
from integrations.shell.wiring import wire
from integrations.state.store import Store
from scheduler.config import parse_config
from scheduler.model import Config
from scheduler.series import series_id
from tests.inbox import inbox, summary
from tests.service_account import service_account_info

NOW = dt.datetime(2026, 11, 25, 15, 0, tzinfo=dt.UTC)  # Wednesday
LEE = "lee@example.com"
MAYA = "maya@example.com"  # Lee's rep
SERIES = series_id(LEE, MAYA, 0)

DANA_BLOCK = """
  - name: Dana Whitfield
    email: dana@example.com
    reps:
      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "10:00"}
"""
LEE_BLOCK = """
  - name: Lee Chen
    email: lee@example.com
    reps:
      - {name: Maya Brooks, email: maya@example.com, day: thursday, time: "14:00"}
"""
LEE_NO_REPS = """
  - name: Lee Chen
    email: lee@example.com
    reps: []
"""


def config(tmp: Path, calendar: str, *managers: str) -> Config:
    text = textwrap.dedent(f"""\
        timezone: America/New_York
        calendar: {calendar}
        email: {{provider: outbox, outbox_dir: ./outbox}}
        state: ./state.db
        ops_email: ops@example.com
        defaults: {{cadence: weekly, duration: 45m, working_hours: "mon-fri 09:00-17:30"}}
        managers:""") + "".join(managers)
    path = tmp / "config.yaml"
    path.write_text(text)
    return dataclasses.replace(parse_config(text, filename=str(path), base_dir=tmp), source=path)


def run(cfg: Config, url: str, now: dt.datetime):
    with wire(cfg, sandbox_url=url, clock=FixedClock(now)) as wired:
        return wired.runner.run_pass(now=now)


def future_occurrences(admin: SandboxAdmin, owner: str) -> list[dict]:
    items = admin.instances(owner, SERIES, "2026-11-26T00:00:00Z", "2027-02-01T00:00:00Z")
    return [i for i in items if i.get("status") != "cancelled"]


def test_a_removed_managers_series_end_with_the_reason_logged_and_later_passes_cost_nothing(
    tmp_path: Path, sandbox: str, admin: SandboxAdmin, caplog: pytest.LogCaptureFixture
) -> None:
    calendar = "{provider: sandbox}"
    run(config(tmp_path, calendar, DANA_BLOCK, LEE_BLOCK), sandbox, NOW)
    assert len(future_occurrences(admin, LEE)) > 5
    without_lee = config(tmp_path, calendar, DANA_BLOCK)
    with caplog.at_level("INFO", logger="oneonone"):
        report = run(without_lee, sandbox, NOW + dt.timedelta(hours=1))
    assert [(o.action.verb, o.action.pair_key) for o in report.outcomes] == [
        ("end-series", f"{LEE}/{MAYA}")
    ]
    assert "is no longer in the config" in report.outcomes[0].action.reason
    assert any("end-series lee@example.com/maya@example.com" in r.message for r in caplog.records)
    assert future_occurrences(admin, LEE) == []
    assert future_occurrences(admin, MAYA) == []  # her copy too
    assert admin.get_event(LEE, SERIES)["status"] == "confirmed"  # ended, not deleted
    received = inbox(MAYA, outbox=tmp_path / "outbox", admin=admin)
    assert summary(received) == ["google:invitation", "google:update"]
    for hours in (2, 3, 4):
        admin.reset_counts()
        assert run(without_lee, sandbox, NOW + dt.timedelta(hours=hours)).outcomes == []
        assert admin.counts()["by_user"].get(LEE, 0) == 0
    store = Store(tmp_path / "state.db")
    try:
        [row] = [r for r in store.audit.rows() if r.action == "end-series"]
    finally:
        store.close()
    assert "the manager lee@example.com is no longer in the config" in row.reason


@pytest.fixture
def service_account(tmp_path: Path, sandbox: str) -> str:
    info = service_account_info(token_uri=sandbox + "token")
    path = tmp_path / "key.json"
    path.write_text(json.dumps(info))
    return (
        "{provider: google, google: {auth: service_account, "
        f"service_account_file: {path}, api_endpoint: '{sandbox}'}}}}"
    )


def test_when_the_service_may_no_longer_act_for_a_removed_manager_ops_are_told_once(
    tmp_path: Path, sandbox: str, admin: SandboxAdmin, service_account: str
) -> None:
    run(config(tmp_path, service_account, DANA_BLOCK, LEE_BLOCK), sandbox, NOW)
    without_lee = config(tmp_path, service_account, DANA_BLOCK)
    for hours in (1, 2, 3):
        report = run(without_lee, sandbox, NOW + dt.timedelta(hours=hours))
        assert not report.failed  # the other managers' passes go on
    assert len(future_occurrences(admin, LEE)) > 5  # left running: nothing could end them
    ops = inbox("ops@example.com", outbox=tmp_path / "outbox", admin=admin)
    assert summary(ops) == ["oneonone:alert"]
    assert "lee@example.com" in ops[0].subject
    assert "reps: []" in ops[0].text
    # What the alert says to do: keep Lee with no reps for one pass.
    report = run(
        config(tmp_path, service_account, DANA_BLOCK, LEE_NO_REPS),
        sandbox,
        NOW + dt.timedelta(hours=4),
    )
    assert [o.action.verb for o in report.outcomes] == ["end-series"]
    assert future_occurrences(admin, LEE) == []
    assert summary(inbox(MAYA, outbox=tmp_path / "outbox", admin=admin)) == [
        "google:invitation",
        "google:update",
    ]
