"""Helpers for tests that run ``python daemon.py run`` as a real process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from integrations.sandbox import SandboxAdmin
from scheduler.series import TAG
from tests.service.conftest import Setup

ROOT = Path(__file__).resolve().parents[2]


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@dataclass
class Daemon:
    """One ``oneonone run`` process; its stderr goes to a file the test can read any time."""

    setup: Setup
    port: int
    process: subprocess.Popen[bytes] | None = None
    logs: list[Path] = field(default_factory=list)

    def start(self, *flags: str, env: dict[str, str] | None = None) -> None:
        log = self.setup.tmp / f"daemon-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "daemon.py", "run", "-c", str(self.setup.path), *flags],
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env={**os.environ, **(env or {})},
            )

    @property
    def stderr(self) -> str:
        return self.logs[-1].read_text("utf-8", "replace")

    def signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            return 0, ""

    def passes(self, result: str | None = None) -> float:
        status, text = self.get("/metrics")
        if status != 200:
            return 0.0
        return sum(
            s.value
            for family in text_string_to_metric_families(text)
            for s in family.samples
            if s.name == "oneonone_passes_total" and result in (None, s.labels.get("result"))
        )

    def wait_passes(self, more_than: float, timeout: float = 15) -> float:
        wait_for(lambda: self.passes() > more_than, timeout, f"more than {more_than} passes")
        return self.passes()

    def stop(self) -> int:
        assert self.process is not None
        self.signal(signal.SIGTERM)
        return self.process.wait(timeout=10)


def series(admin: SandboxAdmin, manager: str) -> Counter[str]:
    """Live series per rep on the manager's calendar (masters only)."""
    items = admin.list_events(manager, privateExtendedProperty=f"{TAG}=series")
    return Counter(
        a["email"]
        for ev in items
        if "recurringEventId" not in ev and ev.get("status") != "cancelled"
        for a in ev.get("attendees", [])
        if a["email"] != manager
    )
