"""Pauses: which days a pair does not meet, the one note per pause, and what that note says."""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.mail.render import Renderer
from scheduler.config import parse_config
from scheduler.model import Pair, Pause
from scheduler.pauses import (
    pause_context,
    pause_for,
    pause_note_key,
    paused_at,
    pauses_to_announce,
    resume_date,
)
from tests.agenda.builders import pair as base_pair
from tests.agenda.builders import person

HOLIDAYS = Pause(dt.date(2026, 12, 21), dt.date(2027, 1, 4), "the holidays")
LEAVE = Pause(dt.date(2027, 1, 4), dt.date(2027, 1, 15), "parental leave")
LATER = Pause(dt.date(2027, 3, 1), dt.date(2027, 3, 5), "")


def paired(*pauses: Pause, manager_tz: str = "America/New_York") -> Pair:
    base = base_pair()
    manager = dataclasses.replace(base.manager, timezone=manager_tz)
    return dataclasses.replace(base, manager=manager, pauses=pauses)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(dt.date(2026, 12, 20), None, id="the-day-before"),
        pytest.param(dt.date(2026, 12, 21), HOLIDAYS, id="first-day-counts"),
        pytest.param(dt.date(2026, 12, 29), HOLIDAYS, id="inside"),
        pytest.param(dt.date(2027, 1, 4), LEAVE, id="overlap-takes-the-later-end"),
        pytest.param(dt.date(2027, 1, 15), LEAVE, id="last-day-counts"),
        pytest.param(dt.date(2027, 1, 16), None, id="the-day-after"),
        pytest.param(dt.date(2027, 3, 3), LATER, id="a-second-pause"),
    ],
)
def test_a_pause_covers_its_days_inclusively(day: dt.date, expected: Pause | None) -> None:
    assert pause_for(paired(HOLIDAYS, LEAVE, LATER), day) == expected


def test_a_pair_without_pauses_is_never_paused() -> None:
    assert pause_for(paired(), dt.date(2026, 12, 25)) is None


def test_the_day_of_a_meeting_is_read_on_the_managers_wall_clock() -> None:
    fiji = paired(HOLIDAYS, manager_tz="Pacific/Fiji")
    # 12:00 UTC on 20 Dec is already 21 Dec (00:00 +12) in Fiji, the first day of the pause.
    assert paused_at(fiji, dt.datetime(2026, 12, 20, 12, 0, tzinfo=dt.UTC)) == HOLIDAYS
    assert paused_at(fiji, dt.datetime(2026, 12, 20, 11, 59, tzinfo=dt.UTC)) is None
    new_york = paired(HOLIDAYS)
    assert paused_at(new_york, dt.datetime(2026, 12, 21, 4, 59, tzinfo=dt.UTC)) is None
    assert paused_at(new_york, dt.datetime(2026, 12, 21, 5, 0, tzinfo=dt.UTC)) == HOLIDAYS


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        paused_at(paired(HOLIDAYS), dt.datetime(2026, 12, 22, 10, 0))


def test_the_pair_resumes_after_every_pause_that_touches_or_overlaps() -> None:
    adjacent = Pause(dt.date(2027, 1, 16), dt.date(2027, 1, 20), "training")
    assert resume_date(paired(HOLIDAYS), HOLIDAYS) == dt.date(2027, 1, 5)
    assert resume_date(paired(HOLIDAYS, LEAVE), HOLIDAYS) == dt.date(2027, 1, 16)
    assert resume_date(paired(HOLIDAYS, LEAVE, adjacent), HOLIDAYS) == dt.date(2027, 1, 21)
    assert resume_date(paired(HOLIDAYS, LEAVE, LATER), HOLIDAYS) == dt.date(2027, 1, 16)


def test_the_note_key_names_the_pair_and_the_dates_but_not_the_reason() -> None:
    pair = paired(HOLIDAYS)
    key = pause_note_key(pair, HOLIDAYS)
    assert key == "pause-note:dana@example.com/sam@example.com:20261221-20270104"
    assert pause_note_key(pair, dataclasses.replace(HOLIDAYS, reason="time off")) == key
    assert pause_note_key(pair, dataclasses.replace(HOLIDAYS, until=dt.date(2027, 1, 8))) != key
    other_rep = dataclasses.replace(pair, rep=person("Priya Raman", "Europe/London"))
    assert pause_note_key(other_rep, HOLIDAYS) != key


def tuesdays(first: dt.date, count: int) -> list[dt.datetime]:
    """10:00 New York on ``count`` Tuesdays from ``first``, as aware UTC."""
    return [
        dt.datetime.combine(first + dt.timedelta(weeks=i), dt.time(15, 0), tzinfo=dt.UTC)
        for i in range(count)
    ]


