"""Conflicts on the rep's own calendar: seen exactly where the service may read it (a rep who
logged in with the read-only events scope, or domain-wide delegation inside the organisation),
read incrementally at most every five minutes; elsewhere only the rep's decline tells, and
nothing is ever read from their calendar. Google is reached as in production: the real client
with per-person credentials files or a service-account key, against the sandbox over HTTP."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import io
import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from integrations.clock import FixedClock
from integrations.google.auth import scopes_for, status, store_for, token_name
from integrations.google.google_client import READER_SCOPES, SCOPES
from integrations.sandbox import SandboxAdmin
from integrations.shell.doctor import doctor
from integrations.shell.wiring import wire
from integrations.state.store import Store
from scheduler.config import parse_config
from scheduler.model import Config
from scheduler.series import series_id
from tests.e2e.bumped import NOW, TUESDAY, after, meeting, ny, occurrence, rep, rep_inbox, shown
from tests.service_account import service_account_info

DANA = "dana@example.com"
SAM = rep("Sam Ortiz", "sam@example.com", "tuesday", "13:00")
PRIYA = rep("Priya Raman", "priya@example.com", "tuesday", "15:00")
LEE = rep("Lee Chen", "lee@partner.example", "tuesday", "10:00")
SAM_SERIES = series_id(DANA, "sam@example.com", 0)
PRIYA_SERIES = series_id(DANA, "priya@example.com", 0)
READ_ONLY = ["calendar.events.readonly"]

CONFIG = """
timezone: America/New_York
calendar:
  provider: google
  google:
{google}
    api_endpoint: "{url}"
  poll_interval: 60s
