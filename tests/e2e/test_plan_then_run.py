"""``oneonone plan`` shows, before the pass, every action the pass then takes, alerts and
emails included, and writes nothing: not the state file, not the calendar, not the outbox.

Each scenario brings the state and the calendars somewhere, plans on a fixed clock, checks that
nothing changed, then runs the pass on the same clock and compares what it did with the plan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from integrations.clock import FixedClock
from integrations.sandbox.metering import WRITE_METHODS
from integrations.shell.wiring import wire
from integrations.views.plan_view import plan_lines
from scheduler.actions import (
    Action,
    CreateSeries,
    Notice,
    SendDigest,
    SendMoveNotice,
    SendPauseNote,
    SendPrep,
    SendRecap,
    SendReminder,
)
from scheduler.people import People
from tests.e2e.bumped import meeting, ny, rep
from tests.e2e.conftest import SAM as HERS_SAM
from tests.e2e.test_adoption import HERS
from tests.e2e.test_recap import END, write_notes

SAM = rep("Sam Ortiz", "sam@example.com", "tuesday", "13:00", "America/Los_Angeles")
PRIYA = rep("Priya Raman", "priya@example.com", "wednesday", "11:00", "Europe/London")
SAM_PAUSED = SAM[:-1] + ", pause: {from: 2026-12-01, until: 2026-12-07, reason: parental leave}}"
FRIDAY = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)  # the series are made
TUESDAY = dt.date(2026, 11, 24)
EMAILS = (SendPrep, SendRecap, SendReminder, SendPauseNote, SendMoveNotice, SendDigest, Notice)


def files(env) -> dict[str, bytes]:
    """Everything the service keeps on disk: the state file (and its WAL), the outbox."""
    out = {
        p.name: p.read_bytes()
        for p in env.tmp.glob("state.db*")
        # SQLite's shared-memory index is rebuilt by any reader, and a reader of a WAL file
        # may create an empty WAL: neither holds any of the state.
        if not p.name.endswith("-shm") and not (p.name.endswith("-wal") and not p.stat().st_size)
    }
    outbox = env.tmp / "outbox"
    out.update({f"outbox/{p.name}": p.read_bytes() for p in sorted(outbox.glob("*"))})
    return out


def said(actions: list[Action], people: People) -> list[tuple[str, str, str, str]]:
    return [(a.verb, a.pair_key, people.say(a), a.reason) for a in actions]


def emails_of(actions: list[Action]) -> int:
    """How many emails these actions send (an alert is one; so is a series' alert)."""
    return sum(
        isinstance(a, EMAILS) or (isinstance(a, CreateSeries) and a.alert is not None)
        for a in actions
    )


def plan_then_run(env, admin, config, now: dt.datetime) -> list[str]:
    """Plan at ``now`` (asserting it wrote nothing), run at ``now``, and check that the run
    did exactly what the plan said; returns the printed plan."""
    before = files(env)
    admin.reset_counts()
    people = People(config)
    with wire(config, sandbox_url=env.url, clock=FixedClock(now), readonly=True) as wired:
        plan = wired.runner.run_pass(now=now, apply=False)
    counts = admin.counts()
    assert counts["writes"] == 0
    assert not set(counts["by_method"]) & WRITE_METHODS, counts["by_method"]
    assert files(env) == before  # byte for byte: the state file, its WAL, the outbox
    assert not plan.manager_errors
    outbox = set((env.tmp / "outbox").glob("*.eml"))
    ran = env.run(config, now)
    assert not ran.failed
    assert said(ran.planned, people) == said(plan.planned, people)
    sent = set((env.tmp / "outbox").glob("*.eml")) - outbox
    assert len(sent) == emails_of(plan.planned)
    return plan_lines(plan, config, people)


def test_a_quiet_pass_plans_nothing_and_does_nothing(env, admin) -> None:
    config = env.config(SAM)
    env.run(config, FRIDAY)
    lines = plan_then_run(env, admin, config, FRIDAY + dt.timedelta(minutes=5))
    assert lines == ["nothing to do: every pair has its series as configured"]


def test_a_bump_plans_the_move_and_the_reps_notice_before_either_happens(env, admin) -> None:
    config = env.config(SAM)
    env.run(config, FRIDAY)
    meeting(admin, "dana@example.com", "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    lines = plan_then_run(env, admin, config, FRIDAY + dt.timedelta(minutes=5))
    verbs = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert verbs == ["move-occurrence", "send-move-notice"]
    assert (
        "    tell the rep of the move to Tue 24 Nov 2026 12:00-12:45 EST (09:00 PST for the rep) "
        "(one email)"
    ) in lines


def test_a_move_to_another_day_plans_the_managers_alert_in_her_words(env, admin) -> None:
    config = env.config(
        '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
        "timezone: America/New_York, rebook: {allow_shorter: 30m, same_day_only: false}}"
    )
    env.run(config, FRIDAY)
    meeting(admin, "dana@example.com", "Offsite", ny(TUESDAY, "09:00"), ny(TUESDAY, "16:00"))
    meeting(admin, "dana@example.com", "Review", ny(TUESDAY, "16:30"), ny(TUESDAY, "17:30"))
    lines = plan_then_run(env, admin, config, FRIDAY + dt.timedelta(minutes=5))
    verbs = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert verbs == ["move-occurrence", "notice", "send-move-notice"]
    assert any(line.startswith("    says: ") and "Wed" in line for line in lines), lines


def test_a_due_prep_plans_the_agenda_and_one_email_per_recipient(env, admin) -> None:
    config = env.config(SAM)
    env.run(config, FRIDAY)
    prep_time = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
    lines = plan_then_run(env, admin, config, prep_time)
    verbs = sorted(line.split()[0] for line in lines if not line.startswith(" "))
    assert verbs == ["send-digest", "send-prep", "send-prep", "write-agenda"]


def test_a_recap_due_is_planned_with_its_notes_read_but_nothing_kept(env, admin) -> None:
    config = env.config(SAM)
    env.run(config, FRIDAY)
    env.run(config, dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC))  # the agenda is written
    write_notes(admin, "Acme is close.", "- [ ] Sam: send the Acme proposal (by Fri)")
    lines = plan_then_run(env, admin, config, END + dt.timedelta(minutes=31))
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == ["send-recap"]


def test_a_pause_plans_the_cancellations_and_the_reps_note(env, admin) -> None:
    env.run(env.config(SAM), FRIDAY)
    config = env.config(SAM_PAUSED)
    lines = plan_then_run(env, admin, config, FRIDAY + dt.timedelta(hours=1))
    verbs = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert verbs == ["pause-occurrence", "send-pause-note"]


def test_a_removed_rep_plans_the_end_of_the_series(env, admin) -> None:
    env.run(env.config(SAM, PRIYA), FRIDAY)
    config = env.config(SAM)
    lines = plan_then_run(env, admin, config, FRIDAY + dt.timedelta(hours=1))
    assert [line.split()[0] for line in lines if not line.startswith(" ")] == ["end-series"]


@pytest.mark.parametrize("fresh", [True, False], ids=["no-state-yet", "after-a-pass"])
def test_the_plan_command_leaves_the_state_file_byte_identical(
    tmp_path: Path, fresh: bool, capsys
) -> None:
    """The command itself, on its own sandbox: a plan before any pass creates no state file;
    after a pass, a plan with changes to make (a new rep, one removed) changes no byte of it
    and sends the sandbox no write request."""
    import daemon

    (tmp_path / "config.yaml").write_text(
        "timezone: America/New_York\ncalendar: {provider: sandbox}\n"
        "email: {provider: outbox, outbox_dir: ./outbox}\nstate: ./var/state.db\n"
        "managers:\n  - name: Dana Whitfield\n    email: dana@example.com\n    reps:\n"
        '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00"}\n'
    )
    config = str(tmp_path / "config.yaml")
    state = tmp_path / "var" / "state.db"
    if not fresh:
        assert daemon.main(["run", "--once", "-c", config]) == 0
        text = (
            (tmp_path / "config.yaml")
            .read_text()
            .replace("Sam Ortiz, email: sam", "Lee Park, email: lee")
        )
        (tmp_path / "config.yaml").write_text(text)
    before = state.read_bytes() if state.exists() else None
    capsys.readouterr()
    assert daemon.main(["plan", "-c", config]) == 0
    out = capsys.readouterr().out
    assert (state.read_bytes() if state.exists() else None) == before
    assert "create-series" in out
    assert ("end-series" in out) is not fresh
    [counts] = [line for line in out.splitlines() if line.startswith("sandbox requests:")]
    assert "(writes: 0)" in counts
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").iterdir())


def test_a_first_pass_plans_what_the_new_series_then_gets(env, admin) -> None:
    """No series yet, a pause in view and the first 1:1's prep due: the plan shows the series,
    and what the pass then does with it (the cancellation, the rep's note, the agenda, the
    preps), as the run on the same clock does."""
    config = env.config(SAM_PAUSED)
    prep_time = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
    lines = plan_then_run(env, admin, config, prep_time)
    verbs = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert verbs[0] == "create-series"
    later = ["pause-occurrence", "send-pause-note", "write-agenda", "send-prep", "send-prep"]
    assert sorted(verbs[1:]) == sorted([*later, "send-digest"]), lines


def test_the_outbox_is_asked_once_per_manager_for_the_keys_of_her_pairs(env, admin) -> None:
    """What was sent is part of the observation: one query for the keys of the manager's pairs
    in the planners' window, none per key while the emails are decided."""
    config = env.config(SAM, PRIYA)
    env.run(config, FRIDAY)
    prep_time = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
    env.run(config, prep_time)  # Sam's agenda and preps, and the digest, go out
    asked: list[str] = []
    later = prep_time + dt.timedelta(minutes=10)
    with wire(config, sandbox_url=env.url, clock=FixedClock(later), readonly=True) as wired:
        wired.store.conn.set_trace_callback(asked.append)
        plan = wired.runner.run_pass(now=later, apply=False)
    assert plan.planned == []  # all of it went once already
    of_keys = [q for q in asked if q.startswith("SELECT key FROM outbox WHERE")]
    by_key = [q for q in asked if q.startswith("SELECT state FROM outbox WHERE key")]
    assert len(of_keys) == len(config.managers) == 1
    assert by_key == []


def test_a_first_pass_that_adopts_plans_what_the_adopted_series_then_gets(env, admin) -> None:
    """Her own recurring 1:1 with the rep, a pause in view: the plan adopts it and shows the
    cancellation and the rep's note the pass then makes for it."""
    admin.insert_event("dana@example.com", HERS)  # Tuesdays 10:00 New York, as Sam's is here
    config = env.config(HERS_SAM[:-1] + ", pause: {from: 2026-12-01, until: 2026-12-07}}")
    monday = dt.datetime(2026, 11, 23, 15, 5, tzinfo=dt.UTC)  # Monday 10:05 New York
    lines = plan_then_run(env, admin, config, monday)
    verbs = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert verbs[:3] == ["adopt-series", "pause-occurrence", "send-pause-note"], lines


def test_a_look_alike_left_alone_is_planned_in_the_order_the_pass_takes(env, admin) -> None:
    """Her own recurring 1:1 with the rep at another time: the manager is told once and the
    configured series is created beside it; the plan lists both in the order the run does
    (every other series write before the inserts, which go out together)."""
    admin.insert_event("dana@example.com", HERS)
    config = env.config(SAM)
    lines = plan_then_run(env, admin, config, FRIDAY)
    verbs = [line.split()[0] for line in lines if not line.startswith(" ")]
    assert verbs == ["notice", "create-series"], lines
