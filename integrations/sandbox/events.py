"""Event writes: insert, patch/update, delete and RSVP, with attendee copies kept in step.

The organizer's calendar holds the source of truth; every attendee's calendar holds a copy
with the same id, derived from it (their own ``self`` flag, their own private extended
properties and reminders). Instances that were never modified are virtual: they are computed
from the master on demand and become stored exceptions the first time they are written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from integrations.sandbox import recurrence, validation
from integrations.sandbox.copies import (
    NOT_CASCADED,
    OWN_FIELDS,
    STATUSES,
    carry_statuses,
    derive,
    ext,
    html_link,
    moved,
    new_id,
    organizer_of,
    own_comment,
    own_status,
    shared_view,
)
from integrations.sandbox.errors import ApiError, bad_request, forbidden_for_non_organizer
from integrations.sandbox.notifications import Notifications
from integrations.sandbox.org import Org
from integrations.sandbox.store import Row, Store


def etag_for(seq: int) -> str:
    return f'"{3_180_000_000_000_000 + seq}"'


def attendee_emails(data: dict[str, Any]) -> set[str]:
    return {str(a.get("email", "")).lower() for a in data.get("attendees") or []}


class Events:
    """Mutations of events on behalf of a calendar's owner."""

    def __init__(
        self, store: Store, now: Callable[[], dt.datetime], org: Org | None = None
    ) -> None:
        self.store = store
        self.now = now
        self.org = org or Org()
        self.notifications = Notifications(store, self.org, now)
        self.mutations: list[dict[str, Any]] = []
        # Whether guests' answers go back to needsAction when the organizer changes the time of
        # an event or occurrence. Google does not document it (third-party reports say it
        # does), so the service must be right either way and the tests run both.
        self.reset_responses_on_time_change = True

    # -- lookup -------------------------------------------------------------------------
    def resolve(self, cal: str, event_id: str) -> dict[str, Any] | None:
        """The event as ``cal`` sees it: a stored row, or a never-written instance."""
        row = self.store.get(cal, event_id)
        if row is not None:
            return row.data
        master_id, sep, suffix = event_id.rpartition("_")
        master = self.store.get(cal, master_id) if sep else None
        if master is None or not master.data.get("recurrence"):
            return None
        occurrence = recurrence.occurrence_for(master.data, suffix)
        if occurrence is None:
            return None
        return recurrence.make_instance(master.data, occurrence)

    def get(self, cal: str, event_id: str) -> dict[str, Any]:
        found = self.resolve(cal, event_id)
        if found is None:
            raise ApiError(404, "notFound", "Not Found")
        return recurrence.clone(found)

    # -- writes -------------------------------------------------------------------------
    def insert(
        self, cal: str, body: dict[str, Any], send_updates: str | None = None
    ) -> dict[str, Any]:
        data = recurrence.clone(body)
        event_id = str(data.get("id") or new_id())
        validation.check_id(event_id)
        if self.store.get(cal, event_id) is not None:
            raise ApiError(409, "duplicate", "The requested identifier already exists.")
        validation.check_times(data)
        validation.check_event_type(data)
        for key in validation.READ_ONLY:
            data.pop(key, None)
        stamp = recurrence.format_stamp(self.now())
        data.update(
            kind="calendar#event",
            id=event_id,
            created=stamp,
            updated=stamp,
            htmlLink=html_link(event_id, cal),
            iCalUID=f"{event_id}@google.com",
            organizer={"email": cal, "self": True},
            creator={"email": cal, "self": True},
        )
        data.setdefault("status", "confirmed")
        data.setdefault("sequence", 0)
        data.setdefault("eventType", "default")
        data.setdefault("reminders", {"useDefault": True})
        self._check_status(data)
        data["attendees"] = validation.normalize_attendees(data.get("attendees"), cal)
        if not data["attendees"]:
            del data["attendees"]
        self._save(cal, data, None)
        self._record("insert", cal, event_id, send_updates)
        created = self.get(cal, event_id)
        self.notifications.record(cal, None, created, send_updates)
        return created

    def modify(
        self,
        cal: str,
        event_id: str,
        body: dict[str, Any],
        *,
        replace: bool,
        if_match: str | None = None,
        send_updates: str | None = None,
    ) -> dict[str, Any]:
        current = self._current(cal, event_id, if_match)
        proposed = self._proposed(current, body, replace)
        if organizer_of(current) != cal:
            self._attendee_modify(cal, current, proposed)
            self._record("update" if replace else "patch", cal, event_id, send_updates)
            return self.get(cal, event_id)
        self._organizer_modify(cal, current, proposed)
        self._record("update" if replace else "patch", cal, event_id, send_updates)
        changed = self.get(cal, event_id)
        self.notifications.record(cal, current, changed, send_updates)
        return changed

    def delete(
        self,
        cal: str,
        event_id: str,
        *,
        if_match: str | None = None,
        send_updates: str | None = None,
    ) -> None:
        current = self._current(cal, event_id, if_match)
        if current.get("status") == "cancelled":
            raise ApiError(410, "deleted", "Resource has been deleted")
        if organizer_of(current) != cal:
            self.respond(cal, event_id, "declined")
            self._hide(cal, event_id)
        else:
            cancelled = recurrence.clone(current)
            cancelled["status"] = "cancelled"
            cancelled["updated"] = recurrence.format_stamp(self.now())
            self._save(cal, cancelled, current)
            if current.get("recurrence"):
                self._cancel_exceptions(cal, event_id)
            self.notifications.record(cal, current, cancelled, send_updates)
        self._record("delete", cal, event_id, send_updates)

    def respond(
        self, cal: str, event_id: str, status: str, comment: str | None = None
    ) -> dict[str, Any]:
        """``cal`` answers the invitation; on an instance id this writes an exception.

        ``comment`` is the note a guest may add to the answer (EventAttendee.comment, "The
        attendee's response comment", developers.google.com/workspace/calendar/api/v3/
        reference/events): it is part of the response, so it reaches the organizer's copy with
        it; "" clears it, None leaves it as it was.
        """
        if status not in validation.RESPONSE_STATUSES:
            raise bad_request("Invalid attendee response status.")
        mine = self.get(cal, event_id)
        organizer = organizer_of(mine)
        source = self.resolve(organizer, event_id)
        if source is None:
            raise ApiError(404, "notFound", "Not Found")
        updated = recurrence.clone(source)
        entries = [a for a in updated.get("attendees") or [] if a.get("email") == cal]
        if not entries:
            raise bad_request(f"{cal} is not an attendee of this event.")
        entries[0]["responseStatus"] = status
        if comment:
            entries[0]["comment"] = comment
        elif comment is not None:
            entries[0].pop("comment", None)
        updated["updated"] = recurrence.format_stamp(self.now())
        self._save(organizer, updated, source)
        return self.get(cal, event_id)

    # -- internals ----------------------------------------------------------------------
    def _current(self, cal: str, event_id: str, if_match: str | None) -> dict[str, Any]:
        current = self.get(cal, event_id)
        if if_match and if_match.strip() not in ("*", current.get("etag")):
            raise ApiError(412, "conditionNotMet", "Precondition Failed")
        return current

    @staticmethod
    def _proposed(current: dict[str, Any], body: dict[str, Any], replace: bool) -> dict[str, Any]:
        proposed = recurrence.clone(body) if replace else validation.merge(current, body)
        for key in (*validation.READ_ONLY, "id", "eventType"):
            proposed.pop(key, None)
            if key in current:
                proposed[key] = recurrence.clone(current[key])
        if current.get("recurringEventId"):
            proposed.pop("recurrence", None)
        return proposed

    def _organizer_modify(self, cal: str, current: dict[str, Any], new: dict[str, Any]) -> None:
        validation.check_times(new)
        self._check_status(new)
        new["attendees"] = validation.normalize_attendees(new.get("attendees"), cal)
        if not new["attendees"]:
            del new["attendees"]
        if any(new.get(k) != current.get(k) for k in ("start", "end", "recurrence")):
            new["sequence"] = int(current.get("sequence", 0)) + 1
        if self.reset_responses_on_time_change and moved(current, new):
            for entry in new.get("attendees") or []:
                if entry.get("email") != cal:
                    entry["responseStatus"] = "needsAction"
        new["updated"] = recurrence.format_stamp(self.now())
        self._save(cal, new, current)
        if current.get("recurrence"):
            self._cascade(cal, current, new)

    def _cascade(self, cal: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        """Carry a series edit into its exceptions wherever they still hold the old value
        (a moved or RSVP'd occurrence keeps what was changed on it, gains the rest)."""
        keys = (set(old) | set(new)) - NOT_CASCADED
        changed = sorted(k for k in keys if old.get(k) != new.get(k))
        if not changed:
            return
        for row in list(self.store.rows(cal).values()):
            exception = row.data
            if exception.get("recurringEventId") != new["id"]:
                continue
            if exception.get("status") == "cancelled":
                continue
            updated = recurrence.clone(exception)
            for key in changed:
                if key == "attendees" and attendee_emails(exception) == attendee_emails(old):
                    updated["attendees"] = carry_statuses(new.get("attendees"), exception)
                elif key != "attendees" and exception.get(key) == old.get(key):
                    updated.pop(key, None)
                    if key in new:
                        updated[key] = recurrence.clone(new[key])
            if updated != exception:
                updated["updated"] = new["updated"]
                if not updated.get("attendees"):
                    updated.pop("attendees", None)
                self._save(cal, updated, exception)

    def _attendee_modify(self, cal: str, current: dict[str, Any], proposed: dict[str, Any]) -> None:
        if shared_view(current, cal) != shared_view(proposed, cal):
            raise forbidden_for_non_organizer()
        wanted = own_status(proposed, cal)
        note = own_comment(proposed, cal)
        if wanted is not None and (
            wanted != own_status(current, cal) or note != own_comment(current, cal)
        ):
            self.respond(cal, current["id"], wanted, note)
        mine = recurrence.clone(self.resolve(cal, current["id"]) or current)
        for key in OWN_FIELDS:
            mine.pop(key, None)
            if key in proposed:
                mine[key] = proposed[key]
        private = (proposed.get("extendedProperties") or {}).get("private")
        shared = (mine.get("extendedProperties") or {}).get("shared")
        mine["extendedProperties"] = ext(shared, private or {})
        mine["updated"] = recurrence.format_stamp(self.now())
        self._put(cal, mine, hidden=False)

    def _save(self, organizer: str, data: dict[str, Any], old: dict[str, Any] | None) -> None:
        """Store the organizer's version and bring every attendee copy in line with it."""
        data["organizer"] = {"email": organizer, "self": True}
        for entry in data.get("attendees") or []:
            entry.pop("self", None)
            if entry.get("email") == organizer:
                entry["self"] = True
        self._put(organizer, data, hidden=False)
        current = attendee_emails(data) - {organizer}
        for email in sorted(current):
            if not self.org.has_google_calendar(email):
                continue  # no Google calendar: they only get Google's emails
            existing = self.store.get(email, data["id"])
            if existing is not None and organizer_of(existing.data) not in ("", organizer):
                continue  # that address owns a different event with this id
            copy_ = derive(data, email, existing.data if existing else None)
            hidden = existing.hidden if existing else False
            if hidden:
                copy_["status"] = "cancelled"
            self._put(email, copy_, hidden=hidden)
        removed = attendee_emails(old or {}) - current - {organizer}
        for email in sorted(removed):
            existing = self.store.get(email, data["id"])
            if existing is not None and existing.data.get("status") != "cancelled":
                gone = recurrence.clone(existing.data)
                gone["status"] = "cancelled"
                self._put(email, gone, hidden=existing.hidden)

    def _put(self, cal: str, data: dict[str, Any], *, hidden: bool) -> None:
        seq = self.store.next_seq()
        data["etag"] = etag_for(seq)
        self.store.put(cal, data["id"], Row(data, seq, hidden))

    def _hide(self, cal: str, event_id: str) -> None:
        data = recurrence.clone(self.resolve(cal, event_id) or {})
        if data:
            data["status"] = "cancelled"
            self._put(cal, data, hidden=True)

    def _cancel_exceptions(self, cal: str, master_id: str) -> None:
        for row in list(self.store.rows(cal).values()):
            data = row.data
            if data.get("recurringEventId") == master_id and data.get("status") != "cancelled":
                gone = recurrence.clone(data)
                gone["status"] = "cancelled"
                self._save(cal, gone, data)

    @staticmethod
    def _check_status(data: dict[str, Any]) -> None:
        if data.get("status", "confirmed") not in STATUSES:
            raise bad_request("Invalid event status.")

    def _record(self, method: str, cal: str, event_id: str, send_updates: str | None) -> None:
        self.mutations.append(
            {
                "method": f"calendar.events.{method}",
                "calendarId": cal,
                "eventId": event_id,
                "sendUpdates": send_updates,
            }
        )
        del self.mutations[:-10_000]
