"""What the command line prints reads as a manager speaks: her zone named, names not keys, no
internal values; the flags behave alike across commands; a pipe closed early ends quietly."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import daemon
from scheduler.actions import CreateSeries, MoveOccurrence, SendPauseNote
from scheduler.ports import SeriesSpec
from scheduler.words import both, plural, when
from tests.e2e.conftest import SAM, env  # noqa: F401  (fixture)

NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 in New York
ROOT = Path(__file__).resolve().parents[2]


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = daemon.main(list(argv))
    return code, out.getvalue(), err.getvalue()


# -- times ----------------------------------------------------------------------------------
def test_a_time_is_shown_in_the_persons_zone_with_the_zone_named_across_dst() -> None:
    before, after = (
        dt.datetime(2026, 3, 8, 6, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC),
    )
    assert when(before, "America/New_York") == "Sun 08 Mar 2026 01:30 EST"
    assert when(after, "America/New_York") == "Sun 08 Mar 2026 03:30 EDT"
    assert when(after, "Pacific/Fiji", year=False) == "Sun 08 Mar 19:30 UTC+12"


def test_the_reps_clock_is_shown_beside_only_when_it_reads_differently() -> None:
    moment = dt.datetime(2026, 12, 1, 18, 0, tzinfo=dt.UTC)
    assert both(moment, "America/New_York", "America/Los_Angeles") == (
        "Tue 01 Dec 2026 13:00 EST (10:00 PST for the rep)"
    )
    assert both(moment, "America/New_York", "America/Detroit") == "Tue 01 Dec 2026 13:00 EST"
    assert both(moment, "America/New_York", "Pacific/Fiji").endswith(
        "(Wed 06:00 UTC+12 for the rep)"
    )


def test_counts_are_singular_or_plural() -> None:
    assert [plural(1, "manager"), plural(2, "manager"), plural(0, "pair")] == [
        "1 manager",
        "2 managers",
        "0 pairs",
    ]


def test_a_move_is_described_in_the_managers_zone_without_any_id() -> None:
    start = dt.datetime(2026, 12, 2, 23, 0, tzinfo=dt.UTC)
    move = MoveOccurrence(
        "dana@example.com/sam@example.com",
        "dana@example.com",
        "",
        "oo123",
        start,
        start + dt.timedelta(hours=1),
        start + dt.timedelta(hours=1, minutes=45),
        "America/New_York",
        "a conflict",
    )
    text = daemon_describe(move)
    assert text == (
        "move the Wed 02 Dec 2026 18:00 EST 1:1 to Wed 02 Dec 2026 19:00-19:45 EST "
        "(16:00 PST for the rep)"
    )


def test_a_new_series_is_described_by_cadence_and_first_date_not_by_its_rule_or_id() -> None:
    spec = SeriesSpec(
        "oo22ilt0gsc8l55akggqpd2kir062sbr",
        "1:1",
        "",
        dt.datetime(2026, 12, 10, 15, 0),
        dt.timedelta(minutes=45),
        "America/New_York",
        ("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",),
        (),
        {},
    )
    action = CreateSeries("dana@example.com/sam@example.com", "dana@example.com", spec, 0, "new")
    text = daemon_describe(action)
    assert text == (
        "create the biweekly series, first 1:1 Thu 10 Dec 2026 15:00 EST (12:00 PST for the rep)"
    )


def test_a_skip_is_described_as_one_day_and_a_pause_as_its_span() -> None:
    def note(start: dt.date, until: dt.date) -> SendPauseNote:
        return SendPauseNote("p", "dana@example.com", "k", start, until, None, "customer visit")

    one_day = dt.date(2026, 12, 9)
    assert daemon_describe(note(one_day, one_day)) == "note to the rep: no 1:1 on Wed 09 Dec 2026"
    assert daemon_describe(note(one_day, dt.date(2026, 12, 23))) == (
        "pause note to the rep: no 1:1s from Wed 09 Dec to Wed 23 Dec 2026"
    )


def daemon_describe(action: CreateSeries | MoveOccurrence | SendPauseNote) -> str:
    from scheduler.actions import describe

    return describe(action, "America/New_York", "America/Los_Angeles")


# -- log, plan and run on the sandbox ---------------------------------------------------------
def test_log_shows_each_row_in_the_managers_zone_by_name_and_utc_on_request(env) -> None:  # noqa: F811
    config = env.config(SAM)
    env.run(config, NOW)
    code, out, _ = cli("log", "-c", str(config.source))
    assert code == 0
    first = out.splitlines()[0]
    assert first == "Mon 23 Nov 2026 10:00 EST  Dana Whitfield → Sam Ortiz  create-series  done"
    code, out, _ = cli("log", "-c", str(config.source), "--utc", "--explain")
    assert out.splitlines()[0].startswith("Mon 23 Nov 2026 15:00 UTC  Dana Whitfield → Sam Ortiz")
    assert "what: create the weekly series, first 1:1 Tue 24 Nov 2026 15:00 UTC" in out
    for internal in ("detail:", "{'", "RRULE", "|", "Z  ", "oo"):
        assert internal not in out, internal


def test_log_json_keeps_every_field_for_machines(env) -> None:  # noqa: F811
    config = env.config(SAM)
    env.run(config, NOW)
    _code, out, _ = cli("log", "-c", str(config.source), "--json")
    row = json.loads(out.splitlines()[0])
    assert row["at"] == "2026-11-23T15:00:00+00:00"
    assert row["pair"] == "dana@example.com/sam@example.com"
    assert row["details"]["detail"].startswith("oo")  # the event id, for whoever needs it


def test_log_says_so_when_nothing_was_logged_yet(env) -> None:  # noqa: F811
    config = env.config(SAM)
    with env.wired(config):
        pass  # the state database exists, with no row
    assert cli("log", "-c", str(config.source))[1] == (
        "nothing logged yet: the audit trail fills as passes act\n"
    )


ONE_MANAGER = """\
timezone: America/New_York
calendar: {provider: sandbox}
email: {provider: outbox, outbox_dir: ./var/outbox}
state: ./var/state.db
managers:
  - name: Dana Whitfield
    email: dana@example.com
    reps:
      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00",
         timezone: America/Los_Angeles}
  - name: Luis Ortega
    email: luis@example.org
    timezone: America/Chicago
    reps:
      - {name: Ava Chen, email: ava@example.org, day: monday, time: "10:00",
         timezone: America/Chicago}
