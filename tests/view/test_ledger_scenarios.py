"""The ledger end to end: real passes against the sandbox, other people's edits through its admin
API, then time moves past the 1:1 and the ledger says what became of it."""

from __future__ import annotations

import datetime as dt

from integrations.state import move_log
from integrations.state.ledger_store import LedgerStore, derive_ledger, ledger_view, record_ledger
from integrations.state.store import Store
from scheduler.series import series_id
from tests.view.conftest import NOW, SAM, TUESDAY, instance, meeting, ny

SERIES = series_id("dana@example.com", "sam@example.com", 0)
AFTER = ny(TUESDAY + dt.timedelta(days=2), "18:00")  # Thursday evening: Tuesday's 1:1 has ended


def ledger(env, config, now=AFTER):
    store = Store(env.tmp / "state.db")
    try:
        return derive_ledger(config, store, now=now, since=NOW)
    finally:
        store.close()


def tuesday_entry(env, config, now=AFTER):
    [entry] = [e for e in ledger(env, config, now) if e.original_start == ny(TUESDAY, "13:00")]
    return entry


def run(env, config, now):
    report = env.run(config, now)
    assert not report.failed, report
    return report


def test_a_1_1_that_took_place_as_planned_is_held(env, admin) -> None:
    config = env.config(SAM)
    run(env, config, NOW)
    run(env, config, AFTER)
    entry = tuesday_entry(env, config)
    assert (entry.state, entry.start) == ("held", ny(TUESDAY, "13:00"))


def test_nothing_is_in_the_ledger_before_the_1_1_ends(env, admin) -> None:
    config = env.config(SAM)
    run(env, config, NOW)
    assert ledger(env, config, now=ny(TUESDAY, "13:40")) == []
    assert [e.state for e in ledger(env, config, now=ny(TUESDAY, "13:45"))] == ["held"]


