"""``check`` tells a manager what matters: 1:1s outside her own hours or on her weekend, the
dates the next run really creates, warnings that cite the next 1:1 affected, and a KPI sheet
that is missing or malformed."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import daemon
from integrations.sandbox import SandboxAdmin
from integrations.state.status_read import upcoming_meetings
from integrations.state.store import Store
from integrations.views.check_view import calendar_starts, print_check
from scheduler.config import parse_config
from scheduler.series import series_id
from tests.e2e.conftest import env  # noqa: F401  (fixture)

NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)  # Friday 08:00 in New York
NY = ZoneInfo("America/New_York")


def load(text: str, tmp_path: Path | None = None, now: dt.datetime | None = NOW):
    base = tmp_path or Path("/nonexistent")
    return parse_config(textwrap.dedent(text), filename="team.yaml", base_dir=base, now=now)


def team(time: str, day: str = "tuesday", hours: str = "mon-fri 09:00-17:30") -> str:
    return f"""\
        timezone: America/New_York
        managers:
          - name: Dana Whitfield
            email: dana@example.com
            working_hours: "{hours}"
            reps:
              - {{name: Sam Ortiz, email: sam@example.com, day: {day}, time: "{time}",
                 working_hours: "mon-sun 00:00-24:00"}}
        """


@pytest.mark.parametrize(
    ("time", "day", "expected"),
    [
        pytest.param(
            "19:00",
            "tuesday",
            "tuesday 19:00-19:45 in America/New_York (next on Tue 01 Dec 2026) is outside "
            "Dana Whitfield's own working hours (mon-fri 09:00-17:30)",
            id="evening",
        ),
        pytest.param(
            "07:00",
            "wednesday",
            "wednesday 07:00-07:45 in America/New_York (next on Wed 02 Dec 2026) is outside "
            "Dana Whitfield's own working hours (mon-fri 09:00-17:30)",
            id="early-morning",
        ),
        pytest.param(
            "10:00",
            "saturday",
            "saturday 10:00-10:45 in America/New_York (next on Sat 28 Nov 2026) is on "
            "Dana Whitfield's day off (mon-fri 09:00-17:30)",
            id="her-weekend",
        ),
    ],
)
def test_a_1_1_outside_the_managers_own_hours_or_on_her_weekend_warns(
    time: str, day: str, expected: str
) -> None:
    config = load(team(time, day))
    assert config.warnings == (f"team.yaml:7: managers[0].reps[0].time: {expected}",)


def test_inside_the_managers_hours_nothing_is_said() -> None:
    assert load(team("10:00")).warnings == ()


def test_a_warning_cites_the_next_1_1_affected_not_a_past_sample() -> None:
    # 16:45 in New York is 21:45-22:30 in London, past Priya's 22:00, except between the two
    # springs (New York on 8 March, London on 29 March), when it is 20:45-21:30.
    text = """\
        timezone: America/New_York
        managers:
          - name: Dana Whitfield
            email: dana@example.com
            reps:
              - {name: Priya Raman, email: priya@example.com, day: monday, time: "16:45",
                 timezone: Europe/London, working_hours: "mon-fri 09:00-22:00"}
        """
    config = load(text)
    [warning] = config.warnings
    assert "(next on Mon 30 Nov 2026)" in warning
    between = load(text, now=dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC))
    assert "(next on Mon 30 Mar 2026)" in between.warnings[0]  # not the 16th or the 23rd
    assert "(on 2026-01-05)" in load(text, now=None).warnings[0]  # no clock: a sample date


def test_the_next_dates_are_those_the_run_creates_with_its_12_hour_notice(env) -> None:  # noqa: F811
    # Friday 08:00 in New York; a Friday 14:00 1:1 is six hours away: the series starts a week on.
    config = env.config(
        '      - {name: Sam Ortiz, email: sam@example.com, day: friday, time: "14:00"}'
    )
    lines: list[str] = []
    print_check(config, now=NOW, out=lines.append)
    dates = [line.split("next: ")[1] for line in lines if "next: " in line]
    assert dates == [
        "Fri 04 Dec 2026 14:00 EST",
        "Fri 11 Dec 2026 14:00 EST",
        "Fri 18 Dec 2026 14:00 EST",
    ]
    assert "    not in the calendar yet; the next run creates it with these dates:" in lines
    env.run(config, NOW)
    admin = SandboxAdmin(env.url)
    sid = series_id("dana@example.com", "sam@example.com", 0)
    created = admin.instances(
        "dana@example.com", sid, "2026-11-27T00:00:00Z", "2026-12-19T00:00:00Z"
    )
    assert [i["start"]["dateTime"][:16] for i in created] == [
        "2026-12-04T14:00",
        "2026-12-11T14:00",
        "2026-12-18T14:00",
    ]
    after: list[str] = []
    print_check(config, now=NOW, out=after.append)
    assert [line.split("next: ")[1] for line in after if "next: " in line] == dates
    assert not any("not in the calendar yet" in line for line in after)


KPI_TEAM = """\
timezone: America/New_York
managers:
  - name: Dana Whitfield
    email: dana@example.com
    kpis: ./kpis/dana.csv
    reps:
      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "10:00"}