"""


@pytest.fixture
def two_managers(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(ONE_MANAGER)
    return path


def test_plan_and_run_name_people_and_zones_and_no_internal_value(two_managers: Path) -> None:
    code, plan, _ = cli("plan", "-c", str(two_managers))
    assert code == 0
    assert "create-series    Dana Whitfield → Sam Ortiz\n" in plan
    assert re.search(r"first 1:1 Tue \d\d \w{3} 20\d\d 13:00 ES?T \(10:00 PS?T for the rep\)", plan)
    code, run, _ = cli("run", "--once", "-c", str(two_managers))
    assert code == 0
    assert "done     create-series    Luis Ortega → Ava Chen: create the weekly series" in run
    assert re.search(r"Mon \d\d \w{3} 20\d\d 10:00 CS?T\n", run)
    for internal in ("RRULE", "oo", "  to", "UTC"):
        assert internal not in plan + run.replace("sandbox requests", ""), internal
    assert run.splitlines()[-2:] == [
        run.splitlines()[-2],
        "  done     create-series 2",
    ]
    assert re.fullmatch(r"summary: 2 done; 0 managers with errors; \d+\.\d s", run.splitlines()[-2])


def test_check_counts_in_the_singular_for_one(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(ONE_MANAGER.split("  - name: Luis")[0])
    assert cli("check", "-c", str(path))[1].splitlines()[0].endswith("valid — 1 manager, 1 pair")


# -- flags ----------------------------------------------------------------------------------
def test_verbose_is_accepted_after_the_command_as_before_it(two_managers: Path) -> None:
    assert cli("check", "-c", str(two_managers), "-v")[0] == 0
    assert cli("-v", "check", "-c", str(two_managers))[0] == 0
    assert daemon.build_parser().parse_args(["-v", "check"]).verbose is True
    assert daemon.build_parser().parse_args(["check", "-v"]).verbose is True
    assert daemon.build_parser().parse_args(["check"]).verbose is False


def test_status_manager_matches_part_of_a_name_or_an_address(two_managers: Path) -> None:
    cli("run", "--once", "-c", str(two_managers))
    _, luis, _ = cli("status", "-c", str(two_managers), "--manager", "ORTEGA")
    assert "Ava Chen" in luis
    assert "Sam Ortiz" not in luis
    _, dana, _ = cli("status", "-c", str(two_managers), "--manager", "dana@")
    assert "Sam Ortiz" in dana
    assert "Ava Chen" not in dana
    _, everyone, _ = cli("status", "-c", str(two_managers), "--manager", "example")
    assert "Sam Ortiz" in everyone
    assert "Ava Chen" in everyone


def test_every_option_of_every_command_has_help_text() -> None:
    parser = daemon.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [
        f"{name} {action.dest}"
        for name, command in sub.choices.items()
        for action in command._actions
        if not action.help
    ] + [f"top {a.dest}" for a in parser._actions if not a.help]
    assert missing == []
    assert {a.dest for a in sub._choices_actions} == set(sub.choices)  # each command has help
    assert all(a.help for a in sub._choices_actions)


def test_version_prints_the_installed_version(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        daemon.main(["--version"])
    assert info.value.code == 0
    assert re.fullmatch(r"oneonone \d+\.\d+\.\d+\n", capsys.readouterr().out)


def test_check_into_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    reps = "\n".join(
        f'      - {{name: Rep {i}, email: rep{i}@example.com, day: tuesday, time: "13:00"}}'
        for i in range(400)
    )
    path = tmp_path / "config.yaml"
    path.write_text(ONE_MANAGER.split("    reps:")[0] + "    reps:\n" + reps + "\n")
    check = subprocess.Popen(
        [sys.executable, str(ROOT / "daemon.py"), "check", "-c", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert check.stdout is not None
    assert check.stderr is not None
    first = check.stdout.readline()  # what `head -1` reads, then it goes away
    check.stdout.close()
    code = check.wait(timeout=60)
    err = check.stderr.read().decode()
    check.stderr.close()
    assert b"config.yaml: valid" in first
    assert err == ""
    assert code == 141


def test_outbox_shows_each_email_at_the_recipients_own_time(env) -> None:  # noqa: F811
    config = env.config(SAM)  # Sam in Los Angeles, Dana in New York
    env.run(config, NOW)
    env.run(config, dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC))  # the preps are due
    _, out, _ = cli("outbox", "--all", "-c", str(config.source))
    lines = out.splitlines()
    sam = next(line for line in lines if "prep     to sam@example.com" in line)
    dana = next(line for line in lines if "prep     to dana@example.com" in line)
    # both queued by the pass at NOW (15:00 UTC), each shown on the reader's clock
    assert sam.endswith("(tries: 1, created Mon 23 Nov 2026 07:00 PST)")
    assert dana.endswith("(tries: 1, created Mon 23 Nov 2026 10:00 EST)")
    _, utc, _ = cli("outbox", "--all", "--utc", "-c", str(config.source))
    assert "created Mon 23 Nov 2026 15:00 UTC" in utc
    assert "Z)" not in out + utc
