"""Event reads: events.list (full and incremental), events.instances and freebusy.query.

Recurring masters are expanded here (in their own time zone) with stored exceptions laid over
the virtual instances; freebusy reuses the same expansion to decide what blocks time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from typing import Any

from integrations.sandbox import paging, recurrence
from integrations.sandbox.errors import ApiError, bad_request
from integrations.sandbox.org import Org
from integrations.sandbox.paging import Params, one
from integrations.sandbox.store import Row, Store

_NO_SYNC_WITH = (
    "iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty",
    "timeMin", "timeMax", "updatedMin",
)  # fmt: skip
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_YEAR = dt.timedelta(days=366)
Keyed = tuple[list[str], dict[str, Any]]


def span(data: dict[str, Any], tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    return recurrence.resolve(data["start"], tz), recurrence.resolve(data["end"], tz)


def expand(
    rows: dict[str, Row], master: dict[str, Any], lo: dt.datetime, hi: dt.datetime
) -> Iterator[dict[str, Any]]:
    """Virtual instances of ``master`` whose original start is near [lo, hi), minus the ones
    an exception replaces (exceptions are stored rows and are listed on their own)."""
    for occurrence in recurrence.occurrences(master, lo, hi):
        instance = recurrence.make_instance(master, occurrence)
        if instance["id"] not in rows:
            yield instance


def cancelled_stub(data: dict[str, Any]) -> dict[str, Any]:
    stub = {"kind": "calendar#event", "etag": data.get("etag"), "id": data["id"]}
    stub["status"] = "cancelled"
    for key in ("recurringEventId", "originalStartTime"):
        if key in data:
            stub[key] = data[key]
    return stub


class Reads:
    def __init__(
        self,
        store: Store,
        now: Callable[[], dt.datetime],
        rng: random.Random,
        org: Org | None = None,
    ) -> None:
        self.store = store
        self.now = now
        self.rng = rng
        self.org = org or Org()
        self.page_jitter = 0.0  # probability that a page is cut short at random

    # -- events.list --------------------------------------------------------------------
    def list_events(self, cal: str, params: Params) -> dict[str, Any]:
        meta = self.store.calendar(cal)
        size = paging.max_results(params)
        cursor = paging.page_cursor(params)
        if one(params, "orderBy") == "startTime" and not paging.flag(params, "singleEvents"):
            raise bad_request("The requested ordering is not available for the particular query.")
        if one(params, "orderBy") not in (None, "startTime", "updated"):
            raise bad_request("Invalid value for orderBy.")
        token = one(params, "syncToken")
        snapshot = int(cursor["s"]) if cursor else self.store.seq
        if token is not None:
            since = self._check_sync(cal, token, params)
            items = self._changes(cal, since, paging.flag(params, "singleEvents"))
        else:
            items = self._full(cal, params, meta.time_zone)
        items.sort(key=lambda item: item[0])
        page, rest = self._page(paging.after(items, cursor["k"] if cursor else None), size)
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": f'"{snapshot}"',
            "summary": cal,
            "updated": recurrence.format_stamp(self.now()),
            "timeZone": meta.time_zone,
            "accessRole": "owner",
            "defaultReminders": [],
            "items": [recurrence.clone(item) for _, item in page],
        }
        if rest:
            body["nextPageToken"] = paging.encode({"k": page[-1][0] if page else (
                cursor["k"] if cursor else [""]), "s": snapshot})  # fmt: skip
        elif not any(name in params for name in _NO_SYNC_WITH):
            body["nextSyncToken"] = paging.encode({"c": cal, "s": snapshot})
        return body

    def _changes(self, cal: str, since: int, single: bool) -> list[Keyed]:
        """Rows changed after ``since``; with singleEvents a changed series comes expanded."""
        rows = self.store.rows(cal)
        hi = self.now() + _YEAR
        items: list[Keyed] = []
        for event_id, row in rows.items():
            if row.seq <= since:
                continue
            stamp = f"{row.seq:020d}"
            if single and row.data.get("recurrence") and row.data.get("status") != "cancelled":
                items += [([stamp, i["id"]], i) for i in expand(rows, row.data, _EPOCH, hi)]
            else:
                items.append(([stamp, event_id], _sync_item(row)))
        return items

    def _check_sync(self, cal: str, token: str, params: Params) -> int:
        if any(name in params for name in _NO_SYNC_WITH):
            raise bad_request("Sync token cannot be combined with the given filters.", "invalid")
        if one(params, "showDeleted") == "false":
            raise bad_request("showDeleted=false cannot be used with a sync token.", "invalid")
        decoded = paging.decode(token)
        meta = self.store.calendar(cal)
        if (
            decoded is None
            or decoded.get("c") != cal
            or not isinstance(decoded.get("s"), int)
            or decoded["s"] < meta.sync_floor
            or decoded["s"] > self.store.seq
        ):
            raise ApiError(
                410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required."
            )
        return int(decoded["s"])

    def _page(self, items: list[Keyed], size: int) -> tuple[list[Keyed], bool]:
        take = size
        if self.page_jitter and len(items) > 0 and self.rng.random() < self.page_jitter:
            take = self.rng.randint(0, min(size, len(items)))
        return items[:take], len(items) > take

    def _full(self, cal: str, params: Params, tz_name: str) -> list[Keyed]:
        tz = recurrence.zone(tz_name)
        time_min, time_max = paging.window(params)
        single = paging.flag(params, "singleEvents")
        show_deleted = paging.flag(params, "showDeleted")
        lo = time_min or _EPOCH
        hi = time_max or (time_min or self.now()) + _YEAR
        rows = self.store.rows(cal)
        found: list[dict[str, Any]] = []
        for row in rows.values():
            data = row.data
            cancelled = data.get("status") == "cancelled"
            is_master = bool(data.get("recurrence"))
            if cancelled and not _keep_cancelled(data, single, show_deleted):
                continue
            if is_master and single:
                if not cancelled:
                    found.extend(i for i in expand(rows, data, lo, hi) if _in(i, lo, hi, tz))
            elif is_master:
                unbounded = time_min is None and time_max is None
                if unbounded or any(True for _ in expand({}, data, lo, hi)):
                    found.append(data)
            elif (time_min is None and time_max is None) or _in(data, lo, hi, tz):
                found.append(data)
        found = [d for d in found if _matches(d, params)]
        return [(self._key(d, params, tz), d) for d in found]

    @staticmethod
    def _key(data: dict[str, Any], params: Params, tz: dt.tzinfo) -> list[str]:
        order = one(params, "orderBy")
        if order == "startTime":
            return [recurrence.format_utc(recurrence.resolve(data["start"], tz)), data["id"]]
        if order == "updated":
            return [str(data.get("updated", "")), data["id"]]
        return [data["id"]]

    # -- events.instances ---------------------------------------------------------------
    def instances(self, cal: str, master: dict[str, Any], params: Params) -> dict[str, Any]:
        tz = recurrence.zone(self.store.calendar(cal).time_zone)
        size = paging.max_results(params)
        cursor = paging.page_cursor(params)
        time_min, time_max = paging.window(params)
        show_deleted = paging.flag(params, "showDeleted")
        if master.get("status") == "cancelled":
            raise ApiError(410, "deleted", "Resource has been deleted")
        if not master.get("recurrence"):
            candidates = [master]
        else:
            start = recurrence.resolve(master["start"], tz)
            lo = time_min or start
            hi = time_max or max(lo, self.now()) + _YEAR
            rows = self.store.rows(cal)
            candidates = list(expand(rows, master, lo, hi))
            candidates += [
                r.data for r in rows.values() if r.data.get("recurringEventId") == master["id"]
            ]
        original = paging.moment(params, "originalStart")
        items = []
        for data in candidates:
            if data.get("status") == "cancelled" and not show_deleted:
                continue
            begins, ends = span(data, tz)
            if (time_min and ends < time_min) or (time_max and begins >= time_max):
                continue
            if original and _original_start(data, tz) != original:
                continue
            items.append(([recurrence.format_utc(begins), data["id"]], data))
        items.sort(key=lambda item: item[0])
        page, rest = self._page(paging.after(items, cursor["k"] if cursor else None), size)
        body: dict[str, Any] = {
            "kind": "calendar#events",
            "summary": cal,
            "updated": recurrence.format_stamp(self.now()),
            "timeZone": self.store.calendar(cal).time_zone,
            "accessRole": "owner",
            "items": [recurrence.clone(item) for _, item in page],
        }
        if rest:
            last = page[-1][0] if page else (cursor["k"] if cursor else [""])
            body["nextPageToken"] = paging.encode({"k": last, "s": self.store.seq})
        return body

    # -- freebusy.query -----------------------------------------------------------------
    def freebusy(self, body: dict[str, Any], user: str) -> dict[str, Any]:
        try:
            lo = recurrence.parse_rfc3339(str(body.get("timeMin", "")))
            hi = recurrence.parse_rfc3339(str(body.get("timeMax", "")))
        except ValueError as exc:
            raise bad_request("Bad Request") from exc
        if lo >= hi:
            raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.")
        calendars: dict[str, Any] = {}
        for index, item in enumerate(body.get("items") or []):
            asked = str(item.get("id", ""))
            cal = user if asked == "primary" else asked.lower()
            meta = self.store.calendars.get(cal)
            if index >= 50:
                calendars[asked] = _fb_error("tooManyCalendarsRequested")
            elif meta is not None and meta.freebusy_error:
                calendars[asked] = _fb_error(meta.freebusy_error)
            elif not self.org.same_organisation(user, cal):
                # A calendar the caller cannot see: Google answers 200 with a per-calendar
                # error (FreeBusyCalendar.errors in the freebusy.query reference), never "free".
                calendars[asked] = _fb_error("notFound")
            else:
                calendars[asked] = {"busy": self._busy(cal, lo, hi)}
        return {
            "kind": "calendar#freeBusy",
            "timeMin": recurrence.format_utc(lo),
            "timeMax": recurrence.format_utc(hi),
            "calendars": calendars,
        }

    def _busy(self, cal: str, lo: dt.datetime, hi: dt.datetime) -> list[dict[str, str]]:
        meta = self.store.calendars.get(cal)
        if meta is None:
            return []
        tz = recurrence.zone(meta.time_zone)
        rows = self.store.rows(cal)
        spans: list[tuple[dt.datetime, dt.datetime]] = []
        for row in rows.values():
            if not _blocks(row.data, cal):
                continue
            pieces = expand(rows, row.data, lo, hi) if row.data.get("recurrence") else [row.data]
            for data in pieces:
                begins, ends = span(data, tz)
                if begins < hi and ends > lo:
                    spans.append((max(begins, lo), min(ends, hi)))
        merged: list[list[dt.datetime]] = []
        for begins, ends in sorted(spans):
            if merged and begins <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], ends)
            else:
                merged.append([begins, ends])
        return [
            {"start": recurrence.format_utc(b), "end": recurrence.format_utc(e)} for b, e in merged
        ]


def _fb_error(reason: str) -> dict[str, Any]:
    return {"busy": [], "errors": [{"domain": "global", "reason": reason}]}


def _blocks(data: dict[str, Any], owner: str) -> bool:
    if data.get("status") not in ("confirmed", "tentative", None):
        return False
    if data.get("transparency") == "transparent" or data.get("eventType") == "workingLocation":
        return False
    return all(
        not (a.get("email") == owner and a.get("responseStatus") == "declined")
        for a in data.get("attendees") or []
    )


def _keep_cancelled(data: dict[str, Any], single: bool, show_deleted: bool) -> bool:
    if data.get("recurrence"):
        return show_deleted and not single
    if data.get("recurringEventId"):
        return True if not single else show_deleted
    return show_deleted


def _in(data: dict[str, Any], lo: dt.datetime, hi: dt.datetime, tz: dt.tzinfo) -> bool:
    begins, ends = span(data, tz)
    return ends > lo and begins < hi


def _original_start(data: dict[str, Any], tz: dt.tzinfo) -> dt.datetime:
    return recurrence.resolve(data.get("originalStartTime") or data["start"], tz)


def _sync_item(row: Row) -> dict[str, Any]:
    if row.data.get("status") == "cancelled":
        return cancelled_stub(row.data)
    return row.data


def _matches(data: dict[str, Any], params: Params) -> bool:
    ext = data.get("extendedProperties") or {}
    for kind in ("private", "shared"):
        props = ext.get(kind) or {}
        for pair in params.get(f"{kind}ExtendedProperty", []):
            name, _, value = pair.partition("=")
            if props.get(name) != value:
                return False
    text = (one(params, "q") or "").lower()
    haystack = " ".join(str(data.get(k, "")) for k in ("summary", "description", "location"))
    if text and text not in haystack.lower():
        return False
    updated_min = paging.moment(params, "updatedMin")
    if updated_min and recurrence.parse_rfc3339(str(data.get("updated"))) < updated_min:
        return False
    if one(params, "iCalUID") and data.get("iCalUID") != one(params, "iCalUID"):
        return False
    types = params.get("eventTypes")
    return not types or data.get("eventType", "default") in types
