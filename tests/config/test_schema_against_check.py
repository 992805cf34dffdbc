"""The JSON Schema editors use catches, as you type, what ``check`` catches wherever a schema
can: a standard validator (Ajv, JSON Schema draft 2020-12, with its formats, as editors run
it) is run over the broken-config corpus and compared with ``check``, case by case.

Ajv is installed with npm from ``package.json`` (``npm ci`` at the repository root; CI and
``scripts/check`` do it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from scheduler.config import parse_config
from scheduler.errors import ConfigError
from tests.config.test_broken_configs import CASES, MORE_CASES
from tests.view.test_schema_file import EditorLoader

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "oneonone.schema.json"

BEYOND_A_SCHEMA = {
    "overlapping-working-hours": "ranges that overlap: a pattern cannot compare times",
    "reversed-working-hours": "a range that ends before it starts: the same",
    "duplicate-manager-email": "one address in two entries: a schema sees one value at a time",
    "duplicate-rep-email-under-one-manager": "the same",
    "rep-under-two-managers": "the same, across managers",
    "manager-as-own-rep": "a rep's address equal to the manager's: the same",
    "allow-shorter-longer-than-duration": "two durations compared, possibly inherited",
    "day-and-time-not-set-anywhere": "inherited from defaults or the manager: optional where set",
    "meeting-longer-than-the-working-day": "a duration against working hours",
    "pause-ending-before-it-starts": "two dates compared",
    "duplicate-key": "YAML parsers keep the last value: the document never shows the first",
    "huge-number-of-days": "a bound on a duration's total (ten years): beyond a pattern's reach",
    "more-than-ten-years": "the same",
    "weekdays-backwards": "a range of days compared in order inside one string",
    "weekday-twice-in-working-hours": "a day named twice in one string: the same",
    "allow-shorter-on-the-rep": "a duration against the 1:1's length, possibly inherited",
    "recap-deadline-shorter-than-settle": "two durations compared, possibly inherited",
    "recap-deadline-before-the-reminder": "the same",
    "reminder-too-late-for-the-default-deadline": "the same, against a default",
    "recap-settle-longer-than-the-default-deadline": "the same, against a default",
    "manager-outside-the-domains": "an address against a list of domains elsewhere in the file",
}
"""Corpus cases no JSON Schema can refuse, each with why; every other case must be refused."""


def ajv(documents: list[Any]) -> list[list[dict[str, str]]]:
    """Ajv's errors for each document ([] when valid), from one node process."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ajv").is_dir():
        pytest.fail("Ajv is not installed: run `npm ci` at the repository root (needs node)")
    result = subprocess.run(
        [node, str(ROOT / "tests" / "config" / "ajv_validate.mjs"), str(SCHEMA)],
        input=json.dumps(documents, default=str),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    errors: list[list[dict[str, str]]] = json.loads(result.stdout)
    return errors


def document(text: str | bytes) -> Any:
    """The YAML as an editor's language server reads it; None when it is not a document (bytes
    that are no UTF-8 text, syntax errors, aliases — an editor would expand a bomb — and nesting
    past what the parser can follow)."""
    if isinstance(text, bytes) or ("*" in text and "&" in text):
        return None
    try:
        doc = yaml.load(text, Loader=EditorLoader)
        json.dumps(doc, default=str, allow_nan=False)  # what the editor hands the validator
    except (yaml.YAMLError, RecursionError, ValueError):  # a 5,000-digit number, .inf
        return None
    return doc


def check_refuses(text: str) -> list[str]:
    """The dotted paths of ``check``'s problems ([] when it accepts the file)."""
    try:
        parse_config(text, filename="team.yaml", base_dir=Path("/srv/oneonone"))
    except ConfigError as exc:
        return [p.path for p in exc.problems]
    return []


def dotted(instance_path: str) -> str:
    """``/managers/0/reps/0/day`` → ``managers[0].reps[0].day``."""
    out = ""
    for part in instance_path.strip("/").split("/") if instance_path else []:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out


def corpus() -> list[tuple[str, str, Any]]:
    cases = []
    for case in CASES + MORE_CASES:
        (text, _), case_id = case.values, case.id
        doc = document(text)
        # empty files, syntax errors and Python tags are no document; a case about the disk
        # (a missing file, a state path that cannot work) is no case for a schema either
        if doc is not None and check_refuses(text):
            cases.append((case_id or "", text, doc))
    return cases


def test_ajv_refuses_every_broken_config_a_schema_can_and_at_the_place_check_names() -> None:
    cases = corpus()
    results = ajv([doc for _, _, doc in cases])
    missed, elsewhere = [], []
    for (case_id, text, _), errors in zip(cases, results, strict=True):
        paths = check_refuses(text)
        assert paths, f"{case_id}: the corpus holds broken configs only"
        if not errors:
            if case_id not in BEYOND_A_SCHEMA:
                missed.append(case_id)
            continue
        assert case_id not in BEYOND_A_SCHEMA, f"{case_id} is caught now: off BEYOND_A_SCHEMA"
        found = [dotted(e["path"]) for e in errors]
        if not any(
            p == f or p.startswith((f"{f}.", f"{f}[")) or not f for p in paths for f in found
        ):
            elsewhere.append((case_id, paths, found))
    assert missed == []
    assert elsewhere == []


@pytest.mark.parametrize(
    "case_id",
    [
        "misspelled-weekday",
        "impossible-time",
        "minutes-past-the-hour-in-a-duration",
        "bad-zone-with-suggestion",
        "working-hours-without-minutes",
        "bad-cadence",
    ],
)
def test_the_slips_editors_let_through_before_are_refused_as_you_type(case_id: str) -> None:
    [(_, text, doc)] = [c for c in corpus() if c[0] == case_id]
    [errors] = ajv([doc])
    assert errors, f"{case_id} passes the schema"
    assert check_refuses(text)


GOOD = """\
timezone: Pacific/Fiji
defaults:
  cadence: every 3 Weeks
  duration: 1H30M
  working_hours: "Mon-Thu 08:00-12:00 13:00-17:00, fri 08:00-15:00, sat 10:00-24:00"
  rebook: {{min_notice: "1d 2h", buffer: 0m, look_ahead: 14d}}
managers:
  - name: Dana Whitfield
    email: Dana@Example.com
    timezone: America/Argentina/Buenos_Aires
    day: {day}
    time: "{time}"
    reps:
      - {{name: Sam Ortiz, email: sam@example.com, cadence: {cadence}, timezone: Etc/GMT+5}}
"""


@pytest.mark.parametrize(
    ("day", "time", "cadence"),
    [
        ("Tuesday", "9:05", "biweekly"),
        ("WED", "23:59", "monthly"),
        ("friday", "10:00", "every 12 weeks"),
        ("sat", "00:00", "Weekly"),
    ],
)
def test_what_check_accepts_the_schema_accepts_too(day: str, time: str, cadence: str) -> None:
    text = GOOD.format(day=day, time=time, cadence=cadence)
    assert check_refuses(text) == []
    assert ajv([document(text)]) == [[]]


def test_the_example_config_passes_ajv() -> None:
    text = (ROOT / "config.example.yaml").read_text("utf-8")
    assert ajv([document(text)]) == [[]]


def test_the_zones_the_schema_lists_are_those_check_accepts() -> None:
    zones = json.loads(SCHEMA.read_text("utf-8"))["$defs"]["TimeZone"]["enum"]
    assert "America/Chicago" in zones
    text = textwrap.dedent("""\
        timezone: {zone}
        managers: []
        """)
    for zone in ("Europe/London", "UTC", "Pacific/Fiji"):
        assert zone in zones
        assert check_refuses(text.format(zone=zone)) == []
    assert "America/Chicgo" not in zones
