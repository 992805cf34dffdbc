"""Making what a pass planned happen: every write to a calendar, every alert, and the audit.

The planners decide; ``Applier.apply`` carries out one action at a time and records its outcome
(done, skipped or failed, with why) in the audit trail. An error in one action is that action's
outcome; only a revoked login or a usage limit stops the manager's pass, and the runner parks it.

It never reads the calendar to decide: the occurrences it writes to were read while the pass
observed (``reconcile.occurrences``), and a write that must still match what was observed
carries the etag, so a change in between fails that write (412) and the next pass re-plans.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from integrations.mail.alerts import Moved
from integrations.mail.invites import move_request
from integrations.mail.notify import Notifier
from integrations.reconcile.digests import queue_digest
from integrations.reconcile.meeting_mail import MAIL_ACTIONS, MeetingMail
from integrations.reconcile.pause_writes import PauseWriter
from integrations.reconcile.series_writes import Outcome, SeriesWriter
from integrations.state import move_log
from integrations.state.store import Store
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
    SendDigest,
    SendMoveNotice,
    SettleMove,
)
from scheduler.model import Config, Pair
from scheduler.moves import PastMove
from scheduler.people import People
from scheduler.ports import Calendar, CalendarEvent, EventPatch, Write
from scheduler.vocabulary import EventStatus, Result

log = logging.getLogger("oneonone")


@dataclass
class Applier:
    config: Config
    calendar: Calendar
    store: Store
    notifier: Notifier | None
    forget_moves: Callable[[], None]  # after a move, the rest of the pass reads the table again
    mail: MeetingMail | None = None  # the email actions' side
    _pairs: dict[str, Pair] = field(init=False)
    _people: People = field(init=False)
    _utc: People = field(init=False)

    def __post_init__(self) -> None:
        self._pairs = {p.key: p for p in self.config.pairs}
        self._people = People(self.config)
        self._utc = People(self.config, utc=True)  # logs are for operators
        self.series = SeriesWriter(self.calendar, self.store, self.tell)
        self.pauses = PauseWriter(self.calendar, self.store)

    def apply(self, actions: Sequence[Action], *, now: dt.datetime) -> list[Outcome]:
        """Each action in turn; what is said of a move waits for that move (``after``)."""
        moved: set[tuple[str, dt.datetime]] = set()
        outcomes: list[Outcome] = []
        for action in actions:
            after = action.after if isinstance(action, Notice | SendMoveNotice) else None
            if after is not None and after not in moved:
                outcome = Outcome(action, Result.SKIPPED, "the move it tells of did not happen")
            else:
                outcome = self._apply_one(action, now=now)
            if isinstance(action, MoveOccurrence) and outcome.result == Result.DONE:
                moved.add((action.series_id, action.original_start))
            outcomes.append(self.record(outcome, now=now))
        return outcomes

    def record(self, outcome: Outcome, *, now: dt.datetime) -> Outcome:
        """Keep an outcome in the audit trail and the log."""
        self._audit(outcome, now=now)
        return self._log(outcome)

    def keep_made(
        self, made: Sequence[tuple[CreateSeries, CalendarEvent]], *, now: dt.datetime
    ) -> list[Outcome]:
        """One manager's series made in a shared batch, kept in one transaction: each copy,
        record and audit row, all or none (an error leaves none, and those series are made
        alone, where Google's 409 finds them ours). The log and any alert follow the commit."""
        with self.store.transaction():
            outcomes = [self.series.kept(a, ev, a.gen, now=now) for a, ev in made]
            for outcome in outcomes:
                self._audit(outcome, now=now)
        for action, ev in made:
            self.series.told(action, ev, now=now)
        return [self._log(o) for o in outcomes]

    def _audit(self, outcome: Outcome, *, now: dt.datetime) -> None:
        action = outcome.action
        self.store.audit.record(
            at=now,
            pair_key=action.pair_key,
            action=action.verb,
            reason=action.reason,
            result=outcome.result,
            details={
                "what": self._people.say(action),
                "what_utc": self._utc.say(action),
                "detail": outcome.detail,
                **({"explain": dict(action.explain)} if isinstance(action, MoveOccurrence) else {}),
            },
        )

    def _log(self, outcome: Outcome) -> Outcome:
        action = outcome.action
        if outcome.result == "failed":
            log.warning("%s %s failed: %s", action.verb, action.pair_key, outcome.detail)
        elif outcome.result == "done":
            log.info("%s %s: %s", action.verb, action.pair_key, self._utc.say(action))
        return outcome

    def _apply_one(self, action: Action, *, now: dt.datetime) -> Outcome:
        try:
            return self._dispatch(action, now=now)
        except (errors.AuthRevoked, errors.UsageLimited):
            raise
        except errors.PreconditionFailed as exc:
            return Outcome(
                action, Result.SKIPPED, f"changed meanwhile, next pass decides again: {exc}"
            )
        except errors.OneOnOneError as exc:
            return Outcome(action, Result.FAILED, str(exc))

    def _dispatch(self, action: Action, *, now: dt.datetime) -> Outcome:
        owner = action.owner
        if isinstance(action, CreateSeries):
            return self.series.create(action, now=now)
        if isinstance(action, AdoptSeries):
            # Tags alone are bookkeeping; a new length is news the rep should see and hear of.
            write = Write.BOOKKEEPING if action.changes.empty else Write.CHANGE
            ev = self.calendar.patch(
                owner,
                action.event_id,
                replace(action.changes, private=action.tags),
                write=write,
            )
            self.store.calendars.put(owner, ev)
            self.store.series.record(ev.id, action.pair_key, owner, 0, now)
            return Outcome(action, Result.DONE, ev.id)
        if isinstance(action, RepairSeries):
            ev = self.calendar.patch(owner, action.event_id, action.changes, etag=action.etag)
            self.store.calendars.put(owner, ev)
            return Outcome(action, Result.DONE, ev.id)
        if isinstance(action, EndSeries):
            write = Write.END_REPLACED if action.replaced else Write.END
            ev = self.calendar.patch(
                owner,
                action.event_id,
                EventPatch(recurrence=action.recurrence),
                etag=action.etag,
                write=write,
            )
            self.store.calendars.put(owner, ev)
            for instance_id in action.cancel_ids:
                self.store.calendars.put(
                    owner,
                    self.calendar.patch(
                        owner,
                        instance_id,
                        EventPatch(status=EventStatus.CANCELLED),
                        write=Write.END_EXCEPTION,
                    ),
                )
            return Outcome(action, Result.DONE, ev.id)
        if isinstance(action, Notice):
            if self.store.notices.first(action.key, now):
                pair = self.pair(action.pair_key)
                moved = Moved(*action.moved) if action.moved is not None else None
                self.tell(owner, action.key, action.reason, now=now, pair=pair, moved=moved)
                return Outcome(action, Result.DONE, "told once")
            return Outcome(action, Result.SKIPPED, "already told")
        if isinstance(action, MoveOccurrence):
            return self._move(action, now=now)
        if isinstance(action, SendMoveNotice):
            return self._tell_rep(action, now=now)
        if isinstance(action, SendDigest) and self.notifier is not None:
            queued = queue_digest(self.config, self.notifier, action, now=now)
            return Outcome(action, Result.DONE if queued else Result.SKIPPED, "queued")
        if isinstance(action, CancelOccurrence):
            return self.pauses.cancel(action, now=now)
        if isinstance(action, RestoreOccurrence):
            return self.pauses.restore(action, now=now)
        if isinstance(action, MAIL_ACTIONS) and self.mail is not None:
            result, detail = self.mail.apply(action, now=now)
            return Outcome(action, result, detail)
        raise TypeError(f"unknown action {action!r}")

    def _move(self, action: MoveOccurrence, *, now: dt.datetime) -> Outcome:
        """Patch that one instance (never the series); the rep gets one email per move.

        The intent is recorded first, so that however the patch ends (a crash, an answer lost
        to a server error, a retry refused with 412 because the first try went through) the
        move is known as the service's own, finished once and told once.
        """
        key = (action.series_id, action.original_start)
        if action.resume:
            past = move_log.past(self.store, key)
            if not past or past[-1].done:
                return Outcome(action, Result.SKIPPED, "no open move to finish")
            return Outcome(action, Result.DONE, action.instance_id or "Google already holds it")
        owner, instance_id, etag = action.owner, action.instance_id, action.etag or None
        if not instance_id:  # read while observing (reconcile.occurrences); apply reads nothing
            return Outcome(action, Result.SKIPPED, "the occurrence's id was not read")
        past = move_log.past(self.store, key)
        intent = PastMove(
            start=action.start,
            end=action.end,
            from_start=action.from_start,
            from_end=action.from_end,
            cause=action.cause,
            number=sum(1 for m in past if m.done) + 1,
            at=now,
            done=False,
            reason=action.reason,
        )
        move_log.record_intent(self.store, key, intent)
        # A 412 (someone changed it, or a retry whose first try went through) fails the move
        # and leaves the intent open: the next pass reads where the occurrence is and settles
        # the intent (finished and told once, or forgotten and decided again).
        ev = self.calendar.patch(
            owner, instance_id, _move_changes(action), etag=etag, write=Write.MOVE
        )
        self.store.calendars.put(owner, ev)
        return Outcome(action, Result.DONE, ev.id)

    def _tell_rep(self, action: SendMoveNotice, *, now: dt.datetime) -> Outcome:
        """The rep's notice of a move Google holds, then the move marked done (each step is
        idempotent, so a crash in between is finished by the next pass, told once)."""
        key = (action.series_id, action.original_start)
        past = move_log.past(self.store, key)
        if not past or past[-1].done:
            return Outcome(action, Result.SKIPPED, "no open move to finish")
        intent = past[-1]
        pair = self.pair(action.pair_key)
        event = self._cached_instance(action.owner, *key)
        if self.notifier is not None and pair is not None:
            move = MoveOccurrence(
                pair.key, action.owner, event.id if event else "", *key,
                intent.start, intent.end, pair.manager.timezone, intent.reason,
            )  # fmt: skip
            self.notifier.move_notice(
                pair,
                series_id=action.series_id,
                original_start=action.original_start,
                old_start=intent.from_start or action.original_start,
                start=intent.start,
                end=intent.end,
                number=intent.number,
                calendar=move_request(pair, event, move, now=now) if event else None,
                now=now,
            )
        declined = {a.email for a in (event.attendees if event else ()) if a.response == "declined"}
        move_log.complete(self.store, key, intent, declined)
        self.forget_moves()  # the rest of the pass sees this move
        return Outcome(action, Result.DONE, "told once")

    def _cached_instance(
        self, owner: str, series_id: str, original_start: dt.datetime
    ) -> CalendarEvent | None:
        """One occurrence as the pass holds it (what the move's patch returned, or what the
        pass observed): no request."""
        for ev in self.store.calendars.events(owner):
            if ev.recurring_event_id == series_id and ev.original_start == original_start:
                return ev
        return None

    def settle(self, settled: Sequence[SettleMove]) -> None:
        """Keep in the move log what the pass read of its moves on the calendar."""
        for one in settled:
            key = (one.series_id, one.original_start)
            if one.forget:
                move_log.forget_intent(self.store, key, one.move)
            else:
                move_log.answered_again(self.store, key, one.move, one.answered)
        if settled:
            self.forget_moves()  # the rest of the pass reads the log again

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
        self.store.audit.record(at=now, pair_key=owner, action="alert", reason=text, result="noted")
        if self.notifier is None:
            return
        try:
            manager = self.config.manager(owner).person
        except KeyError:
            return
        self.notifier.alert(manager, key=key, text=text, pair=pair, moved=moved, now=now)


def _move_changes(action: MoveOccurrence) -> EventPatch:
    return EventPatch(
        start=action.start,
        end=action.end,
        timezone=action.timezone,
        status=EventStatus.CONFIRMED if action.restore else None,
        attendees=action.attendees or None,
    )