def test_only_pauses_that_cover_a_coming_meeting_are_announced_once_each() -> None:
    long_weekend = Pause(dt.date(2026, 12, 10), dt.date(2026, 12, 13), "offsite")  # Thu–Sun
    pair = paired(long_weekend, HOLIDAYS, LATER)
    starts = tuesdays(dt.date(2026, 12, 8), 3)  # 8, 15, 22 Dec: only 22 Dec is paused
    assert pauses_to_announce(pair, starts) == [HOLIDAYS]
    assert pauses_to_announce(pair, tuesdays(dt.date(2026, 12, 22), 3)) == [HOLIDAYS]
    assert pauses_to_announce(pair, tuesdays(dt.date(2026, 11, 3), 4)) == []


def test_announced_pauses_come_in_date_order_whatever_the_order_of_starts() -> None:
    pair = paired(HOLIDAYS, LEAVE)
    starts = tuesdays(dt.date(2026, 12, 22), 4)  # 22, 29 Dec (holidays); 5, 12 Jan (leave)
    assert pauses_to_announce(pair, reversed(starts)) == [HOLIDAYS, LEAVE]


@given(
    st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)),
    st.integers(0, 30),
    st.dates(dt.date(2025, 12, 1), dt.date(2028, 1, 31)),
)
def test_a_day_is_paused_exactly_when_it_lies_between_the_ends(
    start: dt.date, length: int, day: dt.date
) -> None:
    pause = Pause(start, start + dt.timedelta(days=length), "x")
    inside = start <= day <= pause.until
    assert (pause_for(paired(pause), day) == pause) is inside
    assert (pause_for(paired(pause), day) is None) is not inside


def test_the_note_says_why_until_when_and_the_first_meeting_back_in_the_reps_zone() -> None:
    pair = paired(HOLIDAYS, LEAVE)
    first_back = dt.datetime(2027, 1, 19, 15, 0, tzinfo=dt.UTC)  # Tue 10:00 New York
    email = Renderer().render(
        "pause_note", **pause_context(pair, HOLIDAYS, next_meeting=first_back)
    )
    assert "\n" not in email.subject
    assert "Mon 4 Jan 2027" in email.subject
    assert "the holidays" in email.text
    assert "Dana Whitfield and Sam Ortiz" in email.text
    assert "Sat 16 Jan 2027" in email.text  # after the rep's leave too
    assert "Tue 19 Jan, 07:00 PST (America/Los_Angeles)" in email.text
    assert "Tue 19 Jan, 07:00 PST" in email.html
    assert email.html.startswith("<!DOCTYPE html>")


def test_a_note_without_reason_or_known_next_meeting_reads_cleanly() -> None:
    email = Renderer().render("pause_note", **pause_context(paired(LATER), LATER))
    assert "paused, from Mon 1 Mar 2027 to Fri 5 Mar 2027." in email.text
    assert "first one back" not in email.text
    assert "()" not in email.subject
    assert "{{" not in email.text
    assert "None" not in email.text


def test_a_reason_with_markup_is_escaped_in_the_html_part() -> None:
    evil = Pause(dt.date(2027, 3, 1), dt.date(2027, 3, 5), "<b>offsite</b>")
    email = Renderer().render("pause_note", **pause_context(paired(evil), evil))
    assert "<b>offsite</b>" not in email.html
    assert "&lt;b&gt;offsite&lt;/b&gt;" in email.html


def test_pauses_set_on_the_manager_and_on_the_rep_in_yaml_both_apply(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """
        timezone: America/New_York
        managers:
          - name: Dana Whitfield
            email: dana@example.com
            pause: {from: 2026-12-21, until: 2027-01-04, reason: holidays}
            reps:
              - name: Sam Ortiz
                email: sam@example.com
                day: tuesday
                time: "10:00"
                pause: {from: 2027-01-04, until: 2027-01-15, reason: parental leave}
              - {name: Priya Raman, email: priya@example.com, day: wednesday, time: "11:00"}
        """
    )
    config = parse_config(text, filename="config.yaml", base_dir=tmp_path)
    sam, priya = config.pairs
    assert pause_for(sam, dt.date(2026, 12, 23)).reason == "holidays"  # type: ignore[union-attr]
    assert pause_for(sam, dt.date(2027, 1, 12)).reason == "parental leave"  # type: ignore[union-attr]
    assert pause_for(priya, dt.date(2026, 12, 23)).reason == "holidays"  # type: ignore[union-attr]
    assert pause_for(priya, dt.date(2027, 1, 12)) is None
