"""The ledger's decision table on plain values: one state per ended occurrence, in order."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduler.bumps import Occurrence
from scheduler.ledger import LedgerEntry, Markers, classify, markers_from_notices, summarise
from scheduler.model import Pause
from tests.core.builders import pair

NY = ZoneInfo("America/New_York")
PLANNED = dt.datetime(2026, 11, 24, 13, 0, tzinfo=NY).astimezone(dt.UTC)
KEY = ("s1", PLANNED)
PAIR = pair()


def occ(start: dt.datetime = PLANNED, **changes: object) -> Occurrence:
    base = Occurrence(
        series_id="s1",
        original_start=PLANNED,
        start=start,
        end=start + dt.timedelta(minutes=45),
        cancelled=False,
        instance_id=None,
        etag="",
        rep_response="accepted",
        manager_response="accepted",
    )
    return dataclasses.replace(base, **changes)


LATER = PLANNED + dt.timedelta(hours=2)
NEXT_DAY = PLANNED + dt.timedelta(days=1)
PAUSED = dataclasses.replace(
    PAIR, pauses=(Pause(dt.date(2026, 11, 23), dt.date(2026, 11, 27), "PTO"),)
)


@pytest.mark.parametrize(
    ("the_pair", "occurrence", "markers", "holidays", "state"),
    [
        pytest.param(PAIR, occ(), Markers(), (), "held", id="as-planned"),
        pytest.param(PAIR, occ(LATER), Markers(), (), "held_moved", id="later-same-day"),
        pytest.param(PAIR, occ(NEXT_DAY), Markers(), (), "moved_day", id="next-day"),
        pytest.param(PAUSED, occ(), Markers(), (), "skipped", id="in-a-pause"),
        pytest.param(PAUSED, occ(cancelled=True), Markers(), (), "skipped", id="paused-deleted"),
        pytest.param(PAIR, occ(), Markers(skipped=frozenset({KEY})), (), "skipped", id="skip-mark"),
        pytest.param(PAIR, occ(LATER), Markers(skipped=frozenset({KEY})), (), "held_moved",
                     id="skip-mark-but-a-person-moved-it"),
        pytest.param(PAIR, occ(cancelled=True), Markers(), (), "missed", id="deleted"),
        pytest.param(PAIR, occ(), Markers(gave_up=frozenset({KEY})), (), "missed", id="gave-up"),
        pytest.param(PAIR, occ(rep_response="declined"), Markers(), (), "missed", id="rep-no"),
        pytest.param(PAIR, occ(manager_response="declined"), Markers(), (), "missed",
                     id="manager-declined"),
        pytest.param(PAIR, occ(), Markers(), (dt.date(2026, 11, 24),), "skipped", id="holiday"),
        pytest.param(PAIR, occ(NEXT_DAY), Markers(), (dt.date(2026, 11, 24),), "moved_day",
                     id="holiday-moved-to-the-next-day"),
    ],
)  # fmt: skip
def test_each_ended_occurrence_gets_one_state(the_pair, occurrence, markers, holidays, state):
    assert classify(the_pair, occurrence, markers, holidays)[0] == state


def test_the_same_day_means_the_managers_day_not_utc() -> None:
    late_evening = dt.datetime(2026, 11, 24, 21, 0, tzinfo=NY).astimezone(dt.UTC)  # 02:00Z next
    assert late_evening.date() == dt.date(2026, 11, 25)
    assert classify(PAIR, occ(late_evening), Markers())[0] == "held_moved"


def test_markers_are_read_from_the_unmoved_notice_keys() -> None:
    markers = markers_from_notices(
        [
            "unmoved:s1:20261124T1800:out_of_office",
            "unmoved:s1:20261201T1800:holiday",
            "unmoved:s2:20261124T1800:conflict",
            "moved-by-person:s1:whatever",
            "unmoved:s3:garbage:declined",
        ]
    )
    t = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
    assert markers.skipped == {("s1", t), ("s1", t + dt.timedelta(days=7))}
    assert markers.gave_up == {("s2", t)}


def entry(week: int, state: str) -> LedgerEntry:
    start = PLANNED + dt.timedelta(weeks=week)
    return LedgerEntry("k", "s1", start, start, start + dt.timedelta(minutes=45), state, "")  # type: ignore[arg-type]


def test_the_streak_counts_held_back_from_the_last_and_skips_do_not_break_it() -> None:
    entries = [entry(0, "held"), entry(1, "missed"), entry(2, "held_moved"), entry(3, "skipped"),
               entry(4, "moved_day"), entry(5, "held")]  # fmt: skip
    summary = summarise(entries, since=PLANNED)
    assert summary.streak == 3
    assert (summary.held, summary.moved, summary.missed) == (4, 2, 1)
    assert summary.last_held == entries[-1]


def test_the_counts_cover_only_the_window_but_the_streak_goes_further_back() -> None:
    entries = [entry(w, "held") for w in range(10)]
    summary = summarise(entries, since=PLANNED + dt.timedelta(weeks=2))
    assert summary.held == 8
    assert summary.streak == 10


def test_a_miss_last_ends_the_streak() -> None:
    assert summarise([entry(0, "held"), entry(1, "missed")], since=PLANNED).streak == 0
