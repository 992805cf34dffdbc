"""Action items survive restarts: a real SQLite file, written and read back."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from integrations.state.items import ActionItems
from integrations.state.store import Store
from scheduler.notes import ActionLine
from scheduler.recap import flagged

PAIR = "dana@example.com/sam@example.com"
OTHER = "dana@example.com/lee@example.com"
DAY1, DAY2, DAY3 = (dt.date(2026, 11, 3) + dt.timedelta(weeks=n) for n in range(3))


def line(owner: str | None, text: str, *, done: bool = False, due: dt.date | None = None):
    return ActionLine(text, owner, due, done, text, owner is not None)


def test_items_round_trip_through_a_real_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "state.db"
    store = Store(path)
    written = ActionItems(store).merge(
        PAIR,
        [
            line("sam@example.com", "send proposal", due=DAY2),
            line("dana@example.com", "intro to legal", done=True),
            line(None, "legal review"),
        ],
        meeting_day=DAY1,
    )
    store.close()
    reopened = Store(path)
    assert ActionItems(reopened).items(PAIR) == written
    assert [i.text for i in ActionItems(reopened).open_items(PAIR)] == [
        "send proposal",
        "legal review",
    ]
    reopened.close()
    with sqlite3.connect(path) as raw:
        (count,) = raw.execute("SELECT count(*) FROM action_items").fetchone()
    assert count == 3


def test_the_ledger_carries_closes_and_flags_across_meetings(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    items = ActionItems(store)
    items.merge(
        PAIR, [line("sam@example.com", "a"), line("sam@example.com", "b")], meeting_day=DAY1
    )
    items.merge(PAIR, [line("sam@example.com", "a", done=True)], meeting_day=DAY2)
    items.merge(PAIR, [], meeting_day=DAY3)
    after = items.items(PAIR)
    assert [(i.text, i.closed_on, i.meetings_open) for i in after] == [
        ("a", DAY2, 1),
        ("b", None, 3),
    ]
    assert [i.text for i in flagged(after)] == ["b"]
    store.close()


def test_merging_the_same_meeting_again_writes_nothing_new(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    items = ActionItems(store)
    lines = [line("sam@example.com", "a"), line(None, "b", done=True)]
    items.merge(PAIR, lines, meeting_day=DAY1)
    once = items.items(PAIR)
    items.merge(PAIR, lines, meeting_day=DAY1)
    assert items.items(PAIR) == once
    store.close()


def test_each_pair_has_its_own_ledger_and_order_is_kept(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.db")
    items = ActionItems(store)
    items.merge(PAIR, [line("sam@example.com", t) for t in "zyx"], meeting_day=DAY1)
    items.merge(OTHER, [line("lee@example.com", "w")], meeting_day=DAY1)
    items.merge(PAIR, [line("sam@example.com", "y", due=DAY3)], meeting_day=DAY2)
    assert [i.text for i in items.items(PAIR)] == ["z", "y", "x"]
    assert items.items(PAIR)[1].due == DAY3
    assert [i.text for i in items.items(OTHER)] == ["w"]
    store.close()
