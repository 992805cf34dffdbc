"""systemd integration: the notify protocol on a real unix datagram socket, ``oneonone reload``
as the unit's ``ExecReload=``, and reloads that never stall the service or its signals."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from integrations.shell.reload import Outcome, read_outcome
from integrations.shell.sdnotify import SystemdNotifier
from tests.service.conftest import SAM, needs_token_uri
from tests.service.processes import ROOT, series, wait_for

DANA = "dana@example.com"


class NotifySocket:
    """What systemd would hear: the datagrams sent to ``$NOTIFY_SOCKET``, as dicts."""

    def __init__(self, address: str) -> None:
        self.address = address
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind("\0" + address[1:] if address.startswith("@") else address)
        self.sock.settimeout(0.2)
        self.heard: list[dict[str, str]] = []

    def until(self, key: str, value: str | None = None, timeout: float = 20) -> dict[str, str]:
        """Read datagrams until one carries ``key`` (with ``value``); return that one."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                continue
            fields = dict(line.split("=", 1) for line in data.decode().splitlines())
            self.heard.append(fields)
            if key in fields and value in (None, fields[key]):
                return fields
        raise AssertionError(f"systemd never heard {key}; heard {self.heard}")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def notify_socket() -> Iterator[NotifySocket]:
    listener = NotifySocket(f"@oneonone-test-{os.getpid()}-{time.monotonic_ns()}")
    yield listener
    listener.close()


def test_ready_reloading_and_stopping_reach_a_socket_in_the_file_system() -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:  # unix socket paths are short
        listener = NotifySocket(str(Path(folder) / "notify"))
        ticks = iter([1_000_000, 2_000_000])
        notifier = SystemdNotifier({"NOTIFY_SOCKET": listener.address}, usec=lambda: next(ticks))
        try:
            assert notifier.ready("serving 1 manager,\n 1 pair")
            assert notifier.reloading("reloading the config")
            assert notifier.stopping("stopping")
            heard = [listener.until("STATUS") for _ in range(3)]
        finally:
            listener.close()
    assert heard == [
        {"READY": "1", "STATUS": "serving 1 manager, 1 pair"},
        {"RELOADING": "1", "MONOTONIC_USEC": "1000000", "STATUS": "reloading the config"},
        {"STOPPING": "1", "STATUS": "stopping"},
    ]


def test_an_abstract_socket_is_named_with_an_at_sign(notify_socket: NotifySocket) -> None:
    notifier = SystemdNotifier({"NOTIFY_SOCKET": notify_socket.address})
    assert notifier.status("x" * 1000)
    status = notify_socket.until("STATUS")["STATUS"]
    assert status == "x" * 399 + "…"


def test_without_notify_socket_nothing_is_sent_and_nothing_fails() -> None:
    notifier = SystemdNotifier({})
    assert not notifier.enabled
    assert not notifier.ready("serving")


def test_a_vanished_socket_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    notifier = SystemdNotifier({"NOTIFY_SOCKET": "/nonexistent/notify"})
    assert notifier.ready("serving") is False
    assert "cannot notify systemd" in caplog.text


def reload(setup, pid: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "daemon.py", "reload", "-c", str(setup.path), "--pid", str(pid)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def alias_bomb() -> str:
    """Nine levels of nine aliases: once 55 s and 746 MB for six levels, never done for nine."""
    lines = ["lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@needs_token_uri
def test_reload_under_systemd_reports_a_refused_config_and_an_alias_bomb_stalls_nothing(
    world, notify_socket: NotifySocket
) -> None:
    setup, daemon, admin = world
    good = setup.write({DANA: [SAM]}).read_text()
    daemon.start(env={"NOTIFY_SOCKET": notify_socket.address})
    assert notify_socket.until("READY") == {"READY": "1", "STATUS": "serving 1 manager, 1 pair"}
    done = daemon.wait_passes(0, timeout=20)
    assert daemon.process is not None
    pid = daemon.process.pid

    setup.path.write_text(good.replace("    reps:", "    repz:"))  # a typo
    answer = reload(setup, pid)
    assert answer.returncode == 78
    assert "repz: unknown key (did you mean 'reps'?)" in answer.stderr
    reloading = notify_socket.until("RELOADING")
    assert reloading["STATUS"] == "reloading the config"
    assert int(reloading["MONOTONIC_USEC"]) > 0
    status = notify_socket.until("READY")["STATUS"]
    assert status.startswith("reload refused, keeping the last good config: ")
    assert "repz: unknown key" in status

    setup.path.write_text(good.replace("managers:", alias_bomb() + "managers:"))
    began = time.monotonic()
    answer = reload(setup, pid)
    assert answer.returncode == 78
    assert time.monotonic() - began < 5  # the bomb is refused at once (the command's start-up)
    assert "aliases here expand to more than 10,000 values" in answer.stderr
    outcome = read_outcome(setup.tmp / "var" / "state.db")
    assert outcome is not None
    assert not outcome.ok
    done = daemon.wait_passes(done, timeout=10)  # still passing on the last good config
    assert series(admin, DANA) == {"sam@example.com": 1}

    setup.path.write_text(good)
    answer = reload(setup, pid)
    assert (answer.returncode, answer.stdout.strip()) == (
        0,
        f"reloaded {setup.path}: 1 manager, 1 pair",
    )
    assert read_outcome(setup.tmp / "var" / "state.db") == Outcome(
        pid, 3, True, f"reloaded {setup.path}: 1 manager, 1 pair"
    )

    began = time.monotonic()
    assert daemon.stop() == 0
    assert time.monotonic() - began < 10
    assert notify_socket.until("STOPPING")["STATUS"].startswith("stopping")
    assert "Traceback" not in daemon.stderr


@pytest.mark.slow
@needs_token_uri
def test_sighup_with_an_alias_bomb_keeps_the_service_passing_and_sigterm_stops_it(world) -> None:
    """The acceptance test of the issue: the bomb arrives by plain SIGHUP, as kill -HUP sends."""
    setup, daemon, _ = world
    good = setup.write({DANA: [SAM]}).read_text()
    daemon.start()
    done = daemon.wait_passes(0, timeout=20)
    setup.path.write_text(good.replace("managers:", alias_bomb() + "managers:"))
    daemon.signal(signal.SIGHUP)
    wait_for(lambda: "aliases here expand" in daemon.stderr, 5, "the refused reload")
    assert "keeping the last good config" in daemon.stderr
    for _ in range(2):
        done = daemon.wait_passes(done, timeout=10)
    assert daemon.passes("failed") == 0
    began = time.monotonic()
    assert daemon.stop() == 0
    assert time.monotonic() - began < 10
    assert "Traceback" not in daemon.stderr
