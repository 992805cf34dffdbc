"""Fixtures for the service tests: an in-process sandbox on 127.0.0.1 and config files on disk,
or the sandbox as a process of its own for tests that run the service as one."""

from __future__ import annotations

import dataclasses
import json
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from daemon import load_config
from integrations.sandbox import SandboxAdmin
from integrations.shell.wiring import google_credentials
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server, for email checks)

if TYPE_CHECKING:
    from tests.service.processes import Daemon

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """\
timezone: America/New_York
calendar:
  provider: {provider}
  google:
    auth: authorized_user_file
    authorized_user_file: "{creds}/{{email}}.json"
    api_endpoint: "{url}"
  poll_interval: {poll}
email: {{provider: outbox, outbox_dir: ./outbox}}
state: ./var/state.db
{extra}
defaults:
  cadence: weekly
  duration: 45m
  working_hours: "mon-fri 09:00-17:30"
managers:
{managers}
"""

SAM = {"name": "Sam Ortiz", "email": "sam@example.com", "day": "tuesday", "time": "10:00"}
PRIYA = {"name": "Priya Raman", "email": "priya@example.com", "day": "wednesday", "time": "11:00"}
NOOR = {"name": "Noor Haddad", "email": "noor@example.com", "day": "thursday", "time": "14:00"}
OMAR = {"name": "Omar Diaz", "email": "omar@example.com", "day": "monday", "time": "15:00"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclasses.dataclass
class Setup:
    """A folder with config.yaml and one authorized-user file per manager."""

    tmp: Path
    url: str
    provider: str = "google"
    poll: str = "60s"
    extra: str = ""

    @property
    def path(self) -> Path:
        return self.tmp / "config.yaml"

    @property
    def creds(self) -> Path:
        return self.tmp / "creds"

    def write(self, teams: dict[str, list[dict[str, str]]], *, broken: str = "") -> Path:
        managers = []
        for email, reps in teams.items():
            name = email.split("@")[0].title()
            managers.append(f"  - name: {name}\n    email: {email}\n    reps:")
            managers += [f"      - {json.dumps(rep)}" for rep in reps]
        text = CONFIG.format(
            provider=self.provider,
            creds=self.creds,
            url=self.url,
            poll=self.poll,
            extra=textwrap.dedent(self.extra),
            managers="\n".join(managers) + broken,
        )
        self.path.write_text(text)
        return self.path

    def login(self, email: str, scopes: list[str] | None = None) -> Path:
        grant = SandboxAdmin(self.url).issue_token(email, scopes)
        self.creds.mkdir(mode=0o700, exist_ok=True)
        path = self.creds / f"{email}.json"
        path.write_text(json.dumps({"type": "authorized_user", **grant}))
        path.chmod(0o600)
        return path


@pytest.fixture
def setup(tmp_path: Path, sandbox: str) -> Setup:
    return Setup(tmp_path, sandbox)


def token_uri_is_honoured(tmp: Path) -> bool:
    """True once the wiring keeps a credentials file's token endpoint (google-auth drops it)."""
    setup = Setup(tmp, "http://127.0.0.1:9/")
    setup.creds.mkdir()
    (setup.creds / "dana@example.com.json").write_text(
        json.dumps(
            {
                "refresh_token": "r",
                "client_id": "c",
                "client_secret": "s",
                "token_uri": "http://127.0.0.1:9/token",
            }
        )
    )
    config = load_config(setup.write({"dana@example.com": [SAM]}))
    return bool(
        google_credentials(config)("dana@example.com").token_uri == "http://127.0.0.1:9/token"
    )


def _token_uri_is_honoured() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        return token_uri_is_honoured(Path(tmp))


needs_token_uri = pytest.mark.xfail(
    not _token_uri_is_honoured(),
    reason="integrations.shell.wiring.google_credentials builds authorized-user credentials with "
    "google-auth's from_authorized_user_info, which always replaces token_uri with Google's; "
    "against the sandbox the refresh would leave 127.0.0.1",
    run=False,
    strict=True,
)


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "integrations.sandbox", "--port", "0", "--state",
         str(tmp_path / "sandbox.db")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        url = process.stdout.readline().decode().strip()
        assert url.startswith("http://127.0.0.1:"), url
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture
def world(tmp_path: Path, sandbox_process: str) -> Iterator[tuple[Setup, Daemon, SandboxAdmin]]:
    """The sandbox as a process, two managers logged in, and a service process not started."""
    from tests.service.processes import Daemon

    setup = Setup(tmp_path, sandbox_process, poll="2s")
    port = free_port()
    setup.extra = f"metrics_port: {port}\n"
    for manager in ("dana@example.com", "lee@example.com"):
        setup.login(manager)
    daemon = Daemon(setup, port)
    try:
        yield setup, daemon, SandboxAdmin(sandbox_process)
    finally:
        if daemon.alive():
            assert daemon.process is not None
            daemon.process.kill()
            daemon.process.wait(timeout=10)
