"""Fixtures for end-to-end tests: a sandbox over HTTP on 127.0.0.1 and configs written as YAML."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import textwrap
from pathlib import Path

import pytest

from integrations.clock import FixedClock
from integrations.shell.wiring import Wired, wire
from scheduler.config import parse_config
from scheduler.model import Config
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server, for alerts)

BASE_YAML = """
timezone: America/New_York
calendar: {{provider: sandbox, poll_interval: 60s}}
email: {{provider: outbox, outbox_dir: ./outbox}}
state: ./state.db
defaults:
  cadence: weekly
  duration: 45m
  working_hours: "mon-fri 09:00-17:30"
managers:
  - name: Dana Whitfield
    email: dana@example.com
    timezone: America/New_York
    reps:
{reps}
"""

OUTBOX = "email: {provider: outbox, outbox_dir: ./outbox}"
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "10:00", '
    "timezone: America/Los_Angeles}"
)
PRIYA = (
    '      - {name: Priya Raman, email: priya@example.com, day: wednesday, time: "11:00", '
    'timezone: Europe/London, working_hours: "mon-fri 08:00-18:00"}'
)


@dataclasses.dataclass
class Env:
    tmp: Path
    url: str

    def config(self, *reps: str, extra: str = "", email: str = OUTBOX) -> Config:
        text = BASE_YAML.format(reps="\n".join(reps)).replace(OUTBOX, email)
        text += textwrap.dedent(extra)
        path = self.tmp / "config.yaml"
        path.write_text(text)
        cfg = parse_config(text, filename=str(path), base_dir=self.tmp)
        digest = hashlib.sha256(text.encode()).hexdigest()  # as the shell reads the file
        return dataclasses.replace(cfg, source=path, digest=digest)

    def wired(self, config: Config):  # a context manager
        return wire(config, sandbox_url=self.url)

    def run(self, config: Config, now: dt.datetime):
        """One pass at ``now``; the mail's Date and outbox file names follow the same clock."""
        with wire(config, sandbox_url=self.url, clock=FixedClock(now)) as wired:
            return wired.runner.run_pass(now=now)


@pytest.fixture
def env(tmp_path: Path, sandbox: str) -> Env:
    return Env(tmp_path, sandbox)


__all__ = ["PRIYA", "SAM", "Env", "Wired"]
