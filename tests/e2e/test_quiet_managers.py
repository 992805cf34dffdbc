"""A manager whose inputs did not change and who has nothing due is not planned again, in the
running service (one wiring across passes, a pass a minute): she costs her one incremental
``events.list``. Whatever changes her plan is still seen in the very pass that reads it (a
meeting on her calendar, a notes file saved, a rep's calendar read anew), and an email falls
due at its moment; only a decision the clock alone brings (an occurrence entering the
look-ahead over a conflict already there) waits for the re-check, ``RECHECK`` at most."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from integrations.clock import FixedClock
from integrations.reconcile.pass_report import PassReport
from integrations.reconcile.quiet import RECHECK
from integrations.sandbox import SandboxAdmin
from integrations.shell.wiring import wire
from integrations.state.notes_files import notes_path
from scheduler.agenda import NOTES_MARKER
from scheduler.model import Config
from scheduler.series import series_id
from tests.e2e.bumped import NOW, TUESDAY, meeting, ny, occurrence, rep, rep_inbox, shown
from tests.e2e.conftest import Env
from tests.e2e.test_rep_calendars import READ_ONLY, Google

DANA = "dana@example.com"
SAM = rep("Sam Ortiz", "sam@example.com", "tuesday", "13:00")
SAM_SERIES = series_id(DANA, "sam@example.com", 0)
MINUTE = dt.timedelta(minutes=1)

Run = Callable[[dt.datetime], PassReport]


@contextlib.contextmanager
def service(
    config: Config, start: dt.datetime, url: str | None = None, *, recheck: dt.timedelta = RECHECK
) -> Iterator[Run]:
    """Passes of one long-running process, as ``oneonone run`` makes them."""
    clock = FixedClock(start)
    with wire(config, sandbox_url=url, clock=clock) as wired:
        wired.runner.quiet.every = recheck

        def run(now: dt.datetime) -> PassReport:
            clock.set(now)
            report = wired.runner.run_pass(now=now)
            assert not report.failed, report.manager_errors
            return report

        yield run


def settle(run: Run, now: dt.datetime) -> dt.datetime:
    """Pass a minute apart until Dana is quiet (her own writes come back in the next read);
    the moment of the first quiet pass."""
    for _ in range(4):
        if run(now).quiet:
            return now
        now += MINUTE
    raise AssertionError("Dana never became quiet")


def verbs(report: PassReport) -> list[str]:
    return [o.action.verb for o in report.outcomes]


def test_a_quiet_manager_costs_one_incremental_list_and_nothing_else(
    env: Env, admin: SandboxAdmin
) -> None:
    config = env.config(SAM)
    with service(config, NOW, env.url) as run:
        now = settle(run, NOW)
        for minute in range(1, 6):
            admin.reset_counts()
            report = run(now + minute * MINUTE)
            assert (report.quiet, report.outcomes) == (1, [])
            assert admin.counts()["by_method"] == {"calendar.events.list": 1}


def test_a_meeting_booked_over_the_1on1_while_quiet_is_moved_in_the_next_pass(
    env: Env, admin: SandboxAdmin
) -> None:
    config = env.config(SAM)
    with service(config, NOW, env.url) as run:
        now = settle(run, NOW)
        meeting(admin, DANA, "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "13:30"))
        report = run(now + MINUTE)
        assert report.quiet == 0
        assert verbs(report) == ["move-occurrence", "send-move-notice"]
    assert shown(occurrence(admin, DANA, SAM_SERIES, TUESDAY)) == "Tue 13:45-14:30"
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == [
        "oneonone:move",
        "google:invitation",
    ]


def test_the_prep_goes_out_in_the_first_pass_at_its_moment_though_nothing_changed(
    env: Env, admin: SandboxAdmin
) -> None:
    config = env.config(SAM)
    with service(config, NOW, env.url) as run:
        settle(run, NOW)
        # Sam's prep of Tuesday 13:00 goes a day ahead; quiet passes lead up to it.
        due = ny(TUESDAY, "13:00")
        moment = dt.datetime.fromisoformat(due) - dt.timedelta(days=1)
        seen: list[tuple[int, list[str]]] = []
        for minute in range(-5, 2):
            report = run(moment + minute * MINUTE)
            seen.append((minute, [v for v in verbs(report) if v == "send-prep"]))
    first = next(minute for minute, sent in seen if sent)
    assert first == 0, seen
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == [
        "oneonone:prep",
        "google:invitation",
    ]


def test_notes_saved_while_quiet_are_read_in_the_next_pass_and_the_recap_goes_at_settle(
    env: Env, admin: SandboxAdmin
) -> None:
    config = env.config(SAM, extra="notes_dir: ./notes\n")
    start = dt.datetime.fromisoformat(ny(TUESDAY, "13:00"))
    end = start + dt.timedelta(minutes=45)
    recaps: list[int] = []
    with service(config, NOW, env.url) as run:
        settle(run, end - dt.timedelta(days=2))  # the prep writes the notes file
        run(start - dt.timedelta(hours=20))
        settle(run, end + MINUTE)
        path = notes_path(env.tmp / "notes", config.pairs[0], start.astimezone(dt.UTC))
        assert run(end + 2 * MINUTE).quiet == 1  # no notes yet: nothing to do
        path.write_text(path.read_text().replace(NOTES_MARKER, f"{NOTES_MARKER}\nAcme closes."))
        for minute in range(3, 40):
            report = run(end + minute * MINUTE)
            if minute == 3:
                assert report.quiet == 0  # the file changed: planned again
            if "send-recap" in verbs(report):
                recaps.append(minute)
    # Notes settle 30 minutes after the end: the recap goes then, once, from the notes saved.
    assert recaps == [30]
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com").count("oneonone:recap") == 1


def test_a_conflict_entering_the_look_ahead_is_moved_within_the_recheck(
    env: Env, admin: SandboxAdmin
) -> None:
    config = env.config(SAM.replace("}", ", rebook: {look_ahead: 3d}}"))
    start = dt.datetime.fromisoformat(ny(TUESDAY, "13:00"))
    with service(config, NOW, env.url) as run:
        settle(run, NOW)
        meeting(admin, DANA, "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "13:30"))
        # Booked a week ahead, beyond the 3-day look-ahead: read, and nothing to do yet.
        assert verbs(run(NOW + 10 * MINUTE)) == []
        enters = start - dt.timedelta(days=3)
        moved: list[int] = []
        now = settle(run, enters - dt.timedelta(minutes=30))
        minute = int((now - enters) / MINUTE)
        while minute < 30 and not moved:
            minute += 1
            if "move-occurrence" in verbs(run(enters + minute * MINUTE)):
                moved.append(minute)
    assert moved
    assert 0 < moved[0] <= RECHECK * 1.25 / MINUTE
    assert shown(occurrence(admin, DANA, SAM_SERIES, TUESDAY)) == "Tue 13:45-14:30"


@pytest.fixture
def google(tmp_path: Path, sandbox: str, admin: SandboxAdmin) -> Google:
    """A deployment with real credentials files, where Sam may log in to be read."""
    return Google(tmp_path, sandbox, admin)


def test_a_meeting_on_a_readable_reps_calendar_is_seen_while_the_manager_is_quiet(
    google: Google, admin: SandboxAdmin
) -> None:
    google.login(DANA)
    google.login("sam@example.com", READ_ONLY)
    config = google.config(SAM)
    moved: list[int] = []
    with service(config, NOW) as run:
        now = settle(run, NOW)
        meeting(
            admin, "sam@example.com", "Customer call", ny(TUESDAY, "12:30"), ny(TUESDAY, "13:30")
        )
        for minute in range(1, 8):
            report: Any = run(now + minute * MINUTE)
            if "move-occurrence" in verbs(report):
                moved.append(minute)
    # Sam's calendar is read every five minutes at most: the call is seen at that read.
    assert len(moved) == 1
    assert moved[0] <= 6
    assert shown(occurrence(admin, "sam@example.com", SAM_SERIES, TUESDAY)) == "Tue 13:45-14:30"


def test_notes_written_during_the_1on1_bring_the_recap_at_settle_after_quiet_passes(
    env: Env, admin: SandboxAdmin
) -> None:
    config = env.config(SAM.replace("}", ", recap: {settle: 5m}}"), extra="notes_dir: ./notes\n")
    start = dt.datetime.fromisoformat(ny(TUESDAY, "13:00"))
    end = start + dt.timedelta(minutes=45)
    recaps: list[int] = []
    # With the re-check far away, only the end of the 1:1 can bring the recap at its time.
    with service(config, NOW, env.url, recheck=dt.timedelta(hours=3)) as run:
        settle(run, start - dt.timedelta(hours=20))  # the prep went, the notes file is there
        path = notes_path(env.tmp / "notes", config.pairs[0], start.astimezone(dt.UTC))
        path.write_text(path.read_text().replace(NOTES_MARKER, f"{NOTES_MARKER}\nAcme closes."))
        settle(run, end - dt.timedelta(minutes=10))  # typed during the 1:1, read, then quiet
        for minute in range(-5, 12):
            report = run(end + minute * MINUTE)
            if "send-recap" in verbs(report):
                recaps.append(minute)
    # The end of the 1:1 is a moment the plan may change: the recap goes at settle, not later.
    assert recaps == [5]
