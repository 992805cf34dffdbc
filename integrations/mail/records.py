"""What the send-once outbox keeps in SQLite, and the values it hands back.

Split from ``deliveries`` so the state machine reads on its own: here are the JSON
form of a queued message (the whole ``OutgoingEmail``, images base64, so a restart sends it
unchanged), the row and report types, and the Gmail thread-id store that lives in the same file.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field

from scheduler.ports import Address, CalendarPart, InlineImage, OutgoingEmail


def ts(when: dt.datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("deliveries need aware datetimes")
    return when.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _addr(a: Address | None) -> dict[str, str] | None:
    return None if a is None else {"email": a.email, "name": a.name}


def to_payload(msg: OutgoingEmail) -> str:
    """The whole message as JSON (images base64), so a restart can send it unchanged."""
    return json.dumps(
        {
            "key": msg.key,
            "kind": msg.kind,
            "sender": _addr(msg.sender),
            "to": [_addr(a) for a in msg.to],
            "cc": [_addr(a) for a in msg.cc],
            "reply_to": _addr(msg.reply_to),
            "subject": msg.subject,
            "text": msg.text,
            "html": msg.html,
            "thread_key": msg.thread_key,
            "transport": msg.transport,
            "images": [
                {
                    "cid": i.cid,
                    "subtype": i.subtype,
                    "data": base64.b64encode(i.data).decode("ascii"),
                }
                for i in msg.images
            ],
            **(
                {"calendar": {"method": msg.calendar.method, "text": msg.calendar.text}}
                if msg.calendar is not None
                else {}
            ),
        },
        ensure_ascii=False,
    )


def from_payload(payload: str) -> OutgoingEmail:
    d = json.loads(payload)
    return OutgoingEmail(
        key=d["key"],
        kind=d["kind"],
        sender=Address(**d["sender"]),
        to=tuple(Address(**a) for a in d["to"]),
        cc=tuple(Address(**a) for a in d["cc"]),
        reply_to=Address(**d["reply_to"]) if d["reply_to"] else None,
        subject=d["subject"],
        text=d["text"],
        html=d["html"],
        thread_key=d["thread_key"],
        transport=d.get("transport", "main"),
        images=tuple(
            InlineImage(cid=i["cid"], subtype=i["subtype"], data=base64.b64decode(i["data"]))
            for i in d["images"]
        ),
        calendar=CalendarPart(**d["calendar"]) if d.get("calendar") else None,
    )


@dataclass(frozen=True)
class DeliveryRow:
    key: str
    kind: str
    sender: str
    recipient: str
    state: str
    attempts: int
    not_before: str
    created_at: str
    sent_at: str | None
    provider_id: str | None
    thread_key: str | None
    last_error: str | None


@dataclass(frozen=True)
class ParkedSender:
    sender: str
    until: dt.datetime
    reason: str  # "usage limit" | "credentials"
    error: str


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    parked: list[ParkedSender] = field(default_factory=list)  # newly parked: alert once
    waiting: int = 0  # due rows held back by pacing, the daily budget or a parked sender

    @property
    def ok(self) -> bool:
        return not self.failed and not self.parked and not self.dropped


class SqliteThreads:
    """The ``ThreadStore`` of ``GmailMailer``, kept in the ``threads`` table."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn  # from ``state.db.connect``, which made the table

    def get(self, sender: str, thread_key: str) -> str | None:
        row = self._conn.execute(
            "SELECT provider_thread_id FROM threads WHERE sender = ? AND thread_key = ?",
            (sender.lower(), thread_key),
        ).fetchone()
        return None if row is None else str(row[0])

    def put(self, sender: str, thread_key: str, thread_id: str) -> None:
        with self._conn:
            self._conn.execute(
                "INSERT INTO threads VALUES (?, ?, ?) ON CONFLICT (sender, thread_key) "
                "DO UPDATE SET provider_thread_id = excluded.provider_thread_id",
                (sender.lower(), thread_key, thread_id),
            )
