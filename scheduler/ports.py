"""The interfaces the core needs from the outside world, in domain words.

Adapters in ``integrations`` implement them (Google Calendar, Gmail, SMTP, the outbox folder,
the keyring, the system clock) and translate vendor JSON at the edge, so the core never sees it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from scheduler.vocabulary import EmailKind, EventStatus, Response

Interval = tuple[dt.datetime, dt.datetime]
"""A half-open ``[start, end)`` span of aware UTC datetimes."""


@dataclass(frozen=True, slots=True)
class Attendee:
    email: str
    response: Response = Response.NEEDS_ACTION
    name: str = ""
    organizer: bool = False
    optional: bool = False
    resource: bool = False
    comment: str = ""  # the note a guest adds to their answer (the one field they can write)


@dataclass(frozen=True)
class EventPatch:
    """A change to one event: the fields that are set are written, the others left as they are.

    ``start`` and ``end`` are written in ``timezone`` (UTC when it is not set), so a moved
    occurrence keeps its wall clock across a DST change.
    """

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    timezone: str | None = None
    status: EventStatus | None = None
    summary: str | None = None
    description: str | None = None
    attendees: tuple[Attendee, ...] | None = None
    recurrence: tuple[str, ...] | None = None
    private: Mapping[str, str] | None = None

    def names(self) -> tuple[str, ...]:
        """The fields this patch writes."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name) is not None)

    @property
    def empty(self) -> bool:
        """Nothing to write."""
        return not self.names()


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """One event as seen on a calendar (a master, an exception, a single event or an instance).

    Times are aware UTC. ``all_day`` events carry ``start_date``/``end_date`` (end exclusive)
    and ``start``/``end`` at UTC midnight of those dates for convenience.
    """

    id: str
    status: EventStatus = EventStatus.CONFIRMED
    summary: str = ""
    description: str = ""
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    timezone: str | None = None
    all_day: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    recurrence: tuple[str, ...] = ()
    recurring_event_id: str | None = None
    original_start: dt.datetime | None = None
    transparent: bool = False
    event_type: str = "default"
    attendees: tuple[Attendee, ...] = ()
    organizer: str = ""
    private: Mapping[str, str] = field(default_factory=dict)
    etag: str = ""
    updated: dt.datetime | None = None
    ical_uid: str = ""  # shared by every occurrence of a series (iCalendar UID)
    sequence: int = 0  # iCalendar SEQUENCE: a guest's calendar keeps the highest it saw

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    def attendee(self, email: str) -> Attendee | None:
        email = email.lower()
        for a in self.attendees:
            if a.email.lower() == email:
                return a
        return None


@dataclass(frozen=True)
class SeriesSpec:
    """What a recurring 1:1 series should look like on the manager's calendar."""

    event_id: str
    summary: str
    description: str
    first_start_local: dt.datetime  # naive, in ``timezone``
    duration: dt.timedelta
    timezone: str
    recurrence: tuple[str, ...]
    attendees: tuple[Attendee, ...]
    private: Mapping[str, str]


@dataclass(frozen=True)
class Changes:
    """The result of one incremental read of a calendar."""

    events: tuple[CalendarEvent, ...]
    next_token: str
    full: bool  # True when this was a full read (first sync or after an expired token)


@dataclass(frozen=True)
class BusyAnswer:
    """Busy time of one calendar, or ``error`` when Google could not tell (treat as unknown)."""

    busy: tuple[Interval, ...] = ()
    error: str | None = None


class Write(StrEnum):
    """What a write to a calendar is for; the adapter decides from it what the guests hear from
    the calendar service itself (``integrations.google.gcal.SEND_UPDATES`` says why for each)."""

    CHANGE = "change"  # a change the guests should see and hear of (a repair, an adoption's length)
    BOOKKEEPING = "bookkeeping"  # an agenda, a description, private tags: nothing to tell
    MOVE = "move"  # one occurrence moved; the service's own notice tells the rep
    PAUSE_CANCEL = "pause-cancel"  # occurrences in a pause; the service's pause note tells the rep
    PAUSE_RESTORE = "pause-restore"  # an occurrence back when a pause is lifted or shortened
    END = "end"  # a series ends and nothing takes over (a rep or a manager was removed)
    END_REPLACED = "end-replaced"  # a series ends and a new one takes over (a schedule change)
    END_EXCEPTION = "end-exception"  # an edited occurrence after a series' end, cancelled with it


