"""The words the ports speak in, as string enums: what a calendar, a pass and an outbox say.

Each was a plain string with its allowed values in a comment; an enum names them once, and a
typo is a type error instead of a branch that never runs. They are ``StrEnum``s, so they equal,
print and store as the very strings Google, the state file and the templates already use.
"""

from __future__ import annotations

from enum import StrEnum


class EventStatus(StrEnum):
    """An event's ``status`` in Google Calendar."""

    CONFIRMED = "confirmed"
    TENTATIVE = "tentative"
    CANCELLED = "cancelled"


class Response(StrEnum):
    """An attendee's ``responseStatus`` in Google Calendar."""

    NEEDS_ACTION = "needsAction"
    DECLINED = "declined"
    TENTATIVE = "tentative"
    ACCEPTED = "accepted"


class BumpKind(StrEnum):
    """Why an occurrence cannot stay where it is."""

    DELETED = "deleted"
    OUT_OF_OFFICE = "out_of_office"
    HOLIDAY = "holiday"
    DECLINED = "declined"
    CONFLICT = "conflict"


class EmailKind(StrEnum):
    """Which email a message is (the outbox's ``kind`` column)."""

    PREP = "prep"
    MOVE = "move"
    RECAP = "recap"
    REMINDER = "reminder"
    ALERT = "alert"
    NOTE = "note"
    DIGEST = "digest"


class Result(StrEnum):
    """What became of an action: the audit's ``result`` column."""

    DONE = "done"
    SKIPPED = "skipped"
    FAILED = "failed"
    PLANNED = "planned"
