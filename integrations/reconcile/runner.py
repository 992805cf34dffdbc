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
from types import MappingProxyType

from integrations.mail.notify import Notifier
from integrations.reconcile.apply import Applier
from integrations.reconcile.delivery import deliver, record_ledger_safely
from integrations.reconcile.digests import digest_stage
from integrations.reconcile.first_reads import read_first
from integrations.reconcile.followup import FollowUps
from integrations.reconcile.guard import guarded
from integrations.reconcile.meeting_mail import MeetingMail
from integrations.reconcile.observe import Observed, observe_calendar, store_observed
from integrations.reconcile.occurrences import resolve_ids
from integrations.reconcile.pass_report import ManagerRun, PassReport, Progress
from integrations.reconcile.quiet import QuietManagers, basis, quiet_record
from integrations.reconcile.rebook import Rebooker
from integrations.reconcile.removed_managers import RemovedManagers
from integrations.reconcile.rep_calendars import RepCalendars
from integrations.reconcile.series_writes import Outcome, batch_groups, made_by_owner
from integrations.reconcile.snapshot import Snapshot, observe_mail
from integrations.reconcile.workers import Workers
from integrations.state import move_log
from integrations.state.pause_store import PauseStore
from integrations.state.quiet_store import QuietStore
from integrations.state.store import Store
from scheduler.actions import Action, CreateSeries, Notice, SettleMove
from scheduler.digest_timing import next_digest_at
from scheduler.inserted import as_written
from scheduler.mail_plan import plan_mail
from scheduler.model import Config, Manager, Pair
from scheduler.move_notices import with_move_notices
from scheduler.pauses import not_paused, plan_pauses
from scheduler.ports import Calendar, CalendarEvent, Changes
from scheduler.series import plan_series, tags
from scheduler.vocabulary import Result

log = logging.getLogger("oneonone")


