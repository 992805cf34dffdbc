"""Apply carries a plan out without reading the calendar: everything it decides on was read
while the pass observed. A calendar port that fails on any read cannot break it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from integrations.reconcile.occurrences import resolve_ids
from integrations.reconcile.runner import Runner
from scheduler.actions import MoveOccurrence
from scheduler.series import series_id
from scheduler.vocabulary import Result
from tests.e2e.bumped import meeting, ny, occurrence, shown
from tests.e2e.test_plan_then_run import FRIDAY, SAM, SAM_PAUSED, TUESDAY

READS = {"changes", "get", "instances", "instance", "busy"}
SERIES = series_id("dana@example.com", "sam@example.com", 0)


class ReadsFail:
    """A calendar that writes through to Google and refuses every read."""

    def __init__(self, calendar: Any) -> None:
        self._calendar = calendar
        self.reads: list[str] = []

    def __getattr__(self, name: str) -> Any:
        if name in READS:

            def refuse(*args: Any, **kwargs: Any) -> Any:
                self.reads.append(name)
                raise AssertionError(f"apply read the calendar: {name}")

            return refuse
        return getattr(self._calendar, name)


def apply_without_reads(env, config, now: dt.datetime):
    """Observe and plan with the real calendar, read the occurrences the plan writes to, then
    apply with a calendar that refuses reads; returns the outcomes and the refused reads."""
    with env.wired(config) as wired:
        planned = wired.runner.run_pass(now=now, apply=False).planned
        observed = wired.store.calendars.events("dana@example.com")
        ready, skipped = resolve_ids(wired.calendar, planned, observed)
        assert skipped == []
        port = ReadsFail(wired.calendar)
        applier = Runner(config, port, wired.store, wired.runner.notifier)
        outcomes = applier.apply(ready, now=now)
        wired.runner.notifier.deliveries.deliver_due(now=now)  # the outbox, as a pass ends
    return outcomes, port.reads


def test_a_move_and_its_notice_are_applied_without_reading_the_calendar(env, admin) -> None:
    config = env.config(SAM)
    env.run(config, FRIDAY)
    meeting(admin, "dana@example.com", "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    outcomes, reads = apply_without_reads(env, config, FRIDAY + dt.timedelta(minutes=5))
    assert reads == []
    assert [(o.action.verb, o.result) for o in outcomes] == [
        ("move-occurrence", Result.DONE),
        ("send-move-notice", Result.DONE),
    ]
    assert isinstance(outcomes[0].action, MoveOccurrence)
    assert shown(occurrence(admin, "sam@example.com", SERIES, TUESDAY)) == "Tue 12:00-12:45"
    moves = sorted((env.tmp / "outbox").glob("*-move-*.eml"))
    assert len(moves) == 1  # queued for Sam, once


def test_an_agenda_preps_and_pause_cancellations_are_applied_without_reads(env, admin) -> None:
    env.run(env.config(SAM), FRIDAY)
    config = env.config(SAM_PAUSED)
    prep_time = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
    outcomes, reads = apply_without_reads(env, config, prep_time)
    assert reads == []
    assert sorted(o.action.verb for o in outcomes) == [
        "pause-occurrence",
        "send-digest",
        "send-pause-note",
        "send-prep",
        "send-prep",
        "write-agenda",
    ]
    assert {o.result for o in outcomes} == {Result.DONE}
    [agenda] = admin.instances(
        "sam@example.com", SERIES, "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z"
    )
    assert "Sam" in agenda["description"]
    [paused] = admin.instances(
        "dana@example.com", SERIES, "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z",
        show_deleted=True,
    )  # fmt: skip
    assert paused["status"] == "cancelled"
    sent = sorted(p.name.split("-")[-2] for p in (env.tmp / "outbox").glob("*.eml"))
    assert sent == ["digest", "note", "prep", "prep"]
