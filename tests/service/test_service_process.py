"""Acceptance: ``python daemon.py run`` as a real process against the sandbox as another process.

Signals, crashes and faults happen to the real thing: SIGHUP with a broken and then a good config,
SIGTERM, ``kill -9`` during a pass and a restart, 5xx and 429 storms, and a revoked login.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from integrations.sandbox import SandboxAdmin
from scheduler.series import TAG
from tests.service.conftest import NOOR, OMAR, PRIYA, SAM, needs_token_uri
from tests.service.processes import ROOT, series, wait_for

pytestmark = [pytest.mark.slow, needs_token_uri]
DANA = "dana@example.com"
LEE = "lee@example.com"


def nothing_cancelled(admin: SandboxAdmin, manager: str) -> bool:
    items = admin.list_events(manager, privateExtendedProperty=f"{TAG}=series", showDeleted=True)
    return all(ev.get("status") != "cancelled" for ev in items)


def test_passes_on_the_interval_reloads_on_sighup_and_stops_on_sigterm(world):
    setup, daemon, admin = world
    setup.write({DANA: [SAM]})
    daemon.start()
    first = daemon.wait_passes(0, timeout=20)  # the pass at start
    assert series(admin, DANA) == {"sam@example.com": 1}
    daemon.wait_passes(first, timeout=8)  # and again on the interval

    setup.write({DANA: [SAM, PRIYA]}, broken="\n    cadnce: weekly\n")
    daemon.signal(signal.SIGHUP)
    wait_for(lambda: re.search(r"config\.yaml:\d+: ", daemon.stderr), 5, "the config error")
    assert "keeping the last good config" in daemon.stderr
    daemon.wait_passes(daemon.passes(), timeout=8)
    assert daemon.alive()
    assert series(admin, DANA) == {"sam@example.com": 1}  # Priya came with the broken file

    setup.write({DANA: [SAM, PRIYA]})
    daemon.signal(signal.SIGHUP)
    wait_for(lambda: series(admin, DANA).get("priya@example.com"), 10, "Priya's series")
    assert series(admin, DANA) == {"sam@example.com": 1, "priya@example.com": 1}

    began = time.monotonic()
    assert daemon.stop() == 0
    assert time.monotonic() - began < 10
    assert "Traceback" not in daemon.stderr


def test_kill_9_mid_pass_and_fault_storms_never_duplicate_or_cancel_a_series(world):
    setup, daemon, admin = world
    setup.write({DANA: [SAM], LEE: [PRIYA]})
    daemon.start()
    daemon.wait_passes(0, timeout=20)

    # A new rep, and the insert of her series hangs: the process dies in the middle of the pass.
    admin.add_fault(method="calendar.events.insert", status=0, latency=3.0, times=1)
    setup.write({DANA: [SAM, NOOR], LEE: [PRIYA]})
    reads = admin.counts()["by_method"].get("calendar.events.list", 0)
    daemon.signal(signal.SIGHUP)
    deadline = time.monotonic() + 15
    while admin.counts()["by_method"].get("calendar.events.list", 0) < reads + 2:
        assert time.monotonic() < deadline, "the reload's pass never read the calendars"
        time.sleep(0.05)
    time.sleep(0.5)  # the insert for Noor follows the reads at once, and hangs for 3 s
    assert daemon.process is not None
    daemon.process.kill()
    daemon.process.wait(timeout=10)
    deadline = time.monotonic() + 10  # the sandbox finishes the orphaned insert: Google did it,
    while "noor@example.com" not in series(admin, DANA):  # the dead process never heard
        assert time.monotonic() < deadline, "the hanging insert never completed"
        time.sleep(0.1)
    assert series(admin, DANA) == {"sam@example.com": 1, "noor@example.com": 1}
    daemon.start()  # the kernel released the state lock with the dead process
    done = daemon.wait_passes(0, timeout=20)
    assert series(admin, DANA) == {"sam@example.com": 1, "noor@example.com": 1}

    admin.add_fault(method="*", status=503, rate=0.3, seed=1)
    setup.write({DANA: [SAM, NOOR], LEE: [PRIYA, OMAR]})  # writes happen during the storm too
    daemon.signal(signal.SIGHUP)
    for _ in range(2):
        admin.add_fault(method="calendar.events.list", status=429, reason="rateLimitExceeded",
                        times=2)  # fmt: skip
        done = daemon.wait_passes(done, timeout=30)
    done = daemon.wait_passes(done, timeout=30)
    assert daemon.alive()
    admin.clear_faults()
    statuses = admin.counts()["by_status"]
    assert statuses.get("503", 0) > 0
    assert statuses.get("429", 0) > 0
    wait_for(lambda: series(admin, LEE).get("omar@example.com"), 20, "Omar's series")
    wait_for(lambda: daemon.get("/healthz") == (200, "ok\n"), 15, "a healthy /healthz")
    assert series(admin, DANA) == {"sam@example.com": 1, "noor@example.com": 1}
    assert series(admin, LEE) == {"priya@example.com": 1, "omar@example.com": 1}
    assert nothing_cancelled(admin, DANA)
    assert nothing_cancelled(admin, LEE)
    assert daemon.stop() == 0


def test_a_revoked_login_parks_one_manager_and_the_other_is_still_served(world):
    setup, daemon, admin = world
    setup.write({DANA: [SAM], LEE: [PRIYA]})
    daemon.start("--json-logs")
    daemon.wait_passes(0, timeout=20)
    admin.revoke_tokens(LEE)
    setup.write({DANA: [SAM, NOOR], LEE: [PRIYA, OMAR]})
    daemon.signal(signal.SIGHUP)
    wait_for(lambda: series(admin, DANA).get("noor@example.com"), 10, "Noor's series")
    daemon.wait_passes(daemon.passes() + 1, timeout=10)  # a few more passes after the parking
    assert "omar@example.com" not in series(admin, LEE)
    records = [json.loads(line) for line in daemon.stderr.splitlines()]  # every line is JSON
    parked = [r for r in records if r["msg"].startswith(f"manager {LEE} is parked")]
    assert len(parked) == 1, daemon.stderr
    assert parked[0]["level"] == "warning"
    assert "1//sandbox-" not in daemon.stderr  # no refresh token in the logs
    assert daemon.stop() == 0


def test_a_second_service_on_the_same_state_exits_with_a_clear_error(world):
    setup, daemon, _ = world
    setup.write({DANA: [SAM]})
    daemon.start()
    daemon.wait_passes(0, timeout=20)
    second = subprocess.run(
        [sys.executable, "daemon.py", "run", "-c", str(setup.path), "--lock-wait", "0.5"],
        cwd=ROOT, capture_output=True, text=True, timeout=30,
        env={**os.environ},
    )  # fmt: skip
    assert second.returncode == 75
    assert daemon.process is not None
    assert f"is in use by pid {daemon.process.pid} (oneonone run -c {setup.path})" in (
        second.stderr
    )
    assert "waited 0.5s" in second.stderr
    assert daemon.alive()
    assert daemon.stop() == 0
