"""Two 1:1s bumped at once end on two free times, never on each other; two of the manager's own
1:1s found overlapping are pulled apart; and the passes after that change nothing."""

from __future__ import annotations

import datetime as dt

from integrations.state.store import Store
from scheduler.series import series_id
from tests.e2e.bumped import NOW, TUESDAY, after, meeting, ny, occurrence, rep, rep_inbox, shown

SAM = rep("Sam Ortiz", "sam@example.com", "tuesday", "11:00")
PRIYA = rep("Priya Raman", "priya@example.com", "tuesday", "14:00")
DANA = "dana@example.com"
SAM_SERIES = series_id(DANA, "sam@example.com", 0)
PRIYA_SERIES = series_id(DANA, "priya@example.com", 0)


def calendars(admin) -> dict[str, str]:
    """Each 1:1 as the manager's and the rep's calendars show it."""
    return {
        "dana/sam": shown(occurrence(admin, DANA, SAM_SERIES, TUESDAY)),
        "sam": shown(occurrence(admin, "sam@example.com", SAM_SERIES, TUESDAY)),
        "dana/priya": shown(occurrence(admin, DANA, PRIYA_SERIES, TUESDAY)),
        "priya": shown(occurrence(admin, "priya@example.com", PRIYA_SERIES, TUESDAY)),
    }


def test_an_offsite_over_two_1on1s_moves_them_to_two_distinct_free_times_once(env, admin):
    config = env.config(SAM, PRIYA)
    env.run(config, NOW)
    meeting(admin, DANA, "Offsite", ny(TUESDAY, "09:00"), ny(TUESDAY, "16:00"))
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    assert (
        sorted(o.action.verb for o in report.outcomes)
        == ["move-occurrence"] * 2 + ["send-move-notice"] * 2
    )
    assert calendars(admin) == {
        "dana/sam": "Tue 16:00-16:45",
        "sam": "Tue 16:00-16:45",
        "dana/priya": "Tue 16:45-17:30",
        "priya": "Tue 16:45-17:30",
    }
    for minutes in (3, 4, 5):  # three more passes: nothing moves, nothing is written or sent
        admin.reset_counts()
        again = env.run(config, NOW + dt.timedelta(minutes=minutes))
        assert again.outcomes == []
        assert admin.counts()["writes"] == 0
    assert calendars(admin)["dana/sam"] == "Tue 16:00-16:45"
    outbox = env.tmp / "outbox"
    for email in ("sam@example.com", "priya@example.com"):
        assert rep_inbox(admin, outbox, email) == after(1)


def test_two_of_her_own_1on1s_found_overlapping_are_pulled_apart_and_stay_apart(env, admin):
    config = env.config(SAM, PRIYA)
    env.run(config, NOW)
    # Someone left Priya's 1:1 on top of Sam's: a double booking the service did not make.
    priya = occurrence(admin, DANA, PRIYA_SERIES, TUESDAY)
    admin.patch_event(
        DANA,
        priya["id"],
        {
            "start": {"dateTime": ny(TUESDAY, "11:00")},
            "end": {"dateTime": ny(TUESDAY, "11:45")},
        },
    )
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    # Priya's was moved by a person: respected; Sam's is the one that moves off it.
    assert sorted(o.action.verb for o in report.outcomes) == [
        "move-occurrence",
        "notice",
        "send-move-notice",
    ]
    assert calendars(admin) == {
        "dana/sam": "Tue 10:15-11:00",
        "sam": "Tue 10:15-11:00",
        "dana/priya": "Tue 11:00-11:45",
        "priya": "Tue 11:00-11:45",
    }
    store = Store(env.tmp / "state.db")
    [row] = [r for r in store.audit.rows() if r.action == "move-occurrence"]
    store.close()
    assert "another of Dana Whitfield's 1:1s overlaps it" in row.reason
    for minutes in (3, 4, 5):
        assert env.run(config, NOW + dt.timedelta(minutes=minutes)).outcomes == []
    assert calendars(admin)["dana/sam"] == "Tue 10:15-11:00"
    outbox = env.tmp / "outbox"
    assert rep_inbox(admin, outbox, "sam@example.com") == after(1)