email: {{provider: outbox, outbox_dir: ./outbox}}
state: ./state.db
defaults: {{cadence: weekly, duration: 45m, working_hours: "mon-fri 09:00-17:30"}}
managers:
  - name: Dana Whitfield
    email: dana@example.com
    timezone: America/New_York
    reps:
{reps}
"""


@dataclasses.dataclass
class Google:
    """A deployment that reaches "Google" (the sandbox) with real credentials."""

    tmp: Path
    url: str
    admin: SandboxAdmin
    auth: str = "authorized_user_file"

    def login(self, email: str, scopes: list[str] | None = None) -> None:
        """What ``oneonone auth login`` leaves behind, as an authorized-user file."""
        grant = self.admin.issue_token(email, scopes)
        folder = self.tmp / "creds"
        folder.mkdir(mode=0o700, exist_ok=True)
        (folder / f"{email}.json").write_text(json.dumps({"type": "authorized_user", **grant}))

    def config(self, *reps: str) -> Config:
        if self.auth == "service_account":
            google = f'    auth: service_account\n    service_account_file: "{self.key()}"'
        elif self.auth == "keyring":
            google = "    auth: keyring"
        else:
            google = (
                "    auth: authorized_user_file\n"
                f'    authorized_user_file: "{self.tmp}/creds/{{email}}.json"'
            )
        text = CONFIG.format(google=google, url=self.url, reps="\n".join(reps))
        path = self.tmp / "config.yaml"
        path.write_text(textwrap.dedent(text))
        return dataclasses.replace(
            parse_config(path.read_text(), filename=str(path), base_dir=self.tmp), source=path
        )

    def key(self) -> Path:
        path = self.tmp / "service-account.json"
        if not path.exists():
            info = service_account_info(token_uri=self.url + "token")
            path.write_text(json.dumps(info))
        return path

    def run(self, config: Config, now: dt.datetime) -> Any:
        with wire(config, clock=FixedClock(now)) as wired:
            return wired.runner.run_pass(now=now)

    def lists(self) -> dict[str, int]:
        """``events.list`` requests since the last reset, per calendar read."""
        recent = self.admin.requests(self.admin.counts()["total"])
        out: dict[str, int] = {}
        for r in recent:
            if r["method"] == "calendar.events.list":
                out[r["user"]] = out.get(r["user"], 0) + 1
        return out


@pytest.fixture
def google(tmp_path: Path, sandbox: str, admin: SandboxAdmin) -> Google:
    return Google(tmp_path, sandbox, admin)


def calendars(admin: SandboxAdmin, rep_email: str, series: str) -> tuple[str, str]:
    return (
        shown(occurrence(admin, DANA, series, TUESDAY)),
        shown(occurrence(admin, rep_email, series, TUESDAY)),
    )


def test_a_meeting_on_a_logged_in_reps_calendar_moves_the_1on1_within_five_minutes(google, admin):
    google.login(DANA)
    google.login("sam@example.com", READ_ONLY)
    config = google.config(SAM)
    assert not google.run(config, NOW).failed
    meeting(admin, "sam@example.com", "Customer call", ny(TUESDAY, "12:30"), ny(TUESDAY, "13:30"))
    admin.reset_counts()
    # Sam's calendar was read two minutes ago: not again yet, and his meeting is not seen.
    assert google.run(config, NOW + dt.timedelta(minutes=2)).outcomes == []
    assert admin.counts()["by_method"] == {"calendar.events.list": 1, "oauth2.token": 1}
    report = google.run(config, NOW + dt.timedelta(minutes=6))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    assert "Sam Ortiz's calendar has another meeting then" in report.outcomes[0].action.reason
    assert "Customer call" not in report.outcomes[0].action.reason
    # Free/busy would show 12:30-13:45 as one span; his events show the call ends at 13:30.
    assert calendars(admin, "sam@example.com", SAM_SERIES) == ("Tue 13:45-14:30",) * 2
    for minutes in (7, 8, 12):
        assert google.run(config, NOW + dt.timedelta(minutes=minutes)).outcomes == []
    assert rep_inbox(admin, google.tmp / "outbox", "sam@example.com") == after(1)


def test_reading_a_reps_calendar_costs_one_incremental_list_every_five_minutes_at_most(
    google, admin
):
    google.login(DANA)
    google.login("sam@example.com", READ_ONLY)
    config = google.config(SAM, PRIYA)  # Priya never logged in: never read
    google.run(config, NOW)
    seen: list[dict[str, int]] = []
    for minute in range(1, 12):
        admin.reset_counts()
        report = google.run(config, NOW + dt.timedelta(minutes=minute))
        assert report.outcomes == []
        seen.append(google.lists())
    dana_only = {DANA: 1}
    both = {DANA: 1, "sam@example.com": 1}
    assert seen == [dana_only] * 4 + [both] + [dana_only] * 4 + [both] + [dana_only]
    store = Store(google.tmp / "state.db")
    kept = (
        store.calendars.sync_token("sam@example.com"),
        store.calendars.sync_token("priya@example.com"),
    )
    store.close()
    assert kept[0] is not None  # Sam's reads are incremental, like the manager's
    assert kept[1] is None


def test_a_rep_the_service_may_not_read_is_moved_only_when_they_decline(google, admin):
    google.login(DANA)
    config = google.config(PRIYA)
    google.run(config, NOW)
    meeting(admin, "priya@example.com", "Dentist", ny(TUESDAY, "14:30"), ny(TUESDAY, "15:30"))
    for minutes in (2, 6, 11):
        assert google.run(config, NOW + dt.timedelta(minutes=minutes)).outcomes == []
    assert calendars(admin, "priya@example.com", PRIYA_SERIES) == ("Tue 15:00-15:45",) * 2
    admin.respond(
        "priya@example.com", occurrence(admin, DANA, PRIYA_SERIES, TUESDAY)["id"], "declined"
    )
    report = google.run(config, NOW + dt.timedelta(minutes=12))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    # Where it goes still respects her busy time, through free/busy: after the dentist.
    assert calendars(admin, "priya@example.com", PRIYA_SERIES) == ("Tue 15:45-16:30",) * 2
    assert "priya@example.com" not in admin.counts()["by_user"]


def test_domain_wide_delegation_reads_reps_in_the_domain_and_never_outside_it(google, admin):
    google.auth = "service_account"
    admin.configure(dwd_scopes=["calendar.events", "calendar.freebusy", "gmail.send", *READ_ONLY])
    config = google.config(SAM, LEE)
    google.run(config, NOW)
    assert set(admin.counts()["by_user"]) == {DANA, "sam@example.com"}
    meeting(admin, "sam@example.com", "Customer call", ny(TUESDAY, "12:30"), ny(TUESDAY, "13:30"))
    report = google.run(config, NOW + dt.timedelta(minutes=6))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    assert calendars(admin, "sam@example.com", SAM_SERIES) == ("Tue 13:45-14:30",) * 2
    assert "lee@partner.example" not in admin.counts()["by_user"]


def test_a_reps_calendar_that_delegation_may_not_read_is_said_once_and_never_stops_the_pass(
    google, admin
):
    google.auth = "service_account"  # the admin authorised only the managers' three scopes
    config = google.config(SAM)
    first = google.run(config, NOW)
    assert not first.failed
    assert [o.action.verb for o in first.outcomes] == ["create-series"]
    admin.respond("sam@example.com", occurrence(admin, DANA, SAM_SERIES, TUESDAY)["id"], "declined")
    report = google.run(config, NOW + dt.timedelta(minutes=2))
    assert not report.failed
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    store = Store(google.tmp / "state.db")
    said = [r for r in store.audit.rows() if r.action == "read-rep-calendar"]
    parked = store.parking.reason(DANA, NOW + dt.timedelta(minutes=2))
    store.close()
    assert len(said) == 1
    assert "unauthorized_client" in said[0].reason
    assert parked is None


def test_a_rep_who_logged_in_to_the_token_store_is_read_with_the_read_only_scope_alone(
    google, admin, monkeypatch
):
    monkeypatch.setenv("ONEONONE_TOKEN_KEY", base64.b64encode(bytes([7]) * 32).decode())
    google.auth = "keyring"
    config = google.config(SAM)
    store = store_for(config)
    for email, scopes in ((DANA, None), ("sam@example.com", READ_ONLY)):
        grant = admin.issue_token(email, scopes)
        store.set(token_name(email), json.dumps({"type": "authorized_user", **grant}))
    assert scopes_for(config, "sam@example.com") == READER_SCOPES
    assert scopes_for(config, DANA) == SCOPES
    ok, said = status(config, "sam@example.com")
    assert ok, said
    google.run(config, NOW)
    meeting(admin, "sam@example.com", "Customer call", ny(TUESDAY, "12:30"), ny(TUESDAY, "13:30"))
    report = google.run(config, NOW + dt.timedelta(minutes=5))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    assert calendars(admin, "sam@example.com", SAM_SERIES) == ("Tue 13:45-14:30",) * 2


def test_doctor_tries_each_readable_reps_calendar_and_a_broken_one_is_a_warning(google, admin):
    google.login(DANA)
    google.login("sam@example.com", READ_ONLY)
    google.login("priya@example.com", READ_ONLY)
    path = google.config(SAM, PRIYA).source
    for creds in (google.tmp / "creds").iterdir():
        creds.chmod(0o600)
    out = io.StringIO()
    code = doctor(path, out=out)
    lines = out.getvalue().splitlines()
    assert code == 0, "\n".join(lines)
    assert any("rep calendars — 2 of 2 reps readable (read-only)" in line for line in lines)
    assert any(
        line.startswith("ok") and "rep calendar sam@example.com — readable" in line
        for line in lines
    )
    admin.revoke_tokens("priya@example.com")
    out = io.StringIO()
    assert doctor(path, out=out) == 0  # the service goes on without reading her calendar
    [priya] = [line for line in out.getvalue().splitlines() if "priya@example.com" in line]
    assert priya.startswith("warn")
    assert "falls back to priya@example.com's declines" in priya
    assert "replace or remove priya@example.com's credentials file" in priya


def test_a_rep_who_logs_in_while_the_service_runs_is_read_from_its_next_pass(
    google, admin, monkeypatch
):
    monkeypatch.setenv("ONEONONE_TOKEN_KEY", base64.b64encode(bytes([7]) * 32).decode())
    google.auth = "keyring"  # with a token key: the encrypted token files, as on a server
    config = google.config(SAM)
    store = store_for(config)
    store.set(token_name(DANA), json.dumps({"type": "authorized_user", **admin.issue_token(DANA)}))
    later = NOW + dt.timedelta(minutes=5)
    with wire(config, clock=FixedClock(NOW)) as wired:  # one process, as the service keeps it
        wired.runner.run_pass(now=NOW)
        meeting(
            admin, "sam@example.com", "Customer call", ny(TUESDAY, "12:30"), ny(TUESDAY, "13:30")
        )
        assert wired.runner.run_pass(now=NOW + dt.timedelta(minutes=1)).outcomes == []
        grant = admin.issue_token("sam@example.com", READ_ONLY)  # what ``auth login`` stores
        store.set(token_name("sam@example.com"), json.dumps({"type": "authorized_user", **grant}))
        report = wired.runner.run_pass(now=later)
        assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
        store.delete(token_name("sam@example.com"))  # ``auth logout``: never read again
        admin.reset_counts()
        wired.runner.run_pass(now=later + dt.timedelta(minutes=10))
        assert "sam@example.com" not in google.lists()
    assert calendars(admin, "sam@example.com", SAM_SERIES) == ("Tue 13:45-14:30",) * 2
