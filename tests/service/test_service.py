"""The service in-process: wake-ups, one pass at a time, reloads, the state lock, metrics.

Real parts throughout: APScheduler on the real clock, the real Google client against an
in-process sandbox over HTTP, SQLite files in tmp_path.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from daemon import load_config
from integrations.clock import SystemClock
from integrations.shell.sdnotify import SystemdNotifier
from integrations.shell.service import JOB_DEFAULTS, Service, jitter_for
from integrations.state.statelock import Holder, StateLock
from scheduler.errors import StateBusy
from scheduler.series import TAG
from tests.service.conftest import NOOR, PRIYA, SAM, Setup, free_port

DANA = "dana@example.com"
LEE = "lee@example.com"


def wait_for(condition: Callable[[], object], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


def series_reps(admin, manager: str) -> list[str]:
    items = admin.list_events(manager, privateExtendedProperty=f"{TAG}=series")
    items = [ev for ev in items if "recurringEventId" not in ev]  # masters, not moved instances
    return sorted(
        a["email"] for ev in items for a in ev.get("attendees", []) if a["email"] != manager
    )


def sample(service: Service, name: str, **labels: str) -> float:
    text = service.metrics.render().decode()
    total = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


@pytest.fixture
def sandboxed(setup: Setup) -> Setup:
    setup.provider = "sandbox"  # the in-process sandbox issues each manager's token itself
    return setup


@pytest.fixture
def make_service(sandboxed: Setup) -> Iterator[Callable[..., Service]]:
    started: list[Service] = []

    def make(teams: dict[str, list[dict[str, str]]] | None = None, start: bool = True) -> Service:
        path = sandboxed.write(teams or {DANA: [SAM]})
        service = Service(path, load_config(path), sandbox_url=sandboxed.url)
        if start:
            service.start()
            started.append(service)
        return service

    yield make
    for service in started:
        service.stop(timeout=5)


def test_the_scheduler_coalesces_runs_one_instance_and_tolerates_an_hour_of_lateness():
    assert JOB_DEFAULTS == {"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    assert jitter_for(dt.timedelta(seconds=60)) == 6.0
    assert jitter_for(dt.timedelta(hours=1)) == 10.0
    assert jitter_for(dt.timedelta(seconds=2)) == pytest.approx(0.2)


def test_a_pass_runs_at_start_and_again_on_the_interval(sandboxed, make_service, admin):
    sandboxed.poll = "1s"
    service = make_service({DANA: [SAM, PRIYA]})
    wait_for(lambda: service.passes >= 1, timeout=5)
    assert series_reps(admin, DANA) == ["priya@example.com", "sam@example.com"]
    wait_for(lambda: service.passes >= 3, timeout=6)
    assert sample(service, "oneonone_passes_total", result="ok") >= 3
    assert sample(service, "oneonone_passes_total", result="failed") == 0


def test_wake_at_runs_a_pass_at_that_moment(make_service):
    service = make_service()  # poll_interval 60s: only the start pass would run otherwise
    wait_for(lambda: service.passes >= 1)
    time.sleep(0.3)
    assert service.passes == 1
    service.wake_at(SystemClock().now() + dt.timedelta(seconds=0.5))
    time.sleep(0.2)
    assert service.passes == 1
    wait_for(lambda: service.passes == 2, timeout=3)


def test_wake_at_refuses_a_naive_moment(make_service):
    service = make_service()
    with pytest.raises(ValueError, match="aware"):
        service.wake_at(dt.datetime(2026, 11, 23, 12, 0))


def test_wake_ups_during_a_pass_merge_into_one_more_pass_never_two_at_once(make_service):
    service = make_service(start=False)
    running = threading.Event()
    release = threading.Event()
    overlaps: list[int] = []
    active = [0]
    original = service.run_pass_now

    def slow_pass():
        active[0] += 1
        overlaps.append(active[0])
        running.set()
        release.wait(5)
        try:
            return original()
        finally:
            active[0] -= 1

    service.run_pass_now = slow_pass  # type: ignore[method-assign]
    service.start()
    try:
        assert running.wait(5)
        for _ in range(5):
            service.wake()
        release.set()
        wait_for(lambda: service.passes == 2)
        time.sleep(0.3)
        assert service.passes == 2
        assert max(overlaps) == 1
    finally:
        release.set()
        service.stop(timeout=5)


def test_a_broken_reload_keeps_the_last_good_config_and_logs_file_and_line(
    sandboxed, make_service, admin, caplog
):
    service = make_service({DANA: [SAM]})
    wait_for(lambda: service.passes >= 1)
    sandboxed.write({DANA: [SAM, PRIYA]}, broken="\n    cadnce: weekly\n")
    with caplog.at_level(logging.ERROR, logger="oneonone.service"):
        assert service.reload() is False
    error = "\n".join(r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    assert "keeping the last good config" in error
    assert f"{sandboxed.path}:" in error
    assert "cadnce" in error
    before = service.passes
    service.wake()
    wait_for(lambda: service.passes > before)
    assert series_reps(admin, DANA) == ["sam@example.com"]
    assert [p.rep.email for p in service.config.pairs] == ["sam@example.com"]


def test_a_good_reload_serves_the_new_rep_on_the_pass_it_starts(sandboxed, make_service, admin):
    service = make_service({DANA: [SAM]})
    wait_for(lambda: service.passes >= 1)
    sandboxed.write({DANA: [SAM, NOOR]})
    assert service.reload() is True
    wait_for(lambda: service.passes >= 2)
    assert series_reps(admin, DANA) == ["noor@example.com", "sam@example.com"]


def test_a_reload_that_moves_the_state_file_is_refused(sandboxed, make_service, caplog):
    service = make_service()
    text = sandboxed.path.read_text().replace("./var/state.db", "./elsewhere.db")
    sandboxed.path.write_text(text)
    with caplog.at_level(logging.ERROR, logger="oneonone.service"):
        assert service.reload() is False
    assert "restart the service" in caplog.text


def test_a_second_service_on_the_same_state_refuses_to_start(make_service):
    first = make_service()
    second = make_service(start=False)
    with pytest.raises(StateBusy, match=r"is in use by pid \d+ \(oneonone run\)") as caught:
        second.start()
    assert caught.value.exit_code == 75
    assert StateLock(first.lock.state).holder() == Holder(os.getpid(), "oneonone run")
    first.stop(timeout=5)
    assert StateLock(first.lock.state).holder() is None
    second.start()  # the lock is free again once the first stopped
    second.stop(timeout=5)


def test_an_exception_in_a_pass_is_logged_counted_and_scheduling_goes_on(
    sandboxed, make_service, caplog
):
    sandboxed.poll = "1s"
    service = make_service(start=False)  # the config was good when it was checked…
    state = sandboxed.tmp / "var" / "state.db"
    state.mkdir(parents=True)  # …then a folder took the database's place: SQLite cannot open it
    try:
        with caplog.at_level(logging.ERROR, logger="oneonone.service"):
            service.start()
            wait_for(lambda: sample(service, "oneonone_passes_total", result="failed") >= 2)
        failures = [r for r in caplog.records if "the pass failed" in r.getMessage()]
        assert failures
        assert failures[0].exc_info is not None
        state.rmdir()  # fixed by an operator: the next pass works without a restart
        wait_for(lambda: sample(service, "oneonone_passes_total", result="ok") >= 1, timeout=5)
    finally:
        service.stop(timeout=5)


def test_a_revoked_manager_is_logged_as_parked_once_and_the_other_is_still_served(
    sandboxed, make_service, admin, caplog
):
    service = make_service({DANA: [SAM], LEE: [PRIYA]}, start=False)
    assert service.run_pass_now() is not None
    admin.revoke_tokens(LEE)  # after the first pass: the sandbox provider re-issues on re-wiring
    admin.delete_event(
        DANA, admin.list_events(DANA, privateExtendedProperty=f"{TAG}=series")[0]["id"]
    )
    with caplog.at_level(logging.INFO, logger="oneonone.service"):
        for _ in range(3):
            service.run_pass_now()
    parked = [r for r in caplog.records if "is parked" in r.getMessage()]
    assert len(parked) == 1
    assert LEE in parked[0].getMessage()
    assert parked[0].levelno == logging.WARNING
    assert series_reps(admin, DANA) == ["sam@example.com"]  # Dana's deleted series came back
    assert sample(service, "oneonone_parked_users") == 1
    # a parked manager is reported by the gauge, not as a failure of every later pass
    assert sample(service, "oneonone_passes_total", result="ok") == 4
    service.stop(timeout=5)


def test_api_requests_are_counted_by_method_and_status_retries_included(make_service, admin):
    service = make_service(start=False)
    admin.add_fault(method="calendar.events.list", status=503, times=1)
    service.run_pass_now()
    assert sample(service, "oneonone_api_requests_total", status="503") == 1
    assert (
        sample(service, "oneonone_api_requests_total", method="calendar.events.list", status="200")
        == 1
    )
    sent = admin.counts()["by_method"]  # one rep: no batch, every request is one call
    google_calls = sum(v for k, v in sent.items() if k.startswith("calendar."))
    assert sample(service, "oneonone_api_requests_total") == google_calls >= 3
    service.stop(timeout=5)


def test_metrics_and_health_are_served_on_loopback(sandboxed, make_service):
    sandboxed.extra = f"metrics_port: {free_port()}\n"
    service = make_service()
    wait_for(lambda: service.passes >= 1)
    base = f"http://127.0.0.1:{service.metrics_port}"
    with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
        assert response.status == 200
    with urllib.request.urlopen(base + "/metrics", timeout=5) as response:
        names = {f.name for f in text_string_to_metric_families(response.read().decode())}
    assert "oneonone_passes" in names


def test_stop_lets_the_pass_in_flight_finish_then_closes_the_store(make_service, admin):
    service = make_service(start=False)
    admin.add_fault(method="calendar.events.list", status=0, latency=1.0, times=1)
    service.start()
    time.sleep(0.3)  # the first pass is waiting on the slow list call
    began = time.monotonic()
    assert service.stop(timeout=5) is True
    assert 0.3 < time.monotonic() - began < 5
    assert service.passes == 1
    assert service.last_report is not None
    assert not service.last_report.failed
    service.wake()
    time.sleep(0.2)
    assert service.passes == 1  # nothing runs after a stop


def test_emails_sent_by_a_pass_are_counted_by_kind(sandboxed, admin):
    from integrations.clock import FixedClock

    path = sandboxed.write({DANA: [SAM]})
    monday = dt.datetime(2026, 11, 23, 15, 30, tzinfo=dt.UTC)  # 23.5 h before Sam's Tuesday 1:1
    service = Service(path, load_config(path), clock=FixedClock(monday), sandbox_url=sandboxed.url)
    report = service.run_pass_now()
    assert report is not None
    assert report.emails is not None
    assert report.emails.sent, report.emails
    kinds = {key.split(":", 1)[0] for key in report.emails.sent}
    for kind in kinds:
        expected = sum(1 for key in report.emails.sent if key.startswith(f"{kind}:"))
        assert sample(service, "oneonone_emails_total", kind=kind, result="sent") == expected
    assert len(list((sandboxed.tmp / "outbox").rglob("*.eml"))) == len(report.emails.sent)
    service.stop(timeout=5)


def test_an_email_due_before_the_next_poll_gets_its_own_wake_up_once(make_service):
    from apscheduler.triggers.date import DateTrigger

    service = make_service()
    now = SystemClock().now()

    def one_offs():
        return [j for j in service.scheduler.get_jobs() if isinstance(j.trigger, DateTrigger)]

    service._wake_for_email(now + dt.timedelta(hours=2), now)  # the interval pass comes first
    assert one_offs() == []
    due = now + dt.timedelta(seconds=20)
    service._wake_for_email(due, now)
    service._wake_for_email(due, now)  # the next pass reports the same time: no second job
    [job] = one_offs()
    assert job.next_run_time == due


def test_a_reload_that_hangs_does_not_hold_up_sigterm(make_service) -> None:
    """Whatever a reload meets (a file on a dead network mount, a parser bug), the main thread
    goes on handling signals: SIGTERM stops the service while the reload still hangs."""
    service = make_service()
    entered, release = threading.Event(), threading.Event()

    def hanging_reload() -> tuple[bool, str]:
        entered.set()
        release.wait(30)
        return False, "never"

    service.reload_config = hanging_reload  # type: ignore[method-assign]

    def signals() -> None:
        os.kill(os.getpid(), signal.SIGHUP)
        assert entered.wait(10)
        os.kill(os.getpid(), signal.SIGTERM)

    sender = threading.Timer(0.3, signals)
    sender.start()
    began = time.monotonic()
    try:
        assert service.run_forever(SystemdNotifier({})) == 0
    finally:
        release.set()
        sender.join()
    assert entered.is_set()
    assert time.monotonic() - began < 5
    assert not service.lock.held


def test_each_pass_logs_one_line_with_its_size_cost_and_outcome_then_what_it_waits_for(
    make_service, admin, caplog
):
    with caplog.at_level(logging.INFO, logger="oneonone.service"):
        service = make_service({DANA: [SAM], LEE: [PRIYA]})
        wait_for(lambda: service.passes >= 1)
        wait_for(lambda: any("waiting for" in r.getMessage() for r in caplog.records))
        service.wake()
        wait_for(lambda: service.passes >= 2)
        wait_for(lambda: len([r for r in caplog.records if "waiting" in r.getMessage()]) >= 2)
    lines = [r.getMessage() for r in caplog.records]
    assert "serving 2 managers, 2 pairs; a pass every 60s" in lines
    passes = [line for line in lines if line.startswith("pass ")]
    first, second = passes[:2]
    assert first.startswith("pass 1 done in ")
    assert first.split(": ", 1)[1].startswith("2 managers, ")
    assert ", 2 actions done, 0 failed, 0 managers with errors, 0 parked, 0 unchanged" in first
    # the second pass reads back the series the first wrote: both managers are planned again
    assert second.endswith(
        ", 0 actions done, 0 failed, 0 managers with errors, 0 parked, "
        "0 unchanged (not planned again)"
    )
    counted = [int(line.split(", ")[1].split()[0]) for line in passes[:2]]
    # each pass's own share of what /metrics counts (a batch is one request there too)
    assert sum(counted) == sample(service, "oneonone_api_requests_total") >= 4
    waiting = [line for line in lines if line.startswith("waiting for")]
    job = service.scheduler.get_job("poll")
    assert waiting[-1] == (
        f"waiting for the next poll at {job.next_run_time.astimezone(dt.UTC):%a %d %b %Y %H:%M} UTC"
        " (every 60 s)"
    )


def test_the_service_serves_each_managers_own_status_page(sandboxed, make_service):
    import urllib.error

    sandboxed.extra = f"metrics_port: {free_port()}\n"
    service = make_service({DANA: [SAM], LEE: [PRIYA]})
    wait_for(lambda: service.passes >= 1)
    base = f"http://127.0.0.1:{service.metrics_port}"
    with urllib.request.urlopen(base + "/status", timeout=5) as response:
        index = response.read().decode()
    assert 'href="/status/dana@example.com"' in index
    assert 'href="/status/lee@example.com"' in index
    with urllib.request.urlopen(base + "/status/lee@example.com", timeout=5) as response:
        lee = response.read().decode()
    assert "Priya Raman" in lee
    assert "Sam Ortiz" not in lee
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(base + "/status/sam@example.com", timeout=5)
    assert missing.value.code == 404
    missing.value.close()
