"""Valid configs: what each pair ends up with after defaults → manager → rep inheritance."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from scheduler.config import parse_config
from scheduler.model import Config, Pair

BASE = Path("/srv/oneonone")


def load(text: str, base_dir: Path = BASE) -> Config:
    return parse_config(textwrap.dedent(text), filename="team.yaml", base_dir=base_dir)


def pair_of(config: Config, rep_email: str) -> Pair:
    (pair,) = [p for p in config.pairs if p.rep.email == rep_email]
    return pair


INHERITING = """\
timezone: America/Chicago
defaults:
  duration: 45m
  working_hours: "mon-fri 08:00-16:00"
  rebook: {min_notice: 30m, allow_shorter: 20m, buffer: 5m}
  agenda: {send_before: 24h, performance_every: 6}
  recap: {deadline: 48h}
managers:
  - name: Dana Whitfield
    email: Dana@Example.com
    timezone: America/New_York
    working_hours: "mon-thu 07:00-15:00"
    day: wednesday
    time: "11:00"
    cadence: biweekly
    rebook: {min_notice: 1h, if_no_slot: notify_only}
    agenda: {rotation: [pipeline, coaching]}
    reps:
      - name: Sam Ortiz
        email: Sam@Example.com
        rebook: {allow_shorter: null, look_ahead: 7d}
        recap: {settle: 10m}
      - name: Priya Raman
        email: priya@example.com
        timezone: Europe/London
        working_hours: "mon-fri 08:00-16:30"
        day: fri
        time: "09:30"
        duration: 1h
        cadence: every 3 weeks
        start: 2026-01-09
        title: Priya and Dana
