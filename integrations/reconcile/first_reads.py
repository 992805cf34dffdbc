"""A cold start's first reads, made for many managers at once.

A manager with no sync token yet needs a full read of her calendar. At a cold start that is
every manager: read one by one, a thousand managers cost a thousand round trips before any
series is planned. Here they are read up front in shared batches (``Calendar.first_reads``),
each part as its owner, on the pass's worker threads; the pass's own read of each manager then
takes its answer instead of asking again. A manager left out (a parked one, a refresh or part
that failed) is read alone in her own stage, as before, where any error is hers alone.

Each batch's answers are stored as they come in (one transaction per manager), unless the state
is open read-only (a plan): held until observed, a thousand full calendars as read cost more
memory than the copies the state keeps of them (issue 17's peak).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence

from integrations.google.gcal import BATCH_SIZE
from integrations.reconcile.observe import KeptRead
from integrations.reconcile.workers import Workers
from integrations.state.store import Store
from scheduler.ports import Calendar, Changes

log = logging.getLogger("oneonone")


def read_first(
    calendar: Calendar,
    store: Store,
    owners: Sequence[str],
    *,
    workers: Workers,
    threads: int,
    now: dt.datetime,
) -> dict[str, Changes]:
    """Full reads of the owners that have no sync token yet (when two or more do)."""
    new = [
        o
        for o in owners
        if store.calendars.sync_token(o) is None and store.parking.reason(o, now) is None
    ]
    if len(new) < 2:
        return {}
    found: dict[str, Changes] = {}
    lock = threading.Lock()

    def read(group: list[str]) -> None:
        try:
            with workers.claim(set(group)):
                answers = calendar.first_reads(group)
                if not store.readonly:
                    answers = keep(store, answers, now=now)
        except Exception:  # a bug: these managers are read alone, each in her own stage
            log.exception("reading %d calendars together failed; each is read alone", len(group))
            return
        with lock:
            found.update(answers)

    groups = [new[lo : lo + BATCH_SIZE] for lo in range(0, len(new), BATCH_SIZE)]
    workers.each(groups, read, threads)
    return found


def keep(store: Store, answers: dict[str, Changes], *, now: dt.datetime) -> dict[str, Changes]:
    """Store each full read now; what the pass then observes of each is the copy kept. An
    owner whose read cannot be stored is left out, to be read alone."""
    kept: dict[str, Changes] = {}
    while answers:
        owner, full = answers.popitem()  # each read is let go of once it is stored
        try:
            store.calendars.apply_changes(owner, full.events, full.next_token, full=True, now=now)
        except Exception:  # a bug or a full disk: her own stage reads and stores it again
            log.exception("keeping the calendar of %s failed; it is read alone", owner)
            continue
        kept[owner] = KeptRead((), full.next_token, full=True)
    return kept
