"""Broken configs: each must come back with exactly the right lines, paths and sentences."""

from __future__ import annotations

import contextlib
import io
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon import main
from scheduler.config import parse_config, parse_config_bytes
from scheduler.errors import ConfigError, Problem
from scheduler.model import Config
from tests.config.broken_corpus import MORE_CASES

HEAD = """\
timezone: America/Chicago
managers:
  - name: Dana Whitfield
    email: dana@example.com
    timezone: America/New_York
    reps:
"""
# HEAD is 6 lines; a rep written right after it starts on line 7.

STEP_MESSAGE = (
    "{} does not divide an hour into whole minutes; use one of 1m, 5m, 10m, 15m, 20m, 30m, 1h "
    "(starts fall on the clock at multiples of it)"
)
SAM = '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "10:00"}\n'


def problems_of(text: str) -> list[tuple[int, str, str]]:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, filename="team.yaml", base_dir=Path("/srv/oneonone"))
    assert caught.value.file == "team.yaml"
    assert all(p.file == "team.yaml" for p in caught.value.problems)
    return [(p.line, p.path, p.message) for p in caught.value.problems]


def rep(body: str) -> str:
    return HEAD + textwrap.indent(textwrap.dedent(body), "      ")


CASES = [
    pytest.param(
        rep("""\
        - name: Sam Ortiz
          email: sam@example.com
          day: tusday
          time: "10:00"
        """),
        [(9, "managers[0].reps[0].day", "'tusday' is not a weekday (monday..sunday)")],
        id="misspelled-weekday",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  duraton: 45m\nmanagers: []\n",
        [(3, "defaults.duraton", "unknown key (did you mean 'duration'?)")],
        id="unknown-key-with-suggestion",
    ),
    pytest.param(
        "timezone: America/Chicago\nfrobnicate: 1\nmanagers: []\n",
        [
            (
                2,
                "frobnicate",
                "unknown key (allowed: timezone, calendar, email, state, ops_email, "
                "metrics_port, metrics_access, templates_dir, notes_dir, holidays, defaults, "
                "managers)",
            )
        ],
        id="unknown-key-without-suggestion-lists-allowed-keys",
    ),
    pytest.param(
        "timezone: America/Chicgo\nmanagers: []\n",
        [
            (
                1,
                "timezone",
                "'America/Chicgo' is not an IANA time zone, e.g. America/Chicago "
                "(did you mean 'America/Chicago'?)",
            )
        ],
        id="bad-zone-with-suggestion",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  duration: 45 minutes\nmanagers: []\n",
        [(3, "defaults.duration", "'45 minutes' is not a duration (e.g. 45m, 1h30m, 90s, 2d)")],
        id="bad-duration",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  duration: 1h70m\nmanagers: []\n",
        [
            (
                3,
                "defaults.duration",
                "'1h70m' has 70m, a whole hour or more; write 2h10m",
            )
        ],
        id="minutes-past-the-hour-in-a-duration",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  duration: 30m1h\nmanagers: []\n",
        [
            (
                3,
                "defaults.duration",
                "'30m1h' puts hours after minutes; write 1h30m",
            )
        ],
        id="duration-units-out-of-order",
    ),
    pytest.param(
        'timezone: America/Chicago\ndefaults:\n  working_hours: "mon-fri 9-5"\nmanagers: []\n',
        [(3, "defaults.working_hours", "'9' is not a time (HH:MM, 24-hour, 00:00..23:59)")],
        id="working-hours-without-minutes",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  duration: 45\nmanagers: []\n",
        [(3, "defaults.duration", "the number 45 has no unit; use a unit, e.g. 45m")],
        id="bare-number-duration",
    ),
    pytest.param(
        HEAD + "      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: 10:00}\n",
        [(7, "managers[0].reps[0].time", 'write the time in quotes, e.g. "10:00"')],
        id="unquoted-time",
    ),
    pytest.param(
        HEAD + '      - {name: Sam, email: sam@example.com, day: tue, time: "25:00"}\n',
        [(7, "managers[0].reps[0].time", "'25:00' is not a time (HH:MM, 24-hour, 00:00..23:59)")],
        id="impossible-time",
    ),
    pytest.param(
        'timezone: America/Chicago\ndefaults:\n  working_hours: "mon-fri 9am-5pm"\nmanagers: []\n',
        [(3, "defaults.working_hours", "'9am' is not a time (HH:MM, 24-hour, 00:00..23:59)")],
        id="bad-working-hours",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n"
        '  working_hours: "mon-fri 09:00-13:00 12:00-17:00"\nmanagers: []\n',
        [
            (
                3,
                "defaults.working_hours",
                "the ranges in 'mon-fri 09:00-13:00 12:00-17:00' overlap",
            )
        ],
        id="overlapping-working-hours",
    ),
    pytest.param(
        'timezone: America/Chicago\ndefaults:\n  working_hours: "mon-fri 17:00-09:00"\n'
        "managers: []\n",
        [(3, "defaults.working_hours", "the range '17:00-09:00' ends before it starts")],
        id="reversed-working-hours",
    ),
    pytest.param(
        HEAD + SAM + "  - {name: Dana Again, email: Dana@Example.com, timezone: America/Chicago}\n",
        [
            (
                8,
                "managers[1].email",
                "dana@example.com is listed twice as a manager (first on line 4)",
            )
        ],
        id="duplicate-manager-email",
    ),
    pytest.param(
        HEAD + SAM + SAM,
        [
            (
                8,
                "managers[0].reps[1].email",
                "sam@example.com is listed twice under this manager (line 7)",
            )
        ],
        id="duplicate-rep-email-under-one-manager",
    ),
    pytest.param(
        HEAD
        + SAM
        + "  - name: Luis Ortega\n    email: luis@example.com\n    reps:\n"
        + SAM.replace("Sam Ortiz", "Sam O."),
        [
            (
                11,
                "managers[1].reps[0].email",
                "sam@example.com is also a rep of dana@example.com (line 7)",
            )
        ],
        id="rep-under-two-managers",
    ),
    pytest.param(
        HEAD + '      - {name: Dana, email: dana@example.com, day: mon, time: "10:00"}\n',
        [
            (
                7,
                "managers[0].reps[0].email",
                "dana@example.com is this manager's own address; not a rep of theirs",
            )
        ],
        id="manager-as-own-rep",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  duration: 30m\n"
        "  rebook: {allow_shorter: 45m}\n" + HEAD.split("\n", 1)[1] + SAM,
        [
            (
                4,
                "defaults.rebook.allow_shorter",
                "45m is longer than the 1:1 itself (30m); use at most that, or null for "
                "never shorter",
            )
        ],
        id="allow-shorter-longer-than-duration",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  cadence: fortnightly\nmanagers: []\n",
        [
            (
                3,
                "defaults.cadence",
                "'fortnightly' is not one of weekly, biweekly, monthly, every N weeks (N 1..12)",
            )
        ],
        id="bad-cadence",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  cadence: every 0 weeks\nmanagers: []\n",
        [(3, "defaults.cadence", "every 0 weeks: N must be 1..12")],
        id="every-0-weeks",
    ),
    pytest.param(
        HEAD + '      - {name: Sam Ortiz, day: tuesday, time: "10:00"}\n',
        [(7, "managers[0].reps[0].email", "missing (required)")],
        id="missing-rep-email",
    ),
    pytest.param(
        HEAD + '      - {name: Sam Ortiz, email: sam.example.com, day: tue, time: "10:00"}\n',
        [
            (
                7,
                "managers[0].reps[0].email",
                "'sam.example.com' is not an e-mail address (name@example.com)",
            )
        ],
        id="malformed-email",
    ),
    pytest.param(
        "timezone: America/Chicago\nmanagers:\n  - name: [Dana\n",
        [
            (
                4,
                "",
                "YAML syntax error: expected ',' or ']', but got '<stream end>' "
                "(while parsing a flow sequence)",
            )
        ],
        id="yaml-syntax-error",
    ),
    pytest.param(
        "timezone: America/Chicago\n"
        "state: !!python/object/apply:os.system ['touch /tmp/pwned']\nmanagers: []\n",
        [
            (
                2,
                "state",
                "the tag !!python/object/apply:os.system is not allowed; write plain values",
            )
        ],
        id="python-object-tag-is-refused",
    ),
    pytest.param(
        "timezone: America/Chicago\nstate: a.db\nstate: b.db\nmanagers: []\n",
        [(3, "state", "duplicate key (first set on line 2)")],
        id="duplicate-key",
    ),
    pytest.param("", [(0, "", "the file is empty")], id="empty-file"),
    pytest.param(
        "# only a comment\n\n",
        [(0, "", "the file is empty")],
        id="file-with-only-comments",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  rebook:\n    - min_notice: 1h\nmanagers: []\n",
        [(3, "defaults.rebook", "expected a mapping (key: value), got a list")],
        id="list-where-a-mapping-belongs",
    ),
    pytest.param(
        "timezone: America/Chicago\nmanagers:\n  name: Dana\n",
        [(2, "managers", "expected a list, got a mapping")],
        id="mapping-where-a-list-belongs",
    ),
    pytest.param(
        "- timezone: America/Chicago\n",
        [(1, "", "expected a mapping (key: value), got a list")],
        id="top-level-list",
    ),
    pytest.param(
        HEAD + "      - {name: Sam Ortiz, email: sam@example.com}\n",
        [
            (
                7,
                "managers[0].reps[0].day",
                "missing (set it on the rep, the manager or in defaults)",
            ),
            (
                7,
                "managers[0].reps[0].time",
                "missing (set it on the rep, the manager or in defaults)",
            ),
        ],
        id="day-and-time-not-set-anywhere",
    ),
    pytest.param(
        "timezone: America/Chicago\ncalendar:\n  provider: outlook\nmanagers: []\n",
        [(3, "calendar.provider", "'outlook' is not one of sandbox, google")],
        id="unknown-provider",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  agenda: {rotation: [pipeline, gossip]}\n"
        "managers: []\n",
        [
            (
                3,
                "defaults.agenda.rotation[1]",
                "'gossip' is not one of pipeline, career, performance, forecast, coaching",
            )
        ],
        id="unknown-rotation-item",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  duration: 10h\n" + HEAD.split("\n", 1)[1] + SAM,
        [
            (
                3,
                "defaults.duration",
                "a 10h 1:1 is longer than the working day (Sam Ortiz's longest working "
                "stretch is 8h30m)",
            )
        ],
        id="meeting-longer-than-the-working-day",
    ),
    pytest.param(
        "timezone: America/Chicago\nholidays: [2026-12-25, 2026-13-01]\nmanagers: []\n",
        [(2, "holidays[1]", "'2026-13-01' is not a date (YYYY-MM-DD)")],
        id="impossible-holiday-date",
    ),
    pytest.param(
        HEAD.replace("    reps:", "    pause: {from: 2027-01-04, until: 2026-12-21}\n    reps:")
        + SAM,
        [(6, "managers[0].pause.until", "the pause ends before it starts")],
        id="pause-ending-before-it-starts",
    ),
    pytest.param(
        "timezone: America/Chicago\nmetrics_port: 70000\nmanagers: []\n",
        [(2, "metrics_port", "the number 70000 is too large (at most 65535)")],
        id="port-out-of-range",
    ),
    pytest.param(
        "timezone: America/Chicago\nemail: {smtp: {host: mail, ssl: true, starttls: true}}\n"
        "managers: []\n",
        [(2, "email.smtp.starttls", "ssl and starttls cannot both be true")],
        id="ssl-and-starttls",
    ),
    pytest.param(
        "managers: []\n",
        [(1, "timezone", "missing (required)")],
        id="missing-top-level-timezone",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  rebook: {step: 0m}\n"
        + HEAD.split("\n", 1)[1]
        + SAM,
        [(3, "defaults.rebook.step", STEP_MESSAGE.format("0m"))],
        id="rebook-step-zero",
    ),
    pytest.param(
        "timezone: America/Chicago\ndefaults:\n  rebook: {step: 7m}\n"
        + HEAD.split("\n", 1)[1]
        + SAM,
        [(3, "defaults.rebook.step", STEP_MESSAGE.format("7m"))],
        id="rebook-step-that-does-not-divide-an-hour",
    ),
    pytest.param(
        HEAD + '      - {name: Sam, email: sam@example.com, day: tue, time: "10:00", '
        "rebook: {step: 2h}}\n",
        [(7, "managers[0].reps[0].rebook.step", STEP_MESSAGE.format("2h"))],
        id="rebook-step-longer-than-an-hour",
    ),
    pytest.param(
        # several problems at once, reported together in line order
        "timezone: Mars/Olympus\n"
        "defaults:\n"
        "  duraton: 45m\n"
        "  cadence: every 13 weeks\n"
        + HEAD.split("\n", 1)[1]
        + "      - {name: Sam Ortiz, email: sam@example.com, day: tusday, time: 10:00}\n"
        + "      - {name: Sam Twice, email: SAM@example.com, day: mon, time: '09:00'}\n",
        [
            (1, "timezone", "'Mars/Olympus' is not an IANA time zone, e.g. America/Chicago"),
            (3, "defaults.duraton", "unknown key (did you mean 'duration'?)"),
            (4, "defaults.cadence", "every 13 weeks: N must be 1..12"),
            (10, "managers[0].reps[0].day", "'tusday' is not a weekday (monday..sunday)"),
            (10, "managers[0].reps[0].time", 'write the time in quotes, e.g. "10:00"'),
            (
                11,
                "managers[0].reps[1].email",
                "sam@example.com is listed twice under this manager (line 10)",
            ),
        ],
        id="several-problems-at-once-in-line-order",
    ),
]