"""


def test_rep_inherits_scalars_from_manager_and_defaults() -> None:
    sam = pair_of(load(INHERITING), "sam@example.com")
    assert (sam.day, sam.time, sam.duration) == (2, dt.time(11, 0), dt.timedelta(minutes=45))
    assert (sam.cadence.kind, sam.cadence.weeks, sam.cadence.text) == ("weekly", 2, "biweekly")


def test_nested_policies_merge_key_by_key_across_three_levels() -> None:
    sam = pair_of(load(INHERITING), "sam@example.com")
    assert sam.rebook.min_notice == dt.timedelta(hours=1)  # manager over defaults
    assert sam.rebook.if_no_slot == "notify_only"  # manager only
    assert sam.rebook.allow_shorter is None  # rep's explicit null: never shorter
    assert sam.rebook.look_ahead == dt.timedelta(days=7)  # rep only
    assert sam.rebook.buffer == dt.timedelta(minutes=5)  # defaults only
    assert sam.rebook.on_out_of_office == "next_business_day"  # built in
    assert sam.agenda.rotation == ("pipeline", "coaching")
    assert sam.agenda.performance_every == 6
    assert sam.agenda.better_manager_every == 2
    assert sam.recap.settle == dt.timedelta(minutes=10)
    assert sam.recap.remind_manager_after == dt.timedelta(hours=4)


def test_rep_settings_override_manager_settings() -> None:
    priya = pair_of(load(INHERITING), "priya@example.com")
    assert (priya.day, priya.time, priya.duration) == (4, dt.time(9, 30), dt.timedelta(hours=1))
    assert (priya.cadence.weeks, priya.cadence.text) == (3, "every 3 weeks")
    assert priya.start == dt.date(2026, 1, 9)
    assert priya.summary == "Priya and Dana"
    assert priya.rebook.allow_shorter == dt.timedelta(minutes=20)  # from defaults


def test_rep_zone_defaults_to_top_level_zone_not_the_managers() -> None:
    config = load(INHERITING)
    assert pair_of(config, "sam@example.com").rep.timezone == "America/Chicago"
    assert pair_of(config, "priya@example.com").rep.timezone == "Europe/London"
    assert pair_of(config, "sam@example.com").manager.timezone == "America/New_York"


def test_rep_hours_default_to_defaults_hours_not_the_managers() -> None:
    config = load(INHERITING)
    sam = pair_of(config, "sam@example.com")
    assert sam.rep.working_hours.text == "mon-fri 08:00-16:00"
    assert sam.manager.working_hours.text == "mon-thu 07:00-15:00"
    assert sam.manager.working_hours.ranges_on(4) == ()
    assert pair_of(config, "priya@example.com").rep.working_hours.ranges_on(0) == ((480, 990),)


def test_emails_are_lower_cased_and_lines_point_at_entries() -> None:
    config = load(INHERITING)
    assert [m.person.email for m in config.managers] == ["dana@example.com"]
    assert config.managers[0].line == 9
    assert [(p.key, p.line) for p in config.pairs] == [
        ("dana@example.com/sam@example.com", 19),
        ("dana@example.com/priya@example.com", 23),
    ]
    assert config.source is None


def test_manager_zone_defaults_to_top_level_zone() -> None:
    config = load("""\
        timezone: Pacific/Fiji
        managers:
          - {name: Luis, email: luis@example.com, reps: []}
        """)
    assert config.managers[0].person.timezone == "Pacific/Fiji"
    assert config.pairs == ()


def test_built_in_defaults_apply_when_nothing_is_set() -> None:
    config = load("""\
        timezone: America/Chicago
        managers:
          - name: Luis
            email: luis@example.com
            reps: [{name: Ava, email: ava@example.com, day: Monday, time: "10:00"}]
        """)
    ava = config.pairs[0]
    assert ava.duration == dt.timedelta(minutes=45)
    assert ava.cadence.text == "weekly"
    assert ava.rep.working_hours.text == "mon-fri 09:00-17:30"
    assert ava.rebook.allow_shorter == dt.timedelta(minutes=30)
    assert config.calendar.provider == "sandbox"
    assert config.calendar.poll_interval == dt.timedelta(seconds=60)
    assert config.email.provider == "outbox"
    assert config.state == BASE / "var/state.db"
    assert config.email.outbox_dir == BASE / "var/outbox"
    assert config.warnings == ()


def test_paths_are_relative_to_base_dir_unless_absolute(tmp_path: Path) -> None:
    config = load(
        """\
        timezone: America/Chicago
        calendar:
          provider: google
          google: {auth: authorized_user_file, authorized_user_file: "./secrets/{email}.json",
                   service_account_file: /etc/oneonone/sa.json}
        email: {outbox_dir: mail/out}
        state: /var/lib/oneonone/state.db
        templates_dir: ./tpl
        notes_dir: notes
        managers:
          - {name: Dana, email: dana@example.com, kpis: ./kpis/dana.csv, reps: []}
        """,
        base_dir=tmp_path,
    )
    assert config.calendar.google.authorized_user_file == str(tmp_path / "secrets/{email}.json")
    assert config.calendar.google.service_account_file == "/etc/oneonone/sa.json"
    assert config.email.outbox_dir == tmp_path / "mail/out"
    assert config.state == Path("/var/lib/oneonone/state.db")
    assert config.templates_dir == tmp_path / "tpl"
    assert config.notes_dir == tmp_path / "notes"
    assert config.managers[0].kpis == tmp_path / "kpis/dana.csv"
    assert list(tmp_path.iterdir()) == []  # parsing is pure: nothing is created


def test_time_outside_reps_hours_is_a_warning_not_an_error() -> None:
    config = load("""\
        timezone: America/Chicago
        managers:
          - name: Dana Whitfield
            email: dana@example.com
            timezone: America/New_York
            reps:
              - name: Sam Ortiz
                email: sam@example.com
                timezone: America/Los_Angeles
                working_hours: "mon-fri 09:00-17:30"
                day: tuesday
                time: "10:00"
        """)
    assert len(config.pairs) == 1
    assert config.warnings == (
        "team.yaml:12: managers[0].reps[0].time: tuesday 10:00 in America/New_York is "
        "tuesday 07:00-07:45 in America/Los_Angeles (on 2026-01-06), outside Sam Ortiz's "
        "working hours (mon-fri 09:00-17:30)",
    )


def test_time_that_crosses_midnight_into_a_day_off_warns() -> None:
    config = load("""\
        timezone: America/Chicago
        managers:
          - name: Dana
            email: dana@example.com
            timezone: Pacific/Fiji
            working_hours: "mon-sun 00:00-24:00"
            reps:
              - {name: Sam, email: sam@example.com, day: monday, time: "09:00",
                 working_hours: "mon-fri 00:00-24:00"}
        """)
    # 09:00 Monday in Fiji is Sunday afternoon in Chicago: Sam's day off.
    assert len(config.warnings) == 1
    assert "is sunday 15:00-15:45 in America/Chicago" in config.warnings[0]


@pytest.mark.parametrize(
    ("rep_time", "warns"),
    [
        pytest.param('"12:00"', False, id="09:00-in-LA-is-inside"),
        pytest.param('"20:00"', True, id="17:00-in-LA-ends-after-17:30"),
        pytest.param('"20:45"', False, id="17:45-fits-when-rep-hours-end-18:30"),
    ],
)
def test_warning_depends_on_the_reps_own_hours(rep_time: str, warns: bool) -> None:
    hours = '"mon-fri 09:00-17:30"' if rep_time != '"20:45"' else '"mon-fri 09:00-18:30"'
    config = load(f"""\
        timezone: America/Chicago
        managers:
          - name: Dana
            email: dana@example.com
            timezone: America/New_York
            working_hours: "mon-fri 06:00-23:00"
            reps:
              - {{name: Sam, email: sam@example.com, timezone: America/Los_Angeles,
                 day: tue, time: {rep_time}, working_hours: {hours}}}
        """)
    assert bool(config.warnings) is warns


def two_reps(second: str, *, now: dt.datetime | None = None, first: str = "") -> Config:
    text = textwrap.dedent(f"""\
        timezone: America/New_York
        managers:
          - name: Dana Whitfield
            email: dana@example.com
            reps:
              - {{name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00"{first}}}
              - {{name: Priya Nair, email: priya@example.com, {second}}}
        """)
    return parse_config(text, filename="team.yaml", base_dir=BASE, now=now)


def test_two_reps_at_the_same_time_warn_once_naming_both_and_the_next_date() -> None:
    now = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # a Monday
    config = two_reps('day: tuesday, time: "13:30"', now=now)
    assert config.warnings == (
        "team.yaml:7: managers[0].reps[1].time: tuesday 13:30-14:15 with Priya Nair overlaps "
        "the 1:1 with Sam Ortiz (tuesday 13:00) on Dana Whitfield's calendar, next on "
        "Tue 24 Nov 2026: the service would move one of them every time; give one of them "
        "another day or time",
    )


@pytest.mark.parametrize(
    ("second", "first", "warns"),
    [
        pytest.param('day: tuesday, time: "13:45"', "", False, id="back-to-back"),
        pytest.param('day: wednesday, time: "13:00"', "", False, id="another-day"),
        pytest.param(
            'day: tuesday, time: "13:00", cadence: every 2 weeks, start: 2026-12-08',
            ", cadence: every 2 weeks, start: 2026-12-01",
            False,
            id="alternate-weeks",
        ),
        pytest.param(
            'day: tuesday, time: "13:00", cadence: every 2 weeks, start: 2026-12-08',
            ", cadence: every 3 weeks, start: 2026-12-01",
            True,
            id="every-2-and-every-3-weeks-meet",
        ),
        pytest.param('day: tuesday, time: "12:30"', "", True, id="overlapping-the-start"),
    ],
)
def test_a_clash_is_found_by_the_dates_run_creates(second: str, first: str, warns: bool) -> None:
    now = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
    config = two_reps(second, now=now, first=first)
    assert any("overlaps the 1:1 with Sam Ortiz" in w for w in config.warnings) is warns


def test_reps_of_two_managers_at_the_same_time_do_not_clash() -> None:
    config = load("""\
        timezone: America/New_York
        managers:
          - name: Dana
            email: dana@example.com
            reps: [{name: Sam, email: sam@example.com, day: tuesday, time: "13:00"}]
          - name: Lee
            email: lee@example.com
            reps: [{name: Priya, email: priya@example.com, day: tuesday, time: "13:00"}]
        """)
    assert config.warnings == ()
