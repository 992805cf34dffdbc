"""``run --once`` is never silent: on a terminal a live bar (managers done of total, elapsed,
time left), elsewhere a few plain lines; it ends with a summary whose counts add up, failures
first. The terminal case runs the real command on a pseudo-terminal."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

import daemon

ROOT = Path(__file__).resolve().parents[2]
MANAGERS = 30


def config_with_managers(tmp_path: Path, count: int = MANAGERS) -> Path:
    blocks = "".join(
        f"  - name: Manager {i}\n    email: m{i}@example.com\n    reps:\n"
        f'      - {{name: Rep {i}, email: r{i}@example.com, day: tuesday, time: "13:00"}}\n'
        for i in range(count)
    )
    path = tmp_path / "config.yaml"
    path.write_text(
        "timezone: America/New_York\ncalendar: {provider: sandbox}\n"
        "email: {provider: outbox, outbox_dir: ./var/outbox}\nstate: ./var/state.db\n"
        f"managers:\n{blocks}"
    )
    return path


def on_a_terminal(argv: list[str]) -> str:
    """Run ``argv`` with a pseudo-terminal as its stdout and stderr; what the screen got."""
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(argv, stdout=follower, stderr=follower, env=env, cwd=ROOT)
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0
    return screen.decode("utf-8", "replace")


@pytest.mark.slow
def test_on_a_terminal_a_live_bar_counts_managers_with_elapsed_and_time_left(
    tmp_path: Path,
) -> None:
    config = config_with_managers(tmp_path)
    screen = on_a_terminal([sys.executable, "daemon.py", "run", "--once", "-c", str(config)])
    assert "\x1b[" in screen  # drawn with terminal control sequences, redrawn in place
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)
    for stage in ("calendars read", "managers done"):
        assert re.search(rf"{stage} +━+ {MANAGERS}/{MANAGERS} · 0:00:\d\d elapsed · ", plain)
    assert "left" in plain
    assert "pass: " not in plain  # no plain progress lines on a terminal
    tail = plain.replace("\r", "").strip().splitlines()
    assert tail[-2:] == [
        tail[-2],
        f"  done     create-series {MANAGERS}",
    ]
    assert re.fullmatch(rf"summary: {MANAGERS} done; 0 managers with errors; \d+\.\d s", tail[-2])


def test_elsewhere_a_line_per_tenth_of_the_managers_and_no_control_sequence(
    tmp_path: Path,
) -> None:
    config = config_with_managers(tmp_path)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert daemon.main(["run", "--once", "-c", str(config)]) == 0
    lines = out.getvalue().splitlines()
    progress = [line for line in lines if line.startswith("pass: ")]
    assert progress[0] == f"pass: {MANAGERS} managers to go"
    read = [p for p in progress if "calendars read" in p]
    done = [p for p in progress if "managers done" in p]
    assert progress[1:] == read + done  # every calendar is read before any manager is done
    for stage in (read, done):
        assert [int(line.split()[1]) for line in stage] == list(range(3, MANAGERS + 1, 3))
    assert re.fullmatch(r"pass: 30 of 30 managers done, \d+\.\d s", done[-1])
    assert "\x1b" not in out.getvalue()
    # more actions than are itemised: each is counted, and `oneonone log` lists them
    assert not any(line.startswith("done     create-series") for line in lines)
    assert lines[-1] == f"  done     create-series {MANAGERS}"


def test_the_summary_puts_failures_first_and_its_counts_add_up(tmp_path: Path) -> None:
    from integrations.reconcile.runner import PassReport
    from integrations.reconcile.series_writes import Outcome
    from integrations.views.run_report import summary_lines
    from scheduler.actions import Notice

    def notice(i: int) -> Notice:
        return Notice(f"m{i}@example.com/r@example.com", f"m{i}@example.com", f"k{i}", "why")

    report = PassReport(started=None)  # type: ignore[arg-type]
    report.outcomes = [
        Outcome(notice(0), "done"),
        Outcome(notice(1), "failed", "Google refused"),
        Outcome(notice(2), "skipped", "already told"),
        Outcome(notice(3), "done"),
    ]
    report.manager_errors = {"m9@example.com": "parked"}
    assert summary_lines(report, 1.25) == [
        "summary: 1 failed, 1 skipped, 2 done (4 actions); 1 manager with errors; 1.2 s",
        "  failed   notice 1",
        "  skipped  notice 1",
        "  done     notice 2",
    ]
