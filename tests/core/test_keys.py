"""Keys are stored in running installations: the one keys module must build them exactly as the
releases before it did, or an upgrade would send an email twice or repeat a notice."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduler import keys
from scheduler.ledger import markers_from_notices

NY = ZoneInfo("America/New_York")
# 13:00 in New York on the Tuesday after the 2026-11-01 change back to standard time: 18:00 UTC
START = dt.datetime(2026, 11, 3, 13, 0, tzinfo=NY)
START_UTC = START.astimezone(dt.UTC)
SERIES = "oo1a2b3c"


@pytest.mark.parametrize(
    ("built", "stored"),
    [
        pytest.param(keys.thread_key(SERIES, START), "occ:oo1a2b3c:20261103T180000Z", id="thread"),
        pytest.param(
            keys.prep_key(SERIES, START, "sam@example.com"),
            "prep:oo1a2b3c:20261103T180000Z:sam@example.com",
            id="prep",
        ),
        pytest.param(keys.recap_key(SERIES, START), "recap:oo1a2b3c:20261103T180000Z", id="recap"),
        pytest.param(
            keys.reminder_key(SERIES, START, 2),
            "reminder:oo1a2b3c:20261103T180000Z:2",
            id="reminder",
        ),
        pytest.param(
            keys.move_key(SERIES, START, 1), "move:oo1a2b3c:20261103T180000Z:1", id="move"
        ),
        pytest.param(
            keys.alert_key("unmoved:oo1a2b3c:20261103T1800:ooo"),
            "alert:unmoved:oo1a2b3c:20261103T1800:ooo",
            id="alert",
        ),
        pytest.param(
            keys.digest_key("dana@example.com", dt.date(2026, 12, 7)),
            "digest:dana@example.com:2026-W50",
            id="digest",
        ),
        pytest.param(
            keys.pause_note_key(
                "dana@example.com/sam@example.com", dt.date(2026, 12, 21), dt.date(2027, 1, 1)
            ),
            "pause-note:dana@example.com/sam@example.com:20261221-20270101",
            id="pause-note",
        ),
        pytest.param(
            keys.unmoved_key(SERIES, START_UTC, "out_of_office"),
            "unmoved:oo1a2b3c:20261103T1800:out_of_office",
            id="unmoved",
        ),
        pytest.param(
            keys.busy_unknown_key(SERIES, START_UTC),
            "busy-unknown:oo1a2b3c:20261103T1800",
            id="busy-unknown",
        ),
        pytest.param(
            keys.moved_by_person_key(SERIES, START_UTC),
            "moved-by-person:oo1a2b3c:2026-11-03 18:00:00+00:00",
            id="moved-by-person",
        ),
        pytest.param(
            keys.other_day_key(SERIES, START_UTC), "other-day:oo1a2b3c:20261103", id="other-day"
        ),
        pytest.param(
            keys.auth_revoked_key("dana@example.com", START_UTC),
            "auth-revoked:dana@example.com:20261103",
            id="auth-revoked",
        ),
        pytest.param(
            keys.rep_calendar_key("sam@example.com", START_UTC),
            "rep-calendar:sam@example.com:20261103",
            id="rep-calendar",
        ),
        pytest.param(
            keys.auth_revoked_alert_key("dana@example.com"),
            "auth-revoked:dana@example.com",
            id="auth-revoked-alert",
        ),
        pytest.param(
            keys.usage_limited_key("dana@example.com", START_UTC),
            "usage-limited:dana@example.com:2026110318",
            id="usage-limited",
        ),
        pytest.param(
            keys.sender_parked_key("dana@example.com", START_UTC),
            "sender-parked:dana@example.com:20261103",
            id="sender-parked",
        ),
        pytest.param(keys.recreated_key(SERIES), "recreated:oo1a2b3c", id="recreated"),
        pytest.param(keys.not_adopted_key("abc123"), "not-adopted:abc123", id="not-adopted"),
        pytest.param(
            keys.series_moved_key(SERIES, START),
            "series-moved:oo1a2b3c:Tue 13:00",
            id="series-moved",
        ),
        pytest.param(
            keys.removed_manager_key("dana@example.com"),
            "removed-manager:dana@example.com",
            id="removed-manager",
        ),
    ],
)
def test_every_key_is_built_as_installations_already_stored_it(built: str, stored: str) -> None:
    assert built == stored


def test_keys_stamped_in_utc_are_the_same_whatever_zone_the_start_is_given_in() -> None:
    assert keys.prep_key(SERIES, START, "a@x") == keys.prep_key(SERIES, START_UTC, "a@x")
    assert keys.thread_key(SERIES, START) == keys.thread_key(SERIES, START_UTC)


def test_an_unmoved_key_reads_back_to_its_series_occurrence_and_kind() -> None:
    read = keys.parse_unmoved(keys.unmoved_key(SERIES, START_UTC, "holiday"))
    assert read == keys.Unmoved(SERIES, START_UTC, "holiday")
    assert keys.parse_unmoved("busy-unknown:oo1a2b3c:20261103T1800") is None
    assert keys.parse_unmoved("unmoved:oo1a2b3c:not-a-time:ooo") is None


def test_a_notice_key_names_its_kind_and_the_occurrence_it_is_about() -> None:
    assert keys.kind_of("auth-revoked:dana@example.com:20261103") == "auth-revoked"
    assert keys.occurrence_of("busy-unknown:oo1a2b3c:20261103T1800") == START_UTC
    assert keys.occurrence_of("other-day:oo1a2b3c:20261103") is None
    assert keys.occurrence_of("removed-manager:dana@example.com") is None


def test_ledger_markers_read_unmoved_keys_stored_by_an_earlier_release() -> None:
    markers = markers_from_notices(
        [
            "unmoved:oo1a2b3c:20261103T1800:out_of_office",
            "unmoved:oo1a2b3c:20261110T1800:calendar_conflict",
            "moved-by-person:oo1a2b3c:2026-11-03 18:00:00+00:00",
        ]
    )
    assert (SERIES, START_UTC) in markers.skipped
    assert (SERIES, START_UTC + dt.timedelta(days=7)) in markers.gave_up
    assert len(markers.skipped) + len(markers.gave_up) == 2


@pytest.mark.parametrize(
    "stored",
    [
        pytest.param("recap:oo1a2b3c:20261103T180000Z", id="to-the-second"),
        pytest.param("recap:oo1a2b3c:20261103T1800", id="to-the-minute"),
        pytest.param("recap:oo1a2b3c:2026-11-03", id="by-day"),
    ],
)
def test_a_recap_stored_in_any_earlier_form_counts_for_its_occurrence(stored: str) -> None:
    assert keys.same_occurrence(stored, SERIES, START)
    assert not keys.same_occurrence(stored, "other", START)
    assert not keys.same_occurrence(stored, SERIES, START + dt.timedelta(days=1))


def test_a_notice_names_an_occurrence_by_its_series_and_minute() -> None:
    key = keys.unmoved_key(SERIES, START_UTC, "declined")
    assert keys.names_occurrence(key, SERIES, START_UTC)
    assert keys.names_occurrence(keys.busy_unknown_key(SERIES, START_UTC), SERIES, START_UTC)
    assert not keys.names_occurrence(key, SERIES, START_UTC + dt.timedelta(minutes=1))


def test_the_email_key_ranges_hold_each_key_of_the_window_and_no_other() -> None:
    """The outbox is asked once per manager for the keys in these ranges; a key of the window
    left out would send its email twice, so the bounds are checked key by key."""
    lo, hi = START_UTC - dt.timedelta(days=7), START_UTC + dt.timedelta(days=14)
    pair = "dana@example.com/sam@example.com"
    ranges = [*keys.occurrence_key_ranges(SERIES, lo, hi), keys.pause_note_range(pair)]

    def inside(key: str) -> bool:
        return any(first <= key < past for first, past in ranges)

    def of(moment: dt.datetime, series: str = SERIES) -> list[str]:
        return [
            keys.prep_key(series, moment, "rep"),
            keys.prep_key(series, moment, "manager"),
            keys.recap_key(series, moment),
            *(keys.reminder_key(series, moment, n) for n in (1, 2, 3)),
        ]

    second = dt.timedelta(seconds=1)
    assert all(inside(k) for moment in (lo, START, hi) for k in of(moment))
    assert not any(inside(k) for moment in (lo - second, hi + second) for k in of(moment))
    assert not any(inside(k) for k in of(START, "oo1a2b3c0"))  # a longer id, same prefix
    day = dt.date(2026, 12, 1)
    assert inside(keys.pause_note_key(pair, day, day))
    assert not inside(keys.pause_note_key(pair + ".au", day, day))
    assert not inside(keys.thread_key(SERIES, START))
    assert not inside(keys.move_key(SERIES, START, 1))
