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


def test_the_committed_schema_file_equals_the_schema_the_code_generates() -> None:
    committed = json.loads((ROOT / "oneonone.schema.json").read_text("utf-8"))
    assert committed == config_json_schema(), "run: oneonone schema > oneonone.schema.json"


def test_the_schema_command_prints_exactly_the_committed_file() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert daemon.main(["schema"]) == 0
    assert out.getvalue() == (ROOT / "oneonone.schema.json").read_text("utf-8")


def test_the_example_config_validates_against_the_committed_schema() -> None:
    schema = json.loads((ROOT / "oneonone.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(example())


def test_the_committed_schema_rejects_a_misspelt_key() -> None:
    schema = json.loads((ROOT / "oneonone.schema.json").read_text("utf-8"))
    data = example()
    data["defaults"]["duraton"] = "45m"
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    assert any("duraton" in e.message for e in errors)


def test_the_example_points_editors_at_the_schema_file() -> None:
    first = (ROOT / "config.example.yaml").read_text("utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=./oneonone.schema.json"
