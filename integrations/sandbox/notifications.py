"""The emails Google itself sends to guests when an organizer writes an event.

The service's own emails are only half of what lands in a rep's inbox: every write it makes with
``sendUpdates`` other than ``none`` makes Google send an invitation, an "Updated invitation" or a
cancellation too. The reference says of ``sendNotifications`` (the deprecated twin of
``sendUpdates``): "Whether to send notifications about the event update (for example, description
changes, etc.)", and of ``sendUpdates``: ``all`` — "Notifications are sent to all guests",
``externalOnly`` — "Notifications are sent to non-Google Calendar guests only", ``none`` — "No
notifications are sent" (developers.google.com/workspace/calendar/api/v3/reference/events/patch,
…/insert, …/delete). When the parameter is left out no notification is sent (the deprecated
``sendNotifications`` defaults to false).

So the sandbox records one message per guest for each organizer write: never to the organizer
(the caller), never to a resource, and with ``externalOnly`` only to guests without a Google
calendar, as the reference words it: a guest on Google Calendar, in the organizer's organisation
or in another one, gets no email and sees the change in their own calendar copy. Each record
carries a snapshot of the event as the guest's mail shows it, so a test can rebuild what the
calendar of a guest without Google Calendar shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from integrations.sandbox.org import Org
from integrations.sandbox.store import Store

# What a guest sees of an event: a change to any of these is worth Google's "Updated invitation".
_VISIBLE = ("summary", "description", "location", "start", "end", "recurrence", "conferenceData")
_SNAPSHOT = (
    "id", "iCalUID", "sequence", "status", "summary", "description", "location", "start", "end",
    "recurrence", "recurringEventId", "originalStartTime",
)  # fmt: skip
SEND_UPDATES = frozenset({"all", "externalOnly", "none"})


def guests(data: dict[str, Any] | None) -> set[str]:
    """The people invited to an event, organizer and resources left out."""
    if not data:
        return set()
    organizer = str((data.get("organizer") or {}).get("email", ""))
    return {
        str(a.get("email", "")).lower()
        for a in data.get("attendees") or []
        if a.get("email") and not a.get("resource") and a.get("email") != organizer
    }


def _live(data: dict[str, Any] | None) -> bool:
    return bool(data) and (data or {}).get("status") != "cancelled"


def messages_for(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> list[tuple[str, str]]:
    """(guest, kind) for one organizer write, kind being invitation, update or cancellation."""
    old = guests(before) if _live(before) else set()
    new = guests(after) if _live(after) else set()
    out = [(g, "invitation") for g in sorted(new - old)]
    out += [(g, "cancellation") for g in sorted(old - new)]
    if (
        before is not None
        and after is not None
        and any(before.get(k) != after.get(k) for k in _VISIBLE)
    ):
        out += [(g, "update") for g in sorted(old & new)]
    return out


class Notifications:
    def __init__(self, store: Store, org: Org, now: Callable[[], dt.datetime]) -> None:
        self.store, self.org, self.now = store, org, now

    def record(
        self,
        organizer: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        send_updates: str | None,
    ) -> None:
        if send_updates not in ("all", "externalOnly"):
            return
        source = after if after is not None else before
        assert source is not None
        snapshot = {k: source[k] for k in _SNAPSHOT if k in source}
        for guest, kind in messages_for(before, after):
            if send_updates == "externalOnly" and self.org.has_google_calendar(guest):
                continue  # "non-Google Calendar guests only"
            self.store.add_notification(
                {
                    "to": guest,
                    "from": organizer,
                    "kind": kind,
                    "sendUpdates": send_updates,
                    "at": self.now().astimezone(dt.UTC).isoformat(),
                    "event": snapshot,
                }
            )

    def received(self, user: str | None) -> list[dict[str, Any]]:
        return [
            dict(n) for n in self.store.notifications if user is None or n["to"] == user.lower()
        ]
