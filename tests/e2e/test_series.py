"""Series enforcement end to end: the real Google client against the sandbox over HTTP."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from integrations.reconcile.runner import Runner
from integrations.shell.wiring import wire
from integrations.state.store import Store
from scheduler.series import TAG, series_id
from tests.e2e.conftest import PRIYA, SAM

SERIES_VERBS = {"create-series", "adopt-series", "repair-series", "end-series", "notice"}


def verbs(report):
    """The series actions of a pass (agendas and prep emails are tested elsewhere)."""
    return [o.action.verb for o in report.outcomes if o.action.verb in SERIES_VERBS]


NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 New York
WINDOW = ("2026-11-01T00:00:00Z", "2027-03-01T00:00:00Z")


def ours(admin, user="dana@example.com"):
    items = admin.list_events(user, privateExtendedProperty=f"{TAG}=series")
    return [e for e in items if not e.get("recurringEventId")]  # masters, not occurrences


def instances(admin, user, event_id, lo="2026-10-01T00:00:00Z", hi="2027-01-15T00:00:00Z"):
    return admin.instances(user, event_id, lo, hi)


def seen(items):
    """What a person sees of each occurrence."""
    return [(i["id"], i["start"]["dateTime"], i["end"]["dateTime"], i.get("status")) for i in items]


def local_starts(items):
    return [dt.datetime.fromisoformat(i["start"]["dateTime"]).astimezone(NY) for i in items]


def test_first_pass_creates_one_series_per_pair_and_invites_each_rep(env, admin):
    report = env.run(env.config(SAM, PRIYA), NOW)
    assert not report.failed
    series = ours(admin)
    assert len(series) == 2
    sam = admin.get_event("sam@example.com", series_id("dana@example.com", "sam@example.com", 0))
    assert sam is not None
    assert sam["status"] == "confirmed"
    me = next(a for a in sam["attendees"] if a["email"] == "sam@example.com")
    assert me["responseStatus"] == "needsAction"
    assert me.get("self") is True
    first = local_starts(instances(admin, "sam@example.com", sam["id"]))[0]
    assert (first.strftime("%a %H:%M"), first.date()) == ("Tue 10:00", dt.date(2026, 11, 24))


def test_a_second_pass_right_away_sends_no_write_request(env, admin):
    config = env.config(SAM, PRIYA)
    env.run(config, NOW)
    admin.reset_counts()
    report = env.run(config, NOW + dt.timedelta(minutes=1))
    assert report.outcomes == []
    counts = admin.counts()
    assert counts["writes"] == 0
    assert counts["by_method"].get("calendar.events.list") == 1  # one incremental read


def test_a_crash_between_insert_and_state_write_leaves_exactly_one_series(env, admin):
    config = env.config(SAM)

    class Crash(BaseException):
        pass

    with env.wired(config) as wired:
        original = wired.store.calendars.put

        def crash(*args, **kwargs):
            raise Crash()

        wired.store.calendars.put = crash  # the process dies right after Google accepted the insert
        with pytest.raises(Crash):
            wired.runner.run_pass(now=NOW)
        wired.store.calendars.put = original
    assert len(ours(admin)) == 1
    env.run(config, NOW)
    assert len(ours(admin)) == 1
    (env.tmp / "state.db").unlink()  # even a lost database does not duplicate it
    for suffix in ("-wal", "-shm"):
        (env.tmp / f"state.db{suffix}").unlink(missing_ok=True)
    report = env.run(config, NOW)
    assert not report.failed
    assert len(ours(admin)) == 1


def test_a_deleted_series_comes_back_from_the_next_occurrence_and_the_manager_is_told(env, admin):
    config = env.config(SAM)
    env.run(config, NOW - dt.timedelta(days=14))
    first_id = series_id("dana@example.com", "sam@example.com", 0)
    admin.delete_event("dana@example.com", first_id)
    report = env.run(config, NOW)
    assert verbs(report) == ["create-series"]
    live = [e for e in ours(admin) if e["status"] == "confirmed"]
    assert [e["id"] for e in live] == [series_id("dana@example.com", "sam@example.com", 1)]
    assert local_starts(instances(admin, "dana@example.com", live[0]["id"]))[0].date() == (
        dt.date(2026, 11, 24)
    )
    store = Store(env.tmp / "state.db")
    alerts = [r for r in store.audit.rows() if r.action == "alert"]
    store.close()
    assert len(alerts) == 1
    assert "deleted" in alerts[0].reason
    assert env.run(config, NOW + dt.timedelta(minutes=1)).outcomes == []


def test_a_rep_removed_from_the_attendees_is_invited_again(env, admin):
    config = env.config(SAM)
    env.run(config, NOW)
    ident = series_id("dana@example.com", "sam@example.com", 0)
    admin.patch_event("dana@example.com", ident, {"attendees": [{"email": "dana@example.com"}]})
    assert admin.get_event("sam@example.com", ident)["status"] == "cancelled"
    report = env.run(config, NOW + dt.timedelta(minutes=1))
    assert verbs(report) == ["repair-series"]
    assert admin.get_event("sam@example.com", ident)["status"] == "confirmed"


def test_title_and_length_drift_are_repaired(env, admin):
    config = env.config(SAM)
    env.run(config, NOW)
    ident = series_id("dana@example.com", "sam@example.com", 0)
    ev = admin.get_event("dana@example.com", ident)
    admin.patch_event(
        "dana@example.com",
        ident,
        {
            "summary": "chat",
            "end": {"dateTime": "2026-11-24T10:15:00", "timeZone": "America/New_York"},
        },
    )
    env.run(config, NOW + dt.timedelta(minutes=1))
    fixed = admin.get_event("dana@example.com", ident)
    assert fixed["summary"] == ev["summary"]
    start = dt.datetime.fromisoformat(fixed["start"]["dateTime"])
    end = dt.datetime.fromisoformat(fixed["end"]["dateTime"])
    assert end - start == dt.timedelta(minutes=45)


def test_a_new_time_in_the_yaml_applies_from_the_next_occurrence_and_the_past_is_untouched(
    env, admin
):
    env.run(env.config(SAM), NOW - dt.timedelta(days=21))
    old_id = series_id("dana@example.com", "sam@example.com", 0)
    past_before = seen(
        i
        for i in instances(admin, "dana@example.com", old_id)
        if dt.datetime.fromisoformat(i["start"]["dateTime"]) < NOW
    )
    moved = SAM.replace('"10:00"', '"14:00"')
    report = env.run(env.config(moved), NOW)
    assert verbs(report) == ["end-series", "create-series"]
    past_after = seen(instances(admin, "dana@example.com", old_id))
    assert past_after == past_before
    new_id = series_id("dana@example.com", "sam@example.com", 1)
    new_starts = local_starts(instances(admin, "sam@example.com", new_id))
    assert new_starts[0] == dt.datetime(2026, 11, 24, 14, 0, tzinfo=NY)
    assert env.run(env.config(moved), NOW + dt.timedelta(minutes=1)).outcomes == []


def test_a_rep_removed_from_the_yaml_has_the_series_ended_never_deleted(env, admin):
    env.run(env.config(SAM, PRIYA), NOW - dt.timedelta(days=14))
    report = env.run(env.config(PRIYA), NOW)
    assert verbs(report) == ["end-series"]
    ident = series_id("dana@example.com", "sam@example.com", 0)
    ev = admin.get_event("dana@example.com", ident)
    assert ev["status"] == "confirmed"
    assert any("UNTIL=" in r for r in ev["recurrence"])
    assert all(
        dt.datetime.fromisoformat(i["start"]["dateTime"]) < NOW
        for i in instances(admin, "dana@example.com", ident)
    )
    assert len(instances(admin, "dana@example.com", ident)) == 2


def test_a_weekly_series_stays_at_ten_new_york_time_through_the_november_dst_change(env, admin):
    env.run(env.config(SAM), dt.datetime(2026, 10, 12, 15, 0, tzinfo=dt.UTC))
    ident = series_id("dana@example.com", "sam@example.com", 0)
    starts = local_starts(
        instances(admin, "dana@example.com", ident, "2026-10-01T00:00:00Z", "2026-11-20T00:00:00Z")
    )
    assert {s.strftime("%H:%M") for s in starts} == {"10:00"}
    assert {s.utcoffset() for s in starts} == {dt.timedelta(hours=-4), dt.timedelta(hours=-5)}


def test_an_existing_recurring_event_with_the_rep_is_adopted_not_duplicated(env, admin):
    admin.insert_event(
        "dana@example.com",
        {
            "id": "humanmade001",
            "summary": "Dana / Sam",
            "start": {"dateTime": "2026-11-03T10:00:00", "timeZone": "America/New_York"},
            "end": {"dateTime": "2026-11-03T10:45:00", "timeZone": "America/New_York"},
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=TU"],
            "attendees": [{"email": "dana@example.com"}, {"email": "sam@example.com"}],
        },
    )
    config = env.config(SAM)
    report = env.run(config, NOW)
    assert report.outcomes[0].action.verb == "adopt-series"
    env.run(config, NOW + dt.timedelta(minutes=1))
    recurring = [e for e in admin.list_events("dana@example.com") if e.get("recurrence")]
    assert [e["id"] for e in recurring] == ["humanmade001"]


def test_plan_lists_the_actions_and_changes_nothing(env, admin):
    config = env.config(SAM, PRIYA)
    with wire(config, sandbox_url=env.url) as wired:
        report = wired.runner.run_pass(now=NOW, apply=False)
    assert verbs(report) == ["create-series", "create-series"]
    assert all(o.action.reason for o in report.outcomes)
    assert admin.counts()["writes"] == 0
    assert ours(admin) == []


def test_the_audit_trail_records_each_action_with_its_reason(env, admin):
    env.run(env.config(SAM), NOW)
    store = Store(env.tmp / "state.db")
    rows = [r for r in store.audit.rows() if r.action in SERIES_VERBS]
    store.close()
    assert [(r.pair_key, r.action, r.result) for r in rows if r.action in SERIES_VERBS] == [
        ("dana@example.com/sam@example.com", "create-series", "done")
    ]
    assert rows[0].reason == "no series exists for this pair"


def test_one_managers_broken_pair_does_not_stop_the_others(env, admin):
    config = env.config(SAM)
    with wire(config, sandbox_url=env.url) as wired:
        assert isinstance(wired.runner, Runner)
        admin.add_fault(method="calendar.events.insert", status=400, reason="badRequest", times=1)
        report = wired.runner.run_pass(now=NOW)
    assert report.failed
    assert env.run(config, NOW).outcomes[0].result == "done"


def test_a_parallel_pass_serves_every_manager_once(env, admin):
    from scheduler.config import parse_config
    from tests.e2e.conftest import BASE_YAML

    others = "".join(
        f"  - name: Manager {i}\n    email: m{i}@example.com\n    timezone: Europe/Berlin\n"
        f"    reps:\n      - {{name: Rep {i}, email: r{i}@example.com, day: thursday, "
        f'time: "11:00", timezone: Europe/Berlin}}\n'
        for i in range(5)
    )
    text = BASE_YAML.format(reps="\n".join([SAM, PRIYA])) + others
    config = parse_config(text, filename="config.yaml", base_dir=env.tmp)
    assert len(config.managers) == 6
    with wire(config, sandbox_url=env.url) as wired:
        report = wired.runner.run_pass(now=NOW, workers=4)
        assert not report.failed
        assert 1 < wired.runner.workers.max_in_flight <= 4
        again = wired.runner.run_pass(now=NOW + dt.timedelta(minutes=1), workers=4)
    assert [o for o in again.outcomes if o.action.verb in SERIES_VERBS] == []
    for i in range(5):
        assert len(ours(admin, f"m{i}@example.com")) == 1
    assert len(ours(admin)) == 2


def test_one_manager_is_never_processed_by_two_threads_at_once(env, admin):
    import threading
    import time

    from integrations.reconcile.runner import ManagerRun

    config = env.config(SAM)
    with wire(config, sandbox_url=env.url) as wired:
        runner = wired.runner
        gate = threading.Event()

        def slow(run, now, apply):
            gate.wait(5)
            runner._series_stage(run, now, apply)

        first = threading.Thread(
            target=runner._manager_pass, args=(ManagerRun(config.managers[0]), slow, NOW, True)
        )
        first.start()
        deadline = time.monotonic() + 5
        while not runner.workers.in_flight and time.monotonic() < deadline:
            time.sleep(0.01)
        with pytest.raises(RuntimeError, match="already being processed"):
            runner._manager_pass(ManagerRun(config.managers[0]), runner._series_stage, NOW, True)
        gate.set()
        first.join()
        second = ManagerRun(config.managers[0])
        runner._manager_pass(second, runner._series_stage, NOW, True)
        runner._manager_pass(second, runner._rest_stage, NOW, True)
        assert second.error is None
    assert len(ours(admin)) == 1


def test_repeated_parallel_passes_keep_one_connection_per_thread_not_per_manager(env, admin):
    from scheduler.config import parse_config
    from tests.e2e.conftest import BASE_YAML

    others = "".join(
        f"  - name: Manager {i}\n    email: m{i}@example.com\n    timezone: Europe/Berlin\n"
        f"    reps:\n      - {{name: Rep {i}, email: r{i}@example.com, day: thursday, "
        f'time: "11:00", timezone: Europe/Berlin}}\n'
        for i in range(11)
    )
    config = parse_config(BASE_YAML.format(reps=SAM) + others, filename="c.yaml", base_dir=env.tmp)
    with wire(config, sandbox_url=env.url) as wired:
        for minute in range(4):
            report = wired.runner.run_pass(now=NOW + dt.timedelta(minutes=minute), workers=3)
            assert not report.failed
            assert len(wired.pool._built) <= 3  # a long-running service must not grow per pass


def teams_config(env, managers: int, reps: int = 8):
    """Dana with Sam, plus ``managers`` more managers with ``reps`` reps each."""
    from scheduler.config import parse_config
    from tests.e2e.conftest import BASE_YAML

    days = ["monday", "tuesday", "wednesday", "thursday", "friday"]
    others = "".join(
        f"  - name: Manager {i}\n    email: m{i}@example.com\n    timezone: Europe/Berlin\n"
        "    reps:\n"
        + "".join(
            f"      - {{name: Rep {i}-{j}, email: r{i}-{j}@example.com, day: {days[j % 5]}, "
            f'time: "{9 + j // 5}:00", timezone: Europe/Berlin}}\n'
            for j in range(reps)
        )
        for i in range(managers)
    )
    text = BASE_YAML.format(reps=SAM) + others
    return parse_config(text, filename="config.yaml", base_dir=env.tmp)


@pytest.mark.parametrize("workers", [1, 3])
def test_cold_start_creates_every_managers_series_in_shared_batches(env, admin, workers):
    config = teams_config(env, managers=7)  # 1 + 7 × 8 = 57 series
    with wire(config, sandbox_url=env.url) as wired:
        report = wired.runner.run_pass(now=NOW, workers=workers)
        assert not report.failed, report.manager_errors
        counts = admin.counts()["by_method"]
        assert counts["calendar.events.insert"] == 57
        assert counts["calendar.events.list"] == 8
        # The eight calendars read in one batch, then 49 inserts (Dana and six whole teams),
        # then 8.
        assert counts["batch"] == 1 + 2
        again = wired.runner.run_pass(now=NOW + dt.timedelta(minutes=1), workers=workers)
    assert [o for o in again.outcomes if o.action.verb in SERIES_VERBS] == []
    assert [e["organizer"]["email"] for e in ours(admin)] == ["dana@example.com"]
    for i in range(7):
        series = ours(admin, f"m{i}@example.com")
        assert len(series) == 8
        assert {e["organizer"]["email"] for e in series} == {f"m{i}@example.com"}
        reps = {a["email"] for e in series for a in e["attendees"] if a["email"].startswith("r")}
        assert reps == {f"r{i}-{j}@example.com" for j in range(8)}
        ids = {e["id"] for e in series}
        for j in range(8):  # the rep got the invitation on their own calendar
            theirs = {e["id"] for e in admin.list_events(f"r{i}-{j}@example.com")}
            assert len(theirs & ids) == 1
    store = Store(env.tmp / "state.db")
    created = [r for r in store.audit.rows() if r.action == "create-series"]
    store.close()
    assert len(created) == 57
    assert {r.result for r in created} == {"done"}


def test_a_part_that_fails_in_the_shared_batch_is_created_alone_and_only_once(env, admin):
    config = teams_config(env, managers=2)
    admin.add_fault(method="calendar.events.insert", status=503, reason="backendError", times=1)
    with wire(config, sandbox_url=env.url) as wired:
        report = wired.runner.run_pass(now=NOW, workers=2)
        assert not report.failed, report.manager_errors
        counts = admin.counts()["by_method"]
        assert counts["batch"] == 1 + 1  # the three calendars read together, then the inserts
        assert counts["calendar.events.insert"] == 17 + 1  # the failed part, made again alone
    assert len(ours(admin)) == 1
    for i in range(2):
        assert len(ours(admin, f"m{i}@example.com")) == 8


def test_a_manager_whose_login_was_revoked_does_not_stop_the_shared_batch(env, admin):
    config = teams_config(env, managers=2)
    with wire(config, sandbox_url=env.url) as wired:
        original = wired.runner._series_stage

        def revoke_after_reading(run, now, apply):
            original(run, now, apply)
            if run.owner == "m0@example.com":  # revoked between its read and the batch
                admin.revoke_tokens("m0@example.com")
                wired.pool.credentials("m0@example.com").token = "revoked-token"

        wired.runner._series_stage = revoke_after_reading
        report = wired.runner.run_pass(now=NOW, workers=1)
    assert list(report.manager_errors) == ["m0@example.com"]
    assert ours(admin, "m0@example.com") == []
    assert len(ours(admin, "m1@example.com")) == 8
    assert len(ours(admin)) == 1
