"""A cold start reads every manager's calendar in shared batches, each part as its owner."""

from __future__ import annotations

import datetime as dt
import threading

from integrations.shell.wiring import wire
from integrations.state.store import Store
from tests.e2e.test_series import NOW, teams_config


def meeting(title: str) -> dict[str, object]:
    start = NOW + dt.timedelta(days=2)
    return {
        "summary": title,
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": (start + dt.timedelta(hours=1)).isoformat(), "timeZone": "UTC"},
    }


def cached_titles(env, owner: str) -> set[str]:
    store = Store(env.tmp / "state.db")
    try:
        return {e.summary for e in store.calendars.events(owner) if not e.private}
    finally:
        store.close()


def test_a_cold_start_reads_each_calendar_as_its_owner_in_one_batch_then_incrementally(
    env, admin
) -> None:
    config = teams_config(env, managers=3)
    owners = ["dana@example.com", *(f"m{i}@example.com" for i in range(3))]
    for owner in owners:
        admin.insert_event(owner, meeting(f"Pipeline review of {owner}"))
    with wire(config, sandbox_url=env.url) as wired:
        report = wired.runner.run_pass(now=NOW, workers=2)
        assert not report.failed, report.manager_errors
        counts = admin.counts()["by_method"]
        assert counts["calendar.events.list"] == 4
        assert counts["batch"] == 2  # the four reads together, then the 25 inserts together
        assert counts["oauth2.token"] == 4
        for owner in owners:  # each part answered from its own owner's calendar
            assert cached_titles(env, owner) == {f"Pipeline review of {owner}"}
        admin.reset_counts()
        admin.insert_event("m1@example.com", meeting("Customer escalation"))
        again = wired.runner.run_pass(now=NOW + dt.timedelta(minutes=1), workers=2)
        assert not again.failed
        counts = admin.counts()["by_method"]
    assert counts == {"calendar.events.list": 4}  # one incremental read each, no batch
    assert cached_titles(env, "m1@example.com") == {
        "Pipeline review of m1@example.com",
        "Customer escalation",
    }


def test_a_manager_whose_login_was_revoked_is_left_out_of_the_batch_and_fails_alone(
    env, admin
) -> None:
    config = teams_config(env, managers=3)
    with wire(config, sandbox_url=env.url) as wired:
        wired.pool.credentials("m1@example.com")  # her login is loaded, then revoked
        admin.revoke_tokens("m1@example.com")
        report = wired.runner.run_pass(now=NOW, workers=2)
    assert set(report.manager_errors) == {"m1@example.com"}
    counts = admin.counts()["by_method"]
    assert counts["calendar.events.list"] == 3  # the three others, read together
    for owner in ("dana@example.com", "m0@example.com", "m2@example.com"):
        assert cached_titles(env, owner) == set()
        store = Store(env.tmp / "state.db")
        try:
            assert store.calendars.sync_token(owner)
        finally:
            store.close()


def test_a_batch_that_fails_leaves_each_calendar_to_be_read_alone(env, admin) -> None:
    config = teams_config(env, managers=2)
    admin.add_fault(method="batch", status=500, reason="backendError", times=10)
    with wire(config, sandbox_url=env.url) as wired:
        report = wired.runner.run_pass(now=NOW, workers=1)
    assert not report.failed, report.manager_errors
    counts = admin.counts()["by_method"]
    assert counts["calendar.events.list"] == 3  # each read alone after the batch gave up
    for owner in ("dana@example.com", "m0@example.com", "m1@example.com"):
        store = Store(env.tmp / "state.db")
        try:
            assert store.calendars.sync_token(owner)
        finally:
            store.close()


def test_a_calendar_longer_than_a_page_is_read_to_its_end_after_the_batch(
    env, admin, monkeypatch
) -> None:
    from integrations.google import gcal

    monkeypatch.setattr(gcal, "PAGE_SIZE", 2)  # every calendar here is several pages long
    config = teams_config(env, managers=2)
    owners = ["dana@example.com", "m0@example.com", "m1@example.com"]
    for owner in owners:
        for k in range(5):
            admin.insert_event(owner, meeting(f"Review {k} of {owner}"))
    with wire(config, sandbox_url=env.url) as wired:
        report = wired.runner.run_pass(now=NOW, workers=2)
    assert not report.failed, report.manager_errors
    assert admin.counts()["by_method"]["calendar.events.list"] == 3 * 3  # 5 events: 3 pages
    for owner in owners:
        assert cached_titles(env, owner) == {f"Review {k} of {owner}" for k in range(5)}


def test_each_first_read_is_kept_as_it_arrives_and_the_pass_plans_from_the_copy_kept(
    env, admin
) -> None:
    """The batched reads are stored as each batch comes in, not held until each manager's
    stage: by the time the first manager is planned, every calendar is in the state file."""
    config = teams_config(env, managers=2)
    owners = ["dana@example.com", "m0@example.com", "m1@example.com"]
    for owner in owners:
        admin.insert_event(owner, meeting(f"Forecast call of {owner}"))
    tokens_seen: list[bool] = []
    lock = threading.Lock()
    with wire(config, sandbox_url=env.url) as wired:
        original = wired.runner._series_stage

        def series_stage(run, now, apply):
            with lock:
                if not tokens_seen:  # from another connection: what is committed to the file
                    other = Store(env.tmp / "state.db")
                    try:
                        tokens_seen.extend(bool(other.calendars.sync_token(o)) for o in owners)
                    finally:
                        other.close()
            original(run, now, apply)

        wired.runner._series_stage = series_stage
        report = wired.runner.run_pass(now=NOW, workers=2)
    assert not report.failed, report.manager_errors
    assert tokens_seen == [True, True, True]
    assert admin.counts()["by_method"]["calendar.events.list"] == 3  # each calendar read once
    for owner in owners:
        assert cached_titles(env, owner) == {f"Forecast call of {owner}"}
        assert len([e for e in admin.list_events(owner) if e.get("recurrence")]) == (
            1 if owner == "dana@example.com" else 8
        )


def test_a_plan_at_a_cold_start_reads_in_batches_and_leaves_the_state_file_as_it_was(
    env, admin
) -> None:
    config = teams_config(env, managers=2)
    env.run(config, NOW)  # the file exists; then its calendars' tokens are dropped
    store = Store(env.tmp / "state.db")
    for owner in ("dana@example.com", "m0@example.com", "m1@example.com"):
        store.calendars.forget_sync(owner)
    store.close()
    before = (env.tmp / "state.db").read_bytes()
    admin.reset_counts()
    with wire(config, sandbox_url=env.url, readonly=True) as wired:
        plan = wired.runner.run_pass(now=NOW + dt.timedelta(minutes=1), apply=False)
    assert not plan.manager_errors
    assert plan.planned == []  # every series is there: read in full, nothing to do
    assert admin.counts()["by_method"] == {"oauth2.token": 3, "batch": 1, "calendar.events.list": 3}
    assert (env.tmp / "state.db").read_bytes() == before
