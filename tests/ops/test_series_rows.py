"""``check`` reads only the rows of the service's own series from the cached calendars: the
masters it tagged and the occurrences edited on their own, exactly those the whole calendar's
``owned_series`` and exceptions give, decoded as the whole calendar decodes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from integrations.state.store import Store
from scheduler.owned import exceptions_by_series, owned_series
from scheduler.ports import CalendarEvent
from scheduler.vocabulary import EventStatus

NOW = dt.datetime(2026, 11, 27, 13, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 12, 1, 15, 0, tzinfo=dt.UTC)
DANA = "dana@example.com"


def _event(event_id: str, **fields: object) -> CalendarEvent:
    return CalendarEvent(
        id=event_id,
        start=START,
        end=START + dt.timedelta(minutes=45),
        timezone="America/New_York",
        **fields,  # type: ignore[arg-type]
    )


def _tags(rep: str) -> dict[str, str]:
    return {"oneonone": "series", "oneononeRep": rep, "oneononeGen": "0"}


CALENDAR = [
    _event("sam1", private=_tags("sam@example.com"), recurrence=("RRULE:FREQ=WEEKLY",)),
    _event("sam1_20261208", recurring_event_id="sam1", original_start=START + dt.timedelta(7)),
    _event(
        "sam1_20261215",
        recurring_event_id="sam1",
        original_start=START + dt.timedelta(14),
        status=EventStatus.CANCELLED,
    ),
    _event("ana1", private=_tags("ana@example.com"), recurring_event_id=""),
    _event("team1", summary="Team sync", recurrence=("RRULE:FREQ=WEEKLY",)),
    _event("team1_20261208", recurring_event_id="team1", original_start=START),
    _event("lost_20261208", recurring_event_id="lost", private=_tags("lee@example.com")),
    _event("call", summary="Customer call"),
]


def test_the_series_rows_are_the_owned_masters_and_their_edited_occurrences(
    tmp_path: Path,
) -> None:
    store = Store(tmp_path / "state.db")
    try:
        store.calendars.apply_changes(DANA, CALENDAR, "token-1", full=True, now=NOW)
        whole = store.calendars.events(DANA)
        rows = store.calendars.series_events()
    finally:
        store.close()
    masters = [s.event for history in owned_series(whole).values() for s in history]
    edited = exceptions_by_series(whole)
    expected = sorted(
        [*masters, *(e for m in masters for e in edited.get(m.id, []))], key=lambda e: e.id
    )
    assert [e.id for e in rows[DANA]] == ["ana1", "sam1", "sam1_20261208", "sam1_20261215"]
    assert rows[DANA] == expected
    assert list(rows) == [DANA]
