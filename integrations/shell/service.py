"""``oneonone run``: the unattended service around the reconcile pass.

The pass is level-triggered (see ``reconcile.runner``), so the service's only jobs are to
wake it often enough, never run two at once, survive whatever a pass throws, and be safe to
operate: SIGHUP reloads the config in a thread of its own (a bad file keeps the last good one;
a slow one never holds up SIGTERM), SIGTERM stops cleanly, a lock file keeps a second process
off the same state, systemd hears READY/RELOADING/STOPPING and a status line, and ``/metrics`` +
``/healthz`` say how it is doing.

APScheduler 3 only *wakes* the service: an interval job (with jitter) and one-off ``date`` jobs
set a flag that one worker thread acts on. A late, missed or doubled wake-up therefore costs at
most one extra pass, and a slow pass never piles up threads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from integrations.clock import SystemClock
from integrations.reconcile.runner import PassReport
from integrations.shell.access import Gate
from integrations.shell.observe import Metrics, ObservabilityServer
from integrations.shell.reload import Reloader, handle_signals
from integrations.shell.sdnotify import SystemdNotifier
from integrations.shell.service_metrics import count_api_requests, count_outbox, feed_metrics
from integrations.shell.wiring import Wired, wire
from integrations.state.statelock import StateLock
from integrations.state.store import Store
from integrations.views.status import manager_page, status_page
from scheduler.errors import ConfigError
from scheduler.model import Config
from scheduler.ports import Clock
from scheduler.words import UTC, plural, when

log = logging.getLogger("oneonone.service")

JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
STOP_TIMEOUT = 8.0  # seconds a pass in flight may take to finish after SIGTERM (exit ≤ 10 s)
POLL_JOB = "poll"

WireFn = Callable[..., AbstractContextManager[Wired]]


def jitter_for(interval: dt.timedelta) -> float:
    """About 10 % of the interval, capped at 10 s: spreads many services without slowing one."""
    return min(10.0, interval.total_seconds() / 10)


class Service:
    """The running service: scheduler, worker thread, current config and wired parts."""

    def __init__(
        self,
        config_path: str | Path,
        config: Config,
        *,
        clock: Clock | None = None,
        sandbox_url: str | None = None,
        wire_fn: WireFn = wire,
        command: str = "oneonone run",
        lock_wait: float = 0.0,
    ) -> None:
        self.config_path = Path(config_path)
        self.config = config
        self.clock: Clock = clock or SystemClock()
        self.sandbox_url = sandbox_url
        self.metrics = Metrics()
        self.lock = StateLock(Path(config.state), command=command)
        self.lock_wait = lock_wait
        self.server: ObservabilityServer | None = None
        self.metrics_port: int | None = None
        self.scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(2)},
            job_defaults=dict(JOB_DEFAULTS),
            timezone=dt.UTC,
        )
        self._wire_fn = wire_fn
        self._wired: Wired | None = None
        self._exit: contextlib.ExitStack | None = None
        self._pending: Config | None = None
        self._pending_lock = threading.Lock()
        self._pass_lock = threading.Lock()  # never two passes at once
        self._wake = threading.Condition()
        self._wanted = False
        self._stopping = threading.Event()
        self._worker: threading.Thread | None = None
        self._parked: set[str] = set()
        self.passes = 0  # passes finished, good or bad (for tests and logs)
        self._email_wakes: set[dt.datetime] = set()  # one-off wake-ups already scheduled
        self.last_report: PassReport | None = None

    # -- life cycle --------------------------------------------------------------------------
    def start(self) -> None:
        """Take the state lock, serve metrics, start waking; the first pass runs right away.

        A command that holds the lock (a ``run --once`` from cron) is waited for up to
        ``lock_wait`` seconds; past that, ``StateBusy`` (exit 75) names it.
        """
        self.lock.acquire(wait=self.lock_wait)
        try:
            self._start_server()
            self.scheduler.add_job(
                self.wake, self._interval(self.config), id=POLL_JOB, name="poll calendars"
            )
            self.scheduler.start()
            self._worker = threading.Thread(target=self._work, name="reconcile", daemon=True)
            self._worker.start()
        except BaseException:
            self._stop_server()
            self.lock.release()
            raise
        log.info(
            "serving %s; a pass every %ss",
            _serving(self.config),
            int(self.config.calendar.poll_interval.total_seconds()),
        )
        self.wake()

    def stop(self, timeout: float = STOP_TIMEOUT) -> bool:
        """Stop waking, let a pass in flight finish (up to ``timeout``), close everything.

        Returns False when a pass was still running at the deadline: its thread is a daemon, so
        the process can still exit; SQLite's journal keeps the state consistent.
        """
        self._stopping.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        with self._wake:
            self._wake.notify_all()
        finished = True
        if self._worker is not None:
            self._worker.join(timeout)
            finished = not self._worker.is_alive()
        if finished:
            self._drop_wired()
        else:
            log.warning("a pass was still running after %.0fs; exiting without it", timeout)
        self._stop_server()
        self.lock.release()
        log.info("stopped")
        return finished

    def wake(self) -> None:
        """Ask for a pass as soon as the worker is free; repeated wake-ups merge into one."""
        with self._wake:
            self._wanted = True
            self._wake.notify_all()

    def _wake_for_email(self, due: dt.datetime | None, now: dt.datetime) -> None:
        """Wake at the next email time when it comes before the next interval pass."""
        if due is None or due <= now or due - now >= self.config.calendar.poll_interval:
            return
        if due in self._email_wakes:
            return
        self._email_wakes = {t for t in self._email_wakes if t > now} | {due}
        self.wake_at(due)

    def wake_at(self, moment: dt.datetime) -> str:
        """Schedule a one-off wake-up at ``moment`` (aware); returns the job id."""
        if moment.tzinfo is None:
            raise ValueError("wake_at needs an aware datetime")
        job = self.scheduler.add_job(self.wake, DateTrigger(run_date=moment, timezone=dt.UTC))
        return str(job.id)

    def _work(self) -> None:
        while True:
            with self._wake:
                while not self._wanted and not self._stopping.is_set():
                    self._wake.wait()
                if self._stopping.is_set():
                    return
                self._wanted = False
            self.run_pass_now()

    @staticmethod
    def _interval(config: Config) -> IntervalTrigger:
        poll = config.calendar.poll_interval
        return IntervalTrigger(
            seconds=poll.total_seconds(), jitter=jitter_for(poll), timezone=dt.UTC
        )

    # -- one pass ----------------------------------------------------------------------------
    def run_pass_now(self) -> PassReport | None:
        """One pass under the lock; any exception is logged, counted as a failed pass, survived."""
        with self._pass_lock:
            now = self.clock.now()
            began = time.monotonic()
            try:
                wired = self._ensure_wired()
                requests = self.metrics.api_request_total()
                report = wired.run_pass(now=now)
                ok = self._judge(report, wired.store, now)
                self._wake_for_email(wired.runner.next_wake, now)
                requests = self.metrics.api_request_total() - requests
                log.info("%s", self._pass_line(report, time.monotonic() - began, requests))
                log.info("%s", self._waiting_line(wired.runner.next_wake, now))
            except Exception:
                log.exception("the pass failed; the next wake-up tries again")
                self._drop_wired()  # whatever broke, start the next pass from fresh parts
                report, ok = None, False
            self.metrics.pass_done(time.monotonic() - began, ok, now)
            self.passes += 1
            self.last_report = report
            return report

    def _judge(self, report: PassReport, store: Store, now: dt.datetime) -> bool:
        """Log the pass and parking changes; True when nothing failed except parked managers.

        A parked manager is reported by the ``oneonone_parked_users`` gauge and logged once
        when parked, not as a failure of every later pass (that would hide other failures).
        """
        parked = {
            m.person.email: store.parking.reason(m.person.email, now) for m in self.config.managers
        }
        now_parked = {owner for owner, reason in parked.items() if reason is not None}
        for owner in sorted(now_parked - self._parked):
            log.warning("manager %s is parked: %s", owner, parked[owner])
        for owner in sorted(self._parked - now_parked):
            log.info("manager %s is no longer parked", owner)
        self._parked = now_parked
        self.metrics.set_parked_users(store.parking.count(now))
        feed_metrics(self.metrics, report)
        failed = [o for o in report.outcomes if o.result == "failed"]
        errors = [owner for owner in report.manager_errors if owner not in now_parked]
        return not failed and not errors

    def _pass_line(self, report: PassReport, seconds: float, requests: int) -> str:
        """One line per pass: its size, its cost, what it did, what failed, how long it took."""
        done = sum(1 for o in report.outcomes if o.result == "done")
        failed = sum(1 for o in report.outcomes if o.result == "failed")
        return (
            f"pass {self.passes + 1} done in {seconds:.1f} s: "
            f"{plural(len(self.config.managers), 'manager')}, "
            f"{plural(requests, 'calendar request')}, {plural(done, 'action')} done, "
            f"{failed} failed, {plural(len(report.manager_errors), 'manager')} with errors, "
            f"{len(self._parked)} parked, {report.quiet} unchanged (not planned again)"
        )

    def _waiting_line(self, email_due: dt.datetime | None, now: dt.datetime) -> str:
        """What the service waits for now: the next poll, or an email falling due before it."""
        job = self.scheduler.get_job(POLL_JOB) if self.scheduler.running else None
        poll = getattr(job, "next_run_time", None)
        every = int(self.config.calendar.poll_interval.total_seconds())
        then = f"the next poll at {when(poll, UTC)}" if poll else "the next poll"
        waiting = f"waiting for {then} (every {every} s)"
        if email_due is not None and email_due > now and (poll is None or email_due < poll):
            waiting = f"waiting for an email due at {when(email_due, UTC)}, then {then}"
        return waiting

    def _ensure_wired(self) -> Wired:
        with self._pending_lock:
            pending, self._pending = self._pending, None
        if pending is not None:
            self._drop_wired()
            self.config = pending
        if self._wired is None:
            stack = contextlib.ExitStack()
            wired = stack.enter_context(self._wire_fn(self.config, sandbox_url=self.sandbox_url))
            count_api_requests(wired, self.metrics)
            count_outbox(self.metrics, lambda: self.config)
            self._wired, self._exit = wired, stack
        return self._wired

    def _drop_wired(self) -> None:
        stack, self._exit, self._wired = self._exit, None, None
        if stack is not None:
            try:
                stack.close()
            except Exception:
                log.exception("closing the previous connections failed")

    # -- reload ------------------------------------------------------------------------------
    def reload(self) -> bool:
        """Re-read the config; a bad one is logged (file:line per problem) and the last good
        config stays in force; a good one is used from the next pass, which starts now."""
        ok, _ = self.reload_config()
        return ok

    def reload_config(self) -> tuple[bool, str]:
        """``reload`` with a sentence saying how it went (for systemd and ``oneonone reload``)."""
        from integrations.shell.config_file import load_config

        try:
            new = load_config(self.config_path, now=self.clock.now())
        except ConfigError as exc:
            log.error("reload refused, keeping the last good config: %s", exc)
            return False, f"reload refused, keeping the last good config: {exc}"
        except Exception as exc:
            log.exception("reload failed, keeping the last good config")
            return False, f"reload failed, keeping the last good config: {exc}"
        if Path(new.state).resolve() != Path(self.config.state).resolve():
            message = (
                "reload refused, keeping the last good config: state moved from "
                f"{self.config.state} to {new.state}; restart the service to change it"
            )
            log.error("%s", message)
            return False, message
        if (new.metrics_port, new.metrics_access) != (
            self.config.metrics_port,
            self.config.metrics_access,
        ):
            log.warning("metrics_port and metrics_access changes take effect on restart")
        for warning in new.warnings:
            log.warning("config: %s", warning)
        if new.calendar.poll_interval != self.config.calendar.poll_interval:
            self.scheduler.reschedule_job(POLL_JOB, trigger=self._interval(new))
        with self._pending_lock:
            self._pending = new
        message = f"reloaded {self.config_path}: {_serving(new)}"
        log.info("%s", message)
        self.wake()
        return True, message

    # -- metrics server ----------------------------------------------------------------------
    def _start_server(self) -> None:
        if self.config.metrics_port is None:
            return
        self.server = ObservabilityServer(
            self.metrics,
            port=self.config.metrics_port,
            poll_interval=self.config.calendar.poll_interval,
            now=self.clock.now,
            pages={"/status": lambda: status_page(self.config, now=self.clock.now())},
            gate=Gate.from_config(self.config.metrics_access, os.environ),
            subpages={  # one page per manager, linked from /status
                "/status/": lambda who: manager_page(self.config, who, now=self.clock.now())
            },
        )
        self.metrics_port = self.server.start()
        log.info("metrics and health on http://127.0.0.1:%d/", self.metrics_port)

    def _stop_server(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    # -- main thread -------------------------------------------------------------------------
    def run_forever(self, notifier: SystemdNotifier | None = None) -> int:
        """Block in the main thread, handling SIGHUP (reload) and SIGTERM/SIGINT (stop).

        The main thread only waits and hands work on: a reload runs in its own thread, so a
        slow or hostile config file can never hold up SIGTERM.
        """
        notifier = notifier or SystemdNotifier()
        reloader = Reloader(self.reload_config, state=Path(self.config.state), notifier=notifier)
        stop, hup = threading.Event(), threading.Event()
        with handle_signals(stop, hup):
            notifier.ready(f"serving {_serving(self.config)}")
            while not stop.wait(0.2):
                if hup.is_set():
                    hup.clear()
                    reloader.request()
            notifier.stopping("stopping: letting the pass in flight finish")
            log.info("stopping: letting the pass in flight finish")
            self.stop()
        return 0


def _serving(config: Config) -> str:
    managers = plural(len(config.managers), "manager")
    return f"{managers}, {plural(len(config.pairs), 'pair')}"


__all__ = ["JOB_DEFAULTS", "Service", "StateLock", "jitter_for"]
