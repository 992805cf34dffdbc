"""The shipped example config loads and means what its comments say; the JSON Schema is whole."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from scheduler.config import config_json_schema, parse_config
from scheduler.model import Config

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.yaml"


@pytest.fixture(scope="module")
def example() -> Config:
    return parse_config(EXAMPLE.read_text(), filename=EXAMPLE.name, base_dir=EXAMPLE.parent)


def test_example_config_loads_without_warnings(example: Config) -> None:
    assert example.warnings == ()
    assert example.calendar.provider == "sandbox"
    assert example.email.provider == "outbox"
    assert example.state == EXAMPLE.parent / "var/state.db"
    assert example.email.outbox_dir == EXAMPLE.parent / "var/outbox"
    assert example.holidays == (dt.date(2026, 12, 25), dt.date(2027, 1, 1))


def test_example_pairs_are_what_the_file_says(example: Config) -> None:
    rows = [
        (
            p.key,
            p.manager.timezone,
            p.rep.timezone,
            p.day,
            p.time.strftime("%H:%M"),
            p.duration,
            p.cadence.text,
        )
        for p in example.pairs
    ]
    m45, h1, m30 = dt.timedelta(minutes=45), dt.timedelta(hours=1), dt.timedelta(minutes=30)
    ny, chi = "America/New_York", "America/Chicago"
    assert rows == [
        ("dana@example.com/sam@example.com", ny, "America/Los_Angeles", 1, "13:00", m45, "weekly"),
        ("dana@example.com/priya@example.com", ny, "Europe/London", 2, "09:00", h1, "weekly"),
        ("dana@example.com/noah@example.com", ny, chi, 3, "15:00", m45, "biweekly"),
        ("luis@example.com/ava@example.com", chi, chi, 0, "10:00", m30, "weekly"),
        ("luis@example.com/marcus@example.com", chi, chi, 4, "14:00", m30, "weekly"),
    ]
    priya = example.pairs[1]
    assert priya.rep.working_hours.text == "mon-fri 08:00-16:30"
    marcus = example.pairs[4]
    assert marcus.rebook.min_notice == dt.timedelta(hours=2)
    assert marcus.rebook.allow_shorter is None
    assert marcus.rebook.if_no_slot == "next_business_day"
    assert example.pairs[3].rebook.min_notice == dt.timedelta(minutes=30)
    assert [len(p.pauses) for p in example.pairs] == [1, 2, 1, 0, 1]  # Priya's skipped 1:1 too
    assert [(p.start, p.reason, p.skip) for p in priya.pauses if p.skip] == [
        (dt.date(2026, 12, 9), "customer visit", True)
    ]


def test_every_key_of_the_schema_appears_in_the_example() -> None:
    text = EXAMPLE.read_text()
    written = set(re.findall(r"([a-z_]+):", text))
    keys = {k for d in _property_maps(config_json_schema()) for k in d}
    assert keys - written == set()


def _property_maps(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            found.append(node["properties"])
        for key, value in node.items():
            if key not in ("not", "if", "then"):  # rules over fields (ssl and starttls not
                # both; basic auth needs a user name), not fields
                found += _property_maps(value)
    elif isinstance(node, list):
        for value in node:
            found += _property_maps(value)
    return found


def test_every_schema_field_has_a_description_and_an_example() -> None:
    props = [(name, spec) for d in _property_maps(config_json_schema()) for name, spec in d.items()]
    assert len(props) > 60
    undescribed = [name for name, spec in props if not spec.get("description")]
    without_example = [name for name, spec in props if not spec.get("examples")]
    assert (undescribed, without_example) == ([], [])


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_example_validates_against_the_json_schema() -> None:
    data = _jsonable(yaml.safe_load(EXAMPLE.read_text()))
    jsonschema.Draft202012Validator(config_json_schema()).validate(data)


def test_json_schema_rejects_an_unknown_key() -> None:
    data = _jsonable(yaml.safe_load(EXAMPLE.read_text()))
    data["defaults"]["duraton"] = "45m"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(config_json_schema()).validate(data)
