"""Reading the config file from disk: parsed in a child process, the same config comes back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import shutil
from pathlib import Path

import pytest

from integrations.shell.config_file import load_config
from integrations.shell.paths import LocalPaths
from scheduler.config import parse_config_bytes
from scheduler.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


def test_the_config_read_from_a_file_is_the_one_parsed_in_this_process(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.example.yaml", path)
    expected = parse_config_bytes(
        path.read_bytes(), filename=str(path), base_dir=tmp_path, paths=LocalPaths(), now=NOW
    )
    loaded = load_config(path, now=NOW)
    assert loaded == dataclasses.replace(expected, source=path, digest=_digest(path))
    assert len(loaded.managers) == len(expected.managers) > 0


def test_an_edit_of_the_file_gives_the_config_another_digest(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.example.yaml", path)
    before = load_config(path, now=NOW)
    assert load_config(path, now=NOW).digest == before.digest
    path.write_text(path.read_text() + "\n# a comment changes the bytes\n")
    assert load_config(path, now=NOW).digest != before.digest


def test_a_broken_file_names_every_problem_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    text = (ROOT / "config.example.yaml").read_text()
    path.write_text(text.replace("managers:", "managers:\n  - nme: x\n", 1))
    with pytest.raises(ConfigError) as caught:
        load_config(path, now=NOW)
    assert caught.value.file == str(path)
    assert any(p.path == "managers[0].nme" and p.line > 0 for p in caught.value.problems)
    assert "unknown key" in str(caught.value)


def test_reading_the_file_leaves_no_finished_child_process_unreaped(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.example.yaml", path)
    load_config(path, now=NOW)
    try:
        finished = os.waitpid(-1, os.WNOHANG)  # (0, 0): children, none of them finished
    except ChildProcessError:  # no child at all
        finished = (0, 0)
    assert finished == (0, 0)


def test_the_callers_preparation_runs_while_the_child_parses(tmp_path: Path) -> None:
    """``meanwhile`` runs in this process before the child's answer is read: a command's
    imports overlap the parse, and the config that comes back is the same."""
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.example.yaml", path)
    seen: list[int] = []
    loaded = load_config(path, now=NOW, meanwhile=lambda: seen.append(os.getpid()))
    assert seen == [os.getpid()]
    assert loaded == load_config(path, now=NOW)


def test_a_preparation_that_fails_still_hears_out_and_reaps_the_child(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.example.yaml", path)

    def broken() -> None:
        raise ModuleNotFoundError("no module named 'jinja3'")

    with pytest.raises(ModuleNotFoundError):
        load_config(path, now=NOW, meanwhile=broken)
    try:
        finished = os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        finished = (0, 0)
    assert finished == (0, 0)


def _expected(path: Path):
    parsed = parse_config_bytes(
        path.read_bytes(), filename=str(path), base_dir=path.parent, paths=LocalPaths(), now=NOW
    )
    return dataclasses.replace(parsed, source=path, digest=_digest(path))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_child_killed_while_it_parses_leaves_the_parse_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    from integrations.shell import config_file

    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.example.yaml", path)
    parent = os.getpid()

    def killed(*args: object) -> object:  # in the child only: the parent parses for real
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return original(*args)

    original = config_file._outcome
    monkeypatch.setattr(config_file, "_outcome", killed)
    assert load_config(path, now=NOW) == _expected(path)


def test_a_child_whose_answer_is_cut_short_leaves_the_parse_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pickle

    from integrations.shell import config_file

    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.example.yaml", path)

    def cut_short(fd: int, outcome: tuple[str, object]) -> None:  # a write that stopped half way
        whole = pickle.dumps(outcome)
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(whole[: len(whole) // 2])

    monkeypatch.setattr(config_file, "_send", cut_short)
    assert load_config(path, now=NOW) == _expected(path)
