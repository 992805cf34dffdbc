"""One writer per state file: the lock every state-changing command takes, and what a second
command sees (a bounded wait, then exit 75 naming the holder's pid and command)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from integrations.sandbox import SandboxAdmin
from integrations.state.statelock import POLL, Holder, StateLock
from scheduler.errors import StateBusy
from scheduler.series import TAG
from tests.service.conftest import SAM, Setup, needs_token_uri

ROOT = Path(__file__).resolve().parents[2]
DANA = "dana@example.com"


class SteppedTime:
    """A monotonic clock that moves only when the lock sleeps: waiting costs no real time."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []
        self.on_sleep: list[object] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        for hook in self.on_sleep:
            hook(len(self.sleeps))  # type: ignore[operator]


def test_a_second_command_waits_its_bounded_time_then_names_the_holder(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    first = StateLock(state, command="oneonone run --once -c team.yaml")
    first.acquire()
    time = SteppedTime()
    second = StateLock(state, command="oneonone plan -c team.yaml")
    try:
        with pytest.raises(StateBusy) as caught:
            second.acquire(wait=2.0, sleep=time.sleep, monotonic=time.monotonic)
    finally:
        first.release()
    assert caught.value.exit_code == 75
    assert str(caught.value) == (
        f"the state in {state} is in use by pid {os.getpid()} (oneonone run --once -c "
        "team.yaml); waited 2s for it. Only one oneonone command may change it at a time: "
        "try again when that one is done, or stop it"
    )
    assert sum(time.sleeps) == pytest.approx(2.0)
    assert max(time.sleeps) == POLL
    assert not second.held


def test_a_waiting_command_gets_the_lock_as_soon_as_the_holder_lets_go(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    first = StateLock(state, command="oneonone run --once")
    first.acquire()
    time = SteppedTime()
    time.on_sleep.append(lambda n: first.release() if n == 3 else None)
    second = StateLock(state, command="oneonone plan")
    second.acquire(wait=30.0, sleep=time.sleep, monotonic=time.monotonic)
    try:
        assert len(time.sleeps) == 3
        assert StateLock(state).holder() == Holder(os.getpid(), "oneonone plan")
    finally:
        second.release()
    assert StateLock(state).holder() is None


def test_a_command_line_with_newlines_is_written_on_one_line(tmp_path: Path) -> None:
    lock = StateLock(tmp_path / "state.db", command="oneonone run -c 'a\nb.yaml'")
    lock.acquire()
    try:
        assert lock.holder() == Holder(os.getpid(), "oneonone run -c 'a b.yaml'")
    finally:
        lock.release()


def run_once(setup: Setup, *flags: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "daemon.py", "run", "--once", "-c", str(setup.path), *flags],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def series_on_the_calendar(admin: SandboxAdmin) -> Counter[str]:
    items = admin.list_events(DANA, privateExtendedProperty=f"{TAG}=series")
    return Counter(
        a["email"]
        for ev in items
        if "recurringEventId" not in ev
        for a in ev.get("attendees", [])
        if a["email"] != DANA
    )


@pytest.mark.slow
@needs_token_uri
@pytest.mark.parametrize("wait", ["0.3", "30"])
def test_two_run_once_on_one_state_never_both_reconcile(setup: Setup, wait: str) -> None:
    setup.write({DANA: [SAM]})
    setup.login(DANA)
    admin = SandboxAdmin(setup.url)
    admin.add_fault(method="calendar.events.insert", status=0, latency=3.0, times=1)  # slow
    first = run_once(setup, "--lock-wait", wait)
    if wait == "0.3":  # the second must meet the first mid-pass, however slow the machine
        lock = StateLock(setup.tmp / "var" / "state.db")
        deadline = time.monotonic() + 30
        while (holder := lock.holder()) is None or holder.pid != first.pid:
            assert time.monotonic() < deadline, "the first never took the state"
            time.sleep(0.02)
    second = run_once(setup, "--lock-wait", wait)  # with 30 s: both start at once
    outputs = {p.pid: (p.wait(timeout=60), *p.communicate()) for p in (first, second)}
    created = [pid for pid, (_, out, _) in outputs.items() if "create-series" in out]
    assert len(created) == 1, outputs  # exactly one process created Sam's series
    [other] = [pid for pid in outputs if pid not in created]
    code, out, err = outputs[other]
    if wait == "30":  # it waited for the first, then found nothing left to do
        assert code == 0, outputs
        assert "nothing to do: every pair has its series as configured" in out.splitlines()
    else:  # it gave up after 0.3 s, naming who holds the state
        assert code == 75
        assert f"is in use by pid {created[0]} (oneonone run --once -c {setup.path} " in err
        assert "waited 0.3s" in err
        assert out == ""
    assert series_on_the_calendar(admin) == {"sam@example.com": 1}


def test_plan_also_waits_for_the_state_and_names_who_holds_it(setup: Setup, capsys) -> None:
    from daemon import main

    path = setup.write({DANA: [SAM]})
    holder = StateLock(setup.tmp / "var" / "state.db", command=f"oneonone run -c {path}")
    holder.acquire()
    try:
        code = main(["plan", "-c", str(path), "--lock-wait", "0.2"])
    finally:
        holder.release()
    err = capsys.readouterr().err
    assert code == 75
    assert f"is in use by pid {os.getpid()} (oneonone run -c {path}); waited 0.2s" in err
