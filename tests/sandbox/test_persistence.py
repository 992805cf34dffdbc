"""State survives a restart with ``state_path``; the module runs as its own process."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys

import pytest

from integrations.clock import FixedClock
from integrations.sandbox import Sandbox, SandboxAdmin
from tests.sandbox.conftest import DANA, SAM, build_service, credentials_for, timed
from tests.sandbox.test_gmail import raw
from tests.sandbox.test_sync import full_sync


def test_events_tokens_sync_and_mail_survive_a_restart(
    tmp_path: pathlib.Path, clock: FixedClock
) -> None:
    state = tmp_path / "sandbox.db"
    first = Sandbox(state_path=state, now=clock.now)
    admin = SandboxAdmin(first.start())
    creds = credentials_for(admin, DANA)
    calendar = build_service("calendar", first.url, creds)
    series = timed(
        "2026-10-20",
        "10:00",
        "10:45",
        id="keep000001",
        recurrence=["RRULE:FREQ=WEEKLY"],
        attendees=[{"email": SAM}],
    )
    calendar.events().insert(calendarId="primary", body=series).execute()
    calendar.events().delete(calendarId="primary", eventId="keep000001_20261027T140000Z").execute()
    _, token = full_sync(calendar)
    gmail = build_service("gmail", first.url, creds)
    gmail.users().messages().send(userId="me", body={"raw": raw("kept")}).execute()
    calendar.close()
    gmail.close()
    first.stop()

    second = Sandbox(state_path=state, now=clock.now)
    url = second.start(port=int(first.url.rstrip("/").rsplit(":", 1)[1]))
    try:
        admin = SandboxAdmin(url)
        creds.token = None  # the refresh token issued before the restart still works
        calendar = build_service("calendar", url, creds)
        assert (
            calendar.events().list(calendarId="primary", syncToken=token).execute()["items"] == []
        )
        calendar.events().patch(
            calendarId="primary", eventId="keep000001", body={"summary": "x"}
        ).execute()
        delta, _ = full_sync(calendar, syncToken=token)
        assert [e["id"] for e in delta] == ["keep000001"]
        instances = admin.instances(
            SAM, "keep000001", "2026-10-19T00:00:00Z", "2026-11-04T00:00:00Z", show_deleted=True
        )
        assert [e["status"] for e in instances] == ["confirmed", "cancelled", "confirmed"]
        assert [m["subject"] for m in admin.sent_mail(DANA)] == ["kept"]
        calendar.close()
    finally:
        second.stop()


@pytest.mark.slow
def test_module_runs_as_a_process_and_exits_cleanly_on_sigterm(tmp_path: pathlib.Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(pathlib.Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "integrations.sandbox",
            "--port",
            "0",
            "--state",
            str(tmp_path / "s.db"),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert SandboxAdmin(url).health() == {"ok": True}
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
    assert code == 0
    assert (tmp_path / "s.db").exists()


def test_a_client_kept_alive_across_a_restart_reconnects_to_the_new_server(
    tmp_path: pathlib.Path, clock: FixedClock
) -> None:
    state = tmp_path / "sandbox.db"
    first = Sandbox(state_path=state, now=clock.now)
    admin = SandboxAdmin(first.start())
    calendar = build_service("calendar", first.url, credentials_for(admin, DANA))
    calendar.events().insert(
        calendarId="primary", body=timed("2026-10-21", "09:00", "09:30", id="alive00001")
    ).execute()
    first.stop()
    second = Sandbox(state_path=state, now=clock.now)
    second.start(port=int(first.url.rstrip("/").rsplit(":", 1)[1]))
    try:
        SandboxAdmin(second.url).patch_event(DANA, "alive00001", {"summary": "after restart"})
        event = calendar.events().get(calendarId="primary", eventId="alive00001").execute()
        assert event["summary"] == "after restart"
    finally:
        calendar.close()
        second.stop()


def test_a_calendar_that_was_only_read_takes_events_after_a_restart(
    tmp_path: pathlib.Path, clock: FixedClock
) -> None:
    """The first command on a new install may only read a calendar (``plan``, ``doctor``): the
    calendar exists from then on, still empty, and must take events once the sandbox restarts."""
    state = tmp_path / "sandbox.db"
    first = Sandbox(state_path=state, now=clock.now)
    admin = SandboxAdmin(first.start())
    creds = credentials_for(admin, DANA)
    calendar = build_service("calendar", first.url, creds)
    assert calendar.events().list(calendarId="primary").execute()["items"] == []
    calendar.close()
    first.stop()

    second = Sandbox(state_path=state, now=clock.now)
    url = second.start(port=int(first.url.rstrip("/").rsplit(":", 1)[1]))
    try:
        creds.token = None
        calendar = build_service("calendar", url, creds)
        body = timed("2026-10-21", "09:00", "09:30", id="afterread1")
        calendar.events().insert(calendarId="primary", body=body).execute()
        assert [
            e["id"] for e in calendar.events().list(calendarId="primary").execute()["items"]
        ] == ["afterread1"]
        calendar.close()
    finally:
        second.stop()
