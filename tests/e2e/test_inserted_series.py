"""The new series a plan plans against is the one the insert then puts on the calendar.

A plan made before a series exists plans its later stages (pauses, agendas, preps) against
``scheduler.inserted.as_inserted``; here the real client inserts the same series into the
sandbox and reads it back, and every field a plan may read must agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from integrations.clock import FixedClock
from integrations.shell.wiring import wire
from scheduler.actions import CreateSeries
from scheduler.inserted import as_inserted
from tests.e2e.conftest import PRIYA, SAM

NOW = dt.datetime(
    2026, 10, 30, 15, 0, tzinfo=dt.UTC
)  # a Friday; the first 1:1s fall after DST ends

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