class Calendar(Protocol):
    """A calendar service acting as one owner (the manager) at a time."""

    def changes(self, owner: str, token: str | None) -> Changes:
        """Events changed since ``token`` (all events when ``token`` is None).

        Raises ``SyncTokenExpired`` when the token is no longer valid.
        """
        ...

    def first_reads(self, owners: Sequence[str]) -> dict[str, Changes]:
        """Full reads (``changes(owner, None)``) of many owners' calendars, in as few round
        trips as the API allows; an owner left out of the answer is to be read alone."""
        ...

    def get(self, owner: str, event_id: str) -> CalendarEvent | None: ...

    def create_series(self, owner: str, spec: SeriesSpec) -> CalendarEvent:
        """Create with the spec's client-chosen id; raises ``AlreadyExists`` on a duplicate id."""
        ...

    def create_many(
        self, items: Sequence[tuple[str, SeriesSpec]]
    ) -> list[CalendarEvent | Exception]:
        """Create many series, each ``(owner, spec)`` as its owner, in as few round trips as
        the API allows; one result per item, in order (an exception for each that failed)."""
        ...

    def patch(
        self,
        owner: str,
        event_id: str,
        changes: EventPatch,
        *,
        etag: str | None = None,
        write: Write = Write.CHANGE,
    ) -> CalendarEvent:
        """Apply the fields ``changes`` sets to one event (and no other).

        ``write`` says what the write is for, which decides who hears of it from Google.
        """
        ...

    def instances(
        self, owner: str, series_id: str, time_min: dt.datetime, time_max: dt.datetime
    ) -> list[CalendarEvent]: ...

    def instance(
        self, owner: str, series_id: str, original_start: dt.datetime
    ) -> CalendarEvent | None:
        """One occurrence by its original start, wherever it was moved to."""
        ...

    def busy(
        self, owner: str, emails: Sequence[str], time_min: dt.datetime, time_max: dt.datetime
    ) -> dict[str, BusyAnswer]: ...


@dataclass(frozen=True)
class Address:
    email: str
    name: str = ""


@dataclass(frozen=True)
class InlineImage:
    cid: str
    data: bytes
    subtype: str = "png"


@dataclass(frozen=True)
class CalendarPart:
    """An iCalendar (iTIP, RFC 5546) message carried by an email: ``method`` is REQUEST or
    CANCEL, ``text`` the whole ``VCALENDAR``. A calendar outside Google applies it."""

    method: str
    text: str


@dataclass(frozen=True)
class OutgoingEmail:
    """A message to deliver once. ``key`` identifies it for exactly-once bookkeeping."""

    key: str
    kind: EmailKind
    sender: Address
    to: tuple[Address, ...]
    subject: str
    text: str
    html: str
    cc: tuple[Address, ...] = ()
    reply_to: Address | None = None
    thread_key: str | None = None
    images: tuple[InlineImage, ...] = ()
    calendar: CalendarPart | None = None  # a change of the 1:1 for the recipient's calendar
    transport: str = "main"  # main | alerts: alerts may go by a path of their own


class Mailer(Protocol):
    def send(self, message: OutgoingEmail) -> str:
        """Deliver one message and return the provider's id for it."""
        ...


class SecretStore(Protocol):
    def get(self, name: str) -> str | None: ...

    def contains(self, name: str) -> bool: ...

    def set(self, name: str, value: str) -> None: ...

    def delete(self, name: str) -> None: ...


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Aware UTC."""
        ...


class Paths(Protocol):
    """What the config check may ask about the disk: each answer is a problem sentence or None.

    Resolving a config is pure; a path that is a folder where a file belongs, or a file that
    is missing, is still a config problem with a line, so the check asks through this port.
    """

    def state_problem(self, path: Path) -> str | None:
        """Why ``path`` cannot be the SQLite state file (created if missing), if it cannot."""
        ...

    def file_problem(self, path: Path) -> str | None:
        """Why ``path`` is not a readable file, if it is not."""
        ...

    def folder_problem(self, path: Path) -> str | None:
        """Why ``path`` is not a readable folder, if it is not."""
        ...
