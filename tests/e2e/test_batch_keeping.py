"""What a shared batch of inserts made is kept one manager at a time, all or nothing: a state
write that fails, or a process that dies before the series are kept, never makes a series twice
and never leaves one unknown to the state.

The failing write is a real SQLite error: a trigger on the state file's connection aborts the
audit row of the chosen manager's new series, as a full disk would abort it.
"""

from __future__ import annotations

import collections
import datetime as dt

import pytest

from integrations.shell.wiring import wire
from integrations.state.store import Store
from tests.e2e.test_series import NOW, ours, teams_config

OWNERS = ["dana@example.com", "m0@example.com", "m1@example.com"]
FAIL_AUDIT = """CREATE TEMP TRIGGER failing_disk BEFORE INSERT ON main.audit
    WHEN NEW.action = 'create-series' AND NEW.pair_key LIKE '{like}'
    BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"""


class Killed(BaseException):
    """The process dies: nothing after this point runs."""


def created_rows(env) -> collections.Counter[tuple[str, str]]:
    store = Store(env.tmp / "state.db")
    try:
        rows = store.audit.rows(limit=1000)
    finally:
        store.close()
    return collections.Counter((r.pair_key, r.result) for r in rows if r.action == "create-series")


def state_of(env) -> tuple[set[str], dict[str, int]]:
    """Whose calendars the state knows to hold our series, and how many series (masters) each
    has in its copy."""
    store = Store(env.tmp / "state.db")
    try:
        kept = {
            o: sum(
                1
                for e in store.calendars.events(o)
                if e.private.get("oneonone") == "series" and not e.recurring_event_id
            )
            for o in OWNERS
        }
        return store.series.owners(), kept
    finally:
        store.close()


def test_a_manager_whose_new_series_cannot_be_kept_has_them_made_alone_and_only_once(
    env, admin
) -> None:
    config = teams_config(env, managers=2)  # 1 + 2 x 8 = 17 series
    with wire(config, sandbox_url=env.url) as wired:
        wired.store.conn.execute(FAIL_AUDIT.format(like="m1@example.com/%"))
        rest_stage = wired.runner._rest_stage

        def disk_freed_then_rest(run, now, apply):
            wired.store.conn.execute("DROP TRIGGER IF EXISTS temp.failing_disk")
            rest_stage(run, now, apply)

        wired.runner._rest_stage = disk_freed_then_rest
        report = wired.runner.run_pass(now=NOW, workers=2)
        assert not report.failed, report.manager_errors
        counts = admin.counts()["by_method"]
        # Her eight were made in the batch but not kept: made alone, each a 409 that reads
        # the series and finds it ours.
        assert counts["calendar.events.insert"] == 17 + 8
        assert counts["calendar.events.get"] == 8
        admin.reset_counts()
        again = wired.runner.run_pass(now=NOW + dt.timedelta(minutes=1), workers=2)
    assert not again.failed
    assert [o for o in again.outcomes if o.action.verb == "create-series"] == []
    assert "calendar.events.insert" not in admin.counts()["by_method"]
    assert len(ours(admin)) == 1
    for i in range(2):
        assert len(ours(admin, f"m{i}@example.com")) == 8
    rows = created_rows(env)
    assert sum(rows.values()) == 17  # one row per series: none lost, none twice
    assert set(rows.values()) == {1}
    assert {result for _, result in rows} == {"done"}
    assert state_of(env) == (set(OWNERS), {OWNERS[0]: 1, OWNERS[1]: 8, OWNERS[2]: 8})


def test_a_pass_that_dies_before_its_batch_is_kept_leaves_nothing_to_insert_again(
    env, admin
) -> None:
    """The batch went through on Google, then the process died before any manager's new
    series were kept: the next pass (a new process) finds them on the calendar and makes
    none again, and the state still knows whose calendars hold them."""
    config = teams_config(env, managers=2)
    with wire(config, sandbox_url=env.url) as wired:
        wired.store.conn.execute(FAIL_AUDIT.format(like="%"))

        def dies(run, now, apply):
            raise Killed

        wired.runner._rest_stage = dies
        with pytest.raises(Killed):
            wired.runner.run_pass(now=NOW, workers=2)
    assert admin.counts()["by_method"]["calendar.events.insert"] == 17
    assert created_rows(env) == collections.Counter()  # nothing was kept
    admin.reset_counts()
    with wire(config, sandbox_url=env.url) as wired:
        report = wired.runner.run_pass(now=NOW + dt.timedelta(minutes=1), workers=2)
    assert not report.failed, report.manager_errors
    assert [o for o in report.outcomes if o.action.verb == "create-series"] == []
    counts = admin.counts()["by_method"]
    assert "calendar.events.insert" not in counts
    assert counts["calendar.events.list"] == 3  # each calendar read from its token, once
    assert len(ours(admin)) == 1
    for i in range(2):
        assert len(ours(admin, f"m{i}@example.com")) == 8
    assert state_of(env) == (set(OWNERS), {OWNERS[0]: 1, OWNERS[1]: 8, OWNERS[2]: 8})
