"""Quiet managers are planned again at least every re-check, and not all in the same pass."""

from __future__ import annotations

import collections
import datetime as dt

from integrations.reconcile.quiet import RECHECK, Quiet, QuietManagers, recheck_after

NOW = dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)
MANAGERS = [f"m{i:04d}@example.com" for i in range(1000)]


def minutes(delta: dt.timedelta) -> float:
    return delta / dt.timedelta(minutes=1)


def test_the_first_rechecks_of_a_process_fall_over_fifteen_minutes_a_tenth_at_most_in_any() -> None:
    first = collections.Counter(int(minutes(recheck_after(m, first=True))) for m in MANAGERS)
    assert min(first) >= 3  # 0.25-1.25 of 15 minutes
    assert max(first) <= 18
    assert len(first) >= 15
    assert max(first.values()) <= len(MANAGERS) / 10


def test_later_rechecks_come_between_three_quarters_and_five_quarters_of_the_recheck() -> None:
    later = [minutes(recheck_after(m)) for m in MANAGERS]
    assert minutes(RECHECK) * 0.75 <= min(later)
    assert max(later) < minutes(RECHECK) * 1.25


def test_a_managers_first_record_takes_the_first_spread_and_later_ones_the_other() -> None:
    quiet = QuietManagers()
    record = Quiet(1, (), (), dt.datetime.max.replace(tzinfo=dt.UTC))
    owner = MANAGERS[0]
    quiet.settle(owner, record, now=NOW)
    kept = quiet.get(owner, now=NOW)
    assert kept is not None
    assert kept.until == NOW + recheck_after(owner, first=True)
    quiet.settle(owner, record, now=NOW)
    kept = quiet.get(owner, now=NOW)
    assert kept is not None
    assert kept.until == NOW + recheck_after(owner)
    due = NOW + dt.timedelta(minutes=2)  # an email falls due before the re-check
    quiet.settle(owner, Quiet(1, (), (), due), now=NOW)
    assert quiet.get(owner, now=due) is None