def check(tmp_path: Path, data: str | bytes) -> tuple[int, str]:
    """``oneonone check -c team.yaml`` in the file's own folder: exit code and what it printed."""
    (tmp_path / "team.yaml").write_bytes(data.encode() if isinstance(data, str) else data)
    err = io.StringIO()
    with (
        contextlib.chdir(tmp_path),
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        code = main(["check", "-c", "team.yaml"])
    return code, err.getvalue()


def report(problems: list[tuple[int, str, str]]) -> str:
    n = len(problems)
    lines = [f"oneonone: team.yaml has {n} problem{'s' if n != 1 else ''}:"]
    lines += [f"  {Problem('team.yaml', line, path, message)}" for line, path, message in problems]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("data", "expected"), CASES + MORE_CASES)
def test_check_answers_a_broken_config_with_exit_78_and_each_exact_problem(
    tmp_path: Path, data: str | bytes, expected: list[tuple[int, str, str]]
) -> None:
    code, err = check(tmp_path, data)
    folder = str(tmp_path)
    wanted = [(line, path, text.replace("{dir}", folder)) for line, path, text in expected]
    assert (code, err) == (78, report(wanted))


def test_the_corpus_holds_at_least_a_hundred_broken_configs() -> None:
    assert len(CASES) + len(MORE_CASES) >= 100


