"""Series enforcement: for each manager, compare the pairs in the config with the series seen on
the manager's calendar and decide what to create, adopt, repair or end.

The decision table (``plan_series``), one reason per branch:

- no live series we own, the last one was deleted by someone → create the next generation from the
  next occurrence on, and tell the manager once why;
- no live series, an untagged recurring event with exactly the manager and the rep → adopt it
  (when adoption is on) rather than create a second one, in one write: the tags (with when the
  service took charge) and the configured length; the manager's title and description stay;
- no live series → create one with a deterministic id (a retry can never duplicate it);
- a live series whose stored spec differs from the config (day, time, cadence, length, zone) → the
  config changed: end it before its next occurrence and create a new one from then on;
- a live series with the config's spec but drifted attendees, title or length → repair it (an
  adopted series keeps its own title unless the config sets ``title``);
- a live series whose day or time was changed in Calendar by a person → respect it and say so once;
- a live series for a rep no longer in the config → end it (UNTIL), never delete it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from scheduler import adoption, words
from scheduler.actions import (
    Action,
    CreateSeries,
    EndSeries,
    Notice,
    RepairSeries,
)
from scheduler.keys import not_adopted_key, series_moved_key
from scheduler.model import Manager, Pair
from scheduler.owned import HORIZON, OwnedSeries, exceptions_by_series, owned_series
from scheduler.ports import Attendee, CalendarEvent, EventPatch, SeriesSpec
from scheduler.recurrence import (
    describe_cadence,
    first_occurrence,
    rrule_for,
    to_local,
    with_until,
)
from scheduler.series_tags import (
    TAG,
    TAG_ADOPTED,
    TAG_GEN,
    TAG_REP,
    TAG_SINCE,
    TAG_SPEC,
    format_since,
    series_id,
    spec_fingerprint,
    tags,
)
from scheduler.vocabulary import Response
from scheduler.words import when, zone_label

__all__ = [  # the marks are part of what this module offers its callers
    "TAG",
    "TAG_ADOPTED",
    "TAG_GEN",
    "TAG_REP",
    "TAG_SINCE",
    "TAG_SPEC",
    "OwnedSeries",
    "exceptions_by_series",
    "format_since",
    "owned_series",
    "plan_series",
    "series_id",
    "spec_fingerprint",
    "tags",
]

DESCRIPTION = (
    "Recurring 1:1 kept by oneonone. If this time stops working for one occurrence, just decline "
    "or book over it: the service moves that occurrence to a free time the same day."
)


def attendees_for(pair: Pair) -> tuple[Attendee, ...]:
    return (
        Attendee(pair.manager.email, Response.ACCEPTED, pair.manager.name, organizer=True),
        Attendee(pair.rep.email, Response.NEEDS_ACTION, pair.rep.name),
    )


def new_series(pair: Pair, gen: int, *, now: dt.datetime, after: dt.date | None) -> SeriesSpec:
    first = first_occurrence(pair, now=now, after_date=after)
    return SeriesSpec(
        event_id=series_id(pair.manager.email, pair.rep.email, gen),
        summary=pair.summary,
        description=DESCRIPTION,
        first_start_local=first,
        duration=pair.duration,
        timezone=pair.manager.timezone,
        recurrence=(rrule_for(pair.cadence, first.date()),),
        attendees=attendees_for(pair),
        private=tags(pair, gen, since=now),
    )


def end_series(
    owned: OwnedSeries,
    exceptions: Sequence[CalendarEvent],
    *,
    now: dt.datetime,
    pair_key: str,
    owner: str,
    reason: str,
    replaced: bool = False,
) -> tuple[EndSeries | None, dt.date | None]:
    """End a series before its next occurrence that has not started; past ones stay untouched.

    Returns the action (None when nothing is left to end) and the local date of the last
    occurrence kept, so a follow-up series never lands a second 1:1 on that day.
    """
    tz = owned.event.timezone or "UTC"
    future = owned.starts(now, now + HORIZON)
    past = owned.starts(now - HORIZON, now)
    kept_date = to_local(past[-1], tz).date() if past else None
    if not future:
        return None, kept_date
    cutoff = future[0]
    cancel = tuple(
        e.id
        for e in exceptions
        if e.original_start is not None and e.original_start >= cutoff and not e.cancelled
    )
    until = cutoff - dt.timedelta(seconds=1)
    action = EndSeries(
        pair_key,
        owner,
        owned.event.id,
        with_until(owned.event.recurrence, until),
        until,
        owned.event.etag,
        reason,
        cancel,
        replaced,
    )
    return action, kept_date


def plan_series(
    manager: Manager,
    pairs: Sequence[Pair],
    events: Sequence[CalendarEvent],
    *,
    now: dt.datetime,
    adopt: bool = True,
) -> list[Action]:
    """What to do on one manager's calendar so every pair has exactly one live series."""
    owner = manager.person.email
    by_rep = owned_series(events)
    exceptions = exceptions_by_series(events)
    actions: list[Action] = []
    wanted = {p.rep.email.lower() for p in pairs}
    for pair in pairs:
        history = by_rep.get(pair.rep.email.lower(), [])
        actions += _plan_pair(pair, history, events, exceptions, now=now, adopt=adopt)
    for rep, history in sorted(by_rep.items()):
        if rep in wanted:
            continue
        for owned in history:
            if owned.is_live(now):
                action, _ = end_series(
                    owned,
                    exceptions.get(owned.event.id, []),
                    now=now,
                    pair_key=f"{owner}/{rep}",
                    owner=owner,
                    reason=f"{rep} is no longer in the config: the series ends, nothing is deleted",
                )
                if action:
                    actions.append(action)
    return actions


