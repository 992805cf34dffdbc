"""Creating series: one by one with the deterministic id, or many at once in shared batches.

The runner plans; this module makes the inserts. A cold start has every series to create, so the
inserts of all managers go out together, 50 to a batch (Google counts each part against its
owner's quota; the batch saves round trips). Anything a batch does not settle is created alone.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from integrations.google.gcal import BATCH_SIZE
from integrations.state.store import Store
from scheduler import errors
from scheduler.actions import Action, CreateSeries
from scheduler.keys import recreated_key
from scheduler.ports import Calendar, CalendarEvent, SeriesSpec
from scheduler.series import TAG_GEN, TAG_REP, series_id
from scheduler.vocabulary import Result

log = logging.getLogger("oneonone")

MAX_GENERATIONS = 50
BATCH_PARTS = BATCH_SIZE  # inserts per shared batch: the adapter's batch size


class Tell(Protocol):
    """Alert a manager once (by key), by email, and keep it in the audit."""

    def __call__(self, owner: str, key: str, text: str, *, now: dt.datetime) -> None: ...


@dataclass
class Outcome:
    action: Action
    result: Result
    detail: str = ""


@dataclass
class SeriesWriter:
    calendar: Calendar
    store: Store
    tell: Tell

    def create(self, action: CreateSeries, *, now: dt.datetime) -> Outcome:
        """Insert with the deterministic id; a 409 means it may be ours already (a retry after a
        crash) or a burned id of a deleted generation, which moves on to the next generation."""
        spec, gen = action.spec, action.gen
        for _ in range(MAX_GENERATIONS):
            try:
                ev = self.calendar.create_series(action.owner, spec)
            except errors.AlreadyExists:
                existing = self.calendar.get(action.owner, spec.event_id)
                if (
                    existing is not None
                    and not existing.cancelled
                    and (existing.private.get(TAG_REP, "").lower() == spec.private[TAG_REP].lower())
                ):
                    ev = existing
                else:
                    gen += 1
                    spec = _regenerate(action, gen)
                    continue
            return self.created(action, ev, gen, now=now)
        return Outcome(action, Result.FAILED, f"{MAX_GENERATIONS} generations of ids are taken")

    def created(
        self, action: CreateSeries, ev: CalendarEvent, gen: int, *, now: dt.datetime
    ) -> Outcome:
        outcome = self.kept(action, ev, gen, now=now)
        self.told(action, ev, now=now)
        return outcome

    def kept(
        self, action: CreateSeries, ev: CalendarEvent, gen: int, *, now: dt.datetime
    ) -> Outcome:
        """The new series in the state: its copy kept, and its record."""
        with self.store.transaction():
            self.store.calendars.put(action.owner, ev)
            self.store.series.record(ev.id, action.pair_key, action.owner, gen, now)
        return Outcome(action, Result.DONE, ev.id)

    def told(self, action: CreateSeries, ev: CalendarEvent, *, now: dt.datetime) -> None:
        """A series made again after someone deleted it: the manager hears of it once."""
        if action.alert:
            self.tell(action.owner, recreated_key(ev.id), action.alert, now=now)

    def create_batched(
        self, creates: Sequence[CreateSeries], *, now: dt.datetime
    ) -> dict[int, CalendarEvent]:
        """Insert ``creates`` (of one or several owners) in batches; the event each one the
        batch created, by ``id(action)``, to be kept by the caller. The rest (a 409, an error)
        are for ``create``.

        Their records are written first, in one transaction: should the process die after
        Google made them and before they are kept, the next pass finds them on the calendar
        (and inserts nothing), and the state still knows whose calendars hold our series."""
        with self.store.transaction():
            for c in creates:
                self.store.series.record(c.spec.event_id, c.pair_key, c.owner, c.gen, now)
        try:
            results = self.calendar.create_many([(c.owner, c.spec) for c in creates])
        except Exception as exc:  # the whole batch failed: each series is then made alone
            log.warning(
                "%d new series: the batch failed (%s); each is made alone", len(creates), exc
            )
            return {}
        return {
            id(action): result
            for action, result in zip(creates, results, strict=True)
            if isinstance(result, CalendarEvent)
        }


def batch_groups(by_owner: Sequence[Sequence[CreateSeries]]) -> Iterator[list[CreateSeries]]:
    """Whole owners packed into groups of at most ``BATCH_PARTS`` inserts (an owner with more
    gets a group of its own), so one owner's writes are never in two threads at once."""
    group: list[CreateSeries] = []
    for creates in by_owner:
        if group and len(group) + len(creates) > BATCH_PARTS:
            yield group
            group = []
        group += creates
    if group:
        yield group


def made_by_owner(
    group: Sequence[CreateSeries], made: dict[int, CalendarEvent]
) -> dict[str, list[tuple[CreateSeries, CalendarEvent]]]:
    """What a batch made (``create_batched``), by owner, in the batch's order."""
    out: dict[str, list[tuple[CreateSeries, CalendarEvent]]] = {}
    for action in group:
        event = made.get(id(action))
        if event is not None:
            out.setdefault(action.owner, []).append((action, event))
    return out


def _regenerate(action: CreateSeries, gen: int) -> SeriesSpec:
    manager, rep = action.pair_key.split("/", 1)
    private = dict(action.spec.private)
    private[TAG_GEN] = str(gen)
    return dataclasses.replace(action.spec, event_id=series_id(manager, rep, gen), private=private)