def test_no_message_mentions_pydantic_or_a_url() -> None:
    text = (
        "timezone: 5\nstate: [a]\ncalendar: {adopt_existing: maybe}\nmetrics_port: x\n"
        "defaults: {agenda: {rotation: []}}\nmanagers: [{name: '', email: a@b.co}]\n"
    )
    problems = problems_of(text)
    assert len(problems) == 6
    for _, _, message in problems:
        assert "pydantic" not in message.lower()
        assert "http" not in message
        assert "Value error" not in message
        assert "Input should" not in message


def test_python_tag_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"timezone: UTC\nstate: !!python/object/apply:os.system ['touch {marker}']\n"
    problems_of(text + "managers: []\n")
    assert not marker.exists()


def test_config_error_text_lists_each_problem_with_file_and_line() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(
            "timezone: America/Chicago\ndefaults:\n  duraton: 45m\n  cadence: daily\n"
            "managers: []\n",
            filename="team.yaml",
            base_dir=Path("/srv"),
        )
    assert str(caught.value) == (
        "team.yaml has 2 problems:\n"
        "  team.yaml:3: defaults.duraton: unknown key (did you mean 'duration'?)\n"
        "  team.yaml:4: defaults.cadence: 'daily' is not one of weekly, biweekly, monthly, "
        "every N weeks (N 1..12)"
    )
    assert caught.value.exit_code == 78