def end_removed_manager(
    owner: str, events: Sequence[CalendarEvent], *, now: dt.datetime
) -> list[Action]:
    """A manager no longer in the config: each live series on their calendar ends before its
    next occurrence (UNTIL), as for a removed rep; past occurrences stay, nothing is deleted."""
    exceptions = exceptions_by_series(events)
    actions: list[Action] = []
    for rep, history in sorted(owned_series(events).items()):
        for owned in history:
            if not owned.is_live(now):
                continue
            action, _ = end_series(
                owned,
                exceptions.get(owned.event.id, []),
                now=now,
                pair_key=f"{owner}/{rep}",
                owner=owner,
                reason=f"the manager {owner} is no longer in the config: the series with {rep} "
                "ends, nothing is deleted",
            )
            if action:
                actions.append(action)
    return actions


def _plan_pair(
    pair: Pair,
    history: list[OwnedSeries],
    events: Sequence[CalendarEvent],
    exceptions: dict[str, list[CalendarEvent]],
    *,
    now: dt.datetime,
    adopt: bool,
) -> list[Action]:
    owner = pair.manager.email
    live = [s for s in history if s.is_live(now)]
    next_gen = max((s.gen for s in history), default=-1) + 1
    if not live:
        last_kept = max(
            (d for s in history for d in [_last_date(s, now)] if d is not None), default=None
        )
        if history and history[-1].event.cancelled:
            spec = new_series(pair, next_gen, now=now, after=last_kept)
            why = (
                f"the series {history[-1].event.id} was deleted in Calendar; the 1:1 is kept, "
                f"so it is recreated from {words.short_day(spec.first_start_local)}"
            )
            return [CreateSeries(pair.key, owner, spec, next_gen, why, alert=why)]
        candidate = (
            adoption.adoptable(events, owner, pair.rep.email) if adopt and not history else None
        )
        if candidate is not None and adoption.same_slot(candidate, pair):
            return [adoption.adopt(pair, candidate, now=now)]
        spec = new_series(pair, next_gen, now=now, after=last_kept)
        actions: list[Action] = [
            CreateSeries(pair.key, owner, spec, next_gen, "no series exists for this pair")
        ]
        if candidate is not None:  # someone's own meeting at another time: never touched
            actions.append(
                Notice(
                    pair.key,
                    owner,
                    not_adopted_key(candidate.id),
                    f"{candidate.summary or 'a recurring event'} ({candidate.id}) also has just "
                    "the manager and the rep but not the configured day and time: left as it "
                    "is; the configured 1:1 is created beside it",
                )
            )
        return actions
    current, *older = sorted(live, key=lambda s: s.gen, reverse=True)
    actions = []
    for dup in older:
        end, _ = end_series(
            dup,
            exceptions.get(dup.event.id, []),
            now=now,
            pair_key=pair.key,
            owner=owner,
            reason=f"a newer series {current.event.id} exists for this pair",
            replaced=True,
        )
        if end:
            actions.append(end)
    if current.spec != spec_fingerprint(pair):
        end, kept = end_series(
            current,
            exceptions.get(current.event.id, []),
            now=now,
            pair_key=pair.key,
            owner=owner,
            reason="the config changed (day, time, cadence, length or zone): the series ends "
            "before its next occurrence and a new one takes over; past occurrences stay as "
            "they were",
            replaced=True,
        )
        if end:
            actions.append(end)
        spec = new_series(pair, next_gen, now=now, after=kept)
        actions.append(
            CreateSeries(
                pair.key,
                owner,
                spec,
                int(spec.private[TAG_GEN]),
                f"new schedule: {describe_cadence(pair)} at {pair.time:%H:%M}, "
                f"{int(pair.duration.total_seconds() // 60)} min, from "
                f"{when(_aware(spec.first_start_local, spec.timezone), spec.timezone)}",
            )
        )
        return actions
    actions += _repairs(pair, current)
    return actions


