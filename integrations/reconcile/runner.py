"""One reconcile pass: observe each manager's calendar, plan, apply, and record what happened.

The pass is level-triggered: it recomputes everything from the calendar and the state database,
so a missed or repeated pass costs nothing. One manager's failure never stops the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from integrations.mail.deliveries import DeliveryReport
from integrations.mail.notify import Notifier
from integrations.reconcile.apply import Applier
from integrations.reconcile.first_reads import read_first
from integrations.reconcile.followup import FollowUps
from integrations.reconcile.meeting_mail import MeetingMail
from integrations.reconcile.pass_report import ManagerRun, PassReport, Progress
from integrations.reconcile.rebook import Rebooker
from integrations.reconcile.removed_managers import RemovedManagers
from integrations.reconcile.rep_calendars import RepCalendars
from integrations.reconcile.series_writes import Outcome, batch_groups
from integrations.reconcile.workers import Workers
from integrations.state import move_log
from integrations.state.store import Store
from scheduler import errors
from scheduler.actions import (
    Action,
    CreateSeries,
    MoveOccurrence,
    Notice,
)
from scheduler.bumps import MoveKey
from scheduler.keys import (
    auth_revoked_alert_key,
    auth_revoked_key,
    names_occurrence,
    sender_parked_key,
    usage_limited_key,
)
from scheduler.model import Config, Manager, Pair
from scheduler.pauses import plan_pause_writes
from scheduler.ports import Calendar, CalendarEvent, Changes
from scheduler.series import exceptions_by_series, owned_series, plan_series, tags
from scheduler.vocabulary import Result

log = logging.getLogger("oneonone")

REVOKED_PARK = dt.timedelta(days=3650)  # until someone logs in again (``auth login`` unparks)
LIMIT_PARK = dt.timedelta(hours=1)


@dataclass
class Runner:
    config: Config
    calendar: Calendar
    store: Store
    notifier: Notifier | None = None
    reps: RepCalendars | None = None  # reps' own calendars, where the service may read them

    def __post_init__(self) -> None:
        self.rebooker = Rebooker(
            self.config,
            self.calendar,
            self.store,
            moves=self.moves,
            records=self.move_records,
            reps=self.reps,
        )
        self.followups = (
            FollowUps(self.config, self.store, self.notifier) if self.notifier else None
        )
        self.next_wake: dt.datetime | None = None  # when the next email falls due
        self.applier = Applier(
            self.config, self.calendar, self.store, self.notifier, self._forget_moves
        )
        self.mail = (
            MeetingMail(
                self.config,
                self.calendar,
                self.store,
                self.notifier,
                self.followups,
                self.moves,
                self.applier.instance,
                self.applier.pair,
                self._wake,
                paused=self.applier.pauses.paused.keys,
            )
            if self.notifier is not None and self.followups is not None
            else None
        )
        self.applier.mail = self.mail
        self.removed = RemovedManagers(self.config, self.store, self.applier, self.notifier)
        self._lock = threading.Lock()
        self._pairs_by_manager: dict[str, list[Pair]] = {}
        for pair in self.config.pairs:
            self._pairs_by_manager.setdefault(pair.manager.email, []).append(pair)
        self._moves: (
            dict[tuple[str, dt.datetime], tuple[int, tuple[dt.datetime, dt.datetime]]] | None
        ) = None
        self._records: move_log.Records | None = None
        self.workers = Workers()
        self._first_reads: dict[str, Changes] = {}  # a cold start's reads, made in batches

    def pairs_of(self, manager: Manager) -> list[Pair]:
        return self._pairs_by_manager.get(manager.person.email, [])

    def moves(self) -> dict[tuple[str, dt.datetime], tuple[int, tuple[dt.datetime, dt.datetime]]]:
        """The moves table, read once per pass (it only grows with history)."""
        with self._lock:
            if self._moves is None:
                self._moves = move_log.done(self.store)
            return self._moves

    def move_records(self) -> move_log.Records:
        """Every move with its cause and every open intent, read once per pass."""
        with self._lock:
            if self._records is None:
                self._records = move_log.read(self.store)
            return self._records

    def _forget_moves(self) -> None:
        with self._lock:
            self._moves = None
            self._records = None

    def observe(self, owner: str, *, now: dt.datetime) -> list[CalendarEvent]:
        token = self.store.calendars.sync_token(owner)
        try:
            first = self._first_reads.pop(owner, None) if token is None else None
            changes = first or self.calendar.changes(owner, token)
        except errors.SyncTokenExpired:
            log.info("sync token of %s expired: reading the calendar again in full", owner)
            changes = self.calendar.changes(owner, None)
        self.store.calendars.apply_changes(
            owner, changes.events, changes.next_token, full=changes.full, now=now
        )
        return self.store.calendars.events(owner)

    def plan_manager(self, manager: Manager, *, now: dt.datetime) -> list[Action]:
        events = self.observe(manager.person.email, now=now)
        actions = plan_series(
            manager,
            self.pairs_of(manager),
            events,
            now=now,
            adopt=self.config.calendar.adopt_existing,
        )
        return self._unsaid(actions)

    def _unsaid(self, actions: Sequence[Action]) -> list[Action]:
        """A notice is said once: one already recorded is not part of the plan any more."""
        return [
            a for a in actions if not (isinstance(a, Notice) and self.store.notices.seen(a.key))
        ]

    def _wake(self, wake: dt.datetime | None) -> None:
        with self._lock:
            if wake is not None and (self.next_wake is None or wake < self.next_wake):
                self.next_wake = wake

    def plan_emails(self, manager: Manager, *, now: dt.datetime) -> list[Action]:
        """Agendas, prep emails, recaps, reminders and pause notes due now (each once)."""
        if self.mail is None:
            return []
        return self.mail.plan(manager, self.pairs_of(manager), now=now)

    def plan_pauses(self, manager: Manager, *, now: dt.datetime) -> list[Action]:
        """Cancel the occurrences of the pauses in view; restore those no pause covers now."""
        events = self.store.calendars.events(manager.person.email)
        by_rep = owned_series(events)
        exceptions = exceptions_by_series(events)
        ours = self.applier.pauses.paused.keys()
        actions: list[Action] = []
        for pair in self.pairs_of(manager):
            live = [s for s in by_rep.get(pair.rep.email.lower(), []) if s.is_live(now)]
            if live:
                current = max(live, key=lambda s: s.gen)
                own = exceptions.get(current.event.id, [])
                actions += plan_pause_writes(pair, current, own, ours, now=now)
        return actions

    def plan_bumps(self, manager: Manager, *, now: dt.datetime) -> list[Action]:
        events = self.store.calendars.events(manager.person.email)
        planned = self.rebooker.plan(manager, self.pairs_of(manager), events, now=now)
        return self._unsaid(_not_paused(planned, self.applier.pauses.paused.keys()))

    def run_pass(
        self,
        *,
        now: dt.datetime,
        apply: bool = True,
        workers: int = 1,
        progress: Progress | None = None,
    ) -> PassReport:
        """One pass over every manager, in three stages; with ``workers`` > 1, managers run in
        parallel threads (each thread has its own connection; one manager is never in two
        threads at once, and each stage ends before the next begins).

        1. Read each calendar, plan its series, and make every series write but the inserts.
        2. Insert the new series of all managers together, in shared batches of 50.
        3. Per manager: inserts the batch left over, one by one; then bumps, then emails.

        ``progress(stage, run)`` hears of each manager as its calendar has been read
        (``"read"``, stage 1) and as its last stage ends (``"done"``), for a progress display;
        it may be called from several threads.
        """
        report = PassReport(started=now)
        self.next_wake = None
        with self._lock:
            self._moves = None
            self._records = None
        runs = [ManagerRun(m) for m in self.config.managers]
        owners = [r.owner for r in runs]
        self._first_reads = read_first(
            self.calendar, self.store, owners, workers=self.workers, threads=workers, now=now
        )

        def series(run: ManagerRun) -> None:
            self._manager_pass(run, self._series_stage, now, apply)
            if progress is not None:
                progress("read", run)

        self.workers.each(runs, series, workers)
        if apply:
            self._batch_stage([r for r in runs if r.creates and r.error is None], now, workers)

        def rest(run: ManagerRun) -> None:
            self._manager_pass(run, self._rest_stage, now, apply)
            if progress is not None:
                progress("done", run)

        self.workers.each(runs, rest, workers)
        # Managers taken out of the config: their series end too (no request once none is live).
        report.outcomes += self.removed.wind_down(
            lambda owner: self.observe(owner, now=now), now=now, apply=apply
        )
        for run in runs:
            report.outcomes += run.outcomes
            if run.error is not None:
                report.manager_errors[run.owner] = run.error
        if apply and self.notifier is not None:
            self._ledger_and_digests(now=now)
            report.emails = self.notifier.deliveries.deliver_due(now=now)
            for parked in report.emails.parked:  # told once, when parking starts
                log.warning(
                    "sender %s parked until %s: %s (%s)",
                    parked.sender,
                    parked.until.isoformat(),
                    parked.reason,
                    parked.error,
                )
                self.store.audit.record(
                    at=now,
                    pair_key=parked.sender,
                    action="sender-parked",
                    reason=f"{parked.reason}: {parked.error}",
                    result=f"until {parked.until.isoformat()}",
                )
            self._tell_parked_senders(report.emails, now=now)
        return report

    def _tell_parked_senders(self, emails: DeliveryReport, *, now: dt.datetime) -> None:
        """A manager whose own sender lost its credentials hears it by the alerts' path."""
        managers = {m.person.email for m in self.config.managers}
        told = False
        for parked in emails.parked:
            if parked.reason == "credentials" and parked.sender in managers:
                key = sender_parked_key(parked.sender, now)
                self.applier.tell(parked.sender, key, parked.error, now=now)
                told = True
        if told and self.notifier is not None:
            more = self.notifier.deliveries.deliver_due(now=now)
            emails.sent += more.sent
            emails.retrying += more.retrying
            emails.failed += more.failed
            emails.dropped += more.dropped

    def close(self) -> None:
        self.workers.close()

    def _ledger_and_digests(self, *, now: dt.datetime) -> None:
        """Record how each past 1:1 ended, and queue Monday's digest to each manager."""
        from integrations.reconcile.digests import queue_digests
        from integrations.state.ledger_store import record_ledger
        from scheduler.digest_timing import next_digest_at

        assert self.notifier is not None
        try:
            record_ledger(self.config, self.store, now=now)
            queue_digests(self.config, self.notifier, now=now)
        except Exception:  # the ledger and the digest never stop a pass
            log.exception("ledger or digest failed; the next pass tries again")
        for manager in self.config.managers:
            self._wake(next_digest_at(manager.person, now=now))

    def _manager_pass(
        self,
        run: ManagerRun,
        stage: Callable[[ManagerRun, dt.datetime, bool], None],
        now: dt.datetime,
        apply: bool,
    ) -> None:
        """One stage of one manager's pass, guarded: an error parks or skips this manager only."""
        if run.error is not None:
            return
        with self.workers.claim({run.owner}):
            self.workers.note_in_flight()
            run.error = self._guarded(run.owner, lambda: stage(run, now, apply), now=now)

    def _guarded(self, owner: str, work: Callable[[], None], *, now: dt.datetime) -> str | None:
        parked = self.store.parking.reason(owner, now)
        if parked is not None:
            return f"parked: {parked}"
        try:
            work()
        except errors.AuthRevoked as exc:
            self.store.parking.park(owner, until=now + REVOKED_PARK, reason=str(exc))
            if self.store.notices.first(auth_revoked_key(owner, now), now):
                self.applier.tell(owner, auth_revoked_alert_key(owner), str(exc), now=now)
            return str(exc)
        except errors.UsageLimited as exc:
            self.store.parking.park(owner, until=now + LIMIT_PARK, reason=str(exc))
            self.applier.tell(owner, usage_limited_key(owner, now), str(exc), now=now)
            return str(exc)
        except errors.OneOnOneError as exc:
            log.warning("manager %s: %s", owner, exc)
            return str(exc)
        except Exception as exc:  # a bug: keep serving the other managers
            log.exception("manager %s: unexpected error", owner)
            return f"{type(exc).__name__}: {exc}"
        return None

    def _series_stage(self, run: ManagerRun, now: dt.datetime, apply: bool) -> None:
        actions = self.plan_manager(run.manager, now=now)
        if not apply:
            run.outcomes += [Outcome(a, Result.PLANNED) for a in actions]
            return
        run.creates = [a for a in actions if isinstance(a, CreateSeries)]
        run.outcomes += self.apply([a for a in actions if not isinstance(a, CreateSeries)], now=now)

    def _batch_stage(self, runs: Sequence[ManagerRun], now: dt.datetime, workers: int) -> None:
        """Every manager's new series in shared batches (only when there are two or more)."""
        if sum(len(r.creates) for r in runs) < 2:
            return
        by_owner = {r.owner: r for r in runs}
        groups = list(batch_groups([r.creates for r in runs]))

        def insert(group: list[CreateSeries]) -> None:
            with self.workers.claim({c.owner for c in group}):
                done = self.applier.series.create_batched(group, now=now)
                for action in group:
                    outcome = done.get(id(action))
                    if outcome is not None:
                        by_owner[action.owner].creates.remove(action)
                        by_owner[action.owner].outcomes.append(
                            self.applier.record(outcome, now=now)
                        )

        self.workers.each(groups, insert, workers)

    def _rest_stage(self, run: ManagerRun, now: dt.datetime, apply: bool) -> None:
        creates, run.creates = run.creates, []
        run.outcomes += self.apply(creates, now=now)
        for planner in (self.plan_pauses, self.plan_bumps, self.plan_emails):
            actions = planner(run.manager, now=now)
            if apply:
                run.outcomes += self.apply(actions, now=now)
            else:
                run.outcomes += [Outcome(a, Result.PLANNED) for a in actions]

    def apply(self, actions: Sequence[Action], *, now: dt.datetime) -> list[Outcome]:
        return self.applier.apply(actions, now=now)


def _not_paused(actions: Sequence[Action], paused: set[MoveKey]) -> list[Action]:
    """Leave out any rebooking of an occurrence the service itself cancelled for a pause: its
    own cancellation is no bump (it is restored by the pause planner, or stays cancelled)."""
    out: list[Action] = []
    for action in actions:
        if (
            isinstance(action, MoveOccurrence)
            and (action.series_id, action.original_start) in paused
        ):
            continue
        if isinstance(action, Notice) and any(
            names_occurrence(action.key, series, original) for series, original in paused
        ):
            continue
        out.append(action)
    return out


__all__ = ["ManagerRun", "Outcome", "PassReport", "Progress", "Runner", "tags"]
