"""A quiet manager's record outlives the process: the next ``run --once``, ``plan`` or service
start skips her at the cost of her one incremental ``events.list``, without decoding her kept
calendar, and still sees in its first pass whatever changed in between. A new config, a record
past its moment and an email dropped by hand plan everyone again."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from integrations.clock import FixedClock
from integrations.reconcile.pass_report import PassReport
from integrations.reconcile.quiet import basis
from integrations.sandbox import SandboxAdmin
from integrations.shell.wiring import wire
from integrations.state import calendar_cache
from integrations.state.quiet_store import QuietStore
from integrations.state.store import Store
from integrations.views.outbox_cli import drop_message
from integrations.views.plan_view import plan_lines
from scheduler.model import Config
from scheduler.people import People
from tests.e2e.bumped import TUESDAY, meeting, ny, occurrence, rep_inbox, shown
from tests.e2e.conftest import Env
from tests.e2e.test_quiet_managers import DANA, MINUTE, NOW, SAM, SAM_SERIES, service, settle
from tests.e2e.test_quiet_managers import verbs as verbs_of


def from_file(env: Env, extra: str = "") -> Config:
    """The config as the shell reads it: with its file's hash, which records are kept under."""
    config = env.config(SAM, extra=extra)
    assert config.source is not None
    assert config.digest == hashlib.sha256(config.source.read_bytes()).hexdigest()
    return config


def quiet_in_a_service(config: Config, env: Env) -> dt.datetime:
    """A service that ran until Dana was quiet, and stopped: the moment of its last pass."""
    with service(config, NOW, env.url) as run:
        return settle(run, NOW)


def process(
    config: Config, env: Env, now: dt.datetime, *, apply: bool = True
) -> tuple[PassReport, int]:
    """One pass of a new process (``run --once``, or ``plan`` when not ``apply``), and how many
    kept events it decoded."""
    decoded = 0
    original = calendar_cache.event_from_json

    def counting(*args: object) -> object:
        nonlocal decoded
        decoded += 1
        return original(*args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(calendar_cache, "event_from_json", counting)
        clock = FixedClock(now)
        with wire(config, sandbox_url=env.url, clock=clock, readonly=not apply) as wired:
            report = wired.runner.run_pass(now=now, apply=apply)
    assert not report.failed, report.manager_errors
    return report, decoded


def test_the_next_process_skips_a_quiet_manager_with_one_list_and_no_decoding(
    env: Env, admin: SandboxAdmin
) -> None:
    config = from_file(env)
    last = quiet_in_a_service(config, env)
    admin.reset_counts()
    report, decoded = process(config, env, last + MINUTE)
    assert (report.quiet, report.outcomes, decoded) == (1, [], 0)
    calendar = {k: n for k, n in admin.counts()["by_method"].items() if k.startswith("calendar")}
    assert calendar == {"calendar.events.list": 1}  # and a new process's one token refresh


def test_a_meeting_booked_between_processes_is_moved_by_the_next_ones_first_pass(
    env: Env, admin: SandboxAdmin
) -> None:
    config = from_file(env)
    last = quiet_in_a_service(config, env)
    meeting(admin, DANA, "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "13:30"))
    report, _ = process(config, env, last + MINUTE)
    assert report.quiet == 0
    assert verbs_of(report) == ["move-occurrence", "send-move-notice"]
    assert shown(occurrence(admin, DANA, SAM_SERIES, TUESDAY)) == "Tue 13:45-14:30"
    assert shown(occurrence(admin, "sam@example.com", SAM_SERIES, TUESDAY)) == "Tue 13:45-14:30"
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == [
        "oneonone:move",
        "google:invitation",
    ]


def test_plan_skips_the_quiet_manager_yet_shows_a_conflict_booked_since(
    env: Env, admin: SandboxAdmin
) -> None:
    config = from_file(env)
    last = quiet_in_a_service(config, env)
    report, decoded = process(config, env, last + MINUTE, apply=False)
    assert (report.quiet, report.outcomes, decoded) == (1, [], 0)
    assert plan_lines(report, config, People(config)) == [
        "nothing to do: every pair has its series as configured",
        "1 of 1 manager unchanged since their last pass found nothing to do: not planned again",
    ]
    meeting(admin, DANA, "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "13:30"))
    planned, _ = process(config, env, last + 2 * MINUTE, apply=False)
    assert planned.quiet == 0
    assert verbs_of(planned) == ["move-occurrence", "send-move-notice"]
    # The plan changed nothing: the 1:1 is where it was, and the next run moves it.
    assert shown(occurrence(admin, DANA, SAM_SERIES, TUESDAY)) == "Tue 13:00-13:45"
    report, _ = process(config, env, last + 3 * MINUTE)
    assert verbs_of(report) == ["move-occurrence", "send-move-notice"]


def test_an_edited_config_plans_everyone_in_the_next_process(env: Env) -> None:
    last = quiet_in_a_service(from_file(env), env)
    edited = from_file(env, extra="# a comment: the file is not the same\n")
    report, decoded = process(edited, env, last + MINUTE)
    assert (report.quiet, report.outcomes) == (0, [])
    assert decoded > 0


def test_a_record_past_its_recheck_plans_her_again(env: Env) -> None:
    config = from_file(env)
    last = quiet_in_a_service(config, env)
    report, _ = process(config, env, last + 20 * MINUTE)  # the re-check is 19 minutes at most
    assert (report.quiet, report.outcomes) == (0, [])


def test_an_email_dropped_by_hand_plans_everyone_in_the_next_pass(env: Env) -> None:
    config = from_file(env)
    last = quiet_in_a_service(config, env)
    store = Store(config.state)
    try:
        assert set(QuietStore(store).load(basis(config.digest))) == {DANA}
        with store.transaction() as conn:  # an email waiting in the outbox
            conn.execute(
                "INSERT INTO outbox (key, kind, sender, recipient, payload, state, not_before, "
                "created_at) VALUES ('k1', 'prep', ?, 'sam@example.com', '{}', 'PENDING', ?, ?)",
                (DANA, last.isoformat(), last.isoformat()),
            )
    finally:
        store.close()
    assert drop_message(Path(config.state), "k1", lambda _: None) == 0
    report, _ = process(config, env, last + MINUTE)
    assert report.quiet == 0


def test_a_record_spoiled_by_hand_plans_her_again_and_stops_nothing(env: Env) -> None:
    config = from_file(env)
    last = quiet_in_a_service(config, env)
    store = Store(config.state)
    try:
        with store.transaction() as conn:
            conn.execute("UPDATE quiet_managers SET watch = '[[not json', until = 'soon'")
    finally:
        store.close()
    report, _ = process(config, env, last + MINUTE)
    assert (report.quiet, report.outcomes) == (0, [])