def test_problems_in_one_entry_do_not_hide_resolved_problems_elsewhere() -> None:
    text = (
        HEAD.replace("America/New_York", "America/New_Yrok")
        + SAM
        + "      - {name: Broken, email: b@example.com, day: someday, time: '10:00',"
        " duration: 1h, rebook: {allow_shorter: 2h}}\n"
        + "  - name: Luis Ortega\n    email: luis@example.com\n    reps:\n"
        + "      - {name: Ava, email: ava@example.com, day: mon, time: '10:00', duration: 1h,"
        " rebook: {allow_shorter: 2h}}\n"
        + "      - {name: Bad, email: bad, day: mon, time: '10:00'}\n"
    )
    assert problems_of(text) == [
        (
            5,
            "managers[0].timezone",
            "'America/New_Yrok' is not an IANA time zone, e.g. America/Chicago "
            "(did you mean 'America/New_York'?)",
        ),
        (8, "managers[0].reps[1].day", "'someday' is not a weekday (monday..sunday)"),
        (
            12,
            "managers[1].reps[0].rebook.allow_shorter",
            "2h is longer than the 1:1 itself (1h); use at most that, or null for never shorter",
        ),
        (13, "managers[1].reps[1].email", "'bad' is not an e-mail address (name@example.com)"),
    ]


