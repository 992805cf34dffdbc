"""A move is recorded as an intent before its patch, so however the patch ends the service
knows the move is its own: a crash right after Google took it, a crash after the notice was
queued, an answer lost to a server error whose retry gets 412 (the move fails; the next pass
finds it done), or a patch that never went through. Each ends with the occurrence moved once
and the rep told exactly once."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from integrations.google.gcal import GoogleCalendar
from integrations.google.retry import call_with_retries
from integrations.reconcile.runner import Runner
from integrations.state import move_log
from integrations.state.store import Store
from scheduler.series import series_id
from tests.e2e.bumped import NOW, TUESDAY, after, meeting, ny, occurrence, rep, rep_inbox, shown

SAM = rep("Sam Ortiz", "sam@example.com", "tuesday", "13:00")
DANA = "dana@example.com"
SERIES = series_id(DANA, "sam@example.com", 0)


class Crash(BaseException):
    """The process dies here: nothing after it runs."""


def both(admin) -> tuple[str, str]:
    return (
        shown(occurrence(admin, DANA, SERIES, TUESDAY)),
        shown(occurrence(admin, "sam@example.com", SERIES, TUESDAY)),
    )


def audit(env) -> list[tuple[str, str]]:
    store = Store(env.tmp / "state.db")
    rows = [(r.action, r.result) for r in store.audit.rows() if r.action != "create-series"]
    store.close()
    return rows


def settle_quietly(env, config, *minutes: int) -> None:
    for m in minutes:
        assert env.run(config, NOW + dt.timedelta(minutes=m)).outcomes == []


def moved_and_told(report, *, resumed: bool) -> None:
    """The pass moved the 1:1 (finishing the service's own intent, or not) and told the rep."""
    assert [(o.action.verb, o.result) for o in report.outcomes] == [
        ("move-occurrence", "done"),
        ("send-move-notice", "done"),
    ]
    assert report.outcomes[0].action.resume is resumed


def bumped(env, admin):
    config = env.config(SAM)
    env.run(config, NOW)
    meeting(admin, DANA, "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    return config


def test_a_crash_right_after_google_took_the_move_is_finished_and_told_once(env, admin):
    config = bumped(env, admin)
    with env.wired(config) as wired:

        def dies(*args, **kwargs):
            raise Crash

        wired.store.calendars.put = (
            dies  # Google answered the patch; the process dies before noting it
        )
        with pytest.raises(Crash):
            wired.runner.run_pass(now=NOW + dt.timedelta(minutes=2))
    assert both(admin) == ("Tue 12:00-12:45",) * 2
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == after(1, told=0)
    report = env.run(config, NOW + dt.timedelta(minutes=3))
    finish, told = report.outcomes
    assert (finish.action.verb, finish.result, finish.action.resume) == (
        "move-occurrence",
        "done",
        True,
    )
    assert (told.action.verb, told.result) == ("send-move-notice", "done")
    settle_quietly(env, config, 4, 5, 6)
    assert both(admin) == ("Tue 12:00-12:45",) * 2
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == after(1)
    assert ("notice", "done") not in audit(env)  # never taken for a person's move


def test_a_crash_after_the_notice_was_queued_sends_it_once(env, admin, monkeypatch):
    config = bumped(env, admin)

    def dies(*args, **kwargs):
        raise Crash

    monkeypatch.setattr(move_log, "complete", dies)
    with pytest.raises(Crash):
        env.run(config, NOW + dt.timedelta(minutes=2))
    monkeypatch.undo()
    moved_and_told(env.run(config, NOW + dt.timedelta(minutes=3)), resumed=True)
    settle_quietly(env, config, 4, 5, 6)
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == after(1)


def test_a_retried_patch_refused_with_412_because_the_first_try_went_through_is_finished_next_pass(
    env, admin
):
    config = env.config(SAM)
    env.run(config, NOW)
    # Sam declines: Google materialises the occurrence, so the move's patch carries If-Match.
    admin.respond("sam@example.com", occurrence(admin, DANA, SERIES, TUESDAY)["id"], "declined")
    admin.add_fault(method="calendar.events.patch", status=503, times=1, after=True)
    slept: list[float] = []
    with env.wired(config) as wired:
        calendar = GoogleCalendar(
            wired.pool.calendar_resource,
            wired.pool.http_for,
            execute=functools.partial(call_with_retries, sleep=slept.append, rand=lambda: 0.5),
        )
        runner = Runner(config, calendar, wired.store, wired.runner.notifier)
        report = runner.run_pass(now=NOW + dt.timedelta(minutes=2))
    # Apply never reads to decide: the 412 fails the move, its intent stays open.
    assert [(o.action.verb, o.result) for o in report.outcomes] == [
        ("move-occurrence", "skipped"),
        ("send-move-notice", "skipped"),
    ]
    statuses = [r["status"] for r in admin.requests(20) if r["method"] == "calendar.events.patch"]
    assert statuses == [503, 412]  # the first try went through; the retry's If-Match is stale
    assert len(slept) == 1
    assert both(admin) == ("Tue 12:15-13:00",) * 2
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == after(1, told=0)
    # The next pass reads the occurrence where the intent says: the service's own move.
    moved_and_told(env.run(config, NOW + dt.timedelta(minutes=3)), resumed=True)
    settle_quietly(env, config, 4, 5, 6)
    assert both(admin) == ("Tue 12:15-13:00",) * 2
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == after(1)


def test_a_patch_that_never_went_through_is_forgotten_and_decided_again(env, admin):
    config = bumped(env, admin)
    admin.add_fault(method="calendar.events.patch", status=503, times=6)
    slept: list[float] = []
    with env.wired(config) as wired:
        calendar = GoogleCalendar(
            wired.pool.calendar_resource,
            wired.pool.http_for,
            execute=functools.partial(call_with_retries, sleep=slept.append, rand=lambda: 0.5),
        )
        runner = Runner(config, calendar, wired.store, wired.runner.notifier)
        report = runner.run_pass(now=NOW + dt.timedelta(minutes=2))
    assert [(o.action.verb, o.result) for o in report.outcomes] == [
        ("move-occurrence", "failed"),
        ("send-move-notice", "skipped"),
    ]
    assert both(admin) == ("Tue 13:00-13:45",) * 2
    store = Store(env.tmp / "state.db")
    assert [m.done for m in next(iter(move_log.read(store).history.values()))] == [False]
    store.close()
    moved_and_told(env.run(config, NOW + dt.timedelta(minutes=3)), resumed=False)
    assert both(admin) == ("Tue 12:00-12:45",) * 2
    settle_quietly(env, config, 4, 5, 6)
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == after(1)