"""


def check(tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "config.yaml"
    path.write_text(KPI_TEAM)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = daemon.main(["check", "-c", str(path)])
    return code, out.getvalue()


def test_check_refuses_a_missing_kpi_sheet_with_its_line(tmp_path: Path, capsys) -> None:
    """A named file that is not there is a config problem (exit 78), like any path the config
    names that cannot work: the manager learns it before the service starts."""
    code, _ = check(tmp_path)
    assert code == 78
    err = capsys.readouterr().err
    assert (
        f"{tmp_path}/config.yaml:5: managers[0].kpis: {tmp_path}/kpis/dana.csv does not exist"
    ) in err


def test_check_flags_malformed_rows_and_a_rep_it_does_not_know(tmp_path: Path) -> None:
    (tmp_path / "kpis").mkdir()
    (tmp_path / "kpis" / "dana.csv").write_text(
        "rep,kpi,kind,actual,goal,period\n"
        "sam@example.com,Revenue,output,$12500,$15000,Nov\n"
        "sam@example.com,Calls,input,n/a,100,Nov\n"
        "Sam Ortz,New accounts,output,2,3,Nov\n"
    )
    _, out = check(tmp_path)
    sheet = f"{tmp_path}/kpis/dana.csv"
    assert f"warning: {sheet}:row 3: actual 'n/a' is not a number; row skipped" in out
    assert (
        f"warning: {sheet}: rep 'Sam Ortz' is none of Dana Whitfield's reps "
        "(write a rep's email or name as in the config)"
    ) in out


def test_check_flags_a_sheet_without_the_expected_columns(tmp_path: Path) -> None:
    (tmp_path / "kpis").mkdir()
    (tmp_path / "kpis" / "dana.csv").write_text("name,value\nsam,3\n")
    _, out = check(tmp_path)
    assert (
        f"warning: {tmp_path}/kpis/dana.csv:row 1: missing columns rep, kpi, kind, actual, goal, "
        "period; expected rep,kpi,kind,actual,goal,period"
    ) in out


def test_the_readmes_kpi_example_reads_without_a_warning() -> None:
    from scheduler.kpis import parse_kpis

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = readme.split("```\nrep,kpi,kind,actual,goal,period\n", 1)[1].split("```", 1)[0]
    table = parse_kpis("rep,kpi,kind,actual,goal,period\n" + block, source="README")
    assert table.warnings == ()
    assert [(k.name, k.actual, k.goal, k.unit) for k in table.kpis] == [
        ("Revenue", 44000.0, 50000.0, "$"),
        ("Revenue", 41500.0, 50000.0, "$"),
        ("Calls", 84.0, 100.0, ""),
    ]


def test_the_calendar_dates_follow_an_occurrence_a_person_moved_and_ignore_other_events(
    env,  # noqa: F811
) -> None:
    """Only the service's own series are read back for the dates, over the few weeks three of
    them span: an occurrence a person moved from seven weeks ahead to next week counts where it
    is now, and the manager's other events (a series of her own with a moved instance among
    them) change nothing: the dates are those the whole calendar gives."""
    config = env.config(
        '      - {name: Sam Ortiz, email: sam@example.com, day: friday, time: "14:00"}'
    )
    env.run(config, NOW)
    admin = SandboxAdmin(env.url)
    sid = series_id("dana@example.com", "sam@example.com", 0)
    [jan15] = admin.instances(
        "dana@example.com", sid, "2027-01-15T00:00:00Z", "2027-01-16T00:00:00Z"
    )
    admin.patch_event(
        "dana@example.com",
        jan15["id"],
        {"start": {"dateTime": _ny(3, "09:00")}, "end": {"dateTime": _ny(3, "09:45")}},
    )
    team_sync = admin.insert_event(
        "dana@example.com",
        {
            "summary": "Team sync",
            "start": {"dateTime": _ny(1, "08:00"), "timeZone": "America/New_York"},
            "end": {"dateTime": _ny(1, "08:30"), "timeZone": "America/New_York"},
            "recurrence": ["RRULE:FREQ=WEEKLY"],
        },
    )
    [dec8] = admin.instances(
        "dana@example.com", team_sync["id"], "2026-12-08T00:00:00Z", "2026-12-09T00:00:00Z"
    )
    admin.patch_event(
        "dana@example.com",
        dec8["id"],
        {"start": {"dateTime": _ny(2, "07:00")}, "end": {"dateTime": _ny(2, "07:30")}},
    )
    admin.insert_event(
        "dana@example.com",
        {
            "summary": "Customer call",
            "start": {"dateTime": _ny(2, "12:00")},
            "end": {"dateTime": _ny(2, "13:00")},
        },
    )
    env.run(config, NOW + dt.timedelta(minutes=1))
    lines: list[str] = []
    print_check(config, now=NOW, out=lines.append)
    assert [line.split("next: ")[1] for line in lines if "next: " in line] == [
        "Thu 03 Dec 2026 09:00 EST",
        "Fri 04 Dec 2026 14:00 EST",
        "Fri 11 Dec 2026 14:00 EST",
    ]
    store = Store(env.tmp / "state.db")
    try:
        whole = store.calendars.events("dana@example.com")
        assert len(whole) > len(store.calendars.series_events()["dana@example.com"])
        [pair] = config.pairs
        upcoming = upcoming_meetings(pair, whole, now=NOW)
    finally:
        store.close()
    assert calendar_starts(config, now=NOW)[pair.key][:3] == [u.start for u in upcoming][:3]


def _ny(december: int, hhmm: str) -> str:
    hh, mm = map(int, hhmm.split(":"))
    return dt.datetime(2026, 12, december, hh, mm, tzinfo=NY).isoformat()


def test_a_broken_template_in_the_configs_folder_is_named_and_the_built_in_ones_pass(
    tmp_path: Path,
) -> None:
    """The built-in templates are checked while the config is parsed; a config that names a
    ``templates_dir`` has its own files checked after it, and a broken one is refused."""
    (tmp_path / "kpis").mkdir()
    (tmp_path / "kpis" / "dana.csv").write_text("rep,kpi,kind,actual,goal,period\n")
    code, out = check(tmp_path)
    assert (code, out.splitlines()[-1]) == (0, "templates: every email renders")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "prep_rep.subject.j2").write_text("Prep for {{ rep.nickname }}\n")
    path = tmp_path / "config.yaml"
    path.write_text(KPI_TEAM + "templates_dir: ./mine\n")
    out_buffer = io.StringIO()
    with contextlib.redirect_stdout(out_buffer):
        code = daemon.main(["check", "-c", str(path)])
    assert code == 78
    [problem] = [line for line in out_buffer.getvalue().splitlines() if line.startswith("template")]
    assert problem.startswith("template: prep_rep.subject.j2:1: ")
    assert "nickname" in problem
