"""A new user's first commands, in any order, on a fresh one-manager config with the sandbox.

Every command that reads the config is run after every other one (each ordered pair once, in one
sequence built from a de Bruijn sequence), and each one first on a fresh folder; every command
must succeed, and a pass after them all must find the series in place. The commands run in
this process through ``daemon.main`` (each is a fraction of a second).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
from pathlib import Path

import pytest

import daemon

CONFIG = """\
timezone: America/New_York
calendar: {provider: sandbox}
email: {provider: outbox, outbox_dir: ./var/outbox}
state: ./var/state.db
managers:
  - name: Dana Whitfield
    email: dana@example.com
    reps:
      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00"}
"""

COMMANDS: dict[str, list[str]] = {
    "check": ["check"],
    "plan": ["plan"],
    "run": ["run", "--once"],
    "log": ["log"],
    "status": ["status"],
    "doctor": ["doctor"],
    "outbox": ["outbox"],
    "preview": ["preview", "sam@example.com"],
    "auth": ["auth", "status", "dana@example.com"],
    "schema": ["schema"],
}
NOT_ON_A_CONFIG = {
    "demo",  # plays its own week in its own temporary folder
    "reload",  # speaks to a running service: tested with one in tests/service/
}


def de_bruijn(n: int) -> list[int]:
    """A cyclic sequence of 0..n-1 in which every ordered pair (a, b) occurs once."""
    a = [0] * (2 * n)
    out: list[int] = []

    def db(t: int, p: int) -> None:
        if t > 2:
            if 2 % p == 0:
                out.extend(a[1 : p + 1])
            return
        a[t] = a[t - p]
        db(t + 1, p)
        for j in range(a[t - p] + 1, n):
            a[t] = j
            db(t + 1, t)

    db(1, 1)
    return out


def every_order(names: list[str]) -> list[str]:
    cycle = de_bruijn(len(names))
    return [names[i] for i in [*cycle, cycle[0]]]


def fresh(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "config.yaml"
    path.write_text(CONFIG)
    return path


def command(name: str, config: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    argv = COMMANDS[name] if name == "schema" else [*COMMANDS[name], "-c", str(config)]
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = daemon.main(argv)
    return code, out.getvalue(), err.getvalue()


def assert_worked(name: str, code: int, out: str, err: str, step: int) -> None:
    said = f"step {step}: oneonone {' '.join(COMMANDS[name])}\n{out}\n{err}"
    assert code == 0, said
    for sign in ("Traceback", "sandbox failed", "kept failing", "KeyError"):
        assert sign not in out + err, said


def test_the_commands_tested_here_are_every_command_of_the_cli() -> None:
    parser = daemon.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == set(COMMANDS) | NOT_ON_A_CONFIG


def test_every_command_after_every_other_leaves_the_sandbox_working(tmp_path: Path) -> None:
    config = fresh(tmp_path)
    sequence = every_order(list(COMMANDS))
    pairs = set(itertools.pairwise(sequence))
    assert len(pairs) == len(COMMANDS) ** 2
    for step, name in enumerate(sequence):
        assert_worked(name, *command(name, config), step)
    code, out, _ = command("plan", config)
    assert (code, out.splitlines()[0]) == (
        0,
        "nothing to do: every pair has its series as configured",
    )


@pytest.mark.parametrize("first", list(COMMANDS))
def test_any_command_first_on_a_fresh_config_then_a_pass_creates_the_series(
    tmp_path: Path, first: str
) -> None:
    config = fresh(tmp_path / first)
    assert_worked(first, *command(first, config), 0)
    for step in (1, 2):
        assert_worked("run", *command("run", config), step)
    code, out, _ = command("plan", config)
    assert (code, out.splitlines()[0]) == (
        0,
        "nothing to do: every pair has its series as configured",
    )
