"""The Google Calendar adapter: the ``Calendar`` port over google-api-python-client.

It translates between Google's event JSON and ``scheduler.ports.CalendarEvent``, and between
HTTP errors and ``scheduler.errors``. Every call acts as the owner (the manager) on their
primary calendar; ``sendUpdates`` is chosen per write and the reason is written next to it.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import google_auth_httplib2

from integrations.google.event_json import (
    _parse_dt,
    _z,
    from_google,
    series_body,
    to_google_changes,
)
from integrations.google.retry import Pacer, call_with_retries, to_domain_error
from scheduler import errors
from scheduler.ports import (
    BusyAnswer,
    CalendarEvent,
    Changes,
    EventPatch,
    SeriesSpec,
    Write,
)

PAGE_SIZE = 2500
BATCH_SIZE = 50  # Google advises batches of at most 50 calls

# Who hears of each write from Google itself, by what the write is for. The reference
# (events.insert/patch, ``sendUpdates``): "all" — "Notifications are sent to all guests";
# "externalOnly" — "Notifications are sent to non-Google Calendar guests only"; "none" — "No
# notifications are sent. Warning: Using the value none can have significant adverse effects,
# including events not syncing to external calendars". A guest on Google Calendar sees every
# write in their own copy whatever the value; the value decides who gets an email, and a guest
# without Google Calendar learns of a change only from an email (Google's, or the iCalendar part
# of ours). A rep's inbox holds each piece of news once.
SEND_UPDATES: Mapping[Write, str] = {
    # A repair (rep re-invited, title or length back to the config's) or an adoption that sets
    # the configured length: the guests should see it, and Google's email is the only word.
    Write.CHANGE: "all",
    # The agenda in the description, the adoption tags, private properties: no news to anyone
    # (with "all" each weekly agenda would mail the rep an "Updated invitation").
    Write.BOOKKEEPING: "none",
    # A moved occurrence: the service's move notice is the one message, and it carries an
    # iCalendar REQUEST for that occurrence, so a calendar outside Google moves it too.
    Write.MOVE: "none",
    # Occurrences cancelled for a pause: the pause note is the one message, with an iCalendar
    # CANCEL for each, so a calendar outside Google drops them too.
    Write.PAUSE_CANCEL: "none",
    # An occurrence back after a pause was lifted or shortened: no note of ours says so, so
    # Google's invitation for that occurrence is the one message, to every guest.
    Write.PAUSE_RESTORE: "all",
    # A series ends with nothing after it (rep or manager removed): Google's update (the series
    # now stops) is the one message, to every guest.
    Write.END: "all",
    # A series ends and a new one takes over (a schedule change): Google's invitation to the
    # new series tells a guest on Google Calendar, whose copy of the old one ends silently; a
    # guest outside Google also needs the old series' update, or their calendar keeps it.
    Write.END_REPLACED: "externalOnly",
    # An occurrence edited on its own (moved, or holding an agenda) after the end of its series
    # is not cut by UNTIL and is cancelled beside it. The series' end was the word to a guest on
    # Google Calendar; a calendar outside Google may hold that occurrence on its own (from a
    # move notice) and needs its cancellation.
    Write.END_EXCEPTION: "externalOnly",
}
CREATE_SEND_UPDATES = "all"  # a new series: Google's invitation is how the rep learns of it


class GoogleCalendar:
    """``Calendar`` for Google (or the sandbox).

    ``resource()`` gives this thread's built Calendar v3 resource and ``http_for(owner)`` a
    connection authorised as that owner; every request is executed with it.
    """

    def __init__(
        self,
        resource: Callable[[], Any],
        http_for: Callable[[str], Any],
        *,
        execute: Callable[[Callable[[], Any]], Any] | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        self._resource = resource
        self._http_for = http_for
        self._pacer = pacer
        self._local = threading.local()
        self._execute = execute or functools.partial(
            call_with_retries, sleep=time.sleep, rand=random.random
        )

    def _events(self, owner: str) -> Any:
        """This thread's ``events()`` resource (building one costs ~1.5 ms, so it is kept)."""
        events = getattr(self._local, "events", None)
        if events is None:
            events = self._local.events = self._resource().events()
        return events

    def _run(self, owner: str, request: Any) -> Any:
        if self._pacer is not None:  # stay under Google's per-user rate, whatever the pass does
            self._pacer.wait(owner)
        return self._execute(functools.partial(request.execute, http=self._http_for(owner)))

    def changes(self, owner: str, token: str | None) -> Changes:
        events = self._events(owner)
        request = events.list(**_list_params(token))
        return self._read_on(owner, events, request, self._run(owner, request), full=not token)

    def _read_on(
        self, owner: str, events: Any, request: Any, page: dict[str, Any], *, full: bool
    ) -> Changes:
        """The read whose first ``page`` answered ``request``: the next pages, then the token."""
        items: list[CalendarEvent] = []
        next_token = ""
        while True:
            items += [from_google(i) for i in page.get("items", [])]
            next_token = page.get("nextSyncToken", next_token)
            request = events.list_next(request, page)
            if request is None:
                return Changes(tuple(items), next_token, full=full)
            page = self._run(owner, request)

    def first_reads(self, owners: Sequence[str]) -> dict[str, Changes]:
        """Full reads of many calendars, each as its owner, the first pages in shared batches
        of 50 (the way ``create_many`` inserts): a cold start's reads of a thousand calendars
        in 20 round trips instead of 1,000.

        A batched ``events.list`` part is the same request as alone, with its owner's token in
        its own Authorization header, which Google applies to that part alone. Each owner's
        token is refreshed first (a part cannot refresh it). An owner whose refresh or part
        fails is left out of the answer, to be read alone with the usual retries and errors.
        """
        events = self._events("")
        pages: dict[str, dict[str, Any]] = {}

        def done(request_id: str, response: Any, exception: Exception | None) -> None:
            if exception is None:
                pages[request_id] = response

        fresh = [(owner, http) for owner in owners if (http := self._fresh_http(owner))]
        requests: list[Any] = []
        for lo in range(0, len(fresh), BATCH_SIZE):
            batch = self._resource().new_batch_http_request(callback=done)
            for owner, http in fresh[lo : lo + BATCH_SIZE]:
                if self._pacer is not None:  # each part counts against its owner's quota
                    self._pacer.wait(owner)
                request = events.list(**_list_params(None))
                http.credentials.apply(request.headers)
                request.http = http.http
                batch.add(request, request_id=str(len(requests)))
                requests.append(request)
            try:
                self._execute(functools.partial(batch.execute, http=fresh[lo][1].http))
            except errors.OneOnOneError:  # these owners' calendars are read alone instead
                continue
        return {
            fresh[int(i)][0]: self._read_on(
                fresh[int(i)][0], events, requests[int(i)], page, full=True
            )
            for i, page in pages.items()
        }

    def _fresh_http(self, owner: str) -> Any:
        """The owner's authorised connection with a valid access token, or None (no
        credentials of that kind, or the refresh failed: the read alone will say why)."""
        try:
            http = self._http_for(owner)
            creds = getattr(http, "credentials", None)
            if creds is not None and not creds.valid:
                creds.refresh(google_auth_httplib2.Request(http.http))
        except Exception:  # no login, or a refused one: the owner's own read reports it
            return None
        return http if creds is not None and creds.valid else None

    def get(self, owner: str, event_id: str) -> CalendarEvent | None:
        try:
            item = self._run(owner, self._events(owner).get(calendarId="primary", eventId=event_id))
        except errors.NotFound:
            return None
        return from_google(item)

    def create_series(self, owner: str, spec: SeriesSpec) -> CalendarEvent:
        request = self._events(owner).insert(
            calendarId="primary", body=series_body(spec), sendUpdates=CREATE_SEND_UPDATES
        )
        return from_google(self._run(owner, request))

    def create_many(
        self, items: Sequence[tuple[str, SeriesSpec]]
    ) -> list[CalendarEvent | Exception]:
        """Insert many series, each as its owner, in batches of 50: one round trip per batch.

        A batch may hold several owners' inserts. Google applies a part's own Authorization to
        that part alone, and each part carries its owner's; the quota still counts every part
        against its owner. A part whose owner's access token is
        not fresh is not sent: it comes back as an error, to be made alone.
        """
        events = self._events("")
        results: dict[str, CalendarEvent | Exception] = {}

        def done(request_id: str, response: Any, exception: Exception | None) -> None:
            if exception is not None:
                results[request_id] = map_error(exception)
            else:
                results[request_id] = from_google(response)

        for lo in range(0, len(items), BATCH_SIZE):
            batch = self._resource().new_batch_http_request(callback=done)
            outer = None
            for i, (owner, spec) in enumerate(items[lo : lo + BATCH_SIZE], start=lo):
                http = self._http_for(owner)
                creds = getattr(http, "credentials", None)
                if creds is not None and not creds.valid:
                    results[str(i)] = errors.TransientError("the access token needs a refresh")
                    continue
                if self._pacer is not None:  # each part counts against its owner's quota
                    self._pacer.wait(owner)
                request = events.insert(
                    calendarId="primary", body=series_body(spec), sendUpdates=CREATE_SEND_UPDATES
                )
                if creds is not None:
                    # The part carries its owner's token in its own Authorization header
                    # (google-auth's public Credentials.apply) and goes, like the batch, over
                    # the bare transport (google_auth_httplib2's AuthorizedHttp.http). So
                    # googleapiclient finds no credentials to refresh after a 401 and re-sends
                    # the part as it was, outside our retries and error mapping: it comes back
                    # as an error, to be made alone (which refreshes properly).
                    creds.apply(request.headers)
                    http = http.http
                request.http = http
                batch.add(request, request_id=str(i))
                outer = outer or http
            if outer is not None:
                self._execute(functools.partial(batch.execute, http=outer))
        return [
            results.get(str(i), errors.TransientError("no answer in batch"))
            for i in range(len(items))
        ]

    def patch(
        self,
        owner: str,
        event_id: str,
        changes: EventPatch,
        *,
        etag: str | None = None,
        write: Write = Write.CHANGE,
    ) -> CalendarEvent:
        request = self._events(owner).patch(
            calendarId="primary",
            eventId=event_id,
            body=to_google_changes(changes),
            sendUpdates=SEND_UPDATES[write],
        )
        if etag:
            request.headers["If-Match"] = etag
        return from_google(self._run(owner, request))

    def instances(
        self, owner: str, series_id: str, time_min: dt.datetime, time_max: dt.datetime
    ) -> list[CalendarEvent]:
        events = self._events(owner)
        request = events.instances(
            calendarId="primary",
            eventId=series_id,
            timeMin=_z(time_min),
            timeMax=_z(time_max),
            showDeleted=True,
            maxResults=PAGE_SIZE,
        )
        out: list[CalendarEvent] = []
        while request is not None:
            page = self._run(owner, request)
            out += [from_google(i) for i in page.get("items", [])]
            request = events.instances_next(request, page)
        return out

    def instance(
        self, owner: str, series_id: str, original_start: dt.datetime
    ) -> CalendarEvent | None:
        request = self._events(owner).instances(
            calendarId="primary",
            eventId=series_id,
            originalStart=_z(original_start),
            showDeleted=True,
        )
        items = [from_google(i) for i in self._run(owner, request).get("items", [])]
        return next((e for e in items if e.original_start == original_start), None)

    def busy(
        self, owner: str, emails: Sequence[str], time_min: dt.datetime, time_max: dt.datetime
    ) -> dict[str, BusyAnswer]:
        service = self._resource()
        out: dict[str, BusyAnswer] = {}
        for lo in range(0, len(emails), 50):
            chunk = list(emails[lo : lo + 50])
            body = {
                "timeMin": _z(time_min),
                "timeMax": _z(time_max),
                "items": [{"id": e} for e in chunk],
            }
            answer = self._run(owner, service.freebusy().query(body=body))
            for email in chunk:
                node = answer.get("calendars", {}).get(email, {})
                if node.get("errors") or not node:
                    reason = (node.get("errors") or [{"reason": "missing"}])[0].get("reason")
                    out[email] = BusyAnswer(error=str(reason))
                    continue
                spans = tuple(
                    (_parse_dt(b["start"]), _parse_dt(b["end"])) for b in node.get("busy", [])
                )
                out[email] = BusyAnswer(busy=spans)
        return out


def _list_params(token: str | None) -> dict[str, Any]:
    """``events.list`` of the primary calendar as a sync: deleted items shown, series whole."""
    params: dict[str, Any] = {
        "calendarId": "primary",
        "showDeleted": True,
        "singleEvents": False,
        "maxResults": PAGE_SIZE,
    }
    if token:
        params["syncToken"] = token
    return params


def map_error(exc: BaseException) -> Exception:
    """An error from a batch callback → the matching ``scheduler.errors`` class."""
    mapped = to_domain_error(exc)
    return mapped if isinstance(mapped, Exception) else errors.CalendarError(str(exc))