@dataclass
class Runner:
    config: Config
    calendar: Calendar
    store: Store
    notifier: Notifier | None = None
    reps: RepCalendars | None = None  # reps' own calendars, where the service may read them

    def __post_init__(self) -> None:
        self.rebooker = Rebooker(self.config, self.calendar, reps=self.reps)
        self.followups = (
            FollowUps(self.config, self.store, self.notifier) if self.notifier else None
        )
        self.next_wake: dt.datetime | None = None  # when the next email falls due
        self.paused = PauseStore(self.store)
        self.mail = (
            MeetingMail(
                self.config,
                self.calendar,
                self.store,
                self.notifier,
                self.followups,
                self.paused,
            )
            if self.notifier is not None and self.followups is not None
            else None
        )
        self.applier = Applier(
            self.config, self.calendar, self.store, self.notifier, self._forget_moves, self.mail
        )
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
        self.said: frozenset[str] = frozenset()
        self._first_reads: dict[str, Changes] = {}  # a cold start's reads, made in batches
        self.quiet = QuietManagers(  # managers whose last plan was empty, and from what
            kept=QuietStore(self.store), basis=basis(self.config.digest), pairs=self.config.pairs
        )
        self._due: dict[str, dt.datetime | None] = {}  # per manager: her next email's moment
        self._settling: set[str] = set()  # managers whose move log a pass set right

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

    def observe(self, owner: str, *, now: dt.datetime, store: bool = True) -> Observed:
        """One read of ``owner``'s calendar (a cold start's batched first read when there is
        one); ``store`` keeps it (a pass that applies does, before its first write; a plan does
        not)."""
        first = self._first_reads.pop(owner, None)
        observed = observe_calendar(self.calendar, self.store.calendars, owner, first=first)
        if store:
            store_observed(self.store.calendars, observed, now=now)
        return observed

    def plan_manager(
        self, manager: Manager, events: Sequence[CalendarEvent], *, now: dt.datetime
    ) -> list[Action]:
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
        return [a for a in actions if not (isinstance(a, Notice) and a.key in self.said)]

    def _wake(self, wake: dt.datetime | None) -> None:
        with self._lock:
            if wake is not None and (self.next_wake is None or wake < self.next_wake):
                self.next_wake = wake

    def snapshot(
        self, manager: Manager, events: Sequence[CalendarEvent], *, now: dt.datetime, mail: bool
    ) -> Snapshot:
        """What the later stages plan from, read now and not again while they decide; with
        ``mail``, what the email planners need too (their outbox keys, the notes files)."""
        pairs, moves = self.pairs_of(manager), MappingProxyType(self.moves())
        queued, notes = (
            observe_mail(self.notifier, self.followups, pairs, events, moves, now=now)
            if mail and self.notifier is not None and self.followups is not None
            else (frozenset[str](), {})
        )
        kept = (self.said, moves, self.move_records(), frozenset(self.paused.keys()))
        return Snapshot(manager.person.email, tuple(events), *kept, queued, notes)

    def plan_emails(self, manager: Manager, seen: Snapshot, *, now: dt.datetime) -> list[Action]:
        """Agendas, prep emails, recaps, reminders and pause notes due now (each once)."""
        if self.mail is None:
            return []
        actions, wake = plan_mail(
            self.pairs_of(manager),
            seen.events,
            seen.moves,
            paused=seen.paused,
            queued=seen.queued,
            notes_files=seen.notes_files,
            now=now,
        )
        self._wake(wake)
        self._due[seen.owner] = wake
        return actions

    def plan_pauses(self, manager: Manager, seen: Snapshot, *, now: dt.datetime) -> list[Action]:
        """Cancel the occurrences of the pauses in view; restore those no pause covers now."""
        return plan_pauses(self.pairs_of(manager), seen.events, seen.paused, now=now)

    def plan_bumps(
        self, manager: Manager, seen: Snapshot, *, now: dt.datetime, keep: bool = True
    ) -> list[Action]:
        planned = self.rebooker.plan(manager, self.pairs_of(manager), seen, now=now, keep=keep)
        if keep:  # what the pass read of its own moves is stored before anything is applied
            settles = [a for a in planned if isinstance(a, SettleMove)]
            self.applier.settle(settles)
            if settles:
                self._settling.add(manager.person.email)
        actions = [a for a in planned if not isinstance(a, SettleMove)]
        told = with_move_notices(not_paused(actions, seen.paused))
        return self._unsaid(told)

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
        self.said = self.store.notices.said()  # what was told once, as the pass began
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
            self.store.calendars.write_tokens()
            self._batch_stage([r for r in runs if r.creates and r.error is None], now, workers)

        def rest(run: ManagerRun) -> None:
            self._manager_pass(run, self._rest_stage, now, apply)
            if run.error is not None:
                self.quiet.forget(run.owner)
            if progress is not None:
                progress("done", run)

        self.workers.each(runs, rest, workers)
        # Managers taken out of the config: their series end too (no request once none is live).
        report.outcomes += self.removed.wind_down(
            lambda owner: list(self.observe(owner, now=now, store=apply).events),
            now=now,
            apply=apply,
        )
        for run in runs:
            report.quiet += run.quiet
            report.outcomes += run.outcomes
            if run.error is not None:
                report.manager_errors[run.owner] = run.error
        if self.notifier is not None:
            for manager in self.config.managers:
                self._wake(next_digest_at(manager.person, now=now))
            if apply:
                quiet = {r.owner for r in runs if r.quiet}
                record_ledger_safely(self.config, self.store, now=now, quiet=quiet)
            report.outcomes += digest_stage(
                self.config,
                self.notifier,
                lambda due: self.apply(due, now=now),
                now=now,
                apply=apply,
            )
        if apply:
            self.store.calendars.write_tokens()  # the reps' calendars read by the planners
            self.quiet.keep()
        if apply and self.notifier is not None:
            report.emails = deliver(self.config, self.store, self.notifier, self.applier, now=now)
        return report

    def close(self) -> None:
        self.workers.close()

    def _manager_pass(
        self,
        run: ManagerRun,
        stage: Callable[[ManagerRun, dt.datetime, bool], None],
        now: dt.datetime,
        apply: bool,
    ) -> None:
        """One stage of one manager's pass, guarded: an error parks or skips this manager only.
        Her decoded calendar goes with the stage (the next one decodes it again), so that a
        pass holds a few calendars at a time, not all; a plan keeps what it observed."""
        if run.error is not None:
            return
        with self.workers.claim({run.owner}):
            self.workers.note_in_flight()
            run.error = guarded(
                self.store, self.applier, run.owner, lambda: stage(run, now, apply),
                now=now, apply=apply,
            )  # fmt: skip
            if apply:
                run.observed = None
                self.store.calendars.release(run.owner)

    def _series_stage(self, run: ManagerRun, now: dt.datetime, apply: bool) -> None:
        run.observed = observed = self.observe(run.owner, now=now, store=apply)
        quiet = self.quiet.get(run.owner, now=now)
        # A plan stores nothing: only a read that found no change leaves the version as it was.
        same = apply or observed.unchanged
        if quiet and same and quiet.calendar == self.store.calendars.version(run.owner):
            run.calm = True  # her series were planned from this very calendar: nothing to do
            return
        actions = self.plan_manager(run.manager, observed.events, now=now)
        creates = [a for a in actions if isinstance(a, CreateSeries)]
        rest = [a for a in actions if not isinstance(a, CreateSeries)]
        if not apply:  # in the order a pass takes: the inserts after the other series writes
            run.outcomes += [Outcome(a, Result.PLANNED) for a in [*rest, *creates]]
            return
        run.creates = creates
        run.outcomes += self.apply(rest, now=now)

    def _batch_stage(self, runs: Sequence[ManagerRun], now: dt.datetime, workers: int) -> None:
        """Every manager's new series in shared batches (only when there are two or more);
        what a batch made is kept in one transaction per manager. A manager whose series
        could not be kept has them made alone in her next stage (Google's 409 finds each
        one ours: none is made twice)."""
        if sum(len(r.creates) for r in runs) < 2:
            return
        by_owner = {r.owner: r for r in runs}
        groups = list(batch_groups([r.creates for r in runs]))

        def insert(group: list[CreateSeries]) -> None:
            with self.workers.claim({c.owner for c in group}):
                made = self.applier.series.create_batched(group, now=now)
                for owner, theirs in made_by_owner(group, made).items():
                    run = by_owner[owner]
                    try:
                        run.outcomes += self.applier.keep_made(theirs, now=now)
                    except Exception:  # a bug or a full disk: nothing of hers was kept
                        log.exception("keeping the new series of %s failed", owner)
                        continue
                    for action, _ in theirs:
                        run.creates.remove(action)

        self.workers.each(groups, insert, workers)

    def _rest_stage(self, run: ManagerRun, now: dt.datetime, apply: bool) -> None:
        pairs, notes_dir = self.pairs_of(run.manager), self.config.notes_dir
        if run.calm and self.quiet.holds(run.owner, self.reps, notes_dir, pairs, now, apply):
            run.quiet = True
            return
        self._plan_rest(run, now, apply)
        if apply:
            self._remember(run, now)

    def _remember(self, run: ManagerRun, now: dt.datetime) -> None:
        """After a manager's whole pass: an empty plan is remembered as quiet, else forgotten."""
        if run.outcomes or run.owner in self._settling:
            self._settling.discard(run.owner)
            self.quiet.forget(run.owner)
            return
        quiet = quiet_record(
            self.reps, self.config.notes_dir, self.pairs_of(run.manager),
            self.store.calendars.events(run.owner),
            self.moves(), self.store.calendars.version(run.owner), self._due.get(run.owner),
            now=now,
        )  # fmt: skip
        self.quiet.settle(run.owner, quiet, now=now)

    def _plan_rest(self, run: ManagerRun, now: dt.datetime, apply: bool) -> None:
        creates, run.creates = run.creates, []
        run.outcomes += self.apply(creates, now=now)
        # A plan, which writes nothing, plans on against its series writes as they will be.
        written = [] if apply else as_written(run.events, [o.action for o in run.outcomes])
        for planner in (self.plan_pauses, self.plan_bumps, self.plan_emails):
            # A pass that applies plans on from the calendar as its writes left it; a plan
            # from what it observed, as the series stage's writes will leave it.
            events = self.store.calendars.events(run.owner) if apply else written
            seen = self.snapshot(run.manager, events, now=now, mail=planner == self.plan_emails)
            if planner == self.plan_bumps:
                actions = self.plan_bumps(run.manager, seen, now=now, keep=apply)
            else:
                actions = planner(run.manager, seen, now=now)
            if apply:  # the occurrences written to are read first: apply reads nothing
                ready, skipped = resolve_ids(self.calendar, actions, events)
                run.outcomes += [self.applier.record(o, now=now) for o in skipped]
                run.outcomes += self.apply(ready, now=now)
            else:
                run.outcomes += [Outcome(a, Result.PLANNED) for a in actions]

    def apply(self, actions: Sequence[Action], *, now: dt.datetime) -> list[Outcome]:
        return self.applier.apply(actions, now=now)


__all__ = ["ManagerRun", "Outcome", "PassReport", "Progress", "Runner", "tags"]
