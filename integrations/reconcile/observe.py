"""Observing a calendar for a pass: one incremental read, merged in memory with the copy kept.

Observing reads and never writes. What was read (the delta and its next sync token) travels
with the observation, and ``store_observed`` keeps it when the pass applies; ``plan`` observes
the same way and stops, so a plan leaves the state file as it found it. The one read stored
before it is observed is a cold start's batched full read (``KeptRead``): a thousand calendars
held as read until each manager's turn cost more memory than the copies the state keeps.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from integrations.state.calendar_cache import CalendarCache
from scheduler import errors
from scheduler.ports import Calendar, CalendarEvent, Changes
from scheduler.vocabulary import EventStatus

log = logging.getLogger("oneonone")


@dataclass(frozen=True)
class KeptRead(Changes):
    """A full read that was stored as it came in (``reconcile.first_reads``): the copy kept is
    the calendar as read, and nothing is left to store."""


@dataclass(frozen=True)
class Observed:
    """One calendar as this pass sees it, and the read that is stored when the pass applies.

    The events are made on first use: a manager whose plan is skipped (``reconcile.quiet``)
    needs only to know that the read changed nothing, and a new process would otherwise decode
    every kept calendar to learn it."""

    owner: str
    read: Callable[[], tuple[CalendarEvent, ...]] = field(repr=False, compare=False)
    changes: Changes

    @functools.cached_property
    def events(self) -> tuple[CalendarEvent, ...]:
        return self.read()

    @property
    def unchanged(self) -> bool:
        """The read found nothing new: the kept copy is the calendar as it is."""
        return not self.changes.full and not self.changes.events


def observe_calendar(
    calendar: Calendar, cache: CalendarCache, owner: str, *, first: Changes | None = None
) -> Observed:
    """Read what changed since the token kept (everything, when it expired), and merge it.
    ``first`` is a full read already made for a calendar with no token (a cold start reads
    many calendars in shared batches); it stands for the read (a ``KeptRead``: the copy kept)."""
    if isinstance(first, KeptRead):
        return Observed(owner, lambda: tuple(cache.events(owner)), first)
    token = cache.sync_token(owner)
    try:
        changes = first if first is not None and token is None else calendar.changes(owner, token)
    except errors.SyncTokenExpired:
        log.info("sync token of %s expired: reading the calendar again in full", owner)
        changes = calendar.changes(owner, None)
    if changes.full or changes.events:  # merged now: the kept copy is about to change
        events = merge_changes(cache.events(owner), changes)
        return Observed(owner, lambda: events, changes)
    return Observed(owner, lambda: tuple(cache.events(owner)), changes)


def store_observed(cache: CalendarCache, observed: Observed, *, now: dt.datetime) -> None:
    """Keep what was observed (part of applying): the delta and the next sync token."""
    changes = observed.changes
    if isinstance(changes, KeptRead):  # stored already, as it was read
        return
    cache.apply_changes(
        observed.owner, changes.events, changes.next_token, full=changes.full, now=now
    )


def merge_changes(cached: Iterable[CalendarEvent], changes: Changes) -> tuple[CalendarEvent, ...]:
    """The calendar after a delta (or a full read, which replaces everything), as the cache
    will hold it once stored: ordered by event id.

    Cancelled items in a delta carry little more than their id: the copy kept keeps its tags
    and times and only its status changes, so a deleted series is still recognised.
    """
    before = {ev.id: ev for ev in cached}
    after = {} if changes.full else dict(before)
    for ev in changes.events:
        prior = before.get(ev.id)
        if ev.cancelled and not ev.private and prior is not None:
            ev = dataclasses.replace(
                prior,
                status=EventStatus.CANCELLED,
                etag=ev.etag or prior.etag,
                updated=ev.updated or prior.updated,
            )
        after[ev.id] = ev
    return tuple(after[k] for k in sorted(after))
