"""Making what a pass planned happen: every write to a calendar, every alert, and the audit.

The planners decide; ``Applier.apply`` carries out one action at a time and records its outcome
(done, skipped or failed, with why) in the audit trail. An error in one action is that action's
outcome; only a revoked login or a usage limit stops the manager's pass, and the runner parks it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from integrations.alerts import Moved
from integrations.invites import move_request
from integrations.meeting_mail import MAIL_ACTIONS, MeetingMail
from integrations.notify import Notifier
from integrations.pause_writes import PauseWriter
from integrations.series_writes import Outcome, SeriesWriter
from integrations.store import Store
from scheduler import errors
from scheduler.actions import (
    Action,
    AdoptSeries,
    CancelOccurrence,
    CreateSeries,
    EndSeries,
    MoveOccurrence,
    Notice,
    RepairSeries,
    RestoreOccurrence,
    describe,
)
from scheduler.model import Config, Pair
from scheduler.ports import Calendar, CalendarEvent, Write

log = logging.getLogger("oneonone")


@dataclass
class Applier:
    config: Config
    calendar: Calendar
    store: Store
    notifier: Notifier | None
    forget_moves: Callable[[], None]  # after a move, the rest of the pass reads the table again
    mail: MeetingMail | None = None
    _pairs: dict[str, Pair] = field(init=False)

    def __post_init__(self) -> None:
        self._pairs = {p.key: p for p in self.config.pairs}
        self.series = SeriesWriter(self.calendar, self.store, self.tell)
        self.pauses = PauseWriter(self.calendar, self.store, self.instance)

    def apply(self, actions: Sequence[Action], *, now: dt.datetime) -> list[Outcome]:
        return [self.record(self._apply_one(a, now=now), now=now) for a in actions]

    def record(self, outcome: Outcome, *, now: dt.datetime) -> Outcome:
        """Keep an outcome in the audit trail and the log."""
        action = outcome.action
        self.store.audit(
            at=now,
            pair_key=action.pair_key,
            action=action.verb,
            reason=action.reason,
            result=outcome.result,
            details={
                "what": describe(action),
                "detail": outcome.detail,
                **({"explain": dict(action.explain)} if isinstance(action, MoveOccurrence) else {}),
            },
        )
        if outcome.result == "failed":
            log.warning("%s %s failed: %s", action.verb, action.pair_key, outcome.detail)
        elif outcome.result == "done":
            log.info("%s %s: %s", action.verb, action.pair_key, describe(action))
        return outcome

    def _apply_one(self, action: Action, *, now: dt.datetime) -> Outcome:
        try:
            return self._dispatch(action, now=now)
        except (errors.AuthRevoked, errors.UsageLimited):
            raise
        except errors.PreconditionFailed as exc:
            return Outcome(action, "skipped", f"changed meanwhile, next pass decides again: {exc}")
        except errors.OneOnOneError as exc:
            return Outcome(action, "failed", str(exc))

    def _dispatch(self, action: Action, *, now: dt.datetime) -> Outcome:
        owner = action.owner
        if isinstance(action, CreateSeries):
            return self.series.create(action, now=now)
        if isinstance(action, AdoptSeries):
            # Tags alone are bookkeeping; a new length is news the rep should see and hear of.
            write = Write.CHANGE if action.changes else Write.BOOKKEEPING
            ev = self.calendar.patch(
                owner,
                action.event_id,
                {**action.changes, "private": dict(action.tags)},
                write=write,
            )
            self.store.put_event(owner, ev)
            self.store.record_series(ev.id, action.pair_key, owner, 0, now)
            return Outcome(action, "done", ev.id)
        if isinstance(action, RepairSeries):
            ev = self.calendar.patch(owner, action.event_id, action.changes, etag=action.etag)
            self.store.put_event(owner, ev)
            return Outcome(action, "done", ev.id)
        if isinstance(action, EndSeries):
            write = Write.END_REPLACED if action.replaced else Write.END
            ev = self.calendar.patch(
                owner,
                action.event_id,
                {"recurrence": action.recurrence},
                etag=action.etag,
                write=write,
            )
            self.store.put_event(owner, ev)
            for instance_id in action.cancel_ids:
                self.store.put_event(
                    owner,
                    self.calendar.patch(
                        owner, instance_id, {"status": "cancelled"}, write=Write.END_EXCEPTION
                    ),
                )
            return Outcome(action, "done", ev.id)
        if isinstance(action, Notice):
            if self.store.first_notice(action.key, now):
                pair = self.pair(action.pair_key)
                self.tell(owner, action.key, action.reason, now=now, pair=pair)
                return Outcome(action, "done", "told once")
            return Outcome(action, "skipped", "already told")
        if isinstance(action, MoveOccurrence):
            return self._move(action, now=now)
        if isinstance(action, CancelOccurrence):
            return self.pauses.cancel(action, now=now)
        if isinstance(action, RestoreOccurrence):
            return self.pauses.restore(action, now=now)
        if isinstance(action, MAIL_ACTIONS) and self.mail is not None:
            result, detail = self.mail.apply(action, now=now)
            return Outcome(action, result, detail)
        raise TypeError(f"unknown action {action!r}")

    def instance(
        self, owner: str, series_id: str, original_start: dt.datetime
    ) -> CalendarEvent | None:
        """One occurrence by its original start: from this pass's synced copy when Google has
        materialised it (a moved or edited one), else one read (instance ids are opaque)."""
        for ev in self.store.cached_events(owner):
            if ev.recurring_event_id == series_id and ev.original_start == original_start:
                return ev
        return self.calendar.instance(owner, series_id, original_start)

    def _move(self, action: MoveOccurrence, *, now: dt.datetime) -> Outcome:
        """Patch that one instance (never the series); the rep gets one email per move."""
        owner, instance_id, etag = action.owner, action.instance_id, action.etag or None
        if not instance_id:  # not materialised yet: read it (the one check before writing)
            found = self.instance(owner, action.series_id, action.original_start)
            if found is None:
                return Outcome(action, "skipped", "the occurrence is gone from the series")
            if found.start != action.original_start and not action.restore:
                return Outcome(action, "skipped", "someone changed it meanwhile")
            instance_id, etag = found.id, None
        changes: dict[str, object] = {
            "start": action.start,
            "end": action.end,
            "timezone": action.timezone,
        }
        if action.restore:
            changes["status"] = "confirmed"
        if action.attendees:
            changes["attendees"] = action.attendees
        ev = self.calendar.patch(owner, instance_id, changes, etag=etag, write=Write.MOVE)
        self.store.put_event(owner, ev)
        self.store.record_move(
            series_id=action.series_id,
            original_start=action.original_start,
            start=action.start,
            end=action.end,
            at=now,
            reason=action.reason,
        )
        self.forget_moves()  # the rest of the pass sees this move
        pair = self.pair(action.pair_key)
        if pair is not None and _local_date(action.start, pair) != _local_date(
            action.original_start, pair
        ):
            self.tell(
                owner,
                f"other-day:{action.series_id}:{action.original_start:%Y%m%d}",
                action.reason,
                now=now,
                pair=pair,
                moved=Moved(action.original_start, action.start),
            )
        if self.notifier is not None and pair is not None:
            count = self.store.moves().get((action.series_id, action.original_start), (1, None))[0]
            self.notifier.move_notice(
                pair,
                series_id=action.series_id,
                original_start=action.original_start,
                old_start=action.from_start or action.original_start,
                start=action.start,
                end=action.end,
                number=count,
                calendar=move_request(pair, ev, action, now=now),
                now=now,
            )
        return Outcome(action, "done", ev.id)

    def pair(self, key: str) -> Pair | None:
        return self._pairs.get(key)

    def tell(
        self,
        owner: str,
        key: str,
        text: str,
        *,
        now: dt.datetime,
        pair: Pair | None = None,
        moved: Moved | None = None,
    ) -> None:
        """Tell a manager once, by email (worded in ``notify``), and keep it in the audit."""
        self.store.audit(at=now, pair_key=owner, action="alert", reason=text, result="noted")
        if self.notifier is None:
            return
        try:
            manager = self.config.manager(owner).person
        except KeyError:
            return
        self.notifier.alert(manager, key=key, text=text, pair=pair, moved=moved, now=now)


def _local_date(moment: dt.datetime, pair: Pair) -> dt.date:
    return moment.astimezone(ZoneInfo(pair.manager.timezone)).date()
