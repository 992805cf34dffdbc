"""The collector is held off only while a bulk of long-lived objects is built, and is never
left off by it (a service that stopped collecting cycles would grow until it died)."""

from __future__ import annotations

import datetime as dt
import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from integrations.collector import collector_paused
from integrations.shell.config_file import load_config

NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)
TEAM = """\
timezone: America/New_York
managers:
  - name: Dana Whitfield
    email: dana@example.com
    reps:
      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "10:00"}
"""


@pytest.fixture
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_the_collector_is_off_inside_the_pause_and_on_again_after(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_is_on_again_after_a_pause_that_raised(collector_on: None) -> None:
    with pytest.raises(KeyError), collector_paused():
        raise KeyError("bad pair")
    assert gc.isenabled()


def test_a_pause_inside_a_pause_leaves_it_to_the_outer_one(collector_on: None) -> None:
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_someone_switched_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_reading_a_config_leaves_the_collector_on_in_a_child_and_in_the_process(
    tmp_path: Path, collector_on: None
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(TEAM)
    assert [p.key for p in load_config(path, now=NOW).pairs] == ["dana@example.com/sam@example.com"]
    assert gc.isenabled()
    release = threading.Event()
    beside = threading.Thread(target=release.wait)
    beside.start()  # with another thread running, the file is parsed in the process itself
    try:
        assert load_config(path, now=NOW).pairs[0].rep.name == "Sam Ortiz"
    finally:
        release.set()
        beside.join()
    assert gc.isenabled()
