"""The series a plan plans against are the ones its writes then leave on the calendar.

A plan made before a series exists plans its later stages (pauses, agendas, preps) against
``scheduler.inserted.as_inserted``; here the real client inserts the same series into the
sandbox and reads it back, and every field a plan may read must agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from integrations.clock import FixedClock
from integrations.shell.wiring import wire
from scheduler.actions import AdoptSeries, CreateSeries
from scheduler.inserted import as_inserted, as_written
from tests.e2e.conftest import PRIYA, SAM
from tests.e2e.test_adoption import HERS

NOW = dt.datetime(
    2026, 10, 30, 15, 0, tzinfo=dt.UTC
)  # a Friday; the first 1:1s fall after DST ends

SHORTER = {
    **HERS,
    "end": {"dateTime": "2026-11-03T10:30:00", "timeZone": "America/New_York"},
    "extendedProperties": {"private": {"theirs": "kept"}},
}
GOOGLES_OWN = {"etag": "", "ical_uid": "", "updated": None, "sequence": 0}


def test_the_series_a_plan_expects_is_the_series_the_insert_makes(env) -> None:
    config = env.config(SAM, PRIYA)
    with wire(config, sandbox_url=env.url, clock=FixedClock(NOW), readonly=True) as wired:
        plan = wired.runner.run_pass(now=NOW, apply=False)
    creates = [a for a in plan.planned if isinstance(a, CreateSeries)]
    assert len(creates) == 2
    env.run(config, NOW)
    with wire(config, sandbox_url=env.url, clock=FixedClock(NOW)) as wired:
        made = [wired.calendar.get(c.owner, c.spec.event_id) for c in creates]
    for action, event in zip(creates, made, strict=True):
        assert event is not None
        assert event.etag  # Google's own, which a plan does not know
        assert event.ical_uid
        assert dataclasses.replace(event, **GOOGLES_OWN) == as_inserted(action)


def test_the_series_a_plan_expects_is_the_series_the_adoption_leaves(env, admin) -> None:
    """Her own shorter series, adopted: the tags merge into hers and the configured length
    is written; the plan's idea of the result is what the patch leaves on the calendar."""
    admin.insert_event("dana@example.com", SHORTER)
    config = env.config(SAM)
    with wire(config, sandbox_url=env.url, clock=FixedClock(NOW), readonly=True) as wired:
        before = wired.calendar.get("dana@example.com", SHORTER["id"])
        plan = wired.runner.run_pass(now=NOW, apply=False)
    [adopt] = [a for a in plan.planned if isinstance(a, AdoptSeries)]
    assert adopt.changes.end is not None  # the configured length is part of the write
    assert before is not None
    env.run(config, NOW)
    with wire(config, sandbox_url=env.url, clock=FixedClock(NOW)) as wired:
        after = wired.calendar.get("dana@example.com", SHORTER["id"])
    assert after is not None
    assert after.private["theirs"] == "kept"  # Google merges the private tags it is sent
    google = {"etag": after.etag, "updated": after.updated, "sequence": after.sequence}
    [expected] = as_written([before], [adopt])
    assert dataclasses.replace(expected, **google) == after
