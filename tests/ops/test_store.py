"""The state database's calendar copy: parsed once, and every write shows at once."""

from __future__ import annotations

import datetime as dt

from integrations.state.calendar_cache import PARSED_OWNERS
from integrations.state.store import Store
from scheduler.ports import CalendarEvent

NOW = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)


def event(event_id: str, summary: str, **kw: object) -> CalendarEvent:
    start = NOW + dt.timedelta(hours=1)
    return CalendarEvent(
        id=event_id, summary=summary, start=start, end=start + dt.timedelta(minutes=30), **kw
    )


def summaries(store: Store, owner: str) -> dict[str, str]:
    return {e.id: e.summary for e in store.calendars.events(owner)}


def test_every_write_shows_in_the_next_read(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    try:
        store.calendars.apply_changes("a@x.com", [event("e1", "One")], "t1", full=True, now=NOW)
        assert summaries(store, "a@x.com") == {"e1": "One"}
        store.calendars.put("a@x.com", event("e2", "Two"))
        assert summaries(store, "a@x.com") == {"e1": "One", "e2": "Two"}
        store.calendars.apply_changes(
            "a@x.com", [event("e1", "One, edited")], "t2", full=False, now=NOW
        )
        assert summaries(store, "a@x.com") == {"e1": "One, edited", "e2": "Two"}
        store.calendars.apply_changes("a@x.com", [event("e3", "Three")], "t3", full=True, now=NOW)
        assert summaries(store, "a@x.com") == {"e3": "Three"}
    finally:
        store.close()


def test_a_reader_cannot_change_the_copy_others_get(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    try:
        store.calendars.put("a@x.com", event("e1", "One"))
        store.calendars.events("a@x.com").clear()
        assert summaries(store, "a@x.com") == {"e1": "One"}
    finally:
        store.close()


def test_more_managers_than_are_kept_parsed_all_read_right(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    owners = [f"m{i}@x.com" for i in range(PARSED_OWNERS + 5)]
    try:
        for owner in owners:
            store.calendars.put(owner, event("e", owner))
        for _ in range(2):
            for owner in owners:
                assert summaries(store, owner) == {"e": owner}
        store.calendars.put(owners[0], event("e", "changed after eviction"))
        assert summaries(store, owners[0]) == {"e": "changed after eviction"}
    finally:
        store.close()
    reopened = Store(tmp_path / "state.db")
    try:
        assert summaries(reopened, owners[0]) == {"e": "changed after eviction"}
    finally:
        reopened.close()