FUZZ_PIECES = [
    *"ab:- \n\t{}[],'\"!&*#%@|>?~é",
    *("timezone", "managers", "reps", ": ", "\n  - ", "<<", "2026-01-01", "10:00"),
    *("!!binary", "!!set", "!!omap", "!!int", "!!timestamp", "!!python/name:os.system"),
    *("&a ", "*a", "<<: *a", "[" * 60, "1h70m", "99999999999999999999d", "\x00", "\ufeff"),
]
YAMLISH = st.lists(st.sampled_from(FUZZ_PIECES), max_size=40).map("".join)
ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "utf-16", "utf-16-le", "utf-32", "cp1252")
BYTES = st.one_of(
    st.binary(max_size=300),
    st.tuples(YAMLISH, st.sampled_from(ENCODINGS)).map(
        lambda t: t[0].encode(t[1], errors="replace")
    ),
    st.tuples(YAMLISH, st.binary(max_size=8), st.integers(0, 400)).map(
        lambda t: t[0].encode()[: t[2]] + t[1] + t[0].encode()[t[2] :]
    ),
)


def outcome_of(data: str | bytes) -> Config | ConfigError:
    try:
        if isinstance(data, bytes):
            return parse_config_bytes(data, filename="fuzz.yaml", base_dir=Path("/srv"))
        return parse_config(data, filename="fuzz.yaml", base_dir=Path("/srv"))
    except ConfigError as exc:
        return exc


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_any_text_gives_a_config_or_a_config_error_never_a_crash(text: str) -> None:
    outcome = outcome_of(text)
    if isinstance(outcome, ConfigError):
        assert outcome.problems
        assert all(p.file == "fuzz.yaml" for p in outcome.problems)


@settings(max_examples=400, deadline=None)
@given(BYTES)
def test_any_bytes_give_a_config_or_a_config_error_that_names_a_line(data: bytes) -> None:
    outcome = outcome_of(data)
    if isinstance(outcome, ConfigError):
        assert outcome.problems
        assert outcome.exit_code == 78
        try:  # YAML breaks lines at \r too, and at U+0085, U+2028 and U+2029 in text
            lines = len(data.decode("utf-8-sig").splitlines())
        except UnicodeDecodeError:
            lines = len(data.splitlines())
        for problem in outcome.problems:
            assert problem.file == "fuzz.yaml"
            assert 0 <= problem.line <= max(lines, len(data.splitlines())) + 1


def test_explicit_tag_that_cannot_convert_is_judged_as_text() -> None:
    text = "timezone: America/Chicago\nholidays: [!!timestamp soon]\nmanagers: []\n"
    assert problems_of(text) == [(2, "holidays[0]", "'soon' is not a date (YYYY-MM-DD)")]


def test_a_utf8_file_with_a_byte_order_mark_is_read_as_if_it_had_none(tmp_path: Path) -> None:
    text = "timezone: America/Chicago\nmanagers: []\n"
    config = parse_config_bytes(
        b"\xef\xbb\xbf" + text.encode(), filename="t.yaml", base_dir=tmp_path
    )
    assert config.timezone == "America/Chicago"


def test_the_path_checks_accept_what_the_service_can_use(tmp_path: Path) -> None:
    (tmp_path / "kpis").mkdir()
    (tmp_path / "kpis" / "dana.csv").write_text("kpi,goal\n")
    (tmp_path / "templates").mkdir()
    text = (
        HEAD.replace("    reps:", "    kpis: ./kpis/dana.csv\n    reps:")
        + SAM
        + "state: ./not/yet/made/state.db\ntemplates_dir: ./templates\n"
    )
    code, err = check(tmp_path, text)
    assert (code, err) == (0, "")