def _aware(local: dt.datetime, tz: str) -> dt.datetime:
    return local.replace(tzinfo=ZoneInfo(tz))


def _last_date(owned: OwnedSeries, now: dt.datetime) -> dt.date | None:
    starts = owned.starts(now - HORIZON, now)  # occurrences already held (or started)
    if not starts or owned.event.timezone is None:
        return None
    return to_local(starts[-1], owned.event.timezone).date()


def _repairs(pair: Pair, current: OwnedSeries) -> list[Action]:
    ev = current.event
    changes = EventPatch()
    reasons = []
    if ev.attendee(pair.rep.email) is None:
        kept = list(ev.attendees)
        if ev.attendee(pair.manager.email) is None:
            kept.insert(0, Attendee(pair.manager.email, Response.ACCEPTED, pair.manager.name, True))
        rep = Attendee(pair.rep.email, Response.NEEDS_ACTION, pair.rep.name)
        changes = replace(changes, attendees=(*kept, rep))
        reasons.append(f"{pair.rep.email} was missing from the attendees: re-invited")
    if ev.summary != pair.summary and (pair.title or not current.adopted):
        # An adopted series keeps the manager's own title unless the config names one.
        changes = replace(changes, summary=pair.summary)
        reasons.append(f"title was {ev.summary!r}")
    if ev.start is not None and ev.end is not None and ev.end - ev.start != pair.duration:
        changes = replace(
            changes,
            start=ev.start,
            end=ev.start + pair.duration,
            timezone=ev.timezone or pair.manager.timezone,
        )
        reasons.append(f"length was {int((ev.end - ev.start).total_seconds() // 60)} min")
    actions: list[Action] = []
    if not changes.empty:
        actions.append(
            RepairSeries(pair.key, pair.manager.email, ev.id, changes, ev.etag, "; ".join(reasons))
        )
    if ev.start is not None and ev.timezone:
        local = to_local(ev.start, ev.timezone)
        if (local.weekday(), local.time().replace(second=0)) != (pair.day, pair.time):
            actions.append(
                Notice(
                    pair.key,
                    pair.manager.email,
                    series_moved_key(ev.id, local),
                    f"the series was moved in Calendar to {words.WEEKDAY_NAMES[local.weekday()]} "
                    f"{local:%H:%M} {zone_label(local)}; "
                    f"the config says {pair.time:%H:%M}: left as the person set it (edit the "
                    "config to change it)",
                )
            )
    return actions
