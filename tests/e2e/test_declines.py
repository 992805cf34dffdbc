"""A decline is a bump of the time that was declined: the occurrence moves once per decline,
never back to a declined time, and the answer Google keeps on the moved occurrence (the
organizer's own "declined" stays; a guest's may or may not be reset, Google does not say) is
not read as a new decline. Every scenario runs with Google resetting guests' answers on a time
change and without."""

from __future__ import annotations

import datetime as dt

import pytest

from scheduler.series import series_id
from tests.e2e.bumped import NOW, TUESDAY, after, answer, occurrence, rep, rep_inbox, shown

SAM = rep("Sam Ortiz", "sam@example.com", "tuesday", "13:00")
DANA = "dana@example.com"
SERIES = series_id(DANA, "sam@example.com", 0)

both_ways = pytest.mark.parametrize(
    "reset", [pytest.param(True, id="answers-reset"), pytest.param(False, id="answers-kept")]
)


def both(admin) -> tuple[str, str]:
    return (
        shown(occurrence(admin, DANA, SERIES, TUESDAY)),
        shown(occurrence(admin, "sam@example.com", SERIES, TUESDAY)),
    )


@both_ways
def test_the_managers_own_decline_moves_the_occurrence_once(env, admin, reset):
    admin.configure(reset_responses_on_time_change=reset)
    config = env.config(SAM)
    env.run(config, NOW)
    admin.respond(DANA, occurrence(admin, DANA, SERIES, TUESDAY)["id"], "declined")
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    assert "Dana Whitfield declined it" in report.outcomes[0].action.reason
    assert both(admin) == ("Tue 12:15-13:00", "Tue 12:15-13:00")
    # Google keeps the organizer's "declined" on the moved occurrence: an old answer.
    assert answer(occurrence(admin, DANA, SERIES, TUESDAY), DANA) == "declined"
    for minutes in (3, 4, 5):
        admin.reset_counts()
        assert env.run(config, NOW + dt.timedelta(minutes=minutes)).outcomes == []
        assert admin.counts()["writes"] == 0
    assert both(admin) == ("Tue 12:15-13:00", "Tue 12:15-13:00")
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == after(1)


@both_ways
def test_a_decline_of_the_new_time_moves_it_again_never_back_to_a_declined_time(env, admin, reset):
    admin.configure(reset_responses_on_time_change=reset)
    config = env.config(SAM)
    env.run(config, NOW)
    admin.respond("sam@example.com", occurrence(admin, DANA, SERIES, TUESDAY)["id"], "declined")
    env.run(config, NOW + dt.timedelta(minutes=2))
    assert both(admin) == ("Tue 12:15-13:00", "Tue 12:15-13:00")
    # The rep's answer to the old time does not stay on the new one (the move asks again).
    assert answer(occurrence(admin, DANA, SERIES, TUESDAY), "sam@example.com") == "needsAction"
    assert env.run(config, NOW + dt.timedelta(minutes=3)).outcomes == []
    admin.respond("sam@example.com", occurrence(admin, DANA, SERIES, TUESDAY)["id"], "declined")
    report = env.run(config, NOW + dt.timedelta(minutes=4))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    # 13:00 (declined first) is never offered again: the nearest other free time is 13:45.
    assert both(admin) == ("Tue 13:45-14:30", "Tue 13:45-14:30")
    for minutes in (5, 6, 7):
        assert env.run(config, NOW + dt.timedelta(minutes=minutes)).outcomes == []
    assert rep_inbox(admin, env.tmp / "outbox", "sam@example.com") == after(2)


@both_ways
def test_a_manager_who_accepts_the_moved_time_and_declines_it_again_gets_a_new_move(
    env, admin, reset
):
    admin.configure(reset_responses_on_time_change=reset)
    config = env.config(SAM)
    env.run(config, NOW)
    admin.respond(DANA, occurrence(admin, DANA, SERIES, TUESDAY)["id"], "declined")
    env.run(config, NOW + dt.timedelta(minutes=2))
    moved = occurrence(admin, DANA, SERIES, TUESDAY)
    admin.respond(DANA, moved["id"], "accepted")
    assert env.run(config, NOW + dt.timedelta(minutes=3)).outcomes == []
    admin.respond(DANA, moved["id"], "declined")  # now an answer about 12:15
    report = env.run(config, NOW + dt.timedelta(minutes=4))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    assert both(admin) == ("Tue 13:45-14:30", "Tue 13:45-14:30")
    assert env.run(config, NOW + dt.timedelta(minutes=5)).outcomes == []
