"""The state database's calendar copy: parsed once and kept, and every write shows at once."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from integrations.state.store import Store
from scheduler.ports import CalendarEvent
from scheduler.vocabulary import EventStatus

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


def reread(tmp_path, owner: str) -> list[CalendarEvent]:
    """The owner's calendar as a new process would parse it from the file."""
    fresh = Store(tmp_path / "state.db")
    try:
        return fresh.calendars.events(owner)
    finally:
        fresh.close()


def test_an_empty_delta_keeps_the_parsed_calendar_as_it_was(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    try:
        store.calendars.apply_changes("a@x.com", [event("e1", "One")], "t1", full=True, now=NOW)
        before = store.calendars.events("a@x.com")
        store.calendars.apply_changes("a@x.com", [], "t2", full=False, now=NOW)
        after = store.calendars.events("a@x.com")
        assert [id(e) for e in after] == [id(e) for e in before]  # not parsed again
        assert store.calendars.sync_token("a@x.com") == "t2"
    finally:
        store.close()


def test_the_kept_copy_after_deltas_and_writes_equals_a_fresh_read_of_the_file(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    owner = "a@x.com"
    series = event("s1", "1:1", recurrence=("RRULE:FREQ=WEEKLY",), private={"oneonone": "series"})
    try:
        store.calendars.apply_changes(owner, [event("e1", "One"), series], "t1", full=True, now=NOW)
        store.calendars.events(owner)
        store.calendars.put(owner, event("e2", "Two"))
        cancelled = CalendarEvent(id="s1", status=EventStatus.CANCELLED, etag='"9"')
        store.calendars.apply_changes(owner, [cancelled], "t2", full=False, now=NOW)
        kept = store.calendars.events(owner)
        assert kept == reread(tmp_path, owner)
        gone = next(e for e in kept if e.id == "s1")
        assert gone.cancelled
        assert gone.private == {"oneonone": "series"}
        assert gone.etag == '"9"'
    finally:
        store.close()


def test_a_thousand_managers_are_all_kept_and_read_right(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    owners = [f"m{i}@x.com" for i in range(1000)]
    try:
        for owner in owners:
            store.calendars.put(owner, event("e", owner))
        for _ in range(2):
            for owner in owners:
                assert summaries(store, owner) == {"e": owner}
        store.calendars.put(owners[0], event("e", "changed later"))
        assert summaries(store, owners[0]) == {"e": "changed later"}
    finally:
        store.close()
    assert [e.summary for e in reread(tmp_path, owners[0])] == ["changed later"]


def test_a_write_that_rolls_back_leaves_no_trace_in_the_kept_copy(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    try:
        store.calendars.put("a@x.com", event("e1", "One"))
        store.calendars.events("a@x.com")
        broken = event("e2", "Two", private={"bad": object()})  # cannot be stored as JSON
        with pytest.raises(TypeError):
            store.calendars.apply_changes(
                "a@x.com", [event("e3", "Three"), broken], "t2", full=False, now=NOW
            )
        assert summaries(store, "a@x.com") == {"e1": "One"}
    finally:
        store.close()


def file_token(path, owner: str) -> str | None:
    reader = Store(path, readonly=True)
    try:
        return reader.calendars.sync_token(owner)
    finally:
        reader.close()


def test_tokens_of_reads_that_changed_nothing_are_written_together_and_on_close(tmp_path) -> None:
    path = tmp_path / "state.db"
    store = Store(path)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        for owner in ("a@x.com", "b@x.com"):
            store.calendars.apply_changes(owner, [event("e1", "One")], "t1", full=True, now=NOW)
            store.calendars.apply_changes(owner, [], "t2", full=False, now=NOW)
        # Seen at once in this process; the file keeps the older token, which is as good
        # (reading from it again gives the same changes) if the process dies now.
        assert store.calendars.sync_token("a@x.com") == "t2"
        assert file_token(path, "a@x.com") == "t1"
        statements.clear()
        store.calendars.write_tokens()
        assert statements.count("BEGIN IMMEDIATE") == 1
        assert (file_token(path, "a@x.com"), file_token(path, "b@x.com")) == ("t2", "t2")
        store.calendars.apply_changes("a@x.com", [], "t3", full=False, now=NOW)
        later = NOW + dt.timedelta(minutes=1)
        store.calendars.apply_changes("b@x.com", [event("e2", "Two")], "t3", full=False, now=later)
        assert file_token(path, "b@x.com") == "t3"  # a read with changes is written at once
        assert store.calendars.synced_at("b@x.com") == later
    finally:
        store.close()
    assert file_token(path, "a@x.com") == "t3"  # closing writes what was left


def commits_of(store: Store) -> list[str]:
    """Every COMMIT the connection sends from now on (each one is an fsync of the file)."""
    seen: list[str] = []
    store.conn.set_trace_callback(lambda sql: seen.append(sql) if sql == "COMMIT" else None)
    return seen


def test_writes_made_inside_one_transaction_are_committed_once_together(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    try:
        commits = commits_of(store)
        with store.transaction():
            store.calendars.put("a@x.com", event("e1", "One"))
            store.series.record("e1", "a@x.com/r@x.com", "a@x.com", 0, NOW)
            store.audit.record(
                at=NOW, pair_key="a@x.com/r@x.com", action="a", reason="r", result="done"
            )
        assert commits == ["COMMIT"]
        other = Store(tmp_path / "state.db")  # what another process reads from the file
        try:
            assert summaries(other, "a@x.com") == {"e1": "One"}
            assert other.series.owners() == {"a@x.com"}
        finally:
            other.close()
    finally:
        store.close()


def test_a_transaction_that_rolls_back_takes_every_write_inside_it_and_the_kept_copy(
    tmp_path,
) -> None:
    store = Store(tmp_path / "state.db")
    try:
        store.calendars.put("a@x.com", event("e1", "One"))

        def full_disk_after_two_writes() -> None:
            with store.transaction():
                store.calendars.put("a@x.com", event("e2", "Two"))  # alone, it would stay
                store.series.record("e2", "a@x.com/r@x.com", "a@x.com", 0, NOW)
                raise RuntimeError("the disk is full")

        with pytest.raises(RuntimeError):
            full_disk_after_two_writes()
        assert summaries(store, "a@x.com") == {"e1": "One"}
        assert store.series.owners() == set()
        other = Store(tmp_path / "state.db")
        try:
            assert summaries(other, "a@x.com") == {"e1": "One"}
        finally:
            other.close()
    finally:
        store.close()


def test_a_write_that_fails_inside_a_transaction_undoes_only_itself(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    try:
        broken = event("e3", "Three", private={"bad": object()})  # cannot be stored as JSON
        with store.transaction():
            store.calendars.put("a@x.com", event("e1", "One"))
            with pytest.raises(TypeError):
                store.calendars.apply_changes(
                    "a@x.com", [event("e2", "Two"), broken], "t2", full=False, now=NOW
                )
        assert summaries(store, "a@x.com") == {"e1": "One"}
        assert store.calendars.sync_token("a@x.com") is None
    finally:
        store.close()


def test_the_kept_calendars_version_is_counted_by_the_file_for_every_write_and_survives_it(
    tmp_path,
) -> None:
    path = tmp_path / "state.db"
    store = Store(path)
    versions: list[int] = [store.calendars.version("a@x.com")]
    try:
        store.calendars.apply_changes("a@x.com", [event("e1", "One")], "t1", full=True, now=NOW)
        versions.append(store.calendars.version("a@x.com"))
        store.calendars.apply_changes("a@x.com", [], "t2", full=False, now=NOW)  # no change
        versions.append(store.calendars.version("a@x.com"))
        store.calendars.put("a@x.com", event("e2", "Two"))
        versions.append(store.calendars.version("a@x.com"))
        with store.transaction() as conn:  # a write by any other code than the cache's own
            conn.execute("UPDATE calendar_cache SET data = data WHERE event_id = 'e1'")
        versions.append(store.calendars.version("a@x.com"))
        assert store.calendars.version("b@x.com") == 0  # another owner's is her own
    finally:
        store.close()
    again = Store(path, readonly=True)
    try:
        assert again.calendars.version("a@x.com") == versions[-1]
    finally:
        again.close()
    assert versions[1] > versions[0]
    assert versions[2] == versions[1]
    assert versions[0] < versions[1] < versions[3] < versions[4]


@pytest.mark.parametrize("folder", ["a#b", "what?mode=rw", "100%25 sure", "plain"])
def test_a_reader_opens_the_very_file_whose_name_has_uri_characters(tmp_path, folder) -> None:
    path = tmp_path / folder / "state.db"
    store = Store(path)
    try:
        store.calendars.apply_changes("a@x.com", [event("e1", "One")], "t1", full=True, now=NOW)
    finally:
        store.close()
    reader = Store(path, readonly=True)
    try:
        assert summaries(reader, "a@x.com") == {"e1": "One"}
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.conn.execute("DELETE FROM calendar_cache")
    finally:
        reader.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]  # no other file was made


def test_a_released_copy_is_decoded_again_with_every_write_since(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    try:
        store.calendars.apply_changes("a@x.com", [event("e1", "One")], "t1", full=True, now=NOW)
        assert summaries(store, "a@x.com") == {"e1": "One"}
        store.calendars.release("a@x.com")
        store.calendars.put("a@x.com", event("e2", "Two"))  # written while not decoded
        assert summaries(store, "a@x.com") == {"e1": "One", "e2": "Two"}
        store.calendars.release("a@x.com")
        store.calendars.apply_changes("a@x.com", [event("e1", "Uno")], "t2", full=False, now=NOW)
        assert summaries(store, "a@x.com") == {"e1": "Uno", "e2": "Two"}
    finally:
        store.close()


def test_one_owners_series_rows_are_those_of_everyones_read_for_her(tmp_path) -> None:
    store = Store(tmp_path / "state.db")
    series = {"oneonone": "series"}
    try:
        for owner in ("a@x.com", "b@x.com"):
            rows = [
                event("s1", "1:1", private=series),
                event("s1_x", "1:1, moved", recurring_event_id="s1"),
                event("o1_x", "someone else's, moved", recurring_event_id="o1"),
                event("m1", "Board prep"),
            ]
            store.calendars.apply_changes(owner, rows, "t1", full=True, now=NOW)
        everyone = store.calendars.series_events()
        hers = store.calendars.series_events("a@x.com")
    finally:
        store.close()
    assert hers == {"a@x.com": everyone["a@x.com"]}
    assert [e.id for e in hers["a@x.com"]] == ["s1", "s1_x"]
