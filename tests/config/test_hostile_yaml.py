"""Hostile or absurd YAML is answered quickly with one clear problem, never a hang or a crash.

Aliases share nodes, so a kilobyte of nested aliases stands for billions of values; nesting
thousands of levels deep overflows a recursive reader. Both of PyYAML's parsers are checked: the
libyaml one the loader prefers, and the pure one it falls back to (and reads broken files with).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from scheduler import yamlpos
from scheduler.config import parse_config
from scheduler.errors import ConfigError

MESSAGE = (
    "aliases here expand to more than 10,000 values beyond what the file writes out; "
    "write the values out instead of nesting aliases"
)
TOO_DEEP = "nested more than 50 levels deep; a config needs about 7"


@pytest.fixture(
    params=[
        pytest.param("libyaml", id="libyaml"),
        pytest.param("pure", id="pure-python"),
    ]
)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "libyaml":
        if not hasattr(yaml, "CSafeLoader"):
            pytest.fail("PyYAML was built without libyaml here; the libyaml path is untested")
        monkeypatch.setattr(yamlpos, "_Loader", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yamlpos, "_Loader", yamlpos._BoundedLoader)
    return str(request.param)


HANG = 5.0
"""A guard against a hang, not a speed test: unbounded, 6 levels of aliases took 55 s and 9 never
ended; bounded, they are refused in milliseconds (the problem names the first node past the
allowance, which is what shows the bound). Generous, so a loaded machine never trips it."""


def problems_and_seconds(text: str) -> tuple[list[tuple[int, str, str]], float]:
    began = time.monotonic()
    with pytest.raises(ConfigError) as caught:
        parse_config(text, filename="bomb.yaml", base_dir=Path("/srv"))
    took = time.monotonic() - began
    assert caught.value.exit_code == 78
    return [(p.line, p.path, p.message) for p in caught.value.problems], took


def list_bomb(levels: int) -> str:
    """The "billion laughs": each level a list of nine aliases to the level below."""
    lines = ["timezone: UTC", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]")
    return "\n".join([*lines, "managers: []"]) + "\n"


def merge_bomb(levels: int) -> str:
    """The same with merge keys: each mapping merges nine copies of the one below."""
    lines = ["timezone: UTC", "m0: &m0 {name: lol, email: lol}"]
    for i in range(1, levels + 1):
        lines.append(f"m{i}: &m{i} {{<<: [{', '.join([f'*m{i - 1}'] * 9)}]}}")
    return "\n".join([*lines, "managers: []"]) + "\n"


@pytest.mark.parametrize("levels", [6, 9, 40])
def test_a_billion_laughs_is_refused_at_the_allowance_without_a_hang(
    parser: str, levels: int
) -> None:
    problems, took = problems_and_seconds(list_bomb(levels))
    assert problems == [(6, "a4", MESSAGE)]  # a4 is the first list past the allowance
    assert took < HANG


@pytest.mark.parametrize("levels", [6, 9, 40])
def test_a_merge_key_bomb_is_refused_at_the_allowance_without_a_hang(
    parser: str, levels: int
) -> None:
    problems, took = problems_and_seconds(merge_bomb(levels))
    assert problems == [(6, "m4", MESSAGE)]
    assert took < HANG


def test_a_bomb_used_as_a_managers_reps_is_the_only_problem_reported(parser: str) -> None:
    text = list_bomb(9).replace(
        "managers: []",
        "managers:\n  - name: Dana\n    email: dana@example.com\n    reps: *a9",
    )
    problems, took = problems_and_seconds(text)
    assert problems == [(6, "a4", MESSAGE)]
    assert took < HANG


@pytest.mark.parametrize(
    ("depth", "style"),
    [(60, "flow"), (60, "block"), (2_000, "flow"), (2_000, "block"), (100_000, "flow")],
)
def test_deep_nesting_is_refused_without_a_recursion_error(
    parser: str, depth: int, style: str
) -> None:
    if style == "flow":
        text = "timezone: UTC\nx: " + "[" * depth + "]" * depth + "\nmanagers: []\n"
        line = 2
    else:
        text = "timezone: UTC\nx:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(depth))
        line = 51  # keys count as a level, as in PyYAML's composer: k48 is the 51st
    problems, took = problems_and_seconds(text)
    assert problems == [(line, "", TOO_DEEP)]
    assert took < HANG


def test_merge_keys_chained_deeper_than_the_limit_are_refused(parser: str) -> None:
    lines = ["timezone: UTC", "m0: &m0 {name: x}"]
    lines += [f"m{i}: &m{i} {{<<: *m{i - 1}}}" for i in range(1, 80)]
    problems, _ = problems_and_seconds("\n".join([*lines, "managers: []"]) + "\n")
    assert problems == [(2, "", TOO_DEEP)]


def test_shared_settings_through_anchors_and_merges_still_load_for_a_large_team(
    parser: str,
) -> None:
    """Aliases used as people use them (one rep template merged into every rep) stay in bounds."""
    reps = "".join(
        f"      - {{<<: *rep, name: Rep {i}, email: rep{i}@example.com}}\n" for i in range(3000)
    )
    text = (
        "timezone: America/Chicago\n"
        "shared: &rep {day: tuesday, time: '10:00', duration: 45m, cadence: weekly,\n"
        "  working_hours: 'mon-fri 08:00-18:00', rebook: {min_notice: 1h, buffer: 5m}}\n"
        "managers:\n  - name: Dana\n    email: dana@example.com\n    reps:\n" + reps
    )
    loaded = yamlpos.load_yaml(text)
    assert loaded.issues == []
    assert len(loaded.data["managers"][0]["reps"]) == 3000
    last = loaded.data["managers"][0]["reps"][2999]
    assert last["rebook"] == {"min_notice": "1h", "buffer": "5m"}


def test_written_keys_win_over_merged_ones_without_a_duplicate_key_problem(parser: str) -> None:
    loaded = yamlpos.load_yaml(
        "base: &b {day: monday, time: '09:00'}\n"
        "one:\n  <<: *b\n  time: '10:00'\n"
        "two:\n  <<: [{day: friday}, *b]\n"
    )
    assert loaded.issues == []
    assert loaded.data["one"] == {"time": "10:00", "day": "monday"}
    assert loaded.data["two"] == {"day": "friday", "time": "09:00"}  # earlier merges win
    assert loaded.lines["one.time"] == 4


def test_a_merge_of_something_that_is_not_a_mapping_is_a_problem(parser: str) -> None:
    loaded = yamlpos.load_yaml("one:\n  <<: 3\n  day: monday\n")
    assert loaded.data == {"one": {"day": "monday"}}
    assert loaded.issues == [
        yamlpos.YamlIssue(2, "one.<<", "a merge key (<<) takes a mapping or a list of mappings")
    ]


def test_an_alias_to_its_own_mapping_is_a_problem_not_a_loop(parser: str) -> None:
    loaded = yamlpos.load_yaml("one: &one\n  day: monday\n  again: *one\n")
    assert loaded.data == {"one": {"day": "monday", "again": None}}
    assert [i.message for i in loaded.issues] == ["an alias refers to itself; write the value out"]