def test_a_1_1_moved_the_same_day_is_held_moved(env, admin) -> None:
    config = env.config(SAM)
    run(env, config, NOW)
    meeting(admin, "dana@example.com", "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    run(env, config, NOW + dt.timedelta(minutes=2))
    run(env, config, AFTER)
    entry = tuesday_entry(env, config)
    assert (entry.state, entry.start) == ("held_moved", ny(TUESDAY, "12:00"))


def test_a_1_1_moved_to_the_next_business_day_is_moved_day(env, admin) -> None:
    config = env.config(SAM)
    run(env, config, NOW)
    meeting(admin, "dana@example.com", "Offsite", ny(TUESDAY, "09:00"), ny(TUESDAY, "17:30"))
    run(env, config, NOW + dt.timedelta(minutes=2))
    entry = tuesday_entry(env, config)
    assert entry.state == "moved_day"
    assert entry.start == ny(TUESDAY + dt.timedelta(days=1), "13:00")


def test_a_1_1_skipped_for_out_of_office_by_policy_is_skipped(env, admin) -> None:
    config = env.config(SAM.replace("}", ", rebook: {on_out_of_office: skip}}"))
    run(env, config, NOW)
    day_after = TUESDAY + dt.timedelta(days=1)
    meeting(
        admin,
        "dana@example.com",
        "Out of office",
        ny(TUESDAY, "00:00"),
        ny(day_after, "00:00"),
        eventType="outOfOffice",
    )
    run(env, config, NOW + dt.timedelta(minutes=2))
    run(env, config, AFTER)
    entry = tuesday_entry(env, config)
    assert entry.state == "skipped"
    assert "skipped" in entry.reason


def test_a_1_1_in_a_pause_is_skipped(env, admin) -> None:
    paused = SAM.replace(
        "}", ", pause: {from: 2026-11-24, until: 2026-11-24, reason: customer summit}}"
    )
    config = env.config(paused)
    run(env, config, NOW)
    entry = tuesday_entry(env, config)
    assert entry.state == "skipped"
    assert "customer summit" in entry.reason


def test_a_1_1_deleted_once_it_had_started_is_missed(env, admin) -> None:
    config = env.config(SAM)
    run(env, config, NOW)
    admin.delete_event("dana@example.com", instance(admin, SERIES, TUESDAY)["id"])
    run(env, config, ny(TUESDAY, "13:10"))  # started: the service never touches it
    entry = tuesday_entry(env, config)
    assert (entry.state, entry.reason) == ("missed", "deleted and not restored")


def test_a_1_1_declined_by_the_rep_and_never_moved_is_missed(env, admin) -> None:
    config = env.config(SAM)
    run(env, config, NOW)
    during = ny(TUESDAY, "13:05")
    run(env, config, during)
    admin.respond("sam@example.com", instance(admin, SERIES, TUESDAY, "sam@example.com")["id"],
                  "declined")  # fmt: skip
    run(env, config, AFTER)
    entry = tuesday_entry(env, config)
    assert (entry.state, entry.reason) == ("missed", "declined by Sam Ortiz")


def test_a_1_1_the_service_gave_up_on_is_missed(env, admin) -> None:
    config = env.config(SAM.replace("}", ", rebook: {if_no_slot: notify_only}}"))
    run(env, config, NOW)
    meeting(admin, "dana@example.com", "Offsite", ny(TUESDAY, "09:00"), ny(TUESDAY, "17:30"))
    report = run(env, config, NOW + dt.timedelta(minutes=2))
    assert [o.action.verb for o in report.outcomes] == ["notice"]
    entry = tuesday_entry(env, config)
    assert entry.state == "missed"
    assert "no time could be found" in entry.reason


def test_the_recorded_ledger_outlives_a_deleted_series(env, admin) -> None:
    config = env.config(SAM)
    run(env, config, NOW)
    store = Store(env.tmp / "state.db")
    try:
        assert record_ledger(config, store, now=AFTER) == 1
        assert record_ledger(config, store, now=AFTER) == 1  # an upsert: still one row
        admin.delete_event("dana@example.com", SERIES)
        store.close()
        report = run(env, config, AFTER + dt.timedelta(minutes=1))
        assert "create-series" in [o.action.verb for o in report.outcomes]
        store = Store(env.tmp / "state.db")
        assert derive_ledger(config, store, now=AFTER, since=NOW) == []
        [kept] = LedgerStore(store).entries(pair_key="dana@example.com/sam@example.com")
        assert (kept.series_id, kept.state) == (SERIES, "held")
        assert [e.state for e in ledger_view(config, store, now=AFTER, since=NOW)] == ["held"]
    finally:
        store.close()


def test_a_later_look_updates_the_stored_entry_in_place(env, admin) -> None:
    config = env.config(SAM)
    run(env, config, NOW)
    store = Store(env.tmp / "state.db")
    try:
        record_ledger(config, store, now=AFTER)
        admin.respond("dana@example.com", instance(admin, SERIES, TUESDAY)["id"], "declined")
        store.close()
        run(env, config, AFTER + dt.timedelta(minutes=1))
        store = Store(env.tmp / "state.db")
        record_ledger(config, store, now=AFTER + dt.timedelta(minutes=1))
        [entry] = LedgerStore(store).entries()
        assert (entry.state, entry.reason) == ("missed", "declined by Dana Whitfield")
    finally:
        store.close()


def test_a_move_is_forgotten_months_later_but_the_ledger_still_says_moved(env, admin) -> None:
    config = env.config(SAM)
    run(env, config, NOW)
    meeting(admin, "dana@example.com", "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    run(env, config, NOW + dt.timedelta(minutes=2))
    later = AFTER + dt.timedelta(weeks=14)  # past MOVES_KEPT
    store = Store(env.tmp / "state.db")
    try:
        record_ledger(config, store, now=AFTER)
        assert (SERIES, ny(TUESDAY, "13:00")) in move_log.done(store)
        record_ledger(config, store, now=later)
        assert (SERIES, ny(TUESDAY, "13:00")) not in move_log.done(store)
        view = ledger_view(config, store, now=later, since=later - dt.timedelta(weeks=52))
        [entry] = [e for e in view if e.original_start == ny(TUESDAY, "13:00")]
        assert (entry.state, entry.start) == ("held_moved", ny(TUESDAY, "12:00"))
    finally:
        store.close()
