"""The committed ``oneonone.schema.json`` is what the code says, and the example config obeys it."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path

import jsonschema
import yaml

import daemon
from scheduler.config import config_json_schema

ROOT = Path(__file__).resolve().parents[2]


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server reads it: dates stay text (YAML 1.2 core schema)."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def example() -> dict:
    return yaml.load((ROOT / "config.example.yaml").read_text("utf-8"), Loader=EditorLoader)


def committed() -> dict:
    return json.loads((ROOT / "oneonone.schema.json").read_text("utf-8"))


def without_zones(schema: dict) -> tuple[dict, set[str]]:
    """The schema with its list of time zones set apart: that list is the zone database of the
    machine that wrote it (the system's and the ``tzdata`` package's), which moves on its own."""
    schema = json.loads(json.dumps(schema))
    zones = set(schema["$defs"]["TimeZone"].pop("enum"))
    return schema, zones


def test_the_committed_schema_file_equals_the_schema_the_code_generates() -> None:
    want, want_zones = without_zones(config_json_schema())
    have, have_zones = without_zones(committed())
    assert have == want, "run: oneonone schema > oneonone.schema.json"
    # Another machine's zone database may know a zone or two more or fewer, never a different
    # list: at most 1 % apart, and the zones a team is likely to use are always there.
    apart = sorted(want_zones ^ have_zones)
    assert len(apart) <= len(want_zones) // 100, f"zones apart: {apart}; regenerate the file"
    assert {"America/New_York", "Europe/London", "Asia/Kolkata", "UTC"} <= have_zones


def test_the_schema_command_prints_the_committed_file_but_for_this_machines_zones() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert daemon.main(["schema"]) == 0
    assert out.getvalue().endswith("\n")
    printed = json.loads(out.getvalue())
    assert without_zones(printed)[0] == without_zones(committed())[0]
    assert sorted(printed["$defs"]["TimeZone"]["enum"]) == printed["$defs"]["TimeZone"]["enum"]


def test_the_example_config_validates_against_the_committed_schema() -> None:
    schema = committed()
    jsonschema.Draft202012Validator(schema).validate(example())


def test_the_committed_schema_rejects_a_misspelt_key() -> None:
    schema = committed()
    data = example()
    data["defaults"]["duraton"] = "45m"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert any("duraton" in e.message for e in errors)


def test_the_example_points_editors_at_the_schema_file() -> None:
    first = (ROOT / "config.example.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./oneonone.schema.json"
