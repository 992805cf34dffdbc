"""The pair's action items across meetings: open, carry, close, flag, and each person's first."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from scheduler.notes import ActionLine
from scheduler.recap import Item, flagged, item_id, items_for, merge_items

PAIR = "dana@example.com/sam@example.com"
DAY1, DAY2, DAY3, DAY4 = (dt.date(2026, 11, 3) + dt.timedelta(weeks=n) for n in range(4))
SAM, DANA = "sam@example.com", "dana@example.com"


def line(owner: str | None, text: str, *, done: bool = False, due: dt.date | None = None):
    box = "[x]" if done else "[ ]"
    return ActionLine(text, owner, due, done, f"- {box} {owner}: {text}", owner is not None)


def merge(existing: list[Item], lines: list[ActionLine], day: dt.date) -> list[Item]:
    return merge_items(existing, lines, pair_key=PAIR, meeting_day=day)


def test_unchecked_lines_open_items_with_deterministic_ids() -> None:
    items = merge([], [line(SAM, "send proposal", due=DAY2), line(DANA, "intro to legal")], DAY1)
    assert [(i.owner, i.text, i.due, i.open, i.meetings_open) for i in items] == [
        (SAM, "send proposal", DAY2, True, 1),
        (DANA, "intro to legal", None, True, 1),
    ]
    assert items[0].id == item_id(PAIR, SAM, "Send  proposal.")
    assert items[0].id != item_id(PAIR, DANA, "send proposal")
    assert items[0].id != item_id("other@example.com/sam@example.com", SAM, "send proposal")


def test_the_same_item_written_again_is_not_duplicated() -> None:
    first = merge([], [line(SAM, "send proposal")], DAY1)
    again = merge(first, [line(SAM, "Send  Proposal.")], DAY2)
    assert len(again) == 1
    assert again[0].meetings_open == 2


def test_open_items_carry_to_the_next_meeting_even_when_not_mentioned() -> None:
    first = merge([], [line(SAM, "send proposal")], DAY1)
    second = merge(first, [], DAY2)
    assert second[0].open
    assert second[0].meetings_open == 2
    assert second[0].last_meeting == DAY2


def test_a_done_mark_in_later_notes_closes_the_item() -> None:
    first = merge([], [line(SAM, "send proposal"), line(DANA, "intro")], DAY1)
    second = merge(first, [line(SAM, "send proposal", done=True)], DAY2)
    assert [(i.text, i.closed_on) for i in second] == [("send proposal", DAY2), ("intro", None)]
    third = merge(second, [], DAY3)
    assert third[0].meetings_open == 1
    assert third[1].meetings_open == 3


def test_a_done_mark_without_an_owner_closes_the_one_open_item_with_that_text() -> None:
    first = merge([], [line(SAM, "send proposal")], DAY1)
    second = merge(first, [line(None, "send proposal", done=True)], DAY2)
    assert len(second) == 1
    assert second[0].closed_on == DAY2


def test_an_item_done_in_the_meeting_itself_is_recorded_closed() -> None:
    (item,) = merge([], [line(DANA, "intro to legal", done=True)], DAY1)
    assert item.closed_on == DAY1
    assert not item.open


def test_a_done_mark_wins_over_the_same_item_listed_open_in_the_same_notes() -> None:
    first = merge([], [line(SAM, "send proposal")], DAY1)
    second = merge(first, [line(SAM, "send proposal"), line(SAM, "send proposal", done=True)], DAY2)
    assert second[0].closed_on == DAY2


def test_a_closed_item_written_again_later_is_open_again() -> None:
    closed = merge(
        merge([], [line(SAM, "call Bob")], DAY1), [line(SAM, "call Bob", done=True)], DAY2
    )
    reopened = merge(closed, [line(SAM, "call Bob")], DAY3)
    assert reopened[0].open


def test_merging_the_same_notes_twice_changes_nothing() -> None:
    lines = [line(SAM, "send proposal"), line(DANA, "intro", done=True), line(None, "legal review")]
    once = merge(merge([], [line(SAM, "send proposal")], DAY1), lines, DAY2)
    twice = merge(once, lines, DAY2)
    assert twice == once


def test_a_newly_written_due_date_updates_the_open_item() -> None:
    first = merge([], [line(SAM, "send proposal")], DAY1)
    second = merge(first, [line(SAM, "send proposal", due=DAY3)], DAY2)
    assert second[0].due == DAY3


def test_items_open_across_three_meetings_are_flagged() -> None:
    items = merge([], [line(SAM, "send proposal"), line(DANA, "intro")], DAY1)
    items = merge(items, [line(DANA, "intro", done=True)], DAY2)
    assert flagged(items) == []
    items = merge(items, [], DAY3)
    assert [i.text for i in flagged(items)] == ["send proposal"]
    items = merge(items, [line(SAM, "send proposal", done=True)], DAY4)
    assert flagged(items) == []


def test_each_person_sees_their_own_open_items_first() -> None:
    items = merge(
        [],
        [
            line(DANA, "intro"),
            line(SAM, "proposal"),
            line(None, "legal"),
            line(SAM, "done", done=True),
            line(SAM, "deck"),
        ],
        DAY1,
    )
    assert [i.text for i in items_for(items, SAM)] == ["proposal", "deck", "intro", "legal"]
    assert [i.text for i in items_for(items, "DANA@example.com")] == [
        "intro",
        "proposal",
        "legal",
        "deck",
    ]


meetings = st.lists(
    st.lists(
        st.tuples(st.sampled_from([SAM, DANA, None]), st.sampled_from("abcd"), st.booleans()),
        max_size=6,
    ),
    min_size=1,
    max_size=6,
)


@given(meetings)
def test_merging_is_idempotent_and_never_duplicates_an_item(history) -> None:
    items: list[Item] = []
    for n, written in enumerate(history):
        day = DAY1 + dt.timedelta(weeks=n)
        lines = [line(owner, text, done=done) for owner, text, done in written]
        items = merge(items, lines, day)
        assert merge(items, lines, day) == items
        assert len({i.id for i in items}) == len(items)
        assert all(1 <= i.meetings_open <= n + 1 for i in items)
